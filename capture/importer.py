"""Reading an imported photo (JPEG, PNG, TIFF, HEIC, AVIF, WebP, BMP, JPEG 2000, GIF, PPM/PGM) into pixels, refusing
what cannot be used.

Every failure becomes an :class:`app.errors.ImageRejected` with a sentence that names the file and
says what to do; nothing is half-read: either the whole image decodes, or the import stops.
"""

from __future__ import annotations

import io
import threading
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

from capture import messages
from capture.cv import cv2
from capture.decode import coded_data_amiss
from capture.heif_child import HeifTooLarge, HeifUnreadable, decode_heif
from capture.metadata import ORIENTATION_TAG, PhotoFacts, broken_profile, icc_profile, photo_facts
from capture.quality import jpeg_quality
from capture.sniff import (
    MAX_PIXELS,
    Format,
    header_size,
    heif_complete,
    j2k_reversible,
    netpbm_header,
    webp_lossless,
)

RGB = npt.NDArray[np.uint8]

# warnings.catch_warnings changes process-wide state; imports may run in a thread pool.
_WARNINGS_LOCK = threading.Lock()
# For JPEG the quality checks only need about 1000 px: libjpeg scales while decoding (DCT
# scaling), several times faster than decoding in full and resizing.
_ANALYSIS_LONG_SIDE = 1000
#: A JPEG over :data:`MAX_PIXELS` (a phone's 108 or 200 Mpx mode) is decoded at half its width and
#: height by libjpeg itself (DCT scaling, never the whole image in memory) and kept so: its sensor
#: groups its pixels, and half of 200 Mpx still holds more detail than the lens gives. Up to this.
MAX_JPEG_PIXELS = 4 * MAX_PIXELS
#: A JPEG 2000 over this many pixels is decoded at half its width and height by OpenJPEG itself (its
#: « reduce »: the finest resolution level is never made) and kept so. OpenJPEG holds each component in 32
#: bits while it decodes, beside Pillow's image: some 16 bytes a pixel, 1.45 GB more for a 79 MP file
#: (session 42), where a JPEG of that size takes 4. Above 40 MP it is decoded in a quarter of that; no
#: retinograph's export comes near (fundus cameras' are 24 MP at most), and half of 40 MP is still 10.
MAX_J2K_WHOLE_PIXELS = MAX_PIXELS // 2


@dataclass
class DecodedImage:
    """Pixels of an imported photo, upright, with what the pipeline needs from its header."""

    #: H×W×3, upright (EXIF orientation applied), possibly reduced for analysis; a turned or mirrored
    #: view of the decoded pixels when the file was not upright (see :func:`upright`).
    rgb: RGB
    width: int  # full upright size of the image
    height: int
    facts: PhotoFacts
    icc: bytes | None
    reduced: bool  # True when ``rgb`` is a reduced decode and not the full image
    #: The file's own size (upright) when it was over :data:`MAX_PIXELS` and decoded halved: ``rgb``,
    #: ``width`` and ``height`` are then what is kept, and a new file must be written from ``rgb``.
    halved_from: tuple[int, int] | None = None
    #: Images the file holds (a multi-page TIFF); only the first is read.
    pages: int = 1
    #: A later page could not be read (damaged): ``pages`` is then 2, the least the file holds.
    pages_unread: bool = False
    #: The file's pixels were JPEG-compressed already (a TIFF in JPEG): kept as JPEG, not made lossless.
    lossy: bool = False
    #: Transparent parts were put on white, or 16-bit samples of fewer bits stretched to be seen: what is
    #: stored and sent must be these pixels, not the file.
    flattened: bool = False
    #: A JPEG's quality (1–100) as estimated from its quantisation tables; ``None`` for other formats.
    jpeg_quality: int | None = None
    #: The file's colour profile could not be read: it was left out, the colours taken as sRGB.
    profile_dropped: bool = False
    #: The file's pixels are in CMYK (a print shop's or a scanner's export), which many viewers show in
    #: wrong colours: what is stored and sent must be these RGB pixels, not the file.
    cmyk: bool = False


#: What Pillow's readers raise on a damaged file. Its AVIF plugin (libavif) raises RuntimeError, at the
#: open (« Missing or empty image item ») and at the decode (« Decoding of color planes failed »): found by
#: damaging AVIF files, it went past the import's refusal as an error of the program.
DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, RuntimeError)


