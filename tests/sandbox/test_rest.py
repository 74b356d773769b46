"""Reads, searches, Binaries and the requester's Task cancellation, over HTTP."""

from __future__ import annotations

import base64
import time
from typing import Any

import requests

from sync.sandbox import SandboxServer
from tests.sandbox.sandbox_cases import CaseBundle, jpeg, new_case, post_bundle, upload

FHIR = {"Accept": "application/fhir+json"}


def _sent_case(sandbox: SandboxServer) -> tuple[CaseBundle, dict[str, Any]]:
    case = new_case(sandbox.base_url)
    assert post_bundle(sandbox.base_url, case.bundle()).status_code == 200
    (task,) = sandbox.resources("Task")
    return case, task


def _get(sandbox: SandboxServer, path: str, **params: str) -> requests.Response:
    return requests.get(f"{sandbox.base_url}/{path}", params=params, headers=FHIR, timeout=10)


def test_metadata_is_an_r4_capability_statement(sandbox: SandboxServer) -> None:
    response = _get(sandbox, "metadata")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/fhir+json")
    statement = response.json()
    assert statement["resourceType"] == "CapabilityStatement"
    assert statement["fhirVersion"] == "4.0.1"
    rest = statement["rest"][0]
    assert [i["code"] for i in rest["interaction"]] == ["transaction"]
    by_type = {r["type"]: {i["code"] for i in r["interaction"]} for r in rest["resource"]}
    assert {"read", "search-type", "update"} <= by_type["Task"]
    assert "create" in by_type["Binary"]
    assert "DiagnosticReport" in by_type


def test_binary_round_trip_raw_and_as_fhir_json(sandbox: SandboxServer) -> None:
    data = jpeg(3)
    response = requests.post(
        f"{sandbox.base_url}/Binary", data=data, headers={"Content-Type": "image/jpeg"}, timeout=10
    )
    assert response.status_code == 201
    location = response.headers["Location"]
    assert location.startswith("Binary/") and location.endswith("/_history/1")
    binary_id = location.split("/")[1]
    raw = requests.get(f"{sandbox.base_url}/Binary/{binary_id}", headers={"Accept": "image/jpeg"}, timeout=10)
    assert raw.status_code == 200
    assert raw.headers["Content-Type"] == "image/jpeg"
    assert raw.content == data
    as_json = _get(sandbox, f"Binary/{binary_id}").json()
    assert as_json["resourceType"] == "Binary"
    assert as_json["contentType"] == "image/jpeg"
    assert base64.b64decode(as_json["data"]) == data
    assert sandbox.binary_uploads == 1


def test_binary_over_the_limit_is_413_and_odd_content_is_refused(tmp_path: Any) -> None:
    with SandboxServer(tmp_path / "small", max_binary_bytes=1000, run_expert=False) as small:
        too_big = requests.post(
            f"{small.base_url}/Binary",
            data=b"\xff\xd8\xff" + b"0" * 5000,
            headers={"Content-Type": "image/jpeg"},
            timeout=10,
        )
        assert too_big.status_code == 413
        assert too_big.json()["resourceType"] == "OperationOutcome"
        # Chunked bodies (a generator) are limited the same way.
        chunked = requests.post(
            f"{small.base_url}/Binary",
            data=iter([b"\xff\xd8\xff", b"0" * 3000]),
            headers={"Content-Type": "image/jpeg"},
            timeout=10,
        )
        assert chunked.status_code == 413
        not_a_jpeg = requests.post(
            f"{small.base_url}/Binary", data=b"encrypted blob", headers={"Content-Type": "image/jpeg"}, timeout=10
        )
        assert not_a_jpeg.status_code == 400
        text = requests.post(f"{small.base_url}/Binary", data=b"hi", headers={"Content-Type": "text/plain"}, timeout=10)
        assert text.status_code == 415
        assert small.binary_uploads == 0


def test_read_gives_etag_and_searches_find_the_task(sandbox: SandboxServer) -> None:
    case, task = _sent_case(sandbox)
    read = _get(sandbox, f"Task/{task['id']}")
    assert read.status_code == 200
    assert read.headers["ETag"] == 'W/"1"'
    assert read.json()["identifier"][0]["value"] == case.case_id

    by_identifier = _get(sandbox, "Task", identifier=f"urn:teleavis:case-id|{case.case_id}").json()
    assert by_identifier["type"] == "searchset"
    assert [e["resource"]["id"] for e in by_identifier["entry"]] == [task["id"]]
    assert _get(sandbox, "Task", identifier="urn:teleavis:case-id|nope").json()["total"] == 0

    _, other = _sent_case_again(sandbox)
    both = _get(sandbox, "Task", _id=f"{task['id']},{other['id']},missing").json()
    assert {e["resource"]["id"] for e in both["entry"]} == {task["id"], other["id"]}

    assert _get(sandbox, "Task/nope").status_code == 404
    assert _get(sandbox, "Task", statuss="requested").status_code == 400


