"""The one door to OpenCV: sets the environment it reads at import time, then imports it.

On Windows the Media Foundation backend applies hardware colour transforms that make many USB
cameras take seconds to open and sometimes return green frames; OpenCV only reads this variable
when it is first imported, so it must be set here, before any other module imports ``cv2``.
"""

from __future__ import annotations

import os
import sys

if sys.platform == "win32":  # pragma: no cover - platform specific
    os.environ.setdefault("OPENCV_VIDEOIO_MSMF_ENABLE_HW_TRANSFORMS", "0")

import cv2

__all__ = ["cv2"]
