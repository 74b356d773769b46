"""The sync engine in its own QThread, with its own store connection; progress arrives as signals.

The engine (sync/engine.py) is Qt-free; this wrapper only runs it, wakes it when a case is queued,
and forwards its listener calls to signals that are delivered on the main thread.
"""

from __future__ import annotations

import gc
import logging
import threading
import time

from PySide6.QtCore import QObject, QThread, Signal

from app.errors import TeleavisError
from app.store import Store

log = logging.getLogger(__name__)

_BYTES_EVERY_S = 0.1


class _Listener:
    """The engine's ProgressListener, turned into signals (thread-safe: Qt queues them)."""

    def __init__(self, service: SyncService) -> None:
        self.service = service
        self._last: dict[str, float] = {}

    def case_state(self, case_id: str, state: str, detail: str = "") -> None:
        self.service.case_state.emit(case_id, state, detail)

    def bytes_sent(self, case_id: str, sent: int, total: int) -> None:
        now = time.monotonic()
        if sent >= total or now - self._last.get(case_id, 0.0) >= _BYTES_EVERY_S:
            self._last[case_id] = now
            self.service.bytes_sent.emit(case_id, sent, total)


class _EngineThread(QThread):
    def __init__(self, service: SyncService) -> None:
        super().__init__()
        self.service = service
        self.stop_event = threading.Event()
        self.engine: object | None = None
        self._ready = threading.Event()

    def run(self) -> None:
        from sync.client import PlatformClient
        from sync.engine import Engine
        from sync.mapping import warm_up
        from sync.training import ensure_sandbox

        warm_up()  # before any case goes: building the FHIR models would stall the window mid-send
        gc.freeze()  # the models live as long as the process: keep them out of every full collection
        self.service.ready = True
        store = None
        try:
            while not self.stop_event.is_set():
                try:
                    # Inside: a connection refused (a full disk) pauses the engine and says why, as
                    # any other cause does; it is tried again after the pause.
                    store = store or self.service.store.clone()
                    url = ensure_sandbox(store)
                    with PlatformClient.from_store(store, base_url=url, stop=self.stop_event) as client:
                        client.on_reachable = self.service.reachable.emit
                        engine = Engine(store, client, _Listener(self.service))
                        self.engine = engine
                        self.service.link.emit(True, "")
                        engine.run_forever(self.stop_event)
                except TeleavisError as exc:  # sign-in needed, another sync running, not configured…
                    log.info("sync paused: %s", type(exc).__name__)
                    self.service.link.emit(False, exc.message)
                    self.engine = None
                    self._pause(30.0)
                except Exception:
                    log.exception("sync engine stopped on an internal error")
                    self.service.link.emit(False, "")
                    self.engine = None
                    self._pause(60.0)
        finally:
            if store is not None:
                store.close()

    def _pause(self, seconds: float) -> None:
        self._ready.clear()
        deadline = time.monotonic() + seconds
        while not self.stop_event.is_set() and time.monotonic() < deadline:
            if self._ready.wait(0.2):
                return

    def wake(self) -> None:
        engine = self.engine
        if engine is not None:
            engine.wake()  # type: ignore[attr-defined]
        self._ready.set()


class SyncService(QObject):
    """Starts, wakes and stops the engine thread; signals are emitted from it, received on the main thread."""

    case_state = Signal(str, str, str)  # case id, state, words
    bytes_sent = Signal(str, int, int)  # case id, bytes sent, total
    link = Signal(bool, str)  # engine running, or the reason it is paused
    #: Whether the platform can be reached, each time that changes (a connection refused, no network:
    #: False; any answer of the platform: True).
    reachable = Signal(bool)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._thread: _EngineThread | None = None
        #: True once the engine thread has built what it needs (the FHIR models) and is following cases.
        self.ready = False

    def start(self) -> None:
        if self._thread is None:
            self._thread = _EngineThread(self)
            self._thread.start()

    def wake(self) -> None:
        """Send and poll now (a case was queued, or the user pressed F5)."""
        if self._thread is not None:
            self._thread.wake()

    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def stop(self, timeout_ms: int = 15000) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        thread.stop_event.set()
        thread.wake()
        if not thread.wait(timeout_ms):
            log.warning("the sync thread did not stop in time")
