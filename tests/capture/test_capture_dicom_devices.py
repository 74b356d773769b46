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

from app.errors import ImageRejected
from app.identifiers import ins_key
from app.model import Patient
from app.moments import is_fhir_date_time
from capture.deidentify import EMPTY_TYPE2, SEQUENCE_ITEMS, TOP_LEVEL
from capture.demo import fundus_scene, skin_scene
from capture.pipeline import PreparedImage, prepare_image_bytes
from tests.support.cases import retina_case
from tests.support.cli import run_inprocess, write_json
from tests.support.dicom import SECRETS, all_keywords, retinograph, structured_report, vl_photograph
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


def _red_free_16_bit_fields(window: bool) -> bytes:
    """A red-free retinograph as some devices write it: 10-bit values (the real retinograph's green
    channel) in 16-bit fields that say Bits Stored 16, with or without a display window."""
    from PIL import Image
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    real = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "retina-normal-left-eye.jpg"
    green = np.asarray(Image.open(real).convert("RGB"))[:, :, 1].astype(np.uint16) * 4  # 0..1020
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.77.1.5.2"  # Ophthalmic Photography 16 Bit
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
    ds.Modality, ds.ImageLaterality = "OP", "L"
    ds.Rows, ds.Columns = green.shape
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    if window:
        ds.WindowCenter, ds.WindowWidth = 512, 1024
    ds.PixelData = green.tobytes()
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


@pytest.mark.parametrize("window", [True, False], ids=["with-window", "without-window"])
def test_a_red_free_retinograph_in_16_bit_fields_is_seen_as_the_device_shows_it(window: bool) -> None:
    """Scaled by 16 bits, 10-bit values came out black: « aucun champ rétinien », « bien trop sombre »,
    blocking, and the same file at every retake: a case that could never be sent (outside audit)."""
    out = prepare_image_bytes(
        _red_free_16_bit_fields(window), filename="RF0001.dcm", specialty="ophthalmology", patient=PATIENT
    )
    blocking = {f.check: f.message for f in out.quality if f.level == "blocking"}
    assert not blocking, blocking


def test_a_series_of_twenty_frames_is_not_refused_as_one_too_large_image() -> None:
    """20 frames of 2048×2048 were refused as « trop grande (84 mégapixels) : réduisez-la », advice no
    nurse can follow for a device's series; only the first frame is ever decoded."""
    from PIL import Image

    real = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "retina-normal-left-eye.jpg"
    frame = np.asarray(Image.open(real).convert("RGB").resize((2048, 2048)))
    out = prepare_image_bytes(
        retinograph([frame] * 20), filename="SERIES.dcm", specialty="ophthalmology", patient=PATIENT
    )
    assert (out.width, out.height) == (2048, 2048)
    assert int(pydicom.dcmread(io.BytesIO(out.data)).NumberOfFrames) == 20


def test_a_dicom_written_without_its_preamble_is_read() -> None:
    """Some devices write the file from « DICM » on: it was refused as « not an image (DICOM expected) »,
    and the device folder never listed it."""
    from capture.sniff import sniff

    frame = fundus_scene(800, 800, seed=3)
    whole = retinograph([frame])
    bare = whole[128:]
    assert bare[:4] == b"DICM" and sniff(bare) == "dicom"
    out = prepare_image_bytes(bare, filename="IM000001", specialty="ophthalmology", patient=PATIENT)
    assert out.content_type == "application/dicom" and (out.width, out.height) == (800, 800)


