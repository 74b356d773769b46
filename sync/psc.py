"""Signing a professional in with Pro Santé Connect (PSC), the national OpenID Connect provider.

The platform's issuer (setting ``platform.oidc_issuer``) publishes its endpoints in
``.well-known/openid-configuration``. Two ways in, both asking ``acr_values=eidas1`` and the scopes
``openid scope_all``:

- **authorization code with PKCE (S256)** in the system browser, back to a loopback redirect
  ``http://127.0.0.1:<random port>/callback`` (RFC 8252), ``state`` and ``nonce`` checked;
- **CIBA** (poll mode) when the discovery document has a ``backchannel_authentication_endpoint``:
  the professional validates on their phone (e-CPS) while the workstation polls the token endpoint
  with the ``auth_req_id``, at the ``interval`` asked and 5 s slower after each ``slow_down``.

The OAuth exchanges are authlib's (``OAuth2Session``); the ID token is verified with joserfc against
the provider's JWKS (RS256, issuer, audience, expiry, nonce), and refused when its ``acr`` is below
what was asked. The signed-in professional (RPPS, name) comes from the userinfo (``SubjectNameID`` =
``8`` + RPPS). Tokens and the professional are kept sealed in the settings (``state.psc.*``); an
expired access token is refreshed silently with the refresh token.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from app import messages as M
from app.errors import StorageError, TeleavisError
from app.identifiers import adeli_is_valid
from app.urls import is_secure_url, session_proxies
from sync.auth import (
    BUSY_ERRORS,
    RefreshBackoff,
    RefreshUnavailable,
    addresses_kept,
    keep_or_say_full,
    retry_after_of,
)
from sync.ports import SettingsReader, SettingsStore

log = logging.getLogger(__name__)

SCOPE = "openid scope_all"
ACR = "eidas1"
CIBA_GRANT = "urn:openid:params:grant-type:ciba"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
#: The eIDAS levels in order; an ``acr`` not in this list is below all of them.
ACR_LEVELS = ("eidas1", "eidas2", "eidas3")
TOKENS_SETTING = "state.psc.tokens"
PROFESSIONAL_SETTING = "state.psc.professional"

M.add(
    {
        "psc.discovery": {
            "fr": "Pro Santé Connect : le document de découverte de {issuer} est illisible ou injoignable ({why}). "
            "Vérifiez le réglage platform.oidc_issuer et le réseau.",
            "en": "Pro Santé Connect: the discovery document of {issuer} cannot be read or reached ({why}). "
            "Check the platform.oidc_issuer setting and the network.",
        },
        "psc.insecure": {
            "fr": "Pro Santé Connect : l'adresse {url} n'est pas en https : aucune connexion n'y est faite.",
            "en": "Pro Santé Connect: the address {url} is not https: no sign-in is made there.",
        },
        "psc.state": {
            "fr": "Connexion Pro Santé Connect refusée : la réponse ne correspond pas à la demande (state). "
            "Recommencez depuis Teleavis.",
            "en": "Pro Santé Connect sign-in refused: the answer does not match the request (state). "
            "Start again from Teleavis.",
        },
        "psc.denied": {
            "fr": "Connexion Pro Santé Connect refusée par le fournisseur : {why}.",
            "en": "Pro Santé Connect sign-in refused by the provider: {why}.",
        },
        "psc.timeout": {
            "fr": "Connexion Pro Santé Connect non terminée à temps : recommencez.",
            "en": "Pro Santé Connect sign-in not completed in time: start again.",
        },
        "psc.id_token": {
            "fr": "Connexion Pro Santé Connect refusée : le jeton d'identité n'est pas valable ({why}).",
            "en": "Pro Santé Connect sign-in refused: the identity token is not valid ({why}).",
        },
        "psc.acr": {
            "fr": "Connexion Pro Santé Connect refusée : le niveau d'authentification obtenu ({got}) est inférieur "
            "à celui exigé ({wanted}). Connectez-vous avec votre e-CPS ou votre carte CPS.",
            "en": "Pro Santé Connect sign-in refused: the authentication level obtained ({got}) is lower than the "
            "one required ({wanted}). Sign in with your e-CPS app or your CPS card.",
        },
        "psc.userinfo": {
            "fr": "Pro Santé Connect : les informations du professionnel sont illisibles ({why}).",
            "en": "Pro Santé Connect: the professional's information cannot be read ({why}).",
        },
        "psc.no_rpps": {
            "fr": "Pro Santé Connect : ce compte n'a ni numéro RPPS ni numéro ADELI (identifiant national {id}) ; "
            "une demande de télé-expertise exige un professionnel inscrit au RPPS ou à ADELI.",
            "en": "Pro Santé Connect: this account has neither an RPPS nor an ADELI number (national id {id}); "
            "a tele-expertise request needs a professional registered in the RPPS or ADELI.",
        },
        "psc.phone": {
            "fr": "Validez sur votre téléphone (application e-CPS) la connexion à Teleavis…",
            "en": "Approve the sign-in to Teleavis on your phone (e-CPS app)…",
        },
        "psc.device": {
            "fr": "Sur un ordinateur ou un téléphone, ouvrez {url} et saisissez le code {code} pour vous connecter "
            "avec Pro Santé Connect.",
            "en": "On a computer or a phone, open {url} and type the code {code} to sign in with Pro Santé Connect.",
        },
        "psc.open": {
            "fr": "Ouvrez cette adresse dans un navigateur pour vous connecter avec Pro Santé Connect :\n{url}",
            "en": "Open this address in a browser to sign in with Pro Santé Connect:\n{url}",
        },
        "psc.callback_ok": {
            "fr": "Connexion Pro Santé Connect reçue : vous pouvez fermer cette page et revenir à Teleavis.",
            "en": "Pro Santé Connect sign-in received: you may close this page and go back to Teleavis.",
        },
        "psc.sign_in": {
            "fr": "La plateforme demande une connexion Pro Santé Connect : connectez-vous (Réglages > Plateforme > "
            "« Se connecter avec Pro Santé Connect », ou « teleavis login »). La synchronisation est arrêtée ; "
            "rien n'a été perdu.",
            "en": "The platform asks for a Pro Santé Connect sign-in: sign in (Settings > Platform > “Sign in with "
            "Pro Santé Connect”, or “teleavis login”). Syncing has stopped; nothing was lost.",
        },
        "psc.not_configured": {
            "fr": "Aucun fournisseur Pro Santé Connect n'est configuré (réglage platform.oidc_issuer). Rien n'a "
            "été changé. Donnez d'abord l'adresse Pro Santé Connect que la plateforme vous indique (teleavis config "
            "set platform.oidc_issuer https://…), puis recommencez ; si elle vous a donné un jeton d'accès à la "
            "place, donnez-le ainsi : teleavis config set platform.token -",
            "en": "No Pro Santé Connect provider is configured (platform.oidc_issuer setting). Nothing was changed. "
            "First give the Pro Santé Connect address the platform tells you (teleavis config set "
            "platform.oidc_issuer https://…), then try again; if it gave you an access token instead, give it so: "
            "teleavis config set platform.token -",
        },
    }
)


class PscError(TeleavisError):
    """The sign-in failed; the message says why in the user's language."""


