"""Reduced copies of a case's images, for a link too slow for the originals.

The user chooses it per case (``teleavis case send ID --reduced``, or the window's "Envoyer des
copies réduites"). Each photo then goes as a copy whose longest side is at most 3000 px, in JPEG
of quality 90; the originals stay in the store untouched, for a later send. The expert sees it: the
Media of a reduced image says "copie réduite" in its title and in a note, and carries the copy's
own size, hash, type and dimensions (the platform checks them against the Binary).

DICOM images are never reduced (their header is part of them), and neither is a photo whose copy
would not be smaller. A DICOM may still go as a copy, not reduced: its header restamped with the
patient as the case names them at sending, and the image's eye as the case says it
(:func:`capture.dicom.restamp_dicom`); its Media then
carries the copy's size and hash, and nothing else changes.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from typing import Any

from PIL import Image

from app import messages as M
from app.i18n import decimal_words
from app.model import Patient
from app.store import sha1_b64
from sync.mapping import PLATFORM_LANGUAGE, platform_words

LONGEST_SIDE = 3000
#: What may be reduced: photos. A DICOM file's header is part of it.
PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})
JPEG_QUALITY = 90

M.add(
    {
        "reduced.title": {"fr": "copie réduite", "en": "reduced copy"},
        "reduced.note": {
            "fr": "Copie réduite ({width} × {height} px, JPEG qualité {quality}) envoyée par une liaison "
            "lente ; l'original ({original}) est conservé par le demandeur et peut être envoyé "
            "sur demande.",
            "en": "Reduced copy ({width} × {height} px, JPEG quality {quality}) sent over a slow link; the "
            "original ({original}) is kept by the requester and can be sent on request.",
        },
        "reduced.note_unsized": {
            "fr": "Copie réduite (JPEG qualité {quality}) envoyée par une liaison lente ; l'original ({original}) "
            "est conservé par le demandeur et peut être envoyé sur demande.",
            "en": "Reduced copy (JPEG quality {quality}) sent over a slow link; the original ({original}) is kept "
            "by the requester and can be sent on request.",
        },
        "reduced.megabytes": {"fr": "{mb} Mo", "en": "{mb} MB"},
    }
)


@dataclass(frozen=True)
class CopySent:
    """What was sent in place of an original: the facts its Media must carry."""

    content_type: str
    size: int
    sha1: str  # base64, as Media.content.hash
    width: int
    height: int
    reduced: bool = True  # False: the same pixels, another header (a DICOM restamped)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> CopySent:
        return cls(
            str(value["content_type"]),
            int(value["size"]),
            str(value["sha1"]),
            int(value["width"]),
            int(value["height"]),
            bool(value.get("reduced", True)),
        )


def reduced_copy(data: bytes, content_type: str) -> tuple[bytes, CopySent] | None:
    """The reduced copy of a photo and its facts; None when it is not to be reduced."""
    if content_type not in PHOTO_TYPES:
        return None
    # Imported here: numpy is not needed until a case goes reduced.
    from capture.importer import to_rgb_array
    from capture.metadata import icc_profile

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        icc = icc_profile(image)
        # 16-bit greys scaled (a plain convert clipped them to white), transparency on white.
        copy = Image.fromarray(to_rgb_array(image))
    if max(copy.size) > LONGEST_SIDE:
        copy.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # Its colour profile goes with it (Display P3, Adobe RGB: without it the colours shift).
    copy.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, **({"icc_profile": icc} if icc else {}))
    reduced = out.getvalue()
    if len(reduced) >= len(data):
        return None
    return reduced, CopySent("image/jpeg", len(reduced), sha1_b64(reduced), copy.width, copy.height)


def estimated_copy_size(size: int, width: int, height: int, content_type: str) -> int:
    """What a stored image of ``size`` bytes will weigh as sent reduced, before its copy is made (the progress
    counts it): its pixels kept (longest side brought to ``LONGEST_SIDE``), the bytes in proportion; a photo
    already under that side, or not a photo, as it is (its copy is not always smaller)."""
    longest = max(width, height)
    if content_type not in PHOTO_TYPES or longest <= LONGEST_SIDE:
        return size
    return max(1, round(size * (LONGEST_SIDE / longest) ** 2))


def copy_to_send(
    data: bytes,
    content_type: str,
    width: int,
    height: int,
    patient: Patient,
    *,
    reduced: bool,
    training: bool = False,
    eye: str | None = None,
) -> tuple[bytes, CopySent] | None:
    """What goes in place of a stored image, with its facts; None when the stored bytes go.

    A DICOM whose header does not name the case's patient as it stands now, or the image's ``eye`` as
    the case says it, goes restamped; a photo goes reduced when the case is sent reduced. ``training``:
    the INS in a DICOM's header is issued as a fictitious test patient's, as the Patient sent with it."""
    if content_type == "application/dicom":
        # Imported here: pydicom's import is slow, and most cases hold only photos.
        from capture.dicom import restamp_dicom

        stamped = restamp_dicom(data, patient, training=training, eye=eye)
        if stamped == data:
            return None
        return stamped, CopySent(content_type, len(stamped), sha1_b64(stamped), width, height, reduced=False)
    return reduced_copy(data, content_type) if reduced else None


def mark_copies(
    bundle: dict[str, Any], media_entries: dict[str, int], copies: dict[str, CopySent], original_sizes: dict[str, int]
) -> None:
    """Make each Media of an image sent as a copy describe the copy, and say so when it is reduced."""
    for image_id, copy in copies.items():
        index = media_entries.get(image_id)
        if index is None:
            continue
        media = bundle["entry"][index]["resource"]
        content = media["content"]
        content.update({"contentType": copy.content_type, "size": copy.size, "hash": copy.sha1})
        if not copy.reduced:
            continue
        # In the platform's language, French, whatever the window's (found in review: « reduced copy »).
        content["title"] = f"{content.get('title', '')} — {platform_words('reduced.title')}".lstrip(" —")
        original = original_sizes.get(image_id, 0)
        megabytes = decimal_words(original / 1e6, lang=PLATFORM_LANGUAGE)
        words = {
            "quality": JPEG_QUALITY,
            "original": platform_words("reduced.megabytes", mb=megabytes) if original else "?",
        }
        if copy.width > 0 and copy.height > 0:
            media["width"], media["height"] = copy.width, copy.height
            note = platform_words("reduced.note", width=copy.width, height=copy.height, **words)
        else:
            # A copy recorded with no size (0 × 0: by an older release): its Media says none rather than the
            # original's, which are not the copy's (found in review: 0 went in, a positiveInt; the bundle refused
            # at every try as « erreur interne », the case never leaving, nothing the nurse or support could do).
            media.pop("width", None)
            media.pop("height", None)
            note = platform_words("reduced.note_unsized", **words)
        media.setdefault("note", []).append({"text": note})
