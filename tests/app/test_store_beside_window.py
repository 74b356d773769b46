"""A command run beside the open window, when something in the window's process opened and closed the
database file outside SQLite (a file dialog guessing its type, a hash, a copy).

POSIX record locks belong to the process and the file: closing any descriptor of ``teleavis.db`` drops
every lock the window's SQLite held on it. A command closing its connection then took the base alone,
believed itself the last one, checkpointed and deleted the ``-wal`` and ``-shm`` files under the window:
the window went on writing into deleted files, no longer saw what commands wrote, and its base was found
« malformed » (a tester's session, 14:13:09). Now no connection deletes them at its close.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

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
