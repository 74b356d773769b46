"""The window's own ways of choosing where a backup or a report goes, inside Teleavis's data folder: found
from outside (tester A, session 36), ``config set backup.folder`` and ``teleavis backup`` refuse that folder (a
restore replaces it, and every backup or report kept there goes with it), but the settings dialog took it,
and every scheduled backup then failed with « Sauvegarde non faite : … »; the report's « Enregistrer » wrote
the PDF there too, a patient's file in clear inside the encrypted folder, erased by the next restore.
Both are refused when chosen, saying why and to choose a USB stick or another folder, nothing saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.store import Store


def test_the_settings_dialog_refuses_a_backup_folder_inside_the_data_folder(
    qtbot: Any, store: Store, tmp_path: Path
) -> None:
    from ui.settings_dialog import SettingsDialog

    (store.data_dir / "sauvegardes").mkdir()
    for inside in (store.data_dir, store.data_dir / "sauvegardes"):
        dialog = SettingsDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.lock_minutes.setValue(10)  # made stronger: no code asked
        dialog.backup.setText(str(inside))
        # Said as soon as it is there (chosen with « Choisir… » or typed), before « Enregistrer ».
        said = dialog.backup_problem.text()
        assert not dialog.backup_problem.isHidden(), said  # (on its tab, not shown first)
        assert "restauration" in said and "clé USB" in said, said
        dialog.save()
        assert dialog.isVisible() and dialog.result() == 0
        assert dialog.tabs.currentIndex() == dialog.security_tab
        assert "Rien n'a été enregistré" in dialog.problem.text(), dialog.problem.text()
        assert dialog.backup.text() == str(inside)  # nothing typed lost
        assert not store.settings.get("backup.folder") and store.settings.get("lock.minutes") == 0
    usb = tmp_path / "usb"
    usb.mkdir()  # (one not there is said too: tests/ui/test_backup_folder_said_in_settings.py)
    dialog.backup.setText(str(usb))
    assert dialog.backup_problem.isHidden() and not dialog.problem.text()  # said until corrected, gone once right
    dialog.save()
    assert dialog.result() == 1
    assert store.settings.get("backup.folder") == str(usb) and store.settings.get("lock.minutes") == 10


def test_a_report_is_not_written_inside_the_data_folder(
    monkeypatch: pytest.MonkeyPatch, qtbot: Any, tmp_path: Path, store: Store
) -> None:
    import ui.file_dialogs
    from tests.support.ui import answered_case
    from ui.main_window import MainWindow

    target = store.data_dir / "rapport-bernard.pdf"
    monkeypatch.setattr(ui.file_dialogs, "save_file", lambda *args, **kwargs: target)
    case_id = answered_case(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    told: list[str] = []
    monkeypatch.setattr(window, "tell", lambda _kind, _title, text: told.append(text))
    try:
        window.export_report(case_id)
        qtbot.waitUntil(lambda: bool(told), timeout=30_000)
        assert "restauration" in told[0] and "clé USB" in told[0] and "Rien n'a été écrit" in told[0], told
        assert not target.exists()
        assert not list(store.data_dir.rglob("*.pdf"))
        # Elsewhere, as before.
        elsewhere = tmp_path / "rapport-bernard.pdf"
        monkeypatch.setattr(ui.file_dialogs, "save_file", lambda *args, **kwargs: elsewhere)
        window.export_report(case_id)
        qtbot.waitUntil(elsewhere.exists, timeout=30_000)
    finally:
        window.shutdown()
