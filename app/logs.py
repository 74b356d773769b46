"""Logging to rotating files in the data directory, with case ids and never patient data.

The code logs ids and counts only; as a second line of defence a filter masks anything shaped
like an INS/NIR, a date of birth or an e-mail address before a record is written.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

_PATTERNS = [
    re.compile(r"\b[1-478]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?\b"),  # INS / NIR
    re.compile(r"\b\d{4}-\d{2}-\d{2}(?![T\d:])"),  # bare dates (timestamps keep their time part)
    re.compile(r"\b\d{2}/\d{2}/\d{4}\b"),
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
]


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for pattern in _PATTERNS:
            message = pattern.sub("[masqué]", message)
        record.msg, record.args = message, None
        return True


class RotatingLog(logging.FileHandler):
    """A log file rolled over to ``.1`` … ``.N`` past ``max_bytes``.

    The standard ``logging.handlers`` would do the same, but importing it (sockets, pickle, queues)
    costs the window's start-up time for nothing we use.
    """

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        super().__init__(path, encoding="utf-8", delay=True)
        self.max_bytes, self.backups = max_bytes, backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            size = os.path.getsize(self.baseFilename) if os.path.exists(self.baseFilename) else 0
            if size and size + len(self.format(record)) + 1 > self.max_bytes:
                self._roll()
        except OSError:
            self.handleError(record)
            return
        super().emit(record)

    def _roll(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None  # type: ignore[assignment]  # reopened by FileHandler.emit
        for n in range(self.backups - 1, 0, -1):
            older = f"{self.baseFilename}.{n}"
            if os.path.exists(older):
                os.replace(older, f"{self.baseFilename}.{n + 1}")
        os.replace(self.baseFilename, f"{self.baseFilename}.1")


def setup(log_folder: Path, level: int = logging.INFO) -> None:
    """Send the ``teleavis`` loggers (app, capture, sync, ui) to ``logs/teleavis.log``, rotated."""
    log_folder.mkdir(parents=True, exist_ok=True)
    handler = RotatingLog(log_folder / "teleavis.log", max_bytes=1_000_000, backups=5)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, RotatingLog):
            root.removeHandler(existing)
            existing.close()
    root.addHandler(handler)
    root.setLevel(level)
    # Libraries that would log URLs with query strings or bodies stay quiet.
    for noisy in ("urllib3", "PIL", "requests", "keyring"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
