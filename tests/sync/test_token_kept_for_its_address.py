"""A token refreshed by a sync started before its sign-in address moved to another server is not kept: the
setting erased with the move (app.settings.secrets_left_behind) would come back, and go to the new server."""

from __future__ import annotations

import json
import time

from app.settings import secrets_left_behind
from app.store import Store
from sync.auth import OAuthToken, token_source_from_settings
from sync.psc import TOKENS_SETTING, PscToken


def _move(store: Store, key: str, url: str) -> None:
    """As ``config set`` moves an address from another process: the secrets kept for the old one erased."""
    forgotten = secrets_left_behind(store.settings.get, {key: url})
    store.settings.set(key, url)
    for secret in forgotten:
        store.settings.set(secret, "")


def test_a_token_refreshed_for_the_old_sign_in_address_is_not_kept_once_it_moved(store: Store) -> None:
    """Found in review: ``teleavis config set platform.token_url`` to another server while the window
    synchronised erased the refresh token kept for the old one; the window's sync, still on the old address,
    refreshed its token and wrote the new refresh token back, and the next start sent it to the new server."""
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    store.settings.set("platform.token_url", "https://idp.example/token")
    store.settings.set("platform.client_id", "teleavis")
    store.settings.set("platform.refresh_token", "REFRESH-OF-IDP")
    source = token_source_from_settings(store.settings)
    assert isinstance(source, OAuthToken)
    _move(store, "platform.token_url", "https://idp2.example/token")
    assert store.settings.get("platform.refresh_token") == ""
    source._keep("ACCESS-FROM-IDP", "REFRESH-ROTATED-BY-IDP")  # (what a refresh keeps)
    assert store.settings.get("platform.refresh_token") == ""
    assert store.settings.get("platform.token") == ""


def test_a_pro_sante_connect_sign_in_refreshed_for_the_old_address_is_not_kept_once_it_moved(store: Store) -> None:
    """The same for the Pro Santé Connect sign-in, erased when the issuer or the platform moves."""
    from sync.psc import PscClient

    store.settings.set("platform.url", "https://plateforme.example/fhir")
    store.settings.set("platform.oidc_issuer", "https://psc.example/auth/realms/esante")
    tokens = {"access_token": "A", "refresh_token": "R", "expires_at": time.time() + 600}
    store.settings.set(TOKENS_SETTING, json.dumps(tokens))
    source = PscToken(PscClient("https://psc.example/auth/realms/esante", "teleavis"), store.settings)
    _move(store, "platform.url", "https://ailleurs.example/fhir")
    assert not store.settings.get(TOKENS_SETTING)
    source._token = {"access_token": "A2", "refresh_token": "R2", "expires_at": time.time() + 600}
    source._keep()  # (what a refresh keeps)
    assert not store.settings.get(TOKENS_SETTING)
