"""Hiding a face or an identifying mark: blur or mask a rectangle, on a copy.

The original pixels are never modified: every function returns a new image, and keeping or
dropping the original is the caller's decision (the user's choice). A blur strong enough to
anonymise must not be reversible by sharpening: the region is pixelated first, then blurred.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from capture.cv import cv2
from capture.faces import Rect, detect_faces

Image8 = npt.NDArray[np.uint8]
Mode = Literal["blur", "mask"]
#: Faces are grown by this share of their size: the Haar box is tight on the features, hair and
#: ears identify too.
FACE_MARGIN = 0.25


def find_faces(rgb: Image8) -> list[Rect]:
    """Rectangles (x, y, width, height) around the faces in an RGB image, with a margin."""
    grey = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    height, width = grey.shape
    grown: list[Rect] = []
    # Asking for an eye too avoids false alarms in quality warnings; here a missed face is
    # worse than a needless rectangle the user can remove.
    for x, y, w, h in detect_faces(grey, confirm_eyes=False):
        dx, dy = int(w * FACE_MARGIN), int(h * FACE_MARGIN)
        left, top = max(0, x - dx), max(0, y - dy)
        grown.append((left, top, min(width, x + w + dx) - left, min(height, y + h + dy) - top))
    return grown


def _clip(rect: Rect, width: int, height: int) -> Rect | None:
    x, y, w, h = (int(v) for v in rect)
    left, top = max(0, min(x, x + w)), max(0, min(y, y + h))
    right, bottom = min(width, max(x, x + w)), min(height, max(y, y + h))
    if right - left < 1 or bottom - top < 1:
        return None
    return left, top, right - left, bottom - top


def blur_region(image: Image8, rect: Rect) -> Image8:
    """A copy of ``image`` with ``rect`` pixelated and blurred beyond recognition."""
    out = image.copy()
    height, width = image.shape[:2]
    clipped = _clip(rect, width, height)
    if clipped is None:
        return out
    x, y, w, h = clipped
    region = out[y : y + h, x : x + w]
    blocks = max(1, min(w, h) // 12)  # about 12 blocks across the short side
    small = cv2.resize(region, (max(1, w // blocks), max(1, h // blocks)), interpolation=cv2.INTER_AREA)
    coarse = cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)
    out[y : y + h, x : x + w] = cv2.GaussianBlur(coarse, (0, 0), max(1.0, blocks / 2.0))
    return out


def mask_region(image: Image8, rect: Rect, colour: tuple[int, int, int] = (0, 0, 0)) -> Image8:
    """A copy of ``image`` with ``rect`` filled with a plain colour."""
    out = image.copy()
    height, width = image.shape[:2]
    clipped = _clip(rect, width, height)
    if clipped is not None:
        x, y, w, h = clipped
        out[y : y + h, x : x + w] = colour
    return out


def apply(image: Image8, regions: Sequence[Rect], *, mode: Mode | str = "blur") -> Image8:
    """A copy of ``image`` with every region blurred (``"blur"``) or masked (``"mask"``)."""
    out = image.copy()
    for rect in regions:
        out = mask_region(out, rect) if mode == "mask" else blur_region(out, rect)
    return out
