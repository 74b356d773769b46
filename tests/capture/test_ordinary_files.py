"""Ordinary files as devices and editors write them, through the import and the reduced copy.

Found from outside (an audit of real-life files): a TIFF with an orientation was turned twice (sent
mirrored or upside down); a transparent PNG was judged, and sent reduced, on the pixels hidden under
its transparent parts; a reduced copy of a 16-bit grey image was white, and every reduced copy lost
its colour profile; a panorama one pixel high stopped the whole import with an internal error.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms

from capture.demo import skin_scene
from capture.metadata import png_chunk
from capture.pipeline import prepare_image_bytes
from sync.reduced import reduced_copy


def _pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


def _asymmetric(width: int = 60, height: int = 40) -> Image.Image:
    """Four different corners: any turn or mirror shows."""
    rgb = np.zeros((height, width, 3), np.uint8)
    rgb[: height // 2, : width // 2] = (255, 0, 0)
    rgb[: height // 2, width // 2 :] = (0, 255, 0)
    rgb[height // 2 :, : width // 2] = (0, 0, 255)
    rgb[height // 2 :, width // 2 :] = (255, 255, 0)
    return Image.fromarray(rgb)


#: What Pillow does to make each EXIF orientation upright: the reference the import is checked against.
PILLOW_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@pytest.mark.parametrize("orientation", range(1, 9))
def test_a_tiff_is_turned_upright_once_as_its_orientation_says(orientation: int) -> None:
    raw = _asymmetric()
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    raw.save(out, "TIFF", exif=exif)

    prepared = prepare_image_bytes(out.getvalue(), filename="scan.tif", specialty="dermatology")

    expected = np.asarray(raw.transpose(PILLOW_UPRIGHT[orientation]) if orientation > 1 else raw)
    assert (prepared.height, prepared.width) == expected.shape[:2]
    assert np.array_equal(_pixels(prepared.data), expected)


def _transparent_png() -> bytes:
    """A photo whose left half an editor made transparent (a face erased), the pixels still under it."""
    rgba = np.zeros((600, 800, 4), np.uint8)
    rgba[:, :, :3] = skin_scene(800, 600, seed=2)
    rgba[:, :, 3] = 255
    rgba[:, :400, :3] = (200, 30, 30)  # what the editor erased
    rgba[:, :400, 3] = 0
    out = io.BytesIO()
    Image.fromarray(rgba).save(out, "PNG")
    return out.getvalue()


def test_a_transparent_png_is_stored_judged_and_sent_on_white() -> None:
    prepared = prepare_image_bytes(_transparent_png(), filename="retouche.png", specialty="dermatology")

    with Image.open(io.BytesIO(prepared.data)) as stored:
        assert "A" not in stored.mode and "transparency" not in stored.info
    erased = _pixels(prepared.data)[:, :400]
    assert erased.min() == 255, "the erased part is white, not what was under it"
    assert _pixels(prepared.thumbnail)[:, :150].mean() > 250


def test_a_reduced_copy_keeps_a_16_bit_grey_image_and_puts_transparency_on_white() -> None:
    # A grey ramp with a sensor's grain (so its PNG is larger than its reduced JPEG copy).
    grain = np.random.default_rng(1).integers(-600, 600, (3100, 3200))
    ramp = np.clip(np.linspace(0, 65535, 3200)[None, :] + grain, 0, 65535).astype(np.uint16)
    out = io.BytesIO()
    Image.fromarray(ramp).save(out, "PNG")
    copy = reduced_copy(out.getvalue(), "image/png")
    assert copy is not None
    grey = _pixels(copy[0])
    assert abs(grey.mean() - 127.5) < 3, "a plain conversion clipped the 16-bit values to white"

    big = np.zeros((3100, 3200, 4), np.uint8)
    big[:, :, :3] = np.asarray(Image.fromarray(skin_scene(800, 775, seed=4)).resize((3200, 3100)))
    big[:, :, 3] = 255
    big[:, :1600, :3], big[:, :1600, 3] = (200, 30, 30), 0
    out = io.BytesIO()
    Image.fromarray(big).save(out, "PNG")
    copy = reduced_copy(out.getvalue(), "image/png")
    assert copy is not None and _pixels(copy[0])[:, :1400].min() == 255


def test_a_reduced_copy_keeps_the_photos_colour_profile() -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.fromarray(skin_scene(4000, 3000, seed=5)).save(out, "JPEG", quality=98, icc_profile=profile)
    copy = reduced_copy(out.getvalue(), "image/jpeg")
    assert copy is not None
    with Image.open(io.BytesIO(copy[0])) as reduced:
        assert reduced.info.get("icc_profile") == profile


def test_a_panorama_one_pixel_high_is_judged_not_an_internal_error() -> None:
    out = io.BytesIO()
    Image.fromarray(np.full((1, 8000, 3), 128, np.uint8)).save(out, "JPEG")
    prepared = prepare_image_bytes(out.getvalue(), filename="pano.jpg", specialty="dermatology")
    assert (prepared.width, prepared.height) == (8000, 1)
    assert any(f.level == "blocking" for f in prepared.quality)


def test_a_phones_108_mpx_photo_is_kept_at_half_its_size() -> None:
    """Found from outside: a photo taken in a phone's 108 or 200 Mpx mode was refused, and once the
    patient had left it could never be sent. libjpeg decodes it halved (27 Mpx), and that is kept."""
    big = Image.fromarray(skin_scene(1500, 1125, seed=4)).resize((12000, 9000), Image.Resampling.NEAREST)
    out = io.BytesIO()
    big.save(out, "JPEG", quality=85)
    del big
    prepared = prepare_image_bytes(out.getvalue(), filename="20261202_101112.jpg", specialty="dermatology")
    assert (prepared.width, prepared.height) == (6000, 4500)
    with Image.open(io.BytesIO(prepared.data)) as kept:
        assert kept.size == (6000, 4500) and kept.format == "JPEG"
    said = [f for f in prepared.quality if f.check == "resolution-kept"]
    assert said and said[0].level == "ok" and "Photo de 108 mégapixels gardée en 27 mégapixels" in said[0].message
    assert not any(f.level == "blocking" for f in prepared.quality)


def test_a_photo_too_large_even_halved_is_refused_with_the_way_out() -> None:
    from app.errors import ImageRejected

    out = io.BytesIO()
    Image.new("RGB", (16, 16), (120, 90, 80)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = (17000).to_bytes(2, "big") + (20000).to_bytes(2, "big")  # what the header declares
    with pytest.raises(ImageRejected) as refused:
        prepare_image_bytes(bytes(data), filename="20261202_101112.jpg", specialty="dermatology")
    assert "340 mégapixels" in refused.value.message and "taille normale (12 à 50 mégapixels" in refused.value.message


def test_a_16_bit_grey_png_with_a_transparent_value_keeps_its_greys() -> None:
    """Seen in review: its transparency sent it through the colour conversion, which clipped every
    16-bit value to white."""
    grey = np.full((40, 60), 30000, np.uint16)
    grey[:, :10] = 5  # the transparent value
    out = io.BytesIO()
    Image.fromarray(grey).save(out, "PNG", transparency=5)
    prepared = prepare_image_bytes(out.getvalue(), filename="scan16.png", specialty="dermatology")
    pixels = _pixels(prepared.data)
    assert abs(int(pixels[:, 30:].mean()) - 30000 * 255 // 65535) <= 1 and pixels[:, :10].min() == 255


def test_a_tiff_of_several_pages_says_only_the_first_is_imported() -> None:
    """Seen from outside: a scanner's or a device's multi-page TIFF gave its first page without a word."""
    first = Image.fromarray(skin_scene(1200, 900, seed=1))
    out = io.BytesIO()
    first.save(out, "TIFF", save_all=True, append_images=[first.rotate(90), first.rotate(180)])
    prepared = prepare_image_bytes(out.getvalue(), filename="examen.tif", specialty="dermatology")
    said = [f for f in prepared.quality if f.check == "pages"]
    assert said and said[0].level == "warning" and "contient 3 images : seule la première" in said[0].message
    assert (prepared.width, prepared.height) == (1200, 900)


def test_a_tiff_in_jpeg_is_kept_as_jpeg_not_made_five_times_heavier() -> None:
    out = io.BytesIO()
    Image.fromarray(skin_scene(1200, 900, seed=1)).save(out, "TIFF", compression="jpeg", quality=90)
    prepared = prepare_image_bytes(out.getvalue(), filename="derma.tif", specialty="dermatology")
    assert prepared.content_type == "image/jpeg"
    assert len(prepared.data) < 2 * len(out.getvalue())
    assert not [f for f in prepared.quality if f.check == "pages"]


# --- a broken colour profile -----------------------------------------------------------------------

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
#: A profile whose header says RGB but whose tags are overwritten (a transfer cut short, a buggy editor).
_GARBLED = _SRGB[:128] + b"\xff" * (len(_SRGB) - 128)
_REAL_WITH_PROFILE = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras" / "orientation_landscape_2.jpg"


def _app2(payload: bytes) -> bytes:
    return b"\xff\xe2" + struct.pack(">H", len(payload) + 2) + payload


def _plain_jpeg(**options: object) -> bytes:
    out = io.BytesIO()
    Image.fromarray(skin_scene(1200, 900, seed=4)).save(out, "JPEG", quality=90, **options)
    return out.getvalue()


def _plain_png() -> bytes:
    out = io.BytesIO()
    Image.fromarray(skin_scene(1200, 900, seed=4)).save(out, "PNG")
    return out.getvalue()


def _after_ihdr(png: bytes, chunk: bytes) -> bytes:
    return png[:33] + chunk + png[33:]


def _real_photo_with_its_profile_garbled() -> bytes:
    """A real camera photo (tests/fixtures/real-cameras) whose ICC profile's tags are overwritten."""
    data = bytearray(_REAL_WITH_PROFILE.read_bytes())
    start = data.index(b"ICC_PROFILE\x00") + 14
    data[start + 128 : start + 400] = b"\xff" * 272
    return bytes(data)


