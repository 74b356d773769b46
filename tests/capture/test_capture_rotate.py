"""Turning a stored photo (capture.pipeline.rotate_stored): pixels, format, colour profile, findings."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageCms, JpegImagePlugin

from app.errors import ImageRejected
from app.model import QualityFinding
from capture.metadata import png_chunk
from capture.pipeline import _png_chunks, rotate_stored
from tests.support.dicom import vl_photograph
from tests.support.images import jpeg_bytes, skin_photo


def test_a_16_bit_png_keeps_its_depth_and_colour_chunks() -> None:
    pixels = (np.arange(60 * 40, dtype=np.uint16).reshape(40, 60) * 20).astype(np.uint16)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    chunks = _png_chunks(out.getvalue())
    # A gamma and a density that differs per axis, as a scanner writes them, spliced after IHDR.
    extra = [
        (b"gAMA", (45455).to_bytes(4, "big")),
        (b"pHYs", (100).to_bytes(4, "big") + (200).to_bytes(4, "big") + b"\x01"),
    ]
    data = out.getvalue()[:8] + b"".join(png_chunk(k, p) for k, p in chunks[:1] + extra + chunks[1:])

    prepared = rotate_stored(data, quarter_turns=1, specialty="dermatology", findings=[])
    turned = Image.open(io.BytesIO(prepared.data))
    assert turned.mode == "I;16" and turned.size == (40, 60) == (prepared.width, prepared.height)
    assert np.array_equal(np.asarray(turned), np.rot90(pixels, 1))
    kept = dict(_png_chunks(prepared.data))
    assert kept[b"gAMA"] == extra[0][1]
    assert kept[b"pHYs"] == (200).to_bytes(4, "big") + (100).to_bytes(4, "big") + b"\x01", "the axes swap"


def test_a_jpeg_keeps_its_colour_profile_and_full_chroma() -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = jpeg_bytes(skin_photo(640, 480), quality=92, icc_profile=icc, subsampling=0)
    prepared = rotate_stored(data, quarter_turns=-1, specialty="dermatology", findings=[])
    turned = Image.open(io.BytesIO(prepared.data))
    assert isinstance(turned, JpegImagePlugin.JpegImageFile)
    assert turned.size == (480, 640) and turned.info.get("icc_profile") == icc
    assert JpegImagePlugin.get_sampling(turned) == 0
    assert Image.open(io.BytesIO(prepared.thumbnail)).size == (240, 320)


def test_the_notes_about_the_file_are_kept_and_the_checks_run_again() -> None:
    data = jpeg_bytes(skin_photo(1600, 1200), quality=92)
    old = [
        QualityFinding("sharpness", "blocking", "old verdict, on the sideways photo"),
        QualityFinding("resolution-kept", "ok", "halved from 108 Mpx"),
    ]
    prepared = rotate_stored(data, quarter_turns=1, specialty="dermatology", findings=old)
    checks = [finding.check for finding in prepared.quality]
    assert "resolution-kept" in checks and "sharpness" in checks
    assert all(finding.message != "old verdict, on the sideways photo" for finding in prepared.quality)


def test_a_dicom_is_refused_in_words() -> None:
    data = vl_photograph(np.asarray(skin_photo(400, 300)))
    with pytest.raises(ImageRejected, match="DICOM"):
        rotate_stored(data, quarter_turns=1, specialty="dermatology", findings=[])
