"""The expert's PDF opened in the system's viewer (issue 13.13): a private folder checked for owner
and mode, files created exclusively without following links, deleted at exit and at next start."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import ROOT

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX owners and modes")


@pytest.fixture
def tmp_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    base = tmp_path / "tmp"
    base.mkdir()
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr("app.private_files.MEMORY_FOLDER", tmp_path / "no-shared-memory")
    monkeypatch.setattr(tempfile, "tempdir", str(base))
    return base


def _predictable(base: Path) -> Path:
    return base / f"teleavis-{os.getuid()}"


def _open_report(qtbot: object, store: object, pdf: bytes, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Press "Open the report" of the answer view; returns the file handed to the viewer."""
    return _opened_from(qtbot, store, pdf, monkeypatch)[0]


def _opened_from(qtbot: object, store: object, pdf: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Any]:
    """The file handed to the viewer, and the answer view it was opened from."""
    from PySide6.QtGui import QDesktopServices

    from tests.sync.sync_helpers import make_case
    from ui.follow_view import FollowView

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    view = FollowView(store)  # type: ignore[arg-type]
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.case = store.get_case(make_case(store))  # type: ignore[attr-defined]
    view._pdf_bytes = pdf  # (what the answer's download put there)
    view._open_external()  # (the button's slot)
    assert len(opened) == 1
    return Path(opened[0]), view


