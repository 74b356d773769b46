"""A queued case is checked again, by this release's checklist, when it is sent.

Found in review: sending did not run the checklist again. A case sits queued for days (offline), the app is
upgraded meanwhile and its rules tightened; or the case was queued by an older release, whose checklist let
through what this one refuses. A patient's names longer than a DICOM header holds (64 characters) left with
an empty PatientName; a consent missing made the bundle fail as « erreur interne : prévenez le support ».

Now such a case never leaves: it comes back to the nurse (needs-attention, the state of a case that waits for
her to correct it, architecture.md), with what to correct in words; nothing of it is lost, and every other
case of the queue leaves in the same pass. These run over HTTP against the sandbox platform, which is strict.
"""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app import messages as M
from app.model import CHECKS_VERSION, CaseImage, CaseState, iso, utc_now
from app.outbox import Outbox
from app.store import NewImage, Store
from sync.mapping import CASE_SYSTEM
from sync.progress import RecordingListener
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import engine_on, jpeg, make_case, new_case, setup_site
from tests.sync.test_dicom_identity_at_sending import dicom_image

pytestmark = pytest.mark.usefixtures("site")

#: 70 characters once written « FAMILY^GIVEN » (a DICOM Person Name's group holds 64).
LONG_FAMILY = "MARTIN-DELACOUR DE LA VILLENEUVE-SAINT-GEORGES DU BREUIL-SUR-MER"


@pytest.fixture
def site(store: Store) -> None:
    setup_site(store)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1) as server:
        yield server


def on_platform(sandbox: SandboxServer, case_id: str) -> bool:
    wanted = {"system": CASE_SYSTEM, "value": case_id}
    return any(wanted in r.get("identifier", []) for r in sandbox.resources("ServiceRequest"))


def rewrite_as_an_older_release(store: Store, case_id: str, part: str, **values: object) -> None:
    """The queued case's sealed content written as an older release wrote it (its checklist took it):
    ``values`` put in its ``part`` (``patient``, ``consent``)."""
    row = store.conn.execute("SELECT content FROM cases WHERE id=?", (case_id,)).fetchone()
    sealed = json.loads(store.key.open(row[0], f"case:{case_id}:content".encode()))
    sealed[part].update(values)
    with store.conn:
        store.conn.execute(
            "UPDATE cases SET content=? WHERE id=?", (store._seal_json(sealed, f"case:{case_id}:content"), case_id)
        )


def assert_back_to_the_nurse(store: Store, sandbox: SandboxServer, case_id: str, wanted: str) -> str:
    assert store.state(case_id) == CaseState.NEEDS_ATTENTION
    assert not on_platform(sandbox, case_id)
    said = str(store.platform_info(case_id)["last_error"])
    assert wanted in said, said
    assert "support" not in said  # not an internal error: the nurse has something to correct
    return said


def assert_back_to_the_nurse_all_the_same(store: Store, sandbox: SandboxServer, case_id: str) -> str:
    """Held here, never posted (its Task and request not on the platform); its words, for the nurse."""
    assert store.state(case_id) == CaseState.NEEDS_ATTENTION
    assert not on_platform(sandbox, case_id)
    assert not any(
        {"system": CASE_SYSTEM, "value": case_id} in task.get("identifier", []) for task in sandbox.resources("Task")
    )
    return str(store.platform_info(case_id)["last_error"])


