"""A log whose folder cannot be made drops its records without a word on the terminal.

Found from outside: ``TELEAVIS_HOME`` under a folder this account cannot write to made a command's
internal error print Python's « Error in sys.excepthook » and two tracebacks: ``logging.FileHandler.emit``
opens its file outside the guard that sends a failure to ``handleError``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from app.logs import RotatingLog
from tests.support.read_only import read_only


def test_a_record_for_a_log_that_cannot_be_made_is_dropped_quietly(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    handler = RotatingLog(locked / "home" / "logs" / "teleavis.log", 1_000_000, 2)
    record = logging.LogRecord("app.test", logging.ERROR, __file__, 1, "internal error in command %s", ("x",), None)
    with read_only(locked):
        handler.emit(record)  # no exception
    handler.close()
    assert list(locked.iterdir()) == []
