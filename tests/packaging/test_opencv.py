"""The bundle's OpenCV (packaging/build_opencv.py) does all that Teleavis asks of OpenCV.

The bundle ships the pinned OpenCV release built without FFmpeg, OpenBLAS and the modules Teleavis
never calls. Here the capture tests (a camera read through a recorded MJPEG stream, the quality
checks, face and eye detection, the stills' encoding, the real cameras' photos) run again with that
OpenCV in place of the wheel, so what was left out is shown not to be what capture needs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from tests.packaging.built import ROOT, built_opencv, env_with_path

# Compiling OpenCV the first time takes minutes (python3 dev.py test does it before the tests).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]


@pytest.fixture(scope="module")
def opencv_site() -> Path:
    return built_opencv()


def with_site(site: Path) -> dict[str, str]:
    return dict(env_with_path(site, ROOT), QT_QPA_PLATFORM="offscreen")


PROBE = """
import json, cv2
print(json.dumps({
    "file": cv2.__file__,
    "version": cv2.__version__,
    "has": {name: cv2.videoio_registry.hasBackend(getattr(cv2, "CAP_" + name))
            for name in ("V4L2", "OPENCV_MJPEG", "FFMPEG", "GSTREAMER")},
    "cascades": cv2.data.haarcascades,
    "lapack": [line for line in cv2.getBuildInformation().splitlines() if "Lapack" in line],
}))
"""


def test_it_is_the_pinned_release_without_video_codecs(opencv_site: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=with_site(opencv_site), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert Path(found["file"]).resolve().is_relative_to(opencv_site.resolve())
    assert metadata.version("opencv-python-headless").startswith(found["version"] + ".")
    # USB cameras (V4L2) and recorded MJPEG streams (OpenCV's own reader); no FFmpeg, no GStreamer.
    assert found["has"] == {"V4L2": True, "OPENCV_MJPEG": True, "FFMPEG": False, "GSTREAMER": False}
    assert found["lapack"] == [] or all("NO" in line for line in found["lapack"])
    cascades = sorted(p.name for p in Path(found["cascades"]).glob("*.xml"))
    assert cascades == ["haarcascade_eye.xml", "haarcascade_frontalface_default.xml"]


def test_the_capture_tests_pass_with_it(opencv_site: Path) -> None:
    # The same process imports that cv2 first and says so, then runs the capture tests.
    run = (
        "import sys, cv2, pytest; from pathlib import Path; "
        f"assert Path(cv2.__file__).resolve().is_relative_to(Path({str(opencv_site.resolve())!r})), cv2.__file__; "
        "sys.exit(pytest.main(['-p', 'no:cacheprovider', '-q', '-x', 'tests/capture']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", run], cwd=ROOT, env=with_site(opencv_site), capture_output=True, text=True, timeout=3000
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    print("\n" + result.stdout.strip().splitlines()[-1])
