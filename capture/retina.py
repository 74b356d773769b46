"""Measures specific to retinographs: the circular field of view, its coverage, and gradability.

A fundus image is a bright disc of retina on a black surround. The field is found by thresholding
the red channel (the retina is red even when dark), and the circle is fitted on the part of its
edge that lies inside the frame, so that a field clipped by the frame edge (or by a bad crop) still
gives the full circle to compare with. Gradability follows the screening programmes' rule: the
small vessels must stand out from the background, and the edge must not be darkened.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from capture.cv import cv2

Mask = npt.NDArray[np.bool_]
Grey = npt.NDArray[np.float32]


@dataclass(frozen=True)
class FieldOfView:
    """The retina's circle on the analysis copy and what of it is visible and lit."""

    mask: Mask  # lit retina pixels
    cx: float
    cy: float
    radius: float
    visible: float  # share of the full circle that is inside the frame and lit (0..1)
    #: Which corners of the frame are lit (top left, top right, bottom left, bottom right).
    lit_corners: tuple[bool, bool, bool, bool] = (False, False, False, False)
    #: Another field as big lies beside this one (:func:`_second_field`): both eyes, or two fields, in one image.
    second: bool = False

    def looks_like_a_fundus(self) -> bool:
        """A fundus camera's field is a disc on black: the frame's corners are dark. A field clipped
        by the frame, or a crop, lights the corners of one side at most; a device's label may light
        one. Three lit corners, or two facing across the frame, are a photo of something else."""
        top_left, top_right, bottom_left, bottom_right = self.lit_corners
        return sum(self.lit_corners) < 3 and not (top_left and bottom_right) and not (top_right and bottom_left)


#: The corner squares' side, as a share of the frame's short side.
CORNER_SHARE = 0.07
#: The brightest a fundus camera's black surround gets in an exported JPEG (its noise reaches 10–15).
SURROUND_DARK = 20.0
#: A surround its export brightened (the device's software lifting the blacks) stays even: the four
#: corners' medians within this many levels of each other, each corner this flat (its 10th to 90th
#: percentile), and no brighter than this. A photo's corners differ from one another, or have texture;
#: a blank frame (a phone in a pocket) is brighter.
SURROUND_EVEN, SURROUND_FLAT, SURROUND_LIFTED = 6.0, 8.0, 50.0


#: A lit area this share of the frame at least is a field, whatever its shape (a clipped or cut field too).
FIELD_AREA = 0.03
#: A smaller one is a field when it is a round disc (it fills this share of its enclosing circle at least, a
#: whole field about 0.95) on a dark surround (no lit corner), this share of the frame's long side across at
#: least: a phone's photo through a fundus adapter taken from too far, the retina small in a 12 MP frame. It
#: was « missing » (« vérifiez que l'image est bien une rétinographie ») under some 680 px across in 12 MP,
#: where the nurse must be told to come closer: its diameter is judged for that (quality._resolution).
SMALL_FIELD_FILL = 0.8
SMALL_FIELD_ACROSS = 0.04
#: …and when it is red as a retina is: its median red this many times its median green at least (a retina's
#: some 2.2 to 2.6). Round on black alone, a skin photo through a dermatoscope from too far, a round lesion, a
#: face or the moon was taken for a retina, the nurse told to come closer (skin, a face 1.3 to 1.7, grey 1).
SMALL_FIELD_RED = 1.8


def _small_round_field(rgb: npt.NDArray[np.uint8], contour: cv2.typing.MatLike) -> bool:
    """Whether ``contour``, a lit area under :data:`FIELD_AREA` of the frame, is a small field (see
    :data:`SMALL_FIELD_FILL`): round, red as a retina (:data:`SMALL_FIELD_RED`), on a dark surround, not too
    small to be one."""
    (_, _), radius = cv2.minEnclosingCircle(contour)
    if 2 * radius < SMALL_FIELD_ACROSS * max(rgb.shape[:2]):
        return False
    if cv2.contourArea(contour) < SMALL_FIELD_FILL * math.pi * radius * radius:
        return False
    inside = np.zeros(rgb.shape[:2], np.uint8)
    cv2.drawContours(inside, [contour], -1, 1, thickness=-1)
    red, green = np.median(rgb[inside > 0][:, :2].astype(np.float32), axis=0)
    if red < SMALL_FIELD_RED * max(float(green), 1.0):
        return False
    return not any(_lit_corners(rgb))


