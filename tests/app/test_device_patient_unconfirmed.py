"""A DICOM whose device gave only the case's names (no birth date, no INS) is said before it leaves.

« Dossier de l'appareil » holds such a file unticked (a mother's export of her daughter's names went in with
one click), but the same file imported by « Importer un fichier… » or listed in a case file went in without
a word, and « Envoyer à l'expert » sent it: the checklist had nothing to say. Names alone are no match
(identity vigilance, RNIV: the strict traits are the birth name, the first given name, the birth date, the
sex and the birth place). The checklist now says it (a warning, as the device folder's line: the nurse
checks and may send), ``case import`` and ``case send`` say it on stderr. A device fed by a worklist that
wrote the site's own file number (the case's local id, no other issuer) did say whose image it is.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pydicom
import pytest
from pydicom.dataset import Dataset

from app.device_patient import names_only
from app.model import Case, CaseImage, CaseState, DevicePatient, Patient
from app.store import Store
from app.validation import NAMES_ONLY, OTHER_PATIENT, validate_images
from capture.demo import fundus_scene
from tests.support.cases import retina_case
from tests.support.cli import advice_lines, run_inprocess, write_json
from tests.support.dicom import retinograph

#: The daughter, whose case is open (her file number at the site: D-2291).
DAUGHTER = Patient(family="Dupont", given=["Marie"], birth_date="1985-04-02", sex="female", local_id="D-2291")

NAMES_ONLY_WORDS = (
    "Image 1 : L'appareil a enregistré cette image au nom de ce patient, mais sans date de naissance ni INS à "
    "comparer avec ceux du dossier : le nom seul ne dit pas que c'est lui (une mère et sa fille peuvent porter les "
    "mêmes noms). Vérifiez sur l'appareil qu'elle est bien de ce patient, sinon supprimez-la."
)


def device_dicom(name: str, born: str = "", sex: str = "", patient_id: str = "", issuer: str = "") -> bytes:
    ds = pydicom.dcmread(io.BytesIO(retinograph([fundus_scene(1400, 1050, seed=5, eye="right")], eye="R")))
    ds.PatientName, ds.PatientBirthDate, ds.PatientSex, ds.PatientID = name, born, sex, patient_id
    if issuer:
        ds.IssuerOfPatientID = issuer
    elif "IssuerOfPatientID" in ds:
        del ds.IssuerOfPatientID
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def imported(data: bytes, patient: Patient = DAUGHTER) -> Case:
    """The case of ``patient`` holding ``data`` as « Importer un fichier… » and ``case import`` prepare it."""
    from capture.pipeline import prepare_image_bytes

    prepared = prepare_image_bytes(data, filename="OD.dcm", specialty="ophthalmology", patient=patient)
    record = CaseImage(eye="right", view="macula", modality="OP", quality=list(prepared.quality))
    record.device_patient = prepared.device_patient
    return Case(specialty="ophthalmology", patient=patient, images=[record])


def doubts(case: Case) -> list[tuple[str, str, str]]:
    return [(f.code, f.field, f.severity) for f in validate_images(case) if f.code in (NAMES_ONLY, OTHER_PATIENT)]


def test_the_checklist_says_a_dicom_of_her_names_only_and_keeps_saying_another_patients() -> None:
    mother = imported(device_dicom("DUPONT^Marie", sex="F"))
    [said] = [f for f in validate_images(mother) if f.code == NAMES_ONLY]
    assert (said.field, said.severity, said.message) == ("images[0].patient", "warning", NAMES_ONLY_WORDS)
    assert doubts(mother) == [(NAMES_ONLY, "images[0].patient", "warning")]
    # Her birth date written: hers, nothing said.
    assert doubts(imported(device_dicom("DUPONT^Marie", "19850402", "F"))) == []
    # Another birth date, or the other sex: another patient's (a warning, as the device folder's line).
    assert doubts(imported(device_dicom("DUPONT^Marie", "19580911", "F"))) == [
        (OTHER_PATIENT, "images[0].patient", "warning")
    ]
    assert doubts(imported(device_dicom("DUPONT^Marie", "19850402", "M"))) == [
        (OTHER_PATIENT, "images[0].patient", "warning")
    ]
    # The device's placeholder (nobody entered): nothing to say, as a photo's file.
    assert doubts(imported(device_dicom("DEMO^Patient"))) == []


def test_the_sites_file_number_written_by_a_worklist_confirms_her() -> None:
    """A worklist wrote the site's own file number (the case's local id) as the Patient ID, no birth date:
    the structure's own identifier says it is hers. Another issuer's number, or another number, does not."""
    assert doubts(imported(device_dicom("DUPONT^Marie", sex="F", patient_id="D-2291"))) == []
    for patient_id, issuer in (("D-2291", "CLINIQUE_VOISINE"), ("D-2292", ""), ("d-2291", ""), ("D-229", "")):
        case = imported(device_dicom("DUPONT^Marie", sex="F", patient_id=patient_id, issuer=issuer))
        assert doubts(case) == [(NAMES_ONLY, "images[0].patient", "warning")], (patient_id, issuer)
    # The case without a file number: nothing to compare it with.
    nameless = Patient(family="Dupont", given=["Marie"], birth_date="1985-04-02", sex="female")
    assert names_only(DevicePatient(name="DUPONT^Marie", patient_id="D-2291"), nameless)
    assert not names_only(DevicePatient(name="DUPONT^Marie", patient_id="D-2291"), DAUGHTER)


def test_an_issuer_in_the_qualifiers_alone_is_another_issuer_still() -> None:
    ds = pydicom.dcmread(io.BytesIO(device_dicom("DUPONT^Marie", sex="F", patient_id="D-2291")))
    qualifiers = Dataset()
    qualifiers.UniversalEntityID, qualifiers.UniversalEntityIDType = "1.2.250.1.999.1.1", "ISO"
    ds.IssuerOfPatientIDQualifiersSequence = [qualifiers]
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    assert doubts(imported(out.getvalue())) == [(NAMES_ONLY, "images[0].patient", "warning")]


def test_case_import_and_send_say_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store
) -> None:
    folder = tmp_path / "case"
    case_file = retina_case(folder)
    doc = json.loads(case_file.read_text())
    patient = doc["patient"]
    family, given = patient["family"], patient["given"] if isinstance(patient["given"], str) else patient["given"][0]
    (folder / "OD.dcm").write_bytes(device_dicom(f"{family.upper()}^{given}"))
    doc["images"][0] = {"file": "OD.dcm", "eye": "right", "view": "macula"}
    write_json(case_file, doc)

    done = run_inprocess(capsys, "case", "import", str(case_file))
    assert done.code == 0, done.err
    case_id = done.out.strip()
    assert f"  ⚠ {NAMES_ONLY_WORDS}" in advice_lines(done.err)
    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code == 0, sent.err  # a warning: the nurse checks, as in the window
    assert f"  ⚠ {NAMES_ONLY_WORDS}" in advice_lines(sent.err)
    assert store.state(case_id) == CaseState.QUEUED


def test_an_ins_the_case_cannot_compare_confirms_nothing() -> None:
    """Found in review: a device that wrote the names and an INS (its key right), no birth date, was taken
    for hers though the case has no INS to compare it with: the daughter's image (her INS) went into her
    mother's case, of the same names, without a word. An INS confirms the names only when it is the case's;
    another INS than the case's is another patient's, as before."""
    daughters_ins = "285047512345607"
    mother = Patient(family="Dupont", given=["Marie"], birth_date="1958-09-11", sex="female", local_id="D-1001")
    case = imported(device_dicom("DUPONT^Marie", sex="F", patient_id=daughters_ins), mother)
    assert doubts(case) == [(NAMES_ONLY, "images[0].patient", "warning")]
    # Her own INS in the case: hers, nothing said; another INS there: another patient's.
    hers = Patient(**{**DAUGHTER.__dict__, "ins": daughters_ins})
    assert doubts(imported(device_dicom("DUPONT^Marie", sex="F", patient_id=daughters_ins), hers)) == []
    theirs = Patient(**{**mother.__dict__, "ins": "258097512345652"})
    assert doubts(imported(device_dicom("DUPONT^Marie", sex="F", patient_id=daughters_ins), theirs)) == [
        (OTHER_PATIENT, "images[0].patient", "warning")
    ]
