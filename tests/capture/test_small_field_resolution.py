"""A retinograph's resolution is judged on its retina, not on its frame, when the field spans a small part of
the frame (a phone through a fundus adapter, a handheld's wide black surround: the field the sharpness check
cuts out, :func:`capture.quality.small_field`).

Found in review (quality41): a 4032 × 3024 phone photo was « Définition suffisante » whatever the size of the
retina in it, though what the expert reads is the retina's own pixels. The field's diameter is judged against
the short side of the frame's floors (800×600 blocks, 1024×768 advised): 600 px blocks, under 768 px warns, and
the words tell the nurse to move closer or zoom so that the retina fills the image."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.model import QualityFinding
from capture.pipeline import prepare_image_bytes
from capture.quality import FIELD_DIAMETER_BLOCKING, FIELD_DIAMETER_WARNING, check_quality
from tests.support.images import fundus_photo, skin_photo

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REAL, REAL_CAMERAS = FIXTURES / "real", FIXTURES / "real-cameras"


def _in_a_phone_photo(diameter: int, frame: tuple[int, int] = (4032, 3024)) -> np.ndarray:
    """A synthetic retina whose field is ``diameter`` px across (``fundus_photo``'s field is 0.92 of its size),
    in the middle of a phone's black photo (12 MP, or ``frame``)."""
    field = np.asarray(fundus_photo(size=round(diameter / 0.92)))
    canvas = np.zeros((frame[1], frame[0], 3), np.uint8)
    height, width = field.shape[:2]
    y, x = (frame[1] - height) // 2, (frame[0] - width) // 2
    canvas[y : y + height, x : x + width] = field
    return canvas


def _resolution(findings: list[QualityFinding]) -> QualityFinding:
    [finding] = [f for f in findings if f.check == "resolution"]
    return finding


@pytest.mark.parametrize(
    ("diameter", "frame", "level"),
    [
        (500, (2560, 1920), "blocking"),  # a 5 MP phone
        (500, (4032, 3024), "blocking"),  # 12 MP: under ~680 px such a field was « missing » (session 42)
        (650, (4032, 3024), "warning"),
        (700, (4032, 3024), "warning"),
        (700, (2560, 1920), "warning"),
        (900, (4032, 3024), "ok"),
        (1400, (4032, 3024), "ok"),
    ],
)
def test_a_small_field_in_a_phone_photo_is_judged_by_its_diameter(
    diameter: int, frame: tuple[int, int], level: str
) -> None:
    finding = _resolution(check_quality(_in_a_phone_photo(diameter, frame), specialty="ophthalmology"))
    assert finding.level == level
    # The field's diameter in the image's pixels, as found on the copy reduced to 1000 px: its edge's blur
    # puts it up to 3 % wider.
    assert finding.measure == pytest.approx(diameter * 1.015, rel=0.025)
    assert finding.threshold == FIELD_DIAMETER_WARNING


def test_the_words_say_to_move_closer_in_both_languages() -> None:
    warned = _resolution(check_quality(_in_a_phone_photo(700), specialty="ophthalmology"))
    blocked = _resolution(check_quality(_in_a_phone_photo(500, (2560, 1920)), specialty="ophthalmology"))
    assert "rapprochez" in warned.text("fr") and "zoomez" in warned.text("fr")
    assert "move closer" in warned.text("en") and "zoom" in warned.text("en")
    assert "rapprochez" in blocked.text("fr").lower() and f"{FIELD_DIAMETER_BLOCKING} px" in blocked.text("fr")
    assert "move closer" in blocked.text("en").lower() and f"{FIELD_DIAMETER_BLOCKING} px" in blocked.text("en")
    assert "800×600" not in blocked.text("fr")  # (the frame is large: exporting it again would change nothing)


def test_a_phones_jpeg_is_judged_by_its_field_on_import() -> None:
    """The import decodes a JPEG reduced for its checks (whole for a small field): the field's diameter is
    still said in the photo's own pixels."""
    out = io.BytesIO()
    Image.fromarray(_in_a_phone_photo(700)).save(out, "JPEG", quality=92)
    prepared = prepare_image_bytes(out.getvalue(), filename="phone.jpg", specialty="ophthalmology")
    finding = _resolution(prepared.quality)
    assert finding.level == "warning"
    assert finding.measure == pytest.approx(700 * 1.015, rel=0.025)


def test_the_same_photo_in_another_specialty_and_a_fundus_cameras_frame_are_judged_as_before() -> None:
    photo = _in_a_phone_photo(700)
    assert _resolution(check_quality(photo, specialty="dermatology")).key == "resolution.ok"
    camera = np.asarray(fundus_photo(size=1400))  # a fundus camera's field fills its frame
    finding = _resolution(check_quality(camera, specialty="ophthalmology"))
    assert (finding.key, finding.measure) == ("resolution.ok", 1400.0 * 1400.0)


@pytest.mark.parametrize("diameter", [260, 400, 560, 650])
def test_a_small_field_in_a_12_mp_photo_is_found_and_the_nurse_told_to_come_closer(diameter: int) -> None:
    """Found in session 41: in a 12 MP phone photo a retina under some 680 px across (3 % of the analysis
    copy's area) was not found at all: « Aucun champ rétinien reconnu : vérifiez que l'image est bien une
    rétinographie », where the nurse must be told to come closer. It is found and judged by its diameter."""
    findings = check_quality(_in_a_phone_photo(diameter), specialty="ophthalmology")
    assert [f.key for f in findings if f.check == "field-of-view"] == ["field-of-view.ok"]
    finding = _resolution(findings)
    assert finding.key == (
        "resolution.field-blocking" if diameter < FIELD_DIAMETER_BLOCKING else "resolution.field-warning"
    )
    # Its edge is found on the copy reduced to 1000 px, blurred there (σ 2 px): up to 6 of its pixels wider, 24
    # of the photo's (4032 / 1000 each), whatever the field's size.
    assert finding.measure is not None and diameter <= finding.measure <= diameter + 24
    assert "rapprochez" in finding.text("fr").lower() and "move closer" in finding.text("en").lower()


def test_a_dark_photo_with_a_small_lamp_is_still_no_retina() -> None:
    """What is found must be a round field on black: a small bright rectangle (a screen, a window) is not."""
    photo = np.zeros((3024, 4032, 3), np.uint8)
    photo[1300:1700, 1800:2300] = (200, 180, 150)
    findings = check_quality(photo, specialty="ophthalmology")
    assert [f.key for f in findings if f.check == "field-of-view"] == ["field-of-view.missing"]


def _round_cut_of(photo: np.ndarray, diameter: int) -> np.ndarray:
    """``photo`` (its square middle) cut round, ``diameter`` px across, in a 12 MP phone's black frame: a
    skin photo through a dermatoscope from too far, a round lesion or the moon at night, in an eye's case."""
    side = min(photo.shape[:2])
    y, x = (photo.shape[0] - side) // 2, (photo.shape[1] - side) // 2
    square = np.asarray(Image.fromarray(photo[y : y + side, x : x + side]).resize((diameter, diameter)))
    yy, xx = np.mgrid[:diameter, :diameter]
    inside = (yy - diameter / 2 + 0.5) ** 2 + (xx - diameter / 2 + 0.5) ** 2 <= (diameter / 2) ** 2
    canvas = np.zeros((3024, 4032, 3), np.uint8)
    top, left = (3024 - diameter) // 2, (4032 - diameter) // 2
    canvas[top : top + diameter, left : left + diameter] = square * inside[:, :, None]
    return canvas


@pytest.mark.parametrize(
    "photo",
    [
        np.asarray(skin_photo(1200, 1200)),
        np.full((600, 600, 3), (200, 140, 130), np.uint8),  # a pink lesion
        np.full((600, 600, 3), (140, 90, 60), np.uint8),  # a brown one
        np.full((600, 600, 3), (190, 190, 185), np.uint8),  # the moon, a lamp's round shade
        np.asarray(Image.open(REAL / "astronaut-portrait.jpg").convert("RGB")),
        np.asarray(Image.open(REAL_CAMERAS / "hdr_canon_hdr_YES.jpg").convert("RGB")),
    ],
    ids=["skin", "pink-lesion", "brown-lesion", "grey-disc", "portrait", "camera-photo"],
)
@pytest.mark.parametrize("diameter", [400, 650])
def test_a_small_round_photo_of_something_else_is_still_no_retina(photo: np.ndarray, diameter: int) -> None:
    """Found in review (review42m): any round picture on black under 3 % of the frame was taken for a small
    retina: « champ » found, the nurse told to come closer, never that it may be no retinograph (« Aucun
    champ rétinien reconnu : vérifiez que l'image est bien une rétinographie », as it was). A retina is red
    (its median red twice its green, some 2.2 to 2.6); skin, a lesion, a face, grey are not."""
    findings = check_quality(_round_cut_of(photo, diameter), specialty="ophthalmology")
    assert [f.key for f in findings if f.check == "field-of-view"] == ["field-of-view.missing"]
    # The same cut of a real retinograph is found (the rule still finds what it was made for).
    retina = np.asarray(Image.open(REAL / "retina-normal-left-eye.jpg").convert("RGB"))
    findings = check_quality(_round_cut_of(retina, diameter), specialty="ophthalmology")
    assert [f.key for f in findings if f.check == "field-of-view"] == ["field-of-view.ok"]
