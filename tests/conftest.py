"""Every test runs as on a fresh installation: its own data directory, a passphrase, no OS
keyring, French messages, and Qt offscreen."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# Set before any Qt import (pytest-qt creates the QApplication lazily).
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
PASSPHRASE = "cheval correct agrafe pile"


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
