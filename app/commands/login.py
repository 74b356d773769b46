"""``teleavis login``: sign the professional in with Pro Santé Connect, headless (carts, scripts).

CIBA when the provider offers it (the professional validates on their phone, the e-CPS app); else
the device flow (RFC 8628) when offered (an address and a code to type on another device); else the
authorization-code flow: the address to open is printed and the command waits for the browser's
return on a loopback port. In training mode, against the built-in PSC-like provider.
"""

from __future__ import annotations

import argparse
from typing import Any

from app import audit
from app import messages as M
from app.commands.common import open_store, say
from app.commands.usage import seconds
from app.db import transaction
from app.errors import UsageError
from app.site import load_requester

M.add(
    {
        "login.help": {
            "fr": "se connecte avec Pro Santé Connect (e-CPS sur le téléphone, ou navigateur)",
            "en": "signs in with Pro Santé Connect (e-CPS on the phone, or the browser)",
        },
        "login.browser_help": {
            "fr": "par le navigateur même si la validation sur téléphone (CIBA) est offerte",
            "en": "through the browser even when approval on the phone (CIBA) is offered",
        },
        "login.timeout_help": {
            "fr": "abandonner après S secondes (300 par défaut)",
            "en": "give up after S seconds (300 by default)",
        },
        "login.training": {
            "fr": "Mode formation : fournisseur Pro Santé Connect simulé sur cette machine ({url}).",
            "en": "Training mode: simulated Pro Santé Connect provider on this machine ({url}).",
        },
        "login.no_site": {
            "fr": "Le site n'est pas configuré : lancez d'abord « teleavis init --site site.json ».",
            "en": "The site is not set up: run “teleavis init --site site.json” first.",
        },
        "login.done": {
            "fr": "Connecté avec Pro Santé Connect : {name} ({number}).",
            "en": "Signed in with Pro Santé Connect: {name} ({number}).",
        },
        "login.on_behalf": {
            "fr": "Vous n'êtes pas le demandeur du site ({requester}, {site_number}) : vos demandes seront "
            "enregistrées comme faites par vous pour son compte.",
            "en": "You are not the site's requester ({requester}, {site_number}): your requests will be "
            "recorded as made by you on their behalf.",
        },
    }
)


def register(sub: Any) -> None:
    login = sub.add_parser("login", help=M.tr("login.help"))
    login.add_argument("--browser", action="store_true", help=M.tr("login.browser_help"))
    login.add_argument("--timeout", type=seconds, default=300.0, metavar="S", help=M.tr("login.timeout_help"))
    login.set_defaults(handler=run_login)


def run_login(args: argparse.Namespace) -> int:
    from sync.psc import PscClient, client_from_settings, save_sign_in
    from sync.training import ensure_psc, training_mode

    with open_store() as store:
        requester = load_requester(store.settings)
        if requester is None:
            raise UsageError(M.tr("login.no_site"))
        if training_mode(store) and not store.settings.get("platform.oidc_issuer"):
            issuer = ensure_psc(store)
            say(M.tr("login.training", url=issuer))
            client = PscClient(issuer, "teleavis")
        else:
            client = client_from_settings(store.settings)
        if client.offers_ciba and not args.browser:
            # PSC's login hint is the professional's national id: 8 + RPPS, or 0 + ADELI.
            token = client.sign_in_ciba(requester.national_id, say, timeout_s=args.timeout)
        elif client.offers_device and not args.browser:
            token = client.sign_in_device(say, timeout_s=args.timeout)
        else:
            token = client.sign_in_browser(lambda url: say(M.tr("psc.open", url=url)), timeout_s=args.timeout)
        professional = client.userinfo(str(token["access_token"]))
        with transaction(store.conn) as conn:
            save_sign_in(store.settings, token, professional, in_transaction=True)
            audit.append(conn, store.key, "settings", detail=f"psc sign-in {professional.number}")
    say(M.tr("login.done", name=professional.name, number=professional.number))
    if professional.national_id != requester.national_id:
        site_number = f"RPPS {requester.rpps}" if requester.rpps else f"ADELI {requester.adeli}"
        say(M.tr("login.on_behalf", requester=" ".join([*requester.given, requester.family]), site_number=site_number))
    return 0