def _turned_jpeg_with(profile: bytes) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6
    return _plain_jpeg(icc_profile=profile, exif=exif)


def _tiff_with(profile: bytes) -> bytes:
    out = io.BytesIO()
    Image.fromarray(skin_scene(1200, 900, seed=4)).save(out, "TIFF", icc_profile=profile)
    return out.getvalue()


def _bad_crc(chunk: bytes) -> bytes:
    return chunk[:-4] + bytes(4)


BROKEN_PROFILES = {
    "real-jpeg-garbled": _real_photo_with_its_profile_garbled,
    "jpeg-garbled": lambda: _plain_jpeg(icc_profile=_GARBLED),
    "jpeg-cut-short": lambda: _plain_jpeg(icc_profile=_SRGB[:100]),
    "jpeg-turned-garbled": lambda: _turned_jpeg_with(_GARBLED),
    "jpeg-app2-without-numbers": lambda: _plain_jpeg()[:2] + _app2(b"ICC_PROFILE\x00") + _plain_jpeg()[2:],
    "jpeg-app2-2-of-3": lambda: _plain_jpeg()[:2] + _app2(b"ICC_PROFILE\x00\x02\x03" + _SRGB) + _plain_jpeg()[2:],
    "png-garbled": lambda: _after_ihdr(_plain_png(), png_chunk(b"iCCP", b"cam\x00\x00" + zlib.compress(_GARBLED))),
    "png-not-zlib": lambda: _after_ihdr(_plain_png(), png_chunk(b"iCCP", b"cam\x00\x00not zlib data")),
    "png-bad-checksum": lambda: _after_ihdr(
        _plain_png(), _bad_crc(png_chunk(b"iCCP", b"cam\x00\x00" + zlib.compress(_SRGB)))
    ),
    "png-unknown-method": lambda: _after_ihdr(_plain_png(), png_chunk(b"iCCP", b"cam\x00\x01" + zlib.compress(_SRGB))),
    "png-empty-chunk": lambda: _after_ihdr(_plain_png(), png_chunk(b"iCCP", b"")),
    "tiff-garbled": lambda: _tiff_with(_GARBLED),
}


