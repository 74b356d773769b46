"""DICOM files as retinographs and dermatoscopes write them (issue 15 §2, issue 13 §16).

The files are made by tests/support/dicom.py the way devices write them: Ophthalmic Photography
8-bit in YBR_FULL_422 JPEG, multi-frame, the eye in the image or only in the series, local
acquisition times, and a site's baggage (previous patient, request, operator, institution…).
Only an allow-list of attributes may leave, nested sequences included.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pydicom
import pytest

from app.model import Patient
from app.moments import is_fhir_date_time
from capture.deidentify import EMPTY_TYPE2, SEQUENCE_ITEMS, TOP_LEVEL
from capture.demo import fundus_scene, skin_scene
from capture.pipeline import PreparedImage, prepare_image_bytes
from tests.support.cases import retina_case
from tests.support.cli import run_inprocess, write_json
from tests.support.dicom import SECRETS, all_keywords, retinograph, vl_photograph
from tests.support.sending import import_and_send

PATIENT = Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male", local_id="D-2291")
PATIENT_MODULE = {"PatientName", "PatientID", "PatientBirthDate", "PatientSex"}
ALLOWED = TOP_LEVEL | PATIENT_MODULE | set(EMPTY_TYPE2) | {k for v in SEQUENCE_ITEMS.values() for k in v}


@pytest.fixture(scope="module")
def fundus_frames() -> list[np.ndarray]:
    return [fundus_scene(1600, 1200, seed=11, eye="right"), fundus_scene(1600, 1200, seed=12, eye="right")]


def prepared(data: bytes, specialty: str = "ophthalmology") -> PreparedImage:
    return prepare_image_bytes(data, filename="IMG0001.dcm", specialty=specialty, patient=PATIENT)


def assert_nothing_of_the_site_left(out: PreparedImage) -> pydicom.Dataset:
    for what, secret in SECRETS.items():
        for encoding in ("utf-8", "latin-1"):
            assert secret.encode(encoding) not in out.data, what
    ds = pydicom.dcmread(io.BytesIO(out.data))
    keywords = all_keywords(ds)
    assert keywords <= ALLOWED, keywords - ALLOWED
    assert (
        not {
            "OriginalAttributesSequence",
            "RequestAttributesSequence",
            "OperatorsName",
            "InstitutionName",
            "StudyDescription",
            "SeriesDescription",
            "DeviceSerialNumber",
            "StationName",
        }
        & keywords
    )
    assert not any(element.tag.is_private for element in ds.iterall())
    assert ds.AccessionNumber == "" and ds.ReferringPhysicianName == ""
    assert (str(ds.PatientName), ds.PatientID, ds.PatientBirthDate, ds.PatientSex) == (
        "MARTIN^Paul",
        "D-2291",
        "19500203",
        "M",
    )
    return ds


def test_a_multi_frame_retinograph_keeps_its_frames_eye_and_field_and_nothing_of_the_site(
    fundus_frames: list[np.ndarray],
) -> None:
    out = prepared(retinograph(fundus_frames, eye="R", laterality_in="image", field="macula"))

    assert (out.content_type, out.modality, out.eye, out.view) == ("application/dicom", "OP", "right", "macula")
    assert out.device == "Topcon TRC-NW400"
    assert out.captured_at and out.captured_at.startswith("2026-11-20T10:11:12")
    assert is_fhir_date_time(out.captured_at)
    assert not [f for f in out.quality if f.level == "blocking"], out.quality
    ds = assert_nothing_of_the_site_left(out)
    assert int(ds.NumberOfFrames) == 2 and ds.PhotometricInterpretation == "YBR_FULL_422"
    assert ds.file_meta.TransferSyntaxUID == pydicom.uid.JPEGBaseline8Bit
    first = pydicom.pixels.utils.pixel_array(ds, index=0)
    assert float(np.mean(np.abs(first.astype(np.float32) - fundus_frames[0]))) < 6.0
    # What the expert reads is kept: the coded region and structure, the acquisition parameters.
    assert ds.PrimaryAnatomicStructureSequence[0].CodeMeaning == "Macula"
    assert ds.HorizontalFieldOfView == 45 and ds.ImageLaterality == "R"


def test_the_eye_written_only_in_the_series_and_the_devices_time_zone_are_read(fundus_frames: list[np.ndarray]) -> None:
    out = prepared(retinograph(fundus_frames[:1], eye="L", laterality_in="series", field="disc", zone="-0300"))

    assert (out.eye, out.view) == ("left", "disc")
    assert out.captured_at == "2026-11-20T10:11:12-03:00"
    assert_nothing_of_the_site_left(out)


def test_an_acquisition_time_with_its_own_zone_keeps_it(fundus_frames: list[np.ndarray]) -> None:
    out = prepared(retinograph(fundus_frames[:1], acquired="20261120101112.250000+0530"))
    assert out.captured_at == "2026-11-20T10:11:12+05:30"


def test_a_vl_photograph_is_a_photograph_without_the_site(fundus_frames: list[np.ndarray]) -> None:
    out = prepared(vl_photograph(skin_scene(1600, 1200, 4)), specialty="dermatology")

    assert (out.modality, out.eye) == ("XC", None)
    assert out.device == "Canon EOS 250D"
    ds = assert_nothing_of_the_site_left(out)
    assert ds.AnatomicRegionSequence[0].CodeMeaning == "Back"


def test_a_dermoscopic_image_keeps_its_coded_context_not_its_free_text() -> None:
    out = prepared(vl_photograph(skin_scene(1600, 1200, 5), dermoscopy=True), specialty="dermatology")

    assert (out.modality, out.device) == ("XC", "3Gen DermLite DL4")
    ds = assert_nothing_of_the_site_left(out)
    context = {item.ConceptCodeSequence[0].CodeMeaning for item in ds.AcquisitionContextSequence}
    assert context == {"Dermoscopy", "Polarized light", "Contact"}
    assert b"Dr Dupont" not in out.data
    assert list(ds.ImageType) == ["ORIGINAL", "PRIMARY", "DERMOSCOPY"]


def test_a_dicom_without_sop_uids_is_refused_with_a_clear_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fundus_frames: list[np.ndarray]
) -> None:
    case_file = retina_case(tmp_path / "case")
    (tmp_path / "case" / "right.jpg").write_bytes(retinograph(fundus_frames[:1], uids=False))

    result = run_inprocess(capsys, "case", "import", str(case_file))

    assert result.code == 1
    assert "right.jpg" in result.err and "SOP Instance UID" in result.err
    assert "Erreur interne" not in result.err and "Traceback" not in result.err


def test_a_retinography_case_of_device_files_is_sent_without_the_site(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fundus_frames: list[np.ndarray]
) -> None:
    folder = tmp_path / "case"
    case_file = retina_case(folder)
    left = fundus_scene(1600, 1200, seed=13, eye="left")
    (folder / "OD.dcm").write_bytes(retinograph(fundus_frames, eye="R", laterality_in="image"))
    (folder / "OG.dcm").write_bytes(retinograph([left], eye="L", laterality_in="series"))
    # Screening wants the disc-centred field of each eye too.
    for name, eye, seed in (("OD-papille.dcm", "R", 14), ("OG-papille.dcm", "L", 15)):
        disc = fundus_scene(1600, 1200, seed=seed, eye="right" if eye == "R" else "left", field="disc")
        (folder / name).write_bytes(retinograph([disc], eye=eye, field="disc"))
    doc = json.loads(case_file.read_text(encoding="utf-8"))
    # The eye and field come from the files.
    doc["images"] = [{"file": name} for name in ("OD.dcm", "OG.dcm", "OD-papille.dcm", "OG-papille.dcm")]
    write_json(case_file, doc)

    delivery = import_and_send(capsys, tmp_path, case_file)

    assert len(delivery.media) == 4
    assert sorted(m["bodySite"]["coding"][0]["code"] for m in delivery.media) == [
        "18944008",
        "18944008",
        "8966001",
        "8966001",
    ]
    assert sorted(m["view"]["text"] for m in delivery.media) == ["disc", "disc", "macula", "macula"]
    assert all(is_fhir_date_time(m["createdDateTime"]) for m in delivery.media)
    for binary in delivery.binaries:
        for secret in SECRETS.values():
            assert secret.encode("latin-1") not in binary and secret.encode() not in binary
