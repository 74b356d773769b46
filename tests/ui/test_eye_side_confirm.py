"""A retinography with both eyes swapped no longer leaves in one click (found by an outside tester playing
a nurse: the real left eye imported as « œil droit », its mirror as « œil gauche », the tiles' « ⚠ Œil à
vérifier » unread, « Envoyer à l'expert » sent at once and the expert's findings landed on the wrong
eye). « Envoyer à l'expert », and « Envoyer la réponse » with a retinograph joined, ask first, naming each
image and the eye to check; checking is the default, sending anyway stays possible (a device that exports
mirrored images)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageOps

from app.model import Case, CaseImage, CaseState, Consent, Patient
from app.outbox import Outbox
from app.store import NewImage, Store
from tests.support.french import fr_spaced
from tests.support.ui import activate, shown, type_text

REAL_LEFT = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "retina-normal-left-eye.jpg"
RETINA_FORM = {
    "diabetes-type": "type-2",
    "diabetes-duration": 12,
    "hba1c": 7.4,
    "visual-acuity-right": 0.8,
    "visual-acuity-left": 0.7,
    "pupils-dilated": False,
}
CHECK, SEND = "Vérifier les images", "Envoyer quand même"


def mirrored_left_eye() -> bytes:
    out = io.BytesIO()
    ImageOps.mirror(Image.open(REAL_LEFT).convert("RGB")).save(out, "JPEG", quality=92)
    return out.getvalue()


def swapped_eyes(store: Store) -> str:
    """The tester's retinography: the real left eye as the right eye's macula-centred field (image 1),
    its mirror as the left eye's (image 2), with the checks an import makes. Complete: it can be sent."""
    from capture.pipeline import prepare_image_bytes

    images = []
    for data, eye in ((REAL_LEFT.read_bytes(), "right"), (mirrored_left_eye(), "left")):
        prepared = prepare_image_bytes(data, filename=f"{eye}.jpg", specialty="ophthalmology")
        record = CaseImage(
            eye=eye,
            view="macula",
            modality="OP",
            width=prepared.width,
            height=prepared.height,
            quality=list(prepared.quality),
        )
        images.append(NewImage(record, prepared.data))
    case = Case(
        specialty="ophthalmology",
        question="Rétinopathie diabétique ?",
        summary="Diabète depuis 12 ans.",
        patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male", local_id="D-2291"),
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
        form=dict(RETINA_FORM),
    )
    return store.create_case(case, images)


class Asked(list[Any]):
    """The questions seen (title, words, default button, Échap's button), each answered with ``button``,
    until :meth:`stop` (a question never asked must not be answered in the next test)."""

    def __init__(self, button: str) -> None:
        from PySide6.QtCore import QTimer

        super().__init__()
        self.button, self.stopped = button, False
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self.answer)
        self.timer.start()

    def answer(self) -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        box = QApplication.activeModalWidget()
        if self.stopped or not isinstance(box, QMessageBox) or not box.isVisible():
            return
        default = box.defaultButton()
        self.append((box.windowTitle(), box.text(), default.text() if default else None, box.escapeButton().text()))
        next(b for b in box.buttons() if b.text() == self.button).click()

    def stop(self) -> None:
        self.stopped = True
        self.timer.stop()


ASKED: list[Asked] = []


def asked(button: str) -> Asked:
    for earlier in ASKED:
        earlier.stop()
    ASKED[:] = [Asked(button)]
    return ASKED[0]


@pytest.fixture(autouse=True)
def no_answer_left() -> Iterator[None]:
    yield
    for earlier in ASKED:
        earlier.stop()
    ASKED.clear()


EXPECTED = fr_spaced(
    "L'image 1 est classée œil droit, mais sa papille est à gauche de l'image, comme sur un œil gauche.\n\n"
    "L'image 2 est classée œil gauche, mais sa papille est à droite de l'image, comme sur un œil droit.\n\n"
    "Vérifiez avant d'envoyer : l'avis de l'expert (laser, injection…) porterait sur l'autre œil. "
    "Si l'appareil enregistre ses images en miroir, vous pouvez envoyer quand même."
)


