"""No raw or untranslated text: Qt's own dialogs in the chosen language, the history in words (window
and PDF), one name per view, units said once, date hints and date errors that agree."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QLabel,
    QWidget,
)

from app import clock, forms
from app.model import DERMATOLOGY_VIEWS, RETINA_VIEWS, CaseImage, CaseState
from app.report_text import view_words
from app.store import Store
from app.views import ExpectedView
from tests.support.french import NARROW_NO_BREAK, fr_spaced
from tests.support.ui import activate, complete_case, open_from_list, type_text
from ui import file_dialogs
from ui.application import install_language
from ui.image_tile import view_name
from ui.main_window import MainWindow

LOOP_MS = 60_000


@pytest.fixture(params=["fr", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_language(qapp, request.param)
    yield request.param
    install_language(qapp, "fr")


def dialog_words(dialog: QWidget) -> list[str]:
    words = []
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, (QLabel, QAbstractButton)) and widget.text():
            words.append(widget.text())
        if widget.toolTip():
            words.append(widget.toolTip())
    return words


def test_qt_file_dialog_speaks_the_users_language(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None, language: str
) -> None:
    case_id = complete_case(store, tmp_path / "case")
    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    open_from_list(qtbot, window, case_id)
    panel: Any = window.case_page.capture.ensure()
    seen: list[str] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(50, look)
            return
        seen.extend(dialog_words(dialog))
        dialog.reject()

    QTimer.singleShot(50, look)
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)  # Qt's own dialog here (offscreen)
    assert seen, "no file dialog opened"
    english = {"&Look in:", "Files of &type:", "File &name:", "&Open", "Cancel", "Back", "Parent Directory"}
    french = {"&Voir dans\u00a0:", "Fichiers de &type\u00a0:", "&Nom de fichier\u00a0:", "&Ouvrir", "Annuler"}
    if language == "fr":
        assert not english & set(seen), sorted(english & set(seen))
        assert french <= set(seen), sorted(french - set(seen))
    else:
        assert {"&Look in:", "Files of &type:", "File &name:", "&Open", "Cancel"} <= set(seen)
    window.shutdown()


def test_the_file_dialogs_list_names_a_folder_in_french(qapp: QApplication, tmp_path: Path, language: str) -> None:
    """Found at the cart: « Importer un fichier… » and « Rapport PDF du dossier… » open Qt's file dialog, all
    in French but its « Type » column, which said « Folder » on each folder (and « Drive » on « / »):
    qtbase_fr has no French for the words of QAbstractFileIconProvider, new in this Qt release."""
    from PySide6.QtCore import QFileInfo
    from PySide6.QtWidgets import QFileIconProvider

    provider = QFileIconProvider()
    folder, root = provider.type(QFileInfo(str(tmp_path))), provider.type(QFileInfo("/"))
    assert (folder, root) == (("Dossier", "Lecteur") if language == "fr" else ("Folder", "Drive"))


def test_the_menu_names_the_send_key_as_the_keyboard_and_the_tooltip_do(
    qtbot: Any, store: Store, sync_runner: None, language: str
) -> None:
    """Found at the cart: the menu « Dossiers » said « Envoyer à l'expert  Ctrl+Retour » (qtbase_fr's word for
    the key), where « Envoyer à l'expert »'s tooltip, the guide and a French keyboard say « Entrée »: the
    nurse looked for a « Retour » key."""
    from PySide6.QtGui import QKeySequence

    window = MainWindow(store)
    qtbot.addWidget(window)
    shown = window.send_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    assert shown == ("Ctrl+Entrée" if language == "fr" else "Ctrl+Return"), shown
    window.shutdown()


def test_the_history_is_in_words_in_the_window_and_the_pdf(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = complete_case(store, tmp_path / "case")
    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    window.start()
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    qtbot.keyClick(page.editor.question, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.ANSWERED, timeout=LOOP_MS)
    qtbot.waitUntil(lambda: page.follow.answer_box.isVisible(), timeout=LOOP_MS)
    page.follow.refresh()
    lines = [page.follow.history.item(n).text() for n in range(page.follow.history.count())]
    raw = re.compile(r"Task|validated|sending|retry|refused|amended|[0-9a-f]{8}-[0-9a-f]{4}-")
    assert lines and not [line for line in lines if raw.search(line)], lines
    assert any("dossier complet" in line for line in lines), lines

    target = tmp_path / "rapport.pdf"
    monkeypatch.setattr(file_dialogs, "_get_save_file_name", lambda *args, **kwargs: (str(target), "PDF (*.pdf)"))
    qtbot.mouseClick(page.follow.report_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=LOOP_MS)
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(str(target)).pages)
    history = text[text.index("Historique de l'envoi") :]
    history = history[: history.find("Demande de télé-expertise")]  # up to the next page's heading
    assert not raw.search(history), history
    assert "dossier complet" in history and "réponse reçue" in history.lower()
    window.shutdown()


def test_each_view_has_one_name(language: str) -> None:
    """The tile, the label's list, the expected views and the report call each view the same."""
    words = {
        "fr": {
            "far": "éloignée",
            "medium": "intermédiaire",
            "close-up": "rapprochée",
            "dermoscopy": "dermoscopie",
            "macula": "macula",
            "disc": "papille",
        },
        "en": {
            "far": "far",
            "medium": "medium",
            "close-up": "close-up",
            "dermoscopy": "dermoscopy",
            "macula": "macula",
            "disc": "disc",
        },
    }[language]
    for view in (*DERMATOLOGY_VIEWS, *RETINA_VIEWS):
        names = {
            "tile": view_name(view),
            "expected views": ExpectedView(view, None, True, False).name,
            "report": view_words(CaseImage(view=view), language),
        }
        for where, name in names.items():
            assert words[view] in name.lower(), f"{view} in the {where}: {name!r}"
            assert not re.search(r"moyenne|intermediate", name.lower()), name


