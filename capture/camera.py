"""USB cameras: found by identity, opened the way they work best, read continuously off the UI.

A camera is remembered by what it is (name, USB vendor/product id, device path), not by its
index: indexes change when another camera is plugged in or the cart reboots. A camera is opened
with its platform backend, asked for MJPG *before* the resolution (most UVC cameras only reach
their full resolution at a usable frame rate in MJPG, and the driver picks the format when the
size is set), at its largest resolution, so that a still is the sensor's full picture; the
preview is a copy made from it at the size it is shown (:func:`fitted_preview`), by the camera's
own thread, never the window's. The first frames after opening
are dark or unfocused while the camera adjusts, and are dropped.

:class:`CameraWorker` reads in a plain thread, keeps only the newest frame, notices a camera that
is unplugged or frozen, says so, and reopens it when it comes back. The window wraps it with Qt
signals; nothing here imports Qt.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from capture.cv import cv2

log = logging.getLogger(__name__)
Image8 = npt.NDArray[np.uint8]

WARMUP_FRAMES = 5
#: Asked for at open; the camera grants the largest size it has up to this.
FULL_RESOLUTION = (3840, 2160)


class FrameSource(Protocol):
    """What the worker reads: the interface of ``cv2.VideoCapture``, :class:`OpenCVCamera` and
    :class:`capture.demo.DemoCamera`."""

    def open(self) -> bool: ...
    def read(self) -> tuple[bool, Any]: ...
    def release(self) -> None: ...


@dataclass(frozen=True)
class CameraIdentity:
    """What a camera is, as the system enumerates it."""

    name: str
    vid: int | None
    pid: int | None
    path: str
    backend: int
    index: int = -1

    @property
    def id(self) -> str:
        """A stable text identity, kept in the settings: name, USB ids and device path."""
        usb = f"{self.vid:04x}:{self.pid:04x}" if self.vid is not None and self.pid is not None else ""
        return "|".join((self.name, usb, self.path, str(self.backend)))

    @classmethod
    def from_id(cls, text: str) -> CameraIdentity:
        """The identity saved by :attr:`id` (index unknown until enumerated again)."""
        name, usb, path, backend = ([*text.split("|"), "", "", ""])[:4]
        vid = pid = None
        if ":" in usb:
            vid, pid = (int(part, 16) for part in usb.split(":", 1))
        return cls(name, vid, pid, path, int(backend) if backend.isdigit() else 0)


def platform_backend() -> int:
    """The capture backend that works best on this system."""
    if sys.platform == "win32":  # pragma: no cover - platform specific
        return int(cv2.CAP_MSMF)
    if sys.platform == "darwin":  # pragma: no cover - platform specific
        return int(cv2.CAP_AVFOUNDATION)
    return int(cv2.CAP_V4L2)


def enumerate_cameras(*, quiet: bool = True) -> list[CameraIdentity]:
    """The cameras plugged in now (empty when none, or when enumeration is not possible; with
    ``quiet=False`` the reason it is not possible is raised, for the diagnosis to show)."""
    try:
        from cv2_enumerate_cameras import enumerate_cameras as system_cameras

        found = system_cameras(platform_backend())
    except (ImportError, OSError, NotImplementedError, RuntimeError):
        if not quiet:
            raise
        log.warning("camera enumeration failed", exc_info=True)
        return []
    return [CameraIdentity(str(c.name), c.vid, c.pid, str(c.path or ""), int(c.backend), int(c.index)) for c in found]


def find_camera(wanted: CameraIdentity, cameras: list[CameraIdentity]) -> CameraIdentity | None:
    """The plugged camera that is ``wanted``: same USB ids and name, preferring the same path."""

    def score(camera: CameraIdentity) -> int:
        points = 0
        if wanted.vid is not None and (camera.vid, camera.pid) == (wanted.vid, wanted.pid):
            points += 4
        if camera.name == wanted.name:
            points += 2
        if camera.path and camera.path == wanted.path:
            points += 1
        return points

    best = max(cameras, key=score, default=None)
    if best is None or score(best) < (4 if wanted.vid is not None else 2):
        return None
    return best


class OpenCVCamera:
    """A camera or a video file read through OpenCV, opened as described in the module docstring.

    ``target`` is a :class:`CameraIdentity` (resolved to its current index at each open, so a
    camera plugged into another port is found again) or a file path (tests, recorded streams).
    ``pace_fps`` makes a file play at its real rate instead of as fast as it decodes.
    """

    def __init__(
        self,
        target: CameraIdentity | str,
        *,
        resolution: tuple[int, int] = FULL_RESOLUTION,
        warmup_frames: int = WARMUP_FRAMES,
        pace_fps: float | None = None,
    ) -> None:
        self.target = target
        self.name = target.name if isinstance(target, CameraIdentity) else "video"
        self.resolution = resolution
        self.warmup_frames = warmup_frames
        self.pace_fps = pace_fps
        self.granted: tuple[int, int, float] = (0, 0, 0.0)
        self._capture: Any = None
        self._next = 0.0

    def open(self) -> bool:
        """Open the device (or file); False when it is not there."""
        if isinstance(self.target, CameraIdentity):
            current = find_camera(self.target, enumerate_cameras())
            if current is None:
                return False
            capture = cv2.VideoCapture(current.index, current.backend or platform_backend())
            if capture.isOpened():
                capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
                capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.resolution[0])
                capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.resolution[1])
        else:
            capture = cv2.VideoCapture(self.target)
        if not capture.isOpened():
            capture.release()
            return False
        self.granted = (
            int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            float(capture.get(cv2.CAP_PROP_FPS)),
        )
        log.info("camera opened at %dx%d, %.1f fps", *self.granted)
        self._capture = capture
        if isinstance(self.target, CameraIdentity):
            for _ in range(self.warmup_frames):
                capture.read()
        self._next = time.monotonic()
        return True

    def read(self) -> tuple[bool, Image8 | None]:
        """The next frame (BGR, full resolution), or ``(False, None)`` when there is none."""
        if self._capture is None:
            return False, None
        if self.pace_fps:
            delay = self._next - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._next = max(self._next + 1.0 / self.pace_fps, time.monotonic() - 1.0 / self.pace_fps)
        ok, frame = self._capture.read()
        if not ok or frame is None:
            return False, None
        return True, np.asarray(frame, dtype=np.uint8)

    def still(self) -> Image8 | None:
        """A still at the camera's full resolution: the next whole frame, not the preview."""
        ok, frame = self.read()
        return frame if ok else None

    def release(self) -> None:
        """Free the device."""
        if self._capture is not None:
            self._capture.release()
            self._capture = None