class ProviderBusy(requests.HTTPError):
    """The provider's token endpoint answered that it cannot give a token now (its ``response`` carries
    the Retry-After, when it said one)."""

    def __init__(self, response: requests.Response | None) -> None:
        super().__init__("the token endpoint cannot answer now", response=response)


@dataclass(frozen=True)
class Professional:
    """The signed-in professional, from the userinfo."""

    rpps: str
    family: str
    given: str
    national_id: str
    #: A professional not in the RPPS (``rpps`` empty): national id ``0`` + ADELI.
    adeli: str = ""

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}".strip()

    @property
    def number(self) -> str:
        """Their own number, named: « RPPS … », or « ADELI … »."""
        return f"RPPS {self.rpps}" if self.rpps or not self.adeli else f"ADELI {self.adeli}"


def acr_satisfies(got: object, wanted: str) -> bool:
    """Whether an ``acr`` is at least the level asked (an unknown or missing one is not)."""
    if not isinstance(got, str) or got not in ACR_LEVELS:
        return False
    return wanted not in ACR_LEVELS or ACR_LEVELS.index(got) >= ACR_LEVELS.index(wanted)


def professional_from_userinfo(claims: dict[str, Any]) -> Professional:
    """The professional PSC's userinfo describes: ``SubjectNameID`` is the national id (IDNPS, TRE_G08),
    ``8`` + RPPS, or ``0`` + ADELI for a professional not in the RPPS (PSC's national id is « RPPS (ou
    ADELI) », the ANS's API page says)."""
    national = claims.get("SubjectNameID") or claims.get("preferred_username")
    if not isinstance(national, str) or not national:
        raise PscError(M.tr("psc.userinfo", why="SubjectNameID"))
    adeli = national[1:] if national.startswith("0") and adeli_is_valid(national[1:]) else ""
    if not adeli and not (national.startswith("8") and len(national) == 12 and national[1:].isdigit()):
        raise PscError(M.tr("psc.no_rpps", id=national))
    exercices = (claims.get("SubjectRefPro") or {}).get("exercices") or [{}]
    first = exercices[0] if isinstance(exercices, list) and exercices and isinstance(exercices[0], dict) else {}
    family = claims.get("family_name") or first.get("nomDexercice") or ""
    given = claims.get("given_name") or first.get("prenomDexercice") or ""
    return Professional("" if adeli else national[1:], str(family), str(given), national, adeli=adeli)


