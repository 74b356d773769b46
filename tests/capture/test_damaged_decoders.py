"""Damaged files that the decoders running in this process (Pillow's AVIF, TIFF, WebP, JPEG 2000; pydicom)
turned into an error of the program instead of the import's refusal, or into gigabytes of memory.

Found by damaging valid files many ways (cut short, bytes changed in the header and the data, huge sizes in
the header, tiles and fragments of no length or of a huge one: 3 400 files, each imported in a process of its
own, measured for death by signal, more than 20 s, or memory). None of these decoders died, hung or ran
past its memory there; what these tests hold is what was wrong:

- a damaged AVIF made Pillow raise RuntimeError (at the open, and at the decode), not an error the import
  refuses: the device folder's list (which reads each photo's date) did not open, and the import failed as
  a fault of the program;
- a TIFF whose later page had lost its size made Pillow raise TypeError when its pages were counted (its
  first page, whole, is now imported, the nurse told the others could not be read);
- a DICOM element whose VR was damaged made pydicom raise NotImplementedError when it was first read, after
  the file was taken (the device's name);
- a 2 KB DICOM whose JPEG 2000 frame said 13 000 × 13 000 pixels (its header 400 × 400) took 3.2 GB and
  12 s of CPU of the window's process to be refused as damaged after all.

The offsets in ``retina.avif`` were found by changing each of its first 400 bytes to 0x00, 0xFF and 0x01
and opening it with Pillow: the first offset of each kind of RuntimeError."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.errors import ImageRejected
from capture import messages
from capture.pipeline import prepare_image_bytes
from tests.support import dicom as device

ROOT = Path(__file__).resolve().parents[2]
AVIF = ROOT / "tests" / "fixtures" / "damaged" / "retina.avif"

#: (offset, new byte) in retina.avif, and what Pillow raised there.
AVIF_DAMAGES = {
    "Missing or empty image item (at the open)": (81, 0x00),
    "Decoding of color planes failed": (115, 0x00),
    "Not implemented": (209, 0x00),
    "Conversion from YUV failed": (241, 0xFF),
}


def damaged(data: bytes, at: int, value: int) -> bytes:
    changed = bytearray(data)
    changed[at] = value
    return bytes(changed)


def refusal(name: str) -> str:
    return str(messages.rejected("damaged", name=name))


def test_the_avif_before_its_damage_imports() -> None:
    prepared = prepare_image_bytes(AVIF.read_bytes(), filename="retina.avif", specialty="ophthalmology")
    assert (prepared.width, prepared.height) == (400, 400)


@pytest.mark.parametrize("what", list(AVIF_DAMAGES))
def test_a_damaged_avif_is_refused_in_words(what: str) -> None:
    data = damaged(AVIF.read_bytes(), *AVIF_DAMAGES[what])
    with pytest.raises(ImageRejected) as raised:
        prepare_image_bytes(data, filename="IMG_0042.avif", specialty="dermatology")
    assert str(raised.value) == refusal("IMG_0042.avif")
    assert "incomplète ou abîmée" in str(raised.value)


def test_a_damaged_avif_in_the_device_folder_has_no_date(tmp_path: Path) -> None:
    """The device folder's list reads each photo's date when it opens: a damaged AVIF has none, the list opens."""
    from ui.capture_folder import earlier_session, taken_at

    bad = tmp_path / "IMG_0042.avif"
    bad.write_bytes(damaged(AVIF.read_bytes(), *AVIF_DAMAGES["Missing or empty image item (at the open)"]))
    good = tmp_path / "retina.avif"
    good.write_bytes(AVIF.read_bytes())
    assert taken_at(bad) is None
    assert earlier_session([bad, good]) == {}


def retinograph_with_vr(element: bytes, vr: bytes) -> bytes:
    """A retinograph DICOM (explicit VR) whose ``element`` (its tag's 4 bytes) has the VR ``vr``."""
    data = bytearray(device.retinograph([np.full((64, 64, 3), 90, np.uint8)]))
    at = data.find(element, 132)
    assert at > 0
    data[at + 4 : at + 6] = vr
    return bytes(data)


def test_a_dicom_with_a_damaged_element_is_refused_in_words() -> None:
    """(0008,0070) Manufacturer with the VR « L\\xff »: pydicom read it only when the device's name was asked."""
    data = retinograph_with_vr(b"\x08\x00\x70\x00", b"L\xff")
    with pytest.raises(ImageRejected) as raised:
        prepare_image_bytes(data, filename="OD.dcm", specialty="ophthalmology")
    assert str(raised.value) == refusal("OD.dcm")


def test_a_dicom_with_a_damaged_patient_element_in_the_device_folder_says_no_patient(tmp_path: Path) -> None:
    """The device folder's list reads whom each DICOM was recorded for: a damaged patient's name says nobody."""
    from capture.watch import recorded_patient

    path = tmp_path / "OD.dcm"
    path.write_bytes(retinograph_with_vr(b"\x10\x00\x10\x00", b"L\xff"))  # (0010,0010) PatientName
    assert recorded_patient(path) is None


def j2k_retinograph(claimed: int) -> bytes:
    """A 400 × 400 retinograph in JPEG 2000 whose frame's SIZ says ``claimed`` × ``claimed`` (one tile)."""
    from pydicom import dcmread
    from pydicom.encaps import encapsulate
    from pydicom.uid import JPEG2000Lossless

    out = io.BytesIO()
    Image.new("RGB", (64, 64), (120, 60, 30)).save(out, "JPEG2000", irreversible=False, no_jp2=True)
    frame = bytearray(out.getvalue())
    siz = frame.find(b"\xff\x51")
    struct.pack_into(">IIIIII", frame, siz + 6, claimed, claimed, 0, 0, claimed, claimed)
    ds = dcmread(io.BytesIO(device.retinograph([np.zeros((400, 400, 3), np.uint8)])))
    ds.file_meta.TransferSyntaxUID = JPEG2000Lossless
    ds.PhotometricInterpretation = "RGB"
    ds.PixelData = encapsulate([bytes(frame)])
    ds["PixelData"].VR = "OB"
    saved = io.BytesIO()
    ds.save_as(saved, enforce_file_format=True)
    return saved.getvalue()


def jpeg_retinograph(claimed: int) -> bytes:
    """A 400 × 400 retinograph in JPEG baseline whose frame's header (SOF0) says ``claimed`` × ``claimed``."""
    from pydicom import dcmread
    from pydicom.encaps import encapsulate

    out = io.BytesIO()
    Image.new("RGB", (64, 64), (120, 60, 30)).save(out, "JPEG", quality=90)
    frame = bytearray(out.getvalue())
    struct.pack_into(">HH", frame, frame.find(b"\xff\xc0") + 5, claimed, claimed)
    ds = dcmread(io.BytesIO(device.retinograph([np.zeros((400, 400, 3), np.uint8)])))
    ds.PixelData = encapsulate([bytes(frame)])
    ds["PixelData"].VR = "OB"
    saved = io.BytesIO()
    ds.save_as(saved, enforce_file_format=True)
    return saved.getvalue()


@pytest.mark.skipif(sys.platform == "win32", reason="the peak memory is read with the resource module")
@pytest.mark.parametrize("frame", [j2k_retinograph, jpeg_retinograph], ids=["jpeg-2000", "jpeg"])
def test_a_dicom_whose_frame_says_more_pixels_than_its_header_is_refused_before_it_is_decoded(
    tmp_path: Path, frame: Callable[[int], bytes]
) -> None:
    """Its frame's JPEG 2000 (or JPEG) says 8 000 × 8 000 (its header 400 × 400): refused as damaged, and
    without decoding (OpenJPEG made the whole claimed image first: 1.2 GB and 3.5 s of CPU here, 3.2 GB for
    13 000 × 13 000; Pillow's JPEG 1.7 GB and 12 s for 13 000 × 13 000). Run apart, its own peak memory measured."""
    path = tmp_path / "OD.dcm"
    path.write_bytes(frame(8000))
    code = (
        "import pathlib, resource\n"
        "from app.errors import ImageRejected\n"
        "from capture.pipeline import prepare_image_bytes\n"
        "import capture.dicom, pydicom.pixels.decoders.pillow\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        f"    data = pathlib.Path({str(path)!r}).read_bytes()\n"
        "    prepare_image_bytes(data, filename='OD.dcm', specialty='ophthalmology')\n"
        "except ImageRejected as exc:\n"
        "    print('REFUSED', exc)\n"
        "print('GREW_MB', (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), LANG="fr_FR.UTF-8"),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "REFUSED L'image « OD.dcm » est incomplète ou abîmée" in done.stdout
    grew = int(done.stdout.rsplit("GREW_MB", 1)[1])
    assert grew < 100, f"{grew} MB for a 400 x 400 image"


def test_a_dicom_in_jpeg_2000_of_its_header_size_still_imports() -> None:
    """The same file, its frame's size its header's: decoded (the check compares sizes, it refuses no J2K)."""
    from pydicom import dcmread
    from pydicom.encaps import encapsulate
    from pydicom.uid import JPEG2000Lossless

    out = io.BytesIO()
    Image.new("RGB", (400, 400), (120, 60, 30)).save(out, "JPEG2000", irreversible=False, no_jp2=True)
    ds = dcmread(io.BytesIO(device.retinograph([np.zeros((400, 400, 3), np.uint8)])))
    ds.file_meta.TransferSyntaxUID = JPEG2000Lossless
    ds.PhotometricInterpretation = "RGB"
    ds.PixelData = encapsulate([out.getvalue()])
    ds["PixelData"].VR = "OB"
    saved = io.BytesIO()
    ds.save_as(saved, enforce_file_format=True)
    prepared = prepare_image_bytes(saved.getvalue(), filename="OD.dcm", specialty="ophthalmology")
    assert (prepared.width, prepared.height) == (400, 400)


@pytest.mark.parametrize("size", [(2, 2), (480, 2), (2, 360)])
def test_an_image_two_pixels_high_or_wide_is_not_an_error_of_the_program(size: tuple[int, int]) -> None:
    """A damaged AVIF that still decoded, 2 × 360 pixels: the quality checks took the middle of its 2 columns,
    none, and OpenCV's blur raised on it (an error of the program at the import). Any such image did."""
    out = io.BytesIO()
    Image.new("RGB", size, (100, 80, 60)).save(out, "PNG")
    prepared = prepare_image_bytes(out.getvalue(), filename="x.png", specialty="dermatology")
    assert (prepared.width, prepared.height) == size


def _two_page_tiff() -> bytearray:
    """A TIFF of two 64 × 48 pages, the first dark blue-grey (10, 20, 30), the second red (90, 20, 30)."""
    out = io.BytesIO()
    pages = [Image.new("RGB", (64, 48), colour) for colour in ((10, 20, 30), (90, 20, 30))]
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:])
    return bytearray(out.getvalue())


