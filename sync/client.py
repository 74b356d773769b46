"""The HTTP client of the platform (docs/platform-api.md §1): one session, typed faults, retries.

Every call is one attempt that ends in a FHIR answer or a typed fault:

- ``TransientFault``: the network, a busy server (408/425/429/5xx), a conflict (409/412), or an answer
  that is not FHIR (an HTML page from a captive portal, a truncated body). Retried with exponential
  backoff and jitter, capped, with no limit on the count; ``Retry-After`` is honoured.
  ``outcome_unknown`` says the request may have reached the platform.
- ``PermanentFault``: a 4xx other than 401/408/409/412/425/429, with the OperationOutcome's
  diagnostics in words; the case waits for the user and nothing is deleted.
- ``SignInRequired``: 401, and again 401 after one token refresh; ``PlatformMoved``: 301/308, the
  platform moved for good (never followed: the token would go there).
- A redirect under the platform's base, or to its base in https on the same host, is followed (``request``,
  at most ``MAX_REDIRECTS``): to the same address written otherwise (a slash, https) whatever its status;
  to another address, a 302 of a GET, a 303 (read with GET) or a 307 (the same method and body), never a
  301/308 (that resource is now another), nor a 301/302 after a POST or PUT (RFC 9110 §15.4: said, outcome
  unknown). Off the base it is never followed: a ``TransientFault`` of kind ``redirects`` says where it leads.

``retrying`` wraps a call in the retry loop; it gives up (re-raising the last transient fault)
when a time budget is spent, so that a caller serving several cases can move on, and raises
``Stopped`` as soon as the stop event is set.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

import requests
import requests.adapters
import urllib3

from app import clock
from app import messages as M
from app.errors import TeleavisError
from app.i18n import language
from app.urls import ambiguous_url, check_secure_url, is_secure_url, session_proxies
from sync.auth import RefreshUnavailable, SignInRequired, StaticToken, TokenSource, token_source_from_settings
from sync.mapping import location_id
from sync.ports import ConfiguredStore
from sync.training import sandbox_token

log = logging.getLogger(__name__)
T = TypeVar("T")
FHIR_JSON = "application/fhir+json"
#: What a FHIR server names its JSON with (R4, and the plain type some use).
FHIR_JSON_TYPES = frozenset({FHIR_JSON, "application/json", "application/json+fhir"})
#: The CapabilityStatement extension offering resumable uploads; its valueUrl is the tus endpoint.
RESUMABLE_UPLOAD = "urn:teleavis:resumable-upload"
TUS_HEADERS = {"Tus-Resumable": "1.0.0"}
#: A tus creation answered so is refused, whatever its body (a tus server's words are plain text, never an
#: OperationOutcome): 412 is tus's « this version is not supported », 501 an extension not offered.
TUS_REFUSED = frozenset({400, 403, 404, 405, 410, 412, 415, 422, 501})
_UNKNOWN = object()

M.add(
    {
        "net.offline": {
            "fr": "Plateforme injoignable (réseau) : nouvel essai automatique.",
            "en": "Platform out of reach (network): retrying automatically.",
        },
        "net.timeout": {
            "fr": "La plateforme ne répond pas à temps : nouvel essai automatique.",
            "en": "The platform does not answer in time: retrying automatically.",
        },
        "net.busy": {
            "fr": "La plateforme est occupée ({status}) : nouvel essai automatique.",
            "en": "The platform is busy ({status}): retrying automatically.",
        },
        # A 409/412 on any request but those below: Teleavis's words before the advice was added.
        "net.conflict_plain": {
            "fr": "La plateforme n'a pas pu enregistrer le dossier ({status}) : {diagnostics} "
            "Nouvel essai automatique, de plus en plus espacé.",
            "en": "The platform could not record the case ({status}): {diagnostics} Retrying automatically, "
            "less and less often.",
        },
        # An image's upload (POST Binary, tus): nothing of the patients' records is at stake.
        "net.conflict_image": {
            "fr": "La plateforme a refusé d'enregistrer une image pour l'instant ({status}) : {diagnostics} "
            "Nouvel essai automatique, de plus en plus espacé.",
            "en": "The platform refused to store an image for now ({status}): {diagnostics} It will be tried "
            "again automatically, less and less often.",
        },
        # The case's transaction: a conditional create matching several Patients is the usual cause.
        "net.conflict": {
            "fr": "La plateforme n'a pas pu enregistrer le dossier ({status}) : {diagnostics} "
            "Nouvel essai automatique, de plus en plus espacé. Si cela dure, les administrateurs de la "
            "plateforme devront peut-être fusionner des fiches en double (plusieurs patients sous le même "
            "INS ou n° de dossier) : signalez-le-leur.",
            "en": "The platform could not record the case ({status}): {diagnostics} Retrying automatically, "
            "less and less often. If this goes on, the platform's administrators may need to merge duplicate "
            "records (several patients under the same INS or file number): tell them.",
        },
        "net.not_fhir": {
            "fr": "Réponse illisible (portail d'accès, proxy ou coupure) : nouvel essai automatique.",
            "en": "Unreadable answer (access portal, proxy or cut): retrying automatically.",
        },
        "net.cut": {
            "fr": "La réponse de la plateforme a été coupée en route (réseau instable) : nouvel essai automatique.",
            "en": "The platform's answer was cut on its way (unstable network): retrying automatically.",
        },
        "net.redirects": {
            "fr": "La plateforme renvoie sans fin d'une adresse à une autre (redirections en boucle) : nouvel "
            "essai automatique. Si cela dure, signalez-le au support de la plateforme.",
            "en": "The platform keeps sending Teleavis from one address to another (a redirect loop): retrying "
            "automatically. If this goes on, tell the platform's support.",
        },
        "net.redirected_elsewhere": {
            "fr": "La plateforme renvoie Teleavis vers une autre adresse ({host}) : Teleavis n'y va pas (l'accès "
            "au compte n'est envoyé qu'à la plateforme). Nouvel essai automatique ; si cela dure, vérifiez "
            "l'adresse de la plateforme (réglage platform.url) avec son support.",
            "en": "The platform sends Teleavis to another address ({host}): Teleavis does not go there (the "
            "account's access is sent to the platform only). Retrying automatically; if this goes on, check the "
            "platform's address (setting platform.url) with its support.",
        },
        "net.redirected_send": {
            "fr": "La plateforme a répondu à l'envoi par une redirection {status} vers une autre adresse, sans "
            "dire s'il a été enregistré : il n'est pas renvoyé à l'aveugle. Teleavis vérifie auprès de la "
            "plateforme avant tout nouvel essai, automatique ; si cela dure, signalez-le à son support.",
            "en": "The platform answered the sending with a redirection {status} to another address, without "
            "saying whether it was recorded: it is not sent again blindly. Teleavis checks with the platform "
            "before any new attempt, automatic; if this goes on, tell its support.",
        },
        "net.tls": {
            "fr": "Le certificat de la plateforme n'est pas reconnu : vérifiez l'adresse et le "
            "certificat (réglage platform.ca_bundle) avec le support.",
            "en": "The platform's certificate is not trusted: check the address and the certificate "
            "(setting platform.ca_bundle) with support.",
        },
        "net.ca_missing": {
            "fr": "Le fichier de certificats « {path} » (réglage platform.ca_bundle) est introuvable "
            "ou illisible : rien n'a été envoyé. Corrigez le réglage avec le support.",
            "en": "The certificate file “{path}” (setting platform.ca_bundle) is missing or "
            "unreadable: nothing was sent. Fix the setting with support.",
        },
        "net.refused": {
            "fr": "La plateforme refuse le dossier ({status}) : {diagnostics}",
            "en": "The platform refuses the case ({status}): {diagnostics}",
        },
        "net.answer_too_large": {
            "fr": "La plateforme envoie une réponse de plus de {mb} Mo : elle n'est pas téléchargée.",
            "en": "The platform sends an answer of more than {mb} MB: it is not downloaded.",
        },
        "net.too_large": {
            "fr": "La plateforme refuse une image trop volumineuse : retirez-la ou reprenez-la "
            "en plus petit, puis renvoyez le dossier.",
            "en": "The platform refuses an image as too large: remove it or retake it smaller, "
            "then send the case again.",
        },
        "net.moved": {
            "fr": "La plateforme a changé d'adresse (nouvelle adresse : {url}) : mettez à jour le réglage de la "
            "plateforme (platform.url).",
            "en": "The platform has moved (new address: {url}): update the platform's setting (platform.url).",
        },
        "net.no_words": {"fr": "aucun détail donné", "en": "no detail given"},
        "net.more_issues": {
            "fr": "et {n} autres erreurs signalées par la plateforme",
            "en": "and {n} more errors reported by the platform",
        },
        "net.more_issues.one": {
            "fr": "et 1 autre erreur signalée par la plateforme",
            "en": "and 1 more error reported by the platform",
        },
        "net.refused_kind": {
            "fr": "La plateforme refuse le dossier ({status}).",
            "en": "The platform refuses the case ({status}).",
        },
        "net.conflict_kind": {
            "fr": "La plateforme n'a pas pu enregistrer le dossier ({status}) : nouvel essai automatique.",
            "en": "The platform could not record the case ({status}): retrying automatically.",
        },
        "net.not_configured": {
            "fr": "Aucune plateforme configurée (réglage platform.url).",
            "en": "No platform configured (setting platform.url).",
        },
    }
)


class TransientFault(Exception):
    """A fault that goes away by itself: retry later (``retry_after`` seconds when the server said).

    ``kind`` says which: ``offline`` (no answer), ``timeout``, ``tls`` (the certificate was refused),
    ``not_fhir`` (something else than the platform answered), ``cut`` (its answer cut while it came),
    ``redirects`` (redirected without end, or to where the token may not go),
    ``busy`` (the platform said to wait),
    ``conflict`` (409/412: the platform answered that it cannot record the request as it stands, e.g.
    several Patients match a conditional create; retried, as the contract asks, but never at once).
    ``diagnostics``: the platform's own words quoted in ``words`` (a 409's, a 412's), else empty."""

    def __init__(
        self,
        words: str,
        *,
        retry_after: float | None = None,
        outcome_unknown: bool = False,
        kind: str = "offline",
        status: int | None = None,
        diagnostics: str = "",
    ) -> None:
        super().__init__(words)
        self.words = words
        self.retry_after = retry_after
        self.outcome_unknown = outcome_unknown
        self.kind = kind
        self.status = status
        self.diagnostics = diagnostics


