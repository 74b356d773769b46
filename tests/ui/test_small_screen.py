"""What a nurse reads and clicks on a 1366 × 768 laptop, in French and in English: the selected image's
actions in view without scrolling, words cut with « … » and said whole in their tooltip."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from app import forms
from app.model import Case, Consent, Patient
from app.store import Store
from tests.ui import test_layout as layout_tests
from ui.capture_panel import CapturePanel
from ui.main_window import MainWindow

#: A maximised window on a 1366 × 768 screen, under the title bar and the task bar.
SCREEN = (1366, 740)

language = layout_tests.language


@pytest.fixture
def small_window(qtbot: Any, store: Store, sync_runner: None) -> Iterator[MainWindow]:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(*SCREEN)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.shutdown()


def open_case(qtbot: Any, window: MainWindow, store: Store, specialty: str) -> CapturePanel:
    """A case of ``specialty`` with two blurred images (long findings), opened, its first image selected."""
    case = Case(
        specialty=specialty,
        patient=Patient(family="LEROY", given=["Marc"], ins="15002851234560"),
        consent=Consent(given=True, recorded_by="Inf. Durand"),
        question="Avis ?",
    )
    store.create_case(case, [layout_tests.blurred_image(specialty), layout_tests.blurred_image(specialty)])
    window.open_case(case.id)
    page = window.case_page
    panel = page.capture.ensure()
    panel.select_image(page.case.images[0].id)
    qtbot.wait(200)
    return panel


def in_view(widget: QWidget, viewport: QWidget) -> bool:
    """Whether all of ``widget`` lies in ``viewport``'s visible rectangle."""
    return viewport.rect().contains(QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size()))


@pytest.mark.parametrize("specialty", forms.FORM_SPECIALTIES)
def test_the_selected_images_actions_are_in_view_without_scrolling(
    qtbot: Any, small_window: MainWindow, store: Store, language: str, specialty: str
) -> None:
    panel = open_case(qtbot, small_window, store, specialty)
    labels = panel.labels
    column = panel.right_column
    assert column.verticalScrollBar().value() == 0
    actions = (
        labels.rotate_left_button,
        labels.rotate_right_button,
        labels.retake_button,
        labels.anonymise_button,
        labels.delete_button,
    )
    for button in actions:
        assert button.isVisible() and button.isEnabled(), button.text()
        assert in_view(button, column.viewport()), (
            f"«{button.text()}» at y={button.mapTo(column.viewport(), QPoint(0, 0)).y()} "
            f"in a {column.viewport().height()} px tall column"
        )