def _tags(data: bytearray, page: int) -> dict[int, int]:
    """Where each tag of the TIFF's ``page`` (0, 1) lies: its entry's offset in ``data``."""
    ifd = struct.unpack_from("<I", data, 4)[0]
    for _ in range(page):
        ifd = struct.unpack_from("<I", data, ifd + 2 + 12 * struct.unpack_from("<H", data, ifd)[0])[0]
    entries = [ifd + 2 + 12 * k for k in range(struct.unpack_from("<H", data, ifd)[0])]
    return {struct.unpack_from("<H", data, at)[0]: at for at in entries}


def test_a_tiff_whose_second_page_has_no_width_imports_its_first_page_and_says_so() -> None:
    """Its pages are counted (the import says when only the first is taken): reading the damaged second page's
    header made Pillow raise TypeError (« Missing dimensions »), an error of the program at the import; then
    the file was refused as damaged, though only its first page is imported and it decodes whole. The first
    page is imported as it is, and the nurse is told the other images could not be read."""
    data = _two_page_tiff()
    struct.pack_into("<H", data, _tags(data, 1)[256], 255)  # (ImageWidth made a tag no reader knows)
    prepared = prepare_image_bytes(bytes(data), filename="scan.tif", specialty="dermatology")
    assert (prepared.width, prepared.height) == (64, 48)
    with Image.open(io.BytesIO(prepared.data)) as stored:
        assert stored.convert("RGB").getpixel((32, 24)) == (10, 20, 30)  # the first page's pixels
    [said] = [f for f in prepared.quality if f.check == "pages"]
    assert (said.level, said.key) == ("warning", "pages.unreadable")
    assert "seule la première est importée" in said.text("fr") and "abîmées" in said.text("fr")
    assert "only the first is imported" in said.text("en") and "damaged" in said.text("en")


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: struct.pack_into("<H", data, _tags(data, 0)[256], 255),  # no width
        lambda data: struct.pack_into("<I", data, _tags(data, 0)[273] + 8, len(data) + 100),  # strip past the end
    ],
    ids=["no-width", "strip-past-the-end"],
)
def test_a_tiff_whose_first_page_is_damaged_is_still_refused(damage: Callable[[bytearray], None]) -> None:
    data = _two_page_tiff()
    damage(data)
    with pytest.raises(ImageRejected) as raised:
        prepare_image_bytes(bytes(data), filename="scan.tif", specialty="dermatology")
    assert str(raised.value) == refusal("scan.tif")