def test_a_retinograph_the_device_recorded_for_another_patient_is_flagged_at_import(
    fundus_frames: list[np.ndarray],
) -> None:
    """Found from outside: a DICOM naming LEROY Sophie, imported into MARTIN Paul's case, was restamped
    with MARTIN Paul's identity without a word: the evidence of a wrong-patient image was erased."""
    martin = Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male")
    ds = pydicom.dcmread(io.BytesIO(retinograph(fundus_frames[:1])))
    ds.PatientSex = "M"  # (the sex is a trait compared too)
    for name, born, flagged in (
        ("LEROY^Sophie", "19880714", True),
        ("MARTIN^Paul", "19880714", True),  # another birth date
        ("Martin^Paul", "19500203", False),
        ("DEMO^Patient", "19700101", False),  # the device's placeholder
        ("", "", False),
    ):
        ds.PatientName, ds.PatientBirthDate = name, born
        out = io.BytesIO()
        ds.save_as(out, enforce_file_format=True)
        prepared = prepare_image_bytes(out.getvalue(), filename="OD.dcm", specialty="ophthalmology", patient=martin)
        found = [f for f in prepared.quality if f.check == "patient"]
        assert bool(found) == flagged, name
        if found:
            assert found[0].level == "warning" and "autre patient" in found[0].message
            assert "LEROY" not in found[0].message  # (quality words are kept in clear)


def test_a_retinograph_recorded_under_the_patients_used_name_is_hers(fundus_frames: list[np.ndarray]) -> None:
    """The device was given the name she goes by (her spouse's): not another patient. Her birth name
    is hers too; a third name is not."""
    jeanne = Patient(family="DUPONT", used_name="Leroy", given=["Jeanne"], birth_date="1950-02-03", sex="female")
    ds = pydicom.dcmread(io.BytesIO(retinograph(fundus_frames[:1])))
    for name, flagged in (("LEROY^Jeanne", False), ("Dupont^Jeanne", False), ("MARTIN^Jeanne", True)):
        ds.PatientName, ds.PatientBirthDate = name, "19500203"
        out = io.BytesIO()
        ds.save_as(out, enforce_file_format=True)
        prepared = prepare_image_bytes(out.getvalue(), filename="OD.dcm", specialty="ophthalmology", patient=jeanne)
        assert bool([f for f in prepared.quality if f.check == "patient"]) == flagged, name


def _ins(first13: str) -> str:
    return first13 + f"{ins_key(first13):02d}"


def test_a_twins_retinograph_or_one_under_another_ins_is_flagged_at_import(fundus_frames: list[np.ndarray]) -> None:
    """Found from outside: twins share their family name and birth date, the two traits compared. Léa's
    retinograph, imported into her brother Paul's case, was restamped with his identity without a word;
    so was one the device filed under another INS (from the worklist). A given name written shorter or
    in another order, one the patient is known by among hers, is hers."""
    paul = Patient(
        family="MARTIN", given=["Paul", "Henri"], birth_date="1950-02-03", sex="male", ins=_ins("1500275108123")
    )
    other_ins = _ins("2500275108199")
    ds = pydicom.dcmread(io.BytesIO(retinograph(fundus_frames[:1])))
    ds.PatientSex = "M"  # (the sex is a trait compared too: the file's own says nothing of the twin here)
    for name, patient_id, flagged in (
        ("MARTIN^Léa", "", True),  # his twin sister
        ("MARTIN^LEA", "", True),
        ("MARTIN^Paul", other_ins, True),  # another patient's INS
        ("MARTIN^Paul", paul.ins, False),
        ("MARTIN^PAUL HENRI", "D-88", False),  # the device's own file number says nothing
        ("MARTIN^Henri", "", False),  # the given name he goes by
        ("MARTIN^P", "", False),  # an initial
        ("MARTIN", "", False),  # no given name on the device
        ("MARTIN^Paul-Henri", "", False),
    ):
        ds.PatientName, ds.PatientBirthDate, ds.PatientID = name, "19500203", patient_id
        out = io.BytesIO()
        ds.save_as(out, enforce_file_format=True)
        prepared = prepare_image_bytes(out.getvalue(), filename="OD.dcm", specialty="ophthalmology", patient=paul)
        assert bool([f for f in prepared.quality if f.check == "patient"]) == flagged, (name, patient_id)


