"""The checklist run again at a case's sending (``SendJob.prepare``), reviewed as an attacker.

A draft being typed here (autosaved as the nurse types) is not a case she has let go: its file number typed
before its names made every queued case of that number « à corriger » at the next pass, its names then finished
and nothing for her to correct on the queued one. And a case whose transaction may have reached the platform,
stopped here as it was posted again, is looked up first: there, it is followed, never left « à corriger » with
the expert working on it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.db import transaction
from app.model import CHECKS_VERSION, CaseImage, CaseState
from app.outbox import STEP_TRANSACTION, Outbox
from app.store import NewImage, Store
from sync.engine import Engine, SendJob
from sync.mapping import CASE_SYSTEM
from sync.progress import RecordingListener
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import client_for_url, engine_on, image_records, jpeg, make_case, new_case, setup_site

pytestmark = pytest.mark.usefixtures("site")


@pytest.fixture
def site(store: Store) -> None:
    setup_site(store)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1) as server:
        yield server


@pytest.mark.parametrize("typed", ["number only", "another name"])
def test_a_draft_being_typed_with_the_same_file_number_does_not_stop_a_queued_case(
    store: Store, sandbox: SandboxServer, typed: str
) -> None:
    queued = make_case(store, ins=False, local_id="D-5150")
    # A new case started in the window: the file number typed first (autosaved), the names not yet, or not yet
    # corrected. Its own checklist says so when the nurse sends it; the queued one is not hers to correct.
    draft = new_case(ins=False, local_id="D-5150")
    family = "" if typed == "number only" else "MARTINEZ"
    draft.patient = replace(draft.patient, family=family, given=[], birth_date="")
    draft_id = store.create_case(draft, [])
    assert store.state(draft_id) == CaseState.DRAFT

    with engine_on(store, sandbox.base_url) as engine:
        summary = engine.run_once()

    assert summary.sent == [queued], store.platform_info(queued)["last_error"]
    assert store.state(queued) == CaseState.SENT
    assert store.state(draft_id) == CaseState.DRAFT


def test_two_queued_cases_of_one_file_number_and_two_patients_neither_leaves(
    store: Store, sandbox: SandboxServer
) -> None:
    """Both queued (by an older release, whose checklist did not compare them): the first one sent back to the
    nurse is still compared with when the second is sent, not let through as a case being corrected."""
    first = make_case(store, ins=False, local_id="D-5150")
    other = new_case(ins=False, local_id="D-5150")
    other.patient = replace(other.patient, family="MARTINEZ", given=["Luc"], birth_date="1961-07-08")
    photos = [NewImage(record, jpeg(seed=40 + n), None) for n, record in enumerate(image_records("dermatology"))]
    for photo in photos:
        photo.record.width, photo.record.height = 64, 48
    second = store.create_case(other, photos)
    store.queue(second)  # (the store's queue runs no checklist: the window and ``case send`` run it before)

    with engine_on(store, sandbox.base_url) as engine:
        summary = engine.run_once(poll=False)

    assert summary.sent == []
    assert store.state(first) == store.state(second) == CaseState.NEEDS_ATTENTION


def test_a_case_whose_transaction_arrived_then_invalid_as_posted_again_is_followed_not_held(
    store: Store, sandbox: SandboxServer
) -> None:
    case_id = make_case(store)
    with client_for_url(sandbox.base_url) as client:
        job = SendJob(store, client, Outbox(store), case_id, RecordingListener(), 10.0)
        job.prepare()
        job.run()
        # Its first photo's copy recorded with a damaged hash (the bundle as posted again does not validate now);
        # the answer lost (the platform recorded the case): back in the queue at the transaction step.
        first = store.get_case(case_id).images[0]
        copy = {"content_type": "image/jpeg", "size": 1234, "sha1": "not base64!", "width": 32, "height": 24}
        Outbox(store).record_binary(case_id, first.id, "older-upload", copy_sent={**copy, "reduced": True})
        with transaction(store.conn) as conn:
            conn.execute("UPDATE cases SET state='sending', task_id=NULL WHERE id=?", (case_id,))
            conn.execute(
                "UPDATE outbox SET step=?, next_attempt_at=? WHERE case_id=?",
                (STEP_TRANSACTION, "2000-01-01T00:00:00+00:00", case_id),
            )
        summary = Engine(store, client, case_budget_s=10.0).run_once(poll=False)

    assert summary.needs_attention == [], store.platform_info(case_id)["last_error"]
    assert store.state(case_id) == CaseState.SENT
    assert store.platform_info(case_id)["task_id"]
    assert sandbox.count("Task", identifier=f"{CASE_SYSTEM}|{case_id}") == 1


def test_photos_judged_again_are_forgotten_once_their_case_leaves_the_queue(
    store: Store, sandbox: SandboxServer
) -> None:
    """The verdicts kept so that a case waiting offline is not judged again at every pass are kept no longer than
    it waits: a window left open for weeks held every photo judged again, of cases long sent or corrected."""
    cases = []
    for seed, views in ((0, ["far", "close-up"]), (1, ["far"])):
        case = new_case(local_id=f"D-77{seed}")
        # (a far view alone lacks its close-up: that case comes back to the nurse)
        older = [
            NewImage(
                CaseImage(body_site="dos", view=view, width=800, height=600, checks=CHECKS_VERSION - 1),
                jpeg(800, 600, seed=10 * seed + n, noise=True),
                None,
            )
            for n, view in enumerate(views)
        ]
        cases.append(store.create_case(case, older))
        store.queue(cases[-1])

    with engine_on(store, sandbox.base_url) as engine:
        summary = engine.run_once(poll=False)
        assert summary.sent == [cases[0]] and summary.needs_attention == [cases[1]]
        assert engine._judged == {}


def test_a_reduced_copy_recorded_with_no_size_leaves_its_media_saying_none(
    store: Store, sandbox: SandboxServer
) -> None:
    """A reduced copy recorded by an older release with no size (0 × 0) made a Media of height 0 (a positiveInt):
    the bundle refused as posted at every try, « erreur interne, prévenez le support », the case never leaving
    and nothing the nurse or support could correct. Its Media now says no size (the original's is not the copy's)."""
    case_id = make_case(store)
    first = store.get_case(case_id).images[0]
    reduced = jpeg(32, 24, seed=5)
    with client_for_url(sandbox.base_url) as client:
        binary_id = client.create_binary(reduced, "image/jpeg")
    sha1 = base64.b64encode(hashlib.sha1(reduced).digest()).decode()  # noqa: S324 -- Media.content.hash
    copy = {"content_type": "image/jpeg", "size": len(reduced), "sha1": sha1, "width": 0, "height": 0}
    Outbox(store).record_binary(case_id, first.id, binary_id, copy_sent={**copy, "reduced": True})

    with engine_on(store, sandbox.base_url) as engine:
        summary = engine.run_once(poll=False)

    assert summary.sent == [case_id], store.platform_info(case_id)["last_error"]
    media = [m for m in sandbox.resources("Media") if m["content"].get("url", "").endswith(binary_id)]
    assert len(media) == 1 and "height" not in media[0] and "width" not in media[0]
    assert any(note["text"].startswith("Copie réduite (JPEG") for note in media[0]["note"])
