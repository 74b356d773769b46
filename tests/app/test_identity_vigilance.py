"""Identity vigilance (issue 14.2): the INS agrees with the sex and birth date typed, the identity's
status decides what identifier leaves the workstation, and a disagreement blocks sending."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from app.identifiers import ins_birth, ins_disagreements, ins_key, ins_sex
from app.model import Case, Patient
from app.validation import blocking, validate_identity
from tests.support.cases import EXAMPLE, example_case
from tests.support.cli import SITE, run_inprocess, write_json


def with_key(first13: str) -> str:
    return f"{first13}{ins_key(first13):02d}"


# The docs/cli.md example: a man born in February 1950.
PAUL = "150028512345615"


def test_the_ins_encodes_sex_then_birth_year_and_month() -> None:
    assert ins_sex(PAUL) == "male" and ins_birth(PAUL) == (50, 2)
    woman = with_key("2931275123456")
    assert ins_sex(woman) == "female" and ins_birth(woman) == (93, 12)
    # Month 20 and the NIR's special months (30–42, 50+) tell no month.
    for month in ("20", "33", "42", "51", "99"):
        assert ins_birth(with_key(f"185{month}75123456")) == (85, None)
    assert ins_sex("not an ins") is None and ins_birth("123") is None


@pytest.mark.parametrize(
    ("sex", "birth", "wrong"),
    [
        ("male", "1950-02-03", []),
        ("female", "1950-02-03", ["sex"]),
        ("male", "1951-02-03", ["birth"]),
        ("male", "1950-03-02", ["birth"]),  # day and month swapped: the month differs
        ("female", "2050-02-03", ["sex"]),  # the century is not encoded
        ("unknown", "1950-02-03", []),  # nothing to contradict
        ("other", "", []),
    ],
)
def test_disagreements_with_the_typed_identity(sex: str, birth: str, wrong: list[str]) -> None:
    assert ins_disagreements(PAUL, sex, birth) == wrong


def test_an_unknown_month_in_the_ins_agrees_with_any_month() -> None:
    ins = with_key("2852075123456")
    assert ins_disagreements(ins, "female", "1985-07-14") == []
    assert ins_disagreements(ins, "female", "1986-07-14") == ["birth"]


def _case(**patient: object) -> Case:
    base = {
        "family": "MARTIN",
        "given": ["Paul"],
        "birth_date": "1950-02-03",
        "sex": "male",
        "ins": PAUL,
        "local_id": "D-2291",
    }
    base.update(patient)
    return Case(patient=Patient(**base))  # type: ignore[arg-type]


def _codes(case: Case) -> set[str]:
    return {f.code for f in validate_identity(case)}


def test_the_checklist_shows_a_disagreement_as_an_error_on_the_ins_field() -> None:
    findings = validate_identity(_case(sex="female", birth_date="1951-02-03"))
    wrong = {f.code: f for f in findings}
    assert {"patient.ins.sex", "patient.ins.birth"} <= set(wrong)
    assert all(
        wrong[c].severity == "error" and wrong[c].field == "patient.ins"
        for c in ("patient.ins.sex", "patient.ins.birth")
    )
    assert "un homme" in wrong["patient.ins.sex"].message and "Femme" in wrong["patient.ins.sex"].message
    assert blocking(findings)
    assert not _codes(_case())


def test_an_id_document_checked_before_the_birth_is_refused() -> None:
    """A sibling of the window's « Qualifiée » without a document (tests/ui/test_identity_editor.py): a check
    dated before the patient was born (« 20/11/1926 » for 2026) is no check of this patient's document; it
    was taken, the identity sent as validated on a date that cannot be. Said on the date, what to do with it."""
    from datetime import date

    checked = {"identity_status": "qualified", "identity_document": "PA", "birth_place": "85123"}
    findings = validate_identity(_case(**checked, identity_checked_on="1926-11-20"), date(2026, 12, 6))
    (wrong,) = [f for f in findings if f.code == "patient.identity_checked_on"]
    assert wrong.blocks_sending() and wrong.field == "patient.identity_checked_on"
    assert "naissance" in wrong.message, wrong.message
    assert not validate_identity(_case(**checked, identity_checked_on="1950-02-03"), date(2026, 12, 6))


@pytest.mark.parametrize(("status", "instead"), [("qualified", "« Récupérée »"), ("validated", "« Provisoire »")])
def test_no_document_checked_is_told_apart_from_the_document_not_said(status: str, instead: str) -> None:
    """Found from outside: « Qualifiée » with « Pièce d'identité contrôlée : Aucune » was a mere ⚠ and the case
    went with its INS, though RNIV qualifies (or validates) an identity only once a high-trust ID document was
    checked. The stored case could not tell « Aucune » chosen from the document not said (a case file without
    the key, a hospital system that checked it but does not say which): both were "". « none » is the answer
    « no document checked », which contradicts the status and blocks, saying what to do; "" stays not said."""
    checked = {"identity_status": status, "birth_place": "85123", "identity_checked_on": ""}
    (not_said,) = [f for f in validate_identity(_case(**checked)) if f.field == "patient.identity_document"]
    assert not_said.code == "patient.identity_document.missing" and not not_said.blocks_sending()
    (none,) = [f for f in validate_identity(_case(**checked, identity_document="none"))]
    assert none.code == "patient.identity_document.none" and none.field == "patient.identity_document"
    assert none.blocks_sending(), none
    assert "« Aucune »" in none.message and instead in none.message and "date du contrôle" in none.message, none.message
    for status_without_document in ("provisional", "recovered"):
        assert not validate_identity(_case(identity_status=status_without_document, identity_document="none"))


def test_the_status_decides_which_identifier_is_needed() -> None:
    # Not qualified: the INS stays on the workstation, so the local id is what identifies the patient.
    assert "patient.local_id" in _codes(_case(local_id=None))
    assert "patient.local_id" not in _codes(_case(local_id=None, identity_status="qualified"))
    # Recovered and qualified identities come from INSi: they have an INS.
    assert "patient.identity_status.ins" in _codes(_case(ins=None, identity_status="qualified"))
    assert "patient.identity_status.ins" in _codes(_case(ins=None, identity_status="recovered"))
    assert "patient.identity_status.ins" not in _codes(_case(ins=None, identity_status="validated"))
    assert "patient.identity_status" in _codes(_case(identity_status="sure"))
    assert "patient.identity_document" in _codes(_case(identity_document="XX"))
    assert "patient.identity_checked_on" in _codes(_case(identity_checked_on="2999-01-01"))
    complete = {"identity_status": "qualified", "identity_document": "PA", "identity_checked_on": "2026-11-20"}
    assert not _codes(_case(**complete, birth_place="85123"))  # the birth place its INS carries
    # Without the birth place FR Core's INS profile asks for, a warning only (tests/app/test_birth_place.py).
    assert _codes(_case(**complete)) == {"patient.birth_place.missing"}
    # A qualified identity's sex is the national identity's: a man or a woman (FR Core's INS genders).
    assert "patient.sex.ins" in _codes(_case(identity_status="qualified", sex="other"))
    assert "patient.sex.ins" not in _codes(_case(sex="other"))


def test_a_family_record_book_or_a_birth_certificate_validates_a_minor_only() -> None:
    """Found by an outside review against the RNIV: an adult's identity was « qualifiée » on a family
    record book, and its INS sent as a qualified one."""
    checked = {"identity_status": "qualified", "identity_checked_on": "2026-11-20", "birth_place": "85123"}
    for document in ("LE", "AN"):
        adult = validate_identity(_case(**checked, identity_document=document))
        assert [f.code for f in adult if f.severity == "error"] == ["patient.identity_document.minor"]
        assert "ne valident que l'identité d'un mineur" in " ".join(f.message for f in adult)
    child = _case(**checked, identity_document="LE", birth_date="2015-02-03", ins=with_key("1150285123456"))
    assert "patient.identity_document.minor" not in _codes(child)
    assert "patient.identity_document.minor" not in _codes(_case(**checked, identity_document="PA"))


def test_a_foreign_minors_travel_document_validates_a_minor_only(tmp_path: Path) -> None:
    """Checked by ident38 against RNIV 2024 (volet 1, 3.3.3: a minor without an official ID document): the
    travel document of a foreign minor (document de circulation pour étranger mineur, with its photo) is
    accepted for a minor, as the family record book or birth certificate with a parent's document; FR Core
    codes it ``DC``. The window and the case file had no code for it: a case file giving it was refused. It
    is a minor's document, so an adult's identity is not validated on it."""
    from app.casefile import parse_case

    checked = {"identity_status": "validated", "identity_checked_on": "2026-11-20", "birth_place": "99134"}
    child = _case(**checked, identity_document="DC", birth_date="2015-02-03", ins=None)
    assert not [f for f in validate_identity(child) if f.field == "patient.identity_document"]
    adult = validate_identity(_case(**checked, identity_document="DC", ins=None))
    assert [f.code for f in adult if f.severity == "error"] == ["patient.identity_document.minor"]
    assert "document de circulation pour étranger mineur" in " ".join(f.message for f in adult)
    document = {
        **EXAMPLE,
        "images": [],
        "patient": {
            **{key: value for key, value in EXAMPLE["patient"].items() if key != "ins"},
            "birth_date": "2015-02-03",
            "identity_status": "validated",
            "identity_document": "DC",
        },
    }
    assert parse_case(document, tmp_path).case.patient.identity_document == "DC"


def test_a_qualified_identity_without_its_sex_is_not_sent() -> None:
    """Left « non renseigné », the INS's sex digit was checked against nothing: an INS of someone of the
    other sex went unnoticed (an outside identity-vigilance audit)."""
    assert "patient.sex.ins" in _codes(_case(identity_status="qualified", sex="unknown"))
    assert "patient.sex.ins" not in _codes(_case(identity_status="qualified", sex="male"))
    assert "patient.sex.ins" not in _codes(_case(identity_status="validated", sex="unknown"))


def test_a_case_file_defaults_to_provisional_and_refuses_an_unknown_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.casefile import parse_case
    from app.errors import CaseFileError

    doc = copy.deepcopy(EXAMPLE)
    doc["images"] = []
    assert parse_case(doc, tmp_path).case.patient.identity_status == "provisional"
    doc["patient"]["identity_status"] = "qualified"
    assert parse_case(doc, tmp_path).case.patient.identity_status == "qualified"
    doc["patient"]["identity_status"] = "sure"
    with pytest.raises(CaseFileError) as refused:
        parse_case(doc, tmp_path)
    assert any("identity_status" in d for d in refused.value.details)


def test_import_refuses_an_ins_that_contradicts_the_patient(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    patient = {**EXAMPLE["patient"], "sex": "female"}
    refused = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex", patient=patient)))
    assert refused.code == 1 and "INS" in refused.err and "Femme" in refused.err
    assert run_inprocess(capsys, "case", "list", "--json").json() == []


def test_case_send_exits_1_listing_the_disagreement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A case edited in the window after import (the store has it) cannot be sent with a wrong INS."""
    from app.store import Store

    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex"))).out.strip()
    with Store.open() as store:
        case = store.get_case(case_id)
        case.patient.birth_date = "1950-12-03"
        store.update_case(case)
    refused = run_inprocess(capsys, "case", "send", case_id)
    assert refused.code == 1
    assert "date de naissance" in refused.err and "INS" in refused.err
    shown = run_inprocess(capsys, "case", "show", case_id, "--json").json()
    assert shown["state"] == "draft" and shown["patient"]["identity_status"] == "provisional"
    assert "identité provisoire" in run_inprocess(capsys, "case", "show", case_id).out
    assert "patient.ins.birth" in {f["code"] for f in shown["checklist"]}
    # Put right, it goes.
    with Store.open() as store:
        case = store.get_case(case_id)
        case.patient.birth_date = "1950-02-03"
        store.update_case(case)
    assert run_inprocess(capsys, "case", "send", case_id).code == 0


