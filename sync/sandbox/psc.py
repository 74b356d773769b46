"""A Pro Santé Connect-like OpenID provider on loopback, for training mode and the tests.

Pro Santé Connect (PSC) is the national OpenID Connect provider that signs health professionals in
(e-CPS app or CPS card). This stand-in serves what a client of PSC meets: the discovery document,
a JWKS with an RSA key made at start (ID tokens are RS256), an authorization endpoint with a login
form (the e-CPS step, on loopback), a token endpoint that checks PKCE (S256) and the redirect URI,
the userinfo endpoint with PSC's claims (``SubjectNameID`` = ``8`` + RPPS, ``SubjectRefPro``), and a
CIBA backchannel endpoint (poll mode, as PSC implements it) that approves by itself after a delay,
as a professional validating on their phone would.

Everything lives in memory; it binds loopback only and answers only requests naming loopback.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from app.urls import is_loopback
from sync.sandbox.api import Reply, Request, json_reply
from sync.sandbox.errors import FhirError

CIBA_GRANT = "urn:openid:params:grant-type:ciba"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
JSON = "application/json"


@dataclass(frozen=True)
class Professional:
    """A test professional of the provider's directory."""

    rpps: str
    family: str
    given: str
    profession: str = "10"  # TRE-G15: 10 = médecin
    login: str = ""
    pin: str = "1234"
    #: A professional not in the RPPS (``rpps`` empty) is known by ADELI.
    adeli: str = ""

    @property
    def national_id(self) -> str:
        """The national identifier PSC gives (``SubjectNameID``): ``8`` + RPPS, or ``0`` + ADELI."""
        return "8" + self.rpps if self.rpps or not self.adeli else "0" + self.adeli

    def userinfo(self, subject: str) -> dict[str, Any]:
        """PSC's userinfo claims for this professional (the subset a client reads)."""
        return {
            "sub": subject,
            "SubjectNameID": self.national_id,
            "preferred_username": self.national_id,
            "family_name": self.family,
            "given_name": self.given,
            "SubjectRefPro": {
                "codeCivilite": "DR" if self.profession == "10" else "",
                "exercices": [
                    {
                        "codeProfession": self.profession,
                        "codeCategorieProfessionnelle": "C",
                        "nomDexercice": self.family,
                        "prenomDexercice": self.given,
                        "activities": [],
                    }
                ],
            },
            "otherIds": [
                {"identifiant": self.rpps or self.adeli, "origine": "RPPS" if self.rpps else "ADELI", "qualite": 1}
            ],
        }


#: The test professionals: the demo site's requester, and a nurse of the same site.
TEST_PROFESSIONALS = (
    Professional("10101010105", "DURAND", "Anne", "10", login="810101010105"),
    Professional("10000000017", "MARTIN", "Claire", "60", login="810000000017"),
)


