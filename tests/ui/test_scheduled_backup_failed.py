"""The window's scheduled backup that could not be written says what happened, that nothing on this computer is
lost, that it tries again by itself (and when), and what the user may do. Found in review: it said « Rien n'a été
écrit. Libérez de la place sur ce disque, ou choisissez-en un autre, puis recommencez. », the advice of a backup
the user makes herself: there is nothing for her to « recommencer », it retries on its own every quarter hour.
A folder made read-only for real (tests/support/read_only.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from app import clock
from app.store import Store
from tests.support.read_only import read_only
from ui.application import install_language
from ui.main_window import BACKUP_EVERY_MS, MainWindow

WORDS = {
    "fr": ("Sauvegarde automatique non faite", "Vos dossiers sont intacts sur ce poste", "réessaie tout seul vers"),
    "en": ("Automatic backup not made", "Your cases are intact on this computer", "tries again by itself around"),
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_scheduled_backup_not_written_says_it_retries_when_and_what_to_do(
    qtbot: Any, qapp: QApplication, store: Store, sync_runner: None, tmp_path: Path, language: str
) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    store.settings.set("backup.folder", str(folder))
    install_language(qapp, language)
    window = MainWindow(store)
    qtbot.addWidget(window)
    try:
        with read_only(folder):
            window._backup_timer.start()  # as start() does: the next try a quarter hour on
            window.backup_if_due()
        said = window.statusBar().currentMessage()
        what, kept, retry = WORDS[language]
        assert said.startswith(what) and str(folder) in said, said
        assert kept in said and retry in said, said
        assert "recommencez" not in said and "try again" not in said.replace("tries again", ""), said
        assert "Réglages" in said if language == "fr" else "Settings" in said, said
        # « vers HH:MM »: the timer's next tick, a quarter hour on (give or take the minute it turns)
        when = said.split(retry, 1)[1].strip()[:5]
        soon = clock.now() + timedelta(milliseconds=BACKUP_EVERY_MS)
        assert when in {(soon + timedelta(minutes=d)).strftime("%H:%M") for d in (-1, 0, 1)}, said
    finally:
        window.shutdown()
        install_language(qapp, "fr")
