"""A DICOM Person Name (PS3.5 6.2, VR PN) is cut by signs: « ^ » parts its components (family^given^middle),
« = » its component groups (alphabetic=ideographic=phonetic), « \\ » its values; and a component group holds at
most 64 characters. Found in review: a birth name typed « DUPONT^Jean » (a copy from another program) was
written into the header Teleavis makes, and a viewer or PACS read « DUPONT » as the family name and « JEAN » as
the given name: another identity beside this patient's images.

No typed character changes the name's structure: these signs are refused under the name fields (blocking, both
languages: no name holds them, nor do the INS traits, A–Z, space, hyphen, apostrophe), and a header written for
a case stored before that has them replaced by a space. A name longer than a component group holds is refused
at send when the case has DICOM images, never cut: a name cut short is another name."""

from __future__ import annotations

import io
from dataclasses import replace

import pydicom
import pytest

from app import i18n
from app.model import Case, CaseImage, Patient
from app.validation import blocking, validate_identity, validate_images
from capture.dicom import restamp_dicom
from capture.pipeline import prepare_image_bytes
from tests.capture.test_dicom_issuer import _device_file

PATIENT = Patient(family="DUPONT", given=["Marie", "Anne"], birth_date="1950-02-03", sex="female", local_id="D-2291")


def _header(patient: Patient) -> pydicom.Dataset:
    imported = prepare_image_bytes(_device_file(), filename="OD.dcm", specialty="ophthalmology", patient=PATIENT)
    return pydicom.dcmread(io.BytesIO(restamp_dicom(imported.data, patient)))


@pytest.mark.parametrize("sign", ["^", "=", "\\", "\x1b", "\x00", "\u202e"])
def test_a_sign_typed_in_a_name_never_moves_the_given_name_into_the_family_name(sign: str) -> None:
    ds = _header(replace(PATIENT, family=f"DUPONT{sign}Jean", given=[f"Marie{sign}Claire", "Anne"]))
    name = ds.PatientName
    assert ds["PatientName"].VM == 1
    assert name.family_name == "DUPONT JEAN"
    assert name.given_name == "Marie Claire"
    assert name.middle_name == "Anne"
    assert not name.ideographic and not name.phonetic


@pytest.mark.parametrize("status", ["provisional", "qualified"])
@pytest.mark.parametrize("field", ["family", "given", "used_name"])
@pytest.mark.parametrize("sign", ["^", "=", "\\"])
def test_a_name_sign_of_dicom_is_refused_under_the_field(status: str, field: str, sign: str) -> None:
    patient = replace(PATIENT, ins="250028512345662", identity_status=status, identity_document="PA")
    if field == "given":
        patient = replace(patient, given=[f"Marie{sign}Claire"])
    elif field == "family":
        patient = replace(patient, family=f"DUPONT{sign}LEROY")
    else:
        patient = replace(patient, used_name=f"DUPONT{sign}LEROY")
    found = [f for f in blocking(validate_identity(Case(patient=patient))) if f.field == f"patient.{field}"]
    assert len(found) == 1, found
    assert f"« {sign} »" in found[0].message and "retirez-le" in found[0].message
    # Said in a nurse's words, for every field: no « DICOM » (a dermatology nurse sends none; the used name is
    # in no DICOM header at all).
    assert "DICOM" not in found[0].message


def test_the_refusal_says_why_in_english_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "language", lambda: "en")
    found = blocking(validate_identity(Case(patient=replace(PATIENT, family="DUPONT^JEAN"))))
    assert [f.field for f in found] == ["patient.family"]
    assert "“^”" in found[0].message and "remove it" in found[0].message


LONG = replace(
    PATIENT,
    family="DE LA TOUR D'AUVERGNE-LAURAGAIS DE SAINT-EXUPERY",
    given=["Marie-Christine", "Anne-Sophie", "Jeanne"],
)


def _case(patient: Patient, content_type: str) -> Case:
    image = CaseImage(content_type=content_type, view="macula", eye="right", modality="OP")
    return Case(patient=patient, specialty="ophthalmology", images=[image])


