"""A screenshot or a scanned page filed as a photo is said to be one (acceptance pass, round 30).

A screenshot of the records software (the nurse's « copie d'écran » of a photo opened in it) or a
scanned letter was taken for a good photo, or told « Image trop claire ou reflet du flash : coupez le
flash » and « réglez l'appareil en couleur »: nothing said it was not a photo, and such a page may show
another patient's name to the expert. Camera photos, even clipped or dim, are never said to be one.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from app.model import QualityFinding
from capture.pipeline import prepare_image_bytes

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras"
PHOTO = "hdr_canon_hdr_YES.jpg"  # a real camera photo, from the real-cameras corpus (see its README)


def _encoded(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return out.getvalue()


def _screenshot(background: tuple[int, int, int]) -> Image.Image:
    """A records program's window at 1920×1080: a title bar, lines of text, the photo opened in it."""
    shot = Image.new("RGB", (1920, 1080), background)
    draw = ImageDraw.Draw(shot)
    draw.rectangle((0, 0, 1920, 48), fill=(32, 72, 150))
    ink = (20, 20, 20) if sum(background) > 300 else (230, 230, 230)
    for line in range(28):
        draw.text((40, 70 + line * 32), f"Consultation {line} : patient, rendez-vous, traitement en cours", fill=ink)
    with Image.open(CORPUS / PHOTO) as photo:
        shot.paste(photo.convert("RGB").resize((640, 480)), (1180, 220))
    return shot


def _scanned_page() -> Image.Image:
    """An A4 letter scanned at 300 dpi: off-white paper, lines of dark text, the scanner's slight blur."""
    page = Image.new("L", (2480, 3508), 243)
    draw = ImageDraw.Draw(page)
    for line in range(70):
        draw.text((220, 240 + line * 44), "Compte rendu de consultation, antécédents et traitement du patient", fill=35)
    return page.filter(ImageFilter.GaussianBlur(0.6)).convert("RGB")


def _document(quality: list[QualityFinding]) -> list[QualityFinding]:
    return [f for f in quality if f.check == "document"]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
@pytest.mark.parametrize("background", [(240, 240, 240), (31, 31, 31), (255, 255, 255), (0, 0, 0)])
def test_a_screenshot_is_said_not_to_be_a_photo(fmt: str, background: tuple[int, int, int]) -> None:
    data = _encoded(_screenshot(background), fmt)
    quality = prepare_image_bytes(data, filename="capture.png", specialty="dermatology").quality
    said = _document(quality)
    assert said and said[0].level == "warning", [f.message for f in quality]
    assert "copie d'écran" in said[0].message and "autre patient" in said[0].message
    assert "screenshot" in said[0].text("en") and "other patient" in said[0].text("en")


def test_a_scanned_page_is_said_not_to_be_a_photo() -> None:
    data = _encoded(_scanned_page(), "JPEG")
    quality = prepare_image_bytes(data, filename="scan.jpg", specialty="dermatology").quality
    assert _document(quality), [f.message for f in quality]


def _real_photos() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.name != "README.md")


@pytest.mark.parametrize("name", _real_photos())
def test_no_camera_photo_is_said_to_be_a_screenshot(name: str) -> None:
    quality = prepare_image_bytes((CORPUS / name).read_bytes(), filename=name, specialty="dermatology").quality
    assert not _document(quality), name


@pytest.mark.parametrize("dim", [1.0, 0.12])
def test_a_dim_or_clipped_camera_photo_is_not_said_to_be_a_screenshot(dim: float) -> None:
    """A photo in a dim room (sharp, crushed shadows) or one whose highlights are blown by the flash.

    (A screenshot on a pure white or black background, the usual themes, was missed until round 31: those
    levels were left out for these photos' sake. They now count when their edges are sharp, as a window's
    background meets its text; a highlight burnt by a flash fades into the skin around it.)"""
    with Image.open(CORPUS / PHOTO) as photo:
        pixels = np.asarray(photo.convert("RGB"), dtype=np.float32) * dim
    if dim == 1.0:
        pixels = pixels * 2.2  # a third of the frame blown to white, as a flash too close does
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    quality = prepare_image_bytes(_encoded(image, "JPEG"), filename="p.jpg", specialty="dermatology").quality
    assert not _document(quality), [f.message for f in quality]


