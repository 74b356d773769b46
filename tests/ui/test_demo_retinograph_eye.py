"""The demo (training) retinograph draws the eye the case still asks for: found from outside, it drew a right
eye only, so every left eye a trainee took and labelled « œil gauche » showed « ⚠ Œil à vérifier » (its optic
disc on the right eye's side), and training taught her to send past that warning."""

from __future__ import annotations

from typing import Any

from app.store import Store
from app.validation import looks_like
from tests.ui.test_capture_panel import JOB_MS, new_case, show, wait_images
from ui.capture_panel import CapturePanel


def take_labelled(qtbot: Any, panel: CapturePanel, store: Store, count: int, eye: str) -> None:
    panel.capture_still()
    image = wait_images(qtbot, panel, count)[-1]
    panel.select_image(image.id)
    panel.labels.eye.setCurrentIndex(panel.labels.eye.findData(eye))
    case_id = panel.case().id  # type: ignore[union-attr]
    qtbot.waitUntil(
        lambda: panel.jobs.pending() == 0 and store.get_case(case_id).images[count - 1].eye == eye, timeout=JOB_MS
    )


def test_the_demo_retinograph_draws_the_left_eye_once_the_right_one_is_taken(
    qtbot: Any, panel: CapturePanel, store: Store
) -> None:
    case = new_case(store, specialty="ophthalmology")
    panel.set_case(case)
    show(qtbot, panel)
    assert panel.camera_choice.currentData().startswith("demo")
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=JOB_MS)
    take_labelled(qtbot, panel, store, 1, "right")
    qtbot.wait(300)  # (a frame or two of the eye now asked for)
    take_labelled(qtbot, panel, store, 2, "left")
    right, left = store.get_case(case.id).images
    assert (right.eye, left.eye) == ("right", "left")
    assert looks_like(right) is None, "the right eye is drawn as a right eye"
    assert looks_like(left) is None, "the left eye is drawn as a left eye, not « œil à vérifier »"


def test_a_retaken_eye_is_drawn_as_the_eye_its_label_keeps(qtbot: Any, panel: CapturePanel, store: Store) -> None:
    """A retake keeps the replaced photo's labels, its eye among them: found in review, the right eye taken and
    labelled, the demo turned to the left eye the case asked for next, and the right eye retaken (blurred, say)
    came as a left fundus labelled « œil droit » — a wrong eye on a photo the app labelled itself."""
    case = new_case(store, specialty="ophthalmology")
    panel.set_case(case)
    show(qtbot, panel)
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=JOB_MS)
    take_labelled(qtbot, panel, store, 1, "right")
    qtbot.wait(300)  # (the demo now draws the left eye, the one asked for next)
    first = store.get_case(case.id).images[0]
    panel.start_retake(first.id)
    qtbot.wait(300)  # (a frame or two of the eye retaken)
    panel.capture_still()
    qtbot.waitUntil(
        lambda: panel.jobs.pending() == 0 and store.get_case(case.id).images[0].id != first.id, timeout=JOB_MS
    )
    (retaken,) = store.get_case(case.id).images
    assert retaken.eye == "right"
    assert looks_like(retaken) is None, "the retaken right eye is drawn as a right eye, not « œil à vérifier »"
    # The retake done, the demo draws again the eye the case asks for next.
    qtbot.wait(300)
    take_labelled(qtbot, panel, store, 2, "left")
    assert looks_like(store.get_case(case.id).images[1]) is None
