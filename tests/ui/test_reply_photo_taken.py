"""A photo taken with the cart's camera answers the expert's question (found at the telemedicine cart).

The expert asked « Pouvez-vous envoyer une vue rapprochée avec une règle ? ». The patient was still in the
room, the USB camera on the cart, and the reply offered only « Ajouter des images… », a file dialog: the
camera that took the case's photos could not take this one, and nothing said how to get it into a file.
« Prendre une photo… » now opens the camera's live preview beside the reply; each still taken joins the
reply as an imported photo does (its quality verdict, its row with its thumbnail, kept across a
restart); « Terminer » closes it and frees the camera."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app import reply_drafts
from app.store import Store
from tests.support.ui import activate, shown

JOB_MS = 30_000


def test_a_photo_taken_with_the_camera_joins_the_reply(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    view = shown(qtbot, store, case_id)
    assert view.take_photo.isVisibleTo(view) and view.take_photo.isEnabled()

    qtbot.mouseClick(view.take_photo, Qt.MouseButton.LeftButton)
    dialog = view.reply_camera
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.camera.preview.frames_shown >= 2, timeout=JOB_MS)

    qtbot.mouseClick(dialog.shoot, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(view._reply_images) == 1, timeout=JOB_MS)
    (image,) = view._reply_images
    assert (image.record.width, image.record.height) == (1920, 1080), "the camera's full resolution"
    assert image.record.quality, "checked as the case's photos are"
    assert "1" in dialog.said.text() and "photo" in dialog.said.text()
    assert len(view.reply_places.pictures) == 1, "its row, to give its body site"
    assert [name for name, _image in reply_drafts.load_photos(store, case_id)], "kept as an imported photo is"

    qtbot.mouseClick(dialog.finish, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert not dialog.camera.bridge.is_running(), "the camera is freed"
    assert len(view._reply_images) == 1
    activate(qtbot, view)  # (the offscreen platform gives the window back its activation by hand)
    assert QApplication.focusWidget() is view.reply_places.fields[0], "the keyboard on its body site, to say next"