class _Callback(BaseHTTPRequestHandler):
    """The loopback redirect's one page: takes ``/callback?code&state`` (or ``error``)."""

    server: _LoopbackServer

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/callback":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        params = {key: values[0] for key, values in parse_qs(url.query).items()}
        body = f"<!doctype html><meta charset='utf-8'><p>{M.tr('psc.callback_ok')}</p>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.server.received = params
        self.server.done.set()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("loopback callback: " + format, *args)


class _LoopbackServer(HTTPServer):
    def __init__(self) -> None:
        self.received: dict[str, str] = {}
        self.done = threading.Event()
        super().__init__(("127.0.0.1", 0), _Callback)

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/callback"


class PscClient:
    """One platform's PSC sign-in: discovery, the two flows, ID token checks, userinfo, refresh."""

    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str = "",
        *,
        acr: str = ACR,
        scope: str = SCOPE,
        timeout: tuple[float, float] = (10.0, 30.0),
        session: requests.Session | None = None,
        ca_bundle: str = "",
        proxy: str = "",
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id, self.client_secret = client_id, client_secret
        self.acr, self.scope, self.timeout = acr, scope, timeout
        self.ca_bundle, self.proxy = ca_bundle, proxy
        self._http = self._configure(session or requests.Session())
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None

    # -- discovery ------------------------------------------------------------------------------------

    @property
    def metadata(self) -> dict[str, Any]:
        """The discovery document (fetched once); every endpoint must be https (or loopback)."""
        if self._metadata is None:
            url = f"{self.issuer}/.well-known/openid-configuration"
            if not is_secure_url(url):
                raise PscError(M.tr("psc.insecure", url=url))
            try:
                answer = self._http.get(url, timeout=self.timeout, allow_redirects=False)
                answer.raise_for_status()
                document = answer.json()
            except (requests.RequestException, ValueError) as exc:
                raise PscError(M.tr("psc.discovery", issuer=self.issuer, why=type(exc).__name__)) from exc
            if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != self.issuer:
                raise PscError(M.tr("psc.discovery", issuer=self.issuer, why="issuer"))
            for name in (
                "authorization_endpoint",
                "token_endpoint",
                "jwks_uri",
                "userinfo_endpoint",
                "backchannel_authentication_endpoint",
                "device_authorization_endpoint",
            ):
                value = document.get(name)
                if value is not None and (not isinstance(value, str) or not is_secure_url(value)):
                    raise PscError(M.tr("psc.insecure", url=value))
            for name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"):
                if not document.get(name):
                    raise PscError(M.tr("psc.discovery", issuer=self.issuer, why=name))
            self._metadata = document
        return self._metadata

    @property
    def offers_ciba(self) -> bool:
        """Whether the provider has a CIBA backchannel endpoint (poll mode)."""
        return bool(self.metadata.get("backchannel_authentication_endpoint"))

    def _configure(self, session: Any) -> Any:
        """The site's CA bundle and proxy, as the platform client has them (and no environment proxy)."""
        session.verify = self.ca_bundle or True
        session.trust_env = False
        try:
            session.proxies = session_proxies(self.proxy)
        except TeleavisError as exc:  # a proxy kept unusable: no sign-in without it (app/urls.py)
            raise PscError(exc.message) from None
        return session

    def _oauth(self, **kwargs: Any) -> OAuth2Session:
        session = self._configure(
            OAuth2Session(
                self.client_id,
                self.client_secret or None,
                scope=self.scope,
                code_challenge_method="S256",
                default_timeout=self.timeout,
                **kwargs,
            )
        )
        session.metadata["token_endpoint"] = self.metadata["token_endpoint"]
        return session

    # -- the browser flow -----------------------------------------------------------------------------

    def sign_in_browser(
        self, open_browser: Callable[[str], Any], timeout_s: float = 300.0, stop: threading.Event | None = None
    ) -> dict[str, Any]:
        """The authorization-code flow with PKCE through ``open_browser(url)`` and a loopback redirect.

        Returns the token response (with ``expires_at``) once the ID token is checked."""
        loopback = _LoopbackServer()
        thread = threading.Thread(
            target=loopback.serve_forever, kwargs={"poll_interval": 0.1}, name="psc-loopback", daemon=True
        )
        thread.start()
        try:
            nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(48)
            with self._oauth(redirect_uri=loopback.redirect_uri) as oauth:
                url, state = oauth.create_authorization_url(
                    self.metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce, acr_values=self.acr
                )
                open_browser(url)
                deadline = time.monotonic() + timeout_s
                while not loopback.done.wait(0.2):
                    if time.monotonic() > deadline or (stop is not None and stop.is_set()):
                        raise PscError(M.tr("psc.timeout"))
                answer = loopback.received
                if not secrets.compare_digest(answer.get("state", ""), state):
                    raise PscError(M.tr("psc.state"))
                if "error" in answer:
                    raise PscError(M.tr("psc.denied", why=answer.get("error_description") or answer["error"]))
                try:
                    token = oauth.fetch_token(
                        self.metadata["token_endpoint"],
                        grant_type="authorization_code",
                        code=answer.get("code", ""),
                        code_verifier=verifier,
                        redirect_uri=loopback.redirect_uri,
                    )
                except OAuthError as exc:
                    raise PscError(M.tr("psc.denied", why=exc.description or exc.error)) from exc
            self.verify_id_token(token.get("id_token"), nonce)
            return dict(token)
        finally:
            loopback.shutdown()
            loopback.server_close()
            thread.join()

    # -- CIBA -----------------------------------------------------------------------------------------

    def sign_in_ciba(
        self,
        login_hint: str,
        on_waiting: Callable[[str], Any],
        *,
        sleep: Callable[[float], Any] = time.sleep,
        timeout_s: float = 300.0,
        stop: threading.Event | None = None,
    ) -> dict[str, Any]:
        """CIBA in poll mode: ask the provider to reach the professional's phone, then poll.

        ``on_waiting`` gets the words to show ("validez sur votre téléphone") once the request is taken."""
        endpoint = self.metadata.get("backchannel_authentication_endpoint")
        if not endpoint:
            raise PscError(M.tr("psc.denied", why="CIBA"))
        with self._oauth() as oauth:
            document = self._start_polled_grant(
                oauth, str(endpoint), "auth_req_id", {"login_hint": login_hint, "binding_message": "Teleavis"}
            )
            auth_req_id = str(document["auth_req_id"])
            interval = float(document.get("interval") or 5)
            deadline = time.monotonic() + min(timeout_s, float(document.get("expires_in") or timeout_s))
            on_waiting(M.tr("psc.phone"))
            token = self._poll(oauth, CIBA_GRANT, {"auth_req_id": auth_req_id}, interval, deadline, sleep, stop)
        self.verify_id_token(token.get("id_token"), None)
        return dict(token)

    def _start_polled_grant(self, oauth: Any, endpoint: str, handle: str, extra: dict[str, str]) -> dict[str, Any]:
        """Ask ``endpoint`` (CIBA's backchannel or RFC 8628's device authorization) to start a grant
        the token endpoint is then polled for; its answer, which must carry ``handle``."""
        form = {"scope": self.scope, "acr_values": self.acr, **extra}
        if not self.client_secret:
            form["client_id"] = self.client_id
        try:
            answer = self._http.post(
                endpoint,
                data=form,
                auth=oauth.client_auth(oauth.token_endpoint_auth_method),
                timeout=self.timeout,
                allow_redirects=False,
                headers={"Accept": "application/json"},
            )
            document = answer.json()
        except (requests.RequestException, ValueError) as exc:
            raise PscError(M.tr("psc.denied", why=type(exc).__name__)) from exc
        if answer.status_code != 200 or not isinstance(document, dict) or not document.get(handle):
            why = (
                (document.get("error_description") or document.get("error"))
                if isinstance(document, dict)
                else answer.status_code
            )
            raise PscError(M.tr("psc.denied", why=why))
        return document

    def _poll(
        self,
        oauth: Any,
        grant_type: str,
        params: dict[str, str],
        interval: float,
        deadline: float,
        sleep: Callable[[float], Any],
        stop: threading.Event | None,
    ) -> dict[str, Any]:
        """Poll the token endpoint until the professional approves (CIBA §10-11, RFC 8628 §3.4-3.5):
        ``authorization_pending`` waits ``interval`` more, ``slow_down`` adds 5 s to it for good."""
        while True:
            sleep(interval)
            if time.monotonic() > deadline or (stop is not None and stop.is_set()):
                raise PscError(M.tr("psc.timeout"))
            try:
                return dict(oauth.fetch_token(self.metadata["token_endpoint"], grant_type=grant_type, **params))
            except OAuthError as exc:
                if exc.error == "authorization_pending":
                    continue
                if exc.error == "slow_down":
                    interval += 5
                    continue
                raise PscError(M.tr("psc.denied", why=exc.description or exc.error)) from exc

    # -- the device flow (RFC 8628), where a provider offers it ---------------------------------------

    @property
    def offers_device(self) -> bool:
        """Whether the provider has a device authorization endpoint (RFC 8628)."""
        return bool(self.metadata.get("device_authorization_endpoint"))

    def sign_in_device(
        self,
        on_code: Callable[[str], Any],
        *,
        sleep: Callable[[float], Any] = time.sleep,
        timeout_s: float = 300.0,
        stop: threading.Event | None = None,
    ) -> dict[str, Any]:
        """The device authorization grant: ``on_code`` gets the words to show (the address to open on
        another device and the code to type there), then the token endpoint is polled."""
        endpoint = self.metadata.get("device_authorization_endpoint")
        if not isinstance(endpoint, str) or not is_secure_url(endpoint):
            raise PscError(M.tr("psc.insecure", url=endpoint))
        with self._oauth() as oauth:
            document = self._start_polled_grant(oauth, endpoint, "device_code", {})
            on_code(
                M.tr(
                    "psc.device",
                    url=document.get("verification_uri_complete") or document.get("verification_uri"),
                    code=document.get("user_code"),
                )
            )
            deadline = time.monotonic() + min(timeout_s, float(document.get("expires_in") or timeout_s))
            token = self._poll(
                oauth,
                DEVICE_GRANT,
                {"device_code": str(document["device_code"])},
                float(document.get("interval") or 5),
                deadline,
                sleep,
                stop,
            )
        self.verify_id_token(token.get("id_token"), None)
        return token

    # -- checks ---------------------------------------------------------------------------------------

    def _key_set(self, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            try:
                answer = self._http.get(self.metadata["jwks_uri"], timeout=self.timeout, allow_redirects=False)
                answer.raise_for_status()
                self._keys = KeySet.import_key_set(answer.json())
            except (requests.RequestException, ValueError, JoseError) as exc:
                raise PscError(M.tr("psc.id_token", why="JWKS")) from exc
        return self._keys

    def _signed_claims(self, token: str) -> dict[str, Any]:
        """The claims of a JWT signed by the provider (RS256, its JWKS), issuer and audience checked."""
        try:
            try:
                decoded = jwt.decode(token, self._key_set(), algorithms=["RS256"])
            except JoseError:
                decoded = jwt.decode(token, self._key_set(refresh=True), algorithms=["RS256"])
            jwt.JWTClaimsRegistry(
                leeway=60, iss={"essential": True, "value": self.issuer}, aud={"value": self.client_id}
            ).validate(decoded.claims)
        except JoseError as exc:
            raise PscError(M.tr("psc.userinfo", why=exc.error or type(exc).__name__)) from exc
        return dict(decoded.claims)

    def verify_id_token(self, id_token: object, nonce: str | None, *, check_acr: bool = True) -> dict[str, Any]:
        """The ID token's claims once its RS256 signature (provider's JWKS), issuer, audience, expiry,
        nonce and ``acr`` (unless ``check_acr`` is false) hold; ``PscError`` otherwise."""
        if not isinstance(id_token, str) or not id_token:
            raise PscError(M.tr("psc.id_token", why="id_token"))
        try:
            try:
                decoded = jwt.decode(id_token, self._key_set(), algorithms=["RS256"])
            except JoseError:  # The provider may have rolled its keys: read them again, once.
                decoded = jwt.decode(id_token, self._key_set(refresh=True), algorithms=["RS256"])
            options: dict[str, Any] = {
                "iss": {"essential": True, "value": self.issuer},
                "aud": {"essential": True, "value": self.client_id},
                "exp": {"essential": True},
                "sub": {"essential": True},
            }
            if nonce:
                options["nonce"] = {"essential": True, "value": nonce}
            jwt.JWTClaimsRegistry(leeway=60, **options).validate(decoded.claims)
        except JoseError as exc:
            raise PscError(M.tr("psc.id_token", why=exc.error or type(exc).__name__)) from exc
        claims = dict(decoded.claims)
        if check_acr and not acr_satisfies(claims.get("acr"), self.acr):
            raise PscError(M.tr("psc.acr", got=claims.get("acr") or "—", wanted=self.acr))
        return claims

    def userinfo(self, access_token: str) -> Professional:
        """The signed-in professional, from the userinfo endpoint."""
        try:
            answer = self._http.get(
                self.metadata["userinfo_endpoint"],
                timeout=self.timeout,
                allow_redirects=False,
                headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            )
            answer.raise_for_status()
            if answer.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
                # A signed userinfo (OIDC Core §5.3.2): the same keys and issuer as the ID token.
                claims: Any = self._signed_claims(answer.text.strip())
            else:
                claims = answer.json()
        except (requests.RequestException, ValueError) as exc:
            raise PscError(M.tr("psc.userinfo", why=type(exc).__name__)) from exc
        if not isinstance(claims, dict):
            raise PscError(M.tr("psc.userinfo", why="JSON"))
        return professional_from_userinfo(claims)

    def refresh(self, token: dict[str, Any]) -> dict[str, Any]:
        """A fresh token from the refresh token (authlib), or ``PscError`` when the grant is dead;
        ``ProviderBusy`` (its Retry-After) when the provider answers that it cannot now (429, 5xx,
        ``temporarily_unavailable``), a ``requests`` error when it cannot be reached."""
        answered: list[requests.Response] = []
        with self._oauth(token=token) as oauth:
            oauth.hooks["response"].append(lambda response, *_a, **_k: answered.append(response))
            try:
                fresh = oauth.refresh_token(self.metadata["token_endpoint"], refresh_token=token.get("refresh_token"))
            except OAuthError as exc:
                status = answered[-1].status_code if answered else 400
                if status == 429 or status >= 500 or exc.error in BUSY_ERRORS:
                    raise ProviderBusy(answered[-1] if answered else None) from exc
                raise PscError(M.tr("psc.denied", why=exc.description or exc.error)) from exc
        result = dict(fresh)
        if result.get("id_token"):
            # OpenID Connect Core 12.2: a refreshed ID token is verified like the first (signature,
            # issuer, audience, expiry) and names the same person. Its ``acr`` is not asked again: a
            # refresh is no new authentication, and providers write the level differently then.
            claims = self.verify_id_token(result["id_token"], None, check_acr=False)
            before = _unverified_sub(token.get("id_token"))
            if before is not None and claims.get("sub") != before:
                raise PscError(M.tr("psc.id_token", why="sub"))
        result.setdefault("refresh_token", token.get("refresh_token"))
        return result


def _unverified_sub(id_token: object) -> str | None:
    """The ``sub`` of an ID token verified when it came (it may have expired since), or None."""
    if not isinstance(id_token, str) or id_token.count(".") != 2:
        return None
    try:
        payload = id_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, binascii.Error):
        return None
    sub = claims.get("sub") if isinstance(claims, dict) else None
    return sub if isinstance(sub, str) else None