def check_pixels(name: str, width: int, height: int, limit: int = MAX_PIXELS) -> None:
    """Refuse a declared size over ``limit`` pixels before anything is decoded."""
    if width <= 0 or height <= 0:
        raise messages.rejected("damaged", name=name)
    if width * height > limit:
        raise messages.rejected("too-many-pixels", name=name, mp=round(width * height / 1e6), limit=limit // 1_000_000)


def _open(data: bytes, name: str, fmt: Format) -> tuple[Image.Image, PhotoFacts, bytes | None, bool]:
    if fmt in ("heic", "avif") and not heif_complete(data):
        raise messages.rejected("damaged", name=name)  # its decoder would fill what is missing with green
    declared = header_size(data, fmt)
    # A JPEG's size is read from its header before Pillow opens it, and a large one is decoded halved.
    limit = MAX_JPEG_PIXELS if fmt == "jpeg" and declared is not None else MAX_PIXELS
    if declared is not None:
        check_pixels(name, *declared, limit=limit)
    # (Decoded whole by its child, outside the lock: other imports go on meanwhile.)
    heif = _open_heif(data, name, limit) if fmt == "heic" else None
    with _WARNINGS_LOCK, warnings.catch_warnings():
        # Pillow's own bomb check would only warn between 89 and 179 MP: make it an error (at our own
        # limit). Broken EXIF makes Pillow warn too; the pixels are still good, so that warning is not shown.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module="PIL")
        pillow_limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, limit
        try:
            image = heif if heif is not None else Image.open(io.BytesIO(data), formats=[_PIL_FORMAT[fmt]])
            facts = photo_facts(image)
            icc = icc_profile(image)
            dropped = broken_profile(image)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise messages.rejected(
                "too-many-pixels", name=name, mp=f"> {limit // 1_000_000}", limit=limit // 1_000_000
            ) from exc
        except DECODE_ERRORS as exc:
            raise messages.rejected("damaged", name=name) from exc
        finally:
            Image.MAX_IMAGE_PIXELS = pillow_limit
    check_pixels(name, *image.size, limit=limit)
    return image, facts, icc, dropped


def _open_heif(data: bytes, name: str, limit: int) -> Image.Image:
    """A HEIC decoded in a child process (:mod:`capture.heif_child`: libheif is never loaded here, its
    crashes on damaged files killed the program), as an image holding its pixels and its metadata."""
    try:
        decoded = decode_heif(data, limit)
    except HeifTooLarge as exc:
        raise messages.rejected(
            "too-many-pixels", name=name, mp=round(exc.width * exc.height / 1e6), limit=limit // 1_000_000
        ) from exc
    except HeifUnreadable as exc:
        raise messages.rejected("damaged", name=name) from exc
    image = Image.frombytes(decoded.mode, decoded.size, decoded.pixels)
    image.info.update(decoded.info)
    return image


_PIL_FORMAT: dict[str, str] = {
    "jpeg": "JPEG",
    "png": "PNG",
    "tiff": "TIFF",
    "webp": "WEBP",
    "bmp": "BMP",
    "jpeg2000": "JPEG2000",
    "gif": "GIF",
    "avif": "AVIF",
    "pnm": "PPM",  # (Pillow's one plugin for PPM and PGM, plain and binary)
}


def upright(rgb: RGB, orientation: int) -> RGB:
    """``rgb`` (H×W×3) turned as its EXIF orientation says (1 = already upright), as a view of the same
    pixels: nothing is copied. A turned copy (Pillow's transpose) held a second whole image at the
    moment of the import's peak; a portrait photo needed twice the memory of a landscape one."""
    if orientation in (5, 6, 7, 8):
        rgb = rgb.transpose(1, 0, 2)  # 5: the transpose itself (mirrored across the main diagonal)
        if orientation == 6:  # taken turned a quarter to the left: a quarter turn to the right
            rgb = rgb[:, ::-1]
        elif orientation == 7:  # mirrored across the other diagonal
            rgb = rgb[::-1, ::-1]
        elif orientation == 8:  # a quarter turn to the left
            rgb = rgb[::-1]
    elif orientation == 2:
        rgb = rgb[:, ::-1]
    elif orientation == 3:
        rgb = rgb[::-1, ::-1]
    elif orientation == 4:
        rgb = rgb[::-1]
    return rgb


#: What libjpeg gives for the blocks a scan ended before: zero coefficients, mid-grey.
_MISSING_BLOCKS_GREY = 128
#: A JPEG block's side: the rest of the row of blocks a scan stopped in is grey at least this far.
_BLOCK = 8
#: Rows of that grey down the right edge above a photo's grey rows that are more than a cut's row of blocks
#: leaves (16 rows, chroma halved): a strip of text below the photo, not a cut.
_STRIP_ROWS = 3 * 2 * _BLOCK
#: How far (on average, in levels) a photo's edges may lie from that grey and still be a frame of it.
_FRAME_TOLERANCE = 12.0
#: How far (on average) a photo's right edge above its grey rows may lie from that grey and be a canvas's
#: margin: a few levels, its blocks' ringing (a photo's own edge is far from it all down its height).
_CANVAS_TOLERANCE = 4.0


def closed_after_a_cut(rgb: RGB) -> bool:
    """Whether a JPEG's pixels (as stored, before any turn) end in the mid-grey band libjpeg fills the
    missing blocks with when its scan stops early: a file cut short (a card pulled out while it was
    written) then closed by a recovery tool's end marker or by another file's sectors. Its last rows
    are that one grey across the width, while its first row is not one colour (a grey border all round
    is a framed photo, not a cut).

    A frame narrower than a JPEG's band of 16 rows shares its bands with the photo: once compressed its
    edges are that grey give or take a few levels (4 at most on the real photos framed in 1 to 20 pixels),
    while the edges of a photo cut short (its first row, its side columns above the grey) are far from it
    (28 levels at the least on the real photos cut)."""
    if rgb.shape[0] < 4:
        return False
    bottom = rgb[-2:]
    if not bool((bottom == _MISSING_BLOCKS_GREY).all()):
        return False
    top = rgb[0]
    if bool((top == top[0]).all()):
        return False
    grey_rows = (rgb == _MISSING_BLOCKS_GREY).all(axis=(1, 2))
    above = rgb[: len(grey_rows) - int(np.argmin(grey_rows[::-1]))]  # (at least the first row: it is not grey)
    # The scan stopped within a row of blocks: the rest of that row is grey too, up to the right edge. A grey
    # strip added along a whole photo's bottom edge meets it along a whole row (its blocks' ringing, or the
    # photo itself, just above it). (A cut falling exactly at a row's end, one in as many as a row has
    # blocks, is missed.)
    if not bool((above[-_BLOCK:, -_BLOCK:] == _MISSING_BLOCKS_GREY).all()):
        return False
    # A cut's grey reaches up the right edge within that row of blocks (16 rows at most); a device's grey
    # strip of text below a whole photo has it all the strip's height above its text's last line (found in
    # review: refused as damaged).
    if bool((above[-_STRIP_ROWS:, -_BLOCK:] == _MISSING_BLOCKS_GREY).all()):
        return False
    # Above that row a cut photo reaches the right edge; a whole photo set on a larger grey canvas (padded
    # on the right and below) has that grey all down its right edge (found in review: refused as damaged).
    right = above[:, -1].astype(np.int16)
    if float(np.abs(right - _MISSING_BLOCKS_GREY).mean()) <= _CANVAS_TOLERANCE:
        return False
    edges = np.concatenate([above[0], above[:, 0], above[:, -1]]).astype(np.int16)
    return float(np.abs(edges - _MISSING_BLOCKS_GREY).mean()) > _FRAME_TOLERANCE


def _coded_data_amiss(data: bytes, rgb: RGB) -> bool:
    """:func:`coded_data_amiss` of a JPEG whose pixels (as stored) are ``rgb``."""
    return coded_data_amiss(data, ends_grey=bool((rgb[-1, -1] == _MISSING_BLOCKS_GREY).all()))


def has_alpha(image: Image.Image) -> bool:
    """Whether some pixels may be transparent (an alpha channel, or a transparent colour)."""
    return image.mode in ("RGBA", "LA", "PA", "RGBa") or "transparency" in image.info


def sixteen_bit_top(peak: int) -> int:
    """The white of 16-bit samples whose largest is ``peak``: a sensor's 10 or 12 bits written in 16-bit
    samples (a monochrome camera's, a red-free retinograph's) are shown by their device on their own bits,
    and scaled by 16 they came out nearly black. As the DICOM import does: the bits the values use, at
    least 8, when they are 12 at most (a sensor's 10 or 12 bits; values reaching higher are a 16-bit
    image's own, a dark one perhaps, and keep its scale)."""
    used = max(8, peak.bit_length())
    return (1 << used) - 1 if used <= 12 else 65535


def fewer_bits_than_16(image: Image.Image) -> bool:
    """Whether a 16-bit grey image's values use fewer than its 16 bits (its pixels are then stretched to
    be seen, and what is sent must be those pixels, not the file)."""
    if image.mode not in ("I;16", "I;16B", "I;16L"):
        return False
    extrema = image.getextrema()
    peak = int(extrema[1]) if isinstance(extrema, tuple) and isinstance(extrema[1], (int, float)) else 65535
    return sixteen_bit_top(peak) < 65535


def sixteen_bit_colour(data: bytes, image: Image.Image, fmt: Format) -> bool:
    """Whether a PNG or TIFF read as RGB is stored in 16-bit samples (its header says so: a PNG's IHDR bit
    depth and colour type, a TIFF's BitsPerSample)."""
    if image.mode != "RGB":
        return False
    if fmt == "png":
        return len(data) >= 26 and data[24] == 16 and data[25] == 2
    if fmt == "tiff":
        bits = getattr(image, "tag_v2", {}).get(258)
        return isinstance(bits, tuple) and len(bits) == 3 and all(b == 16 for b in bits)
    return False


def _rgb_of_few_bits(data: bytes, image: Image.Image) -> RGB | None:
    """A 16-bit colour PNG or TIFF whose samples use 12 bits at most, as 8-bit RGB stretched on those bits;
    ``None`` for any other (Pillow's reading is then right). Pillow keeps the high byte of each sample:
    0 to 15 for 12 bits, a black image. Read again by OpenCV, which gives the 16-bit samples; three
    channels only (an alpha's scale is its own), the first page, as stored (the caller turns it)."""
    values = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if values is None or values.dtype != np.uint16 or values.ndim != 3 or values.shape[2] != 3:
        return None
    if values.shape[1::-1] != image.size:
        return None
    top = sixteen_bit_top(int(values.max()))
    if top == 65535:
        return None
    eight = np.asarray(cv2.convertScaleAbs(values, alpha=255.0 / top), dtype=np.uint8)
    return np.ascontiguousarray(eight[:, :, ::-1])


def netpbm_deep(data: bytes) -> RGB | None:
    """A binary PPM or PGM of two-byte samples (its largest sample over 255: a sensor's 10, 12 or 16 bits) as
    8-bit RGB on that largest sample, its white; ``None`` for any other, or one cut short (Pillow then says
    it is damaged). Pillow's own reading stretched a 16-bit PGM on its brightest pixel (a dim red-free
    retinograph shown well exposed, another picture than its device's), and took seconds for a PPM."""
    header = netpbm_header(data)
    if header is None or data[1:2] not in (b"5", b"6") or header[2] <= 255:
        return None
    width, height, maxval, start = header
    channels = 3 if data[1:2] == b"6" else 1
    count = width * height * channels
    if len(data) < start + 2 * count:
        return None
    values = np.frombuffer(data, dtype=">u2", count=count, offset=start).reshape(height, width, channels)
    eight = np.asarray(cv2.convertScaleAbs(values.astype(np.uint16), alpha=255.0 / maxval), dtype=np.uint8)
    eight = eight.reshape(height, width, channels)  # (OpenCV gives one channel without its axis)
    return np.ascontiguousarray(np.repeat(eight, 3, axis=2) if channels == 1 else eight)


def to_rgb_array(image: Image.Image) -> RGB:
    """8-bit RGB pixels of any Pillow image (16-bit greys are scaled, not clipped; transparent parts
    on white, as a viewer shows them: dropping the alpha would show what an editor erased)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        values = np.asarray(image, dtype=np.uint32)
        top = sixteen_bit_top(int(values.max())) if image.mode != "I" else max(int(values.max()), 1)
        grey = (values * 255 // top).astype(np.uint8)
        transparent = image.info.get("transparency")
        if isinstance(transparent, int):  # a transparent grey value (PNG tRNS): white, as shown
            grey[values == transparent] = 255
        return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))
    if has_alpha(image):
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")
    if image.mode != "RGB":
        image = image.convert("RGB")
    return np.ascontiguousarray(np.asarray(image, dtype=np.uint8))


def decode_photo(data: bytes, *, name: str, fmt: Format, full: bool) -> DecodedImage:
    """Decode a JPEG, PNG, TIFF, HEIC, WebP, BMP, JPEG 2000, GIF or PPM/PGM into upright RGB pixels.

    With ``full=False`` a JPEG may be decoded at a reduced scale (enough for the quality checks
    and the thumbnail); the whole file is still read, so a truncated one is still refused.
    """
    image, facts, icc, profile_dropped = _open(data, name, fmt)
    try:
        width, height = image.size
        reduced = False
        halved_from = None
        if width * height > MAX_PIXELS:  # only a JPEG gets here (see _open): its halved decode is the image
            halved_from = (height, width) if facts.orientation in (5, 6, 7, 8) else (width, height)
            width, height = (width + 1) // 2, (height + 1) // 2  # libjpeg's size at scale 1/2
            if full:
                image.draft("RGB", (width, height))
                width, height = image.size
            if width * height > MAX_PIXELS:
                mp = round(halved_from[0] * halved_from[1] / 1e6)
                raise messages.rejected("too-many-pixels", name=name, mp=mp, limit=MAX_PIXELS // 1_000_000)
        if fmt == "jpeg2000" and width * height > MAX_J2K_WHOLE_PIXELS:
            halved_from = (width, height)
            setattr(image, "reduce", 1)  # noqa: B010  (Jpeg2KImageFile's property, read at its load)
        if fmt == "jpeg" and not full:
            scale = max(1, max(width, height) // _ANALYSIS_LONG_SIDE)
            # (Never below one pixel on the short side: a panorama one pixel high made draft divide by 0.)
            if scale >= 2 and min(width, height) // scale >= 1:
                image.draft("RGB", (width // scale, height // scale))
                reduced = image.size != (width, height)
        deep = facts.orientation == 1 and sixteen_bit_colour(data, image, fmt)
        netpbm = netpbm_deep(data) if fmt == "pnm" else None
        try:
            if netpbm is None:
                image.load()
        except DECODE_ERRORS as exc:
            raise messages.rejected("damaged", name=name) from exc
        orientation = facts.orientation
        if fmt == "jpeg2000":
            width, height = image.size  # (halved by its reduce: OpenJPEG's size at level 1)
        if fmt == "tiff" and image.getexif().get(ORIENTATION_TAG, 1) in (None, 1):
            # Pillow turns a TIFF upright itself (13 does: its size is already turned at open) and then
            # drops the tag: turning it again sent it mirrored or upside down.
            orientation = 1
        # Transparent parts put on white, or fewer than 16 bits stretched: the pixels are not the file's.
        flattened = has_alpha(image) or fewer_bits_than_16(image)
        cmyk = image.mode == "CMYK"
        few_bits = _rgb_of_few_bits(data, image) if deep else netpbm
        if few_bits is not None:
            rgb, flattened = few_bits, True
        else:
            pixels = to_rgb_array(image)
            # (The coded data is asked of once, at the import's first decode: its full one follows it, and a
            # stored image turned later is ours.)
            if fmt == "jpeg" and (closed_after_a_cut(pixels) or (not full and _coded_data_amiss(data, pixels))):
                raise messages.rejected("damaged", name=name)
            rgb = upright(pixels, orientation)
        lossy = (
            fmt == "jpeg"
            or (fmt == "tiff" and image.info.get("compression") in ("jpeg", "tiff_jpeg"))
            or (fmt == "webp" and not webp_lossless(data))
            or (fmt == "jpeg2000" and not j2k_reversible(data))
        )
        tables = getattr(image, "quantization", None) if fmt == "jpeg" else None
        estimated = jpeg_quality(tables[min(tables)]) if tables else None
        pages_unread = False
        try:
            # (Counted after what is read of the first page: a damaged later page leaves Pillow on it.)
            pages = int(getattr(image, "n_frames", 1) or 1) if fmt in ("tiff", "webp", "gif") else 1
        except (*DECODE_ERRORS, TypeError, KeyError):
            # Counting a TIFF's pages reads each page's header: one without its size (a damaged later page) made
            # Pillow raise TypeError (found by damaging files). Only the first page is imported, and it decoded
            # whole above (a damaged one is refused there): it is imported, the nurse told the others are unread.
            pages, pages_unread = 2, True
    finally:
        image.close()
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return DecodedImage(
        rgb=rgb,
        width=width,
        height=height,
        facts=facts,
        icc=icc,
        reduced=reduced,
        flattened=flattened,
        halved_from=halved_from,
        pages=pages,
        pages_unread=pages_unread,
        lossy=lossy,
        jpeg_quality=estimated,
        profile_dropped=profile_dropped,
        cmyk=cmyk,
    )
