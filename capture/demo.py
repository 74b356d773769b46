"""A demo camera: moving, realistic-looking skin and fundus images without any hardware.

Training mode and the tests need a camera when none is plugged in. A scene (skin with a pigmented
lesion, or a fundus with vessels, optic disc and macula) is drawn once, with detail at the
pixel scale as a real sensor gives it; each frame then moves it slightly (a hand or an eye is
never still), changes the light a little, and adds sensor noise.

A scene takes about a second of one core to draw, and the camera is reopened each time a case is
opened or its specialty changes: scenes (and the noise fields) are drawn once per process and kept. A
frame moves the scene by whole pixels (a crop, where resampling it cost tens of ms a frame).
"""

from __future__ import annotations

import math
import threading
import time

import numpy as np
import numpy.typing as npt

from capture.cv import cv2
from capture.messages import message

Image8 = npt.NDArray[np.uint8]

# How far the noise windows of successive frames move (pixels): enough that successive frames seldom share their noise.
_NOISE_MARGIN = 64

_cache_lock = threading.Lock()
_scenes: dict[tuple[str, int, int, int], Image8] = {}
_noise_fields: dict[tuple[int, ...], Image8] = {}


def _scene(kind: str, width: int, height: int, seed: int) -> Image8:
    """The BGR scene for a camera of this kind and size, drawn the first time it is asked for."""
    key = (kind, width, height, seed)
    with _cache_lock:
        scene = _scenes.get(key)
        if scene is None:
            drawn = fundus_scene(width, height, seed) if kind == "ophthalmology" else skin_scene(width, height, seed)
            scene = np.ascontiguousarray(drawn[:, :, ::-1])
            scene.flags.writeable = False  # shared by every camera of this kind: frames are new arrays
            _scenes[key] = scene
        return scene


# Skin tones (RGB) from very fair to very dark (Fitzpatrick I–VI).
_SKIN_TONES = [(236, 200, 178), (224, 178, 150), (205, 150, 118), (170, 118, 86), (124, 82, 58), (86, 56, 40)]


def _noise(rng: np.random.Generator, height: int, width: int, sigma: float) -> npt.NDArray[np.float32]:
    """Smooth random field with zero mean and unit deviation, at the scale ``sigma`` (pixels)."""
    if sigma > 4:
        # Broad fields are drawn small and enlarged: a wide Gaussian kernel costs seconds.
        factor = sigma / 2.0
        small_h, small_w = max(2, int(height / factor) + 2), max(2, int(width / factor) + 2)
        coarse = cv2.GaussianBlur(rng.standard_normal((small_h, small_w)).astype(np.float32), (0, 0), 2.0)
        field = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    else:
        field = rng.standard_normal((height, width)).astype(np.float32)
        if sigma > 0:
            field = cv2.GaussianBlur(field, (0, 0), sigma)
    std = float(field.std()) or 1.0
    return np.asarray((field - field.mean()) / std, dtype=np.float32)


def skin_scene(width: int, height: int, seed: int = 0) -> Image8:
    """A close-up of skin with a pigmented lesion, hairs, skin lines, and sometimes a ruler (RGB)."""
    rng = np.random.default_rng(seed)
    scale = max(width, height) / 1000.0
    tone = np.array(_SKIN_TONES[int(rng.integers(0, len(_SKIN_TONES)))], np.float32)
    img = np.empty((height, width, 3), np.float32)
    img[:] = tone
    # Lighting falls off across the frame; mottled redness at the millimetre scale.
    light = 1.0 + 0.08 * _noise(rng, height, width, 120 * scale)
    redness = 9.0 * np.maximum(_noise(rng, height, width, 10 * scale), 0.0)
    img *= light[:, :, None]
    img[:, :, 0] += redness
    img[:, :, 1] -= 0.4 * redness
    # Fine skin texture: pores and micro-relief, at the pixel scale a sharp sensor resolves.
    relief = _noise(rng, height, width, 0.8 * scale)
    img += (5.0 * relief)[:, :, None]
    pores = rng.random((height, width)) < 0.004
    pore_map = cv2.GaussianBlur(pores.astype(np.float32), (0, 0), 0.9 * scale) * 60.0
    img -= (pore_map * 0.5)[:, :, None]
    _skin_lines(img, rng, scale)
    _lesion(img, rng, scale, tone)
    _hairs(img, rng, scale)
    if rng.random() < 0.5:
        _ruler(img, rng, scale)
    return np.clip(img, 0, 255).astype(np.uint8)


