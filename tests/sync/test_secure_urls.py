"""The token and the photos go over HTTPS only (plain HTTP to this machine excepted), and the
OAuth token request is never re-posted where a redirect points."""

from __future__ import annotations

import base64
import http.server
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import requests

from app.errors import TeleavisError
from app.store import Store
from app.urls import is_secure_url
from sync.auth import OAuthToken, SignInRequired, StaticToken, UnsafeSignIn
from sync.client import ClientConfig, PlatformClient
from tests.support.cli import run_inprocess
from tests.support.http import QuietHandler, serving
from tests.sync.sync_helpers import make_case, setup_site


def test_which_addresses_are_secure() -> None:
    for url in (
        "https://plateforme.example/fhir",
        "HTTPS://p.example:8443/fhir",
        "http://127.0.0.1:8765/fhir",
        "http://localhost/fhir",
        "http://[::1]:9/fhir",
        "http://127.1.2.3/fhir",
        "https://télé-expertise.example/fhir",  # (found in review: refused once urllib3's reading was compared)
    ):
        assert is_secure_url(url), url
    for url in (
        "http://plateforme.example/fhir",
        "http://10.0.0.5/fhir",
        "http://localhost.evil.example/fhir",
        "ftp://p.example/fhir",
        "plateforme.example/fhir",
        "https://",
        "http://127.0.0.1:99999/fhir",
        "http://0.0.0.0/fhir",
    ):
        assert not is_secure_url(url), url


def test_config_set_refuses_a_plain_http_platform_or_token_address(capsys: pytest.CaptureFixture[str]) -> None:
    for key in ("platform.url", "platform.token_url"):
        refused = run_inprocess(capsys, "config", "set", key, "http://plateforme.example/fhir")
        assert refused.code == 2, refused.err
        assert "https://" in refused.err and key in refused.err
        assert run_inprocess(capsys, "config", "get", key).out.strip() == ""
    for url in ("https://plateforme.example/fhir", "http://127.0.0.1:8765/fhir"):
        assert run_inprocess(capsys, "config", "set", "platform.url", url).code == 0