def test_a_dicom_case_queued_by_an_older_release_with_too_long_names_comes_back_said(
    store: Store, sandbox: SandboxServer
) -> None:
    case = new_case("ophthalmology")
    case.patient = replace(case.patient, family=LONG_FAMILY, ins=None, identity_status="provisional")
    assert len(case.patient.dicom_name()) > 64
    # Queued as an older release queued it: its checklist did not count a DICOM name's characters.
    long_named = store.create_case(case, [dicom_image(None, "R"), dicom_image(None, "L")])
    store.queue(long_named)
    other = make_case(store, local_id="D-7702")
    stored_before = [store.image_bytes(image) for image in store.get_case(long_named).images]

    with engine_on(store, sandbox.base_url) as engine:
        summary = engine.run_once()

    assert summary.sent == [other] and on_platform(sandbox, other)
    assert summary.needs_attention == [long_named]
    said = assert_back_to_the_nurse(
        store, sandbox, long_named, M.tr("v.name_dicom_length", n=len(case.patient.dicom_name()), most=64)
    )
    assert M.tr("sync.checklist_refused").split(":")[0] in said
    # Nothing uploaded for it (no Binary carrying an empty PatientName), nothing of it lost here.
    assert len(sandbox.resources("Media")) == 2  # the other case's two photos
    kept = store.get_case(long_named)
    assert kept.patient.family == LONG_FAMILY
    assert [store.image_bytes(image) for image in kept.images] == stored_before


@pytest.mark.parametrize(
    ("part", "values", "wanted"),
    [
        # No consent (an older release's import took a case file without one): it failed as an internal error.
        ("consent", {"given": False}, "v.consent"),
        # An INS whose key an older release did not check.
        ("patient", {"ins": "150028512345699"}, "v.ins_key"),
    ],
)
def test_a_queued_case_rewritten_as_an_older_release_wrote_it_comes_back_said(
    store: Store, sandbox: SandboxServer, part: str, values: dict[str, object], wanted: str
) -> None:
    refused = make_case(store)
    other = make_case(store, seed=1, local_id="D-7702", ins=False)
    rewrite_as_an_older_release(store, refused, part, **values)

    heard = RecordingListener()
    with engine_on(store, sandbox.base_url) as engine:
        engine.listener = heard
        summary = engine.run_once()

    assert summary.sent == [other]
    said = assert_back_to_the_nurse(store, sandbox, refused, M.tr(wanted))
    assert said.endswith(M.tr("sync.checklist_then")) and "Rien n'est perdu" in said
    # What a command's output or a notification hears: what happened and what to do, none of the lines (a line
    # may quote the patient's names or numbers).
    (console,) = [
        detail for case_id, state, detail in heard.states if case_id == refused and state == "needs-attention"
    ]
    assert console == M.tr("sync.checklist_refused_said") and "Ouvrez-le" in console
    assert M.tr(wanted) not in console


def test_a_retinograph_queued_without_its_eye_comes_back_and_leaves_once_corrected(
    store: Store, sandbox: SandboxServer
) -> None:
    case = new_case("ophthalmology")
    images = [
        NewImage(CaseImage(eye=eye, view="macula", modality="OP", width=64, height=48), jpeg(seed=n), None)
        for n, eye in enumerate(["right", ""])
    ]
    case_id = store.create_case(case, images)
    store.queue(case_id)

    with engine_on(store, sandbox.base_url) as engine:
        assert engine.run_once().sent == []
        assert_back_to_the_nurse(store, sandbox, case_id, M.tr("v.eye", n=2))
        # Corrected by the nurse and queued again: it leaves.
        corrected = store.get_case(case_id)
        second = corrected.images[1]
        store.update_image_labels(case_id, replace(second, eye="left"))
        store.queue(case_id)
        assert engine.run_once().sent == [case_id]
    assert on_platform(sandbox, case_id)


