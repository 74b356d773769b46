"""A command run beside the open window, when something in the window's process opened and closed the
database file outside SQLite (a file dialog guessing its type, a hash, a copy).

POSIX record locks belong to the process and the file: closing any descriptor of ``teleavis.db`` drops
every lock the window's SQLite held on it. A command closing its connection then took the base alone,
believed itself the last one, checkpointed and deleted the ``-wal`` and ``-shm`` files under the window:
the window went on writing into deleted files, no longer saw what commands wrote, and its base was found
« malformed » (a tester's session, 14:13:09). Now no connection deletes them at its close.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import types
from pathlib import Path

import pytest

from app.db import DB_FILE
from app.store import Store


def _command(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "app.main", *args], capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_command_beside_the_window_leaves_its_base_whole_after_a_file_of_it_was_opened_outside_sqlite(
    teleavis_home: Path,
) -> None:
    db = teleavis_home / DB_FILE
    window = Store.open(teleavis_home)
    try:
        window.settings.set("lock.minutes", 5)
        # What Qt's file dialog does in the window's process when it shows the data folder (seen with strace:
        # QMimeDatabase reading each file's first bytes to name its type): open, read, close.
        for name in (DB_FILE, DB_FILE + "-wal", DB_FILE + "-shm"):
            os.close(os.open(teleavis_home / name, os.O_RDONLY))

        _command("config", "set", "sync.interval_s", "60")

        assert db.with_name(DB_FILE + "-wal").exists()
        assert db.with_name(DB_FILE + "-shm").exists()
        for minutes in range(6, 40):  # the window goes on writing
            window.settings.set("lock.minutes", minutes)
        _command("config", "set", "sync.interval_s", "90")
        # The window sees what the command wrote, and the command what the window wrote.
        assert window.settings.get("sync.interval_s") == 90
        assert _command("config", "get", "lock.minutes") == "39"
        assert window.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        window.close()
    assert _command("config", "get", "lock.minutes") == "39"
    assert _command("config", "get", "sync.interval_s") == "90"
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("implementation", types.SimpleNamespace(name="pypy", cache_tag=None)), ("version_info", (3, 15, 0, "final", 0))],
)
def test_the_wal_is_kept_only_where_the_connections_handle_can_be_read_safely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, attribute: str, value: object
) -> None:
    """``keep_wal_at_close`` reads SQLite's handle at ``id(conn)`` + the object header: an address on
    CPython only. On another Python (PyPy: ``id`` is no address) that read would land anywhere, and
    SQLite, given what it found there, crash the process: nothing is read and a warning says so, and
    the connection closes as SQLite always did; so on a CPython whose connection layout was not read. A
    closed connection has no handle: nothing is done."""
    from app import db

    base = tmp_path / DB_FILE
    closed = db.connect(base)
    closed.execute("CREATE TABLE t (x)")
    closed.close()
    assert base.with_name(DB_FILE + "-wal").exists()
    assert db.keep_wal_at_close(closed, base) is False  # (its handle is NULL once closed)
    for name in ("-wal", "-shm"):
        base.with_name(DB_FILE + name).unlink()

    monkeypatch.setattr(sys, attribute, value)
    with caplog.at_level(logging.WARNING, logger="app.db"):
        conn = db.connect(base)
        conn.execute("INSERT INTO t VALUES (1)")
        conn.close()
    assert "WAL cannot be kept" in caplog.text
    assert not base.with_name(DB_FILE + "-wal").exists()  # SQLite's own behaviour, untouched
