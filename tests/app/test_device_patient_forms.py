"""The forms a device writes the same patient in, and the other patient it still names.

Found from outside (identity vigilance, playing a nurse with retinographs exported by real devices and
worklists of French hospital systems): the comparison of ``app.device_patient`` took the header's words as
they come. A device that writes its birth dates in ISO form (« 1950-03-09 », a form older exports and some
worklists still give, or ACR-NEMA's « 1950.03.09 ») was not compared at all: another patient born another
day went into the case unsaid. And the right patient was said to be another when the device wrote her name
in an ASCII keyboard's form (« LEGALL » for Le Gall, « DALMEIDA » for D'Almeida, « JEANPAUL »), with her
birth and used names together as the hospital's worklist gives them (« DUPONT EP MARTIN »), with a civility
before it (« MME DUPONT »), or with « 00000000 », a device's date for none entered: a warning on good
images teaches the nurse to click through the one that matters.
"""

from __future__ import annotations

import pytest

from app.device_patient import recorded_for_another, recorded_words
from app.model import DevicePatient, Patient

MARIE = Patient(family="Dupont", used_name="Martin", given=["Marie"], birth_date="1950-03-02", sex="female")


@pytest.mark.parametrize("born", ["1950-03-09", "1950.03.09", "1950/03/09"])
def test_a_birth_date_written_with_separators_is_compared(born: str) -> None:
    assert recorded_for_another(DevicePatient(name="DUPONT^MARIE", birth_date=born), MARIE)
    assert "09/03/1950" in recorded_words(DevicePatient(name="DUPONT^MARIE", birth_date=born), "fr")


@pytest.mark.parametrize("born", ["1950-03-02", "1950.03.02", "19500302", "00000000", ""])
def test_her_own_birth_date_in_any_form_or_none_entered_is_hers(born: str) -> None:
    assert not recorded_for_another(DevicePatient(name="DUPONT^MARIE", birth_date=born), MARIE)


@pytest.mark.parametrize(
    ("name", "patient"),
    [
        ("LEGALL^MARIE", Patient(family="Le Gall", given=["Marie"], birth_date="1950-03-02")),
        ("DALMEIDA^ANA", Patient(family="D'Almeida", given=["Ana"], birth_date="1950-03-02")),
        ("DURAND^JEANPAUL", Patient(family="Durand", given=["Jean-Paul"], birth_date="1950-03-02")),
        ("DUPONT_MARIE", MARIE),
        ("MARTIN DUPONT^MARIE", MARIE),
        ("DUPONT MARTIN^MARIE", MARIE),
        ("DUPONT-MARTIN^MARIE", MARIE),
        ("DUPONT EP MARTIN^MARIE", MARIE),
        ("DUPONT EPOUSE MARTIN^MARIE", MARIE),
        ("MARTIN NEE DUPONT^MARIE", MARIE),
        ("MARTIN née DUPONT Marie", MARIE),
        ("MME DUPONT^MARIE", MARIE),
        ("Madame MARTIN^Marie", MARIE),
    ],
)
def test_the_same_patient_written_as_a_device_or_a_worklist_writes_her_is_hers(name: str, patient: Patient) -> None:
    assert not recorded_for_another(DevicePatient(name=name, birth_date="19500302"), patient)


@pytest.mark.parametrize(
    "name",
    [
        "DURAND^MARIE",
        "DUPONT EP DURAND^MARIE",
        "DURAND NEE DUPONT^MARIE",
        "DUPONT DURAND^MARIE",
        "MME DURAND^MARIE",
        "DUPONT^MARIELLE",
        "DUPONTEL^MARIE",
        "DUPONT_PAUL",
    ],
)
def test_another_name_still_says_another_patient(name: str) -> None:
    assert recorded_for_another(DevicePatient(name=name, birth_date="19500302"), MARIE)


@pytest.mark.parametrize("charset", [None, "ISO_IR 100"])
def test_a_name_a_device_wrote_in_utf8_without_saying_so_is_read_as_written(tmp_path, charset: str | None) -> None:
    """Found from outside: a device that writes its names in UTF-8 but declares no character set (or
    Latin-1, its default) has « HÉLÈNE » read as « HÃLÃNE »: each accented patient's retinograph was
    said to be another patient's, before the import and at the send, and named so to the nurse. Its
    letters are read as UTF-8 when they are that (a Latin-1 name never is), and the image is hers."""
    import io

    import numpy as np
    import pydicom
    from pydicom.dataelem import DataElement

    from capture.pipeline import prepare_image_bytes
    from capture.watch import recorded_patient
    from tests.support.dicom import retinograph

    helene = Patient(family="Dupont", given=["Hélène"], birth_date="1950-03-02", sex="female")
    ds = pydicom.dcmread(io.BytesIO(retinograph([np.full((64, 64, 3), 100, np.uint8)])))
    del ds.SpecificCharacterSet
    if charset:
        ds.SpecificCharacterSet = charset
    ds["PatientName"] = DataElement(0x00100010, "PN", "DUPONT^HÉLÈNE".encode())
    ds.PatientBirthDate, ds.PatientSex = "19500302", "F"
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    path = tmp_path / "OD.dcm"
    path.write_bytes(out.getvalue())

    recorded = recorded_patient(path)
    assert recorded is not None
    assert not recorded_for_another(recorded, helene)
    assert recorded_words(recorded, "fr").startswith("DUPONT HÉLÈNE")
    prepared = prepare_image_bytes(out.getvalue(), filename="OD.dcm", specialty="ophthalmology", patient=helene)
    assert not [f for f in prepared.quality if f.check == "patient"]
    # Another patient's name so written is still another's, and said in her letters.
    paul = Patient(family="Dupont", given=["Paul"], birth_date="1950-03-02")
    assert recorded_for_another(recorded, paul)


