"""Recognising an image from its bytes, and its size from its header, before anything decodes it.

The extension of a file says what the sender hoped it was; the first bytes say what it is. Reading
the pixel dimensions from the header lets a decompression bomb (a small file declaring a gigantic
image) be refused before a single pixel is allocated.
"""

from __future__ import annotations

import re
import struct
from typing import Literal

Format = Literal["jpeg", "png", "tiff", "heic", "webp", "dicom", "bmp", "jpeg2000", "gif", "avif", "pnm"]

#: Largest image accepted, in pixels. Pillow warns from 89.5 MP; staying under it means its own
#: bomb warning never fires on an image we accepted, and 80 MP is well above any clinical camera.
MAX_PIXELS = 80_000_000
#: Largest file accepted, in bytes.
MAX_BYTES = 200 * 1024 * 1024

_AVIF_BRANDS = {b"avif", b"avis"}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
# SOF markers that carry the frame size (not DHT C4, JPG C8, DAC CC).
#: The sizes of a BMP's information header (BITMAPCOREHEADER, OS/2 2, BITMAPINFOHEADER, V2, V3, V4, V5):
#: "BM" alone is too short a signature (a text file may begin so).
_BMP_HEADERS = {12, 16, 40, 52, 56, 64, 108, 124}
#: A JP2 file's signature box, and a bare JPEG 2000 codestream's SOC and SIZ markers (ISO 15444-1).
_JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
_J2K_START = b"\xff\x4f\xff\x51"
#: Netpbm's grey and colour magics (plain P2 and P3, binary P5 and P6); bitmaps (P1, P4) are no photographs.
_NETPBM_MAGIC = (b"P2", b"P3", b"P5", b"P6")
#: A Netpbm header is read in this many first bytes (a comment or two, as software writes them, take far fewer).
NETPBM_HEADER_BYTES = 4096
#: A Netpbm header: its magic, then width, height and the largest sample, each after white space or
#: comments (« # » to the end of the line), and one white space before the samples.
_NETPBM_HEADER = re.compile(
    rb"P([2356])(?:\s+|#[^\n\r]*[\n\r])+(\d+)(?:\s+|#[^\n\r]*[\n\r])+(\d+)"
    rb"(?:\s+|#[^\n\r]*[\n\r])+(\d+)\s"
)
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def sniff(data: bytes) -> Format | None:
    """The format of ``data`` from its signature, or ``None`` when it is none we take."""
    # DICOM first: its 128-byte preamble may begin with another format's signature (PS3.10 7.1 lets it hold
    # a TIFF header, a « dual-format » file): « DICM » after it is what the file is.
    if (len(data) >= 132 and data[128:132] == b"DICM") or data[:4] == b"DICM":
        return "dicom"  # (some devices write the file without its 128-byte preamble)
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in _AVIF_BRANDS:
        return "avif"  # (an AV1 image in the same boxes as HEIC: a recent Android phone's, a browser's download)
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "heic"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"  # (a browser's or a cloud gallery's download)
    # Older fundus cameras and devices export BMP or JPEG 2000; a GIF comes from a web page or a message.
    if data[:2] == b"BM" and len(data) >= 18 and struct.unpack("<I", data[14:18])[0] in _BMP_HEADERS:
        return "bmp"
    if data.startswith((_JP2_SIGNATURE, _J2K_START)):
        return "jpeg2000"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    # Netpbm's grey and colour images, binary (P5, P6) or plain (P2, P3): public retinograph sets (STARE) and
    # older capture software write them. The magic is two letters: a header's number or comment must follow.
    if data[:2] in _NETPBM_MAGIC and len(data) >= 4 and data[2:3].isspace() and re.match(rb"\s*[0-9#]", data[2:]):
        return "pnm"
    return None


