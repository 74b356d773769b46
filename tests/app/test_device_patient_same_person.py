"""The same patient a device writes in another form, and the other patient a looser reading must not hide.

Found from outside (identity vigilance, retinographs exported by devices whose operator typed the patient
in by hand): the right patient was said to be another when the device wrote her name swapped (« PAUL^DURAND »
for Durand Paul: the family name typed in the given name's field), « SAINT » abbreviated or not (« SAINT-JEAN »
for St Jean), or her particle left out (« LA FONTAINE » for De La Fontaine): a warning on good images teaches
the nurse to click through the one that matters. And a device's placeholder name (« NO », « ANON ») made the
whole header compared with nobody: a birth date typed and an INS written in its Patient ID, all the device
knew, were left unread, so another patient's retinograph went in unsaid (the sex and the dates a device
writes by default beside its placeholder, « 19700101 », still say nothing).

A swap is a reading that makes two real people look alike (Martin Paul and Paul Martin are both names): it
is taken for hers only when the device's birth date is whole and hers, or its INS is hers.
"""

from __future__ import annotations

import pytest

from app.device_patient import recorded_for_another
from app.model import DevicePatient, Patient

DURAND = Patient(family="Durand", given=["Paul"], birth_date="1950-03-02", sex="male")
#: A real INS (NIR of a man born in March 1950 in Paris) and its control key, and another's.
INS = "150037510204581"
OTHER_INS = "150037510204680"


def test_the_ins_of_the_test_are_valid() -> None:
    from app.identifiers import ins_is_valid

    assert ins_is_valid(INS) and ins_is_valid(OTHER_INS)


def test_a_name_swapped_on_the_device_with_her_birth_date_is_hers() -> None:
    assert not recorded_for_another(DevicePatient(name="PAUL^DURAND", birth_date="19500302", sex="M"), DURAND)


def test_a_name_swapped_with_her_ins_is_hers() -> None:
    patient = Patient(family="Durand", given=["Paul"], birth_date="1950-03-02", ins=INS)
    assert not recorded_for_another(DevicePatient(name="PAUL^DURAND", patient_id=INS), patient)


@pytest.mark.parametrize(
    "recorded",
    [
        DevicePatient(name="PAUL^DURAND"),  # no birth date: Durand Paul and Paul Durand are two people
        DevicePatient(name="PAUL^DURAND", birth_date="19500300"),  # a day unknown
        DevicePatient(name="PAUL^DURAND", birth_date="19500309"),
        DevicePatient(name="PAUL^DUPONT", birth_date="19500302"),
        DevicePatient(name="PIERRE^DURAND", birth_date="19500302"),
    ],
)
def test_a_swapped_name_the_birth_date_does_not_confirm_is_another(recorded: DevicePatient) -> None:
    assert recorded_for_another(recorded, DURAND)


