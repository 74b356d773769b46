"""Dates as the workstation's zone has them, overseas too (found from outside, run in Nouméa, UTC+11):
the RQD act's calendar year, the creation time ``case list`` prints, a capture date without a time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app import acts
from app.i18n import moment_words
from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from tests.support.cli import run_inprocess
from tests.sync.sync_helpers import make_case


def test_an_act_of_new_years_morning_in_noumea_counts_in_the_new_year(
    store: Store, noumea: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 08:00 on the 1st of January in Nouméa it is still the 31st of December in UTC: the act went
    under the old year (and the four a year were counted against it), while the export, by local day,
    dated it 2027-01-01: ``--year 2027`` came back empty."""
    monkeypatch.setattr(acts, "utc_now", lambda: datetime(2026, 12, 31, 21, 0, tzinfo=UTC))
    case_id = make_case(store)
    store.transition(case_id, CaseState.SENDING)
    Outbox(store).mark_sent(case_id, "t1", "s1", "1")
    text, count = acts.export_csv(store, 2027)
    assert count == 1 and "2027-01-01" in text
    assert acts.export_csv(store, 2026)[1] == 0


def test_case_list_prints_the_creation_time_of_the_workstation(
    store: Store, noumea: None, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id = make_case(store, queue=False)
    store.conn.execute("UPDATE cases SET created_at=? WHERE id=?", ("2026-12-02T17:27:00+00:00", case_id))
    store.close()
    listed = run_inprocess(capsys, "case", "list")
    assert listed.code == 0, listed.err
    assert "2026-12-03 04:27" in listed.out and "2026-12-02 17:27" not in listed.out


def test_a_capture_date_without_a_time_is_printed_without_an_invented_midnight() -> None:
    assert moment_words("2026-03-29", "fr") == "29/03/2026"
    assert moment_words("2026-03-29", "en") == "2026-03-29"
