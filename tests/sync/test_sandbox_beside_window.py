"""The training sandbox's base (``sandbox/sandbox.sqlite3`` in the data folder), open in the window and in a
command beside it: each runs its own simulated platform on the same file. As the requester's base
(``tests/app/test_store_beside_window.py``), its ``-wal`` and ``-shm`` must outlive a connection closing
last as far as the locks say: when something in the window's process had opened and closed one of its
files outside SQLite (a file dialog, a copy), its POSIX locks were gone, and the command deleted the WAL
the window was writing into."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.crypto import DataKey
from sync.sandbox.storage import DATABASE
from sync.sandbox.storage import Store as SandboxStore

ROOT = Path(__file__).resolve().parents[2]
_CHILD = """
import sys
from pathlib import Path
from app.crypto import DataKey
from sync.sandbox.storage import Store
Store(Path(sys.argv[1]), DataKey(bytes.fromhex(sys.argv[2]))).close()
"""


def test_a_command_beside_the_window_leaves_the_sandboxs_wal_in_place(tmp_path: Path) -> None:
    raw = os.urandom(32)
    folder = tmp_path / "sandbox"
    window = SandboxStore(folder, DataKey(raw))
    try:
        # The window's own files, not new ones of the same names: the command's first look at the base (is it
        # sealed under this key?) closed a plain connection, which deleted them, and its next made new ones.
        own = {name: os.open(folder / name, os.O_RDONLY) for name in (DATABASE + "-wal", DATABASE + "-shm")}
        for name in (DATABASE, DATABASE + "-wal", DATABASE + "-shm"):  # read outside SQLite, then closed
            os.close(os.open(folder / name, os.O_RDONLY))
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(folder), raw.hex()],
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert (folder / (DATABASE + "-wal")).exists()
        assert (folder / (DATABASE + "-shm")).exists()
        assert {name: os.fstat(fd).st_nlink for name, fd in own.items()} == dict.fromkeys(own, 1), "deleted"
        assert {name: os.stat(folder / name).st_ino for name in own} == {
            n: os.fstat(fd).st_ino for n, fd in own.items()
        }
        for fd in own.values():
            os.close(fd)
    finally:
        window.close()
