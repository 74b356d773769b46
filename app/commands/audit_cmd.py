"""``audit verify``: walk the hash chain and report the first broken link."""

from __future__ import annotations

import argparse
from typing import Any

from app import audit
from app import messages as M
from app.commands.common import open_store, say

M.add(
    {
        "audit.help": {"fr": "journal d'audit", "en": "audit trail"},
        "audit.verify_help": {
            "fr": "vérifie que le journal est intact (aucune entrée modifiée ni retirée)",
            "en": "checks that the trail is intact (no entry changed or removed)",
        },
        "audit.ok": {
            "fr": "Journal d'audit intact : {rows} entrées, chaîne vérifiée.",
            "en": "Audit trail intact: {rows} entries, chain verified.",
        },
        "audit.ok.one": {
            "fr": "Journal d'audit intact : {rows} entrée, chaîne vérifiée.",
            "en": "Audit trail intact: {rows} entry, chain verified.",
        },
        "audit.broken": {
            "fr": "Journal d'audit altéré : {problem}. "
            "Conservez ce poste en l'état et prévenez le responsable de la sécurité.",
            "en": "Audit trail tampered with: {problem}. Keep this computer as it is and tell the security officer.",
        },
    }
)


def register(sub: Any) -> None:
    parser = sub.add_parser("audit", help=M.tr("audit.help"))
    asub = parser.add_subparsers(dest="action", required=True)
    verify = asub.add_parser("verify", help=M.tr("audit.verify_help"))
    verify.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    with open_store() as store:
        check = audit.verify(store.conn, store.key)
    if check.ok:
        say(M.tr_count("audit.ok", check.rows, rows=check.rows))
        return 0
    say(M.tr("audit.broken", problem=check.problem()))
    return 1