def test_units_are_said_once(qtbot: Any, store: Store, tmp_path: Path, sync_runner: None, language: str) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    labels: list[str] = []
    for specialty in ("ophthalmology", "wound-care"):
        qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        editor = window.case_page.editor
        qtbot.keyClick(editor.consent_given, Qt.Key.Key_Space)
        editor.specialty.setFocus()
        target = editor.specialty.findData(specialty)
        while editor.specialty.currentIndex() != target:
            qtbot.keyClick(editor.specialty, Qt.Key.Key_Down)
        qtbot.wait(20)
        labels += [label.text() for label in editor.form_box.findChildren(QLabel) if label.isVisibleTo(editor)]
        qtbot.keyClick(editor.specialty, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert any("HbA1c" in label for label in labels) and any("cm" in label for label in labels)
    for label in labels:
        assert not re.search(r"\([^)]*\)\s*\([^)]*\)[\s*]*$", label), label  # « (%) (%) », « (en années) (an(s)) »
    for specialty in forms.FORM_SPECIALTIES:
        for item in forms.form_items(specialty, language):
            if item.unit:
                assert item.unit in item.label or item.text.rstrip().endswith(")")
    window.shutdown()


def test_an_english_window_never_reads_a_date_day_first(qtbot: Any, store: Store, sync_runner: None) -> None:
    """« 03/02/1950 » typed in the English window is not taken for the 3rd of February (its typist may mean
    the 2nd of March): it is refused with the form the window takes, and an ISO date is read as typed.
    The French window reads its own JJ/MM/AAAA."""
    from PySide6.QtWidgets import QApplication

    from ui.fields import date_to_iso, iso_to_display

    assert date_to_iso("03/02/1950") == "1950-02-03" and iso_to_display("1950-02-03") == "03/02/1950"
    install_language(QApplication.instance(), "en")  # type: ignore[arg-type]
    try:
        assert date_to_iso("03/02/1950") == "03/02/1950"  # kept as typed: the checklist says it is invalid
        assert date_to_iso("1950-02-03") == "1950-02-03" and iso_to_display("1950-02-03") == "1950-02-03"
        window = MainWindow(store)
        qtbot.addWidget(window)
        activate(qtbot, window)
        qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        editor = window.case_page.editor
        qtbot.keyClick(editor.consent_given, Qt.Key.Key_Space)  # the identity's fields open after consent
        editor.birth_date.setFocus()
        type_text(editor.birth_date, "03/02/1950")
        qtbot.keyClick(editor.birth_date, Qt.Key.Key_Tab)
        problem = editor.problems["patient.birth_date"]
        assert problem.isVisible() and "YYYY-MM-DD" in problem.text(), problem.text()
        window.shutdown()
    finally:
        install_language(QApplication.instance(), "fr")  # type: ignore[arg-type]


def test_the_date_hint_and_the_date_error_agree(qtbot: Any, store: Store, sync_runner: None, language: str) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    page = window.case_page
    editor = page.editor
    qtbot.keyClick(editor.consent_given, Qt.Key.Key_Space)
    hint = editor.birth_date.placeholderText()
    # English writes the date as its window writes every date, year first: « 03/02/1950 » is the 2nd of
    # March to many English readers.
    assert hint == ("JJ/MM/AAAA" if language == "fr" else "YYYY-MM-DD")
    editor.birth_date.setFocus()
    # A date not in the field's form (a day absent from the calendar, 31/02, says so instead: see
    # tests/app/test_identity_vigilance.py).
    type_text(editor.birth_date, "3 février 1950" if language == "fr" else "03/02/1950")
    qtbot.keyClick(editor.birth_date, Qt.Key.Key_Tab)
    problem = editor.problems["patient.birth_date"]
    assert problem.isVisible()
    assert hint in problem.text(), problem.text()
    assert not re.search(r"AAAA-MM-JJ|DD/MM/YYYY", problem.text())
    checklist = [page.checklist.items.item(n).text() for n in range(page.checklist.items.count())]
    dated = [line for line in checklist if "AAAA" in line or "YYYY" in line]
    assert dated and all(hint in line for line in dated), dated
    window.shutdown()


def test_a_french_date_typed_without_its_slashes_is_read(qapp: Any) -> None:
    """Found by a nurse's day: « 12031948 » typed in the birth date (as on many a form, figures only) was
    refused « attendue sous la forme JJ/MM/AAAA ». Eight figures, or the date with spaces, read day first
    in the French window; the English window still reads only the ISO date."""
    from ui.fields import date_to_iso

    assert date_to_iso("12031948") == "1948-03-12"
    assert date_to_iso("12 03 1948") == "1948-03-12"
    assert date_to_iso("1203194") == "1203194"  # seven figures: kept as typed, the checklist says so
    install_language(qapp, "en")
    try:
        assert date_to_iso("12031948") == "12031948"
    finally:
        install_language(qapp, "fr")


def test_the_file_number_field_is_not_read_as_the_teleavis_code(
    qtbot: Any, store: Store, sync_runner: None, language: str
) -> None:
    """Found at the cart: the page's title says « dossier 26f72a6e » (the Teleavis code) just above the field
    « N° de dossier : », whose hint said only « Si l'INS n'est pas connu »: the nurse copied the title's code
    into it, sent as the patient's number in her structure. The field says whose number it is; and its hint
    no longer says « if the INS is not known », wrong for a provisional identity, whose INS is not sent."""
    from app.model import Case

    draft = store.create_case(Case(), [])
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    activate(qtbot, window)
    open_from_list(qtbot, window, draft)
    hint = window.case_page.editor.local_id.placeholderText()
    assert ("votre structure" if language == "fr" else "your practice") in hint, hint
    assert "INS" not in hint, hint
    window.shutdown()


@pytest.mark.parametrize("count", [1, 3])
def test_the_sending_progress_counts_its_images_in_words(
    qtbot: Any, store: Store, sync_runner: None, language: str, count: int
) -> None:
    """Found from outside (en39): the case's progress while it leaves said "Sending: 0 of 1 image(s)" in
    English (« Envoi : 0 image(s) sur 1 » in French): the count is known, the word agrees with it."""
    from app.model import Case, Consent, Patient
    from app.store import NewImage
    from tests.support.ui import shown
    from tests.sync.sync_helpers import jpeg

    case = Case(
        patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03"),
        consent=Consent(given=True, recorded_by="Inf. Durand"),
    )
    images = [
        NewImage(CaseImage(body_site="dos", view="far", content_type="image/jpeg", width=64, height=48), jpeg(seed=i))
        for i in range(count)
    ]
    case_id = store.create_case(case, images)
    view = shown(qtbot, store, case_id)
    view.show_progress(0, 300_000)
    words = view.progress_words.text()
    assert "(s)" not in words, words
    noun = "image" if count == 1 else "images"
    wanted = f"Sending: 0 of {count} {noun} —" if language == "en" else fr_spaced(f"Envoi : 0 sur {count} {noun} —")
    assert words.startswith(wanted), words


def test_the_photos_of_an_earlier_session_are_named_with_the_languages_quotes(
    qapp: QApplication, tmp_path: Path, language: str
) -> None:
    """Found from outside (en39): two photos picked by hand from an earlier day were named « a.jpg » in the
    English sentence ("Taken on an earlier day …: « a.jpg » (…), « b.jpg » (…)"), French quotes in an English
    line whose one-photo form says “a.jpg”."""
    from datetime import timedelta

    from tests.ui.test_capture_import_dates import camera_photo
    from ui.capture_folder import earlier_session_words

    yesterday = clock.now().replace(tzinfo=None).replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=1)
    photos = [camera_photo(tmp_path, name, yesterday) for name in ("a.jpg", "b.jpg")]
    said = earlier_session_words(photos)
    assert "a.jpg" in said and "b.jpg" in said, said
    if language == "en":
        assert "“a.jpg” (" in said and "“b.jpg” (" in said and "«" not in said, said
    else:
        assert fr_spaced("« a.jpg » (") in said and fr_spaced("« b.jpg » (") in said and "“" not in said, said


