"""A token the platform refuses, with no way to renew it here, says who can give a new one, and how.

« reconnectez-vous » meant nothing to a site whose platform access is a fixed token (``platform.token``, set
once by whoever set Teleavis up: the window's « Jeton d'accès », or ``config set platform.token -``) or the
credentials of an OAuth client (``platform.client_secret``, or a ``platform.refresh_token``): there is no
sign-in to do again. The nurse is told to call the person who set Teleavis up, with the setting to give
again. Pro Santé Connect, a sign-in of her own, keeps its words (``teleavis login``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app import i18n
from sync.auth import OAuthToken, SignInRequired, StaticToken
from sync.client import ClientConfig, PlatformClient, RetryPolicy
from tests.sync.test_sync_client import Scripted, fhir, outcome


@pytest.fixture
def serve() -> Iterator[Callable[..., tuple[Scripted, PlatformClient]]]:
    """A loopback platform answering ``replies``, and a client of it with ``tokens``."""
    made: list[tuple[Scripted, PlatformClient]] = []

    def make(replies: list[Any], tokens: Any) -> tuple[Scripted, PlatformClient]:
        server = Scripted(replies)
        client = PlatformClient(ClientConfig(server.url, 2.0, 5.0), tokens, policy=RetryPolicy(base_s=0.01, cap_s=0.05))
        made.append((server, client))
        return server, client

    yield make
    for server, client in made:
        client.close()
        server.close()


@pytest.fixture
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language(None)


def _refused(client: Any) -> str:
    with pytest.raises(SignInRequired) as refused:
        client.metadata()
    return refused.value.message


def test_a_fixed_token_refused_says_to_call_who_set_teleavis_up(serve: Any) -> None:
    _server, client = serve([fhir(401, outcome("expired"))], StaticToken("t0"))
    said = _refused(client)
    assert "reconnectez-vous" not in said.lower()
    assert "jeton d'accès" in said and "installé Teleavis" in said, said
    assert "teleavis config set platform.token -" in said and "Réglages" in said, said
    assert "rien n'a été perdu" in said


def test_a_fixed_token_refused_says_it_in_english(serve: Any, english: None) -> None:
    _server, client = serve([fhir(401, outcome("expired"))], StaticToken("t0"))
    said = _refused(client)
    assert "sign in again" not in said.lower()
    assert "access token" in said and "set Teleavis up" in said, said
    assert "teleavis config set platform.token -" in said


def test_a_client_secret_refused_says_which_setting_to_give_again(serve: Any) -> None:
    refused = fhir(401, {"error": "invalid_client"})
    server, client = serve([fhir(401, outcome("expired")), refused, refused], StaticToken("t0"))
    client.tokens = OAuthToken(server.url + "/oauth/token", "teleavis", "wrong", access_token="t0")
    said = _refused(client)
    assert "reconnectez-vous" not in said.lower()
    assert "installé Teleavis" in said and "Secret client" in said, said
    assert "teleavis config set platform.client_secret -" in said, said


def test_a_renewal_token_refused_says_which_setting_to_give_again(serve: Any) -> None:
    server, client = serve([fhir(401, outcome("expired")), fhir(400, {"error": "invalid_grant"})], StaticToken("t0"))
    client.tokens = OAuthToken(server.url + "/oauth/token", "teleavis", "", access_token="t0", refresh_token="r0")
    said = _refused(client)
    assert "reconnectez-vous" not in said.lower()
    assert "installé Teleavis" in said and "teleavis config set platform.refresh_token -" in said, said
