"""Thumbnails read back for the window: decoded and fitted to a tile by OpenCV.

The window decodes the thumbnails of a case on a worker thread while its own thread writes the case's
page. Qt's decoder (``QImage.fromData``) and its scaling keep Python's global lock for as long as they
run, so the window's thread waited for each decode as if it did it itself; OpenCV releases the lock
while it decodes and resizes, and the two run side by side.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from capture.cv import cv2

Image8 = npt.NDArray[np.uint8]


def fitted_size(width: int, height: int, box: tuple[int, int]) -> tuple[int, int]:
    """``width`` × ``height`` scaled to fit ``box`` (width, height), its proportions kept, as Qt computes
    it (``QSize.scaled`` with ``KeepAspectRatio``): the tiles are laid out to the pixel as before."""
    box_width, box_height = box
    across = box_height * width // height
    if across <= box_width:
        return max(1, across), box_height
    return box_width, max(1, box_width * height // width)


def decode_fitted(data: bytes, box: tuple[int, int]) -> Image8 | None:
    """The JPEG (or PNG) ``data`` as BGR pixels fitted to ``box`` (width, height), bigger or smaller;
    None when the bytes are no picture OpenCV reads. The thumbnails are ours: no orientation to follow."""
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    if pixels is None or pixels.size == 0:
        return None
    height, width = pixels.shape[:2]
    size = fitted_size(width, height, box)
    if size != (width, height):
        shrinking = size[0] < width
        pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    return np.ascontiguousarray(pixels, dtype=np.uint8)
