"""An image this release's checks fail on keeps its older verdict, said so, and what its device recorded.

``capture.rechecks`` marks it as checked by this release so that it is not checked again at every opening of
its draft (``tests/app/test_checks_made_again.py``, ``tests/ui/test_checks_again_on_open.py``); what it writes
must not change what the image is."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from app.model import NOT_CHECKED_KEY, RECHECKS_CHECK, CaseImage
from capture import rechecks
from capture.demo import fundus_scene
from capture.pipeline import prepare_image_bytes
from tests.support.dicom import retinograph


def _crashing(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(_data: bytes, **_kwargs: Any) -> Any:
        raise IndexError("odd image")

    monkeypatch.setattr(rechecks, "recheck_stored", crash)


def test_a_retinographs_dicom_the_checks_fail_on_in_a_skin_case_stays_ophthalmic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A retinograph's DICOM in a dermatology case stays « OP », as the checks made again would keep it
    (``capture.pipeline.recheck_stored``): marked « XC » because the checks failed, it would leave as a skin
    photo."""
    data = retinograph([fundus_scene(1600, 1200, seed=11, eye="right")])
    prepared = prepare_image_bytes(data, filename="IMG0001.dcm", specialty="dermatology")
    assert (prepared.content_type, prepared.modality) == ("application/dicom", "OP")
    image = CaseImage(content_type=prepared.content_type, modality=prepared.modality, quality=prepared.quality)
    _crashing(monkeypatch)

    [checked] = rechecks.checks_again([(image, prepared.data)], "dermatology", lambda: False) or []
    assert checked.modality == "OP"
    assert checked.quality[:-1] == prepared.quality
    assert (checked.quality[-1].check, checked.quality[-1].key) == (RECHECKS_CHECK, NOT_CHECKED_KEY)

    # Failing again at a later release: said once.
    again = replace(image, quality=checked.quality)
    [twice] = rechecks.checks_again([(again, prepared.data)], "dermatology", lambda: False) or []
    assert twice.quality == checked.quality and not twice.changed()