def test_a_name_typed_in_one_field_on_the_device_is_read_as_a_name_and_given_names(
    fundus_frames: list[np.ndarray],
) -> None:
    """Found from outside: a retinograph with a single « Nom » field stores « LE GALL MARIE » without the
    DICOM separator (^) between the family and given names; the whole of it was compared with the family
    name and every such image was said to be another patient's, a warning the nurse learns to ignore."""
    marie = Patient(family="Le Gall", given=["Marie"], birth_date="1950-02-03", sex="female")
    ds = pydicom.dcmread(io.BytesIO(retinograph(fundus_frames[:1])))
    for name, flagged in (
        ("LE GALL MARIE", False),
        ("MARIE LE GALL", False),
        ("LE GALL", False),
        ("LE GALL ANNE", True),  # her sister
        ("MARTIN MARIE", True),
        ("LE GALLOU MARIE", True),
    ):
        ds.PatientName, ds.PatientBirthDate = name, "19500203"
        out = io.BytesIO()
        ds.save_as(out, enforce_file_format=True)
        prepared = prepare_image_bytes(out.getvalue(), filename="OD.dcm", specialty="ophthalmology", patient=marie)
        assert bool([f for f in prepared.quality if f.check == "patient"]) == flagged, name


def _deflated(whole: bytes) -> bytes:
    """The same retinograph written with the Deflated Explicit VR Little Endian transfer syntax (pydicom)."""
    ds = pydicom.dcmread(io.BytesIO(whole))
    ds.decompress()  # a deflated file holds its pixels native
    ds.file_meta.TransferSyntaxUID = pydicom.uid.DeflatedExplicitVRLittleEndian
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def _deflate_bomb(deflated: bytes, inflated_size: int) -> bytes:
    """``deflated`` with trailing padding (FFFC,FFFC) of ``inflated_size`` zero bytes in its deflated
    stream: a file of a few hundred kilobytes that inflates past the size of any image."""
    import struct
    import zlib

    meta_end = 132 + 12 + struct.unpack("<I", deflated[140:144])[0]
    body = zlib.decompress(deflated[meta_end:], -zlib.MAX_WBITS)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    parts = [squeeze.compress(body), squeeze.compress(struct.pack("<HH2sHI", 0xFFFC, 0xFFFC, b"OB", 0, inflated_size))]
    zeros = bytes(1 << 20)
    for _ in range(inflated_size >> 20):
        parts.append(squeeze.compress(zeros))
    parts.append(squeeze.flush())
    return deflated[:meta_end] + b"".join(parts)


def test_a_deflated_dicom_is_read_and_a_deflate_bomb_is_refused_before_it_inflates() -> None:
    """Found from outside (an attacker's pass): a DICOM of the Deflated transfer syntax (1.2.840.10008.1.2.1.99)
    was inflated whole, without a limit, by the reader: a file of a few hundred kilobytes filled the memory.
    It is inflated by pieces up to the size of a file Teleavis takes, and refused past it with a clear message."""
    from app.errors import ImageRejected
    from capture.sniff import MAX_BYTES

    frame = fundus_scene(800, 800, seed=3)
    deflated = _deflated(retinograph([frame]))
    out = prepare_image_bytes(deflated, filename="IM000002", specialty="ophthalmology", patient=PATIENT)
    assert out.content_type == "application/dicom" and (out.width, out.height) == (800, 800)

    bomb = _deflate_bomb(deflated, MAX_BYTES + (1 << 20))
    assert len(bomb) < MAX_BYTES // 100
    with pytest.raises(ImageRejected) as refused:
        prepare_image_bytes(bomb, filename="IM000003", specialty="ophthalmology", patient=PATIENT)
    assert "IM000003" in refused.value.message and "décompress" in refused.value.message


def _implicit_meta(data: bytes) -> bytes:
    """``data`` with its file meta (group 0002) written in implicit VR, as some writers do: pydicom reads it
    all the same (it says so in a warning), so the deflated dataset after it is inflated all the same."""
    import struct

    at, out = 132, bytearray(data[:132])
    while struct.unpack_from("<H", data, at)[0] == 0x0002:
        group, element = struct.unpack_from("<HH", data, at)
        if data[at + 4 : at + 6] in (b"OB", b"OW", b"UN", b"SQ", b"UT", b"UC", b"UR"):
            length, start = struct.unpack_from("<I", data, at + 8)[0], at + 12
        else:
            length, start = struct.unpack_from("<H", data, at + 6)[0], at + 8
        out += struct.pack("<HHI", group, element, length) + data[start : start + length]
        at = start + length
    return bytes(out) + data[at:]


