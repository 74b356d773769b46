"""A JPEG 2000 of more than 40 MP is decoded at half its width and height by OpenJPEG (its « reduce ») and
kept so, said as a phone's 108 MP JPEG is: decoded whole, OpenJPEG holds each component in 32 bits beside
Pillow's image, some 16 bytes a pixel. Measured in session 42 in a fresh process (peak resident size above
the warmed process): an untiled 79 MP file took 1453 MiB, now 378; this 42 MP one (6464 × 6464, 306 KB,
tests/fixtures/large/j2k-42mp.jp2: bilinear noise, made by Pillow) 763 MiB, now 197."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from capture.importer import MAX_J2K_WHOLE_PIXELS
from capture.pipeline import prepare_image_bytes

ROOT = Path(__file__).resolve().parents[2]
LARGE = ROOT / "tests" / "fixtures" / "large" / "j2k-42mp.jp2"
SIDE = 6464


def test_a_jpeg2000_over_40_mp_is_kept_halved_and_said_so() -> None:
    assert SIDE * SIDE > MAX_J2K_WHOLE_PIXELS
    prepared = prepare_image_bytes(LARGE.read_bytes(), filename="scan.jp2", specialty="dermatology")
    assert (prepared.width, prepared.height) == (SIDE // 2, SIDE // 2)
    [kept] = [f for f in prepared.quality if f.check == "resolution-kept"]
    assert "42 mégapixels gardée en 10 mégapixels" in kept.text("fr")


def test_its_decode_takes_a_quarter_of_the_memory() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.peak_memory_child", str(LARGE), "import"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        cwd=ROOT,
        check=True,
    )
    peak_mib = float(done.stdout.strip())
    # Decoded whole it took 763 MiB (16 bytes a pixel and more); halved 197. Half of the whole decode's at most.
    assert peak_mib <= 8 * SIDE * SIDE / 2**20, peak_mib
