"""A DICOM image leaves naming the patient as the case names them when it is sent, not when it came in.

Found from outside: the header was written once, at import. An identity corrected or qualified
afterwards (a typo fixed, the INS added after the national service's answer) left every DICOM of
the case naming the patient as they were at import, beside a Patient resource naming them
otherwise: a viewer or an archive files the image by its header, under another identity.
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pydicom
import pytest

from app.model import CaseImage, CaseState, Patient
from app.store import NewImage, Store
from capture.demo import fundus_scene
from capture.pipeline import prepare_image_bytes
from sync.follow import queue_reply
from sync.sandbox import SandboxServer
from tests.support.dicom import retinograph
from tests.sync.sync_helpers import engine_on, new_case, setup_site

pytestmark = pytest.mark.usefixtures("site")

#: Why a case of one retinograph shows one eye (the checklist asks it before the case is queued, and as it is sent).
ONE_EYE = "Œil gauche non photographiable (cataracte dense)"


@pytest.fixture
def site(store: Store) -> None:
    setup_site(store)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1) as server:
        yield server


def dicom_image(patient: Patient | None, eye: str = "R") -> NewImage:
    """A retinograph imported as the pipeline imports it, its header naming ``patient``."""
    scene = fundus_scene(640, 480, seed=3 if eye == "R" else 4, eye="right" if eye == "R" else "left")
    prepared = prepare_image_bytes(
        retinograph([scene], eye=eye), filename="OD.dcm", specialty="ophthalmology", patient=patient
    )
    record = CaseImage(
        eye=prepared.eye,
        view="macula",
        modality="OP",
        content_type=prepared.content_type,
        width=prepared.width,
        height=prepared.height,
    )
    return NewImage(record, prepared.data, prepared.thumbnail)


def header(data: bytes) -> tuple[str, str, str, str]:
    ds = pydicom.dcmread(io.BytesIO(data))
    return str(ds.PatientName), str(ds.PatientID), str(ds.PatientBirthDate), str(ds.PatientSex)


def sent(sandbox: SandboxServer, image_id: str) -> tuple[dict, bytes]:
    [media] = [
        m
        for m in sandbox.resources("Media")
        if {"system": "urn:teleavis:image-id", "value": image_id} in m.get("identifier", [])
    ]
    return media, sandbox.binary_bytes(media["content"]["url"].rsplit("/", 1)[-1])


def sha1(data: bytes) -> str:
    return base64.b64encode(hashlib.sha1(data, usedforsecurity=False).digest()).decode("ascii")


def test_an_identity_corrected_after_import_is_the_one_in_the_dicom_sent(store: Store, sandbox: SandboxServer) -> None:
    case = new_case("ophthalmology")
    # Qualified after the images came in: the INS goes now.
    case.patient = replace(
        case.patient, identity_status="qualified", identity_document="PA", identity_checked_on="2026-11-20"
    )
    typed_first = Patient(family="MARTIN", given=["Pual"], birth_date="1950-03-02", sex="female", local_id="D-2291")
    images = [dicom_image(typed_first, "R"), dicom_image(None, "L")]
    case_id = store.create_case(case, images)
    store.queue(case_id)

    with engine_on(store, sandbox.base_url) as engine:
        assert engine.run_once().sent == [case_id]

    for image in store.get_case(case_id).images:
        media, binary = sent(sandbox, image.id)
        # Beside the INS, its traits (« PAUL », as INSi writes it: tests/capture/test_dicom_ins_traits.py).
        assert header(binary) == ("MARTIN^PAUL", "150028512345615", "19500203", "M")
        assert pydicom.dcmread(io.BytesIO(binary)).IssuerOfPatientID == "ASIP-SANTE-INS-NIR"  # the INS, said so
        # The Media describes the bytes sent (the platform checks them), and calls them nothing else.
        assert media["content"]["hash"] == sha1(binary) and media["content"]["size"] == len(binary)
        assert media["content"]["contentType"] == "application/dicom"
        assert "réduite" not in media["content"].get("title", "")
        assert not any("réduite" in note["text"].lower() for note in media.get("note", []))
        # Only the patient attributes differ from the stored file; the stored file is left as it came.
        stored = pydicom.dcmread(io.BytesIO(store.image_bytes(image)))
        arrived = pydicom.dcmread(io.BytesIO(binary))
        patient_tags = {
            "PatientName",
            "PatientID",
            "IssuerOfPatientID",
            "IssuerOfPatientIDQualifiersSequence",
            "PatientBirthDate",
            "PatientSex",
        }
        assert {e.keyword for e in stored if e.keyword not in patient_tags} == {
            e.keyword for e in arrived if e.keyword not in patient_tags
        }
        assert stored.PixelData == arrived.PixelData


def test_a_dicom_already_naming_the_patient_goes_as_stored(store: Store, sandbox: SandboxServer) -> None:
    case = new_case("ophthalmology")
    case.single_eye_reason = ONE_EYE  # (one retinograph: the checklist asks why, at the sending too)
    case_id = store.create_case(case, [dicom_image(case.patient)])
    store.queue(case_id)

    with engine_on(store, sandbox.base_url) as engine:
        assert engine.run_once().sent == [case_id]

    [image] = store.get_case(case_id).images
    media, binary = sent(sandbox, image.id)
    assert binary == store.image_bytes(image)
    assert media["content"]["hash"] == image.sha1


def test_a_dicom_sent_in_a_reply_names_the_patient_as_the_case_does(store: Store, tmp_path: Path) -> None:
    case = new_case("ophthalmology")
    case.single_eye_reason = ONE_EYE  # (one retinograph: the checklist asks why, at the sending too)
    case_id = store.create_case(case, [dicom_image(case.patient)])
    store.queue(case_id)
    with (
        SandboxServer(tmp_path / "asks", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=3) as asks,
        engine_on(store, asks.base_url) as engine,
    ):
        engine.run_once()
        asks.expert.run_until_idle()
        engine.run_once()
        assert store.state(case_id) == CaseState.ON_HOLD
        # Imported with the identity the device gave.
        image = dicom_image(replace(case.patient, family="DEMO", given=["Patient"], ins=None), "L")
        queue_reply(store, case_id, "Voici l'œil gauche.", [image])
        assert engine.run_once().replies_sent == 1
        media, binary = sent(asks, image.record.id)

    assert header(binary) == ("MARTIN^Paul", "D-2291", "19500203", "M")  # provisional: the file number
    assert media["content"]["hash"] == sha1(binary) and media["content"]["size"] == len(binary)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [("family", "MARTINEZ", ("MARTINEZ^Paul", "19500203")), ("birth_date", "1950-02-13", ("MARTIN^Paul", "19500213"))],
)
def test_a_dicom_sent_before_the_identity_was_corrected_goes_again(
    store: Store, sandbox: SandboxServer, field: str, value: str, expected: tuple[str, str]
) -> None:
    """Seen in review: the images of a case refused after they were uploaded keep their Binary; once the
    identity was corrected and the case sent again, the DICOM already on the platform still named the
    patient as before. And a correction that keeps the file's length (a birth date) got the first
    upload back from the platform (a resumable upload is found again by its image id)."""
    from app.outbox import Outbox
    from sync.engine import upload_images
    from sync.progress import NullListener
    from tests.sync.sync_helpers import client_for_url

    case = new_case("ophthalmology")
    case.single_eye_reason = ONE_EYE  # (one retinograph: the checklist asks why, at the sending too)
    case_id = store.create_case(case, [dicom_image(case.patient)])
    with client_for_url(sandbox.base_url) as client:  # uploaded, then the case came back to be corrected
        upload_images(
            store, client, Outbox(store), case_id, store.get_case(case_id).images, case.patient, NullListener(), 10.0
        )
    corrected = store.get_case(case_id)
    corrected.patient = replace(corrected.patient, **{field: value})
    store.update_case(corrected)
    store.queue(case_id)

    with engine_on(store, sandbox.base_url) as engine:
        assert engine.run_once().sent == [case_id]

    [image] = store.get_case(case_id).images
    media, binary = sent(sandbox, image.id)
    assert (header(binary)[0], header(binary)[2]) == expected
    assert media["content"]["hash"] == sha1(binary)


@pytest.mark.parametrize("laterality_in", ["image", "series"])
def test_a_retinograph_whose_eye_was_corrected_is_sent_with_that_eye_in_its_header(
    store: Store, sandbox: SandboxServer, laterality_in: str
) -> None:
    """Found from outside: the operator left the fundus camera on the right eye while photographing the
    left one (its disc on the left of the picture), and the nurse corrected the eye in the case. The
    Media said left, the DICOM sent still said ImageLaterality R: the expert's viewer, which files and
    labels the image by its header, showed a left fundus as the right eye."""
    scene = fundus_scene(640, 480, seed=4, eye="left")
    prepared = prepare_image_bytes(
        retinograph([scene], eye="R", laterality_in=laterality_in),
        filename="OD.dcm",
        specialty="ophthalmology",
        patient=new_case("ophthalmology").patient,
    )
    assert prepared.eye == "right"  # what the device said
    record = CaseImage(
        eye="left",  # what the nurse chose
        view="macula",
        modality="OP",
        content_type=prepared.content_type,
        width=prepared.width,
        height=prepared.height,
    )
    case = new_case("ophthalmology")
    case.single_eye_reason = ONE_EYE  # (one retinograph: the checklist asks why, at the sending too)
    case_id = store.create_case(case, [NewImage(record, prepared.data, prepared.thumbnail)])
    store.queue(case_id)

    with engine_on(store, sandbox.base_url) as engine:
        assert engine.run_once().sent == [case_id]

    [image] = store.get_case(case_id).images
    media, binary = sent(sandbox, image.id)
    arrived = pydicom.dcmread(io.BytesIO(binary))
    # Where the device wrote it: the image's laterality, or only the series'.
    said = [arrived.get(keyword) for keyword in ("ImageLaterality", "Laterality") if keyword in arrived]
    assert said and set(said) == {"L"}
    assert media["content"]["hash"] == sha1(binary) and media["content"]["size"] == len(binary)
    assert arrived.PixelData == pydicom.dcmread(io.BytesIO(store.image_bytes(image))).PixelData
