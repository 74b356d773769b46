"""A retinograph whose field fills a small part of its frame (a phone through a fundus adapter, a handheld
camera's wide black surround) is judged on its retina at the scale a fundus camera's field is.

Found from outside (dicom40): the checks run on a copy of the whole frame reduced to about 1000 px, so the
real retinograph placed at 1411 px in a phone's 4032 × 3024 photo was analysed at some 350 px across, and a
blur that makes it « floue » alone (blocking) vanished in the reduction: the same blurred retina passed as
« nette ». Exposure and field were already measured inside the field; sharpness is now too, at its scale.
"""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from app.model import QualityFinding
from capture.pipeline import prepare_image_bytes, recheck_stored
from capture.quality import check_quality

REAL_RETINA = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "retina-normal-left-eye.jpg"


@pytest.fixture(scope="module")
def retina() -> np.ndarray:
    with Image.open(REAL_RETINA) as image:
        return np.asarray(image.convert("RGB"))


def _in_a_phone_photo(field: np.ndarray) -> np.ndarray:
    """``field`` in the middle of a phone's 4032 × 3024 photo, black around it (the adapter's tube)."""
    canvas = np.zeros((3024, 4032, 3), np.uint8)
    height, width = field.shape[:2]
    y, x = (3024 - height) // 2, (4032 - width) // 2
    canvas[y : y + height, x : x + width] = field
    return canvas


def _sharpness(image: np.ndarray) -> str:
    [finding] = [f for f in check_quality(image, specialty="ophthalmology") if f.check == "sharpness"]
    return finding.level


@pytest.mark.parametrize("sigma", [0.0, 7.0])
def test_a_small_field_in_a_large_black_frame_gets_the_verdict_it_gets_alone(retina: np.ndarray, sigma: float) -> None:
    field = np.ascontiguousarray(cv2.GaussianBlur(retina, (0, 0), sigma)) if sigma else retina
    alone = _sharpness(field)
    assert alone == ("ok" if sigma == 0 else "blocking")  # (the real retinograph and its blurred copy)
    assert _sharpness(_in_a_phone_photo(field)) == alone


def test_the_field_found_in_a_bgr_frame_is_judged_the_same(retina: np.ndarray) -> None:
    """A camera's still (BGR, Teleavis's own camera through an adapter) is cut around its field as an import is."""
    photo = _in_a_phone_photo(np.ascontiguousarray(cv2.GaussianBlur(retina, (0, 0), 7.0)))
    bgr = np.ascontiguousarray(photo[:, :, ::-1])
    [finding] = [f for f in check_quality(bgr, specialty="ophthalmology", order="bgr") if f.check == "sharpness"]
    assert finding.level == "blocking"


def _jpeg(rgb: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=95)
    return out.getvalue()


def _jpeg_sharpness(data: bytes, name: str) -> tuple[str, list[QualityFinding], bytes]:
    prepared = prepare_image_bytes(data, filename=name, specialty="ophthalmology")
    [finding] = [f for f in prepared.quality if f.check == "sharpness"]
    return finding.level, prepared.quality, prepared.data


def test_a_phones_jpeg_of_a_small_blurred_field_is_judged_as_the_field_alone_on_import_and_check_again(
    retina: np.ndarray,
) -> None:
    """Found in review (review40j): a phone's photo comes as a JPEG, which the import (and a draft's check
    again) decoded at a quarter of its size for the checks: the field cut out of it was the 350 px it was in
    the reduced copy, and the blurred retina still passed as « nette » (1.41: ok) as it did before the cut.
    (A JPEG's blocks read as edges: the field alone in a JPEG measures some 2.2, a warning.)"""
    field = np.ascontiguousarray(cv2.GaussianBlur(retina, (0, 0), 7.0))
    alone, _, _ = _jpeg_sharpness(_jpeg(field), "field.jpg")
    assert alone != "ok"
    imported, findings, stored = _jpeg_sharpness(_jpeg(_in_a_phone_photo(field)), "phone.jpg")
    assert imported == alone
    again, _ = recheck_stored(stored, specialty="ophthalmology", findings=findings)
    assert [f.level for f in again if f.check == "sharpness"] == [alone]
