"""The patient's identity on the printed report as a reader takes it in (found by looking at the paper): the
INS in its groups, as France writes it on the carte Vitale and the INSi's answer, not 15 digits in a row; the
birth place said as what it is, the INSEE code of a commune (no list of the communes ships with Teleavis, so
no name is invented), or a country in words beside its code."""

from __future__ import annotations

from dataclasses import replace

from app.identifiers import ins_grouped
from app.report import build_report
from app.store import Store
from tests.app.test_report_words import pages_text
from tests.sync.sync_helpers import make_case, setup_site


def qualified_case(store: Store, birth_place: str) -> str:
    setup_site(store)
    case_id = make_case(store, queue=False)
    case = store.get_case(case_id)
    patient = replace(
        case.patient,
        birth_place=birth_place,
        identity_status="qualified",
        identity_document="CN",
        identity_checked_on=case.consent.date,
    )
    store.update_case(replace(case, patient=patient))
    return case_id


def test_the_ins_is_grouped_as_france_writes_it_and_never_cut_across_lines() -> None:
    assert ins_grouped("150028512345615") == "1\u00a050\u00a002\u00a085\u00a0123\u00a0456\u00a015"
    assert (
        ins_grouped("2 50 02 2a 123 456 15".replace(" ", "")) == "2\u00a050\u00a002\u00a02A\u00a0123\u00a0456\u00a015"
    )
    assert ins_grouped("12345") == "12345"  # not an INS's length: left as typed, never cut wrongly


def test_the_report_prints_the_ins_grouped_on_its_row_and_on_every_page_s_identity_line(store: Store) -> None:
    case_id = qualified_case(store, "75056")
    for lang in ("fr", "en"):
        pages = pages_text(build_report(store, case_id, lang=lang).pdf)
        assert all("INS 1 50 02 85 123 456 15" in page for page in pages), pages[0]
        assert not any("150028512345615" in page for page in pages)


def test_a_commune_is_said_as_its_insee_code_and_a_country_in_words(store: Store) -> None:
    commune = qualified_case(store, "75056")
    fr = pages_text(build_report(store, commune, lang="fr").pdf)[0]
    en = pages_text(build_report(store, commune, lang="en").pdf)[0]
    assert "Lieu de naissance 75056 (code INSEE de la commune)" in fr, fr
    assert "Place of birth 75056 (INSEE code of the municipality)" in en, en
    abroad = qualified_case(store, "99109")
    assert "Lieu de naissance ALLEMAGNE (99109)" in pages_text(build_report(store, abroad, lang="fr").pdf)[0]


def test_an_ins_of_a_birth_overseas_is_grouped_with_its_three_digit_department() -> None:
    # A birth in Guadeloupe … Mayotte: department 971–976, commune of two digits (INSEE 97105). Grouped as a
    # mainland one, « 1 84 12 97 105 … », the department read 97 and the commune 105.
    assert ins_grouped("184129710512345") == "1\u00a084\u00a012\u00a0971\u00a005\u00a0123\u00a045"
    assert ins_grouped("255089760112345", " ") == "2 55 08 976 01 123 45"
    assert ins_grouped("184129913412345", " ") == "1 84 12 99 134 123 45"  # abroad: 99, then the country
    # A collectivity overseas (984–989: 987 French Polynesia, INSEE 98735 Papeete) as the birth places the INS is
    # checked against (app.identifiers._BIRTH_PLACE_RE): found in review grouped « 98 735 »; Corsica, a temporary
    # NIA (7) as any.
    assert ins_grouped("298129873512345", " ") == "2 98 12 987 35 123 45"
    assert ins_grouped("284122B04512345", " ") == "2 84 12 2B 045 123 45"
    assert ins_grouped("798059913412345", " ") == "7 98 05 99 134 123 45"
