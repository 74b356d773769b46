"""A case still editable is checked again by this release's quality checks; a sent case never is.

The checks change from one release to the next (a retina's text strip no longer read as a second field, a
grey strip no longer as a cut photo). A draft imported under older checks kept their verdict: blocked by an
« unusable » the checks no longer say, or let through what they now catch. Each image keeps the version of
the checks that made its verdict (``app.model.CHECKS_VERSION``; 0 for the images stored before it was):
``case show`` and ``case send`` check those of an editable case again before reading it, as the window does
when the case is opened. A sent case keeps the verdict its expert saw."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from app.model import CHECKS_VERSION, CaseState
from app.store import Store
from tests.support.cli import run_inprocess
from tests.support.old_checks import (
    OLD_VERDICT,
    case_checked_long_ago,
    first,
    small_photo_judged_good_long_ago,
    verdicts,
)
from tests.sync.sync_helpers import setup_site


def test_case_show_of_a_draft_checked_long_ago_says_the_verdict_of_this_releases_checks(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(teleavis_home) as store:
        setup_site(store)
        case_id = case_checked_long_ago(store)
        assert first(store, case_id).quality == [OLD_VERDICT]

    shown = run_inprocess(capsys, "case", "show", case_id)
    assert shown.code == 0, shown.err
    assert OLD_VERDICT.message not in shown.out

    with Store.open(teleavis_home) as store:
        image = first(store, case_id)
        assert OLD_VERDICT not in image.quality
        assert {finding.check: finding.level for finding in image.quality}["sharpness"] == "ok"
        assert [checks for _quality, checks in verdicts(store, case_id)] == [CHECKS_VERSION, CHECKS_VERSION]


def test_case_send_of_a_draft_blocked_by_older_checks_sends_it(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The « unusable » of older checks refused the send; the checks of now find the photo good."""
    with Store.open(teleavis_home) as store:
        setup_site(store)
        case_id = case_checked_long_ago(store)

    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code == 0, sent.out + sent.err
    assert "floue" not in sent.out + sent.err
    with Store.open(teleavis_home) as store:
        assert store.state(case_id) == CaseState.QUEUED
        assert OLD_VERDICT not in first(store, case_id).quality


@pytest.mark.parametrize("then", [(CaseState.QUEUED,), (CaseState.QUEUED, CaseState.SENDING, CaseState.SENT)])
def test_a_case_that_left_keeps_the_verdict_its_expert_saw(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str], then: tuple[CaseState, ...]
) -> None:
    with Store.open(teleavis_home) as store:
        setup_site(store)
        case_id = case_checked_long_ago(store, level="warning", then=then)
        before = verdicts(store, case_id)

    assert run_inprocess(capsys, "case", "show", case_id).code == 0
    run_inprocess(capsys, "case", "send", case_id)
    with Store.open(teleavis_home) as store:
        assert verdicts(store, case_id) == before
        assert before[0] == ([OLD_VERDICT.__class__(**{**OLD_VERDICT.__dict__, "level": "warning"})], 0)


@pytest.mark.parametrize("damage", ["gone", "damaged"])
def test_an_image_whose_file_is_gone_or_damaged_is_named_once_with_what_to_do_and_its_verdict_kept(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """Its file could not be read to be checked again: its verdict stayed of the older checks, so it was tried
    again at every reading, and nothing told the nurse (the sync failed on it later). It is now marked as
    checked by this release, its older verdict kept with a finding that names it and says what to do; the
    other photo is checked again; it is not read again at the next reading; the send refuses it so."""
    with Store.open(teleavis_home) as store:
        setup_site(store)
        case_id = case_checked_long_ago(store)
        image, second = list(store.images(case_id))
        path = store.objects._path(image.blob)
        if damage == "gone":
            path.unlink()
        else:
            path.write_bytes(b"\0" * 64)

    shown = run_inprocess(capsys, "case", "show", case_id)
    assert shown.code == 0, shown.err
    assert "Image 1 inutilisable" in shown.out and "introuvable ou abîmé" in shown.out, shown.out
    assert "Reprenez-la ou retirez-la" in shown.out
    with Store.open(teleavis_home) as store:
        (kept, checks), (quality, second_checks) = verdicts(store, case_id)
        assert (checks, second_checks) == (CHECKS_VERSION, CHECKS_VERSION)
        assert OLD_VERDICT in kept and quality == second.quality
        assert [finding.key for finding in kept if finding not in (OLD_VERDICT,)] == ["recheck.file-unreadable"]
        assert store.state(case_id) == CaseState.DRAFT

    reads: list[str] = []
    read = Store.image_bytes

    def counted(self: Store, image: object) -> bytes:
        reads.append(getattr(image, "id", ""))
        return read(self, image)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "image_bytes", counted)
    assert run_inprocess(capsys, "case", "show", case_id).code == 0
    assert reads == []  # not tried again at every reading
    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code != 0
    assert "introuvable ou abîmé" in sent.out + sent.err
    with Store.open(teleavis_home) as store:
        assert store.state(case_id) == CaseState.DRAFT
        assert [checks for _quality, checks in verdicts(store, case_id)] == [CHECKS_VERSION, CHECKS_VERSION]
        assert len(first(store, case_id).quality) == len(kept)  # said once
        store.delete_image(case_id, image.id)  # as it says: removed (or retaken), the rest is as it was
        assert [(i.id, i.quality) for i in store.images(case_id)] == [(second.id, second.quality)]


