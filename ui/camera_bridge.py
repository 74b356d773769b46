"""The live camera seen from the window: frames as QImages, stills at full resolution, lost/back.

Frames are grabbed in a worker thread (never the main thread: a USB camera can block for a
second). The worker only keeps the newest frame; a timer on the main thread picks it up at the
display rate and converts just that one, so a slow machine drops stale frames instead of
queueing them and the window never stalls behind the camera.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication, QImage

from capture.cv import cv2

log = logging.getLogger(__name__)

PREVIEW_LONG_SIDE = 960  # the preview is drawn at most this size; stills keep the full size
MAX_DISPLAY_FPS = 30.0
RECONNECT_EVERY_S = 1.0
DEMO_ID = "demo"


class FrameSource(Protocol):
    """What the grab loop needs: the interface of ``cv2.VideoCapture`` and :class:`DemoCamera`."""

    def open(self) -> bool: ...
    def read(self) -> tuple[bool, Any]: ...
    def release(self) -> None: ...


@dataclass(frozen=True)
class CameraChoice:
    """A camera the user can pick: a stable identity (kept in settings) and a readable name."""

    id: str
    name: str


def demo_choice(specialty: str) -> CameraChoice:
    from capture.demo import DemoCamera

    return CameraChoice(f"{DEMO_ID}:{specialty}", DemoCamera(kind=specialty).name)


def available_cameras(specialty: str, *, training: bool = False) -> list[CameraChoice]:
    """Plugged-in cameras by identity, then the demo camera when none is found (or in training)."""
    found: list[CameraChoice] = []
    try:
        from capture import camera as cameras  # type: ignore[attr-defined]

        found = [CameraChoice(str(c.id), str(c.name)) for c in cameras.enumerate_cameras()]
    except ImportError:
        found = []
    except Exception:  # a broken driver must not keep the panel from opening
        log.exception("camera enumeration failed")
        found = []
    if training or not found:
        found.append(demo_choice(specialty))
    return found


def open_source(choice_id: str, resolution: str = "") -> FrameSource:
    """The frame source for a camera identity from :func:`available_cameras`."""
    if choice_id.startswith(DEMO_ID):
        from capture.demo import DemoCamera

        kind = choice_id.partition(":")[2] or "dermatology"
        return DemoCamera(kind=kind)
    from capture import camera as cameras  # type: ignore[attr-defined]

    return cameras.open_camera(choice_id, resolution=resolution)  # type: ignore[no-any-return]


def to_qimage(frame_bgr: np.ndarray, long_side: int = PREVIEW_LONG_SIDE) -> QImage:
    """A BGR frame as a QImage owning its pixels, reduced to ``long_side`` for display."""
    height, width = frame_bgr.shape[:2]
    scale = long_side / max(height, width)
    if scale < 1.0:
        frame_bgr = cv2.resize(frame_bgr, (max(1, round(width * scale)), max(1, round(height * scale))),
                               interpolation=cv2.INTER_AREA)
    frame = np.ascontiguousarray(frame_bgr)
    h, w = frame.shape[:2]
    return QImage(frame.data, w, h, int(frame.strides[0]), QImage.Format.Format_BGR888).copy()


class _GrabLoop(threading.Thread):
    """Reads the source until stopped; reopens it after a loss, for as long as it takes."""

    def __init__(self, factory: Callable[[], FrameSource], bridge: CameraBridge) -> None:
        super().__init__(name="camera-grab", daemon=True)
        self._factory = factory
        self._bridge = bridge
        self._halt = threading.Event()
        self.lock = threading.Lock()
        self.newest: np.ndarray | None = None
        self.sequence = 0
        self.still_wanted = threading.Event()

    def stop(self) -> None:
        self._halt.set()

    def run(self) -> None:
        source: FrameSource | None = None
        lost = False
        while not self._halt.is_set():
            if source is None:
                source = self._open()
                if source is None:
                    if not lost:
                        lost = True
                        self._bridge.camera_lost.emit(self._bridge.tr("La caméra ne répond pas."))
                    self._halt.wait(RECONNECT_EVERY_S)
                    continue
                if lost:
                    lost = False
                    self._bridge.camera_back.emit()
            ok, frame = self._read(source)
            if not ok or frame is None:
                self._release(source)
                source = None
                lost = True
                self._bridge.camera_lost.emit(self._bridge.tr("La caméra s'est arrêtée ou a été débranchée."))
                self._halt.wait(RECONNECT_EVERY_S)
                continue
            with self.lock:
                self.newest = frame
                self.sequence += 1
            if self.still_wanted.is_set():
                self.still_wanted.clear()
                self._bridge.still_ready.emit(self._still(source, frame))
        if source is not None:
            self._release(source)

    def _open(self) -> FrameSource | None:
        try:
            source = self._factory()
            if source.open():
                return source
            source.release()
        except Exception:  # a camera that cannot be opened now may come back; retried
            log.warning("camera could not be opened", exc_info=True)
        return None

    @staticmethod
    def _read(source: FrameSource) -> tuple[bool, Any]:
        try:
            return source.read()
        except Exception:
            log.warning("camera read failed", exc_info=True)
            return False, None

    @staticmethod
    def _still(source: FrameSource, frame: np.ndarray) -> np.ndarray:
        # A camera worker with a still API switches to its full resolution for one frame.
        take = getattr(source, "still", None)
        if callable(take):
            try:
                still = take()
                if still is not None:
                    return np.asarray(still)
            except Exception:
                log.warning("still capture failed, keeping the live frame", exc_info=True)
        return frame.copy()

    @staticmethod
    def _release(source: FrameSource) -> None:
        try:
            source.release()
        except Exception:
            log.warning("camera release failed", exc_info=True)


class CameraBridge(QObject):
    """One live camera for the window: start, stop, take a still; signals on the main thread."""

    frame_ready = Signal(QImage)
    still_ready = Signal(object)  # full-resolution BGR frame (numpy array)
    camera_lost = Signal(str)
    camera_back = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._loop: _GrabLoop | None = None
        self._shown = 0
        self.device_name = ""
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._deliver)

    def is_running(self) -> bool:
        return self._loop is not None

    def start(self, factory: Callable[[], FrameSource], device_name: str = "") -> None:
        """Grab from a new source (the previous one is stopped first)."""
        self.stop()
        self.device_name = device_name
        self._shown = 0
        self._loop = _GrabLoop(factory, self)
        self._loop.start()
        self._timer.start(round(1000 / self._display_rate()))

    def stop(self) -> None:
        """Stop grabbing and free the camera (waits briefly for the worker)."""
        self._timer.stop()
        loop, self._loop = self._loop, None
        if loop is not None:
            loop.stop()
            loop.join(timeout=3.0)
            if loop.is_alive():
                log.warning("camera thread did not stop in time")

    def request_still(self) -> bool:
        """Ask for a still; ``still_ready`` follows with the next frame. False if no camera runs."""
        if self._loop is None:
            return False
        self._loop.still_wanted.set()
        return True

    @Slot()
    def _deliver(self) -> None:
        loop = self._loop
        if loop is None:
            return
        with loop.lock:
            if loop.sequence == self._shown or loop.newest is None:
                return
            frame, self._shown = loop.newest, loop.sequence
        self.frame_ready.emit(to_qimage(frame))

    @staticmethod
    def _display_rate() -> float:
        screen = QGuiApplication.primaryScreen()
        rate = screen.refreshRate() if screen is not None else MAX_DISPLAY_FPS
        return max(5.0, min(MAX_DISPLAY_FPS, rate or MAX_DISPLAY_FPS))

