"""Pro Santé Connect sign-in (issue 16.5) against the PSC-like provider of the sandbox, on loopback.

The browser step is driven over HTTP against the provider's real login form: GET the authorization
URL, POST the form, follow the redirect to the loopback callback the client listens on.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

from app.store import Store
from sync.client import PlatformClient
from sync.psc import PROFESSIONAL_SETTING, TOKENS_SETTING, PscClient, PscError, save_sign_in, signed_in
from sync.sandbox import SandboxServer
from sync.sandbox.psc import PscProvider


@pytest.fixture
def provider() -> Iterator[PscProvider]:
    # The phone answers after several polls, with room for a slow machine: a first poll that came
    # after the approval would leave "authorization_pending" untested.
    with PscProvider(ciba_delay_s=0.9, ciba_interval_s=0.2) as started:
        yield started


class Browser:
    """Plays the system browser and the professional at the login form."""

    def __init__(self, login: str = "810101010105", pin: str = "1234", tamper_state: bool = False) -> None:
        self.login, self.pin, self.tamper_state = login, pin, tamper_state
        self.opened: list[str] = []

    def __call__(self, url: str) -> None:
        self.opened.append(url)
        with requests.Session() as web:
            page = web.get(url, timeout=10)
            assert page.status_code == 200, page.text
            action = unescape(re.search(r"action='([^']+)'", page.text).group(1))  # type: ignore[union-attr]
            transaction = re.search(r"name='transaction' value='([^']+)'", page.text).group(1)  # type: ignore[union-attr]
            answer = web.post(
                action,
                data={"transaction": transaction, "login": self.login, "pin": self.pin},
                allow_redirects=False,
                timeout=10,
            )
            assert answer.status_code == 302, answer.text
            location = answer.headers["Location"]
            if self.tamper_state:
                parts = urlsplit(location)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                query["state"] = "forged"
                location = urlunsplit(parts._replace(query=urlencode(query)))
            back = web.get(location, timeout=10)  # the loopback redirect, served by the client
            assert back.status_code == 200


def test_browser_flow_uses_pkce_s256_loopback_and_eidas1(provider: PscProvider) -> None:
    client = PscClient(provider.issuer, "teleavis")
    browser = Browser()
    token = client.sign_in_browser(browser, timeout_s=20)
    query = {k: v[0] for k, v in parse_qs(urlsplit(browser.opened[0]).query).items()}
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["acr_values"] == "eidas1" and query["scope"] == "openid scope_all"
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/callback", query["redirect_uri"])
    assert query["state"] and query["nonce"]
    claims = jwt.decode(token["id_token"], provider.key).claims
    assert claims["nonce"] == query["nonce"] and claims["acr"] == "eidas1"
    professional = client.userinfo(token["access_token"])
    assert (professional.rpps, professional.family, professional.given) == ("10101010105", "DURAND", "Anne")
    assert token["refresh_token"] and token["expires_at"] > time.time()


def test_a_forged_state_is_refused(provider: PscProvider) -> None:
    with pytest.raises(PscError, match="state"):
        PscClient(provider.issuer, "teleavis").sign_in_browser(Browser(tamper_state=True), timeout_s=20)


def test_the_provider_checks_pkce(provider: PscProvider) -> None:
    """The code is useless without the verifier (what makes a stolen redirect harmless)."""
    stolen: dict[str, str] = {}

    class Thief(Browser):
        def __call__(self, url: str) -> None:
            super().__call__(url)
            stolen.update(redirect=parse_qs(urlsplit(url).query)["redirect_uri"][0])

    client = PscClient(provider.issuer, "teleavis")
    client.sign_in_browser(Thief(), timeout_s=20)
    # A fresh code, redeemed with a wrong verifier.
    browser_url, _ = (
        __import__("authlib.integrations.requests_client", fromlist=["OAuth2Session"])
        .OAuth2Session("teleavis", code_challenge_method="S256")
        .create_authorization_url(
            client.metadata["authorization_endpoint"],
            code_verifier="a" * 50,
            nonce="n",
            redirect_uri="http://127.0.0.1:9/callback",
            scope="openid scope_all",
        )
    )
    with requests.Session() as web:
        page = web.get(browser_url, timeout=10)
        transaction = re.search(r"name='transaction' value='([^']+)'", page.text).group(1)  # type: ignore[union-attr]
        answer = web.post(
            f"{provider.issuer}/auth/login",
            data={"transaction": transaction, "login": "810101010105", "pin": "1234"},
            allow_redirects=False,
            timeout=10,
        )
        code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
        refused = web.post(
            client.metadata["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": "teleavis",
                "redirect_uri": "http://127.0.0.1:9/callback",
                "code_verifier": "b" * 50,
            },
            timeout=10,
        )
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


def test_a_lower_acr_is_refused_with_a_clear_message(provider: PscProvider) -> None:
    provider.acr = "password"
    with pytest.raises(PscError, match=r"niveau d'authentification obtenu \(password\).*eidas1"):
        PscClient(provider.issuer, "teleavis").sign_in_browser(Browser(), timeout_s=20)


def test_an_id_token_not_signed_by_the_provider_is_refused(provider: PscProvider) -> None:
    client = PscClient(provider.issuer, "teleavis")
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "sub": "810101010105",
        "aud": "teleavis",
        "iat": now,
        "exp": now + 300,
        "acr": "eidas1",
        "nonce": "n",
    }
    good = jwt.encode({"alg": "RS256", "kid": provider.key.kid}, claims, provider.key)
    assert client.verify_id_token(good, "n")["sub"] == "810101010105"
    other = RSAKey.generate_key(2048, parameters={"kid": provider.key.kid})
    forged = jwt.encode({"alg": "RS256", "kid": provider.key.kid}, claims, other)
    with pytest.raises(PscError, match="jeton d'identité"):
        client.verify_id_token(forged, "n")
    with pytest.raises(PscError, match="jeton d'identité"):
        client.verify_id_token(good, "another nonce")
    # Algorithm confusion: HS256 "signed" with the provider's public key as the secret.
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = (
        b64(json.dumps({"alg": "HS256", "kid": provider.key.kid}).encode()) + "." + b64(json.dumps(claims).encode())
    )
    mac = hmac.new(provider.key.as_pem(private=False), signing_input.encode(), hashlib.sha256).digest()
    confused = signing_input + "." + b64(mac)
    with pytest.raises(PscError, match="jeton d'identité"):
        client.verify_id_token(confused, "n")
    wrong_audience = jwt.encode({"alg": "RS256", "kid": provider.key.kid}, {**claims, "aud": "x"}, provider.key)
    with pytest.raises(PscError, match="jeton d'identité"):
        client.verify_id_token(wrong_audience, "n")


def test_ciba_shows_validate_on_phone_and_polls(provider: PscProvider) -> None:
    client = PscClient(provider.issuer, "teleavis")
    assert client.offers_ciba
    shown: list[str] = []
    token = client.sign_in_ciba("810000000017", shown.append, timeout_s=20)
    assert shown == ["Validez sur votre téléphone (application e-CPS) la connexion à Teleavis…"]
    assert len(provider.polls) >= 2  # authorization_pending first, as the phone had not answered yet
    assert client.userinfo(token["access_token"]).rpps == "10000000017"


def test_ciba_slows_down_when_told(provider: PscProvider) -> None:
    provider.slow_down_once = True
    PscClient(provider.issuer, "teleavis").sign_in_ciba("810101010105", lambda _w: None, timeout_s=30)
    gaps = [b - a for a, b in zip(provider.polls, provider.polls[1:], strict=False)]
    assert gaps and gaps[0] >= 5.0  # interval (0.2 s) + 5 s after slow_down (CIBA §11)


def test_ciba_unknown_professional_is_a_clear_refusal(provider: PscProvider) -> None:
    with pytest.raises(PscError, match="refusée par le fournisseur"):
        PscClient(provider.issuer, "teleavis").sign_in_ciba("899999999999", lambda _w: None, timeout_s=5)


def test_no_ciba_endpoint_means_no_ciba() -> None:
    with PscProvider(offer_ciba=False) as provider:
        assert not PscClient(provider.issuer, "teleavis").offers_ciba


def test_tokens_are_sealed_and_an_expired_one_is_refreshed_silently(
    store: Store, provider: PscProvider, tmp_path: Any
) -> None:
    client = PscClient(provider.issuer, "teleavis")
    token = client.sign_in_browser(Browser(), timeout_s=20)
    save_sign_in(store.settings, token, client.userinfo(token["access_token"]))
    rows = b"".join(
        bytes(row[0]) if isinstance(row[0], bytes) else str(row[0]).encode()
        for row in store.conn.execute("SELECT value FROM settings")
    )
    assert token["access_token"].encode() not in rows and token["refresh_token"].encode() not in rows
    sealed = dict(store.conn.execute("SELECT key, encrypted FROM settings WHERE key LIKE 'state.psc.%'").fetchall())
    assert sealed == {TOKENS_SETTING: 1, PROFESSIONAL_SETTING: 1}
    assert signed_in(store.settings).rpps == "10101010105"  # type: ignore[union-attr]
    with SandboxServer(tmp_path / "platform", run_expert=False, token="platform-only", psc=provider) as sandbox:
        store.settings.set("platform.url", sandbox.base_url)
        store.settings.set("platform.oidc_issuer", provider.issuer)
        store.settings.set("platform.client_id", "teleavis")
        with PlatformClient.from_store(store) as platform:
            assert platform.metadata()["resourceType"] == "CapabilityStatement"
            issued = len(provider.logins)
            # The access token expires (on the provider and by its date): the next call refreshes first.
            provider.expire_tokens()
            kept = json.loads(store.settings.get(TOKENS_SETTING))
            kept["expires_at"] = time.time() - 1
            store.settings.set(TOKENS_SETTING, json.dumps(kept))
        with PlatformClient.from_store(store) as platform:
            assert platform.metadata()["resourceType"] == "CapabilityStatement"
        assert len(provider.logins) == issued  # no new sign-in: a refresh
        fresh = json.loads(store.settings.get(TOKENS_SETTING))
        assert fresh["access_token"] != token["access_token"]
        assert provider.professional_of(fresh["access_token"]) is not None


def test_a_signed_userinfo_is_verified(provider: PscProvider) -> None:
    provider.userinfo_jwt = True
    client = PscClient(provider.issuer, "teleavis")
    token = client.sign_in_ciba("810000000017", lambda _w: None, timeout_s=20)
    assert client.userinfo(token["access_token"]).rpps == "10000000017"
    provider.userinfo_signer = RSAKey.generate_key(2048, parameters={"kid": provider.key.kid})
    with pytest.raises(PscError, match="informations du professionnel"):
        client.userinfo(token["access_token"])


def test_the_sign_in_goes_through_the_site_proxy_only(
    store: Store, provider: PscProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync.psc import client_from_settings

    store.settings.set("platform.oidc_issuer", provider.issuer)
    assert client_from_settings(store.settings).metadata["issuer"] == provider.issuer
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # the environment's proxy is not used
    monkeypatch.setenv("NO_PROXY", "")
    assert client_from_settings(store.settings).metadata["issuer"] == provider.issuer
    store.settings.set("proxy", "http://127.0.0.1:9")  # the site's proxy is, for HTTPS (here: closed)
    client = client_from_settings(store.settings)
    assert client._configure(requests.Session()).proxies == {"https": "http://127.0.0.1:9"}
    # Plain http goes to this machine only, never through a proxy (the token would cross the network).
    assert client.metadata["issuer"] == provider.issuer


def test_no_sign_in_yet_says_to_sign_in_with_psc(store: Store, provider: PscProvider, tmp_path: Any) -> None:
    from sync.auth import SignInRequired

    with SandboxServer(tmp_path / "platform", run_expert=False, token="platform-only", psc=provider) as sandbox:
        store.settings.set("platform.url", sandbox.base_url)
        store.settings.set("platform.oidc_issuer", provider.issuer)
        with PlatformClient.from_store(store) as platform, pytest.raises(SignInRequired, match="teleavis login"):
            platform.metadata()


def test_a_confidential_client_authenticates_with_its_secret() -> None:
    """PSC registers confidential clients (client_secret_basic), for CIBA as for the code flow."""
    with PscProvider(clients={"teleavis-site": "s3cret"}, ciba_delay_s=0.2, ciba_interval_s=0.2) as provider:
        client = PscClient(provider.issuer, "teleavis-site", "s3cret")
        assert client.userinfo(client.sign_in_ciba("810101010105", lambda _w: None)["access_token"]).rpps
        assert client.sign_in_browser(Browser(), timeout_s=20)["access_token"]
        with pytest.raises(PscError, match="refusée par le fournisseur"):
            PscClient(provider.issuer, "teleavis-site", "wrong").sign_in_ciba("810101010105", lambda _w: None)
        with pytest.raises(PscError, match="refusée par le fournisseur"):
            PscClient(provider.issuer, "teleavis-site", "wrong").sign_in_browser(Browser(), timeout_s=20)


def test_a_refreshed_id_token_is_verified_and_must_name_the_same_professional(
    provider: PscProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OpenID Connect Core 12.2: the ID token a refresh returns is checked like the first; one naming
    another person ends the session instead of carrying on under the first one's sign-in."""
    client = PscClient(provider.issuer, "teleavis")
    token = client.sign_in_browser(Browser(), timeout_s=20)
    fresh = client.refresh(token)  # the same professional: fine
    assert (
        jwt.decode(fresh["id_token"], provider.key).claims["sub"]
        == jwt.decode(token["id_token"], provider.key).claims["sub"]
    )

    now = int(time.time())
    someone_else = {"iss": provider.issuer, "sub": "810009999999", "aud": "teleavis", "iat": now, "exp": now + 300}
    token = client.sign_in_browser(Browser(), timeout_s=20)
    token["id_token"] = jwt.encode({"alg": "RS256", "kid": provider.key.kid}, someone_else, provider.key)
    with pytest.raises(PscError, match="jeton d'identité"):
        client.refresh(token)

    token = client.sign_in_browser(Browser(), timeout_s=20)
    forger = RSAKey.generate_key(2048, parameters={"kid": provider.key.kid})
    encode = jwt.encode
    # The refresh's ID token signed by a key the provider's JWKS does not hold.
    monkeypatch.setattr(jwt, "encode", lambda header, claims, _key: encode(header, claims, forger))
    with pytest.raises(PscError, match="jeton d'identité"):
        client.refresh(token)