def test_martin_paul_and_paul_martin_are_two_patients_unless_the_device_knows_more() -> None:
    paul_martin = Patient(family="Paul", given=["Martin"], birth_date="1962-11-20", sex="male")
    assert recorded_for_another(DevicePatient(name="MARTIN^PAUL"), paul_martin)
    assert recorded_for_another(DevicePatient(name="MARTIN^PAUL", birth_date="19480405"), paul_martin)
    assert not recorded_for_another(DevicePatient(name="MARTIN^PAUL", birth_date="19621120"), paul_martin)
    # Written the right way round, Martin Paul is Martin Paul.
    martin_paul = Patient(family="Martin", given=["Paul"], birth_date="1962-11-20", sex="male")
    assert not recorded_for_another(DevicePatient(name="MARTIN^PAUL"), martin_paul)


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("SAINT-JEAN^PAUL", "St Jean"),
        ("ST JEAN^PAUL", "Saint-Jean"),
        ("ST. JEAN^PAUL", "Saint Jean"),
        ("STJEAN^PAUL", "Saint-Jean"),
        ("SAINTE-MARIE^PAUL", "Ste Marie"),
        ("LA FONTAINE^PAUL", "De La Fontaine"),
        ("DE LA FONTAINE^PAUL", "La Fontaine"),
        ("ALMEIDA^PAUL", "D'Almeida"),
        ("LA FONTAINE PAUL", "De La Fontaine"),
        ("LACROIX^PAUL", "De La Croix"),  # the particle left out, the rest written as one word
        ("LACROIX PAUL", "De La Croix"),
        ("DE LA CROIX^PAUL", "Lacroix"),
    ],
)
def test_saint_abbreviated_or_a_particle_left_out_is_hers(name: str, family: str) -> None:
    patient = Patient(family=family, given=["Paul"], birth_date="1950-03-02")
    assert not recorded_for_another(DevicePatient(name=name), patient)


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("FONTAINE^PAUL", "De La Fontaine"),  # « La » is the name's, not a particle
        ("GALL^PAUL", "Le Gall"),
        ("SAINT-JEAN^PIERRE", "St Jean"),
        ("SAINT-JACQUES^PAUL", "St Jean"),
        ("DE LA FONTAINE^PAUL", "Fontaine"),
        ("CROIX^PAUL", "De La Croix"),
    ],
)
def test_another_saint_or_another_name_is_still_another(name: str, family: str) -> None:
    patient = Patient(family=family, given=["Paul"], birth_date="1950-03-02")
    assert recorded_for_another(DevicePatient(name=name), patient)


@pytest.mark.parametrize("name", ["NO", "ANON", "NO^NAME", "DEMO^PATIENT", "X^X"])
def test_a_placeholder_name_says_nothing_but_the_rest_is_compared(name: str) -> None:
    assert recorded_for_another(DevicePatient(name=name, birth_date="19880714"), DURAND)
    assert recorded_for_another(DevicePatient(name=name, birth_date="1988-07-14", sex="M"), DURAND)
    # The sex and birth date a device writes by default beside its placeholder say nothing either.
    assert not recorded_for_another(DevicePatient(name=name, sex="F"), DURAND)
    assert not recorded_for_another(DevicePatient(name=name, birth_date="19700101", sex="F"), DURAND)
    patient = Patient(family="Durand", given=["Paul"], birth_date="1950-03-02", ins=INS)
    assert recorded_for_another(DevicePatient(name=name, patient_id=OTHER_INS), patient)
    # Nothing else written, or the rest hers: nothing to say.
    assert not recorded_for_another(DevicePatient(name=name), DURAND)
    assert not recorded_for_another(DevicePatient(name=name, birth_date="19500302", sex="M"), DURAND)


@pytest.mark.parametrize(
    "patient_id",
    [
        "1 50 03 75 102 045 81",
        "1.50.03.75.102.045-81",
        "150037510204581^^^&1.2.250.1.213.1.4.8&ISO",  # as an HL7 worklist gives it
    ],
)
def test_another_ins_written_as_a_worklist_writes_it_is_compared(patient_id: str) -> None:
    other = Patient(family="Durand", given=["Paul"], birth_date="1950-03-02", ins=OTHER_INS)
    assert recorded_for_another(DevicePatient(name="DURAND^PAUL", patient_id=patient_id), other)
    hers = Patient(family="Durand", given=["Paul"], birth_date="1950-03-02", ins=INS)
    assert not recorded_for_another(DevicePatient(name="DURAND^PAUL", patient_id=patient_id), hers)


def test_a_device_file_number_is_no_ins() -> None:
    patient = Patient(family="Durand", given=["Paul"], birth_date="1950-03-02", ins=INS)
    for number in ("123456", "0000012345", "PAT-2026-0042", "2026120500017"):
        assert not recorded_for_another(DevicePatient(name="DURAND^PAUL", patient_id=number), patient)


