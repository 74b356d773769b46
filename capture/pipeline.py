"""The image pipeline every image goes through, captured or imported.

Format from the bytes → size limit → upright pixels → metadata removed (colour profile kept) →
quality checks on a reduced copy → a thumbnail. An imported JPEG that is already upright is kept
as it came, minus its metadata segments: re-compressing it would lose detail for nothing
(docs/architecture.md, "Image quality": never re-compress more than once). Storing (encrypted) is the caller's job;
nothing here writes to disk, so a refused image leaves nothing behind.
"""

from __future__ import annotations

import io
import pathlib
import struct
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from PIL import Image

from app.fsutil import FileTooLarge, NotOrdinaryFile, read_ordinary_file
from app.model import (
    DEVICE_EYE_CHECK,
    DISC_SIDE_CHECK,
    OTHER_PATIENT_CHECK,
    DevicePatient,
    Patient,
    QualityFinding,
    iso,
    utc_now,
)
from app.store import sha1_b64
from capture import messages
from capture.cv import cv2
from capture.importer import DecodedImage, decode_photo
from capture.metadata import MalformedImage, png_chunk, strip_jpeg, strip_png, without_broken_profile
from capture.quality import check_quality, compression_finding, is_retina, reduced, side_tells_eye, small_field
from capture.sniff import MAX_BYTES, Format, sniff

if TYPE_CHECKING:
    from capture.dicom import DicomImage

JPEG_QUALITY = 92
#: A photo turned by the user is encoded once more: above the capture's quality, so that the turn (and
#: the turn back, when the wrong way was chosen) loses next to nothing. libjpeg's lossless transform
#: (jpegtran) is not in Pillow, OpenCV or the bundle; a PNG is turned losslessly.
ROTATED_JPEG_QUALITY = 95
#: Findings the pipeline adds beside the checks: they are about the file as it came (halved, its pages,
#: the device's patient, its compression, its unreadable colour profile), not its pixels, and a turn keeps them.
_FILE_NOTES = frozenset({"resolution-kept", "pages", "patient", "compression", "colour-profile"})
THUMBNAIL_LONG_SIDE = 320
Image8 = npt.NDArray[np.uint8]


@dataclass
class PreparedImage:
    """An image ready to be stored encrypted and sent, with its thumbnail and quality findings."""

    data: bytes  # original JPEG data when no re-encode is needed, else a new JPEG or PNG; or DICOM
    content_type: str  # "image/jpeg" | "image/png" | "application/dicom"
    width: int
    height: int
    thumbnail: bytes  # JPEG, about 320 px on the long side
    quality: list[QualityFinding] = field(default_factory=list)
    modality: str = "XC"  # "XC" photographs, "OP" retinographs
    eye: str | None = None  # "right"/"left" from DICOM laterality
    view: str | None = None  # "macula"/"disc"/text from DICOM
    captured_at: str | None = None  # ISO 8601
    device: str = ""  # camera or retinograph model, never its serial number
    #: An imported file's SHA-1 (base64) as it was read: a DICOM's stored bytes are rewritten for the
    #: case's patient, so the same export is known again only by this.
    source_sha1: str | None = None
    #: Who a DICOM's device recorded it for (its header is rewritten for the case's patient): kept sealed
    #: with the image, compared with the case's patient by the checklist.
    device_patient: DevicePatient | None = None


def prepare_image_file(
    path: pathlib.Path,
    *,
    specialty: str,
    patient: Patient | None = None,
    follow_links: bool = True,
    site_system: str = "",
) -> PreparedImage:
    """:func:`prepare_image_bytes` on a file's content; the file itself is never changed.

    Only an ordinary file is read: a device (/dev/zero), a named pipe (which blocks), a folder are refused
    at once, and a symbolic link too unless ``follow_links`` (a file of the device folder: a link there
    would bring in a file from anywhere on this workstation)."""
    data = read_image_file(path, follow_links=follow_links)
    return prepare_image_bytes(data, filename=path.name, specialty=specialty, patient=patient, site_system=site_system)


