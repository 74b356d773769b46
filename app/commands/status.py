"""``status``: counts per state, last sync, platform reachability."""

from __future__ import annotations

import argparse
from typing import Any

from app import audit
from app import messages as M
from app.commands.common import emit_json, local_minute, open_store
from app.keystore import KeyStore
from app.outbox import Outbox
from app.settings import is_training

M.add(
    {
        "status.help": {
            "fr": "état : dossiers par état, dernière synchronisation, plateforme",
            "en": "status: cases per state, last sync, platform",
        },
        "status.cases": {"fr": "Dossiers :", "en": "Cases:"},
        "status.json_help": {"fr": "l'état en JSON", "en": "the status as JSON"},
        "status.none": {"fr": "  aucun", "en": "  none"},
        "status.count": {"fr": "  {state} : {n}", "en": "  {state}: {n}"},
        "status.unread": {
            "fr": "À lire (réponse ou question de l'expert) : {n} dossiers — teleavis case list",
            "en": "To read (the expert's answer or question): {n} cases — teleavis case list",
        },
        "status.unread.one": {
            "fr": "À lire (réponse ou question de l'expert) : {n} dossier — teleavis case list",
            "en": "To read (the expert's answer or question): {n} case — teleavis case list",
        },
        # A case waiting because the platform answered so (409/412), not the network: said, never in the
        # platform's words (they name the patient); ``case show`` gives them.
        "status.held": {
            "fr": "En attente car la plateforme ne peut pas les enregistrer pour l'instant : {n} dossiers "
            "({ids}) — pour voir pourquoi : teleavis case show ID",
            "en": "Waiting because the platform cannot record them for now: {n} cases ({ids}) — to see why: "
            "teleavis case show ID",
        },
        "status.held.one": {
            "fr": "En attente car la plateforme ne peut pas l'enregistrer pour l'instant : {n} dossier "
            "({ids}) — pour voir pourquoi : teleavis case show {ids}",
            "en": "Waiting because the platform cannot record it for now: {n} case ({ids}) — to see why: "
            "teleavis case show {ids}",
        },
        "status.last_sync": {"fr": "Dernière synchronisation : {when}", "en": "Last sync: {when}"},
        "status.never": {"fr": "jamais", "en": "never"},
        "status.platform": {"fr": "Plateforme : {state}", "en": "Platform: {state}"},
        "status.not_configured": {"fr": "non configurée (mode formation)", "en": "not configured (training mode)"},
        # Training mode off and no address (``config set training off``): the cases go nowhere, said so.
        "status.nowhere": {
            "fr": "non configurée, mode formation arrêté : les dossiers attendent sur ce poste. Donnez son adresse "
            "(teleavis config set platform.url https://…/fhir), ou remettez le mode formation (teleavis config "
            "set training on).",
            "en": "not configured, training mode off: the cases wait on this computer. Give its address (teleavis "
            "config set platform.url https://…/fhir), or turn training mode back on (teleavis config set "
            "training on).",
        },
        "status.reachable": {"fr": "joignable", "en": "reachable"},
        "status.unreachable": {"fr": "injoignable : {reason}", "en": "unreachable: {reason}"},
        "status.offline": {"fr": "injoignable ({why})", "en": "unreachable ({why})"},
        "status.why.unreachable": {
            "fr": "pas de réseau, ou adresse introuvable",
            "en": "no network, or address not found",
        },
        "status.why.timeout": {"fr": "pas de réponse à temps", "en": "no answer in time"},
        "status.cut": {
            "fr": "répond, mais sa réponse a été coupée en route (proxy ou liaison instable)",
            "en": "answers, but its answer was cut on its way (proxy or unstable link)",
        },
        "status.key": {"fr": "Clé des données : {mode}", "en": "Data key: {mode}"},
        # How the data key is kept (KeyStore.mode), in words; the codes stay for --json.
        "status.key.keyring": {"fr": "dans le trousseau du système", "en": "in the system keyring"},
        "status.key.passphrase": {"fr": "protégée par la phrase secrète", "en": "protected by the passphrase"},
        "status.key.keyring+passphrase": {
            "fr": "dans le trousseau du système, et protégée par la phrase secrète",
            "en": "in the system keyring, and protected by the passphrase",
        },
    }
)


def register(sub: Any) -> None:
    parser = sub.add_parser("status", help=M.tr("status.help"), description=M.tr("status.help"))
    parser.add_argument("--json", action="store_true", help=M.tr("status.json_help"))
    parser.set_defaults(handler=run_status)


def platform_reachability(store: Any) -> dict[str, Any]:
    """Ask the platform link (when present) whether the platform answers."""
    url = store.settings.get("platform.url")
    if not url:
        return {"configured": False, "reachable": None, "detail": ""}
    try:
        from sync.client import probe_store
    except ModuleNotFoundError:
        return {"configured": True, "reachable": None, "detail": ""}
    outcome, detail = probe_store(store)
    return {"configured": True, "reachable": outcome == "ok", "detail": detail, "outcome": outcome}


def run_status(args: argparse.Namespace) -> int:
    with open_store() as store:
        counts = store.counts()
        unread = store.unread_count()
        last = store.settings.get("sync.last")
        platform = platform_reachability(store)
        training = is_training(store.settings.get)
        key_mode = KeyStore(store.data_dir).mode()
        # Only what the sync recorded (app/audit.py): walking the whole chain is ``audit verify``'s.
        rewound = audit.rewound(store.conn)
        held = Outbox(store).held_by_platform()
    doc = {
        "cases": counts,
        "total": sum(counts.values()),
        "last_sync": last,
        "platform": {key: value for key, value in platform.items() if key != "outcome"},  # (the JSON as it was)
        "data_key": key_mode,
        "audit_rewound": rewound,
        "unread": unread,
    }
    if args.json:
        emit_json(doc)
        return 0
    lines = [M.tr("status.cases")]
    lines += [M.tr("status.count", state=M.state_name(state), n=n) for state, n in sorted(counts.items())] or [
        M.tr("status.none")
    ]
    if unread:
        lines.append(M.tr_count("status.unread", unread, n=unread))
    lines.append(M.tr("status.last_sync", when=local_minute(last) if last else M.tr("status.never")))
    if not platform["configured"]:
        state = M.tr("status.not_configured" if training else "status.nowhere")
    elif platform["reachable"] is None:
        state = platform.get("detail") or "?"
    elif platform["reachable"]:
        state = M.tr("status.reachable")
    elif platform.get("outcome") == "cut":  # it answered: not « injoignable »
        state = M.tr("status.cut")
    elif platform.get("outcome") in ("unreachable", "timeout"):
        # The fault's sentence (« Plateforme injoignable (réseau) : nouvel essai automatique. ») is the sync's:
        # after « injoignable » it said the word twice, and a retry status never makes.
        state = M.tr("status.offline", why=M.tr(f"status.why.{platform['outcome']}"))
    else:
        state = M.tr("status.unreachable", reason=platform["detail"])
    lines.append(M.tr("status.platform", state=state))
    words = f"status.key.{key_mode}"
    lines.append(M.tr("status.key", mode=M.tr(words) if words in M.CATALOGUE else key_mode))
    if rewound is not None:
        lines.append(M.tr("audit.rewound_notice", seq=rewound))
    # Last, after every line the output had before it came (the text is a public interface: a script
    # reading « Dernière synchronisation » or « Plateforme » by its place still finds it).
    if held:
        lines.append(M.tr_count("status.held", len(held), n=len(held), ids=", ".join(i[:8] for i in held)))
    print("\n".join(lines))
    return 0
