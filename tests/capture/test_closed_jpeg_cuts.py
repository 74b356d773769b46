"""A JPEG lacking its end marker is imported only when it is whole: cut anywhere, it is refused.

``capture.pipeline._closed`` adds a missing end marker (FF D9) to a photo whose coded data is all there.
Found in review of that change: libjpeg was asked at an eighth of the size, in luminance only, whether it
wanted more data, and at that size it draws each block's mean alone. A baseline photo cut in its last
block's detail or colour, and a progressive photo cut anywhere in its last scan (half of the file as
libjpeg writes it: the luminance detail's last bit, the lower part of the photo coarser), drew the same
there and were imported and sent as whole. Here every cut of several photos (baseline, progressive, with
restart markers, grey, optimised tables, real cameras' photos) is imported: accepted only if what is
stored decodes to the very pixels of the whole photo.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.errors import ImageRejected
from capture.pipeline import prepare_image_bytes
from tests.support.images import jpeg_bytes, skin_photo

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras"


def _pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


def _scan_starts(data: bytes) -> list[int]:
    starts, pos = [], data.find(b"\xff\xda")
    while pos >= 0:
        starts.append(pos)
        pos = data.find(b"\xff\xda", pos + 2)
    return starts


def _made(kind: str) -> bytes:
    photo = skin_photo(1000, 760, seed=3)
    if kind == "baseline":
        return jpeg_bytes(photo, 90)
    if kind == "baseline-444-q50":
        return jpeg_bytes(photo, 50, subsampling=0)
    if kind == "optimised-q95":
        return jpeg_bytes(photo, 95, optimize=True)
    if kind == "restart-rows":
        return jpeg_bytes(photo, 85, restart_marker_rows=1)
    if kind == "restart-blocks":
        return jpeg_bytes(photo, 85, restart_marker_blocks=7)
    if kind == "grey":
        return jpeg_bytes(photo.convert("L"), 90)
    if kind == "progressive":
        return jpeg_bytes(photo, 90, progressive=True)
    if kind == "progressive-q70":
        return jpeg_bytes(photo, 70, progressive=True)
    name = kind.removeprefix("real:")
    if not name.endswith("-progressive"):
        return (REAL / name).read_bytes()
    with Image.open(REAL / name.removesuffix("-progressive")) as real:
        out = io.BytesIO()
        real.convert("RGB").save(out, "JPEG", quality=90, progressive=True)
        return out.getvalue()


def _cuts(data: bytes) -> list[int]:
    """Where the photo is cut: each of its last 48 bytes (its last blocks, their colour, its padding),
    then points spread over its last scan (a progressive one's: the luminance detail's last bit)."""
    end = len(data) - 2  # (data[:end]: all but the end marker)
    last_scan = _scan_starts(data)[-1]
    spread = np.linspace(last_scan + 16, end - 48, 6).astype(int).tolist()
    return sorted({*range(end - 48, end), *spread})


KINDS = [
    "baseline",
    "baseline-444-q50",
    "optimised-q95",
    "restart-rows",
    "restart-blocks",
    "grey",
    "progressive",
    "progressive-q70",
    "real:hdr_canon_hdr_YES.jpg",
    "real:tests_87_OSError.jpg",
    "real:tests_22-canon_tags.jpg-progressive",
]


@pytest.mark.parametrize("kind", KINDS)
def test_a_jpeg_without_its_end_marker_is_taken_only_when_it_is_the_whole_photo(kind: str) -> None:
    data = _made(kind)
    assert data.endswith(b"\xff\xd9")
    # (As the whole photo is stored: one turned upright by its EXIF is written again.)
    whole = _pixels(prepare_image_bytes(data, filename="photo.jpg", specialty="dermatology").data)
    taken_cut_short, said = [], set()
    for cut in _cuts(data):
        try:
            prepared = prepare_image_bytes(data[:cut], filename="photo.jpg", specialty="dermatology")
        except ImageRejected as refused:
            said.add(refused.message)
            continue
        if not np.array_equal(_pixels(prepared.data), whole):
            taken_cut_short.append(len(data) - cut)
    assert taken_cut_short == [], f"imported although cut short (bytes missing): {taken_cut_short}"
    assert all("incomplète ou abîmée" in message for message in said)
    # The whole photo lacking only its end marker is imported as with it.
    lacking = prepare_image_bytes(data[:-2], filename="photo.jpg", specialty="dermatology")
    assert np.array_equal(_pixels(lacking.data), whole)


def _tails() -> dict[str, bytes]:
    noise = np.random.default_rng(0).integers(0, 255, 5000, dtype=np.uint8).tobytes().replace(b"\xff", b"\x11")
    other = jpeg_bytes(skin_photo(1000, 760, seed=9), 90)
    return {
        "zeros-16": bytes(16),
        "zeros-4k": bytes(4096),
        "noise-300": noise[:300],
        "noise-5k": noise,
        "another-photo's-data": other[-3000:-2],
    }


@pytest.mark.parametrize("kind", ["baseline", "restart-rows", "progressive"])
def test_a_jpeg_cut_short_and_followed_by_other_bytes_without_an_end_marker_is_refused(kind: str) -> None:
    """Found in review: a photo cut short and followed by zeros (a copy's file allocated whole) or by
    another file's bytes (a card's next sectors), without an end marker, was closed and imported as whole:
    its decoder read those bytes as the rest of the picture and ended before them. Before the end marker
    was added, such a file was refused; it is again."""
    data = _made(kind)
    end = len(data) - 2
    taken = []
    for short in (30, 200, 1500, 20000):
        for tail, following in _tails().items():
            try:
                prepare_image_bytes(data[: end - short] + following, filename="photo.jpg", specialty="dermatology")
            except ImageRejected:
                continue
            taken.append((short, tail))
    assert taken == []
