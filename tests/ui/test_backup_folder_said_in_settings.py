"""The backup folder chosen in Réglages is said at once, under it, when no backup can be made there: found from
outside, a folder not there, or one Teleavis cannot write into, was saved without a word (``config set`` said it
at once), and the nurse learnt it from « ⚠ Sauvegardes non faites » at the next round, or never looked. Neither is
refused: a drive to plug in later is a fair choice made in advance; the words say what will happen.

And a drive retired for good, its mount point now an ordinary empty folder: said under the field on opening, and
that same folder chosen again with « Choisir… » is taken as it is now (it was refused for ever)."""

from __future__ import annotations

import os
import subprocess
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
