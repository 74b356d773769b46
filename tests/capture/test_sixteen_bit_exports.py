"""16-bit PNG and TIFF exports holding 10 or 12 bits of data (a monochrome sensor's, a red-free
retinograph's), as their devices show them. Found from outside: scaled by the full 16 bits, a 12-bit
red-free retinograph came out nearly black, « no retinal field », « far too dark », blocking at every
retake, and the expert would have received it black (the same fault the DICOM import had)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from capture.demo import fundus_scene
from capture.pipeline import prepare_image_bytes


@pytest.fixture(scope="module")
def grey() -> np.ndarray:
    return np.asarray(Image.fromarray(fundus_scene(1200, 900, seed=6, eye="right", field="macula")).convert("L"))


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
@pytest.mark.parametrize("bits", [10, 12])
def test_a_grey_retinograph_of_fewer_bits_in_16_bit_samples_is_seen_as_its_device_shows_it(
    grey: np.ndarray, fmt: str, bits: int
) -> None:
    values = (grey.astype(np.uint32) * ((1 << bits) - 1) // 255).astype(np.uint16)
    buffer = io.BytesIO()
    Image.fromarray(values).save(buffer, fmt)

    prepared = prepare_image_bytes(buffer.getvalue(), filename=f"RF.{fmt.lower()}", specialty="ophthalmology")

    blocking = {f.check: f.message for f in prepared.quality if f.level == "blocking"}
    assert not blocking, blocking
    with Image.open(io.BytesIO(prepared.data)) as sent:  # what the expert receives, not black either
        shown = np.asarray(sent.convert("RGB"))[:, :, 1]
    assert abs(float(shown.mean()) - float(grey.mean())) < 2.0


def test_a_full_range_16_bit_grey_png_is_still_sent_as_it_came(grey: np.ndarray) -> None:
    values = (grey.astype(np.uint16) * 257).astype(np.uint16)
    buffer = io.BytesIO()
    Image.fromarray(values).save(buffer, "PNG")
    prepared = prepare_image_bytes(buffer.getvalue(), filename="RF.png", specialty="ophthalmology")
    with Image.open(io.BytesIO(prepared.data)) as sent:
        assert sent.mode == "I;16"


@pytest.mark.parametrize("ext", [".png", ".tiff"])
def test_a_colour_retinograph_of_12_bits_in_16_bit_samples_is_seen_as_its_device_shows_it(ext: str) -> None:
    """The same in colour: Pillow keeps the high byte of each 16-bit sample, 0 to 15 for 12 bits."""
    from capture.cv import cv2

    rgb = fundus_scene(1200, 900, seed=6, eye="right", field="macula")
    ok, encoded = cv2.imencode(ext, (rgb[:, :, ::-1].astype(np.uint32) * 4095 // 255).astype(np.uint16))
    assert ok

    prepared = prepare_image_bytes(encoded.tobytes(), filename=f"OD{ext}", specialty="ophthalmology")

    blocking = {f.check: f.message for f in prepared.quality if f.level == "blocking"}
    assert not blocking, blocking
    with Image.open(io.BytesIO(prepared.data)) as sent:
        shown = np.asarray(sent.convert("RGB")).astype(int)
    assert np.abs(shown - rgb.astype(int)).mean() < 1.5


def test_a_full_range_16_bit_colour_tiff_keeps_its_scale() -> None:
    from capture.cv import cv2

    rgb = fundus_scene(800, 600, seed=2, eye="left", field="macula")
    ok, encoded = cv2.imencode(".tiff", (rgb[:, :, ::-1].astype(np.uint16) * 257).astype(np.uint16))
    assert ok
    prepared = prepare_image_bytes(encoded.tobytes(), filename="OG.tiff", specialty="ophthalmology")
    with Image.open(io.BytesIO(prepared.data)) as sent:
        assert np.abs(np.asarray(sent.convert("RGB")).astype(int) - rgb.astype(int)).mean() < 1.0
