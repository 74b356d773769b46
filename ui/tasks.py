"""Running work off the main thread and delivering the result back on it (Picard's habit).

``run_task(func, callback, error)`` runs ``func`` in the thread pool and calls ``callback(result)``
(or ``error(exc)``) on the main thread; ``to_main(func)`` calls ``func`` on the main thread from any
thread. Widgets never start raw threads. Tests swap the pool for ``SyncRunner`` so they stay
deterministic: ``set_runner(SyncRunner())``.

``run_write`` is for durable writes (autosave, labels, deleting an image, a new case, settings, an
answer marked read; ``write_and_wait`` for a dialog's "Save"): they never
run on the main thread, where an fsync on a slow disk would freeze the window, and they run one at a
time in the order they were asked, so a later edit is never overwritten by an earlier one.
``run_note`` is a durable write the window never reads back (the audit line of a case opened): it
takes its turn on the writer thread like the others, but ``wait_writes`` (before reading back a case)
does not wait for it.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")

Callback = Callable[[Any], None]
Errback = Callable[[BaseException], None]


class _Bridge(QObject):
    """Lives in the main thread; a signal emitted from any thread runs the callable there."""

    call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(self._invoke)

    @Slot(object)
    def _invoke(self, func: Callable[[], None]) -> None:
        func()


_bridge: _Bridge | None = None
_bridge_lock = threading.Lock()


def _get_bridge() -> _Bridge:
    global _bridge
    with _bridge_lock:
        if _bridge is None:
            _bridge = _Bridge()
            app = QCoreApplication.instance()
            if app is not None:
                _bridge.moveToThread(app.thread())
        return _bridge


def to_main(func: Callable[[], object]) -> None:
    """Call ``func`` on the main thread (soon, from the event loop)."""
    _get_bridge().call.emit(func)


def _default_error(exc: BaseException) -> None:
    log.error("background task failed", exc_info=(type(exc), exc, exc.__traceback__))


class Runner(Protocol):
    def submit(self, func: Callable[[], Any], callback: Callback | None, error: Errback | None) -> None: ...

    def submit_write(self, func: Callable[[], Any], callback: Callback | None, error: Errback | None) -> None: ...

    def submit_note(self, func: Callable[[], Any], error: Errback | None) -> None: ...

    def wait_writes(self, msecs: int = 30000) -> bool: ...


class _Job(QRunnable):
    def __init__(self, func: Callable[[], Any], callback: Callback | None, error: Errback | None) -> None:
        super().__init__()
        self.func: Callable[[], Any] | None = func
        self.callback, self.error = callback, error

    def run(self) -> None:
        # Taken out of the job before running: PySide6 does not always free a QRunnable subclass's Python
        # object once the pool has run it (most often when the job ends while the window's loop is turning),
        # and a job still holding its work kept what that referenced (a stopped camera's last frame, 6 MB, a
        # case's photos) for as long as the window stayed open.
        func, callback, error = self.func, self.callback, self.error
        self.func = self.callback = self.error = None
        assert func is not None, "a job runs once"
        try:
            result = func()
        except Exception as exc:  # noqa: BLE001 - delivered to the caller's error handler, on the main thread
            to_main(functools.partial(error or _default_error, exc))
            return
        if callback is not None:
            to_main(lambda: callback(result))


class PoolRunner:
    """The application's runner: Qt's global thread pool, and one writer thread for durable writes."""

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self.pool = pool or QThreadPool.globalInstance()
        # One thread: the writes go one after the other, first asked first done.
        self.writer = QThreadPool()
        self.writer.setMaxThreadCount(1)
        self._read_back = threading.Condition()
        self._unread = 0  # writes asked whose result a read may need (all but the notes), not done yet

    def submit(self, func: Callable[[], Any], callback: Callback | None, error: Errback | None) -> None:
        _get_bridge()  # created on the main thread, before any worker needs it
        self.pool.start(_Job(func, callback, error))

    def submit_write(self, func: Callable[[], Any], callback: Callback | None, error: Errback | None) -> None:
        _get_bridge()
        with self._read_back:
            self._unread += 1

        def counted() -> Any:
            try:
                return func()
            finally:
                with self._read_back:
                    self._unread -= 1
                    self._read_back.notify_all()

        self.writer.start(_Job(counted, callback, error))

    def submit_note(self, func: Callable[[], Any], error: Errback | None) -> None:
        _get_bridge()
        self.writer.start(_Job(func, None, error))

    def wait_writes(self, msecs: int = 30000) -> bool:
        """Until the writes asked so far are done, the notes aside (the writer does them in order, so a
        write asked after a note still waits for it)."""
        with self._read_back:
            return self._read_back.wait_for(lambda: self._unread == 0, msecs / 1000)

    def wait(self, msecs: int = 30000) -> bool:
        """Until the work asked so far is done (the writes first: nothing typed is lost at exit)."""
        return bool(self.writer.waitForDone(msecs)) and bool(self.pool.waitForDone(msecs))


class SyncRunner:
    """Runs the work at once on the calling thread (tests)."""

    def submit(self, func: Callable[[], Any], callback: Callback | None, error: Errback | None) -> None:
        try:
            result = func()
        except Exception as exc:  # noqa: BLE001 - same contract as the pool: the error handler gets it
            (error or _default_error)(exc)
            return
        if callback is not None:
            callback(result)

    def submit_write(self, func: Callable[[], Any], callback: Callback | None, error: Errback | None) -> None:
        self.submit(func, callback, error)

    def submit_note(self, func: Callable[[], Any], error: Errback | None) -> None:
        self.submit(func, None, error)

    def wait_writes(self, msecs: int = 0) -> bool:
        return True

    def wait(self, msecs: int = 0) -> bool:
        return True


_runner: Runner | None = None


def set_runner(runner: Runner | None) -> None:
    """Swap the runner (``None``: back to the thread pool)."""
    global _runner
    _runner = runner


def runner() -> Runner:
    global _runner
    if _runner is None:
        _runner = PoolRunner()
    return _runner


def run_task(func: Callable[[], Any], callback: Callback | None = None, error: Errback | None = None) -> None:
    """Run ``func`` off the main thread; ``callback(result)`` or ``error(exc)`` on the main thread."""
    runner().submit(func, callback, error)


def run_write(func: Callable[[], Any], callback: Callback | None = None, error: Errback | None = None) -> None:
    """Run the durable write ``func`` on the writer thread, after the writes asked before it;
    ``callback(result)`` or ``error(exc)`` on the main thread. ``func`` opens its own store
    connection (``Store.clone``): SQLite connections belong to one thread."""
    runner().submit_write(func, callback, error)


def run_note(func: Callable[[], Any], error: Errback | None = None) -> None:
    """Run the durable write ``func`` on the writer thread, in its turn, when nothing reads it back
    (an audit line): :func:`wait_writes` does not wait for it."""
    runner().submit_note(func, error)


def write_and_wait(func: Callable[[], T]) -> T:
    """Run the durable write ``func`` on the writer thread and wait for it, the window still painting
    (user input waits): for a dialog's "Save", which stays open to say what went wrong. Its result is
    returned, its error raised here, on the main thread."""
    from PySide6.QtCore import QEventLoop  # (its type, with its flags, is not needed to start the window)

    outcome: list[tuple[bool, Any]] = []
    loop = QEventLoop()

    def finish(ok: bool, value: Any) -> None:
        outcome.append((ok, value))
        loop.quit()

    run_write(func, functools.partial(finish, True), functools.partial(finish, False))
    if not outcome:
        loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    ok, value = outcome[0]
    if not ok:
        raise value
    result: T = value
    return result


def on_own_connection(store: Any, work: Callable[[Any], Any]) -> Callable[[], Any]:
    """``work(connection)`` as a task: a connection of ``store`` made and closed in the worker thread."""

    def task() -> Any:
        own = store.clone()
        try:
            return work(own)
        finally:
            own.close()

    return task


def wait_writes(msecs: int = 30_000) -> bool:
    """Block until the writes asked so far are done: before reading back what they wrote."""
    return runner().wait_writes(msecs)
