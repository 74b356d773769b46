"""A cancellation a strict server will not make is said as such, never as the case refused.

Found by a conformance pass against what HAPI answers: a Task the platform deleted is read ``410 Gone``
(``404`` once purged), and a PUT a server's rules refuse (a status transition it does not allow, a profile it
checks) answers ``422`` or ``400`` with an OperationOutcome. ``case cancel`` said each « La plateforme refuse
le dossier (410) : … », as for a case refused at its sending: the nurse read that the case itself was refused.
Now the request gone says so (nothing to cancel there, no answer will come through Teleavis, call the
platform), and a refused cancellation says the request stays as it was on the platform, with the platform's
words; the case here is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import i18n
from app.errors import TeleavisError
from app.model import CaseState
from app.store import Store
from sync.client import TransientFault
from sync.follow import cancel
from tests.support.scripted_platform import following, outcome, scripted_platform, send_to_sandbox, task
from tests.sync.sync_helpers import client_for_url


@pytest.mark.parametrize("status", [404, 410])
@pytest.mark.parametrize("when", ["read", "update"])
def test_a_task_the_platform_deleted_is_said_gone_not_the_case_refused(
    store: Store, tmp_path: Path, status: int, when: str
) -> None:
    """Deleted before the read (``GET Task`` answered 404/410), or between the read and the ``PUT``."""
    store.settings.set("platform.url", "https://platform.example/fhir")  # a real platform's case
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    gone = outcome(status, f"HAPI-2001: Resource Task/{task_id} is gone/deleted")
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "requested")
        if when == "read":
            platform.hooks.append(lambda path, _query: gone if path.endswith(f"/Task/{task_id}") else None)
        else:
            platform.put_hooks.append(lambda _path, _sent: gone)
        with client_for_url(platform.base_url) as client, pytest.raises(TeleavisError) as refused:
            cancel(store, client, case_id, budget_s=2.0)
    said = refused.value.message
    assert "refuse le dossier" not in said, said
    assert "n'existe plus sur la plateforme" in said and "Appelez la plateforme" in said, said
    assert store.state(case_id) == CaseState.SENT


@pytest.mark.parametrize("status", [400, 403, 422])
def test_a_cancellation_the_platform_refuses_says_so_with_its_words(store: Store, tmp_path: Path, status: int) -> None:
    store.settings.set("platform.url", "https://platform.example/fhir")
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    words = "Task.status: transition from requested to cancelled not allowed for this requester"
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "requested")
        platform.put_hooks.append(lambda _path, _sent: outcome(status, words))
        with client_for_url(platform.base_url) as client, pytest.raises(TeleavisError) as refused:
            cancel(store, client, case_id, budget_s=2.0)
        assert platform.tasks[task_id]["status"] == "requested"
    said = refused.value.message
    assert "refuse le dossier" not in said, said
    assert f"La plateforme refuse l'annulation ({status})" in said and words in said, said
    assert "reste en cours" in said, said
    assert store.state(case_id) == CaseState.SENT


def test_a_refused_cancellation_in_english(store: Store, tmp_path: Path) -> None:
    store.settings.set("platform.url", "https://platform.example/fhir")
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "requested")
        platform.put_hooks.append(lambda _path, _sent: outcome(422, "not allowed"))
        i18n.set_language("en")
        try:
            with client_for_url(platform.base_url) as client, pytest.raises(TeleavisError) as refused:
                cancel(store, client, case_id, budget_s=2.0)
        finally:
            i18n.set_language(None)
    assert refused.value.message.startswith("The platform refuses the cancellation (422): not allowed"), (
        refused.value.message
    )


def test_the_scripted_platform_updates_a_task_as_a_strict_server_does(store: Store, tmp_path: Path) -> None:
    """The support's ``PUT``: a cancel goes through with the version read, the Task cancelled at version 3."""
    store.settings.set("platform.url", "https://platform.example/fhir")
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "requested")
        with client_for_url(platform.base_url) as client:
            cancel(store, client, case_id, budget_s=2.0)
        assert platform.tasks[task_id]["status"] == "cancelled"
        assert platform.tasks[task_id]["meta"]["versionId"] == "3"
    assert store.state(case_id) == CaseState.CANCELLED


@pytest.mark.parametrize(
    "answer",
    [
        (404, {"Content-Type": "text/html"}, b"<html><body><h1>404 Not Found</h1>nginx</body></html>"),
        (404, {}, b""),
        (404, {"Content-Type": "application/fhir+json"}, b'{"resourceType": "Bundle", "type": "searchset"}'),
    ],
    ids=["html", "empty", "not-an-outcome"],
)
@pytest.mark.parametrize("when", ["read", "update"])
def test_a_404_not_from_the_platform_never_says_the_request_gone(
    store: Store, tmp_path: Path, answer: tuple[int, dict[str, str], bytes], when: str
) -> None:
    """A gateway's or a proxy's 404 (an HTML page, no body, no OperationOutcome) is not the platform saying the
    request deleted: the cancellation is said not asked (the network), never « n'existe plus »."""
    store.settings.set("platform.url", "https://platform.example/fhir")
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "requested")
        if when == "read":
            platform.hooks.append(lambda path, _query: answer if path.endswith(f"/Task/{task_id}") else None)
        else:
            platform.put_hooks.append(lambda _path, _sent: answer)
        with client_for_url(platform.base_url) as client, pytest.raises(TransientFault):
            cancel(store, client, case_id, budget_s=1.0)
        assert platform.tasks[task_id]["status"] == "requested"
    assert store.state(case_id) == CaseState.SENT


def test_a_request_found_deleted_on_cancelling_is_said_on_the_case_at_once(store: Store, tmp_path: Path) -> None:
    """Found in review: told « n'existe plus » at the command, the case stayed in the list as sent with nothing
    said, until a later poll found the Task gone and marked it as news to read, the nurse told twice. Now the case
    says it at once, as the poll would (not news: she has just been told), and a poll since adds nothing."""
    from sync.follow import M as FOLLOW_M

    store.settings.set("platform.url", "https://platform.example/fhir")
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:  # the Task deleted there: read, 404 (searched, not found)
        with client_for_url(platform.base_url) as client, pytest.raises(TeleavisError):
            cancel(store, client, case_id, budget_s=2.0)
        assert store.platform_info(case_id)["last_error"] == FOLLOW_M.tr("follow.task_gone")
        assert store.unread_count() == 0
        with following(store, platform) as engine:
            engine.run_once()
        assert any(f"/Task/{task_id}" in asked for asked in platform.requests), "polled since"
    assert store.platform_info(case_id)["last_error"] == FOLLOW_M.tr("follow.task_gone")
    assert store.unread_count() == 0
    assert store.state(case_id) == CaseState.SENT


def test_a_training_request_found_deleted_on_cancelling_says_no_real_patient_is_concerned(
    store: Store, tmp_path: Path
) -> None:
    """A training case's platform erased (a key or platform change, a backup restored): no platform to call."""
    from sync.follow import M as FOLLOW_M

    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    gone = outcome(404, f"HAPI-2001: Resource Task/{task_id} is not known")
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "requested")
        platform.hooks.append(lambda path, _query: gone if f"/Task/{task_id}" in path else None)
        with client_for_url(platform.base_url) as client, pytest.raises(TeleavisError) as refused:
            cancel(store, client, case_id, budget_s=2.0)
    said = refused.value.message
    assert "Aucun vrai patient n'est concerné" in said and "Appelez la plateforme" not in said, said
    assert store.platform_info(case_id)["last_error"] == FOLLOW_M.tr("follow.task_gone.training")