def test_a_plain_http_platform_already_set_is_refused_at_use(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(teleavis_home) as store:
        setup_site(store)
        # Set by an older version, or by hand: the settings refuse nothing themselves.
        store.settings.set("platform.url", "http://plateforme.example/fhir")
        store.settings.set("platform.token", "secret-token")
        case_id = make_case(store)
    done = run_inprocess(capsys, "sync", "--once")
    assert done.code == 1
    assert "https://" in done.err
    with Store.open(teleavis_home) as store:
        assert store.platform_info(case_id)["task_id"] is None
    with pytest.raises(TeleavisError, match="https://"):
        PlatformClient(ClientConfig("http://plateforme.example/fhir"), StaticToken("t"))


class _Recorder(QuietHandler):
    """Answers every POST with the class's status and headers, and keeps what it was sent."""

    status = 200
    headers_out: ClassVar[dict[str, str]] = {}
    body_out = b'{"access_token": "fresh", "token_type": "Bearer"}'
    received: ClassVar[list[bytes]]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        # What was sent: the client's credentials in HTTP Basic (decoded), then the body.
        basic = self.headers.get("Authorization", "").removeprefix("Basic ")
        sent = base64.b64decode(basic) + b"\n" if basic else b""
        type(self).received.append(sent + self.rfile.read(length))
        self.answer(self.status, self.body_out, content_type="application/json", headers=self.headers_out)


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    with serving(handler) as url:
        yield url


@pytest.fixture
def thief() -> Iterator[tuple[str, type[_Recorder]]]:
    handler = type("Thief", (_Recorder,), {"received": []})
    for url in _serve(handler):
        yield url, handler


@pytest.fixture
def redirecting(thief: tuple[str, type[_Recorder]]) -> Iterator[tuple[str, type[_Recorder]]]:
    handler = type(
        "Redirecting", (_Recorder,), {"received": [], "status": 307, "headers_out": {"Location": thief[0] + "/steal"}}
    )
    for url in _serve(handler):
        yield url + "/oauth/token", handler


def test_the_token_request_does_not_follow_a_307(
    redirecting: tuple[str, type[_Recorder]], thief: tuple[str, type[_Recorder]]
) -> None:
    token_url, first = redirecting
    source = OAuthToken(token_url, "teleavis", client_secret="the-client-secret")
    with requests.Session() as session, pytest.raises(UnsafeSignIn) as raised:
        source.refresh(session, (5.0, 5.0))
    assert len(first.received) == 1 and b"the-client-secret" in first.received[0]
    assert thief[1].received == [], "the client secret was re-posted where the redirect pointed"
    assert "307" in raised.value.message and "platform.token_url" in raised.value.message
    assert isinstance(raised.value, SignInRequired)  # the engine stops and says why
    assert source.token() is None


def test_a_plain_http_token_address_gets_no_secret() -> None:
    source = OAuthToken("http://token.example/oauth/token", "teleavis", client_secret="the-client-secret")
    with requests.Session() as session, pytest.raises(UnsafeSignIn, match="https://"):
        source.refresh(session, (0.5, 0.5))


@pytest.mark.parametrize(
    "url",
    [
        "http://192.0.2.2:8765\\@127.0.0.1/fhir",  # urllib3 connects to 192.0.2.2, urlsplit reads 127.0.0.1
        "https://p.example\\@127.0.0.1/fhir",
        "http://user@127.0.0.1:8765/fhir",
        "http://192.0.2.2:8765 @127.0.0.1/fhir",
        "http://127.0.0.1:8765/fh\tir",
        "https://p.example/fhir\x00",
    ],
)
def test_an_address_the_parsers_read_differently_is_refused(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Found from outside: ``http://192.0.2.2:8765\\@127.0.0.1/fhir`` passed as « this machine » (the
    standard library reads the host after the ``@``), and ``requests`` sent the bearer token and the
    patient's INS in clear to 192.0.2.2. Refused where it is set, and where it is used."""
    assert not is_secure_url(url)
    refused = run_inprocess(capsys, "config", "set", "platform.url", url)
    assert refused.code == 2, refused.err
    assert "barre oblique inverse" in refused.err
    with pytest.raises(TeleavisError):
        PlatformClient(ClientConfig(url), StaticToken("t"))


class _Metadata(QuietHandler):
    """Answers every GET with a CapabilityStatement and keeps the request lines and their tokens."""

    received: ClassVar[list[tuple[str, str | None]]]

    def do_GET(self) -> None:
        type(self).received.append((self.path, self.headers.get("Authorization")))
        self.answer(200, b'{"resourceType": "CapabilityStatement", "status": "active", "fhirVersion": "4.0.1"}')


def test_a_platform_on_this_machine_is_never_reached_through_the_proxy() -> None:
    """Found from outside: with the platform on this machine over plain http and a proxy set, the
    request went to the proxy, bearer token in clear on the network. Only HTTPS goes through it."""
    platform = type("Platform", (_Metadata,), {"received": []})
    proxy = type("Proxy", (_Metadata,), {"received": []})
    for platform_url in _serve(platform):
        for proxy_url in _serve(proxy):
            config = ClientConfig(platform_url + "/fhir", proxy=proxy_url)
            with PlatformClient(config, StaticToken("LOOPBACK-TOKEN")) as client:
                assert client.metadata()["resourceType"] == "CapabilityStatement"
    assert proxy.received == [], "the token went through the proxy"
    assert platform.received == [("/fhir/metadata", "Bearer LOOPBACK-TOKEN")]


class _Connect(QuietHandler):
    """A proxy that keeps each CONNECT and its Proxy-Authorization, and refuses to go on (502)."""

    received: ClassVar[list[tuple[str, str | None]]]

    def do_CONNECT(self) -> None:
        type(self).received.append((self.path, self.headers.get("Proxy-Authorization")))
        self.answer(502)


def test_a_proxy_kept_without_its_scheme_is_read_as_http(teleavis_home: Path) -> None:
    """Found from outside: ``cart7:S3cretPW@proxy:3128``, kept by an older version (before
    ``check_proxy``), was handed to ``requests`` as is: read as the scheme ``cart7``, every request
    failed (InvalidProxyURL) and the status said « hors ligne ». It is read as http://, as the form now
    asks: the platform is asked through the site's proxy, the user and password going to the proxy."""
    import base64

    from sync.client import check_reachable

    proxy = type("Proxy", (_Connect,), {"received": []})
    for proxy_url in _serve(proxy):
        with Store.open(teleavis_home) as store:
            store.settings.set("platform.url", "https://plateforme.example/fhir")
            store.settings.set("platform.token", "T0KEN")
            store.settings.set("proxy", "cart7:S3cretPW@" + proxy_url.removeprefix("http://"))
            with PlatformClient.from_store(store) as client:
                assert client.session.proxies == {"https": "http://cart7:S3cretPW@" + proxy_url[7:]}
            reachable, _words = check_reachable(store)
    assert not reachable  # the fake proxy refuses to go on
    assert proxy.received == [("plateforme.example:443", "Basic " + base64.b64encode(b"cart7:S3cretPW").decode())]


@pytest.mark.parametrize("kept", ["cart7:S3cretPW@", "ftp://cart7:S3cretPW@proxy.example:21", "a@b:port"])
def test_a_proxy_kept_unusable_stops_every_request_and_says_so(teleavis_home: Path, kept: str) -> None:
    """One still not a proxy address once read as http:// is never used, nor left out (the platform
    asked directly, off the site's route): nothing is sent, and the words say to type it again."""
    from sync.client import check_reachable
    from sync.psc import PscClient, PscError

    with Store.open(teleavis_home) as store:
        store.settings.set("platform.url", "https://plateforme.example/fhir")
        store.settings.set("proxy", kept)
        with pytest.raises(TeleavisError) as refused:
            PlatformClient.from_store(store)
        reachable, words = check_reachable(store)
    assert "proxy" in refused.value.message and "S3cretPW" not in refused.value.message
    assert not reachable and "Retapez-le dans Réglages > Plateforme" in words and "S3cretPW" not in words
    with pytest.raises(PscError):
        PscClient("https://psc.example", "teleavis", proxy=kept)
