"""HEIC/HEIF files decoded in a short-lived child process, never in the program itself.

libheif (through pi-heif) has crashed on damaged or hostile files again and again (a phone's HEIC with
one byte changed killed the whole program with a segmentation fault, at the import and as soon as the
device folder's list read the photo's date). A crash of C code cannot be caught: so this program never
loads libheif. Each HEIC is handed to a child process (the same Python, or the same frozen program),
which decodes it and sends back its pixels and its EXIF, colour profile and XMP over a pipe: nothing
decoded is written to disk. The child's crash, its running past :data:`TIMEOUT`, its memory over
:data:`MEMORY_LIMIT` or an answer that is not what was asked all become :class:`HeifUnreadable`, which the
import turns into its ordinary « image illisible » refusal.

The child inherits only what it needs: the file's bytes on its standard input, an environment reduced to
:data:`_KEPT_ENVIRONMENT` (never the passphrase, never a key), no other open file. It makes itself private
as the program does (:func:`app.hardening.keep_private`): it holds a patient's photo, and its crash, expected
on a damaged file, must leave no core dump of it.

The parent side (:func:`open_heif`, :func:`heif_metadata`) uses only the standard library and Pillow;
the child side (:func:`main`, run as ``python -m capture.heif_child`` or as the frozen program with
:data:`CHILD_FLAG`) alone imports pi-heif.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import pathlib
import subprocess
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from capture.metadata import PhotoFacts

#: The frozen program's first argument that makes it this child instead of Teleavis (packaging/teleavis_main.py).
CHILD_FLAG = "--teleavis-heif-child"
#: Longest a child may take: a 12 MP phone HEIC decodes in well under a second; a 48 MP one in a few.
TIMEOUT = 60.0
#: Address space the child may take (its libraries, the file, the decoded planes and their RGB copy).
MEMORY_LIMIT = 3 * 1024**3
#: CPU time the child may take, enforced by the system even when the program (and its :data:`TIMEOUT`) is gone:
#: a 48 MP HEIC takes under 10 s of CPU; a child looping on a hostile file, its parent ended, is stopped there.
CPU_LIMIT = 300
#: Largest file handed to a child (the import refuses larger files before).
MAX_FILE_BYTES = 512 * 1024**2
#: Largest metadata block (EXIF, colour profile, XMP) taken back from the child.
_MAX_BLOCK = 16 * 1024**2
#: Bytes per pixel of each mode the child may answer with.
_MODES = {"RGB": 3, "RGBA": 4, "L": 1, "LA": 2}
#: What the child's environment keeps: where to find programs and libraries, the locale, the temp
#: folder (Windows), nothing of Teleavis's own (TELEAVIS_PASSPHRASE, TELEAVIS_HOME) nor any other secret.
_KEPT_ENVIRONMENT = (
    "PATH",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "LD_LIBRARY_PATH",
    "DYLD_LIBRARY_PATH",
    "SYSTEMROOT",
    "WINDIR",
    "TEMP",
    "TMP",
)
# Exit codes of the child for what it refused itself (a crash is a signal, or anything else).
_EXIT_TOO_LARGE = 3
_EXIT_UNREADABLE = 4


class HeifUnreadable(Exception):
    """The HEIC could not be decoded: damaged, its decoder crashed or ran too long."""


@dataclass
class HeifTooLarge(Exception):
    """The HEIC declares more pixels than allowed (its size, in pixels)."""

    width: int
    height: int


@dataclass
class HeifDecoded:
    """What the child sent back: the pixels (``mode``, ``size``, raw rows) and the metadata blocks."""

    mode: str
    size: tuple[int, int]
    pixels: memoryview
    info: dict[str, bytes] = field(default_factory=dict)


def child_command() -> list[str]:
    """How to start the child: the frozen program with :data:`CHILD_FLAG`, else this Python ``-m``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_FLAG]
    return [sys.executable, "-E", "-s", "-m", "capture.heif_child"]


