"""The backup folder chosen in Réglages is said at once, under it, when no backup can be made there: found from
outside, a folder not there, or one Teleavis cannot write into, was saved without a word (``config set`` said it
at once), and the nurse learnt it from « ⚠ Sauvegardes non faites » at the next round, or never looked. Neither is
refused: a drive to plug in later is a fair choice made in advance; the words say what will happen.

And a drive retired for good, its mount point now an ordinary empty folder: said under the field on opening, and
that same folder chosen again with « Choisir… » is taken as it is now (it was refused for ever)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton

from app.backup import run_scheduled_backup
from app.store import Store
from tests.app.test_backup_drive_unplugged import plugged_drive, unplug


def _dialog(qtbot: Any, store: Store) -> Any:
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_backup_folder_not_there_is_said_at_once_and_may_still_be_saved(
    qtbot: Any, store: Store, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, store)
    usb = tmp_path / "media" / "usb" / "sauvegardes"
    dialog.backup.setText(str(usb))
    said = dialog.backup_problem.text()
    assert not dialog.backup_problem.isHidden(), said
    assert "introuvable" in said and "aucune sauvegarde" in said and "branchez" in said.lower(), said
    dialog.save()  # a drive plugged in later: kept as chosen, nothing made
    assert dialog.result() == 1
    assert store.settings.get("backup.folder") == str(usb) and not usb.exists()
    usb.mkdir(parents=True)
    again = _dialog(qtbot, store)
    assert again.backup_problem.isHidden(), again.backup_problem.text()  # there now: nothing to say


def test_a_backup_folder_teleavis_cannot_write_into_is_said_at_once(qtbot: Any, store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "lecture-seule"
    folder.mkdir()
    if os.geteuid() == 0:
        # (root writes through any permission: a file system mounted read-only, as a locked SD card or stick)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)]).returncode != 0:
            pytest.skip("cannot mount here")
    else:
        folder.chmod(0o555)
    try:
        dialog = _dialog(qtbot, store)
        dialog.backup.setText(str(folder))
        said = dialog.backup_problem.text()
        assert not dialog.backup_problem.isHidden(), said
        assert "ne peut pas écrire" in said and "aucune sauvegarde" in said, said
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(folder)], capture_output=True)
        else:
            folder.chmod(0o755)


def test_a_retired_drive_s_folder_is_said_and_chosen_again_is_backed_up_into(
    qtbot: Any, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.settings_dialog

    usb = tmp_path / "media" / "usb"
    usb.mkdir(parents=True)
    store.settings.set("backup.folder", str(usb))
    with plugged_drive(usb):
        run_scheduled_backup(store)
        unplug(usb)
    dialog = _dialog(qtbot, store)
    said = dialog.backup_problem.text()
    assert not dialog.backup_problem.isHidden() and "n'est plus branché" in said, said
    # The same folder chosen again with « Choisir… »: the drive is retired, this folder is now the one meant.
    monkeypatch.setattr(ui.settings_dialog, "existing_folder", lambda *_args: str(usb))
    dialog.findChild(QPushButton, "backupFolderPick").click()
    assert dialog.backup_problem.isHidden(), dialog.backup_problem.text()
    dialog.save()
    assert dialog.result() == 1
    assert run_scheduled_backup(store).path.parent == usb


@contextlib.contextmanager
def hung_share(mount_point: Path) -> Iterator[Path]:
    """A real file system that never answers mounted on ``mount_point``: a FUSE mount whose server never replies,
    as a network share whose server went away (NFS hard mount, SMB): a ``stat`` of it blocks in the kernel until
    the connection is cut (here, at the end, by closing its ``/dev/fuse``: every waiting call then fails)."""
    if os.geteuid() != 0 or not Path("/dev/fuse").exists() or not shutil.which("mount"):
        pytest.skip("mounting a hung file system needs root and /dev/fuse here")
    mount_point.mkdir(parents=True)
    fuse = os.open("/dev/fuse", os.O_RDWR)
    options = f"fd={fuse},rootmode=40000,user_id=0,group_id=0"
    if subprocess.run(
        ["mount", "-t", "fuse.hung", "-o", options, "hung", str(mount_point)], pass_fds=[fuse]
    ).returncode:
        os.close(fuse)
        pytest.skip("cannot mount here")
    try:
        yield mount_point
    finally:
        os.close(fuse)  # the share gone for good: what waited on it fails now
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def test_a_backup_folder_on_a_share_that_no_longer_answers_never_freezes_the_window(
    qtbot: Any, store: Store, tmp_path: Path
) -> None:
    """Found in review: the folder was looked at from the window's thread, at the opening and at each key typed (and
    its drive at « Enregistrer », on the thread every save goes through): on a network share whose server went
    away, a ``stat`` blocks for minutes (an NFS hard mount: until it comes back), and Réglages froze, then the
    whole window. Now looked at on a thread of its own, said when it does not answer."""
    from PySide6.QtWidgets import QApplication

    share = tmp_path / "partage"
    with hung_share(share):
        store.settings.set("backup.folder", str(share))
        started = time.monotonic()
        dialog = _dialog(qtbot, store)
        assert time.monotonic() - started < 3, "the dialog opens, the share not answering"
        qtbot.waitUntil(lambda: "ne répond pas" in dialog.backup_problem.text(), timeout=10_000)
        assert not dialog.backup_problem.isHidden()
        started = time.monotonic()
        dialog.backup.setText(str(share / "sauvegardes"))
        dialog.backup.setText(str(share))
        QApplication.processEvents()
        assert time.monotonic() - started < 3, "typing goes on, the share not answering"
        dialog.backup_hours.setValue(12)
        started = time.monotonic()
        dialog.save()  # another setting: saved, the share left as it is
        assert time.monotonic() - started < 10, "« Enregistrer » answers"
        assert dialog.result() == 1
        assert store.settings.get("backup.every_hours") == 12 and store.settings.get("backup.folder") == str(share)


def test_saving_another_setting_never_takes_a_retired_drive_s_folder_as_chosen(
    qtbot: Any, store: Store, tmp_path: Path
) -> None:
    """Only a folder chosen (« Choisir… ») or typed anew records its drive as it is now: a nurse opening Réglages
    and saving another setting must not make an unplugged drive's empty mount point a backup folder again."""
    from app.backup import BackupError

    usb = tmp_path / "media" / "usb"
    usb.mkdir(parents=True)
    store.settings.set("backup.folder", str(usb))
    with plugged_drive(usb):
        run_scheduled_backup(store)
        unplug(usb)
    dialog = _dialog(qtbot, store)
    dialog.backup_hours.setValue(6)
    dialog.save()
    assert dialog.result() == 1 and store.settings.get("backup.every_hours") == 6
    with pytest.raises(BackupError):
        run_scheduled_backup(store)
    assert list(usb.iterdir()) == [], "nothing written onto the computer's own disk"