def test_a_retinograph_whose_device_wrote_no_name_but_another_birth_date_is_said(tmp_path) -> None:
    """The header as a device writes it: « NO » for a name, the birth date typed. Read in the device folder
    and at the import, the birth date is compared (the header was dropped whole as a placeholder's)."""
    import io

    import numpy as np
    import pydicom

    from capture.pipeline import prepare_image_bytes
    from capture.watch import recorded_patient
    from tests.support.dicom import retinograph

    for birth_date, flagged in (("19880714", True), ("19500302", False)):
        ds = pydicom.dcmread(io.BytesIO(retinograph([np.full((64, 64, 3), 100, np.uint8)])))
        ds.PatientName, ds.PatientBirthDate, ds.PatientSex, ds.PatientID = "NO", birth_date, "M", "0042"
        out = io.BytesIO()
        ds.save_as(out, enforce_file_format=True)
        path = tmp_path / "OD.dcm"
        path.write_bytes(out.getvalue())
        recorded = recorded_patient(path)
        assert recorded is not None and recorded_for_another(recorded, DURAND) == flagged
        prepared = prepare_image_bytes(out.getvalue(), filename="OD.dcm", specialty="ophthalmology", patient=DURAND)
        assert bool([f for f in prepared.quality if f.check == "patient"]) == flagged
    # A placeholder and nothing else: nothing recorded to keep.
    ds.PatientBirthDate, ds.PatientSex, ds.PatientID = "", "", ""
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    path.write_bytes(out.getvalue())
    assert recorded_patient(path) is None


def test_an_ins_a_worklist_gave_among_the_other_patient_ids_is_compared(tmp_path) -> None:
    """A retinograph fed by the hospital's worklist writes its own file number (the IPP) as Patient ID and
    the INS in Other Patient IDs, its issuer the INS's OID (IHE PAM France): it was never read, so a
    header with another patient's INS (a homonym born the same day) went in unsaid."""
    import io

    import numpy as np
    import pydicom
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    from capture.pipeline import prepare_image_bytes
    from capture.watch import recorded_patient
    from tests.support.dicom import retinograph

    patient = Patient(family="Durand", given=["Paul"], birth_date="1950-03-02", sex="male", ins=INS)
    for ins, issuer, flagged in (
        (OTHER_INS, "1.2.250.1.213.1.4.8", True),
        (INS, "1.2.250.1.213.1.4.8", False),
        (OTHER_INS, "1.2.250.1.71.4.2.1", False),  # another issuer's number: not an INS, whatever its digits
    ):
        ds = pydicom.dcmread(io.BytesIO(retinograph([np.full((64, 64, 3), 100, np.uint8)])))
        ds.PatientName, ds.PatientBirthDate, ds.PatientSex, ds.PatientID = "DURAND^PAUL", "19500302", "M", "0042137"
        other = Dataset()
        other.PatientID, other.IssuerOfPatientID, other.TypeOfPatientID = ins, issuer, "TEXT"
        ds.OtherPatientIDsSequence = Sequence([other])
        out = io.BytesIO()
        ds.save_as(out, enforce_file_format=True)
        path = tmp_path / "OD.dcm"
        path.write_bytes(out.getvalue())
        recorded = recorded_patient(path)
        assert recorded is not None and recorded_for_another(recorded, patient) == flagged, issuer
        prepared = prepare_image_bytes(out.getvalue(), filename="OD.dcm", specialty="ophthalmology", patient=patient)
        assert bool([f for f in prepared.quality if f.check == "patient"]) == flagged


def test_the_ins_the_device_recorded_is_said_with_its_identity() -> None:
    """An image flagged for its INS alone was said recorded for « DURAND PAUL, 02/03/1950, homme », the
    case's very words: the nurse saw nothing to check. The INS is said beside them, in its groups as the report
    and `case show` print it (found in review: 15 digits in a row, compared with a grouped one), no-break spaces
    that a wrapped line never cuts."""
    from app.device_patient import recorded_words

    recorded = DevicePatient(name="DURAND^PAUL", birth_date="19500302", sex="M", patient_id=OTHER_INS)
    grouped = "1\u00a050\u00a003\u00a075\u00a0102\u00a0046\u00a080"
    assert recorded_words(recorded, "fr") == f"DURAND PAUL, 02/03/1950, homme, INS {grouped}"
    assert recorded_words(DevicePatient(name="DURAND^PAUL", patient_id="0042137"), "fr") == "DURAND PAUL"
