"""Stored images decoded for the window, on a worker thread, by OpenCV.

The window decodes a case's thumbnails on a worker while its own thread writes the case's page, and a
photo to anonymise while it goes on painting. Qt's decoder (``QImage.fromData``) and its scaling keep
Python's global lock for as long as they run, so the window's thread waited for each decode as if it
did it itself; OpenCV lets go of the lock while it decodes and resizes, and the two run side by side.
The stored images are ours: upright, no orientation to follow.
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


def _bgr(data: bytes) -> Image8 | None:
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    return None if pixels is None or pixels.size == 0 else np.asarray(pixels, dtype=np.uint8)


def fitted(data: bytes, box: tuple[int, int]) -> Image8 | None:
    """The JPEG (or PNG) ``data`` as BGR pixels fitted to ``box`` (width, height), bigger or smaller;
    None when the bytes are no picture OpenCV reads."""
    pixels = _bgr(data)
    if pixels is None:
        return None
    height, width = pixels.shape[:2]
    return _resized(pixels, fitted_size(width, height, box))


def rgb(data: bytes) -> Image8 | None:
    """The stored image ``data`` (JPEG, PNG, TIFF) as RGB pixels at its full size; None when OpenCV does
    not read it (a DICOM)."""
    pixels = _bgr(data)
    return None if pixels is None else np.asarray(cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB), dtype=np.uint8)


def upright(data: bytes, long_side: int) -> Image8 | None:
    """A picture from outside (the expert's) as it is meant to be seen: turned by its EXIF orientation (a
    phone's portrait photo is stored sideways), its longer side at most ``long_side``; None when OpenCV
    does not read it."""
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return None if pixels is None else within(np.asarray(pixels, dtype=np.uint8), long_side)


def within(pixels: Image8, long_side: int) -> Image8:
    """``pixels`` reduced so that their longer side is at most ``long_side`` (as they are if already)."""
    height, width = pixels.shape[:2]
    if max(height, width) <= long_side:
        return pixels
    return _resized(pixels, fitted_size(width, height, (long_side, long_side)))


_SMALL = 512 * 512  # pixels: a tile's picture, not a photo shown whole


def _resized(pixels: Image8, size: tuple[int, int]) -> Image8:
    """``pixels`` at ``size`` (width, height): averaged when smaller, interpolated when bigger.

    A small picture less than halved (a stored thumbnail fitted to its tile: 320 pixels to 176) is first
    interpolated to twice ``size`` and then averaged two by two: OpenCV averages by a whole factor about
    ten times faster than by any other, and this is all but the same picture (a tenth of a level apart on
    average). A case's 8 thumbnails took 3 ms more the other way, while the user waits for them. (Not a
    photo shown whole: its pixels at twice the size would weigh four times its own.)"""
    height, width = pixels.shape[:2]
    if size == (width, height):
        return np.ascontiguousarray(pixels)
    if size[0] >= width:
        return np.ascontiguousarray(cv2.resize(pixels, size, interpolation=cv2.INTER_LINEAR), dtype=np.uint8)
    if 2 * size[0] > width and 2 * size[1] > height and size[0] * size[1] <= _SMALL:
        pixels = np.asarray(cv2.resize(pixels, (2 * size[0], 2 * size[1]), interpolation=cv2.INTER_LINEAR), np.uint8)
    return np.ascontiguousarray(cv2.resize(pixels, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
