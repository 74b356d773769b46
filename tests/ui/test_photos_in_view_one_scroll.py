"""On a common laptop the case page shows the photos and the form without scrolling one area inside another:
found from outside (a nurse tester, training mode, 1280 × 760), the photo strip sat below the fold and the
capture column scrolled inside the page's own scroll. At 1280 × 760 and 1366 × 768 the strip is whole in view
and the capture column has at most one vertical scroll bar.

What is checked is what costs: French (its words are the longer ones), the specialties whose labels take the
most room (dermatology, the commonest, its site and view; ophthalmology, its eye and field), one window resized
from one size to the other. Every language × specialty × size (16 windows) cost about four minutes of CI on two
workers; none of them ever failed alone. A training mark 160 px taller puts the strip below the fold here."""

from __future__ import annotations

from typing import Any

import pytest

from app.store import Store
from tests.ui.test_small_screen import open_case, whole_height_in_view
from ui.capture_panel import CapturePanel
from ui.main_window import MainWindow

SIZES = ((1280, 760), (1366, 768))


def photos_in_view(window: MainWindow, panel: CapturePanel) -> None:
    slot = window.case_page.capture
    outer = slot.scroll_area.verticalScrollBar().isVisible()
    inner = panel.right_column.verticalScrollBar().isVisible() and not panel.stacked
    size = f"{window.width()} × {window.height()}"
    assert not (outer and inner), f"a vertical scroll bar inside another at {size}"
    assert whole_height_in_view(panel.strip, slot.scroll_area.viewport()), f"the photos below the fold at {size}"
    assert slot.scroll_area.verticalScrollBar().value() == 0


@pytest.mark.parametrize("specialty", ["dermatology", "ophthalmology"])
def test_the_photo_strip_is_in_view_with_no_scroll_inside_a_scroll(
    qtbot: Any, store: Store, sync_runner: None, specialty: str
) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(*SIZES[0])
    window.show()
    qtbot.waitExposed(window)
    try:
        panel = open_case(qtbot, window, store, specialty, images=3)
        assert window.case_page.training_mark.isVisible(), "a training case (its mark takes a line)"
        photos_in_view(window, panel)
        for size in SIZES[1:]:
            window.resize(*size)
            qtbot.waitUntil(lambda size=size: (window.width(), window.height()) == size)
            qtbot.wait(100)  # (the layout done for the new size)
            photos_in_view(window, panel)
    finally:
        window.shutdown()