@pytest.mark.parametrize("quality", [60, 30])
def test_a_camera_photo_compressed_again_is_not_said_to_be_a_screenshot(quality: int) -> None:
    """A photo passed through a messaging app: each of its JPEG blocks flat, of colours that differ."""
    with Image.open(CORPUS / PHOTO) as photo:
        image = photo.convert("RGB")
    image.thumbnail((1600, 1600))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    found = prepare_image_bytes(out.getvalue(), filename="p.jpg", specialty="dermatology").quality
    assert not _document(found), [f.message for f in found]


@pytest.mark.parametrize("name", ["tests_45-gps_ifd.jpg", "tests_22-canon_tags.jpg", "tests_35-empty.jpg"])
@pytest.mark.parametrize("gain", [2.2, 3.0, 0.12])
def test_a_camera_photo_burnt_white_or_crushed_black_over_half_is_not_said_to_be_a_screenshot(
    name: str, gain: float
) -> None:
    """Real photos over-exposed until half of them is pure white (or under-exposed to black): flat areas of
    exactly one colour, as a screenshot's background, but fading into the photo at their edges."""
    with Image.open(CORPUS / name) as photo:
        pixels = np.asarray(photo.convert("RGB"), dtype=np.float32) * gain
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    quality = prepare_image_bytes(_encoded(image, "JPEG"), filename=name, specialty="dermatology").quality
    assert not _document(quality), [f.message for f in quality]


@pytest.mark.parametrize("background", [(255, 255, 255), (0, 0, 0)])
def test_a_screenshot_is_not_told_to_turn_the_flash_off_or_to_light_the_room(background: tuple[int, int, int]) -> None:
    """Found in an acceptance pass (round 31): a screenshot on a white (or black) background was blocked as
    « Image brûlée : coupez le flash » (or « bien trop sombre : éclairez la zone »): a camera's advice for a
    picture no camera took. Its light is not judged; the finding that it is no photo says what to check."""
    data = _encoded(_screenshot(background), "PNG")
    quality = prepare_image_bytes(data, filename="capture.png", specialty="dermatology").quality
    exposure = next(f for f in quality if f.check == "exposure")
    assert exposure.level == "ok" and "flash" not in exposure.message and "Éclairez" not in exposure.message
    assert "not judged" in exposure.text("en")
    assert _document(quality)


def test_a_scanned_page_is_not_told_to_set_the_camera_to_colour() -> None:
    """Found in an acceptance pass (round 31): a scanned letter (grey) was also told « réglez l'appareil en
    couleur », a camera's setting for a page no camera took. Its colours are not judged."""
    quality = prepare_image_bytes(
        _encoded(_scanned_page(), "JPEG"), filename="scan.jpg", specialty="dermatology"
    ).quality
    colour = next(f for f in quality if f.check == "colour-cast")
    assert colour.level == "ok" and "couleur" not in colour.message.split(":")[-1], colour.message
    assert "not judged" in colour.text("en")
    assert _document(quality)


@pytest.mark.parametrize("radius", [0.5, 0.45, 0.4])
@pytest.mark.parametrize("name", [PHOTO, "tests_45-gps_ifd.jpg"])
def test_a_dermoscopy_round_on_black_is_not_said_to_be_a_screenshot(name: str, radius: float) -> None:
    """Found in review of the pure black counted as a screenshot's background: a dermatoscope's image, its
    round lit field on pure black (exported lossless, or masked by its software), met the black along a
    sharp circle and was said « Ceci ressemble à une copie d'écran… prenez-la en photo avec l'appareil »,
    its colours not judged. One round field on black is a lens's view, never a window's background."""
    with Image.open(CORPUS / name) as photo:
        pixels = np.asarray(photo.convert("RGB").resize((1600, 1200)), dtype=np.uint8)
    yy, xx = np.mgrid[0:1200, 0:1600]
    field = np.hypot(xx - 800, yy - 600) < 1200 * radius
    image = Image.fromarray(pixels * field[:, :, None].astype(np.uint8))
    quality = prepare_image_bytes(_encoded(image, "PNG"), filename="dermoscopie.png", specialty="dermatology").quality
    assert not _document(quality), [f.message for f in quality]
    assert next(f for f in quality if f.check == "colour-cast").key != "colour-cast.document"
