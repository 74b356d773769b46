"""The quality checks on real photographs (tests/fixtures/real): a real retinograph is judged usable,
its blurred, dark and cropped copies are not; a real face is seen; a real but small photo is refused
for its size only."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

from app.model import QualityFinding
from capture.pipeline import prepare_image_bytes

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"


def findings(image: Image.Image, specialty: str) -> dict[str, QualityFinding]:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    prepared = prepare_image_bytes(out.getvalue(), filename="photo.jpg", specialty=specialty)
    return {finding.check: finding for finding in prepared.quality}


def flagged(found: dict[str, QualityFinding]) -> set[str]:
    return {check for check, finding in found.items() if finding.level != "ok"}


@pytest.fixture(scope="module")
def retina() -> Image.Image:
    return Image.open(REAL / "retina-normal-left-eye.jpg").convert("RGB")


def test_a_real_retinograph_is_usable(retina: Image.Image) -> None:
    found = findings(retina, "ophthalmology")
    assert flagged(found) == set(), {c: f.message for c, f in found.items()}
    assert {"resolution", "field-of-view", "sharpness", "exposure", "gradability"} <= set(found)


@pytest.mark.parametrize("lift", [25, 30, 40])
def test_a_real_retinograph_with_a_grey_surround_is_still_one(retina: Image.Image, lift: int) -> None:
    """Found in an acceptance pass: a real retinograph whose black surround came out dark grey (an
    export brightened by the device's software, its black lifted by ``lift`` levels) was said « Ceci ne
    ressemble pas à une rétinographie (pas de fond noir autour de la rétine) : vérifiez que c'est le
    bon fichier et le bon patient ». Its surround is even and featureless, as a fundus camera's is."""
    lifted = np.asarray(retina, dtype=np.float32) + lift
    found = findings(Image.fromarray(np.clip(lifted, 0, 255).astype(np.uint8)), "ophthalmology")
    assert flagged(found) == set(), {c: f.message for c, f in found.items()}


@pytest.mark.parametrize(
    ("change", "caught_by"),
    [
        (lambda im: im.filter(ImageFilter.GaussianBlur(3)), {"sharpness", "gradability"}),
        (lambda im: ImageEnhance.Brightness(im).enhance(0.25), {"exposure"}),
        (lambda im: ImageEnhance.Brightness(im).enhance(2.2), {"exposure"}),
        (lambda im: im.crop((0, 0, im.width, im.height // 2)), {"field-of-view"}),
        (lambda im: im.crop((0, 0, im.width // 2, im.height)), {"field-of-view"}),
    ],
    ids=["blurred", "under-exposed", "over-exposed", "half-field", "left-half-field"],
)
def test_a_degraded_real_retinograph_is_flagged_by_the_right_check(
    retina: Image.Image, change: object, caught_by: set[str]
) -> None:
    found = findings(change(retina), "ophthalmology")  # type: ignore[operator]
    assert flagged(found) & caught_by, {c: f.message for c, f in found.items()}
    assert "ne ressemble pas" not in found["field-of-view"].message, "still a retinograph, clipped or not"


@pytest.mark.parametrize("portrait", ["astronaut-portrait.jpg", "grace-hopper-portrait.jpg"])
def test_a_real_face_is_seen(portrait: str) -> None:
    found = findings(Image.open(REAL / portrait), "dermatology")
    assert found["face"].level == "warning"
    assert "visage" in found["face"].message


def test_a_real_photo_too_small_is_refused_for_its_size_only() -> None:
    found = findings(Image.open(REAL / "coffee-cup.jpg"), "dermatology")
    assert found["resolution"].level == "blocking" and "600×400" in found["resolution"].message
    assert flagged(found) == {"resolution"}, {c: f.message for c, f in found.items()}
    assert "face" not in found


@pytest.mark.parametrize(
    "gains",
    [(0.35, 0.35, 0.35), (0.2, 0.2, 0.2), (0.25, 0.35, 0.35)],
    ids=["dim", "very-dim", "dim-low-red"],
)
def test_a_dim_real_retinograph_is_said_too_dark_not_off_colour(retina: Image.Image, gains: tuple[float, ...]) -> None:
    """Found from outside: an under-exposed retinograph was told « Couleurs faussées (dominante bleue) :
    utilisez une lumière blanche, sans néon ni lampe colorée ». A fundus is photographed in the dark with
    the camera's flash; a dim one measures bluish because its red is low. What is wrong is the exposure,
    and what helps is the flash, the pupil, a retake."""
    dim = np.clip(np.asarray(retina, np.float32) * np.array(gains, np.float32), 0, 255).astype(np.uint8)
    found = findings(Image.fromarray(dim), "ophthalmology")
    assert found["exposure"].level != "ok", {c: f.message for c, f in found.items()}
    assert "sous-exposée" in found["exposure"].message and "flash" in found["exposure"].message
    assert found["colour-cast"].level == "ok", found["colour-cast"].message
    assert "dominante" not in found["colour-cast"].message
    for finding in found.values():
        assert "lumière blanche" not in finding.message and "lampe" not in finding.message, finding.message
        assert "néon" not in finding.message, finding.message


def test_a_retinograph_with_a_colour_cast_gets_fundus_camera_advice(retina: Image.Image) -> None:
    """A cast on a fundus comes from the camera's settings, not from the room's lamps (the photo is
    taken in the dark): the advice names the retinograph."""
    blue = np.clip(np.asarray(retina, np.float32) * np.array((0.72, 0.95, 1.35), np.float32), 0, 255)
    found = findings(Image.fromarray(blue.astype(np.uint8)), "ophthalmology")
    assert found["colour-cast"].level == "warning" and "rétinographe" in found["colour-cast"].message
    assert "lampe" not in found["colour-cast"].message and "néon" not in found["colour-cast"].message


@pytest.mark.parametrize(("gain", "level"), [(2.0, "warning"), (2.6, "blocking")], ids=["bright", "burnt-out"])
def test_an_over_exposed_real_retinograph_gets_fundus_camera_advice(
    retina: Image.Image, gain: float, level: str
) -> None:
    """Found from outside: an over-exposed retinograph was told to « coupez le flash, éloignez la lumière »,
    words for a photo taken in a lit room. A fundus camera's flash is its only light: it is lowered, not
    turned off, and a camera too close or off the pupil's centre floods the field with light."""
    found = findings(ImageEnhance.Brightness(retina).enhance(gain), "ophthalmology")
    assert found["exposure"].level == level, {c: f.message for c, f in found.items()}
    said = found["exposure"].message
    assert "surexposée" in said and "flash" in said and "pupille" in said, said
    assert "coupez le flash" not in said and "lumière" not in said, said
    english = found["exposure"].text("en")
    assert "over-exposed" in english and "pupil" in english, english


def test_an_over_exposed_photo_in_an_eye_case_that_is_no_fundus_keeps_the_photo_advice() -> None:
    """The fundus camera's words only where the check knows it is a retinograph: a bright photo of
    something else filed in an eye case is told what a bright photo is told."""
    cup = Image.open(REAL / "coffee-cup.jpg").convert("RGB").resize((1200, 800))
    found = findings(ImageEnhance.Brightness(cup).enhance(2.5), "ophthalmology")
    assert "ne ressemble pas" in found["field-of-view"].message
    assert found["exposure"].level != "ok" and "rétinographie" not in found["exposure"].message.lower()


@pytest.mark.parametrize("bar", [(255, 255, 255), (128, 128, 128), (40, 40, 90)], ids=["white", "grey", "navy"])
def test_a_real_retinograph_between_its_device_text_bars_is_still_one(
    retina: Image.Image, bar: tuple[int, int, int]
) -> None:
    """Some fundus cameras' exports frame the field between a bar of text above (the patient, the eye) and
    one below (the date, the angle), the whole width of the image: the frame's four corners lit, it was said
    « ne ressemble pas à une rétinographie … vérifiez que c'est le bon fichier », and its eye was not told
    from its disc."""
    framed = Image.new("RGB", (2000, 1500))
    framed.paste(retina.resize((1300, 1300)), (350, 100))
    pixels = np.asarray(framed).copy()
    pixels[:80], pixels[-80:] = bar, bar
    framed = Image.fromarray(pixels)
    ImageDraw.Draw(framed).text((30, 25), "NOM Prenom  OS  45", fill=(0, 0, 0))
    ImageDraw.Draw(framed).text((30, 1445), "06/12/2026 10:32", fill=(0, 0, 0))

    found = findings(framed, "ophthalmology")

    assert flagged(found) == set(), {c: f.message for c, f in found.items()}
    assert found["optic-disc"].key == "optic-disc.left"


def test_a_photo_with_bars_above_and_below_is_still_no_fundus() -> None:
    """A photo lit to its corners is no fundus whatever its top and bottom rows hold."""
    photo = Image.open(REAL / "coffee-cup.jpg").convert("RGB").resize((1600, 1200))
    pixels = np.asarray(photo).copy()
    pixels[:80], pixels[-80:] = 255, 255

    found = findings(Image.fromarray(pixels), "ophthalmology")

    assert found["field-of-view"].key == "field-of-view.not-fundus"


def field_without_its_disc(retina: Image.Image, cast: str | None = None, *, aside: int = 250) -> Image.Image:
    """The real retinograph's field aimed further from the disc, as a 30° macular field, a temporal field or
    a small handheld field sees it: the disc out of the field (``aside`` 150: on its rim), the retina lit
    as before."""
    from tests.capture.capture_labelled import colour_cast

    pixels = np.asarray(retina).copy()
    rows, cols = np.mgrid[0 : pixels.shape[0], 0 : pixels.shape[1]]
    pixels[np.hypot(cols - 705 - aside, rows - 705) >= 600] = 0
    framed = np.zeros((1411, 1500, 3), np.uint8)
    framed[:, : pixels.shape[1] - aside - 55] = pixels[:, aside + 55 :]
    return Image.fromarray(framed if cast is None else colour_cast(framed, cast))


def test_a_real_field_without_its_disc_is_not_said_off_colour(retina: Image.Image) -> None:
    """Its brightest part is retina, redder than a disc: it was said « Couleurs du fond d'œil inhabituelles
    (dominante rouge) : vérifiez les réglages couleur du rétinographe … reprenez le cliché »."""
    found = findings(field_without_its_disc(retina), "ophthalmology")

    assert found["colour-cast"].level == "ok", found["colour-cast"].message
    assert "optic-disc" not in found


def test_a_real_field_with_its_disc_on_its_rim_is_not_said_off_colour(retina: Image.Image) -> None:
    """Half the disc in the field: its brightest part is mostly retina (it was said « dominante rouge »);
    the disc's side is still told."""
    found = findings(field_without_its_disc(retina, aside=150), "ophthalmology")

    assert found["colour-cast"].level == "ok", found["colour-cast"].message
    assert found["optic-disc"].key == "optic-disc.left"


@pytest.mark.parametrize("aside", [150, 250], ids=["disc-on-rim", "no-disc"])
@pytest.mark.parametrize("cast", ["blue", "magenta"])
def test_a_real_field_without_its_disc_under_a_cast_is_still_caught(retina: Image.Image, cast: str, aside: int) -> None:
    found = findings(field_without_its_disc(retina, cast, aside=aside), "ophthalmology")

    assert found["colour-cast"].key == "colour-cast.warning-retina"