def webp_lossless(data: bytes) -> bool:
    """Whether a WebP's image is compressed without loss (a ``VP8L`` chunk), read from its RIFF chunks."""
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        if kind in (b"VP8 ", b"VP8L"):
            return kind == b"VP8L"
        if kind == b"ANMF":  # an animation's first frame: 16 bytes of placement, then its own chunks
            pos += 8 + 16
            continue
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        pos += 8 + length + (length & 1)
    return False


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a JPEG's frame header, or ``None`` when it has none."""
    pos = 2
    end = len(data)
    while pos + 4 <= end:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # stand-alone markers
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in _JPEG_SOF:
            if pos + 9 > end:
                return None
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return width, height
        if marker in (0xDA, 0xD9):  # scan or end before any frame header
            return None
        pos += 2 + length
    return None


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR chunk, or ``None`` when it is missing."""
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def j2k_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a JPEG 2000 codestream's SIZ marker (its image area less its offset), or
    ``None`` when it has none where the standard puts it (right after the codestream's start)."""
    at = data.find(_J2K_START)
    if at < 0 or at + 24 > len(data):
        return None
    width, height, left, top = struct.unpack(">IIII", data[at + 8 : at + 24])
    return (width - left, height - top) if width > left and height > top else None


def j2k_reversible(data: bytes) -> bool:
    """Whether a JPEG 2000 file (or bare codestream) was compressed without loss: the wavelet of its main
    header's coding style (COD) is the reversible 5-3 one. ``False`` when that cannot be read."""
    at = data.find(_J2K_START)
    if at < 0:
        return False
    pos = at + 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0x90:  # the first tile-part: the main header ended without a COD
            return False
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker == 0x52:  # COD: Lcod, Scod, SGcod (4 bytes), SPcod: levels, block sizes, style, transform
            return pos + 13 < len(data) and data[pos + 13] == 1
        pos += 2 + length
    return False


def bmp_complete(data: bytes, size: int) -> bool:
    """Whether a BMP of ``size`` bytes holds all its header declares (its file size, or else the end of
    its pixels); ``data`` is its beginning."""
    if len(data) < 6:
        return False
    declared: int = struct.unpack("<I", data[2:6])[0]
    return declared == 0 or size >= declared  # (0: a writer that left it out; the decoder will tell)


def netpbm_header(data: bytes) -> tuple[int, int, int, int] | None:
    """A Netpbm file's width, height, largest sample and the size of its header, or ``None`` when its
    header does not hold (cut short, or no Netpbm file)."""
    found = _NETPBM_HEADER.match(data[:NETPBM_HEADER_BYTES])
    if found is None:
        return None
    return int(found[2]), int(found[3]), int(found[4]), found.end()


def netpbm_complete(data: bytes, size: int) -> bool:
    """Whether a binary Netpbm file of ``size`` bytes holds all the samples its header declares (a plain
    one's length cannot be told: it counts as complete); ``data`` is its beginning."""
    header = netpbm_header(data)
    if header is None:  # cut within its header; or none in its first bytes at all: damaged, the import says so
        return len(data) >= NETPBM_HEADER_BYTES
    width, height, maxval, start = header
    if data[1:2] not in (b"5", b"6"):
        return True
    channels = 3 if data[1:2] == b"6" else 1
    return size >= start + width * height * channels * (2 if maxval > 255 else 1)


def header_size(data: bytes, fmt: Format) -> tuple[int, int] | None:
    """Width and height read without decoding, for the formats whose header we parse ourselves."""
    if fmt == "jpeg":
        return jpeg_size(data)
    if fmt == "png":
        return png_size(data)
    if fmt == "pnm":
        header = netpbm_header(data)
        return None if header is None else header[:2]
    return None


def heif_complete(data: bytes) -> bool:
    """Whether every top-level box of an ISO-BMFF (HEIF) file is whole. Found from outside: libheif fills
    the tiles of a cut HEIF with flat green and says nothing, and an iPhone photo copied halfway went to
    the expert as « good », most of the lesion missing. A file cut anywhere leaves its last box shorter
    than its header declares."""
    offset, end = 0, len(data)
    while offset < end:
        if end - offset < 8:
            # Too short for a box: padding some writers leave (zeros) is not a cut, anything else is.
            return not any(data[offset:])
        size = struct.unpack(">I", data[offset : offset + 4])[0]
        header = 8
        if size == 1:  # a 64-bit size follows the type
            if end - offset < 16:
                return False
            size, header = struct.unpack(">Q", data[offset + 8 : offset + 16])[0], 16
        elif size == 0:  # the box runs to the end of the file
            return True
        if size < header or offset + size > end:
            return False
        offset += size
    return True


