"""``init`` (the site) and ``config get/set`` (settings)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from app import audit
from app import messages as M
from app.casefile import read_json_file
from app.commands.common import STDIN, emit_json, open_store, read_secret, say
from app.db import transaction
from app.errors import UsageError
from app.model import Requester
from app.paths import data_dir
from app.setting_checks import (
    FOLDERS,
    RANGES,
    CaProblem,
    ca_bundle_problem,
    camera_resolution_ok,
    in_range,
    inside_folder,
    whole_path,
)
from app.settings import SECRET_KEYS, SETTINGS, parse, secrets_left_behind
from app.site import parse_site, save_site, shared_system_warning
from app.urls import (
    SECURE_URL_CONFIG_ONLY,
    SECURE_URL_SETTINGS,
    check_proxy,
    check_secure_url,
    proxy_has_userinfo,
    redact_proxy,
)

M.add(
    {
        "init.done": {
            "fr": "Site enregistré : {org} ({structure}), demandeur {name} ({professional}).",
            "en": "Site saved: {org} ({structure}), requester {name} ({professional}).",
        },
        "init.same": {
            "fr": "Site déjà configuré ainsi : rien à changer.",
            "en": "Site already set up this way: nothing to change.",
        },
        "init.help": {"fr": "première configuration du site (praticien, structure)", "en": "first set-up of the site"},
        "config.help": {"fr": "lire ou modifier un réglage", "en": "read or change a setting"},
        "config.get_help": {
            "fr": "affiche un réglage (un secret n'est jamais affiché)",
            "en": "shows a setting (a secret is never shown)",
        },
        "config.set_help": {"fr": "modifie un réglage", "en": "changes a setting"},
        "config.saved": {"fr": "Réglage « {key} » enregistré.", "en": "Setting “{key}” saved."},
        # The training platform reads its settings as it starts, with the window (sync/training.py).
        "config.sandbox_next_start": {
            "fr": "La plateforme d'essai du mode formation en tiendra compte à son prochain démarrage : si "
            "Teleavis est ouvert, fermez-le et rouvrez Teleavis.",
            "en": "The training platform will use it from its next start: if Teleavis is open, close it and "
            "reopen Teleavis.",
        },
        "config.unset": {
            "fr": "(« {key} » n'est pas renseigné)",
            "en": "(“{key}” is not set)",
        },
        "config.hidden": {"fr": "(secret enregistré, non affiché)", "en": "(secret set, not shown)"},
        "config.training_held": {
            "fr": "Fin du mode formation : {n} dossiers en attente d'envoi, préparés pour la plateforme "
            "d'essai, ne partent pas et passent « à corriger » ({ids}). Vérifiez-les, puis envoyez "
            "à la plateforme réelle ceux qui le doivent.",
            "en": "Training mode ended: {n} cases waiting to be sent, prepared for the test platform, do not "
            "leave and now need attention ({ids}). Check them, then send to the real platform those meant for it.",
        },
        "config.training_held.one": {
            "fr": "Fin du mode formation : {n} dossier en attente d'envoi, préparé pour la plateforme "
            "d'essai, ne part pas et passe « à corriger » ({ids}). Vérifiez-le, puis envoyez-le à la "
            "plateforme réelle s'il le doit.",
            "en": "Training mode ended: {n} case waiting to be sent, prepared for the test platform, does not "
            "leave and now needs attention ({ids}). Check it, then send it to the real platform if it is meant for it.",
        },
        "config.training_erased": {
            "fr": "Plateforme réelle configurée : la copie de la plateforme d'essai est effacée. Les dossiers "
            "de formation restent sur ce poste (leurs actes ne sont pas facturables).",
            "en": "Real platform set: the test platform's copy is erased. The training cases stay on this "
            "computer (their acts are not billable).",
        },
        # Training turned off while no platform address is set: the copy is erased all the same, and the
        # cases go nowhere until the address is given (found from outside: « Plateforme réelle configurée »).
        "config.training_off_no_platform": {
            "fr": "Mode formation arrêté : la copie de la plateforme d'essai est effacée. Les dossiers de formation "
            "restent sur ce poste (leurs actes ne sont pas facturables). Aucune plateforme n'est encore "
            "configurée : les dossiers attendent sur ce poste. Donnez son adresse (teleavis config set "
            "platform.url https://…/fhir), ou remettez le mode formation (teleavis config set training on).",
            "en": "Training mode turned off: the test platform's copy is erased. The training cases stay on this "
            "computer (their acts are not billable). No platform is configured yet: the cases wait on this "
            "computer. Give its address (teleavis config set platform.url https://…/fhir), or turn training mode "
            "back on (teleavis config set training on).",
        },
        "config.no_platform": {
            "fr": "Aucune plateforme n'est encore configurée, et le mode formation est arrêté : les dossiers "
            "attendent sur ce poste. Donnez son adresse (teleavis config set platform.url https://…/fhir), ou "
            "remettez le mode formation (teleavis config set training on).",
            "en": "No platform is configured yet, and training mode is off: the cases wait on this computer. Give "
            "its address (teleavis config set platform.url https://…/fhir), or turn training mode back on "
            "(teleavis config set training on).",
        },
        "config.value_help": {
            "fr": "la valeur, ou « - » pour la lire sur l'entrée standard (cachée au clavier) ; « - » est "
            "obligatoire pour un secret ({secrets}, un proxy avec identifiant ou mot de passe)",
            "en": "the value, or “-” to read it from standard input (hidden when typed); “-” is required for a "
            "secret ({secrets}, a proxy with a user name or password)",
        },
        "config.nothing_read": {
            "fr": "Rien n'a été lu sur l'entrée standard pour « {key} » : rien n'a été enregistré, le réglage "
            "reste tel qu'il était. Vérifiez le fichier ou la commande qui devait donner la valeur. Pour "
            'effacer ce réglage, donnez une valeur vide : teleavis config set {key} ""',
            "en": "Nothing was read on standard input for “{key}”: nothing was saved, the setting stays as it "
            "was. Check the file or the command that was to give the value. To clear this setting, give an "
            'empty value: teleavis config set {key} ""',
        },
        "config.ca_missing": {
            "fr": "Le fichier de certificats « {path} » (platform.ca_bundle) est introuvable : rien n'a été "
            "enregistré. Vérifiez le chemin du fichier que le support de la plateforme a fourni.",
            "en": "The certificate file “{path}” (platform.ca_bundle) cannot be found: nothing was saved. "
            "Check the path of the file the platform's support gave.",
        },
        "config.ca_not_file": {
            "fr": "« {path} » (platform.ca_bundle) n'est pas un fichier : rien n'a été enregistré. Donnez le "
            "chemin du fichier de certificats lui-même.",
            "en": "“{path}” (platform.ca_bundle) is not a file: nothing was saved. Give the path of the "
            "certificate file itself.",
        },
        "config.ca_unreadable": {
            "fr": "Le fichier de certificats « {path} » (platform.ca_bundle) ne peut pas être lu (droits "
            "d'accès) : rien n'a été enregistré. Demandez au support informatique de le rendre lisible.",
            "en": "The certificate file “{path}” (platform.ca_bundle) cannot be read (access rights): nothing "
            "was saved. Ask IT support to make it readable.",
        },
        "config.ca_not_pem": {
            "fr": "« {path} » (platform.ca_bundle) n'est pas un fichier de certificats au format PEM (des blocs "
            "« -----BEGIN CERTIFICATE----- » lisibles) : rien n'a été enregistré. Demandez au support de la "
            "plateforme le certificat de son autorité au format PEM.",
            "en": "“{path}” (platform.ca_bundle) is not a certificate file in PEM format (readable "
            "“-----BEGIN CERTIFICATE-----” blocks): nothing was saved. Ask the platform's support for its "
            "authority's certificate in PEM format.",
        },
        "config.between": {
            "fr": "Valeur refusée pour « {key} » : {value} ne peut pas fonctionner ; donnez un nombre de {low} à "
            "{high}{off}. Rien n'a été enregistré.",
            "en": "Value refused for “{key}”: {value} cannot work; give a number from {low} to {high}{off}. "
            "Nothing was saved.",
        },
        "config.from": {
            "fr": "Valeur refusée pour « {key} » : {value} ne peut pas fonctionner ; donnez un nombre d'au moins "
            "{low}{off}. Rien n'a été enregistré.",
            "en": "Value refused for “{key}”: {value} cannot work; give a number of at least {low}{off}. "
            "Nothing was saved.",
        },
        "config.zero_off": {"fr": " (0 : désactivé)", "en": " (0: turned off)"},
        "config.folder_absent": {
            "fr": "Attention : le dossier « {path} » ({key}) est introuvable pour l'instant. Le réglage est "
            "enregistré ; branchez le disque ou créez le dossier, sinon rien n'y sera fait.",
            "en": "Warning: the folder “{path}” ({key}) cannot be found for now. The setting is saved; plug in "
            "the drive or create the folder, otherwise nothing will be done there.",
        },
        "config.folder_read_only": {
            "fr": "Attention : Teleavis ne peut pas écrire dans le dossier « {path} » ({key}) : clé "
            "verrouillée, dossier en lecture seule ou interdit. Le réglage est enregistré, mais aucune sauvegarde ne "
            "s'y fera tant que l'écriture n'y est pas permise ; choisissez un autre dossier, ou demandez au "
            "support informatique de l'ouvrir en écriture.",
            "en": "Warning: Teleavis cannot write into the folder “{path}” ({key}): a locked stick, a read-only or "
            "forbidden folder. The setting is saved, but no backup will be made there until writing is allowed; "
            "choose another folder, or ask IT support to allow writing there.",
        },
        "config.secrets_forgotten": {
            "fr": "Adresse changée de serveur : ce qui était enregistré pour l'ancienne ({keys}) est effacé, jamais "
            "envoyé à la nouvelle. Donnez celui de la nouvelle plateforme : « teleavis config set {first} - ».",
            "en": "The address moved to another server: what was saved for the old one ({keys}) is erased, never "
            "sent to the new one. Give the new platform's: “teleavis config set {first} -”.",
        },
        "config.psc_forgotten": {
            "fr": "Adresse changée de serveur : la connexion Pro Santé Connect faite pour l'ancienne est effacée. "
            "Reconnectez-vous : « teleavis login ».",
            "en": "The address moved to another server: the Pro Santé Connect sign-in made for the old one is "
            "erased. Sign in again: “teleavis login”.",
        },
        "config.ask": {"fr": "Valeur de {key} (non affichée) : ", "en": "Value of {key} (not shown): "},
        "config.backup_inside": {
            "fr": "Valeur refusée pour « {key} » : « {path} » est dans le dossier des données de Teleavis ({data}). "
            "Une sauvegarde gardée là se perd avec elles (disque en panne, ordinateur volé) et une restauration "
            "l'efface. Choisissez un dossier sur un autre disque (clé USB, disque externe, partage réseau). Rien "
            "n'a été enregistré.",
            "en": "Value refused for “{key}”: “{path}” is inside Teleavis's data folder ({data}). A backup kept "
            "there is lost with the data (a failed disk, a stolen computer) and a restore erases it. Choose a "
            "folder on another drive (USB stick, external disk, network share). Nothing was saved.",
        },
        "config.camera_resolution": {
            "fr": "Valeur refusée pour « {key} » : « {value} ». Donnez une taille LARGEURxHAUTEUR d'au moins 800x600 "
            '(par exemple 1920x1080 ; une photo plus petite ne peut pas être envoyée), ou "" pour la meilleure '
            "que la caméra offre. Rien n'a été enregistré.",
            "en": "Value refused for “{key}”: “{value}”. Give a size WIDTHxHEIGHT of at least 800x600 (for instance "
            '1920x1080; a smaller photo cannot be sent), or "" for the best the camera offers. Nothing was saved.',
        },
        "config.secret_argument": {
            "fr": "« {key} » est un secret : il ne se donne pas sur la ligne de commande, où les autres "
            "utilisateurs de la machine (liste des processus) et l'historique du terminal le verraient. "
            "Rien n'a été enregistré. Tapez « teleavis config set {key} - » puis le secret (il ne "
            "s'affiche pas), ou envoyez-le sur l'entrée standard depuis un fichier protégé : "
            "« teleavis config set {key} - < fichier ».",
            "en": "“{key}” is a secret: it does not go on the command line, where the machine's other users "
            "(the process list) and the shell history would see it. Nothing was saved. Type "
            "“teleavis config set {key} -” then the secret (it is not shown), or send it on standard "
            "input from a protected file: “teleavis config set {key} - < file”.",
        },
    }
)


def _secret_value(key: str, text: str) -> bool:
    """Whether ``text`` for ``key`` is a secret: a secret setting's value, or a proxy with a user name or a
    password (with or without its scheme: ``user:password@proxy:3128`` too)."""
    if not text:
        return False
    return key in SECRET_KEYS or (key == "proxy" and proxy_has_userinfo(text))


def _check_range(key: str, value: Any, typed: str) -> None:
    """``UsageError`` when ``value`` is a number ``key`` cannot work with (``app.setting_checks.RANGES``),
    quoting it as ``typed`` (« 0 », not the « 0.0 » it was read as)."""
    if in_range(key, value):
        return
    low, high, off = RANGES[key]
    words = M.tr("config.zero_off") if off else ""
    if high is None:
        raise UsageError(M.tr("config.from", key=key, value=typed, low=low, off=words))
    raise UsageError(M.tr("config.between", key=key, value=typed, low=low, high=high, off=words))


_CA_WORDS = {
    CaProblem.MISSING: "config.ca_missing",
    CaProblem.NOT_FILE: "config.ca_not_file",
    CaProblem.UNREADABLE: "config.ca_unreadable",
    CaProblem.NOT_PEM: "config.ca_not_pem",
}


def _checked_ca_bundle(text: str) -> str:
    """The CA bundle's path made absolute, once it is a readable file of PEM certificates, else
    ``UsageError`` saying why (``app.setting_checks.ca_bundle_problem``)."""
    shown, problem = ca_bundle_problem(text)
    if problem is not None:
        raise UsageError(M.tr(_CA_WORDS[problem], path=shown))
    return shown


def register(sub: Any) -> None:
    init = sub.add_parser("init", help=M.tr("init.help"))
    init.add_argument("--site", required=True, type=Path, help="site.json")
    init.set_defaults(handler=run_init)
    config = sub.add_parser("config", help=M.tr("config.help"))
    csub = config.add_subparsers(dest="action", required=True)
    get = csub.add_parser("get", help=M.tr("config.get_help"))
    get.add_argument("key", help=", ".join(sorted(SETTINGS)))
    get.set_defaults(handler=run_get)
    put = csub.add_parser("set", help=M.tr("config.set_help"))
    put.add_argument("key", help=", ".join(sorted(SETTINGS)))
    put.add_argument("value", help=M.tr("config.value_help", secrets=", ".join(SECRET_KEYS)))
    put.set_defaults(handler=run_set)


def _numbers(requester: Requester, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """The numbers of ``kinds`` (« RPPS », « ADELI », « FINESS », « SIRET », « SIREN ») the site has."""
    return [(kind, number) for kind in kinds if (number := getattr(requester, kind.lower()))]


def run_init(args: argparse.Namespace) -> int:
    requester = parse_site(read_json_file(args.site))
    with open_store() as store:
        saved = save_site(store, requester)
    if saved:
        name = " ".join([*requester.given, requester.family])
        # The numbers the site was saved with: the RPPS or the ADELI, the FINESS or the SIRET or SIREN (a nurse
        # under ADELI in a health centre read « (FINESS ) … (RPPS ) »).
        professional = ", ".join(f"{kind} {number}" for kind, number in _numbers(requester, ("RPPS", "ADELI")))
        structure = ", ".join(f"{kind} {number}" for kind, number in _numbers(requester, ("FINESS", "SIRET", "SIREN")))
        say(M.tr("init.done", org=requester.organization, structure=structure, name=name, professional=professional))
    else:
        say(M.tr("init.same"))
    warning = shared_system_warning(requester.patient_id_system, requester.structure_number)
    if warning:
        say(warning)
    return 0


def run_get(args: argparse.Namespace) -> int:
    with open_store() as store:
        value = store.settings.get(args.key)
        if args.key == "proxy" and value:
            print(redact_proxy(str(value)))
            return 0
        if store.settings.is_secret(args.key) and value:
            say(M.tr("config.hidden"))
            return 0
    if isinstance(value, dict | list):
        emit_json(value)
    else:
        print("" if value is None else (json.dumps(value) if isinstance(value, bool) else value))
    if value is None or value == "":
        # (An empty line alone could not be told from a failed command; stdout stays what a script reads.)
        say(M.tr("config.unset", key=args.key))
    return 0


def run_set(args: argparse.Namespace) -> int:
    from sync.training import training_mode, where_cases_go_changed

    if args.value == STDIN:
        text = read_secret(M.tr("config.ask", key=args.key)).strip()
        if not text:
            # Found in review: an empty or missing file, a pipe whose command failed, cleared the token
            # silently (the next sync asked to sign in). Clearing is an empty argument, said so.
            raise UsageError(M.tr("config.nothing_read", key=args.key))
    elif _secret_value(args.key, args.value):
        raise UsageError(M.tr("config.secret_argument", key=args.key))
    else:
        text = args.value
    value = parse(args.key, text)
    _check_range(args.key, value, text.strip())
    if args.key in SECURE_URL_SETTINGS or args.key in SECURE_URL_CONFIG_ONLY:
        check_secure_url(args.key, str(value), usage=True)
    if args.key == "proxy":
        check_proxy(str(value), usage=True)
    if args.key == "camera.resolution" and not camera_resolution_ok(str(value)):
        raise UsageError(M.tr("config.camera_resolution", key=args.key, value=text.strip()))
    if args.key == "platform.ca_bundle" and value:
        value = _checked_ca_bundle(str(value))
    absent = ""
    read_only = False
    if args.key in FOLDERS and value:
        value = whole_path(str(value))  # one not there now may be a drive to plug in: said, not refused
        if args.key == "backup.folder" and inside_folder(Path(value), data_dir()):
            raise UsageError(M.tr("config.backup_inside", key=args.key, path=value, data=str(data_dir())))
        absent = "" if Path(value).is_dir() else value
        # One there but not writable (a locked stick, a read-only share): no backup is made there either, said.
        read_only = args.key == "backup.folder" and not absent and not os.access(value, os.W_OK)
    mount = None
    if args.key == "backup.folder" and value:
        from app.backup import mount_record

        mount = mount_record(str(value))  # (looked at before the data is written to, never inside a transaction)
    with open_store() as store:
        was_training = training_mode(store)
        # A secret kept for the old address's host is never sent to the new one (found from outside: the
        # token went to whichever platform.url was set after it): forgotten with the change.
        forgotten = secrets_left_behind(store.settings.get, {args.key: value})
        with transaction(store.conn) as conn:
            store.settings.set(args.key, value, in_transaction=True)
            if args.key == "backup.folder":  # chosen (again): the drive it is on now, not a retired one's
                from app.backup import keep_mount

                keep_mount(store.settings, mount, in_transaction=True)
            for key in forgotten:
                store.settings.set(key, "", in_transaction=True)
            audit.append(conn, store.key, "settings", detail=args.key)
        held, erased = where_cases_go_changed(store, was_training)  # queued in training: never to the real one
        if held:
            say(
                M.tr_count(
                    "config.training_held", len(held), n=len(held), ids=", ".join(case_id[:8] for case_id in held)
                )
            )
        nowhere = not training_mode(store) and not store.settings.get("platform.url")
        if erased:
            say(M.tr("config.training_off_no_platform" if nowhere else "config.training_erased"))
        elif nowhere and args.key in ("training", "platform.url"):
            say(M.tr("config.no_platform"))
    say(M.tr("config.saved", key=args.key))
    if args.key.startswith("sandbox."):
        say(M.tr("config.sandbox_next_start"))
    named = [key for key in forgotten if key in SECRET_KEYS]
    if named:
        say(M.tr("config.secrets_forgotten", keys=", ".join(named), first=named[0]))
    if any(key.startswith("state.psc.") for key in forgotten):
        say(M.tr("config.psc_forgotten"))
    if absent:
        say(M.tr("config.folder_absent", key=args.key, path=absent))
    elif read_only:
        say(M.tr("config.folder_read_only", key=args.key, path=str(value)))
    return 0
