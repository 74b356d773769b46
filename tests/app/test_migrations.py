from __future__ import annotations

import sqlite3
from pathlib import Path

from app.db import MIGRATIONS, connect, migrate, schema_version
from app.store import Store
from tests.support.images import jpeg_bytes, skin_photo


def _add_colour_column(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE cases ADD COLUMN colour TEXT NOT NULL DEFAULT 'blue'")


def test_a_version_1_database_opens_under_a_later_version(teleavis_home: Path) -> None:
    from app.model import Case, CaseImage, Patient
    from app.store import NewImage

    with Store.open(teleavis_home) as store:
        case = Case(question="Q", patient=Patient(family="A", given=["B"], local_id="1"))
        image = NewImage(CaseImage(), jpeg_bytes(skin_photo(200, 150)))
        case_id = store.create_case(case, [image])
        assert schema_version(store.conn) == 1
    db_path = teleavis_home / "teleavis.db"
    conn = connect(db_path)
    try:
        assert migrate(conn, db_path, [*MIGRATIONS, _add_colour_column]) == 2
        assert conn.execute("SELECT colour FROM cases WHERE id=?", (case_id,)).fetchone()[0] == "blue"
    finally:
        conn.close()
    backups = list(teleavis_home.glob("teleavis.db.v1-*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as copy:
        assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
        assert copy.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 1
    copy.close()


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
