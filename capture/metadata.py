"""Removing what an image file says besides its pixels, without touching the pixels.

A phone photo carries the GPS position of the patient's home, the camera's serial number, maker
notes, comments, XMP and an embedded thumbnail (which may still show the uncropped face). They are
removed segment by segment (JPEG) or chunk by chunk (PNG), so the compressed image data is kept
byte for byte: no generation loss. The colour profile is kept, so colours stay right.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from PIL import Image

if TYPE_CHECKING:
    from PIL import ImageCms

from app.moments import fhir_date_time, parse_offset
from capture.sniff import jpeg_coded_end

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
    progressive: _ProgressiveScans | None = None
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
            if progressive is not None and not progressive.complete():
                raise MalformedImage("progressive JPEG ends before its last scans")
            out += b"\xff\xd9"
            return bytes(out)
        if pos + 4 > end:
            raise MalformedImage("JPEG segment header truncated")
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        seg_end = pos + 2 + length
        if length < 2 or seg_end > end:
            raise MalformedImage("JPEG segment truncated")
        segment = data[pos:seg_end]
        if marker in _PROGRESSIVE_SOF:
            progressive = _ProgressiveScans(segment)
        if marker == 0xDA:
            if progressive is not None:
                progressive.add(segment)
            scan_end = _scan_end(data, seg_end)
            out += data[pos:scan_end]
            pos = scan_end
            continue
        if marker in _KEEP_JPEG or (marker == 0xE2 and segment[4:16] == _ICC_TAG):
            out += segment
        elif marker == 0xE0:
            out += _jfif_header(segment)
        pos = seg_end


#: Start-of-frame markers of progressive JPEGs (Huffman or arithmetic coded, with or without hierarchy).
_PROGRESSIVE_SOF = frozenset({0xC2, 0xC6, 0xCA, 0xCE})


class _ProgressiveScans:
    """Which coefficients of each component a progressive JPEG's scans have sent to their last bit.

    A progressive JPEG sends its image as a series of scans, coarse first (the blocks' mean colours,
    a few bits of each), then the detail and the lower bits. Cut short and closed by an end marker (a
    recovery tool's, or another file's), it still decodes whole, every part of it coarse: no grey band
    shows the cut. It is whole when, for every component of its frame, every one of the 64 coefficients
    has been sent down to its last bit (successive approximation ``Al`` 0), as every encoder's script
    does (libjpeg's, mozjpeg's, cameras')."""

    def __init__(self, frame: bytes) -> None:
        count = frame[9] if len(frame) > 9 else 0
        ids = [frame[10 + 3 * i] for i in range(count) if 10 + 3 * i < len(frame)]
        self._missing: dict[int, set[int]] = {component: set(range(64)) for component in ids}

    def add(self, scan: bytes) -> None:
        """Note what the scan header ``scan`` (the SOS segment, marker included) sends."""
        if len(scan) < 5:
            return
        count = scan[4]
        tail = 5 + 2 * count
        if len(scan) < tail + 3:
            return
        start, stop, approximation = scan[tail], scan[tail + 1], scan[tail + 2]
        if approximation & 0x0F:
            return  # not the last bit yet
        for i in range(count):
            self._missing.get(scan[5 + 2 * i], set()).difference_update(range(start, min(stop, 63) + 1))

    def complete(self) -> bool:
        return not any(self._missing.values())


def _jfif_header(segment: bytes) -> bytes:
    """A JFIF APP0 segment reduced to its header (version, pixel density) without its thumbnail.

    Other APP0 segments (JFXX thumbnail extensions, vendors' own data such as AVI1) are dropped:
    a thumbnail may still show what the photo was cropped or blurred to hide.
    """
    if len(segment) < 18 or segment[4:9] != _JFIF_TAG:
        return b""
    return b"\xff\xe0\x00\x10" + segment[4:16] + b"\x00\x00"


def _scan_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data starting at ``pos`` stops (:func:`capture.sniff.jpeg_coded_end`)."""
    found = jpeg_coded_end(data, pos)
    if found is None:
        raise MalformedImage("JPEG scan truncated")
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


#: A JP2 file's signature box (ISO 15444-1 annex I), and a JPEG 2000 codestream's SOC and SIZ markers.
_JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
_J2K_START = b"\xff\x4f\xff\x51"
_J2K_COM, _J2K_TLM, _J2K_SOT, _J2K_SOD = 0x64, 0x55, 0x90, 0x93


def strip_j2k(data: bytes) -> bytes:
    """A JPEG 2000 frame as DICOM holds it (PS3.5 A.4.4): the bare codestream, without its comments.

    A device may write each frame as a whole JP2 file, whose boxes (XML/XMP, UUID, IPR) hold what it
    likes, and comments (COM) in the codestream's headers: the codestream is taken out of its JP2 box and
    its comments are removed, the compressed data byte for byte. A tile-part whose header lost a comment
    gets its length (Psot) shortened to match, and the main header's tile-part lengths (TLM, optional) are
    then left out. Raises :class:`MalformedImage` for anything that is not a whole codestream."""
    if data.startswith(_JP2_SIGNATURE):
        data = _jp2_codestream(data)
    if not data.startswith(_J2K_START):
        raise MalformedImage("not a JPEG 2000 codestream")
    data = data.rstrip(b"\x00")  # a DICOM fragment is padded to an even length
    main, pos = _j2k_segments(data, 2, _J2K_SOT)
    parts: list[bytes] = []
    shortened = False
    while pos + 12 <= len(data) and data[pos : pos + 2] == b"\xff\x90":
        (psot,) = struct.unpack(">I", data[pos + 6 : pos + 10])
        end = len(data) - 2 if psot == 0 else pos + psot
        if end > len(data) or end < pos + 14:
            raise MalformedImage("a JPEG 2000 tile-part runs past the end")
        header, body = _j2k_segments(data, pos + 12, _J2K_SOD)
        kept = b"".join(segment for marker, segment in header if marker != _J2K_COM)
        removed = sum(len(segment) for marker, segment in header) - len(kept)
        sot = bytearray(data[pos : pos + 12])
        if removed and psot:
            sot[6:10] = struct.pack(">I", psot - removed)
            shortened = True
        parts.append(bytes(sot) + kept + b"\xff\x93" + data[body:end])
        pos = end
    if data[pos : pos + 2] != b"\xff\xd9" or not parts:
        raise MalformedImage("a JPEG 2000 codestream without its end")
    dropped = {_J2K_COM, _J2K_TLM} if shortened else {_J2K_COM}
    head = b"".join(segment for marker, segment in main if marker not in dropped)
    return _J2K_START[:2] + head + b"".join(parts) + b"\xff\xd9"


def _j2k_segments(data: bytes, pos: int, stop: int) -> tuple[list[tuple[int, bytes]], int]:
    """The marker segments from ``pos`` up to the marker ``stop`` (for SOD: past it), and where that is."""
    segments: list[tuple[int, bytes]] = []
    while True:
        if pos + 2 > len(data) or data[pos] != 0xFF:
            raise MalformedImage("a JPEG 2000 header is broken")
        marker = data[pos + 1]
        if marker == stop:
            return segments, pos + 2 if stop == _J2K_SOD else pos
        if pos + 4 > len(data):
            raise MalformedImage("a JPEG 2000 header is cut short")
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise MalformedImage("a JPEG 2000 marker segment runs past the end")
        segments.append((marker, data[pos : pos + 2 + length]))
        pos += 2 + length


def _jp2_codestream(data: bytes) -> bytes:
    """The payload of a JP2 file's contiguous codestream box (``jp2c``)."""
    pos = 0
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, start = data[pos + 4 : pos + 8], pos + 8
        if length == 1:
            if pos + 16 > len(data):
                break
            (length,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
            start = pos + 16
        end = len(data) if length == 0 else pos + length
        if end < start or end > len(data):
            break
        if kind == b"jp2c":
            return data[start:end]
        pos = end
    raise MalformedImage("a JP2 file without its codestream")


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
_DATETIME_DIGITIZED, _OFFSET_TIME_DIGITIZED = 0x9004, 0x9012
_DATETIME, _OFFSET_TIME = 0x0132, 0x9010  # IFD0's DateTime, its offset in the EXIF IFD


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
    # The moment of the shot: DateTimeOriginal, else the digitised time, else the file's DateTime, which some
    # phones' cameras write alone (a Nokia 8.3's HEIF): the expert was told the time was unknown.
    captured_at = (
        _iso_time(sub.get(_DATETIME_ORIGINAL), sub.get(_OFFSET_TIME_ORIGINAL))
        or _iso_time(sub.get(_DATETIME_DIGITIZED), sub.get(_OFFSET_TIME_DIGITIZED))
        or _iso_time(exif.get(_DATETIME), sub.get(_OFFSET_TIME))
    )
    return PhotoFacts(
        orientation=orientation,
        captured_at=captured_at,
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
    """The embedded colour profile, when it describes RGB and can be read: every image leaves as RGB, and
    a CMYK or grey profile (its header's colour space, bytes 16-19) attached to the RGB copy made it an
    invalid file; an unreadable one would go on to fail every viewer that manages colour."""
    profile = image.info.get("icc_profile")
    if not isinstance(profile, bytes) or len(profile) < 20 or profile[16:20] != b"RGB ":
        return None
    return profile if readable_profile(profile) else None


def broken_profile(image: Image.Image) -> bool:
    """Whether the file carries a colour profile that cannot be read (it is dropped: colours as sRGB)."""
    profile = image.info.get("icc_profile")
    return isinstance(profile, bytes) and bool(profile) and not readable_profile(profile)


#: The largest colour profile read from a PNG's iCCP chunk (Pillow's own limit): a bigger one is a bomb.
MAX_PROFILE_BYTES = 1024 * 1024


def readable_profile(profile: bytes) -> bool:
    """Whether LittleCMS reads ``profile`` and, for an RGB one, can convert its colours to sRGB: what a
    viewer that manages colour (the expert's, a PDF reader) will do with it."""
    from PIL import ImageCms  # imported here: its library loads only when a file carries a profile

    try:
        opened = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        if profile[16:20] == b"RGB ":
            ImageCms.buildTransform(opened, _srgb(), "RGB", "RGB")
    except (OSError, ValueError, TypeError, ImageCms.PyCMSError):
        return False
    return True


@functools.cache
def _srgb() -> ImageCms.ImageCmsProfile:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def without_broken_profile(data: bytes, fmt: str) -> tuple[bytes, bool]:
    """``data`` without its colour profile when that profile is broken (a JPEG's APP2 segments that do not
    make one readable profile, a PNG's iCCP chunk with a wrong checksum, an unknown compression, data that
    does not inflate or cannot be read), and whether it was removed. Such a profile made the photo refused
    as damaged, or reach the expert with a profile no viewer reads: without it, its colours are read as
    sRGB, as for a file that carries none. Any other file is returned as it is."""
    try:
        if fmt == "jpeg":
            segments = _jpeg_profile_segments(data)
            if not segments or _jpeg_profile_whole(data, segments):
                return data, False
        elif fmt == "png":
            segments = _png_profile_chunks(data)
            if not segments or _png_profile_whole(data, segments):
                return data, False
        else:
            return data, False
    except (MalformedImage, struct.error, IndexError):
        return data, False  # a broken container is the decoder's to refuse
    kept = bytearray()
    pos = 0
    for start, end in segments:
        kept += data[pos:start]
        pos = end
    kept += data[pos:]
    return bytes(kept), True


def _jpeg_profile_segments(data: bytes) -> list[tuple[int, int]]:
    """Where the APP2 ICC_PROFILE segments lie (start and end of each), before the first scan."""
    found = []
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise MalformedImage("JPEG marker expected")
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in (0xD9, 0xDA):
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if end > len(data):
            raise MalformedImage("JPEG segment truncated")
        if marker == 0xE2 and data[pos + 4 : pos + 4 + len(_ICC_TAG)] == _ICC_TAG:
            found.append((pos, end))
        pos = end
    return found


def _jpeg_profile_whole(data: bytes, segments: list[tuple[int, int]]) -> bool:
    """Whether the segments number themselves 1…n of n (ICC.1, annex B.4) and make a readable profile."""
    payloads = [data[start + 4 : end] for start, end in segments]
    if any(len(payload) < len(_ICC_TAG) + 3 for payload in payloads):
        return False
    count = len(payloads)
    numbered = sorted(payloads, key=lambda payload: payload[12])
    if [payload[12] for payload in numbered] != list(range(1, count + 1)):
        return False
    if any(payload[13] != count for payload in numbered):
        return False
    return readable_profile(b"".join(payload[14:] for payload in numbered))


def _png_profile_chunks(data: bytes) -> list[tuple[int, int]]:
    """Where the iCCP chunks lie (start and end of each, its length, type and checksum included)."""
    found = []
    pos = 8
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise MalformedImage("PNG chunk truncated")
        if kind == b"iCCP":
            found.append((pos, end))
        if kind in (b"IDAT", b"IEND"):  # a profile after the image is not one (and is not read)
            break
        pos = end
    return found


def _png_profile_whole(data: bytes, chunks: list[tuple[int, int]]) -> bool:
    """Whether the one iCCP chunk is whole (its checksum), compressed as the PNG standard says (a name,
    a zero, method 0, zlib data) and inflates to a readable profile of reasonable size."""
    if len(chunks) != 1:
        return False
    start, end = chunks[0]
    body = data[start + 4 : end - 4]
    (crc,) = struct.unpack(">I", data[end - 4 : end])
    if zlib.crc32(body) & 0xFFFFFFFF != crc:
        return False
    payload = body[4:]
    name_end = payload.find(b"\x00")
    if not 1 <= name_end <= 79 or len(payload) < name_end + 2 or payload[name_end + 1] != 0:
        return False
    inflate = zlib.decompressobj()
    try:
        profile = inflate.decompress(payload[name_end + 2 :], MAX_PROFILE_BYTES)
    except zlib.error:
        return False
    if inflate.unconsumed_tail or not inflate.eof:
        return False
    return readable_profile(profile)
