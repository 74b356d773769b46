"""Two windows of the same user at once, on two data folders (the real one and a training one, two
TELEAVIS_HOME: one window per data folder only): the second's start purged this user's private folders
and deleted the decrypted files the first had in use (the expert's report open in the viewer, a letter
being printed). A start now deletes only what no running Teleavis process owns."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.cli import ROOT

#: The app's private files as a process of its own writes them; MEMORY_FOLDER points nowhere (not the
#: machine's /dev/shm, another run's), so only this test's folders are used.
PREFIX = "import pathlib, sys, app.private_files as p\np.MEMORY_FOLDER = pathlib.Path(sys.argv[1])\n"
#: A window holding the expert's report open: writes it, says where, and stays until killed.
HOLDS_A_REPORT = PREFIX + (
    "path = p.write_private('reponse-48de3da6.pdf', b'%PDF-1.7 MARTIN Paul')\n"
    "print(path, flush=True)\n"
    "sys.stdin.read()\n"
)
#: Another window starting (ui/application.py's _run): purges what earlier runs left.
STARTS = PREFIX + "print(p.purge_leftovers())\n"


def _env(tmp_path: Path) -> dict[str, str]:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    temp = tmp_path / "temp"
    temp.mkdir(mode=0o700, exist_ok=True)
    return {**os.environ, "PYTHONPATH": str(ROOT), "XDG_RUNTIME_DIR": str(runtime), "TMPDIR": str(temp)}


def _start_another_window(tmp_path: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", STARTS, str(tmp_path / "no-shared-memory")],
        env=_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(done.stdout.strip())


def test_a_window_starting_leaves_the_files_another_running_window_uses(tmp_path: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", HOLDS_A_REPORT, str(tmp_path / "no-shared-memory")],
        env=_env(tmp_path),
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as first:
        try:
            assert first.stdout is not None
            report = Path(first.stdout.readline().strip())
            assert report.read_bytes() == b"%PDF-1.7 MARTIN Paul"
            assert report.is_relative_to(tmp_path / "runtime")

            assert _start_another_window(tmp_path) == 0
            assert report.read_bytes() == b"%PDF-1.7 MARTIN Paul", "the first window's report was deleted"
        finally:
            first.kill()  # a crash: no exit's clean-up (SIGKILL)
            first.wait(timeout=60)
    assert report.exists()  # left by the crash...

    assert _start_another_window(tmp_path) == 1  # ...and deleted at the next start
    assert not report.exists()
    assert [p for p in (tmp_path / "runtime").rglob("*") if not p.is_dir()] == []
