"""A lossless photo (TIFF, PNG, WebP) cut short is refused as « incomplète ou abîmée », never imported with
its missing part blank.

Checked on a real camera's photo (tests/fixtures/real-cameras/gps_DSCN0012.jpg: its README names its source and
licence) written as a device writes a TIFF
(its directory first, then its strips or tiles, raw or deflated) and cut at several offsets: Pillow reads a
TIFF's first page whole or raises, as long as its process-wide ``ImageFile.LOAD_TRUNCATED_IMAGES`` stays off.
That switch is the usual answer found for « image file is truncated »: turned on anywhere in the program,
these photos were imported with their missing strips black (seen: every cut below then accepted). The last
test holds that nothing the program imports turns it on."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.errors import ImageRejected
from capture.pipeline import prepare_image_bytes

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "fixtures" / "real-cameras" / "gps_DSCN0012.jpg"
CUTS = (0.3, 0.7, 0.97, 0.995)


def _real_rgb() -> np.ndarray:
    return np.asarray(Image.open(REAL).convert("RGB"))


def device_tiff(rgb: np.ndarray, *, deflate: bool, tile: int | None = None, rows: int = 16) -> bytes:
    """``rgb`` as a little-endian TIFF laid out as devices write it: its directory right after the header,
    then the strips (``rows`` each) or square tiles, raw or deflated (compression 8)."""
    height, width = rgb.shape[:2]
    if tile:
        chunks = []
        for y in range(0, height, tile):
            for x in range(0, width, tile):
                block = np.zeros((tile, tile, 3), np.uint8)
                part = rgb[y : y + tile, x : x + tile]
                block[: part.shape[0], : part.shape[1]] = part
                chunks.append(block.tobytes())
    else:
        chunks = [rgb[y : y + rows].tobytes() for y in range(0, height, rows)]
    if deflate:
        chunks = [zlib.compress(chunk) for chunk in chunks]
    count, entries = len(chunks), 11
    bits = 8 + 2 + 12 * entries + 4
    offsets_at = bits + 6
    counts_at = offsets_at + 4 * count
    offsets, at = [], counts_at + 4 * count
    for chunk in chunks:
        offsets.append(at)
        at += len(chunk)
    layout = [(322, 4, 1, tile), (323, 4, 1, tile), (324, 4, count, offsets_at), (325, 4, count, counts_at)]
    if not tile:
        layout = [(273, 4, count, offsets_at), (278, 4, 1, rows), (279, 4, count, counts_at), (296, 3, 1, 2)]
    tags = sorted(
        [
            (256, 4, 1, width),
            (257, 4, 1, height),
            (258, 3, 3, bits),
            (259, 3, 1, 8 if deflate else 1),
            (262, 3, 1, 2),
            (277, 3, 1, 3),
            (284, 3, 1, 1),
            *layout,
        ]
    )
    assert len(tags) == entries
    out = bytearray(b"II*\0" + struct.pack("<IH", 8, entries))
    for tag, kind, n, value in tags:
        packed = struct.pack("<HH", value, 0) if kind == 3 and n == 1 else struct.pack("<I", value)
        out += struct.pack("<HHI", tag, kind, n) + packed
    out += struct.pack("<I", 0) + struct.pack("<3H", 8, 8, 8)
    out += struct.pack(f"<{count}I", *offsets) + struct.pack(f"<{count}I", *map(len, chunks))
    return bytes(out + b"".join(chunks))


def _pillow(rgb: np.ndarray, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, fmt, **options)
    return out.getvalue()


LAYOUTS = {
    "tiff-raw-strips": lambda rgb: device_tiff(rgb, deflate=False),
    "tiff-deflate-strips": lambda rgb: device_tiff(rgb, deflate=True),
    "tiff-deflate-tiles": lambda rgb: device_tiff(rgb, deflate=True, tile=128),
    "tiff-pillow": lambda rgb: _pillow(rgb, "TIFF"),
    "png": lambda rgb: _pillow(rgb, "PNG"),
    "webp-lossless": lambda rgb: _pillow(rgb, "WEBP", lossless=True),
}
SUFFIX = {"png": "png", "webp-lossless": "webp"}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_real_photo_whole_is_imported_pixel_for_pixel(layout: str) -> None:
    rgb = _real_rgb()
    name = f"photo.{SUFFIX.get(layout, 'tif')}"
    prepared = prepare_image_bytes(LAYOUTS[layout](rgb), filename=name, specialty="dermatology")
    assert (prepared.width, prepared.height) == (rgb.shape[1], rgb.shape[0])
    stored = np.asarray(Image.open(io.BytesIO(prepared.data)).convert("RGB"))
    assert np.array_equal(stored, rgb)


@pytest.mark.parametrize("kept", CUTS)
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_real_photo_cut_short_is_refused_not_imported_blank(layout: str, kept: float) -> None:
    data = LAYOUTS[layout](_real_rgb())
    name = f"photo.{SUFFIX.get(layout, 'tif')}"
    with pytest.raises(ImageRejected, match="incomplète ou abîmée"):
        prepare_image_bytes(data[: int(len(data) * kept)], filename=name, specialty="dermatology")


def test_nothing_the_program_imports_reads_truncated_images() -> None:
    """The switch is process-wide: any module turning it on would let the cuts above through."""
    code = (
        "import app.main, capture.pipeline, capture.watch, capture.dicom, sync.follow, ui.main_window\n"
        "from PIL import ImageFile\n"
        "print(ImageFile.LOAD_TRUNCATED_IMAGES)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
