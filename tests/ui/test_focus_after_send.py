"""The keyboard after sending: found at the cart, Ctrl+Entrée sent the case, the page became the follow
view, and when the expert's question came the keyboard was on nothing to be seen: the reply typed then
went nowhere, and Tab started from nowhere. The keyboard stays on a control of the page shown."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.model import CaseState
from app.store import Store
from tests.support.ui import activate, open_from_list


def test_when_the_expert_asks_the_keyboard_is_on_the_page_shown(qtbot: Any, store: Store, tmp_path: Path) -> None:
    from app.casefile import parse_case, read_json_file
    from app.commands.cases import load_images
    from sync.sandbox.shapes import asks_question
    from tests.support.cases import example_case
    from ui.main_window import MainWindow

    store.settings.set("sandbox.question_rate", 0.25)
    path = example_case(tmp_path / "case")
    parsed = parse_case(read_json_file(path), tmp_path / "case")
    parsed.case.id = next(c for c in (str(uuid.uuid4()) for _ in range(1000)) if asks_question(c, 0.25))
    case_id = store.create_case(parsed.case, load_images(parsed.images, parsed.case.specialty, parsed.case))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    window.start()
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    page.editor.question.setFocus()
    qtbot.keyClick(page.editor.question, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    follow = page.follow
    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.ON_HOLD, timeout=60_000)
    qtbot.waitUntil(lambda: follow.question_box.isVisible() and follow.send_reply.isEnabled(), timeout=60_000)
    qtbot.wait(200)
    focus = QApplication.focusWidget()
    assert focus is not None and focus.isVisible(), f"the keyboard is on a hidden {type(focus).__name__}"
    assert type(focus).__name__ != "QScrollArea", "the keyboard is on a scroll area, which shows nothing"
    assert follow.isAncestorOf(focus)
    window.shutdown()


def test_a_case_opened_from_the_list_has_the_keyboard_on_what_comes_next(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Found at the cart: a case where the expert asks, opened from the list with Entrée, had the keyboard
    on « ← Liste des dossiers »; the reply typed went nowhere and its first space went back to the list.
    The reply box has it; an answered case, its answer (to read, to copy): never the way out."""
    from tests.support.ui import answered_case, sent_case, type_text
    from ui.main_window import MainWindow

    asked = sent_case(store, then=(CaseState.ON_HOLD,))
    answered = answered_case(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    open_from_list(qtbot, window, asked)
    follow = window.case_page.follow
    qtbot.waitUntil(lambda: follow.reply.isVisible() and follow.reply.isEnabled(), timeout=5_000)
    assert QApplication.focusWidget() is follow.reply, type(QApplication.focusWidget()).__name__
    type_text(follow.reply, "Pas de dermatoscope ici.")
    qtbot.keyClick(follow.reply, Qt.Key.Key_Space)
    assert window.pages.currentWidget() is window.case_page
    assert follow.reply.toPlainText() == "Pas de dermatoscope ici. "

    qtbot.keyClick(follow.reply, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.pages.currentWidget() is window.worklist
    open_from_list(qtbot, window, answered)
    focus = QApplication.focusWidget()
    assert focus is follow.conclusion, type(focus).__name__
    qtbot.keyClick(focus, Qt.Key.Key_Space)
    assert window.pages.currentWidget() is window.case_page, "a space went back to the list"
    window.shutdown()


def test_ctrl_enter_sends_the_reply_as_it_sends_the_case(qtbot: Any, store: Store, sync_runner: None) -> None:
    """Found with a keyboard only: Ctrl+Entrée (« Envoyer à l'expert ») sends a case, but in the reply to
    the expert's question it did nothing; the reply went only by Tab, Tab, space on « Envoyer la réponse »."""
    from app.outbox import Outbox
    from tests.support.ui import sent_case, type_text
    from ui.main_window import MainWindow

    asked = sent_case(store, then=(CaseState.ON_HOLD,))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    open_from_list(qtbot, window, asked)
    follow = window.case_page.follow
    follow.reply.setFocus()
    type_text(follow.reply, "Pas de dermatoscope ici.")
    qtbot.keyClick(follow.reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert follow.reply.toPlainText() == ""
    assert "enregistrée" in follow.reply_saved.text()
    assert any("dermatoscope" in str(message) for message in Outbox(store).messages(asked))
    window.shutdown()


def test_ctrl_enter_held_sends_the_reply_once_and_says_it_is_sent(qtbot: Any, store: Store, sync_runner: None) -> None:
    """Found in review: Ctrl+Entrée held a little long repeats (the keyboard's auto-repeat). Its repeats,
    the reply already queued and its box emptied, replaced « Votre réponse à l'expert est enregistrée » by
    « Écrivez votre réponse avant de l'envoyer »: the nurse, told her reply had not gone, typed it again
    and the expert had it twice."""
    from PySide6.QtGui import QKeyEvent

    from app.outbox import Outbox
    from tests.support.ui import sent_case, type_text
    from ui.main_window import MainWindow

    asked = sent_case(store, then=(CaseState.ON_HOLD,))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    open_from_list(qtbot, window, asked)
    follow = window.case_page.follow
    follow.reply.setFocus()
    type_text(follow.reply, "Pas de dermatoscope ici.")
    qtbot.keyClick(follow.reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    for _ in range(3):  # what the keyboard sends while the keys stay down
        held = QKeyEvent(QKeyEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier, "", True)
        QApplication.sendEvent(follow.reply, held)
    assert "enregistrée" in follow.reply_saved.text(), follow.reply_problem.text()
    assert not follow.reply_problem.text()
    assert sum("dermatoscope" in str(message) for message in Outbox(store).messages(asked)) == 1
    window.shutdown()


def test_ctrl_enter_on_the_list_does_not_send_the_draft_left(
    qtbot: Any, store: Store, sync_runner: None, tmp_path: Path
) -> None:
    """Found in review: the case page is kept once left, and Ctrl+Entrée (« Envoyer à l'expert », live
    everywhere in the window) sent the draft last opened from the list, or the settings, where it was not
    on screen: pressed on another case's row, it sent this one to the expert, unseen."""
    from tests.support.ui import complete_case, sent_case
    from ui.main_window import MainWindow

    draft = complete_case(store, tmp_path)
    other = sent_case(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    open_from_list(qtbot, window, draft)
    window.show_worklist()
    assert window.pages.currentWidget() is window.worklist
    window.worklist.table.setFocus()
    window.worklist.table.selectRow(window.worklist.model.row_of(other))
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)
    assert store.state(draft) is CaseState.DRAFT, "a draft not on screen went to the expert"
    window.shutdown()


def test_a_draft_opened_from_the_list_has_the_keyboard_in_the_case(qtbot: Any, store: Store, sync_runner: None) -> None:
    """Found at the cart: back to the list by a click on « ← Liste des dossiers », then a draft opened again
    from the list with Entrée: the keyboard was still on « ← Liste des dossiers » (the page keeps the last
    control it had), so the first space, meant for « Le patient accepte », went back to the list. A draft
    opens with the keyboard on what is left to fill in, never on the way out."""
    from app.model import Case
    from ui.main_window import MainWindow

    draft = store.create_case(Case(), [])
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    open_from_list(qtbot, window, draft)
    page = window.case_page
    qtbot.mouseClick(page.back, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.worklist
    open_from_list(qtbot, window, draft)
    focus = QApplication.focusWidget()
    assert focus is not page.back
    assert focus is not None and page.editor.isAncestorOf(focus), type(focus).__name__
    qtbot.keyClick(focus, Qt.Key.Key_Space)
    assert window.pages.currentWidget() is page, "a space went back to the list"
    window.shutdown()


def test_a_photo_joined_to_the_reply_takes_the_keyboard_to_its_place(
    qtbot: Any, store: Store, sync_runner: None, tmp_path: Path
) -> None:
    """Found with a keyboard only: the expert asks for a closer view, the nurse joins a photo to her reply
    (« Ajouter des images… », a file chosen, Entrée); its row « Image 1 : Localisation… — vue ? — » came
    under the buttons, but the keyboard stayed on « Ajouter des images… » and Tab went to « Retirer les
    images », then « Envoyer la réponse »: the site she then typed went nowhere. The keyboard goes to the
    site of the photo joined, which the expert needs; Tab goes on to its view."""
    from tests.support.images import jpeg_bytes, skin_photo
    from tests.support.ui import sent_case, type_text
    from ui.main_window import MainWindow

    asked = sent_case(store, then=(CaseState.ON_HOLD,))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    activate(qtbot, window)
    open_from_list(qtbot, window, asked)
    follow = window.case_page.follow
    qtbot.waitUntil(lambda: follow.reply.isVisible() and follow.reply.isEnabled(), timeout=5_000)
    type_text(follow.reply, "Pas de saignement, voici la vue de près.")
    follow.add_images.setFocus()
    photo = tmp_path / "dos.jpg"
    photo.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=5)))
    follow.add_reply_files([photo])  # what « Ajouter des images… » does with the file chosen
    qtbot.waitUntil(lambda: len(follow.reply_places.fields) == 1, timeout=5_000)
    site = follow.reply_places.fields[0]
    assert QApplication.focusWidget() is site, type(QApplication.focusWidget()).__name__
    type_text(site, "dos")
    qtbot.keyClick(site, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is follow.reply_places.views[0]
    window.shutdown()


def test_a_draft_lacking_only_its_photos_opens_with_no_space_to_untick_its_consent(
    qtbot: Any, store: Store, sync_runner: None, tmp_path: Path
) -> None:
    """Found in review of the keyboard given to a draft opened: one whose only missing item is a photo had it
    on « Le patient accepte la télé-expertise », ticked; a stray space unticked the consent. It goes to the
    list of what is missing (Entrée there goes to the item), where a space changes nothing."""
    from app.casefile import parse_case, read_json_file
    from tests.support.cases import example_case
    from ui.main_window import MainWindow

    path = example_case(tmp_path / "case")
    parsed = parse_case(read_json_file(path), tmp_path / "case")
    draft = store.create_case(parsed.case, [])
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    open_from_list(qtbot, window, draft)
    page = window.case_page
    qtbot.waitUntil(lambda: bool(page.checklist.findings), timeout=5_000)
    assert {f.field.split("[")[0].split(".")[0] for f in page.checklist.findings if f.blocks_sending()} == {"images"}
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, Qt.Key.Key_Space)
    qtbot.wait(50)
    assert page.editor.consent_given.isChecked(), "a space unticked the consent"
    assert window.pages.currentWidget() is page
    window.shutdown()


def test_a_stray_key_after_joining_a_retinograph_does_not_change_the_eye_its_device_recorded(
    qtbot: Any, store: Store, sync_runner: None, tmp_path: Path
) -> None:
    """Found in review of the keyboard given to a reply's photo joined: a DICOM retinograph comes with its
    eye, the device's; the keyboard went to that eye's drop-down all the same, where a stray arrow key (or
    the wheel, the box having the keyboard) turned the right eye into the left one, unseen. The keyboard
    goes to a photo's place only when it is still to be said."""
    from app.model import Case, Consent, Patient
    from capture.demo import fundus_scene
    from tests.support.dicom import retinograph
    from ui.main_window import MainWindow

    case = Case(
        specialty="ophthalmology",
        patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03"),
        consent=Consent(given=True, recorded_by="Inf. Durand"),
        question="Rétinopathie diabétique ?",
    )
    store.create_case(case, [])
    store.queue(case.id)
    for state in (CaseState.SENDING, CaseState.SENT, CaseState.ON_HOLD):
        store.transition(case.id, state)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    activate(qtbot, window)
    open_from_list(qtbot, window, case.id)
    follow = window.case_page.follow
    qtbot.waitUntil(lambda: follow.reply.isVisible() and follow.reply.isEnabled(), timeout=5_000)
    follow.add_images.setFocus()
    dicom = tmp_path / "OD.dcm"
    dicom.write_bytes(retinograph([fundus_scene(1600, 1200, seed=11, eye="right")], eye="R"))
    follow.add_reply_files([dicom])
    qtbot.waitUntil(lambda: len(follow.reply_places.fields) == 1, timeout=10_000)
    eye = follow.reply_places.fields[0]
    assert eye.currentData() == "right"
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, Qt.Key.Key_Down)
    assert eye.currentData() == "right", "a stray key changed the eye the device recorded"
    window.shutdown()
