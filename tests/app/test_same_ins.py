"""An INS that already stands on this workstation for a patient of other strict traits is not sent.

The platform files a case by its INS (a conditional create): a case whose INS was copied from another
patient's file reached the expert under that other patient's identity, without a word on either side
(an outside identity-vigilance audit)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from app.store import Store
from tests.support.cases import EXAMPLE, example_case
from tests.support.cli import SITE, run_inprocess, run_process, write_json


def _import(capsys: pytest.CaptureFixture[str], folder: Path, seed: int, **patient: object) -> str:
    person = {**copy.deepcopy(EXAMPLE["patient"]), "identity_status": "qualified", **patient}
    result = run_inprocess(capsys, "case", "import", str(example_case(folder, seed=seed, patient=person)))
    assert result.code == 0, result.err
    return result.out.strip()


def test_an_ins_already_standing_for_another_patient_stops_the_case(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, teleavis_home: Path
) -> None:
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    martin = _import(capsys, tmp_path / "martin", 1)
    assert run_inprocess(capsys, "case", "send", martin).code == 0
    # DURAND's file holds MARTIN's INS (sex and year and month of birth agree with it: nothing else tells).
    durand = _import(
        capsys, tmp_path / "durand", 2, family="DURAND", given=["Jacques"], birth_date="1950-02-20", local_id="D-3001"
    )
    refused = run_inprocess(capsys, "case", "send", durand)
    assert refused.code == 1
    # On stderr (a script may log it) the other patient is their case; `case show`, asked, names them.
    assert f"déjà celui d'un autre patient ici (dossier {martin[:8]}, à voir avec « teleavis case show" in refused.err
    assert "MARTIN" not in refused.err and "1950-02-03" not in refused.err
    shown = run_inprocess(capsys, "case", "show", durand, "--json").json()
    assert any(item["code"] == "patient.ins.elsewhere" for item in shown["checklist"])
    # MARTIN's identity is qualified: named by its INS traits (tests/app/test_qualified_traits_shown.py).
    assert "MARTIN PAUL, né(e) le 03/02/1950" in run_inprocess(capsys, "case", "show", durand).out
    # While DURAND's qualified file holds it, MARTIN's next case is stopped too: which one is right is
    # for the nurse to check. The same patient in two cases is no conflict.
    again = _import(capsys, tmp_path / "again", 3)
    stopped = run_inprocess(capsys, "case", "send", again)
    assert stopped.code == 1 and f"(dossier {durand[:8]}," in stopped.err and "DURAND Jacques" not in stopped.err
    # The doubt written down (DURAND's identity no longer qualified): his INS stays here, both cases go.
    with Store.open(teleavis_home) as store:
        case = store.get_case(durand)
        case.patient.identity_status = "validated"
        store.update_case(case)
    for case_id in (again, durand):
        sent = run_inprocess(capsys, "case", "send", case_id)
        assert sent.code == 0, sent.err


def test_a_file_number_already_standing_for_another_patient_stops_the_case(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, teleavis_home: Path
) -> None:
    """Without the INS a patient is filed on the platform by the site's file number: two patients typed
    with the same number were one Patient there."""
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    martin = _import(capsys, tmp_path / "martin", 1, identity_status="provisional")
    bernard = _import(
        capsys, tmp_path / "bernard", 2, identity_status="provisional", ins=None, family="BERNARD", given=["Luc"]
    )
    refused = run_inprocess(capsys, "case", "send", bernard)
    assert (
        refused.code == 1
        and f"n° de dossier est déjà celui d'un autre patient ici (dossier {martin[:8]}" in refused.err
    )
    assert (
        run_inprocess(
            capsys, "case", "send", _import(capsys, tmp_path / "again", 3, identity_status="provisional")
        ).code
        == 1
    )


def test_a_photo_already_in_another_case_is_said_at_its_import(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, teleavis_home: Path
) -> None:
    """The window refuses a photo already in another patient's case (one of the two is wrong); a case
    file took it without a word. It is imported (a case file comes from another program), and said."""
    martin = _import(capsys, tmp_path / "martin", 1)
    # The same patient again with the same photos: imported, and said (found from outside: the same case
    # file imported twice, by a script run again after a cut, made two cases both sent and billed).
    again = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "again", seed=1)))
    assert again.code == 0
    assert f"images[0] (dos-loin.jpg) est déjà dans le dossier {martin[:8]} de ce même patient (image 1)" in again.err
    assert "peut-être déjà été importé" in again.err and "d'un autre patient" not in again.err
    durand_file = example_case(
        tmp_path / "durand",
        seed=1,  # the same two photos
        patient={**EXAMPLE["patient"], "family": "DURAND", "given": ["Jacques"], "ins": None, "local_id": "D-3001"},
    )
    durand = run_inprocess(capsys, "case", "import", str(durand_file))
    assert durand.code == 0, durand.err
    for n, name in enumerate(("dos-loin.jpg", "dos-proche.jpg"), start=1):
        assert any(
            f"Attention : images[{n - 1}] ({name}) est déjà dans le dossier {holder[:8]} d'un autre patient "
            f"(image {n})." in durand.err
            for holder in (martin, again.out.strip())  # MARTIN's two cases hold them
        )


def test_case_send_says_a_photo_also_in_another_patients_case_and_case_show_says_it_for_a_terminal(
    tmp_path: Path, teleavis_home: Path
) -> None:
    """Found from outside: a case file for another patient reusing the same photos was imported with a
    warning on stderr; `case send` then queued it without a word, and `case show` said « cliquez sur
    l'image » in a terminal. The window sends such a case all the same (the nurse may know the photo is
    right), so the command does too, and says it on stderr as it says a doubtful eye, with what to do
    from a terminal: hold it back, correct it in the window."""
    assert run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    martin = run_process("case", "import", str(example_case(tmp_path / "martin", seed=1))).out.strip()
    other = {**EXAMPLE["patient"], "family": "DURAND", "given": ["Jacques"], "ins": None, "local_id": "D-3001"}
    durand = run_process("case", "import", str(example_case(tmp_path / "durand", seed=1, patient=other)))
    assert durand.code == 0, durand.err
    durand_id = durand.out.strip()

    shown = run_process("case", "show", durand_id)
    assert shown.code == 0
    said = [line for line in shown.out.splitlines() if "d'un autre patient" in line]
    assert len(said) == 2 and said[0].startswith(f"  ⚠ Image 1 : cette photo est aussi dans le dossier {martin[:8]}")
    assert all("Ouvrez ce dossier dans la fenêtre Teleavis" in line for line in said), said
    assert "Si elle n'est pas de ce patient, supprimez-la ; si elle l'est, cliquez" not in shown.out

    sent = run_process("case", "send", durand_id)
    assert sent.code == 0, sent.err  # sent, as the window sends it
    advice = sent.err.split("À vérifier (n'empêche pas l'envoi) :", 1)[-1]
    assert f"⚠ Image 1 : cette photo est aussi dans le dossier {martin[:8]} d'un autre patient" in advice
    assert f"⚠ Image 2 : cette photo est aussi dans le dossier {martin[:8]} d'un autre patient" in advice
    assert f"teleavis case cancel {durand_id}" in sent.err
    assert "MARTIN" not in sent.err  # on stderr, which a script may log: the other patient by their case only
    # MARTIN's case holds the same photos (one of the two is wrong): said too. A case with photos of its own
    # says nothing of it.
    again = run_process("case", "send", martin)
    assert again.code == 0 and f"teleavis case cancel {martin}" in again.err
    own = run_process(
        "case", "import", str(example_case(tmp_path / "own", seed=2, patient={**other, "local_id": "D-9"}))
    )
    alone = run_process("case", "send", own.out.strip())
    assert alone.code == 0 and "autre patient" not in alone.err and "case cancel" not in alone.err, alone.err


def test_the_import_says_an_ins_of_another_patient_by_their_case_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, teleavis_home: Path
) -> None:
    """From an outside privacy audit: ``case import`` printed on stderr « … (dossier … : MARTIN Paul,
    né(e) le 03/02/1950) », another patient's identity, where a script logs it. It names their case,
    as the warning of a photo already in another patient's case does; the window names them on screen."""
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    martin = _import(capsys, tmp_path / "martin", 1)
    person = {
        **copy.deepcopy(EXAMPLE["patient"]),
        "identity_status": "qualified",
        "family": "DURAND",
        "given": ["Jacques"],
        "birth_date": "1950-02-20",
        "local_id": "D-3001",
    }
    durand = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "durand", seed=2, patient=person)))
    assert durand.code == 0, durand.err
    assert f"Cet INS est déjà celui d'un autre patient ici (dossier {martin[:8]}," in durand.err
    assert f"teleavis case show {martin[:8]}" in durand.err
    for word in ("MARTIN", "Paul", "1950-02-03"):
        assert word not in durand.err + durand.out
    # The window's checklist (the store's, named) still names the other patient.
    with Store.open(teleavis_home) as store:
        case = store.get_case(durand.out.strip())
        messages = [f.message for f in store.checklist(case) if f.code == "patient.ins.elsewhere"]
    assert messages and "MARTIN PAUL, né(e) le 03/02/1950" in messages[0]