def test_a_stored_case_without_a_status_reads_as_provisional_and_says_so(teleavis_home: Path) -> None:
    """Cases stored before the identity status existed keep working (issue 16.4)."""
    from app.store import Store

    with Store.open() as store:
        case = Case(patient=Patient(family="A", given=["B"], ins=PAUL, local_id="1"))
        case_id = store.create_case(case, [])
        # What an older release sealed: the patient without the status fields.
        content = case.content()
        for key in ("identity_status", "identity_document", "identity_checked_on"):
            del content["patient"][key]
        with store.conn:
            store.conn.execute(
                "UPDATE cases SET content=? WHERE id=?", (store._seal_json(content, f"case:{case_id}:content"), case_id)
            )
        old = store.get_case(case_id)
        assert old.patient.identity_status == "provisional" and old.identity_status_missing
        assert json.dumps(old.content())  # still a document the store can seal
        old.patient.identity_status = "validated"
        store.update_case(old)
        again = store.get_case(case_id)
        assert again.patient.identity_status == "validated" and not again.identity_status_missing


def test_a_consent_dated_before_the_patients_birth_is_refused() -> None:
    """Found from outside: a consent dated 1940 for a patient born in 1952 (a slip of the year) was
    accepted and sent as the legal record of the patient's agreement."""
    from app.model import Consent
    from app.validation import validate_content

    case = Case(
        question="Q",
        summary="S",
        patient=Patient(family="MARTIN", given=["Paul"], birth_date="1952-02-29", sex="male"),
        consent=Consent(given=True, date="1940-01-01", recorded_by="Inf. Durand"),
    )
    found = [f for f in validate_content(case) if f.field == "consent.date"]
    assert [f.message for f in found] == ["Date du consentement antérieure à la naissance du patient : vérifiez-la."]
    assert blocking(found)
    case.consent.date = "2026-11-20"
    assert not [f for f in validate_content(case) if f.field == "consent.date"]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (["Marie Thérèse", "Jeanne"], ["Marie Thérèse", "Jeanne"]),  # a first name written with a space
        ("Marie Thérèse Jeanne", ["Marie", "Thérèse", "Jeanne"]),  # the list as a string: split at its spaces
        (["Paul"], ["Paul"]),
        ([" Jean  Pierre ", ""], ["Jean Pierre"]),
    ],
)
def test_a_case_files_given_names_keep_their_first_given_name(tmp_path: Path, given: object, kept: list[str]) -> None:
    """The first given name is an identity trait of its own: a string was kept whole, so « Marie
    Thérèse Jeanne » went to the platform as one first given name."""
    from app.casefile import parse_case

    doc = copy.deepcopy(EXAMPLE)
    doc["images"] = []
    doc["patient"]["given"] = given
    parsed = parse_case(doc, tmp_path)
    assert parsed.case.patient.given == kept
    # From the review: a string split at its spaces is said, with how to give a composed first name.
    split = isinstance(given, str) and len(kept) > 1
    assert bool(parsed.notes) == split and all("en liste" in note for note in parsed.notes)


