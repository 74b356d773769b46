"""A retinograph filed under the wrong eye is noticed: the quality checks find where the optic disc lies
(on the nasal side: the right of the image for a right eye, the left for a left eye) and the checklist
warns when that is the other eye's side. Nothing is said when the disc is central (a disc-centred field)
or not found with confidence."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageEnhance, ImageFilter

from app import i18n
from app.findings import Finding
from app.model import DISC_SIDE_CHECK, Case, CaseImage, QualityFinding
from app.validation import reply_eye_sides, validate_images
from capture.demo import fundus_scene
from capture.pipeline import prepare_image_bytes
from capture.quality import check_quality

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"


def quality_of(rgb: np.ndarray) -> list[QualityFinding]:
    """The findings as an import makes them (a JPEG through the pipeline)."""
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=92)
    return prepare_image_bytes(out.getvalue(), filename="photo.jpg", specialty="ophthalmology").quality


def eye_warnings(quality: list[QualityFinding], eye: str) -> list[Finding]:
    case = Case(specialty="ophthalmology", images=[CaseImage(eye=eye, view="macula", quality=quality)])
    return [finding for finding in validate_images(case) if finding.code == "image.eye.side"]


def disc_side(quality: list[QualityFinding]) -> str | None:
    return next((side for side in (f.disc_side() for f in quality) if side is not None), None)


@pytest.fixture(scope="module")
def real_left() -> np.ndarray:
    return np.asarray(Image.open(REAL / "retina-normal-left-eye.jpg").convert("RGB"))


def test_the_real_left_eye_filed_as_the_right_eye_is_said(real_left: np.ndarray) -> None:
    quality = quality_of(real_left)
    disc = next(f for f in quality if f.check == DISC_SIDE_CHECK)
    assert disc.level == "ok" and disc.measure is not None and disc.measure < -0.4
    assert "à gauche" in disc.message
    (warning,) = eye_warnings(quality, "right")
    assert warning.severity == "warning" and not warning.blocks_sending()
    assert warning.field == "images[0].eye"
    assert warning.message == (
        "Image 1 : La papille est à gauche de l'image : cela ressemble à un œil gauche, pas à l'œil droit "
        "indiqué. Vérifiez l'œil choisi."
    )
    # The image itself is still a good one: its verdict does not change, the label is what is doubted.
    assert {f.level for f in quality} == {"ok"}


def test_the_real_left_eye_filed_as_the_left_eye_says_nothing(real_left: np.ndarray) -> None:
    assert eye_warnings(quality_of(real_left), "left") == []


def test_the_real_left_eye_mirrored_looks_like_a_right_eye(real_left: np.ndarray) -> None:
    quality = quality_of(np.ascontiguousarray(real_left[:, ::-1]))
    assert disc_side(quality) == "right"
    assert eye_warnings(quality, "right") == []
    (warning,) = eye_warnings(quality, "left")
    assert "à droite de l'image" in warning.message and "l'œil gauche indiqué" in warning.message


@pytest.mark.parametrize(
    "change",
    [
        lambda im: im.filter(ImageFilter.GaussianBlur(3)),
        lambda im: ImageEnhance.Brightness(im).enhance(0.25),
        lambda im: ImageEnhance.Brightness(im).enhance(2.2),
        lambda im: im.crop((0, 0, im.width, im.height // 2)),
        lambda im: im.crop((0, 0, im.width // 2, im.height)),
        lambda im: im.crop((im.width // 2, 0, im.width, im.height)),
        lambda im: im.rotate(10),
    ],
    ids=["blurred", "under-exposed", "over-exposed", "half-field", "left-half-field", "right-half-field", "tilted"],
)
def test_a_degraded_real_left_eye_is_never_taken_for_a_right_eye(real_left: np.ndarray, change: object) -> None:
    changed = change(Image.fromarray(real_left))  # type: ignore[operator]
    assert disc_side(quality_of(np.asarray(changed.convert("RGB")))) in (None, "left")


def test_the_warning_speaks_english_when_asked(real_left: np.ndarray) -> None:
    quality = quality_of(real_left)
    i18n.set_language("en")
    (warning,) = eye_warnings(quality, "right")
    assert warning.message == (
        "Image 1: The optic disc is on the left of the image: this looks like a left eye, not the right eye "
        "chosen. Check the eye."
    )


@pytest.mark.parametrize("drawn", ["right", "left"])
@pytest.mark.parametrize("labelled", ["right", "left"])
def test_synthetic_macula_centred_fields_of_both_eyes(drawn: str, labelled: str) -> None:
    """The generator draws the disc on the nasal side (capture/demo.py): right of the image for a right eye."""
    quality = quality_of(fundus_scene(1600, 1200, seed=21, eye=drawn, field="macula"))
    assert disc_side(quality) == drawn
    warnings = eye_warnings(quality, labelled)
    assert len(warnings) == (0 if drawn == labelled else 1)


@pytest.mark.parametrize("drawn", ["right", "left"])
def test_a_disc_centred_field_says_nothing_whatever_the_eye(drawn: str) -> None:
    quality = quality_of(fundus_scene(1600, 1200, seed=22, eye=drawn, field="disc"))
    disc = next(f for f in quality if f.check == DISC_SIDE_CHECK)
    assert disc.measure is not None and abs(disc.measure) < 0.1
    assert "au centre" in disc.message
    assert disc_side(quality) is None
    assert eye_warnings(quality, "right") == eye_warnings(quality, "left") == []


def test_no_disc_found_says_nothing() -> None:
    """A field without a disc that stands out (a uniform retina), a blank frame, a skin photo: no fact."""
    uniform = fundus_scene(1200, 900, seed=4, eye="right")
    uniform[:] = np.where(uniform.max(axis=2, keepdims=True) > 20, np.array([190, 80, 30], np.uint8), 0)
    for rgb in (uniform, np.zeros((900, 1200, 3), np.uint8)):
        quality = check_quality(rgb, specialty="ophthalmology")
        assert not any(f.check == DISC_SIDE_CHECK for f in quality)
        assert eye_warnings(quality, "right") == eye_warnings(quality, "left") == []
    skin = check_quality(fundus_scene(1200, 900, seed=4, eye="right"), specialty="dermatology")
    assert not any(f.check == DISC_SIDE_CHECK for f in skin)


def test_an_image_checked_before_this_check_existed_says_nothing() -> None:
    old = [QualityFinding("field-of-view", "ok", "Champ rétinien complet.", 0.99, 0.75)]
    assert eye_warnings(old, "right") == eye_warnings(old, "left") == []


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    eye=st.sampled_from(["right", "left"]),
    size=st.sampled_from([(1024, 768), (1280, 960), (1200, 1200), (1600, 900)]),
)
def test_any_generated_macula_field_is_said_on_its_own_eyes_side(seed: int, eye: str, size: tuple[int, int]) -> None:
    quality = check_quality(fundus_scene(*size, seed=seed, eye=eye), specialty="ophthalmology")
    assert disc_side(quality) == eye
    assert eye_warnings(quality, eye) == []
    assert len(eye_warnings(quality, "left" if eye == "right" else "right")) == 1


def test_a_retinograph_joined_to_a_reply_is_checked_as_a_case_s(real_left: np.ndarray) -> None:
    """Found from outside: a retinograph joined to a reply went to the expert with no eye-side check (only
    its eye was asked for). Numbered as the reply numbers its images; a retinography's business only."""
    quality = quality_of(real_left)
    joined = [CaseImage(eye="left", quality=quality), CaseImage(eye="right", quality=quality)]
    (warning,) = reply_eye_sides("ophthalmology", joined)
    assert (warning.code, warning.field, warning.severity) == ("image.eye.side", "reply.images[1].eye", "warning")
    assert warning.message.startswith("Image 2 : La papille est à gauche de l'image")
    assert reply_eye_sides("dermatology", joined) == []
    assert reply_eye_sides("ophthalmology", [CaseImage(eye=None, quality=quality)]) == []


