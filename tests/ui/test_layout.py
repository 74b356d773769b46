"""Nothing cut off on the smallest screens in use: 1366 × 768 (a health centre's PC, a cart) and Full HD
at 150 % (1280 × 720 to lay out). Every label, button and field of the case page gets at least the room
it needs, in both languages and for every specialty's form."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import ImageFilter
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

from app import forms
from app.model import Case, CaseImage, Consent, Patient
from app.store import NewImage, Store
from capture.pipeline import prepare_image_bytes
from tests.support.images import fundus_photo, skin_photo
from tests.support.ui import answered_case
from ui.application import install_language
from ui.choice_box import ChoiceBox
from ui.main_window import MainWindow

# Maximised windows, under the title bar and the task bar. A cheap laptop's 1366 × 768 with Windows'
# display scaling lays out 1093 × 614 at 125 %, 911 × 512 at 150 % (the window's room: ui.widgets).
SCREENS = {
    "1366x768": (1366, 740),
    "full-hd-at-150": (1280, 650),
    "1366x768-at-125": (1077, 574),
    "1366x768-at-150": (895, 472),
}


@pytest.fixture(params=["fr", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_language(qapp, request.param)
    yield request.param
    install_language(qapp, "fr")


def blurred_image(specialty: str) -> NewImage:
    """An image whose findings are long sentences (blurred: a warning with its measure)."""
    picture = fundus_photo(1400) if specialty == "ophthalmology" else skin_photo(1600, 1200)
    out = io.BytesIO()
    picture.filter(ImageFilter.GaussianBlur(4)).save(out, "JPEG", quality=90)
    prepared = prepare_image_bytes(out.getvalue(), filename="flou.jpg", specialty=specialty)
    record = CaseImage(
        width=prepared.width, height=prepared.height, quality=prepared.quality, content_type=prepared.content_type
    )
    return NewImage(record, prepared.data, prepared.thumbnail)


def cut_off(root: QWidget) -> list[str]:
    """Each visible widget under ``root`` that has less room than it needs, said in words."""
    problems = []
    for area in root.findChildren(QScrollArea):
        inner = area.widget()
        if (
            area.isVisible()
            and inner is not None
            and area.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            and inner.minimumSizeHint().width() > area.viewport().width()
        ):
            problems.append(
                f"{type(area.parent()).__name__}: content {inner.minimumSizeHint().width()} px "
                f"wide in a {area.viewport().width()} px view"
            )
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or not isinstance(widget, (QLabel, QAbstractButton, QLineEdit, QComboBox)):
            continue
        if isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):  # their own line edit, sized by them
            continue
        text = getattr(widget, "text", lambda: "")() or type(widget).__name__
        if isinstance(widget, QLineEdit) and not widget.text() and widget.placeholderText():
            hint = widget.placeholderText()
            room = widget.contentsRect().width() - 8  # the frame's and the text margins' few pixels
            if widget.fontMetrics().horizontalAdvance(hint) > room:
                problems.append(f"hint «{hint[:50]}» cut in a {widget.width()} px field")
        if isinstance(widget, QComboBox) and not widget.isEditable():
            # Its minimum size is a dozen characters: what matters is that every choice, once chosen,
            # reads whole in the closed box (a nurse reads « Provisoire (pièce d'identité non c… »).
            option = QStyleOptionComboBox()
            widget.initStyleOption(option)
            room = (
                widget.style()
                .subControlRect(
                    QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, widget
                )
                .width()
            )
            for index in range(widget.count()):
                choice = widget.closed_text(index) if isinstance(widget, ChoiceBox) else widget.itemText(index)
                if widget.fontMetrics().horizontalAdvance(choice) > room:
                    problems.append(f"choice «{choice[:50]}» cut in a {widget.width()} px box")
        need = widget.minimumSizeHint()
        # A word-wrapped label's minimum height is that of its minimum width: wider, it needs fewer lines,
        # which heightForWidth below tells (at 150 %, an error line 189 px wide and 28 tall, whole on its two
        # lines, was said cut against the 42 px of three lines at 120 px).
        wraps = isinstance(widget, QLabel) and widget.wordWrap()
        if widget.width() < need.width() or (widget.height() < need.height() and not wraps):
            problems.append(f"«{text[:50]}» {widget.width()}×{widget.height()} < {need.width()}×{need.height()}")
        elif (
            isinstance(widget, QLabel) and widget.wordWrap() and widget.height() < widget.heightForWidth(widget.width())
        ):
            problems.append(
                f"«{text[:50]}» {widget.height()} px tall, its lines need {widget.heightForWidth(widget.width())}"
            )
    return problems


def settled_whole(qtbot: Any, widget: QWidget) -> list[str]:
    """What is still cut off in ``widget`` once its layouts have settled: a word-wrapped line's height is
    set by a layout pass the event loop runs later, later still on a loaded machine (found: at 150 %, a
    different few of these pages said cut now and then, none when looked at). What stays cut for 3 s
    is cut for the nurse too."""
    problems: list[str] = []

    def whole() -> bool:
        problems[:] = cut_off(widget)
        return not problems

    with contextlib.suppress(qtbot.TimeoutError):
        qtbot.waitUntil(whole, timeout=3000)
    return problems


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("specialty", forms.FORM_SPECIALTIES)
def test_the_case_page_fits_a_small_screen(
    qtbot: Any, store: Store, sync_runner: None, language: str, specialty: str, screen: str
) -> None:
    case = Case(
        specialty=specialty,
        patient=Patient(family="LEROY", given=["Marc"], ins="15002851234560"),
        consent=Consent(given=True, recorded_by="Inf. Durand"),
        question="Avis ?",
    )
    store.create_case(case, [blurred_image(specialty)])
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.setMinimumSize(*SCREENS[screen])  # what that screen leaves it (the tests' screen is 800 × 600)
    window.resize(*SCREENS[screen])
    window.show()
    qtbot.waitExposed(window)
    window.open_case(case.id)
    page = window.case_page
    page.editor.show_findings(page.findings)  # the INS error line shows, as after typing
    panel = page.capture.ensure()
    panel.select_image(page.case.images[0].id)
    for arrival in ("OD-macula.jpg", "OG-macula.jpg"):  # the amber device-folder state and its status line
        panel._on_new_in_folder(Path(f"/export/{arrival}"))
    assert page.editing()
    assert settled_whole(qtbot, page) == []
    window.shutdown()


def test_the_other_screens_fit_full_hd_at_150(qtbot: Any, store: Store, sync_runner: None, language: str) -> None:
    from ui.settings_dialog import SettingsDialog
    from ui.setup_wizard import SetupWizard

    case_id = answered_case(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(*SCREENS["full-hd-at-150"])
    window.show()
    qtbot.waitExposed(window)
    window.worklist.set_filter("all")
    problems = [f"worklist: {p}" for p in settled_whole(qtbot, window)]
    window.open_case(case_id)
    qtbot.wait(100)
    assert not window.case_page.editing()
    problems += [f"answer: {p}" for p in settled_whole(qtbot, window)]
    window.lock()
    problems += [f"lock: {p}" for p in settled_whole(qtbot, window)]

    dialog = SettingsDialog(store, window)
    dialog.show()
    for tab in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(tab)
        qtbot.wait(20)
        problems += [f"settings, {dialog.tabs.tabText(tab)}: {p}" for p in settled_whole(qtbot, dialog)]
    dialog.close()
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    while True:
        qtbot.wait(20)
        problems += [f"first start, page {wizard.currentId()}: {p}" for p in settled_whole(qtbot, wizard)]
        if wizard.nextId() < 0 or not wizard.currentPage().isComplete():
            break
        wizard.next()
    wizard.close()
    assert problems == [], "\n".join(problems)
    window.shutdown()


def test_the_first_starts_field_problems_read_whole(qtbot: Any, store: Store, sync_runner: None, language: str) -> None:
    """Found from outside: in the first-start wizard the two-line sentences under « N° RPPS » (in English)
    and « Origine des n° de dossier » were given a line and a half, the rest cut off."""
    from ui.setup_wizard import SetupWizard

    store.settings.set("site.requester", None)  # a new installation: nothing typed yet
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.next()
    site = wizard.site
    site.rpps.setText("Dr Test")  # not a number: the longest of the RPPS's sentences
    wizard.next()  # refused: each field says what is wrong under it
    qtbot.wait(20)
    shown = [key for key, label in site.field_problems.items() if label.isVisible()]
    assert {"rpps", "system"} <= set(shown), shown
    problems = settled_whole(qtbot, wizard)
    # The RPPS's other sentence (11 digits, a wrong key), and the documentation's example kept as the
    # origin of file numbers (a warning under its field, beside its problem).
    site.rpps.setText("12345678901")
    site.system.setText("urn:oid:1.2.250.1.999.1.1")
    qtbot.wait(20)
    assert site.system_warning.isVisible() and site.field_problems["rpps"].isVisible()
    problems += settled_whole(qtbot, wizard)
    assert problems == [], "\n".join(problems)
    wizard.close()


def test_the_state_line_of_a_case_shows_its_accent_whole(
    qtbot: Any, qapp: QApplication, store: Store, sync_runner: None
) -> None:
    """Found from outside: the top of the « É » of « État : » (bold, in the window's style) was cut off in
    the follow view: a wrapped label is as tall as the font's line, and the capital's accent rises above
    it. Nothing of the words is drawn on the label's top pixel row, which its edge would cut."""
    from PySide6.QtGui import QColor

    from ui import resources
    from ui.application import set_style

    set_style(qapp)
    try:
        window = MainWindow(store)
        qtbot.addWidget(window)
        window.resize(*SCREENS["1366x768"])
        window.show()
        qtbot.waitExposed(window)
        window.open_case(answered_case(store))
        qtbot.wait(50)
        state = window.case_page.follow.state
        assert state.isVisible() and state.text().startswith("État")
        picture = state.grab().toImage()
        background = state.palette().color(state.backgroundRole())
        top_row = {QColor(picture.pixel(x, 0)).name() for x in range(picture.width())}
        assert top_row == {background.name()}, f"ink on the top row: {top_row}"
        window.shutdown()
    finally:
        resources.use_style(False)


@pytest.mark.parametrize("screen", ["1366x768", "1366x768-at-125", "1366x768-at-150"])
def test_the_worklist_fits_a_scaled_laptop(
    qtbot: Any, store: Store, sync_runner: None, language: str, screen: str
) -> None:
    """Found at 150 % on a 1366 × 768 laptop: the filters, the search box and « Nouveau dossier » on one
    line were wider than the window, the search box's words cut and the button over it."""
    answered_case(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.setMinimumSize(*SCREENS[screen])  # what that screen leaves it (the tests' screen is 800 × 600)
    window.resize(*SCREENS[screen])
    window.show()
    qtbot.waitExposed(window)
    window.worklist.set_filter("all")
    qtbot.wait(50)
    worklist = window.worklist
    problems = settled_whole(qtbot, worklist)
    for widget in (*worklist.filter_buttons.values(), worklist.search, worklist.new_button):
        place = QRect(widget.mapTo(worklist, QPoint(0, 0)), widget.size())
        if not worklist.rect().contains(place):
            problems.append(f"«{getattr(widget, 'text', str)()}» at {place}, out of the page")
    others = [worklist.search, worklist.new_button, *worklist.filter_buttons.values()]
    for i, one in enumerate(others):
        for other in others[i + 1 :]:
            if one.geometry().intersects(other.geometry()) and one.parentWidget() is other.parentWidget():
                problems.append(f"«{getattr(one, 'text', str)()}» over «{getattr(other, 'text', str)()}»")
    assert problems == [], "\n".join(problems)
    window.shutdown()


LONG_NAMED = Patient(
    family="DE LA FONTAINE-MONTMORENCY",
    given=["Marie-Françoise", "Anne-Sophie"],
    used_name="MARTIN-DELACROIX-BEAUREGARD",
    birth_date="1950-02-03",
    sex="female",
)


@pytest.mark.parametrize("screen", ["1366x768", "full-hd-at-150", "1366x768-at-125"])
def test_a_long_used_name_leaves_the_worklist_s_state_readable(
    qtbot: Any, store: Store, sync_runner: None, language: str, screen: str
) -> None:
    """Found from outside: the patient's column took the width of a long used name, and « État » was
    squeezed to « répo… ». The state reads whole; the patient's names, cut with « … » past a sensible width,
    are whole in the cell's tooltip."""
    from PySide6.QtWidgets import QTableView

    from ui.worklist import WorklistModel

    answered_case(store, LONG_NAMED)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.setMinimumSize(*SCREENS[screen])
    window.resize(*SCREENS[screen])
    window.show()
    qtbot.waitExposed(window)
    window.worklist.set_filter("all")
    table, model = window.worklist.table, window.worklist.model
    header = table.horizontalHeader()
    state_needs = QTableView.sizeHintForColumn(table, WorklistModel.STATE)  # its words, measured afresh
    qtbot.waitUntil(lambda: header.sectionSize(WorklistModel.STATE) >= state_needs, timeout=3000)
    assert sum(header.sectionSize(n) for n in range(model.columnCount())) <= table.viewport().width()
    assert header.sectionSize(WorklistModel.PATIENT) >= 18 * table.fontMetrics().horizontalAdvance("M")
    # Cut in its middle: the family name and the birth date (namesakes told apart) stay in view.
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle
    tip = model.data(model.index(0, WorklistModel.PATIENT), Qt.ItemDataRole.ToolTipRole)
    used = "nom utilisé" if language == "fr" else "used name"
    assert tip.startswith(f"DE LA FONTAINE-MONTMORENCY Marie-Françoise Anne-Sophie ({used}"), tip
    assert "MARTIN-DELACROIX-BEAUREGARD)" in tip.splitlines()[0]
    window.shutdown()
