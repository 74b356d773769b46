"""Logging to rotating files in the data directory, with case ids and never patient data.

The code logs ids and counts only; as a second line of defence a filter masks anything shaped
like an INS/NIR, a date of birth or an e-mail address before a record is written. Exception text
and stack traces go through the same filter, and there the quoted values of an exception's message
(a file name, a value a validator quotes back) are masked too: only the code's own lines stay. So are
those of an exception given as a record's argument (``log.warning("… : %s", exc)``). Qt's warnings lose the
paths they write bare too (:func:`redact_paths`): a folder is often named after the patient.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sys
import threading
from pathlib import Path
from types import TracebackType

# What is masked wherever it shows (compiled at the first record: a window's start logs nothing, and these
# patterns cost it ~0.7 ms).
_PATTERNS = (
    r"\b[1-478]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?\b",  # INS / NIR
    r"\b\d{4}-\d{2}-\d{2}(?![T\d:])",  # bare dates (timestamps keep their time part)
    r"\b\d{2}/\d{2}/\d{4}\b",
    # 03-02-1950, 3.2.1950 (device folders, DICOM headers, French forms), after a word too (DUPONT_03-02-1950);
    # not a piece of a version or a DICOM UID (1.2.840.10008.5.1.4). 19500203 is not masked: bare, it is
    # told apart from a count or a size in bytes by nothing, and pydicom, which writes it, quotes it.
    r"(?<![\d./-])\d{1,2}([-.])\d{1,2}\1\d{4}(?!\.?\d)",
    # (from the start of a word only: retried at each of its letters, a 100 kB word took minutes)
    r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.]+",
)


MASK = "[masqué]"
# In an exception's text: what it quotes ('…', "…", «…») and what validators echo (input_value=…).
_QUOTED = r"""'[^'\n]*'|"[^"\n]*"|«[^»\n]*»|“[^”\n]*”"""
_ECHOED = r"(input_value|input|value)=(?:'[^'\n]*'|\"[^\"\n]*\"|[^,\s)\]]+)"
# A path in another program's words (Qt's, a library's), written bare: from its root (/, ~/, ./, ../, C:\,
# \\server, a file: URL) to what closes it (a bracket it did not open, a double quote, a quote a word does not
# follow, a line number « :12: ») or the line's end. A folder's name may hold spaces, commas, apostrophes and
# brackets (« DUPONT, Jeanne (née MARTIN) », « D'ARTAGNAN »): no word of it is told apart, the rest of the
# line goes with it, several paths at once.
_PATH = (
    r"""(?:\bfile:/+|(?<![\w.:/])/|(?<![\w.])~/|(?<![\w.])\.\.?[\\/]|\b[A-Za-z]:[\\/]|(?<![\w\\])\\\\)"""
    r"""(?:\([^()\n]*\)|\[[^\[\]\n]*\]|(?!:\d+(?::\d+)?(?::|\n|$))(?!'(?!\w))[^)\]"«»“”\n])*"""
)
# A web address: its scheme and host kept (what support needs), its path and query masked (a search by name).
_URL = r"""\b((?!file:)[A-Za-z][\w+.-]*://[^/?#\s'"<>]*)[/?#][^\s'"<>]*"""
# A traceback's own lines: '  File "…", line N, in f' and, indented under it, its source and carets; before
# them, an exception group's margin ("  | ", "  + "), which holds no words.
_FILE_LINE = r'^\s*File "[^"]*", line \d+'
_MARGIN = r"^\s*[|+] ?"


@functools.cache
def _masks() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in _PATTERNS)


@functools.cache
def _path_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return re.compile(_PATH), re.compile(_URL)


def redact_paths(text: str) -> str:
    """Words of another program (Qt's warnings, a library's) with the paths and web addresses they give bare
    masked, then as :func:`redact_words`. Qt names the folder it could not watch or the file it could not open
    without quotes (« inotify_add_watch(/…/DUPONT Jeanne) failed »), and folders and files are often named after
    the patient."""
    path, url = _path_patterns()
    return redact_words(url.sub(r"\1/" + MASK, path.sub(MASK, text)))


# The loggers of the code (app.…, capture.…, sync.…, ui.…): they log ids and counts. Any other is a library's
# (pydicom's, urllib3's), which says what it could not read: its words go through :func:`redact_paths`.
_OURS = frozenset({"app", "capture", "sync", "ui"})


@functools.cache
def _trace_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return re.compile(_ECHOED), re.compile(_QUOTED), re.compile(_FILE_LINE), re.compile(_MARGIN)


def redact(text: str) -> str:
    for pattern in _masks():
        text = pattern.sub(MASK, text)
    return text


