"""The case page as a nurse works it with the keyboard and the mouse: the specialty, finding the next
missing item, getting back to the list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.store import Store
from tests.support.ui import activate, pick
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


def test_changing_the_specialty_changes_the_capture_panel_at_once(qtbot: Any, store: Store,
                                                                   sync_runner: None) -> None:
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

    # Ophthalmology chosen in the editor, with the arrow keys: the panel is a retinograph's at once.
    pick(qtbot, page.editor.specialty, "ophthalmology")
    assert page.case.specialty == "ophthalmology"
    assert panel.camera_choice.currentData() == "demo:ophthalmology", "the demo camera still shows skin"
    assert panel.labels.eye.isVisible() and not panel.labels.body_site.isVisible()
    assert panel.labels.view_label.text() == "&Champ :"
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
    assert panel.camera_choice.currentData() == "demo:dermatology"
    assert panel.labels.body_site.isVisible() and not panel.labels.eye.isVisible()
    assert list(panel.checklist.marks()) == skin_views
    window.shutdown()
