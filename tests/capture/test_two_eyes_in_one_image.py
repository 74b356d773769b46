"""Both eyes' retinographs in one image are said to be two fields, and no eye is claimed from it.

Found in an acceptance pass (round 31): a fundus camera's report or print export lays the two eyes side by
side in one image (the right eye on the left of the page, as the examiner faces the patient). Imported as
one retinograph it was « Bonne qualité », and the optic disc of whichever field was found first was claimed
for the eye: filed as a right eye, nothing was said, and the expert read both fundi as the right eye.
"""

from __future__ import annotations

import io

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image, ImageDraw

from app.model import DISC_SIDE_CHECK, QualityFinding
from capture.demo import fundus_scene
from capture.pipeline import prepare_image_bytes

Image8 = npt.NDArray[np.uint8]


def _jpeg(rgb: Image8) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=92)
    return out.getvalue()


def _with_text(rgb: Image8) -> Image8:
    """The device's labels burnt in the black surround: its name, the eye, the date, the patient's number."""
    image = Image.fromarray(rgb)
    draw = ImageDraw.Draw(image)
    for line in range(4):
        draw.text((12, 10 + line * 14), f"TRC-NW8  OD  2026/12/05 10:3{line}  ID 123456", fill=(255, 255, 255))
    draw.text((12, rgb.shape[0] - 24), "OS  45 deg  flash 3", fill=(230, 230, 230))
    return np.asarray(image)


def _quality(rgb: Image8) -> list[QualityFinding]:
    return prepare_image_bytes(_jpeg(rgb), filename="rapport.jpg", specialty="ophthalmology").quality


def _two_fields(quality: list[QualityFinding]) -> bool:
    return any(f.key == "field-of-view.two" for f in quality)


@pytest.mark.parametrize("size", [(800, 600), (1600, 1200), (2000, 1500)])
@pytest.mark.parametrize("order", ["right-left", "left-right"])
@pytest.mark.parametrize("text", [False, True])
def test_both_eyes_side_by_side_are_said_to_be_two_fields_and_no_eye_is_claimed(
    size: tuple[int, int], order: str, text: bool
) -> None:
    width, height = size
    right = fundus_scene(width, height, seed=7, eye="right", field="macula")
    left = fundus_scene(width, height, seed=8, eye="left", field="macula")
    both = np.concatenate([right, left] if order == "right-left" else [left, right], axis=1)
    quality = _quality(_with_text(both) if text else both)
    said = [f for f in quality if f.key == "field-of-view.two"]
    assert said and said[0].level == "warning", [f.key for f in quality]
    assert "deux" in said[0].message and "séparément" in said[0].message
    assert "two" in said[0].text("en") and "separately" in said[0].text("en")
    assert all(f.disc_side() is None for f in quality if f.check == DISC_SIDE_CHECK), [f.key for f in quality]


@pytest.mark.parametrize("size", [(800, 600), (1600, 1200), (3000, 2250)])
@pytest.mark.parametrize("text", [False, True])
def test_one_field_is_not_said_to_be_two(size: tuple[int, int], text: bool) -> None:
    width, height = size
    for seed, eye in ((7, "right"), (8, "left"), (9, "right")):
        fundus = fundus_scene(width, height, seed=seed, eye=eye, field="macula")
        quality = _quality(_with_text(fundus) if text else fundus)
        assert not _two_fields(quality), (seed, [f.key for f in quality])
        assert any(f.disc_side() == eye for f in quality), (seed, [f.key for f in quality])


@pytest.mark.parametrize("across", [0.3, 0.5, 0.7])
def test_one_field_crossed_by_a_shadow_is_not_said_to_be_two(across: float) -> None:
    """An eyelash's or the lid's dark band across the field cuts it in two lit parts: one field still."""
    fundus = fundus_scene(1600, 1200, seed=7, eye="right", field="macula").copy()
    x = round(1600 * across)
    fundus[:, x - 25 : x + 25] = 3
    assert not _two_fields(_quality(fundus))