def find_field(rgb: npt.NDArray[np.uint8]) -> FieldOfView | None:
    """The field of view of a retinograph, or ``None`` when there is no lit area at all."""
    height, width = rgb.shape[:2]
    red = np.asarray(cv2.GaussianBlur(_field_channel(rgb), (0, 0), 2.0), dtype=np.uint8)
    top = float(np.percentile(red, 95))
    # Surround noise in exported JPEGs reaches 10–15 levels; a dark but gradable retina is far
    # above that in red. Scale with the image so an under-exposed field is still found.
    threshold = max(8.0, min(35.0, 0.22 * top))
    surround = _lifted_surround(rgb)
    if surround is not None:  # above the surround's own level, whatever it is
        threshold = max(threshold, surround + SURROUND_DARK)
    binary = (red > threshold).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))
    binary = np.asarray(cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel), dtype=np.uint8)
    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    if cv2.contourArea(contour) < FIELD_AREA * width * height and not _small_round_field(rgb, contour):
        return None
    filled = np.zeros((height, width), np.uint8)
    cv2.drawContours(filled, [contour], -1, 1, thickness=-1)
    mask = (filled > 0) & (binary > 0)
    cx, cy, radius = _fit_circle(contour.reshape(-1, 2).astype(np.float64), width, height)
    circle = np.zeros((height, width), np.uint8)
    cv2.circle(circle, (round(cx), round(cy)), max(1, round(radius)), 1, thickness=-1)
    full_area = np.pi * radius * radius
    visible = float(np.count_nonzero(mask & (circle > 0))) / full_area if full_area > 0 else 0.0
    return FieldOfView(
        mask=mask,
        cx=cx,
        cy=cy,
        radius=radius,
        visible=min(1.0, visible),
        lit_corners=_lit_corners(rgb),
        second=_second_field(contours, contour),
    )


#: A second lit area at least this share of the largest one's area may be a second field.
SECOND_FIELD_AREA = 0.4
#: …when it is round: it fills at least this share of the circle around it (a whole field 1, one cut by the
#: frame's top and bottom about 0.9). A device's information strip beside the field (a white or grey band
#: with its text, as some fundus cameras export) is a rectangle: 0.64 at most (a square), less when long.
SECOND_FIELD_FILL = 0.7
#: …or when it is no rectangle: it fills less than this share of the smallest rectangle around it (a strip
#: about 1; a round field 0.79, and a fellow eye's field half in a crescent's shadow, a pupil too small,
#: less: neither round nor a strip, still a field).
SECOND_FIELD_RECTANGLE = 0.9


def _second_field(contours: Sequence[cv2.typing.MatLike], largest: cv2.typing.MatLike) -> bool:
    """Whether another lit area, at least :data:`SECOND_FIELD_AREA` of the largest, lies outside the largest's
    circle: a report or print export's two fields side by side (both eyes, as the examiner faces the
    patient), not one field cut in two parts by a lid's or an eyelash's shadow, whose parts share one circle
    (each part's smallest enclosing circle is centred inside the other's), nor a device's information strip
    beside the field, a rectangle, no round field (:data:`SECOND_FIELD_FILL`, :data:`SECOND_FIELD_RECTANGLE`)."""
    area = cv2.contourArea(largest)
    (x, y), radius = cv2.minEnclosingCircle(largest)
    for other in contours:
        if other is largest or cv2.contourArea(other) < SECOND_FIELD_AREA * area:
            continue
        (ox, oy), around = cv2.minEnclosingCircle(other)
        round_ = cv2.contourArea(other) >= SECOND_FIELD_FILL * math.pi * around * around
        (_, (side, other_side), _) = cv2.minAreaRect(other)
        strip = cv2.contourArea(other) >= SECOND_FIELD_RECTANGLE * side * other_side
        if (round_ or not strip) and math.hypot(ox - x, oy - y) > radius:
            return True
    return False


#: A red-free (green filter) retinograph some devices write in colour with its green channel alone: its
#: red channel holds less than this share of its green's brightness.
RED_FREE_SHARE = 0.25


