"""The bundle's OpenCV (packaging/build_opencv.py) is as fast as the wheel where a person waits.

The bundle's OpenCV leaves out FFmpeg, OpenBLAS and Intel's IPP, and a build machine without nasm
would quietly give a libjpeg-turbo without SIMD (a still then took 7 times longer to encode). Each
figure is measured by the wheel's OpenCV and by the bundle's in child processes, alternately, on
the same 12 MP images; the bundle's must stay within LIMIT of the wheel's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.built import ROOT, built_opencv, env_with_path

pytestmark = [pytest.mark.bench, pytest.mark.slow, pytest.mark.timeout(3600)]

LIMIT = 1.3
ROUNDS = 5

MEASURE = """
import json
import cv2, numpy as np
from capture.camera import preview_buffer
from capture.demo import skin_scene
from capture.quality import check_quality

rgb = skin_scene(4000, 3000, 2).astype(np.int16)
rgb += np.random.default_rng(0).normal(0, 4.0, rgb.shape).astype(np.int16)
bgr = np.ascontiguousarray(np.clip(rgb, 0, 255).astype(np.uint8)[:, :, ::-1])

from tests.bench.test_capture_bench import timed

def best(action, repeat=5):
    return timed(action, repeat)[0]

print(json.dumps({
    "file": cv2.__file__,
    "encode the still (JPEG 92)": best(lambda: cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 92])),
    "quality checks (with faces)": best(lambda: check_quality(bgr, specialty="dermatology", order="bgr")),
    "preview frame": best(lambda: preview_buffer(bgr), 20),
}))
"""


def measure(path: list[Path]) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE], cwd=ROOT, env=env_with_path(*path), capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-4000:]
    figures: dict[str, float] = json.loads(result.stdout)
    return figures


def test_the_bundles_opencv_is_as_fast_as_the_wheel() -> None:
    site = built_opencv()
    wheel: dict[str, float] = {}
    bundle: dict[str, float] = {}
    for _ in range(ROUNDS):
        for best, path in ((wheel, [ROOT]), (bundle, [site, ROOT])):
            figures = measure(path)
            file = Path(str(figures.pop("file")))
            assert file.resolve().is_relative_to(site.resolve()) == (best is bundle), file
            for name, seconds in figures.items():
                best[name] = min(best.get(name, seconds), seconds)
    print("\n[bench] the bundle's OpenCV against the wheel's, 12 MP (best of rounds):")
    ratios = {}
    for name in wheel:
        ratios[name] = bundle[name] / wheel[name]
        figures = f"wheel {wheel[name] * 1000:7.1f} ms  bundle {bundle[name] * 1000:7.1f} ms"
        print(f"  {name:28s} {figures}  {ratios[name]:.2f}×")
    assert {name: round(r, 2) for name, r in ratios.items() if r > LIMIT} == {}
