"""A case still editable is checked again by this release's quality checks; a sent case never is.

The checks change from one release to the next (a retina's text strip no longer read as a second field, a
grey strip no longer as a cut photo). A draft imported under older checks kept their verdict: blocked by an
« unusable » the checks no longer say, or let through what they now catch. Each image keeps the version of
the checks that made its verdict (``app.model.CHECKS_VERSION``; 0 for the images stored before it was):
``case show`` and ``case send`` check those of an editable case again before reading it, as the window does
when the case is opened. A sent case keeps the verdict its expert saw."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.model import CHECKS_VERSION, CaseState
from app.store import Store
from tests.support.cli import run_inprocess
from tests.support.old_checks import OLD_VERDICT, case_checked_long_ago, first, verdicts
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
def test_an_image_whose_file_is_gone_or_damaged_keeps_its_verdict_and_nothing_alarming_is_said(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    """The other photo is checked again; ``case show`` shows the case as it did (its file's trouble is said
    where it was, by the send)."""
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
    assert shown.err == ""
    with Store.open(teleavis_home) as store:
        assert verdicts(store, case_id) == [([OLD_VERDICT], 0), (second.quality, CHECKS_VERSION)]
        assert store.state(case_id) == CaseState.DRAFT


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