def field_warnings(quality: list[QualityFinding], view: str) -> list[Finding]:
    case = Case(specialty="ophthalmology", images=[CaseImage(eye="left", view=view, quality=quality)])
    return [finding for finding in validate_images(case) if finding.code == "image.field.doubt"]


def test_the_real_macula_centred_field_filed_as_disc_centred_is_said(real_left: np.ndarray) -> None:
    """Found in an acceptance pass: a macula-centred retinograph filed as the disc-centred field (by the
    nurse, a case file, or a device's export) went without a word, though its disc lies two thirds of the
    way to the field's edge: the expert counts on the two fields of the screening protocol, and the eye
    may have no disc-centred one. The check's fact was there; nothing compared it with the field chosen."""
    quality = quality_of(real_left)

    (warning,) = field_warnings(quality, "disc")

    assert warning.severity == "warning" and not warning.blocks_sending()
    assert warning.field == "images[0].view"
    assert "centré sur la macula" in warning.message and "Vérifiez le champ" in warning.message, warning.message
    assert field_warnings(quality, "macula") == []
    assert field_warnings(quality, "un champ nasal") == []  # a field named in free text: nothing to compare


@pytest.mark.parametrize("drawn", ["right", "left"])
def test_a_disc_centred_field_filed_as_macula_centred_is_said(drawn: str) -> None:
    quality = quality_of(fundus_scene(1600, 1200, seed=22, eye=drawn, field="disc"))

    (warning,) = field_warnings(quality, "macula")

    assert "centré sur la papille" in warning.message, warning.message
    assert field_warnings(quality, "disc") == []