def test_a_photo_listed_twice_in_a_case_file_refuses_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, teleavis_home: Path
) -> None:
    """Found from outside: the far view listed again as the close-up was imported twice, and met the
    required views with a copy; the window refuses a photo already in the case."""
    import json

    case_file = example_case(tmp_path / "case", seed=1)
    document = json.loads(case_file.read_text(encoding="utf-8"))
    document["images"][1]["file"] = "./" + document["images"][0]["file"]
    case_file.write_text(json.dumps(document), encoding="utf-8")
    refused = run_inprocess(capsys, "case", "import", str(case_file))
    assert refused.code != 0 and refused.out == ""
    assert "images[1] (dos-loin.jpg) est la même image que images[0]" in refused.err
    with Store.open(teleavis_home) as store:
        assert store.list_cases() == []


def test_a_parents_number_typed_as_a_childs_ins_is_said_for_what_it_is(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, teleavis_home: Path
) -> None:
    """Found by a nurse's pass: a child's carte Vitale bears the insured parent's number, typed as the
    child's INS while the parent's case stands here. The case is stopped (rightly: it would be filed under
    the parent's identity), but the words said « another patient », and the nurse, sure of the card, did
    not see what to check. They say the number is the other person's (it agrees with their sex and birth,
    not the child's), most likely a parent's card, and to take the INS from INSi."""
    from app.model import Case, Patient

    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    father = _import(capsys, tmp_path / "martin", 1)
    with Store.open(teleavis_home) as store:
        child = Case(
            patient=Patient(
                family="MARTIN",
                given=["Léa"],
                birth_date="2019-05-10",
                sex="female",
                ins=EXAMPLE["patient"]["ins"],  # the father's number, from the card
                local_id="D-4000",
                identity_status="qualified",
            )
        )
        store.create_case(child, [])
        child = store.get_case(child.id)
        [named] = [f for f in store.checklist(child) if f.code == "patient.ins.elsewhere"]
        [unnamed] = [f for f in store.checklist(child, named=False) if f.code == "patient.ins.elsewhere"]
    assert named.blocks_sending() and unnamed.blocks_sending()
    for finding in (named, unnamed):
        assert f"Cet INS est celui d'un autre patient ici (dossier {father[:8]}" in finding.message
        assert "correspond au sexe et à la date de naissance de cette personne, pas à ceux de ce patient" in (
            finding.message
        )
        assert "carte Vitale d'un parent" in finding.message and "téléservice INSi" in finding.message
    assert "MARTIN PAUL, né(e) le 03/02/1950" in named.message and "MARTIN" not in unnamed.message


