"""The live camera seen from the window: frames as QImages, stills at full resolution, lost/back.

:class:`capture.camera_worker.CameraWorker` grabs in its own thread and keeps only the newest
frame, with its preview already at the size the preview widget shows it (reduced and converted by
that thread: on the window's, it took 3 ms a frame, 30 times a second, all day). A timer on the main
thread picks the newest up at the display rate and only wraps its pixels in a QImage, so a slow
machine drops stale frames instead of queueing them, and the window never waits for the camera.
A still is taken by the worker at the camera's full resolution, waited for in the thread pool, and
handed over by signal.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, QSize, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication, QImage
from shiboken6 import isValid

from capture.camera import FrameSource, PreviewBuffer, preview_buffer
from capture.camera_worker import CameraStatus, CameraWorker
from ui.tasks import run_task

log = logging.getLogger(__name__)

PREVIEW_LONG_SIDE = 960  # the preview's size until its widget says its own; stills keep the full size
MAX_DISPLAY_FPS = 30.0
DEMO_ID = "demo"


#: Cameras being freed on threads of their own (see ``CameraBridge.stop``).
_stopping: list[threading.Thread] = []
#: The cameras grabbing now, stopped by :func:`free_cameras` as the window ends.
_running: weakref.WeakSet[CameraBridge] = weakref.WeakSet()


def free_cameras(timeout: float = 5.0) -> bool:
    """Stop every camera still grabbing, then :func:`wait_cameras_freed`. Called as the window ends: a camera
    is stopped when its panel hides, and the window ended by the system (SIGTERM: its loop quits, then
    ``MainWindow.shutdown``) did not hide before the process exited; its grab thread went on inside OpenCV
    until the interpreter's end, which aborted the process (« terminate called without an active exception »,
    about once in ten on a loaded machine: tests/ui/test_camera_freed_at_exit.py)."""
    for bridge in list(_running):
        if isValid(bridge):
            bridge.stop()
    return wait_cameras_freed(timeout)


def wait_cameras_freed(timeout: float = 5.0) -> bool:
    """Until every camera being stopped is freed, at most ``timeout`` seconds; whether all were.

    Called at exit: a grab thread still inside OpenCV while the interpreter ends can abort the process
    ("terminate called without an active exception") and leave the device busy for the next start."""
    deadline = time.monotonic() + timeout
    for thread in list(_stopping):
        thread.join(max(0.0, deadline - time.monotonic()))
    _stopping[:] = [thread for thread in _stopping if thread.is_alive()]
    return not _stopping


def _free(worker: CameraWorker) -> None:
    """Stop ``worker`` and wait for its threads to end, however long they take: this thread ends only once
    they have, so that :func:`wait_cameras_freed` says a camera freed only then. ``CameraWorker.stop`` gives
    up on its grab thread after 3 s, and this thread ended then with the grab thread still in OpenCV (a demo
    camera drawing its scene): the window's close went on to exit, and the process aborted as it ended."""
    worker.stop()
    worker.wait_ended()


@dataclass(frozen=True)
class CameraChoice:
    """A camera the user can pick: a stable identity (kept in settings) and a readable name."""

    id: str
    name: str


DEMO_WIDTH, DEMO_HEIGHT = 1920, 1080


def demo_choice(specialty: str) -> CameraChoice:
    from capture.demo import DemoCamera

    return CameraChoice(f"{DEMO_ID}:{specialty}", DemoCamera(kind=specialty).name)


def plugged_cameras() -> list[CameraChoice]:
    """The cameras plugged in now, by identity (the system's listing: a few files read on Linux, Media
    Foundation's enumeration on Windows, which may take much longer)."""
    from capture.camera import enumerate_cameras

    return [CameraChoice(camera.id, camera.name) for camera in enumerate_cameras()]


def available_cameras(specialty: str, plugged: list[CameraChoice], *, training: bool = False) -> list[CameraChoice]:
    """The ``plugged`` cameras, then the demo camera in training mode only.

    Its frames are realistic skin or fundus pictures with no mark on them: offered outside training when
    no camera was found (a loose cable), a nurse could capture one into a real patient's case and send it
    to a real expert (tests/ui/test_no_demo_outside_training.py)."""
    found = list(plugged)
    if training:
        found.append(demo_choice(specialty))
    return found


def open_source(choice_id: str, resolution: str = "") -> FrameSource:
    """The frame source for a camera identity from :func:`available_cameras`."""
    if choice_id.startswith(DEMO_ID):
        from capture.demo import DemoCamera

        # Full HD, as a current USB camera gives: below 768 lines every demo photo would be flagged.
        return DemoCamera(kind=choice_id.partition(":")[2] or "dermatology", width=DEMO_WIDTH, height=DEMO_HEIGHT)
    from capture.camera import open_camera

    return open_camera(choice_id, resolution)


