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


def _photo_case(store: Store, count: int) -> tuple[str, list[str]]:
    """A dermatology case with ``count`` photos (as a skin photo's checks)."""
    photo = (REAL / "orientation_landscape_1.jpg").read_bytes()
    prepared = prepare_image_bytes(photo, filename="peau.jpg", specialty="dermatology")
    records = [record_for(prepared, Labels()) for _ in range(count)]
    case = Case(
        patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03"),
        consent=Consent(given=True, recorded_by="Inf. Durand"),
        specialty="dermatology",
    )
    store.create_case(case, [NewImage(record, prepared.data, prepared.thumbnail) for record in records])
    return case.id, [record.id for record in records]


class _HeldChecks:
    """The checks made again, each held until let go: what a slow one does to the other threads."""

    def __init__(self, monkeypatch: Any) -> None:
        import threading

        from capture import rechecks

        self.started: list[str] = []  # each check's thread
        self.go = threading.Event()
        checks = rechecks.recheck_stored

        def held(data: bytes, **kwargs: Any) -> Any:
            self.started.append(threading.current_thread().name)
            assert self.go.wait(JOB_MS / 1000)
            return checks(data, **kwargs)

        monkeypatch.setattr(rechecks, "recheck_stored", held)


def test_the_checks_made_again_leave_the_writer_free_for_the_window(
    qtbot: Any, store: Store, threaded_window: Any, monkeypatch: Any
) -> None:
    """The checks of a switch (decoding and checking each photo, 100-600 ms on a busy 2-core machine) ran
    on the writer thread: opening a case, which waits for the writes asked before it, waited for them with
    the window's thread stalled, and the labels typed meanwhile were saved after them. They are made on the
    thread pool now, and only their results written by the writer."""
    from ui import tasks

    case_id, (image_id,) = _photo_case(store, 1)
    held = _HeldChecks(monkeypatch)
    window = threaded_window
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    panel: Any = page.capture.ensure()
    qtbot.waitUntil(lambda: panel.tile(image_id) is not None, timeout=JOB_MS)

    pick(qtbot, page.editor.specialty, "ophthalmology")
    qtbot.waitUntil(lambda: bool(held.started), timeout=JOB_MS)
    try:
        assert tasks.runner().wait_writes(300)  # the writer is not the one checking
    finally:
        held.go.set()
    qtbot.waitUntil(lambda: "field-of-view" in _checks(store, case_id), timeout=JOB_MS)
    qtbot.waitUntil(lambda: any(f.check == "field-of-view" for f in page.case.images[0].quality), timeout=JOB_MS)
    assert panel.tile(image_id).level == next(iter(store.images(case_id))).worst_level()
    assert panel.jobs.wait()


def test_checks_made_again_for_a_specialty_left_since_stop_at_the_next_image(
    qtbot: Any, store: Store, threaded_window: Any, monkeypatch: Any
) -> None:
    """The specialty changed again while its images were being checked for the one before (the arrow keys
    stopped on it a moment): those checks went on to the last image, holding a core and Python's lock
    while the window drew the new form, and wrote verdicts of a specialty the case no longer had. They
    stop at the next image now and write nothing; the images end checked for the case's specialty."""
    case_id, image_ids = _photo_case(store, 2)
    before = [image.quality for image in store.images(case_id)]
    held = _HeldChecks(monkeypatch)
    window = threaded_window
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    panel: Any = page.capture.ensure()
    qtbot.waitUntil(lambda: all(panel.tile(image_id) is not None for image_id in image_ids), timeout=JOB_MS)

    pick(qtbot, page.editor.specialty, "ophthalmology")
    qtbot.waitUntil(lambda: bool(held.started), timeout=JOB_MS)
    pick(qtbot, page.editor.specialty, "dermatology")  # back, while the first photo is being checked
    held.go.set()
    qtbot.wait(600)  # past the delay of a new check
    assert panel.jobs.wait()
    qtbot.wait(100)
    assert len(held.started) == 1  # the second photo was never checked for ophthalmology
    images = list(store.images(case_id))
    assert [image.modality for image in images] == ["XC", "XC"]
    assert [image.quality for image in images] == before
    assert [image.quality for image in page.case.images] == before


def test_checks_made_again_after_the_window_closed_and_its_store_with_it_say_nothing_to_the_closed_page(
    qtbot: Any, store: Store, window: Any
) -> None:
    """The checks end after the window was closed (the specialty changed just before): they are kept, and
    the closed page is not asked to show them (it read the closed store: « Cannot operate on a closed
    database », seen in a fresh clone's run, where the next test's set-up met it)."""
    photo = (REAL / "orientation_landscape_1.jpg").read_bytes()
    case_id, image_id = _case(store, "dermatology", photo, "peau.jpg")
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    panel: Any = page.capture.ensure()
    qtbot.waitUntil(lambda: panel.tile(image_id) is not None, timeout=JOB_MS)
    reader = store.clone()
    try:
        pick(qtbot, page.editor.specialty, "ophthalmology")
        qtbot.waitUntil(lambda: panel._check_timer.isActive(), timeout=JOB_MS)  # the switch followed
        qtbot.wait(50)
        window.hide()
        store.close()
        qtbot.waitUntil(lambda: "field-of-view" in _checks(reader, case_id), timeout=JOB_MS)
        qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=JOB_MS)
        qtbot.wait(200)
    finally:
        reader.close()
