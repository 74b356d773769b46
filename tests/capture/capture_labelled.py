"""The labelled image set the quality thresholds are tuned and tested on.

Good images: demo skin and fundus scenes at several seeds and sizes, and "dead leaves" scenes
(random occluding discs with a power-law size distribution, the model used by camera makers to
measure sharpness on texture, because its statistics match natural photographs). Every good image
goes through a JPEG round trip as a camera would write it.

Degraded copies are made the way a capture goes wrong: focus lost (Gaussian blur), a hand that
moved (motion blur), light too strong or too weak, a coloured lamp, and a retinal field pushed off
the frame.
"""

from __future__ import annotations

import io
import math
import pathlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

from capture.cv import cv2
from capture.demo import fundus_scene, skin_scene

Image8 = npt.NDArray[np.uint8]

#: Labels of degraded copies that must get at least a warning (the issue's promise).
MUST_WARN = ("blurred", "motion-blurred", "over-exposed", "under-exposed")


@dataclass
class Sample:
    name: str
    specialty: str
    label: str  # "good" or the degradation
    rgb: Image8


def jpeg_bytes(rgb: Image8, **options: object) -> bytes:
    """``rgb`` as a JPEG file written by Pillow (options: exif, comment, icc_profile…)."""
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=90, **options)
    return buffer.getvalue()