class StorageFault(TransientFault):
    """A file the platform redirected to its storage host could not be had there (a signature expired, the
    storage busy or out of reach): the platform gives a fresh address at its next read. The platform itself
    answered; the file is the only part of its answer not had."""


class PermanentFault(TeleavisError):
    """The platform refused the request for good; ``message`` holds its diagnostics in words."""

    def __init__(self, message: str, *, status: int, diagnostics: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.diagnostics = diagnostics


@contextmanager
def _conflict_words(key: str) -> Iterator[None]:
    """A 409/412 raised within says ``key``'s words, the advice fitting the request: the duplicate
    records only for the case's transaction (found in review: an image's upload answered 409 advised
    merging duplicate patients)."""
    try:
        yield
    except TransientFault as fault:
        if fault.kind == "conflict":
            fault.words = _conflict_said(key, fault.status, fault.diagnostics)
            fault.args = (fault.words,)
        raise


def _conflict_said(key: str, status: int | None, said: str) -> str:
    return M.tr(key, status=status, diagnostics=(said.rstrip(".") or M.tr("net.no_words")) + ".")


def fault_for_log(fault: BaseException) -> str:
    """What the log may say of a fault: its kind and HTTP status, never its words, which may quote the
    platform's own (a 412's diagnostics name the patient's file number; the log is in clear)."""
    kind = getattr(fault, "kind", None) or ("refused" if isinstance(fault, PermanentFault) else type(fault).__name__)
    status = getattr(fault, "status", None)
    return f"{kind}, {status}" if status else str(kind)


def fault_for_console(fault: TransientFault | PermanentFault) -> str:
    """What an unattended command's output (``sync`` under cron or a systemd timer: the journal, syslog,
    cron's mail, all in clear) may say of a fault: its kind in words, with the HTTP status, never the
    platform's diagnostics, which may name the patient (real platforms echo the name, the birth date,
    the INS). The words themselves stay on the case, for ``case show`` and the window."""
    if not fault.diagnostics:
        return fault.words if isinstance(fault, TransientFault) else fault.message  # Teleavis's own words
    key = "net.conflict_kind" if isinstance(fault, TransientFault) else "net.refused_kind"
    return M.tr(key, status=fault.status)


class BodyTooLarge(PermanentFault):
    """An answer longer than ``MAX_BODY_BYTES``: not read further (a broken proxy's endless stream, a
    compression bomb, a file no expert sends would exhaust the memory at every poll)."""


class PlatformMoved(SignInRequired):
    """The platform answered that it moved for good (301/308) to another address: as for a sign-in
    refused, the sync stops until the user changes the platform's setting; never followed, since the
    token would go to the new address (found from outside: said « unreadable answer » for ever)."""

    def __init__(self, new_base: str, status: int) -> None:
        super().__init__(M.tr("net.moved", url=new_base))
        self.new_base, self.status = new_base, status


class OffPlatform(ValueError):
    """A URL outside the platform's base: it is never requested with the platform's token."""


class TusRefused(Exception):
    """The platform's tus endpoint refused to create an upload (a 4xx other than a conflict, a size limit or
    a rate limit, or 501): tus is not usable for this image, which goes by ``POST Binary`` (the contract)."""


class Stopped(Exception):
    """The stop event was set while waiting."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter: attempt n waits about base·2ⁿ, never more than ``cap``."""

    base_s: float = 1.0
    cap_s: float = 300.0
    #: Retry-After longer than this is taken as this (a server asking for a day is wrong).
    max_retry_after_s: float = 3600.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """The wait before attempt ``attempt`` + 1: the platform's ``retry_after`` when it gives a second or more,
        else the backoff. Found from outside: a gateway answering « Retry-After: 0 » (or a date already passed)
        at every request was asked again at once, a thousand requests in four seconds."""
        if retry_after is not None and retry_after >= 1.0:
            return min(retry_after, self.max_retry_after_s)
        ceiling = min(self.cap_s, self.base_s * (2.0 ** min(attempt, 30)))
        return ceiling / 2 + random.uniform(0.0, ceiling / 2)


#: Connections to the platform not made in a row before it is said out of reach (``PlatformClient._reached``).
OUT_OF_REACH_AFTER = 2


#: How often a wait between attempts asks whether the caller has another way to go (``retrying``'s ``give_way``).
GIVE_WAY_EVERY_S = 1.0


@dataclass(frozen=True)
class ClientConfig:
    base_url: str
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    ca_bundle: str = ""
    proxy: str = ""

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout_s, self.read_timeout_s)


def header_count(value: str | None) -> int | None:
    """A header's whole number (a length, an offset), None unless ASCII digits: « ² » is a digit to
    ``isdigit`` and no number to ``int`` (found in review: an ``Upload-Offset`` so written raised out of
    the sync engine where an unreadable one is the platform's fault)."""
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), None if absent/bad."""
    if not value:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():  # (« ² » is a digit to ``isdigit``, and no number to ``float``)
        return float(text)
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or clock.utc_now())).total_seconds())


def retry_after_in(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from an answer's ``Retry-After``; an HTTP date counted from the answer's own ``Date``
    (the server's clock) when it gives one. Found from outside: counted from this computer's clock, one an
    hour ahead read every « come back in two minutes » as passed and asked again at once; one behind waited
    up to an hour."""
    said = headers.get("Retry-After")
    if not said or (said.strip().isascii() and said.strip().isdigit()):
        return parse_retry_after(said)
    try:
        server_now: datetime | None = email.utils.parsedate_to_datetime(headers.get("Date") or "")
    except (TypeError, ValueError):
        server_now = None
    if server_now is not None and server_now.tzinfo is None:
        server_now = server_now.replace(tzinfo=UTC)
    return parse_retry_after(said, server_now)


def base64_binary(text: str) -> bytes:
    """FHIR's ``base64Binary`` decoded: R4 allows whitespace between its groups (a Java server's MIME encoder
    breaks a line every 76 characters); anything else that is not base64 is refused (``binascii.Error``)."""
    return base64.b64decode("".join(text.split()), validate=True)


#: The platform's errors said of one refusal at most, each once: more are counted (``net.more_issues``).
MAX_ISSUES_SAID = 5


def diagnostics_of(document: Any) -> str:
    """The words of an OperationOutcome: its issues' diagnostics, else their details' text, else the
    details' codings (display, else code: a server may say why in codes only), joined; each with the element
    its ``expression`` names when the words do not name it already.

    Only the errors (``fatal``, ``error``) when it has some that say anything: found by an outside
    conformance pass, a validating server (HAPI's) refuses a transaction with every message of its
    validation, the warnings and notes of each resource (« dom-6: A resource should have narrative »)
    before its one error, and the reason the case was refused was lost among them."""
    if not isinstance(document, dict) or document.get("resourceType") != "OperationOutcome":
        return ""
    errors: list[str] = []
    others: list[str] = []
    for issue in document.get("issue") or []:
        if not isinstance(issue, dict):
            continue
        details: dict[str, Any] = issue["details"] if isinstance(issue.get("details"), dict) else {}
        said = [issue.get("diagnostics"), details.get("text")]
        said += [c.get("display") or c.get("code") for c in details.get("coding") or [] if isinstance(c, dict)]
        text = next((t.strip() for t in said if isinstance(t, str) and t.strip()), "")
        # Some validators name the element in ``expression`` (or R4's deprecated ``location``) alone.
        # (A list, as FHIR has it; one string is its one element, a server's slip: never read letter by letter.)
        named = issue.get("expression") or issue.get("location") or []
        named = [named] if isinstance(named, str) else named if isinstance(named, list) else []
        where = [w.strip() for w in named if isinstance(w, str) and w.strip()]
        if text and where and not any(w in text for w in where):
            text = f"{text} ({', '.join(where)})"
        if text:
            (errors if issue.get("severity") in ("fatal", "error") else others).append(text)
    # Each once, a few of them (found by a conformance pass: HAPI's validator says the same words for every
    # Media of the case, and the refusal read as one sentence dozens of times over).
    distinct = list(dict.fromkeys(errors or others))
    # Separated as the language of the sentence around them does: « ; » in French, "; " in English.
    separator = " ; " if language() == "fr" else "; "
    if len(distinct) <= MAX_ISSUES_SAID:
        return separator.join(distinct)
    more = M.tr_count("net.more_issues", len(distinct) - MAX_ISSUES_SAID, n=len(distinct) - MAX_ISSUES_SAID)
    return separator.join([*distinct[:MAX_ISSUES_SAID], more])