def test_the_identitys_status_is_written_in_the_sentences_case() -> None:
    """Found by a nurse's outside pass: « Identité Qualifiée : indiquez la pièce… » (a capital in the
    middle of the French sentence); English starts its sentence with it: « Qualified identity: … »."""
    from app import i18n

    case = Case(
        patient=Patient(
            family="A",
            given=["B"],
            birth_date="1950-01-01",
            sex="male",
            identity_status="qualified",
            ins="150028512345615",
        )
    )
    said = [f.message for f in validate_identity(case)]
    assert "Identité qualifiée : indiquez la pièce d'identité contrôlée et la date du contrôle." in said
    i18n.set_language("en")
    said = [f.message for f in validate_identity(case)]
    assert "Qualified identity: say which ID document was checked, and when." in said


@pytest.mark.parametrize("family", ["MARTIN\x1b[8m", "MAR\x00TIN", "\u202eNITRAM"])
def test_a_name_with_a_control_or_invisible_character_is_refused_and_never_printed_raw(
    family: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, teleavis_home: Path
) -> None:
    """Found from outside: escape sequences, a NUL and a right-to-left override in a case file's name
    were accepted, printed raw by `case show` (rewriting the nurse's terminal) and sent as the official
    name of a qualified identity."""
    case = Case(patient=Patient(family=family, given=["Paul"], birth_date="1950-02-03", sex="male", local_id="D-1"))
    assert [f.code for f in blocking(validate_identity(case))] == ["patient.family.characters"]
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    patient = {**copy.deepcopy(EXAMPLE["patient"]), "family": family}
    refused = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "named", patient=patient)))
    assert refused.code != 0 and "caractère invisible ou de contrôle" in refused.err
    # Free text keeps what was typed, shown escaped: the terminal is never driven by a case's words.
    question = "Question normale ?\x1b[2K\rQuestion : RAS, pas urgent"
    imported = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "asked", question=question)))
    assert imported.code == 0, imported.err
    shown = run_inprocess(capsys, "case", "show", imported.out.strip())
    assert "\x1b" not in shown.out + shown.err and "\r" not in shown.out
    assert "Question normale ?<U+001B>[2K<U+000D>Question : RAS, pas urgent" in shown.out


