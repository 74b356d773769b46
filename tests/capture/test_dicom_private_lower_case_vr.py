"""A retinograph's DICOM whose device wrote a private element's VR in lower case (« lo » for « LO »: odd
private tags are common in devices' exports) was refused as « ne contient pas d'image » (session 41): pydicom
took the unknown VR for a switch to implicit VR, read its next four bytes as a length, and ended the file
there, without its pixels and without a word. It is imported (its private elements are never kept), or, when
its pixels cannot be reached, refused as damaged, not as a file without an image."""

from __future__ import annotations

import io

import numpy as np
import pydicom
import pytest

from app.errors import ImageRejected
from capture.dicom import read_dicom
from capture.pipeline import prepare_image_bytes
from tests.support import dicom as device
from tests.support.images import fundus_photo


def _with_private(vr: str, value: object) -> tuple[bytes, int]:
    """A device's retinograph with one private element of ``vr`` after its creator, and where its VR is."""
    ds = pydicom.dcmread(io.BytesIO(device.retinograph([np.asarray(fundus_photo(size=1400))])))
    ds.private_block(0x0009, "TOPCON IMAGEnet", create=True).add_new(0x01, vr, value)
    out = io.BytesIO()
    ds.save_as(out)
    data = out.getvalue()
    at = data.find(b"\x09\x00\x01\x10" + vr.encode())
    assert at > 0
    return data, at + 4


def _lower_case(data: bytes, at: int) -> bytes:
    return data[:at] + data[at : at + 2].lower() + data[at + 2 :]


@pytest.mark.parametrize(("vr", "value"), [("LO", "FUNDUS 45"), ("US", 3), ("DS", "1.5")])
def test_a_private_element_in_lower_case_does_not_hide_the_image(vr: str, value: object) -> None:
    data, at = _with_private(vr, value)
    prepared = prepare_image_bytes(_lower_case(data, at), filename="OD.dcm", specialty="ophthalmology")
    assert (prepared.width, prepared.height) == (1400, 1400)
    kept = pydicom.dcmread(io.BytesIO(prepared.data))
    assert not any(element.tag.is_private for element in kept)  # never kept, as a readable one is not
    assert kept.ImageLaterality == "R" and "PixelData" in kept


def test_a_long_private_element_in_lower_case_is_refused_as_damaged_not_as_no_image() -> None:
    """« ob »: a VR of a 4-byte length read as one of 2 cannot be read past; the pixels are in the file."""
    data, at = _with_private("OB", b"\x01\x02" * 40)
    with pytest.raises(ImageRejected) as refused:
        read_dicom(_lower_case(data, at), name="OD.dcm", specialty="ophthalmology")
    assert "incomplète ou abîmée" in str(refused.value)
