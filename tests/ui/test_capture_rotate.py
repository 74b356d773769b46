"""Turning a photo left or right under the selected image: the stored image is the turned one."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from app.errors import InvalidTransition
from app.model import Case, CaseImage, CaseState, Patient
from app.store import Store
from sync.sandbox import SandboxServer
from tests.support.dicom import vl_photograph
from tests.support.images import jpeg_bytes, png_bytes, skin_photo
from tests.sync.sync_helpers import engine_on, make_case
from tests.ui import test_capture_panel as panel_tests
from ui.capture_panel import CapturePanel

JOB_MS = panel_tests.JOB_MS
# The panel's own store (a plain one); the panel fixture is tests/ui/conftest.py's.
store = panel_tests.store

#: The colour painted in each corner of the test photo: where each one ends up says how it was turned.
RED, GREEN, BLUE, YELLOW = (230, 20, 20), (20, 200, 20), (20, 20, 230), (240, 230, 20)
CORNER = 120


def cornered(width: int = 1600, height: int = 1200) -> Image.Image:
    """A skin photo whose corners are red (top left), green (top right), blue (bottom left), yellow."""
    pixels = np.asarray(skin_photo(width, height)).copy()
    pixels[:CORNER, :CORNER] = RED
    pixels[:CORNER, -CORNER:] = GREEN
    pixels[-CORNER:, :CORNER] = BLUE
    pixels[-CORNER:, -CORNER:] = YELLOW
    return Image.fromarray(pixels, "RGB")


def corners(pixels: np.ndarray) -> tuple[tuple[int, ...], ...]:
    """The colour at the middle of each corner's square: top left, top right, bottom left, bottom right."""
    h = CORNER // 2
    spots = (pixels[h, h], pixels[h, -h], pixels[-h, h], pixels[-h, -h])
    return tuple(tuple(int(c) for c in spot) for spot in spots)


def close(seen: tuple[tuple[int, ...], ...], expected: tuple[tuple[int, ...], ...]) -> bool:
    return all(max(abs(a - b) for a, b in zip(s, e, strict=True)) <= 12 for s, e in zip(seen, expected, strict=True))


def new_case(store: Store) -> Case:
    case = Case(specialty="dermatology", patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03"))
    store.create_case(case, [])
    return store.get_case(case.id)


def decoded(store: Store, image: CaseImage) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(store.image_bytes(image))).convert("RGB"))


def reopened(store: Store, case_id: str) -> list[CaseImage]:
    with Store.open(store.data_dir) as fresh:
        return list(fresh.images(case_id))


def import_one(qtbot: Any, panel: CapturePanel, path: Path) -> CaseImage:
    case = panel.case()
    assert case is not None
    before = len(case.images)
    panel.import_files([path])
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and len(case.images) == before + 1, timeout=JOB_MS)
    return case.images[-1]


def in_new_case(qtbot: Any, panel: CapturePanel, store: Store, path: Path, data: bytes) -> tuple[Case, CaseImage]:
    """A new case shown in the panel, ``data`` written to ``path`` and imported into it."""
    case = new_case(store)
    panel.set_case(case)
    path.write_bytes(data)
    return case, import_one(qtbot, panel, path)


def turned(qtbot: Any, panel: CapturePanel, image_id: str, button: Any) -> CaseImage:
    """Click ``button`` on the selected image; the turned image once it has taken its place."""
    case = panel.case()
    assert case is not None
    panel.select_image(image_id)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and image_id not in [i.id for i in case.images], timeout=JOB_MS)
    assert not panel.status.styleSheet(), panel.status.text()
    return case.images[0]


def label(panel: CapturePanel, image_id: str) -> None:
    panel.select_image(image_id)
    labels = panel.labels
    labels.body_site.setText("avant-bras gauche")
    labels.body_site.editingFinished.emit()
    labels.view.setCurrentIndex(labels.view.findData("close-up"))
    labels.note.setText("bord irrégulier")
    labels.note.editingFinished.emit()


# -- photos ----------------------------------------------------------------------------------------


