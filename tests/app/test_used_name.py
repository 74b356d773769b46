"""The used name (RNIV « nom utilisé », FR Core's usualName): a married woman's spouse's name kept
apart from her birth name, which is a strict trait and is never altered. Sealed with the identity,
read from the case file, shown after the birth name."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.model import Case, Patient
from app.store import Store
from tests.support.cases import EXAMPLE, example_case
from tests.support.cli import SITE, run_inprocess, write_json

JEANNE = {
    "family": "DUPONT",
    "used_name": "LEROY",
    "given": ["Jeanne"],
    "birth_date": "1950-02-03",
    "sex": "female",
    "local_id": "D-2291",
}


def test_the_used_name_is_sealed_with_the_identity_and_read_back(teleavis_home: Path) -> None:
    with Store.open() as store:
        case_id = store.create_case(Case(patient=Patient(family="DUPONT", given=["Jeanne"], used_name="LEROY")), [])
        stored = store.get_case(case_id).patient
        assert (stored.family, stored.used_name) == ("DUPONT", "LEROY"), "the birth name is left as typed"
        sealed = store.conn.execute("SELECT content FROM cases WHERE id=?", (case_id,)).fetchone()[0]
        assert b"LEROY" not in bytes(sealed)


def test_a_case_stored_before_the_used_name_opens_without_one(teleavis_home: Path) -> None:
    """No migration: the sealed identity of an older release simply lacks the key."""
    with Store.open() as store:
        case = Case(patient=Patient(family="DUPONT", given=["Jeanne"], local_id="1"))
        case_id = store.create_case(case, [])
        content = case.content()
        del content["patient"]["used_name"]
        with store.conn:
            store.conn.execute(
                "UPDATE cases SET content=? WHERE id=?", (store._seal_json(content, f"case:{case_id}:content"), case_id)
            )
        old = store.get_case(case_id)
        assert old.patient.used_name == "" and old.patient.shown_name() == "DUPONT Jeanne"
        old.patient.used_name = "LEROY"
        store.update_case(old)
        assert store.get_case(case_id).patient.used_name == "LEROY"


@pytest.mark.parametrize(
    ("family", "used", "shown"),
    [
        ("Dupont", "Leroy", "DUPONT Jeanne (nom utilisé : LEROY)"),
        ("DUPONT", "  leroy   martin ", "DUPONT Jeanne (nom utilisé : LEROY MARTIN)"),
        ("DUPONT", "", "DUPONT Jeanne"),
        ("Éluard", "ELUARD", "ÉLUARD Jeanne"),  # the birth name typed again says nothing more
    ],
)
def test_the_used_name_is_shown_after_the_birth_name_said_as_such(family: str, used: str, shown: str) -> None:
    patient = Patient(family=family, given=["Jeanne"], used_name=used)
    assert patient.shown_name() == shown
    assert patient.full_name() == f"{family.upper()} Jeanne", "the birth name alone, for the identity checks"
    if used.strip() and shown.endswith(")"):
        assert patient.shown_name("en").endswith(f"(used name: {' '.join(used.split()).upper()})")


def _site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0


def test_import_and_show_carry_the_used_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _site(tmp_path, capsys)
    patient = {**JEANNE, "used_name": " LEROY  "}
    case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex", patient=patient))).out.strip()
    shown = run_inprocess(capsys, "case", "show", case_id, "--json").json()
    assert (shown["patient"]["family"], shown["patient"]["used_name"]) == ("DUPONT", "LEROY")
    assert (
        "Patient : DUPONT Jeanne (nom utilisé : LEROY), 03/02/1950"
        in run_inprocess(capsys, "case", "show", case_id).out
    )


def test_a_case_file_without_a_used_name_imports_as_before(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _site(tmp_path, capsys)
    case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex"))).out.strip()
    assert run_inprocess(capsys, "case", "show", case_id, "--json").json()["patient"]["used_name"] == ""
    assert "Patient : MARTIN Paul, 03/02/1950" in run_inprocess(capsys, "case", "show", case_id).out


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("usual_name", "LEROY", "usual_name"),  # a typo of the key: refused, never dropped
        ("used_name", ["LEROY"], "patient.used_name"),
    ],
)
def test_a_wrong_used_name_key_or_value_refuses_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, value: object, words: str
) -> None:
    _site(tmp_path, capsys)
    patient = {**EXAMPLE["patient"], key: value}
    refused = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex", patient=patient)))
    assert refused.code == 1 and words in refused.err
    assert run_inprocess(capsys, "case", "list", "--json").json() == []


def test_the_case_is_found_by_the_used_name_as_by_the_birth_name(teleavis_home: Path) -> None:
    """At the desk she gives the name she goes by: the worklist's search finds her by either."""
    with Store.open() as store:
        case_id = store.create_case(Case(patient=Patient(family="DUPONT", given=["Jeanne"], used_name="Leroy")), [])
        store.create_case(Case(patient=Patient(family="MARTIN", given=["Paul"])), [])
        for typed in ("leroy", "LER", "Dupont", "leroy jeanne"):
            assert [c.id for c in store.list_cases(search=typed)] == [case_id], typed


def test_the_same_patient_checks_compare_the_birth_name_and_name_the_other_as_a_person_reads_her() -> None:
    """The used name is not a strict trait: another used name (a remarriage, one not typed) is the
    same patient; another birth name is not, and the finding names her with both."""
    from app.validation import same_local_id_elsewhere

    def case(family: str, used: str) -> Case:
        return Case(
            patient=Patient(
                family=family, used_name=used, given=["Jeanne"], birth_date="1950-02-03", sex="female", local_id="D-1"
            )
        )

    assert same_local_id_elsewhere(case("DUPONT", "LEROY"), [case("DUPONT", ""), case("Dupont", "MARTIN")]) == []
    (other,) = same_local_id_elsewhere(case("DUPONT", ""), [case("DUPONT épouse LEROY", "")])
    assert other.blocks_sending()
    (named,) = same_local_id_elsewhere(case("DURAND", ""), [case("DUPONT", "LEROY")])
    assert "DUPONT Jeanne (nom utilisé : LEROY)" in named.message