def to_qimage(frame_bgr: np.ndarray, long_side: int = PREVIEW_LONG_SIDE) -> QImage:
    """A BGR frame as a QImage owning its pixels, reduced to ``long_side`` for display."""
    return wrapped(preview_buffer(frame_bgr, long_side))


def wrapped(buffer: PreviewBuffer) -> QImage:
    """The pixels of ``buffer`` as a QImage, not copied: PySide keeps the array alive as long as the
    image or any copy of it (tests/ui/test_camera_preview_thread.py checks it). Nothing writes to a
    buffer once made."""
    return QImage(buffer.data.data, buffer.width, buffer.height, buffer.stride, QImage.Format.Format_RGB888)


class CameraBridge(QObject):
    """One live camera for the window: start, stop, take a still; signals on the main thread."""

    frame_ready = Signal(QImage)
    camera_lost = Signal(str)
    camera_back = Signal()
    _status_changed = Signal(str, str)  # from the worker thread, queued to this object's thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker: CameraWorker | None = None
        self._shown = 0
        self._lost = False
        self._bounds = (PREVIEW_LONG_SIDE, PREVIEW_LONG_SIDE)
        self._ratio = 1.0
        self.device_name = ""
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._deliver)
        self._status_changed.connect(self._on_status)

    def is_running(self) -> bool:
        return self._worker is not None

    def start(self, factory: Callable[[], FrameSource], device_name: str = "") -> None:
        """Grab from sources made by ``factory`` (the previous camera is stopped first)."""
        self.stop()
        self.device_name = device_name
        self._shown = 0
        self._lost = False

        def on_status(status: object, text: str) -> None:
            # A worker still stopping in the background must not speak for the one that replaced it,
            # nor for a panel whose window has closed meanwhile (its Qt object is gone).
            try:
                if isValid(self) and (self._worker is None or self._worker is worker):
                    self._status_changed.emit(str(status), text)
            except RuntimeError:  # deleted between the check and the emit
                log.debug("camera status after the panel closed: dropped")

        rate = self._display_rate()
        worker = CameraWorker(
            factory, name=device_name, on_status=on_status, preview_bounds=self._bounds, preview_fps=rate
        )
        self._worker = worker
        _running.add(self)
        # Its threads are started by a worker: Thread.start() waits for each new thread to run, and on a
        # busy machine that wait was the longest part of opening a case. Stopped meanwhile, it stays so.
        run_task(worker.start)
        self._timer.start(round(1000 / rate))

    def show_at(self, size: QSize, device_pixel_ratio: float = 1.0) -> None:
        """Frames to come are shown in ``size`` (the preview widget's, in its logical pixels): their previews
        are made at that size, in the screen's pixels, so that painting one scales nothing."""
        self._ratio = device_pixel_ratio or 1.0
        self._bounds = (
            max(1, round(size.width() * self._ratio)),
            max(1, round(size.height() * self._ratio)),
        )
        if self._worker is not None:
            self._worker.show_at(self._bounds)

    def stop(self) -> None:
        """Stop grabbing and free the camera. The grab thread may be in the middle of a frame: it is
        waited for on a thread of its own, never on the window's (that wait was a visible stall)."""
        self._timer.stop()
        worker, self._worker = self._worker, None
        _running.discard(self)
        if worker is not None:
            stopping = threading.Thread(target=_free, args=(worker,), name="camera-stop", daemon=True)
            _stopping[:] = [thread for thread in _stopping if thread.is_alive()] + [stopping]
            stopping.start()

    def ask_still(self) -> Callable[[], np.ndarray | None] | None:
        """Ask the running camera for a still, now: the frame after this moment is the still. Returns
        what waits for it, for a worker thread to call (it blocks until the still comes; None when the
        camera gives none), or None when no camera runs."""
        worker = self._worker
        if worker is None:
            return None
        worker.ask_still()
        return worker.wait_still

    @Slot()
    def _deliver(self) -> None:
        worker = self._worker
        newest = worker.latest_preview() if worker is not None else None
        if newest is None or newest[0] == self._shown:
            return  # (this worker makes the previews at the display's rate: it was given the bounds)
        self._shown = newest[0]
        image = wrapped(newest[1])
        image.setDevicePixelRatio(self._ratio)
        self.frame_ready.emit(image)

    @Slot(str, str)
    def _on_status(self, status: str, text: str) -> None:
        if self._worker is None:
            return
        if status in (CameraStatus.DISCONNECTED, CameraStatus.FROZEN):
            self._lost = True
            self.camera_lost.emit(text)
        elif status == CameraStatus.RUNNING and self._lost:
            self._lost = False
            self.camera_back.emit()

    @staticmethod
    def _display_rate() -> float:
        screen = QGuiApplication.primaryScreen()
        rate = screen.refreshRate() if screen is not None else MAX_DISPLAY_FPS
        return max(5.0, min(MAX_DISPLAY_FPS, rate or MAX_DISPLAY_FPS))
