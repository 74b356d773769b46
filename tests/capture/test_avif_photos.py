"""AVIF photos (recent Android phones can save them, and a browser's download of a web gallery often is
one) are imported as JPEG without their metadata. Found from outside: refused « not a recognised image »."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from capture.demo import skin_scene
from capture.pipeline import prepare_image_bytes

GPS_IFD, MAKE, MODEL = 0x8825, 0x010F, 0x0110


def test_an_avif_photo_is_imported_as_jpeg_without_its_gps_or_its_device() -> None:
    rgb = skin_scene(1280, 960, seed=4)
    exif = Image.Exif()
    exif[MAKE], exif[MODEL] = "samsung", "SM-S918B"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "AVIF", quality=90, exif=exif)
    data = buffer.getvalue()
    assert b"SM-S918B" in data

    prepared = prepare_image_bytes(data, filename="lesion.avif", specialty="dermatology")

    assert prepared.content_type == "image/jpeg"
    assert (prepared.width, prepared.height) == (1280, 960)
    assert b"SM-S918B" not in prepared.data and b"Exif" not in prepared.data
    assert prepared.device == "samsung SM-S918B"  # kept as a fact of the image, not in the file sent
    with Image.open(io.BytesIO(prepared.data)) as sent:
        assert np.abs(np.asarray(sent.convert("RGB")).astype(int) - rgb.astype(int)).mean() < 4.0
