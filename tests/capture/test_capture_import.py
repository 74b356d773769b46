"""Every import format, metadata stripping, and refusal of bad input (issue: what must be shown)."""

from __future__ import annotations

import dataclasses
import io
import pathlib
import struct
import zlib

import numpy as np
import pillow_heif
import pydicom
import pytest
from PIL import Image, ImageCms
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import ExplicitVRLittleEndian, JPEGBaseline8Bit, generate_uid

from app import i18n
from app.errors import ImageRejected
from app.model import Patient
from app.moments import is_fhir_date_time
from capture.dicom import OP_SOP_CLASS, VL_PHOTO_SOP_CLASS
from capture.metadata import jpeg_scans, png_chunk
from capture.pipeline import prepare_image_bytes, prepare_image_file
from tests.capture.capture_labelled import jpeg_bytes
from tests.support.jpeg import jpeg_layout, metadata_left

GPS_IFD, EXIF_IFD = 0x8825, 0x8769
BODY_SERIAL, DATETIME_ORIGINAL, MAKE, MODEL, ORIENTATION = 0xA431, 0x9003, 0x010F, 0x0110, 0x0112
PATIENT = Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male", local_id="D-2291")
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def exif_with_everything(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "Apple"
    exif[MODEL] = "iPhone 13"
    exif[ORIENTATION] = orientation
    exif[0x010E] = "Photo de Paul Martin"  # ImageDescription: patient name in free text
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
    exif.get_ifd(EXIF_IFD).update({BODY_SERIAL: "SN-4242-XYZ", DATETIME_ORIGINAL: "2026:11:20 10:11:12"})
    return exif


def test_jpeg_loses_gps_serial_and_comment_but_keeps_its_compressed_data(skin_rgb: np.ndarray) -> None:
    original = jpeg_bytes(
        skin_rgb,
        exif=exif_with_everything(),
        comment=b"Paul Martin, 12 rue des Lilas",
        icc_profile=SRGB,
    )
    assert b"SN-4242-XYZ" in original and b"Lilas" in original

    prepared = prepare_image_bytes(original, filename="dos.jpg", specialty="dermatology")

    assert prepared.content_type == "image/jpeg"
    for secret in (b"SN-4242-XYZ", b"Lilas", b"Paul Martin", b"GPS", b"Exif\x00\x00"):
        assert secret not in prepared.data
    with Image.open(io.BytesIO(prepared.data)) as image:
        assert len(image.getexif()) == 0
        assert "comment" not in image.info
        assert image.info.get("icc_profile") == SRGB
    # No generation loss: the entropy-coded scans are the original bytes.
    assert jpeg_scans(prepared.data) == jpeg_scans(original)
    assert (prepared.width, prepared.height) == (1280, 960)
    # Local wall-clock time from the file, completed with the workstation's zone (FHIR needs one).
    assert prepared.captured_at and prepared.captured_at.startswith("2026-11-20T10:11:12")
    assert is_fhir_date_time(prepared.captured_at)
    assert prepared.device == "Apple iPhone 13"
    assert prepared.modality == "XC"


def _app0(payload: bytes) -> bytes:
    return b"\xff\xe0" + struct.pack(">H", len(payload) + 2) + payload


def test_jpeg_loses_its_app0_thumbnails_and_vendor_data(skin_rgb: np.ndarray) -> None:
    # A JFIF header carrying a 4×2 RGB thumbnail, a JFXX extension with a JPEG thumbnail of the
    # uncropped photo, and a vendor's APP0 (webcams write AVI1): only the bare JFIF header may stay.
    plain = jpeg_bytes(skin_rgb)
    assert plain[2:4] == b"\xff\xe0"
    (length,) = struct.unpack(">H", plain[4:6])
    rest = plain[4 + length :]
    jfif = _app0(b"JFIF\x00\x01\x02\x00\x00\x48\x00\x48\x04\x02" + bytes([200, 10, 10]) * 8)
    jfxx = _app0(b"JFXX\x00\x10" + jpeg_bytes(skin_rgb[:64, :64]) + b"Paul Martin")
    vendor = _app0(b"AVI1\x00" + b"Cabinet Dupont" + b"\x00" * 8)
    original = b"\xff\xd8" + jfif + jfxx + vendor + rest

    prepared = prepare_image_bytes(original, filename="dos.jpg", specialty="dermatology")

    assert metadata_left(prepared.data) == []
    for secret in (b"JFXX", b"Paul Martin", b"AVI1", b"Dupont", bytes([200, 10, 10]) * 8):
        assert secret not in prepared.data
    header = jpeg_layout(prepared.data).segments[0]
    assert header.name == "APP0" and header.payload == b"JFIF\x00\x01\x02\x00\x00\x48\x00\x48\x00\x00"
    assert jpeg_scans(prepared.data) == jpeg_scans(original)


def test_rotated_jpeg_is_turned_upright_and_reencoded(skin_rgb: np.ndarray) -> None:
    original = jpeg_bytes(skin_rgb, exif=exif_with_everything(orientation=6))

    prepared = prepare_image_bytes(original, filename="bras.jpg", specialty="dermatology")

    assert (prepared.width, prepared.height) == (960, 1280)
    assert b"SN-4242-XYZ" not in prepared.data
    with Image.open(io.BytesIO(prepared.data)) as image:
        assert image.size == (960, 1280)
        assert image.getexif().get(ORIENTATION) is None
        upright = np.asarray(image.convert("RGB"), dtype=np.float32)
    expected = np.rot90(skin_rgb, k=-1).astype(np.float32)  # orientation 6: rotate 90° clockwise
    assert float(np.mean(np.abs(upright - expected))) < 6.0


def test_png_text_chunks_are_removed_and_pixels_kept(skin_rgb: np.ndarray) -> None:
    buffer = io.BytesIO()
    Image.fromarray(skin_rgb).save(buffer, "PNG")
    data = buffer.getvalue()
    text = png_chunk(b"tEXt", b"Comment\x00Paul Martin")
    data = data[:33] + text + data[33:]  # after IHDR

    prepared = prepare_image_bytes(data, filename="plaie.png", specialty="wound-care")

    assert prepared.content_type == "image/png"
    assert b"Paul Martin" not in prepared.data
    with Image.open(io.BytesIO(prepared.data)) as image:
        assert np.array_equal(np.asarray(image.convert("RGB")), skin_rgb)


def test_tiff_becomes_lossless_png(skin_rgb: np.ndarray) -> None:
    buffer = io.BytesIO()
    Image.fromarray(skin_rgb).save(buffer, "TIFF", compression="tiff_lzw")

    prepared = prepare_image_bytes(buffer.getvalue(), filename="scan.tif", specialty="dermatology")

    assert prepared.content_type == "image/png"
    with Image.open(io.BytesIO(prepared.data)) as image:
        assert np.array_equal(np.asarray(image.convert("RGB")), skin_rgb)


def test_heic_from_an_iphone_is_imported_as_jpeg(skin_rgb: np.ndarray) -> None:
    heif = pillow_heif.from_pillow(Image.fromarray(skin_rgb))
    buffer = io.BytesIO()
    heif.save(buffer, quality=90)

    prepared = prepare_image_bytes(buffer.getvalue(), filename="IMG_0042.HEIC", specialty="dermatology")

    assert prepared.content_type == "image/jpeg"
    assert (prepared.width, prepared.height) == (1280, 960)
    with Image.open(io.BytesIO(prepared.data)) as image:
        assert image.format == "JPEG"


def dicom_file(
    rgb: np.ndarray, *, compressed: bool, sop_class: str = OP_SOP_CLASS, pixels: bool = True, laterality: str = "L"
) -> bytes:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = JPEGBaseline8Bit if compressed else ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "OP" if sop_class == OP_SOP_CLASS else "XC"
    ds.PatientName = "DEMO^Patient"
    ds.PatientID = "RETINO-0001"
    ds.PatientBirthDate = "19700101"
    ds.OtherPatientIDs = "OTHER-99"
    ds.DeviceSerialNumber = "CAM-SERIAL-777"
    ds.Manufacturer = "Topcon"
    ds.ManufacturerModelName = "TRC-NW400"
    ds.ImageLaterality = laterality
    ds.SeriesDescription = "Color Fundus Macula 45"
    ds.AcquisitionDateTime = "20261120101112"
    ds.add_new(0x00091010, "LO", "private name Paul")
    if pixels:
        ds.Rows, ds.Columns = rgb.shape[:2]
        ds.SamplesPerPixel = 3
        ds.BitsAllocated = ds.BitsStored = 8
        ds.HighBit = 7
        ds.PixelRepresentation = 0
        ds.PlanarConfiguration = 0
        if compressed:
            buffer = io.BytesIO()
            Image.fromarray(rgb).save(buffer, "JPEG", quality=92, subsampling=1)
            ds.PhotometricInterpretation = "YBR_FULL_422"
            ds.PixelData = encapsulate([buffer.getvalue()])
            ds["PixelData"].VR = "OB"
            ds.LossyImageCompression = "01"
        else:
            ds.PhotometricInterpretation = "RGB"
            ds.PixelData = rgb.tobytes()
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


@pytest.mark.parametrize("compressed", [True, False], ids=["jpeg-compressed", "uncompressed"])
def test_dicom_ophthalmic_photography(fundus_rgb: np.ndarray, compressed: bool) -> None:
    data = dicom_file(fundus_rgb, compressed=compressed)

    prepared = prepare_image_bytes(data, filename="OD_0001.dcm", specialty="ophthalmology", patient=PATIENT)

    assert prepared.content_type == "application/dicom"
    assert (prepared.modality, prepared.eye, prepared.view) == ("OP", "left", "macula")
    # Local wall-clock time from the file, completed with the workstation's zone (FHIR needs one).
    assert prepared.captured_at and prepared.captured_at.startswith("2026-11-20T10:11:12")
    assert is_fhir_date_time(prepared.captured_at)
    assert prepared.device == "Topcon TRC-NW400"
    assert (prepared.width, prepared.height) == (1600, 1200)
    for gone in (b"DEMO", b"RETINO-0001", b"OTHER-99", b"CAM-SERIAL-777", b"private name"):
        assert gone not in prepared.data
    ds = pydicom.dcmread(io.BytesIO(prepared.data))
    assert str(ds.PatientName) == "MARTIN^Paul"
    assert ds.PatientID == "D-2291"
    assert ds.PatientBirthDate == "19500203"
    assert ds.PatientSex == "M"
    # The image itself is untouched (a JPEG DICOM is not re-compressed).
    assert {finding.check for finding in prepared.quality} >= {"field-of-view", "gradability", "sharpness"}
    decoded = pydicom.pixels.utils.pixel_array(ds)
    assert float(np.mean(np.abs(decoded.astype(np.float32) - fundus_rgb))) < 4.0


def test_dicom_vl_photograph_is_a_photograph(skin_rgb: np.ndarray) -> None:
    data = dicom_file(skin_rgb, compressed=True, sop_class=VL_PHOTO_SOP_CLASS, laterality="")

    prepared = prepare_image_bytes(data, filename="derm.dcm", specialty="dermatology", patient=None)

    assert prepared.modality == "XC"
    assert prepared.eye is None
    assert b"DEMO" not in prepared.data


def test_a_file_is_read_by_path_and_left_untouched(tmp_path: pathlib.Path, skin_rgb: np.ndarray) -> None:
    path = tmp_path / "Paul Martin" / "photo.jpg"
    path.parent.mkdir()
    data = jpeg_bytes(skin_rgb, exif=exif_with_everything())
    path.write_bytes(data)

    prepared = prepare_image_file(path, specialty="dermatology")

    assert prepared.width == 1280
    assert path.read_bytes() == data


# --- bad input -----------------------------------------------------------------------------------


def png_bomb() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    row = b"\x00" + b"\x00" * 3 * 60000
    compressor = zlib.compressobj(9)
    idat = compressor.compress(row * 50) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def bad_inputs(skin_rgb: np.ndarray, fundus_rgb: np.ndarray) -> dict[str, tuple[str, bytes, str]]:
    whole = jpeg_bytes(skin_rgb)
    return {
        "empty": ("vide.jpg", b"", "vide"),
        "truncated-jpeg": ("coupee.jpg", whole[: len(whole) // 2], "incomplète"),
        "text-as-jpeg": ("notes.jpg", b"Compte rendu de Paul Martin", "pas une image"),
        "png-bomb": ("bombe.png", png_bomb(), "trop grande"),
        "dicom-without-pixels": (
            "rapport.dcm",
            dicom_file(fundus_rgb, compressed=False, pixels=False),
            "ne contient pas d'image",
        ),
        "truncated-dicom": ("coupe.dcm", _cut(dicom_file(fundus_rgb, compressed=True)), "incomplète"),
        "truncated-png": ("coupe.png", _png(skin_rgb)[:-5000], "incomplète"),
    }


def _cut(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


def _png(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "case",
    ["empty", "truncated-jpeg", "text-as-jpeg", "png-bomb", "dicom-without-pixels", "truncated-dicom", "truncated-png"],
)
def test_bad_input_is_refused_with_a_clear_message(case: str, skin_rgb: np.ndarray, fundus_rgb: np.ndarray) -> None:
    filename, data, expected = bad_inputs(skin_rgb, fundus_rgb)[case]

    with pytest.raises(ImageRejected) as caught:
        prepare_image_bytes(data, filename=f"/home/infirmiere/Paul Martin/{filename}", specialty="dermatology")

    text = caught.value.message
    assert expected in text
    assert filename in text
    assert "Paul Martin" not in text and "/home" not in text
    assert text.endswith(".")


def test_a_jpeg_named_dcm_is_read_as_the_jpeg_it_is(skin_rgb: np.ndarray) -> None:
    prepared = prepare_image_bytes(jpeg_bytes(skin_rgb), filename="image.dcm", specialty="dermatology")
    assert prepared.content_type == "image/jpeg"


def test_messages_follow_the_users_language() -> None:
    i18n.set_language("en")
    with pytest.raises(ImageRejected, match="is not a recognised image"):
        prepare_image_bytes(b"hello", filename="x.jpg", specialty="dermatology")


def test_missing_file_is_refused(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ImageRejected, match="ne peut pas être lu"):
        prepare_image_file(tmp_path / "absent.jpg", specialty="dermatology")


@pytest.mark.parametrize(("status", "sent"), [("provisional", "D-2291"), ("validated", "D-2291"), ("qualified", "INS")])
def test_a_dicom_carries_the_ins_only_when_the_platform_gets_it(fundus_rgb: np.ndarray, status: str, sent: str) -> None:
    """The INS of an identity not qualified went out inside every DICOM (PatientID), though the contract
    sends it only for a qualified identity: an unchecked INS may be another person's (outside audit)."""
    ins = "150028512345615"
    patient = dataclasses.replace(PATIENT, ins=ins, identity_status=status)
    prepared = prepare_image_bytes(
        dicom_file(fundus_rgb, compressed=False), filename="OD.dcm", specialty="ophthalmology", patient=patient
    )
    ds = pydicom.dcmread(io.BytesIO(prepared.data))
    assert ds.PatientID == (ins if sent == "INS" else sent)
    assert (ins.encode() in prepared.data) is (sent == "INS")


def test_a_cmyk_profile_never_describes_the_rgb_copy(skin_rgb: np.ndarray) -> None:
    """A CMYK TIFF's profile was attached to its RGB copy: a file colour-managed viewers refuse to read
    (« cannot build transform »), the colours judged wrong (outside import audit)."""
    cmyk_profile = bytes(16) + b"CMYK" + bytes(108)
    source = io.BytesIO()
    Image.fromarray(skin_rgb).convert("CMYK").save(source, "TIFF", icc_profile=cmyk_profile)
    prepared = prepare_image_bytes(source.getvalue(), filename="scan.tif", specialty="dermatology")
    with Image.open(io.BytesIO(prepared.data)) as image:
        assert image.mode == "RGB" and "icc_profile" not in image.info
