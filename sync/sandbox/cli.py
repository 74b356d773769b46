"""`teleavis sandbox` / `python -m sync.sandbox`: serve the sandbox platform until stopped.

A sandbox started from the command line has no data key: it keeps everything in memory and
writes nothing, so what a client sends to it is gone when it stops. Bound to a loopback address
it answers only requests naming loopback in their Host header; bound to any other address it must
be given a bearer token (`--token`, `-` to read it from standard input), and with a token its demo
OAuth accounts are switched off.
"""

from __future__ import annotations

import argparse
import getpass
import signal
import sys
import threading
from collections.abc import Sequence

from app.urls import is_loopback
from sync.sandbox.server import SandboxServer

DEFAULT_PORT = 8765


def exposed_without_token(host: str, token: str | None) -> bool:
    """True when serving on `host` would let other machines in with no token."""
    return not token and not is_loopback(host)


def read_token(value: str | None) -> str | None:
    """The token given on the command line; `-` reads it from standard input (hidden on a terminal)."""
    if value != "-":
        return value
    if sys.stdin.isatty():
        return getpass.getpass("Jeton / token: ").strip() or None
    return sys.stdin.readline().strip() or None


def serve(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    answer_after_s: float = 30.0,
    question_rate: float = 0.0,
    seed: int | None = None,
    token: str | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve the sandbox (in memory) and print its base URL on stdout once ready.

    Returns when `stop` is set, or on Ctrl-C / SIGTERM. Raises ValueError for a non-loopback
    `host` without a `token`.
    """
    if exposed_without_token(host, token):
        raise ValueError(f"{host} is not a loopback address: a token is required")
    stop = stop or threading.Event()
    accounts: dict[str, str] | None = {} if token else None
    # Served on its own, it stands for the platform a workstation is configured with (platform.url), so
    # it plays a real one: a workstation not in training mode sends a qualified patient's real INS,
    # which the training sandbox (inside Teleavis) refuses.
    server = SandboxServer(
        None,
        host,
        port,
        answer_after_s,
        question_rate,
        seed,
        token=token,
        oauth_clients=accounts,
        oauth_users=accounts,
        national=True,
    )
    previous = None
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (a service manager, `kill`) stops as cleanly as Ctrl-C.
        previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    try:
        with server:
            try:
                # (Printed inside: a Ctrl+C as soon as the address is read is the normal end too, exit 0.)
                print(server.base_url, flush=True)
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` (without the program name) and serve; the exit code (0, 1 when the port is taken, 2 on bad use)."""
    parser = argparse.ArgumentParser(
        prog="python -m sync.sandbox",
        description="Plateforme de télé-expertise simulée (docs/platform-api.md), en mémoire : rien n'est écrit.",
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
    parser.add_argument(
        "--token",
        default=None,
        help="exiger ce jeton Bearer (- : le lire sur l'entrée standard) ; obligatoire hors boucle locale",
    )
    args = parser.parse_args(argv)
    token = read_token(args.token)
    if exposed_without_token(args.host, token):
        print(f"Refusé : {args.host} n'est pas une adresse de boucle locale ; donnez --token.", file=sys.stderr)
        return 2
    try:
        serve(args.host, args.port, args.answer_after, args.question_rate, args.seed, token)
    except OSError as error:
        print(f"Impossible de servir le bac à sable sur {args.host}:{args.port} : {error}", file=sys.stderr)
        return 1
    return 0