def redact_words(text: str) -> str:
    """An exception's own words with what they quote or echo masked (a path, a value a validator read)."""
    echoed, quoted, _file_line, _margin = _trace_patterns()
    return redact(quoted.sub(MASK, echoed.sub(r"\1=" + MASK, text)))


def redact_trace(text: str) -> str:
    """A traceback or stack with what it says of the data masked; the code's own lines kept: a ``File``
    line and the lines indented under it (its source, its carets). Any other line is the exception's
    words, an indented line of its message or an exception group's inner exception too."""
    echoed, quoted, file_line, margin = _trace_patterns()
    lines = []
    source_under = -1  # the indentation of the last File line while the lines under it are its source
    for line in text.splitlines():
        edge = margin.match(line)
        rest = line[edge.end() :] if edge else line
        indent = len(rest) - len(rest.lstrip(" "))
        line = echoed.sub(r"\1=" + MASK, line)
        if file_line.match(rest):
            source_under = indent
        elif not (0 <= source_under < indent and rest.strip()):
            source_under = -1
            line = quoted.sub(MASK, line)
        lines.append(redact(line))
    return "\n".join(lines)


class _Words:
    """An exception given as a record's argument (``log.warning("… : %s", exc)``), said masked."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def __str__(self) -> str:
        words = redact_words(str(self.exc))
        if not words.replace(MASK, "").strip(" :,."):
            # Nothing of its own left (a KeyError's text is its key, quoted; a time-out has none): its kind.
            kind = type(self.exc).__name__
            return f"{kind}: {words}" if words else kind
        return words

    def __repr__(self) -> str:
        return redact_words(repr(self.exc))


def _said(value: object) -> object:
    return _Words(value) if isinstance(value, BaseException) else value


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_said(value) for value in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _said(value) for key, value in record.args.items()}
        said = record.getMessage()
        record.msg = redact(said) if record.name.partition(".")[0] in _OURS else redact_paths(said)
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            # Formatted here, once, so the handler writes this redacted text and not the exception's own.
            record.exc_text = redact_trace(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact_trace(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_trace(record.stack_info)
        return True


class RotatingLog(logging.FileHandler):
    """A log file rolled over to ``.1`` … ``.N`` past ``max_bytes``.

    The standard ``logging.handlers`` would do the same, but importing it (sockets, pickle, queues)
    costs the window's start-up time for nothing we use.
    """

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        super().__init__(path, encoding="utf-8", delay=True)
        self.max_bytes, self.backups = max_bytes, backups

    def _open(self):  # type: ignore[no-untyped-def]  # (FileHandler's, untyped in typeshed)
        """The file, its folder (and the data folder) created private on the first record only: a
        command that logs nothing (``doctor`` on a new machine) leaves nothing behind."""
        folder = Path(self.baseFilename).parent
        if not folder.exists():
            folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.mkdir(mode=0o700, exist_ok=True)
        return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:
        """A log that cannot be written (read-only or full disk) drops the record: Python's default
        would print it, traceback and all, on the terminal."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            size = os.path.getsize(self.baseFilename) if os.path.exists(self.baseFilename) else 0
            if size and size + len(self.format(record)) + 1 > self.max_bytes:
                self._roll()
        except OSError:
            self.handleError(record)
            return
        try:
            super().emit(record)
        except OSError:  # (FileHandler opens the file outside its own guard: a folder it cannot make)
            self.handleError(record)

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
    """Send the ``teleavis`` loggers (app, capture, sync, ui) to ``logs/teleavis.log``, rotated
    (the folder is made when the first record is written)."""
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


_uncaught_log = logging.getLogger("app.uncaught")


def log_uncaught(kind: type[BaseException], value: BaseException, trace: TracebackType | None) -> None:
    """An error nothing caught goes to the log, its words masked as every record's; stderr says only its
    kind. Python would print it whole on stderr, which a session's journal or a terminal keeps, and an
    exception's words may quote a patient's name or INS."""
    _uncaught_log.error("unexpected error on the main thread", exc_info=(kind, value, trace))
    print(f"Teleavis: internal error ({kind.__name__}), see the log", file=sys.stderr)


def _log_thread_uncaught(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:  # as Python's own hook: a thread's sys.exit() is silent
        return
    thread = args.thread.name if args.thread is not None else "?"
    _uncaught_log.error("unexpected error in thread %s", thread, exc_info=args.exc_value)
    print(f"Teleavis: internal error ({args.exc_type.__name__}) in a background task, see the log", file=sys.stderr)


def route_uncaught() -> None:
    """Errors nothing caught, on the main thread or any other (the sync engine's, a camera's, the training
    sandbox's), go through :func:`log_uncaught`."""
    sys.excepthook = log_uncaught
    threading.excepthook = _log_thread_uncaught
