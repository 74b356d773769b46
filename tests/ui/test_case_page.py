"""The case page as a nurse works it with the keyboard and the mouse: the specialty, finding the next
missing item, getting back to the list."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.model import CaseState
from app.store import Store
from tests.support.french import fr_spaced
from tests.support.ui import activate, complete_case, open_from_list, pick, type_text
from ui.main_window import MainWindow

JOB_MS = 30_000


def new_case(qtbot: Any, window: MainWindow) -> Any:
    """Ctrl+N from the list, and the patient's consent ticked with the space bar."""
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    page = window.case_page
    assert page.editing()
    qtbot.keyClick(page.editor.consent_given, Qt.Key.Key_Space)
    assert page.case.consent.given
    return page


def test_changing_the_specialty_changes_the_capture_panel_at_once(qtbot: Any, store: Store, sync_runner: None) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    page = new_case(qtbot, window)
    panel: Any = page.capture.ensure()
    assert panel.camera_choice.currentData() == "demo:dermatology"
    assert panel.labels.body_site.isVisible() and not panel.labels.eye.isVisible()
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=JOB_MS)
    skin_views = list(panel.checklist.marks())

    # Ophthalmology chosen in the editor, with the arrow keys: the panel is a retinograph's at once (in
    # the next turn of the event loop, once the editor's fields are drawn).
    pick(qtbot, page.editor.specialty, "ophthalmology")
    assert page.case.specialty == "ophthalmology"
    qtbot.waitUntil(lambda: panel.camera_choice.currentData() == "demo:ophthalmology", timeout=1000)
    assert panel.labels.eye.isVisible() and not panel.labels.body_site.isVisible()
    assert panel.labels.view_label.text() == fr_spaced("&Champ :")
    assert list(panel.checklist.marks()) != skin_views

    # A still taken now is a fundus, checked as a retinograph.
    frames = panel.preview.frames_shown
    qtbot.waitUntil(lambda: panel.preview.frames_shown > frames + 1, timeout=JOB_MS)
    panel.preview.setFocus()
    qtbot.keyClick(panel.preview, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: len(page.case.images) == 1, timeout=JOB_MS)
    (image,) = store.images(page.case.id)
    checks = {finding.check for finding in image.quality}
    assert "field-of-view" in checks and "face" not in checks
    assert image.worst_level() != "blocking", [f.message for f in image.quality]

    # And back to dermatology: the panel follows again.
    pick(qtbot, page.editor.specialty, "dermatology")
    qtbot.waitUntil(lambda: panel.camera_choice.currentData() == "demo:dermatology", timeout=1000)
    assert panel.labels.body_site.isVisible() and not panel.labels.eye.isVisible()
    assert list(panel.checklist.marks()) == skin_views
    window.shutdown()


def started(qtbot: Any, store: Store) -> MainWindow:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    return window