def test_a_deflate_bomb_whose_file_meta_is_in_implicit_vr_is_refused_too() -> None:
    """Its file meta written in implicit VR, the bomb's transfer syntax went unseen by the check, and
    pydicom, which reads such a meta, inflated the whole stream: it is refused like the other."""
    from app.errors import ImageRejected
    from capture.dicom import check_inflated_size

    deflated = _deflated(retinograph([fundus_scene(200, 200, seed=3)]))
    with pytest.warns(UserWarning, match="implicit VR"):
        assert pydicom.dcmread(io.BytesIO(_implicit_meta(deflated))).Rows == 200  # read all the same
    check_inflated_size(_implicit_meta(deflated), name="IM000004", limit=4 << 20)  # a true image goes through
    with pytest.raises(ImageRejected) as refused:
        check_inflated_size(_implicit_meta(_deflate_bomb(deflated, 8 << 20)), name="IM000004", limit=4 << 20)
    assert "IM000004" in refused.value.message and "décompress" in refused.value.message


def _recompressed(whole: bytes, syntax: str, frame: bytes, photometric: str) -> bytes:
    """``whole`` with its one frame replaced by ``frame``, under transfer syntax ``syntax``."""
    from pydicom.encaps import encapsulate

    ds = pydicom.dcmread(io.BytesIO(whole))
    ds.file_meta.TransferSyntaxUID = syntax
    ds.PhotometricInterpretation = photometric
    ds.PixelData = encapsulate([frame])
    ds["PixelData"].VR = "OB"
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def _jpeg2000(rgb: np.ndarray, *, lossless: bool) -> bytes:
    """A JPEG 2000 codestream, as DICOM holds it (no JP2 boxes around it)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG2000", no_jp2=True, irreversible=not lossless)
    return buffer.getvalue()


@pytest.mark.parametrize("syntax", ["jpeg", "jpeg-2000", "jpeg-2000-lossless"])
def test_a_compressed_retinograph_is_read_and_one_whose_frame_is_cut_is_said_damaged_not_unsupported(
    fundus_frames: list[np.ndarray], syntax: str
) -> None:
    """Found from outside: a retinograph whose JPEG (or JPEG 2000) frame the device or the copy cut short
    was refused as « une compression non prise en charge : exportez-la en JPEG » — it was JPEG already;
    what helps is to copy it again from the device."""
    frame = fundus_frames[0]
    whole = retinograph([frame])
    if syntax == "jpeg":
        from pydicom.encaps import generate_frames

        ds = pydicom.dcmread(io.BytesIO(whole))
        [data] = list(generate_frames(ds.PixelData, number_of_frames=1))
        uid, photometric = "1.2.840.10008.1.2.4.50", "YBR_FULL_422"
    else:
        lossless = syntax == "jpeg-2000-lossless"
        data = _jpeg2000(frame, lossless=lossless)
        uid = "1.2.840.10008.1.2.4.90" if lossless else "1.2.840.10008.1.2.4.91"
        photometric = "YBR_RCT" if lossless else "YBR_ICT"
    read = prepared(_recompressed(whole, uid, data, photometric))
    assert (read.width, read.height, read.eye) == (1600, 1200, "right")
    assert_nothing_of_the_site_left(read)
    with pytest.raises(ImageRejected) as refused:
        prepared(_recompressed(whole, uid, data[: len(data) * 6 // 10], photometric))
    assert "incomplète ou abîmée" in str(refused.value) and "copiez-la à nouveau" in str(refused.value)


def test_a_compression_without_a_decoder_is_still_said_unsupported(fundus_frames: list[np.ndarray]) -> None:
    whole = retinograph(fundus_frames[:1])
    with pytest.raises(ImageRejected, match="compression non prise en charge"):
        prepared(_recompressed(whole, "1.2.840.10008.1.2.4.80", b"\xff\xd8\xff\xf7" + bytes(64), "RGB"))  # JPEG-LS


def test_a_dicom_cut_anywhere_in_its_header_is_refused_with_a_clear_message(fundus_frames: list[np.ndarray]) -> None:
    """Found from outside: a retinograph's DICOM whose copy stopped in its header (a share cut off) failed
    with an error of pydicom's own (struct.error, BytesLengthException) that the window could only call a
    fault of Teleavis; cut in its file meta, it was said to hold no image (« exportez l'image elle-même »)."""
    whole = retinograph(fundus_frames[:1])
    pixels_at = whole.index(b"\xe0\x7f\x10\x00")
    meta_end = 132 + 12 + int.from_bytes(whole[140:144], "little")
    damaged = "L'image « IMG0001.dcm » est incomplète ou abîmée"
    for cut in range(133, pixels_at, 2):
        with pytest.raises(ImageRejected) as refused:
            prepared(whole[:cut])
        if cut < meta_end:
            assert str(refused.value).startswith(damaged), cut
        else:  # (cut between two elements, it is a header without pixels: also said to export it again)
            assert str(refused.value).startswith((damaged, "Le fichier DICOM « IMG0001.dcm » ne contient pas")), cut


def test_a_dicom_that_is_no_image_is_still_said_to_hold_none() -> None:
    with pytest.raises(ImageRejected, match="ne contient pas d'image"):
        prepared(structured_report())


@pytest.mark.parametrize("specialty", ["dermatology", "wound-care", "other"])
def test_a_dicom_report_in_a_case_without_a_retinograph_names_no_retinograph(specialty: str) -> None:
    """A structured report (SR, no pixels) imported into a dermatology case was told to be exported « depuis le
    rétinographe »: the nurse has none. She is told what the file is and to export the photo from her device."""
    with pytest.raises(ImageRejected) as refused:
        prepared(structured_report(), specialty)
    said = str(refused.value)
    assert "ne contient pas d'image" in said and "rétinographe" not in said, said
    assert "compte rendu" in said and "l'appareil qui l'a prise" in said, said
    if specialty == "dermatology":
        assert "dermatoscope" in said, said


def test_a_dicom_report_in_an_eye_case_still_names_the_retinograph() -> None:
    with pytest.raises(ImageRejected, match="depuis le rétinographe"):
        prepared(structured_report(), "ophthalmology")


def _jp2_with_boxes(rgb: np.ndarray, secret: str) -> bytes:
    """A JPEG 2000 frame as some devices write it inside DICOM: a whole JP2 file, an XML box (XMP) and a
    comment in its codestream each carrying ``secret``."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG2000", irreversible=True, comment=f"Patient {secret}")
    jp2 = buffer.getvalue()
    assert jp2[4:8] == b"jP  "
    xml = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>{secret}</rdf:Description></x:xmpmeta>'.encode()
    box = (8 + len(xml)).to_bytes(4, "big") + b"xml " + xml
    at = jp2.index(b"jp2c") - 4
    return jp2[:at] + box + jp2[at:]


@pytest.mark.parametrize("raw", [False, True], ids=["jp2-file", "codestream"])
def test_a_jpeg_2000_retinograph_leaves_without_its_frames_boxes_and_comments(
    fundus_frames: list[np.ndarray], raw: bool
) -> None:
    """Found from outside: the JPEG frames of a DICOM were stripped of their metadata, its JPEG 2000 frames
    were not: a device writing each frame as a JP2 file (XML/XMP boxes) or with a comment in the codestream
    sent them on to the platform. Each frame leaves as the bare codestream DICOM expects, without comment."""
    from pydicom.encaps import generate_frames

    secret = "DUPONT^Marie 1950"
    frame = _jp2_with_boxes(fundus_frames[0], secret)
    if raw:
        frame = frame[frame.index(b"\xff\x4f\xff\x51") :]  # the codestream alone, still with its comment
    whole = _recompressed(retinograph([fundus_frames[0]]), "1.2.840.10008.1.2.4.91", frame, "YBR_ICT")
    assert secret.encode() in whole

    read = prepared(whole)

    assert secret.encode() not in read.data and b"Patient" not in read.data
    assert (read.width, read.height) == (1600, 1200)
    ds = pydicom.dcmread(io.BytesIO(read.data))
    [sent] = list(generate_frames(ds.PixelData, number_of_frames=1))
    assert sent[:4] == b"\xff\x4f\xff\x51" and b"\xff\x64" not in sent[: sent.index(b"\xff\x90")]
    assert_nothing_of_the_site_left(read)
    from pydicom.pixels.utils import pixel_array

    pixels = pixel_array(ds).astype(np.float32)  # what is sent still decodes to the same picture
    assert float(np.mean(np.abs(pixels - fundus_frames[0].astype(np.float32)))) < 3.0


def test_a_comment_in_a_jpeg_2000_tile_part_goes_and_the_pixels_stay_exact() -> None:
    """A comment may stand in a tile-part's header too: it goes, the tile-part's length is shortened to
    match, and the lossless codestream still decodes to the very same pixels (padding byte included)."""
    import struct

    from PIL import Image

    from capture.metadata import strip_j2k

    rgb = fundus_scene(400, 300, seed=3, eye="left")
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG2000", no_jp2=True, irreversible=False, tile_size=(128, 128), comment="A")
    data = buffer.getvalue()
    sot = data.index(b"\xff\x90")
    com = b"\xff\x64" + struct.pack(">H", 15) + b"\x00\x01" + b"tile secret"
    (psot,) = struct.unpack(">I", data[sot + 6 : sot + 10])
    data = data[: sot + 6] + struct.pack(">I", psot + len(com)) + data[sot + 10 : sot + 12] + com + data[sot + 12 :]
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(data))), rgb)

    stripped = strip_j2k(data + b"\x00")

    assert b"secret" not in stripped and b"\xff\x64" not in stripped[: stripped.index(b"\xff\x90")]
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(stripped))), rgb)


def test_a_dicom_whose_size_disagrees_with_its_pixels_is_said_damaged_not_an_internal_error() -> None:
    """Found in a pass over odd device files: a header whose rows and columns do not match the pixel data
    it carries (pydicom reads the rest as frames the header never announced) stopped the import with
    numpy's own error, which the window could only call a fault of Teleavis."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    rgb = fundus_scene(1024, 768, seed=2, eye="right")
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.77.1.5.1"
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID = generate_uid()
    ds.Modality, ds.Rows, ds.Columns = "OP", 3, 768
    ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.PlanarConfiguration = 3, "RGB", 1
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PixelData = np.ascontiguousarray(rgb.transpose(2, 0, 1)).tobytes()
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)

    with pytest.raises(ImageRejected, match="incomplète ou abîmée"):
        prepared(out.getvalue())


