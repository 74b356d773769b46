"""A DICOM header Teleavis writes (at import, and restamped when it leaves) names the patient as the FHIR Patient
beside it does. Found in review: beside the INS of a qualified identity, Patient's Name kept the names as typed
(« Œuvray^Lætitia Marie-Éloïse »), traits the national identity does not hold beside its number; a PACS or
viewer receiving the file compares them with the INSi's (« OEUVRAY », « LAETITIA »). With the INS sent, the name
is its traits (capitals A–Z, hyphens, apostrophes and spaces kept): family, first birth given name, the others
(DICOM PS3.5 6.2.1: family^given^middle), as the FHIR Patient's official name and its list of birth given
names. Without the INS, the birth name in capitals and the given names as shown, as the FHIR Patient too."""

from __future__ import annotations

import io
from dataclasses import replace

import pydicom

from app.model import Patient
from capture.dicom import restamp_dicom
from capture.pipeline import prepare_image_bytes
from tests.capture.test_dicom_issuer import _device_file

QUALIFIED = Patient(
    family="Œuvray",
    given=["Lætitia", "Marie-Éloïse", "Łucja"],
    birth_date="1950-02-03",
    sex="female",
    ins="250028512345662",
    local_id="D-2291",
    identity_status="qualified",
    identity_document="PA",
    identity_checked_on="2026-11-20",
)


def _name(data: bytes) -> tuple[str, str, str]:
    ds = pydicom.dcmread(io.BytesIO(data))
    return str(ds.PatientName), str(ds.PatientID), str(ds.PatientBirthDate)


def test_a_qualified_identity_is_named_by_its_ins_traits_in_the_header() -> None:
    imported = prepare_image_bytes(_device_file(), filename="OD.dcm", specialty="ophthalmology", patient=QUALIFIED)
    expected = ("OEUVRAY^LAETITIA^MARIE-ELOISE LUCJA", "250028512345662", "19500203")
    assert _name(imported.data) == expected
    provisional = replace(QUALIFIED, identity_status="validated")
    assert _name(restamp_dicom(restamp_dicom(imported.data, provisional), QUALIFIED)) == expected


def test_without_the_ins_the_birth_name_goes_in_capitals_and_the_given_names_as_shown() -> None:
    validated = replace(QUALIFIED, identity_status="validated", family="Le  Goff", given=["Lætitia", "Marie"])
    imported = prepare_image_bytes(_device_file(), filename="OD.dcm", specialty="ophthalmology", patient=validated)
    assert _name(imported.data) == ("LE GOFF^Lætitia^Marie", "D-2291", "19500203")