# -- kept in the settings ---------------------------------------------------------------------------


def client_from_settings(settings: SettingsReader, *, session: requests.Session | None = None) -> PscClient:
    """The PSC client the site configured (``PscError`` when none is)."""
    issuer = settings.get("platform.oidc_issuer")
    if not issuer:
        raise PscError(M.tr("psc.not_configured"))
    return PscClient(
        str(issuer),
        str(settings.get("platform.client_id") or "teleavis"),
        str(settings.get("platform.client_secret") or ""),
        session=session,
        ca_bundle=str(settings.get("platform.ca_bundle") or ""),
        proxy=str(settings.get("proxy") or ""),
    )


def save_sign_in(
    settings: SettingsStore, token: dict[str, Any], professional: Professional, *, in_transaction: bool = False
) -> None:
    """Keep the tokens and who signed in, sealed with the data key."""
    settings.set(TOKENS_SETTING, json.dumps(token), in_transaction=in_transaction)
    settings.set(PROFESSIONAL_SETTING, json.dumps(asdict(professional)), in_transaction=in_transaction)


def signed_in(settings: SettingsReader) -> Professional | None:
    """The professional signed in with PSC on this workstation, or None."""
    raw = settings.get(PROFESSIONAL_SETTING)
    if not raw:
        return None
    try:
        return Professional(**json.loads(raw))
    except (TypeError, ValueError):
        return None


