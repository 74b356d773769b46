"""Each Alt+letter of the case page of a retinography leads to one place, in French and in English.

Found from outside (an orthoptist labelling retinographs from the keyboard at 1280×720): Alt+C, for
« &Champ », went to « &Caméra » first (Qt cycles between the widgets that share a letter, and
activates none), and the Down arrow she pressed then to choose the field changed the camera; Alt+D
and Alt+A were the menus' « &Dossiers » and « &Aide » as much as « &Dossier de l'appareil… » and
« &Anonymiser… »; in English Alt+C was the camera and the « &Cases » menu, Alt+E the eye and « &Edit ».
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QScrollArea, QWidget

from app.store import Store
from tests.support.ui import activate
from tests.ui.test_device_eye_shown import filed_as_right
from ui.application import install_language


@pytest.fixture(params=["fr", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_language(qapp, request.param)
    yield request.param
    install_language(qapp, "fr")


def mnemonic(text: str) -> str:
    return QKeySequence.mnemonic(text).toString()


def keys_of(window: Any) -> dict[str, list[str]]:
    """Each Alt+letter the window answers to: the menus' and its shown widgets'."""
    keys: dict[str, list[str]] = defaultdict(list)
    for action in window.menuBar().actions():
        if key := mnemonic(action.text()):
            keys[key].append(f"menu {action.text()}")
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QAbstractButton | QLabel):
            text = widget.text()
        elif isinstance(widget, QGroupBox):
            text = widget.title()
        else:
            continue
        if key := mnemonic(text):
            keys[key].append(text)
    return keys


def test_each_alt_letter_of_a_retinography_leads_to_one_place(
    qtbot: Any, language: str, store: Store, window: Any
) -> None:
    case_id, image_id = filed_as_right(store)
    activate(qtbot, window)
    window.open_case(case_id)
    panel = window.case_page.capture.ensure()
    panel.select_image(image_id)
    labels = panel.labels
    qtbot.waitUntil(lambda: labels.eye.isVisibleTo(window) and labels.view.isEnabled())

    shared = {key: texts for key, texts in keys_of(window).items() if len(texts) > 1}
    assert not shared, shared

    # The field's letter takes the nurse to the field, whose Down arrow then chooses a field.
    for label, box in ((labels.view_label, labels.view), (labels.eye_label, labels.eye)):
        qtbot.keyClick(window, mnemonic(label.text())[-1], Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(box.hasFocus)
        assert not panel.camera_choice.hasFocus()


def scroll_areas(widget: QWidget) -> list[QScrollArea]:
    """The scroll areas ``widget`` is in, the innermost first."""
    areas, parent = [], widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            areas.append(parent)
        parent = parent.parentWidget()
    return areas


def in_sight(widget: QWidget) -> bool:
    """Whether the whole of ``widget`` is inside the view of every scroll area it is in."""
    for area in scroll_areas(widget):
        view = area.viewport()
        if not view.rect().contains(widget.rect().translated(widget.mapTo(view, QPoint(0, 0)))):
            return False
    return True


def test_the_eye_reached_by_its_letter_is_in_sight_on_a_small_screen(qtbot: Any, store: Store, window: Any) -> None:
    """1280×720 at 125 % (1024×576): the capture column scrolled sideways, and Alt+L put the keyboard on
    an eye box out of sight, to the right; the Down arrow then changed an eye the nurse could not see.
    (The column now stacks the labels under the camera: the eye box is out of sight below it, here with the
    system's text a size larger, as a nurse's eyesight may ask: at 1024×576 the column of this case now
    holds it in sight, its « Vues attendues » box no longer stretched empty.)"""
    case_id, image_id = filed_as_right(store)
    usual = QApplication.font()
    larger = QApplication.font()
    larger.setPointSizeF(usual.pointSizeF() * 1.25)
    QApplication.setFont(larger)
    try:
        _reached_in_sight(qtbot, window, case_id, image_id)
    finally:
        QApplication.setFont(usual)


def _reached_in_sight(qtbot: Any, window: Any, case_id: str, image_id: str) -> None:
    window.resize(1024, 576)
    activate(qtbot, window)
    window.open_case(case_id)
    panel = window.case_page.capture.ensure()
    panel.select_image(image_id)
    labels = panel.labels
    qtbot.waitUntil(lambda: labels.eye.isVisibleTo(window) and labels.view.isEnabled())
    for label, box in ((labels.eye_label, labels.eye), (labels.view_label, labels.view)):
        panel.live.setFocus()  # the camera, at the top of the column, the column scrolled to its top
        for area in scroll_areas(box):
            area.horizontalScrollBar().setValue(0)
            area.verticalScrollBar().setValue(0)
        assert not in_sight(box)  # (the column is taller than its room: else nothing is tried here)
        qtbot.keyClick(window, mnemonic(label.text())[-1], Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(box.hasFocus)
        qtbot.waitUntil(lambda b=box: in_sight(b), timeout=2_000)