def rle_retinograph_whose_pixels_hold_a_j2k_start() -> bytes:
    """A valid grey RLE Lossless retinograph whose pixels, by chance, hold the bytes that begin a JPEG 2000
    codestream and a size larger than the image (FF 4F FF 51, then what would be its SIZ): bytes an image of
    a few megabytes may hold anywhere. No two bytes alike in a row, so RLE keeps them as they are."""
    from pydicom import dcmread
    from pydicom.uid import ExplicitVRLittleEndian, RLELossless

    pixels = np.random.default_rng(7).integers(0, 255, (64, 64), dtype=np.uint8)
    chance = bytes.fromhex("ff4fff51002f010210203040112131410102030405060708")
    pixels[10, : len(chance)] = np.frombuffer(chance, np.uint8)
    ds = dcmread(io.BytesIO(device.retinograph([np.zeros((8, 8, 3), np.uint8)])))
    ds.Rows, ds.Columns, ds.SamplesPerPixel, ds.PhotometricInterpretation = 64, 64, 1, "MONOCHROME2"
    del ds.PlanarConfiguration
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.PixelData = pixels.tobytes()
    ds.compress(RLELossless, pixels)
    assert chance in bytes(ds.PixelData)
    saved = io.BytesIO()
    ds.save_as(saved, enforce_file_format=True)
    return saved.getvalue()


