"""The birth place (INSEE code of the birth commune, or 99 + country): the fifth strict identity trait
of the RNIV, which FR Core's fr-core-patient-ins asks for. Collected, checked by shape, sealed with
the identity, imported and shown; its absence only warns, since the contract's qualified identities
come without it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from app.identifiers import birth_place_is_valid, ins_key, normalize_birth_place
from app.model import Case, Patient
from app.validation import blocking, validate_identity
from tests.support.cases import EXAMPLE, example_case
from tests.support.cli import SITE, run_inprocess, write_json

PAUL = "150028512345615"  # the docs/cli.md example: a man born in February 1950


@pytest.mark.parametrize(
    "code",
    ["75056", "01006", "2A004", "2B033", "97105", "97411", "98735", "99134", "99100", "99512"],
)
def test_communes_overseas_and_countries_have_the_shape_of_an_insee_code(code: str) -> None:
    assert birth_place_is_valid(code)


@pytest.mark.parametrize(
    "code",
    ["", "7505", "750560", "75 056", "2a004", "2C004", "20000", "00001", "75000", "96001", "97001", "99000", "99634"],
)
def test_anything_else_is_not_a_birth_place(code: str) -> None:
    assert not birth_place_is_valid(code)


def test_a_typed_code_is_stored_without_spaces_and_with_corsica_in_capitals() -> None:
    assert normalize_birth_place(" 2a 004 ") == "2A004"


def _qualified(**patient: object) -> Case:
    base: dict[str, object] = {
        "family": "MARTIN",
        "given": ["Paul"],
        "birth_date": "1950-02-03",
        "sex": "male",
        "ins": PAUL,
        "local_id": "D-2291",
        "identity_status": "qualified",
        "identity_document": "PA",
        "identity_checked_on": "2026-11-20",
    }
    base.update(patient)
    return Case(patient=Patient(**base))  # type: ignore[arg-type]


def test_a_wrong_code_is_an_error_on_its_field_in_the_users_language() -> None:
    (wrong,) = [f for f in validate_identity(_qualified(birth_place="7505")) if f.field == "patient.birth_place"]
    assert wrong.code == "patient.birth_place.invalid" and wrong.severity == "error" and wrong.blocks_sending()
    assert "code INSEE" in wrong.message and "99" in wrong.message
    from app import messages as M

    assert M.CATALOGUE.tr_in("v.birth_place", "en").startswith("Place of birth: the INSEE code")


def test_a_qualified_identity_without_birth_place_warns_and_is_not_blocked() -> None:
    findings = validate_identity(_qualified())
    assert [(f.code, f.severity) for f in findings] == [("patient.birth_place.missing", "warning")]
    assert "FR Core" in findings[0].message and not blocking(findings)
    assert validate_identity(_qualified(birth_place="85123")) == []  # where Paul's INS says he was born
    # Not qualified: the INS does not go, FR Core's INS profile is not declared, nothing to say.
    assert not any(f.field == "patient.birth_place" for f in validate_identity(_qualified(identity_status="validated")))


@pytest.mark.parametrize(
    ("ins13", "place", "agrees"),
    [
        ("1500285123456", "85123", True),
        ("1500285123456", "85124", False),  # a typing slip, or another patient's INS
        ("1500285123456", "99134", False),
        ("1500299134456", "99134", True),  # born in Spain
        ("1500220004456", "2A004", True),  # born in Ajaccio before Corsica's two departments
        ("1500220004456", "2B004", True),
        ("1500220004456", "20004", True),  # the code as it was at the birth, as the INSi gives it
        ("150022A004456", "20004", True),
        ("1500220005456", "20004", False),
        ("1500220005456", "2A004", False),
        ("1500275115456", "75056", True),  # Paris's 15th arrondissement, Paris typed
        ("1500269385456", "69123", True),
        ("1500213208456", "13055", True),
        ("1500275115456", "75115", True),
        ("1500213208456", "75056", False),
        ("7500285123456", "99134", True),  # a temporary number (NIA) says nothing of the birth place
        # Born in Algeria before 1962, in Morocco or Tunisia before their independence: the NIR has the
        # old department (91–94, 95, 96), the INSi's birth place the country (service-public.fr).
        ("1500291352456", "99352", True),
        ("1500294012456", "99352", True),
        ("1500295012456", "99350", True),
        ("1500296012456", "99351", True),
        ("1500296012456", "99352", False),
        ("1500291352456", "91228", False),  # Essonne (since 1968) is no birth in Algeria
    ],
)
def test_the_birth_place_is_checked_against_the_ins_and_only_warns(ins13: str, place: str, agrees: bool) -> None:
    ins = f"{ins13}{ins_key(ins13.replace('2A', '19').replace('2B', '18')):02d}"
    findings = validate_identity(_qualified(ins=ins, birth_place=place))
    found = [f for f in findings if f.code == "patient.birth_place.ins"]
    assert bool(found) != agrees, findings
    if found:
        assert found[0].severity == "warning" and not blocking(findings)
        assert place in found[0].message and ins[5:10] in found[0].message


def test_a_corsican_birth_before_1976_keeps_its_department_20_and_after_it_is_2a_or_2b() -> None:
    """Found from outside: the code of the birth commune as it was at the birth (what the INSi
    service returns: 20004 for Ajaccio in 1950) was refused, and a qualified identity of an elderly
    Corsican patient could not be entered as its five traits are."""
    ins13 = "1500220004456"
    ins = f"{ins13}{ins_key(ins13):02d}"
    assert validate_identity(_qualified(ins=ins, birth_place="20004")) == []
    (wrong,) = validate_identity(
        _qualified(ins=None, identity_status="provisional", birth_date="1980-05-01", birth_place="20004")
    )
    assert wrong.field == "patient.birth_place" and wrong.severity == "error" and "2A ou 2B" in wrong.message
    assert not any(
        f.field == "patient.birth_place"
        for f in validate_identity(
            _qualified(ins=None, identity_status="provisional", birth_date="1980-05-01", birth_place="2A004")
        )
    )


def test_import_and_show_carry_the_birth_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    patient = {**EXAMPLE["patient"], "identity_status": "qualified", "birth_place": "2a 004"}
    case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex", patient=patient))).out.strip()
    shown = run_inprocess(capsys, "case", "show", case_id, "--json").json()
    assert shown["patient"]["birth_place"] == "2A004"
    assert "patient.birth_place.missing" not in {f["code"] for f in shown["checklist"]}
    assert "03/02/1950 (lieu de naissance INSEE 2A004)" in run_inprocess(capsys, "case", "show", case_id).out


def test_import_refuses_a_wrong_birth_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    for value, words in (("Paris", "Lieu de naissance"), (75056, "patient.birth_place")):
        patient = {**EXAMPLE["patient"], "birth_place": value}
        refused = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex", patient=patient)))
        assert refused.code == 1 and words in refused.err, refused.err
    assert run_inprocess(capsys, "case", "list", "--json").json() == []


def test_a_qualified_case_file_without_birth_place_imports_shows_and_sends_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The contract's example (no birth place) is untouched: no new refusal, no new line; only the
    checklist (the window's, and ``--json``) carries the warning."""
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    patient = {**EXAMPLE["patient"], "identity_status": "qualified"}
    imported = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex", patient=patient)))
    assert imported.code == 0 and "naissance" not in imported.err
    case_id = imported.out.strip()
    shown = run_inprocess(capsys, "case", "show", case_id, "--json").json()
    assert shown["patient"]["birth_place"] == ""
    missing = [f for f in shown["checklist"] if f["code"] == "patient.birth_place.missing"]
    assert missing and missing[0]["severity"] == "warning"
    assert "naissance INSEE" not in run_inprocess(capsys, "case", "show", case_id).out
    assert run_inprocess(capsys, "case", "send", case_id).code == 0