class ProgressBody:
    """A request body read in chunks, reporting the bytes handed to the socket."""

    def __init__(self, data: bytes | memoryview, on_bytes: Callable[[int], None] | None = None) -> None:
        self._view = memoryview(data)
        self._pos = 0
        self._on_bytes = on_bytes

    def __len__(self) -> int:
        return len(self._view)

    def read(self, size: int = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else min(len(self._view), self._pos + size)
        chunk = bytes(self._view[self._pos : end])
        self._pos = end
        if chunk and self._on_bytes is not None:
            self._on_bytes(self._pos)
        return chunk


@dataclass
class Answer:
    status: int
    headers: Mapping[str, str]
    document: Any  # parsed FHIR JSON, or None for raw answers
    content: bytes = b""


#: Pages of one search read at most; a server linking more is looping.
MAX_PAGES = 100
#: Redirects a download may take, all under the platform's base.
MAX_REDIRECTS = 3
#: Other bases a platform may name its own resources under (an internal address, http and https), the last
#: named kept: more is a server naming each resource elsewhere, not the platform's own.
MAX_NAMED_BASES = 4
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass
class SearchResult:
    """The resources a search found, and whether every page of it was read."""

    resources: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = True


def _port(parts: Any) -> int:
    return int(parts.port or (443 if parts.scheme.lower() == "https" else 80))


def _readable_ca(path: str) -> bool:
    """A CA bundle file (or a folder of certificates) that can be read; ``requests`` raises a bare
    ``OSError`` at the first request otherwise."""
    import os

    try:
        return os.path.isdir(path) or (os.path.isfile(path) and os.access(path, os.R_OK))
    except (OSError, ValueError):
        return False


#: Bytes the socket may hold ahead of the link (Linux doubles it): about a second at 256 kB/s.
SEND_BUFFER = 128 * 1024
#: The longest answer read, decompressed (five times the largest image the sandbox takes): an expert's
#: PDF or photo is far below, a search page of Tasks even more so.
MAX_BODY_BYTES = 100 * 1024 * 1024
_READ_CHUNK = 256 * 1024
#: Bytes per second below which an answer still coming after the read timeout is given up: a sixty-fourth
#: of the satellite link the benchmarks take (64 kB/s), far below any link a site works on.
MIN_BODY_RATE = 1024


class _SmallBufferAdapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        import socket

        from urllib3.connection import HTTPConnection

        kwargs["socket_options"] = [
            *HTTPConnection.default_socket_options,
            (socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER),
        ]
        super().init_poolmanager(*args, **kwargs)


class PlatformClient:
    """One ``requests.Session`` to the platform; each method is one attempt (see ``retrying``)."""

    def __init__(
        self,
        config: ClientConfig,
        tokens: TokenSource,
        *,
        policy: RetryPolicy | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        # The token and the photos go there: https, or http to this machine only (``TeleavisError``).
        check_secure_url("platform.url", config.base_url)
        self.config = config
        self.tokens = tokens
        self.policy = policy or RetryPolicy()
        self.stop = stop or threading.Event()
        self.base_url = config.base_url.rstrip("/") + "/"
        self.session = requests.Session()
        # A modest send buffer: the progress reported (and the rate the user is told on a slow link)
        # is what left for the link, not megabytes parked in the computer's own buffers.
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, _SmallBufferAdapter())
        self.session.verify = config.ca_bundle or True
        # Only the configured proxy is used: environment proxies are for browsers, not for health data.
        self.session.trust_env = False
        self.session.proxies = session_proxies(config.proxy)
        self.session.headers["User-Agent"] = "Teleavis"
        self._tus_endpoint: object = _UNKNOWN
        #: The tus endpoint given up for this client (an upload named off the platform, ``tus_create``): an upload
        #: recorded before, under the platform's base, is still asked there where it stands, never made again.
        self.tus_given_up: str | None = None
        self._rebased_said = False  # (the warning that search pages are linked elsewhere, once)
        #: Other bases the platform names its own resources under (the ``fullUrl``s of its search matches):
        #: a server behind a reverse proxy may write its internal address into what it serves.
        #: The last named, last (found in review: kept first come, one odd page took every place for the client's
        #: life, the base named at every poll after never kept): one named again goes last, the oldest goes.
        self._named_bases: dict[str, None] = {}
        #: Told whether the platform can be reached, each time that changes: False when no connection
        #: could be made (refused, no such name, no network), True when the platform answered anything.
        #: Called on the thread that makes the request (the window turns it into a signal).
        self.on_reachable: Callable[[bool], None] | None = None
        self._reachable: bool | None = None
        self._not_made = 0  # connections not made in a row
        self._told: bool | None = None  # what on_reachable was last told

    @property
    def reachable(self) -> bool | None:
        """Whether the last request could connect to the platform (None before any)."""
        return self._reachable

    def _reached(self, reachable: bool) -> None:
        """``reachable``: the platform answered, else no connection could be made. ``on_reachable`` is told
        out of reach only after ``OUT_OF_REACH_AFTER`` connections not made in a row: found from outside, one a
        flaky link failed (the sends before and after going through) had the window say « hors ligne »; a real
        outage fails the retries of the same request too, and is said at the second. (``reachable``, the
        engine's, stays the last request's.)"""
        self._reachable = reachable
        self._not_made = 0 if reachable else self._not_made + 1
        if not reachable and self._not_made < OUT_OF_REACH_AFTER:
            return
        if reachable != self._told:
            self._told = reachable
            if self.on_reachable is not None:
                self.on_reachable(reachable)

    @classmethod
    def from_store(
        cls,
        store: ConfiguredStore,
        *,
        base_url: str | None = None,
        policy: RetryPolicy | None = None,
        stop: threading.Event | None = None,
    ) -> PlatformClient:
        settings = store.settings
        url = base_url or settings.get("platform.url")
        if not url:
            raise TeleavisError(M.tr("net.not_configured"))
        read_timeout = float(settings.get("platform.timeout_s") or 30.0)
        ca_bundle = str(settings.get("platform.ca_bundle") or "")
        if ca_bundle and not _readable_ca(ca_bundle):
            raise TeleavisError(M.tr("net.ca_missing", path=ca_bundle[:200]))
        config = ClientConfig(
            url,
            connect_timeout_s=min(10.0, read_timeout),
            read_timeout_s=read_timeout,
            ca_bundle=ca_bundle,
            proxy=settings.get("proxy"),
        )
        # The training sandbox of this process takes its own random token, never the site's.
        sandbox = sandbox_token(url)
        tokens = StaticToken(sandbox) if sandbox else token_source_from_settings(settings)
        return cls(config, tokens, policy=policy, stop=stop)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one attempt ---------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        body: bytes | memoryview | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
        raw: bool = False,
        pass_status: frozenset[int] = frozenset(),
        on_bytes: Callable[[int], None] | None = None,
        bare: bool = False,
    ) -> Answer:
        """One request with one token refresh on 401. ``raw`` answers are bytes, others FHIR JSON;
        ``bare`` answers (tus) are their status and headers: any 2xx or ``pass_status`` is returned."""
        refreshed = False
        hops = 0
        asked = {self._absolute(path)}
        acted = False  # a 303 said the request (not a GET) was carried out: its result is read now
        while True:
            try:
                answer = self._attempt(
                    method,
                    path,
                    params=params,
                    json_body=json_body,
                    body=body,
                    content_type=content_type,
                    headers=headers,
                    raw=raw,
                    pass_status=pass_status,
                    on_bytes=on_bytes,
                    bare=bare,
                )
            except TransientFault as fault:
                # Found in review: the GET of a 303's result failing was said as a GET's, outcome known, while the
                # request it reads the result of was carried out (the case posted again at once, never looked up).
                fault.outcome_unknown = fault.outcome_unknown or acted
                raise
            except PermanentFault as fault:
                if not acted:
                    raise
                # That read refused (a 404 there), not the request: it was carried out (never said refused).
                raise TransientFault(M.tr("net.not_fhir"), outcome_unknown=True, kind="not_fhir") from fault
            if answer.status in REDIRECTS and answer.status not in pass_status:
                here = self._absolute(path)
                if params:
                    here += ("&" if "?" in here else "?") + urlencode(params)
                target = self._redirect_target(method, answer.status, here, answer.headers.get("Location"))
                if target is None:  # (``_attempt`` returns only those it may follow)
                    raise TransientFault(M.tr("net.not_fhir"), kind="not_fhir")
                hops += 1
                if hops > MAX_REDIRECTS or target in asked:
                    raise TransientFault(
                        M.tr("net.redirects"), outcome_unknown=acted or method not in ("GET", "HEAD"), kind="redirects"
                    )
                asked.add(target)
                if answer.status == 303 and method != "HEAD":
                    acted = acted or method != "GET"
                    # « See other »: the request was acted on, its result is there, read (R4 http.html: never
                    # sent again). What the caller makes of it says whether it is the answer it waits for.
                    method, json_body, body, content_type = "GET", None, None, None
                    headers = {k: v for k, v in (headers or {}).items() if k.lower() in ("accept",)}
                    on_bytes = None
                path, params = target, None
                continue
            if answer.status != 401:
                return answer
            if refreshed:
                raise SignInRequired(self._sign_in_words())
            try:
                renewed = self.tokens.refresh(self.session, self.config.timeout)
            except RefreshUnavailable as exc:  # the identity provider, not the platform: its wait kept
                raise TransientFault(M.tr("auth.refresh_later"), retry_after=exc.retry_after) from exc
            except requests.RequestException as exc:
                raise TransientFault(M.tr("net.offline")) from exc
            if not renewed:
                raise SignInRequired(self._sign_in_words())
            refreshed = True

    def _sign_in_words(self) -> str:
        """What to tell the user who must sign in again (a token source may say how: Pro Santé Connect)."""
        words = getattr(self.tokens, "sign_in_message", None)
        return words() if callable(words) else M.tr("auth.sign_in")

    def _attempt(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None,
        json_body: Any,
        body: bytes | memoryview | None,
        content_type: str | None,
        headers: Mapping[str, str] | None,
        raw: bool,
        pass_status: frozenset[int],
        on_bytes: Callable[[int], None] | None,
        bare: bool = False,
    ) -> Answer:
        sent_headers = {"Accept": FHIR_JSON}
        data: Any = None
        if json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            sent_headers["Content-Type"] = f"{FHIR_JSON}; charset=utf-8"
        elif body is not None:
            data = ProgressBody(body, on_bytes)
            sent_headers["Content-Type"] = content_type or "application/octet-stream"
        sent_headers.update(headers or {})
        token = self.tokens.token()
        if token:
            sent_headers["Authorization"] = f"Bearer {token}"
        # The token goes to the platform's base only: an absolute URL must lie under it.
        # (A transaction goes to the base with its slash: nginx, proxying ``location /fhir/``, answers a
        # POST to ``/fhir`` with a redirect that is not followed.)
        if path.startswith(("http://", "https://")):
            url = self.own_url(path) or self._upgraded(path)
        else:
            url = self.base_url + path.lstrip("/")
        if url is None:
            raise OffPlatform(path)
        may_have_arrived = method not in ("GET", "HEAD")
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                data=data,
                headers=sent_headers,
                timeout=self.config.timeout,
                allow_redirects=False,
                stream=True,
            )
        except requests.exceptions.SSLError as exc:
            raise TransientFault(M.tr("net.tls"), kind="tls") from exc
        except requests.exceptions.ConnectTimeout as exc:
            self._reached(False)
            raise TransientFault(M.tr("net.timeout"), kind="timeout") from exc
        except requests.exceptions.Timeout as exc:
            raise TransientFault(M.tr("net.timeout"), outcome_unknown=may_have_arrived, kind="timeout") from exc
        except requests.RequestException as exc:
            # No connection made (refused, no such name): nothing was sent, whatever the method.
            never = _never_connected(exc)
            if never:
                self._reached(False)
            arrived = may_have_arrived and not never
            raise TransientFault(M.tr("net.offline"), outcome_unknown=arrived) from exc
        except ValueError as exc:
            # Found in review: a redirect whose ``Location`` no parser reads (a broken IPv6 host, as a
            # misconfigured proxy writes), which requests reads even when not following it, escaped as a
            # bare ValueError and stopped the sync pass on an « internal error ». The platform answered.
            self._reached(True)
            raise TransientFault(M.tr("net.not_fhir"), outcome_unknown=may_have_arrived, kind="not_fhir") from exc
        self._reached(True)
        with response:
            try:
                content = _body(response, self.stop, grace_s=self.config.read_timeout_s)
            except requests.exceptions.Timeout as exc:  # trickled slower than any working link
                raise TransientFault(M.tr("net.timeout"), outcome_unknown=may_have_arrived, kind="timeout") from exc
            except requests.RequestException as exc:  # reset or cut while reading the body
                # The platform answered (found in review: taken for the platform out of reach, a search whose
                # long answer a proxy or a flapping link cut every time stopped every poll there).
                raise TransientFault(M.tr("net.cut"), outcome_unknown=may_have_arrived, kind="cut") from exc
        status = response.status_code
        log.debug("%s %s -> %d", method, path.split("?")[0], status)
        retry_after = retry_after_in(response.headers)
        document = _fhir_json(response.headers.get("Content-Type", ""), content)
        if bare and (200 <= status < 300 or status in pass_status):
            return Answer(status, response.headers, document, content)
        if raw and 300 <= status < 400 and status in pass_status:
            return Answer(status, response.headers, None, content)
        if 200 <= status < 300 or status in pass_status:
            if raw and 200 <= status < 300:
                # A compressed body (gzip, which requests asks for) declares its compressed length: only
                # an uncompressed one can be compared (urllib3 checks the bytes on the wire itself).
                encoding = response.headers.get("Content-Encoding", "").strip().lower()
                declared = header_count(response.headers.get("Content-Length"))
                if encoding in ("", "identity") and declared is not None and declared != len(content):
                    raise TransientFault(M.tr("net.not_fhir"), outcome_unknown=may_have_arrived, kind="not_fhir")
                # HTML where something else was asked: a captive portal's page. (An attachment may be HTML.)
                if "text/html" in response.headers.get("Content-Type", "") and "text/html" not in sent_headers.get(
                    "Accept", ""
                ):
                    raise TransientFault(M.tr("net.not_fhir"), outcome_unknown=may_have_arrived, kind="not_fhir")
                return Answer(status, response.headers, None, content)
            if document is None and not self._said_without_fhir(method, status, response.headers, content, pass_status):
                raise TransientFault(M.tr("net.not_fhir"), outcome_unknown=may_have_arrived, kind="not_fhir")
            return Answer(status, response.headers, document, content)
        location = response.headers.get("Location")
        asked = url + (("&" if "?" in url else "?") + urlencode(params) if params else "")
        if status in REDIRECTS and self._redirect_target(method, status, asked, location) is not None:
            return Answer(status, response.headers, None, content)  # ``request`` follows it
        if status in (301, 302) and may_have_arrived and self._followable(asked, location) is not None:
            # RFC 9110 §15.4.2-3: a client may turn it into a GET (the case lost), and a server may answer so a
            # request it carried out (before 303 was): neither sent again nor read, the engine looks it up first.
            raise TransientFault(M.tr("net.redirected_send", status=status), outcome_unknown=True, kind="redirects")
        moved_to = self._moved_to(url, location) if status in (301, 308) else None
        if moved_to is not None:
            raise PlatformMoved(moved_to, status)
        if status in REDIRECTS and location and location.strip() and self._followable(asked, location) is None:
            # Off the platform's base (another host, another port or path): never followed, the token would go
            # with it; said as such (found by a conformance pass: « Réponse illisible », retried for ever).
            try:
                host = urlsplit(urljoin(url, location.strip())).netloc.rsplit("@", 1)[-1][:100] or location[:100]
            except ValueError:  # no parser reads it
                host = location.strip()[:100]
            raise TransientFault(M.tr("net.redirected_elsewhere", host=host), outcome_unknown=False, kind="redirects")
        if status == 401:
            return Answer(status, response.headers, document)
        if status in (409, 412):
            # A conflict says why when the platform does (412: several patients match the identifier the
            # case is conditional on); it is retried all the same, as the contract asks, backing off. The
            # platform answered: nothing of the request was recorded (a transaction is all or nothing).
            said = diagnostics_of(document)
            raise TransientFault(
                _conflict_said("net.conflict_plain", status, said),
                retry_after=retry_after,
                kind="conflict",
                status=status,
                diagnostics=said,
            )
        if status in (408, 425, 429) or status >= 500:
            raise TransientFault(
                M.tr("net.busy", status=status),
                retry_after=retry_after,
                outcome_unknown=may_have_arrived and status != 429,
                kind="busy",
                status=status,
            )
        if status == 413:
            raise PermanentFault(M.tr("net.too_large"), status=status)
        if not isinstance(document, dict) or document.get("resourceType") != "OperationOutcome":
            # Not the platform speaking (a proxy's or a portal's page): a network fault.
            raise TransientFault(M.tr("net.not_fhir"), retry_after=retry_after, kind="not_fhir")
        words = diagnostics_of(document) or M.tr("net.no_words")
        raise PermanentFault(M.tr("net.refused", status=status, diagnostics=words), status=status, diagnostics=words)

    def _absolute(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path.lstrip("/")

    def _followable(self, asked: str, location: str | None) -> str | None:
        """Where a redirect of ``asked`` to ``location`` may be followed with the platform's token: an address
        under the platform's base, or under the same base on the same host in https when the base is in clear
        (a reverse proxy's upgrade). None for any other: another host, port or path is never sent the token."""
        if not location or not location.strip():
            return None
        try:
            resolved = urljoin(asked, location.strip()).split("#")[0]
        except ValueError:  # no parser reads it
            return None
        return self.own_url(resolved) or self._upgraded(resolved)

    def _redirect_target(self, method: str, status: int, asked: str, location: str | None) -> str | None:
        """Where a redirect (``status``) of ``method`` at ``asked`` is followed with the platform's token, else None.

        Only to an address ``_followable`` accepts (the platform's base, or it in https on the same host). The
        same address written otherwise (a slash, https: a proxy's doing, before any application read the
        request) is followed whatever the status. Another address: a 302 (a GET), 303 (read with GET: the
        request was acted on, its result is there) or 307 (the same request, this time there); never a 301 or
        308 (that resource is now another one: found from outside, a record merged into another), nor a 302
        after a POST or a PUT (RFC 9110 §15.4.3: it may have been carried out)."""
        target = self._followable(asked, location)
        if target is None or _same_address(asked, target):
            return target
        if status in (301, 308) or (status == 302 and method not in ("GET", "HEAD")):
            return None
        return target

    def _upgraded(self, url: str) -> str | None:
        """``url`` when it lies under the platform's base as in https on the same host (any port), the base being
        ``http://`` (loopback only, app/urls.py): the same server, reached safer. Else None."""
        if ambiguous_url(url):
            return None
        try:
            here, there = urlsplit(self.base_url), urlsplit(url)
            same_host = (there.hostname or "").lower() == (here.hostname or "").lower() and _port(there) > 0
        except ValueError:  # a port that is not a number, a broken IPv6 host
            return None
        if here.scheme.lower() != "http" or there.scheme.lower() != "https" or not same_host:
            return None
        if there.username or there.password or not _plain_path(there.path):
            return None
        base_path = here.path if here.path.endswith("/") else here.path + "/"
        return url if (there.path + "/").startswith(base_path) else None

    def _moved_to(self, asked: str, location: str | None, *, probe: bool = True) -> str | None:
        """The platform's new base, as a permanent redirect of ``asked`` to ``location`` gives it (the
        address asked, under the base, then names the same resource under the new one; the base itself
        or its ``metadata`` asked, the address it leads to), without its query; None when it is not a
        move: found from outside, one Task redirected to the record it was merged into stopped the sync
        of every case, « the platform moved to …/Task/merged-… ».

        Another resource under the base is not a move. One elsewhere, even the same resource under
        another base, is, when the platform's own address (``metadata``) is redirected off the base too
        (``probe``): found in review, a whole site sent to
        the new one's front page (the paths not kept) was taken for a fault of each request, retried
        for ever, and the user never told where the platform went."""
        if not location or not location.strip():
            return None
        try:
            there = urlsplit(urljoin(asked, location.strip()))
        except ValueError:  # found in review: a broken IPv6 host escaped the client as a bare ValueError
            return None
        target = urlunsplit((there.scheme, there.netloc.rsplit("@", 1)[-1], there.path, "", ""))  # no userinfo
        rest = urlsplit(asked).path[len(urlsplit(self.base_url).path) :].lstrip("/")
        if self.own_url(target) is not None:
            # Under the base, whatever it names (found in review: compared as text, ``metadata`` sent to
            # itself written ``https://host:443/…`` was the platform « moved » to its own address).
            return None
        named = target.rstrip("/")  # (a slash added: nginx's directory redirect)
        if rest and named.endswith("/" + rest):
            new_base = named[: -len(rest)]  # the same resource under another base
            if rest != "metadata" and not (probe and self._site_moved()):
                # Found in review: a load balancer sending the files (``Binary/…``) to a host of their own,
                # the path kept, was the whole platform « moved » there. Only with its ``metadata``.
                return None
        elif not rest or rest == "metadata":
            new_base = target  # the platform's own address led off its base
        elif probe:
            return self._site_moved()
        else:
            return None
        if new_base.rstrip("/") == self.base_url.rstrip("/"):
            return None
        return new_base[:300]

    def _site_moved(self) -> str | None:
        """Where the platform's ``metadata`` is permanently redirected off its base (the whole site moved),
        else None (it answers, or cannot be reached: not shown to have moved)."""
        url = self.base_url + "metadata"
        try:
            with self.session.get(
                url, headers={"Accept": FHIR_JSON}, timeout=self.config.timeout, allow_redirects=False, stream=True
            ) as response:
                if response.status_code not in (301, 308):
                    return None
                return self._moved_to(url, response.headers.get("Location"), probe=False)
        except (requests.RequestException, ValueError):  # (a Location no parser reads)
            return None

    @staticmethod
    def _said_without_fhir(
        method: str, status: int, headers: Mapping[str, str], content: bytes, pass_status: frozenset[int]
    ) -> bool:
        """Whether an answer with no FHIR body still says all it has to (R4 lets a server answer so):
        a status the caller asked to handle (a 412 with no body), a creation with its ``Location``
        (whatever words come with it), or nothing at all after a change (a PUT answered 200 or 204)."""
        if status in pass_status and not 200 <= status < 300:
            return True
        if status == 201 and headers.get("Location"):
            return True
        return not content.strip() and (status in (201, 204) or (status == 200 and method != "GET"))

    # -- the retry loop ------------------------------------------------------------------------

    def wait(self, seconds: float) -> None:
        """Sleep unless stopped (``Stopped``)."""
        if self.stop.wait(max(0.0, seconds)):
            raise Stopped()

    def retrying(
        self,
        call: Callable[[], T],
        *,
        budget_s: float | None = None,
        before_retry: Callable[[], T | None] | None = None,
        on_fault: Callable[[TransientFault], None] | None = None,
        give_way: Callable[[], bool] | None = None,
    ) -> T:
        """``call()`` until it succeeds, backing off on transient faults.

        After a fault whose outcome is unknown, ``before_retry()`` runs before the next attempt
        and may return a result that makes the attempt needless (the Task found by identifier
        after a timed-out transaction). With ``budget_s``, the last fault is re-raised once
        waiting would exceed it. A conflict (409/412) is re-raised at once: the platform gave its answer,
        which seconds do not change; the caller postpones the work with its growing backoff (found from
        outside: a 412 was posted again every few seconds, for ever).

        ``give_way()`` True after a fault (asked then, and every ``GIVE_WAY_EVERY_S`` of the wait before the next
        attempt): that fault is re-raised at once, the caller having another way to go (reduced copies chosen
        while a photo's original was cut again and again). The attempt under way is never cut short by it, nor a
        wait the platform asked for (Retry-After): given way at its end, raised then without it.
        """
        started = time.monotonic()
        attempt = 0
        unknown = False
        while True:
            if self.stop.is_set():
                raise Stopped()
            try:
                if unknown and before_retry is not None:
                    found = before_retry()
                    unknown = False
                    if found is not None:
                        return found
                return call()
            except TransientFault as fault:
                unknown = unknown or fault.outcome_unknown
                if on_fault is not None:
                    on_fault(fault)
                # (Not ahead of the platform's own wait: a Retry-After is honoured, the contract. Found in review:
                # the copy was posted at once after « 429, Retry-After: 120 ».)
                giving_way = give_way if fault.retry_after is None else None
                if fault.kind == "conflict" or (giving_way is not None and giving_way()):
                    raise
                delay = self.policy.delay(attempt, fault.retry_after)
                if budget_s is not None and time.monotonic() - started + delay > budget_s:
                    raise
                log.info("transient fault (%s), next attempt in %.1f s", fault_for_log(fault), delay)
                if giving_way is None:
                    self.wait(delay)
                    if give_way is not None and give_way():
                        # The platform's wait honoured: the caller's other way goes now, not this call again
                        # (found in review: the original went again, whole, after « Retry-After: 1 »).
                        raise TransientFault(
                            fault.words,
                            outcome_unknown=fault.outcome_unknown,
                            kind=fault.kind,
                            status=fault.status,
                            diagnostics=fault.diagnostics,
                        ) from fault
                else:
                    waited_until = time.monotonic() + delay
                    while (left := waited_until - time.monotonic()) > 0:
                        self.wait(min(left, GIVE_WAY_EVERY_S))
                        if giving_way():
                            raise
                attempt += 1

    # -- the operations of the contract --------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        answer = self.request("GET", "metadata")
        return _resource(answer, "CapabilityStatement")

    def create_binary(self, data: bytes, content_type: str, on_bytes: Callable[[int], None] | None = None) -> str:
        """``POST Binary`` with the raw bytes; the new Binary's id from ``Location`` (§3.1)."""
        # ``return=minimal``: the id is in Location; a server that returns the Binary by default would
        # send the image back down the same slow link (base64, a third larger).
        with _conflict_words("net.conflict_image"):
            answer = self.request(
                "POST",
                "Binary",
                body=data,
                content_type=content_type,
                on_bytes=on_bytes,
                headers={"Prefer": "return=minimal"},
            )
        location = answer.headers.get("Location") or answer.headers.get("Content-Location") or ""
        self._learn_made(location, "Binary")
        try:
            return location_id(location, "Binary")
        except ValueError:
            document = answer.document
            if isinstance(document, dict) and document.get("resourceType") == "Binary":
                binary_id = document.get("id")
                if isinstance(binary_id, str) and binary_id:
                    return binary_id
            raise TransientFault(M.tr("net.not_fhir"), outcome_unknown=True) from None

    # -- resumable uploads (tus 1.0, docs/platform-api.md §4) ---------------------------------------

    def resumable_endpoint(self) -> str | None:
        """The platform's tus endpoint when its CapabilityStatement offers one under its base, else None.

        Read once per client (one ``GET metadata``); an endpoint off the platform's base is not used
        (the token would go there): the images then go by plain ``POST Binary``."""
        if self._tus_endpoint is _UNKNOWN:
            found: str | None = None
            try:
                statement = self.metadata()
            except PermanentFault as refused:  # a platform refusing its metadata still takes POST Binary
                log.warning("metadata refused (%d): images go by POST Binary", refused.status)
                statement = {}
            rest = statement.get("rest")
            first = rest[0] if isinstance(rest, list) and rest and isinstance(rest[0], dict) else {}
            for extension in first.get("extension") or []:
                if isinstance(extension, dict) and extension.get("url") == RESUMABLE_UPLOAD:
                    value = extension.get("valueUrl") or extension.get("valueUri")
                    if isinstance(value, str) and value.strip():
                        found = self.own_url(value)
                        if found is None:
                            log.warning("resumable uploads offered off the platform's base: not used")
            self._tus_endpoint = found
        return self._tus_endpoint if isinstance(self._tus_endpoint, str) else None

    def tus_create(self, endpoint: str, length: int, content_type: str, image_id: str) -> str:
        """``POST`` a new upload (or find the one made for this image); its URL, under the base.
        :class:`TusRefused` when the platform refuses to make it."""
        metadata = ",".join(
            f"{key} {base64.b64encode(value.encode()).decode('ascii')}"
            for key, value in (("contentType", content_type), ("imageId", image_id))
        )
        with _conflict_words("net.conflict_image"):
            answer = self.request(
                "POST",
                endpoint,
                headers={**TUS_HEADERS, "Upload-Length": str(length), "Upload-Metadata": metadata},
                bare=True,
                pass_status=TUS_REFUSED,
            )
        if answer.status in TUS_REFUSED:
            # Found in review: a tus front's 400 in plain text was taken for a proxy's page and the upload
            # created again for ever (with an OperationOutcome, the image was « refused »).
            raise TusRefused(answer.status)
        location = answer.headers.get("Location") or ""
        try:
            url = self.own_url(urljoin(endpoint, location.strip())) if location.strip() else None
        except ValueError:  # no parser reads it
            url = None
        if answer.status == 201 and location.strip() and url is None:
            # Made, and named off the platform's base (a tus server behind a reverse proxy that names its own
            # address, tusd without ``-behind-proxy``: ``http://localhost:1080/files/<id>``). Never asked there
            # (the token would go with it), and found by a conformance pass: taken for an unreadable answer, it
            # was created again at every try, the case never sent. The resumable upload is unusable as offered:
            # this image and the next go by ``POST Binary`` (the contract), the upload made left to expire.
            log.warning("resumable upload named off the platform's base: images go by POST Binary")
            self._tus_endpoint, self.tus_given_up = None, endpoint
            raise OffPlatform(location)
        if answer.status != 201 or url is None:
            raise TransientFault(M.tr("net.not_fhir"), outcome_unknown=True, kind="not_fhir")
        return url

    def tus_state(self, url: str) -> TusState | None:
        """``HEAD`` an upload: the server's offset (and the Binary once finished); None when it is gone."""
        answer = self.request("HEAD", url, headers=TUS_HEADERS, bare=True, pass_status=frozenset({403, 404, 410, 423}))
        # tus 1.0 lets a server answer an upload it does not know (expired) with 403 as with 404 or 410,
        # without an offset (found by a conformance pass: that HEAD, bodiless, was taken for a proxy's
        # page and asked again and again, and the image never went). Made again: a 403 for another reason
        # comes back on its creation, said there.
        if answer.status in (404, 410) or (answer.status == 403 and not answer.headers.get("Upload-Offset")):
            return None
        if answer.status == 403:
            raise TransientFault(M.tr("net.not_fhir"), kind="not_fhir")
        if answer.status == 423:
            raise TransientFault(M.tr("net.busy", status=423), kind="busy", status=423)
        return _tus_state(answer)

    def tus_patch(
        self, url: str, data: bytes, offset: int, on_bytes: Callable[[int], None] | None = None
    ) -> TusState | None:
        """``PATCH`` the bytes from ``offset`` on (the server's offset); the state it answers, None when the
        upload is gone (404, 410: expired, or the platform restarted since the last ``HEAD``)."""
        with _conflict_words("net.conflict_image"):
            answer = self.request(
                "PATCH",
                url,
                body=memoryview(data)[offset:],
                content_type="application/offset+octet-stream",
                headers={**TUS_HEADERS, "Upload-Offset": str(offset)},
                bare=True,
                on_bytes=on_bytes,
                pass_status=frozenset({404, 410}),
            )
        if answer.status in (404, 410):
            return None
        return _tus_state(answer)

    def tus_delete(self, url: str) -> None:
        """``DELETE`` an upload (termination extension); one already gone is fine."""
        self.request("DELETE", url, headers=TUS_HEADERS, bare=True, pass_status=frozenset({404, 410}))

    def transaction(self, bundle: Mapping[str, Any]) -> dict[str, Any]:
        """POST the transaction Bundle; the ``transaction-response`` (§3.2). A 409/412 says what the
        platform's administrators may have to do (merge duplicate Patients).

        One left without the platform's answer in time (its own or a gateway's 502 or 504) may still be in
        the platform's hands: it is not asked about again (looked up, or posted) before twice the read
        timeout has passed. Found by an outside conformance pass: looked up a moment after the read timeout, a
        transaction the platform was still recording was not found and posted again, and a server whose
        conditional creates run side by side made a second case of it."""
        with _conflict_words("net.conflict"):
            try:
                answer = self.request("POST", "", json_body=bundle)
            except TransientFault as fault:
                # (Not after a cut: a platform that had the whole request answers it at once, and a link
                # cut every few seconds, as through a satellite, would hold each case a minute.)
                if fault.outcome_unknown and (fault.kind == "timeout" or fault.status in (502, 504)):
                    fault.retry_after = max(fault.retry_after or 0.0, 2 * self.config.read_timeout_s)
                raise
        # Anything but its response (even a bare 200 or 201) leaves unknown what the platform made of it.
        document: dict[str, Any] = answer.document if isinstance(answer.document, dict) else {}
        entries = document.get("entry")
        if (
            document.get("resourceType") != "Bundle"
            or document.get("type") != "transaction-response"
            or not isinstance(entries, list)
            or len(entries) != len(bundle.get("entry", []))
        ):
            raise TransientFault(M.tr("net.not_fhir"), outcome_unknown=True)
        _entries_made(entries)
        for sent, got in zip(bundle.get("entry", []), entries, strict=False):
            kind = (sent.get("resource") or {}).get("resourceType") if isinstance(sent, dict) else None
            response = got.get("response") if isinstance(got, dict) else None
            if isinstance(kind, str) and isinstance(response, dict):
                self._learn_made(response.get("location"), kind)
        return document

    def search(self, resource_type: str, params: Mapping[str, str], *, post: bool = False) -> list[dict[str, Any]]:
        """Every matching resource that could be read (following ``next`` links) of a search (§4)."""
        return self.search_pages(resource_type, params, post=post).resources

    def search_pages(self, resource_type: str, params: Mapping[str, str], *, post: bool = False) -> SearchResult:
        """A search read page by page, as strict servers page it.

        The server decides the page size (``_count`` is a wish) and links the next page; the link
        may be absolute, relative, or the base with a query (``[base]?_getpages=…``). A link off the
        platform's base is never followed (the token would go with it): the result then says it is
        incomplete, and what was read so far is kept. ``total`` is not needed; one saying more matches
        than the pages gave, with no next page, makes the result incomplete.

        ``post``: ``POST [type]/_search`` with the parameters as a form (FHIR R4 http.html#search, which
        servers shall accept), for a search naming the patient: a query string ends in the access logs
        of every proxy and server on the way, a body does not.
        """
        found = SearchResult()
        if post:
            answer = self.request(
                "POST",
                f"{resource_type}/_search",
                body=urlencode(dict(params)).encode("ascii"),
                content_type="application/x-www-form-urlencoded",
            )
        else:
            answer = self.request("GET", resource_type, params=params)
        pages = 0
        # The pages read, each known by its path and its parameters in any order and escaping: found in
        # review, a first page linked to itself as the next one (as its ``self`` link names it) was asked
        # twice at every poll, its own address not being among those read.
        asked: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
        if not post:
            asked.add(_page_key(requests.Request("GET", self.base_url + resource_type, params=params).prepare().url))
        while True:
            bundle = _resource(answer, "Bundle")
            itself = next(
                (
                    link.get("url")
                    for link in bundle.get("link") or []
                    if isinstance(link, dict) and link.get("relation") == "self"
                ),
                None,
            )
            if isinstance(itself, str) and (own := self._page_url(itself, resource_type)) is not None:
                asked.add(_page_key(own))
            for entry in bundle.get("entry") or []:
                resource = entry.get("resource") if isinstance(entry, dict) else None
                # Only the matches: a server may add the resources they refer to (search mode ``include``),
                # of the same type too (found by a conformance pass: the Patient a match links to, taken
                # for one holding the case's file number, stopped the case as another patient's).
                search = entry.get("search") if isinstance(entry, dict) else None
                mode = search.get("mode") if isinstance(search, dict) else None
                if (
                    isinstance(resource, dict)
                    and resource.get("resourceType") == resource_type
                    and mode in (None, "match")
                ):
                    found.resources.append(resource)
                    self._learn_base(entry.get("fullUrl"), resource_type, resource.get("id"))
            next_url = next(
                (
                    link.get("url")
                    for link in bundle.get("link") or []
                    if isinstance(link, dict) and link.get("relation") == "next"
                ),
                None,
            )
            pages += 1
            total = bundle.get("total")
            if not isinstance(next_url, str) or not next_url:
                if isinstance(total, int) and not isinstance(total, bool) and total > len(found.resources):
                    # No next page, yet more matches than given (a link dropped by the server or a proxy):
                    # found by a property-based pass, taken as whole, the Task left out was narrowed out of
                    # every later poll, its answer never read. What was read is kept; the result says so.
                    log.warning("search of %s: %d match(es) said, fewer given, no next page", resource_type, total)
                    found.complete = False
                return found
            target = self._page_url(next_url, resource_type)
            # A page already asked ends the search (found from outside: a server linking each page to itself
            # was asked the same page a hundred times, the page limit, at every poll).
            seen = target is not None and _page_key(target) in asked
            if target is None or pages >= MAX_PAGES or seen:
                log.warning(
                    "search of %s: next page %s, not followed",
                    resource_type,
                    "off the platform" if target is None else "already read" if seen else "beyond the page limit",
                )
                found.complete = False
                return found
            asked.add(_page_key(target))
            rebased = self.own_url(next_url) is None
            try:
                answer = self.request("GET", target)
                if rebased:
                    _resource(answer, "Bundle")
            except TransientFault as fault:
                if not rebased or fault.kind != "not_fhir":
                    raise
                # The page re-based onto the platform's base is not known there (a gateway's page, an answer
                # that is not a Bundle): the search stays as it was read, incomplete, never worse than the
                # link left unfollowed.
                log.warning("search of %s: next page, re-based, not answered there", resource_type)
                found.complete = False
                return found
            except PermanentFault as fault:
                # A page refused after the first (a paged search expired on the server, 410): what was
                # read is kept, and the result says it is incomplete.
                log.warning("search of %s: next page refused (%d), pages read kept", resource_type, fault.status)
                found.complete = False
                return found

    def _page_url(self, link: str, resource_type: str) -> str | None:
        """The address a search page's link (``self``, ``next``) is asked at: under the platform's base, as
        given, or else re-based onto it. A server behind a reverse proxy that does not know its public address
        (HAPI without ``server_address``) names its own, ``http://localhost:8080/fhir?_getpages=…``, or
        ``http`` for a site reached in https, or its path without the gateway's prefix: found in review, such
        a search was never read whole, and its Tasks were read one by one at every poll. The link's tail
        after the server's base (the resource type, ``_search``, nothing for ``[base]?_getpages``) and its
        query are asked of the platform's base: the token never goes to the address named. None when the link
        is not an address at all."""
        own = self.own_url(link)
        if own is not None or ambiguous_url(link):
            return own
        try:
            there = urlsplit(urljoin(self.base_url, link.strip()))
        except ValueError:  # no parser reads it (a broken IPv6 host)
            return None
        if there.scheme.lower() not in ("http", "https"):
            return None
        path = there.path.rstrip("/")
        tail = ""
        for ending in (f"/{resource_type}/_search", f"/{resource_type}"):
            if path.endswith(ending):
                tail = ending.lstrip("/")
                break
        rebased = self.base_url + tail + (f"?{there.query}" if there.query else "")
        found = self.own_url(rebased)
        if found is not None and not self._rebased_said:
            self._rebased_said = True
            log.warning("search pages linked under another address than the platform's: asked under its base")
        return found

    def _learn_base(self, full_url: Any, resource_type: str, resource_id: Any) -> None:
        """Keep the base a search match's ``fullUrl`` names it under (R4 bundle.html: ``[base]/[type]/[id]``,
        its version after ``_history`` may follow) when it is not the platform's base as configured."""
        if not isinstance(full_url, str) or not isinstance(resource_id, str) or not resource_id:
            return
        named = re.fullmatch(
            rf"(https?://[^?#]+?)/{re.escape(resource_type)}/{re.escape(resource_id)}(?:/_history/[^/?#]+)?",
            full_url.strip(),
            flags=re.IGNORECASE,
        )
        if named is None or ambiguous_url(full_url) or self.own_url(full_url) is not None:
            return
        base = named.group(1) + "/"
        try:
            parts = urlsplit(base)
            readable = bool(parts.hostname) and _port(parts) > 0 and _plain_path(parts.path)
        except ValueError:  # a broken IPv6 host, a port that is not a number: no base to keep
            readable = False
        if not readable:
            return
        if not self._named_bases:  # (said once: a server naming each match elsewhere would fill the log)
            log.warning("the platform names its resources under another address than its own: read under its base")
        self._named_bases.pop(base, None)
        self._named_bases[base] = None
        while len(self._named_bases) > MAX_NAMED_BASES:
            self._named_bases.pop(next(iter(self._named_bases)))

    def _learn_own_address(self, answer: Answer, resource_type: str, resource_id: str) -> None:
        """Keep the base a resource's own address names, as the server gives it with the resource: a read's
        ``Content-Location`` (R4 http.html, vread: « the version id … from a content location returned from a
        read »), an update's or create's ``Location`` (``[base]/[type]/[id]/_history/[vid]``). Only when it
        names this very resource (its type and id): found by a conformance pass, a server writing its internal
        base into references taught it only through a search's ``fullUrl``, and a report reached through a Task
        read alone stayed « adresse hors plateforme ». (``meta.source`` names the system the resource came from,
        not the server's base: never taken.)"""
        for header in ("Content-Location", "Location"):
            value = answer.headers.get(header)
            if value and value.strip().lower().startswith(("http://", "https://")):
                self._learn_base(value, resource_type, resource_id)

    def _learn_made(self, location: Any, resource_type: str) -> None:
        """Keep the base a transaction entry's ``response.location`` (bundle.html: « the location header created
        by processing this operation ») names the resource it made under, the type being the one sent."""
        if not isinstance(location, str) or not re.match(r"\s*https?://", location, flags=re.IGNORECASE):
            return
        named = re.search(rf"/{re.escape(resource_type)}/([A-Za-z0-9\-.]{{1,64}})(?:/_history/[^/?#]+)?/?$", location)
        if named is not None:
            self._learn_base(location.strip().rstrip("/"), resource_type, named.group(1))

    def platform_url(self, url: str) -> str | None:
        """``own_url``, or, for an absolute address under another base the platform names its own resources
        under (``_learn_base``), the same path asked under the platform's base: R4 takes an absolute reference
        under the server's own base for the local one (references.html), and found by a conformance pass, a
        server writing its internal address (FirelyTeam/spark#82: every reference made absolute under
        ``http://localhost:<port>/fhir``) had the expert's report kept « off the platform », never shown.
        The token goes to the platform's base only, never to the address named. None otherwise."""
        own = self.own_url(url)
        if own is not None or ambiguous_url(url):
            return own
        # The longest base holding it: found in review, of ``http://node/`` and ``http://node/fhir/`` both named,
        # the one a set gave first (by the hash of the words) re-based ``…/fhir/Binary/b`` at ``/fhir/fhir/`` one
        # run in two.
        for base in sorted(self._named_bases, key=len, reverse=True):
            tail = _under(base, url.strip())
            if tail is not None:
                return self.own_url(self.base_url + tail)
        return None

    def own_url(self, url: str) -> str | None:
        """``url`` made absolute when it lies under the platform's base (given relative or absolute), else None.

        Scheme, host and port must be the platform's (default ports made explicit) and the path must
        start with the base's path: only then may the platform's token go with the request.
        """
        if ambiguous_url(url):  # read differently by urllib3 and urlsplit (app/urls.py)
            return None
        try:
            resolved = urljoin(self.base_url, url.strip())
            here, there = urlsplit(self.base_url), urlsplit(resolved)
        except ValueError:  # no parser reads it (a broken IPv6 host): not the platform's
            return None
        if there.scheme.lower() not in ("http", "https") or there.username or there.password:
            return None
        try:
            same_origin = (
                there.scheme.lower() == here.scheme.lower()
                and (there.hostname or "").lower() == (here.hostname or "").lower()
                and _port(there) == _port(here)
            )
        except ValueError:  # a port that is not a number
            return None
        base_path = here.path if here.path.endswith("/") else here.path + "/"
        if not same_origin or not (there.path + "/").startswith(base_path) or not _plain_path(there.path):
            return None
        return resolved.split("#")[0]

    def read(self, resource_type: str, resource_id: str, *, etag_version: bool = True) -> dict[str, Any]:
        """The resource; its version from the ``ETag`` header when the server gives it only there
        (R4 lets it: the version read is what an ``If-Match`` must name). Not with ``etag_version`` False:
        the resource as a search gives it too (found in review: a report's version taken from the ETag when
        read, and absent from the search of reports, made the answer « amended » at every poll)."""
        answer = self.request("GET", f"{resource_type}/{resource_id}")
        resource = _resource(answer, resource_type)
        said = resource.get("id")
        if isinstance(said, str) and said and said != resource_id:
            # Another resource than the one asked (found in review: a 302 of ``Task/t1`` to ``Task/t2`` followed,
            # another patient's Task read as this case's): that read's fault, never taken for it.
            raise TransientFault(M.tr("net.not_fhir"), kind="not_fhir")
        self._learn_own_address(answer, resource_type, resource_id)
        meta: dict[str, Any] = resource["meta"] if isinstance(resource.get("meta"), dict) else {}
        tagged = re.fullmatch(r'(?:W/)?"([^"]+)"', answer.headers.get("ETag", "").strip())
        if etag_version and not meta.get("versionId") and tagged:
            resource["meta"] = {**meta, "versionId": tagged.group(1)}
        return resource

    def update(
        self, resource: Mapping[str, Any], *, if_match: str | None = None, pass_status: frozenset[int] = frozenset()
    ) -> Answer:
        # The resource as stored comes back (R4 lets a server choose what a PUT answers otherwise).
        headers = {"Prefer": "return=representation", **({"If-Match": if_match} if if_match else {})}
        answer = self.request(
            "PUT",
            f"{resource['resourceType']}/{resource['id']}",
            json_body=resource,
            headers=headers,
            pass_status=pass_status,
        )
        if 200 <= answer.status < 300:
            self._learn_own_address(answer, str(resource["resourceType"]), str(resource["id"]))
        return answer

    def binary(self, binary_id: str, accept: str) -> bytes:
        """The raw bytes of a Binary (``GET Binary/<id>`` with ``Accept`` set to its type, §4)."""
        return self.fetch(f"Binary/{binary_id}", accept)

    @staticmethod
    def _binary_content(answer: Answer, accept: str) -> bytes:
        """The bytes asked for. A server that answers with the Binary resource itself (FHIR JSON, its
        ``data`` in base64) where the raw bytes were asked is read through; anything else is kept as
        it came, for the caller's checks (size, hash, the type's signature)."""
        kind = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind in FHIR_JSON_TYPES and accept.split(";")[0].strip().lower() not in FHIR_JSON_TYPES:
            try:
                document = json.loads(answer.content)
            except ValueError:
                return answer.content
            if isinstance(document, dict) and document.get("resourceType") == "Binary":
                # (Lines in its base64: found by a conformance pass, such a PDF was unreadable at every poll.)
                try:
                    return base64_binary(str(document.get("data") or ""))
                except (binascii.Error, ValueError):
                    raise TransientFault(M.tr("net.not_fhir"), kind="not_fhir") from None
        return answer.content

    def fetch(self, path: str, accept: str, *, check: Callable[[bytes], bool] | None = None) -> bytes:
        """The raw bytes at ``path`` (relative to the base, or an absolute URL ``own_url`` accepted).

        A redirect is followed with the platform's token while it stays under the platform's base. One that
        leads elsewhere in https (a storage host's pre-signed address, S3 or Azure blob, its own signature in
        its query) is followed WITHOUT the token, nor any header of the platform's: found in review, never
        followed, the expert's PDF was kept missing for good. The bytes are the caller's to check (the size
        and hash the platform declared): ``check`` says whether bytes from a storage host are the file, and
        those that are not are that host's failure (``StorageFault``: a gateway's page answered 200). An address
        elsewhere in clear, or ambiguous, raises ``OffPlatform``.
        """
        target = path
        visited: set[str] = set()
        elsewhere = False  # ``target`` is off the platform: asked without the token
        for _ in range(MAX_REDIRECTS + 1):
            if target in visited:
                break  # a loop: said as such at once (found in review: said an unreadable answer, logged offline)
            visited.add(target)
            if elsewhere:
                answer = self._stored_elsewhere(target, accept)
            else:
                answer = self.request("GET", target, headers={"Accept": accept}, raw=True, pass_status=REDIRECTS)
            if answer.status not in REDIRECTS:
                data = self._binary_content(answer, accept)
                if elsewhere and check is not None and not check(data):
                    raise StorageFault(M.tr("net.not_fhir"), kind="not_fhir")
                return data
            here = target if target.startswith(("http://", "https://")) else self.base_url + target.lstrip("/")
            location = answer.headers.get("Location") or ""
            try:
                resolved = urljoin(here, location.strip())
                followed = self._followable(here, location) if location else None
            except ValueError:  # no parser reads it: that request's fault, not a link elsewhere
                raise TransientFault(M.tr("net.not_fhir"), kind="not_fhir") from None
            if followed is None:
                moved_to = self._moved_to(here, location) if answer.status in (301, 308) and not elsewhere else None
                if moved_to is not None:  # the whole platform moved, this file with it: not a link elsewhere
                    raise PlatformMoved(moved_to, answer.status)
                if not location or not is_secure_url(resolved):
                    raise OffPlatform(location)
                target, elsewhere = resolved.split("#")[0], True
                continue
            target, elsewhere = followed, False
        raise TransientFault(M.tr("net.redirects"), kind="redirects")

    def _stored_elsewhere(self, url: str, accept: str) -> Answer:
        """One ``GET`` of a file the platform redirected to a storage host: no token, no cookie (a gateway's may
        be worth a token), no header but ``Accept``; the site's proxy and certificates as ever. Any answer but
        the file or a redirect is a transient fault (a signature expired, a storage busy: the platform gives a
        fresh address at the next poll), never the platform asking to wait: a ``StorageFault``."""
        try:
            bare = requests.Request("GET", url, headers={"Accept": accept, "User-Agent": "Teleavis"}).prepare()
            response = self.session.send(
                bare,
                timeout=self.config.timeout,
                allow_redirects=False,
                stream=True,
                verify=self.session.verify,
                proxies=self.session.proxies,
            )
        except requests.exceptions.SSLError as exc:
            raise StorageFault(M.tr("net.tls"), kind="tls") from exc
        except requests.exceptions.Timeout as exc:
            raise StorageFault(M.tr("net.timeout"), kind="timeout") from exc
        except (requests.RequestException, ValueError) as exc:
            raise StorageFault(M.tr("net.offline"), kind="not_fhir") from exc
        with response:
            try:
                content = _body(response, self.stop, grace_s=self.config.read_timeout_s)
            except requests.exceptions.Timeout as exc:
                raise StorageFault(M.tr("net.timeout"), kind="timeout") from exc
            except requests.RequestException as exc:
                raise StorageFault(M.tr("net.cut"), kind="cut") from exc
        status = response.status_code
        log.debug("GET (storage host) -> %d", status)
        if status in REDIRECTS or 200 <= status < 300:
            return Answer(status, response.headers, None, content)
        raise StorageFault(M.tr("net.not_fhir"), kind="not_fhir")


def _entries_made(entries: list[Any]) -> None:
    """Nothing when every entry of a ``transaction-response`` says it was made (its ``response.status`` a
    2xx, or none said); else the fault of the first that failed, as its status would be answered alone. R4
    makes a transaction all or nothing, but found in review: a server answering 200 entry by entry, one
    photo refused (400), had its case marked sent on its Task and request alone, the photo never on the
    platform. Every create is conditional: sending the case again makes nothing twice."""
    for entry in entries:
        response = entry.get("response") if isinstance(entry, dict) else None
        said = str(response.get("status") or "") if isinstance(response, dict) else ""
        code = re.match(r"\s*(\d{3})\b", said)
        status = int(code.group(1)) if code else 200
        if 200 <= status < 300:
            continue
        outcome = response.get("outcome") if isinstance(response, dict) else None
        words = diagnostics_of(outcome) if isinstance(outcome, dict) else ""
        if status in (409, 412):
            raise TransientFault(
                _conflict_said("net.conflict_plain", status, words), kind="conflict", status=status, diagnostics=words
            )
        if 400 <= status < 500 and status not in (401, 408, 425, 429):
            if status == 413:
                raise PermanentFault(M.tr("net.too_large"), status=status)
            words = words or M.tr("net.no_words")
            raise PermanentFault(
                M.tr("net.refused", status=status, diagnostics=words), status=status, diagnostics=words
            )
        # A moment's fault (5xx, 429, …), or no status R4 gives an entry made (a 3xx): sent again, the
        # conditional creates finding what was made.
        raise TransientFault(M.tr("net.busy", status=status), kind="busy", status=status)


def _same_address(asked: str, target: str) -> bool:
    """Whether ``target`` is the address ``asked`` written otherwise, as a proxy rewrites it before any application
    reads the request: a slash added or taken off its path, ``https`` for ``http``; the host (any case), the path's
    words and the query (in any order) the same. The port is not compared: ``target`` comes from
    ``_followable``, which took it only at the platform's own port (``own_url``) or, the base being ``http://``,
    in ``https`` on the same host at any port (``_upgraded``)."""
    try:
        here, there = urlsplit(asked), urlsplit(target)
        return (
            (there.hostname or "").lower() == (here.hostname or "").lower()
            and there.path.rstrip("/") == here.path.rstrip("/")
            and sorted(parse_qsl(there.query, keep_blank_values=True))
            == sorted(parse_qsl(here.query, keep_blank_values=True))
            and (there.scheme.lower() == here.scheme.lower() or there.scheme.lower() == "https")
        )
    except ValueError:
        return False


def _plain_path(path: str) -> bool:
    """No ``.`` or ``..`` segment in ``path``, written or escaped (``%2e``), and no escaped ``/`` or ``\\``
    (``%2f``, ``%5c``): found in review, ``<base>/../admin`` lay « under the base » as written, while ``requests``
    asks ``/admin`` (the token with it, to whatever else the host serves), and a server decodes ``%2e%2e``
    and ``%2f`` before it routes. No FHIR id holds any of them."""
    if re.search(r"%(?:2f|5c)", path, flags=re.IGNORECASE):
        return False
    return all(unquote(segment) not in (".", "..") for segment in path.split("/"))


def _under(base: str, url: str) -> str | None:
    """The path and query of the absolute ``url`` after ``base`` (ending with ``/``) when it lies under it, the
    scheme and host whatever their case and the port written or not; else None."""
    try:
        here, there = urlsplit(base), urlsplit(url)
        same_origin = (
            there.scheme.lower() == here.scheme.lower()
            and (there.hostname or "").lower() == (here.hostname or "").lower()
            and _port(there) == _port(here)
        )
    except ValueError:  # a port that is not a number, a broken IPv6 host
        return None
    if not same_origin or there.username or there.password or not there.path.startswith(here.path):
        return None
    tail = there.path[len(here.path) :].lstrip("/")
    return tail + (f"?{there.query}" if there.query else "")


def _page_key(url: str | None) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A search page's address as the platform reads it: its path, and its parameters whatever their
    order and escaping (``,`` or ``%2C``)."""
    parts = urlsplit(url or "")
    return parts.path.rstrip("/"), tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


@dataclass(frozen=True)
class TusState:
    """Where an upload stands at the server: its offset, and its Binary once every byte arrived."""

    offset: int
    binary_id: str | None = None
    length: int | None = None  # Upload-Length, when the platform says it


def _body(response: requests.Response, stop: threading.Event | None = None, grace_s: float | None = None) -> bytes:
    """The answer's body, decompressed, read up to ``MAX_BODY_BYTES``; :class:`Stopped` once ``stop``
    is set. Read as the bytes come (``read1``), not a whole chunk at a time: found from outside, a
    platform sending its answer a byte at a time kept `sync --timeout 20` running three minutes, each
    byte in time for the read timeout and the stop never looked at.

    ``grace_s`` given, a body still coming ``grace_s`` after its first bytes, slower on average since
    them than ``MIN_BODY_RATE``, raises ``requests.exceptions.ReadTimeout``: found from outside, one
    case's PDF trickled a byte every half second held the poll of every case (a real report would have
    taken a day). (A pause before the first bytes is the read timeout's, not counted in the rate.)
    The rate judges only a body with bytes still to come: its ``Content-Length`` not reached, and more
    of it left than would come within ``grace_s`` at the pace kept (found in review: a 1.5 kB answer
    whose last bytes came late on a slow link was given up with every byte read, at every poll).
    Without a length (chunked), a piece coming after the rate fell short shows that bytes remained."""
    chunks: list[bytes] = []
    read = 0
    started: float | None = None
    length = header_count(response.headers.get("Content-Length"))
    short = False  # (length unknown) the rate fell short at the last piece
    while True:
        try:
            chunk = response.raw.read1(_READ_CHUNK, decode_content=True)
        except urllib3.exceptions.HTTPError as exc:  # (what iter_content says as requests' own)
            raise requests.exceptions.ConnectionError(exc) from exc
        if not chunk:
            break
        if stop is not None and stop.is_set():
            raise Stopped
        read += len(chunk)
        if read > MAX_BODY_BYTES:
            mb = MAX_BODY_BYTES // (1024 * 1024)
            raise BodyTooLarge(M.tr("net.answer_too_large", mb=mb), status=response.status_code)
        chunks.append(chunk)
        if grace_s is not None:
            now = time.monotonic()
            started = now if started is None else started
            elapsed = now - started
            slow = elapsed > grace_s and read < MIN_BODY_RATE * elapsed
            if length is None:
                if slow and short:
                    raise requests.exceptions.ReadTimeout(f"{read} bytes in {elapsed:.0f} s")
                short = slow
            elif slow:
                wire = response.raw.tell()  # (the length counts the bytes on the wire, compressed or not)
                left = length - wire
                if left > 0 and left > wire / elapsed * grace_s:
                    raise requests.exceptions.ReadTimeout(f"{read} bytes in {elapsed:.0f} s, {left} to come")
    return b"".join(chunks)


def _tus_state(answer: Answer) -> TusState:
    offset = header_count(answer.headers.get("Upload-Offset"))
    if offset is None:
        raise TransientFault(M.tr("net.not_fhir"), outcome_unknown=True, kind="not_fhir")
    location = answer.headers.get("Content-Location") or ""
    try:
        binary_id: str | None = location_id(location, "Binary") if location else None
    except ValueError:
        binary_id = None
    return TusState(offset, binary_id, header_count(answer.headers.get("Upload-Length")))


def _fhir_json(content_type: str, content: bytes) -> Any:
    """The parsed body when it is FHIR JSON (an object with a resourceType), else None."""
    if "json" not in content_type.lower() or not content.strip():
        return None
    try:
        document = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(document, dict) or not isinstance(document.get("resourceType"), str):
        return None
    return _whole_text(document) if _SURROGATE_ESCAPE.search(content) else document


#: A JSON escape of half a UTF-16 pair (``\ud800``–``\udfff``); a whole pair is read as one character.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _whole_text(value: Any) -> Any:
    """``value`` with every lone half of a UTF-16 pair, which JSON may escape but no text holds (it cannot
    be encoded: found by an outside pass, one in a report stopped the pass), made U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_whole_text(item) for item in value]
    if isinstance(value, dict):
        return {_whole_text(key): _whole_text(item) for key, item in value.items()}
    return value