def test_the_report_goes_to_a_private_file_not_into_someone_elses_folder(
    qtbot: object, store: object, tmp_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another local user made the predictable folder first, open to all.
    hostile = _predictable(tmp_base)
    hostile.mkdir(mode=0o777)
    hostile.chmod(0o777)
    if os.getuid() == 0:
        os.chown(hostile, 65534, 65534)
    target = _open_report(qtbot, store, b"%PDF-1.4 secret", monkeypatch)
    assert target.parent != hostile and list(hostile.iterdir()) == []
    folder = os.lstat(target.parent)
    assert folder.st_uid == os.getuid() and stat.S_IMODE(folder.st_mode) == 0o700
    assert stat.S_IMODE(os.lstat(target).st_mode) == 0o600
    assert target.read_bytes() == b"%PDF-1.4 secret"


def test_a_link_planted_at_the_folders_place_is_not_followed(
    qtbot: object, store: object, tmp_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "attacker"
    elsewhere.mkdir(mode=0o700)
    _predictable(tmp_base).symlink_to(elsewhere)
    target = _open_report(qtbot, store, b"%PDF-1.4 secret", monkeypatch)
    assert list(elsewhere.iterdir()) == []
    assert not target.parent.is_symlink() and not target.parent.parent.is_symlink()
    assert target.parent.parent.parent == tmp_base  # (in this process's own folder: app/private_files.py)


def test_files_are_new_each_time_and_never_written_through_a_link(tmp_base: Path, tmp_path: Path) -> None:
    from app import private_files

    first = private_files.write_private("reponse-abcd.pdf", b"1")
    second = private_files.write_private("reponse-abcd.pdf", b"2")
    assert first != second and first.read_bytes() == b"1"
    assert first.parent.parent == _predictable(tmp_base)  # (in this process's own folder)
    private_files.remove_written()
    assert not first.exists() and not second.exists()


def test_files_go_at_exit_and_a_crashs_leftovers_at_next_start(tmp_base: Path) -> None:
    from app import private_files

    script = (
        "import sys, tempfile\n"
        f"tempfile.tempdir = {str(tmp_base)!r}\n"
        "import pathlib, app.private_files\n"
        f"app.private_files.MEMORY_FOLDER = pathlib.Path({str(private_files.MEMORY_FOLDER)!r})\n"
        "from app.private_files import write_private\n"
        "path = write_private('reponse-1.pdf', b'%PDF')\n"
        "print(path)\n"
        "import os\n"
        "os._exit(0) if sys.argv[1] == 'crash' else sys.exit(0)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    env["PYTHONPATH"] = str(ROOT)
    clean = subprocess.run(
        [sys.executable, "-c", script, "exit"], capture_output=True, text=True, env=env, check=True, cwd=ROOT
    )
    assert not Path(clean.stdout.strip()).exists()
    crashed = subprocess.run(
        [sys.executable, "-c", script, "crash"], capture_output=True, text=True, env=env, check=True, cwd=ROOT
    )
    left = Path(crashed.stdout.strip())
    assert left.exists()
    assert private_files.purge_leftovers() == 1
    assert not left.exists()


def test_a_command_deletes_a_crashs_stale_leftovers_and_leaves_a_windows_recent_ones(
    tmp_base: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found from outside: a crashed window's decrypted report stayed until the window was started
    again, whatever the command line did meanwhile (a site syncing by cron, the window seldom opened)."""
    from app.private_files import STALE_FOR_COMMANDS_S, write_private
    from tests.support.cli import run_inprocess

    stale = write_private("reponse-1.pdf", b"%PDF")
    recent = write_private("reponse-2.pdf", b"%PDF")  # perhaps open in a viewer from a window open now
    long_ago = stale.stat().st_mtime - STALE_FOR_COMMANDS_S - 60
    os.utime(stale, (long_ago, long_ago))
    from app import private_files

    private_files._written.clear()  # as after a crash: no process remembers them

    run_inprocess(capsys, "status")  # any command (whatever it answers in a home not made yet)

    assert not stale.exists() and recent.exists()


def test_a_copy_that_cannot_be_deleted_now_is_deleted_later(tmp_base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen in review: a copy held open by a viewer (Windows refuses to delete it) was forgotten after
    the first try, at the lock: the exit's clean-up never tried again."""
    from app import private_files

    copy = private_files.write_private("reponse-abcd.pdf", b"%PDF")
    real_unlink = Path.unlink

    def held_open(self: Path, missing_ok: bool = False) -> None:
        raise PermissionError(13, "in use")

    monkeypatch.setattr(Path, "unlink", held_open)
    private_files.remove_written()
    assert copy.exists()
    monkeypatch.setattr(Path, "unlink", real_unlink)
    private_files.remove_written()
    assert not copy.exists()


def test_the_note_on_the_outside_viewer_belongs_to_the_case_it_was_said_for(
    qtbot: object, store: object, tmp_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.sync.sync_helpers import make_case

    _, view = _opened_from(qtbot, store, b"%PDF-1.4", monkeypatch)
    assert not view.outside_note.isHidden()
    view.set_case(store.get_case(make_case(store, seed=2)))  # type: ignore[attr-defined]
    assert view.outside_note.isHidden()


def test_without_a_runtime_folder_the_report_goes_to_memory_not_to_the_disk(
    qtbot: object, store: object, tmp_base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: with no $XDG_RUNTIME_DIR (a session opened without logind), the decrypted PDF
    went to /tmp on the disk, where it stays in free blocks once deleted, and after a power cut."""
    shared = tmp_path / "shm"
    shared.mkdir()
    shared.chmod(0o1777)
    monkeypatch.setattr("app.private_files.MEMORY_FOLDER", shared)
    target = _open_report(qtbot, store, b"%PDF-1.4 secret", monkeypatch)
    assert target.parent.parent == shared / f"teleavis-{os.getuid()}" and list(tmp_base.iterdir()) == []


def test_a_report_no_viewer_took_is_deleted_at_once(
    qtbot: object, store: object, tmp_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: when no program could open the PDF, its decrypted copy stayed until the lock."""
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QMessageBox

    from tests.sync.sync_helpers import make_case
    from ui.follow_view import FollowView

    handed: list[str] = []
    said: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: handed.append(url.toLocalFile()) and False)
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *_rest: said.append(text))
    view = FollowView(store)  # type: ignore[arg-type]
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.case = store.get_case(make_case(store))  # type: ignore[attr-defined]
    view._pdf_bytes = b"%PDF-1.4 secret"
    view._open_external()
    assert len(handed) == 1 and not Path(handed[0]).exists()
    assert said and "n'a pu ouvrir le PDF" in said[0] and not view.outside_note.isVisible()
