"""Red-free retinographs (taken through the camera's green filter, to show vessels and haemorrhages) are
judged as retinographs. Found from outside: a device writing one in colour, its green channel alone, had
its field « not found » (blocking: the field was sought in the red channel, black there) and its colours
called a green cast; a grey one was already judged right, and stays so."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from capture.demo import fundus_scene
from capture.pipeline import prepare_image_bytes


@pytest.fixture(scope="module")
def green() -> np.ndarray:
    rgb = fundus_scene(1600, 1200, seed=3, eye="left", field="macula")
    return np.asarray(Image.fromarray(rgb).convert("L"))


def as_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("written", ["grey", "green-only"])
def test_a_red_free_retinograph_is_found_and_told_black_and_white(green: np.ndarray, written: str) -> None:
    grey = Image.fromarray(green)
    black = Image.new("L", grey.size)
    image = grey if written == "grey" else Image.merge("RGB", (black, grey, black))

    quality = prepare_image_bytes(as_png(image), filename="OG_anerythre.png", specialty="ophthalmology").quality

    by_check = {f.check: f for f in quality}
    assert by_check["field-of-view"].level == "ok"
    assert by_check["colour-cast"].key == "colour-cast.monochrome-retina"
    assert by_check["colour-cast"].level == "warning"
    assert not [f for f in quality if f.level == "blocking"]