def _never_connected(exc: requests.RequestException) -> bool:
    """Whether ``exc`` failed before any connection was made (so before a byte of the request went)."""
    from urllib3.exceptions import NewConnectionError

    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.exceptions.ConnectionError) and isinstance(reason, NewConnectionError)


def _resource(answer: Answer, resource_type: str) -> dict[str, Any]:
    """The resource the answer holds, of that type. Any other is the platform's answer all the same (kind
    ``not_fhir``): found by an outside pass, a report answered with an OperationOutcome (200) was taken for
    the link down, its case never answered, and the reports read after it skipped."""
    document = answer.document
    if not isinstance(document, dict) or document.get("resourceType") != resource_type:
        raise TransientFault(M.tr("net.not_fhir"), kind="not_fhir")
    return document


#: One ``GET metadata`` to say whether the platform is there: a quick answer or none.
PROBE_CONNECT_TIMEOUT_S = 5.0
PROBE_READ_TIMEOUT_S = 10.0

_REASON = re.compile(
    r"(certificate verify failed[^'\")\]]*|\[Errno -?\d+\] [^'\")\]]+|"
    r"Name or service not known|Temporary failure in name resolution|Connection refused)"
)


def short_reason(exc: BaseException) -> str:
    """The useful words of a ``requests`` error (its message nests three exceptions deep)."""
    found = _REASON.findall(str(exc))
    return found[-1].strip() if found else type(exc).__name__


