"""The first frame a DICOM shows and is checked by is the picture pydicom gives, in every pixel layout.

``capture.dicom`` turns a JPEG frame's YCbCr into RGB in 8 bits with OpenCV, not in floating point as pydicom
does (a large retinograph's frame took eight times its size). Checked in review against pydicom's own test
files, for the layouts devices write: YBR_FULL and YBR_FULL_422 (JPEG and uncompressed), planar configuration
1, signed 16-bit, multi-frame monochrome and colour, JPEG 2000 (YBR_RCT too), RLE, palette colour (indices, as
pydicom gives them): the same picture, at most one level off by rounding on a few pixels.
"""

from __future__ import annotations

import warnings

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.pixels.utils import pixel_array

from capture.dicom import _first_frame

FILES = [
    "SC_rgb_jpeg_lossy_gdcm.dcm",  # YBR_FULL, JPEG baseline
    "examples_ybr_color.dcm",  # YBR_FULL_422, JPEG baseline
    "SC_rgb_dcmtk_+eb+cy+s2.dcm",  # YBR_FULL_422, JPEG baseline, another encoder
    "SC_ybr_full_422_uncompressed.dcm",
    "ExplVR_BigEnd.dcm",  # RGB, planar configuration 1, big endian
    "CT_small.dcm",  # signed 16-bit
    "rtdose.dcm",  # multi-frame monochrome, 32-bit
    "SC_rgb_rle_16bit_2frame.dcm",  # multi-frame colour, 16-bit RLE
    "JPEG2000.dcm",
    "examples_jpeg2k.dcm",  # YBR_RCT
    "examples_palette.dcm",
]


@pytest.mark.parametrize("name", FILES)
def test_the_first_frame_is_the_picture_pydicom_gives(name: str) -> None:
    path = get_testdata_file(name)
    assert path is not None, name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(path)
        frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
        expected = pixel_array(ds, index=0 if frames > 1 else None)
        shown = _first_frame(ds, frames)
    assert shown.shape == expected.shape and shown.dtype == expected.dtype
    off = np.abs(shown.astype(np.int64) - expected.astype(np.int64))
    assert off.max() <= 1 and (off > 0).mean() < 0.01, (name, off.max(), (off > 0).mean())


def test_a_palette_colour_image_is_shown_and_checked_in_its_colours() -> None:
    """Found in review: a PALETTE COLOR image (pixels that are indices into the device's colour tables) was
    shown, and its quality checked, as the grey of its indices: another picture than the one sent. It is
    shown through its tables, as pydicom's ``apply_color_lut`` gives them (16-bit entries to 8 bits)."""
    from pydicom.pixels.processing import apply_color_lut

    from capture.dicom import read_dicom

    path = get_testdata_file("examples_palette.dcm")
    assert path is not None
    with open(path, "rb") as handle:
        image = read_dicom(handle.read(), name="palette.dcm")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(path)
        expected = (apply_color_lut(pixel_array(ds), ds) >> 8).astype(np.uint8)
    assert image.rgb.shape == expected.shape
    assert np.array_equal(image.rgb, expected)
