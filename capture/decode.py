"""Stored images decoded for the window, on a worker thread, by OpenCV.

The window decodes a case's thumbnails on a worker while its own thread writes the case's page, and a
photo to anonymise while it goes on painting. Qt's decoder (``QImage.fromData``) and its scaling keep
Python's global lock for as long as they run, so the window's thread waited for each decode as if it
did it itself; OpenCV lets go of the lock while it decodes and resizes, and the two run side by side.
The stored images are ours: upright, no orientation to follow.

A JPEG being imported is also asked of libjpeg whether its coded data ends where its image does (a photo
cut short and followed by another file's bytes: ``coded_data_amiss``).
"""

from __future__ import annotations

import io

import numpy as np
import numpy.typing as npt
from PIL import JpegImagePlugin

from capture.cv import cv2
from capture.sniff import jpeg_scan

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


#: How much of a JPEG's coded data, at its end, the test below takes away: more than its last blocks take
#: (a whole photo's last blocks took 256 bytes at most in real photos written again at any quality, 512
#: for a corner of pure noise at quality 100). A cut whose other bytes end within it is missed.
_TAIL = 1024
#: Coded data the test below adds when a photo ends in blocks of level 0: any bits but 0xFF (a marker).
_MORE = bytes(range(1, 255)) * 4
#: The level libjpeg gives a block it had no data for (its coefficients left at 0).
_MISSING_LEVEL = 128


def coded_data_amiss(data: bytes, *, ends_grey: bool) -> bool:
    """Whether a sequential JPEG's decoder did not end its image where its coded data ends: the file was
    cut short (a card pulled out while the photo was written, a recovery tool's copy) and what follows is
    another file's bytes (the next sectors of the card: another photo, perhaps another patient's), a random
    fill or zeros. libjpeg reads them as the rest of the picture, drawn with the wrong blocks or with the
    other photo's, and only warns (« Corrupt JPEG data: N extraneous bytes before marker », « premature
    end of data segment », restart markers out of turn), warnings Pillow and OpenCV do not pass on.

    The restart markers are counted in the file. Then libjpeg itself is asked, decoding the file again (an
    eighth of its size, its luminance only: its blocks' mean levels, some 0.4 of a decode's time):
    without the last ``_TAIL`` bytes of its coded data, a whole photo's last blocks have no data, and
    libjpeg leaves them at level 0 (mid-grey, 128), while a cut photo's decoder had ended before those
    bytes and draws its last block as before. When the photo's last pixel is that grey already
    (``ends_grey``: a grey frame, or a decoder that ran out of bytes), more bytes are given instead: a
    whole photo does not read them, a decoder that ran out does. ``False`` when the file is not one scan
    of a sequential JPEG (a progressive one's scans are checked as a structure) or too small to tell."""
    scan = jpeg_scan(data)
    if scan is None:
        return False
    start, end, restarts_broken = scan
    if restarts_broken:
        return True
    if end - start <= 2 * _TAIL:
        return False
    if ends_grey:
        grey = _grey_ending(data)
        return grey is not None and _grey_ending(data[:end] + _MORE + data[end:]) != grey
    if _grey_ending(data[: end - _TAIL] + b"\xff\xd9") != 0:
        return False
    # Found in review: an encoder may pad its coded data before the end marker (zeros: libjpeg's « N
    # extraneous bytes before marker 0xd9 », the photo shown whole), and a kilobyte of padding held none of
    # the image's. A padding the decoder does not read is not the image's: judged without it. (A cut photo
    # followed by zeros reads them as its missing blocks: they change what it draws.)
    padded = _padding_start(data, start, end)
    if padded is None or not _unread(data, padded, end):
        return True
    return padded - start > 2 * _TAIL and _grey_ending(data[: padded - _TAIL] + b"\xff\xd9") == 0


