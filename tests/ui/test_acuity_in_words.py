"""The ophthalmology form in the window: an eye's acuity said in words (« compte les doigts »…) greys the
figure it stands for, live, and the case can go without that figure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.store import Store
from tests.support.ui import activate, open_from_list, pick
from ui.main_window import MainWindow


def retina_draft(store: Store, folder: Path, **form: Any) -> str:
    """The retinography example case (both eyes, macula and disc) with ``form`` over its answers."""
    from app.casefile import parse_case, read_json_file
    from app.commands.cases import load_images
    from tests.support.cases import retina_case

    path = retina_case(folder)
    doc = json.loads(path.read_text())
    doc["form"].update(form)
    doc["form"] = {key: value for key, value in doc["form"].items() if value is not None}
    path.write_text(json.dumps(doc))
    parsed = parse_case(read_json_file(path), folder)
    return str(store.create_case(parsed.case, load_images(parsed.images, parsed.case.specialty, parsed.case)))


def started(qtbot: Any, store: Store) -> MainWindow:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    return window


def test_an_acuity_said_in_words_greys_its_figure_and_the_case_can_go(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    case_id = retina_draft(store, tmp_path / "eye", **{"visual-acuity-right": None})
    window = started(qtbot, store)
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    editor = page.editor
    figure = editor.bindings["form.visual-acuity-right"].widget
    words = editor.bindings["form.visual-acuity-right-qualitative"].widget
    missing = [f.field for f in page.findings if f.blocks_sending()]
    assert missing == ["form.visual-acuity-right"]
    assert figure.isEnabled() and words.isEnabled()

    pick(qtbot, words, "counts-fingers")
    assert not figure.isEnabled(), "the figure is not asked for once the acuity is said in words"
    assert words.isEnabled() and editor.bindings["form.visual-acuity-left"].widget.isEnabled()
    qtbot.waitUntil(lambda: not [f for f in page.findings if f.blocks_sending()], timeout=10_000)
    assert page.case.form["visual-acuity-right-qualitative"] == "counts-fingers"

    editor.undo_stack.undo()
    assert figure.isEnabled() and words.currentData() is None, "undone, the figure is asked for again"
    editor.undo_stack.redo()
    assert not figure.isEnabled() and words.currentData() == "counts-fingers"
    pick(qtbot, words, None)  # taken back: the figure is asked for again
    assert figure.isEnabled()
    qtbot.waitUntil(lambda: bool([f for f in page.findings if f.blocks_sending()]), timeout=10_000)
    window.shutdown()


def test_a_case_opened_with_an_acuity_in_words_shows_its_figure_greyed(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    case_id = retina_draft(store, tmp_path / "eye", **{"visual-acuity-left-qualitative": "light-perception"})
    window = started(qtbot, store)
    open_from_list(qtbot, window, case_id)
    editor = window.case_page.editor
    assert not editor.bindings["form.visual-acuity-left"].widget.isEnabled()
    assert editor.bindings["form.visual-acuity-right"].widget.isEnabled()
    assert editor.bindings["form.visual-acuity-left-qualitative"].widget.currentData() == "light-perception"
    window.shutdown()


def test_a_forms_decimals_read_as_a_french_nurse_writes_them(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found in review: a case opened again showed « 7.4 » and « 0.05 » where the nurse typed « 7,4 » and
    the report prints « 7,4 »; a small figure read « 1e-05 »."""
    from ui.fields import number_to_text

    case_id = retina_draft(store, tmp_path / "eye", **{"hba1c": 7.4, "visual-acuity-right": 0.05})
    window = started(qtbot, store)
    open_from_list(qtbot, window, case_id)
    editor = window.case_page.editor
    assert editor.bindings["form.hba1c"].widget.text() == "7,4"
    assert editor.bindings["form.visual-acuity-right"].widget.text() == "0,05"
    assert number_to_text(0.00001) == "0,00001" and number_to_text(12) == "12" and number_to_text(2.0) == "2"
    window.shutdown()
