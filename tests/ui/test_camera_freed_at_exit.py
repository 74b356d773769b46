"""A camera stopped as the window closes is said freed only once its grab thread has ended.

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

from capture.demo import DemoCamera
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
