"""The local socket by which a second start brings the window to the front (ui/single_instance.py), as
another account of the same machine would attack it.

Its name was a digest of the user's number and the data folder's path, in the shared temp folder: another
account computes it, listens there first (the window, unable to take it, then listens nowhere), and a second
start of Teleavis, answered by that program, ended without a word and the window never came to the front."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from tests.support.cli import ROOT
from tests.support.read_only import read_only

# A program of another account listening where the window used to: it answers as the window does.
SQUATTER = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtNetwork import QLocalServer
    app = QCoreApplication([])
    server = QLocalServer()
    QLocalServer.removeServer(sys.argv[1])
    assert server.listen(sys.argv[1]), server.errorString()
    def arrived():
        socket = server.nextPendingConnection()
        socket.readyRead.connect(lambda: (socket.write(b"shown\\n"), socket.flush()))
        arrived.kept = socket
    server.newConnection.connect(arrived)
    print("LISTENING", flush=True)
    app.exec()
    """
)


def _derived_name(root: Path) -> str:
    """What anyone could compute from the user's number and the folder's path (the name before)."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return "teleavis-" + hashlib.sha256(f"{uid}:{root.resolve()}".encode()).hexdigest()[:24]


def test_a_program_listening_under_a_name_others_can_compute_does_not_answer_a_second_start(tmp_path: Path) -> None:
    from ui.single_instance import SHOWN, WindowClaim, take_or_wake

    root = tmp_path / "teleavis"
    root.mkdir()
    first = WindowClaim(root)
    assert first.take()  # the window is open (its lock held), and listens nowhere the squatter can reach
    squatter = subprocess.Popen(
        [sys.executable, "-c", SQUATTER, _derived_name(root)],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert squatter.stdout is not None and squatter.stdout.readline().strip() == "LISTENING"
        assert take_or_wake(WindowClaim(root), timeout_s=1.5) != SHOWN, "another account's program answered"
    finally:
        squatter.kill()
        squatter.communicate()
        first.release()


def test_the_name_is_drawn_at_random_and_kept_where_only_this_user_reads_it(tmp_path: Path) -> None:
    from ui.single_instance import WindowClaim, name_path, new_server_name, server_name

    root = tmp_path / "teleavis"
    root.mkdir()
    claim = WindowClaim(root)
    assert claim.take()
    try:
        one = new_server_name(claim.root)
        assert server_name(root) == one
        kept = name_path(root)
        if os.name == "posix":
            assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        two = new_server_name(claim.root)
        assert two != one and server_name(root) == two, "each window listens under a new name"
        assert _derived_name(root) not in (one, two)
    finally:
        claim.release()


@pytest.mark.skipif(os.name != "posix" or sys.platform == "darwin", reason="XDG_RUNTIME_DIR: Linux's session folder")
def test_the_socket_is_in_the_session_folder_of_this_user_when_there_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    from ui.single_instance import new_server_name

    runtime = Path(tempfile.mkdtemp(prefix="run-", dir="/tmp"))  # a socket path is short
    request.addfinalizer(lambda: shutil.rmtree(runtime, ignore_errors=True))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    root = tmp_path / "teleavis"
    root.mkdir()
    assert Path(new_server_name(root)).parent == runtime
    runtime.chmod(0o777)  # opened to everyone: not this user's own
    assert Path(new_server_name(root)).parent != runtime


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file to another account")
def test_a_name_written_by_another_account_is_not_believed(tmp_path: Path) -> None:
    from ui.single_instance import name_path, new_server_name, server_name

    root = tmp_path / "teleavis"
    root.mkdir()
    new_server_name(root)
    os.chown(name_path(root), 65534, 65534)  # as if another account had put it there
    assert server_name(root) is None
    link = name_path(root)
    link.unlink()
    (tmp_path / "elsewhere").write_text("teleavis-" + "0" * 32)
    link.symlink_to(tmp_path / "elsewhere")
    assert server_name(root) is None, "a link is not followed"


@pytest.mark.skipif(os.name != "posix" or sys.platform == "darwin", reason="XDG_RUNTIME_DIR: Linux's session folder")
def test_a_data_folder_in_a_folder_the_user_cannot_write_still_has_one_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """Found in review: a data folder given to the user inside a folder of the system's (``/srv/teleavis``,
    or a read-only mount) had no lock, none can be made beside it: a second start opened a second window on
    the same data, each autosaving the case over the other's."""
    from ui.single_instance import WindowClaim, new_server_name, server_name

    runtime = Path(tempfile.mkdtemp(prefix="run-", dir="/tmp"))  # a socket path is short
    request.addfinalizer(lambda: shutil.rmtree(runtime, ignore_errors=True))
    runtime.chmod(0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    system = tmp_path / "srv"
    (system / "teleavis").mkdir(parents=True)
    first = WindowClaim(system / "teleavis")
    with read_only(system):
        assert not os.access(system, os.W_OK)
        try:
            assert first.take()
            assert not WindowClaim(system / "teleavis").take(), "a second window on the same data"
            written = new_server_name(first.root)
            assert server_name(system / "teleavis") == written, "the second start finds no name"
        finally:
            first.release()
        assert WindowClaim(system / "teleavis").take(), "the lock goes with its window"


@pytest.mark.skipif(os.name != "posix" or sys.platform == "darwin", reason="XDG_RUNTIME_DIR: Linux's session folder")
def test_the_name_is_kept_in_the_session_folder_whatever_the_data_folders_disk_keeps_of_modes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """Found in review: beside a data folder on a disk keeping no Unix modes (FAT, exFAT, NTFS, a Windows
    share: every file reads 0644 or root's), the name was never believed and a second start found no window."""
    from ui.single_instance import name_path, new_server_name, server_name

    runtime = Path(tempfile.mkdtemp(prefix="run-", dir="/tmp"))
    request.addfinalizer(lambda: shutil.rmtree(runtime, ignore_errors=True))
    runtime.chmod(0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    root = tmp_path / "usb" / "teleavis"
    root.mkdir(parents=True)
    written = new_server_name(root)
    for beside in root.parent.iterdir():  # what such a disk shows of any file written there
        if beside.is_file():
            beside.chmod(0o644)
    assert name_path(root).parent == runtime
    assert server_name(root) == written
    assert server_name(tmp_path / "usb" / ".." / "usb" / "teleavis") == written  # the same folder, another path
