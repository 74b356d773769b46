"""Runs one import step in a fresh process and prints, in MiB, the most memory it held at once above
what the process held before it (Linux: the peak resident size, reset just before the step).

    python peak_memory_child.py FILE decode|import
    python -m tests.support.peak_memory_child FILE import-dicom SMALL_DICOM

(as a module for a DICOM: run as a script, this folder's http.py would stand for the standard library's,
which pydicom imports)

Pillow's pixels are allocated outside Python's allocator, where tracemalloc does not see them: the
peak resident size counts everything. A fresh process, so that nothing freed by an earlier step is
reused without showing.
"""

from __future__ import annotations

import gc
import io
import sys
from pathlib import Path

from PIL import Image

from capture.importer import decode_photo
from capture.pipeline import prepare_image_bytes


def _kib(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(key))


path, step = Path(sys.argv[1]), sys.argv[2]
data = path.read_bytes()
# Everything the step loads once (OpenCV's cascades, LittleCMS, libjpeg's tables) is loaded first, on a
# small photo, so that only the image's own memory is measured.
warm = io.BytesIO()
Image.new("RGB", (1200, 900), (200, 150, 120)).save(warm, "JPEG")
prepare_image_bytes(warm.getvalue(), filename="warm.jpg", specialty="dermatology")
if step == "import-dicom":  # pydicom and its JPEG plugin, loaded on the first DICOM: on a small one
    prepare_image_bytes(Path(sys.argv[3]).read_bytes(), filename="warm.dcm", specialty="ophthalmology")
gc.collect()
with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
    clear.write("5")  # the peak resident size starts again from now
before = _kib("VmRSS:")
if step == "decode":
    kept = decode_photo(data, name=path.name, fmt="jpeg", full=True)
elif step == "import-dicom":
    kept = prepare_image_bytes(data, filename=path.name, specialty="ophthalmology")
else:
    kept = prepare_image_bytes(data, filename=path.name, specialty="dermatology")
print((_kib("VmHWM:") - before) / 1024)
