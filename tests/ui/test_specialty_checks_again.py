"""A case's specialty changed after its images were taken: their verdicts follow it.

Found in round 31's review, left then: a skin photo whose case was switched to ophthalmology kept a skin
photo's checks (« Bonne qualité », no word of a retina's field), and a retinograph whose case was switched
to dermatology kept a retinograph's; the nurse read the verdicts of a specialty the case no longer had,
with the patient still in the room. The checks are made again off the window's thread, as the switch is
made."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image

from app.model import Case, CaseState, Consent, Patient
from app.store import NewImage, Store
from capture.demo import fundus_scene
from capture.pipeline import prepare_image_bytes
from tests.support.ui import open_from_list, pick
from ui.capture_work import Labels, record_for

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras"
JOB_MS = 30_000


def _case(store: Store, specialty: str, data: bytes, name: str) -> tuple[str, str]:
    prepared = prepare_image_bytes(data, filename=name, specialty=specialty)
    record = record_for(prepared, Labels())
    case = Case(
        patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03"),
        consent=Consent(given=True, recorded_by="Inf. Durand"),
        specialty=specialty,
    )
    store.create_case(case, [NewImage(record, prepared.data, prepared.thumbnail)])
    return case.id, record.id


def _checks(store: Store, case_id: str) -> set[str]:
    (image,) = store.images(case_id)
    return {finding.check for finding in image.quality}


def test_a_skin_photo_in_a_case_switched_to_ophthalmology_is_checked_as_a_retinograph(
    qtbot: Any, store: Store, window: Any
) -> None:
    photo = (REAL / "orientation_landscape_1.jpg").read_bytes()
    case_id, image_id = _case(store, "dermatology", photo, "peau.jpg")
    assert "field-of-view" not in _checks(store, case_id)
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    panel: Any = page.capture.ensure()
    qtbot.waitUntil(lambda: panel.tile(image_id) is not None, timeout=JOB_MS)

    pick(qtbot, page.editor.specialty, "ophthalmology")
    qtbot.waitUntil(lambda: "field-of-view" in _checks(store, case_id), timeout=JOB_MS)
    (image,) = store.images(case_id)
    assert image.modality == "OP"
    field = next(f for f in image.quality if f.check == "field-of-view")
    assert field.level != "ok", field.key  # a photo of something else than a fundus
    assert "face" not in _checks(store, case_id)
    # What the nurse sees: the tile and the case's images say the new verdict.
    qtbot.waitUntil(lambda: any(f.check == "field-of-view" for f in page.case.images[0].quality), timeout=JOB_MS)
    assert panel.tile(image_id).level == image.worst_level()
    assert store.state(case_id) == CaseState.DRAFT
    window.shutdown()


def test_a_retinograph_in_a_case_switched_to_dermatology_is_checked_as_a_photo(
    qtbot: Any, store: Store, window: Any
) -> None:
    out = io.BytesIO()
    Image.fromarray(fundus_scene(1600, 1200, seed=7, eye="left", field="macula")).save(out, "JPEG", quality=92)
    case_id, image_id = _case(store, "ophthalmology", out.getvalue(), "fond.jpg")
    assert "field-of-view" in _checks(store, case_id)
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    panel: Any = page.capture.ensure()
    qtbot.waitUntil(lambda: panel.tile(image_id) is not None, timeout=JOB_MS)

    pick(qtbot, page.editor.specialty, "dermatology")
    qtbot.waitUntil(lambda: "field-of-view" not in _checks(store, case_id), timeout=JOB_MS)
    (image,) = store.images(case_id)
    assert image.modality == "XC"
    assert {"resolution", "sharpness", "exposure", "colour-cast"} <= _checks(store, case_id)
    assert not any(f.check in ("gradability", "optic-disc") for f in image.quality)
    qtbot.waitUntil(lambda: not any(f.check == "field-of-view" for f in page.case.images[0].quality), timeout=JOB_MS)

    # And back: a retinograph's checks again, its eye from the disc's side as at its import.
    pick(qtbot, page.editor.specialty, "ophthalmology")
    qtbot.waitUntil(lambda: "gradability" in _checks(store, case_id), timeout=JOB_MS)
    (again,) = store.images(case_id)
    assert again.modality == "OP"
    assert any(f.disc_side() == "left" for f in again.quality), [f.key for f in again.quality]
    window.shutdown()
