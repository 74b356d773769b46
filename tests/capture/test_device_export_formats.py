"""Device exports in the formats older fundus cameras and devices write (BMP, JPEG 2000, GIF) are
imported, converted to what the platform receives (JPEG or PNG), with nothing of their metadata: found
from outside, they were refused « not a recognised image », and a device folder of BMPs imported nothing."""

from __future__ import annotations

import io
import pathlib
import struct

import numpy as np
import pytest
from PIL import Image

from app import i18n
from app.errors import ImageRejected
from capture.demo import fundus_scene, skin_scene
from capture.pipeline import prepare_image_bytes, prepare_image_file
from capture.watch import FolderWatcher, pending_files

SECRET = "DUPONT Jean 1950"


@pytest.fixture(scope="module")
def fundus() -> np.ndarray:
    return fundus_scene(1200, 900, seed=5, eye="right", field="macula")


def saved(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


def jp2_with_metadata(rgb: np.ndarray, *, lossless: bool) -> bytes:
    """A JP2 file as a device writes it: an XML (XMP) box naming the patient before its codestream, and a
    comment in the codestream."""
    jp2 = saved(Image.fromarray(rgb), "JPEG2000", irreversible=not lossless, comment=f"Patient {SECRET}")
    xml = f'<x:xmpmeta><rdf:Description dc:creator="{SECRET}"/></x:xmpmeta>'.encode()
    box = struct.pack(">I", 8 + len(xml)) + b"xml " + xml
    at = jp2.index(b"jp2c") - 4
    return jp2[:at] + box + jp2[at:]


@pytest.mark.parametrize("mode", ["RGB", "P", "L", "RGBA"])
def test_a_bmp_export_is_imported_losslessly_as_png(fundus: np.ndarray, mode: str) -> None:
    image = Image.fromarray(fundus).convert(mode)
    data = saved(image, "BMP")

    prepared = prepare_image_bytes(data, filename="OD_0001.BMP", specialty="ophthalmology")

    assert prepared.content_type == "image/png"
    assert (prepared.width, prepared.height) == (1200, 900)
    expected = np.asarray(image.convert("RGB"))
    assert np.array_equal(pixels(prepared.data), expected)
    assert {f.check for f in prepared.quality} >= {"field-of-view", "sharpness", "gradability"}


def test_a_bmp_written_top_down_comes_out_upright(fundus: np.ndarray) -> None:
    """A BMP stores its rows bottom-up unless its height is negative (top-down): both come out upright."""
    data = bytearray(saved(Image.fromarray(fundus), "BMP"))
    (height,) = struct.unpack("<i", data[22:26])
    row = (1200 * 3 + 3) // 4 * 4
    offset = struct.unpack("<I", data[10:14])[0]
    rows = [bytes(data[offset + r * row : offset + (r + 1) * row]) for r in range(height)]
    data[22:26] = struct.pack("<i", -height)
    data[offset:] = b"".join(reversed(rows))

    prepared = prepare_image_bytes(bytes(data), filename="OG.bmp", specialty="ophthalmology")

    assert np.array_equal(pixels(prepared.data), fundus)


@pytest.mark.parametrize(("lossless", "kind"), [(True, "image/png"), (False, "image/jpeg")])
def test_a_jpeg2000_file_is_imported_without_its_metadata(fundus: np.ndarray, lossless: bool, kind: str) -> None:
    data = jp2_with_metadata(fundus, lossless=lossless)
    assert SECRET.encode() in data

    prepared = prepare_image_bytes(data, filename="OD.jp2", specialty="ophthalmology")

    assert prepared.content_type == kind  # lossless stays lossless; a lossy one is not made five times heavier
    assert SECRET.encode() not in prepared.data and b"xmpmeta" not in prepared.data
    assert (prepared.width, prepared.height) == (1200, 900)
    difference = np.abs(pixels(prepared.data).astype(int) - fundus.astype(int)).mean()
    assert difference < (0.01 if lossless else 3.0)


def test_a_bare_jpeg2000_codestream_is_imported(fundus: np.ndarray) -> None:
    data = saved(Image.fromarray(fundus), "JPEG2000", no_jp2=True, irreversible=False)
    prepared = prepare_image_bytes(data, filename="OG_0002.j2k", specialty="ophthalmology")
    assert prepared.content_type == "image/png"
    assert np.array_equal(pixels(prepared.data), fundus)


def test_a_cut_jpeg2000_or_bmp_is_refused_as_damaged(fundus: np.ndarray) -> None:
    for name, data in (
        ("OD.jp2", saved(Image.fromarray(fundus), "JPEG2000")),
        ("OD.bmp", saved(Image.fromarray(fundus), "BMP")),
    ):
        with pytest.raises(ImageRejected, match="incomplète ou abîmée"):
            prepare_image_bytes(data[: len(data) // 2], filename=name, specialty="ophthalmology")


def test_a_gif_is_imported_as_png_and_an_animated_one_says_it_has_several_images() -> None:
    skin = Image.fromarray(skin_scene(1024, 768, seed=2)).convert("P")
    still = prepare_image_bytes(saved(skin, "GIF"), filename="lesion.gif", specialty="dermatology")
    assert still.content_type == "image/png"
    assert np.array_equal(pixels(still.data), np.asarray(skin.convert("RGB")))
    assert "pages" not in {f.check for f in still.quality}

    animated = saved(skin, "GIF", save_all=True, append_images=[skin.rotate(90)], comment=SECRET.encode())
    assert SECRET.encode() in animated
    prepared = prepare_image_bytes(animated, filename="lesion.gif", specialty="dermatology")
    assert SECRET.encode() not in prepared.data
    (pages,) = [f for f in prepared.quality if f.check == "pages"]
    assert pages.level == "warning"


def test_a_bmp_named_jpg_is_imported_by_what_it_is(fundus: np.ndarray) -> None:
    prepared = prepare_image_bytes(saved(Image.fromarray(fundus), "BMP"), filename="OD.jpg", specialty="ophthalmology")
    assert prepared.content_type == "image/png"


def test_what_still_cannot_be_read_is_said_in_both_languages() -> None:
    with pytest.raises(ImageRejected) as french:
        prepare_image_bytes(b"%PDF-1.7 compte rendu", filename="cr.pdf", specialty="ophthalmology")
    assert "BMP" in str(french.value) and "JPEG 2000" in str(french.value)
    i18n.set_language("en")
    with pytest.raises(ImageRejected) as english:
        prepare_image_bytes(b"%PDF-1.7 compte rendu", filename="cr.pdf", specialty="ophthalmology")
    assert "not a recognised image" in str(english.value) and "JPEG 2000" in str(english.value)


def test_a_device_folder_of_bmp_and_jpeg2000_exports_imports_them(tmp_path: pathlib.Path, fundus: np.ndarray) -> None:
    folder = tmp_path / "export" / "2026-12-05"
    folder.mkdir(parents=True)
    (folder / "IMG0001.BMP").write_bytes(saved(Image.fromarray(fundus), "BMP"))
    (folder / "IMG0002.JP2").write_bytes(jp2_with_metadata(fundus, lossless=False))
    (folder / "IMG0003.J2K").write_bytes(saved(Image.fromarray(fundus), "JPEG2000", no_jp2=True))
    (folder / "exam.xml").write_text("<exam/>")
    taken: list[pathlib.Path] = []
    watcher = FolderWatcher(tmp_path / "export", taken.append)

    watcher.scan_once()
    watcher.scan_once()

    names = ["IMG0001.BMP", "IMG0002.JP2", "IMG0003.J2K"]
    assert sorted(p.name for p in taken) == names
    assert sorted(p.name for p in pending_files(tmp_path / "export")) == names
    for path in taken:
        prepared = prepare_image_file(path, specialty="ophthalmology")
        assert prepared.content_type in ("image/jpeg", "image/png")


def test_a_bmp_still_being_copied_is_not_taken(tmp_path: pathlib.Path, fundus: np.ndarray) -> None:
    """A BMP says its whole size in its header: a copy stalled half-way is not handed over as a damaged image."""
    from capture.watch import looks_complete

    data = saved(Image.fromarray(fundus), "BMP")
    path = tmp_path / "IMG0001.BMP"
    path.write_bytes(data[: len(data) // 2])
    assert not looks_complete(path)
    path.write_bytes(data)
    assert looks_complete(path)


def test_the_file_dialog_shows_every_kind_of_export_imported() -> None:
    """The « Images » filter of the file dialog hid the BMP and JPEG 2000 exports the import now takes."""
    from ui.file_dialogs import IMAGE_PATTERNS

    shown = set(IMAGE_PATTERNS.split())
    assert {"*.bmp", "*.jp2", "*.j2k", "*.gif", "*.tif", "*.heic", "*.avif", "*.webp", "*.dcm"} <= shown


def test_an_animated_lossless_webp_stays_lossless() -> None:
    """Its frames are inside ANMF chunks: the VP8L of the first was not seen, and it was made a JPEG."""
    skin = Image.fromarray(skin_scene(1024, 768, seed=2))
    data = saved(skin, "WEBP", save_all=True, append_images=[skin.rotate(90)], lossless=True)
    prepared = prepare_image_bytes(data, filename="lesion.webp", specialty="dermatology")
    assert prepared.content_type == "image/png"
    assert np.array_equal(pixels(prepared.data), np.asarray(skin))


@pytest.mark.parametrize("fmt", ["AVIF", "JPEG2000"])
def test_a_heif_avif_or_jpeg2000_still_being_copied_is_not_taken(tmp_path: pathlib.Path, fmt: str) -> None:
    """Its boxes (or its end marker) say whether it is whole: a phone's photo copied half-way into the
    device folder was handed over and refused as damaged, and never looked at again."""
    from capture.watch import looks_complete

    data = saved(Image.fromarray(skin_scene(640, 480, seed=1)), fmt)
    path = tmp_path / f"IMG_0001.{fmt.lower()}"
    path.write_bytes(data[: len(data) * 2 // 3])
    assert not looks_complete(path)
    path.write_bytes(data)
    assert looks_complete(path)


def test_a_real_heic_still_being_copied_is_not_taken(tmp_path: pathlib.Path) -> None:
    from capture.watch import looks_complete

    data = (pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras" / "IMG_5195.HEIC").read_bytes()
    path = tmp_path / "IMG_5195.HEIC"
    path.write_bytes(data[: len(data) // 2])
    assert not looks_complete(path)
    path.write_bytes(data)
    assert looks_complete(path)


def netpbm(rgb: np.ndarray, *, maxval: int = 255, comment: str = "") -> bytes:
    """A binary Netpbm file as research sets and older capture software write it: P6 (colour, STARE's
    ``im0001.ppm``) or P5 (grey), a comment line after the magic, samples of two bytes past 255."""
    grey = rgb.ndim == 2
    height, width = rgb.shape[:2]
    header = b"P5\n" if grey else b"P6\n"
    if comment:
        header += b"# " + comment.encode() + b"\n"
    header += f"{width} {height}\n{maxval}\n".encode()
    samples = rgb.astype(">u2") if maxval > 255 else rgb.astype(np.uint8)
    return header + samples.tobytes()


def test_a_ppm_retinograph_is_imported_losslessly_as_png_without_its_comment(fundus: np.ndarray) -> None:
    """A public set's retinographs (STARE: 700 × 605 PPM) were refused as « pas une image reconnue … choisissez
    la photo elle-même », though they are the photos themselves."""
    data = netpbm(fundus, comment=f"Patient {SECRET}")

    prepared = prepare_image_bytes(data, filename="im0001.ppm", specialty="ophthalmology")

    assert prepared.content_type == "image/png"
    assert (prepared.width, prepared.height) == (1200, 900)
    assert np.array_equal(pixels(prepared.data), fundus)
    assert SECRET.encode() not in prepared.data
    assert {f.check for f in prepared.quality} >= {"field-of-view", "sharpness", "gradability"}


@pytest.mark.parametrize("colour", [False, True], ids=["pgm-red-free", "ppm-colour"])
def test_a_ten_bit_netpbm_is_seen_as_its_device_shows_it(fundus: np.ndarray, colour: bool) -> None:
    """A retinograph in a 10-bit PGM (red-free) or PPM: its samples over the 10 bits its header says are
    white (read by Pillow, a PGM was stretched on its brightest pixel: not its device's picture)."""
    expected = fundus if colour else np.repeat(fundus[:, :, 1:2], 3, axis=2)
    samples = expected if colour else expected[:, :, 0]
    data = netpbm(samples.astype(np.uint16) * 4, maxval=1023)  # 0..1020 of 1023

    prepared = prepare_image_bytes(data, filename="im0001.ppm", specialty="ophthalmology")

    shown = pixels(prepared.data)
    assert prepared.content_type == "image/png"
    assert float(np.abs(shown.astype(int) - expected.astype(int)).mean()) < 1.0
    assert "field-of-view.missing" not in {f.key for f in prepared.quality}


def test_a_text_beginning_like_a_netpbm_magic_is_still_no_image() -> None:
    with pytest.raises(ImageRejected, match="n'est pas une image reconnue"):
        prepare_image_bytes(b"P6 rapport de consultation\n", filename="notes.txt", specialty="ophthalmology")


def test_a_netpbm_declaring_a_huge_image_is_refused_before_decoding() -> None:
    with pytest.raises(ImageRejected, match="trop grande"):
        prepare_image_bytes(b"P6\n100000 100000\n255\n" + bytes(64), filename="big.ppm", specialty="ophthalmology")


def test_a_ppm_still_being_copied_is_not_taken(tmp_path: pathlib.Path, fundus: np.ndarray) -> None:
    """Its header says its size: a copy stalled half-way is not handed over as a damaged image."""
    from capture.watch import looks_complete

    data = netpbm(fundus, comment="x" * 200)
    path = tmp_path / "im0001.ppm"
    path.write_bytes(data[: len(data) // 2])
    assert not looks_complete(path)
    path.write_bytes(data)
    assert looks_complete(path)


def test_netpbm_is_named_where_the_formats_read_are() -> None:
    from ui.file_dialogs import IMAGE_PATTERNS

    assert {"*.ppm", "*.pgm", "*.pnm"} <= set(IMAGE_PATTERNS.split())
    with pytest.raises(ImageRejected) as french:
        prepare_image_bytes(b"%PDF-1.7 compte rendu", filename="cr.pdf", specialty="ophthalmology")
    assert "PPM" in str(french.value)
    i18n.set_language("en")
    with pytest.raises(ImageRejected) as english:
        prepare_image_bytes(b"%PDF-1.7 compte rendu", filename="cr.pdf", specialty="ophthalmology")
    assert "PPM" in str(english.value)