def child_environment() -> dict[str, str]:
    """The child's environment: :data:`_KEPT_ENVIRONMENT` only, and where this project's modules are
    (``-E`` ignores PYTHONPATH: the project's folder is the child's working directory instead)."""
    return {name: os.environ[name] for name in _KEPT_ENVIRONMENT if name in os.environ}


def _project_root() -> pathlib.Path:
    return pathlib.Path(__file__).resolve().parent.parent


def _run(data: bytes, *, pixels: bool, max_pixels: int) -> tuple[dict[str, object], memoryview]:
    if len(data) > MAX_FILE_BYTES:
        raise HeifUnreadable("file too large")
    command = [*child_command(), "pixels" if pixels else "metadata", str(max_pixels)]
    cwd = None if getattr(sys, "frozen", False) else _project_root()
    try:
        done = subprocess.run(
            command,
            input=data,
            capture_output=True,
            timeout=TIMEOUT,
            env=child_environment(),
            cwd=cwd,
            close_fds=True,
            check=False,
            # (Windows: the bundle is a console program; started from the window it would open a console.)
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
    except subprocess.TimeoutExpired as exc:  # (run kills the child itself)
        raise HeifUnreadable("timed out") from exc
    except OSError as exc:
        raise HeifUnreadable(f"could not start: {exc}") from exc
    out = done.stdout
    header_end = out.find(b"\n")
    header: dict[str, object] = {}
    if header_end > 0:
        try:
            loaded = json.loads(out[:header_end])
            header = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            header = {}
    if done.returncode == _EXIT_TOO_LARGE:
        width, height = header.get("width"), header.get("height")
        if isinstance(width, int) and isinstance(height, int):
            raise HeifTooLarge(width, height)
    if done.returncode != 0 or not header:
        raise HeifUnreadable(f"child ended with {done.returncode}")
    return header, memoryview(out)[header_end + 1 :]  # (a view: the pixels are not copied again)


def _blocks(header: dict[str, object], body: memoryview) -> tuple[dict[str, bytes], int]:
    """The metadata blocks the header announces, from the start of ``body``; and where they end."""
    info: dict[str, bytes] = {}
    offset = 0
    blocks = header.get("blocks")
    if not isinstance(blocks, dict):
        raise HeifUnreadable("no blocks")
    for name, length in blocks.items():
        if name not in ("exif", "icc_profile", "xmp") or not isinstance(length, int) or not 0 <= length <= _MAX_BLOCK:
            raise HeifUnreadable("bad block")
        info[name] = bytes(body[offset : offset + length])
        offset += length
    if offset > len(body):
        raise HeifUnreadable("short answer")
    return info, offset


def decode_heif(data: bytes, max_pixels: int) -> HeifDecoded:
    """Decode a HEIC/HEIF file (its primary image) in a child process. :class:`HeifTooLarge` when it
    declares more than ``max_pixels``; :class:`HeifUnreadable` for anything else that went wrong."""
    header, body = _run(data, pixels=True, max_pixels=max_pixels)
    info, offset = _blocks(header, body)
    mode, width, height = header.get("mode"), header.get("width"), header.get("height")
    if mode not in _MODES or not isinstance(width, int) or not isinstance(height, int):
        raise HeifUnreadable("bad header")
    if width <= 0 or height <= 0 or width * height > max_pixels:
        raise HeifUnreadable("bad size")
    pixels = body[offset:]
    if len(pixels) != width * height * _MODES[str(mode)]:
        raise HeifUnreadable("short pixels")
    return HeifDecoded(str(mode), (width, height), pixels, info)


def heif_metadata(data: bytes) -> dict[str, bytes]:
    """A HEIC/HEIF file's EXIF, colour profile and XMP (those it has), read in a child process without
    decoding its pixels; :class:`HeifUnreadable` when it cannot be read."""
    header, body = _run(data, pixels=False, max_pixels=0)
    return _blocks(header, body)[0]


def heif_photo_facts(data: bytes) -> PhotoFacts | None:
    """Orientation, capture time and camera of a HEIC/HEIF (:func:`capture.metadata.photo_facts`), from its
    EXIF read from its boxes (:func:`heif_exif`, no child), else read in a child process; ``None`` when the
    file cannot be read."""
    from PIL import Image

    from capture.metadata import photo_facts

    exif = heif_exif(data)
    if exif is not None:
        blocks = {"exif": exif}
    else:
        try:
            blocks = heif_metadata(data)
        except HeifUnreadable:
            return None
    with Image.new("L", (1, 1)) as holder:
        holder.info.update(blocks)
        facts = photo_facts(holder)
    # A HEIC's turn is its 'irot'/'imir' boxes, applied by libheif to the pixels it gives; pi-heif resets the EXIF's
    # orientation to 1 (the child's EXIF says 1): so does this reading of the EXIF from the boxes.
    return dataclasses.replace(facts, orientation=1)


# --- A HEIC's EXIF read from its boxes, in this process (no libheif) -------------------------------------
#: Most boxes read, and most extents of the EXIF item: a hostile file cannot make the reading long.
_MAX_BOXES = 4096


def _boxes(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """The ISOBMFF boxes between ``start`` and ``end``: (type, start of their content, their end)."""
    found: list[tuple[bytes, int, int]] = []
    at = start
    while at + 8 <= end and len(found) < _MAX_BOXES:
        size = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        content = at + 8
        if size == 1:
            if content + 8 > end:
                break
            size = int.from_bytes(data[content : content + 8], "big")
            content += 8
        elif size == 0:
            size = end - at
        if size < content - at or at + size > end:
            break
        found.append((kind, content, at + size))
        at += size
    return found


def _uint(data: bytes, at: int, size: int, end: int) -> tuple[int, int]:
    """The big-endian integer of ``size`` bytes at ``at`` (0 bytes: 0), and where it ends; ValueError past ``end``."""
    if at + size > end:
        raise ValueError("past the box")
    return int.from_bytes(data[at : at + size], "big"), at + size


def _exif_item(data: bytes, start: int, end: int) -> int | None:
    """The item ID of the 'Exif' item in an 'iinf' box's content."""
    version = data[start]
    count, at = _uint(data, start + 4, 2 if version == 0 else 4, end)
    for kind, content, box_end in _boxes(data, at, end)[:count]:
        if kind != b"infe" or content + 4 > box_end:
            continue
        infe_version = data[content]
        if infe_version < 2:
            continue
        item, at = _uint(data, content + 4, 2 if infe_version == 2 else 4, box_end)
        _protection, at = _uint(data, at, 2, box_end)
        if data[at : at + 4] == b"Exif":
            return item
    return None


def _item_extents(data: bytes, start: int, end: int, wanted: int) -> tuple[int, list[tuple[int, int]]] | None:
    """The construction method and the (offset, length) extents of item ``wanted`` in an 'iloc' box's content."""
    version = data[start]
    sizes, at = _uint(data, start + 4, 2, end)
    offset_size, length_size, base_size, index_size = sizes >> 12, (sizes >> 8) & 15, (sizes >> 4) & 15, sizes & 15
    if version not in (1, 2):
        index_size = 0
    if any(size not in (0, 4, 8) for size in (offset_size, length_size, base_size, index_size)) or version > 2:
        return None
    count, at = _uint(data, at, 2 if version < 2 else 4, end)
    left = _MAX_BOXES  # (extents of all the items: 0-byte sizes make an extent take no byte of the box)
    for _ in range(min(count, _MAX_BOXES)):
        item, at = _uint(data, at, 2 if version < 2 else 4, end)
        method = 0
        if version in (1, 2):
            method, at = _uint(data, at, 2, end)
            method &= 15
        _reference, at = _uint(data, at, 2, end)
        base, at = _uint(data, at, base_size, end)
        extent_count, at = _uint(data, at, 2, end)
        left -= extent_count
        if left < 0:
            return None
        extents = []
        for _ in range(extent_count):
            _index, at = _uint(data, at, index_size, end)
            offset, at = _uint(data, at, offset_size, end)
            length, at = _uint(data, at, length_size, end)
            extents.append((base + offset, length))
        if item == wanted:
            return method, extents
    return None


def heif_exif(data: bytes) -> bytes | None:
    """A HEIC/HEIF file's EXIF (``Exif\0\0`` and its TIFF block), read from its boxes by this process alone:
    the 'meta' box's 'iinf' names the 'Exif' item, its 'iloc' says where its bytes are (in the file or in
    'idat'). Pure Python, every length checked against the file's: a damaged file gives ``None``, never a
    crash. Nothing is decoded: the date of a phone's photo without starting a child (the device folder's list)."""
    try:
        meta = next((box for box in _boxes(data, 0, len(data)) if box[0] == b"meta"), None)
        if meta is None or meta[1] + 4 > meta[2]:
            return None
        inside = {kind: (content, end) for kind, content, end in _boxes(data, meta[1] + 4, meta[2])}
        if b"iinf" not in inside or b"iloc" not in inside:
            return None
        item = _exif_item(data, *inside[b"iinf"])
        if item is None:
            return None
        located = _item_extents(data, *inside[b"iloc"], item)
        if located is None:
            return None
        method, extents = located
        if method == 1 and b"idat" in inside:
            origin, limit = inside[b"idat"]
        elif method == 0:
            origin, limit = 0, len(data)
        else:
            return None
        parts = []
        for offset, length in extents:
            if length == 0 or origin + offset + length > limit:  # (0: "to the end", never written for EXIF)
                return None
            parts.append(data[origin + offset : origin + offset + length])
        item_data = b"".join(parts)
        if len(item_data) < 4 or len(item_data) > _MAX_BLOCK:
            return None
        skip = int.from_bytes(item_data[:4], "big")  # (exif_tiff_header_offset: bytes before the TIFF header)
        tiff = item_data[4 + skip :]
        if tiff[:4] not in (b"MM\x00*", b"II*\x00"):
            return None
        return b"Exif\x00\x00" + tiff
    except (ValueError, IndexError):
        return None


# --- The child's side ---------------------------------------------------------------------------------


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # (Windows: no such limit; the timeout still holds)
        return
    with contextlib.suppress(ValueError, OSError):  # (a lower limit already set stays)
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT + 10))


