"""The window's look with its style sheet's rules given to the widgets they style (ui.resources.style_sheet)
is the look it had with the style sheet set on the whole application, pixel for pixel: the main screens
painted both ways in the same run, on a light and on a dark theme."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from app import screen_lock
from app.model import Case, Consent, Patient
from app.store import Store
from tests.support.cases import DERMATOLOGY_FORM, back_photo
from tests.support.images import jpeg_bytes, skin_photo
from tests.support.ui import answered_case, shown
from tests.ui.test_high_contrast import HIGH_CONTRAST_BLACK
from ui import resources
from ui.application import set_style


@pytest.fixture(params=["light", "dark"])
def theme(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    before = qapp.palette()
    if request.param == "dark":
        palette = QPalette()
        for role, colour in HIGH_CONTRAST_BLACK.items():
            palette.setColor(role, QColor(colour))
        qapp.setPalette(palette)
    yield request.param
    qapp.setStyleSheet("")
    resources.use_style(False)
    qapp.setPalette(before)


def _draft_with_photos(store: Store) -> str:
    from capture.pipeline import prepare_image_bytes

    case = Case(
        question="Lésion ?",
        form=dict(DERMATOLOGY_FORM),
        patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male", ins="123"),
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
    )
    photo = prepare_image_bytes(jpeg_bytes(skin_photo(800, 600, seed=1)), filename="1.jpg", specialty="dermatology")
    store.create_case(case, [back_photo(photo, n) for n in range(2)])
    return case.id


def _settle(qtbot: Any) -> None:
    qtbot.wait(150)


def _screens(qtbot: Any, store: Store, draft: str, answered: str) -> dict[str, QImage]:
    """The worklist, a case with photos and a field to correct (and kept as it is: both ways paint the
    same data), the follow-up of an answer (and its
    words once given another name, as the view does), the settings, the lock screen."""
    from ui.main_window import MainWindow
    from ui.settings_dialog import SettingsDialog

    seen: dict[str, QImage] = {}

    def grab(name: str, widget: QWidget) -> None:
        # Taken once two grabs in a row agree (up to a second more): what loads behind the window (the
        # list's rows, a status line) painted late on a loaded host made one way differ now and then.
        _settle(qtbot)
        image = widget.grab().toImage()
        for _ in range(20):
            qtbot.wait(50)
            again = widget.grab().toImage()
            if again == image:
                break
            image = again
        seen[name] = image

    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    try:
        window.worklist.set_filter("all")
        grab("worklist", window)
        window.open_case(draft)
        window.case_page.capture.ensure()
        _settle(qtbot)
        window.case_page.capture.stop_camera()
        editor = window.case_page.editor
        assert editor.ins.property("invalid") is True  # its INS, too short, in red
        grab("case", window)
        follow = shown(qtbot, store, answered)
        follow.resize(1000, 800)
        grab("follow", follow)
        renamed: list[tuple[QLabel, str]] = [(follow.conclusion, "attentionBanner"), (follow.reply_closed, "fieldHint")]
        for label, name in renamed:
            label.setObjectName(name)
            label.style().unpolish(label)
            label.style().polish(label)
        follow.reply_closed.setText("Réponse close")
        follow.reply_closed.show()
        grab("follow renamed", follow)
        follow.close()
        dialog = SettingsDialog(store, window)
        dialog.resize(900, 700)
        dialog.show()
        grab("settings", dialog)
        dialog.reject()
        window.show_worklist()
        window.lock()
        grab("lock", window)
    finally:
        window.shutdown()
    return seen


def test_the_window_looks_as_with_the_style_sheet_on_the_whole_application(
    qtbot: Any, qapp: QApplication, store: Store, sync_runner: None, theme: str
) -> None:
    store.settings.set("training", "on")  # its banners, on the list and on the case
    draft = _draft_with_photos(store)
    answered = answered_case(store)
    screen_lock.set_pin(store, "2468")
    styles: dict[str, Callable[[], None]] = {
        "on the application": lambda: qapp.setStyleSheet(resources.style_sheet()),
        "as the application sets it": lambda: set_style(qapp),
    }
    painted: dict[str, dict[str, QImage]] = {}
    # The field with the focus (the case's INS) draws its text cursor or not as it blinks: a screen taken
    # half a second later one way than the other (a loaded host) differed by that cursor alone. It is
    # drawn without blinking here, the same both ways.
    flash = qapp.cursorFlashTime()
    qapp.setCursorFlashTime(0)
    try:
        for how, style in styles.items():
            qapp.setStyleSheet("")
            resources.use_style(False)
            style()
            painted[how] = _screens(qtbot, store, draft, answered)
    finally:
        qapp.setCursorFlashTime(flash)
    before, after = painted.values()
    assert before.keys() == after.keys()
    differ = [name for name in before if before[name] != after[name]]
    assert not differ, f"painted otherwise on a {theme} theme: {differ}"
    # and the style was there: a problem in the style's red, on the case's page
    assert resources.sheet_for("fieldProblem") and before["case"] != QImage()


def test_a_field_shown_turning_red_keeps_its_height(qtbot: Any, qapp: QApplication) -> None:
    """Marked once laid out, a field is 4 pixels less tall by the rule's frame than by the native one: with
    the style sheet on the application, it kept the height it was laid out at (polished again, not laid
    out again), and so it does with the rule its own."""
    from PySide6.QtWidgets import QFormLayout, QLineEdit

    from ui.widgets import marked

    heights = []
    for style in (lambda: qapp.setStyleSheet(resources.style_sheet()), lambda: set_style(qapp)):
        qapp.setStyleSheet("")
        resources.use_style(False)
        style()
        form = QWidget()
        qtbot.addWidget(form)
        layout = QFormLayout(form)
        field = QLineEdit("123")
        layout.addRow("INS", field)
        layout.addRow("Dossier", QLineEdit())
        form.show()
        qtbot.waitExposed(form)
        laid_out = field.height()
        marked(field, "invalid", True)
        layout.addRow("", QLabel("Le matricule INS doit compter 15 caractères"))
        qtbot.wait(50)
        heights.append((laid_out, field.height()))
    qapp.setStyleSheet("")
    resources.use_style(False)
    assert heights[0] == heights[1] and heights[1][0] == heights[1][1], heights


def test_each_rule_of_the_style_sheet_styles_a_widget_the_window_names() -> None:
    """A rule whose name no widget is given any longer is dead weight to read at each start (found: the
    ``fieldOk`` labels were gone, their rule still there)."""
    from pathlib import Path

    import ui

    code = "\n".join(
        path.read_text("utf-8") for path in Path(ui.__file__).parent.glob("*.py") if path.name != "resources.py"
    )
    for key in resources.rules(resources.style_sheet()):
        name = key.strip("[]")
        assert f'"{name}"' in code, f"no widget of the window is given {key!r}"
