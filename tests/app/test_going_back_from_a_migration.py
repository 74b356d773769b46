"""Going back from a migration's fault, as the maintainer guide says: the snapshot taken before it, sealed
under the data key, is opened with the key while the migration still fails (Teleavis cannot start)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.errors import StorageError
from app.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _guide_command() -> str:
    guide = (ROOT / "docs" / "maintainer-guide.md").read_text(encoding="utf-8")
    found = re.search(r"To go back from a migration's fault.*?`python -c \"(.*?)\"`", guide, re.S)
    assert found, "the maintainer guide says how to go back from a migration's fault"
    return " ".join(found.group(1).split())


def test_the_guide_opens_the_snapshot_of_a_migration_that_keeps_failing(teleavis_home: Path) -> None:
    from app.crypto import DataKey
    from app.db import connect
    from tests.app.test_what_the_file_tells import _facts_case
    from tests.sync.sync_helpers import jpeg

    with Store.open(teleavis_home) as store:
        key_bytes = store.key._key
        store.conn.execute("PRAGMA user_version = 24")
    conn = connect(teleavis_home / "teleavis.db")
    case_id = _facts_case(Store(teleavis_home, DataKey(key_bytes), conn), jpeg(320, 240, seed=7, noise=True))
    # The next migration fails at every start, as a migration's fault does.
    conn.execute("CREATE TRIGGER fault BEFORE UPDATE ON images BEGIN SELECT RAISE(ABORT, 'a fault'); END")
    conn.close()
    with pytest.raises((StorageError, sqlite3.Error)):
        Store.open(teleavis_home).close()
    (snapshot,) = teleavis_home.glob("teleavis.db.v24-*.bak")
    back = teleavis_home.parent / "back.db"

    command = _guide_command().replace("SNAPSHOT.bak", str(snapshot)).replace("back.db", str(back))
    done = subprocess.run(
        [sys.executable, "-c", command], cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with sqlite3.connect(back) as copy:
        assert copy.execute("PRAGMA user_version").fetchone()[0] == 24
        assert copy.execute("SELECT id FROM cases").fetchall() == [(case_id,)]
    copy.close()
