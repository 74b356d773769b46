"""Issue 16.6: a request made by a signed-in professional who is not the site's requester says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.store import Store
from sync.client import ClientConfig, PlatformClient, StaticToken
from sync.engine import Engine
from sync.mapping import validate_resource
from sync.progress import RecordingListener
from sync.psc import Professional, save_sign_in
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import make_case

NURSE = Professional("10000000017", "MARTIN", "Claire", "810000000017")
PHYSICIAN = Professional("10101010105", "DURAND", "Anne", "810101010105")


def _send(store: Store, tmp_path: Path) -> dict:  # type: ignore[type-arg]
    case_id = make_case(store)
    with (
        SandboxServer(tmp_path / "platform", run_expert=False) as sandbox,
        PlatformClient(ClientConfig(sandbox.base_url, 2.0, 10.0), StaticToken(None)) as client,
    ):
        summary = Engine(store, client, RecordingListener(), case_budget_s=10.0).run_once()
        assert summary.sent == [case_id]
        [request] = sandbox.resources("ServiceRequest")
        role = sandbox.read("PractitionerRole", request["requester"]["reference"].split("/")[-1])
    assert role is not None and role["identifier"][0]["value"] == "10101010105-750000010"
    return request  # type: ignore[no-any-return]


def test_a_nurse_signed_in_requests_on_behalf_of_the_site_physician(store: Store, tmp_path: Path) -> None:
    save_sign_in(store.settings, {"access_token": "x"}, NURSE)
    request = _send(store, tmp_path)
    # The requester stays the site's PractitionerRole; the Provenance says who made it, for whom.
    [provenance] = request["contained"]
    assert request["relevantHistory"] == [{"reference": "#signed-in"}]
    assert provenance["resourceType"] == "Provenance"
    [agent] = provenance["agent"]
    assert agent["type"]["coding"][0]["code"] == "author"
    assert agent["who"]["identifier"] == {"system": "urn:oid:1.2.250.1.71.4.2.1", "value": "810000000017"}
    assert agent["onBehalfOf"]["identifier"]["value"] == "10101010105-750000010"
    assert provenance["target"][0]["identifier"]["value"] == request["identifier"][0]["value"]
    validate_resource(request)  # R4 (fhir.resources) and FR Core checks hold


@pytest.mark.parametrize("who", [PHYSICIAN, None])
def test_the_requester_signed_in_or_nobody_adds_nothing(store: Store, tmp_path: Path, who: Professional | None) -> None:
    if who is not None:
        save_sign_in(store.settings, {"access_token": "x"}, who)
    request = _send(store, tmp_path)
    assert "relevantHistory" not in request and "contained" not in request