def _skin_lines(img: npt.NDArray[np.float32], rng: np.random.Generator, scale: float) -> None:
    height, width = img.shape[:2]
    canvas = np.zeros((height, width), np.float32)
    for angle in (rng.uniform(0, math.pi), rng.uniform(0, math.pi)):
        for _ in range(int(25 * rng.uniform(0.6, 1.4))):
            x0, y0 = rng.uniform(0, width), rng.uniform(0, height)
            length = rng.uniform(40, 160) * scale
            dx, dy = math.cos(angle) * length, math.sin(angle) * length
            cv2.line(canvas, (int(x0), int(y0)), (int(x0 + dx), int(y0 + dy)), 1.0, max(1, round(scale)), cv2.LINE_AA)
    img -= (cv2.GaussianBlur(canvas, (0, 0), 0.7 * scale) * 14.0)[:, :, None]


def _lesion(
    img: npt.NDArray[np.float32], rng: np.random.Generator, scale: float, tone: npt.NDArray[np.float32]
) -> None:
    height, width = img.shape[:2]
    cx = width * rng.uniform(0.38, 0.62)
    cy = height * rng.uniform(0.38, 0.62)
    radius = min(width, height) * rng.uniform(0.10, 0.22)
    angles = np.linspace(0, 2 * math.pi, 180, endpoint=False)
    wobble = np.ones_like(angles)
    for k in range(2, 7):
        wobble += rng.uniform(0.02, 0.12) / k * np.cos(k * angles + rng.uniform(0, 2 * math.pi))
    points = np.stack([cx + radius * wobble * np.cos(angles), cy + radius * wobble * np.sin(angles)], axis=1)
    mask = np.zeros((height, width), np.float32)
    cv2.fillPoly(mask, [points.astype(np.int32)], 1.0, cv2.LINE_AA)
    mask = np.asarray(cv2.GaussianBlur(mask, (0, 0), 2.0 * scale), dtype=np.float32)
    # Pigment network and globules: darker brown, uneven, with crisp small structures.
    network = _noise(rng, height, width, 2.5 * scale)
    pigment = np.clip(0.55 + 0.25 * network + 0.2 * _noise(rng, height, width, 25 * scale), 0.15, 1.0)
    brown = np.array([95, 58, 38], np.float32) * (0.6 + 0.4 * (tone / 255.0))
    strength = (mask * pigment)[:, :, None]
    img[:] = img * (1.0 - strength) + brown * strength
    globules = (rng.random((height, width)) < 0.002) & (mask > 0.5)
    dots = cv2.GaussianBlur(globules.astype(np.float32), (0, 0), 1.5 * scale) * 80.0
    img -= dots[:, :, None]


def _hairs(img: npt.NDArray[np.float32], rng: np.random.Generator, scale: float) -> None:
    height, width = img.shape[:2]
    canvas = np.zeros((height, width), np.float32)
    base_angle = rng.uniform(0, math.pi)
    for _ in range(int(rng.integers(4, 30))):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        angle = base_angle + rng.normal(0, 0.3)
        points = []
        for _step in range(12):
            points.append((x, y))
            angle += rng.normal(0, 0.08)
            x += math.cos(angle) * 12 * scale
            y += math.sin(angle) * 12 * scale
        cv2.polylines(canvas, [np.array(points, np.int32)], False, 1.0, max(1, round(1.2 * scale)), cv2.LINE_AA)
    img[:] = img * (1.0 - 0.7 * canvas[:, :, None]) + 30.0 * 0.7 * canvas[:, :, None]


def _ruler(img: npt.NDArray[np.float32], rng: np.random.Generator, scale: float) -> None:
    height, width = img.shape[:2]
    band = int(45 * scale)
    top = height - band - int(rng.uniform(10, 40) * scale)
    img[top : top + band, :] = 235.0
    step = 10 * scale
    for i in range(int(width / step)):
        x = int(i * step)
        length = band // 2 if i % 10 == 0 else band // 4
        cv2.line(img, (x, top), (x, top + length), (20.0, 20.0, 20.0), max(1, round(scale)), cv2.LINE_AA)


