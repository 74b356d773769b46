"""Reading a JPEG's segments back, to check what a prepared image still carries."""

from __future__ import annotations

import struct
from dataclasses import dataclass


@dataclass
class Segment:
    marker: int
    payload: bytes  # without marker and length

    @property
    def name(self) -> str:
        if 0xE0 <= self.marker <= 0xEF:
            return f"APP{self.marker - 0xE0}"
        return {0xFE: "COM", 0xDA: "SOS", 0xDB: "DQT", 0xC4: "DHT", 0xDD: "DRI"}.get(
            self.marker, "SOF" if 0xC0 <= self.marker <= 0xCF else f"{self.marker:02X}"
        )


@dataclass
class JpegLayout:
    segments: list[Segment]
    trailer: bytes  # whatever follows the end-of-image marker (MPF images, vendor trailers)


def jpeg_layout(data: bytes) -> JpegLayout:
    """Every marker segment of the primary image, and what follows its end marker."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    segments: list[Segment] = []
    pos = 2
    while True:
        assert data[pos] == 0xFF, f"marker expected at {pos}"
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xD9:
            return JpegLayout(segments, data[pos + 2 :])
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        segments.append(Segment(marker, data[pos + 4 : pos + 2 + length]))
        pos += 2 + length
        if marker == 0xDA:
            while True:  # entropy-coded data: up to the next marker that is not stuffing or RST
                pos = data.index(b"\xff", pos)
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    pos += 2
                    continue
                break


def metadata_left(data: bytes) -> list[str]:
    """What a stripped JPEG must no longer hold, found by parsing it: [] when clean."""
    layout = jpeg_layout(data)
    found: list[str] = []
    for segment in layout.segments:
        head = segment.payload[:14]
        if segment.marker == 0xE1:
            found.append(
                "EXIF" if head.startswith(b"Exif") else "XMP" if b"ns.adobe.com/xap" in segment.payload[:40] else "APP1"
            )
        elif segment.marker == 0xED:
            found.append("IPTC")
        elif segment.marker == 0xE2 and not head.startswith(b"ICC_PROFILE"):
            found.append("MPF" if head.startswith(b"MPF") else "APP2")
        elif segment.marker == 0xE0:
            if not head.startswith(b"JFIF\x00"):
                found.append("JFXX" if head.startswith(b"JFXX") else "APP0")
            elif segment.payload[12:14] != b"\x00\x00" or len(segment.payload) > 14:
                found.append("JFIF thumbnail")
        elif 0xE3 <= segment.marker <= 0xED or segment.marker == 0xEF:
            found.append(segment.name)
        elif segment.marker == 0xFE:
            found.append("COM")
    if layout.trailer.strip(b"\x00"):
        found.append("trailer after the image")
    return found