def test_the_field_doubt_speaks_english_and_says_nothing_without_a_disc(real_left: np.ndarray) -> None:
    i18n.set_language("en")
    (warning,) = field_warnings(quality_of(real_left), "disc")
    assert "macula-centred" in warning.message and "Check the field" in warning.message, warning.message
    i18n.set_language("fr")
    old = [QualityFinding("field-of-view", "ok", "Champ rétinien complet.", 0.99, 0.75)]
    assert field_warnings(old, "disc") == field_warnings(old, "macula") == []


def _imported(rgb: np.ndarray, eye: str, quality: int, device: tuple[str, str]) -> CaseImage:
    """``rgb`` imported as a JPEG written by ``device`` (make, model), filed as ``eye``."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = device
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=quality, exif=exif.tobytes())
    prepared = prepare_image_bytes(out.getvalue(), filename="fundus.jpg", specialty="ophthalmology")
    return CaseImage(eye=eye, view="macula", quality=prepared.quality, device=prepared.device)


PHONE = ("Apple", "iPhone 13")
FUNDUS_CAMERA = ("Topcon", "TRC-NW8")


@pytest.mark.parametrize("device", [PHONE, FUNDUS_CAMERA])
def test_the_same_eye_filed_as_both_eyes_is_said(real_left: np.ndarray, device: tuple[str, str]) -> None:
    """The real left eye imported twice (exported again at another quality) and filed once as each eye:
    the checklist says it looks like the same eye twice, whether or not the device's side names an eye
    (a phone's through an indirect lens does not); a left and a right eye (its mirror) say nothing."""
    twice = [_imported(real_left, "right", 92, device), _imported(real_left, "left", 80, device)]
    case = Case(specialty="ophthalmology", images=twice)
    findings = validate_images(case)
    same = [f for f in findings if f.code == "images.eye.same"]
    if device == PHONE:
        (warning,) = same
        assert warning.severity == "warning" and warning.field == "images[1].eye"
        assert warning.message.startswith("Images 1 et 2 : la papille est du même côté sur les deux")
        i18n.set_language("en")
        try:
            english = [f.message for f in validate_images(case) if f.code == "images.eye.same"]
        finally:
            i18n.set_language("fr")
        assert english == [
            "Images 1 and 2: the optic disc is on the same side in both, one filed as the right eye and the "
            "other as the left: this is probably the same eye twice. Check the eye of each."
        ]
    else:  # a fundus camera's side names the eye: the image filed right is already said to look left
        assert not same
        assert [f.code for f in findings if f.code == "image.eye.side"] == ["image.eye.side"]
    both = [
        _imported(real_left, "left", 92, device),
        _imported(np.ascontiguousarray(real_left[:, ::-1]), "right", 92, device),
    ]
    assert not [f for f in validate_images(Case(specialty="ophthalmology", images=both)) if f.code == "images.eye.same"]


def test_a_disc_centred_field_aimed_a_little_off_is_not_taken_for_the_other_eye(real_left: np.ndarray) -> None:
    """A phone's right eye, its disc-centred field aimed a little to the side (its disc a third of a radius
    left of the centre: « nothing said » of its field), beside the real left eye's macula-centred field
    (its disc far on the left): two eyes, not the same one twice. Only a disc far off the centre (a
    macula-centred field's) tells the side of the eye: aimed at the disc, a small error puts it either way."""
    left = _imported(real_left, "left", 92, PHONE)
    aimed_off = QualityFinding.said(DISC_SIDE_CHECK, "ok", "optic-disc.left.unclaimed", -0.32, None)
    right = CaseImage(eye="right", view="disc", quality=[aimed_off], device=left.device)
    case = Case(specialty="ophthalmology", images=[left, right])
    assert not [f for f in validate_images(case) if f.code == "images.eye.same"]
    # The same eye's macula-centred field filed as both is still said.
    again = _imported(real_left, "right", 80, PHONE)
    twice = Case(specialty="ophthalmology", images=[left, right, again])
    assert [f.field for f in validate_images(twice) if f.code == "images.eye.same"] == ["images[2].eye"]
