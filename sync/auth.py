"""Bearer tokens for the platform (docs/platform-api.md §1).

A token comes from the platform's OAuth 2.0 token endpoint (client credentials, or a refresh
token saved with ``config set platform.refresh_token -``: Teleavis has no password sign-in), from Pro
Santé Connect (sync/psc.py), or is a personal access token pasted by the user. The client
asks for a new one once after a 401; when that fails, syncing stops and says what to do: sign in again
(Pro Santé Connect), or call whoever set Teleavis up for a new token or secret (``sign_in_message``). Tokens and
secrets live in the encrypted settings (secret settings), never in logs.

The identity provider is never asked at every request: a refresh that finds it down or busy waits
(``RefreshBackoff``: its Retry-After, else a growing wait) before it is asked again, and a refresh
token it refuses (``invalid_grant``) is dropped: no more refresh until the user signs in again (Pro
Santé Connect) or a new refresh token is saved.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Literal, Protocol
from urllib.parse import quote_plus

import requests

from app import messages as M
from app.errors import StorageError, TeleavisError
from app.fsutil import disk_full
from app.urls import is_secure_url
from sync.ports import SettingsStore

log = logging.getLogger(__name__)

M.add(
    {
        "auth.sign_in": {
            "fr": "La plateforme refuse l'identification : reconnectez-vous (jeton expiré ou révoqué). "
            "La synchronisation est arrêtée ; rien n'a été perdu.",
            "en": "The platform refuses the credentials: sign in again (token expired or revoked). "
            "Syncing has stopped; nothing was lost.",
        },
        # A site whose access is set once, by whoever set Teleavis up, has no sign-in to do again (found by an
        # outside tester: « reconnectez-vous » told the nurse nothing): who to call, and what they give again.
        # The sentence is built from two parts each, shared with ``teleavis doctor`` (refused_words): what is
        # refused, and who gives it again.
        "auth.refused": {
            "fr": "La plateforme refuse {what}. La synchronisation est arrêtée ; rien n'a été perdu. {advice}",
            "en": "The platform refuses {what}. Syncing has stopped; nothing was lost. {advice}",
        },
        "auth.token_refused.what": {
            "fr": "le jeton d'accès enregistré sur ce poste (expiré ou révoqué)",
            "en": "the access token saved on this workstation (expired or revoked)",
        },
        "auth.token_refused.advice": {
            "fr": "Appelez la personne qui a installé Teleavis : elle demandera un nouveau jeton à la plateforme et "
            "l'enregistrera dans Édition > Réglages…, onglet Plateforme, « Jeton d'accès » (ou par « teleavis "
            "config set platform.token - »).",
            "en": "Call the person who set Teleavis up: they will ask the platform for a new token and save it in "
            "Edit > Settings…, Platform tab, “Access token” (or with “teleavis config set platform.token -”).",
        },
        "auth.client_refused.what": {
            "fr": "l'identifiant et le secret client enregistrés sur ce poste (changés ou révoqués)",
            "en": "the client id and secret saved on this workstation (changed or revoked)",
        },
        "auth.client_refused.advice": {
            "fr": "Appelez la personne qui a installé Teleavis : elle enregistrera ceux que donne la plateforme "
            "dans Édition > Réglages…, onglet Plateforme, « Identifiant client » et « Secret client » (ou par "
            "« teleavis config set platform.client_secret - »).",
            "en": "Call the person who set Teleavis up: they will save the ones the platform gives in Edit > "
            "Settings…, Platform tab, “Client id” and “Client secret” (or with “teleavis config set "
            "platform.client_secret -”).",
        },
        "auth.refresh_refused.what": {
            "fr": "le jeton de renouvellement enregistré sur ce poste (expiré ou révoqué)",
            "en": "the renewal token saved on this workstation (expired or revoked)",
        },
        "auth.refresh_refused.advice": {
            "fr": "Appelez la personne qui a installé Teleavis : elle en demandera un nouveau à la plateforme et "
            "l'enregistrera par « teleavis config set platform.refresh_token - ».",
            "en": "Call the person who set Teleavis up: they will ask the platform for a new one and save it with "
            "“teleavis config set platform.refresh_token -”.",
        },
        "auth.redirected": {
            "fr": "L'adresse de connexion (OAuth) renvoie ailleurs (HTTP {status}) : le secret ne lui a pas été "
            "renvoyé. Vérifiez le réglage platform.token_url avec la plateforme. La synchronisation est "
            "arrêtée ; rien n'a été perdu.",
            "en": "The sign-in (OAuth) address redirects elsewhere (HTTP {status}): the secret was not sent on. "
            "Check the platform.token_url setting with the platform. Syncing has stopped; nothing was lost.",
        },
        "auth.disk_full": {
            "fr": "Le disque est plein : la connexion à la plateforme, renouvelée, n'a pas pu être enregistrée. "
            "Rien n'est perdu : elle le sera d'elle-même dès que possible. Libérez de la place (ou prévenez le "
            "support informatique), puis fermez Teleavis et rouvrez-le.",
            "en": "The disk is full: the renewed sign-in to the platform could not be saved. Nothing is lost: it "
            "will be saved by itself as soon as it can. Free some space (or call IT support), then close Teleavis "
            "and open it again.",
        },
        "auth.refresh_later": {
            "fr": "Le service de connexion ne répond pas pour l'instant : nouvel essai automatique plus tard.",
            "en": "The sign-in service does not answer for now: it will be tried again automatically later.",
        },
    }
)

#: Waits between two asks of an identity provider that did not answer (seconds): doubling from the first,
#: up to the last; a Retry-After it gives is followed, up to ``REFRESH_MAX_RETRY_AFTER_S``.
REFRESH_BASE_S = 5.0
REFRESH_CAP_S = 300.0
REFRESH_MAX_RETRY_AFTER_S = 3600.0


class RefreshUnavailable(requests.ConnectionError):
    """The identity provider gave no fresh token now (down, busy, unreachable): it is asked again after
    ``retry_after`` seconds, not before (the platform client makes it a transient fault)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__("the token endpoint is to be asked again later")
        self.retry_after = retry_after