REAL_RETINA = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "retina-normal-left-eye.jpg"


def _pal_capture() -> np.ndarray:
    """The real left eye as an older fundus camera's PAL video capture gives it: 768×576, the round field
    filling the frame's height on black."""
    from PIL import Image

    with Image.open(REAL_RETINA) as image:
        field = image.convert("RGB").resize((576, 576), Image.Resampling.LANCZOS)
    frame = Image.new("RGB", (768, 576))
    frame.paste(field, (96, 0))
    return np.asarray(frame)


def test_a_retinograph_its_device_recorded_under_800x600_is_not_sent_to_export_it_again() -> None:
    """Found in an acceptance pass with an older fundus camera's DICOM (768×576, a PAL capture): it stays
    refused (the screening programmes' cameras give far more; see docs/architecture.md, "Image quality"),
    but it was told « Exportez le cliché en pleine définition depuis le rétinographe (pas un aperçu ni une
    copie d'écran) »: the DICOM is the device's own record of the shot, and the nurse would export it
    again for nothing. A JPEG export of that size may be a preview: it keeps that advice."""
    from PIL import Image

    out = prepared(retinograph([_pal_capture()], eye="L", field="macula"))

    assert (out.eye, out.view, out.width, out.height) == ("left", "macula", 768, 576)
    resolution = next(f for f in out.quality if f.check == "resolution")
    assert resolution.level == "blocking"
    said = resolution.message
    assert "768×576" in said and "800×600" in said and "Exportez" not in said, said
    assert "enregistré" in said and "rétinographe" in said, said
    english = resolution.text("en")
    assert "768×576" in english and "recorded" in english and "Export the shot" not in english, english
    # The other checks still judge the real retinograph: only its size stops it.
    assert [f.check for f in out.quality if f.level != "ok"] == ["resolution"], out.quality

    exported = io.BytesIO()
    Image.fromarray(_pal_capture()).save(exported, "JPEG", quality=92)
    photo = prepare_image_bytes(exported.getvalue(), filename="OG.jpg", specialty="ophthalmology")
    advice = next(f for f in photo.quality if f.check == "resolution").message
    assert "Exportez le cliché en pleine définition" in advice, advice


