"""`teleavis sandbox` / `python -m sync.sandbox`: serve the sandbox platform until stopped."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from sync.sandbox.server import SandboxServer

DEFAULT_PORT = 8765


def default_data_dir() -> Path:
    """`$TELEAVIS_HOME/sandbox`, else the sandbox folder of the user's Teleavis data directory."""
    home = os.environ.get("TELEAVIS_HOME")
    if home:
        return Path(home) / "sandbox"
    import platformdirs

    return Path(platformdirs.user_data_dir("teleavis")) / "sandbox"


def serve(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    data_dir: Path | None = None,
    answer_after_s: float = 30.0,
    question_rate: float = 0.0,
    seed: int | None = None,
    token: str | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve the sandbox and print its base URL on stdout once ready.

    Returns when `stop` is set, or on Ctrl-C / SIGTERM.
    """
    stop = stop or threading.Event()
    server = SandboxServer(data_dir or default_data_dir(), host, port, answer_after_s, question_rate, seed, token=token)
    previous = None
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (a service manager, `kill`) stops as cleanly as Ctrl-C.
        previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    try:
        with server:
            print(server.base_url, flush=True)
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` (without the program name) and serve; the exit code (0, or 1 when the port is taken)."""
    parser = argparse.ArgumentParser(
        prog="teleavis sandbox", description="Plateforme de télé-expertise simulée (expertise-api.md)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (boucle locale par défaut)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (défaut {DEFAULT_PORT}, 0 = libre)")
    parser.add_argument(
        "--answer-after",
        type=float,
        default=30.0,
        metavar="S",
        help="secondes avant la réponse de l'expert simulé",
    )
    parser.add_argument(
        "--question-rate",
        type=float,
        default=0.0,
        metavar="P",
        help="probabilité que l'expert demande un complément (0 à 1)",
    )
    parser.add_argument("--seed", type=int, default=None, help="graine pour des choix reproductibles")
    parser.add_argument("--data-dir", type=Path, default=None, help="dossier des données du bac à sable")
    parser.add_argument("--token", default=None, help="exiger ce jeton Bearer")
    args = parser.parse_args(argv)
    try:
        serve(args.host, args.port, args.data_dir, args.answer_after, args.question_rate, args.seed, args.token)
    except OSError as error:
        print(f"Impossible de servir le bac à sable sur {args.host}:{args.port} : {error}", file=sys.stderr)
        return 1
    return 0
