"""Real JPEG/PNG images made for the tests: skin with a lesion, a fundus, plain noise."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def skin_photo(width: int = 1600, height: int = 1200, seed: int = 0) -> Image.Image:
    """A sharp, evenly lit photo of skin with a pigmented lesion (RGB)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.array([224, 172, 140], dtype=np.float32)
    pores = rng.normal(0, 9, (height, width)).astype(np.float32)
    folds = 8 * np.sin(xx / 13.0 + 3 * np.sin(yy / 57.0)) * np.cos(yy / 21.0)
    img = base[None, None, :] + (pores + folds)[:, :, None]
    cx, cy = width * (0.45 + 0.1 * rng.random()), height * (0.45 + 0.1 * rng.random())
    radius = min(width, height) * 0.12
    d = np.hypot((xx - cx) / 1.2, yy - cy) + 12 * np.sin(np.arctan2(yy - cy, xx - cx) * 5)
    lesion = np.clip((radius - d) / 6.0, 0, 1)[:, :, None]
    brown = np.array([92, 58, 40], dtype=np.float32) + rng.normal(0, 12, (height, width, 1)).astype(np.float32)
    img = img * (1 - lesion) + brown * lesion
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")


def jpeg_bytes(image: Image.Image, quality: int = 90, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, **params)
    return out.getvalue()


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def fundus_photo(size: int = 1400, seed: int = 0, eye: str = "right", field: str = "macula") -> Image.Image:
    """A retinograph-like image: black surround, orange disc field, bright optic disc, vessels, macula.

    As a fundus camera sees it: a macula-centred ``field`` has the macula at the centre and the disc on
    the nasal side (the right of the image for a right eye), a disc-centred one the disc at the centre
    and the macula on the temporal side (``app.validation.field_doubt`` compares it with the field named)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    c = size / 2
    r = np.hypot(xx - c, yy - c)
    aperture = (r < size * 0.46).astype(np.float32)
    img = np.zeros((size, size, 3), np.float32)
    img[..., 0], img[..., 1], img[..., 2] = 200, 90, 40
    img *= (1 - 0.35 * (r / (size * 0.46)) ** 2)[:, :, None]
    nasal = (0.28 if eye == "right" else -0.28) * size
    disc_x, mac_x = (c, c - nasal) if field == "disc" else (c + nasal, c)
    disc = np.exp(-(((xx - disc_x) ** 2 + (yy - c) ** 2) / (2 * (size * 0.05) ** 2)))
    img += disc[:, :, None] * np.array([55, 120, 90], np.float32)
    mac = np.exp(-(((xx - mac_x) ** 2 + (yy - c) ** 2) / (2 * (size * 0.06) ** 2)))
    img -= mac[:, :, None] * np.array([70, 40, 20], np.float32)
    for k in range(14):
        angle = 2 * np.pi * k / 14 + rng.normal(0, 0.1)
        t = np.linspace(0, size * 0.6, 900)
        px = disc_x + t * np.cos(angle) + 40 * np.sin(t / 90 + k)
        py = c + t * np.sin(angle) + 30 * np.cos(t / 70 + k)
        width = 5 - 3 * (t / t.max())
        for x, y, w in zip(px[::3], py[::3], width[::3], strict=False):
            xi, yi = int(x), int(y)
            if 0 <= xi < size and 0 <= yi < size:
                rad = max(1, int(w))
                img[max(0, yi - rad) : yi + rad, max(0, xi - rad) : xi + rad] *= np.array([0.7, 0.45, 0.5], np.float32)
    img += rng.normal(0, 3, img.shape).astype(np.float32)
    img *= aperture[:, :, None]
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