def test_a_retinograph_whose_image_and_series_name_different_eyes_is_filed_under_neither(
    fundus_frames: list[np.ndarray],
) -> None:
    """A header that says R for the image and L for its series (a series begun on one eye, the image
    taken of the other, or an export mixing two exams): one of the two is wrong, and taking the image's
    word in silence filed a left eye's retinograph as right. The nurse chooses the eye, told why."""
    ds = pydicom.dcmread(io.BytesIO(retinograph(fundus_frames[:1], eye="R", laterality_in="image")))
    ds.Laterality = "L"
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)

    out = prepared(buffer.getvalue())

    assert out.eye is None
    said = [f for f in out.quality if f.check == "device-eye"]
    assert [(f.level, f.key) for f in said] == [("warning", "device-eye.both")]
    assert "droit" in said[0].text("fr") and "gauche" in said[0].text("fr")
    # Words that stay true once she has chosen (the fact stays with the image, and on the report).
    assert "check the eye by looking at the image" in said[0].text("en")
    assert "vérifiez l'œil en regardant l'image" in said[0].text("fr")
    assert all(f.device_eye() is None for f in out.quality)


def test_a_retinograph_the_device_recorded_as_both_eyes_is_said_so_and_filed_under_neither(
    fundus_frames: list[np.ndarray],
) -> None:
    """Found in an acceptance pass (round 31): ImageLaterality B (« both », as a device writes it for an
    image of the two eyes, a report or a composite) said nothing. Filed under the eye the nurse chose, the
    header sent said that eye alone, and the expert read the whole image as one eye."""
    out = prepared(retinograph(fundus_frames[:1], eye="B"))

    assert out.eye is None
    said = [f for f in out.quality if f.check == "device-eye"]
    assert [(f.level, f.key) for f in said] == [("warning", "device-eye.both-eyes")]
    assert "deux yeux" in said[0].text("fr") and "séparément" in said[0].text("fr")
    assert "both eyes" in said[0].text("en") and "separately" in said[0].text("en")
    assert all(f.device_eye() is None for f in out.quality)


