"""Logging to rotating files in the data directory, with case ids and never patient data.

The code logs ids and counts only; as a second line of defence a filter masks anything shaped
like an INS/NIR, a date of birth or an e-mail address before a record is written.
"""

from __future__ import annotations

import logging
import logging.handlers
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


def setup(log_folder: Path, level: int = logging.INFO) -> None:
    """Send the ``teleavis`` loggers (app, capture, sync, ui) to ``logs/teleavis.log``, rotated."""
    log_folder.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        log_folder / "teleavis.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, logging.handlers.RotatingFileHandler):
            root.removeHandler(existing)
            existing.close()
    root.addHandler(handler)
    root.setLevel(level)
    # Libraries that would log URLs with query strings or bodies stay quiet.
    for noisy in ("urllib3", "PIL", "requests", "keyring"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
