"""A large multi-frame DICOM (a retinograph's series, an angiography) imported without holding its frames
several times over: the import's peak memory is measured in a fresh process (tests/support/peak_memory_child.py)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image
from pydicom.encaps import encapsulate

from tests.support.dicom import retinograph

REAL_RETINA = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "retina-normal-left-eye.jpg"


def _series(frames: int, *, exif_in_frames: bool = False) -> bytes:
    """A real fundus photograph (2400 × 2400) as ``frames`` JPEG frames of one Ophthalmic Photography file,
    each a little different (as a series is), written as a fundus camera writes them: bare JPEG streams,
    with nothing inside them to strip (``tests.support.dicom`` writes EXIF into its frames, as some do)."""
    with Image.open(REAL_RETINA) as image:
        base = np.asarray(image.convert("RGB").resize((2400, 2400), Image.Resampling.BICUBIC))
    rng = np.random.default_rng(0)
    noise = rng.integers(-5, 6, base.shape, dtype=np.int16)
    bare = []
    for k in range(frames):
        shot = np.clip(base.astype(np.int16) + noise * (k % 3), 0, 255).astype(np.uint8)
        out = io.BytesIO()
        Image.fromarray(shot).save(out, "JPEG", quality=90, subsampling=1)  # 4:2:2, as YBR_FULL_422 says
        bare.append(out.getvalue())
    if exif_in_frames:  # as tests.support.dicom writes them, some devices too: EXIF and a comment in each
        shots = [np.asarray(Image.open(io.BytesIO(frame))) for frame in bare]
        return retinograph(shots, eye="L")
    ds = pydicom.dcmread(io.BytesIO(retinograph([np.zeros((2400, 2400, 3), np.uint8)] * frames, eye="L")))
    ds.PixelData = encapsulate(bare)
    ds["PixelData"].VR = "OB"
    written = io.BytesIO()
    ds.save_as(written, enforce_file_format=True)
    return written.getvalue()


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="the peak resident size is read on Linux")
@pytest.mark.parametrize(("exif_in_frames", "files"), [(False, 3.0), (True, 4.0)])
def test_a_large_multi_frame_dicom_is_imported_without_several_copies_of_its_frames(
    tmp_path: Path, exif_in_frames: bool, files: float
) -> None:
    """Found by measure: a 107 MB series of 2848 × 2848 frames took some 470 MB above the file itself to
    import: its frames copied once to be stripped and once more into a new pixel data, while the dataset read
    still held them, and the first frame's colours turned from YCbCr to RGB in floating point (eight times
    the frame). Now: the dataset read and the file written, and the first frame; frames that lose their EXIF
    are written once more, as they are stripped (pydicom's ``encapsulate`` held them three times)."""
    data = _series(24, exif_in_frames=exif_in_frames)
    path = tmp_path / "series.dcm"
    path.write_bytes(data)
    warm = tmp_path / "warm.dcm"
    warm.write_bytes(retinograph([np.zeros((900, 1200, 3), np.uint8)] * 2))
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.peak_memory_child", str(path), "import-dicom", str(warm)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    peak_mib, file_mib = float(done.stdout.strip()), len(data) / 2**20
    first_frame_mib = 2400 * 2400 * 3 / 2**20
    # Half a frame more, for the checks' working memory: the peak is not the same from run to run (12 runs of
    # each case: 81.6 or 94.1 MiB, 98.8 or 112.8 MiB with the wheel, 80.9 or 93.4, 98.2 or 111.1 with OpenCV
    # built from source, as the threads' work overlaps or not), and its upper value passed the bound without it
    # by 0.1 to 0.9 MiB (found by CI). One more copy of the file (20 MiB) is still above it.
    working_mib = first_frame_mib / 2
    assert peak_mib <= files * file_mib + 2 * first_frame_mib + working_mib, (peak_mib, file_mib)