@pytest.mark.parametrize("case", BROKEN_PROFILES)
def test_a_broken_colour_profile_is_left_out_and_the_photo_kept(case: str) -> None:
    """Found from outside: a photo whose ICC profile was damaged (corrupt APP2 or iCCP bytes) was refused
    as « abîmée », stopped the import with an internal error, or went to the expert with a profile no
    colour-managed viewer reads. The profile is dropped (colours as sRGB), the photo kept, and it is said."""
    data = BROKEN_PROFILES[case]()
    prepared = prepare_image_bytes(data, filename="photo", specialty="dermatology")
    with Image.open(io.BytesIO(prepared.data)) as stored:
        stored.load()
        assert not stored.info.get("icc_profile")
        assert sorted(stored.size) == ([450, 600] if case.startswith("real") else [900, 1200])
    assert b"ICC_PROFILE" not in prepared.data and b"iCCP" not in prepared.data
    note = [f for f in prepared.quality if f.check == "colour-profile"]
    assert len(note) == 1 and note[0].level == "ok"
    assert "profil de couleur" in note[0].message and "photo est gardée" in note[0].message
    assert "colour profile is damaged" in note[0].text("en")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "TIFF"])
def test_a_whole_colour_profile_is_kept_and_nothing_said(fmt: str) -> None:
    out = io.BytesIO()
    Image.fromarray(skin_scene(1200, 900, seed=4)).save(out, fmt, icc_profile=_SRGB)
    prepared = prepare_image_bytes(out.getvalue(), filename="photo", specialty="dermatology")
    with Image.open(io.BytesIO(prepared.data)) as stored:
        assert stored.info.get("icc_profile") == _SRGB
    assert not [f for f in prepared.quality if f.check == "colour-profile"]
