"""Bearer tokens for the platform (docs/platform-api.md §1).

A token comes from the platform's OAuth 2.0 token endpoint (client credentials, or a refresh
token kept from a password sign-in) or is a personal access token pasted by the user. The client
asks for a new one once after a 401; when that fails, the user must sign in again. Tokens and
secrets live in the encrypted settings (secret settings), never in logs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

import requests

from app import messages as M
from app.errors import TeleavisError
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
        "auth.redirected": {
            "fr": "L'adresse de connexion (OAuth) renvoie ailleurs (HTTP {status}) : le secret ne lui a pas été "
            "renvoyé. Vérifiez le réglage platform.token_url avec la plateforme. La synchronisation est "
            "arrêtée ; rien n'a été perdu.",
            "en": "The sign-in (OAuth) address redirects elsewhere (HTTP {status}): the secret was not sent on. "
            "Check the platform.token_url setting with the platform. Syncing has stopped; nothing was lost.",
        },
    }
)


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


class OAuthToken:
    """Client-credentials or refresh-token grant against the platform's token endpoint.

    ``save`` receives (access token, refresh token or None) so the caller can keep them encrypted.
    Network failures while refreshing are transient faults for the caller to retry; an answer
    of 400/401 from the endpoint means the grant is dead.
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

    def token(self) -> str | None:
        return self._access

    def refresh(self, session: requests.Session, timeout: tuple[float, float]) -> bool:
        with self._lock:
            form = {"client_id": self.client_id}
            # A confidential client asks afresh; a password sign-in lives on its (rotating) refresh token.
            if self.client_secret:
                form.update(grant_type="client_credentials", client_secret=self.client_secret)
            elif self.refresh_token:
                form.update(grant_type="refresh_token", refresh_token=self.refresh_token)
            else:
                return False
            if not is_secure_url(self.token_url):
                raise UnsafeSignIn(M.tr("url.insecure", key="platform.token_url", url=self.token_url))
            # Never followed: a 307 would post the client secret again, to wherever it points.
            answer = session.post(
                self.token_url,
                data=form,
                timeout=timeout,
                headers={"Accept": "application/json"},
                allow_redirects=False,
            )
            with answer:
                if answer.is_redirect or 300 <= answer.status_code < 400:
                    log.warning("token endpoint redirected (%d): not followed", answer.status_code)
                    raise UnsafeSignIn(M.tr("auth.redirected", status=answer.status_code))
                if answer.status_code in (400, 401, 403):
                    log.warning("token endpoint refused the grant (%d)", answer.status_code)
                    return False
                if answer.status_code >= 500 or answer.status_code == 429:
                    raise requests.ConnectionError(f"token endpoint answered {answer.status_code}")
                try:
                    document = answer.json()
                except ValueError as exc:
                    raise requests.ConnectionError("token endpoint answer is not JSON") from exc
            access = document.get("access_token") if isinstance(document, dict) else None
            if not isinstance(access, str) or not access:
                raise requests.ConnectionError("token endpoint answer has no access_token")
            self._access = access
            rotated = document.get("refresh_token")
            if isinstance(rotated, str) and rotated:
                self.refresh_token = rotated
            if self._save is not None:
                self._save(access, rotated if isinstance(rotated, str) and rotated else None)
            log.info("access token refreshed")
            return True


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

    def save(new_access: str, new_refresh: str | None) -> None:
        settings.set("platform.token", new_access)
        if new_refresh:
            settings.set("platform.refresh_token", new_refresh)

    return OAuthToken(
        token_url,
        settings.get("platform.client_id"),
        settings.get("platform.client_secret"),
        settings.get("platform.refresh_token"),
        access,
        save,
    )
