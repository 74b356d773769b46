"""The act's verdict as a nurse reads it before sending: « Acte RQD non facturable » named a billing code
she does not know. Each says what it means for the request, in her language, and keeps the code, at the
end, for whoever bills it."""

from __future__ import annotations

import pytest

from app import acts
from app import messages as M

REASONS = (acts.BILLABLE, acts.LIMIT, acts.SAME_SITE, acts.PROFESSION, acts.TRAINING, acts.NOT_DONE)


@pytest.mark.parametrize("reason", REASONS)
def test_each_verdict_says_what_it_means_and_keeps_the_code_for_billing(reason: str) -> None:
    key = "act.billable" if reason == acts.BILLABLE else f"act.{reason}"  # as Verdict.words() picks it
    fr = M.CATALOGUE.tr_in(key, "fr", rank=2, rank_fr="2e", limit=acts.PER_YEAR)
    en = M.CATALOGUE.tr_in(key, "en", rank=2, rank_fr="2e", limit=acts.PER_YEAR)
    assert not fr.startswith("Acte RQD") and not en.startswith("RQD act")
    assert fr.startswith(("Demande ", "Facturation ")), fr
    assert en.startswith(("Request ", "Billing ")), en
    assert "code de facturation RQD" in fr and "billing code RQD" in en


def test_the_first_request_of_the_year_is_the_first_one_in_french() -> None:
    """« Demande » is feminine: « 1re sur 4 », not « 1er »."""
    assert "(1re sur 4 " in acts.Verdict(billable=True, reason=acts.BILLABLE, rank=1).words()
