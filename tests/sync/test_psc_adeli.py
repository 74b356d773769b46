"""Pro Santé Connect for a professional under ADELI (no RPPS): PSC gives the national id (IDNPS) of
TRE_G08, ``0`` + ADELI for them as ``8`` + RPPS for the others (the ANS's API page: « Identifiant national :
RPPS (ou ADELI) »). Before, such an account was refused at sign-in, and the training provider's accounts were
built as « 8 » + RPPS, an empty RPPS for a site set up for a nurse under ADELI."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from app.store import Store
from sync.on_behalf import provenance, record_on_behalf
from sync.psc import Professional, PscError, professional_from_userinfo, save_sign_in, signed_in
from tests.support.cli import run_inprocess
from tests.support.ui import REQUESTER

ADELI = "879101558"
NURSE = replace(REQUESTER, rpps="", adeli=ADELI, finess="", siret="77220148900022")


@pytest.fixture(autouse=True)
def _stop_training_provider() -> Iterator[None]:
    yield
    from sync.training import stop_psc

    stop_psc()


def test_an_adeli_account_is_read_from_its_national_id_and_a_wrong_one_refused() -> None:
    who = professional_from_userinfo({"SubjectNameID": "0" + ADELI, "family_name": "DURAND", "given_name": "Anne"})
    assert (who.rpps, who.adeli, who.national_id) == ("", ADELI, "0" + ADELI)
    assert who.number == f"ADELI {ADELI}"
    with pytest.raises(PscError):
        professional_from_userinfo({"SubjectNameID": "0879101559"})  # its key does not agree


def test_login_in_training_mode_signs_in_the_sites_nurse_under_adeli(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(teleavis_home) as store:
        store.settings.set("site.requester", asdict(NURSE))
    done = run_inprocess(capsys, "login", "--timeout", "30")
    assert done.code == 0, done.err
    assert f"(ADELI {ADELI})" in done.err and "(RPPS )" not in done.err, done.err
    assert "pour son compte" not in done.err  # she is the site's requester
    with Store.open(teleavis_home) as store:
        who = signed_in(store.settings)
        assert who is not None and who.adeli == ADELI and who.national_id == "0" + ADELI


def test_a_request_says_who_made_it_when_another_adeli_professional_signed_in(store: Store) -> None:
    other = Professional("", "MARTIN", "Claire", "0" + "879101566", adeli="879101566")
    bundle = {"entry": [{"resource": {"resourceType": "ServiceRequest"}}]}
    save_sign_in(store.settings, {"access_token": "x"}, Professional("", "DURAND", "Anne", "0" + ADELI, adeli=ADELI))
    assert record_on_behalf(bundle, "case-1", store.settings, NURSE) is False  # she herself: nothing to add
    agent = provenance("case-1", other, NURSE)["agent"][0]
    assert agent["who"]["identifier"]["value"] == "0879101566"