def test_a_date_refused_says_what_is_wrong_with_it() -> None:
    """Found from outside: 1850 for 1950 was « attendue sous la forme AAAA-MM-JJ, dans le passé », and a
    consent dated in the future « manquante ou invalide »: neither said what was wrong."""
    from datetime import date

    from app.model import Consent
    from app.validation import validate_case

    old = Case(patient=Patient(family="MARTIN", given=["Paul"], birth_date="1850-02-03", sex="male"))
    assert [f.message for f in validate_identity(old) if f.field == "patient.birth_date"] == [
        "Date de naissance avant 1880 : vérifiez l'année."
    ]
    later = Case(
        patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male"),
        consent=Consent(given=True, date="2031-01-01", recorded_by="Inf. Durand"),
    )
    said = [f.message for f in validate_case(later, None, today=date(2026, 12, 3)) if f.field == "consent.date"]
    assert said == [
        "Date du consentement (01/01/2031) après la date du jour de ce poste (03/12/2026) : vérifiez-la, "
        "ou l'horloge de l'ordinateur si c'est elle qui retarde."
    ]


def test_the_names_sent_and_shown_have_one_space_and_the_plain_apostrophe_and_hyphen() -> None:
    """Found by an identity-vigilance review: a birth name typed « de  la Fontaine » (two spaces), or pasted
    with a typographic apostrophe (« N’GUYEN ») or a no-break space, went to the platform and into the letter
    so, while the INS traits (INSi) write names with single spaces, the plain apostrophe and hyphen: the
    qualified identity sent no longer read as its own traits."""
    from sync.mapping import _patient
    from tests.support.ui import REQUESTER

    case = Case()
    case.patient = Patient(
        family=" de  la\u00a0Fontaine–N’Guyen ",
        given=["Jean\u2011Pierre", "D’Arcy"],
        used_name="Le  Goff",
        birth_date="1950-02-03",
        sex="male",
        local_id="D-1",
    )
    assert case.patient.birth_name() == "DE LA FONTAINE-N'GUYEN"
    assert case.patient.full_name() == "DE LA FONTAINE-N'GUYEN Jean-Pierre D'Arcy"
    official, usual = _patient(case, REQUESTER)[0]["name"]
    assert official["family"] == "DE LA FONTAINE-N'GUYEN" and official["given"] == ["Jean-Pierre"]
    assert official["extension"][0]["valueString"] == "Jean-Pierre D'Arcy"
    assert usual["family"] == "LE GOFF"
    # The platform's Patient written with the plain apostrophe is the same person, not « another patient ».
    from sync.engine import same_person

    assert same_person({"name": [{"use": "official", "family": "DE LA FONTAINE-N'GUYEN"}]}, case.patient)


