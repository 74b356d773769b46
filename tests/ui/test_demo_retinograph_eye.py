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