def test_a_photo_in_a_case_of_the_same_ins_but_other_traits_is_an_identity_conflict(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, teleavis_home: Path
) -> None:
    """Found by an identity-vigilance review: two cases holding one INS under two birth names had their
    photos said to be « de ce même patient »: the shared number was taken for proof of one person, while
    a number on two different sets of strict traits (RNIV) is an identity conflict, one record wrong."""
    martin = _import(capsys, tmp_path / "martin", 1, identity_status="provisional")
    durand = run_inprocess(
        capsys,
        "case",
        "import",
        str(
            example_case(
                tmp_path / "durand",
                seed=1,  # the same photos, and MARTIN's INS (typed lowercase with spaces: the same number)
                patient={
                    **EXAMPLE["patient"],
                    "family": "DURAND",
                    "given": ["Jacques"],
                    "ins": str(EXAMPLE["patient"]["ins"]).lower()[:5] + " " + str(EXAMPLE["patient"]["ins"])[5:],
                },
            )
        ),
    )
    assert durand.code == 0, durand.err
    assert "de ce même patient" not in durand.err
    assert f"images[0] (dos-loin.jpg) est déjà dans le dossier {martin[:8]} (image 1)" in durand.err
    assert "conflit d'identité" in durand.err
    with Store.open(teleavis_home) as store:
        case = store.get_case(durand.out.strip())
        assert [f.code for f in store.checklist(case) if f.code == "image.elsewhere"] == ["image.elsewhere"] * 2


