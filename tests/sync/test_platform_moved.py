"""A platform that moved for good (301/308 to another address): said once, in words, with the new
address, and never followed (the token would go there). Found from outside: every request answered 308
to the new base was reported, forever, as « Réponse illisible (portail d'accès, proxy ou coupure) »."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from sync.client import OffPlatform, PlatformMoved, TransientFault, probe_metadata
from tests.support.http import QuietHandler, serving
from tests.sync.sync_helpers import client_for_url, engine_on, make_case


@contextmanager
def moved_platform(status: int, location: str = "/fhir-r4/{rest}") -> Iterator[tuple[str, list[str]]]:
    """Every request under ``/fhir/`` answered ``status`` to ``location``; the FHIR answers are at the new
    place (never asked, here). Yields the old base and the paths asked."""
    asked: list[str] = []

    class Handler(QuietHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            asked.append(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            if self.path.startswith("/fhir/"):
                self.answer(status, headers={"Location": location.format(rest=self.path[len("/fhir/") :])})
                return
            self.answer(200, json.dumps({"resourceType": "Bundle", "type": "searchset", "entry": []}).encode())

        do_GET = do_POST = do_PUT = _any

    with serving(Handler, path="/fhir") as base:
        yield base, asked


@pytest.mark.parametrize("status", [301, 308])
def test_a_platform_that_moved_is_said_with_its_new_address_and_not_followed(status: int) -> None:
    with moved_platform(status) as (base, asked), client_for_url(base) as client:
        new_base = base.replace("/fhir", "/fhir-r4/")
        with pytest.raises(PlatformMoved) as moved:
            client.search_pages("Task", {"_id": "x"})
        assert moved.value.message == (
            f"La plateforme a changé d'adresse (nouvelle adresse : {new_base}) : mettez à jour le réglage de la "
            "plateforme (platform.url)."
        )
        probe = probe_metadata(client)  # the connection test says it too
        assert probe.outcome == "not_fhir" and probe.words == moved.value.message  # not « sign in again »
        assert probe.reason == f"HTTP {status} → {new_base}"
    assert not [path for path in asked if path.startswith("/fhir-r4")]  # never followed


def test_a_moved_platform_pauses_the_sync_and_the_case_waits_with_the_words(store: Store) -> None:
    """Not a refusal of the case (it is not its fault), nor a network fault retried for ever: the sync
    stops, saying why (the window's « Synchronisation en pause : … »), and the case stays queued."""
    case_id = make_case(store, "dermatology")
    with moved_platform(308) as (base, _asked), engine_on(store, base) as engine, pytest.raises(PlatformMoved):
        engine.run_once()
    assert store.state(case_id) == CaseState.QUEUED
    row = Outbox(store).row(case_id)
    assert row is not None and "La plateforme a changé d'adresse" in str(store.platform_info(case_id)["last_error"])


def test_a_temporary_redirect_is_still_a_network_fault() -> None:
    """302/307: a captive portal's, or a moment's: retried, as before."""
    portal = moved_platform(302, "http://portal.example/login")
    with portal as (base, _asked), client_for_url(base) as client, pytest.raises(TransientFault):
        client.retrying(lambda: client.search_pages("Task", {"_id": "x"}), budget_s=0.1)


@pytest.mark.parametrize("status", [301, 308])
def test_one_resource_redirected_to_another_is_not_the_platform_moving(store: Store, status: int) -> None:
    """Found from outside: one Task read answered 301 to another Task under the same base (a platform
    merging two records) was taken for the whole platform moving to « …/fhir/Task/merged-… »: the sync of
    every case stopped, and the user was told to set that address as the platform's. It is that one
    request's fault, retried; the redirect is not followed (it names another resource)."""
    with moved_platform(status, "/fhir/Task/merged-{rest}") as (base, asked), client_for_url(base) as client:
        with pytest.raises(TransientFault) as fault:
            client.read("Task", "abc")
        assert fault.value.kind == "not_fhir"
    assert asked == ["/fhir/Task/abc"]


@pytest.mark.parametrize("status", [301, 308])
def test_a_whole_site_redirected_to_another_hosts_front_page_is_the_platform_moving(store: Store, status: int) -> None:
    """Every address of the old platform answered with the new site's base (nginx's ``return 301
    https://new/fhir/``, the paths not kept): not one resource redirected to another but the platform
    moved. Taken for a fault of each request, it was retried for ever, « réponse illisible », and the
    user never told where the platform went."""
    new_base = "http://telemedecine.new-region.example/fhir/"
    case_id = make_case(store, "dermatology")
    with moved_platform(status, new_base) as (base, asked), client_for_url(base) as client:
        with pytest.raises(PlatformMoved) as moved:
            client.search_pages("Task", {"_id": "x"})
        assert moved.value.new_base == new_base
        assert probe_metadata(client).words == moved.value.message  # the connection test says it too
        with engine_on(store, base) as engine, pytest.raises(PlatformMoved):
            engine.run_once()
    assert store.state(case_id) == CaseState.QUEUED
    assert not [path for path in asked if not path.startswith("/fhir/")]  # never followed


@pytest.mark.parametrize("status", [301, 308])
def test_an_attachment_redirected_with_the_whole_platform_is_the_platform_moving(status: int) -> None:
    """An answer's file read from a platform that moved (every address, its Binary too, redirected to the
    new base) is not a link off the platform, never to be asked again (« adresse hors plateforme »): the
    platform moved, said as such, and the file is read there once the setting is changed."""
    platform = moved_platform(status, "http://telemedecine.new-region.example/fhir/{rest}")
    with platform as (base, asked), client_for_url(base) as client, pytest.raises(PlatformMoved) as moved:
        client.fetch("Binary/b1", "application/pdf")
    assert moved.value.new_base == "http://telemedecine.new-region.example/fhir/"
    assert asked[0] == "/fhir/Binary/b1"


def _platform_sending_the_rest_away(
    asked: list[str], status: int, location: Callable[[str], str]
) -> type[QuietHandler]:
    """A platform whose own address (``metadata``) answers as ever while every other path is redirected
    (``status``) to ``location(path)``; each path asked is kept in ``asked``."""

    class Handler(QuietHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            asked.append(self.path)
            if self.path.startswith("/fhir/metadata"):
                statement = {"resourceType": "CapabilityStatement", "status": "active", "fhirVersion": "4.0.1"}
                self.answer(200, json.dumps(statement).encode())
                return
            self.answer(status, headers={"Location": location(self.path)})

    return Handler


def test_one_resource_redirected_to_another_host_while_the_platform_answers_is_not_a_move() -> None:
    """One Task sent elsewhere (301 to another host) while the platform's own address answers as ever is
    that one request's fault, retried: the sync of every case is not stopped for it. The same redirect of
    a file is a link off the platform, not followed."""
    asked: list[str] = []
    Handler = _platform_sending_the_rest_away(asked, 301, lambda path: "http://archive.example/old-records/42")
    with serving(Handler, path="/fhir") as base, client_for_url(base) as client:
        with pytest.raises(TransientFault):
            client.read("Task", "abc")
        with pytest.raises(OffPlatform):
            client.fetch("Binary/b1", "application/pdf")
    assert "/fhir/Task/abc" in asked


@pytest.mark.parametrize("status", [301, 308])
def test_one_path_sent_by_a_load_balancer_to_another_host_keeping_it_is_not_a_move(status: int) -> None:
    """Found in review: a load balancer sending the files (``/fhir/Binary/…``) to a host of their own, the
    path kept, made the whole platform « moved » to that file host, as soon as one answer's file was read:
    the sync of every case stopped, and the nurse told to set the file host as the platform. The
    platform's own address (``metadata``) answers: one path sent elsewhere, not a move."""
    asked: list[str] = []
    Handler = _platform_sending_the_rest_away(asked, status, lambda path: f"http://files.region.example{path}")
    with serving(Handler, path="/fhir") as base, client_for_url(base) as client:
        with pytest.raises(OffPlatform):
            client.fetch("Binary/b1", "application/pdf")
        with pytest.raises(TransientFault):
            client.read("Binary", "b2")
    assert "/fhir/Binary/b1" in asked and "/fhir/metadata" in asked


def test_a_redirect_to_the_same_base_written_otherwise_is_not_a_move() -> None:
    """Found in review: the base compared as text, a redirect of ``metadata`` to itself under the same
    base written otherwise (the host in capitals, a default port made explicit: ``https://host:443/…``)
    was the platform « moved » to itself, the connection test and the sync of every case stopped."""

    class Handler(QuietHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            port = self.server.server_address[1]
            self.answer(301, headers={"Location": f"http://LOCALHOST:{port}/fhir/metadata?_format=json"})

    with serving(Handler, path="/fhir") as base, client_for_url(base.replace("127.0.0.1", "localhost")) as client:
        with pytest.raises(TransientFault):
            client.metadata()
        assert "changé d'adresse" not in probe_metadata(client).words


@pytest.mark.parametrize("status", [301, 308])
def test_a_redirect_to_an_address_that_cannot_be_read_is_that_requests_fault(status: int) -> None:
    """Found in review: a ``Location`` no parser can read (a broken IPv6 host, as a misconfigured proxy
    writes) raised a bare ``ValueError`` out of the client: not a fault of that request, but the sync pass
    stopped on an « internal error »."""

    class Handler(QuietHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.answer(status, headers={"Location": "https://[telemedecine.region.example/fhir/Task/abc"})

    with serving(Handler, path="/fhir") as base, client_for_url(base) as client:
        with pytest.raises(TransientFault):
            client.read("Task", "abc")
        with pytest.raises(TransientFault):
            client.fetch("Binary/b1", "application/pdf")
        assert client.own_url("https://[telemedecine.region.example/fhir/Binary/b1") is None  # an answer's file


@pytest.mark.parametrize("status", [301, 308])
def test_a_platform_moved_with_a_trailing_slash_added_gives_its_base_not_its_metadata(status: int) -> None:
    """Found in review: every address moved to the new site, a slash added (nginx's directory redirect),
    told the user to set « …/fhir/metadata/ » as the platform's address."""
    platform = moved_platform(status, "http://telemedecine.new-region.example/fhir/{rest}/")
    with platform as (base, _asked), client_for_url(base) as client, pytest.raises(PlatformMoved) as moved:
        client.metadata()
    assert moved.value.new_base == "http://telemedecine.new-region.example/fhir/"
