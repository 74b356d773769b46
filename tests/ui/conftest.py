"""The window under test: a fresh store with a site, the synchronous task runner, and a clean stop."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from app.store import Store
from tests.support.ui import REQUESTER

if TYPE_CHECKING:
    from ui.capture_panel import CapturePanel


@pytest.fixture(autouse=True)
def demo_camera_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's tests photograph with the demo camera whatever is plugged into the machine that
    runs them: a workstation's own webcam would otherwise come first in the list (and be opened).
    The real enumeration is tested by itself (tests/capture, tests/app/test_doctor.py)."""
    import capture.camera

    monkeypatch.setattr(capture.camera, "enumerate_cameras", lambda **_options: [])


@pytest.fixture
def sync_runner() -> Iterator[None]:
    from ui import tasks

    tasks.set_runner(tasks.SyncRunner())
    yield
    tasks.set_runner(None)


@pytest.fixture
def store(teleavis_home: Path) -> Iterator[Store]:
    with Store.open(teleavis_home) as opened:
        opened.settings.set("site.requester", asdict(REQUESTER))
        opened.settings.set("sandbox.answer_after_s", 0.0)
        # The training expert asks a question on one case in four: these tests expect an answer.
        opened.settings.set("sandbox.question_rate", 0.0)
        opened.settings.set("sync.interval_s", 1)
        opened.settings.set("lock.minutes", 0)
        yield opened
    from sync.training import stop_sandboxes

    stop_sandboxes()


@pytest.fixture
def window(qtbot: object, store: Store, sync_runner: None) -> Iterator[object]:
    from ui.main_window import MainWindow

    made = MainWindow(store)
    qtbot.addWidget(made)  # type: ignore[attr-defined]
    # The tests' offscreen screen is 800 × 600, smaller than any in use: the window's least size follows
    # the screen (ui.widgets.room_on_screen), so it is given the 960 × 600 of a small laptop's window.
    made.resize(960, 600)
    made.show()
    yield made
    made.shutdown()


@pytest.fixture
def threaded_window(qtbot: object, store: Store) -> Iterator[object]:
    """The window with its real thread pool and writer: work ends after the user has moved on (a case
    opened meanwhile, a dialog closed before its checks are in)."""
    from ui import tasks
    from ui.main_window import MainWindow

    tasks.set_runner(None)
    made = MainWindow(store)
    qtbot.addWidget(made)  # type: ignore[attr-defined]
    made.show()
    yield made
    made.shutdown()


@pytest.fixture
def panel(qtbot: Any, store: Store) -> Iterator[CapturePanel]:
    """A capture panel on ``store`` (the test module's own, when it has one), hosted like the editor hosts it:
    the window's size constraints stay the host's (the offscreen platform warns when a top-level window's
    minimum size changes). Its jobs end before the store closes."""
    from PySide6.QtWidgets import QWidget

    from ui.capture_panel import CapturePanel
    from ui.tasks import runner

    host = QWidget()
    host.resize(1200, 800)
    widget = CapturePanel(store, host)
    widget.resize(1200, 800)

    def drained(_host: QWidget) -> None:
        # Done before pytest-qt closes the host and deletes it, panel and all, which comes before this
        # fixture's own teardown: the panel counts a job's end when its result is back, and once deleted it
        # no longer does. A label's save asked as the test ended, back after the deletion (a loaded host),
        # stayed « pending » for ever here.
        widget.stop_camera()
        qtbot.waitUntil(lambda: widget.jobs.pending() == 0, timeout=20_000)

    qtbot.addWidget(host, before_close_func=drained)
    yield widget
    # and what the closing asked (a field left saves its labels) is done before the store closes
    assert runner().wait(), "a job of the panel did not end"
