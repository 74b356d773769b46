"""``passphrase change``: wrap the data key under a new passphrase.

The old passphrase comes from ``TELEAVIS_PASSPHRASE`` or the terminal, the new one from
``TELEAVIS_NEW_PASSPHRASE`` or the terminal (asked twice); neither is ever an argument, which
other users of the machine could read in the process list.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import Any

from app import audit, in_use, interruption, logs, rotation
from app import messages as M
from app.commands.common import say
from app.db import transaction
from app.errors import DataLocked, UsageError
from app.keystore import NEW_PASSPHRASE_ENV, PASSPHRASE_ENV, KeyStore, WrongPassphrase, ask_terminal
from app.paths import data_dir, log_dir
from app.store import Store
from app.swap import finish_swap

M.add(
    {
        "passphrase.help": {
            "fr": "changer la phrase secrète qui protège la clé des données",
            "en": "change the passphrase that protects the data key",
        },
        "passphrase.change.help": {
            "fr": "ancienne phrase : variable {old} ou au clavier ; nouvelle : variable {new} ou au clavier",
            "en": "old passphrase: {old} variable or prompt; new one: {new} variable or prompt",
        },
        "passphrase.rotate.help": {
            "fr": "changer aussi la clé des données et tout rechiffrer (fermez d'abord la fenêtre de Teleavis)",
            "en": "also change the data key and re-encrypt everything (close Teleavis's window first)",
        },
    }
)


def register(sub: Any) -> None:
    command = sub.add_parser("passphrase", help=M.tr("passphrase.help"))
    actions = command.add_subparsers(dest="action", required=True)
    change = actions.add_parser(
        "change", help=M.tr("passphrase.change.help", old=PASSPHRASE_ENV, new=NEW_PASSPHRASE_ENV)
    )
    change.add_argument("--rotate-key", action="store_true", help=M.tr("passphrase.rotate.help"))
    change.set_defaults(handler=run_change)


def _new_passphrase() -> str:
    value = os.environ.get(NEW_PASSPHRASE_ENV)
    if value:
        return value
    from app.passphrase_rules import weakness

    while True:
        secret = ask_terminal("key.ask_new", True)
        if secret is None:
            raise UsageError(M.tr("passphrase.need_new", env=NEW_PASSPHRASE_ENV))
        problem = weakness(secret)
        if problem is None:
            return secret
        print(problem, file=sys.stderr)


def run_change(args: argparse.Namespace) -> int:
    root = data_dir()
    logs.setup(log_dir(root))
    finish_swap(root)  # a restore cut between its renames: the key is where it belongs first
    keys = KeyStore(root)
    if not keys.exists():
        raise DataLocked(M.tr("key.missing"))
    old: str | None = None
    if keys.has_passphrase():
        old = os.environ.get(PASSPHRASE_ENV) or ask_terminal("key.ask_old", False)
        if not old:
            raise DataLocked(M.tr("key.need_passphrase", env=PASSPHRASE_ENV))
        if not keys.passphrase_opens(old):  # before asking the new one twice
            raise WrongPassphrase(M.tr("key.wrong_passphrase"))
    new = _new_passphrase()
    from app.passphrase_rules import weakness

    problem = weakness(new)  # refused before anything is opened or changed
    if problem is not None:
        raise UsageError(problem)
    if old is not None and new == old:
        raise UsageError(M.tr("passphrase.same"))
    if args.rotate_key:
        rotation.check_room(root)  # before the passphrase changes: a rotation the disk cannot finish is not begun
    # A rotation needs the data to itself (a window left open would go on sealing with the old key):
    # checked before anything changes.
    with (
        Store.open(root, passphrase=lambda _confirm: old) as store,
        in_use.alone(store.in_use) if args.rotate_key else contextlib.nullcontext(),
    ):
        if not args.rotate_key:
            # The new wrapping written is the change made: said, recorded (found in review: a Ctrl+C just after it
            # said « Interrompu. » of a passphrase changed, no audit entry). A rotation, long and taken up again at
            # the next opening, stays one a Ctrl+C stops.
            interruption.finish_from_here()
        keys.change_passphrase(old, new)
        with transaction(store.conn) as conn:
            audit.append(conn, store.key, "settings", detail="passphrase")
        say(M.tr("passphrase.changed"))
        if old is not None:  # (a keyring-only installation had none: no backup of it holds the key wrapped under one)
            # (their header keeps the key wrapped under the old one; without a new key, that key is today's too)
            say(M.tr("passphrase.old_backups" if args.rotate_key else "passphrase.same_key"))
        if args.rotate_key:
            from sync.training import wipe_sandbox

            # Found from outside: the training platform's copies of the cases stayed sealed under the key
            # being retired until training next started, though this said everything was re-encrypted.
            # Erased first: what the erasure writes (its poll marks) is then re-sealed with the rest
            # (found in review: written after, under the retired key, it stopped every later sync).
            erased = wipe_sandbox(store)
            rotation.rotate(root, store.conn, KeyStore(root), store.key, new)
            say(M.tr("rotation.done"))
            if erased:
                say(M.tr("rotation.training_erased"))
    return 0