def _field_channel(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The channel the field is found in: the red (the retina is red even when dark), or the green of a
    red-free retinograph written in colour, whose red is black (its field was « not found »)."""
    red, green = rgb[::4, ::4, 0], rgb[::4, ::4, 1]
    if float(np.percentile(red, 95)) < RED_FREE_SHARE * float(np.percentile(green, 95)):
        return np.ascontiguousarray(rgb[:, :, 1])
    return np.ascontiguousarray(rgb[:, :, 0])


def _lit_corners(rgb: npt.NDArray[np.uint8]) -> tuple[bool, bool, bool, bool]:
    """Which of the frame's four corner squares are mostly lit, in any colour (the median of their
    brightest channel above :data:`SURROUND_DARK`): foliage is dark in red, a fundus camera's surround
    in all. The level is fixed: a dim retina lowers the field's threshold, not its surround's noise."""
    if _lifted_surround(rgb) is not None:
        return False, False, False, False
    lit = [float(np.median(square)) > SURROUND_DARK for square in _corner_squares(rgb)]
    return lit[0], lit[1], lit[2], lit[3]


#: A device's bar of text above or below the field (the patient, the eye, the date, the angle) is at most
#: this share of the frame's height…
BAR_SHARE = 0.15
#: …and lit from one side of the frame to the other: this share of each end of its rows (a field clipped
#: by the frame's top or bottom, a Messidor's or an IDRiD's, leaves them black).
BAR_END = 0.03


def _without_bars(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The frame without the bars of text some fundus cameras' exports put above and below the field, the
    whole width of the image: rows lit at both ends (most of their pixels brighter than
    :data:`SURROUND_DARK`), from the top or the bottom, :data:`BAR_SHARE` of the height at most each. Their
    corners are the bars', not the field's surround: a retinograph between two was said « not a fundus ».
    A photo of something else stays lit in its corners once they are gone."""
    height, width = rgb.shape[:2]
    end = max(2, round(BAR_END * width))
    brightest = np.maximum(np.maximum(rgb[:, :, 0], rgb[:, :, 1]), rgb[:, :, 2]) > SURROUND_DARK
    across = (brightest[:, :end].mean(axis=1) > 0.5) & (brightest[:, -end:].mean(axis=1) > 0.5)
    most = int(BAR_SHARE * height)
    top = int(np.argmin(across[:most])) if not across[:most].all() else most
    bottom = int(np.argmin(across[::-1][:most])) if not across[::-1][:most].all() else most
    return rgb[top : height - bottom] if top or bottom else rgb


def _corner_squares(rgb: npt.NDArray[np.uint8]) -> list[npt.NDArray[np.uint8]]:
    """The frame's four corner squares (top left, top right, bottom left, bottom right), each pixel's
    brightest channel; the frame's bars of text above and below left out (:func:`_without_bars`)."""
    rgb = _without_bars(rgb)
    height, width = rgb.shape[:2]
    side = max(4, round(CORNER_SHARE * min(height, width)))
    return [
        rgb[rows, cols].max(axis=2)
        for rows in (slice(0, side), slice(height - side, height))
        for cols in (slice(0, side), slice(width - side, width))
    ]


def _lifted_surround(rgb: npt.NDArray[np.uint8]) -> float | None:
    """The level of a fundus camera's surround its export left dark grey rather than black (even and
    flat in all four corners, between :data:`SURROUND_DARK` and :data:`SURROUND_LIFTED`), else ``None``."""
    squares = _corner_squares(rgb)
    medians = [float(np.median(square)) for square in squares]
    if not SURROUND_DARK < max(medians) <= SURROUND_LIFTED or max(medians) - min(medians) > SURROUND_EVEN:
        return None
    spreads = [float(np.percentile(square, 90) - np.percentile(square, 10)) for square in squares]
    return max(medians) if max(spreads) <= SURROUND_FLAT else None


