"""Languages: French is the source and the default, English is complete, and both reach the core."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication, QLabel

from app import i18n
from app.store import Store
from tests.support.french import fr_spaced
from ui.application import choose_language, install_language
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
# packaging/ is not a package ("packaging" is also pip's library): load the script by its path.
_spec = importlib.util.spec_from_file_location("build_translations", ROOT / "packaging" / "build_translations.py")
assert _spec is not None and _spec.loader is not None
build_translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_translations)


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    install_language(qapp, "en")
    yield
    install_language(qapp, "fr")


def test_a_language_already_installed_is_not_loaded_again(qapp: QApplication) -> None:
    """The window's start installs the language as stored, then as the store reads it: almost always the
    same, and its catalogues were loaded again (~0.2 ms of the start)."""
    from ui import application

    install_language(qapp, "en")
    try:
        installed = list(application._translators)
        install_language(qapp, "en")
        assert application._translators == installed  # the same catalogues, not loaded again
        assert QCoreApplication.translate("QFileDialog", "&Look in:") == "&Look in:"
        i18n.set_language("fr")  # the core told another language meanwhile: installed again, whole
        install_language(qapp, "en")
        assert i18n.language() == "en" and application._translators != installed
    finally:
        install_language(qapp, "fr")
    assert QCoreApplication.translate("QFileDialog", "&Look in:") == "&Voir dans\u00a0:"


def test_every_string_of_the_window_has_an_english_translation(tmp_path: Path) -> None:
    copy = tmp_path / "teleavis_en.ts"
    shutil.copy(ROOT / "resources" / "i18n" / "teleavis_en.ts", copy)
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    subprocess.run(
        [str(lupdate), *sorted(str(p) for p in (ROOT / "ui").glob("*.py")), "-ts", str(copy)],
        check=True,
        capture_output=True,
    )
    assert build_translations.untranslated(copy) == []


@pytest.mark.parametrize("name", sorted(ts.stem for ts in (ROOT / "resources" / "i18n").glob("*.ts")))
def test_the_committed_qm_is_compiled_from_the_committed_ts(tmp_path: Path, name: str) -> None:
    """The window loads the .qm: one left behind by a change of the .ts would show stale text."""
    ts = ROOT / "resources" / "i18n" / f"{name}.ts"
    fresh = tmp_path / f"{name}.qm"
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(fresh)], check=True, capture_output=True)
    assert fresh.read_bytes() == ts.with_suffix(".qm").read_bytes()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_qt_asks_no_python_for_its_words(qapp: QApplication, language: str) -> None:
    """Qt looks each of its own words up in every translator installed (~1,100 before the first window
    shows): one written in Python cost a call into Python each, where a compiled catalogue costs none."""
    from ui import application

    install_language(qapp, language)
    try:
        assert [
            type(translator).__name__ for translator in application._translators if type(translator) is not QTranslator
        ] == []
        # The words qtbase_fr lacks are still French (resources/i18n/qt_gaps_fr.ts).
        look_in = QCoreApplication.translate("QFileDialog", "&Look in:")
        assert look_in == ("&Voir dans\u00a0:" if language == "fr" else "&Look in:")
    finally:
        install_language(qapp, "fr")


def test_french_counts_agree_with_their_number(qapp: QApplication, tmp_path: Path) -> None:
    """French is the source language, written "%n élément(s)"; teleavis_fr.qm gives the real forms,
    and every such string of ui/ has them."""
    from PySide6.QtCore import QCoreApplication

    install_language(qapp, "fr")
    source = fr_spaced("Il reste %n élément(s) à compléter avant l'envoi :")
    one, three = (QCoreApplication.translate("ChecklistPanel", source, "", n) for n in (1, 3))
    assert (one, three) == (
        fr_spaced("Il reste 1 élément à compléter avant l'envoi :"),
        fr_spaced("Il reste 3 éléments à compléter avant l'envoi :"),
    )
    copy = tmp_path / "teleavis_fr.ts"
    shutil.copy(ROOT / "resources" / "i18n" / "teleavis_fr.ts", copy)
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    subprocess.run(
        [str(lupdate), *sorted(str(p) for p in (ROOT / "ui").glob("*.py")), "-pluralonly", "-ts", str(copy)],
        check=True,
        capture_output=True,
    )
    assert build_translations.untranslated(copy) == []


def test_every_translation_context_is_one_the_window_looks_up() -> None:
    """``self.tr`` looks strings up under the class's name; a context lupdate took from another
    expression (``parent.tr``, ``self.window.tr``) is never found, and that string stays French."""
    import re

    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "ui").glob("*.py"))
    known = set(re.findall(r"^class (\w+)", source, re.M)) | set(re.findall(r'translate\(\s*"(\w+)"', source))
    contexts = set()
    for ts in (ROOT / "resources" / "i18n").glob("teleavis_*.ts"):
        contexts |= set(re.findall(r"<name>([^<]+)</name>", ts.read_text(encoding="utf-8")))
    assert contexts - known == set()


def test_language_follows_the_setting_then_the_system(monkeypatch: pytest.MonkeyPatch) -> None:
    assert choose_language("en") == "en"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert choose_language("auto") == "en"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert choose_language("auto") == "fr"


def test_the_window_in_english_speaks_english_down_to_the_checklist(
    qtbot: Any, store: Store, english: None, sync_runner: None
) -> None:
    assert i18n.language() == "en"
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    assert [a.text() for a in window.menuBar().actions()] == ["&Cases", "&Edit", "&Help"]
    assert window.worklist.filter_buttons["to-finish"].text().startswith("To finish")
    window.new_case()
    page = window.case_page
    assert page.editor.consent_box.title() == "1. Patient's consent"
    assert any(f.message == "Record the patient's consent to tele-expertise before sending." for f in page.findings)
    assert page.checklist.title.text().endswith("items still to complete before sending:")
    window.shutdown()


@pytest.mark.usefixtures("paris")
def test_dates_in_the_window_are_written_as_in_its_language(english: None) -> None:
    """Found from outside: the English window wrote 02/12/2026 (the 2nd of December) where case show and
    the PDF, in English, write 2026-12-02: an English reader takes it for the 12th of February."""
    from ui.worklist import local_time

    assert local_time("2026-12-02T09:15:00+00:00") == "2026-12-02 10:15"
    i18n.set_language("fr")
    assert local_time("2026-12-02T09:15:00+00:00") == "02/12/2026 10:15"


def test_the_window_is_french_by_default(qtbot: Any, store: Store, sync_runner: None) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    assert [a.text() for a in window.menuBar().actions()] == ["&Dossiers", "&Édition", "&Aide"]
    assert "plateforme d'essai" in window.banner.text()
    window.shutdown()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_undo_in_the_edit_menu_says_undo_not_cancel(
    qtbot: Any, qapp: QApplication, store: Store, sync_runner: None, language: str
) -> None:
    """Found from outside: the English Edit menu offered "Cancel" (Ctrl+Z) for undo, Qt's « Annuler »
    translated: a nurse may read it as cancelling the case (the French « Annuler » is as ambiguous). It
    says « Annuler la saisie » / "Undo", naming the edit once there is one; Ctrl+Z is kept."""
    from PySide6.QtGui import QKeySequence

    from tests.support.ui import activate, type_text

    install_language(qapp, language)
    try:
        window = MainWindow(store)
        qtbot.addWidget(window)
        activate(qtbot, window)
        edit_menu = window.menuBar().actions()[1].menu()
        texts = [a.text() for a in edit_menu.actions() if not a.isSeparator()]
        assert not {"Annuler", "Cancel", "&Annuler", "&Cancel"} & set(texts), texts
        undo, redo = edit_menu.actions()[:2]
        assert undo.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
        assert (undo.text(), redo.text()) == (
            ("Annuler la saisie", "Rétablir la saisie") if language == "fr" else ("Undo", "Redo")
        )
        window.new_case()
        editor = window.case_page.editor
        editor.consent_given.click()
        editor.family.setFocus()
        type_text(editor.family, "DURAND")
        qtbot.waitUntil(lambda: window.undo_group.canUndo())
        label = editor.labels["patient.family"]
        wanted = (
            fr_spaced("Annuler la saisie de « LABEL »").replace("LABEL", label)
            if language == "fr"
            else f"Undo change to “{label}”"
        )
        assert undo.text() == wanted and undo.isEnabled()
        undo.trigger()
        assert editor.family.text() == ""
        assert redo.text() == wanted.replace("Annuler", "Rétablir").replace("Undo", "Redo") and redo.isEnabled()
        window.shutdown()
    finally:
        install_language(qapp, "fr")


def test_what_the_expert_sends_afterwards_or_attaches_reads_as_english(
    qtbot: Any, store: Store, english: None, window: Any
) -> None:
    """Found from outside: the English window said the expert's images were "joined", a photo refused
    for a reply "is not joined", and the late report's notice read "The report case 01234567 was
    missing has arrived." — French turned word for word, which a nurse has to read twice."""
    from ui.follow_view import FollowView

    window.sync.case_state.emit("0123456789abcdef", "answered", "completed")
    qtbot.waitUntil(lambda: len(window.notifier.shown) > 0, timeout=30_000)
    assert window.notifier.shown.pop() == (
        "Expert's report received",
        "The missing report of case 01234567 has arrived.",
    )
    view = FollowView(store)
    qtbot.addWidget(view)
    assert view.expert_images.toolTip() == "Images attached by the expert: double-click to enlarge"
    said = view.tr(fr_spaced("« {name} » n'est pas jointe : {reason}")).format(
        name="blurred.jpg", reason="Blurred photo."
    )
    assert said == "“blurred.jpg” is not attached: Blurred photo."


def test_the_english_window_names_the_training_platform_one_way(
    qtbot: Any, store: Store, english: None, window: Any
) -> None:
    """Found from outside: the English banner, status bar and first-start wizard said "trial platform"
    where the case's own banner, its follow view and every command said "test platform": two names a
    nurse may take for two places her case could have gone. French says « plateforme d'essai » throughout."""
    from ui.setup_forms import PlatformForm
    from ui.setup_wizard import SetupWizard

    window.new_case()
    form = PlatformForm(store)
    qtbot.addWidget(form)
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    said = [
        window.banner.text(),
        window.statusBar().currentMessage(),
        *[w.text() for w in window.statusBar().findChildren(QLabel)],
        window.case_page.training_mark.text(),
        form.training.text(),
        *[w.text() for w in wizard.findChildren(QLabel)],
    ]
    assert not [s for s in said if "trial" in s.lower()], said
    assert sum("test platform" in s for s in said) >= 3, said