def test_a_retinograph_whose_eye_the_device_left_unknown_is_filed_under_neither_without_a_warning(
    fundus_frames: list[np.ndarray],
) -> None:
    """ImageLaterality U (unknown): the device does not say; the nurse chooses, the disc's side helps."""
    out = prepared(retinograph(fundus_frames[:1], eye="U"))

    assert out.eye is None
    assert [f for f in out.quality if f.check == "device-eye"] == []
    assert [f.key for f in out.quality if f.level != "ok"] == []


def test_an_image_of_one_eye_in_a_series_of_both_eyes_is_filed_under_its_eye(fundus_frames: list[np.ndarray]) -> None:
    """Found in review: a device writing B in the series' Laterality for an exam of both eyes, each image
    with its own ImageLaterality R or L, had every image filed under neither eye and said to show both:
    the image's own laterality says which eye it shows; the series' B says only that the exam took both."""
    ds = pydicom.dcmread(io.BytesIO(retinograph(fundus_frames[:1], eye="R")))
    ds.Laterality = "B"
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)

    prepared_image = prepared(out.getvalue())

    assert prepared_image.eye == "right"
    assert [f.key for f in prepared_image.quality if f.check == "device-eye"] == ["device-eye.right"]


def test_a_dicom_whose_preamble_is_a_tiff_header_is_read_as_the_dicom_it_is(tmp_path: Path) -> None:
    """Found from outside (dicom40): PS3.10 lets the 128-byte preamble hold a TIFF header (a « dual-format »
    file some devices and archives write; pydicom's own CT and MR samples start with « II* »). The file was
    taken for a TIFF by its first bytes and refused as « incomplète ou abîmée : copiez-la à nouveau », a copy
    that could never help; the device folder's watch and the file dialog read it as the DICOM it is."""
    from capture.pipeline import prepare_image_file
    from capture.sniff import sniff

    whole = retinograph([fundus_scene(800, 800, seed=5, eye="left")], eye="L")
    dual = b"II*\x00" + bytes(124) + whole[128:]
    assert sniff(dual) == "dicom"
    path = tmp_path / "IM000001.dcm"
    path.write_bytes(dual)
    out = prepare_image_file(path, specialty="ophthalmology", patient=PATIENT)
    assert out.content_type == "application/dicom" and (out.width, out.height, out.eye) == (800, 800, "left")
    assert_nothing_of_the_site_left(out)