class RefreshBackoff:
    """When an identity provider that failed may be asked again. Found in review: with the provider down,
    every request to the platform asked it for a token twice (before the request, and after its 401),
    and the window's sync, paused then started again, asked again a dead refresh token every 30 s."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.failures = 0
        self._until = 0.0

    def check(self) -> None:
        """``RefreshUnavailable`` while the provider is not to be asked yet."""
        left = self._until - self.clock()
        if left > 0:
            raise RefreshUnavailable(left)

    def failed(self, retry_after: float | None) -> float:
        """The provider failed: how long until it is asked again (its Retry-After, else a growing wait)."""
        if retry_after is not None:
            delay = min(max(retry_after, 0.0), REFRESH_MAX_RETRY_AFTER_S)
        else:
            delay = min(REFRESH_CAP_S, REFRESH_BASE_S * 2 ** min(self.failures, 10))
        self.failures += 1
        self._until = self.clock() + delay
        return delay

    def succeeded(self) -> None:
        self.failures, self._until = 0, 0.0


def retry_after_of(failed: BaseException | requests.Response) -> float | None:
    """The Retry-After of a token endpoint's answer, or of the one a failed request carries."""
    from sync.client import retry_after_in  # (the client imports this module)

    response = failed if isinstance(failed, requests.Response) else getattr(failed, "response", None)
    headers = getattr(response, "headers", None)
    return retry_after_in(headers) if headers is not None else None


def addresses_kept(settings: SettingsStore, keys: tuple[str, ...]) -> Callable[[], bool]:
    """Whether the addresses ``keys`` still name the servers they named now (a path changed: the same): a token
    a source made now refreshes is kept only then. Found in review: ``config set`` moved the sign-in address
    to another server while the window synchronised, and erased the secrets kept for the old one
    (app.settings.secrets_left_behind); the window's sync, still on the old address, wrote its refreshed
    tokens back, and the next start sent them to the new server."""
    from app.urls import same_host

    made = {key: str(settings.get(key) or "") for key in keys}

    def still() -> bool:
        for key, before in made.items():
            now = str(settings.get(key) or "")
            if now != before and not same_host(before, now):
                log.warning("a token refreshed for %s, since moved to another server, is not kept", key)
                return False
        return True

    return still