def test_left_and_right_turn_the_pixels_swap_the_size_and_keep_the_labels(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    case, original = in_new_case(qtbot, panel, store, tmp_path / "telephone.jpg", jpeg_bytes(cornered(), quality=92))
    assert (original.width, original.height) == (1600, 1200)
    before = decoded(store, original)
    assert close(corners(before), (RED, GREEN, BLUE, YELLOW))
    label(panel, original.id)

    left = turned(qtbot, panel, original.id, panel.labels.rotate_left_button)
    assert (left.width, left.height) == (1200, 1600)
    # A quarter turn anticlockwise: the top right corner is now the top left one.
    assert close(corners(decoded(store, left)), (GREEN, YELLOW, RED, BLUE))
    assert left.sha1 and left.sha1 != original.sha1 and left.content_type == "image/jpeg"
    assert (left.body_site, left.view, left.note) == ("avant-bras gauche", "close-up", "bord irrégulier")
    assert left.captured_at == original.captured_at and left.quality, "the checks ran again on the turned photo"
    # The tile shows the turned thumbnail at once, standing up, and the panel shows the turned image selected.
    thumb = Image.open(io.BytesIO(store.objects.get(left.thumb_blob or "")))
    assert thumb.height > thumb.width
    pixmap = panel.tile(left.id).picture.pixmap()
    assert not pixmap.isNull() and pixmap.height() > pixmap.width()
    assert panel.labels.image is not None and panel.labels.image.id == left.id

    right = turned(qtbot, panel, left.id, panel.labels.rotate_right_button)
    assert (right.width, right.height) == (1600, 1200)
    assert close(corners(decoded(store, right)), (RED, GREEN, BLUE, YELLOW))
    # A turn and the turn back lose next to nothing (one more JPEG encoding at high quality each).
    assert np.abs(decoded(store, right).astype(int) - before.astype(int)).mean() < 2.0

    # What was stored is what a fresh connection reads; the old files are gone.
    (saved,) = reopened(store, case.id)
    assert (saved.id, saved.width, saved.height, saved.sha1) == (right.id, 1600, 1200, right.sha1)
    assert (saved.body_site, saved.view, saved.note) == ("avant-bras gauche", "close-up", "bord irrégulier")
    for blob in (original.blob, left.blob):
        assert not store.objects.exists(blob)


def test_a_png_is_turned_without_loss(qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path) -> None:
    _case, original = in_new_case(qtbot, panel, store, tmp_path / "capture.png", png_bytes(cornered(800, 600)))
    right = turned(qtbot, panel, original.id, panel.labels.rotate_right_button)
    assert (right.width, right.height, right.content_type) == (600, 800, "image/png")
    pixels = decoded(store, right)
    assert corners(pixels) == (BLUE, RED, YELLOW, GREEN)
    assert np.array_equal(pixels, np.rot90(np.asarray(cornered(800, 600)), -1)), "every pixel kept"


def test_the_turn_buttons_have_tooltips_and_work_from_the_keyboard(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    case = new_case(store)
    panel.set_case(case)
    panel.window().show()
    qtbot.waitExposed(panel.window())
    path = tmp_path / "a.jpg"
    path.write_bytes(jpeg_bytes(cornered(), quality=92))
    original = import_one(qtbot, panel, path)
    panel.select_image(original.id)
    labels = panel.labels
    for button, key in ((labels.rotate_left_button, "G"), (labels.rotate_right_button, "T")):
        assert button.toolTip() and f"Alt+{key}" in button.toolTip()
        assert QKeySequence.mnemonic(button.text()).toString() == f"Alt+{key}"
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    labels.rotate_left_button.setFocus()
    qtbot.keyClick(labels.rotate_left_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and case.images[0].id != original.id, timeout=JOB_MS)
    assert (case.images[0].width, case.images[0].height) == (1200, 1600)


def test_two_quick_clicks_turn_it_twice(qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path) -> None:
    case, original = in_new_case(qtbot, panel, store, tmp_path / "a.jpg", jpeg_bytes(cornered(), quality=92))
    panel.select_image(original.id)
    for _ in range(2):  # the second before the first turn is back
        panel.rotate_image(original.id, -1)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and not panel._turning, timeout=JOB_MS)
    assert not panel.status.styleSheet(), panel.status.text()
    (saved,) = reopened(store, case.id)
    assert (saved.width, saved.height) == (1600, 1200)
    assert close(corners(decoded(store, saved)), (YELLOW, BLUE, GREEN, RED)), "upside down: two quarter turns"
    assert panel.labels.image is not None and panel.labels.image.id == saved.id


def test_an_image_being_turned_takes_no_edit_until_the_turned_one_is_back(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """Found in review: a body site typed while the photo was turning went to an image replaced
    meanwhile; refused (« Cette image n'existe pas »), the edit lost. Its edits wait for the turned one,
    a further turn does not."""
    _case, original = in_new_case(qtbot, panel, store, tmp_path / "a.jpg", jpeg_bytes(cornered(), quality=92))
    panel.select_image(original.id)
    labels = panel.labels
    panel.rotate_image(original.id, -1)
    assert not labels.body_site.isEnabled() and not labels.delete_button.isEnabled()
    assert labels.rotate_left_button.isEnabled() and labels.rotate_right_button.isEnabled()
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and not panel._turning, timeout=JOB_MS)
    assert labels.image is not None and labels.image.id != original.id
    assert labels.body_site.isEnabled() and labels.delete_button.isEnabled()
    assert not panel.status.styleSheet(), panel.status.text()


# -- refused ---------------------------------------------------------------------------------------


def test_a_sent_case_refuses_to_turn_its_photos(qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path) -> None:
    case, original = in_new_case(qtbot, panel, store, tmp_path / "a.jpg", jpeg_bytes(cornered(), quality=92))
    store.conn.execute("UPDATE cases SET state=? WHERE id=?", (CaseState.SENT.value, case.id))
    store.conn.commit()
    case = store.get_case(case.id)
    panel.set_case(case)
    panel.select_image(original.id)
    assert not panel.labels.rotate_left_button.isEnabled() and not panel.labels.rotate_right_button.isEnabled()
    panel.rotate_image(original.id, 1)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=JOB_MS)
    assert "plus modifiable" in panel.status.text()
    (saved,) = reopened(store, case.id)
    assert (saved.id, saved.width, saved.sha1) == (original.id, 1600, original.sha1)

    # The store itself refuses, whoever asks (another window still showing the case as editable).
    from ui import capture_work as work

    with pytest.raises(InvalidTransition):
        work.turn(store, case.id, original.id, quarter_turns=1, specialty="dermatology")
    assert [i.sha1 for i in reopened(store, case.id)] == [original.sha1]


