"""A DICOM's Patient ID says who issued it (DICOM PS3.3, Issuer of Patient ID macro).

Found from outside (a conformance pass): the INS went in Patient ID alone, exactly as a site's file
number does. A PACS or viewer receiving the file cannot tell a national identifier from a local one,
and files the image under whatever its own domain means by those digits. The INS now carries its
authority by name (as French HL7 v2 names it) and by OID; a file number carries none, and the
device's own issuer never stays beside an identifier it did not issue.
"""

from __future__ import annotations

import io
from dataclasses import replace

import pydicom
import pytest

from app.model import Patient
from capture.demo import fundus_scene
from capture.dicom import restamp_dicom
from capture.pipeline import prepare_image_bytes
from tests.support.dicom import retinograph

QUALIFIED = Patient(
    family="MARTIN",
    given=["Paul"],
    birth_date="1950-02-03",
    sex="male",
    ins="150028512345615",
    local_id="D-2291",
    identity_status="qualified",
    identity_document="PA",
    identity_checked_on="2026-11-20",
)


def _device_file(issuer: str | None = "CHU-LOCAL") -> bytes:
    """A fundus camera's file, its Patient ID issued by the hospital's own domain."""
    data = retinograph([fundus_scene(320, 240, seed=3, eye="right")], eye="R")
    ds = pydicom.dcmread(io.BytesIO(data))
    ds.PatientID = "HOSP-4411"
    if issuer is not None:
        ds.IssuerOfPatientID = issuer
        qualifier = pydicom.Dataset()
        qualifier.UniversalEntityID = "1.2.250.1.999.1"
        qualifier.UniversalEntityIDType = "ISO"
        ds.IssuerOfPatientIDQualifiersSequence = [qualifier]
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def _issuer(data: bytes) -> tuple[str, str, list[tuple[str, str]]]:
    ds = pydicom.dcmread(io.BytesIO(data))
    qualifiers = [
        (str(q.UniversalEntityID), str(q.UniversalEntityIDType))
        for q in ds.get("IssuerOfPatientIDQualifiersSequence", [])
    ]
    return str(ds.PatientID), str(ds.get("IssuerOfPatientID", "")), qualifiers


def _imported(patient: Patient) -> bytes:
    return prepare_image_bytes(_device_file(), filename="OD.dcm", specialty="ophthalmology", patient=patient).data


@pytest.mark.parametrize(
    ("ins", "training", "name", "oid"),
    [
        ("150028512345615", False, "ASIP-SANTE-INS-NIR", "1.2.250.1.213.1.4.8"),
        ("750028512345606", False, "ASIP-SANTE-INS-NIA", "1.2.250.1.213.1.4.9"),
        ("150028512345615", True, "ASIP-SANTE-INS-NIR", "1.2.250.1.213.1.4.10"),
    ],
)
def test_an_ins_in_the_patient_id_names_its_authority(ins: str, training: bool, name: str, oid: str) -> None:
    patient = replace(QUALIFIED, ins=ins)
    stamped = restamp_dicom(_imported(patient), patient, training=training)
    assert _issuer(stamped) == (ins, name, [(oid, "ISO")])


@pytest.mark.parametrize("status", ["provisional", "recovered", "validated"])
def test_a_file_number_names_no_authority_not_even_the_devices(status: str) -> None:
    patient = replace(QUALIFIED, identity_status=status)  # the INS is not sent: the file number is
    assert _issuer(_imported(patient)) == ("D-2291", "", [])
    assert _issuer(restamp_dicom(_imported(QUALIFIED), patient)) == ("D-2291", "", [])


def test_an_identity_that_loses_its_ins_loses_its_issuer_too() -> None:
    stamped = restamp_dicom(_imported(QUALIFIED), replace(QUALIFIED, identity_status="validated"))
    assert _issuer(stamped)[1:] == ("", [])


def test_the_stamp_is_stable_so_a_dicom_already_right_goes_as_stored() -> None:
    """restamp_dicom returns the same bytes when nothing changed: sync.reduced then sends the stored file."""
    data = _imported(QUALIFIED)
    assert restamp_dicom(data, QUALIFIED) == data
