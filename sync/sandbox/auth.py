"""Bearer tokens and a tiny OAuth 2.0 token endpoint, so the client's sign-in paths can be tested.

Access tokens live in memory only: a restarted sandbox has forgotten them, as a real
platform may, and the client must then refresh or sign in again.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from sync.sandbox.errors import FhirError


class OAuthError(Exception):
    """An RFC 6749 §5.2 error answer (JSON, not an OperationOutcome)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status

    def to_json(self) -> dict[str, str]:
        """The error body."""
        return {"error": self.error, "error_description": self.description}


@dataclass
class _Grant:
    expires_at: float
    refresh_token: str


class TokenAuthority:
    """Which bearer tokens the sandbox accepts, and the token endpoint issuing them.

    `static_token` plays a personal access token; `clients` the OAuth client credentials,
    `users` the password-grant accounts. With no static token the FHIR API is open, but the
    endpoint still issues tokens so a client configured for OAuth works against it.
    """

    def __init__(
        self,
        static_token: str | None = None,
        clients: dict[str, str] | None = None,
        users: dict[str, str] | None = None,
        lifetime_s: float = 3600.0,
    ) -> None:
        self.static_token = static_token
        self.clients = dict(clients) if clients is not None else {"teleavis": "sandbox-secret"}
        self.users = dict(users) if users is not None else {"demo": "demo"}
        self.lifetime_s = lifetime_s
        self._lock = threading.Lock()
        self._access: dict[str, _Grant] = {}
        self._refresh: set[str] = set()
        self.issued = 0
        #: Token requests answered, refused ones too.
        self.asked = 0
        #: Another issuer's access tokens taken too (a platform behind Pro Santé Connect: sync/sandbox/psc.py).
        self.external: Callable[[str], object] | None = None

    @property
    def required(self) -> bool:
        """Whether the FHIR API demands a bearer token."""
        return self.static_token is not None

    def check(self, authorization: str | None) -> None:
        """Accept the request's Authorization header or raise a 401 FhirError."""
        if not self.required:
            return
        challenge = 'Bearer realm="teleavis-sandbox"'
        if not authorization or not authorization.startswith("Bearer "):
            raise FhirError.one(
                401,
                "Authentification exigée : en-tête Authorization: Bearer <jeton>",
                code="login",
                headers={"WWW-Authenticate": challenge},
            )
        token = authorization.removeprefix("Bearer ").strip()
        with self._lock:
            grant = self._access.get(token)
            valid = (self.static_token is not None and secrets.compare_digest(token, self.static_token)) or (
                grant is not None and grant.expires_at > time.monotonic()
            )
        if not valid and self.external is not None:
            valid = self.external(token) is not None
        if not valid:
            raise FhirError.one(
                401,
                "Jeton invalide, expiré ou révoqué",
                code="login",
                headers={"WWW-Authenticate": f'{challenge}, error="invalid_token"'},
            )

    def token_endpoint(self, body: bytes, authorization: str | None) -> dict[str, Any]:
        """Answer a form-encoded token request (client_credentials, password, refresh_token)."""
        form = {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}
        self.asked += 1
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            try:
                decoded = base64.b64decode(authorization[6:]).decode("utf-8")
            except ValueError:
                raise OAuthError("invalid_client", "en-tête Basic illisible", 401) from None
            user, _, password = decoded.partition(":")
            client_id, client_secret = unquote(user), unquote(password)
        grant_type = form.get("grant_type")
        if grant_type == "client_credentials":
            if client_id not in self.clients or not secrets.compare_digest(
                self.clients[client_id], client_secret or ""
            ):
                raise OAuthError("invalid_client", "client_id ou client_secret inconnu", 401)
        elif grant_type == "password":
            user, password = form.get("username", ""), form.get("password", "")
            if user not in self.users or not secrets.compare_digest(self.users[user], password):
                raise OAuthError("invalid_grant", "identifiant ou mot de passe incorrect")
        elif grant_type == "refresh_token":
            with self._lock:
                refresh = form.get("refresh_token", "")
                if refresh not in self._refresh:
                    raise OAuthError("invalid_grant", "refresh_token inconnu, expiré ou révoqué")
                # Rotation: a refresh token is good once, as careful platforms do.
                self._refresh.discard(refresh)
        else:
            raise OAuthError("unsupported_grant_type", f"grant_type « {grant_type} » non pris en charge")
        return self._issue()

    def _issue(self) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        with self._lock:
            self._access[access] = _Grant(time.monotonic() + self.lifetime_s, refresh)
            self._refresh.add(refresh)
            self.issued += 1
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": int(self.lifetime_s),
            "refresh_token": refresh,
        }

    def expire_tokens(self) -> None:
        """Every issued access token expires now; refresh tokens still work."""
        with self._lock:
            for grant in self._access.values():
                grant.expires_at = 0.0

    def revoke_tokens(self, static: bool = True) -> None:
        """Forget every issued access and refresh token (and the static token, unless told not to)."""
        with self._lock:
            self._access.clear()
            self._refresh.clear()
            if static and self.static_token is not None:
                # Still "required", but no string matches any more.
                self.static_token = secrets.token_urlsafe(32)