def _fit_circle(points: npt.NDArray[np.float64], width: int, height: int) -> tuple[float, float, float]:
    """Least-squares circle through the edge points that are not on the frame's border."""
    margin = 3
    inside = (
        (points[:, 0] > margin)
        & (points[:, 0] < width - 1 - margin)
        & (points[:, 1] > margin)
        & (points[:, 1] < height - 1 - margin)
    )
    edge = points[inside]
    if len(edge) >= 30:
        x, y = edge[:, 0], edge[:, 1]
        # Kåsa fit: x² + y² + D x + E y + F = 0, linear in D, E, F.
        design = np.column_stack([x, y, np.ones_like(x)])
        rhs = -(x * x + y * y)
        (d, e, f), *_ = np.linalg.lstsq(design, rhs, rcond=None)
        cx, cy = -d / 2.0, -e / 2.0
        radius_sq = cx * cx + cy * cy - f
        if radius_sq > 0:
            radius = float(np.sqrt(radius_sq))
            # A fit on a short, nearly straight arc can explode; the field is never far bigger
            # than the frame.
            if radius < 1.5 * max(width, height):
                return float(cx), float(cy), radius
    (ex, ey), enclosing = cv2.minEnclosingCircle(points.astype(np.float32))
    return float(ex), float(ey), float(enclosing)


