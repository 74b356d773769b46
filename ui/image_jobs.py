"""Image work off the main thread: pipeline, anonymisation, encryption and storing.

Built on :func:`ui.tasks.run_task` (the window's one door to the thread pool). Each job gets a
store connection of its own, made and closed in the worker thread (SQLite connections belong to
one thread); its result, or the user's sentence for its failure, comes back on the main thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from app.errors import TeleavisError
from app.store import Store
from ui.tasks import run_task, run_write, runner

log = logging.getLogger(__name__)


class ImageJobs(QObject):
    """Runs image jobs; counts them so the panel can show it is busy and tests can wait."""

    busy_changed = Signal(bool)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._pending = 0

    def pending(self) -> int:
        return self._pending

    def run(
        self,
        work: Callable[[Store], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[str], None],
        *,
        write: bool = False,
    ) -> None:
        """``work(store)`` off the main thread; then ``on_done(result)`` or ``on_error(message)`` on it.

        ``write``: a short durable write (labels, a deletion), done by the writer thread in the
        order asked (:func:`ui.tasks.run_write`) rather than in the pool."""
        store = self._store

        def job() -> tuple[bool, Any]:
            # Failures are caught here and returned, so that they reach the main thread as values.
            try:
                own = store.clone()
                try:
                    return True, work(own)
                finally:
                    own.close()
            except TeleavisError as exc:
                return False, exc.message
            except Exception:  # a bug: logged (image jobs carry no patient data), told in plain words
                log.exception("image job failed")
                return False, ""

        def finished(outcome: tuple[bool, Any]) -> None:
            if not isValid(self):  # the panel closed while the job ran; what it stored stays stored
                return
            self._finished()
            ok, value = outcome
            if ok:
                on_done(value)
            else:
                on_error(value)

        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        (run_write if write else run_task)(job, finished)

    def _finished(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until running jobs end (closing the editor must not cut a store write short)."""
        wait = getattr(runner(), "wait", None)
        return bool(wait(msecs)) if callable(wait) else True