def check_image_file(path: pathlib.Path, *, specialty: str = "", follow_links: bool = True) -> frozenset[str]:
    """Refuse the file as :func:`prepare_image_file` would (the same :class:`app.errors.ImageRejected`, the
    same words), reading and decoding it without the rest of the work: no quality checks, no thumbnail, no
    new encoding (a TIFF written again as PNG takes seconds). For a case file refused anyway, whose images
    are still each said readable or not.

    Returns the keys the same picture is known by among its case's images, two files being one image for
    the import when their stored bytes are the same: the file's SHA-1 (base64), and the stored bytes' when
    they are its own minus metadata; for a picture written again from its pixels, those pixels' (with what
    its new encoding is made of), and for a DICOM, its header rewritten's (the same for two exports of one
    image that differ only in what is not kept). Without them, two files of one picture passed here and
    refused the file put right (a phone's portrait photo saved twice, a TIFF or a DICOM exported twice)."""
    name = path.name
    data = read_image_file(path, follow_links=follow_links)
    read = _read(data, name=name, specialty=specialty)
    keys = {sha1_b64(data)}
    if read.dicom is not None:
        from capture.dicom import rewrite_dicom

        # (a later frame damaged refuses it there; without the case's patient, the same for two files or not)
        keys.add("dicom:" + sha1_b64(rewrite_dicom(read.dicom.dataset, None, name=name)))
    elif read.kept is not None:
        keys.add(sha1_b64(read.kept))
    else:
        assert read.decoded is not None  # (a photo: decoded by _read)
        keys.add("pixels:" + _encoded_from(read.decoded, _new_type(read.fmt, read.decoded)))
    return frozenset(keys)


def _new_type(fmt: str, decoded: DecodedImage) -> str:
    """The type a photo written again from its pixels is stored as. Lossless sources stay lossless (a TIFF
    in JPEG is not one, nor a JPEG 2000 of the irreversible wavelet: as PNG they would weigh five times
    more). A BMP, a JPEG 2000, a GIF or a PPM is always written again, from its pixels: the platform takes
    JPEG and PNG only, and nothing of the file's own boxes, comments or extensions comes along."""
    lossless = fmt in ("png", "tiff", "webp", "bmp", "jpeg2000", "gif", "pnm") and not decoded.lossy
    return "image/png" if lossless else "image/jpeg"