def _checks_crash_on(monkeypatch: pytest.MonkeyPatch, data: bytes, why: str) -> list[bytes]:
    """This release's checks raise ``why`` on the image of bytes ``data`` (an odd image they crash on); the
    images they were made on."""
    from capture import rechecks

    checks = rechecks.recheck_stored
    seen: list[bytes] = []

    def crash(image: bytes, **kwargs: Any) -> Any:
        seen.append(image)
        if image == data:
            raise ValueError(why)
        return checks(image, **kwargs)

    monkeypatch.setattr(rechecks, "recheck_stored", crash)
    return seen


def test_case_send_of_a_draft_whose_checks_crash_on_a_real_photo_sends_it_with_its_older_verdict_said(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    """An exception inside the checks for one image stopped ``case send`` at every try (and the window's
    send alike): the patient was never seen because of our bug. The image keeps its older verdict, marked as
    not checked again and said as a warning; the case leaves; the log names the image, never the patient."""
    with Store.open(teleavis_home) as store:
        setup_site(store)
        case_id = small_photo_judged_good_long_ago(store)
        photo, _second = list(store.images(case_id))
        older = photo.quality
        name = store.get_case(case_id).patient.family
        data = store.image_bytes(photo)
    seen = _checks_crash_on(monkeypatch, data, f"odd image of {name}")

    caplog.set_level(logging.INFO)
    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code == 0, sent.out + sent.err
    words = sent.out + sent.err
    assert "Image 1" in words and "pas pu être vérifiée de nouveau" in words, words
    with Store.open(teleavis_home) as store:
        assert store.state(case_id) == CaseState.QUEUED
        kept = first(store, case_id)
        assert kept.checks == CHECKS_VERSION
        assert [finding for finding in kept.quality if finding.key != "recheck.failed"] == older
        assert [finding.level for finding in kept.quality if finding.key == "recheck.failed"] == ["warning"]
        assert [checks for _quality, checks in verdicts(store, case_id)][1] == CHECKS_VERSION
    assert seen.count(data) == 1
    logged = caplog.text
    assert photo.id in logged and "ValueError" in logged
    assert name not in logged and "odd image" not in logged


def test_case_show_on_a_disk_where_the_new_verdicts_cannot_be_written_shows_the_case_as_stored(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk must not keep the nurse from reading a case: its verdicts stay the older checks' until
    they can be written (the next reading, the next opening)."""
    from app import messages as M
    from app.errors import StorageError

    with Store.open(teleavis_home) as store:
        setup_site(store)
        case_id = case_checked_long_ago(store)

    def full(*_args: object, **_kwargs: object) -> None:
        raise StorageError(M.tr("storage.full"))

    monkeypatch.setattr(Store, "update_image_checks", full)
    monkeypatch.setattr(Store, "mark_checked", full)
    shown = run_inprocess(capsys, "case", "show", case_id)
    assert shown.code == 0, shown.err
    assert "Patient : MARTIN Paul" in shown.out
    with Store.open(teleavis_home) as store:
        assert verdicts(store, case_id)[0] == ([OLD_VERDICT], 0)