def test_a_digit_or_a_sign_typed_in_a_name_is_pointed_out() -> None:
    """Found by an identity-vigilance review: « MARTIN2 », « P@ul » or « DUPONT (LEROY) » were taken as names
    and sent as a strict trait. A name holds letters, spaces, hyphens and apostrophes (accents kept): the
    rest is pointed out, a warning (the ID document has the last word), never for the characters a name
    does hold."""
    from datetime import date

    case = Case()
    case.patient = Patient(
        family="MARTIN2", given=["P@ul", "Jean"], used_name="LEROY (ép.)", birth_date="1950-02-03", local_id="D-1"
    )
    said = {f.code: f for f in validate_identity(case, date(2026, 12, 4))}
    for field, sign in (("family", "2"), ("given", "@"), ("used_name", "(")):
        finding = said[f"patient.{field}.signs"]
        assert finding.severity == "warning" and f"« {sign}" in finding.message, finding.message
    case.patient = Patient(
        family="N’GUYEN-D'ARC de la Tour", given=["Élodie", "Marie-Thérèse"], birth_date="1950-02-03", local_id="D-1"
    )
    assert not any(f.code.endswith(".signs") for f in validate_identity(case, date(2026, 12, 4)))


def test_a_case_file_says_which_id_document_was_checked_and_when(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found from outside: `case show` of an imported qualified identity told to « indiquez la pièce
    d'identité contrôlée et la date du contrôle », which the case file had no key for: a script could
    never say it, and the platform never got the identity's validation mode from the command line."""
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    patient = {**EXAMPLE["patient"], "identity_status": "qualified", "birth_place": "75056"}
    told = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "told", patient=patient)))
    shown = run_inprocess(capsys, "case", "show", told.out.strip(), "--json").json()
    assert "patient.identity_document.missing" in {f["code"] for f in shown["checklist"]}

    checked = {**patient, "identity_document": "PA", "identity_checked_on": "2026-11-20"}
    case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "checked", patient=checked)))
    assert case_id.code == 0, case_id.err
    shown = run_inprocess(capsys, "case", "show", case_id.out.strip(), "--json").json()
    assert "patient.identity_document.missing" not in {f["code"] for f in shown["checklist"]}
    assert (shown["patient"]["identity_document"], shown["patient"]["identity_checked_on"]) == ("PA", "2026-11-20")

    wrong = {**checked, "identity_document": "passeport"}
    refused = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "wrong", patient=wrong)))
    assert refused.code == 1 and "patient.identity_document" in refused.err and "CN, PA" in refused.err