def test_a_latin1_name_is_not_read_again() -> None:
    latin = DevicePatient(name="DUPONT^HÉLÈNE", birth_date="19500302")
    assert recorded_words(latin, "fr").startswith("DUPONT HÉLÈNE")
    assert not recorded_for_another(latin, Patient(family="Dupont", given=["Hélène"], birth_date="1950-03-02"))


@pytest.mark.parametrize("name", ["ANON", "ANON^ANON", "NONAME", "NO^NAME", "N.N.", "NN^NN", "SANS NOM", "X^X"])
def test_the_placeholders_devices_write_for_nobody_entered_are_compared_with_nobody(name: str) -> None:
    """Found from outside: an anonymising export (« ANON »), a device's own « NONAME », « SANS NOM », « N.N. »
    (nomen nescio) or « X » were read as another patient's name: every image of such a device was said to
    be another patient's, a warning on good images."""
    assert not recorded_for_another(DevicePatient(name=name, birth_date="19500302"), MARIE)


@pytest.mark.parametrize("name", ["ANONA^Marie", "NOMAN^Marie", "XAVIER^Marie", "SANS^Marie"])
def test_a_name_holding_those_letters_is_compared_still(name: str) -> None:
    assert recorded_for_another(DevicePatient(name=name, birth_date="19500302"), MARIE)


@pytest.mark.parametrize(
    ("name", "patient"),
    [
        ("M'BAYE^AMINATA", Patient(family="M'Baye", given=["Aminata"], birth_date="1950-03-02")),
        ("M BAYE AMINATA", Patient(family="M'Baye", given=["Aminata"], birth_date="1950-03-02")),
        ("MME M'BAYE^AMINATA", Patient(family="M'Baye", given=["Aminata"], birth_date="1950-03-02")),
        ("NE^MAI", Patient(family="Né", given=["Mai"], birth_date="1950-03-02")),
    ],
)
def test_a_family_name_beginning_as_a_civility_or_a_joining_word_is_hers(name: str, patient: Patient) -> None:
    """Found in review: « M' » of M'Baye (M'Bappé, M'Bow…) was taken for a civility « M » and left out, so
    M'Baye's own retinograph, her name written exactly as typed in the case, was said to be BAYE's, another
    patient's: a false warning on every image of such a patient."""
    assert not recorded_for_another(DevicePatient(name=name, birth_date="19500302"), patient)


@pytest.mark.parametrize("name", ["DUPONT MARTIN", "MARTIN DUPONT", "DUPONT MARTIN PAUL"])
def test_one_field_whose_last_word_may_be_a_given_name_is_compared_with_hers(name: str) -> None:
    """Found in review: typed in one field, « DUPONT MARTIN » (Martin Dupont, a man) was read as Marie's
    birth and used names together, the longest reading, with no given name left to compare: another
    patient's image went in unsaid. A reading that leaves a given name is compared with hers."""
    assert recorded_for_another(DevicePatient(name=name, birth_date="19500302"), MARIE)


@pytest.mark.parametrize(
    ("name", "patient"),
    [
        ("OEUVRAY^LAETITIA", Patient(family="Œuvray", given=["Lætitia"], birth_date="1950-03-02")),
        ("CŒUR^Lætitia", Patient(family="Coeur", given=["Laetitia"], birth_date="1950-03-02")),
        ("DUPONT^LAETITIA MARIE", Patient(family="Dupont", given=["Lætitia", "Marie"], birth_date="1950-03-02")),
    ],
)
def test_a_ligature_spelt_out_by_the_device_is_the_same_name(name: str, patient: Patient) -> None:
    """Found in review: DICOM's default character set is ASCII, and a device writes « Œuvray » as
    « OEUVRAY », « Lætitia » as « LAETITIA » (as the INS does); folding kept « œ » and « æ », so the right
    patient's images were said to be another patient's."""
    assert not recorded_for_another(DevicePatient(name=name, birth_date="19500302"), patient)
    # (another name is still another's)
    assert recorded_for_another(DevicePatient(name="OEUVRE^LAETITIA", birth_date="19500302"), patient)