def test_a_reply_with_two_photos_lists_them_as_its_language_does(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None, language: str
) -> None:
    """Found from outside (en39): the conversation listed a reply's photos with French spacing in English,
    "2 images attached: back, far view ; arm, close-up"; and a tile's name read by a screen reader joined
    its warning the same way."""
    from app.store import NewImage
    from sync.follow import queue_reply
    from tests.support.scripted_platform import on_hold_with_a_question
    from tests.support.ui import shown
    from tests.sync.sync_helpers import jpeg

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    photos = [
        NewImage(
            CaseImage(body_site=site, view="close-up", content_type="image/jpeg", width=64, height=48), jpeg(seed=n)
        )
        for n, site in enumerate(("dos", "bras"), start=7)
    ]
    queue_reply(store, case_id, "Voici les photos.", photos)
    view = shown(qtbot, store, case_id)
    lines = [view.conversation.item(row).text() for row in range(view.conversation.count())]
    [listed] = [line.split("\n", 1)[1] for line in lines if "\n" in line]
    separator = NARROW_NO_BREAK + "; " if language == "fr" else "; "
    assert separator in listed and (language == "fr" or " ; " not in listed), listed


def test_a_tile_whose_eye_is_to_check_is_named_as_its_language_separates(qtbot: Any, language: str) -> None:
    """The same found from outside (en39): the tile's name for a screen reader joined « Œil à vérifier » with
    the French " ; " in English ("… — Right eye (OD), Macula-centred ; Check the eye")."""
    from app.case_record import DEVICE_EYE_CHECK, QualityFinding
    from ui.image_tile import ImageTile

    device = QualityFinding(DEVICE_EYE_CHECK, "ok", "", key=f"{DEVICE_EYE_CHECK}.left")
    tile = ImageTile(CaseImage(eye="right", view="macula", modality="OP", quality=[device]), None, 1)
    qtbot.addWidget(tile)
    name = tile.accessibleName()
    check = "Œil à vérifier" if language == "fr" else "Check the eye"
    assert (NARROW_NO_BREAK + "; " if language == "fr" else "; ") + check in name, name
    assert language == "fr" or " ; " not in name, name
