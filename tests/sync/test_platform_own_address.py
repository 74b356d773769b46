"""A platform that names its own resources under another address than the one Teleavis reaches it at: a
server behind a reverse proxy that writes its internal base into what it serves (Firely's Spark makes every
reference absolute under ``http://localhost:<port>/fhir``, its ``fullUrl``s too, FirelyTeam/spark#82). R4
takes an absolute reference under the server's own base for the local one (references.html, search.html
#reference), and the server says which base is its own in the ``fullUrl`` of each resource it lists
(bundle.html: ``[base]/[type]/[id]``). Found by a conformance pass: the expert's report so named was kept as
« adresse hors plateforme », its conclusion and PDF never shown. Such an address is now asked of the
platform under its base (the token never goes to the address named); one under a base the platform never
named as its own stays off the platform, never asked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.store import Store
from tests.support.scripted_platform import (
    PDF,
    Reply,
    ScriptedPlatform,
    fhir,
    following,
    report,
    scripted_platform,
    send_to_sandbox,
    task,
)

INTERNAL = "http://localhost:49911/fhir"


def _named_internally(platform: ScriptedPlatform, base: str) -> None:
    """Every search answered as Spark answers it: each match's ``fullUrl`` under ``base``, with its version."""

    def hook(path: str, query: dict[str, list[str]]) -> Reply | None:
        kind = path.rstrip("/").rsplit("/", 1)[-1]
        held = {"Task": platform.tasks, "DiagnosticReport": platform.reports}.get(kind)
        if held is None or "_id" not in query:
            return None
        ids = ",".join(query["_id"]).split(",")
        entries = [
            {
                "fullUrl": f"{base}/{kind}/{i}/_history/{held[i]['meta']['versionId']}",
                "resource": held[i],
                "search": {"mode": "match"},
            }
            for i in ids
            if i in held
        ]
        return fhir({"resourceType": "Bundle", "type": "searchset", "entry": entries})

    platform.hooks.append(hook)


def _answered_under(platform: ScriptedPlatform, case_id: str, task_id: str, base: str) -> None:
    answered: dict[str, Any] = task(case_id, task_id, "completed", report_ids=("r",))
    answered["output"][0]["valueReference"]["reference"] = f"{base}/DiagnosticReport/r"
    platform.tasks[task_id] = answered
    platform.reports["r"] = report("r", "Naevus bénin, surveillance.", pdf="b")
    platform.reports["r"]["presentedForm"][0]["url"] = f"{base}/Binary/b"
    platform.binaries["b"] = PDF


def test_a_report_named_under_the_platforms_own_internal_address_is_read_on_the_platform(
    store: Store, tmp_path: Path
) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        _named_internally(platform, INTERNAL)
        _answered_under(platform, case_id, task_id, INTERNAL)
        with following(store, platform) as engine:
            engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and answer.missing == []
    assert answer.conclusion == "Naevus bénin, surveillance."
    assert [store.objects.get(blob) for blob in answer.pdf_blobs] == [PDF]
    assert "/fhir/DiagnosticReport/r" in platform.requests and "/fhir/Binary/b" in platform.requests


def test_a_report_under_a_base_the_platform_never_named_its_own_stays_off_the_platform(
    store: Store, tmp_path: Path
) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        _named_internally(platform, INTERNAL)
        _answered_under(platform, case_id, task_id, "http://reports.other-host.example/fhir")
        with following(store, platform) as engine:
            engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and answer.conclusion == ""
    assert [m["reason"] for m in answer.missing] == ["foreign-url"]
    assert not any("DiagnosticReport/r" in asked or "Binary/b" in asked for asked in platform.requests)
