"""``sync``, ``case cancel`` and ``sandbox``: the platform link from the command line (docs/cli.md).

The same engine as the window's: ``sync`` runs the outbox and the polling until there is nothing
left to do now (``--once``) or until stopped; with no platform configured it runs against the
built-in sandbox on loopback (training mode).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from app import messages as M
from app.commands.common import STDIN, emit_json, open_store, read_secret, say
from app.commands.usage import port, seconds
from app.errors import StorageError, TeleavisError, UsageError
from app.fsutil import os_reason
from app.i18n import language, moment_words
from app.model import CaseState, iso, utc_now
from app.outbox import STEP_TRANSACTION, Outbox

if TYPE_CHECKING:
    from app.store import Store
    from sync.engine import Engine, SyncSummary

log = logging.getLogger(__name__)
#: How long ``sync`` waits on a full disk before it tries again.
FULL_DISK_PAUSE_S = 30.0

M.add(
    {
        "sync.help": {
            "fr": "envoie les dossiers en attente et relève les réponses",
            "en": "sends the queued cases and fetches the answers",
        },
        "sync.summary": {
            "fr": "Envoyés : {sent} — réponses reçues : {answered} — en attente : {waiting} — à corriger : {attention} "
            "— questions de l'expert à répondre : {asked}",
            "en": "Sent: {sent} — answered: {answered} — waiting: {waiting} — needing attention: {attention} "
            "— expert's questions to reply to: {asked}",
        },
        "cancel.taken_back": {
            "fr": "Dossier {id} retiré de la file d'envoi : il n'est pas parti, il redevient un brouillon.",
            "en": "Case {id} taken back from the queue: it has not left, it is a draft again.",
        },
        "sync.unreachable": {
            "fr": "Plateforme injoignable pour l'instant ({reason}). Rien n'est perdu : les dossiers et les "
            "réponses attendent, et partiront à une prochaine synchronisation.",
            "en": "The platform cannot be reached for now ({reason}). Nothing is lost: the cases and replies wait, "
            "and will leave at a later synchronisation.",
        },
        "cancel.unreachable": {
            "fr": "La plateforme ne répond pas (pas de réseau, ou occupée) : l'annulation n'a pas pu être demandée, "
            "rien n'a changé. Réessayez quand elle répond.",
            "en": "The platform does not answer (no network, or busy): the cancellation could not be asked, nothing "
            "changed. Try again when it answers.",
        },
        "sync.why.unreachable": {
            "fr": "pas de réseau, ou adresse introuvable",
            "en": "no network, or address not found",
        },
        "sync.why.timeout": {"fr": "pas de réponse à temps", "en": "no answer in time"},
        "sync.portal": {
            "fr": "Une page web répond à la place de la plateforme (portail de connexion d'un Wi-Fi invité, ou "
            "proxy) : les dossiers attendent, rien n'est perdu. Ouvrez un navigateur et acceptez la page de "
            "connexion au réseau, puis relancez la synchronisation ; sinon, prévenez le support informatique.",
            "en": "A web page answers in the platform's place (a guest Wi-Fi's sign-in portal, or a proxy): the "
            "cases wait, nothing is lost. Open a browser and accept the network sign-in page, then synchronise "
            "again; otherwise, call IT support.",
        },
        "sync.full_waiting": {
            "fr": "La synchronisation attend : elle reprendra d'elle-même dès que de la place aura été libérée "
            "(nouvel essai toutes les {n} secondes).",
            "en": "The sync is waiting: it will go on by itself as soon as space is freed (tried again every {n} "
            "seconds).",
        },
        "sync.tls_refused": {
            "fr": "Le certificat de la plateforme est refusé : rien ne partira tant que ce n'est pas réglé. Ne "
            "forcez pas la connexion : vérifiez avec le support l'adresse (platform.url), le certificat "
            "(platform.ca_bundle) et l'heure de cet ordinateur (« teleavis doctor » les vérifie). Rien n'est "
            "perdu : les dossiers et les réponses attendent sur ce poste.",
            "en": "The platform's certificate is refused: nothing will leave until this is solved. Do not force "
            "the connection: check with support the address (platform.url), the certificate (platform.ca_bundle) "
            "and this computer's clock (“teleavis doctor” checks them). Nothing is lost: the cases and replies "
            "wait on this computer.",
        },
        "sync.training": {
            "fr": "Mode formation : plateforme simulée sur cette machine ({url}).",
            "en": "Training mode: simulated platform on this machine ({url}).",
        },
        # Said at every sync, under cron into the journal or a mail: never the platform's words (they may
        # name the patient); ``case show`` gives them to who asks.
        "sync.attention": {
            "fr": "Dossier {id} à corriger : son envoi est bloqué, il n'est pas parti. Pour voir pourquoi : "
            "teleavis case show {short}",
            "en": "Case {id} needs attention: its sending is held, it has not left. To see why: "
            "teleavis case show {short}",
        },
        # A case whose transaction was being posted when its process died (a power cut, kill -9): held on purpose
        # until the platform has surely recorded it if it got it, then looked up there before anything goes again.
        "sync.cut": {
            "fr": "Dossier {id} en attente : son envoi a été coupé au moment où il partait (arrêt, coupure de "
            "courant ou de réseau) ; la plateforme l'a peut-être reçu. Il y sera vérifié puis repris de lui-même "
            "après {time} : rien ne partira deux fois. Relancez « teleavis sync » après cette heure, ou laissez "
            "faire la fenêtre Teleavis.",
            "en": "Case {id} waiting: its sending was cut off just as it was leaving (a shutdown, a power or network "
            "cut); the platform may have received it. It will be looked up there, then resumed by itself after "
            "{time}: nothing will leave twice. Run “teleavis sync” again after that time, or let the Teleavis "
            "window do it.",
        },
        # Never the platform's words either: they name the patient's INS or file number.
        "sync.held": {
            "fr": "Dossier {id} en attente : la plateforme ne peut pas l'enregistrer pour l'instant, il n'est pas "
            "parti (nouvel essai automatique). Pour voir pourquoi : teleavis case show {short}",
            "en": "Case {id} waiting: the platform cannot record it for now, it has not left (retried "
            "automatically). To see why: teleavis case show {short}",
        },
        "cancel.help": {
            "fr": "demande l'annulation d'un dossier à la plateforme (tant que l'expert ne l'a pas pris), ou "
            "retient un dossier pas encore parti",
            "en": "asks the platform to cancel a case (while the expert has not taken it), or holds back a case "
            "not sent yet",
        },
        "sync.once_help": {
            "fr": "un seul passage : rend la main quand il n'y a plus rien à faire maintenant",
            "en": "one pass: returns when nothing more can be done now",
        },
        "sync.timeout_help": {"fr": "s'arrête au bout de S secondes", "en": "stops after S seconds"},
        "sync.json_help": {
            "fr": "le bilan en JSON (sent, answered, waiting, needs_attention, on_hold, replies_sent)",
            "en": "the summary as JSON (sent, answered, waiting, needs_attention, on_hold, replies_sent)",
        },
        "sandbox.port_help": {"fr": "port (0 : un port libre)", "en": "port (0: any free port)"},
        "sandbox.after_help": {
            "fr": "l'expert simulé répond au bout de S secondes",
            "en": "the simulated expert answers after S seconds",
        },
        "sandbox.help": {
            "fr": "sert la plateforme simulée (formation, essais), en mémoire : rien n'est écrit",
            "en": "serves the simulated platform (training, tests), in memory: nothing is written",
        },
        "sandbox.host_help": {
            "fr": "adresse d'écoute (boucle locale par défaut ; toute autre exige --token)",
            "en": "address to listen on (loopback by default; any other needs --token)",
        },
        "sandbox.token_help": {
            "fr": "exiger ce jeton Bearer ; « - » le lit sur l'entrée standard (recommandé : "
            "une valeur tapée ici se voit dans la liste des processus)",
            "en": "require this bearer token; “-” reads it from standard input (recommended: "
            "a value typed here shows in the process list)",
        },
        "sandbox.port_taken": {
            "fr": "Le port {port} est déjà pris par un autre programme (un autre bac à sable ?). Arrêtez-le, ou "
            "choisissez un autre port : --port 0 en prend un libre et l'affiche.",
            "en": "Port {port} is already taken by another program (another sandbox?). Stop it, or choose "
            "another port: --port 0 takes a free one and prints it.",
        },
        "sandbox.cannot_listen": {
            "fr": "Impossible d'écouter sur {host}, port {port} : {reason}. Vérifiez --host (une adresse de "
            "cette machine) et --port.",
            "en": "Cannot listen on {host}, port {port}: {reason}. Check --host (an address of this machine) "
            "and --port.",
        },
        "sandbox.token_prompt": {"fr": "Jeton du bac à sable : ", "en": "Sandbox token: "},
        "sandbox.exposed": {
            "fr": "Refusé : {host} n'est pas une adresse de boucle locale, et sans jeton n'importe quelle machine "
            "du réseau pourrait lire et envoyer des dossiers. Donnez --token - (jeton lu sur l'entrée "
            "standard), ou écoutez sur 127.0.0.1.",
            "en": "Refused: {host} is not a loopback address, and without a token any machine on the network "
            "could read and send cases. Give --token - (token read from standard input), or listen on "
            "127.0.0.1.",
        },
    }
)


def register(sub: Any) -> None:
    sync = sub.add_parser("sync", help=M.tr("sync.help"))
    sync.add_argument("--once", action="store_true", help=M.tr("sync.once_help"))
    sync.add_argument("--timeout", type=seconds, default=None, metavar="S", help=M.tr("sync.timeout_help"))
    sync.add_argument("--json", action="store_true", help=M.tr("sync.json_help"))
    sync.set_defaults(handler=run_sync)
    case_actions = _subcommands(sub.choices["case"])
    cancel = case_actions.add_parser("cancel", help=M.tr("cancel.help"), description=M.tr("cancel.help"))
    cancel.add_argument("id", help=M.tr("cli.id_help"))
    cancel.set_defaults(handler=run_cancel)
    sandbox = sub.add_parser("sandbox", help=M.tr("sandbox.help"))
    sandbox.add_argument("--host", default="127.0.0.1", help=M.tr("sandbox.host_help"))
    sandbox.add_argument("--port", type=port, default=8765, help=M.tr("sandbox.port_help"))
    sandbox.add_argument("--answer-after", type=seconds, default=30.0, metavar="S", help=M.tr("sandbox.after_help"))
    sandbox.add_argument("--token", default=None, metavar="TOKEN", help=M.tr("sandbox.token_help"))
    sandbox.set_defaults(handler=run_sandbox)


def _subcommands(parser: argparse.ArgumentParser) -> Any:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise LookupError("the case command has no sub-commands")


@contextlib.contextmanager
def _client(store: Any, stop: threading.Event | None = None) -> Iterator[Any]:
    """The platform's client; in training mode, the training platform this command starts is stopped when
    it is done. Found from outside: ``sync --once`` in training mode, its photos' upload cut by a full
    disk, said so and then never ended (Python waiting at exit for the training platform's thread still
    reading the connection the cut upload left open)."""
    from sync.client import PlatformClient
    from sync.training import ensure_sandbox, sandbox_running, stop_sandbox, training_mode

    started_here = not sandbox_running(store)
    url = ensure_sandbox(store)
    try:
        if training_mode(store):
            say(M.tr("sync.training", url=url))
        with PlatformClient.from_store(store, base_url=url, stop=stop) as client:
            yield client
    finally:
        if started_here:
            stop_sandbox(store)


def _unreachable(client: Any, timeout: float | None) -> str:
    """Why the platform cannot be reached now (``unreachable``: no connection, no name; ``timeout``;
    ``tls``: its certificate refused; ``portal``: a web page answers instead, the pass tried all the same), asked
    twice a second apart (once when ``timeout`` leaves no room); empty when it answers, even refusing
    or slowly (the pass then tries with its own time: a first CapabilityStatement can take long)."""
    from sync.client import Stopped, probe_metadata

    tries = 2 if timeout is None or timeout > 3.0 else 1
    for attempt in range(tries):
        try:
            if attempt:
                client.wait(1.0)
        except Stopped:  # a SIGTERM: the pass, stopped too, ends at once
            return ""
        probe = probe_metadata(client)
        slow = probe.outcome == "timeout" and "read" in probe.reason.lower()  # it answers, slowly
        if probe.outcome == "not_fhir" and probe.words == M.tr("net.not_fhir"):
            return "portal"  # a web page answers in the platform's place: the pass is tried all the same
        if probe.outcome not in ("unreachable", "tls", "timeout") or slow:
            return ""
    log.info("platform not reached: %s", probe.reason or probe.words)  # the system's words, for support
    return str(probe.outcome)


def run_sync(args: argparse.Namespace) -> int:
    from sync.engine import Engine, SyncSummary
    from sync.progress import PrintingListener

    stop = threading.Event()
    previous = None
    code = 0
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda _n, _f: stop.set())
    try:
        with open_store() as store, _client(store, stop) as client:
            engine = Engine(store, client, PrintingListener(reduced=lambda case_id: reduced_chosen(store, case_id)))
            if args.once:
                unreachable = _unreachable(client, args.timeout)
                if unreachable == "tls":
                    # Not a moment's: found from outside, « injoignable pour l'instant » and OpenSSL's words
                    # promised the cases would leave by themselves; and exit 0 told a timer all was well.
                    say(M.tr("sync.tls_refused"))
                    summary = SyncSummary()
                    code = 1
                elif unreachable and unreachable != "portal":
                    # Nothing can be done now: each case would wait out its retries (minutes each) first.
                    say(M.tr("sync.unreachable", reason=M.tr(f"sync.why.{unreachable}")))
                    summary = SyncSummary()
                else:
                    summary = engine.run_once(timeout=args.timeout)
                    if unreachable == "portal" and not summary.sent and engine.outbox.pending():
                        say(M.tr("sync.portal"))
            else:
                summary = sync_until_stopped(engine, stop, args.timeout)
            pending = engine.outbox.pending()
            waiting = [row.case_id for row in pending]
            held = engine.outbox.held_by_platform()
            now = iso(utc_now())
            # (one the platform answered 409/412 for waits too, its transaction posted: said by sync.held)
            # (one queued for the other platform, training or real, waits for it: not resumed by itself)
            cut = [
                row
                for row in engine.outbox.pending(here=True)
                if row.step == STEP_TRANSACTION
                and row.next_attempt_at > now
                and row.case_id not in held
                and store.state(row.case_id) == CaseState.SENDING
            ]
            attention = [c.id for c in store.list_cases(states=[CaseState.NEEDS_ATTENTION.value])]
            asked = [c.id for c in store.list_cases(states=[CaseState.ON_HOLD.value])]
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if args.json:
        emit_json(
            {
                "sent": summary.sent,
                "answered": summary.answered,
                "waiting": waiting,
                "needs_attention": attention,
                "on_hold": asked,
                "replies_sent": summary.replies_sent,
            }
        )
    else:
        print(
            M.tr(
                "sync.summary",
                sent=len(summary.sent),
                answered=len(summary.answered),
                asked=len(asked),
                waiting=len(waiting),
                attention=len(attention),
            )
        )
        for case_id in attention:
            say(M.tr("sync.attention", id=case_id, short=case_id[:8]))
        for case_id in held:
            say(M.tr("sync.held", id=case_id, short=case_id[:8]))
        for row in cut:
            say(M.tr("sync.cut", id=row.case_id, time=moment_words(row.next_attempt_at, language())))
    if summary.audit_rewound is not None:
        say(M.tr("audit.rewound_notice", seq=summary.audit_rewound))
    return code


def reduced_chosen(store: Store, case_id: str) -> bool:
    """Whether the photos of this case, being sent, go as reduced copies (the slow-link line says so)."""
    if store.state(case_id) not in (CaseState.QUEUED, CaseState.SENDING):
        return False  # (a reply's photos: their own choice)
    row = Outbox(store).row(case_id)
    return row is not None and row.reduced


def sync_until_stopped(
    engine: Engine,
    stop: threading.Event,
    timeout: float | None,
    *,
    pause_s: float = FULL_DISK_PAUSE_S,
    tell: Callable[[str], None] = say,
) -> SyncSummary:
    """``sync`` without ``--once``: the engine's loop until stopped (or ``timeout``). A full disk pauses it
    instead of ending it (noticed in review: run as a service, it stopped, and nothing left until someone
    started it again): said once on stderr, tried again every ``pause_s`` until space is freed."""
    from sync.engine import SyncSummary, stopped_by_a_full_disk

    total = SyncSummary()
    deadline = None if timeout is None else time.monotonic() + timeout
    said = ""
    while not stop.is_set():
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            break
        try:
            total.merge(engine.run_forever(stop, left))
            break
        except StorageError as exc:
            if not stopped_by_a_full_disk(exc):
                raise
            if exc.message != said:
                said = exc.message
                tell(exc.message)
                tell(M.tr("sync.full_waiting", n=f"{pause_s:g}"))
            stop.wait(pause_s if deadline is None else min(pause_s, max(0.0, deadline - time.monotonic())))
    return total


def run_cancel(args: argparse.Namespace) -> int:
    from app.outbox import Outbox
    from sync.follow import cancel

    with open_store() as store:
        case_id = store.resolve_id(args.id)
        if store.state(case_id) in (CaseState.QUEUED, CaseState.SENDING):
            # Not on the platform yet: held back here, before it leaves (or said why it cannot be).
            Outbox(store).withdraw(case_id)
            say(M.tr("cancel.taken_back", id=case_id))
            return 0
        if not store.platform_info(case_id)["task_id"]:
            # Never on the platform: refused here, as ``cancel`` would, before any platform is started or asked
            # (found by a newcomer: in training mode, the training platform started and said its address first).
            from app.deletion import deletable

            raise TeleavisError(M.tr("cancel.draft" if deletable(store.conn, case_id) else "cancel.not_sent"))
        from sync.client import TransientFault, fault_for_log

        with _client(store) as client:
            try:
                cancel(store, client, case_id)
            except TransientFault as fault:
                # Found from outside: no network said « Erreur interne inattendue ». Exit 1, as any failure.
                # Its kind and status only: a conflict's words quote the platform's, which may name the patient.
                log.info("cancel not asked: %s", fault_for_log(fault))
                raise TeleavisError(M.tr("cancel.unreachable")) from fault
    say(M.tr("cancel.done", id=case_id))
    return 0


def run_sandbox(args: argparse.Namespace) -> int:
    from sync.sandbox import serve
    from sync.sandbox.cli import exposed_without_token

    token = args.token
    if args.token == STDIN:
        token = read_secret(M.tr("sandbox.token_prompt")).strip()
    if exposed_without_token(args.host, token or None):
        raise UsageError(M.tr("sandbox.exposed", host=args.host))
    try:
        serve(args.host, args.port, args.answer_after, token=token or None)
    except OSError as exc:  # the port taken, a host not of this machine: said in the user's words
        if exc.errno == errno.EADDRINUSE:
            raise TeleavisError(M.tr("sandbox.port_taken", port=args.port)) from exc
        raise TeleavisError(
            M.tr("sandbox.cannot_listen", host=args.host, port=args.port, reason=os_reason(exc))
        ) from exc
    return 0