def test_the_same_number_is_the_same_person_only_with_the_same_strict_traits() -> None:
    from app.model import Patient

    paul = Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male", ins="150022A00100192")
    assert paul.same_person(Patient(family="Martin ", given=["paul"], birth_date="1950-02-03", ins="150022a001 00192"))
    assert not paul.same_person(Patient(family="DURAND", given=["Paul"], birth_date="1950-02-03", ins=paul.ins))
    assert paul.identity_conflict(Patient(family="DURAND", given=["Paul"], birth_date="1950-02-03", ins=paul.ins))
    assert not paul.identity_conflict(Patient(family="DURAND", given=["Paul"], birth_date="1950-02-03"))
    same_file = Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-04", local_id="D-1")
    assert not same_file.same_person(Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", local_id="D-1"))
    assert Patient(family="LE  GOFF-MARTIN", given=["Paul"], birth_date="1950-02-03").same_person(
        Patient(family="Le Goff-Martin", given=["Paul"], birth_date="1950-02-03")
    )
    # A hyphen is not a space (as in the INS traits, and as the platform's Patient is compared): another
    # person's record is never taken for this one (tests/app/test_one_name_rule.py).
    assert not Patient(family="LE GOFF-MARTIN", given=["Paul"], birth_date="1950-02-03").same_person(
        Patient(family="Le Goff Martin", given=["Paul"], birth_date="1950-02-03")
    )


def test_an_ins_shared_with_another_patient_is_said_while_neither_identity_is_qualified() -> None:
    """Found by an identity-vigilance review: two provisional cases holding one INS under two birth names
    said nothing, since neither INS is sent yet. One number on two identities is an identity conflict
    (RNIV) whatever the status: said as a warning (the case goes with its file number), so that it is
    resolved before either identity is qualified. Blocking stays for two qualified identities."""
    from app.model import Case, Patient
    from app.validation import same_ins_elsewhere

    def case(family: str, status: str, sex: str = "male") -> Case:
        patient = Patient(
            family=family, given=["Paul"], birth_date="1950-02-03", sex=sex, ins="150028512345615", local_id="D-1"
        )
        patient.identity_status = status
        return Case(patient=patient)

    said = same_ins_elsewhere(case("MARTIN", "provisional"), [case("DURAND", "provisional")])
    assert [(f.code, f.severity) for f in said] == [("patient.ins.elsewhere", "warning")]
    assert "DURAND Paul" in said[0].message
    qualified = same_ins_elsewhere(case("MARTIN", "qualified"), [case("DURAND", "recovered")])
    assert [(f.code, f.severity) for f in qualified] == [("patient.ins.elsewhere", "warning")]
    both = same_ins_elsewhere(case("MARTIN", "qualified"), [case("DURAND", "qualified")])
    assert [(f.code, f.severity) for f in both] == [("patient.ins.elsewhere", "error")]
    # The same patient, a trait not yet told in one case (the sex): no conflict.
    assert same_ins_elsewhere(case("Martin", "provisional"), [case("MARTIN", "provisional", sex="unknown")]) == []


def test_case_import_says_an_ins_shared_with_another_provisional_identity(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, teleavis_home: Path
) -> None:
    """docs/cli.md: « An INS or a file number that already stands here for another patient is said » by
    ``case import``: also while neither identity is qualified, among what to check."""
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    martin = _import(capsys, tmp_path / "martin", 1, identity_status="provisional")
    person = {
        **copy.deepcopy(EXAMPLE["patient"]),
        "family": "DURAND",
        "given": ["Jacques"],
        "local_id": "D-3001",
    }
    durand = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "durand", seed=2, patient=person)))
    assert durand.code == 0, durand.err
    advice = durand.err.split("À vérifier (n'empêche pas l'envoi) :", 1)[-1]
    assert f"⚠ Cet INS est déjà celui d'un autre patient ici (dossier {martin[:8]}," in advice
    assert "MARTIN" not in durand.err
