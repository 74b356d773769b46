"""DICOM images from retinographs and dermatoscopes: pixels, eye and field, and patient tags.

Ophthalmic Photography (OP) and VL Photographic (XC) files are read with pydicom; JPEG-compressed
ones (baseline, transfer syntax 1.2.840.10008.1.2.4.50) and JPEG 2000 ones (1.2.840.10008.1.2.4.90,
.91) are decoded by pydicom's Pillow plugin, which needs nothing beyond Pillow (its wheels carry
OpenJPEG); a frame cut short is refused as damaged, a compression without a decoder (JPEG-LS, lossless
JPEG) as unsupported. The file is sent on as DICOM, its patient tags replaced by the
case's own: a retinograph exported for another patient (or the device's "demo" patient) must
never leave with someone else's name inside. A Deflated file (transfer syntax 1.2.840.10008.1.2.1.99)
is inflated a piece at a time first and refused past the size of a file Teleavis takes (a few hundred
kilobytes may inflate to gigabytes: pydicom inflates it whole, without a limit).
"""

from __future__ import annotations

import contextlib
import io
import re
import struct
import threading
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timezone
from typing import Any, BinaryIO

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from pydicom.encaps import generate_frames
from pydicom.errors import BytesLengthException, InvalidDicomError
from pydicom.pixels.decoders.base import get_decoder
from pydicom.pixels.processing import apply_color_lut, convert_color_space
from pydicom.pixels.utils import as_pixel_options
from pydicom.tag import Tag
from pydicom.uid import UID

from app.device_patient import ins_written, is_placeholder
from app.device_patient import recorded_for_another as another
from app.errors import ImageRejected
from app.identifiers import INS_NIA_SYSTEM, INS_SYSTEM, INS_TEST_SYSTEM, ins_system, normalize_ins
from app.model import DevicePatient, Patient
from app.moments import fhir_date_time, parse_offset
from app.patient import PN_GROUP_MAX
from app.site import EXAMPLE_PATIENT_SYSTEM
from capture import messages
from capture.cv import cv2
from capture.deidentify import allowed_copy
from capture.importer import RGB, check_pixels
from capture.sniff import MAX_BYTES, j2k_size, jpeg_size

OP_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.77.1.5.1"
VL_PHOTO_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.77.1.4"

_SEX = {"male": "M", "female": "F", "other": "O"}
_MACULA_WORDS = ("macula", "macular", "fovea", "maculaire")
# Where devices code the field: the region (eye, retina), the structure it is centred on, the view.
_VIEW_SEQUENCES = ("AnatomicRegionSequence", "PrimaryAnatomicStructureSequence", "ViewCodeSequence")
_DISC_WORDS = ("disc", "disk", "papill", "optic nerve", "nerf optique")
# pydicom warns about non-conformant values that devices write every day; they are not errors.
_LOCK = threading.Lock()


@dataclass
class DicomImage:
    """A read DICOM image: upright RGB pixels and what its tags say."""

    dataset: Dataset
    rgb: RGB
    modality: str | None
    eye: str | None
    view: str | None
    captured_at: str | None  # a FHIR dateTime
    device: str
    #: ImageLaterality and the series' Laterality name different eyes: ``eye`` is then ``None``.
    eyes_disagree: bool = False
    #: The device recorded the image as showing both eyes (laterality B): ``eye`` is then ``None``.
    both_eyes: bool = False