def _sent_case_again(sandbox: SandboxServer) -> tuple[CaseBundle, dict[str, Any]]:
    case = CaseBundle([(upload(sandbox.base_url, jpeg(9)), jpeg(9))])
    assert post_bundle(sandbox.base_url, case.bundle()).status_code == 200
    task = next(t for t in sandbox.resources("Task") if t["identifier"][0]["value"] == case.case_id)
    return case, task


def test_last_updated_filter_returns_only_what_changed(sandbox: SandboxServer) -> None:
    _, task = _sent_case(sandbox)
    mark = task["meta"]["lastUpdated"]
    assert _get(sandbox, "Task", _lastUpdated=f"gt{mark}").json()["total"] == 0
    time.sleep(0.01)
    sandbox.expert.step()  # requested -> received
    changed = _get(sandbox, "Task", _id=task["id"], _lastUpdated=f"gt{mark}").json()
    assert changed["total"] == 1
    assert changed["entry"][0]["resource"]["status"] == "received"
    assert changed["entry"][0]["resource"]["meta"]["versionId"] == "2"
    # An offset written with an unencoded "+" still parses.
    response = requests.get(
        f"{sandbox.base_url}/Task?_lastUpdated=gt2000-01-01T00:00:00+01:00", headers=FHIR, timeout=10
    )
    assert response.json()["total"] == 1


def test_cancel_needs_if_match_and_only_while_requested_or_received(sandbox: SandboxServer) -> None:
    _, task = _sent_case(sandbox)
    url = f"{sandbox.base_url}/Task/{task['id']}"
    body = dict(task, status="cancelled")
    headers = {"Content-Type": "application/fhir+json"}

    assert requests.put(url, json=body, headers=headers, timeout=10).status_code == 428
    sandbox.expert.step()  # received: version 2
    stale = requests.put(url, json=body, headers={**headers, "If-Match": 'W/"1"'}, timeout=10)
    assert stale.status_code == 412
    assert stale.json()["resourceType"] == "OperationOutcome"
    other_status = requests.put(
        url, json=dict(task, status="completed"), headers={**headers, "If-Match": 'W/"2"'}, timeout=10
    )
    assert other_status.status_code == 422
    done = requests.put(url, json=body, headers={**headers, "If-Match": 'W/"2"'}, timeout=10)
    assert done.status_code == 200, done.text
    assert done.headers["ETag"] == 'W/"3"'
    assert sandbox.read("Task", task["id"])["status"] == "cancelled"  # type: ignore[index]
    assert sandbox.expert.step() == 0  # The expert leaves a cancelled case alone.

    _, later = _sent_case_again(sandbox)
    sandbox.expert.run_until_idle()
    version = sandbox.read("Task", later["id"])["meta"]["versionId"]  # type: ignore[index]
    too_late = requests.put(
        f"{sandbox.base_url}/Task/{later['id']}",
        json=dict(later, status="cancelled"),
        headers={**headers, "If-Match": f'W/"{version}"'},
        timeout=10,
    )
    assert too_late.status_code == 409


def test_other_writes_are_not_allowed(sandbox: SandboxServer) -> None:
    _, task = _sent_case(sandbox)
    delete = requests.delete(f"{sandbox.base_url}/Task/{task['id']}", timeout=10)
    assert delete.status_code == 405
    plain_create = requests.post(
        f"{sandbox.base_url}/Patient",
        json={"resourceType": "Patient"},
        headers={"Content-Type": "application/fhir+json"},
        timeout=10,
    )
    assert plain_create.status_code == 405
    assert requests.get(f"{sandbox.base_url}/Observation/1", timeout=10).status_code == 404


def test_http_level_refusals_are_operation_outcomes_too(sandbox: SandboxServer) -> None:
    # OPTIONS is answered now (tus discovery); a method the server does not know at all is not.
    response = requests.request("PROPFIND", f"{sandbox.base_url}/metadata", timeout=10)
    assert response.status_code == 501
    assert response.headers["Content-Type"].startswith("application/fhir+json")
    assert response.json()["resourceType"] == "OperationOutcome"


def test_a_task_put_with_its_last_change_before_its_authoring_is_refused(sandbox: SandboxServer) -> None:
    """R4 Task inv-1: « Last modified date must be greater than or equal to authored-on date »."""
    _, task = _sent_case(sandbox)
    url = f"{sandbox.base_url}/Task/{task['id']}"
    headers = {"Content-Type": "application/fhir+json", "If-Match": 'W/"1"'}
    body = dict(task, status="cancelled", authoredOn="2026-11-20T10:00:00+01:00", lastModified="2026-11-20T08:59:59Z")
    refused = requests.put(url, json=body, headers=headers, timeout=10)
    assert refused.status_code == 400 and "inv-1" in refused.text, refused.text
    body["lastModified"] = "2026-11-20T09:00:00Z"  # the same instant
    assert requests.put(url, json=body, headers=headers, timeout=10).status_code == 200