#: Tokens refreshed that a full disk kept from being saved, by what the settings still hold: found in
#: review, the window's sync, paused by the full disk, started again with a token source read from the
#: settings, which sent the refresh token the provider had just rotated away (refused: signed out).
_UNSAVED: dict[str, dict[str, Any]] = {}


class PscToken:
    """The platform's bearer token from a PSC sign-in (a ``sync.auth.TokenSource``): refreshed silently
    shortly before it expires, and once more after a 401."""

    def __init__(self, client: PscClient, settings: SettingsStore) -> None:
        self.client, self.settings = client, settings
        self._lock = threading.Lock()
        raw = settings.get(TOKENS_SETTING)
        self._token: dict[str, Any] = json.loads(raw) if raw else {}
        self.backoff = RefreshBackoff()
        #: Whether the platform and the issuer still name the servers this sign-in was kept for: its tokens
        #: refreshed are kept only then (erased with a move, never written back for the new server).
        self._addresses_kept = addresses_kept(settings, ("platform.url", "platform.oidc_issuer"))
        #: The tokens refreshed that a full disk kept from being saved: saved at the next use.
        self._unsaved = False
        #: What the settings hold (a token source made from them would send its refresh token).
        self._stored = str(raw or "")
        pending = _UNSAVED.get(self._stored)
        if pending is not None:  # refreshed by an earlier source of this process, onto a full disk
            self._token, self._unsaved = dict(pending), True

    @staticmethod
    def sign_in_message() -> str:
        """Words for the user when the platform refuses the token and no refresh helps."""
        return M.tr("psc.sign_in")

    def token(self) -> str | None:
        with self._lock:
            if self._unsaved:
                self._keep()
            if not self._token.get("access_token"):
                return None
            expires_at = self._token.get("expires_at")
            expired = isinstance(expires_at, (int, float)) and expires_at - 30 < time.time()
            if expired and self._token.get("refresh_token"):
                try:
                    self._refresh()
                except PscError:
                    log.warning("PSC token expired and its refresh was refused: sign in again")
                except RefreshUnavailable as waiting:
                    log.info("PSC token expired; the provider is asked again in %.0f s", waiting.retry_after)
            access = self._token.get("access_token")
            return str(access) if access else None

    def refresh(self, session: requests.Session, timeout: tuple[float, float]) -> bool:
        """After a 401: a fresh token, or False (sign in again) once the provider refused the refresh
        token; ``RefreshUnavailable`` while the provider is down or busy (not asked again before)."""
        with self._lock:
            if not self._token.get("refresh_token"):
                return False
            try:
                self._refresh()
            except PscError:
                return False
            return True

    def _refresh(self) -> None:
        """Ask the provider, unless a failure before says to wait; a refresh token refused is dropped
        (kept so: asked again, a dead grant would be refused again at every sync)."""
        self.backoff.check()
        try:
            fresh = self.client.refresh(self._token)
        except PscError as exc:
            if isinstance(exc.__cause__, requests.RequestException):  # discovery or keys out of reach
                raise RefreshUnavailable(self.backoff.failed(retry_after_of(exc.__cause__))) from exc
            self._token.pop("refresh_token", None)
            try:
                if self._addresses_kept():
                    self.settings.set(TOKENS_SETTING, json.dumps(self._token))
            except StorageError:
                log.warning("the PSC refresh token refused could not be forgotten in the settings")
            raise
        except requests.RequestException as exc:
            raise RefreshUnavailable(self.backoff.failed(retry_after_of(exc))) from exc
        self.backoff.succeeded()
        self._token = fresh
        log.info("PSC access token refreshed")
        self._keep()

    def _keep(self) -> None:
        if not self._addresses_kept():
            self._unsaved = False
            return
        self._unsaved = True
        stored = json.dumps(self._token)
        try:
            keep_or_say_full(lambda: self.settings.set(TOKENS_SETTING, stored))
        except StorageError:
            _UNSAVED[self._stored] = dict(self._token)
            raise
        _UNSAVED.pop(self._stored, None)
        self._stored, self._unsaved = stored, False