#: Compressions no plugin shipped with Teleavis decodes (no pylibjpeg, no GDCM), as a device may write them,
#: and the name the nurse is told, so that she asks for another export setting, not for a copy.
_UNDECODED = [
    ("1.2.840.10008.1.2.4.70", "JPEG Lossless"),
    ("1.2.840.10008.1.2.4.57", "JPEG Lossless"),
    ("1.2.840.10008.1.2.4.80", "JPEG-LS"),
    ("1.2.840.10008.1.2.4.81", "JPEG-LS"),
    ("1.2.840.10008.1.2.4.201", "HTJ2K"),
]


@pytest.mark.parametrize(("syntax", "said"), _UNDECODED)
def test_a_compression_without_a_decoder_is_named_to_the_nurse(
    fundus_frames: list[np.ndarray], syntax: str, said: str
) -> None:
    """Found from outside (dicom40): « utilise une compression non prise en charge » never said which; the
    nurse at the retinograph's export settings could not tell lossless JPEG from the JPEG it asks for."""
    whole = retinograph(fundus_frames[:1])
    with pytest.raises(ImageRejected) as refused:
        prepared(_recompressed(whole, syntax, b"\xff\xd8\xff\xc3" + bytes(64), "RGB"))
    assert "non prise en charge" in str(refused.value) and said in str(refused.value)


def test_a_twelve_bit_jpeg_is_said_unsupported_and_named_not_damaged() -> None:
    """Found from outside (dicom40): a 12-bit JPEG (JPEG Extended, 1.2.840.10008.1.2.4.51: red-free and
    angiography exports of some cameras) was refused as « incomplète ou abîmée : copiez-la à nouveau » —
    Pillow decodes no 12-bit JPEG, and no copy would help. pydicom's own 12-bit sample is such a file."""
    from pydicom.data import get_testdata_file

    sample = get_testdata_file("JPGExtended.dcm")
    if sample is None:
        pytest.skip("pydicom's 12-bit JPEG sample is not installed")
    with pytest.raises(ImageRejected) as refused:
        prepared(Path(str(sample)).read_bytes())
    said = str(refused.value)
    assert "non prise en charge" in said and "JPEG 12 bits" in said and "abîmée" not in said


def test_a_compression_whose_name_is_unreadable_is_said_unsupported_without_a_question_mark(
    fundus_frames: list[np.ndarray],
) -> None:
    """Found in review (review40j): a transfer syntax that is no UID (a device's bug) was named « (?) » in the
    refusal, a question mark the nurse cannot pass on; the sentence now names no compression then."""
    import warnings

    whole = retinograph(fundus_frames[:1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (pydicom warns that it is no UID, as it writes it)
        bad = _recompressed(whole, "JPEG-LS?", b"\xff\xd8\xff\xc3" + bytes(64), "RGB")
    with pytest.raises(ImageRejected) as refused:
        prepared(bad)
    said = str(refused.value)
    assert "non prise en charge" in said and "DICOM non compressé" in said
    assert "?" not in said and "()" not in said
