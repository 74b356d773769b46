"""On a common laptop the case page shows the photos and the form without scrolling one area inside another:
found from outside (a nurse tester, training mode, 1280 × 760), the photo strip sat below the fold and the
capture column scrolled inside the page's own scroll. At 1280 × 760 and 1366 × 768, in French and in English,
in every specialty, the strip is whole in view and the capture column has at most one vertical scroll bar."""

from __future__ import annotations

from typing import Any

import pytest

from app import forms
from app.store import Store
from tests.ui import test_layout as layout_tests
from tests.ui.test_small_screen import open_case, whole_height_in_view
from ui.main_window import MainWindow

language = layout_tests.language


@pytest.mark.parametrize("size", [(1280, 760), (1366, 768)])
@pytest.mark.parametrize("specialty", forms.FORM_SPECIALTIES)
def test_the_photo_strip_is_in_view_with_no_scroll_inside_a_scroll(
    qtbot: Any, store: Store, sync_runner: None, language: str, specialty: str, size: tuple[int, int]
) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    try:
        panel = open_case(qtbot, window, store, specialty, images=3)
        slot = window.case_page.capture
        assert window.case_page.training_mark.isVisible(), "a training case (its mark takes a line)"
        outer = slot.scroll_area.verticalScrollBar().isVisible()
        inner = panel.right_column.verticalScrollBar().isVisible() and not panel.stacked
        assert not (outer and inner), "a vertical scroll bar inside another"
        assert whole_height_in_view(panel.strip, slot.scroll_area.viewport()), "the photos below the fold"
        assert slot.scroll_area.verticalScrollBar().value() == 0
    finally:
        window.shutdown()
