"""``init`` (the site) and ``config get/set`` (settings)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app import audit
from app import messages as M
from app.casefile import read_json_file
from app.commands.common import emit_json, open_store, say
from app.db import transaction
from app.settings import SETTINGS, parse
from app.site import parse_site, save_site
from app.urls import SECURE_URL_SETTINGS, check_secure_url

M.add({
    "init.done": {"fr": "Site enregistré : {org} (FINESS {finess}), demandeur {name} (RPPS {rpps}).",
                  "en": "Site saved: {org} (FINESS {finess}), requester {name} (RPPS {rpps})."},
    "init.same": {"fr": "Site déjà configuré ainsi : rien à changer.",
                  "en": "Site already set up this way: nothing to change."},
    "init.help": {"fr": "première configuration du site (praticien, structure)", "en": "first set-up of the site"},
    "config.help": {"fr": "lire ou modifier un réglage", "en": "read or change a setting"},
    "config.saved": {"fr": "Réglage « {key} » enregistré.", "en": "Setting “{key}” saved."},
    "config.hidden": {"fr": "(secret enregistré, non affiché)", "en": "(secret set, not shown)"},
    "config.training_erased": {"fr": "Plateforme réelle configurée : les données du mode formation sont effacées.",
                               "en": "Real platform set: the training-mode data is erased."},
})


def register(sub: Any) -> None:
    init = sub.add_parser("init", help=M.tr("init.help"))
    init.add_argument("--site", required=True, type=Path, help="site.json")
    init.set_defaults(handler=run_init)
    config = sub.add_parser("config", help=M.tr("config.help"))
    csub = config.add_subparsers(dest="action", required=True)
    get = csub.add_parser("get")
    get.add_argument("key", help=", ".join(sorted(SETTINGS)))
    get.set_defaults(handler=run_get)
    put = csub.add_parser("set")
    put.add_argument("key", help=", ".join(sorted(SETTINGS)))
    put.add_argument("value")
    put.set_defaults(handler=run_set)


def run_init(args: argparse.Namespace) -> int:
    requester = parse_site(read_json_file(args.site))
    with open_store() as store:
        if not save_site(store, requester):
            say(M.tr("init.same"))
            return 0
    say(M.tr("init.done", org=requester.organization, finess=requester.finess,
             name=" ".join([*requester.given, requester.family]), rpps=requester.rpps))
    return 0


def run_get(args: argparse.Namespace) -> int:
    with open_store() as store:
        value = store.settings.get(args.key)
        if store.settings.is_secret(args.key) and value:
            say(M.tr("config.hidden"))
            return 0
    if isinstance(value, dict | list):
        emit_json(value)
    else:
        print("" if value is None else (json.dumps(value) if isinstance(value, bool) else value))
    return 0


def run_set(args: argparse.Namespace) -> int:
    from sync.training import wipe_unless_training

    value = parse(args.key, args.value)
    if args.key in SECURE_URL_SETTINGS:
        check_secure_url(args.key, str(value), usage=True)
    with open_store() as store:
        with transaction(store.conn) as conn:
            store.settings.set(args.key, value, in_transaction=True)
            audit.append(conn, store.key, "settings", detail=args.key)
        # Training cases are patient data: once a real platform is set, the sandbox's copy goes.
        if args.key in ("platform.url", "training") and wipe_unless_training(store):
            say(M.tr("config.training_erased"))
    say(M.tr("config.saved", key=args.key))
    return 0
