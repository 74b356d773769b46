"""What every command shares: opening the store, printing, and reporting errors."""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from pathlib import Path
from typing import Any

from app import i18n, logs
from app import messages as M
from app.errors import TeleavisError
from app.paths import data_dir, log_dir
from app.store import Store

M.add(
    {
        "export.not_ours": {
            "fr": "« {path} » existe déjà et n'est pas {what} écrit par Teleavis : rien n'a été écrit, il est "
            "gardé tel quel. Donnez un autre nom de fichier, ou supprimez d'abord celui-ci si vous êtes sûr de ne "
            "plus en avoir besoin.",
            "en": "“{path}” already exists and is not {what} written by Teleavis: nothing was written, it is kept "
            "as it is. Give another file name, or delete that one first if you are sure it is no longer needed.",
        },
        "export.folder": {
            "fr": "« {path} » est un dossier : donnez le nom du fichier à écrire dedans.",
            "en": "“{path}” is a folder: give the name of the file to write in it.",
        },
        "export.inside_data": {
            "fr": "Impossible d'écrire « {path} » : ce fichier serait dans le dossier des données de Teleavis "
            "({data}), qu'une restauration remplace entièrement (il serait effacé), et il y resterait lisible, hors "
            "du chiffrement. Écrivez-le sur une clé USB ou dans un autre dossier. Rien n'a été écrit.",
            "en": "Cannot write “{path}”: that file would be inside Teleavis's data folder ({data}), which a restore "
            "replaces entirely (it would be erased), and it would lie there readable, outside the encryption. "
            "Write it to a USB stick or another folder. Nothing was written.",
        },
        "export.replaced": {
            "fr": "(« {path} » remplace l'export précédent du même nom.)",
            "en": "(“{path}” replaces the earlier export of that name.)",
        },
        "export.what.pdf": {"fr": "un compte rendu PDF", "en": "a PDF report"},
        "export.what.audit": {"fr": "un export du journal d'audit", "en": "an audit trail export"},
        "export.what.acts": {"fr": "un export des actes", "en": "an acts export"},
    }
)

#: How each export's own file begins (``acts``, ``audit``) or what it holds near its end (``pdf``: the report's
#: creator, written in the PDF's information dictionary, its last objects; a report ending with the expert's
#: PDF pages has them after it, and its information is read from the PDF's trailer).
_ACTS_HEAD = b"date,act_code,requester_rpps,"
_AUDIT_HEAD = "\ufeff# Teleavis — ".encode()
_PDF_CREATOR = b"/Creator (Teleavis)"


def _an_export_of_ours(path: Path, kind: str) -> bool:
    try:
        with path.open("rb") as file:
            head = file.read(64)
            if kind == "pdf":
                size = file.seek(0, 2)
                file.seek(max(0, size - 16_384))
                return head.startswith(b"%PDF") and (_PDF_CREATOR in file.read() or _created_by_us(path))
    except OSError:
        return False
    return head.startswith(_ACTS_HEAD if kind == "acts" else _AUDIT_HEAD)


def _created_by_us(path: Path) -> bool:
    """Whether a PDF's information dictionary names Teleavis as its creator (found in review: the report of an
    answered case, the expert's pages appended after its own, was refused as not ours when exported again)."""
    from pypdf import PdfReader

    try:
        metadata = PdfReader(path, strict=False).metadata
    except Exception:  # noqa: BLE001 - any file may lie there: one pypdf cannot read is not ours
        return False
    return metadata is not None and metadata.creator == "Teleavis"


def export_target(path: Path, kind: str) -> bool:
    """Checks where an export (``kind``: ``pdf``, ``audit``, ``acts``) is about to write: a new file, or the same
    export's earlier file, which is replaced (True: the command says so once written). Another file of that name
    (a letter, a spreadsheet, another export's) is never written over: refused (exit 1), kept as it was."""
    # (os.path's tests, not pathlib's: a name too long for the file system, ENAMETOOLONG, went through those as
    # « Erreur interne » (found in review); the write then says it, nothing written, and the way out.)
    if os.path.isdir(path):
        raise TeleavisError(M.tr("export.folder", path=str(path)))
    from app.setting_checks import inside_folder

    if inside_folder(path.parent, data_dir()):  # as ``backup`` refuses it (a restore erases it)
        raise TeleavisError(M.tr("export.inside_data", path=str(path), data=str(data_dir())))
    if not os.path.lexists(path):
        return False
    if not path.is_symlink() and path.is_file() and _an_export_of_ours(path, kind):
        return True
    raise TeleavisError(M.tr("export.not_ours", path=str(path), what=M.tr(f"export.what.{kind}")))


def say_replaced(path: Path) -> None:
    say(M.tr("export.replaced", path=str(path)))


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