def test_an_rle_dicom_whose_pixels_hold_a_j2k_start_still_imports() -> None:
    """The frame-size check reads a JPEG 2000 size only in a JPEG 2000 file: in an RLE one it took the pixels'
    bytes for a codestream of 253 million pixels wide and refused a valid retinograph as damaged."""
    image = prepare_image_bytes(
        rle_retinograph_whose_pixels_hold_a_j2k_start(), filename="OD.dcm", specialty="ophthalmology"
    )
    assert image.width == image.height == 64


def retinograph_with_private_vr(vr: bytes) -> bytes:
    """A retinograph with a device's private element (0009,1010) whose VR is ``vr``, as some devices write."""
    from pydicom import dcmread

    ds = dcmread(io.BytesIO(device.retinograph([np.full((64, 64, 3), 90, np.uint8)])))
    ds.private_block(0x0009, "ACME FUNDUS", create=True).add_new(0x10, "LO", "MARKERVALUE1")
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    data = bytearray(out.getvalue())
    at = data.find(b"LO\x0c\x00MARKERVALUE1")
    assert at > 0
    data[at : at + 2] = vr
    return bytes(data)


@pytest.mark.parametrize("vr", [b"XX", b"L\xff"])
def test_a_retinograph_whose_private_element_has_an_odd_vr_still_imports(vr: bytes) -> None:
    """A device's private element is never kept (the copy keeps only what the allow-list names): one whose VR
    no standard has is no damage to the image. Reading every element up front refused the retinograph."""
    image = prepare_image_bytes(retinograph_with_private_vr(vr), filename="OD.dcm", specialty="ophthalmology")
    assert image.width == image.height == 64
