"""A qualified identity goes with its INS traits as the INSi teleservice writes them (ANS, référentiel INS;
FR Core fr-core-patient-ins): birth name and birth given names in capitals without accents or other
diacritics, hyphens, apostrophes and spaces kept, the given names in the order of the ID document, the
first one alone in ``given`` and all of them, space-separated, in fr-core-patient-birth-list-given-name.
The used name is not an INS trait: it goes apart (usualName), as typed in capitals. What the window and the
PDF show keeps its accents: only what goes as INS traits is written the INS way."""

from __future__ import annotations

from typing import Any

import pytest

from app.identifiers import ins_trait
from app.store import Store
from sync import codes as C
from sync.mapping import prepare_case
from tests.sync.sync_helpers import REQUESTER
from tests.sync.test_frcore import _by_type, _qualified, platform_issues


def _names(store: Store, status: str, **patient: Any) -> list[dict[str, Any]]:
    case = _qualified(store, identity_status=status, **patient)
    bundle = prepare_case(case, REQUESTER).bundle
    assert platform_issues(bundle, national=True) == []
    names: list[dict[str, Any]] = _by_type(bundle, "Patient")[0]["resource"]["name"]
    return names


@pytest.mark.parametrize(
    ("typed", "trait"),
    [
        ("lévêque", "LEVEQUE"),
        ("N’Guessan-Lévêque", "N'GUESSAN-LEVEQUE"),
        ("d'Alembert  de la Noüe", "D'ALEMBERT DE LA NOUE"),
        ("Lætitia", "LAETITIA"),
        ("Œuvray", "OEUVRAY"),
        ("François-Xavier", "FRANCOIS-XAVIER"),
        ("Çelik", "CELIK"),
    ],
)
def test_an_ins_trait_is_in_capitals_without_diacritics(typed: str, trait: str) -> None:
    assert ins_trait(typed) == trait


def test_a_qualified_identity_sends_its_ins_traits_the_insi_way(store: Store) -> None:
    official, usual = _names(
        store,
        "qualified",
        family=" n'guessan-lévêque ",
        given=["Jean-Noël", "Marie  Éloïse", "Zoé"],
        used_name="kouamé",
    )
    assert official["use"] == "official"
    assert official["family"] == "N'GUESSAN-LEVEQUE"
    assert official["given"] == ["JEAN-NOEL"]  # the first birth given name, alone
    listed = [e["valueString"] for e in official["extension"] if e["url"] == C.EXT_BIRTH_LIST_GIVEN_NAME]
    assert listed == ["JEAN-NOEL MARIE ELOISE ZOE"]  # every birth given name, in order, space-separated
    # The used name is no INS trait: it goes apart, never in the official name.
    assert usual == {"use": "usual", "family": "KOUAMÉ"}
    assert "KOUAM" not in str(official)


def test_an_identity_sent_without_its_ins_keeps_the_names_as_typed(store: Store) -> None:
    (official,) = _names(store, "validated", family="lévêque", given=["Zoé"])
    assert official["family"] == "LÉVÊQUE" and official["given"] == ["Zoé"]


def test_the_platform_patient_sent_with_the_ins_traits_is_still_this_patient(store: Store) -> None:
    """The look-up before sending compares the platform's birth names with the case's: the ones a qualified
    identity was sent with (« LAETITIA », « OEUVRAY ») are this patient's, not another's."""
    from sync.engine import same_person

    case = _qualified(store, family="Œuvray-Lévêque", given=["Lætitia", "Zoé"])
    patient = _by_type(prepare_case(case, REQUESTER).bundle, "Patient")[0]["resource"]
    assert patient["name"][0]["family"] == "OEUVRAY-LEVEQUE" and patient["name"][0]["given"] == ["LAETITIA"]
    assert same_person(patient, case.patient)
    patient["name"][0]["given"] = ["LETITIA"]
    assert not same_person(patient, case.patient)