@pytest.mark.parametrize(("status", "instead"), [("qualified", "recovered"), ("validated", "provisional")])
def test_a_case_file_saying_no_document_was_checked_is_refused_beside_a_status_resting_on_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], status: str, instead: str
) -> None:
    """A case file may now say that no ID document was checked (`"identity_document": "none"`), as the window's
    « Aucune » does. Beside `qualified` or `validated`, statuses that RNIV gives only once a high-trust ID
    document was checked, the file contradicts itself: refused, nothing stored, the field named with what to
    give instead. Beside `provisional` or `recovered` it is what those statuses mean: imported, kept as said.
    Without the key the document is not said (docs/cli.md's hospital system): imported, sendable, a warning."""
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    patient = {**EXAMPLE["patient"], "identity_status": status, "birth_place": "75056"}
    refused = run_inprocess(
        capsys, "case", "import", str(example_case(tmp_path / "none", patient={**patient, "identity_document": "none"}))
    )
    assert refused.code == 1 and refused.out == "", refused.err
    assert "patient.identity_document" in refused.err and f"patient.identity_status « {status} »" in refused.err
    assert f"le statut est « {instead} »" in refused.err and "CN, PA" in refused.err, refused.err
    assert "Pièce d'identité contrôlée inconnue" not in refused.err, "said once, on the field"
    assert run_inprocess(capsys, "case", "list", "--json").json() == []

    told = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "told", patient=patient)))
    assert told.code == 0, told.err
    shown = run_inprocess(capsys, "case", "show", told.out.strip(), "--json").json()
    (finding,) = [f for f in shown["checklist"] if f["field"] == "patient.identity_document"]
    assert (finding["code"], finding["severity"]) == ("patient.identity_document.missing", "warning")

    without = {**patient, "identity_status": instead, "identity_document": "none"}
    kept = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "kept", patient=without)))
    assert kept.code == 0, kept.err
    shown = run_inprocess(capsys, "case", "show", kept.out.strip(), "--json").json()
    assert shown["patient"]["identity_document"] == "none"
    assert not [f for f in shown["checklist"] if f["field"] == "patient.identity_document"]


