"""The window on a dark, high-contrast theme (Windows' « Noir », a dark desktop): the colours Teleavis
sets itself (problems in red, unread rows, fields to correct) still read at WCAG AA's contrast, 4.5:1,
measured on the painted pixels or the colours the view is given."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from app.store import Store
from tests.support.ui import activate, answered_case, type_text
from ui import capture_panel, resources
from ui.application import set_style
from ui.main_window import MainWindow
from ui.widgets import contrast

AA = 4.5
HIGH_CONTRAST_BLACK = {
    QPalette.ColorRole.Window: "#000000",
    QPalette.ColorRole.WindowText: "#ffffff",
    QPalette.ColorRole.Base: "#000000",
    QPalette.ColorRole.AlternateBase: "#1c1c1c",
    QPalette.ColorRole.Text: "#ffffff",
    QPalette.ColorRole.Button: "#000000",
    QPalette.ColorRole.ButtonText: "#ffffff",
    QPalette.ColorRole.Highlight: "#1aebff",
    QPalette.ColorRole.HighlightedText: "#000000",
    QPalette.ColorRole.PlaceholderText: "#c0c0c0",
}


@pytest.fixture
def dark(qapp: QApplication) -> Iterator[None]:
    """The high-contrast black theme, and the window's style sheet read under it, as at start."""
    before = qapp.palette()
    palette = QPalette()
    for role, colour in HIGH_CONTRAST_BLACK.items():
        palette.setColor(role, QColor(colour))
    qapp.setPalette(palette)
    set_style(qapp)
    yield
    resources.use_style(False)
    qapp.setPalette(before)


def best_contrast(widget: QWidget, background: QColor) -> float:
    """The contrast with ``background`` of the most contrasted pixel painted in ``widget``: its words' ink."""
    picture = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    seen = {picture.pixel(x, y) for x in range(0, picture.width()) for y in range(0, picture.height())}
    return max(contrast(QColor(pixel), background) for pixel in seen)


def test_contrast_is_wcag_s_ratio() -> None:
    assert contrast(QColor("black"), QColor("white")) == pytest.approx(21)
    assert contrast(QColor("#767676"), QColor("white")) == pytest.approx(4.54, abs=0.01)


def test_unread_and_urgent_rows_read_on_a_dark_theme(qtbot: Any, store: Store, sync_runner: None, dark: None) -> None:
    answered_case(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    window.start()
    table = window.worklist.table
    model = table.model()
    window.worklist.filter_buttons["all"].click()
    assert model.rowCount() == 1
    index = model.index(0, model.STATE)
    assert "à lire" in model.data(index)
    text = table.palette().color(QPalette.ColorRole.Text)
    unread = model.data(index, Qt.ItemDataRole.BackgroundRole)
    assert contrast(unread, text) >= AA, "the unread row's words on its green"
    for colour in (model._urgent, model._training):
        assert contrast(colour, unread) >= AA and contrast(colour, table.palette().color(QPalette.ColorRole.Base)) >= AA
    window.shutdown()


def test_problems_and_fields_to_correct_read_on_a_dark_theme(
    qtbot: Any, store: Store, sync_runner: None, dark: None
) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    activate(qtbot, window)
    window.start()
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    page = window.case_page
    qtbot.mouseClick(page.checklist.send, Qt.MouseButton.LeftButton)
    editor = page.editor
    editor.consent_given.setChecked(True)
    type_text(editor.consent_date, "99/99/2020")
    editor.family.setFocus()
    qtbot.wait(50)
    black = QColor("#000000")

    field = editor.consent_date
    assert field.property("invalid") is True
    inside = QColor(field.grab().toImage().pixel(field.width() - 4, field.height() // 2))
    assert contrast(inside, QColor("#ffffff")) >= AA, f"the theme's white words on the field's {inside.name()}"

    problem = editor.problems["consent.date"]
    assert problem.isVisible()
    assert best_contrast(problem, black) >= AA, "the problem under the field"
    hint = editor.used_name_note
    assert best_contrast(hint, black) >= AA, "the hint under a field"

    items = page.checklist.items
    assert items.count() > 0
    for row in range(items.count()):
        colour = items.item(row).foreground().color()
        assert contrast(colour, items.palette().color(QPalette.ColorRole.Base)) >= AA, items.item(row).text()

    # The photos' side: the views still expected, and the device folder's button when new images wait.
    panel: Any = page.capture.ensure()
    views = panel.checklist
    assert views.count() > 0
    for row in range(views.count()):
        colour = views.item(row).foreground().color()
        assert contrast(colour, views.palette().color(QPalette.ColorRole.Base)) >= AA, views.item(row).text()
    button = panel.folder_button
    button.setStyleSheet(capture_panel._WAITING_STYLE)
    assert best_contrast(button, QColor("#ffe08a")) >= AA, "the button's words on its amber"
    window.shutdown()


def test_an_image_tile_reads_on_a_dark_theme_and_its_badges_read_at_aa(qtbot: Any, dark: None) -> None:
    from app.model import CaseImage, QualityFinding
    from ui.image_tile import LEVEL_COLOURS, ImageTile

    for level, colour in LEVEL_COLOURS.items():
        assert contrast(QColor(colour), QColor("white")) >= AA, f"the {level} badge's white words"
    image = CaseImage(body_site="dos", quality=[QualityFinding("sharpness", "warning", "Photo un peu floue.")])
    tile = ImageTile(image, None, 1)
    qtbot.addWidget(tile)
    tile.show()
    tile.set_selected(True)
    picture = tile.grab().toImage()
    inside = QColor(picture.pixel(tile.width() // 2, tile.height() - 8))
    assert contrast(inside, QColor("#ffffff")) >= AA, f"the theme's white words on the selected tile's {inside.name()}"


def test_another_patient_s_tile_says_it_readably_on_a_dark_theme(qtbot: Any, dark: None) -> None:
    from app.model import CaseImage
    from ui.image_tile import ImageTile

    tile = ImageTile(CaseImage(body_site="dos"), None, 1, other_patient=True)
    qtbot.addWidget(tile)
    tile.show()
    assert tile.sentence.text().startswith("⚠ Autre patient")
    assert best_contrast(tile.sentence, QColor("#000000")) >= AA, "« Autre patient selon l'appareil » on black"
