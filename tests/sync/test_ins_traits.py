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


def test_a_patient_sent_with_accents_before_the_ins_traits_is_found_again_as_this_patient(
    store: Store, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cases sent before this change carried the names as typed (« Lévêque », « Lætitia »): the platform's
    Patient keeps them. A new case of the patient, now with « LEVEQUE », « LAETITIA », is checked against it
    before it goes (sync.engine's look-up of the Patient under the INS): it must be this patient, filed
    under the same Patient, not held as another one's nor a second Patient made."""
    from app import identifiers
    from app.model import CaseState, name_text
    from sync.sandbox import SandboxServer
    from tests.sync.sync_helpers import engine_on, make_case

    def qualified(seed: int, given: str = "Lætitia") -> str:
        case_id = make_case(store, seed=seed, queue=False)
        case = store.get_case(case_id)
        p = case.patient
        p.family, p.given = "Œuvray-Lévêque", [given, "Zoé"]
        p.identity_status, p.identity_document, p.identity_checked_on = "qualified", "CN", "2026-11-20"
        store.update_case(case)
        store.queue(case_id)
        return case_id

    platform = SandboxServer(tmp_path / "platform", answer_after_s=3600.0, run_expert=False, seed=1)
    with platform as sandbox, engine_on(store, sandbox.base_url, case_budget_s=2.0) as engine:
        with monkeypatch.context() as before:  # the names as an earlier version sent them
            before.setattr(identifiers, "ins_trait", name_text)  # (Patient.names_sent's, read at each call)
            first = qualified(1)
            engine.run_once(poll=False)
        held = sandbox.resources("Patient")
        assert store.state(first) == CaseState.SENT and len(held) == 1
        assert held[0]["name"][0]["given"] == ["Lætitia"]
        second = qualified(2)
        engine.run_once(poll=False)
        assert store.state(second) == CaseState.SENT, _why(store, second)
        assert len(sandbox.resources("Patient")) == 1  # filed under the Patient it already has
        # (the look-up is made: under the same INS, another first given name is stopped)
        other = qualified(3, given="Zoé")
        engine.run_once(poll=False)
        assert store.state(other) != CaseState.SENT and len(sandbox.resources("Patient")) == 1
        assert "INS" in _why(store, other), _why(store, other)


def _why(store: Store, case_id: str) -> str:
    from app.outbox import Outbox

    row = Outbox(store).row(case_id)
    return row.last_error or "" if row else ""
