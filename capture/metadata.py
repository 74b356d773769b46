"""Removing what an image file says besides its pixels, without touching the pixels.

A phone photo carries the GPS position of the patient's home, the camera's serial number, maker
notes, comments, XMP and an embedded thumbnail (which may still show the uncropped face). They are
removed segment by segment (JPEG) or chunk by chunk (PNG), so the compressed image data is kept
byte for byte: no generation loss. The colour profile is kept, so colours stay right.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone

from PIL import Image

from app.moments import fhir_date_time, parse_offset

# JPEG markers whose segments describe how to decode the image and are kept.
_KEEP_JPEG = {
    0xC4,  # DHT
    0xCC,  # DAC
    0xDB,  # DQT
    0xDD,  # DRI
    0xEE,  # APP14 Adobe: says whether the colour transform applies (CMYK/RGB JPEGs need it)
} | {m for m in range(0xC0, 0xD0) if m not in (0xC4, 0xC8, 0xCC)}  # SOFn
_ICC_TAG = b"ICC_PROFILE\x00"
_JFIF_TAG = b"JFIF\x00"

# PNG chunks kept: the image itself and what its colours mean. Text, eXIf and tIME are dropped.
_KEEP_PNG = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    b"tRNS",
    b"iCCP",
    b"sRGB",
    b"gAMA",
    b"cHRM",
    b"sBIT",
    b"pHYs",
    b"cICP",
    b"mDCV",
    b"cLLI",
}


class MalformedImage(ValueError):
    """The container structure is broken (truncated segment, missing end)."""


def strip_jpeg(data: bytes) -> bytes:
    """``data`` with every metadata segment removed and the compressed scans kept byte for byte.

    Kept: quantisation and Huffman tables, frame and scan headers, the JFIF header (without its
    thumbnail), Adobe and ICC profile segments. Dropped: EXIF (GPS, serial number, maker notes,
    thumbnail), XMP, IPTC, MPF, JFXX thumbnails and other APP0 data, comments, and anything after
    the end of the primary image (multi-picture previews, depth maps, trailers).
    """
    out = bytearray(b"\xff\xd8")
    pos = 2
    end = len(data)
    while True:
        if pos + 2 > end:
            raise MalformedImage("JPEG ends before its end marker")
        if data[pos] != 0xFF:
            raise MalformedImage("JPEG marker expected")
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xD9:
            out += b"\xff\xd9"
            return bytes(out)
        if pos + 4 > end:
            raise MalformedImage("JPEG segment header truncated")
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        seg_end = pos + 2 + length
        if length < 2 or seg_end > end:
            raise MalformedImage("JPEG segment truncated")
        segment = data[pos:seg_end]
        if marker == 0xDA:
            scan_end = _scan_end(data, seg_end)
            out += data[pos:scan_end]
            pos = scan_end
            continue
        if marker in _KEEP_JPEG or (marker == 0xE2 and segment[4:16] == _ICC_TAG):
            out += segment
        elif marker == 0xE0:
            out += _jfif_header(segment)
        pos = seg_end


def _jfif_header(segment: bytes) -> bytes:
    """A JFIF APP0 segment reduced to its header (version, pixel density) without its thumbnail.

    Other APP0 segments (JFXX thumbnail extensions, vendors' own data such as AVI1) are dropped:
    a thumbnail may still show what the photo was cropped or blurred to hide.
    """
    if len(segment) < 18 or segment[4:9] != _JFIF_TAG:
        return b""
    return b"\xff\xe0\x00\x10" + segment[4:16] + b"\x00\x00"


def _scan_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data starting at ``pos`` stops: the next marker that is not a
    stuffed byte (FF 00) or a restart marker (FF D0–D7)."""
    end = len(data)
    while True:
        found = data.find(b"\xff", pos)
        if found < 0 or found + 1 >= end:
            raise MalformedImage("JPEG scan truncated")
        following = data[found + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos = found + 1 if following == 0xFF else found + 2
            continue
        return found


def jpeg_scans(data: bytes) -> bytes:
    """The compressed scans of a JPEG (scan headers and entropy-coded data), concatenated.

    Two files with the same scans hold the same compressed image, whatever metadata they carry.
    """
    scans = bytearray()
    pos = 2
    while pos + 4 <= len(data):
        marker = data[pos + 1]
        if data[pos] != 0xFF:
            raise MalformedImage("JPEG marker expected")
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xD9:
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker == 0xDA:
            scan_end = _scan_end(data, pos + 2 + length)
            scans += data[pos:scan_end]
            pos = scan_end
        else:
            pos += 2 + length
    return bytes(scans)


def strip_png(data: bytes) -> bytes:
    """``data`` with text, EXIF, time and unknown chunks removed; image and colour chunks kept."""
    out = bytearray(data[:8])
    pos = 8
    end = len(data)
    while pos + 12 <= end:
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunk_end = pos + 12 + length
        if chunk_end > end:
            raise MalformedImage("PNG chunk truncated")
        if kind in _KEEP_PNG:
            out += data[pos:chunk_end]
        if kind == b"IEND":
            return bytes(out)
        pos = chunk_end
    raise MalformedImage("PNG ends before IEND")


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    """One PNG chunk with its CRC (used by tests and by anonymisation to build files)."""
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


@dataclass(frozen=True)
class PhotoFacts:
    """What the pipeline keeps from EXIF: nothing that identifies the patient or the device unit."""

    orientation: int = 1
    captured_at: str | None = None  # a FHIR dateTime: with its time zone, or a date alone
    device: str = ""


ORIENTATION_TAG = 0x0112  # EXIF Orientation
_MAKE = 0x010F
_MODEL = 0x0110
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011


def photo_facts(image: Image.Image) -> PhotoFacts:
    """Orientation, capture time (ISO 8601) and camera model from an opened image's EXIF."""
    try:
        exif = image.getexif()
        orientation = int(exif.get(ORIENTATION_TAG, 1) or 1)
        sub = exif.get_ifd(_EXIF_IFD)
    except (OSError, ValueError, TypeError, SyntaxError, struct.error):
        # Broken EXIF is common on edited photos; the pixels are still good.
        return PhotoFacts()
    if orientation not in range(1, 9):
        orientation = 1
    return PhotoFacts(
        orientation=orientation,
        captured_at=_iso_time(sub.get(_DATETIME_ORIGINAL), sub.get(_OFFSET_TIME_ORIGINAL)),
        device=_device(exif.get(_MAKE), exif.get(_MODEL)),
    )


def _iso_time(value: object, offset: object) -> str | None:
    """EXIF's local ``YYYY:MM:DD HH:MM:SS`` as a FHIR dateTime: with its OffsetTimeOriginal when
    the camera wrote one, else with the workstation's zone at that date (most cameras write none)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.strptime(value.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    shift = parse_offset(offset)
    if shift is not None:
        moment = moment.replace(tzinfo=timezone(shift))
    return fhir_date_time(moment)


def _device(make: object, model: object) -> str:
    parts = [str(p).strip("\x00 ") for p in (make, model) if isinstance(p, str) and p.strip("\x00 ")]
    if len(parts) == 2 and parts[1].lower().startswith(parts[0].lower()):
        parts = parts[1:]
    return " ".join(parts)[:64]


def icc_profile(image: Image.Image) -> bytes | None:
    """The embedded colour profile, when it describes RGB: every image leaves as RGB, and a CMYK or grey
    profile (its header's colour space, bytes 16-19) attached to the RGB copy made it an invalid file."""
    profile = image.info.get("icc_profile")
    if not isinstance(profile, bytes) or len(profile) < 20 or profile[16:20] != b"RGB ":
        return None
    return profile
