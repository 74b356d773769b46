"""What every command shares: opening the store, printing, and reporting errors."""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

from app import i18n, logs
from app.errors import TeleavisError
from app.paths import data_dir, log_dir
from app.store import Store


def setup_logging() -> None:
    """Logs to ``<data dir>/logs``, before any command runs (the folder is made, private, with the
    first record: a command that logs nothing writes nothing)."""
    logs.setup(log_dir(data_dir()))


def open_store() -> Store:
    """The unlocked store of this user (``DataLocked`` → exit 3), with logging and language set up."""
    root = data_dir()
    setup_logging()
    store = Store.open(root)
    language = store.settings.get("language")
    if language in i18n.SUPPORTED:
        i18n.set_language(language)
    return store


def local_minute(instant: str) -> str:
    """An ISO instant as the command line writes it: local date and time to the minute, in the reader's
    language (04/12/2026 10:35 in French), as the history lines of the same output (unchanged if not one)."""
    from app.i18n import moment_words

    return moment_words(instant, i18n.language())


def current_log_path() -> Path:
    return log_dir(data_dir()) / "teleavis.log"


#: The value that means "read it from standard input" (``config set platform.token -``).
STDIN = "-"


def read_secret(prompt: str) -> str:
    """A secret from standard input: asked without echo on a terminal, else the first line piped in.

    Secrets never go on a command line, where other users (``ps``) and the shell history see them.
    """
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\r\n")


def printable(text: str) -> str:
    """``text`` with its control and invisible formatting characters shown as ``<U+001B>``, line
    breaks and tabs kept. Found from outside: a case file's escape sequences, printed as they were by
    ``case show``, erased lines on the nurse's terminal and rewrote the question she read."""
    text = text.replace("\r\n", "\n")  # a Windows line break is a line break
    return "".join(
        f"<U+{ord(ch):04X}>" if ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text
    )


def say(message: str) -> None:
    """A human message: to stderr, so that stdout stays for data (ids, JSON)."""
    print(printable(message), file=sys.stderr)


def emit_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def report_error(exc: TeleavisError) -> int:
    say(exc.message)
    for detail in exc.details:
        say(f"  - {detail}")
    return exc.exit_code