def test_a_case_sealed_before_the_birth_place_existed_loads_without_one(teleavis_home: Path) -> None:
    from app.store import Store

    with Store.open() as store:
        case = _qualified(birth_place="75056")
        case_id = store.create_case(case, [])
        content = copy.deepcopy(case.content())
        del content["patient"]["birth_place"]
        with store.conn:
            store.conn.execute(
                "UPDATE cases SET content=? WHERE id=?", (store._seal_json(content, f"case:{case_id}:content"), case_id)
            )
        old = store.get_case(case_id)
        assert old.patient.birth_place == ""
        old.patient.birth_place = "99134"
        store.update_case(old)
        assert store.get_case(case_id).patient.birth_place == "99134"


@pytest.mark.parametrize(
    ("place", "printed", "not_printed"),
    [
        ("99326", "Lieu de naissance COTE D'IVOIRE (99326)", "code INSEE"),
        ("99134", "Lieu de naissance ESPAGNE (99134)", "code INSEE"),
        ("75056", "Lieu de naissance 75056 (code INSEE de la commune)", "COTE"),  # no list of the communes ships
        ("99999", "Lieu de naissance 99999 (code INSEE du pays)", "COTE"),  # not a country INSEE lists
    ],
)
def test_the_pdf_names_the_country_of_a_birth_abroad(
    teleavis_home: Path, place: str, printed: str, not_printed: str
) -> None:
    """The PDF printed « Lieu de naissance (code INSEE) : 99326 », a number for the expert to look up
    (a tester's finding): the country, as INSEE names it, with its code beside it."""
    import io

    from pypdf import PdfReader

    from app.report import build_report
    from app.store import Store

    with Store.open(teleavis_home) as store:
        case_id = store.create_case(Case(patient=Patient(family="KOUASSI", given=["Awa"], birth_place=place)), [])
        pdf = build_report(store, case_id, lang="fr").pdf
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert printed in text and not_printed not in text.split("Lieu de naissance", 1)[1][:40], text