def test_a_resource_invalid_as_posted_is_stopped_before_the_wire_and_the_others_go(
    store: Store, sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The bundle is validated (fhir.resources R4B) as it is posted, not only as it was first built: its photos'
    Binary ids and the copies sent in their place are put in after. A copy recorded with a damaged hash went to a
    strict platform unchecked; and a mapping error there escaped the whole pass, every other case held behind it.
    (One recorded without its size leaves, its Media with none: tests/sync/test_checklist_at_sending_review.py;
    one without its type goes again: tests/sync/test_reduced_copy_without_type.py.)"""
    odd = make_case(store)
    other = make_case(store, seed=1, local_id="D-7702", ins=False)
    first = store.get_case(odd).images[0]
    # Its first photo uploaded as a reduced copy, recorded with a hash that is not base64.
    copy = {"content_type": "image/jpeg", "size": 1234, "sha1": "not base64!", "width": 32, "height": 24}
    copy["reduced"] = True
    Outbox(store).record_binary(odd, first.id, "older-upload", copy_sent=copy)

    with engine_on(store, sandbox.base_url) as engine:
        summary = engine.run_once()

    assert summary.sent == [other] and on_platform(sandbox, other)
    said = assert_back_to_the_nurse_all_the_same(store, sandbox, odd)
    assert said == M.tr("sync.bug")
    # The log names the element, never a value.
    assert "Media is not valid FHIR R4: content.hash" in caplog.text
    assert "not base64!" not in caplog.text


def test_photos_judged_by_an_older_release_s_checks_are_judged_again_and_the_case_comes_back(
    store: Store, sandbox: SandboxServer
) -> None:
    """Queued with the verdict of older quality checks (``CaseImage.checks``), which took them: this release's
    checks, run on the stored bytes at its sending, refuse them (far too small, blank), so the case does not leave.
    The other case, judged by this release's checks, is not checked again and leaves."""
    case = new_case()
    older = [
        NewImage(
            CaseImage(body_site="dos", view=view, width=64, height=48, checks=CHECKS_VERSION - 1), jpeg(seed=n), None
        )
        for n, view in enumerate(["far", "close-up"])
    ]
    judged_before = store.create_case(case, older)
    store.queue(judged_before)
    assert [image.quality for image in store.get_case(judged_before).images] == [[], []]
    other = make_case(store, seed=1, local_id="D-7702", ins=False)

    with engine_on(store, sandbox.base_url) as engine:
        assert engine.run_once().sent == [other]

    said = assert_back_to_the_nurse(store, sandbox, judged_before, M.tr("sync.checklist_refused"))
    assert "Image 1" in said and "Image 2" in said
    # Nothing rewritten while it was queued: its page judges it again, and writes it, once it is hers.
    assert [image.checks for image in store.get_case(judged_before).images] == [CHECKS_VERSION - 1] * 2


def test_photos_judged_again_at_a_sending_are_not_judged_again_at_each_try_while_offline(
    store: Store, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: a case queued with older checks' verdicts, the platform out of reach, had its photos
    decoded and checked again at every pass (100-600 ms each, on the sync's thread) for the same answer. Judged
    once for the engine's life; the case leaves with that verdict once the platform is back."""
    from capture import pipeline, rechecks

    judged: list[str] = []
    real = pipeline.recheck_stored

    def counted(data: bytes, **kwargs: object) -> object:
        judged.append(hashlib.sha1(data).hexdigest())  # noqa: S324 -- which bytes, not a secret
        return real(data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rechecks, "recheck_stored", counted)  # (the name ``checks_again`` calls)
    case = new_case()
    older = [
        NewImage(
            CaseImage(body_site="dos", view=view, width=800, height=600, checks=CHECKS_VERSION - 1),
            jpeg(800, 600, seed=n, noise=True),
            None,
        )
        for n, view in enumerate(["far", "close-up"])
    ]
    case_id = store.create_case(case, older)
    store.queue(case_id)

    with socket.socket() as closed:  # a port nothing listens on: the platform out of reach
        closed.bind(("127.0.0.1", 0))
        offline = f"http://127.0.0.1:{closed.getsockname()[1]}/fhir"
    with engine_on(store, offline, case_budget_s=2.0) as engine:
        for _try in range(3):
            with store.conn:  # its next try brought to now (its wait grows as a platform's out of reach)
                store.conn.execute("UPDATE outbox SET next_attempt_at=? WHERE case_id=?", (iso(utc_now()), case_id))
            assert engine.run_once(poll=False).sent == []
            assert store.state(case_id) == CaseState.QUEUED
    assert len(judged) == 2 and len(set(judged)) == 2, judged  # each photo once, not at every try

    with engine_on(store, sandbox.base_url) as engine:
        with store.conn:
            store.conn.execute("UPDATE outbox SET next_attempt_at=? WHERE case_id=?", (iso(utc_now()), case_id))
        assert engine.run_once(poll=False).sent == [case_id]
    assert on_platform(sandbox, case_id)