def test_a_day_that_does_not_exist_or_is_to_come_is_said_as_such() -> None:
    """Found from outside: « 31/02/1950 » typed in the window's birth date was « attendue sous la forme
    JJ/MM/AAAA » — the very form the nurse had typed — and a birth date to come said the same: she
    could not see what to correct. So was a consent dated 31/04."""
    from datetime import date

    from app.model import Consent
    from app.validation import validate_case

    today = date(2026, 12, 3)

    def said(birth: str, consent: str = "2026-11-20") -> list[str]:
        case = Case(
            patient=Patient(family="MARTIN", given=["Paul"], birth_date=birth, sex="male"),
            consent=Consent(given=True, date=consent, recorded_by="Inf. Durand"),
        )
        return [
            f.message
            for f in validate_case(case, None, today=today)
            if f.field in ("patient.birth_date", "consent.date")
        ]

    assert said("1950-02-31") == [
        "Date de naissance invalide : ce jour n'existe pas (31 février ?) ; vérifiez le jour et le mois."
    ]
    assert said("2027-02-03")[0] == "Date de naissance dans le futur : vérifiez l'année."
    assert said("1950-02-03", consent="2026-04-31") == [
        "Date du consentement invalide : ce jour n'existe pas (31 avril ?) ; vérifiez le jour et le mois."
    ]
    assert said("3/2/1950") == ["Date de naissance invalide : attendue sous la forme AAAA-MM-JJ, dans le passé."]


def test_a_date_written_in_other_digits_is_not_said_to_be_a_day_that_does_not_exist() -> None:
    """Found from outside (tester A, session 36): a case file written by a program in another script's digits
    (« ٢٠٢٦-١١-٢٠ », Arabic-Indic, or full-width « １９５０-０２-０３ ») matched the date's form, as ``\\d``
    takes any script's digits, was no date for the calendar, and was said « ce jour n'existe pas (20
    novembre ?) »: a day that exists, nothing the nurse could see to correct. It is said not to be in the
    form AAAA-MM-JJ."""
    from app.model import Consent
    from app.validation import validate_case

    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    for birth, consent in (("1950-02-03", "2026-11-20".translate(arabic)), ("1950-02-03".translate(full_width), "")):
        case = Case(
            patient=Patient(family="MARTIN", given=["Paul"], birth_date=birth, sex="male", local_id="D-1"),
            consent=Consent(given=True, date=consent, recorded_by="Inf. Durand"),
        )
        said = [f.message for f in validate_case(case, None) if f.field in ("patient.birth_date", "consent.date")]
        assert said, (birth, consent)
        assert not any("n'existe pas" in words for words in said), said
        assert all("AAAA-MM-JJ" in words for words in said), said