def jpeg_round_trip(rgb: Image8, quality: int = 90) -> Image8:
    ok, data = cv2.imencode(".jpg", rgb[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return np.ascontiguousarray(cv2.imdecode(data, cv2.IMREAD_COLOR)[:, :, ::-1])


def dead_leaves(width: int, height: int, seed: int) -> Image8:
    """Random coloured discs, radii from a 1/r³ law, painted back to front, with fine grain."""
    rng = np.random.default_rng(seed)
    img = np.zeros((height, width, 3), np.uint8)
    img[:] = rng.integers(40, 220, 3)
    r_min, r_max = 0.004 * max(width, height), 0.15 * max(width, height)
    # Natural scenes are mostly browns, beiges and greys with a few saturated objects.
    tones = np.array(
        [
            (224, 178, 150),
            (170, 118, 86),
            (124, 82, 58),
            (200, 190, 180),
            (90, 90, 95),
            (150, 120, 100),
            (235, 225, 210),
            (60, 45, 40),
        ],
        np.int64,
    )
    palette = np.clip(tones + rng.integers(-25, 25, tones.shape), 0, 255)
    for _ in range(int(1800 * (width * height) / 1.9e6) + 400):
        u = rng.random()
        radius = (r_min**-2 - u * (r_min**-2 - r_max**-2)) ** -0.5
        centre = (int(rng.uniform(0, width)), int(rng.uniform(0, height)))
        colour = palette[rng.integers(0, len(palette))] + rng.integers(-20, 20, 3)
        cv2.circle(img, centre, max(1, int(radius)), tuple(int(c) for c in np.clip(colour, 0, 255)), -1, cv2.LINE_AA)
    grain = rng.normal(0, 3.0, img.shape)
    return np.clip(img.astype(np.float32) + grain, 0, 255).astype(np.uint8)


#: Surgical drape colours (RGB): the blue and the green of operating-room and wound-care drapes.
DRAPES = {"blue": (62, 112, 168), "green": (72, 138, 118)}


def wound_with_drape(width: int, height: int, seed: int, drape: str) -> Image8:
    """A wound photographed on a surgical drape: skin with a red wound bed and yellow slough in the
    middle of the frame, a blue or green drape with folds around it covering about half the
    picture, as wound-care and surgical photos are taken. The drape's colour is the scene's, not
    a cast: it must not be taken for one."""
    rng = np.random.default_rng(seed)
    skin = skin_scene(width, height, seed).astype(np.float32)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    # The drape: a cloth colour with soft folds and weave, around an opening on the skin.
    cloth = np.empty((height, width, 3), np.float32)
    cloth[:] = np.array(DRAPES[drape], np.float32) * rng.uniform(0.85, 1.15)
    folds = sum(
        np.sin((xx * math.cos(a) + yy * math.sin(a)) / rng.uniform(25, 70) + rng.uniform(0, 6))
        for a in rng.uniform(0, math.pi, 4)
    )
    cloth *= (1.0 + 0.06 * folds)[:, :, None]
    cloth += rng.normal(0, 4.0, cloth.shape).astype(np.float32)
    cx, cy = width * rng.uniform(0.45, 0.55), height * rng.uniform(0.45, 0.55)
    half_width, half_height = width * rng.uniform(0.30, 0.38), height * rng.uniform(0.30, 0.38)
    opening = ((xx - cx) / half_width) ** 2 + ((yy - cy) / half_height) ** 2
    on_skin = cv2.GaussianBlur((opening < 1).astype(np.float32), (0, 0), 3.0)[:, :, None]
    img = skin * on_skin + cloth * (1 - on_skin)
    # The wound: a red granulating bed with yellow slough, irregular edge.
    angle = np.arctan2(yy - cy, xx - cx)
    radius = min(width, height) * rng.uniform(0.08, 0.13) * (1 + 0.15 * np.sin(angle * 3 + rng.uniform(0, 6)))
    bed = np.clip((radius - np.hypot(xx - cx, yy - cy)) / 5.0, 0, 1)[:, :, None]
    grain = rng.normal(0, 10, (height, width, 1)).astype(np.float32)
    red = np.array([178, 52, 50], np.float32) + grain
    slough = np.clip(np.sin(xx / 23.0) * np.cos(yy / 31.0) - 0.4, 0, 1)[:, :, None]
    wound = red * (1 - slough) + np.array([214, 190, 110], np.float32) * slough
    img = img * (1 - bed) + wound * bed
    return np.clip(img, 0, 255).astype(np.uint8)


def gaussian_blur(rgb: Image8, fraction: float) -> Image8:
    sigma = fraction * max(rgb.shape[:2])
    return np.asarray(cv2.GaussianBlur(rgb, (0, 0), sigma), dtype=np.uint8)


def motion_blur(rgb: Image8, fraction: float, angle: float) -> Image8:
    length = max(3, int(fraction * max(rgb.shape[:2])))
    kernel = np.zeros((length, length), np.float32)
    centre = length // 2
    dx, dy = math.cos(angle) * centre, math.sin(angle) * centre
    cv2.line(kernel, (int(centre - dx), int(centre - dy)), (int(centre + dx), int(centre + dy)), 1.0, 1)
    kernel /= kernel.sum()
    return np.asarray(cv2.filter2D(rgb, -1, kernel), dtype=np.uint8)


def over_exposed(rgb: Image8) -> Image8:
    """Gain until a third of the picture is burnt out, as with a flash too close."""
    luma = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    gain = 250.0 / max(1.0, float(np.percentile(luma[luma > 10], 60)))
    return np.clip(rgb.astype(np.float32) * max(gain, 1.3), 0, 255).astype(np.uint8)


def under_exposed(rgb: Image8, top: float = 60.0) -> Image8:
    """Light so weak that even the brightest parts of the picture stay dark."""
    luma = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    gain = top / max(1.0, float(np.percentile(luma, 99)))
    noisy = rgb.astype(np.float32) * min(gain, 0.6) + np.random.default_rng(1).normal(0, 1.5, rgb.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def colour_cast(rgb: Image8, kind: str) -> Image8:
    gains = {"blue": (0.72, 0.95, 1.35), "green": (0.8, 1.2, 0.85), "magenta": (1.1, 0.72, 1.3)}[kind]
    return np.clip(rgb.astype(np.float32) * np.array(gains, np.float32), 0, 255).astype(np.uint8)


def cropped_field(rgb: Image8, keep: float) -> Image8:
    """The retinal field pushed off the frame: only ``keep`` of the width remains."""
    width = rgb.shape[1]
    return np.ascontiguousarray(rgb[:, : int(width * keep)])


_DERM_SIZES = [(1280, 960), (1600, 1200), (2048, 1536), (1920, 1080), (1024, 768), (2400, 1600)]
_RETINA_SIZES = [(1600, 1200), (2048, 1536), (1440, 1080), (1280, 960), (2592, 1944)]


def good_images(count: int = 24) -> Iterator[Sample]:
    """The good images: skin, dead leaves and fundus scenes at several seeds and sizes."""
    for seed in range(count):
        width, height = _DERM_SIZES[seed % len(_DERM_SIZES)]
        if seed % 3 == 2:
            yield Sample(f"leaves-{seed}", "dermatology", "good", jpeg_round_trip(dead_leaves(width, height, seed)))
        else:
            yield Sample(f"skin-{seed}", "dermatology", "good", jpeg_round_trip(skin_scene(width, height, seed)))
        width, height = _RETINA_SIZES[seed % len(_RETINA_SIZES)]
        eye = "right" if seed % 2 else "left"
        field = "disc" if seed % 4 == 3 else "macula"
        fundus = fundus_scene(width, height, 100 + seed, eye=eye, field=field)
        yield Sample(f"fundus-{seed}", "ophthalmology", "good", jpeg_round_trip(fundus))


def degraded(sample: Sample, index: int) -> Iterator[Sample]:
    """The degraded copies of one good image."""
    rng = np.random.default_rng(index)
    rgb, base = sample.rgb, sample.name
    yield Sample(f"{base}/blur", sample.specialty, "blurred", gaussian_blur(rgb, rng.uniform(0.003, 0.006)))
    yield Sample(
        f"{base}/motion",
        sample.specialty,
        "motion-blurred",
        motion_blur(rgb, rng.uniform(0.012, 0.025), rng.uniform(0, math.pi)),
    )
    yield Sample(f"{base}/over", sample.specialty, "over-exposed", over_exposed(rgb))
    yield Sample(f"{base}/under", sample.specialty, "under-exposed", under_exposed(rgb))
    kind = ("blue", "green", "magenta")[index % 3]
    yield Sample(f"{base}/cast-{kind}", sample.specialty, "colour-cast", colour_cast(rgb, kind))
    if sample.specialty == "ophthalmology":
        yield Sample(f"{base}/crop", sample.specialty, "cropped-field", cropped_field(rgb, rng.uniform(0.45, 0.6)))


def labelled_set(count: int = 24) -> Iterator[Sample]:
    """Every good image followed by its degraded copies."""
    for index, sample in enumerate(good_images(count)):
        yield sample
        yield from degraded(sample, index)


# --- the colour set: casts on generated scenes, wounds on drapes and real photographs -------------

CAST_KINDS = ("blue", "green", "magenta")
REAL_DIRS = ("real", "real-cameras")


@dataclass
class ColourSample:
    name: str
    specialty: str
    origin: str  # "generated", "drape" or "real"
    half: str  # "tuning" (the thresholds were set on it) or "held-out" (they were not)
    label: str  # "good" or "cast"
    rgb: Image8


def real_photographs() -> Iterator[tuple[str, str, Image8]]:
    """The real photographs of tests/fixtures, upright (one of the eight orientation copies)."""
    from capture.importer import decode_photo
    from capture.sniff import sniff

    fixtures = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
    for folder in REAL_DIRS:
        for path in sorted((fixtures / folder).iterdir()):
            if path.suffix.lower() not in (".jpg", ".jpeg", ".heic") or (
                "orientation_" in path.name and not path.name.endswith("_1.jpg")
            ):
                continue
            data = path.read_bytes()
            fmt = sniff(data)
            assert fmt is not None
            decoded = decode_photo(data, name=path.name, fmt=fmt, full=False)
            specialty = "ophthalmology" if path.name.startswith("retina") else "dermatology"
            yield path.name, specialty, decoded.rgb


def colour_set(seeds: int = 12, drapes: int = 12) -> Iterator[ColourSample]:
    """Good images and a blue, a green and a magenta cast of each, split in two halves by index."""
    goods: list[tuple[str, str, str, Image8]] = [(s.name, s.specialty, "generated", s.rgb) for s in good_images(seeds)]
    goods += [
        (
            f"drape-{n}",
            "wound-care",
            "drape",
            jpeg_round_trip(wound_with_drape(1600, 1200, 300 + n, "blue" if n % 2 else "green")),
        )
        for n in range(drapes)
    ]
    goods += [(name, specialty, "real", rgb) for name, specialty, rgb in real_photographs()]
    index: dict[str, int] = {}
    for name, specialty, origin, rgb in goods:
        position = index[origin] = index.get(origin, -1) + 1
        # Pairs of generated images share a seed (one skin, one fundus): split by seed.
        half = "tuning" if (position // 2 if origin == "generated" else position) % 2 == 0 else "held-out"
        yield ColourSample(name, specialty, origin, half, "good", rgb)
        for kind in CAST_KINDS:
            yield ColourSample(f"{name}/cast-{kind}", specialty, origin, half, "cast", colour_cast(rgb, kind))
