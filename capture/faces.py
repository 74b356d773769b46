"""Finding faces, to warn about them on dermatology photos and to mask them on request.

OpenCV's Haar cascades ship with the wheel, need no model download and run in milliseconds on a
small copy. They also fire on skin texture now and then; a face is therefore only reported when an
eye is found inside its upper half, which rules out most false alarms on close-ups of skin.
"""

from __future__ import annotations

import threading

import numpy as np
import numpy.typing as npt

from capture.cv import cv2

Rect = tuple[int, int, int, int]  # x, y, width, height
_DETECT_LONG_SIDE = 320  # a face worth warning about fills a tenth of the frame or more
_EYE_FACE_WIDTH = 200  # eyes are looked for with the face this wide (about 30 px per eye)
# Cascade classifiers are not documented as thread-safe; imports run in a thread pool.
_LOCK = threading.Lock()
_cascades: dict[str, object] = {}


def _cascade(name: str) -> cv2.CascadeClassifier:
    cascade = _cascades.get(name)
    if cascade is None:
        cascade = cv2.CascadeClassifier(str(cv2.data.haarcascades) + name)  # type: ignore[attr-defined]
        _cascades[name] = cascade
    assert isinstance(cascade, cv2.CascadeClassifier)
    return cascade


def detect_faces(grey: npt.NDArray[np.uint8], *, confirm_eyes: bool = True) -> list[Rect]:
    """Faces in a greyscale image, as rectangles in that image's coordinates."""
    height, width = grey.shape[:2]
    scale = min(1.0, _DETECT_LONG_SIDE / max(height, width))
    small = (
        grey
        if scale == 1.0
        else cv2.resize(
            grey, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA
        )
    )
    # No histogram equalisation: it makes skin texture look like faces to the cascade, which
    # then costs ten times more and raises false alarms.
    min_side = max(24, int(min(small.shape[:2]) * 0.1))
    with _LOCK:
        found = _cascade("haarcascade_frontalface_default.xml").detectMultiScale(
            small, scaleFactor=1.2, minNeighbors=6, minSize=(min_side, min_side)
        )
        faces: list[Rect] = []
        for x, y, w, h in (tuple(int(v) for v in row) for row in found):
            rect = (round(x / scale), round(y / scale), round(w / scale), round(h / scale))
            if confirm_eyes and not _has_an_eye(grey, rect):
                continue
            faces.append(rect)
    return faces


def _has_an_eye(grey: npt.NDArray[np.uint8], face: Rect) -> bool:
    """Whether an eye is found in the upper part of ``face``, looked at with the face
    _EYE_FACE_WIDTH pixels wide: on the small detection copy a real face's eyes are too few
    pixels for the eye cascade."""
    x, y, w, h = face
    upper = grey[y : y + h // 2 + h // 8, x : x + w]
    if upper.size == 0:
        return False
    factor = _EYE_FACE_WIDTH / w
    size = (_EYE_FACE_WIDTH, max(1, round(upper.shape[0] * factor)))
    scaled = cv2.resize(upper, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR)
    side = _EYE_FACE_WIDTH // 10
    eyes = _cascade("haarcascade_eye.xml").detectMultiScale(
        scaled, scaleFactor=1.1, minNeighbors=4, minSize=(side, side)
    )
    return len(eyes) > 0


def face_visible(grey: npt.NDArray[np.uint8]) -> bool:
    """Whether a face (with an eye) is visible in the image."""
    return bool(detect_faces(grey))
