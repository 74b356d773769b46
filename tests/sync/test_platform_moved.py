"""A platform that moved for good (301/308 to another address): said once, in words, with the new
address, and never followed (the token would go there). Found from outside: every request answered 308
to the new base was reported, forever, as « Réponse illisible (portail d'accès, proxy ou coupure) »."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from sync.client import PlatformMoved, TransientFault, probe_metadata
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