def fundus_scene(width: int, height: int, seed: int = 0, *, eye: str = "right", field: str = "macula") -> Image8:
    """A 45° fundus photograph on a black surround: vessels, optic disc and macula (RGB).

    As a fundus camera sees it: the disc on the nasal side, on the right of the image for a right eye
    and on the left for a left eye (the eye-side check of the checklist relies on it), at the centre
    of a disc-centred ``field``.
    """
    rng = np.random.default_rng(seed)
    radius = min(width, height) * rng.uniform(0.46, 0.53)  # above 0.5 the frame clips the field
    cx, cy = width / 2.0, height / 2.0
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    dist = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / radius
    base = np.array([rng.uniform(175, 225), rng.uniform(75, 105), rng.uniform(25, 45)], np.float32)
    img = np.empty((height, width, 3), np.float32)
    img[:] = base
    vignette = 1.0 - 0.35 * np.clip(dist, 0, 1) ** 2
    choroid = 1.0 + 0.05 * _noise(rng, height, width, 6 * radius / 450)
    img *= (vignette * choroid)[:, :, None]
    disc_offset = 0.0 if field == "disc" else 0.52 * radius
    side = 1.0 if eye == "right" else -1.0
    mac_x = cx - (0.52 * radius if field == "disc" else 0.0) * side
    disc_x, disc_y = cx + disc_offset * side, cy - 0.03 * radius
    # Macula: darker, browner, with a small bright foveal reflex.
    macula = np.exp(-(((xx - mac_x) ** 2 + (yy - cy) ** 2) / (2 * (0.14 * radius) ** 2)))
    img *= (1.0 - 0.35 * macula)[:, :, None]
    fovea = np.exp(-(((xx - mac_x) ** 2 + (yy - cy) ** 2) / (2 * (0.008 * radius) ** 2)))
    img += (60.0 * fovea)[:, :, None]
    _vessels(img, rng, disc_x, disc_y, radius, side)
    disc_r = 0.16 * radius
    disc = np.exp(-((((xx - disc_x) ** 2 + (yy - disc_y) ** 2) / disc_r**2) ** 3))
    cup = np.exp(-((((xx - disc_x) ** 2 + (yy - disc_y) ** 2) / (0.45 * disc_r) ** 2) ** 2))
    disc_colour = np.array([250, 200, 130], np.float32)
    img = img * (1.0 - 0.85 * disc[:, :, None]) + disc_colour * 0.85 * disc[:, :, None]
    img += np.array([5, 25, 30], np.float32) * cup[:, :, None]
    img += rng.normal(0, 2.0, img.shape).astype(np.float32)
    img = np.asarray(cv2.GaussianBlur(img, (0, 0), 0.5 * radius / 450), dtype=np.float32)
    edge = np.clip((1.0 - dist) * radius / 3.0, 0, 1)  # the aperture's edge is sharp but not aliased
    img *= edge[:, :, None]
    return np.clip(img, 0, 255).astype(np.uint8)


def _vessels(
    img: npt.NDArray[np.float32], rng: np.random.Generator, x0: float, y0: float, radius: float, side: float
) -> None:
    height, width = img.shape[:2]
    veins = np.zeros((height, width), np.float32)
    arteries = np.zeros((height, width), np.float32)
    # Four arcades leave the disc: two temporal ones curve around the macula, two nasal ones.
    for direction, curve, canvas in (
        (math.pi + 1.15, -0.010, veins),
        (math.pi - 1.15, 0.010, veins),
        (math.pi + 1.0, -0.011, arteries),
        (math.pi - 1.0, 0.011, arteries),
        (0.7, 0.004, veins),
        (-0.7, -0.004, veins),
        (0.55, 0.003, arteries),
        (-0.55, -0.003, arteries),
    ):
        angle = direction if side > 0 else math.pi - direction
        bend = curve if side > 0 else -curve
        _branch(canvas, rng, x0, y0, angle, bend, 0.022 * radius, 1.2 * radius, radius, depth=0)
    veins = np.asarray(cv2.GaussianBlur(veins, (0, 0), 0.6), dtype=np.float32)
    arteries = np.asarray(cv2.GaussianBlur(arteries, (0, 0), 0.6), dtype=np.float32)
    img[:] = img * (1.0 - 0.55 * veins[:, :, None]) + np.array([110, 25, 20], np.float32) * 0.55 * veins[:, :, None]
    img[:] = img * (1.0 - 0.4 * arteries[:, :, None]) + np.array([150, 45, 30], np.float32) * 0.4 * arteries[:, :, None]


def _branch(
    canvas: npt.NDArray[np.float32],
    rng: np.random.Generator,
    x: float,
    y: float,
    angle: float,
    bend: float,
    width: float,
    length: float,
    radius: float,
    depth: int,
) -> None:
    step = max(3.0, radius / 60.0)
    travelled = 0.0
    while travelled < length and width >= 0.6:
        nx = x + math.cos(angle) * step
        ny = y + math.sin(angle) * step
        cv2.line(
            canvas,
            (int(x * 4), int(y * 4)),
            (int(nx * 4), int(ny * 4)),
            1.0,
            max(1, round(width)),
            cv2.LINE_AA,
            shift=2,
        )
        x, y = nx, ny
        angle += bend * step / 3.0 + rng.normal(0, 0.06)
        travelled += step
        width *= 0.995
        if depth < 4 and rng.random() < 0.045:
            sign = 1.0 if rng.random() < 0.5 else -1.0
            _branch(
                canvas,
                rng,
                x,
                y,
                angle + sign * rng.uniform(0.5, 1.0),
                bend * rng.uniform(-1, 1),
                width * 0.6,
                length * 0.45,
                radius,
                depth + 1,
            )
            width *= 0.85


