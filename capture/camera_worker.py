"""Reading a camera continuously in a worker thread, surviving unplugs and freezes.

The worker keeps only the newest frame: a slow window takes the latest picture instead of
working through a queue of stale ones. It reports, through plain callbacks the window turns into
Qt signals, when the camera is lost (reads fail, the stream ends, the device is unplugged) or
frozen (the same picture over and over, or nothing at all for two seconds), and it keeps trying to
reopen it, so plugging the camera back in is all the nurse has to do.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from capture import messages
from capture.camera import FrameSource, PreviewBuffer, fitted_preview

log = logging.getLogger(__name__)
Image8 = npt.NDArray[np.uint8]


class CameraStatus(StrEnum):
    STARTING = "starting"
    RUNNING = "running"
    DISCONNECTED = "disconnected"
    FROZEN = "frozen"
    STOPPED = "stopped"


@dataclass(frozen=True)
class Frame:
    """A frame as grabbed: BGR at the camera's full resolution, numbered in arrival order, with its
    preview when the worker was given the size to show it at (see :meth:`CameraWorker.show_at`)."""

    image: Image8
    sequence: int
    time: float  # time.monotonic() at arrival
    preview: PreviewBuffer | None = None


StatusCallback = Callable[[CameraStatus, str], None]
FrameCallback = Callable[[Frame], None]


class CameraWorker:
    """Grabs frames from sources made by ``factory`` until stopped (see the module docstring).

    ``on_frame`` is called in the worker thread for every frame (keep it short: hand over and
    return); ``on_status`` is called on every change of status with a sentence for the user. Given
    ``preview_bounds`` (width, height in pixels), frames come with their preview fitted in them, made
    here: made by the window's thread, the reduction of a full-HD frame took it 3 ms 30 times a second,
    all day, in competition with every click of the user. No more than ``preview_fps`` frames a second
    get one (the window shows no more; found in review: a 60 fps camera had half its previews made for
    nothing), the newest at hand by :meth:`latest_preview`.
    """

    def __init__(
        self,
        factory: Callable[[], FrameSource],
        *,
        name: str = "",
        on_frame: FrameCallback | None = None,
        on_status: StatusCallback | None = None,
        frame_timeout: float = 2.0,
        frozen_after: float = 2.0,
        reopen_every: float = 1.0,
        max_failed_reads: int = 5,
        preview_bounds: tuple[int, int] | None = None,
        preview_fps: float = 30.0,
    ) -> None:
        self._factory = factory
        self.name = name or "caméra"
        self._on_frame = on_frame
        self._on_status = on_status
        self.frame_timeout = frame_timeout
        self.frozen_after = frozen_after
        self.reopen_every = reopen_every
        self.max_failed_reads = max_failed_reads
        self._halt = threading.Event()
        self._lock = threading.Lock()
        self._newest: Frame | None = None
        self._status = CameraStatus.STOPPED
        self._last_arrival = 0.0
        self._source: FrameSource | None = None
        self._thread: threading.Thread | None = None
        self._watchdog: threading.Thread | None = None
        self._started: tuple[threading.Thread, ...] = ()  # kept past the stop: :meth:`wait_ended`
        self._life = threading.Lock()  # start and stop may be called from different threads
        self._stopped = False
        self._still_wanted = threading.Event()
        self._still_ready = threading.Event()
        self._still: Image8 | None = None
        self._awaited = 0  # presses whose still is not read yet: it outlives the camera's stop for them
        self._preview_bounds = preview_bounds
        # A frame a little early still gets its preview (a camera's frames come unevenly): at 60 fps every
        # other one does, at 30 fps every one.
        self._preview_every = 0.75 / max(1.0, preview_fps)
        self._preview_at = -1e9  # time.monotonic() of the last preview made
        self._preview: tuple[int, PreviewBuffer] | None = None  # the newest, with its frame's sequence

    # --- public ----------------------------------------------------------------------------

    @property
    def status(self) -> CameraStatus:
        return self._status

    def start(self) -> None:
        """Start grabbing in a background thread (any thread may call it, the window starts it from a
        worker: starting threads waits for them). A worker stopped, even before it started, stays
        stopped: make a new one."""
        with self._life:
            if self._thread is not None or self._stopped:
                return
            self._halt.clear()
            self._set_status(CameraStatus.STARTING)
            self._thread = threading.Thread(target=self._run, name="camera-grab", daemon=True)
            self._watchdog = threading.Thread(target=self._watch, name="camera-watchdog", daemon=True)
            self._started = (self._thread, self._watchdog)
            self._thread.start()
            self._watchdog.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop grabbing and free the camera."""
        with self._life:
            self._stopped = True
        # A press whose frame has not come yet gets it before the camera goes (found in review: « Prendre la
        # photo » then « Terminer » at once on the reply's camera lost the photo said taken). On this thread,
        # never the window's (ui.camera_bridge stops a camera on a thread of its own).
        if self._still_wanted.is_set() and self._thread is not None:
            self._still_ready.wait(self.frame_timeout)
        with self._life:
            self._halt.set()
        for thread in (self._thread, self._watchdog):
            if thread is not None:
                thread.join(timeout)
                if thread.is_alive():
                    log.warning("camera thread did not stop in time")
        self._thread = self._watchdog = None
        # Its last frame (6 MB at full HD) goes with the camera: a stopped worker may be kept a while
        # longer (its listener refers back to it), and a case opened, a specialty changed, restart one.
        with self._lock:
            self._newest = self._preview = None
            if not self._awaited:  # (else the last press to read it lets it go: :meth:`wait_still`)
                self._still = None  # (and its last still, a full-resolution picture)
        self._set_status(CameraStatus.STOPPED)

    def wait_ended(self, timeout: float | None = None) -> bool:
        """After :meth:`stop`: until this worker's threads have ended, at most ``timeout`` seconds (None: as long
        as they take); whether they have. :meth:`stop` waits for them a few seconds only and the grab thread
        may still be inside the driver after (a camera still opening: the demo's scene took 4.5 s to draw on a
        loaded machine), where the interpreter's end aborts the process (ui.camera_bridge waits with this)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in self._started:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in self._started)

    def show_at(self, bounds: tuple[int, int] | None) -> None:
        """Make the previews of the next frames fit in ``bounds`` (width, height in pixels; None: no
        preview). Any thread may call it: the grab thread reads it once per frame."""
        self._preview_bounds = bounds

    def latest(self) -> Frame | None:
        """The newest frame, or None before the first one."""
        with self._lock:
            return self._newest

    def latest_preview(self) -> tuple[int, PreviewBuffer] | None:
        """The newest preview made and its frame's sequence, or None before the first one."""
        with self._lock:
            return self._preview

    def ask_still(self) -> None:
        """Ask for a still now (the press of the button); :meth:`wait_still` waits for it, on another
        thread if need be. Asked only once that thread ran, the still was the frame after the next one
        whenever a frame came in between."""
        with self._lock:
            self._awaited += 1
        self._still_ready.clear()
        self._still_wanted.set()

    def wait_still(self, timeout: float = 3.0) -> Image8 | None:
        """The still asked by :meth:`ask_still`, or None when the camera gives nothing within ``timeout``."""
        try:
            if not self._still_ready.wait(timeout):
                self._still_wanted.clear()
                return None
            # Kept until the camera stops: two quick presses wait for the same still, and each keeps it (a
            # still handed over to the first press only left the second one without a photo). Kept past the
            # stop for a press not read yet: a worker thread busy elsewhere read it only after « Terminer ».
            return self._still
        finally:
            with self._lock:
                self._awaited = max(0, self._awaited - 1)
                if self._stopped and not self._awaited:
                    self._still = None

    # --- worker thread ---------------------------------------------------------------------

    def _run(self) -> None:
        while not self._halt.is_set():
            source = self._open()
            if source is None:
                self._set_status(CameraStatus.DISCONNECTED)
                self._halt.wait(self.reopen_every)
                continue
            self._source = source
            self._set_status(CameraStatus.RUNNING)
            lost = self._grab(source)
            self._source = None
            _release(source)
            if lost is not None:
                self._set_status(lost)
                self._halt.wait(self.reopen_every)

    def _grab(self, source: FrameSource) -> CameraStatus | None:
        """Read until stopped (None) or until the camera is lost or frozen (that status)."""
        failures = 0
        previous: bytes | None = None
        same_since = 0.0
        self._last_arrival = time.monotonic()
        while not self._halt.is_set():
            try:
                ok, image = source.read()
            except Exception:  # a driver error means the same as a failed read
                log.warning("camera read failed", exc_info=True)
                ok, image = False, None
            if not ok or image is None:
                failures += 1
                if failures >= self.max_failed_reads:
                    return CameraStatus.DISCONNECTED
                self._halt.wait(0.02)
                continue
            failures = 0
            if self._halt.is_set() and not self._still_wanted.is_set():
                # Stopped while the driver read (up to a frame's time): its preview would be made and the
                # frame handed on for nobody, on the next case's time (issue 18.1). A press waiting still gets it.
                return None
            now = time.monotonic()
            # A frozen driver repeats the same buffer; a sparse sample is enough to tell.
            signature = np.asarray(image)[::37, ::29].tobytes()
            if signature != previous:
                previous, same_since = signature, now
            elif now - same_since > self.frozen_after:
                return CameraStatus.FROZEN
            self._deliver(np.asarray(image, dtype=np.uint8), now, source)
        return None

    def _deliver(self, image: Image8, now: float, source: FrameSource) -> None:
        # The still first: a press while this frame's preview is made is for the next frame, as before.
        if self._still_wanted.is_set():
            self._still_wanted.clear()
            self._still = self._full_still(source, image)
            self._still_ready.set()
        bounds = self._preview_bounds
        preview = None
        if bounds is not None and now - self._preview_at >= self._preview_every:
            preview, self._preview_at = fitted_preview(image, bounds), now
        with self._lock:
            sequence = self._newest.sequence + 1 if self._newest else 1
            frame = Frame(image, sequence, now, preview)
            self._newest = frame
            if preview is not None:
                self._preview = (sequence, preview)
        self._last_arrival = now
        if self._status != CameraStatus.RUNNING:
            self._set_status(CameraStatus.RUNNING)
        if self._on_frame is not None:
            self._on_frame(frame)

    @staticmethod
    def _full_still(source: FrameSource, frame: Image8) -> Image8:
        take = getattr(source, "still", None)
        if callable(take):
            try:
                still = take()
                if still is not None:
                    return np.asarray(still, dtype=np.uint8)
            except Exception:  # fall back on the frame just read
                log.warning("still capture failed, keeping the live frame", exc_info=True)
        return frame.copy()

    def _open(self) -> FrameSource | None:
        try:
            source = self._factory()
            if source.open():
                return source
            _release(source)
        except Exception:  # a camera that cannot be opened now may come back
            log.warning("camera could not be opened", exc_info=True)
        return None

    def _watch(self) -> None:
        """Report a camera whose read blocks with no frame for ``frame_timeout`` seconds."""
        while not self._halt.wait(0.2):
            if self._status == CameraStatus.RUNNING and time.monotonic() - self._last_arrival > self.frame_timeout:
                self._set_status(CameraStatus.FROZEN)

    def _set_status(self, status: CameraStatus) -> None:
        if status == self._status:
            return
        self._status = status
        if self._on_status is None:
            return
        text = {
            CameraStatus.DISCONNECTED: lambda: messages.message("camera.disconnected", name=self.name),
            CameraStatus.FROZEN: lambda: messages.message("camera.frozen", name=self.name),
            CameraStatus.RUNNING: lambda: messages.message("camera.connected", name=self.name),
        }.get(status, lambda: "")()
        try:
            self._on_status(status, text)
        except Exception:  # a broken listener must not stop the camera
            log.exception("camera status listener failed")


def _release(source: FrameSource) -> None:
    try:
        source.release()
    except Exception:  # releasing a vanished device may fail; nothing to do
        log.warning("camera release failed", exc_info=True)
