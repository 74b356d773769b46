"""A photo taken for the reply is still being checked and written (on a worker) when the nurse sends it.

Found in review of « Prendre une photo… » (ui/reply_camera.py): the still leaves the camera, is encoded,
checked and written encrypted on a worker, and joins the reply only once that is done. The dialog says at
once « 1 photo prise : elle rejoint votre réponse »; « Terminer » then « Envoyer la réponse » straight away
sent the reply without it, and the photo came a moment later into the next reply, empty, as if it had gone.
The reply now waits for it: « Envoyer » says the photo is still being prepared and sends nothing; once it is
joined, the reply leaves with it. And « Terminer » at once after the shot lost it: the camera was stopped before
the still was read (capture/camera_worker.py); it is now kept for the press that asked it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.outbox import Outbox
from app.store import Store
from capture.demo import DemoCamera
from tests.support.ui import shown

JOB_MS = 30_000


def _queued(store: Store, case_id: str) -> list[Any]:
    return [m for m in Outbox(store).messages(case_id) if m.direction == "to-expert" and m.state == "queued"]


def test_a_reply_sent_before_its_photo_is_joined_waits_for_it(qtbot: Any, store: Store, tmp_path: Path) -> None:
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    view = shown(qtbot, store, case_id)
    view.take_photo.click()
    dialog = view.reply_camera
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.camera.preview.frames_shown >= 2, timeout=JOB_MS)

    # Shot, her words, « Envoyer »: all before the worker's result reaches the window's thread (it comes
    # through the event loop, which none of these turns).
    dialog.shoot.click()
    view.reply.setPlainText("Voici la vue rapprochée avec la règle.")
    view.send_reply.click()
    assert not _queued(store, case_id), "the reply did not leave without the photo just taken"
    assert view.reply.toPlainText(), "her words stay, to send once the photo is joined"
    assert "photo" in view.reply_problem.text()

    qtbot.waitUntil(lambda: len(view._reply_images) == 1, timeout=JOB_MS)
    dialog.finish.click()
    view.reply_places.fields[0].setText("avant-bras gauche")
    view.send_reply.click()
    (reply,) = _queued(store, case_id)
    assert len(reply.image_ids) == 1, "the photo went with the reply it was taken for"


def test_done_at_once_after_the_shot_keeps_the_photo(qtbot: Any, store: Store, tmp_path: Path) -> None:
    """« Prendre la photo » then « Terminer » at once: the camera stopped before its next frame (or before the
    worker read it), and the photo said taken never came."""
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    view = shown(qtbot, store, case_id)
    view.take_photo.click()
    dialog = view.reply_camera
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.camera.preview.frames_shown >= 2, timeout=JOB_MS)

    dialog.shoot.click()
    dialog.finish.click()
    assert not dialog.camera.bridge.is_running()
    qtbot.waitUntil(lambda: len(view._reply_images) == 1 or bool(view.reply_problem.text()), timeout=JOB_MS)
    assert len(view._reply_images) == 1, view.reply_problem.text()
    from ui.camera_bridge import wait_cameras_freed

    assert wait_cameras_freed(), "the camera is freed all the same"


class _LensCovered(DemoCamera):
    """The cart's camera with its cap left on: frames come, black but for the sensor's noise."""

    def read(self) -> tuple[bool, Any]:
        ok, frame = super().read()
        return ok, (frame // 64 if frame is not None else None)


def test_a_photo_refused_by_its_check_is_said_in_the_camera(qtbot: Any, store: Store, tmp_path: Path) -> None:
    """The patient still in the room, the camera's window said « 1 photo prise : elle rejoint votre réponse »
    of a photo its check refused (too dark): she learnt it only once « Terminer » showed the reply again, the
    patient gone. The camera's window says it, to take it again there and then."""
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    view = shown(qtbot, store, case_id)
    view.take_photo.click()
    dialog = view.reply_camera
    assert dialog is not None
    dialog.camera.bridge.start(lambda: _LensCovered(width=1280, height=720), "Caméra du chariot")
    qtbot.waitUntil(lambda: dialog.camera.preview.frames_shown >= 2, timeout=JOB_MS)

    dialog.shoot.click()
    qtbot.waitUntil(lambda: bool(view.reply_problem.text()), timeout=JOB_MS)
    assert not view._reply_images, "refused by its check, as an imported photo is"
    assert dialog.isVisible()
    assert "n'est pas jointe" in dialog.said.text(), dialog.said.text()
    assert "rejoign" not in dialog.said.text()
    dialog.finish.click()


def test_the_window_closed_with_the_camera_open_frees_it(qtbot: Any, store: Store, tmp_path: Path) -> None:
    """The desktop session ended (the cart shut down for the night) with the reply's camera open: the window
    closed, the camera's window stayed, its camera grabbing while the program ended."""
    from tests.support.scripted_platform import on_hold_with_a_question
    from ui.main_window import MainWindow

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.open_case(case_id)
    view = window.case_page.follow
    view.take_photo.click()
    dialog = view.reply_camera
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.camera.preview.frames_shown >= 2, timeout=JOB_MS)

    window.close()  # (by the program, as at the session's end: not asked about)
    assert not dialog.isVisible()
    assert not dialog.camera.bridge.is_running(), "the camera is freed before the program ends"


def test_the_camera_closes_when_the_expert_answers_meanwhile(qtbot: Any, store: Store, tmp_path: Path) -> None:
    """The expert's answer came (by the sync) while the reply's camera was open: the reply box greyed behind
    it, « Prendre une photo… » too, and the camera went on saying « elle rejoint votre réponse » of photos
    that had no reply left to go with. It closes, its camera freed; the greyed box says why."""
    from app.db import transaction
    from app.model import Answer, CaseState
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    view = shown(qtbot, store, case_id)
    view.take_photo.click()
    dialog = view.reply_camera
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.camera.preview.frames_shown >= 2, timeout=JOB_MS)

    with transaction(store.conn) as conn:
        store.set_answer(conn, case_id, Answer(conclusion="Kératose séborrhéique.", expert="Hélène MOREAU"))
        store.transition(case_id, CaseState.ANSWERED, conn=conn)
    view.refresh()
    assert not view.take_photo.isEnabled()
    assert not dialog.isVisible(), "no photo taken for a reply that can no longer go"
    assert not dialog.camera.bridge.is_running()
