"""Two windows of the same user at once, on two data folders (the real one and a training one, two
TELEAVIS_HOME: one window per data folder only): the second's start purged this user's private folders
and deleted the decrypted files the first had in use (the expert's report open in the viewer, a letter
being printed). A start now deletes only what no running Teleavis process owns."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import ROOT

#: The app's private files as a process of its own writes them; MEMORY_FOLDER points nowhere (not the
#: machine's /dev/shm, another run's), so only this test's folders are used.
PREFIX = "import pathlib, sys, app.private_files as p\np.MEMORY_FOLDER = pathlib.Path(sys.argv[1])\n"
#: A window holding the expert's report open in the viewer and printing the letter: writes both (the
#: letter as Qt spools it, in the temp folder printing names), says where, and stays until killed.
HOLDS_A_REPORT = PREFIX + (
    "path = p.write_private('reponse-48de3da6.pdf', b'%PDF-1.7 MARTIN Paul')\n"
    "with p.temp_folder_for_printing() as spool:\n"
    "    (spool / 'qt_temp.pdf').write_bytes(b'%PDF-1.7 MARTIN Paul')\n"
    "    print(path, spool / 'qt_temp.pdf', flush=True)\n"
    "    sys.stdin.read()\n"
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
            written = [Path(name) for name in first.stdout.readline().split()]
            assert len(written) == 2 and all(path.is_relative_to(tmp_path / "runtime") for path in written)

            assert _start_another_window(tmp_path) == 0
            assert [path.read_bytes() for path in written] == [b"%PDF-1.7 MARTIN Paul"] * 2, (
                "the first window's report or letter was deleted"
            )
        finally:
            first.kill()  # a crash: no exit's clean-up (SIGKILL)
            first.wait(timeout=60)
    assert all(path.exists() for path in written)  # left by the crash...

    assert _start_another_window(tmp_path) == 2  # ...and deleted at the next start
    assert not any(path.exists() for path in written)
    assert [p for p in (tmp_path / "runtime").rglob("*") if not p.is_dir()] == []


@pytest.mark.skipif(os.name == "nt", reason="flock: POSIX")
@pytest.mark.parametrize("moment", ["folder made", "lock file made"])
def test_a_start_purging_while_a_process_makes_its_folder_takes_nothing_it_then_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    """Another window starting just as this process makes its folder (made, its lock not yet locked): that
    purge finds a folder no process holds and deletes it. This process then makes another, and what it
    writes is never in a folder a purge may take."""
    import fcntl
    import tempfile

    from app import private_files

    env = _env(tmp_path)
    monkeypatch.setenv("XDG_RUNTIME_DIR", env["XDG_RUNTIME_DIR"])
    monkeypatch.setattr(tempfile, "tempdir", env["TMPDIR"])
    monkeypatch.setattr(private_files, "MEMORY_FOLDER", tmp_path / "no-shared-memory")
    purges: list[int] = []
    real_mkdir, real_flock = os.mkdir, fcntl.flock

    def purge_once() -> None:
        if not purges:  # (the first time only: then this process goes its way)
            purges.append(_start_another_window(tmp_path))

    def mkdir_then_purge(path: object, mode: int = 0o777) -> None:
        real_mkdir(path, mode)  # type: ignore[arg-type]
        if moment == "folder made" and Path(str(path)).parent.name.startswith("teleavis-"):
            purge_once()

    def purge_then_flock(fd: int, operation: int) -> None:
        if moment == "lock file made":
            purge_once()
        real_flock(fd, operation)

    monkeypatch.setattr(os, "mkdir", mkdir_then_purge)
    monkeypatch.setattr(fcntl, "flock", purge_then_flock)
    report = private_files.write_private("reponse-48de3da6.pdf", b"%PDF-1.7 MARTIN Paul")
    monkeypatch.setattr(os, "mkdir", real_mkdir)
    monkeypatch.setattr(fcntl, "flock", real_flock)
    try:
        assert purges == [0]  # it ran, and deleted no file
        assert _start_another_window(tmp_path) == 0  # the folder written in is held...
        assert report.read_bytes() == b"%PDF-1.7 MARTIN Paul"
        folders = [path for path in report.parent.parent.iterdir()]
        assert folders == [report.parent]  # ...and the one the purge took is gone
    finally:
        private_files.remove(report)


def _use_test_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This process's private files go where :func:`_start_another_window` looks (its runtime folder)."""
    import tempfile

    from app import private_files

    env = _env(tmp_path)
    monkeypatch.setenv("XDG_RUNTIME_DIR", env["XDG_RUNTIME_DIR"])
    monkeypatch.setattr(tempfile, "tempdir", env["TMPDIR"])
    monkeypatch.setattr(private_files, "MEMORY_FOLDER", tmp_path / "no-shared-memory")


def test_a_folder_deleted_from_outside_while_the_window_runs_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The private folder emptied from outside while the window stays open for days (systemd-tmpfiles
    cleaning the temp folder, the runtime folder removed at a logout): the process kept writing to its
    folder, gone, and every report after failed to open (« le dossier temporaire n'accepte pas
    l'écriture »), every letter failed to print, until Teleavis was started again."""
    import shutil

    from app import private_files

    _use_test_folders(tmp_path, monkeypatch)
    first = private_files.write_private("reponse-48de3da6.pdf", b"%PDF-1.7 MARTIN Paul")
    shutil.rmtree(first.parent.parent)
    second = private_files.write_private("reponse-48de3da6.pdf", b"%PDF-1.7 MARTIN Paul")
    try:
        assert second.read_bytes() == b"%PDF-1.7 MARTIN Paul"
        with private_files.temp_folder_for_printing() as spool:
            assert spool.parent == second.parent
        assert _start_another_window(tmp_path) == 0  # the new folder is held as the first was
        assert second.exists()
    finally:
        private_files.remove(second)


@pytest.mark.skipif(os.name == "nt", reason="flock: POSIX")
def test_two_starts_purging_the_same_crashed_folder_at_once_both_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two windows starting at once (the real one and a training one) both purge a crashed run's folder:
    the first deletes its lock, the second (finding no lock) takes a new one and removes the folder, and
    the first's removal of the folder fails. Its lock's descriptor was then closed twice: ``EBADF`` out of
    the purge ended the window's start (or, another thread having reused the number, closed its file)."""
    from app import private_files

    _use_test_folders(tmp_path, monkeypatch)
    crashed = tmp_path / "runtime" / f"teleavis-{private_files._uid()}" / "4242-0badcafe"
    crashed.mkdir(mode=0o700, parents=True)
    crashed.parent.chmod(0o700)
    (crashed / private_files.LOCK_NAME).touch(mode=0o600)
    report = crashed / "reponse-48de3da6.pdf"
    report.write_bytes(b"%PDF-1.7 MARTIN Paul")
    others: list[int] = []
    real_rmdir = os.rmdir

    def the_other_start_first(path: object, *args: object, **kwargs: object) -> None:
        if Path(str(path)) == crashed and not others:
            others.append(_start_another_window(tmp_path))
        real_rmdir(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "rmdir", the_other_start_first)
    assert private_files.purge_leftovers() == 1
    assert others == [0] and not crashed.exists()
