"""The ``teleavis`` entry point: the window with no argument, the headless commands otherwise.

This module and ``app.commands`` are the composition root: the only places of ``app`` that import
``capture``, ``sync`` and (lazily, when the window opens) ``ui``. Heavy imports are deferred to the
command that needs them, so ``teleavis case list`` starts fast and needs no display.
"""

from __future__ import annotations

# Python's signal module without its enumerations: ``signal`` turns the C module's numbers into three Python
# enums (Signals, Handlers, Sigmasks) as it loads, ~3.5 M instructions of every start (callgrind), and this
# module needs the numbers only. The window's start loads nothing else that imports ``signal`` before it
# shows (ui.ending does, once it has).
import _signal as signal  # type: ignore[import-not-found]
import sys


def _started_as_the_program() -> bool:
    """Whether this process is ``teleavis`` (its script, its bundle, ``python -m app.main``), not a program
    importing this module (the tests, the demo)."""
    return __name__ == "__main__" or sys.argv[0].replace("\\", "/").rsplit("/", 1)[-1].startswith("teleavis")


# Ctrl+C while the program loads is held until ``run`` can say « Interrompu. »: Python's default printed a
# whole traceback, then « internal error (KeyboardInterrupt) » (found from outside, in the first half-second of
# ``sync --once``). A signal held stays pending; ``run`` lets it in, where it is said as any other time.
if _started_as_the_program() and hasattr(signal, "pthread_sigmask"):
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})

import logging  # noqa: E402 - after holding Ctrl+C: these imports are the first instants it may come in
from collections.abc import Callable, Sequence  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from app import __version__, logs  # noqa: E402
from app import messages as M  # noqa: E402
from app.errors import TeleavisError  # noqa: E402

if TYPE_CHECKING:
    import argparse

log = logging.getLogger("app.main")

M.add(
    {
        "cli.description": {
            "fr": "Teleavis : demandes de télé-expertise (dermatologie, rétinographie, plaies). Sans argument "
            "(ou --window), ouvre la fenêtre ; --training l'ouvre en mode formation. Codes de sortie : "
            "0 succès, 1 échec (le message dit quoi faire), 2 erreur d'utilisation, 3 données verrouillées "
            "(pas de clé), 130 interrompu (Ctrl+C).",
            "en": "Teleavis: tele-expertise requests (dermatology, retinography, wound care). With no argument "
            "(or --window), opens the window; --training opens it in training mode. Exit codes: 0 success, "
            "1 failure (the message says what to do), 2 usage error, 3 data locked (no key), 130 interrupted "
            "(Ctrl+C).",
        },
        "cli.internal": {
            "fr": "Erreur interne inattendue (détails dans le journal {log}). Vos données enregistrées "
            "sont intactes ; signalez-la au support.",
            "en": "Unexpected internal error (details in the log {log}). Your saved data is intact; "
            "please report it to support.",
        },
        "cli.interrupted": {"fr": "Interrompu.", "en": "Interrupted."},
        "cli.id_help": {
            "fr": "l'identifiant du dossier (ou son début, s'il suffit)",
            "en": "the case's id (or its start, when enough)",
        },
    }
)

Handler = Callable[["argparse.Namespace"], int]


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from app.commands import register_all
    from app.commands.usage import speak_the_users_language

    speak_the_users_language()
    parser = argparse.ArgumentParser(prog="teleavis", description=M.tr("cli.description"))
    parser.add_argument("--version", action="version", version=f"teleavis {__version__}", help=M.tr("cli.version_help"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    register_all(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] in ("--training", "--window"):
        from app.commands.window import open_window

        return open_window(args_list)
    parser = build_parser()
    args = parser.parse_args(args_list)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    from app.commands.common import report_error, setup_logging

    setup_logging()  # before the command runs: its errors go to the log the message points at
    _purge_stale_leftovers()
    from app import interruption

    interruption.command_begins()
    try:
        return handler(args)
    except TeleavisError as exc:
        return report_error(exc)
    except KeyboardInterrupt:
        return interrupted()
    except BrokenPipeError:
        # The reader went away (``teleavis case list | head``): not an error of ours.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception:
        from app.commands.common import current_log_path

        log.exception("internal error in command %s", getattr(args, "command", "?"))
        print(M.tr("cli.internal", log=current_log_path()), file=sys.stderr)
        return 1
    finally:
        interruption.command_ends()


#: The exit code of a program interrupted by Ctrl+C, as shells give it (128 + SIGINT's number).
INTERRUPTED = 130


def interrupted() -> int:
    """Ctrl+C: a plain word, exit 130. What the command was writing is whole or gone (each writer's own
    clean-up ran while the interruption went up); nothing else is said: it is no error."""
    print(M.tr("cli.interrupted"), file=sys.stderr)
    return INTERRUPTED


def _purge_stale_leftovers() -> None:
    """The decrypted reports a crashed window left, once stale (``app.private_files``): a site that
    works from the command line (cron's ``sync --once``) would keep them until the window starts again."""
    from app.private_files import STALE_FOR_COMMANDS_S, purge_leftovers

    try:
        purge_leftovers(older_than_s=STALE_FOR_COMMANDS_S)
    except OSError:  # never a reason for the command not to run
        log.warning("the files a crashed window left could not be looked at")


def run() -> int:
    """The program's entry point (``teleavis``, ``python -m app.main``, the bundle): the process made
    private first (``app.hardening``), then ``main``."""
    from app.hardening import keep_private

    keep_private()
    # What nothing caught, on any thread (the sync engine's, the sandbox's, the window's), goes masked to
    # the log, not whole on stderr. Here, at the process's entry, not in main(): tests call main() in
    # their own process, whose hooks are pytest's.
    logs.route_uncaught()
    try:
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # a Ctrl+C held since the start: now
        code = main()
    except KeyboardInterrupt:  # before main's own try (its parser's imports) or in the window's start
        code = interrupted()
    # Done and said: a Ctrl+C now, as Python ends, would only print its traceback over the command's words.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    return code


if __name__ == "__main__":
    sys.exit(run())
