"""A worklist that writes the site's own issuer with the case's file number confirms the image is hers.

A device fed by the site's DICOM worklist writes, with the patient's names, her file number at the site and
that number's issuer: the site's patient-id system as its site file gives it (``patient_id_system``, an OID
written without or with its ``urn:oid:``, in Issuer of Patient ID or its qualifiers' Universal Entity ID), in
the Patient ID's own issuer or among the Other Patient IDs. Such an image was held « names only » (its tile,
the checklist, the question before sending, « Dossier de l'appareil » unticked) though the structure's own
identifier of the patient said it was hers, as the same number with no issuer already did. It is now a
confirmation, only when the issuer is exactly the site's and the number exactly the case's file number:
another issuer, a part of it, a number of another patient, the documentation's example system (which other
structures may have kept), or no site set up, stay « names only ».

« Dossier de l'appareil » read the device's patient without its issuer (the tags it read left it out): a
number another structure issued was taken for the site's file number there, its file ticked, while its
import said « names only ». It reads the issuer now.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pydicom
import pytest
from pydicom.dataset import Dataset

from app.model import Case, CaseImage, Patient
from app.site import EXAMPLE_PATIENT_SYSTEM
from app.validation import NAMES_ONLY, OTHER_PATIENT, validate_images
from tests.app.test_device_patient_unconfirmed import DAUGHTER, NAMES_ONLY_WORDS, device_dicom
from tests.support.cases import retina_case
from tests.support.cli import SITE, advice_lines, run_inprocess, write_json

#: The site's own patient-id system (not the documentation's example).
SYSTEM = "urn:oid:1.2.250.1.213.4.7.1"
OID = SYSTEM.removeprefix("urn:oid:")


def worklist_dicom(
    patient_id: str = "D-2291",
    issuer: str = "",
    universal: str = "",
    others: tuple[tuple[str, str, str], ...] = (),
) -> bytes:
    """DUPONT^Marie's retinograph as a worklist-fed device writes it: no birth date, ``patient_id`` with
    ``issuer`` (Issuer of Patient ID) and ``universal`` (its qualifiers' Universal Entity ID, ISO), and the
    ``others`` (number, issuer, universal) among the Other Patient IDs."""
    ds = pydicom.dcmread(io.BytesIO(device_dicom("DUPONT^Marie", sex="F", patient_id=patient_id, issuer=issuer)))

    def qualify(item: Dataset, universal: str) -> None:
        qualifiers = Dataset()
        qualifiers.UniversalEntityID, qualifiers.UniversalEntityIDType = universal, "ISO"
        item.IssuerOfPatientIDQualifiersSequence = [qualifiers]

    if universal:
        qualify(ds, universal)
    items = []
    for number, item_issuer, item_universal in others:
        item = Dataset()
        item.PatientID, item.TypeOfPatientID = number, "TEXT"
        if item_issuer:
            item.IssuerOfPatientID = item_issuer
        if item_universal:
            qualify(item, item_universal)
        items.append(item)
    if items:
        ds.OtherPatientIDsSequence = items
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def doubts(data: bytes, site_system: str = SYSTEM, patient: Patient = DAUGHTER) -> list[str]:
    from capture.pipeline import prepare_image_bytes

    prepared = prepare_image_bytes(
        data, filename="OD.dcm", specialty="ophthalmology", patient=patient, site_system=site_system
    )
    record = CaseImage(eye="right", view="macula", modality="OP", quality=list(prepared.quality))
    record.device_patient = prepared.device_patient
    case = Case(specialty="ophthalmology", patient=patient, images=[record])
    return [f.code for f in validate_images(case) if f.code in (NAMES_ONLY, OTHER_PATIENT)]


@pytest.mark.parametrize(
    "written",
    [
        {"issuer": OID},
        {"issuer": SYSTEM},
        {"universal": OID},
        {"issuer": OID, "universal": OID},
        {"patient_id": "", "others": (("D-2291", OID, ""),)},
        {"patient_id": "IPP-77^^^CHU", "others": (("D-2291", "", OID),)},
        {"patient_id": "IPP-77", "issuer": "CHU", "others": (("D-2291", OID, ""),)},
    ],
)
def test_the_sites_issuer_and_the_cases_file_number_confirm_her(written: dict[str, object]) -> None:
    assert doubts(worklist_dicom(**written)) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "written",
    [
        {"issuer": OID + "0"},  # another structure's
        {"issuer": OID.rsplit(".", 1)[0]},  # its parent
        {"issuer": "urn:OID:" + OID},
        {"issuer": "CHU", "universal": OID},  # a name beside it: not the site's as configured
        {"issuer": OID, "universal": OID + "1"},
        {"patient_id": "D-2292", "issuer": OID},  # another patient's number at the site
        {"patient_id": "d-2291", "issuer": OID},
        {"patient_id": "IPP-77", "issuer": "CHU", "others": (("D-2291", "CHU", ""),)},
        {"patient_id": "IPP-77", "issuer": "CHU", "others": (("D-2292", OID, ""),)},
    ],
)
def test_anything_else_stays_names_only(written: dict[str, object]) -> None:
    assert doubts(worklist_dicom(**written)) == [NAMES_ONLY]  # type: ignore[arg-type]


def test_the_documentations_example_system_or_no_site_confirms_nothing() -> None:
    example = EXAMPLE_PATIENT_SYSTEM.removeprefix("urn:oid:")
    assert doubts(worklist_dicom(issuer=example), site_system=EXAMPLE_PATIENT_SYSTEM) == [NAMES_ONLY]
    assert doubts(worklist_dicom(issuer=OID), site_system="") == [NAMES_ONLY]
    # The case without a file number: nothing to compare it with.
    nameless = Patient(family="Dupont", given=["Marie"], birth_date="1985-04-02", sex="female")
    assert doubts(worklist_dicom(issuer=OID), patient=nameless) == [NAMES_ONLY]


def test_the_device_folder_reads_the_issuer(tmp_path: Path) -> None:
    from app.device_patient import names_only
    from capture.watch import recorded_patient

    path = tmp_path / "OD.dcm"
    path.write_bytes(worklist_dicom(issuer="CLINIQUE_VOISINE"))
    recorded = recorded_patient(path, SYSTEM)
    assert recorded is not None and names_only(recorded, DAUGHTER)  # as its import says it
    path.write_bytes(worklist_dicom(issuer=OID))
    recorded = recorded_patient(path, SYSTEM)
    assert recorded is not None and not names_only(recorded, DAUGHTER)
    path.write_bytes(worklist_dicom(patient_id="IPP-77", issuer="CHU", others=(("D-2291", "", OID),)))
    recorded = recorded_patient(path, SYSTEM)
    assert recorded is not None and not names_only(recorded, DAUGHTER)
    assert names_only(recorded_patient(path) or recorded, DAUGHTER)  # no site known


def test_case_import_with_the_sites_issuer_says_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write_json(tmp_path / "site.json", {**SITE, "patient_id_system": SYSTEM})
    assert run_inprocess(capsys, "init", "--site", str(site)).code == 0
    for issuer, said in ((OID, False), ("CLINIQUE_VOISINE", True)):
        folder = tmp_path / issuer
        case_file = retina_case(folder)
        doc = json.loads(case_file.read_text())
        doc["patient"].update(family="Dupont", given=["Marie"], birth_date="1985-04-02", sex="female")
        del doc["patient"]["ins"]  # (Paul Martin's)
        assert doc["patient"]["local_id"] == "D-2291"
        (folder / "OD.dcm").write_bytes(worklist_dicom(issuer=issuer))
        doc["images"][0] = {"file": "OD.dcm", "eye": "right", "view": "macula"}
        write_json(case_file, doc)
        done = run_inprocess(capsys, "case", "import", str(case_file))
        assert done.code == 0, done.err
        assert (f"  ⚠ {NAMES_ONLY_WORDS}" in advice_lines(done.err)) == said, done.err


@pytest.mark.parametrize(
    "written",
    [
        # The Patient ID with no issuer, taken for the site's file number, is another patient's there: the
        # case's number among the Other Patient IDs does not make the image hers (found in review).
        {"patient_id": "D-2292", "others": (("D-2291", OID, ""),)},
        # The site's issuer with two numbers: one of them is another patient's file.
        {"patient_id": "D-2291", "issuer": OID, "others": (("D-2292", OID, ""),)},
        {"patient_id": "", "others": (("D-2291", OID, ""), ("D-2292", "", OID))},
    ],
)
def test_two_file_numbers_of_the_site_that_disagree_confirm_nothing(written: dict[str, object]) -> None:
    assert doubts(worklist_dicom(**written)) == [NAMES_ONLY]  # type: ignore[arg-type]


#: A valid INS (its key right), hers or not: the case compared has none.
WORKLIST_INS = "285047512345607"
INS_OID = "1.2.250.1.213.1.4.8"


@pytest.mark.parametrize(
    "written",
    [
        # IHE PAM France's worklist: her file number at the site, her INS among the Other Patient IDs.
        {"patient_id": "D-2291", "issuer": OID, "others": ((WORKLIST_INS, INS_OID, ""),)},
        {"patient_id": "D-2291", "others": ((WORKLIST_INS, "", INS_OID),)},
        {"patient_id": WORKLIST_INS, "others": (("D-2291", OID, ""),)},
    ],
)
def test_the_sites_file_number_beside_an_ins_the_case_has_not_confirms_her(written: dict[str, object]) -> None:
    # The INS read first, the file number was dropped: her image said « names only » though the site's own
    # identifier of the patient said it was hers, as it does with no INS beside it (found in review).
    assert doubts(worklist_dicom(**written)) == []  # type: ignore[arg-type]


def test_the_sites_file_number_beside_another_ins_is_another_patients() -> None:
    her = Patient(
        family="Dupont",
        given=["Marie"],
        birth_date="1985-04-02",
        sex="female",
        local_id="D-2291",
        ins="285047512345706",
    )
    written = worklist_dicom(patient_id="D-2291", issuer=OID, others=((WORKLIST_INS, INS_OID, ""),))
    assert doubts(written, patient=her) == [OTHER_PATIENT]
    assert doubts(worklist_dicom(patient_id="D-2292", issuer=OID, others=((WORKLIST_INS, INS_OID, ""),))) == [
        NAMES_ONLY
    ]


def test_the_file_number_beside_an_ins_is_kept_with_the_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Read back from the store (case show, the next day): the number kept with the image still confirms her.
    from tests.app.test_names_only_shown import SAID

    site = write_json(tmp_path / "site.json", {**SITE, "patient_id_system": SYSTEM})
    assert run_inprocess(capsys, "init", "--site", str(site)).code == 0
    case_file = retina_case(tmp_path / "case")
    doc = json.loads(case_file.read_text())
    doc["patient"].update(family="Dupont", given=["Marie"], birth_date="1985-04-02", sex="female")
    del doc["patient"]["ins"]  # (Paul Martin's)
    written = worklist_dicom(patient_id="D-2291", issuer=OID, others=((WORKLIST_INS, INS_OID, ""),))
    (tmp_path / "case" / "OD.dcm").write_bytes(written)
    doc["images"][0] = {"file": "OD.dcm", "eye": "right", "view": "macula"}
    write_json(case_file, doc)
    done = run_inprocess(capsys, "case", "import", str(case_file))
    assert done.code == 0, done.err
    assert NAMES_ONLY_WORDS not in done.err
    assert SAID["fr"] not in run_inprocess(capsys, "case", "show", done.out.strip()).out


def test_the_device_folder_decides_as_the_import(tmp_path: Path) -> None:
    from app.device_patient import names_only
    from capture.watch import recorded_patient

    path = tmp_path / "OD.dcm"
    for written in (
        {"patient_id": "D-2292", "others": (("D-2291", OID, ""),)},
        {"patient_id": "D-2291", "issuer": OID, "others": (("D-2292", OID, ""),)},
        {"patient_id": "D-2291", "issuer": OID, "others": ((WORKLIST_INS, INS_OID, ""),)},
        {"patient_id": WORKLIST_INS, "others": (("D-2291", OID, ""),)},
    ):
        data = worklist_dicom(**written)  # type: ignore[arg-type]
        path.write_bytes(data)
        recorded = recorded_patient(path, SYSTEM)
        assert recorded is not None
        assert names_only(recorded, DAUGHTER) == (doubts(data) == [NAMES_ONLY]), written