@pytest.mark.parametrize(
    ("place", "french", "english"),
    [
        ("99109", "(lieu de naissance ALLEMAGNE, INSEE 99109)", "(place of birth ALLEMAGNE, INSEE 99109)"),
        ("75056", "(lieu de naissance INSEE 75056)", "(place of birth INSEE 75056)"),
        ("99143", "(lieu de naissance INSEE 99143)", "(place of birth INSEE 99143)"),  # not listed
    ],
)
def test_case_show_names_the_birth_place_as_the_report_does(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    place: str,
    french: str,
    english: str,
) -> None:
    """``case show`` printed « lieu de naissance INSEE 99109 » where the PDF says « ALLEMAGNE (99109) » (a
    tester's finding): the country in words as the report names it, in each language. Inside the Patient
    line's parentheses, as before (found in review: a line of its own moved every line after it, and the
    text is a public interface)."""
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    patient = {**EXAMPLE["patient"], "birth_place": place}
    case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex", patient=patient))).out.strip()
    lines = run_inprocess(capsys, "case", "show", case_id).out.splitlines()
    [patient_line] = [line for line in lines if line.startswith("Patient :")]
    assert patient_line.startswith(f"Patient : MARTIN Paul, 03/02/1950 {french}, "), patient_line
    assert lines[lines.index(patient_line) + 1].startswith("Consentement :"), lines  # no line in between
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    lines = run_inprocess(capsys, "case", "show", case_id).out.splitlines()
    [patient_line] = [line for line in lines if line.startswith("Patient:")]
    assert patient_line.startswith(f"Patient: MARTIN Paul, 1950-02-03 {english}, "), patient_line
    assert lines[lines.index(patient_line) + 1].startswith("Consent:"), lines
    assert run_inprocess(capsys, "case", "show", case_id, "--json").json()["patient"]["birth_place"] == place


def test_the_english_pdf_says_the_country_is_named_by_insee_in_french(teleavis_home: Path) -> None:
    """INSEE's list names the countries in French capitals only, and no English name ships with Teleavis:
    the English report keeps the official name and its label says whose name it is (« ALLEMAGNE » was
    printed under « Place of birth » alone, as if English)."""
    import io

    from pypdf import PdfReader

    from app.report import build_report
    from app.store import Store

    with Store.open(teleavis_home) as store:
        case_id = store.create_case(Case(patient=Patient(family="MULLER", given=["Jan"], birth_place="99109")), [])
        pdf = build_report(store, case_id, lang="en").pdf
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Country of birth (INSEE name, in French) ALLEMAGNE (99109)" in text, text
