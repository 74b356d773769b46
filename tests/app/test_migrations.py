from __future__ import annotations

import sqlite3
from pathlib import Path

from app.db import MIGRATIONS, connect, migrate, schema_version
from app.store import Store
from tests.support.images import jpeg_bytes, skin_photo


def _add_colour_column(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE cases ADD COLUMN colour TEXT NOT NULL DEFAULT 'blue'")


def test_a_version_1_database_opens_under_a_later_version(teleavis_home: Path) -> None:
    from app.keystore import KeyStore
    from app.model import Case, CaseImage, Patient
    from app.store import NewImage

    # A data directory as the first release left it: schema version 1.
    teleavis_home.mkdir(parents=True)
    key = KeyStore(teleavis_home).create()
    db_path = teleavis_home / "teleavis.db"
    conn = connect(db_path)
    assert migrate(conn, db_path, MIGRATIONS[:1]) == 1
    old = Store(teleavis_home, key, conn)
    case = Case(question="Q", patient=Patient(family="A", given=["B"], local_id="1"))
    case_id = old.create_case(case, [NewImage(CaseImage(), jpeg_bytes(skin_photo(200, 150)))])
    old.close()

    # Today's code migrates it (backing it up first) and reads the case.
    with Store.open(teleavis_home) as store:
        assert schema_version(store.conn) == len(MIGRATIONS)
        assert store.get_case(case_id).question == "Q"
        assert store.unread_count() == 0
        assert store.counts() == {"draft": 1}  # the state counts of migration 3 start from the cases there
    backups = list(teleavis_home.glob("teleavis.db.v1-*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as copy:
        assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
        assert copy.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 1
    copy.close()

    # And a later migration of tomorrow's code applies on top, keeping the data.
    conn = connect(db_path)
    try:
        assert migrate(conn, db_path, [*MIGRATIONS, _add_colour_column]) == len(MIGRATIONS) + 1
        assert conn.execute("SELECT colour FROM cases WHERE id=?", (case_id,)).fetchone()[0] == "blue"
    finally:
        conn.close()


def test_a_database_from_a_newer_version_is_refused(teleavis_home: Path) -> None:
    import pytest

    from app.errors import StorageError

    Store.open(teleavis_home).close()
    with sqlite3.connect(teleavis_home / "teleavis.db") as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StorageError) as refused:
        Store.open(teleavis_home)
    assert "plus récente" in refused.value.message