def keep_or_say_full(save: Callable[[], None]) -> None:
    """``save()`` a refreshed token; a full disk says so in the sync's words (``auth.disk_full``)."""
    try:
        save()
    except StorageError as exc:
        if not disk_full(exc) and exc.message != M.tr("storage.full"):
            raise
        raise StorageError(M.tr("auth.disk_full")) from exc


#: What a token endpoint answers when it cannot give a token now, the grant still good (RFC 6749 §5.2
#: and its errata; ``slow_down`` is the polled grants').
BUSY_ERRORS = ("temporarily_unavailable", "server_error", "slow_down")


def _oauth_error(answer: requests.Response) -> str | None:
    """The OAuth ``error`` code a token endpoint's answer names (RFC 6749 §5.2), None when it names none
    (not the provider speaking: a proxy's page, an empty body)."""
    try:
        document = answer.json()
    except ValueError:
        return None
    error = document.get("error") if isinstance(document, dict) else None
    return error if isinstance(error, str) and error else None


#: Tokens refreshed that a full disk kept from being saved, by token endpoint, client and the refresh
#: token the settings still hold: found in review, the window's sync, paused by the full disk, started
#: again with a token source read from the settings, which sent the refresh token the provider had just
#: rotated away (refused: the user signed out). A source made from the same settings takes them up.
_UNSAVED: dict[tuple[str, str, str], tuple[str, str | None]] = {}


class SignInRequired(TeleavisError):
    """The platform refused the token and a fresh one could not be had: the user must sign in."""


class UnsafeSignIn(SignInRequired):
    """The token endpoint is not HTTPS (off loopback) or redirects: no secret is sent, the user must fix it."""


class TokenSource(Protocol):
    def token(self) -> str | None:
        """The current access token, or None to send no Authorization header."""

    def refresh(self, session: requests.Session, timeout: tuple[float, float]) -> bool:
        """Get a new token after a 401; False when there is no way to (the user must sign in)."""


class StaticToken:
    """A pasted personal access token (or none): it cannot be refreshed."""

    def __init__(self, token: str | None) -> None:
        self._token = token or None

    def token(self) -> str | None:
        return self._token

    def refresh(self, session: requests.Session, timeout: tuple[float, float]) -> bool:
        return False

    #: What the platform refuses when it refuses this source (:func:`refused_words`).
    refused = "token"

    @staticmethod
    def sign_in_message() -> str:
        """Words for the user when the platform refuses the token: no sign-in here, a new token to save."""
        return refused_message("token")


