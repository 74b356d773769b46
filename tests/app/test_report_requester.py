"""A case's report names the practitioner and organisation it was sent in the name of, not whoever the
site names today."""

from __future__ import annotations

import io
from dataclasses import asdict, replace
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from app.report import build_report
from app.site import load_requester, requester_when_sent, save_site
from app.store import Store
from tests.support.ui import REQUESTER, answered_case


def _text(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_report_of_a_case_sent_before_the_site_changed_names_who_sent_it(store: Store) -> None:
    """Found from outside: Dr DURAND's case sent and answered, the site then given to her successor (Réglages
    > Site, or ``init --site``): the case's report, printed again for the patient's file, named the successor
    as the practitioner who had asked for the advice, with their RPPS. It names the one the case left under;
    a case sent after the change names the successor."""
    store.settings.set("site.requester", asdict(REQUESTER))  # set up by an earlier version: no history yet
    before = answered_case(store)
    successor = replace(REQUESTER, rpps="10000000017", family="LEGRAND", given=["Claire"])
    assert save_site(store, successor)
    assert load_requester(store.settings) == successor

    page = _text(build_report(store, before, lang="fr").pdf)
    assert "Anne DURAND" in page and "10101010105" in page
    assert "LEGRAND" not in page and "10000000017" not in page

    after = answered_case(store)
    page = _text(build_report(store, after, lang="fr").pdf)
    assert "Claire LEGRAND" in page and "DURAND" not in page


def test_a_case_sent_after_the_change_is_the_successors_even_once_the_drafts_before_it_are_deleted(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: the site's history told the change's place by the last case event's number, and SQLite
    gives a deleted last row's number again. The successor, taking over, deleted the drafts left open before her
    change, sent her first case (in her name: the sending reads the site then), and its events took the numbers
    of the deleted ones: its report named her predecessor as the one who had asked."""
    from app import site
    from app import store as store_module
    from app.deletion import delete_draft
    from app.model import Case, Consent, Patient

    minute = [0]  # the clock: the change a minute after the first case, the next case a minute later

    def now() -> datetime:
        return datetime(2026, 12, 1, 9, minute[0], tzinfo=UTC)

    monkeypatch.setattr(store_module, "utc_now", now)
    monkeypatch.setattr(site, "utc_now", now)
    store.settings.set("site.requester", asdict(REQUESTER))
    before = answered_case(store)
    drafts = []
    for _ in range(6):
        draft = Case(
            patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03"),
            consent=Consent(given=True, recorded_by="Inf. Durand"),
            question="Plaie du talon : avis ?",
        )
        store.create_case(draft, [])
        drafts.append(draft.id)
    successor = replace(REQUESTER, rpps="10000000017", family="LEGRAND", given=["Claire"])
    minute[0] = 1
    assert save_site(store, successor)
    for draft_id in drafts:
        delete_draft(store, draft_id)
    minute[0] = 2
    after = answered_case(store)

    assert requester_when_sent(store, after) == successor
    assert requester_when_sent(store, before) == REQUESTER