#: The Deflated Explicit VR Little Endian transfer syntax: the dataset after the file meta is one deflate stream.
DEFLATED = "1.2.840.10008.1.2.1.99"
#: Explicit VRs whose length takes 4 bytes after 2 reserved ones (PS3.5 7.1.2).
_LONG_VRS = {b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR", b"UT", b"UV"}
_INFLATE_PIECE = 1 << 20


def _meta(whole: bytes) -> tuple[str, int] | None:
    """(transfer syntax, where the dataset starts) of a DICOM file with its preamble, read from its file
    meta (group 0002, explicit VR little endian, or implicit VR as some writers put it and pydicom reads
    it too); None when it has none, or one cut short."""
    if whole[128:132] != b"DICM":
        return None
    at, syntax = 132, ""
    # Implicit VR when the first element has no VR (two capital letters) where one goes: pydicom's own test.
    implicit = not all(0x40 < byte < 0x5B for byte in whole[136:138])
    while at + 8 <= len(whole):
        group, element = struct.unpack_from("<HH", whole, at)
        if group != 0x0002:
            return syntax, at
        vr = whole[at + 4 : at + 6]
        if implicit:  # a 4-byte length after the tag
            length, start = struct.unpack_from("<I", whole, at + 4)[0], at + 8
        elif vr in _LONG_VRS:
            if at + 12 > len(whole):
                return None
            length, start = struct.unpack_from("<I", whole, at + 8)[0], at + 12
        else:
            length, start = struct.unpack_from("<H", whole, at + 6)[0], at + 8
        if element == 0x0010:
            syntax = whole[start : start + length].rstrip(b"\x00 ").decode("ascii", "replace")
        at = start + length
    return None


def check_inflated_size(whole: bytes, *, name: str, limit: int = MAX_BYTES) -> None:
    """Refuse a deflated DICOM that inflates past ``limit`` (a decompression bomb: pydicom inflates the whole
    stream at once, without a limit), by inflating it a piece at a time, nothing kept."""
    import zlib

    meta = _meta(whole)
    if meta is None or meta[0] != DEFLATED:
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    pending = memoryview(whole)[meta[1] :]
    total = 0
    try:
        while pending and not inflater.eof:
            total += len(inflater.decompress(pending, _INFLATE_PIECE))
            if total > limit:
                raise messages.rejected("dicom-inflates-too-big", name=name, limit=limit // 2**20)
            pending = memoryview(inflater.unconsumed_tail)
    except zlib.error as exc:
        raise messages.rejected("damaged", name=name) from exc


def pixels_complete(handle: BinaryIO) -> bool:
    """Whether a DICOM file (with its preamble, ``handle`` at its start) holds the whole of its pixel data:
    their declared length, or the end of their encapsulated frames (nothing is decoded). A file without
    pixel data is complete unless it has an image's header (cut before its pixels); a Deflated one cannot
    be told without inflating it, and counts as complete."""
    data = handle.read(MAX_BYTES + 1)  # read before the lock: a slow share must not hold an import
    meta = _meta(data)
    if meta is None:  # its file meta cut short
        return False
    if meta[0] == DEFLATED:  # (pydicom would inflate it whole)
        return True
    with _LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            ds = pydicom.dcmread(io.BytesIO(data))
        except READ_ERRORS:
            return False
        # Frames without their end (no sequence delimiter): pydicom says so, and reads nothing.
        if any("end of file" in str(warning.message).lower() for warning in caught):
            return False
        # The element as read (get_item would convert it): a value shorter than it says was cut.
        raw = ds._dict.get(Tag(_PIXEL_DATA))
        if raw is None:  # a report, or an image's header cut before its pixels
            return "Rows" not in ds and not _image_class(ds)
    length, value = getattr(raw, "length", None), getattr(raw, "value", None)
    if length is None or length == _UNDEFINED_LENGTH or not isinstance(value, bytes):
        return True
    return len(value) >= int(length)


_PIXEL_DATA = 0x7FE00010
_UNDEFINED_LENGTH = 0xFFFFFFFF


#: What pydicom raises on a file cut short or damaged: its own errors beside Python's (a value cut in
#: the middle makes struct.error, or BytesLengthException, neither a ValueError; an element's VR damaged
#: into none the standard has makes NotImplementedError when the element is read).
READ_ERRORS = (
    NotImplementedError,
    InvalidDicomError,
    OSError,
    ValueError,
    KeyError,
    EOFError,
    TypeError,
    struct.error,
    BytesLengthException,
)
#: SOP classes of the visible light images (VL photographic, ophthalmic photography...): PS3.4 B.5.
_VL_IMAGE_CLASSES = "1.2.840.10008.5.1.4.1.1.77.1."


def _image_class(ds: Dataset) -> bool:
    """Whether the file says it is an image we take (by its SOP class, or the file meta's, or modality)."""
    meta = getattr(ds, "file_meta", None)
    classes = (str(getattr(ds, "SOPClassUID", "") or ""), str(getattr(meta, "MediaStorageSOPClassUID", "") or ""))
    return any(uid.startswith(_VL_IMAGE_CLASSES) for uid in classes) or _modality(ds) is not None


#: What a DICOM file without pixels is told, by the specialty of the case it was imported into: only an eye
#: case's images come from a retinograph.
_NO_PIXELS = {"ophthalmology": "dicom-no-pixels", "dermatology": "dicom-no-pixels-skin"}


def _dataset(whole: bytes) -> Dataset:
    """The file's dataset, as pydicom reads it (under :data:`_LOCK`). A VR that is not two capital letters is
    taken by pydicom for a writer switching to implicit VR: a device's private element whose VR it wrote in
    lower case (« lo ») had its next bytes read as a length, and the file ended there without a word, its
    pixels unread: « ne contient pas d'image ». Such a file without pixels is read again taking each VR as
    written (a short one's 2-byte length: « lo », « us », « ds »…); the element itself is dropped later, as a
    private one pydicom cannot read (:func:`_read_every_element`)."""
    ds = pydicom.dcmread(io.BytesIO(whole))
    if "PixelData" in ds or not _PIXEL_DATA_HEADER.search(whole):
        return ds
    try:
        with _switch_off():
            again = pydicom.dcmread(io.BytesIO(whole))
    except READ_ERRORS:
        return ds
    return again if "PixelData" in again else ds


@contextlib.contextmanager
def _switch_off() -> Iterator[None]:
    """pydicom's ``assume_implicit_vr_switch`` off, the caller holding :data:`_LOCK`. pydicom reads it from its
    module, never per call: the whole process reads so meanwhile. Every pydicom read in Teleavis holds the
    lock (:func:`read_header` for the device folder's watch, in its own thread: it read a file whose writer
    switched to implicit VR as having no patient while an import turned it off)."""
    switch = pydicom.config.assume_implicit_vr_switch
    pydicom.config.assume_implicit_vr_switch = False
    try:
        yield
    finally:
        pydicom.config.assume_implicit_vr_switch = switch


def read_header(stream: BinaryIO, tags: Sequence[str]) -> Dataset:
    """``tags`` of a DICOM's header (``stop_before_pixels``), read under :data:`_LOCK` with pydicom's settings
    as they are by default (see :func:`_switch_off`)."""
    with _LOCK:
        return pydicom.dcmread(stream, stop_before_pixels=True, specific_tags=list(tags), force=True)


#: The Pixel Data element's header as an explicit VR little-endian file writes it (its tag, OB or OW).
_PIXEL_DATA_HEADER = re.compile(rb"\xe0\x7f\x10\x00O[BW]\x00\x00", re.DOTALL)


def read_dicom(data: bytes, *, name: str, specialty: str = "") -> DicomImage:
    """Parse and decode a DICOM file's first frame, or refuse it with a clear message (naming the device of
    a case of ``specialty``)."""
    # A file without its 128-byte preamble (some devices write it so) is read as the standard file.
    whole = bytes(128) + data if data[:4] == b"DICM" else data
    check_inflated_size(whole, name=name)
    with _LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            ds = _dataset(whole)
            # pydicom reads an element's value when it is first asked for: one damaged (a VR no standard
            # has) raised NotImplementedError later, out of this refusal, when its device's name was read
            # (found by damaging files). Every element is read here, once.
            _read_every_element(ds)
            cut_short = any("end of file" in str(warning.message).lower() for warning in caught)
            if "PixelData" not in ds:
                # An image header without its pixels, or a file that ends early (in its file meta too),
                # is a file cut short, not a report.
                image = cut_short or "Rows" in ds or _meta(whole) is None
                raise messages.rejected(
                    "damaged" if image else _NO_PIXELS.get(specialty, "dicom-no-pixels-device"), name=name
                )
            rows, cols = int(ds.Rows), int(ds.Columns)
            frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
        except (*READ_ERRORS, AttributeError) as exc:
            raise messages.rejected("damaged", name=name) from exc
        if not _uid(ds, "SOPClassUID", "MediaStorageSOPClassUID") or not _uid(
            ds, "SOPInstanceUID", "MediaStorageSOPInstanceUID"
        ):
            # Without them the platform cannot tell one image from another: an export bug.
            raise messages.rejected("dicom-no-uid", name=name)
        # One frame is decoded (the first: checked and shown); a series of small frames is no large image.
        check_pixels(name, cols, rows)
        declared = _frame_declared_size(ds, frames)
        if declared is not None and declared[0] * declared[1] > cols * rows:
            # A frame whose JPEG or JPEG 2000 says it is larger than the header's image: refused before its
            # decoder makes all of it (a 2 KB file whose J2K frame said 13 000 × 13 000 took 3.2 GB and 12 s of
            # the window's process, found by damaging files, to be refused as damaged after all).
            raise messages.rejected("damaged", name=name)
        try:
            pixels = _first_frame(ds, frames)
        except NotImplementedError as exc:
            raise _unsupported(ds, name) from exc
        except RuntimeError as exc:
            # pydicom says its plugins are "missing dependencies" for a compression it cannot decode; one
            # it can decode but whose frame is cut or broken makes "exceptions raised by all available
            # plugins": that file is damaged, and exporting it in JPEG again would not help. Unless a plugin
            # said it "does not support" the frame (Pillow and a 12-bit JPEG): a compression it cannot decode.
            said = str(exc).lower()
            unsupported = "does not support" in said
            if unsupported or ("exceptions were raised" not in said and ("plugin" in said or "decoder" in said)):
                raise _unsupported(ds, name) from exc
            raise messages.rejected("damaged", name=name) from exc
        except (ValueError, OSError, AttributeError, KeyError, TypeError, EOFError) as exc:
            raise messages.rejected("damaged", name=name) from exc
    try:
        rgb = _to_rgb(pixels, ds)
    except ValueError as exc:
        # Pixels of another shape than the header says (more data than its rows and columns: pydicom reads
        # the rest as frames it never announced): the file is not what its header describes.
        raise messages.rejected("damaged", name=name) from exc
    return DicomImage(
        dataset=ds,
        rgb=rgb,
        modality=_modality(ds),
        eye=_eye(ds),
        view=_view(ds),
        captured_at=_captured_at(ds),
        device=_device(ds),
        eyes_disagree=len(_eyes(ds)) > 1,
        both_eyes=_both_eyes(ds),
    )


#: The compressions no plugin shipped decodes (no pylibjpeg, no GDCM), by the name a device's export settings
#: give them: the nurse is told which one to change (their formal names are a line long).
_COMPRESSIONS = {
    "1.2.840.10008.1.2.4.57": "JPEG Lossless",
    "1.2.840.10008.1.2.4.70": "JPEG Lossless",
    "1.2.840.10008.1.2.4.80": "JPEG-LS",
    "1.2.840.10008.1.2.4.81": "JPEG-LS",
    "1.2.840.10008.1.2.4.201": "HTJ2K",
    "1.2.840.10008.1.2.4.202": "HTJ2K",
    "1.2.840.10008.1.2.4.203": "HTJ2K",
}
_JPEG_EXTENDED = "1.2.840.10008.1.2.4.51"


def _compression(ds: Dataset) -> str:
    """The name of the file's compression, as the nurse is told it is not supported ("" when it has none)."""
    uid = UID(str(getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", "") or ""))
    if uid == _JPEG_EXTENDED and int(getattr(ds, "BitsStored", 8) or 8) > 8:
        return "JPEG 12 bits"  # (Pillow decodes JPEG Extended in 8 bits)
    return _COMPRESSIONS.get(uid) or (uid.name if uid.is_valid else "")


def _unsupported(ds: Dataset, name: str) -> ImageRejected:
    """The refusal of a compression no plugin here decodes, naming it when it has a name (a transfer syntax
    that is no UID, a device's bug, was named « (?) »)."""
    compression = _compression(ds)
    if not compression:
        return messages.rejected("dicom-unsupported-unnamed", name=name)
    return messages.rejected("dicom-unsupported", name=name, compression=compression)


def _uid(ds: Dataset, keyword: str, meta_keyword: str) -> bool:
    """Whether the dataset has this UID, taking it from the file meta when only that has it."""
    value = str(getattr(ds, keyword, "") or "").strip()
    if not value:
        value = str(getattr(getattr(ds, "file_meta", None), meta_keyword, "") or "").strip()
        if value:
            setattr(ds, keyword, value)
    return bool(value)


#: The photometric interpretations of a JPEG's own colours (JFIF's full-range YCbCr), which pydicom decodes raw.
_YBR = frozenset({"YBR_FULL", "YBR_FULL_422"})


def _read_every_element(ds: Dataset) -> None:
    """Read each element's value (in sequences too), so that a damaged one is refused here. A device's private
    element that cannot be read (its VR is none the standard has: devices write odd private tags) is dropped
    instead: it is never kept (the copy keeps only the allow-listed attributes) and is no damage to the image."""
    for tag in list(ds.keys()):
        try:
            element = ds[tag]
            if element.VR == "SQ":
                for item in element.value or []:
                    _read_every_element(item)
        except READ_ERRORS:
            if not tag.is_private:
                raise
            del ds[tag]


#: The transfer syntaxes whose frames are JPEG streams, and those whose frames are JPEG 2000 codestreams (or
#: JP2 files): the frame-size check reads a size only where the frame is one (an RLE frame's bytes are pixels).
_JPEG_FRAMES = frozenset(
    {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70"}
)
_J2K_FRAMES = frozenset(
    {"1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93"}
)


def _frame_declared_size(ds: Dataset, frames: int) -> tuple[int, int] | None:
    """The width and height a compressed file's first frame declares in its own header (a JPEG's frame
    header, a JPEG 2000's SIZ), read without decoding it; ``None`` for native pixels or when not found."""
    syntax = str(getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", "") or "")
    if syntax not in _JPEG_FRAMES and syntax not in _J2K_FRAMES:
        return None
    try:
        frame = next(generate_frames(ds.PixelData, number_of_frames=frames), b"")
    except (*READ_ERRORS, AttributeError, StopIteration):
        return None
    if syntax in _JPEG_FRAMES:
        return jpeg_size(frame) if frame[:2] == b"\xff\xd8" else None
    return j2k_size(frame)


def _first_frame(ds: Dataset, frames: int) -> np.ndarray[Any, Any]:
    """The first frame's pixels, in RGB when in colour. What pydicom's ``pixel_array`` gives, but for the
    colours of a JPEG frame (YCbCr), turned into RGB in 8 bits: pydicom does it in floating point, some
    eight times the frame's size at once (150 MB for a 2400 × 2400 retinograph; measured)."""
    try:
        decoder = get_decoder(ds.file_meta.TransferSyntaxUID)
    except NotImplementedError as exc:
        raise NotImplementedError(f"no decoder for {ds.file_meta.TransferSyntaxUID}") from exc
    pixels, meta = decoder.as_array(
        ds, index=0 if frames > 1 else None, validate=True, raw=True, **as_pixel_options(ds)
    )
    kind = str(meta.get("photometric_interpretation", ""))
    if kind not in _YBR or pixels.ndim != 3 or pixels.shape[-1] != 3:
        return pixels
    if pixels.dtype == np.uint8:
        # OpenCV's YCrCb is JFIF's full range (ITU-R BT.601), its chroma in the other order.
        return np.asarray(cv2.cvtColor(np.ascontiguousarray(pixels[:, :, [0, 2, 1]]), cv2.COLOR_YCrCb2RGB))
    return convert_color_space(pixels, kind, "RGB")


def _to_rgb(pixels: np.ndarray[Any, Any], ds: Dataset) -> RGB:
    palette = _through_palette(pixels, ds)
    if palette is not None:
        return palette
    if pixels.ndim == 3 and pixels.shape[2] == 3:
        rgb = pixels
    else:
        rgb = pixels.reshape(pixels.shape[0], pixels.shape[1])
        if str(getattr(ds, "PhotometricInterpretation", "")) == "MONOCHROME1":
            rgb = rgb.max() - rgb
        rgb = np.repeat(rgb[:, :, None], 3, axis=2)
    if rgb.dtype != np.uint8:
        rgb = _to_8_bits(rgb, ds)
    return np.ascontiguousarray(rgb, dtype=np.uint8)


def _through_palette(pixels: np.ndarray[Any, Any], ds: Dataset) -> RGB | None:
    """A PALETTE COLOR image's pixels through its colour tables, in 8 bits (16-bit entries keep their high
    byte), as pydicom's ``apply_color_lut`` gives them; None for another image, or tables that cannot be read
    (shown as the grey of its indices, as before). Found in review: shown and checked as that grey, another
    picture than the one sent."""
    if str(getattr(ds, "PhotometricInterpretation", "")) != "PALETTE COLOR" or pixels.ndim != 2:
        return None
    try:
        coloured = apply_color_lut(pixels, ds)
    except (ValueError, AttributeError, KeyError, IndexError, TypeError):
        return None
    if coloured.dtype != np.uint8:
        coloured = coloured >> 8
    return np.ascontiguousarray(coloured, dtype=np.uint8)


def _to_8_bits(values: np.ndarray[Any, Any], ds: Dataset) -> np.ndarray[Any, Any]:
    """More than 8 bits a sample, shown as the device means it: through its window (Window Center and
    Width, DICOM's linear VOI) when it gives one; else over the range the values use. A device may store
    10-bit red-free retinographs in 16-bit fields (Bits Stored 16): scaled by 16 bits they came out black,
    refused as « bien trop sombre » and never sendable."""
    data = values.astype(np.float32)
    center, width = _first_number(ds, "WindowCenter"), _first_number(ds, "WindowWidth")
    if center is not None and width is not None and width >= 1:
        low = center - 0.5 - (width - 1) / 2
        scaled = (data - low) * (255.0 / max(width - 1, 1.0))
    else:
        bits = int(getattr(ds, "BitsStored", 8) or 8)
        used = int(data.max()).bit_length() if data.size else 8
        scaled = data * (255.0 / float((1 << min(bits, max(8, used))) - 1))
    eight: np.ndarray[Any, Any] = np.clip(scaled, 0, 255).astype(np.uint8)
    return eight


def _first_number(ds: Dataset, keyword: str) -> float | None:
    value = getattr(ds, keyword, None)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        try:
            value = next(iter(value))  # a multi-valued attribute: its first value
        except (TypeError, StopIteration):
            return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _modality(ds: Dataset) -> str | None:
    sop = str(getattr(ds, "SOPClassUID", ""))
    modality = str(getattr(ds, "Modality", "")).upper()
    if sop == OP_SOP_CLASS or modality == "OP":
        return "OP"
    if sop == VL_PHOTO_SOP_CLASS or modality == "XC":
        return "XC"
    return None


def _eyes(ds: Dataset) -> set[str]:
    """The eyes the header names, in the image's ImageLaterality and in its series' Laterality."""
    codes = {str(getattr(ds, keyword, "") or "").strip().upper() for keyword in ("ImageLaterality", "Laterality")}
    return {eye for eye, code in _LATERALITY.items() if code in codes}


def _both_eyes(ds: Dataset) -> bool:
    """Whether the header says the image shows both eyes: B in the image's laterality, or in the series'
    when the image names no eye of its own (a series' B with an image's R or L is an exam of both eyes,
    each image of one)."""
    image = str(getattr(ds, "ImageLaterality", "") or "").strip().upper()
    series = str(getattr(ds, "Laterality", "") or "").strip().upper()
    return image == "B" or (series == "B" and image not in _LATERALITY.values())


def _eye(ds: Dataset) -> str | None:
    """The eye the device recorded; ``None`` when its header names none, or both (R for the image, L for
    its series: one of the two is wrong, and which one nothing tells; or B, an image of both eyes)."""
    eyes = _eyes(ds)
    return next(iter(eyes)) if len(eyes) == 1 and not _both_eyes(ds) else None


def _view(ds: Dataset) -> str | None:
    texts: list[str] = []
    for seq in _VIEW_SEQUENCES:
        for item in getattr(ds, seq, []) or []:
            meaning = str(getattr(item, "CodeMeaning", "") or "")
            if meaning:
                texts.append(meaning)
    for keyword in ("SeriesDescription", "ProtocolName", "ImageComments", "AcquisitionContextDescription"):
        value = str(getattr(ds, keyword, "") or "")
        if value:
            texts.append(value)
    for text in texts:
        lower = text.lower()
        if any(word in lower for word in _MACULA_WORDS):
            return "macula"
        if any(word in lower for word in _DISC_WORDS):
            return "disc"
    # A code meaning is a clinical label worth keeping; free descriptions may hold names.
    return texts[0][:64] if texts and texts[0] in _code_meanings(ds) else None


def _code_meanings(ds: Dataset) -> set[str]:
    return {str(getattr(item, "CodeMeaning", "")) for seq in _VIEW_SEQUENCES for item in getattr(ds, seq, []) or []}


def _captured_at(ds: Dataset) -> str | None:
    """When the image was taken, as a FHIR dateTime.

    DICOM writes local time; the zone is the one in the value itself (``DT`` may end with
    ``+HHMM``), else TimezoneOffsetFromUTC, else the workstation's zone at that date. A date without
    a time stays a date.
    """
    stamp = str(getattr(ds, "AcquisitionDateTime", "") or "").strip()
    if not stamp:
        for date_kw, time_kw in (
            ("AcquisitionDate", "AcquisitionTime"),
            ("ContentDate", "ContentTime"),
            ("StudyDate", "StudyTime"),
        ):
            date = str(getattr(ds, date_kw, "") or "").strip()
            if date:
                # ACR-NEMA's forms, which older devices still write: 2026.03.29 and 10:30:00.
                legacy = len(date) == 10 and date[4] == date[7] == "."
                clock = str(getattr(ds, time_kw, "") or "").strip().replace(":", "")
                stamp = (date.replace(".", "") if legacy else date) + clock
                break
    zone = stamp[-5:] if len(stamp) > 5 and stamp[-5] in "+-" else ""
    digits = stamp[: len(stamp) - len(zone)].split(".")[0]
    if len(digits) < 8 or not digits.isdigit():
        return None
    text = f"{digits[0:4]}-{digits[4:6]}-{digits[6:8]}"
    time = digits[8:]
    if len(time) < 4:
        return fhir_date_time(text)
    text += f"T{time[0:2]}:{time[2:4]}:{time[4:6] if len(time) >= 6 else '00'}"
    offset = parse_offset(zone) if zone else parse_offset(str(getattr(ds, "TimezoneOffsetFromUTC", "") or ""))
    return fhir_date_time(text, zone=timezone(offset) if offset is not None else None)


def _device(ds: Dataset) -> str:
    parts = [str(getattr(ds, kw, "") or "").strip() for kw in ("Manufacturer", "ManufacturerModelName")]
    return " ".join(p for p in parts if p)[:64]


def device_patient(ds: Dataset, site_system: str = "") -> DevicePatient | None:
    """Who the device recorded the image for (its patient tags as written), or ``None`` when it wrote none
    or only its placeholder name (« DEMO^Patient »: nobody was entered on it). Its Patient ID is an INS a
    worklist wrote among the Other Patient IDs, else the Patient ID itself when it is an INS, else the
    number the site's own issuer was written with (``site_system``, :func:`_site_number`), without it: the
    site's file number, as one written with no issuer is taken; else the Patient ID with its issuer. That
    number of the site, beside an INS kept as the Patient ID, is its ``file_number`` (a case without an INS
    compares it: found in review, it was dropped)."""
    written = _patient_id(ds)
    ins = _ins_among_other_ids(ds) or (written if ins_written(written) else "")
    number = _site_number(ds, site_system)
    bare = written if written and "^" not in written and not ins_written(written) else ""
    recorded = DevicePatient(
        name=str(getattr(ds, "PatientName", "") or "").strip(),
        birth_date=str(getattr(ds, "PatientBirthDate", "") or "").strip(),
        patient_id=ins or number or written,
        sex=str(getattr(ds, "PatientSex", "") or "").strip().upper(),
        file_number=(number or bare) if ins else "",
    )
    if is_placeholder(recorded.name) and recorded == DevicePatient(name=recorded.name):
        return None  # its placeholder and nothing else: its birth date, sex or ID are compared still
    return recorded if recorded != DevicePatient() else None


def _patient_id(ds: Dataset) -> str:
    """The Patient ID as written, with its issuer when the device named one, as HL7 writes it
    (« D-2291^^^CLINIQUE »): a number of another structure is not the site's file number
    (``app.device_patient``)."""
    number = str(getattr(ds, "PatientID", "") or "").strip()
    issuer = str(getattr(ds, "IssuerOfPatientID", "") or "").strip()
    try:
        qualifiers = getattr(ds, "IssuerOfPatientIDQualifiersSequence", None) or []
        universal = str(getattr(qualifiers[0], "UniversalEntityID", "") or "").strip() if qualifiers else ""
    except (TypeError, AttributeError, ValueError, IndexError):
        universal = "?"  # a sequence written wrong: an issuer all the same, never the site's for sure
    issuer = issuer or universal
    return f"{number}^^^{issuer}" if number and issuer and "^" not in number else number


def _site_number(ds: Dataset, site_system: str) -> str:
    """The number a worklist of the site wrote with the site's own issuer (``site_system``, the site's
    patient-id system as its site file gives it), as the Patient ID's or among the Other Patient IDs; ""
    for none. Only exactly the site's: an OID written as the system is, or without its ``urn:oid:``, in
    Issuer of Patient ID or its qualifiers' Universal Entity ID (each written must be it: a name beside
    it is not the site's as configured). The documentation's example system is no site's own (other
    structures may have kept it): nothing is the site's by it. Two numbers of the site that differ (the
    site's issuer twice, or a Patient ID with no issuer, taken for the site's file number, beside another)
    are one patient's and another's: none is (found in review)."""
    system = site_system.strip()
    if not system or system == EXAMPLE_PATIENT_SYSTEM:
        return ""
    main = _patient_id(ds)
    numbers = {main} if main and "^" not in main and not ins_written(main) else set()
    issued = False
    try:
        for item in (ds, *(getattr(ds, "OtherPatientIDsSequence", None) or [])):
            number = str(getattr(item, "PatientID", "") or "").strip()
            if number and "^" not in number and _issued_by(item, system):
                numbers.add(number)
                issued = True
    except (TypeError, AttributeError, ValueError, IndexError):  # a sequence written wrong: nobody's
        return ""
    return numbers.pop() if issued and len(numbers) == 1 else ""


def _issued_by(item: Dataset, system: str) -> bool:
    """Whether the issuer written for ``item``'s Patient ID is ``system``, exactly (an OID also without its
    ``urn:oid:``), and only it."""
    issuer = str(getattr(item, "IssuerOfPatientID", "") or "").strip()
    qualifiers = getattr(item, "IssuerOfPatientIDQualifiersSequence", None) or []
    universal = str(getattr(qualifiers[0], "UniversalEntityID", "") or "").strip() if qualifiers else ""
    forms = {system, system.removeprefix("urn:oid:")} if system.startswith("urn:oid:") else {system}
    written = [text for text in (issuer, universal) if text]
    return bool(written) and all(text in forms for text in written)


def _ins_among_other_ids(ds: Dataset) -> str:
    """The INS a worklist wrote among the Other Patient IDs (its issuer the INS's OID or IHE PAM France's
    name for it), the Patient ID being the site's file number; "" for none (the Patient ID is then the
    one compared)."""
    issuers = {*_INS_ISSUERS.values(), *(system.removeprefix("urn:oid:") for system in _INS_ISSUERS)}
    try:
        for item in getattr(ds, "OtherPatientIDsSequence", None) or []:
            issuer = str(getattr(item, "IssuerOfPatientID", "") or "").strip()
            qualifiers = getattr(item, "IssuerOfPatientIDQualifiersSequence", None) or []
            universal = str(getattr(qualifiers[0], "UniversalEntityID", "") or "").strip() if qualifiers else ""
            if issuer in issuers or universal.removeprefix("urn:oid:") in issuers:
                return str(getattr(item, "PatientID", "") or "").strip()
    except (TypeError, AttributeError, ValueError):  # a sequence written wrong says nothing of its patient
        return ""
    return ""


def recorded_for_another(ds: Dataset, patient: Patient | None) -> bool:
    """Whether the device recorded the image for someone else than ``patient`` (``app.device_patient``)."""
    recorded = device_patient(ds)
    return recorded is not None and another(recorded, patient)


def rewrite_dicom(ds: Dataset, patient: Patient | None, *, name: str = "image", training: bool = False) -> bytes:
    """The DICOM file with the case's patient in place of whoever the device recorded.

    Only the allow-listed attributes are kept (:mod:`capture.deidentify`): no previous patient,
    request, operator, institution, free-text description or private tag leaves with the image,
    and JPEG frames lose their own metadata segments.
    """
    try:
        kept = allowed_copy(ds)
    except ValueError as exc:  # a later frame cut short or damaged
        raise messages.rejected("damaged", name=name) from exc
    return _stamped(kept, patient, training=training)


def restamp_dicom(data: bytes, patient: Patient, *, training: bool = False, eye: str | None = None) -> bytes:
    """A stored DICOM file (written by :func:`rewrite_dicom`) with the case's patient as it is now.

    The header was written when the image came in; the identity may have been corrected or
    qualified since. What is sent must name the patient the case names: the same bytes when it
    already does, else a new file differing only in its patient attributes. In ``training`` an INS
    is issued as a fictitious test patient's, as the FHIR Patient says it. ``eye`` ("right", "left"):
    the image's eye as the case says it, written into its laterality (the device's may have been
    corrected: an expert's viewer labels the image by its header).
    """
    check_inflated_size(data, name="image")  # (checked at its import already: stored, it is ours)
    with _LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(io.BytesIO(data))
    code = _LATERALITY.get(eye or "")
    if code is not None:
        # The image's own (type 1 in Ophthalmic Photography), and the series' where the device wrote it.
        if "ImageLaterality" in ds or "Laterality" not in ds:
            ds.ImageLaterality = code
        if "Laterality" in ds:
            ds.Laterality = code
    return _stamped(ds, patient, training=training)


_LATERALITY = {"right": "R", "left": "L"}


#: The INS's assigning authorities as French HL7 v2 (IHE PAM France) names them, by FHIR system.
_INS_ISSUERS = {
    INS_SYSTEM: "ASIP-SANTE-INS-NIR",
    INS_NIA_SYSTEM: "ASIP-SANTE-INS-NIA",
    INS_TEST_SYSTEM: "ASIP-SANTE-INS-NIR",
}


def _issue(ds: Dataset, system: str | None) -> None:
    """DICOM's Issuer of Patient ID macro (PS3.3 table 10-18) for the Patient ID just written: the INS's
    authority, by name and by OID, so a PACS tells a national identifier from a local file number. For
    a file number, none: the device's own issuer is not kept (:mod:`capture.deidentify`), and the site's
    domain is the platform's to know from the FHIR Patient."""
    for keyword in ("IssuerOfPatientID", "IssuerOfPatientIDQualifiersSequence"):
        if keyword in ds:
            delattr(ds, keyword)
    if system is None:
        return
    ds.IssuerOfPatientID = _INS_ISSUERS[system]
    qualifiers = Dataset()
    qualifiers.UniversalEntityID = system.removeprefix("urn:oid:")
    qualifiers.UniversalEntityIDType = "ISO"
    ds.IssuerOfPatientIDQualifiersSequence = [qualifiers]


def _stamped(ds: Dataset, patient: Patient | None, *, training: bool = False) -> bytes:
    # The case's names may hold any letter: say the text is UTF-8.
    ds.SpecificCharacterSet = "ISO_IR 192"
    if patient is None:
        ds.PatientName = ""
        ds.PatientID = ""
        ds.PatientBirthDate = ""
        ds.PatientSex = ""
        _issue(ds, None)
    else:
        # The INS only as the platform gets it (a qualified identity, RNIV); else the site's file number.
        ins = normalize_ins(patient.ins) if patient.ins_sent() and patient.ins else None
        # Named as the FHIR Patient beside it (Patient.names_sent): with the INS, by its traits (found in review:
        # the names as typed went beside the INS); family^first given name^the others (PS3.5 6.2.1), no typed
        # sign moving one into another (Patient.dicom_name). A name longer than a component group holds is
        # written neither cut (another name) nor whole (a reader cuts or refuses it): not at all, as DICOM allows
        # (type 2). The checklist refuses to send it (app.validation.dicom_name_length), so only a stored copy
        # holds none until the name is corrected (found in review: the import wrote the 83 characters whole).
        name = patient.dicom_name()
        ds.PatientName = name if len(name) <= PN_GROUP_MAX else ""
        ds.PatientID = ins or patient.local_id or ""
        _issue(ds, None if ins is None else ins_system(ins, training=training))
        ds.PatientBirthDate = patient.birth_date.replace("-", "")
        ds.PatientSex = _SEX.get(patient.sex, "")
    buffer = io.BytesIO()
    with _LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()