def test_sending_a_retinography_with_both_eyes_swapped_asks_first(qtbot: Any, window: Any, store: Store) -> None:
    case_id = swapped_eyes(store)
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    panel = page.capture.ensure()
    try:
        assert not [f for f in page.findings if f.blocks_sending()]
        assert [f.code for f in page.findings].count("image.eye.side") == 2

        # « Vérifier les images » (the default, and what Échap does): nothing leaves, the first image's eye.
        seen = asked(CHECK)
        assert not page.send()
        assert seen == [("Œil à vérifier", EXPECTED, CHECK, CHECK)]
        assert store.state(case_id) == CaseState.DRAFT
        first = next(iter(store.images(case_id))).id
        assert panel.labels.image is not None and panel.labels.image.id == first
        # (the focus the window gives back once the question is gone)
        assert window.focusWidget() is panel.labels.eye

        # « Envoyer quand même »: the nurse knows better (a device exporting mirrored images).
        seen = asked(SEND)
        assert page.send()
        assert len(seen) == 1
        qtbot.waitUntil(lambda: store.state(case_id) == CaseState.QUEUED, timeout=30_000)
    finally:
        page.capture.stop_camera()


def test_the_eyes_put_right_send_without_a_question(qtbot: Any, window: Any, store: Store) -> None:
    case_id = swapped_eyes(store)
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    panel = page.capture.ensure()

    def doubts() -> int:
        return [f.code for f in page.findings].count("image.eye.side")

    try:
        first, second = (image.id for image in store.images(case_id))
        # Image 1 put left: the right eye is now missing, said before any question.
        panel.select_image(first)
        panel.labels.eye.setCurrentIndex(panel.labels.eye.findData("left"))
        qtbot.waitUntil(lambda: doubts() == 1, timeout=10_000)
        seen = asked(CHECK)
        assert not page.send()
        qtbot.wait(300)
        assert seen == [] and "avant l'envoi" in page.checklist.title.text()
        # Image 2 put right: nothing to ask, the case goes.
        panel.select_image(second)
        panel.labels.eye.setCurrentIndex(panel.labels.eye.findData("right"))
        qtbot.waitUntil(lambda: doubts() == 0, timeout=10_000)
        assert page.send()
        qtbot.waitUntil(lambda: store.state(case_id) == CaseState.QUEUED, timeout=30_000)
        assert seen == []
    finally:
        page.capture.stop_camera()


def retinograph_in_a_reply(
    qtbot: Any, store: Store, tmp_path: Path, name: str, data: bytes, words: str
) -> tuple[str, Any, Any, Any]:
    """An ophthalmology case on hold with the expert's question, shown, its reply typed (``words``) with
    the retinograph ``data`` joined as the file ``name``: the case's id, the view, the image's eye field
    and its « œil à vérifier » mark."""
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1, "ophthalmology")
    path = tmp_path / name
    path.write_bytes(data)
    view = shown(qtbot, store, case_id)
    view.add_reply_files([path])
    assert len(view._reply_images) == 1, view.reply_problem.text()
    [field] = view.reply_places.fields
    [check] = view.reply_places.eye_checks
    type_text(view.reply, words)
    return case_id, view, field, check