class DemoCamera:
    """A frame source with the same interface as an OpenCV camera (BGR frames, paced at ``fps``)."""

    def __init__(
        self, kind: str = "dermatology", width: int = 1280, height: int = 720, fps: float = 30.0, seed: int = 0
    ) -> None:
        self.kind = kind
        self.width, self.height, self.fps = width, height, fps
        self.name = message("camera.demo-retinograph" if kind == "ophthalmology" else "camera.demo")
        self._seed = seed
        self._rng = np.random.default_rng(seed)
        self._scene: Image8 | None = None
        self._mirrored: Image8 | None = None  # the fundus as the other eye's (its disc on the other side)
        #: The eye a demo retinograph draws: ``right`` or ``left`` (set from the window's thread as the case asks
        #: for the other eye; read once a frame).
        self.eye = "right"
        self._noise: Image8 | None = None
        self._started = 0.0
        self._next = 0.0
        self._lock = threading.Lock()
        self.is_open = False

    def open(self) -> bool:
        """Take the scene (drawn once per process) and start the clock."""
        with self._lock:
            if self._scene is None:
                margin_w, margin_h = self.width + self.width // 10, self.height + self.height // 10
                self._scene = _scene(self.kind, margin_w, margin_h, self._seed)
                if self.kind == "ophthalmology":
                    # A left eye is a right one seen in a mirror: its disc on the left of the image (the
                    # eye-side check); drawn from it once, not a second fundus drawn.
                    self._mirrored = np.ascontiguousarray(self._scene[:, ::-1])
            self._started = self._next = time.monotonic()
            self.is_open = True
        return True

    def read(self) -> tuple[bool, Image8 | None]:
        """The next frame, given at its time so that the stream runs at ``fps``. It is drawn before
        its time comes, as a camera's sensor and driver have the frame ready when they deliver it: drawn
        after, every frame (and every still) came a drawing's time late."""
        if not self.is_open or self._scene is None:
            return False, None
        due = self._next
        frame = self.frame_at(due - self._started)
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self._next = max(due + 1.0 / self.fps, time.monotonic() - 1.0 / self.fps)
        return True, frame

    def frame_at(self, t: float) -> Image8:
        """The frame at ``t`` seconds: the scene drifted and breathing light, with sensor noise."""
        assert self._scene is not None
        scene = self._mirrored if self.eye == "left" and self._mirrored is not None else self._scene
        dx = (self.width // 20) * (1 + math.sin(0.7 * t)) + 3 * math.sin(5.1 * t)
        dy = (self.height // 20) * (1 + math.sin(0.45 * t + 1.0)) + 2 * math.cos(4.3 * t)
        # Whole pixels: a crop of the scene (resampling it cost tens of ms a frame on a busy machine).
        x = min(max(round(dx), 0), scene.shape[1] - self.width)
        y = min(max(round(dy), 0), scene.shape[0] - self.height)
        frame = scene[y : y + self.height, x : x + self.width]
        gain = 1.0 + 0.03 * math.sin(1.3 * t)
        # Sensor noise, centred on zero: add a noise image and subtract another, each a window at a random
        # place in a field drawn once. Drawing two full-size fields for every frame cost more than the rest
        # of the frame (about 100 ms of a core at full HD, 30 times a second): the demo camera alone kept a
        # core of a 2-core machine busy, and a photo waited behind it.
        field = self._noise_field(frame.shape)
        margin_h, margin_w = field.shape[0] - frame.shape[0], field.shape[1] - frame.shape[1]
        (y1, y2), (x1, x2) = self._rng.integers(0, margin_h + 1, 2), self._rng.integers(0, margin_w + 1, 2)
        brighter = field[y1 : y1 + frame.shape[0], x1 : x1 + frame.shape[1]]
        darker = field[y2 : y2 + frame.shape[0], x2 : x2 + frame.shape[1]]
        lit = cv2.add(cv2.convertScaleAbs(frame, alpha=gain), brighter)
        return np.asarray(cv2.subtract(lit, darker), dtype=np.uint8)

    def _noise_field(self, shape: tuple[int, ...]) -> Image8:
        """Sensor noise (0–3 per channel) a little larger than a frame of ``shape``, drawn once per process."""
        wanted = (shape[0] + _NOISE_MARGIN, shape[1] + _NOISE_MARGIN, *shape[2:])
        if self._noise is None or self._noise.shape != wanted:
            with _cache_lock:
                field = _noise_fields.get(wanted)
                if field is None:
                    field = np.random.default_rng(len(_noise_fields)).integers(0, 4, wanted, dtype=np.uint8)
                    _noise_fields[wanted] = field
            self._noise = field
        return self._noise

    def release(self) -> None:
        """Stop the stream (the scene is kept for the next open)."""
        self.is_open = False
