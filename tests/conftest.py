"""Every test runs as on a fresh installation: its own data directory, a passphrase, no OS
keyring, French messages, and Qt offscreen."""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# Set before any Qt import (pytest-qt creates the QApplication lazily).
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
PASSPHRASE = "cheval correct agrafe pile"

#: This test process's own folders for what the app keeps per user outside its data folder: the private
#: folder of decrypted files (app.private_files) under $XDG_RUNTIME_DIR, the shared memory or the temp
#: folder, and the window's socket. Shared, a window started by a test of one xdist worker (or by another
#: run on the computer) emptied `teleavis-<uid>*` there and deleted the files another worker's test had
#: just written. The processes the tests start inherit them.
PROCESS_FOLDERS = Path(tempfile.mkdtemp(prefix="teleavis-tests-"))
atexit.register(shutil.rmtree, PROCESS_FOLDERS, ignore_errors=True)
for _name, _mode in (("runtime", 0o700), ("temp", 0o700), ("memory", 0o1777)):
    (PROCESS_FOLDERS / _name).mkdir()
    os.chmod(PROCESS_FOLDERS / _name, _mode)
os.environ["XDG_RUNTIME_DIR"] = str(PROCESS_FOLDERS / "runtime")
os.environ["TMPDIR"] = str(PROCESS_FOLDERS / "temp")
tempfile.tempdir = None  # read again from $TMPDIR


@pytest.fixture(autouse=True)
def own_memory_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """/dev/shm, the private files' folder where no $XDG_RUNTIME_DIR is set: this process's own here."""
    monkeypatch.setattr("app.private_files.MEMORY_FOLDER", PROCESS_FOLDERS / "memory")


TESTS = Path(__file__).resolve().parent
# Run alone, in the second part of `python3 dev.py test` (``--part serial``), one test after another:
# tests/packaging needs OpenCV compiled (dev.py builds it meanwhile) and makes one bundle a session;
# tests/bench compares ratios measured in the same run, which holds only on a machine doing nothing else.
ALONE = ("packaging", "bench")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--part",
        choices=("all", "parallel", "serial"),
        default="all",
        help="all: every test (the default); parallel: all but tests/"
        + " and tests/".join(ALONE)
        + " (what python3 dev.py test runs on two processes); serial: only those, run alone after",
    )
    parser.addoption(
        "--shift-days",
        type=float,
        default=0.0,
        metavar="N",
        help="run as N days later (or earlier, N < 0): the app's clock (app/clock.py) moved in-process, to find the"
        " tests whose fixed dates turn stale as the calendar goes on. Processes the tests start (the CLI through"
        " run_process, the packaged program) keep the real clock: not shifted",
    )
    parser.addoption(
        "--shift-to",
        default=None,
        metavar="HH:MM[:SS]",
        help="each test starts at this local time of day (of the day --shift-days gives), e.g. 23:59:30 to see"
        " which ones cross midnight. In-process only, as --shift-days",
    )


def pytest_configure(config: pytest.Config) -> None:
    """--shift-days for the whole run, before any fixture (a module's or a session's too) reads the clock."""
    days = config.getoption("--shift-days")
    if days:
        from datetime import timedelta

        from app import clock

        clock.shift = timedelta(days=days)


def _alone(path: Path) -> bool | None:
    """Whether ``path`` is in a folder of ALONE; None outside tests/ or for tests/ itself."""
    try:
        parts = path.resolve().relative_to(TESTS).parts
    except ValueError:
        return None
    return parts[0] in ALONE if parts else None


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Not even imported when of the other part (pytest asks only for what was not named on its command line)."""
    part = config.getoption("--part")
    alone = _alone(collection_path)
    if part == "all" or alone is None:
        return None
    return True if alone != (part == "serial") else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test of the other part named on the command line (a path, a -k) is deselected, not run twice."""
    part = config.getoption("--part")
    if part == "all":
        return
    kept, other = [], []
    for item in items:
        (other if bool(_alone(item.path)) != (part == "serial") else kept).append(item)
    if other:
        config.hook.pytest_deselected(items=other)
        items[:] = kept


@pytest.fixture(autouse=True)
def shifted_time_of_day(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """--shift-to: the app's clock at that local time of day as the test starts (then it runs on)."""
    at = request.config.getoption("--shift-to")
    if at is None:
        return
    from app import clock
    from tests.support.clock import to_time_of_day

    monkeypatch.setattr(clock, "shift", clock.shift + to_time_of_day(at))


@pytest.fixture(autouse=True)
def exception_hooks_kept() -> Iterator[None]:
    """The process's exception hooks are pytest's after each test: a test that starts the program in
    this process (its entry routes uncaught errors to the log) must not silence the next tests' threads."""
    import sys
    import threading

    hooks = (sys.excepthook, threading.excepthook)
    yield
    sys.excepthook, threading.excepthook = hooks


@pytest.fixture(autouse=True)
def teleavis_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from app import i18n, logs

    home = tmp_path / "teleavis-home"
    monkeypatch.setenv("TELEAVIS_HOME", str(home))
    monkeypatch.setenv("TELEAVIS_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    i18n.set_language(None)
    # The real scrypt cost (about 1 s a wrapping) times hundreds of fresh stores would dominate the
    # run; in-process tests wrap at a lower cost. tests/app/test_passphrase.py checks the real one,
    # and processes the tests start (the CLI as a user runs it) always use it.
    monkeypatch.setattr("app.keystore.SCRYPT_N", 2**14)
    yield home
    i18n.set_language(None)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logs.RotatingLog):
            root.removeHandler(handler)
            handler.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """End as the application does: the cameras freed and the window's worker threads done, so no
    thread is still inside OpenCV or Qt while the interpreter ends (that aborts the process after
    the verdict, and CI reads the abort as a failure)."""
    import sys

    if "ui.camera_bridge" in sys.modules:
        from ui.camera_bridge import wait_cameras_freed

        wait_cameras_freed(10.0)
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(10_000)


def _workstation_in(zone: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def paris(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The workstation in Paris (CET in winter, CEST in summer)."""
    yield from _workstation_in("Europe/Paris", monkeypatch)


@pytest.fixture
def noumea(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The workstation in Nouméa (UTC+11 all year): another day than UTC's every morning."""
    yield from _workstation_in("Pacific/Noumea", monkeypatch)