def test_a_retinograph_joined_to_a_reply_says_its_eye_to_check_and_asks_before_it_goes(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    from PySide6.QtCore import Qt

    # The left eye, to be filed as the right.
    case_id, view, field, check = retinograph_in_a_reply(
        qtbot, store, tmp_path, "OD.jpg", REAL_LEFT.read_bytes(), "Voici l'œil droit demandé."
    )

    field.setCurrentIndex(field.findData("right"))
    assert check.isVisible() and check.text() == "⚠ Œil à vérifier"
    assert check.toolTip().startswith("La papille est à gauche de l'image : cela ressemble à un œil gauche")
    field.setCurrentIndex(field.findData("left"))
    assert not check.isVisible()
    field.setCurrentIndex(field.findData("right"))
    assert check.isVisible()

    def replies() -> list[Any]:
        return [m for m in Outbox(store).messages(case_id) if m.direction != "from-expert"]

    seen = asked(CHECK)
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    assert seen == [
        (
            "Œil à vérifier",
            "L'image 1 (OD.jpg) est classée œil droit, mais sa papille est à gauche de l'image, "
            "comme sur un œil gauche.\n\n" + EXPECTED.split("\n\n")[2],
            CHECK,
            CHECK,
        )
    ]
    assert replies() == [] and len(view._reply_images) == 1
    assert view.reply.toPlainText() == "Voici l'œil droit demandé."

    seen = asked(SEND)
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    (reply,) = replies()
    [sent] = [image for image in store.get_case(case_id).images if image.id in reply.image_ids]
    assert sent.eye == "right"


def test_a_good_retinograph_with_its_eye_to_check_is_not_said_good_above_the_photos(qtbot: Any, store: Store) -> None:
    """Found from outside: selected, the real left eye classed as the right said « Image de bonne qualité. »
    on the line above the photos, beside its tile's orange « ⚠ Œil à vérifier »: contradictory, and the
    line read first. It says the eye to check; the same photo, its eye right, is said good."""
    from dataclasses import replace

    from ui.image_tile import ImageTile

    case = store.get_case(swapped_eyes(store))
    first = case.images[0]
    tile = ImageTile(first, None, 1)
    qtbot.addWidget(tile)
    assert tile.level == "warning" and "Œil à vérifier" in tile.caption.text()  # (its state says it too)
    assert "bonne qualité" not in tile.said()
    assert tile.said().startswith("La papille est à gauche de l'image") and "Vérifiez l'œil choisi." in tile.said()
    right = ImageTile(replace(first, eye="left"), None, 1)
    qtbot.addWidget(right)
    assert right.said() == "Image de bonne qualité."


def test_a_good_retinograph_joined_to_a_reply_with_its_eye_to_check_is_not_said_good(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found by this session's passes: the reply's list of images said « bonne qualité » beside the row's
    orange « ⚠ Œil à vérifier », as the tile did above the photos. It says the eye to check, and follows
    the eye as it is chosen; the same photo, its eye right, is said good."""
    _case_id, view, field, check = retinograph_in_a_reply(
        qtbot, store, tmp_path, "OD.jpg", REAL_LEFT.read_bytes(), "Voici l'œil droit demandé."
    )
    field.setCurrentIndex(field.findData("right"))
    assert check.isVisible()
    said = view.reply_images.text()
    assert "bonne qualité" not in said
    assert "1. OD.jpg — ⚠ La papille est à gauche de l'image" in said and "Vérifiez l'œil choisi." in said
    field.setCurrentIndex(field.findData("left"))
    assert view.reply_images.text().endswith("1. OD.jpg — bonne qualité")


def test_a_retinograph_with_its_eye_in_doubt_has_its_tile_to_check_not_green(qtbot: Any, store: Store) -> None:
    """Left alone last session: the real left eye classed as the right kept its tile green (« ✓ Bonne qualité »,
    a green border) beside « ⚠ Œil à vérifier »: the state a nurse glances at said nothing was to check, where the
    checklist warns. The tile's state is « À vérifier » (orange) while the eye is in doubt, and green again once
    the eye agrees (the eye chosen as the photo shows it)."""
    from dataclasses import replace

    from ui.image_tile import LEVEL_COLOURS, ImageTile

    case = store.get_case(swapped_eyes(store))
    first = case.images[0]
    tile = ImageTile(first, None, 1)
    qtbot.addWidget(tile)
    assert tile.level == "warning" and tile.border_colour() == LEVEL_COLOURS["warning"]
    assert tile.badge.text() == "1. ! À vérifier" and "Œil à vérifier" in tile.caption.text()
    assert "à vérifier" in tile.accessibleName()
    tile.set_caption(replace(first, eye="left"))  # the nurse picks the eye the photo shows
    assert tile.level == "ok" and tile.badge.text() == "1. ✓ Bonne qualité"
    assert tile.border_colour() == LEVEL_COLOURS["ok"]