class OAuthToken:
    """Client-credentials or refresh-token grant against the platform's token endpoint.

    ``save`` receives (access token, refresh token or None) so the caller can keep them encrypted.
    Network failures while refreshing are transient faults for the caller to retry; an answer
    of 400/401 naming an OAuth error (``invalid_grant``…), or a bare 401, means the grant is dead.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str = "",
        refresh_token: str = "",
        access_token: str = "",
        save: Callable[[str, str | None], None] | None = None,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self._access = access_token or None
        self._save = save
        self._lock = threading.Lock()
        self.backoff = RefreshBackoff()
        #: The endpoint refused this grant (a wrong secret, a refresh token expired or revoked): never asked
        #: again with it (a refresh token refused is forgotten, in the settings too, by ``save``).
        self._refused = False
        #: The token endpoint took the client's secret in the form's body, not in HTTP Basic: sent there first.
        self._secret_in_body = False
        #: A token refreshed that a full disk kept from being saved: saved at the next use.
        self._unsaved: tuple[str, str | None] | None = None
        #: The refresh token the settings hold (the one a token source made from them would send).
        self._stored_refresh = refresh_token
        pending = _UNSAVED.get(self._pending_key())
        if pending is not None and save is not None:  # refreshed by an earlier source of this process
            self._access, rotated = pending
            self.refresh_token = rotated or self.refresh_token
            self._unsaved = pending

    def token(self) -> str | None:
        with self._lock:
            if self._unsaved is not None:
                self._keep(*self._unsaved)
            return self._access

    def _pending_key(self) -> tuple[str, str, str]:
        return (str(self.token_url), str(self.client_id), str(self._stored_refresh or ""))

    def _keep(self, access: str, refresh: str | None) -> None:
        if self._save is None:
            return
        self._unsaved = (access, refresh)
        try:
            keep_or_say_full(lambda: self._save(access, refresh) if self._save is not None else None)
        except StorageError:
            _UNSAVED[self._pending_key()] = (access, refresh)
            raise
        _UNSAVED.pop(self._pending_key(), None)
        self._unsaved = None
        if refresh is not None:
            self._stored_refresh = refresh

    def sign_in_message(self) -> str:
        """Words for the user when the platform refuses the token and no refresh helps: the credentials set
        here to give again (a confidential client's secret, else the refresh token it lives on)."""
        return refused_message(self.refused)

    @property
    def refused(self) -> Refused:
        """What the platform refuses when no refresh helps (:func:`refused_words`)."""
        return "client" if self.client_secret else "refresh"

    def refresh(self, session: requests.Session, timeout: tuple[float, float]) -> bool:
        with self._lock:
            if self._refused:
                return False
            # A confidential client asks afresh; one without a secret lives on its (rotating) refresh token.
            # The client's secret goes in HTTP Basic, its id and secret form-encoded first, as RFC 6749
            # §2.3.1 requires every token endpoint to take it (found by a conformance pass: sent in the
            # form's body, which the RFC does not recommend, it was refused by an endpoint taking Basic
            # only, and the site could never sync). An endpoint that refuses it there as an unknown client
            # (one set to take it in the body alone) gets it in the body, once, and so on afterwards. A
            # public client names itself in the form.
            attempts: list[tuple[dict[str, str], tuple[str, str] | None]]
            if self.client_secret:
                basic = (quote_plus(str(self.client_id or "")), quote_plus(self.client_secret))
                in_body = {"client_id": str(self.client_id or ""), "client_secret": self.client_secret}
                attempts = [
                    ({"grant_type": "client_credentials"}, basic),
                    ({"grant_type": "client_credentials", **in_body}, None),
                ]
                if self._secret_in_body:
                    attempts.reverse()
            elif self.refresh_token:
                form = {"grant_type": "refresh_token", "refresh_token": self.refresh_token, "client_id": self.client_id}
                attempts = [(form, None)]
            else:
                return False
            if not is_secure_url(self.token_url):
                raise UnsafeSignIn(M.tr("url.insecure", key="platform.token_url", url=self.token_url))
            self.backoff.check()
            document: dict[str, Any] = {}
            for tried, (form, basic_auth) in enumerate(attempts, 1):
                # Never followed: a 307 would post the client secret again, to wherever it points.
                try:
                    answer = session.post(
                        self.token_url,
                        data=form,
                        auth=basic_auth,
                        timeout=timeout,
                        headers={"Accept": "application/json"},
                        allow_redirects=False,
                    )
                except requests.RequestException as exc:
                    raise RefreshUnavailable(self.backoff.failed(None)) from exc
                with answer:
                    if answer.is_redirect or 300 <= answer.status_code < 400:
                        log.warning("token endpoint redirected (%d): not followed", answer.status_code)
                        raise UnsafeSignIn(M.tr("auth.redirected", status=answer.status_code))
                    if (
                        tried < len(attempts)
                        and answer.status_code in (400, 401)
                        and _oauth_error(answer) == "invalid_client"
                    ):
                        log.warning(
                            "token endpoint refused the client's secret %s",
                            "in the body" if basic_auth is None else "in HTTP Basic",
                        )
                        continue
                    granted = self._granted(answer)
                if granted is None:
                    return False
                document = granted
                self._secret_in_body = bool(self.client_secret) and basic_auth is None
                break
            access = document.get("access_token")
            if not isinstance(access, str) or not access:
                raise RefreshUnavailable(self.backoff.failed(None))
            self.backoff.succeeded()
            self._access = access
            rotated = document.get("refresh_token")
            if isinstance(rotated, str) and rotated:
                self.refresh_token = rotated
            log.info("access token refreshed")
            self._keep(access, rotated if isinstance(rotated, str) and rotated else None)
            return True

    def _granted(self, answer: requests.Response) -> dict[str, Any] | None:
        """The token endpoint's answer read: its JSON document, or None when it refused the grant (then
        not asked again); raises ``RefreshUnavailable`` when it did not answer as the provider."""
        if answer.status_code in (400, 401, 403):
            error = _oauth_error(answer)
            if error in BUSY_ERRORS or (error is None and answer.status_code != 401):
                # Found in review: a proxy's block page (403, HTML) or a provider « temporarily
                # unavailable » dropped the refresh token for good, the user signed out for a
                # passing fault. Only an OAuth error (or a 401: the client refused) ends the grant.
                log.warning("token endpoint answered %d without refusing the grant", answer.status_code)
                raise RefreshUnavailable(self.backoff.failed(retry_after_of(answer)))
            log.warning("token endpoint refused the grant (%d)", answer.status_code)
            self._refuse()
            return None
        if answer.status_code >= 500 or answer.status_code == 429:
            log.warning("token endpoint answered %d", answer.status_code)
            raise RefreshUnavailable(self.backoff.failed(retry_after_of(answer)))
        try:
            document = answer.json()
        except ValueError as exc:
            raise RefreshUnavailable(self.backoff.failed(None)) from exc
        return document if isinstance(document, dict) else {}

    def _refuse(self) -> None:
        """The grant is dead: not asked again; a refresh token refused is forgotten (the user signs in again)."""
        self._refused = True
        if self.refresh_token and not self.client_secret:
            self.refresh_token = ""
            if self._save is not None:  # (with no access token kept too: found in review, sent again)
                try:
                    self._save(self._access or "", "")
                except StorageError:
                    log.warning("the refresh token refused could not be forgotten in the settings")


Refused = Literal["token", "client", "refresh"]


def refused_words(refused: Refused) -> tuple[str, str]:
    """What the platform refuses that is saved on this workstation (``token``: a fixed token; ``client``: an
    OAuth client's id and secret; ``refresh``: a refresh token), and who gives it again: the two parts of the
    sync's sentence (:func:`refused_message`), said by ``teleavis doctor`` as its diagnosis and its advice."""
    return M.tr(f"auth.{refused}_refused.what"), M.tr(f"auth.{refused}_refused.advice")


def refused_message(refused: Refused) -> str:
    """The sync's words when the platform refuses what is saved here: no sign-in to do again, whom to call."""
    what, advice = refused_words(refused)
    return M.tr("auth.refused", what=what, advice=advice)


def token_source_from_settings(settings: SettingsStore) -> TokenSource:
    """The token source the site configured: Pro Santé Connect when an OpenID issuer is set, OAuth when a
    token URL is, else the pasted token."""
    if settings.get("platform.oidc_issuer"):
        # Pro Santé Connect: the professional's own sign-in (``teleavis login``), refreshed silently.
        from sync.psc import PscToken, client_from_settings

        return PscToken(client_from_settings(settings), settings)
    token_url = settings.get("platform.token_url")
    access = settings.get("platform.token")
    if not token_url:
        return StaticToken(access)

    still = addresses_kept(settings, ("platform.url", "platform.token_url"))

    def save(new_access: str, new_refresh: str | None) -> None:
        if not still():
            return
        settings.set("platform.token", new_access)
        if new_refresh is not None:  # "" : the refresh token was refused, forgotten
            settings.set("platform.refresh_token", new_refresh)

    return OAuthToken(
        token_url,
        settings.get("platform.client_id"),
        settings.get("platform.client_secret"),
        settings.get("platform.refresh_token"),
        access,
        save,
    )