def vessel_contrast(rgb: npt.NDArray[np.uint8], fov: FieldOfView) -> float:
    """How much the small and medium vessels stand out from the retina around them (0..1).

    The green channel shows vessels best. A morphological black-hat with a structuring element a
    little wider than a medium vessel keeps dark thin structures; dividing by the local background
    makes the measure independent of exposure. The 95th percentile inside the field is the contrast
    of the vessels (about a tenth of a healthy retina is vessel).
    """
    green = np.ascontiguousarray(rgb[:, :, 1])
    size = max(5, round(fov.radius * 0.035) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    # Morphology on 8 bits is exact and several times faster than on floats.
    blackhat = np.asarray(cv2.morphologyEx(green, cv2.MORPH_BLACKHAT, kernel), dtype=np.float32)
    height, width = green.shape
    # The background varies slowly: blur a quarter-size copy and enlarge it.
    quarter = cv2.resize(green, (max(1, width // 4), max(1, height // 4)), interpolation=cv2.INTER_AREA)
    smooth = cv2.GaussianBlur(quarter.astype(np.float32), (0, 0), max(1.0, fov.radius * 0.05 / 4))
    background = np.asarray(cv2.resize(smooth, (width, height), interpolation=cv2.INTER_LINEAR), dtype=np.float32)
    inner = _inner(fov, 0.85)
    values = blackhat[inner] / (background[inner] + 8.0)
    if values.size < 100:
        return 0.0
    return float(np.percentile(values, 95))


def edge_uniformity(luma: Grey, fov: FieldOfView) -> float:
    """Darkest edge sector's brightness over the centre's (1 = even, small = shaded edge).

    A small pupil or a misaligned camera darkens a crescent of the field's edge; the sector
    means catch it even when the rest of the edge is well lit. Sectors outside the frame are
    skipped.
    """
    step = 4  # shading is a slow change; a sparse grid measures it as well
    luma = luma[::step, ::step]
    height, width = luma.shape
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32) * step
    dx, dy = xx - fov.cx, yy - fov.cy
    dist = np.sqrt(dx * dx + dy * dy) / max(fov.radius, 1.0)
    centre = luma[dist < 0.45]
    if centre.size == 0:
        return 0.0
    centre_level = float(np.mean(centre)) + 1.0
    ring = (dist > 0.6) & (dist < 0.9)
    angle = np.arctan2(dy, dx)
    sector = ((angle + np.pi) / (2 * np.pi) * 8).astype(np.int32) % 8
    levels = []
    for index in range(8):
        pixels = luma[ring & (sector == index)]
        # A sector mostly outside the frame says nothing about shading.
        if pixels.size > 0.25 * np.pi * (0.81 - 0.36) * (fov.radius / step) ** 2 / 8:
            levels.append(float(np.mean(pixels)) + 1.0)
    if not levels:
        return 1.0
    return min(levels) / centre_level


def _inner(fov: FieldOfView, fraction: float) -> Mask:
    height, width = fov.mask.shape
    circle = np.zeros((height, width), np.uint8)
    cv2.circle(circle, (round(fov.cx), round(fov.cy)), max(1, round(fov.radius * fraction)), 1, -1)
    return fov.mask & (circle > 0)


def inner_mask(fov: FieldOfView, fraction: float = 0.9) -> Mask:
    """The lit field without its rim, where measures are not disturbed by the black surround."""
    return _inner(fov, fraction)


@dataclass(frozen=True)
class OpticDisc:
    """Where the optic disc lies in the field, when it stands out clearly enough to be sure of it."""

    #: Horizontal offset of the disc from the field's centre, in field radii: negative on the left of
    #: the image, positive on the right (a macula-centred 45° field puts it near ±0.5, a
    #: disc-centred one near 0).
    offset: float
    vertical: float  # the same, downwards
    #: How far the disc stands above the next brightest spot of the field (peak over runner-up).
    prominence: float


#: Reduction of the analysis copy for finding the disc: a blob a tenth of the field wide needs no detail.
DISC_REDUCTION = 4
#: The disc's local excess of brightness (green, over its surroundings) must be at least this…
DISC_CONTRAST = 0.15
#: …and this many times that of any other spot of the field farther than a third of its radius.
DISC_PROMINENCE = 2.0


def find_disc(rgb: npt.NDArray[np.uint8], fov: FieldOfView) -> OpticDisc | None:
    """The optic disc: the brightest blob of the field at its size, in the green channel (where the
    disc stands out most from the orange retina), on every fourth pixel of the analysis copy.

    Each point's brightness at the disc's scale is compared with its surroundings at a few times that
    scale (both averaged over the lit field only, so the field's black rim adds nothing): vignetting
    and uneven light vanish, the disc remains. ``None`` when no spot clearly outshines the others (a
    field clipped through the disc, an over-exposed picture, a disc hidden by haze): better nothing
    than a guess.
    """
    step = DISC_REDUCTION
    radius = fov.radius / step
    if radius < 8:
        return None
    # Every fourth pixel, not an average: the blurs below average far more than four pixels anyway,
    # and sampling costs nothing where a resize of the analysis copy would cost milliseconds.
    green = rgb[step // 2 :: step, step // 2 :: step, 1]
    small_h, small_w = green.shape
    circle = np.zeros((small_h, small_w), np.uint8)
    centre = (round((fov.cx - step // 2) / step), round((fov.cy - step // 2) / step))
    cv2.circle(circle, centre, max(1, round(radius * 0.92)), 1, -1)
    inside = (circle > 0) & fov.mask[step // 2 :: step, step // 2 :: step]
    if np.count_nonzero(inside) < 100:
        return None
    weight = inside.astype(np.float32)
    weighted = green.astype(np.float32) * weight

    def mean_around(sigma: float) -> npt.NDArray[np.float32]:
        # Two box filters of this width make a bell of deviation ``sigma``, at a cost that does not
        # grow with it (a Gaussian kernel as wide as a third of the field would).
        # Odd, so that the box is centred on its pixel.
        size = max(1, round(math.sqrt(6.0 * sigma * sigma + 1.0))) | 1
        total: npt.NDArray[np.float32] = weighted
        share: npt.NDArray[np.float32] = weight
        for _ in range(2):
            total = np.asarray(cv2.blur(total, (size, size), borderType=cv2.BORDER_CONSTANT), dtype=np.float32)
            share = np.asarray(cv2.blur(share, (size, size), borderType=cv2.BORDER_CONSTANT), dtype=np.float32)
        return np.asarray(total / np.maximum(share, 1e-3), dtype=np.float32)

    near = mean_around(max(1.0, 0.06 * radius))
    around = mean_around(max(2.0, 0.35 * radius))
    excess = (near - around) / (around + 8.0)
    excess[~inside] = -1.0
    row, col = np.unravel_index(int(np.argmax(excess)), excess.shape)
    peak = float(excess[row, col])
    rows, cols = np.ogrid[0:small_h, 0:small_w]
    elsewhere = inside & ((rows - row) ** 2 + (cols - col) ** 2 > (radius / 3) ** 2)
    runner_up = max(float(excess[elsewhere].max()) if elsewhere.any() else 0.0, 1e-3)
    if peak < DISC_CONTRAST or peak < DISC_PROMINENCE * runner_up:
        return None
    x = float(col) * step + step // 2
    y = float(row) * step + step // 2
    return OpticDisc(offset=(x - fov.cx) / fov.radius, vertical=(y - fov.cy) / fov.radius, prominence=peak / runner_up)
