"""A fundus photographed through an indirect ophthalmoscope's lens, or with a phone adapter built on one,
comes out turned half a turn: its optic disc lies on the other eye's side. Found from outside: such an
image of a left eye, correctly filed as the left eye, was said to « look like a right eye », and a nurse
who trusted the warning would have sent it under the wrong eye. The disc's side is now claimed for an eye
only when the image comes from a fundus camera (or a file naming no camera, as their exports are); a phone
or any other camera may have given it inverted, and the side is then told without naming an eye."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app import i18n
from app.findings import Finding
from app.model import DISC_SIDE_CHECK, Case, CaseImage, QualityFinding
from app.validation import validate_images
from capture.demo import fundus_scene
from capture.pipeline import prepare_image_bytes, rotate_stored
from tests.capture.capture_labelled import jpeg_bytes

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
MAKE, MODEL = 0x010F, 0x0110


@pytest.fixture(scope="module")
def real_left() -> np.ndarray:
    return np.asarray(Image.open(REAL / "retina-normal-left-eye.jpg").convert("RGB"))


def exif_of(make: str, model: str) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE], exif[MODEL] = make, model
    return exif


def imported(rgb: np.ndarray, make: str | None = None, model: str = "") -> list[QualityFinding]:
    options = {} if make is None else {"exif": exif_of(make, model)}
    return prepare_image_bytes(jpeg_bytes(rgb, **options), filename="fond.jpg", specialty="ophthalmology").quality


def eye_warnings(quality: list[QualityFinding], eye: str, view: str = "macula") -> list[Finding]:
    case = Case(specialty="ophthalmology", images=[CaseImage(eye=eye, view=view, quality=quality)])
    return [f for f in validate_images(case) if f.code in ("image.eye.side", "image.field.doubt")]


def disc_of(quality: list[QualityFinding]) -> QualityFinding:
    return next(f for f in quality if f.check == DISC_SIDE_CHECK)


def half_turned(rgb: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(rgb[::-1, ::-1])


PHONES = [("Apple", "iPhone 13"), ("samsung", "SM-G991B"), ("HMD Global", "Nokia 8.3 5G")]


@pytest.mark.parametrize(("make", "model"), PHONES)
def test_a_phone_s_inverted_left_eye_filed_as_the_left_eye_is_not_said_to_be_a_right_eye(
    real_left: np.ndarray, make: str, model: str
) -> None:
    quality = imported(half_turned(real_left), make, model)
    disc = disc_of(quality)
    assert disc.measure is not None and disc.measure > 0.4  # on the right of the image, as seen
    assert disc.disc_side() is None  # but claimed for no eye
    assert "droite de l'image" in disc.message and "inversée" in disc.message
    assert eye_warnings(quality, "left") == []


def test_a_phone_s_left_eye_filed_as_the_right_eye_is_not_claimed_either(real_left: np.ndarray) -> None:
    """The same image upright: a phone gives no certainty which way round it is, so no eye is claimed."""
    assert eye_warnings(imported(real_left, "Apple", "iPhone 13"), "right") == []


def test_a_compact_camera_behind_a_lens_is_not_trusted_for_the_side(real_left: np.ndarray) -> None:
    assert eye_warnings(imported(half_turned(real_left), "NIKON", "COOLPIX P1"), "left") == []


@pytest.mark.parametrize(
    ("make", "model"),
    [
        ("TOPCON", "TRC-NW400"),
        ("Canon", "CR-2 AF"),
        ("Canon", "CR-DGi"),
        ("Canon", "CX-1"),
        ("NIDEK", "AFC-330"),
        ("Carl Zeiss Meditec", "VISUCAM 224"),
    ],
)
def test_a_fundus_camera_s_left_eye_filed_as_the_right_eye_is_still_said(
    real_left: np.ndarray, make: str, model: str
) -> None:
    quality = imported(real_left, make, model)
    assert disc_of(quality).disc_side() == "left"
    (warning,) = eye_warnings(quality, "right")
    assert "ressemble à un œil gauche" in warning.message


def test_a_file_naming_no_camera_is_judged_as_a_fundus_camera_s_export(real_left: np.ndarray) -> None:
    (warning,) = eye_warnings(imported(real_left), "right")
    assert "ressemble à un œil gauche" in warning.message


@pytest.mark.parametrize("seed", [3, 8, 21])
@pytest.mark.parametrize("eye", ["right", "left"])
def test_synthetic_inverted_fields_from_a_phone_never_claim_the_other_eye(seed: int, eye: str) -> None:
    rgb = half_turned(fundus_scene(1600, 1200, seed=seed, eye=eye, field="macula"))
    quality = imported(rgb, "Google", "Pixel 7")
    assert not [w for w in eye_warnings(quality, eye) if w.code == "image.eye.side"]
    sides = [f for f in quality if f.check == DISC_SIDE_CHECK]
    assert all(f.disc_side() is None for f in sides)


def test_the_field_is_still_judged_on_an_inverted_image(real_left: np.ndarray) -> None:
    """A half turn keeps the disc's distance from the centre: a macula-centred field filed as disc-centred
    is still said."""
    quality = imported(half_turned(real_left), "Apple", "iPhone 13")
    assert [w.code for w in eye_warnings(quality, "left", view="disc")] == ["image.field.doubt"]


def test_a_phone_s_image_turned_by_the_nurse_still_claims_no_eye(real_left: np.ndarray) -> None:
    prepared = prepare_image_bytes(
        jpeg_bytes(half_turned(real_left), exif=exif_of("Apple", "iPhone 13")),
        filename="f.jpg",
        specialty="ophthalmology",
    )
    turned = rotate_stored(prepared.data, quarter_turns=2, specialty="ophthalmology", findings=prepared.quality)
    assert disc_of(turned.quality).disc_side() is None
    assert eye_warnings(turned.quality, "right") == []


def test_the_unclaimed_side_speaks_english(real_left: np.ndarray) -> None:
    disc = disc_of(imported(half_turned(real_left), "Apple", "iPhone 13"))
    i18n.set_language("en")
    assert "right of the image" in disc.text() and "inverted" in disc.text()


def test_a_still_from_a_phone_used_as_the_camera_claims_no_eye(real_left: np.ndarray, teleavis_home: Path) -> None:
    """A phone lent as the workstation's camera (« iPhone de … », behind an adapter's lens) gives its still
    inverted as well: the still kept in the window claims no eye either, as its anonymised copy did."""
    from app.model import Case
    from app.store import Store
    from ui import capture_work as work

    frame = np.ascontiguousarray(half_turned(real_left)[:, :, ::-1])
    with Store.open(teleavis_home) as store:
        case = Case(specialty="ophthalmology")
        store.create_case(case, [])
        kept = work.keep_still(
            store,
            case.id,
            frame,
            specialty="ophthalmology",
            device="Caméra de l'iPhone de Marie",
            labels=work.Labels(eye="left", view="macula"),
            replaces=None,
            anonymise=None,
        )
        (image,) = store.images(case.id)
        assert image.id == kept.image_id
        assert disc_of(image.quality).disc_side() is None