@contextmanager
def _signed_in_platform(store: Store, provider: PscProvider, tmp_path: Any) -> Iterator[SandboxServer]:
    """A platform behind ``provider``, ``store`` signed in with a token that has just expired."""
    client = PscClient(provider.issuer, "teleavis")
    token = client.sign_in_browser(Browser(), timeout_s=20)
    token["expires_at"] = time.time() - 1
    save_sign_in(store.settings, token, client.userinfo(token["access_token"]))
    provider.expire_tokens()
    with SandboxServer(tmp_path / "platform", run_expert=False, token="platform-only", psc=provider) as sandbox:
        store.settings.set("platform.url", sandbox.base_url)
        store.settings.set("platform.oidc_issuer", provider.issuer)
        store.settings.set("platform.client_id", "teleavis")
        yield sandbox


def test_a_provider_down_is_not_asked_again_at_every_request_and_its_retry_after_is_kept(
    store: Store, provider: PscProvider, tmp_path: Any
) -> None:
    """Found in review: the provider down (503), every request to the platform asked it twice for a token
    (before the request, then after its 401), whatever Retry-After it gave."""
    from sync.client import TransientFault

    provider.refresh_down, provider.refresh_retry_after = 503, "120"
    with _signed_in_platform(store, provider, tmp_path), PlatformClient.from_store(store) as platform:
        asked = len(provider.token_requests)
        for _ in range(4):
            with pytest.raises(TransientFault) as waiting:
                platform.request("GET", "metadata")
        assert len(provider.token_requests) == asked + 1  # asked once, then its Retry-After waited for
        assert waiting.value.retry_after is not None and 100 < waiting.value.retry_after <= 120
        assert "connexion" in waiting.value.words
    # The provider back (and its wait over): the token is refreshed, no sign-in needed.
    provider.refresh_down = None
    with _signed_in_platform(store, provider, tmp_path / "again"), PlatformClient.from_store(store) as platform:
        assert platform.metadata()["resourceType"] == "CapabilityStatement"


def test_a_refresh_token_refused_stops_and_says_to_sign_in_without_asking_again(
    store: Store, provider: PscProvider, tmp_path: Any
) -> None:
    """Found in review: a refresh token the provider refused (invalid_grant) was sent again at every
    request, and again each time the window's sync started over after its pause (every 30 s)."""
    from sync.auth import SignInRequired

    with _signed_in_platform(store, provider, tmp_path):
        provider.refresh_revoked = True
        asked = len(provider.token_requests)
        for _ in range(3):  # the window's sync, started again after each pause
            with PlatformClient.from_store(store) as platform, pytest.raises(SignInRequired, match="teleavis login"):
                platform.request("GET", "metadata")
        assert len(provider.token_requests) == asked + 1