def _answer(header: dict[str, object], *parts: bytes) -> None:
    out = sys.stdout.buffer
    out.write(json.dumps(header).encode() + b"\n")
    for part in parts:
        out.write(part)
    out.flush()


def main(argv: list[str]) -> int:
    """The child: read a HEIC from standard input; write a JSON header line, then the EXIF, colour profile
    and XMP, then (``pixels``) the raw pixels, to standard output."""
    from app.hardening import keep_private

    # The child holds a patient's photo and is expected to crash on a damaged file: never a core dump of it.
    keep_private()
    _limit_memory()
    what, max_pixels = [*argv, "", ""][:2]
    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if what not in ("pixels", "metadata") or len(data) > MAX_FILE_BYTES:
        return _EXIT_UNREADABLE
    import io
    import warnings

    import pi_heif
    from PIL import Image

    pi_heif.register_heif_opener()
    warnings.simplefilter("ignore")
    Image.MAX_IMAGE_PIXELS = None  # (the limit is ours, below)
    try:
        image: Image.Image = Image.open(io.BytesIO(data), formats=["HEIF"])
        blocks = {
            name: value
            for name in ("exif", "icc_profile", "xmp")
            if isinstance(value := image.info.get(name), bytes) and len(value) <= _MAX_BLOCK
        }
        width, height = image.size
        if what == "metadata":
            _answer({"blocks": {k: len(v) for k, v in blocks.items()}}, *blocks.values())
            return 0
        if width * height > int(max_pixels):
            _answer({"width": width, "height": height})
            return _EXIT_TOO_LARGE
        image.load()
        if image.mode not in _MODES:
            image = image.convert("RGBA" if "A" in image.mode else "RGB")
        raw = image.tobytes()
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError):
        return _EXIT_UNREADABLE
    header = {"mode": image.mode, "width": width, "height": height, "blocks": {k: len(v) for k, v in blocks.items()}}
    _answer(header, *blocks.values(), raw)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