class _OAuthFault(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


@dataclass
class _Pending:
    """An authorization request waiting for its login form."""

    client_id: str
    redirect_uri: str
    state: str
    nonce: str
    challenge: str
    scope: str
    acr: str


@dataclass
class _Code:
    pending: _Pending
    professional: Professional
    expires_at: float


@dataclass
class _Ciba:
    client_id: str
    professional: Professional
    scope: str
    acr: str
    approve_at: float
    expires_at: float
    interval: float
    last_poll: float = 0.0
    done: bool = False


@dataclass
class _Device:
    client_id: str
    user_code: str
    scope: str
    expires_at: float
    professional: Professional | None = None
    done: bool = False


@dataclass
class _Session:
    professional: Professional
    client_id: str
    scope: str
    expires_at: float = 0.0


@dataclass
class PscProvider:
    """The provider's state and its HTTP routes (``handle``); ``start()`` serves it on loopback.

    Knobs for tests: ``acr`` (what the ID tokens say, ``eidas1`` unless a test lowers it),
    ``token_lifetime_s``, ``ciba_delay_s`` / ``ciba_interval_s`` (the phone's approval),
    ``slow_down_once`` (answer the first CIBA poll with ``slow_down``), ``offer_ciba``.
    """

    clients: dict[str, str] = field(default_factory=lambda: {"teleavis": ""})
    professionals: tuple[Professional, ...] = TEST_PROFESSIONALS
    acr: str = "eidas1"
    token_lifetime_s: float = 3600.0
    ciba_delay_s: float = 1.0
    ciba_interval_s: float = 1.0
    slow_down_once: bool = False
    offer_ciba: bool = True
    #: Offer the device authorization grant (RFC 8628); PSC itself does not.
    offer_device: bool = False
    #: Answer the userinfo as a signed JWT (``application/jwt``) instead of JSON; ``userinfo_signer``:
    #: sign it with another key than the published one (a forgery, for the tests).
    userinfo_jwt: bool = False
    userinfo_signer: RSAKey | None = None
    host: str = "127.0.0.1"
    port: int = 0
    issuer: str = ""
    #: The token endpoint down for refreshes: answered with this status (503, 429…) and, when set,
    #: ``Retry-After: refresh_retry_after``.
    refresh_down: int | None = None
    refresh_retry_after: str | None = None
    #: Every refresh token revoked (the professional signed out elsewhere): a refresh is ``invalid_grant``.
    refresh_revoked: bool = False
    # Seen by tests: every CIBA poll's time, every login, every token request's grant type.
    polls: list[float] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    token_requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"})
        self.max_binary_bytes = 1_000_000
        self._lock = threading.Lock()
        self._pending: dict[str, _Pending] = {}
        self._codes: dict[str, _Code] = {}
        self._ciba: dict[str, _Ciba] = {}
        self._devices: dict[str, _Device] = {}
        self._access: dict[str, _Session] = {}
        self._refresh: dict[str, _Session] = {}
        self._server: Any = None
        self._thread: threading.Thread | None = None

    # -- life ---------------------------------------------------------------------------------------

    def start(self) -> PscProvider:
        """Serve on loopback (a random port unless told); ``issuer`` is then its address."""
        from sync.sandbox.server import _HTTPServer

        if not is_loopback(self.host):
            raise ValueError("the PSC-like provider serves loopback only")
        self._server = _HTTPServer((self.host, self.port), self, True)
        self.port = int(self._server.server_address[1])
        self.issuer = f"http://{self.host}:{self.port}/psc"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="psc-provider", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and join the thread. Safe to call twice."""
        if self._server is not None:
            self._server.shutdown()
            self._server.close_idle_connections()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> PscProvider:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def too_large(self, size: int) -> FhirError:
        """What the HTTP layer answers a body over the limit."""
        return FhirError.one(413, f"Requête de {size} octets refusée", code="too-long")

    # -- what the platform asks ---------------------------------------------------------------------

    def professional_of(self, access_token: str) -> Professional | None:
        """The professional an access token (still valid) was issued to, or None."""
        with self._lock:
            session = self._access.get(access_token)
        if session is None or session.expires_at <= time.time():
            return None
        return session.professional

    def expire_tokens(self) -> None:
        """Every access token expires now; refresh tokens still work."""
        with self._lock:
            for session in self._access.values():
                session.expires_at = 0.0

    def discovery(self) -> dict[str, Any]:
        """The ``.well-known/openid-configuration`` document."""
        base = self.issuer
        document: dict[str, Any] = {
            "issuer": base,
            "authorization_endpoint": f"{base}/auth",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/certs",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token", CIBA_GRANT],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "scope_all"],
            "acr_values_supported": ["eidas1"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "claims_supported": [
                "sub",
                "SubjectNameID",
                "SubjectRefPro",
                "family_name",
                "given_name",
                "preferred_username",
                "otherIds",
            ],
        }
        if self.offer_device:
            document["device_authorization_endpoint"] = f"{base}/device"
            document["grant_types_supported"].append(DEVICE_GRANT)
        if self.offer_ciba:
            document["backchannel_authentication_endpoint"] = f"{base}/ciba"
            document["backchannel_token_delivery_modes_supported"] = ["poll"]
        return document

    # -- HTTP ---------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """Serve one request of the provider."""
        path = request.path.removeprefix("/psc").rstrip("/") or "/"
        try:
            if path == "/.well-known/openid-configuration" and request.method == "GET":
                return json_reply(200, self.discovery(), content_type=JSON)
            if path == "/certs" and request.method == "GET":
                return json_reply(200, KeySet([self.key]).as_dict(private=False), content_type=JSON)
            if path == "/auth" and request.method == "GET":
                return self._authorize(dict(request.query))
            if path == "/auth/login" and request.method == "POST":
                return self._login(_form(request.body))
            if path == "/token" and request.method == "POST":
                return self._token(request)
            if path == "/userinfo" and request.method in ("GET", "POST"):
                return self._userinfo(request.headers.get("authorization", ""))
            if path == "/ciba" and request.method == "POST" and self.offer_ciba:
                return self._backchannel(request)
            if path == "/device" and request.method == "POST" and self.offer_device:
                return self._device(request)
            if path == "/device/verify" and request.method == "GET" and self.offer_device:
                return self._device_page(dict(request.query).get("user_code", ""))
            if path == "/device/verify" and request.method == "POST" and self.offer_device:
                return self._device_login(_form(request.body))
        except _OAuthFault as fault:
            return json_reply(
                fault.status,
                {"error": fault.error, "error_description": fault.description},
                {"Cache-Control": "no-store"},
                JSON,
            )
        return json_reply(404, {"error": "not_found", "error_description": request.path}, content_type=JSON)

    def _authorize(self, query: dict[str, str]) -> Reply:
        client_id, redirect_uri = query.get("client_id", ""), query.get("redirect_uri", "")
        if client_id not in self.clients:
            return _page(400, "Client inconnu", f"client_id « {client_id} » inconnu de ce fournisseur (bac à sable).")
        parts = urlsplit(redirect_uri)
        # RFC 8252 §7.3: a native client's redirect is http on a loopback IP literal, any port.
        if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "::1"):
            return _page(400, "Redirection refusée", "redirect_uri doit être http://127.0.0.1:<port>/… (RFC 8252).")
        if query.get("response_type") != "code" or "openid" not in query.get("scope", "").split():
            return _redirect(redirect_uri, {"error": "invalid_request", "state": query.get("state", "")})
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return _redirect(
                redirect_uri,
                {"error": "invalid_request", "state": query.get("state", ""), "error_description": "PKCE S256 exigé"},
            )
        transaction = secrets.token_urlsafe(16)
        with self._lock:
            self._pending[transaction] = _Pending(
                client_id,
                redirect_uri,
                query.get("state", ""),
                query.get("nonce", ""),
                query["code_challenge"],
                query.get("scope", ""),
                query.get("acr_values", ""),
            )
        body = (
            "<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>Pro Santé Connect (bac à sable)"
            "</title></head><body><h1>Pro Santé Connect — bac à sable</h1>"
            "<p>Identifiez-vous avec votre e-CPS (professionnel de test).</p>"
            f"<form method='post' action='{html.escape(self.issuer)}/auth/login'>"
            f"<input type='hidden' name='transaction' value='{transaction}'>"
            "<label>Identifiant national <input name='login' autocomplete='username'></label>"
            "<label>Code e-CPS <input name='pin' type='password'></label>"
            "<button type='submit'>Valider</button></form>"
            "<p>Professionnels de test : "
            + ", ".join(
                f"{html.escape(p.given)} {html.escape(p.family)} ({p.login}, code {p.pin})" for p in self.professionals
            )
            + "</p></body></html>"
        )
        return Reply(200, body.encode("utf-8"), "text/html; charset=utf-8", {"Cache-Control": "no-store"})

    def _login(self, form: dict[str, str]) -> Reply:
        with self._lock:
            pending = self._pending.pop(form.get("transaction", ""), None)
        if pending is None:
            return _page(400, "Session expirée", "Cette demande de connexion n'est plus valable : recommencez.")
        professional = next(
            (
                p
                for p in self.professionals
                if secrets.compare_digest(p.login, form.get("login", "").strip())
                and secrets.compare_digest(p.pin, form.get("pin", ""))
            ),
            None,
        )
        if professional is None:
            with self._lock:  # Let the user try again on the same form.
                self._pending[form.get("transaction", "")] = pending
            return _page(401, "Identification refusée", "Identifiant ou code e-CPS incorrect.")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Code(pending, professional, time.time() + 60)
        self.logins.append(professional.national_id[1:])
        return _redirect(pending.redirect_uri, {"code": code, "state": pending.state})

    def _client(self, request: Request, form: dict[str, str]) -> str:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        authorization = request.headers.get("authorization", "")
        if authorization.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(authorization[6:]).decode("utf-8").partition(":")
            except ValueError:
                raise _OAuthFault("invalid_client", "en-tête Basic illisible", 401) from None
            from urllib.parse import unquote

            client_id, secret = unquote(user), unquote(password)
        expected = self.clients.get(client_id)
        if expected is None or not secrets.compare_digest(expected, secret):
            raise _OAuthFault("invalid_client", "client inconnu ou secret faux", 401)
        return client_id

    def _token(self, request: Request) -> Reply:
        form = _form(request.body)
        self.token_requests.append(form.get("grant_type", ""))
        if form.get("grant_type") == "refresh_token" and self.refresh_down is not None:
            headers = {"Retry-After": self.refresh_retry_after} if self.refresh_retry_after else {}
            return _page(self.refresh_down, "Service indisponible", "Réessayez plus tard.", headers)
        client_id = self._client(request, form)
        grant = form.get("grant_type")
        if grant == "authorization_code":
            with self._lock:
                code = self._codes.pop(form.get("code", ""), None)
            if code is None or code.expires_at < time.time() or code.pending.client_id != client_id:
                raise _OAuthFault("invalid_grant", "code inconnu, expiré ou déjà utilisé")
            if form.get("redirect_uri") != code.pending.redirect_uri:
                raise _OAuthFault("invalid_grant", "redirect_uri différent de celui de la demande")
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=")
            if not verifier or not secrets.compare_digest(challenge.decode("ascii"), code.pending.challenge):
                raise _OAuthFault("invalid_grant", "code_verifier ne correspond pas au code_challenge (PKCE)")
            return self._issue(code.professional, client_id, code.pending.scope, code.pending.nonce)
        if grant == "refresh_token":
            with self._lock:
                session = self._refresh.pop(form.get("refresh_token", ""), None)
            if session is None or session.client_id != client_id or self.refresh_revoked:
                raise _OAuthFault("invalid_grant", "refresh_token inconnu, expiré ou révoqué")
            return self._issue(session.professional, client_id, session.scope, "")
        if grant == CIBA_GRANT:
            return self._ciba_poll(form.get("auth_req_id", ""), client_id)
        if grant == DEVICE_GRANT and self.offer_device:
            return self._device_poll(form.get("device_code", ""), client_id)
        raise _OAuthFault("unsupported_grant_type", f"grant_type « {grant} » non pris en charge")

    def _issue(self, professional: Professional, client_id: str, scope: str, nonce: str) -> Reply:
        now = time.time()
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        with self._lock:
            self._access[access] = _Session(professional, client_id, scope, now + self.token_lifetime_s)
            self._refresh[refresh] = _Session(professional, client_id, scope)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": professional.national_id,
            "aud": client_id,
            "iat": int(now),
            "exp": int(now + 300),
            "auth_time": int(now),
            "acr": self.acr,
            "preferred_username": professional.national_id,
        }
        if nonce:
            claims["nonce"] = nonce
        id_token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key)
        return json_reply(
            200,
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": int(self.token_lifetime_s),
                "refresh_token": refresh,
                "id_token": id_token,
                "scope": scope,
            },
            {"Cache-Control": "no-store"},
            JSON,
        )

    def _userinfo(self, authorization: str) -> Reply:
        token = authorization.removeprefix("Bearer ").strip() if authorization.startswith("Bearer ") else ""
        professional = self.professional_of(token)
        if professional is None:
            return json_reply(
                401, {"error": "invalid_token"}, {"WWW-Authenticate": 'Bearer error="invalid_token"'}, JSON
            )
        claims = professional.userinfo(professional.national_id)
        if self.userinfo_jwt:
            with self._lock:
                client_id = self._access[token].client_id
            signer = self.userinfo_signer or self.key
            signed = jwt.encode(
                {"alg": "RS256", "kid": self.key.kid}, {**claims, "iss": self.issuer, "aud": client_id}, signer
            )
            return Reply(200, signed.encode("ascii"), "application/jwt", {"Cache-Control": "no-store"})
        return json_reply(200, claims, content_type=JSON)

    def _backchannel(self, request: Request) -> Reply:
        form = _form(request.body)
        client_id = self._client(request, form)
        if "openid" not in form.get("scope", "").split():
            raise _OAuthFault("invalid_request", "scope doit contenir openid")
        hint = form.get("login_hint", "").strip()
        professional = next((p for p in self.professionals if hint in (p.national_id, p.national_id[1:])), None)
        if professional is None:
            raise _OAuthFault("unknown_user_id", "login_hint : aucun professionnel de ce numéro n'a d'e-CPS")
        now = time.time()
        auth_req_id = secrets.token_urlsafe(24)
        with self._lock:
            self._ciba[auth_req_id] = _Ciba(
                client_id,
                professional,
                form["scope"],
                form.get("acr_values", ""),
                now + self.ciba_delay_s,
                now + 120,
                self.ciba_interval_s,
            )
        return json_reply(
            200,
            {"auth_req_id": auth_req_id, "expires_in": 120, "interval": self.ciba_interval_s},
            {"Cache-Control": "no-store"},
            JSON,
        )

    def _ciba_poll(self, auth_req_id: str, client_id: str) -> Reply:
        now = time.time()
        self.polls.append(now)
        with self._lock:
            pending = self._ciba.get(auth_req_id)
            if pending is None or pending.client_id != client_id or pending.done:
                raise _OAuthFault("invalid_grant", "auth_req_id inconnu ou déjà utilisé")
            if pending.expires_at < now:
                raise _OAuthFault("expired_token", "la demande de validation a expiré")
            too_soon = pending.last_poll and now - pending.last_poll < pending.interval * 0.9
            first = not pending.last_poll
            pending.last_poll = now
            if too_soon or (first and self.slow_down_once):
                self.slow_down_once = False
                pending.interval += 5
                raise _OAuthFault("slow_down", "interrogation trop rapide")
            if now < pending.approve_at:
                raise _OAuthFault("authorization_pending", "en attente de la validation sur le téléphone")
            pending.done = True
        self.logins.append(pending.professional.national_id[1:])
        return self._issue(pending.professional, client_id, pending.scope, "")

    # -- the device grant (RFC 8628) ------------------------------------------------------------------

    def _device(self, request: Request) -> Reply:
        form = _form(request.body)
        client_id = self._client(request, form)
        device_code = secrets.token_urlsafe(24)
        user_code = "-".join(secrets.token_hex(2).upper() for _ in range(2))
        with self._lock:
            self._devices[device_code] = _Device(client_id, user_code, form.get("scope", ""), time.time() + 300)
        verify = f"{self.issuer}/device/verify"
        return json_reply(
            200,
            {
                "device_code": device_code,
                "user_code": user_code,
                "verification_uri": verify,
                "verification_uri_complete": f"{verify}?{urlencode({'user_code': user_code})}",
                "expires_in": 300,
                "interval": self.ciba_interval_s,
            },
            {"Cache-Control": "no-store"},
            JSON,
        )

    def _device_page(self, user_code: str) -> Reply:
        body = (
            "<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>Pro Santé Connect (bac à sable)"
            "</title></head><body><h1>Connexion d'un appareil</h1>"
            f"<form method='post' action='{html.escape(self.issuer)}/device/verify'>"
            f"<label>Code affiché <input name='user_code' value='{html.escape(user_code)}'></label>"
            "<label>Identifiant national <input name='login'></label>"
            "<label>Code e-CPS <input name='pin' type='password'></label>"
            "<button type='submit'>Valider</button></form></body></html>"
        )
        return Reply(200, body.encode("utf-8"), "text/html; charset=utf-8", {"Cache-Control": "no-store"})

    def _device_login(self, form: dict[str, str]) -> Reply:
        professional = next(
            (
                p
                for p in self.professionals
                if secrets.compare_digest(p.login, form.get("login", "").strip())
                and secrets.compare_digest(p.pin, form.get("pin", ""))
            ),
            None,
        )
        with self._lock:
            device = next(
                (
                    d
                    for d in self._devices.values()
                    if d.user_code == form.get("user_code", "").strip().upper() and not d.done
                ),
                None,
            )
            if device is not None and professional is not None:
                device.professional = professional
        if device is None:
            return _page(400, "Code inconnu", "Ce code n'est pas (ou plus) valable.")
        if professional is None:
            return _page(401, "Identification refusée", "Identifiant ou code e-CPS incorrect.")
        return _page(200, "Appareil connecté", "Vous pouvez revenir à l'appareil.")

    def _device_poll(self, device_code: str, client_id: str) -> Reply:
        with self._lock:
            device = self._devices.get(device_code)
            if device is None or device.client_id != client_id or device.done:
                raise _OAuthFault("invalid_grant", "device_code inconnu ou déjà utilisé")
            if device.expires_at < time.time():
                raise _OAuthFault("expired_token", "le code a expiré")
            if device.professional is None:
                raise _OAuthFault("authorization_pending", "en attente de la saisie du code")
            device.done = True
            professional = device.professional
        self.logins.append(professional.national_id[1:])
        return self._issue(professional, client_id, device.scope, "")


def _form(body: bytes) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}


def _redirect(uri: str, params: dict[str, str]) -> Reply:
    separator = "&" if "?" in uri else "?"
    kept = {key: value for key, value in params.items() if value}
    return Reply(
        302, b"", "text/plain", {"Location": f"{uri}{separator}{urlencode(kept)}", "Cache-Control": "no-store"}
    )


def _page(status: int, title: str, words: str, headers: dict[str, str] | None = None) -> Reply:
    body = (
        f"<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(words)}</p></body></html>"
    )
    return Reply(status, body.encode("utf-8"), "text/html; charset=utf-8", dict(headers or {}))
