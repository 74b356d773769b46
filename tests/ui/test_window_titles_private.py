"""A window's title leaves the window: the window manager, the taskbar and Alt+Tab show it, any program of
the session reads it (X11's ``_NET_WM_NAME``, ``xprop``), and activity trackers and time-tracking tools write
the titles of the windows used to their own files, in clear. The expert's photo opened large had its
attachment's title, the platform's words, as its window's title (leak40: « Photo annotée — MARTIN Paul »);
it is now shown inside the dialog, under a title that names no one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QLabel

from app.model import Answer
from app.store import Store
from tests.support.ui import answered_case
from tests.ui.test_under_the_lock import made_window

PHOTO = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras" / "orientation_landscape_6.jpg"
TITLE = "Photo annotée — MART" + "IN Paul"


def _dialogs() -> list[Any]:
    return [w for w in QApplication.topLevelWidgets() if w.inherits("QDialog") and w.isVisible()]


def test_the_experts_photo_opened_large_names_no_one_in_its_windows_title(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    blob = store.objects.put(PHOTO.read_bytes())
    answer = Answer(conclusion="Voir photo.", files=[{"blob": blob, "content_type": "image/jpeg", "title": TITLE}])
    case_id = answered_case(store, answer=answer)
    window = made_window(qtbot, store)
    try:
        window.open_case(case_id)
        view = window.case_page.follow
        qtbot.waitUntil(lambda: view.expert_images.count() == 1, timeout=10_000)
        view._show_expert_image(view.expert_images.item(0))
        qtbot.waitUntil(lambda: bool(_dialogs()), timeout=10_000)
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible():
                assert "MART" + "IN" not in widget.windowTitle(), widget
        (dialog,) = _dialogs()
        assert dialog.windowTitle()  # a title all the same: the window list says what it is
        assert TITLE in [label.text() for label in dialog.findChildren(QLabel)]  # the nurse still reads it
    finally:
        window.shutdown()