def _device_panel(height: int, width: int, colour: tuple[int, int, int]) -> Image8:
    """A fundus camera's information strip: a flat white or grey band with its text (model, eye, date,
    flash), as some devices export it beside the field."""
    panel = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(panel)
    ink = (0, 0, 0) if sum(colour) > 300 else (255, 255, 255)
    lines = ("TOPCON TRC-NW8", "OD  Macula", "2026-12-05 10:31", "ID 123456", "Flash 3  ISO 200", "45 deg")
    for row in range(min(12, height // 24)):
        draw.text((8, 16 + row * 22), lines[row % len(lines)], fill=ink)
    return np.asarray(panel)


@pytest.mark.parametrize("share", [0.25, 0.35, 0.5])
@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("colour", [(255, 255, 255), (200, 200, 200), (128, 128, 128)])
def test_one_field_beside_the_devices_information_strip_is_not_said_to_be_two(
    share: float, side: str, colour: tuple[int, int, int]
) -> None:
    """A single eye's retinograph with the device's bright strip of text at one side (found in review: a
    strip as big as half the field was read as a second field, « les deux yeux »): one field, its eye told."""
    width, height = 1600, 1200
    for seed, eye in ((7, "right"), (8, "left")):
        fundus = fundus_scene(width, height, seed=seed, eye=eye, field="macula")
        panel = _device_panel(height, round(width * share), colour)
        quality = _quality(np.concatenate([fundus, panel] if side == "right" else [panel, fundus], axis=1))
        assert not _two_fields(quality), (seed, [f.key for f in quality])
        assert not any(f.key == "field-of-view.not-fundus" for f in quality), [f.key for f in quality]
        assert any(f.disc_side() == eye for f in quality), (seed, [f.key for f in quality])


@pytest.mark.parametrize("colour", [(255, 255, 255), (128, 128, 128)])
def test_both_eyes_beside_the_devices_information_strip_are_still_two_fields(colour: tuple[int, int, int]) -> None:
    right = fundus_scene(1200, 900, seed=7, eye="right", field="macula")
    left = fundus_scene(1200, 900, seed=8, eye="left", field="macula")
    both = np.concatenate([right, left, _device_panel(900, 500, colour)], axis=1)
    quality = _quality(both)
    assert _two_fields(quality), [f.key for f in quality]
    assert all(f.disc_side() is None for f in quality if f.check == DISC_SIDE_CHECK)


def _shadowed(rgb: Image8, cover: float) -> Image8:
    """A field half lost in a crescent's shadow (a pupil too small for a non-mydriatic camera): a dark disc
    of the field's size over its lower side, its centre ``2 - 2 * cover`` radii below the field's."""
    shaded = rgb.copy()
    ys, xs = np.nonzero(rgb.max(axis=2) > 20)
    radius = (ys.max() - ys.min()) / 2
    rows, cols = np.ogrid[: rgb.shape[0], : rgb.shape[1]]
    centre = ys.mean() + radius * (2 - 2 * cover)
    shaded[(rows - centre) ** 2 + (cols - xs.mean()) ** 2 <= radius**2] = 3
    return shaded


@pytest.mark.parametrize("cover", [0.3, 0.5, 0.55])
def test_both_eyes_one_half_in_a_crescents_shadow_are_still_two_fields(cover: float) -> None:
    """Found in review: the roundness asked of a second field (to tell it from the device's strip) took a
    fellow eye whose field is half in a crescent's shadow, a shape no strip has, for no field: both eyes
    were one retinograph again, the first one's disc claimed for the eye."""
    right = fundus_scene(1200, 900, seed=7, eye="right", field="macula")
    left = _shadowed(fundus_scene(1200, 900, seed=8, eye="left", field="macula"), cover)
    quality = _quality(np.concatenate([right, left], axis=1))
    assert _two_fields(quality), [f.key for f in quality]
    assert all(f.disc_side() is None for f in quality if f.check == DISC_SIDE_CHECK)