ProbeOutcome = Literal["ok", "sign_in", "unreachable", "timeout", "tls", "not_fhir", "cut"]


@dataclass(frozen=True)
class MetadataProbe:
    """What one ``GET metadata`` said: how it ended, in the user's words and in technical ones, and
    the platform's clock (``Date``) when it answered."""

    outcome: ProbeOutcome
    words: str  # ok: the platform's software and FHIR version; else the fault's sentence
    reason: str = ""  # what failed, short and technical ("Connection refused", "HTTP 503")
    date_header: str | None = None
    received_at: datetime | None = None


_OUTCOMES: dict[str, ProbeOutcome] = {
    "offline": "unreachable",
    "timeout": "timeout",
    "tls": "tls",
    "not_fhir": "not_fhir",
    "busy": "not_fhir",
    "conflict": "not_fhir",  # (it answered: reached)
    # It answered, and its answer was cut on the way (found in review: said « injoignable », with the
    # advice to check the Internet access): a proxy or an unstable link.
    "cut": "cut",
}


def probe_metadata(client: PlatformClient) -> MetadataProbe:
    """One ``GET metadata`` with short timeouts and no retry: whether the platform answers, and how.

    The one probe behind ``status``, the window's connection line, the wizard's "test the
    connection" and ``doctor``."""
    config = client.config
    client.config = ClientConfig(
        config.base_url,
        min(config.connect_timeout_s, PROBE_CONNECT_TIMEOUT_S),
        min(config.read_timeout_s, PROBE_READ_TIMEOUT_S),
        config.ca_bundle,
        config.proxy,
    )
    try:
        answer = client.request("GET", "metadata")
    except PlatformMoved as moved:  # not a sign-in to renew: the address to change
        return MetadataProbe("not_fhir", moved.message, f"HTTP {moved.status} → {moved.new_base}")
    except SignInRequired as exc:
        return MetadataProbe("sign_in", exc.message)
    except TransientFault as fault:
        cause = fault.__cause__
        reason = f"HTTP {fault.status}" if fault.status else short_reason(cause) if cause is not None else fault.words
        return MetadataProbe(_OUTCOMES.get(fault.kind, "unreachable"), fault.words, reason)
    except PermanentFault as fault:
        return MetadataProbe("not_fhir", fault.message, f"HTTP {fault.status}")
    finally:
        client.config = config  # the short timeouts were for the probe only
    received = clock.utc_now()
    date = answer.headers.get("Date")
    statement = answer.document
    if not isinstance(statement, dict) or statement.get("resourceType") != "CapabilityStatement":
        kind = answer.headers.get("Content-Type", "?").split(";")[0]
        return MetadataProbe("not_fhir", M.tr("net.not_fhir"), f"HTTP {answer.status}, {kind}", date, received)
    software = statement.get("software")
    name = software.get("name") if isinstance(software, dict) else None
    words = " ".join(str(x) for x in (name, statement.get("fhirVersion")) if x)
    return MetadataProbe("ok", words, date_header=date, received_at=received)


def probe_store(store: ConfiguredStore) -> tuple[str, str]:
    """How :func:`probe_metadata` to the configured platform ended, and its words (the window's
    connection line says which fault it is); ``settings`` when the settings keep it from asking (no
    platform, an unusable proxy, a CA file missing)."""
    try:
        client = PlatformClient.from_store(store)
    except TeleavisError as exc:
        return "settings", exc.message
    with client:
        probe = probe_metadata(client)
    return probe.outcome, probe.words


def check_reachable(store: ConfiguredStore) -> tuple[bool, str]:
    """Whether the configured platform answers ``GET metadata`` (``status`` and "test connection")."""
    outcome, words = probe_store(store)
    return outcome == "ok", words
