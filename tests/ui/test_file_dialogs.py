"""File dialogs start in the user's pictures or documents folder, and Qt keeps no history of the
folders browsed (a folder named after a patient) in its own settings file, QtProject.conf."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def test_file_dialogs_start_in_the_users_folders_and_leave_no_history(tmp_path: Path) -> None:
    home, config = tmp_path / "home", tmp_path / "config"
    for folder in (home / "Images", home / "Documents", config):
        folder.mkdir(parents=True)
    (config / "user-dirs.dirs").write_text('XDG_PICTURES_DIR="$HOME/Images"\nXDG_DOCUMENTS_DIR="$HOME/Documents"\n')
    patient = tmp_path / "MARTIN Paul 03-02-1950"
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        HOME=str(home),
        XDG_CONFIG_HOME=str(config),
        TELEAVIS_HOME=str(tmp_path / "data"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.file_dialog_child", str(patient)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=240,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["images"] == 3 and seen["report"], (seen, done.stderr[-2000:])
    # Where a nurse keeps photos and documents, not the program's working folder.
    # The second report saved starts where the first went (found from outside: in the home folder again,
    # the nurse browsed back to the patient's folder each time). Remembered for the session only.
    assert seen["again"], seen
    assert seen["started"] == [str(home / "Images"), str(home / "Documents"), str(patient.resolve())], seen
    # Nothing of the patient's folder in any settings file Qt wrote.
    written = [path for path in (*config.rglob("*"), *home.rglob("*")) if path.is_file()]
    assert any(path.name == "QtProject.conf" for path in written), "Qt wrote no settings: nothing was tested"
    for path in written:
        text = path.read_text(errors="replace")
        assert "MARTIN" not in text and str(tmp_path) not in text, f"{path}:\n{text}"


def test_every_file_dialog_is_qts_own_never_the_desktops(monkeypatch: Any, qtbot: Any) -> None:
    """GTK's file chooser, which Qt uses on a GNOME desktop, adds each file chosen to the desktop's recent
    files (a photo named after a patient, a report); Windows' dialog to its recent items. Qt's own adds
    nothing anywhere but QtProject.conf, which the test above checks."""
    from PySide6.QtWidgets import QFileDialog, QWidget

    from ui import file_dialogs

    asked: dict[str, Any] = {}

    def answer(name: str, result: Any) -> Any:
        def dialog(*_args: Any, **kwargs: Any) -> Any:
            asked[name] = kwargs.get("options")
            return result

        return dialog

    monkeypatch.setattr(file_dialogs, "_get_open_file_names", answer("open", ([], "")))
    monkeypatch.setattr(file_dialogs, "_get_save_file_name", answer("save", ("", "")))
    monkeypatch.setattr(file_dialogs, "_get_existing_directory", answer("folder", ""))
    parent = QWidget()
    qtbot.addWidget(parent)
    file_dialogs.open_images(parent, "Importer", "Images (*.jpg)")
    file_dialogs.save_file(parent, "Enregistrer", "rapport.pdf", "PDF (*.pdf)")
    file_dialogs.existing_folder(parent, "Dossier", "")
    assert set(asked) == {"open", "save", "folder"}
    for name, options in asked.items():
        assert options is not None and options & QFileDialog.Option.DontUseNativeDialog, name
        # The dialog made with them (in place of QFileDialog's static functions): Qt's own, and it tells a
        # file's type by its name (tests/ui/test_file_dialogs_keep_locks.py for what reading them did).
        made = file_dialogs._dialog(parent, name, "", "", QFileDialog.FileMode.AnyFile, options)
        assert made.testOption(QFileDialog.Option.DontUseNativeDialog), name
        assert made.iconProvider() is file_dialogs.name_only_icons(), name


def test_a_second_import_starts_in_the_folder_of_the_first(monkeypatch: Any, qtbot: Any, tmp_path: Path) -> None:
    """Found from outside: each « Importer un fichier… » (and each reply's « Ajouter des images… ») started
    again in the pictures, else the home folder, and the nurse browsed back to the camera's card every time.
    The folder is remembered in memory for the session, never in Qt's settings (the test above)."""
    from PySide6.QtWidgets import QWidget

    from ui import file_dialogs

    card = tmp_path / "DCIM" / "100CANON"
    card.mkdir(parents=True)
    started: list[str] = []

    def dialog(_parent: Any, _title: str, folder: str, _filters: str, **_kwargs: Any) -> Any:
        started.append(folder)
        return [str(card / "IMG_0001.JPG")], ""

    monkeypatch.setattr(file_dialogs, "_get_open_file_names", dialog)
    parent = QWidget()
    qtbot.addWidget(parent)
    assert file_dialogs.open_images(parent, "Importer", "Images (*.jpg)") == [card / "IMG_0001.JPG"]
    file_dialogs.open_images(parent, "Importer", "Images (*.jpg)")
    assert started[1] == str(card), started


def test_a_saved_report_says_where_it_went(monkeypatch: Any, qtbot: Any, tmp_path: Path, store: Any) -> None:
    """Found by a nurse's day: « Rapport enregistré (5 pages). » and not where: she looked for the file. The
    status bar names it."""
    import ui.file_dialogs
    from tests.support.ui import answered_case
    from ui.main_window import MainWindow

    target = tmp_path / "rapport-bernard.pdf"
    monkeypatch.setattr(ui.file_dialogs, "save_file", lambda *args, **kwargs: target)
    case_id = answered_case(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    try:
        window.export_report(case_id)
        qtbot.waitUntil(lambda: "Rapport enregistré" in window.statusBar().currentMessage(), timeout=30_000)
        said = window.statusBar().currentMessage()
        assert str(target) in said and target.exists(), said
    finally:
        window.shutdown()


def test_a_report_named_without_its_extension_is_saved_as_a_pdf(qtbot: Any, tmp_path: Path) -> None:
    """Typed « rapport » in the save dialog, the report was written to a file named « rapport », no « .pdf »:
    no program opens it on a double click (Windows asks which one). The filter's extension is added, as
    Qt's dialog does with a default suffix (a name with a dot in it is kept as typed)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QWidget

    from ui import file_dialogs

    def type_name(name: str, tries: int = 600) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QFileDialog):
            edit = dialog.findChild(QLineEdit, "fileNameEdit")
            assert edit is not None
            edit.setText(name)
            dialog.accept()
        elif tries:
            QTimer.singleShot(20, lambda: type_name(name, tries - 1))

    parent = QWidget()
    qtbot.addWidget(parent)
    saved = []
    for typed in ("rapport", "rapport.v2.pdf"):
        file_dialogs._saved_in[:] = [tmp_path]
        QTimer.singleShot(0, lambda typed=typed: type_name(typed))
        saved.append(file_dialogs.save_file(parent, "Rapport PDF du dossier", "teleavis-1234.pdf", "PDF (*.pdf)"))
    file_dialogs._saved_in.clear()
    assert saved == [tmp_path / "rapport.pdf", tmp_path / "rapport.v2.pdf"]
