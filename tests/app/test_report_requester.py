"""A case's report names the practitioner and organisation it was sent in the name of, not whoever the
site names today."""

from __future__ import annotations

import io
from dataclasses import asdict, replace

from pypdf import PdfReader

from app.report import build_report
from app.site import load_requester, save_site
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
