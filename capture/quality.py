"""Quality checks that catch an unusable image while the patient is still in the room.

All measures run on a copy downscaled to about 1000 px on the long side (docs/architecture.md, "Image quality") and
are normalised so that they mean the same on any camera and any skin:

- sharpness: the blur of the strong edges, in pixels (:func:`edge_blur`). It is a ratio of
  gradients, so it does not depend on contrast or on how much texture the skin has, unlike the
  raw variance of the Laplacian, which varies a hundredfold between a hairy forearm and a cheek.
  A photo blurred as a whole but sharp in its middle is sharp (:func:`photo_blur`): a close-up.
- exposure: mean luminance and the shares of clipped highlights and crushed shadows.
- colour cast: the colour of the highlights (what should be white takes the light's colour), the
  mean colour of a close-up of skin, the colour of the optic disc (:func:`colour_cast_cues`).
- resolution: the full image size against 800×600 / 1024×768; a retinograph's field narrower than its frame,
  its diameter against 600 / 768 px (the frames' short sides).
- retinographs (:mod:`capture.retina`): field of view, vessel contrast, edge shading, and where
  the optic disc lies (a fact the checklist compares with the eye chosen).
- dermatology: a visible face (:mod:`capture.faces`).

Thresholds were set on the labelled set of ``tests/capture`` (synthetic scenes; the suite prints
the confusion matrix) and checked on the few real, rights-free photographs of
``tests/fixtures/real``: a real retinograph passes, its blurred, dark, bright and half-field copies
are caught, a real face is seen. Colour casts are tuned on half of a labelled colour set (synthetic
skin, scenes, fundi, wounds on blue and green drapes, and the real photographs of
``tests/fixtures``) and checked on the other half; warm casts on skin stay out of reach (skin's
own hues are warm), and a run on a public dataset of clinical photographs is what will tell more.

A change here (or in :mod:`capture.retina`, :mod:`capture.faces`) that may give an image another verdict raises
``app.model.CHECKS_VERSION`` by one: the drafts' images judged by the checks before are then checked again
(:mod:`capture.rechecks`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from app.model import DISC_SIDE_CHECK, Level, QualityFinding
from capture import faces
from capture.cv import cv2
from capture.retina import (
    RED_FREE_SHARE,
    FieldOfView,
    OpticDisc,
    edge_uniformity,
    find_disc,
    find_field,
    inner_mask,
    vessel_contrast,
)

Image8 = npt.NDArray[np.uint8]
ANALYSIS_LONG_SIDE = 1000
#: A retinograph's field narrower than this share of its frame's long side (a phone through a fundus adapter,
#: a handheld's wide black surround; a fundus camera's 4:3 or 3:2 frame holds one of 0.65 to 0.8) is analysed
#: cut out of its frame (:func:`_around_the_field`), so that it spans :data:`FIELD_SHARE` of the copy as a
#: fundus camera's does: reduced with its black, its blur shrank below what the thresholds see.
SMALL_FIELD_SHARE = 0.6
FIELD_SHARE = 0.75

# --- thresholds (see the module docstring for what each measure is) --------------------------
SHARPNESS_WARNING, SHARPNESS_BLOCKING = 1.3, 2.2  # edge blur σ, pixels at 1000 px
# Fundus cameras resolve less than phone cameras: good real retinographs have softer vessel edges.
RETINA_SHARPNESS_WARNING, RETINA_SHARPNESS_BLOCKING = 1.5, 2.4
#: Below this directional balance of the gradients, the blur is taken as motion and weighs more.
ISOTROPY_FULL = 0.75
# Under-exposure: a dark mean alone would flag every well-exposed photo of dark skin, so the
# brightest percent (highlights, ruler, background) must be dark too.
DARK_WARNING, DARK_BLOCKING = 35.0, 22.0  # mean luminance, photographs
DIM_MEAN, DIM_TOP = 60.0, 100.0  # mean below and 99th percentile below: warning
TOP_BLOCKING = 45.0
BRIGHT_WARNING, BRIGHT_BLOCKING = 205.0, 232.0
CLIPPED_WARNING, CLIPPED_BLOCKING = 0.12, 0.40  # share of luminance ≥ 250
RETINA_DARK_WARNING, RETINA_DARK_BLOCKING = 32.0, 16.0
RETINA_DIM_MEAN, RETINA_DIM_TOP = 55.0, 90.0  # the disc is the highlight of a fundus
RETINA_TOP_BLOCKING = 45.0
RETINA_BRIGHT_WARNING, RETINA_BRIGHT_BLOCKING = 175.0, 215.0
MIN_PIXELS_BLOCKING = 800 * 600
MIN_PIXELS_WARNING = 1024 * 768
#: A retinograph's field cut out of its frame (:func:`small_field`) is judged for its resolution by its own
#: diameter in the image's pixels, against the short side of the frame's floors (800×600 blocks, 1024×768 is
#: advised): a fundus camera's field spans its frame's short side, so that is the retina such a frame gives.
#: (The screening standards the checks follow give no floor for the field itself.)
FIELD_DIAMETER_BLOCKING, FIELD_DIAMETER_WARNING = 600, 768
FIELD_WARNING, FIELD_BLOCKING = 0.75, 0.50  # share of the field visible (NHS: three quarters)
VESSELS_WARNING, VESSELS_BLOCKING = 0.085, 0.05
UNIFORMITY_WARNING = 0.30
#: The optic disc lies on one side of the image when its centre is at least this far from the field's
#: centre (in field radii): a macula-centred 45° field puts it near 0.5, a disc-centred one near 0.
DISC_SIDE = 0.25
#: A JPEG whose quality (libjpeg's 1–100 scale, estimated from its quantisation tables) is below this was
#: compressed hard, as messaging apps do: its 8×8 blocks smear fine detail (a border, a small vessel).
#: Cameras and phones write 70 to 97, and a photo sent as a document keeps that.
JPEG_QUALITY_WARNING = 50

#: libjpeg's (IJG's) standard luminance quantisation table, in natural (row by row) order, as Pillow gives
#: ``Image.quantization``; quality q scales it by 5000 / q below 50, by 200 − 2q from 50 (its ``jpeg_quality_scaling``).
_IJG_LUMINANCE = np.array(
    [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ],
    dtype=np.float64,
)  # fmt: skip
_IJG_SCALES = np.array([5000.0 / q if q < 50 else 200.0 - 2.0 * q for q in range(1, 101)])
#: The luminance table libjpeg writes at each quality 1..100 (baseline: each value 1..255).
_IJG_TABLES = np.clip(np.floor((_IJG_LUMINANCE[None, :] * _IJG_SCALES[:, None] + 50.0) / 100.0), 1.0, 255.0)


def is_retina(specialty: str) -> bool:
    """Whether images of this specialty are checked as retinographs."""
    return specialty == "ophthalmology"


def analysis_copy(image: Image8, long_side: int = ANALYSIS_LONG_SIDE) -> Image8:
    """``image`` reduced to about ``long_side`` pixels on its long side (never enlarged)."""
    height, width = image.shape[:2]
    scale = long_side / max(height, width)
    if scale >= 1.0:
        return np.ascontiguousarray(image)
    return reduced(image, (max(1, round(width * scale)), max(1, round(height * scale))))


def reduced(image: Image8, size: tuple[int, int]) -> Image8:
    """``image`` (H×W×3) reduced to ``size`` (width, height) by area averaging. An upright photo may be a
    turned or mirrored view of its decoded pixels (:func:`capture.importer.upright`): OpenCV would first
    copy all of it into a new image, so the pixels are reduced as they lie in memory and the small copy
    is turned instead."""
    view, transposed, flip_rows, flip_cols = image, False, False, False
    if not image.flags.c_contiguous:
        if abs(view.strides[0]) < abs(view.strides[1]):
            view, transposed = view.transpose(1, 0, 2), True
        if view.strides[0] < 0:
            view, flip_rows = view[::-1], True
        if view.strides[1] < 0:
            view, flip_cols = view[:, ::-1], True
        if not view.flags.c_contiguous:  # a view of another kind (a crop): OpenCV copies it
            view, transposed, flip_rows, flip_cols = image, False, False, False
    width, height = size
    small = np.asarray(
        cv2.resize(view, (height, width) if transposed else (width, height), interpolation=cv2.INTER_AREA),
        dtype=np.uint8,
    )
    if flip_cols:
        small = small[:, ::-1]
    if flip_rows:
        small = small[::-1]
    if transposed:
        small = small.transpose(1, 0, 2)
    return np.ascontiguousarray(small)


#: Fundus cameras, by the make and model their files name (or a camera's name): their images are upright,
#: as the examiner sees the fundus, and the disc's side says the eye.
_FUNDUS_CAMERAS = re.compile(
    r"topcon|nidek|kowa|optos|centervue|icare|eidon|crystalvue|optomed|smartscope|welch ?allyn|retinavue|"
    r"pictor|heidelberg|spectralis|visucam|clarus|zeiss meditec|forus|3nethra|\bcr-?\d|\bcr-dgi|\bcx-1\b",
    re.IGNORECASE,
)
#: Phones and general cameras (and the lens makers of phone adapters): a fundus they photograph is often
#: seen through an indirect ophthalmoscope's lens (20 D, 28 D, or an adapter built on one), which turns it
#: half a turn, so that its disc lies on the other eye's side.
_MAY_INVERT = re.compile(
    r"\b(apple|iphone|ipad|samsung|sm-[a-z]\d+|google|pixel|xiaomi|redmi|poco|huawei|honor|oneplus|oppo|vivo|"
    r"realme|motorola|moto|hmd|nokia|sony|xperia|lg|lge|fairphone|nothing|zte|asus|wiko|lenovo|nikon|olympus|"
    r"om digital|fujifilm|panasonic|pentax|ricoh|leica|gopro|dji|kodak|casio|sigma|hasselblad|canon|keeler|"
    r"volk|inview|d-eye)\b",
    re.IGNORECASE,
)


def side_tells_eye(device: str) -> bool:
    """Whether the optic disc's side of an image from ``device`` (its EXIF make and model, a camera's name)
    may be claimed for an eye: not when it names a phone or a general camera that is no fundus camera,
    whose image may be inverted. A file naming no device (as a fundus camera's software exports it) is
    taken as upright, as before."""
    return bool(_FUNDUS_CAMERAS.search(device)) or not _MAY_INVERT.search(device)


def check_quality(
    image: Image8,
    *,
    specialty: str,
    order: Literal["rgb", "bgr"] = "rgb",
    full_size: tuple[int, int] | None = None,
    recorded: bool = False,
    side_for_eye: bool = True,
) -> list[QualityFinding]:
    """Every quality finding for one image (H×W×3, 8 bits).

    ``order`` says whether the channels are RGB (imports) or BGR (OpenCV camera frames).
    ``full_size`` is the (width, height) of the original when ``image`` is already a reduced
    copy, so the resolution check judges the real image. Retinographs are checked when the
    specialty is ophthalmology. ``recorded``: the image is the device's own record of the shot (a
    DICOM file), not an export that may have been reduced. ``side_for_eye``: the optic disc's side may be
    claimed for an eye (:func:`side_tells_eye`); else it is told without naming one.
    """
    height, width = image.shape[:2]
    full_w, full_h = full_size or (width, height)
    small = _rgb(analysis_copy(image), order)
    field = _small_field(small) if is_retina(specialty) else None
    diameter = None
    if field is not None:
        diameter = round(2 * field.radius * max(full_w, full_h) / max(small.shape[:2]))
        small = _cut_around(image, small, field, order)
    findings = [_resolution(full_w, full_h, retina=is_retina(specialty), recorded=recorded, field=diameter)]
    if is_retina(specialty):
        findings += _retina_findings(small, side_for_eye=side_for_eye)
    else:
        luma = np.asarray(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
        blank = _blank(luma)
        document = not blank and flat_share(small) >= DOCUMENT_FLAT_SHARE
        findings.append(_sharpness(photo_blur(luma), retina=False, blank=blank))
        exposure = _exposure(luma, None, retina=False)
        if document and exposure.level != "ok":
            # A screenshot's white or black background is no burnt or dark photo: a camera's advice (the
            # flash, the room's light) means nothing for it. The document finding says what to check.
            exposure = QualityFinding.said("exposure", "ok", "exposure.document", exposure.measure, None)
        findings.append(exposure)
        if blank:  # a grey nothing is not a camera set to black and white: no advice on its colours
            findings.append(QualityFinding.said("colour-cast", "ok", "colour-cast.blank", None, None))
        elif document:
            # A screenshot's or a scanned page's colours are not a camera's setting (« noir et blanc »), nor
            # a lamp's: the document finding says what to check.
            findings.append(QualityFinding.said("colour-cast", "ok", "colour-cast.document", None, None))
        elif exposure.key == "exposure.dark.blocking":
            # A few levels above black carry no colour to judge: « noir et blanc » or a cast said of them
            # sent the nurse to the camera's settings; the exposure finding says what to do.
            findings.append(QualityFinding.said("colour-cast", "ok", "colour-cast.dark", None, None))
        else:
            findings.append(colour_finding(small, specialty=specialty))  # small: no second reduction
        if document:
            findings.append(QualityFinding.said("document", "warning", "document.warning", None, None))
        if faces.face_visible(luma):
            findings.append(QualityFinding.said("face", "warning", "face.warning", 1.0, None))
    return findings


def _rgb(small: Image8, order: Literal["rgb", "bgr"]) -> Image8:
    return np.ascontiguousarray(small[:, :, ::-1]) if order == "bgr" else small


def small_field(image: Image8) -> bool:
    """Whether a retinograph's field (RGB) is narrower than :data:`SMALL_FIELD_SHARE` of its frame: its checks
    then look at the full image (:func:`_around_the_field`), and a decode reduced for them would hide its blur."""
    return _small_field(analysis_copy(image)) is not None


def _small_field(small: Image8) -> FieldOfView | None:
    """The field of a retinograph's analysis copy (RGB) when it is narrower than :data:`SMALL_FIELD_SHARE` of
    the frame: a single round field on black, cut out for the checks and judged for its resolution by its own
    diameter (:func:`_resolution`). ``None`` for any other picture (a fundus camera's field, no field)."""
    fov = find_field(small)
    if fov is None or fov.second or not fov.looks_like_a_fundus():
        return None
    return fov if 2 * fov.radius < SMALL_FIELD_SHARE * max(small.shape[:2]) else None


def _around_the_field(image: Image8, small: Image8, order: Literal["rgb", "bgr"] = "rgb") -> Image8:
    """The analysis copy of a retinograph (``small``, RGB, reduced from ``image``), or, when its field is
    narrower than :data:`SMALL_FIELD_SHARE` of the frame and ``image`` has more pixels, a copy of ``image``
    cut around the field (black left around it, as a fundus camera's frame has) and reduced: the retina is
    then judged at the scale a fundus camera's is. Only a single round field on black is cut out."""
    fov = _small_field(small)
    return small if fov is None else _cut_around(image, small, fov, order)


def _cut_around(image: Image8, small: Image8, fov: FieldOfView, order: Literal["rgb", "bgr"] = "rgb") -> Image8:
    """:func:`_around_the_field` for the small field ``fov`` found in ``small``."""
    long_side = max(small.shape[:2])
    height, width = image.shape[:2]
    scale = max(height, width) / long_side
    if scale <= 1.0:  # (the image is the copy: no more pixels to look at)
        return small
    half = fov.radius / FIELD_SHARE * scale
    x0, x1 = max(0, round(fov.cx * scale - half)), min(width, round(fov.cx * scale + half))
    y0, y1 = max(0, round(fov.cy * scale - half)), min(height, round(fov.cy * scale + half))
    return _rgb(analysis_copy(image[y0:y1, x0:x1]), order)


def jpeg_quality(luminance: Sequence[int]) -> int | None:
    """The quality (1–100) libjpeg would have been given to write this luminance quantisation table (64
    values, natural order): the one whose table is nearest, step for step in proportion. Exact for files
    libjpeg wrote (most software, messaging apps); for a camera's own tables, the quality they match
    best. ``None`` for a table that is not 64 values."""
    if len(luminance) != 64:
        return None
    table = np.maximum(np.asarray(luminance, dtype=np.float64), 1.0)
    distance = np.abs(np.log(_IJG_TABLES) - np.log(table)[None, :]).mean(axis=1)
    return int(np.argmin(distance)) + 1


def compression_finding(quality: int | None) -> QualityFinding | None:
    """A warning for a JPEG compressed harder than :data:`JPEG_QUALITY_WARNING`, else nothing: the photo is
    kept (it may be all there is), and the nurse is told to send the camera's own file when she can."""
    if quality is None or quality >= JPEG_QUALITY_WARNING:
        return None
    return QualityFinding.said(
        "compression", "warning", "compression.warning", float(quality), float(JPEG_QUALITY_WARNING), quality=quality
    )


def colour_finding(image: Image8, *, specialty: str) -> QualityFinding:
    """The colour-cast finding alone, exactly as :func:`check_quality` makes it (RGB image)."""
    small = analysis_copy(image)
    if not is_retina(specialty):
        return _colour_cast(small, None, retina=False)
    small = _around_the_field(image, small)
    fov = find_field(small)
    if fov is None:
        return QualityFinding.said("colour-cast", "ok", "colour-cast.ok", 0.0, CAST_HIGHLIGHTS)
    inner = inner_mask(fov)
    luma = np.asarray(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    disc = find_disc(small, fov) if fov.looks_like_a_fundus() and not fov.second else None
    dark = _exposure_and_darkness(luma, inner, retina=True)[1]
    return _retina_colour(small, inner, dark=dark, disc=_disc_lights(disc))


def _retina_findings(small: Image8, *, side_for_eye: bool = True) -> list[QualityFinding]:
    luma = np.asarray(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    fov = find_field(small)
    if fov is None:
        return [
            QualityFinding.said("field-of-view", "blocking", "field-of-view.missing", 0.0, FIELD_BLOCKING),
            _exposure(luma, None, retina=True),
        ]
    inner = inner_mask(fov)
    field = _field(fov)
    if not fov.looks_like_a_fundus():
        # No black surround: a photo of something else (a wrong file, a skin photo in an eye case).
        # Said first, at least as a warning; the retina's checks still run, so that no verdict is
        # milder than it would be without this one.
        level: Level = "blocking" if field.level == "blocking" else "warning"
        field = QualityFinding.said("field-of-view", level, "field-of-view.not-fundus", sum(fov.lit_corners), 3)
    elif fov.second:
        # Both eyes (or two fields) in one image: the checks below judge one of them, and its disc's side
        # says nothing of the image's eye. Said at least as a warning; no eye is claimed.
        level = "blocking" if field.level == "blocking" else "warning"
        field = QualityFinding.said("field-of-view", level, "field-of-view.two", 2.0, None)
    exposure, dark = _exposure_and_darkness(luma, inner, retina=True, fundus=fov.looks_like_a_fundus())
    if _blank(luma):
        # One colour all over (a covered lens, a capture that failed): no retina to refocus on, no pupil
        # to dilate. Said to show nothing, and still blocked.
        return [
            field,
            QualityFinding.said("sharpness", "blocking", "sharpness.blank", NO_EDGES, RETINA_SHARPNESS_WARNING),
            exposure,
            QualityFinding.said("colour-cast", "ok", "colour-cast.blank", None, None),
            QualityFinding.said("gradability", "blocking", "gradability.blank", 0.0, None),
        ]
    disc = find_disc(small, fov) if fov.looks_like_a_fundus() and not fov.second else None
    findings = [
        field,
        # Vessels stand out best in the green channel.
        _sharpness(edge_blur(np.ascontiguousarray(small[:, :, 1]), inner), retina=True),
        exposure,
        _retina_colour(small, inner, dark=dark, disc=_disc_lights(disc)),
        _gradability(vessel_contrast(small, fov), edge_uniformity(luma.astype(np.float32), fov)),
    ]
    if disc is not None:
        findings.append(_disc_side(disc, for_eye=side_for_eye))
    return findings


#: A disc farther than this from the field's centre (in field radii) lies on its rim, half out of it: the
#: field's brightest part is then mostly retina (a macula-centred 45° field puts the disc near 0.5 to 0.65).
DISC_ON_RIM = 0.85


def _disc_lights(disc: OpticDisc | None) -> bool:
    """Whether the field's brightest part is its optic disc: one was found, not on the field's rim."""
    return disc is not None and math.hypot(disc.offset, disc.vertical) < DISC_ON_RIM


def _retina_colour(small: Image8, inner: npt.NDArray[np.bool_], *, dark: bool, disc: bool = True) -> QualityFinding:
    """The colour finding of a retinograph, knowing its exposure. An under-exposed fundus has no
    colour to judge: its disc loses its chroma (the red channel is low) and measures bluish, which
    is the flash's or the pupil's doing, never a lamp's; the exposure finding says what to do.
    ``disc``: its optic disc was found in the field, not on its rim (:func:`_disc_lights`)."""
    if dark:
        return QualityFinding.said("colour-cast", "ok", "colour-cast.dark-retina", None, None)
    return _colour_cast(small, inner, retina=True, disc=disc)


def _disc_side(disc: OpticDisc, *, for_eye: bool = True) -> QualityFinding:
    """Where the optic disc lies, as a fact (level ``ok``): its offset from the field's centre is the
    measure, signed (negative on the left of the image), and :data:`DISC_SIDE` the threshold beyond
    which it is on a side. The checklist compares it with the eye chosen (app/validation.py).

    Not ``for_eye`` (an image that may be inverted): a disc on a side is told with no threshold, which
    the checklist reads as no side to compare (``QualityFinding.disc_side``), and words that name no
    eye; its distance from the centre (the measure) still tells the field. A wrong eye claimed would
    send the expert's advice to the other eye: worse than nothing said."""
    side = "centre" if abs(disc.offset) < DISC_SIDE else "left" if disc.offset < 0 else "right"
    offset = round(disc.offset, 3)
    if side != "centre" and not for_eye:
        return QualityFinding.said(DISC_SIDE_CHECK, "ok", f"optic-disc.{side}.unclaimed", offset, None)
    return QualityFinding.said(DISC_SIDE_CHECK, "ok", f"optic-disc.{side}", offset, DISC_SIDE)


# --- measures --------------------------------------------------------------------------------


def edge_blur(luma: Image8, mask: npt.NDArray[np.bool_] | None = None) -> float:
    """Blur of the sharpest edges, as the Gaussian σ in pixels of the analysis copy (:func:`_edge_blur`)."""
    return _edge_blur(luma, mask)[0]


def _edge_blur(luma: Image8, mask: npt.NDArray[np.bool_] | None = None) -> tuple[float, int]:
    """Blur of the sharpest edges, as the Gaussian σ in pixels of the analysis copy, and in how many of
    the :data:`_DIRECTIONS` directions it was measured.

    At each strong edge the gradient is compared with the gradient after a known extra blur σr:
    their ratio R gives the edge's own blur, σ = σr / √(R² − 1) (Zhuo & Sim, 2011). The ratio
    does not depend on the edge's contrast, and noise or plain skin make no strong edges, so the
    measure means the same on any texture. Edges are grouped by direction and the blurriest
    direction decides (a hand that moved blurs one direction only); within a direction the
    sharper quarter of edges decides (a lesion in focus against a blurred background is sharp).
    Returns :data:`NO_EDGES` (in no direction) when there is no detail at all.
    """
    grey = luma.astype(np.float32)
    base = cv2.GaussianBlur(grey, (0, 0), _SIGMA_BASE)  # tames sensor noise and JPEG ringing
    extra = np.asarray(cv2.GaussianBlur(base, (0, 0), _SIGMA_REBLUR), dtype=np.float32)
    gx = cv2.Sobel(base, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(base, cv2.CV_32F, 0, 1, ksize=3)
    strength = cv2.magnitude(gx, gy)
    candidates = (strength >= cv2.dilate(strength, np.ones((3, 3), np.uint8))) & (strength > _MIN_EDGE)
    candidates[[0, -1], :] = False
    candidates[:, [0, -1]] = False
    inside = (
        cv2.erode(mask.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
        if mask is not None
        else np.ones(strength.shape, bool)
    )
    candidates &= inside
    if np.count_nonzero(candidates) < _MIN_EDGES:
        return NO_EDGES, 0
    values = strength[candidates]
    # The gradient after the extra blur is only needed at the edges: a Sobel at those points.
    ys, xs = np.nonzero(candidates)
    e = extra
    sobel_x = (
        e[ys - 1, xs + 1]
        + 2 * e[ys, xs + 1]
        + e[ys + 1, xs + 1]
        - e[ys - 1, xs - 1]
        - 2 * e[ys, xs - 1]
        - e[ys + 1, xs - 1]
    )
    sobel_y = (
        e[ys + 1, xs - 1]
        + 2 * e[ys + 1, xs]
        + e[ys + 1, xs + 1]
        - e[ys - 1, xs - 1]
        - 2 * e[ys - 1, xs]
        - e[ys - 1, xs + 1]
    )
    reblurred = np.hypot(sobel_x, sobel_y)
    ratio = np.clip(values / np.maximum(reblurred, 1e-3), 1.0001, None)
    sigma = _SIGMA_REBLUR / np.sqrt(ratio * ratio - 1.0)
    direction = np.arctan2(gy[candidates], gx[candidates]) % np.pi
    bins = (direction / np.pi * _DIRECTIONS + 0.5).astype(np.int32) % _DIRECTIONS
    worst, measured = -1.0, 0
    for index in range(_DIRECTIONS):
        in_bin = bins == index
        if np.count_nonzero(in_bin) < _MIN_EDGES:
            continue
        # Each direction keeps its own strongest edges: after motion blur a direction may have
        # only faint edges left, and they must still count.
        bin_values = values[in_bin]
        strong = bin_values > _RELATIVE_EDGE * float(np.percentile(bin_values, 99.5))
        if np.count_nonzero(strong) < _MIN_EDGES:
            continue
        worst = max(worst, float(np.percentile(sigma[in_bin][strong], 25)))
        measured += 1
    if worst < 0:
        return NO_EDGES, 0
    # A hand that moved wipes out the gradients along the motion only: natural scenes have
    # gradients in every direction, so a strong imbalance makes the blur count for more.
    sx, sy = gx[::2, ::2][inside[::2, ::2]], gy[::2, ::2][inside[::2, ::2]]
    energy = [float(np.mean(np.abs(sx * math.cos(k * math.pi / 8) + sy * math.sin(k * math.pi / 8)))) for k in range(8)]
    isotropy = min(energy) / max(max(energy), 1e-6)
    return worst / min(1.0, max(isotropy, 0.05) / ISOTROPY_FULL), measured


def photo_blur(luma: Image8) -> float:
    """A photo's blur (:func:`edge_blur`), or its middle's when the whole reads blurred and the middle is
    sharper: a close-up's subject is framed in the middle, and the depth of field of a close-up leaves
    what is around it (the skin curving away, the room) out of focus.

    The middle counts only with edges in as many directions as the whole, and in most of them: a hand
    that moved blurs one direction everywhere, and a middle whose blurred direction has too few edges to
    be measured would read sharp. And only when clearly sharper (:data:`CENTRE_SHARPER`): measured on fewer
    edges, the middle of a photo blurred all over reads up to a third sharper than the whole by chance
    alone (found in review: real photos a hand that moved blurred everywhere went from « floue » to a
    warning, or to good), where a close-up's subject in focus reads half as blurred, or less."""
    whole, directions = _edge_blur(luma)
    blur = whole
    if blur <= SHARPNESS_WARNING:
        return blur
    height, width = luma.shape
    for share in CENTRE_SHARES:
        rows = slice(round(height * (1 - share) / 2), round(height * (1 + share) / 2))
        cols = slice(round(width * (1 - share) / 2), round(width * (1 + share) / 2))
        part = np.ascontiguousarray(luma[rows, cols])
        if part.size == 0:  # (an image 2 pixels high or wide: its middle has no row; OpenCV's blur raised on it)
            continue
        middle, seen = _edge_blur(part)
        if seen >= max(directions, CENTRE_DIRECTIONS) and middle <= whole * CENTRE_SHARPER:
            blur = min(blur, middle)
    return blur


#: The middles of a photo whose blur counts when sharper than the whole: half and a third of its width and height.
CENTRE_SHARES = (0.5, 1 / 3)
#: Directions (of :data:`_DIRECTIONS`) a middle must have edges in for its blur to count.
CENTRE_DIRECTIONS = 6
#: How much sharper than the whole a middle must read for its blur to count (a photo blurred all over reads
#: 0.69 to 1 of the whole in its middle, on the real cameras' photos; a close-up in focus 0.27 to 0.43).
CENTRE_SHARPER = 0.6
_SIGMA_BASE = 0.5
_SIGMA_REBLUR = 1.0
_MIN_EDGE = 20.0  # Sobel magnitude: about 5 grey levels per pixel
_RELATIVE_EDGE = 0.3
_MIN_EDGES = 15
_DIRECTIONS = 8
#: Edge blur reported when the image has no edge at all (blank, or blurred beyond recognition).
NO_EDGES = 9.9


def _level(value: float, warning: float, blocking: float, *, low_is_bad: bool = True) -> Level:
    if low_is_bad:
        return "blocking" if value < blocking else "warning" if value < warning else "ok"
    return "blocking" if value > blocking else "warning" if value > warning else "ok"


#: A photo whose luminance spans fewer levels than this (1st to 99th percentile) shows nothing: a covered
#: lens, a phone's blank frame. A photo blurred beyond any edge still spans dozens.
BLANK_SPAN = 6.0
#: Share of a picture in areas of exactly one colour above which it is a screenshot or a scanned page,
#: not a photo: a camera's noise leaves next to none outside blown highlights (0 to 0.14 on the real
#: photos, even compressed again at JPEG quality 30 as a messaging app does; 0.5 to 0.65 on screenshots
#: and scans).
DOCUMENT_FLAT_SHARE = 0.3
#: The side of the square that must be of one colour, on the analysis copy: wider than a JPEG block
#: reduced (a heavily compressed photo's blocks are flat each, of colours that differ).
_FLAT_SIDE = 9


def flat_share(rgb: Image8) -> float:
    """Share of the pixels whose 9×9 neighbourhood is of exactly one colour, blown highlights and crushed
    shadows left out (a flash's glare and a dim room's shadows are flat on a real photo too)."""
    kernel = np.ones((_FLAT_SIDE, _FLAT_SIDE), np.uint8)
    rgb = np.ascontiguousarray(rgb)
    spread = np.asarray(cv2.subtract(cv2.dilate(rgb, kernel), cv2.erode(rgb, kernel)), dtype=np.uint8)
    # Channel by channel, not numpy's reductions along the colours (``max(axis=2)`` took some 19 ms of a
    # 1000-pixel copy, a third of a 12 MP decode: the quality checks' benchmark showed it).
    flat = (spread[:, :, 0] | spread[:, :, 1] | spread[:, :, 2]) == 0
    brightest = np.maximum(np.maximum(rgb[:, :, 0], rgb[:, :, 1]), rgb[:, :, 2])
    white, black = flat & (brightest >= 254), flat & (brightest < 16)
    pixels: int = rgb.shape[0] * rgb.shape[1]
    share = float(np.count_nonzero(flat & ~white & ~black)) / pixels
    if share >= DOCUMENT_FLAT_SHARE:
        return share
    for extreme, level in ((white, 255), (black, 0)):
        # A window's white or black background, if it meets what lies on it sharply (its text, its frames):
        # a highlight burnt by a flash, or a dim room's shadow, fades into the photo around it.
        extra = float(np.count_nonzero(extreme)) / pixels
        if extra and share < DOCUMENT_FLAT_SHARE <= share + extra and _sharp_rim(brightest, extreme, level):
            if level == 0 and _one_round_field(brightest >= 16):
                continue  # a dermatoscope's (or any lens's) round field on black: no window's background
            share += extra
    return share


#: How much of the circle around it a lens's round field fills (a whole disc 1, one cut by the frame's top
#: and bottom about 0.9); a photo shown in a dark viewer, a rectangle, fills 0.61 (4:3) to 0.64 (a square).
_ROUND_FIELD_FILL = 0.7


def _one_round_field(lit: npt.NDArray[np.bool_]) -> bool:
    """Whether what is not black is one round field (a dermatoscope's or a fundus camera's view, its
    surround black), not a window's text and frames on a black background."""
    contours, _ = cv2.findContours(lit.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return False
    largest = max(contours, key=cv2.contourArea)
    area = float(cv2.contourArea(largest))
    _, radius = cv2.minEnclosingCircle(largest)
    if area < 0.9 * float(np.count_nonzero(lit)) or radius <= 0:
        return False
    return area / (math.pi * radius * radius) >= _ROUND_FIELD_FILL


#: How far (in levels, the 75th percentile) the pixels just beyond a pure white or black flat area lie from
#: its level when it is a screenshot's background: 51 to 104 on screenshots (PNG and JPEG down to quality
#: 60), 1 to 12 beyond the highlights and shadows of real photos burnt or crushed over half their frame.
SHARP_RIM = 30.0


def _sharp_rim(brightest: Image8, extreme: npt.NDArray[np.bool_], level: int) -> bool:
    """Whether the pixels just beyond ``extreme`` (one pure level, white or black, flat over 9×9 squares
    centred on it: the first pixels that may differ lie 5 and 6 pixels away) are far from its level."""
    mask = extreme.astype(np.uint8)
    ring = (cv2.dilate(mask, np.ones((13, 13), np.uint8)) > 0) & ~(
        cv2.dilate(mask, np.ones((_FLAT_SIDE, _FLAT_SIDE), np.uint8)) > 0
    )
    if not ring.any():
        return False
    gap = np.abs(brightest[ring].astype(np.int16) - level)
    return float(np.percentile(gap, 75)) > SHARP_RIM


def _blank(luma: Image8) -> bool:
    low, high = np.percentile(luma, (1, 99))
    return float(high - low) < BLANK_SPAN


def _sharpness(value: float, *, retina: bool, blank: bool = False) -> QualityFinding:
    warning, blocking = (
        (RETINA_SHARPNESS_WARNING, RETINA_SHARPNESS_BLOCKING) if retina else (SHARPNESS_WARNING, SHARPNESS_BLOCKING)
    )
    if blank and value == NO_EDGES:  # nothing to focus on: not a blur the nurse can correct by steadying
        return QualityFinding.said("sharpness", "blocking", "sharpness.blank", round(value, 4), warning)
    level = _level(value, warning, blocking, low_is_bad=False)
    key = "sharpness.ok" if level == "ok" else f"{'retina-' if retina else ''}sharpness.{level}"
    return QualityFinding.said("sharpness", level, key, round(value, 4), warning)


def _exposure(luma: Image8, mask: npt.NDArray[np.bool_] | None, *, retina: bool) -> QualityFinding:
    return _exposure_and_darkness(luma, mask, retina=retina)[0]


def _exposure_and_darkness(
    luma: Image8, mask: npt.NDArray[np.bool_] | None, *, retina: bool, fundus: bool = False
) -> tuple[QualityFinding, bool]:
    """The exposure finding, and whether what it says is under-exposure. ``fundus``: the field found
    looks like a fundus camera's, so too much light is said with that camera's remedies (its flash, its
    alignment on the pupil), not a room's (a lamp, a flash to turn off)."""
    region = mask.astype(np.uint8) if mask is not None and mask.any() else None
    histogram = cv2.calcHist([luma], [0], region, [256], [0, 256]).ravel()
    total = max(1.0, float(histogram.sum()))
    mean = float(np.dot(histogram, np.arange(256))) / total
    clipped = float(histogram[250:].sum()) / total
    top = float(np.searchsorted(np.cumsum(histogram), 0.99 * total))
    if retina:
        dark = _dark(
            mean, top, RETINA_DARK_WARNING, RETINA_DARK_BLOCKING, RETINA_DIM_MEAN, RETINA_DIM_TOP, RETINA_TOP_BLOCKING
        )
        bright = _level(mean, RETINA_BRIGHT_WARNING, RETINA_BRIGHT_BLOCKING, low_is_bad=False)
    else:
        dark = _dark(mean, top, DARK_WARNING, DARK_BLOCKING, DIM_MEAN, DIM_TOP, TOP_BLOCKING)
        bright = _level(mean, BRIGHT_WARNING, BRIGHT_BLOCKING, low_is_bad=False)
    glare = _level(clipped, CLIPPED_WARNING, CLIPPED_BLOCKING, low_is_bad=False)
    bright = max(bright, glare, key=_RANK.__getitem__)
    prefix = "retina-exposure" if retina else "exposure"
    if dark != "ok":
        threshold = RETINA_DARK_WARNING if retina else DARK_WARNING
        return QualityFinding.said("exposure", dark, f"{prefix}.dark.{dark}", round(mean, 1), threshold), True
    if bright != "ok":
        finding = QualityFinding.said(
            "exposure",
            bright,
            f"{'retina-' if retina and fundus else ''}exposure.bright.{bright}",
            round(mean, 1),
            RETINA_BRIGHT_WARNING if retina else BRIGHT_WARNING,
        )
        return finding, False
    return QualityFinding.said("exposure", "ok", "exposure.ok", round(mean, 1), None), False


def _dark(
    mean: float, top: float, warning: float, blocking: float, dim_mean: float, dim_top: float, top_blocking: float
) -> Level:
    if mean < blocking or top < top_blocking:
        return "blocking"
    if mean < warning or (mean < dim_mean and top < dim_top):
        return "warning"
    return "ok"


_RANK: dict[Level, int] = {"ok": 0, "warning": 1, "blocking": 2}

# --- colour cast ------------------------------------------------------------------------------
# A cast is a light of the wrong colour (or a wrong white balance): every colour of the picture is
# shifted the same way. The scene's own colours must not be taken for one: a blue or green drape,
# green leaves, a yellow lamp. Three cues, each robust where the others are not (see
# :func:`colour_cast_cues`). Each threshold between good and cast images is the middle of the gap
# between them on the tuning half of the colour set of ``tests/capture`` (generated skin, scenes
# and fundi, wounds on drapes, real photographs, each with a blue, a green and a magenta cast); the
# other half, never looked at for this, is what the suite checks them on. The compactness and the
# chroma floor are not tuned: they say when a mean colour means something, and that skin is never
# grey (the palest skin has a chroma near 14).

#: Natural hues (CIELAB hue angle, degrees): skin, wounds, wood, from deep red to yellow.
_NATURAL_HUES = (15.0, 95.0)
#: Skin as it looks under good light, whatever its tone (Fitzpatrick I–VI): hue and chroma.
_SKIN_HUES, _SKIN_CHROMA = (30.0, 75.0), (10.0, 45.0)
#: Where skin's mean colour sits, to say which way a cast on a close-up of skin goes.
_SKIN_REFERENCE = (15.0, 18.0)
#: Highlights further than this (CIELAB units) from the natural hues are tinted by the light…
CAST_HIGHLIGHTS = 11.0
#: …unless at least this share of the picture is skin of a natural colour (a drape is brighter
#: than the skin it surrounds, and it is the drape's colour the highlights then show).
CAST_SKIN_SHARE = 0.22
#: A picture of one dominant colour (mean chroma / spread of chroma at least this)…
CAST_COMPACT = 1.5
#: …must have that colour in this hue range, and not be almost grey: skin never is.
CAST_COMPACT_HUES, CAST_COMPACT_CHROMA = (28.0, 91.0), 9.0
#: Retinographs: the optic disc (brightest part of the field) is pale yellow to orange, of a chroma
#: at least this share of its lightness (CIELAB chroma / (L* + 16): a fundus shot with less flash has a
#: darker disc of the same colour, whose chroma falls with its lightness; a blue cast greys the disc at
#: any exposure). 0.30 is the middle of the gap on the tuning half (blue casts up to 0.14, good discs
#: from 0.48); on a well-exposed disc (L* near 72) it is the chroma of 26 once used alone.
RETINA_DISC_HUES, RETINA_DISC_SATURATION = (42.0, 90.0), 0.30
#: A field without its disc (none found): its brightest part is the retina itself, red-orange. A real
#: healthy field aimed away from the disc puts its highlights near 40° (a good disc 54°), and a blue or a
#: magenta cast on it near 22°: the disc's hues said « dominante rouge » of every such field. 30° is the
#: middle of that gap. (A green cast on such a field reads 65–73°, inside the disc's hues too: missed as
#: before.)
RETINA_FIELD_HUES = (30.0, 90.0)
_RETINA_DISC_REFERENCE = (16.0, 41.0)
#: A picture whose most coloured pixels stay this close to grey (CIELAB chroma; JPEG noise on a grey
#: picture stays under 2, the palest skin is near 14) has no colour to judge.
MONOCHROME_CHROMA = 5.0
_TOP_SHARE = 0.05  # the brightest 5 % of the usable pixels are the highlights
_RETINA_TOP_SHARE = 0.03  # the disc is about 3 % of a 45° field


def _hue(a: float, b: float) -> float:
    return math.degrees(math.atan2(b, a))


def _sector_distance(a: float, b: float, sector: tuple[float, float]) -> float:
    """How far the chromaticity (a*, b*) lies outside a hue sector (a wedge from the origin)."""
    hue = _hue(a, b)
    low, high = sector
    if low <= hue <= high:
        return 0.0
    gap = math.radians(min(_angle_gap(hue, low), _angle_gap(hue, high)))
    chroma = math.hypot(a, b)
    return chroma * math.sin(gap) if gap < math.pi / 2 else chroma


def _angle_gap(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def _lab_pixels(rgb: Image8, mask: npt.NDArray[np.bool_] | None) -> npt.NDArray[np.float32]:
    """L (0–255), a*, b* of one pixel in 3×3, neither black nor burnt out (inside ``mask``).

    A mean and a few percentiles need far fewer pixels than the analysis copy has.
    """
    step = 3
    lab = cv2.cvtColor(np.ascontiguousarray(rgb[::step, ::step]), cv2.COLOR_RGB2LAB)
    pixels = (lab[mask[::step, ::step]] if mask is not None else lab.reshape(-1, 3)).astype(np.float32)
    pixels = pixels[(pixels[:, 0] > 25) & (pixels[:, 0] < 245)]
    pixels[:, 1:] -= 128.0
    return pixels


def colour_cast_cues(
    rgb: Image8, mask: npt.NDArray[np.bool_] | None, *, retina: bool, disc: bool = True
) -> tuple[bool, float, float]:
    """Whether the light casts a colour, its strength (CIELAB units) and its hue angle.

    Photographs (no mask): a cast tints what should be white or grey, and the brightest pixels are
    those (gauze, a ruler, the glint of skin, which reflects the light's own colour: the
    bright-pixels estimate of the illuminant); they must lie in the natural hues, unless a fifth of
    the picture is skin of a natural colour (then the highlights are a drape). A close-up of one
    dominant colour has no highlight worth the name: its mean colour must be that of skin, never
    grey. Retinographs: the optic disc (brightest part of the field) must stay pale yellow-orange; in a
    field where no disc was found (``disc`` false: a 30° macular or a temporal field, a small handheld
    one) or only on its rim, the brightest part is retina, redder (:data:`RETINA_FIELD_HUES`).
    """
    pixels = _lab_pixels(rgb, mask)
    if len(pixels) < 100:
        return False, 0.0, 0.0
    lightness, a, b = pixels[:, 0], pixels[:, 1], pixels[:, 2]
    rank = int(len(lightness) * (1 - (_RETINA_TOP_SHARE if retina else _TOP_SHARE)))
    top = lightness >= np.partition(lightness, rank)[rank]
    top_a, top_b = float(a[top].mean()), float(b[top].mean())
    if retina:
        hue, chroma = _hue(top_a, top_b), math.hypot(top_a, top_b)
        low, high = RETINA_DISC_HUES if disc else RETINA_FIELD_HUES
        shift = (top_a - _RETINA_DISC_REFERENCE[0], top_b - _RETINA_DISC_REFERENCE[1])
        disc_lightness = float(lightness[top].mean()) * 100.0 / 255.0  # OpenCV's L is 0–255
        cast = not (low <= hue <= high) or chroma < RETINA_DISC_SATURATION * (disc_lightness + 16.0)
        return cast, math.hypot(*shift), _hue(*shift)
    highlights = _sector_distance(top_a, top_b, _NATURAL_HUES)
    # Hue between 30° and 75° without an arctangent per pixel: a > 0 and tan 30° ≤ b/a ≤ tan 75°.
    chroma2 = a * a + b * b
    low_tan, high_tan = (math.tan(math.radians(h)) for h in _SKIN_HUES)
    skin = float(
        np.count_nonzero(
            (chroma2 >= _SKIN_CHROMA[0] ** 2)
            & (chroma2 <= _SKIN_CHROMA[1] ** 2)
            & (a > 0)
            & (b >= a * low_tan)
            & (b <= a * high_tan)
        )
    ) / len(a)
    if highlights >= CAST_HIGHLIGHTS and skin < CAST_SKIN_SHARE:
        return True, highlights, _hue(top_a, top_b)
    mean_a, mean_b = float(a.mean()), float(b.mean())
    mean_chroma = math.hypot(mean_a, mean_b)
    spread = math.sqrt(float(a.var() + b.var()))
    if mean_chroma / max(spread, 1.0) >= CAST_COMPACT:
        low, high = CAST_COMPACT_HUES
        if not (low <= _hue(mean_a, mean_b) <= high) or mean_chroma < CAST_COMPACT_CHROMA:
            shift = (mean_a - _SKIN_REFERENCE[0], mean_b - _SKIN_REFERENCE[1])
            return True, math.hypot(*shift), _hue(*shift)
    return False, highlights, _hue(top_a, top_b)


def _hue_name(hue: float) -> str:
    """The cast's colour in words, from the CIELAB hue angle (a* red, b* yellow)."""
    if -15 <= hue < 30:
        return "red"
    if 30 <= hue < 100:
        return "yellow"
    if hue >= 100 or hue < -160:
        return "green"
    if -160 <= hue < -70:
        return "blue"
    return "magenta"


def colourless(rgb: Image8, mask: npt.NDArray[np.bool_] | None) -> float | None:
    """How far from grey the most coloured pixels lie (CIELAB chroma, 99th percentile), when the
    picture is in black and white (a camera set to monochrome, a red-free retinograph); else None."""
    pixels = _lab_pixels(rgb, mask)
    if len(pixels) < 100:
        return None
    chroma = float(np.percentile(np.hypot(pixels[:, 1], pixels[:, 2]), 99))
    return chroma if chroma < MONOCHROME_CHROMA else None


def red_free_in_colour(rgb: Image8, mask: npt.NDArray[np.bool_] | None) -> bool:
    """Whether a retinograph is a red-free (green filter) one written in colour: its green channel alone,
    red and blue all but black (their brightest a quarter of the green's at most)."""
    # Every fourth pixel each way: a brightness percentile needs no more, and it costs nothing beside the checks.
    sample = rgb[::4, ::4]
    pixels = sample[mask[::4, ::4]] if mask is not None else sample.reshape(-1, 3)
    if len(pixels) < 100:
        return False
    top = np.percentile(pixels, 95, axis=0)
    return bool(max(top[0], top[2]) < RED_FREE_SHARE * top[1])


def _colour_cast(rgb: Image8, mask: npt.NDArray[np.bool_] | None, *, retina: bool, disc: bool = True) -> QualityFinding:
    if retina and red_free_in_colour(rgb, mask):
        # Not a cast: a red-free image has no colours to judge, as a black-and-white one.
        return QualityFinding.said("colour-cast", "warning", "colour-cast.monochrome-retina", None, None)
    grey = colourless(rgb, mask)
    if grey is not None:
        # No light to change: the expert sees no colour at all (redness, pigment, a haemorrhage's red).
        key = "colour-cast.monochrome-retina" if retina else "colour-cast.monochrome"
        return QualityFinding.said("colour-cast", "warning", key, round(grey, 2), MONOCHROME_CHROMA)
    cast, strength, hue = colour_cast_cues(rgb, mask, retina=retina, disc=disc)
    if cast:
        # A fundus is lit by the camera's flash in a dark room: the room's lamps have nothing to do with it.
        key = "colour-cast.warning-retina" if retina else "colour-cast.warning"
        return QualityFinding.said(
            "colour-cast", "warning", key, round(strength, 2), CAST_HIGHLIGHTS, hue=_hue_name(hue)
        )
    return QualityFinding.said("colour-cast", "ok", "colour-cast.ok", round(strength, 2), CAST_HIGHLIGHTS)


def _resolution(
    width: int, height: int, *, retina: bool = False, recorded: bool = False, field: int | None = None
) -> QualityFinding:
    """The size against 800×600 (blocking) and 1024×768 (advised). A retinograph too small is told to be
    exported at full size from the retinograph: there is no camera setting to change at a fundus camera.
    One the retinograph recorded at that size (its DICOM: an older camera's 768×576 video capture) is
    said to be so: exporting it again gives the same.

    The floor is the same for retinographs. Screening programmes ask more of a fundus camera, not less:
    the NHS programme uses only cameras it has tested to show subtle diabetic lesions, and an older
    camera's 768×576 capture puts its 45° field on some 13 pixels a degree.

    ``field``: the diameter in pixels of a retinograph's field narrower than its frame (:func:`_small_field`),
    what the expert reads of a phone's photo through an adapter: judged against :data:`FIELD_DIAMETER_BLOCKING`
    and :data:`FIELD_DIAMETER_WARNING`, the nurse told to move closer or zoom. A frame itself too small keeps
    its words when the field is not worse (its remedy, the full-size export, comes first)."""
    pixels = width * height
    short, long = sorted((width, height))
    if pixels < MIN_PIXELS_BLOCKING or short < 600 or long < 800:
        level: Level = "blocking"
    elif pixels < MIN_PIXELS_WARNING or short < 768:
        level = "warning"
    else:
        level = "ok"
    key = f"resolution.{level}"
    if retina and level == "blocking":
        key = "resolution.blocking-retina-recorded" if recorded else "resolution.blocking-retina"
    if field is not None:
        on_field = _level(float(field), FIELD_DIAMETER_WARNING, FIELD_DIAMETER_BLOCKING)
        if level == "ok" or _SEVERITY[on_field] > _SEVERITY[level]:
            key = "resolution.ok" if on_field == "ok" else f"resolution.field-{on_field}"
            return QualityFinding.said(
                "resolution", on_field, key, float(field), float(FIELD_DIAMETER_WARNING), diameter=field
            )
    return QualityFinding.said(
        "resolution", level, key, float(pixels), float(MIN_PIXELS_WARNING), width=width, height=height
    )


_SEVERITY: dict[Level, int] = {"ok": 0, "warning": 1, "blocking": 2}


def _field(fov: FieldOfView) -> QualityFinding:
    level = _level(fov.visible, FIELD_WARNING, FIELD_BLOCKING)
    return QualityFinding.said(
        "field-of-view",
        level,
        f"field-of-view.{level}",
        round(fov.visible, 3),
        FIELD_WARNING,
        percent=round(fov.visible * 100),
    )


def _gradability(vessels: float, uniformity: float) -> QualityFinding:
    level = _level(vessels, VESSELS_WARNING, VESSELS_BLOCKING)
    if level == "ok" and uniformity < UNIFORMITY_WARNING:
        level = "warning"
    return QualityFinding.said("gradability", level, f"gradability.{level}", round(vessels, 4), VESSELS_WARNING)