def test_a_name_longer_than_a_dicom_header_holds_is_refused_at_send_with_dicom_images() -> None:
    found = [f for f in blocking(validate_images(_case(LONG, "application/dicom"))) if f.field == "patient.family"]
    assert len(found) == 1, found
    assert "83" in found[0].message and "64" in found[0].message
    # A photo carries no name: nothing is said.
    assert [f for f in validate_images(_case(LONG, "image/jpeg")) if f.field == "patient.family"] == []
    # 64 characters are written whole.
    fits = replace(LONG, given=["Marie-Christine"])
    assert len(str(_header(fits).PatientName)) == 64
    assert [f for f in validate_images(_case(fits, "application/dicom")) if f.field == "patient.family"] == []


def test_one_character_over_is_refused() -> None:
    """65 characters, the first over PS3.5's 64, with the « ^ » separators counted."""
    over = replace(LONG, given=["Marie-Christinee"])
    assert len(over.dicom_name()) == 65
    found = [f for f in blocking(validate_images(_case(over, "application/dicom"))) if f.field == "patient.family"]
    assert len(found) == 1 and "65" in found[0].message, found


def test_the_used_name_which_no_dicom_header_holds_is_refused_without_a_dicom_reason() -> None:
    """Found in review: a « ^ » in the used name was refused as making « a first name read as the family name »
    in the DICOM images, which never hold the used name (``Patient.dicom_name``): the nurse read a false reason."""
    patient = replace(PATIENT, used_name="LEROY^MARTIN")
    assert "LEROY" not in patient.dicom_name()
    (found,) = [f for f in blocking(validate_identity(Case(patient=patient))) if f.field == "patient.used_name"]
    assert "« ^ »" in found.message and "DICOM" not in found.message and "prénom" not in found.message, found


def _imported(patient: Patient) -> pydicom.Dataset:
    """The stored copy of a device's DICOM file imported into ``patient``'s case, as the store keeps it."""
    imported = prepare_image_bytes(_device_file(), filename="OD.dcm", specialty="ophthalmology", patient=patient)
    return pydicom.dcmread(io.BytesIO(imported.data))


def test_a_name_longer_than_a_dicom_header_holds_is_not_written_into_the_stored_copy_at_import() -> None:
    """Found in review: refused at send, the 83 characters were still written whole into the copy kept at import,
    a header a DICOM reader cuts (another name) or refuses. Neither cut nor the device's name (another record's,
    perhaps another patient's): nothing, as DICOM allows (type 2); the checklist says why under the name, and the
    header is written whole at send once the name fits."""
    ds = _imported(LONG)
    assert len(LONG.dicom_name()) == 83
    assert str(ds.PatientName) == ""
    # The rest of the patient's header is still the case's.
    assert ds.PatientID == "D-2291" and ds.PatientBirthDate == "19500203"
    # A name that fits is written whole at import, and at send once corrected.
    fits = replace(LONG, given=["Marie-Christine"])
    assert str(_imported(fits).PatientName) == fits.dicom_name()
    assert str(_header(fits).PatientName) == fits.dicom_name()
    assert str(_header(LONG).PatientName) == ""


def test_a_name_pasted_decomposed_is_counted_and_written_composed() -> None:
    """Found in review: a name pasted from a Mac (Unicode NFD: « É » as « E » and a combining accent) counted
    each accent in the 64 characters, and was refused where its typed twin was sent. The name goes as its
    composed form (NFC, as the FHIR Patient beside it), counted as written."""
    import unicodedata

    typed = replace(PATIENT, family="DE LA TOUR D'AUVERGNE-LAURAGAIS", given=["Hélène-Élisabeth", "Bénédicte", "Renée"])
    pasted = replace(
        typed,
        family=unicodedata.normalize("NFD", typed.family),
        given=[unicodedata.normalize("NFD", g) for g in typed.given],
    )
    assert pasted.given != typed.given
    assert len(typed.dicom_name()) == 64
    assert pasted.dicom_name() == typed.dicom_name()
    assert pasted.names_sent(with_ins=False) == typed.names_sent(with_ins=False)
    assert [f for f in validate_images(_case(pasted, "application/dicom")) if f.field == "patient.family"] == []
    assert str(_header(pasted).PatientName) == typed.dicom_name()