@pytest.mark.parametrize("typed", ["1950-02-00", "1950-00-00", "1950-00-15", "1950", "1950-02"])
def test_a_birth_date_with_an_unknown_day_or_month_is_refused_saying_what_to_type(typed: str) -> None:
    """The INSi service writes an unknown day or month as 00, and the RNIV has software complete such a
    date before it is stored; FR Core's birthDate is that completed date. « 0 février ? » or « 00/00 ? »
    told the nurse nothing: the words say the date is incomplete and where the full one is."""
    case = Case(patient=Patient(family="MARTIN", given=["Paul"], birth_date=typed, sex="male", local_id="D-1"))
    (found,) = [f for f in validate_identity(case) if f.field == "patient.birth_date"]
    assert found.code == "patient.birth_date.invalid" and found.severity == "error"
    assert "incomplète" in found.message and "00" in found.message and "?" not in found.message
    from app import messages as M

    assert M.CATALOGUE.tr_in("v.birth_date_partial", "en").startswith("Incomplete date of birth")


def test_a_case_file_with_an_incomplete_birth_date_is_refused_in_those_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    patient = {**copy.deepcopy(EXAMPLE["patient"]), "birth_date": "1950-02-00"}
    refused = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex", patient=patient)))
    assert refused.code == 1 and "Date de naissance incomplète" in refused.err, refused.err


def test_a_sign_in_a_qualified_identitys_names_blocks_it_as_the_insi_traits_hold_none() -> None:
    """A qualified identity's birth name and first given names are the INS traits the INSi service
    returned: letters, spaces, hyphens and apostrophes, nothing else. « MARTIN2 » there is a trait typed
    wrong, sent as the official name beside the INS: an error (as a disagreement with the INS is), not a
    warning. The used name is no INS trait: still a warning."""
    from datetime import date

    case = Case()
    case.patient = Patient(
        family="MARTIN2",
        given=["P@ul"],
        used_name="LEROY (ép.)",
        birth_date="1950-02-03",
        sex="male",
        ins=PAUL,
        identity_status="qualified",
        identity_document="PA",
        birth_place="85123",
    )
    said = {f.code: f for f in validate_identity(case, date(2026, 12, 4))}
    for field in ("family", "given"):
        finding = said[f"patient.{field}.signs"]
        assert finding.severity == "error" and "INSi" in finding.message, finding.message
    assert said["patient.used_name.signs"].severity == "warning"
    case.patient.identity_status = "validated"  # the INS stays here: the document has the last word
    said = {f.code: f for f in validate_identity(case, date(2026, 12, 4))}
    assert said["patient.family.signs"].severity == "warning"


def test_an_ins_or_birth_place_written_in_other_digits_is_not_sent_as_well_formed() -> None:
    """Found reviewing b244fcb (dates in another script's digits): the INS and the birth place were matched the
    same way, ``\\d`` taking any script's digits, and ``int`` reading them. An INS « 1 » then Arabic-Indic digits
    (a case file's program) passed its form and its key, and a qualified identity's INS went to the platform
    so, as the birth place « 7 » then « ٥٠٥٦ »: neither is a number the INSi or INSEE knows. Both are said
    not to be well formed, as a typing error is."""
    from app.identifiers import adeli_is_valid, birth_place_is_valid, ins_format_ok, ins_is_valid

    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    ins = "1" + "50028512345615".translate(arabic)
    place = "7" + "5056".translate(arabic)
    assert ins_is_valid("150028512345615") and birth_place_is_valid("75056")
    assert not ins_is_valid(ins) and not ins_format_ok(ins)
    assert not birth_place_is_valid(place)
    assert not adeli_is_valid("2A" + "1234567".translate(arabic))
    case = Case(
        patient=Patient(
            family="MARTIN",
            given=["Paul"],
            birth_date="1950-02-03",
            sex="male",
            ins=ins,
            identity_status="qualified",
            identity_document="CN",
            identity_checked_on="2026-11-20",
            birth_place=place,
            local_id="D-1",
        )
    )
    said = {f.field: f for f in validate_identity(case)}
    assert said["patient.ins"].severity == "error", said
    assert said["patient.birth_place"].severity == "error", said