def _encoded_from(decoded: DecodedImage, content_type: str) -> str:
    """A SHA-1 (base64) of what a new encoding of ``decoded`` is made of: the same for two photos whose new
    encodings are the same bytes, without encoding them. Hashed band by band: an upright view is not copied.

    A portrait picture is read column by column: most often a phone's landscape sensor turned upright (a view of
    its pixels as stored), it is then read in the order of its memory (0.02 s for 50 MP, 0.55 s row by row). The
    order follows the picture's shape alone, so one picture has one key whatever its file."""
    import base64
    import hashlib

    rgb = decoded.rgb
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(f"{content_type} {rgb.shape} {len(decoded.icc or b'')}\n".encode("ascii"))
    digest.update(decoded.icc or b"")
    pixels = rgb.transpose(1, 0, 2) if rgb.shape[0] > rgb.shape[1] else rgb
    rows = max(1, _BAND_BYTES // (3 * max(1, pixels.shape[1])))
    for top in range(0, pixels.shape[0], rows):
        digest.update(np.ascontiguousarray(pixels[top : top + rows]).data)
    return base64.b64encode(digest.digest()).decode("ascii")


def read_image_file(path: pathlib.Path, *, follow_links: bool) -> bytes:
    """The bytes of an image file to import (refused as :func:`prepare_image_file` refuses it)."""
    name = path.name
    try:
        return read_ordinary_file(path, limit=MAX_BYTES, follow_links=follow_links)
    except NotOrdinaryFile as exc:
        raise messages.rejected("link-file" if exc.kind == "link" else "not-ordinary-file", name=name) from exc
    except FileTooLarge as exc:
        raise messages.rejected("too-big-file", name=name, mb=exc.size // 2**20, limit=MAX_BYTES // 2**20) from exc
    except (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError) as exc:
        raise messages.rejected("unreadable-file", name=name) from exc
    except OSError as exc:
        raise messages.rejected("unreadable-file", name=name) from exc


@dataclass
class _Read:
    """A file as the pipeline reads it: past everything that may refuse it, before its quality checks."""

    fmt: str
    data: bytes  # the file's bytes, a broken colour profile left out
    profile_dropped: bool = False
    decoded: DecodedImage | None = None  # a photo's upright pixels (a JPEG kept as it came: a reduced decode)
    kept: bytes | None = None  # the file's own bytes minus metadata, when they are what is stored
    dicom: DicomImage | None = None


def _for_checks(data: bytes, name: str, fmt: Format, specialty: str) -> DecodedImage:
    """A photo decoded for its checks: a JPEG at a reduced scale, but whole for a retinograph whose field is
    small in its frame (a phone through a fundus adapter), which its checks cut out of the full image: from the
    quarter-size decode its blur was not seen (judged « nette »)."""
    decoded = decode_photo(data, name=name, fmt=fmt, full=False)
    if decoded.reduced and is_retina(specialty) and small_field(decoded.rgb):
        return decode_photo(data, name=name, fmt=fmt, full=True)
    return decoded


def _closed(data: bytes) -> bytes | None:
    """A JPEG whose last scan's coded data runs to the end of the file, only its end marker (FF D9) missing,
    with that marker added, when its image was whole before it: every viewer shows such a file whole (a
    camera's, a gallery's or a copy's that stopped two bytes short), and it was refused as damaged, again
    once copied from the device. ``None`` for a photo cut short (its decoder still wanting data where the
    file ends), refused as before, and for any file the marker does not mend."""
    closed = data + b"\xff\xd9"
    try:
        strip_jpeg(closed)
    except MalformedImage:
        return None
    from capture.decode import wants_more

    return None if wants_more(closed) else closed


def _read(data: bytes, *, name: str, specialty: str = "") -> _Read:
    if not data:
        raise messages.rejected("empty", name=name)
    if len(data) > MAX_BYTES:
        raise messages.rejected("too-big-file", name=name, mb=len(data) // 2**20, limit=MAX_BYTES // 2**20)
    fmt = sniff(data)
    if fmt is None:
        raise messages.rejected("unknown-format", name=name)
    if fmt == "dicom":
        # Imported lazily: pydicom's import is slow and most cases hold only photos.
        from capture.dicom import read_dicom

        return _Read(fmt, data, dicom=read_dicom(data, name=name, specialty=specialty))
    # A broken colour profile goes before anything reads the file: it made the photo refused as damaged,
    # or reach the expert with a profile no viewer reads. Its colours are then taken as sRGB, and said so.
    data, profile_dropped = without_broken_profile(data, fmt)
    if fmt == "jpeg":
        # Stripping first also proves the file is whole: a truncated scan has no end marker (a whole one
        # lacking only that marker is closed, see _closed).
        try:
            stripped = strip_jpeg(data)
        except MalformedImage as exc:
            closed = _closed(data)
            if closed is None:
                raise messages.rejected("damaged", name=name) from exc
            data, stripped = closed, strip_jpeg(closed)
        probe = _for_checks(data, name, fmt, specialty)
        # A CMYK JPEG is written again in RGB: as it came, many viewers show it in wrong colours.
        if probe.facts.orientation == 1 and probe.halved_from is None and not probe.cmyk:
            return _Read(fmt, data, profile_dropped, probe, kept=stripped)
        return _Read(fmt, data, profile_dropped, decode_photo(data, name=name, fmt=fmt, full=True))
    decoded = decode_photo(data, name=name, fmt=fmt, full=True)
    if fmt == "png" and decoded.facts.orientation == 1 and not decoded.flattened:
        try:
            stripped = strip_png(data)
        except MalformedImage as exc:
            raise messages.rejected("damaged", name=name) from exc
        return _Read(fmt, data, profile_dropped, decoded, kept=stripped)
    return _Read(fmt, data, profile_dropped, decoded)


def prepare_image_bytes(
    data: bytes, *, filename: str, specialty: str, patient: Patient | None = None, site_system: str = ""
) -> PreparedImage:
    """Run an imported image (JPEG, PNG, TIFF, HEIC, WebP, BMP, JPEG 2000, GIF, PPM/PGM or DICOM) through the pipeline.

    The format is read from the bytes, not from ``filename`` (used only in messages, without
    its folder). ``patient`` replaces the patient tags of a DICOM file. ``site_system``: the site's
    patient-id system (``Requester.patient_id_system``), which a worklist may write as the issuer of the
    patient's file number (``capture.dicom.device_patient``). Raises
    :class:`app.errors.ImageRejected` for anything that cannot be used.
    """
    name = pathlib.PurePath(filename).name or "image"
    read = _read(data, name=name, specialty=specialty)
    if read.dicom is not None:
        prepared = _prepare_dicom(read.dicom, name=name, specialty=specialty, patient=patient, site_system=site_system)
        return replace(prepared, source_sha1=sha1_b64(data))
    decoded, fmt, dropped = read.decoded, read.fmt, read.profile_dropped
    assert decoded is not None  # (a photo: decoded by _read)
    modality = "OP" if specialty == "ophthalmology" else "XC"
    if read.kept is not None:  # an upright JPEG or PNG, kept as it came minus its metadata
        return _prepared(decoded, read.kept, f"image/{fmt}", specialty, modality, dropped)
    if _new_type(fmt, decoded) == "image/png":  # (written again from its pixels: _new_type says why)
        return _prepared(decoded, encode_png(decoded.rgb, decoded.icc), "image/png", specialty, modality, dropped)
    return _prepared(decoded, encode_jpeg(decoded.rgb, decoded.icc), "image/jpeg", specialty, modality, dropped)


def prepare_frame(frame_bgr: Image8, *, specialty: str, device: str = "", checked: bool = True) -> PreparedImage:
    """A camera still (BGR, full resolution) as a JPEG with its findings and thumbnail.

    ``checked=False`` leaves the quality checks (:func:`capture.quality.check_quality` on the same
    frame, ``order="bgr"``) to the caller, who may run them alongside the encoding and storing."""
    if frame_bgr.ndim != 3 or frame_bgr.shape[2] != 3 or frame_bgr.dtype != np.uint8:
        raise ValueError("a camera frame is an H×W×3 8-bit BGR array")
    ok, encoded = cv2.imencode(".jpg", frame_bgr, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise ValueError("OpenCV could not encode the frame")
    height, width = frame_bgr.shape[:2]
    return PreparedImage(
        data=encoded.tobytes(),
        content_type="image/jpeg",
        width=width,
        height=height,
        thumbnail=thumbnail(frame_bgr, order="bgr"),
        quality=check_quality(frame_bgr, specialty=specialty, order="bgr", side_for_eye=side_tells_eye(device))
        if checked
        else [],
        modality="OP" if specialty == "ophthalmology" else "XC",
        captured_at=iso(utc_now()),
        device=device[:64],
    )


def _prepared(
    decoded: DecodedImage, data: bytes, content_type: str, specialty: str, modality: str, profile_dropped: bool
) -> PreparedImage:
    findings = check_quality(
        decoded.rgb,
        specialty=specialty,
        full_size=(decoded.width, decoded.height),
        side_for_eye=side_tells_eye(decoded.facts.device),
    )
    if profile_dropped or decoded.profile_dropped:
        findings.append(QualityFinding.said("colour-profile", "ok", "colour-profile.dropped"))
    if decoded.halved_from is not None:
        # Said where the verdicts are read: the nurse who set the phone to 108 Mpx sees why the image
        # is smaller than the file, and that nothing the expert needs was lost.
        was = round(decoded.halved_from[0] * decoded.halved_from[1] / 1e6)
        kept = round(decoded.width * decoded.height / 1e6)
        findings.append(QualityFinding.said("resolution-kept", "ok", "halved", was=was, kept=kept))
    compressed = compression_finding(decoded.jpeg_quality)
    if compressed is not None:
        findings.append(compressed)
    if decoded.pages_unread:  # (how many images the file holds is not known: a later one is damaged)
        findings.append(QualityFinding.said("pages", "warning", "pages.unreadable", None, None))
    elif decoded.pages > 1:
        findings.append(QualityFinding.said("pages", "warning", "pages", float(decoded.pages), n=decoded.pages))
    return PreparedImage(
        data=data,
        content_type=content_type,
        width=decoded.width,
        height=decoded.height,
        thumbnail=thumbnail(decoded.rgb),
        quality=findings,
        modality=modality,
        captured_at=decoded.facts.captured_at,
        device=decoded.facts.device,
    )


def _prepare_dicom(
    image: DicomImage, *, name: str, specialty: str, patient: Patient | None, site_system: str
) -> PreparedImage:
    from capture.dicom import device_patient, recorded_for_another, rewrite_dicom

    modality = "OP" if specialty == "ophthalmology" or image.modality == "OP" else "XC"
    checks_as = "ophthalmology" if modality == "OP" else specialty
    height, width = image.rgb.shape[:2]
    # A retinograph's own DICOM (ophthalmic photography) is upright; another's is judged by its device.
    upright = image.modality == "OP" or side_tells_eye(image.device)
    findings = check_quality(image.rgb, specialty=checks_as, recorded=True, side_for_eye=upright)
    if recorded_for_another(image.dataset, patient):
        # Said before its header is replaced with the case's patient: an image of the device's previous
        # patient (or another patient's export) must not go silently under this one's name.
        findings.append(QualityFinding.said(OTHER_PATIENT_CHECK, "warning", "patient.other"))
    if image.eye is not None:
        # Kept as a fact of its own: the image's eye is a label the case may set otherwise (a retake, a
        # case file), and its header is restamped with the case's eye when it is sent.
        findings.append(QualityFinding.said(DEVICE_EYE_CHECK, "ok", f"{DEVICE_EYE_CHECK}.{image.eye}"))
    elif image.both_eyes:
        # B: an image of the two eyes (a report, a composite). Filed under one eye, the header sent would
        # say that eye alone; each eye's own image is what the expert needs.
        findings.append(QualityFinding.said(DEVICE_EYE_CHECK, "warning", f"{DEVICE_EYE_CHECK}.both-eyes"))
    elif image.eyes_disagree:
        # R for the image, L for its series (or the reverse): one is wrong, and the image is filed under
        # no eye rather than the first one read; the nurse chooses, looking at the image.
        findings.append(QualityFinding.said(DEVICE_EYE_CHECK, "warning", f"{DEVICE_EYE_CHECK}.both"))
    return PreparedImage(
        data=rewrite_dicom(image.dataset, patient, name=name),
        content_type="application/dicom",
        width=width,
        height=height,
        thumbnail=thumbnail(image.rgb),
        quality=findings,
        modality=modality,
        eye=image.eye,
        view=image.view,
        captured_at=image.captured_at,
        device=image.device,
        device_patient=device_patient(image.dataset, site_system),
    )


def rotate_stored(data: bytes, *, quarter_turns: int, specialty: str, findings: list[QualityFinding]) -> PreparedImage:
    """A stored photo turned by ``quarter_turns`` quarter turns, anticlockwise (1: to the left, -1: to
    the right), with its thumbnail and its quality checks run again (a face the cascades could not see
    sideways is found upright). ``findings`` are the image's own: the notes about its file are kept.

    A PNG is turned losslessly, in its own pixel format and colour profile; a JPEG is decoded, turned
    and encoded once at :data:`ROTATED_JPEG_QUALITY` with its colour profile (and its chroma resolution,
    when full). A DICOM is refused: its pixel data and its header would have to be rewritten together.
    """
    fmt = sniff(data)
    if fmt == "dicom":
        raise messages.rejected("rotate-dicom")
    if fmt not in ("jpeg", "png"):  # what the pipeline stores is one of those (HEIC and TIFF are converted)
        raise messages.rejected("unknown-format", name="image")
    turns = quarter_turns % 4
    if fmt == "png":
        turned = _turned_png(data, turns)
        decoded = decode_photo(turned, name="image", fmt="png", full=True)
        rgb = decoded.rgb
    else:
        decoded = decode_photo(data, name="image", fmt="jpeg", full=True)
        rgb = np.ascontiguousarray(np.rot90(decoded.rgb, turns))
        turned = encode_jpeg(rgb, decoded.icc, ROTATED_JPEG_QUALITY, full_chroma=_full_chroma(data))
    height, width = rgb.shape[:2]
    # An image whose disc was told for no eye (it may be inverted) stays so: a turn does not say which way
    # round it was taken.
    for_eye = not any(f.check == DISC_SIDE_CHECK and (f.key or "").endswith(".unclaimed") for f in findings)
    checked = check_quality(rgb, specialty=specialty, full_size=(width, height), side_for_eye=for_eye)
    return PreparedImage(
        data=turned,
        content_type="image/png" if fmt == "png" else "image/jpeg",
        width=width,
        height=height,
        thumbnail=thumbnail(rgb),
        quality=checked + [finding for finding in findings if finding.check in _FILE_NOTES],
    )


#: Findings about a DICOM's header (the device's patient, its eye), kept when its pixels are checked again.
_HEADER_NOTES = frozenset({OTHER_PATIENT_CHECK, DEVICE_EYE_CHECK})


def modality_for(specialty: str) -> str:
    """The modality of an image taken or imported into a case of ``specialty`` (a device's own
    ophthalmic DICOM stays « OP » whatever the case)."""
    return "OP" if specialty == "ophthalmology" else "XC"


def recheck_stored(
    data: bytes, *, specialty: str, findings: list[QualityFinding], device: str = ""
) -> tuple[list[QualityFinding], str]:
    """A stored image's checks made again for ``specialty`` (its case's specialty was changed): its
    findings and modality as an import into a case of that specialty would give them. The notes about
    its file, and a DICOM's about its header, are kept; its pixels and bytes are not changed."""
    fmt = sniff(data)
    if fmt == "dicom":
        from capture.dicom import read_dicom

        image = read_dicom(data, name="image", specialty=specialty)
        modality = "OP" if specialty == "ophthalmology" or image.modality == "OP" else "XC"
        upright = image.modality == "OP" or side_tells_eye(image.device or device)
        checked = check_quality(
            image.rgb, specialty="ophthalmology" if modality == "OP" else specialty, recorded=True, side_for_eye=upright
        )
        kept = _FILE_NOTES | _HEADER_NOTES
    elif fmt in ("jpeg", "png"):  # what the pipeline stores besides DICOM (HEIC and TIFF are converted)
        decoded = _for_checks(data, "image", fmt, specialty)  # (as on import)
        modality = modality_for(specialty)
        # An image whose disc was told for no eye stays so, as on a turn.
        for_eye = side_tells_eye(device) and not any(
            f.check == DISC_SIDE_CHECK and (f.key or "").endswith(".unclaimed") for f in findings
        )
        checked = check_quality(
            decoded.rgb, specialty=specialty, full_size=(decoded.width, decoded.height), side_for_eye=for_eye
        )
        kept = _FILE_NOTES
    else:
        raise messages.rejected("unknown-format", name="image")
    return checked + [finding for finding in findings if finding.check in kept], modality


_TRANSPOSE = {1: Image.Transpose.ROTATE_90, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_270}


def _turned_png(data: bytes, turns: int) -> bytes:
    """A PNG turned without loss: the same pixel format (16 bits, grey, palette) and transparency, and
    the chunks that say what its colours mean copied as they were (the density's axes swapped)."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        turned = image.transpose(_TRANSPOSE[turns]) if turns else image.copy()
        options: dict[str, object] = {"compress_level": 6}
        if "transparency" in image.info:
            options["transparency"] = image.info["transparency"]
    buffer = io.BytesIO()
    turned.save(buffer, "PNG", **options)
    written = _png_chunks(buffer.getvalue())
    colour = [(kind, payload) for kind, payload in _png_chunks(data) if kind in _PNG_COLOUR]
    if turns % 2:
        colour = [
            (kind, payload[4:8] + payload[:4] + payload[8:] if kind == b"pHYs" else payload) for kind, payload in colour
        ]
    chunks = written[:1] + colour + [chunk for chunk in written[1:] if chunk[0] not in _PNG_COLOUR]
    return data[:8] + b"".join(png_chunk(kind, payload) for kind, payload in chunks)


#: A PNG's chunks about its colours and density, which a turn keeps (they come before PLTE and IDAT).
_PNG_COLOUR = frozenset({b"iCCP", b"sRGB", b"gAMA", b"cHRM", b"sBIT", b"pHYs", b"cICP", b"mDCV", b"cLLI"})


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The chunks of a whole PNG (its type, its payload), in order."""
    chunks = []
    pos = 8
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
        if kind == b"IEND":
            break
    return chunks


def _full_chroma(data: bytes) -> bool:
    """Whether a JPEG keeps its colours at full resolution (4:4:4): a turn keeps them so."""
    from PIL import JpegImagePlugin

    with Image.open(io.BytesIO(data)) as image:
        return isinstance(image, JpegImagePlugin.JpegImageFile) and JpegImagePlugin.get_sampling(image) == 0


def thumbnail(image: Image8, *, order: str = "rgb", long_side: int = THUMBNAIL_LONG_SIDE) -> bytes:
    """A small JPEG of ``image`` for lists and previews."""
    height, width = image.shape[:2]
    scale = min(1.0, long_side / max(height, width))
    small = image if scale >= 1.0 else reduced(image, (max(1, round(width * scale)), max(1, round(height * scale))))
    bgr = small if order == "bgr" else np.ascontiguousarray(small[:, :, ::-1])
    ok, encoded = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        raise ValueError("OpenCV could not encode the thumbnail")
    return bytes(encoded.tobytes())


def encode_jpeg(
    rgb: Image8, icc: bytes | None = None, quality: int = JPEG_QUALITY, *, full_chroma: bool = False
) -> bytes:
    """``rgb`` as a new JPEG, carrying the colour profile and nothing else (``full_chroma``: 4:4:4)."""
    buffer = io.BytesIO()
    options: dict[str, object] = {"quality": quality, "optimize": True}
    if full_chroma:
        options["subsampling"] = 0
    if icc:
        options["icc_profile"] = icc
    _pillow_rgb(rgb).save(buffer, "JPEG", **options)
    return buffer.getvalue()


#: Rows of a turned view copied at a time into the image to encode (about 4 MB each).
_BAND_BYTES = 4 * 2**20


def _pillow_rgb(rgb: Image8) -> Image.Image:
    """``rgb`` as a Pillow image to encode. A turned or mirrored view (an upright photo) is copied band by
    band: Pillow would first make a whole contiguous copy of it, one more image at the import's peak."""
    if rgb.flags.c_contiguous:
        return Image.fromarray(rgb, "RGB")
    height, width = rgb.shape[:2]
    image = Image.new("RGB", (width, height))
    rows = max(1, _BAND_BYTES // (3 * width))
    for top in range(0, height, rows):
        image.paste(Image.fromarray(np.ascontiguousarray(rgb[top : top + rows]), "RGB"), (0, top))
    return image


def encode_png(rgb: Image8, icc: bytes | None = None) -> bytes:
    """``rgb`` as a lossless PNG, carrying the colour profile and nothing else."""
    buffer = io.BytesIO()
    options: dict[str, object] = {"compress_level": 6}
    if icc:
        options["icc_profile"] = icc
    _pillow_rgb(rgb).save(buffer, "PNG", **options)
    return buffer.getvalue()
