"""The used name goes as FR Core's usualName (``use = usual``) beside the untouched birth name
(officialName), and only when there is one; the platform (the sandbox, as strict as FR Core) takes it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from app.report import build_report
from app.store import Store
from sync import frcore
from sync.mapping import MappingError, prepare_case, validate_resource
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import REQUESTER
from tests.sync.test_frcore import _by_type, _engine, _qualified, platform_issues


def _patient(bundle: dict[str, Any]) -> dict[str, Any]:
    return _by_type(bundle, "Patient")[0]["resource"]


@pytest.mark.parametrize("status", ["qualified", "provisional"])
def test_the_used_name_goes_as_a_second_name_and_the_birth_name_is_left_as_it_is(store: Store, status: str) -> None:
    case = _qualified(store, identity_status=status, used_name="  Leroy   Martin ")
    bundle = prepare_case(case, REQUESTER).bundle
    patient = _patient(bundle)
    official, usual = patient["name"]
    given = ["PAUL"] if status == "qualified" else ["Paul"]  # INS traits in capitals (test_ins_traits.py)
    assert official["use"] == "official" and official["family"] == "MARTIN" and official["given"] == given
    # The family name alone: its given names would be the « prénom utilisé », not collected.
    assert usual == {"use": "usual", "family": "LEROY MARTIN"}  # in capitals, as it is shown
    assert platform_issues(bundle, national=True) == []
    validate_resource(patient)  # fhir.resources R4B, required codes, FR Core


def test_the_names_go_in_capitals_as_the_window_and_the_pdf_show_them(store: Store) -> None:
    """A birth name typed in lower case was shown and printed in capitals but sent as typed: the expert's
    letter read « N'GUESSAN-LéVêQUE » (a tester's finding). One writing on screen, on paper and sent: a qualified
    identity's names are its INS traits, without accents, everywhere (tests/sync/test_ins_traits.py,
    tests/app/test_qualified_traits_shown.py); the used name, no INS trait, in capitals as typed."""
    case = _qualified(store, family=" n'guessan-lévêque ", given=["Awa"], used_name="kouamé")
    bundle = prepare_case(case, REQUESTER).bundle
    official, usual = _patient(bundle)["name"]
    assert official["family"] == "N'GUESSAN-LEVEQUE" and usual["family"] == "KOUAMÉ"
    shown = case.patient.shown_name("fr")
    assert shown.startswith("N'GUESSAN-LEVEQUE AWA") and "KOUAMÉ" in shown, shown
    assert platform_issues(bundle, national=True) == []
    store.update_case(case)
    printed = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(build_report(store, case.id).pdf)).pages
    )
    assert "N'GUESSAN-LEVEQUE AWA" in printed and "KOUAMÉ" in printed
    assert "guessan" not in printed and "GUESSAN-LéVêQUE" not in printed


@pytest.mark.parametrize("used", ["", "   ", "martin"])
def test_without_a_used_name_only_the_birth_name_goes(store: Store, used: str) -> None:
    """« transmis que s'il est défini »: none typed, or the birth name typed again, sends none."""
    (name,) = _patient(prepare_case(_qualified(store, used_name=used), REQUESTER).bundle)["name"]
    assert name["use"] == "official"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda p: p["name"][1].update(use="married"), "usage de nom"),
        (lambda p: p["name"][1].pop("family"), "nom utilisé (use = usual) vide"),
        (lambda p: p["name"][1].update(family="  "), "nom utilisé (use = usual) vide"),
        (lambda p: p["name"][1].update(use="official"), "un seul"),  # two birth names
    ],
)
def test_the_platform_refuses_a_used_name_fr_core_does_not_take(store: Store, change: Any, words: str) -> None:
    bundle = prepare_case(_qualified(store, used_name="LEROY"), REQUESTER).bundle
    change(_patient(bundle))
    issues = platform_issues(bundle)
    assert any(words in issue for issue in issues), issues
    with pytest.raises(MappingError):
        validate_resource(_patient(bundle))


def test_fr_core_checks_take_the_two_names_in_either_order(store: Store) -> None:
    patient = _patient(prepare_case(_qualified(store, used_name="LEROY"), REQUESTER).bundle)
    patient["name"].reverse()
    assert frcore.check_patient(patient, national=True) == []


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1) as server:
        yield server


def test_two_cases_of_a_married_woman_reach_the_platform_as_one_patient(store: Store, platform: SandboxServer) -> None:
    """The platform keeps both names; the second case's look-up compares the birth names and goes."""
    woman = "293127512345634"
    cases = [
        _qualified(
            store,
            ins=woman,
            sex="female",
            birth_date="1993-12-01",
            given=["Jeanne"],
            family="DUPONT",
            used_name="LEROY",
        )
        for _ in range(2)
    ]
    for case in cases:  # (both hers before either goes: the other made as M. MARTIN is another patient's number)
        store.update_case(case)
    engine, client = _engine(store, platform)
    with client:
        for case in cases:
            store.queue(case.id)
            assert engine.run_once().sent == [case.id]
    (patient,) = platform.resources("Patient")
    assert [(n["use"], n["family"]) for n in patient["name"]] == [("official", "DUPONT"), ("usual", "LEROY")]
