"""The capture column fits its width on the smallest screen we support: 1280 × 720 at 125 %.

Found by colleagues using the real window (QT_SCALE_FACTOR=1.25 under Xvfb): the column scrolled
sideways, the camera's view, « Image sélectionnée » and the eye box could not be seen together, and the
column's scroll position carried over to the next case opened."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from app.model import Case, Consent, Patient
from app.store import Store
from tests.ui import test_buttons_read_whole as buttons_tests
from tests.ui import test_layout as layout_tests
from tests.ui.test_buttons_read_whole import hidden_sideways, window_at

language, styled = buttons_tests.language, buttons_tests.styled


def retinography(store: Store, family: str) -> str:
    case = Case(
        specialty="ophthalmology",
        patient=Patient(family=family, given=["Marc"]),
        consent=Consent(given=True, recorded_by="Inf. Durand"),
        question="Rétinopathie diabétique ?",
    )
    store.create_case(case, [layout_tests.blurred_image("ophthalmology") for _ in range(2)])
    return case.id


def test_a_retinographys_capture_column_never_scrolls_sideways_at_125(
    qtbot: Any, store: Store, sync_runner: None, styled: None, language: str
) -> None:
    first, second = retinography(store, "LEROY"), retinography(store, "BLANC")
    window = window_at(qtbot, store, "1280x720-at-125")
    window.open_case(first)
    page = window.case_page
    slot = page.capture
    panel = slot.ensure()
    panel.select_image(page.case.images[0].id)
    labels = panel.labels
    qtbot.waitUntil(lambda: labels.eye.isVisibleTo(window) and labels.view.isEnabled())
    qtbot.wait(100)
    sideways = slot.scroll_area.horizontalScrollBar()
    assert not sideways.isVisible() and sideways.maximum() == 0, f"scrolls {sideways.maximum()} px sideways"
    whole: list[QWidget] = [panel.preview, labels, labels.eye, labels.view, panel.capture_button]
    assert [type(w).__name__ for w in whole if hidden_sideways(w)] == []
    view = slot.scroll_area.viewport()
    place = QRect(panel.mapTo(view, QPoint(0, 0)), panel.size())
    assert place.left() >= 0 and place.right() < view.width(), f"{place} in a {view.width()} px column"

    # Scrolled down to the eye, then another case opened: it opens at its top, its camera in sight.
    down = slot.scroll_area.verticalScrollBar()
    down.setValue(down.maximum())
    inner = panel.right_column.verticalScrollBar()
    inner.setValue(inner.maximum())
    window.open_case(second)
    assert page.case.id == second
    assert (sideways.value(), down.value(), inner.value()) == (0, 0, 0)
    window.shutdown()


def test_the_capture_column_keeps_the_camera_beside_the_labels_where_there_is_room(
    qtbot: Any, store: Store, sync_runner: None, styled: None
) -> None:
    """At 1280 × 720 (100 %) the column has the room it always had: the labels beside the camera."""
    window = window_at(qtbot, store, "1280x720")
    window.open_case(retinography(store, "LEROY"))
    panel = window.case_page.capture.ensure()
    qtbot.wait(100)
    camera, column = panel.live, panel.right_column
    beside = column.mapTo(panel, QPoint(0, 0)).x() >= camera.mapTo(panel, QPoint(0, 0)).x() + camera.width()
    assert beside
    assert window.case_page.capture.scroll_area.horizontalScrollBar().maximum() == 0
    window.shutdown()