def test_after_sending_a_button_and_alt_left_go_back_to_the_list(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    case_id = complete_case(store, tmp_path / "case")
    window = started(qtbot, store)
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    qtbot.keyClick(page.editor.question, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not page.editing(), timeout=JOB_MS)
    assert store.state(case_id) == CaseState.QUEUED
    assert page.back.isVisible() and "Liste des dossiers" in page.back.text()
    qtbot.mouseClick(page.back, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.worklist

    open_from_list(qtbot, window, case_id)
    qtbot.keyClick(page.follow, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.pages.currentWidget() is window.worklist
    window.shutdown()


def in_view(widget: QWidget, area: Any) -> bool:
    """Whether ``widget`` is wholly inside the scroll area's viewport."""
    viewport = area.viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    return viewport.rect().contains(QRect(top_left, widget.size()))


def test_a_new_case_opens_on_its_consent(qtbot: Any, store: Store, tmp_path: Path, sync_runner: None) -> None:
    case_id = complete_case(store, tmp_path / "case")
    window = started(qtbot, store)
    open_from_list(qtbot, window, case_id)
    editor = window.case_page.editor
    bar = editor.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0, "the form is taller than the screen"
    bar.setValue(bar.maximum())  # the nurse had scrolled down to the treatments
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)

    qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.case_page.case.id != case_id
    assert bar.value() == 0
    assert in_view(editor.consent_box, editor.scroll_area)
    assert editor.consent_given.hasFocus()
    window.shutdown()


def test_tab_goes_down_the_page_and_brings_each_field_into_view(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    case_id = complete_case(store, tmp_path / "case")
    window = started(qtbot, store)
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    editor = page.editor
    panel = page.capture.ensure()
    body = editor.scroll_area.widget()
    editor.consent_given.setFocus()
    seen: list[QWidget] = []
    for _ in range(60):
        focused = QApplication.focusWidget()
        if focused is None or not body.isAncestorOf(focused):
            break
        seen.append(focused)
        assert in_view(focused, editor.scroll_area), f"{type(focused).__name__} has the focus out of view"
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    tops = [widget.mapTo(body, QPoint(0, 0)).y() for widget in seen]
    assert tops == sorted(tops), "Tab jumps back up the form"
    form_fields = [b.widget for k, b in editor.bindings.items() if k.startswith("form.")]
    assert all(field in seen for field in form_fields), "a field of the specialty form is skipped"
    assert editor.treatments in seen
    # Then the capture panel, then the checklist and its "Envoyer".
    after = QApplication.focusWidget()
    assert after is not None and panel.isAncestorOf(after), type(after).__name__
    for _ in range(40):
        focused = QApplication.focusWidget()
        if focused is None or not panel.isAncestorOf(focused):
            break
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert page.checklist.isAncestorOf(QApplication.focusWidget())
    window.shutdown()


def test_f6_gives_the_keyboard_to_each_missing_item_photos_included(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    window = started(qtbot, store)
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    page = window.case_page
    editor = page.editor
    panel: Any = page.capture.ensure()
    qtbot.keyClick(editor.consent_given, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=JOB_MS)

    # F6 walks the missing items; each time the keyboard is on the item's field, in view.
    reached_preview = False
    for _ in range(30):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
        focused = QApplication.focusWidget()
        assert focused is not None and focused.isVisible()
        if editor.scroll_area.widget().isAncestorOf(focused):
            assert in_view(focused, editor.scroll_area)
            assert any(b.widget is focused for b in editor.bindings.values()) or focused is editor.treatments
        if focused is panel.preview:
            reached_preview = True
            break
    assert reached_preview, "F6 never brought the keyboard to the photos"
    # F8 there takes the photo at once (no Tab needed first).
    qtbot.keyClick(panel.preview, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: len(page.case.images) == 1, timeout=JOB_MS)
    # The new photo has no site nor view: F6 goes to its labels.
    labels = panel.labels
    for _ in range(30):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
        if QApplication.focusWidget() in (labels.body_site, labels.view):
            break
    else:
        raise AssertionError("F6 never brought the keyboard to the photo's labels")
    assert labels.image is not None and labels.image.id == page.case.images[0].id
    window.shutdown()


def test_the_wheel_over_a_drop_down_scrolls_the_form_and_never_changes_an_answer(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Found by a nurse's outside pass: scrolling the dermatology form with the wheel, a drop-down that
    passed under the pointer took the wheel — « Comment la lésion évolue-t-elle ? » went from « — » to
    « Stable », then further, and was saved. The wheel scrolls the page; a drop-down turns only once
    clicked (tests/ui/test_choice_box_wheel.py: not when F6 or Tab brought the keyboard to it)."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    from ui.choice_box import ChoiceBox

    window = started(qtbot, store)
    page = new_case(qtbot, window)
    editor = page.editor
    qtbot.waitUntil(lambda: any(isinstance(w, ChoiceBox) and w.isVisible() for w in editor.findChildren(ChoiceBox)))
    combos = [w for w in editor.findChildren(ChoiceBox) if w.isVisible()]

    def wheel(widget: QWidget) -> None:
        centre = QPointF(widget.rect().center())
        event = QWheelEvent(
            centre,
            QPointF(widget.mapToGlobal(widget.rect().center())),
            QPoint(0, -120),
            QPoint(0, -120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(widget, event)

    before = [combo.currentIndex() for combo in combos]
    for combo in combos:
        wheel(combo)
    assert [combo.currentIndex() for combo in combos] == before, "no answer changed by the wheel"
    combo = combos[-1]
    combo.setFocus()  # as F6 or Tab bring the keyboard to it: the wheel still scrolls the page
    wheel(combo)
    assert combo.currentIndex() == before[-1], "reached by the keyboard, it does not turn with the wheel"
    combo.clearFocus()
    combo.setFocus(Qt.FocusReason.MouseFocusReason)  # clicked
    wheel(combo)
    assert combo.currentIndex() != before[-1], "clicked, it still turns with the wheel"
    window.shutdown()


def test_a_number_field_says_it_takes_a_number(qtbot: Any, store: Store, tmp_path: Path, sync_runner: None) -> None:
    """A nurse's pass: « aucune » typed in « Nombre d'autres lésions semblables » vanished, letter by letter,
    without a word (the field takes digits only)."""
    from PySide6.QtWidgets import QLineEdit

    case_id = complete_case(store, tmp_path / "case")
    window = started(qtbot, store)
    open_from_list(qtbot, window, case_id)
    editor = window.case_page.editor
    (count,) = [
        b.widget
        for k, b in editor.bindings.items()
        if k.startswith("form.") and editor.labels.get(k, "").startswith("Nombre d'autres lésions")
    ]
    assert isinstance(count, QLineEdit) and count.placeholderText() == "un nombre entier"
    window.shutdown()


def test_the_count_said_when_sending_is_refused_follows_the_checklist(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Found by colleagues in the real window: « complétez d'abord la liste ci-dessus (11 éléments) » stayed
    under a checklist heading that said 9, then 1, as the nurse filled the case in."""
    window = started(qtbot, store)
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    page = window.case_page
    checklist = page.checklist

    def counts() -> tuple[int, int]:
        heading = re.search(r"(\d+)", checklist.title.text())
        said = re.search(r"\((\d+) élément", checklist.message.text())
        assert heading is not None and said is not None, (checklist.title.text(), checklist.message.text())
        return int(heading.group(1)), int(said.group(1))

    qtbot.mouseClick(checklist.send, Qt.MouseButton.LeftButton)
    assert checklist.message.isVisible() and checklist.message.text().startswith("Pas encore envoyé")
    first, said = counts()
    assert said == first

    editor = page.editor
    editor.consent_given.setFocus()
    qtbot.keyClick(editor.consent_given, Qt.Key.Key_Space)
    type_text(editor.consent_by, "Inf. Durand")
    type_text(editor.family, "Martin")
    type_text(editor.given, "Paul")
    heading, said = counts()
    assert heading < first, "filling the case in shortens the checklist"
    assert said == heading, checklist.message.text()

    type_text(editor.question, "Lésion pigmentée évolutive du dos : avis sur exérèse ?")
    fewer, said = counts()
    assert fewer < heading and said == fewer, checklist.message.text()
    window.shutdown()