def wants_more(closed: bytes) -> bool:
    """Whether libjpeg, given more coded data just before the end marker ``closed`` ends with (a JPEG whose
    missing end marker was added), draws another image: it had not reached its image's last bit when the
    file ended (a photo cut short). A whole photo's decoder has ended its image before those bytes and
    draws it the same, as :func:`_unread` tells of an encoder's padding. ``True`` when it cannot tell (it
    does not decode), the file then refused as before.

    Asked first at an eighth of the size in luminance (blocks' means: a cut before the last blocks
    shows there at once), then, when that draws the same, on the whole image in colour as it is and with
    other data given (:data:`_FILLS`). Found in review: at an eighth alone, a photo cut in its last block's detail
    or colour, and a progressive one cut anywhere in its last scan (half of the file as libjpeg writes
    it: the luminance detail's last bit, the lower part of the photo coarser), drew the same and were
    imported as whole. (Only a file lacking its end marker is asked: up to five decodes of it, on the import's
    worker, a few seconds for 24 MP.)"""
    before = _levels(closed)
    after = _levels(closed[:-2] + _MORE + closed[-2:])
    if before is None or after is None or not np.array_equal(before, after):
        return True
    drawn = _pixels(closed)
    if drawn is None:
        return True
    for fill in _FILLS:  # (the second, for the odd cut whose two fills drew the same, found by cutting)
        filled = _pixels(closed[:-2] + fill + closed[-2:])
        if filled is None or not np.array_equal(drawn, filled):
            return True
    # Found in review: a photo cut short and followed by other bytes without a marker (zeros, another
    # file's data) was read to its end from them, its decoder ending within those bytes, before the file's
    # end. A whole photo's decoder reads its last byte (an encoder pads only its last bits): without it,
    # it draws another image with one fill or the other.
    last = len(closed) - 3
    if closed[last] == 0 and closed[last - 1] == 0xFF:
        last -= 1  # (a 0xFF in the data is followed by a 0: the two are one byte of it)
    for fill in _FILLS:
        filled = _pixels(closed[:last] + fill + closed[-2:])
        if filled is None or not np.array_equal(drawn, filled):
            return False
    return True


#: Coded data given where the file ends, that differs in every bit from what libjpeg reads when data is
#: missing (zeros) and from each other (none holds 0xFF, a marker's first byte): a decoder reading any
#: bit of them draws another image (with either, at least: a progressive photo cut in its last scan drew
#: the same with both of two).
_FILLS = (b"\xaa" * 1024, b"\x55" * 1024)


def _pixels(data: bytes) -> npt.NDArray[np.uint8] | None:
    """A JPEG decoded whole, at its full size, in its own colours (every coefficient of every block
    counts); ``None`` when it does not decode."""
    try:
        with JpegImagePlugin.JpegImageFile(io.BytesIO(data)) as image:
            image.load()
            return np.asarray(image, dtype=np.uint8)
    except (OSError, ValueError, SyntaxError):
        return None


#: A run of one byte at least this long ending a JPEG's coded data may be its encoder's padding.
_PADDING = 16


def _padding_start(data: bytes, start: int, end: int) -> int | None:
    """Where the run of one byte value ending the coded data ``data[start:end]`` begins, when it is at least
    :data:`_PADDING` long (a zero stuffing a 0xFF before it is the image's); else ``None``."""
    value, run = data[end - 1], end - 1
    while run > start and data[run - 1] == value:
        run -= 1
    if value == 0 and run > start and data[run - 1] == 0xFF:
        run += 1
    return run if end - run >= _PADDING else None


def _unread(data: bytes, padded: int, end: int) -> bool:
    """Whether the decoder draws the same image when ``data[padded:end]`` is replaced by other bytes: it
    ended before them."""
    other = (_MORE * (1 + (end - padded) // len(_MORE)))[: end - padded]
    before, after = _levels(data), _levels(data[:padded] + other + data[end:])
    return before is not None and after is not None and np.array_equal(before, after)


def _grey_ending(data: bytes) -> int | None:
    """How many of a JPEG's last blocks are at level 0 (mid-grey), counted back from its last one row by
    row on the image decoded at an eighth of its size (one pixel a block) in luminance only; ``None`` when that
    is not how it decodes (a CMYK JPEG) or it does not decode."""
    levels = _levels(data)
    if levels is None:
        return None
    other = np.flatnonzero(levels != _MISSING_LEVEL)
    return int(levels.size if other.size == 0 else levels.size - 1 - other[-1])


def _levels(data: bytes) -> npt.NDArray[np.uint8] | None:
    """A JPEG's blocks' mean levels (decoded at an eighth of its size, luminance only), in order; ``None``
    when that is not how it decodes (a CMYK JPEG) or it does not decode. (Opened as the JPEG it is, without
    Pillow's warning for a great many pixels: the size was judged before, and an eighth of it is decoded.)"""
    try:
        with JpegImagePlugin.JpegImageFile(io.BytesIO(data)) as image:
            width, height = image.size
            image.draft("L", ((width + 7) // 8, (height + 7) // 8))
            if image.mode != "L":
                return None
            image.load()
            return np.asarray(image, dtype=np.uint8).ravel()
    except (OSError, ValueError, SyntaxError):
        return None