def test_a_dicom_image_is_not_turned_and_says_why(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    case, original = in_new_case(
        qtbot, panel, store, tmp_path / "derm.dcm", vl_photograph(np.asarray(cornered(800, 600)))
    )
    assert original.content_type == "application/dicom"
    panel.select_image(original.id)
    qtbot.mouseClick(panel.labels.rotate_left_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=JOB_MS)
    assert "DICOM" in panel.status.text() and "pivotée" in panel.status.text()
    (saved,) = reopened(store, case.id)
    assert (saved.id, saved.sha1) == (original.id, original.sha1)


# -- sending ---------------------------------------------------------------------------------------


def test_a_photo_turned_in_a_case_back_for_correction_is_uploaded_again_turned(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    from dataclasses import asdict

    from tests.support.ui import REQUESTER

    store.settings.set("site.requester", asdict(REQUESTER))
    photos = [jpeg_bytes(cornered(), quality=92), jpeg_bytes(skin_photo(1600, 1200, seed=3), quality=92)]
    case_id = make_case(store, image_bytes=photos, queue=False)
    # A qualified identity's INS sent in training mode to a platform that turns out to be a real one: it
    # refuses the case (400) once the photos are uploaded, and the case comes back for correction.
    case = store.get_case(case_id)
    case.patient.identity_status = "qualified"
    store.update_case(case)
    store.settings.set("training", "on")
    with (
        SandboxServer(tmp_path / "platform", run_expert=False) as sandbox,
        engine_on(store, sandbox.base_url) as engine,
    ):
        sandbox.platform.national = True
        store.queue(case_id)
        assert engine.run_once().needs_attention == [case_id]
        sideways = store.get_case(case_id).images[0]
        assert sideways.binary_id, "the platform holds the sideways photo already"
        uploads = sandbox.binary_uploads

        panel.set_case(store.get_case(case_id))
        upright = turned(qtbot, panel, sideways.id, panel.labels.rotate_right_button)
        assert upright.binary_id is None

        sandbox.platform.national = False
        case = store.get_case(case_id)
        case.patient.identity_status = "provisional"
        store.update_case(case)
        store.queue(case_id)
        assert engine.run_once().sent == [case_id]
        sent = store.get_case(case_id).images[0]
        assert sent.id == upright.id and sent.binary_id and sent.binary_id != sideways.binary_id
        assert sandbox.binary_uploads == uploads + 1, "only the turned photo goes again"
        received = sandbox.binary_bytes(sent.binary_id)
        assert received == store.image_bytes(sent)
        pixels = np.asarray(Image.open(io.BytesIO(received)).convert("RGB"))
        assert pixels.shape[:2] == (1600, 1200)
        assert close(corners(pixels), (BLUE, RED, YELLOW, GREEN))
        media = [m for m in sandbox.resources("Media") if m["identifier"][0]["value"] == sent.id]
        assert len(media) == 1 and (media[0]["width"], media[0]["height"]) == (1200, 1600)
