"""The window's end stops its cameras and waits for them: none is left grabbing as the process exits.

The window ended by the system (SIGTERM: its loop quits, then ``MainWindow.shutdown``) waited for the cameras
being stopped, but stopped none: the case's live camera is stopped when its panel hides, and the window did not
hide before the process exited. Its grab thread went on inside OpenCV until the interpreter's end, and a camera
stopped as the window closes was said freed before its grab thread ended (below).

The window's close waits for its cameras (``wait_cameras_freed``) because a grab thread still inside OpenCV
while the interpreter ends aborts the process (« terminate called without an active exception »: Python ends
a thread coming back for its lock at that moment by unwinding its stack, and OpenCV's C++ frames refuse it).
That wait joined the thread stopping the camera, and that thread gave up on the grab thread after 3 s: a demo
camera still drawing its scene as the window closed (4.5 s on a loaded machine) was said freed while its
thread was in ``cv2.GaussianBlur``, and the process aborted as it exited, about once in ten SIGTERMs of
tests/ui/test_typed_at_the_end.py on two loaded workers (core dump: the ``camera-grab`` thread in
``DemoCamera.open``, waiting for the GIL inside cv2, then ``pthread_exit`` and ``std::terminate``).
"""

from __future__ import annotations

import threading
from typing import Any

from app.store import Store
from capture.demo import DemoCamera
from tests.ui.test_capture_panel import JOB_MS, new_case
from ui.camera_bridge import CameraBridge, wait_cameras_freed

#: Longer than the camera's own stop waits for its grab thread (``CameraWorker.stop``'s 3 s).
PAST_THE_STOP_S = 4.0


def test_a_camera_still_opening_when_stopped_is_not_said_freed_until_its_thread_ends(qtbot: Any) -> None:
    opening, drawn = threading.Event(), threading.Event()

    class SlowToOpen(DemoCamera):
        """The demo camera whose scene takes longer to draw than the stop waits (a loaded machine)."""

        def open(self) -> bool:
            opening.set()
            drawn.wait(60)
            return super().open()

    bridge = CameraBridge()
    try:
        bridge.start(lambda: SlowToOpen(width=64, height=48))
        assert opening.wait(30), "the camera began to open"
        bridge.stop()
        # Still inside the camera's opening: not freed, however long the stop has waited for it.
        assert not wait_cameras_freed(PAST_THE_STOP_S)
        assert any(t.name == "camera-grab" and t.is_alive() for t in threading.enumerate())
    finally:
        drawn.set()
    assert wait_cameras_freed(30.0)
    assert not any(t.name == "camera-grab" for t in threading.enumerate())
    bridge.deleteLater()


def _grabbing() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "camera-grab" and t.is_alive()]


def test_the_window_s_end_stops_the_case_s_camera_and_waits_for_it(qtbot: Any, window: Any, store: Store) -> None:
    """As at SIGTERM: the window's loop quits and the window ends, still shown (it hides only as it is deleted)."""
    window.open_case(new_case(store).id)
    panel = window.case_page.capture.ensure()
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 2, timeout=JOB_MS)
    assert _grabbing()
    window.shutdown()
    assert not panel.camera.is_running()
    assert not _grabbing(), "no camera thread left to the interpreter's end"