#: Baseline and extended sequential frames (Huffman coded): their one scan holds the whole image.
_JPEG_SEQUENTIAL = {0xC0, 0xC1}


def _mcus(frame: bytes) -> int:
    """How many MCUs (the interleaved scan's units of blocks) a frame header's image holds; 0 when its
    height is left to a later marker (DNL)."""
    height, width = int.from_bytes(frame[1:3], "big"), int.from_bytes(frame[3:5], "big")
    samplings = [frame[7 + 3 * i] for i in range(frame[5])]
    if len(samplings) == 1:
        return -(-width // 8) * -(-height // 8)
    across, down = 8 * max(f >> 4 for f in samplings), 8 * max(f & 15 for f in samplings)
    return -(-width // across) * -(-height // down) if across and down else 0


def jpeg_scan(data: bytes) -> tuple[int, int, bool] | None:
    """Where the coded data of a sequential JPEG's one scan lies (its first byte, and the end of its last byte before
    the fill bytes and the marker that end it), when the image is in a single scan of all its components as
    cameras write it, and whether its restart markers are not those its header declares: one every so many
    blocks (DRI), numbered 0 to 7 in turn (a photo cut short and followed by other bytes has too few of them,
    too many, or out of turn; libjpeg only warns and draws the rest from those bytes). ``None`` for any other
    file (progressive, several scans, no scan, a structure that does not hold)."""
    pos, end = 2, len(data)
    frame = scan = None
    interval = 0
    while pos + 4 <= end:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xD9:
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in _JPEG_SOF:
            if marker not in _JPEG_SEQUENTIAL or frame is not None or length < 8 or pos + 2 + length > end:
                return None
            frame = data[pos + 4 : pos + 2 + length]
            if len(frame) < 6 + 3 * frame[5]:
                return None
        elif marker == 0xDD and scan is None and pos + 6 <= end:
            (interval,) = struct.unpack(">H", data[pos + 4 : pos + 6])
        elif marker == 0xDA:
            if scan is not None or frame is None or pos + 5 > end or data[pos + 4] != frame[5]:
                return None
            start = pos + 2 + length
            numbers: list[int] = []
            found = jpeg_coded_end(data, start, numbers)
            if found is None:
                return None
            pos = found
            restarts, in_turn = len(numbers), all(n == i % 8 for i, n in enumerate(numbers))
            mcus = _mcus(frame)
            expected = -(-mcus // interval) - 1 if interval else 0
            # (One more, after the last interval, is read by libjpeg without a word: some encoders write it.)
            broken = not in_turn or (restarts not in (expected, expected + 1) if mcus else False)
            coded_end = pos  # (without the fill bytes before the marker: none of the image's, T.81 B.1.1.2)
            while coded_end > start and data[coded_end - 1] == 0xFF:
                coded_end -= 1
            scan = (start, coded_end, broken)
            continue
        pos += 2 + length
    return scan


def jpeg_coded_end(data: bytes, pos: int, restarts: list[int] | None = None) -> int | None:
    """Where the entropy-coded data starting at ``pos`` stops: the next marker that is not a stuffed byte
    (FF 00), a restart marker (FF D0–D7) or a fill byte before a marker (FF FF); ``None`` when the file ends
    before one. The restart markers met are added to ``restarts`` (their numbers, 0 to 7), when given."""
    end = len(data)
    while True:
        found = data.find(b"\xff", pos)
        if found < 0 or found + 1 >= end:
            return None
        following = data[found + 1]
        if 0xD0 <= following <= 0xD7 and restarts is not None:
            restarts.append(following - 0xD0)
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos = found + 1 if following == 0xFF else found + 2
            continue
        return found