def open_camera(camera_id: str, resolution: str = "") -> OpenCVCamera:
    """A frame source for a camera identity saved from :attr:`CameraIdentity.id`.

    ``resolution`` (``"1920x1080"``) caps what is asked; by default the largest the camera has.
    """
    size = FULL_RESOLUTION
    if "x" in resolution:
        width, _, height = resolution.partition("x")
        if width.isascii() and width.isdigit() and height.isascii() and height.isdigit():  # (« ² » is no int)
            size = (int(width), int(height))
    return OpenCVCamera(CameraIdentity.from_id(camera_id), resolution=size)


@dataclass(frozen=True)
class PreviewBuffer:
    """A frame ready for ``QImage(data, width, height, stride, Format_RGB888)``."""

    data: Image8  # H×W×3, RGB, C-contiguous
    width: int
    height: int
    stride: int  # bytes per line


def preview_buffer(frame_bgr: Image8, long_side: int = 960) -> PreviewBuffer:
    """A reduced RGB888 copy of a BGR frame for display (the still keeps the full frame)."""
    height, width = frame_bgr.shape[:2]
    scale = long_side / max(height, width)
    if scale >= 1.0:
        return _rgb_buffer(frame_bgr, (width, height))
    return _rgb_buffer(frame_bgr, (max(1, round(width * scale)), max(1, round(height * scale))))


def fitted_preview(frame_bgr: Image8, bounds: tuple[int, int]) -> PreviewBuffer:
    """An RGB888 copy of a BGR frame at the largest size that fits in ``bounds`` (width, height in pixels),
    its proportions kept, larger or smaller than the frame: the size the preview is painted at, so that
    painting it is a plain copy (scaling a 960-pixel frame smoothly at each paint took 1.7 ms of the
    window's thread, 30 times a second)."""
    height, width = frame_bgr.shape[:2]
    return _rgb_buffer(frame_bgr, fitted_size((width, height), bounds))


def fitted_size(size: tuple[int, int], bounds: tuple[int, int]) -> tuple[int, int]:
    """The size of :func:`fitted_preview` for a frame of ``size`` (width, height) in ``bounds``."""
    scale = min(max(1, bounds[0]) / size[0], max(1, bounds[1]) / size[1])
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _rgb_buffer(frame_bgr: Image8, size: tuple[int, int]) -> PreviewBuffer:
    height, width = frame_bgr.shape[:2]
    if size != (width, height):
        # INTER_LINEAR: the preview is shown, not judged; area averaging costs several times more.
        frame_bgr = np.asarray(cv2.resize(frame_bgr, size, interpolation=cv2.INTER_LINEAR), dtype=np.uint8)
    rgb = np.ascontiguousarray(cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
    return PreviewBuffer(rgb, rgb.shape[1], rgb.shape[0], int(rgb.strides[0]))
