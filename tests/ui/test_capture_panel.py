"""The capture panel, driven as a nurse would: demo camera, stills, imports, labels, anonymisation."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageFilter
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMessageBox, QWidget

from app.errors import StorageError
from app.model import Case, CaseImage, Patient
from app.store import Store
from capture.demo import DemoCamera
from tests.support.french import fr_spaced
from tests.support.images import jpeg_bytes, png_bytes, skin_photo
from ui import file_dialogs
from ui.anonymise_dialog import AnonymiseChoice, AnonymiseDialog
from ui.camera_bridge import DEMO_HEIGHT, DEMO_WIDTH
from ui.capture_panel import CapturePanel
from ui.fields import SAVE_DELAY_MS
from ui.image_tile import LEVEL_COLOURS

JOB_MS = 20_000


# -- set-up ---------------------------------------------------------------------------------------


@pytest.fixture
def store(teleavis_home: Path) -> Iterator[Store]:
    opened = Store.open(teleavis_home)
    yield opened
    opened.close()


def show(qtbot: Any, panel: CapturePanel) -> None:
    panel.window().show()
    qtbot.waitExposed(panel.window())


def new_case(store: Store, specialty: str = "dermatology", family: str = "MARTIN") -> Case:
    case = Case(specialty=specialty, patient=Patient(family=family, given=["Paul"], birth_date="1950-02-03"))
    store.create_case(case, [])
    return store.get_case(case.id)


def write_photo(folder: Path, name: str, *, blur: float = 0.0, seed: int = 0, png: bool = False) -> Path:
    image: Image.Image = skin_photo(1600, 1200, seed=seed)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    path = folder / name
    path.write_bytes(png_bytes(image) if png else jpeg_bytes(image, quality=92))
    return path


def wait_images(qtbot: Any, panel: CapturePanel, count: int) -> list[CaseImage]:
    """Until the background work is done and the case shows ``count`` images."""
    case = panel.case()
    assert case is not None
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and len(case.images) == count, timeout=JOB_MS)
    assert not panel.status.styleSheet(), panel.status.text()  # no failure was reported
    return case.images


def reopened(store: Store, case_id: str) -> list[CaseImage]:
    """The images as a new connection reads them: what was really saved."""
    with Store.open(store.data_dir) as fresh:
        return list(fresh.images(case_id))


def decoded(store: Store, image: CaseImage) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(store.image_bytes(image))).convert("RGB"), dtype=np.int16)


def import_one(qtbot: Any, panel: CapturePanel, path: Path) -> CaseImage:
    before = len(panel.case().images)  # type: ignore[union-attr]
    panel.import_files([path])
    return wait_images(qtbot, panel, before + 1)[-1]


def painted_border(tile: Any) -> str:
    """The colour of the tile's border as drawn on screen (left edge, half-way down)."""
    return str(tile.grab().toImage().pixelColor(1, tile.height() // 2).name())


def checklist_marks(panel: CapturePanel) -> dict[str, bool]:
    return panel.checklist.marks()


# -- camera, stills -------------------------------------------------------------------------------


def test_demo_camera_previews_and_a_still_is_stored_at_full_resolution(
    qtbot: Any, panel: CapturePanel, store: Store
) -> None:
    case = new_case(store)
    panel.set_case(case)
    show(qtbot, panel)
    assert panel.camera_choice.currentData().startswith("demo")  # no camera plugged in on the test machine
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 3, timeout=JOB_MS)
    frame = panel.preview.frame
    assert frame is not None and panel.preview.frame_rect(frame)[1]  # made at the preview's size: painted as it is

    panel.capture_still()
    assert panel.preview.flashing() and panel.cue.sounds == 1
    (image,) = wait_images(qtbot, panel, 1)

    camera = DemoCamera(width=DEMO_WIDTH, height=DEMO_HEIGHT)
    assert (image.width, image.height) == (camera.width, camera.height) == (1920, 1080)
    (saved,) = reopened(store, case.id)
    assert (saved.width, saved.height) == (1920, 1080)
    assert Image.open(io.BytesIO(store.image_bytes(saved))).size == (1920, 1080)
    assert saved.quality, "the still went through the quality checks"
    tile = panel.tile(saved.id)
    assert tile.level == saved.worst_level()
    assert painted_border(tile) == LEVEL_COLOURS[tile.level]
    # A Full HD demo still passes every check: the tile says so in words (a flagged image would show
    # its worst finding's sentence instead, see the blurred import below).
    assert saved.worst_level() == "ok"
    assert tile.said() == "Image de bonne qualité." and not tile.sentence.isVisible()


def test_space_on_the_preview_and_f8_take_stills(qtbot: Any, panel: CapturePanel, store: Store) -> None:
    panel.set_case(new_case(store))
    show(qtbot, panel)
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=JOB_MS)
    panel.preview.setFocus()
    qtbot.keyClick(panel.preview, Qt.Key.Key_Space)
    wait_images(qtbot, panel, 1)
    qtbot.keyClick(panel.import_button, Qt.Key.Key_F8)
    wait_images(qtbot, panel, 2)


def test_a_new_photo_reaches_its_tile_without_anything_read_back_or_redrawn(
    qtbot: Any, panel: CapturePanel, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18.1: the worker that stored the photo hands its tile what it needs (the case's images as
    stored, its thumbnail decoded from the bytes just made); the window's thread neither reads the case's
    images again nor decrypts and decodes the thumbnail, and the tiles already there are not redrawn."""
    from app.blobs import ObjectStore
    from ui.image_tile import ImageTile

    case = new_case(store)
    panel.set_case(case)
    show(qtbot, panel)
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=JOB_MS)
    panel.capture_still()
    (first,) = wait_images(qtbot, panel, 1)

    read_blobs: list[str] = []
    images_read_on: list[str] = []
    captions: list[str] = []
    get, images, set_caption = ObjectStore.get, Store.images, ImageTile.set_caption

    def recorded_get(self: ObjectStore, blob: str) -> bytes:
        read_blobs.append(blob)
        return get(self, blob)

    def recorded_images(self: Store, case_id: str) -> Iterator[CaseImage]:
        images_read_on.append(threading.current_thread().name)
        return images(self, case_id)

    def recorded_caption(self: ImageTile, image: CaseImage) -> None:
        captions.append(image.id)
        set_caption(self, image)

    monkeypatch.setattr(ObjectStore, "get", recorded_get)
    monkeypatch.setattr(Store, "images", recorded_images)
    monkeypatch.setattr(ImageTile, "set_caption", recorded_caption)
    panel.capture_still()
    first_again, second = wait_images(qtbot, panel, 2)

    assert first_again.id == first.id
    assert not panel.tile(second.id).picture.pixmap().isNull(), "the new tile shows its thumbnail"
    assert second.thumb_blob not in read_blobs and first.thumb_blob not in read_blobs, read_blobs
    assert images_read_on and threading.main_thread().name not in images_read_on, images_read_on
    assert captions == [second.id], "the tile already there was redrawn"
    assert panel.tile(second.id).selected and not panel.tile(first.id).selected


def test_a_retake_whose_still_never_comes_still_waits_for_its_photo(
    qtbot: Any, panel: CapturePanel, store: Store
) -> None:
    case = new_case(store)
    panel.set_case(case)
    show(qtbot, panel)
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=JOB_MS)
    panel.capture_still()
    (first,) = wait_images(qtbot, panel, 1)
    panel.start_retake(first.id)
    worker = panel.camera._worker
    assert worker is not None
    worker.wait_still = lambda timeout=3.0: None  # type: ignore[method-assign]
    panel.capture_still()
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=JOB_MS)
    assert "La caméra n'a pas donné d'image" in panel.status.text() and panel.status.styleSheet()
    assert [image.id for image in reopened(store, case.id)] == [first.id]

    del worker.wait_still  # the camera gives stills again
    panel.capture_still()
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and case.images[0].id != first.id, timeout=JOB_MS)
    assert len(reopened(store, case.id)) == 1, "the next still replaced the image instead of adding one"


class UnpluggableCamera:
    """The demo camera behind a cable the test pulls out and plugs back in."""

    def __init__(self) -> None:
        self.camera = DemoCamera(width=640, height=480, fps=30)
        self.plugged = threading.Event()
        self.plugged.set()

    def open(self) -> bool:
        return self.plugged.is_set() and self.camera.open()

    def read(self) -> tuple[bool, Any]:
        if not self.plugged.is_set():
            return False, None
        return self.camera.read()

    def release(self) -> None:
        self.camera.release()


def test_the_cameras_are_listed_again_off_the_windows_thread_and_one_plugged_in_meanwhile_comes(
    qtbot: Any, panel: CapturePanel, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening a case shows the cameras last found at once; the system is asked again by a worker (on
    Windows, Media Foundation's listing takes long), and a camera plugged in meanwhile is shown, chosen
    and started as soon as it answers."""
    import capture.camera
    from capture.camera import CameraIdentity

    dermatoscope = CameraIdentity("Dermatoscope USB", 0x1234, 0x5678, "/dev/video0", 200)
    plugged: list[CameraIdentity] = []
    on_main_thread: list[bool] = []

    def listing(**_options: Any) -> list[CameraIdentity]:
        on_main_thread.append(threading.current_thread() is threading.main_thread())
        return list(plugged)

    monkeypatch.setattr(capture.camera, "enumerate_cameras", listing)
    # No dermatoscope on the test machine: its frames are the demo camera's.
    monkeypatch.setattr("ui.capture_camera.open_source", lambda _id, _resolution="": DemoCamera(kind="dermatology"))
    panel.set_case(new_case(store))
    show(qtbot, panel)
    assert panel.camera_choice.currentData() == "demo:dermatology"
    qtbot.waitUntil(lambda: panel.camera.is_running() and panel.preview.frames_shown >= 1, timeout=JOB_MS)
    assert on_main_thread == [True], "listed once, on the window's thread, the first time"

    plugged.append(dermatoscope)
    panel.set_case(new_case(store, family="BERNARD"))
    assert panel.camera_choice.currentData() == "demo:dermatology", "the list last found, at once"
    qtbot.waitUntil(lambda: panel.camera_choice.currentData() == dermatoscope.id, timeout=JOB_MS)
    assert on_main_thread == [True, False]
    qtbot.waitUntil(
        lambda: panel.camera.is_running() and panel.camera.device_name == "Dermatoscope USB", timeout=JOB_MS
    )

    # From the review: a listing that misses the camera previewing (a hub's reset, an enumeration that
    # failed) must not put another camera, or the demo's drawing, under a patient's case.
    store.settings.set("training", "off")
    webcam = CameraIdentity("Webcam intégrée", 0x0C45, 0x6366, "/dev/video2", 200)
    plugged[:] = [webcam]
    starts: list[str] = []
    real_start = panel.camera.start
    monkeypatch.setattr(
        panel.camera, "start", lambda factory, name="": starts.append(name) or real_start(factory, name)
    )
    panel.set_case(new_case(store, family="DURAND"))
    qtbot.waitUntil(lambda: len(on_main_thread) == 3, timeout=JOB_MS)
    qtbot.wait(200)
    listed = [panel.camera_choice.itemData(i) for i in range(panel.camera_choice.count())]
    assert panel.camera_choice.currentData() == dermatoscope.id and listed == [dermatoscope.id, webcam.id]
    assert panel.camera.device_name == "Dermatoscope USB"
    assert "Webcam intégrée" not in starts and not any(name.startswith("Caméra de démonstration") for name in starts)


def test_unplugged_camera_shows_the_banner_and_comes_back(qtbot: Any, panel: CapturePanel, store: Store) -> None:
    panel.set_case(new_case(store))
    show(qtbot, panel)
    cable = UnpluggableCamera()
    panel.camera.start(lambda: cable, "Caméra USB")
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 2, timeout=JOB_MS)
    assert panel.banner.isHidden()

    cable.plugged.clear()
    qtbot.waitUntil(panel.banner.isVisible, timeout=JOB_MS)
    assert fr_spaced("Caméra débranchée — rebranchez-la : la reprise est automatique") in panel.banner.text()
    shown = panel.preview.frames_shown

    cable.plugged.set()
    qtbot.waitUntil(lambda: panel.banner.isHidden() and panel.preview.frames_shown > shown + 2, timeout=JOB_MS)
    panel.capture_still()
    (image,) = wait_images(qtbot, panel, 1)
    assert (image.width, image.height) == (640, 480)


def test_the_end_of_a_video_stream_is_a_lost_camera_that_comes_back(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """The real OpenCV path: an MJPG AVI plays, ends (the camera is gone), and is opened again."""
    from capture.camera import OpenCVCamera
    from capture.cv import cv2

    path = tmp_path / "stream.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 25.0, (320, 240))
    demo = DemoCamera(width=320, height=240)
    demo.open()
    for n in range(15):
        writer.write(demo.frame_at(n / 25))
    writer.release()
    panel.set_case(new_case(store))
    show(qtbot, panel)
    # Recorded by slots connected after the panel's own: what the nurse sees at each moment.
    lost: list[tuple[str, bool]] = []
    back: list[bool] = []
    panel.camera.camera_lost.connect(lambda text: lost.append((text, panel.banner.isVisible())))
    panel.camera.camera_back.connect(lambda: back.append(panel.banner.isVisible()))
    panel.camera.start(lambda: OpenCVCamera(str(path), pace_fps=50.0), "Caméra USB")
    qtbot.waitUntil(lambda: bool(back), timeout=JOB_MS)
    text, banner_shown = lost[0]
    assert banner_shown and "Caméra USB" in text and "câble" in text
    assert back[0] is False, "the banner goes once the camera is back"
    assert panel.preview.frames_shown > 0


# -- imports, quality -----------------------------------------------------------------------------


def test_blurred_import_shows_a_warning_tile_with_its_sentence(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    panel.set_case(new_case(store))
    image = import_one(qtbot, panel, write_photo(tmp_path, "flou.jpg", blur=2.0))
    tile = panel.tile(image.id)
    assert tile.level == "warning"
    assert painted_border(tile) == LEVEL_COLOURS["warning"] and "À vérifier" in tile.badge.text()
    assert "floue" in tile.sentence.text()
    sharpness = next(f for f in image.quality if f.check == "sharpness")
    assert tile.sentence.text() == sharpness.message
    # Clicking the tile shows every finding in words; the measures are in its tooltip.
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert all(finding.message in panel.labels.findings.text() for finding in image.quality)
    details = panel.labels.findings.toolTip()
    assert f"{sharpness.measure:.3g}" in details and f"{sharpness.threshold:.3g}" in details

    sharp = import_one(qtbot, panel, write_photo(tmp_path, "net.jpg", seed=3))
    assert panel.tile(sharp.id).level == "ok"


def test_the_line_above_the_photos_follows_the_selected_tile(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """It said the last imported tile's sentence (« Image de bonne qualité. ») while another, unusable,
    was selected (a tester's finding): it speaks of the selected tile, or of a batch as a whole."""
    panel.set_case(new_case(store))
    show(qtbot, panel)
    blurred = import_one(qtbot, panel, write_photo(tmp_path, "flou.jpg", blur=4.0))
    sharp = import_one(qtbot, panel, write_photo(tmp_path, "net.jpg", seed=3))
    assert panel.status.text() == panel.tile(sharp.id).said() == "Image de bonne qualité."
    qtbot.mouseClick(panel.tile(blurred.id), Qt.MouseButton.LeftButton)
    assert panel.status.text() == panel.tile(blurred.id).said() != "Image de bonne qualité."

    panel.import_files([write_photo(tmp_path, "a.jpg", seed=4), write_photo(tmp_path, "b.jpg", blur=4.0, seed=5)])
    images = wait_images(qtbot, panel, 4)
    qtbot.waitUntil(lambda: panel.status.text() == "2 images importées.", timeout=JOB_MS)
    qtbot.mouseClick(panel.tile(images[2].id), Qt.MouseButton.LeftButton)
    assert panel.status.text() == panel.tile(images[2].id).said() == "Image de bonne qualité."


def test_a_good_image_says_good_quality_once_on_its_tile(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """A good image's verdict is said once where the nurse reads it: the tile's badge « ✓ Bonne qualité »,
    and the line above the photos when she selects it. The tile wrote « Image de bonne qualité. » under
    its badge as well: three times « bonne qualité » for one photo, and a line less for what it shows."""
    panel.set_case(new_case(store))
    show(qtbot, panel)
    sharp = import_one(qtbot, panel, write_photo(tmp_path, "net.jpg", seed=3))
    blurred = import_one(qtbot, panel, write_photo(tmp_path, "flou.jpg", blur=4.0))
    good, bad = panel.tile(sharp.id), panel.tile(blurred.id)
    assert good.level == "ok" and bad.level != "ok"
    on_tile = [good.badge.text(), good.sentence.text() if good.sentence.isVisible() else "", good.toolTip()]
    assert sum(words.lower().count("bonne qualité") for words in on_tile) == 1, on_tile
    assert "bonne qualité" in good.accessibleName()
    # A flagged image still says what is wrong under its badge.
    assert bad.sentence.isVisible() and bad.sentence.text()
    # The line above the photos speaks of the selected one, good or not.
    panel.select_image(sharp.id)
    assert panel.status.text() == "Image de bonne qualité."
    panel.select_image(blurred.id)
    assert panel.status.text() == bad.sentence.text()


def test_a_refused_file_is_reported_and_nothing_is_stored(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    case = new_case(store)
    panel.set_case(case)
    bad = tmp_path / "notes.jpg"
    bad.write_text("pas une image")
    panel.import_files([bad])
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and "notes.jpg" in panel.status.text(), timeout=JOB_MS)
    assert "n'est pas une image reconnue" in panel.status.text()
    assert reopened(store, case.id) == []


# -- labels, checklist ----------------------------------------------------------------------------


def test_labels_are_saved_and_the_checklist_follows(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    case = new_case(store)
    panel.set_case(case)
    changes: list[bool] = []
    panel.images_changed.connect(lambda: changes.append(True))
    image = import_one(qtbot, panel, write_photo(tmp_path, "dos.jpg"))
    far_line = next(text for text in checklist_marks(panel) if "éloignée" in text)
    assert checklist_marks(panel)[far_line] is False

    qtbot.mouseClick(panel.tile(image.id), Qt.MouseButton.LeftButton)
    labels = panel.labels
    labels.body_site.setFocus()
    labels.body_site.clear()
    qtbot.keyClicks(labels.body_site, "dos, omoplate gauche")
    qtbot.keyClick(labels.body_site, Qt.Key.Key_Return)
    labels.view.setCurrentIndex(labels.view.findData("far"))
    labels.note.setText("bord irrégulier")
    labels.note.editingFinished.emit()
    # Each edit is written by the writer thread, in order; the panel says so once it is stored.
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and len(changes) >= 4, timeout=JOB_MS)

    (saved,) = reopened(store, case.id)
    assert (saved.body_site, saved.view, saved.note) == ("dos, omoplate gauche", "far", "bord irrégulier")
    assert case.images[0].view == "far"  # the editor's Case object sees the same labels
    assert "Vue éloignée" in panel.tile(image.id).caption.text()
    far_now = next(text for text in checklist_marks(panel) if "éloignée" in text)
    assert checklist_marks(panel)[far_now] is True
    assert len(changes) >= 4


def test_a_specialty_expecting_no_view_shows_no_empty_expected_views_box(
    qtbot: Any, panel: CapturePanel, store: Store
) -> None:
    """« Autre spécialité » expects no view: its « Vues attendues » box was shown empty, as if its lines had
    failed to load. It is hidden there, and comes back for a case whose specialty expects views."""
    show(qtbot, panel)
    panel.set_case(new_case(store, "other"))
    box = panel.checklist.parentWidget()
    assert panel.checklist.count() == 0
    assert not box.isVisible()
    panel.set_case(new_case(store, "dermatology", "DURAND"))
    assert panel.checklist.count() > 0 and box.isVisible()
    panel.set_case(None)
    assert not box.isVisible()


def test_a_site_typed_is_saved_without_leaving_the_field(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """Only leaving the field saved it: the site typed, the window then killed (or the case sent with
    Ctrl+Entrée from the field), it was lost. Saved after a pause, and at least every few seconds."""
    case = new_case(store)
    panel.set_case(case)
    image = import_one(qtbot, panel, write_photo(tmp_path, "dos.jpg"))
    qtbot.mouseClick(panel.tile(image.id), Qt.MouseButton.LeftButton)
    labels = panel.labels
    labels.body_site.setFocus()
    qtbot.keyClicks(labels.body_site, "haut du dos")  # no Enter, no Tab: the focus stays there
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and reopened(store, case.id)[0].body_site == "haut du dos")
    assert labels.body_site.text() == "haut du dos"  # nothing put back under her fingers
    for char in " droit, sous l'omoplate":  # a key every 150 ms, never the pause: saved all the same
        qtbot.keyClicks(labels.body_site, char)
        qtbot.wait(SAVE_DELAY_MS // 3 + 17)
    saved = reopened(store, case.id)[0].body_site
    assert saved.startswith("haut du dos droit") and len(saved) > len("haut du dos droit")


def test_retinographs_are_labelled_by_eye_and_field(qtbot: Any, panel: CapturePanel, store: Store) -> None:
    case = new_case(store, "ophthalmology")
    panel.set_case(case)
    show(qtbot, panel)
    assert panel.camera_choice.currentData() == "demo:ophthalmology"
    assert panel.labels.eye.isVisible() and not panel.labels.body_site.isVisible()
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=JOB_MS)
    panel.capture_still()
    (image,) = wait_images(qtbot, panel, 1)
    assert image.modality == "OP"
    marks_before = checklist_marks(panel)
    panel.labels.eye.setCurrentIndex(panel.labels.eye.findData("left"))
    panel.labels.view.setCurrentIndex(panel.labels.view.findData("macula"))
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=JOB_MS)  # written by the writer thread
    (saved,) = reopened(store, case.id)
    assert (saved.eye, saved.view) == ("left", "macula")
    assert sum(checklist_marks(panel).values()) > sum(marks_before.values())


# -- delete, retake -------------------------------------------------------------------------------


def test_delete_asks_first(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = new_case(store)
    panel.set_case(case)
    first = import_one(qtbot, panel, write_photo(tmp_path, "a.jpg", seed=1))
    second = import_one(qtbot, panel, write_photo(tmp_path, "b.jpg", seed=2))
    asked: list[str] = []

    def answer(reply: QMessageBox.StandardButton) -> Any:
        def question(parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
            asked.append(text)
            return reply

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    tile = panel.tile(first.id)
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_Delete)
    assert asked and [i.id for i in reopened(store, case.id)] == [first.id, second.id]
    # Found from outside: « de cette demande » (« from this request »), where every other word of the window
    # says « dossier » (« case »): a nurse on her first day wondered whether a request was something else.
    assert asked[0] == fr_spaced("Supprimer définitivement l'image 1 de ce dossier ?")

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    qtbot.keyClick(panel.tile(first.id), Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=JOB_MS)  # written by the writer thread
    assert [i.id for i in reopened(store, case.id)] == [second.id]
    assert [t.image.id for t in panel.tiles()] == [second.id]
    assert store.objects.get(second.blob)
    with pytest.raises(StorageError):
        store.objects.get(first.blob)


def test_an_unusable_image_is_said_at_once_to_the_screen_reader(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """Its red tile is not seen by a nurse who uses a screen reader: its sentence is said, interrupting."""
    from ui.widgets import SAID

    panel.set_case(new_case(store))
    show(qtbot, panel)
    SAID.clear()
    blurred = import_one(qtbot, panel, write_photo(tmp_path, "flou.jpg", blur=4.0))
    tile = panel.tile(blurred.id)
    assert tile.level == "blocking"
    assert SAID[-1] == (tile.sentence.text(), True)
    assert "flou" in tile.sentence.text().lower()


def test_a_tile_says_its_verdict_in_words_to_the_screen_reader(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """Its border's red and its badge's mark are not read: its name says « inutilisable » and what it shows."""
    from PySide6.QtGui import QAccessible

    panel.set_case(new_case(store))
    show(qtbot, panel)
    blurred = import_one(qtbot, panel, write_photo(tmp_path, "flou.jpg", blur=4.0))
    panel.select_image(blurred.id)
    panel.labels.body_site.setText("mollet droit")
    panel.labels.body_site.editingFinished.emit()
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=JOB_MS)
    tile = panel.tile(blurred.id)
    assert "mollet droit" in tile.caption.text()
    name = QAccessible.queryAccessibleInterface(tile).text(QAccessible.Text.Name)
    assert name == fr_spaced("Image 1, inutilisable : ") + f"{tile.sentence.text()} — mollet droit", name


def test_retake_replaces_the_image_and_keeps_its_labels(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    case = new_case(store)
    panel.set_case(case)
    show(qtbot, panel)
    blurred = import_one(qtbot, panel, write_photo(tmp_path, "flou.jpg", blur=4.0))
    assert panel.tile(blurred.id).level == "blocking"
    panel.select_image(blurred.id)
    panel.labels.view.setCurrentIndex(panel.labels.view.findData("close-up"))
    panel.labels.body_site.setText("mollet droit")
    panel.labels.body_site.editingFinished.emit()

    qtbot.mouseClick(panel.labels.retake_button, Qt.MouseButton.LeftButton)
    assert "Reprise de l'image 1" in panel.status.text()
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=JOB_MS)
    panel.capture_still()
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and case.images[0].id != blurred.id, timeout=JOB_MS)
    (saved,) = reopened(store, case.id)
    assert saved.id != blurred.id and saved.width == 1920
    assert (saved.view, saved.body_site) == ("close-up", "mollet droit")


# -- anonymisation --------------------------------------------------------------------------------


def test_anonymising_a_rectangle_changes_only_those_pixels(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    case = new_case(store)
    panel.set_case(case)
    original = import_one(qtbot, panel, write_photo(tmp_path, "visage.png", png=True))
    before = decoded(store, original)
    region = (200, 150, 300, 240)
    panel.apply_anonymisation(original.id, AnonymiseChoice([region], mode="mask"), _pixels(store, original))
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and case.images[0].id != original.id, timeout=JOB_MS)

    (saved,) = reopened(store, case.id)  # the original went: it was not asked to be kept
    after = decoded(store, saved)
    assert after.shape == before.shape
    x, y, w, h = region
    inside = np.abs(after[y + 4 : y + h - 4, x + 4 : x + w - 4] - before[y + 4 : y + h - 4, x + 4 : x + w - 4])
    assert inside.mean() > 60, "the masked region no longer shows the skin"
    outside = np.abs(after - before)
    outside[max(0, y - 8) : y + h + 8, max(0, x - 8) : x + w + 8] = 0
    assert outside.mean() < 2.5, "the rest of the image is kept (one JPEG encoding at most)"
    # The PNG gave no capture time: its copy still says so (the time is its import's, not the photo's).
    assert original.time_unknown and saved.time_unknown and saved.captured_at == original.captured_at


def test_anonymising_can_keep_the_original(qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path) -> None:
    case = new_case(store)
    panel.set_case(case)
    original = import_one(qtbot, panel, write_photo(tmp_path, "bras.jpg"))
    panel.apply_anonymisation(
        original.id, AnonymiseChoice([(10, 10, 100, 100)], mode="blur", keep_original=True), _pixels(store, original)
    )
    wait_images(qtbot, panel, 2)
    assert original.id in [i.id for i in reopened(store, case.id)]


def test_a_stored_photo_to_anonymise_is_decoded_off_the_window_thread_and_shown_reduced(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """« Anonymiser… » on a stored 12 MP photo read, decrypted and decoded it on the window's thread (a
    fifth of a second, the camera's preview frozen), then drew all of it at each paint. It is decoded by a
    worker, the dialog opens once it is, showing a reduced copy; what is hidden is where it was chosen, in
    the photo's own pixels."""
    from tests.ui.test_open_case_work import HeldRunner
    from ui import tasks
    from ui.anonymise_dialog import DISPLAY_LONG_SIDE

    case = new_case(store)
    panel.set_case(case)
    show(qtbot, panel)
    path = tmp_path / "visage.jpg"
    path.write_bytes(jpeg_bytes(skin_photo(4000, 3000, seed=5), quality=92))
    original = import_one(qtbot, panel, path)
    before = decoded(store, original)
    region = (2000, 1500, 800, 600)
    shown: list[tuple[tuple[int, int], tuple[int, int]]] = []

    def mask_a_region(dialog: AnonymiseDialog) -> int:
        shown.append((dialog.canvas.image.size().toTuple(), dialog.canvas.full.toTuple()))
        dialog.canvas.add_region(region)
        dialog.mask_choice.setChecked(True)
        return int(AnonymiseDialog.DialogCode.Accepted)

    monkeypatch.setattr(AnonymiseDialog, "exec", mask_a_region)
    held = HeldRunner()
    tasks.set_runner(held)
    try:
        panel.anonymise_image(original.id)
        assert shown == [] and held.held, "nothing decoded nor opened on the window's thread"
        assert "Ouverture de l'image" in panel.status.text()
        panel.anonymise_image(original.id)  # clicked again meanwhile: one dialog only
        held.run_held()
        assert shown == [((DISPLAY_LONG_SIDE, 1200), (4000, 3000))]
        held.run_held()  # the anonymised copy, stored by a worker too
    finally:
        tasks.set_runner(None)
    (saved,) = wait_images(qtbot, panel, 1)
    after = decoded(store, saved)
    x, y, w, h = region
    assert after[y + 8 : y + h - 8, x + 8 : x + w - 8].mean() < 12, "the region chosen is black in the copy"
    outside = np.abs(after - before)
    outside[y - 16 : y + h + 16, x - 16 : x + w + 16] = 0
    assert outside.mean() < 2.5, "the rest of the photo is kept"
    # Closed, the dialog goes with its picture: each one was kept as long as the window stayed open.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert panel.findChildren(AnonymiseDialog) == []


def test_rectangles_drawn_in_the_dialog_are_in_image_pixels(qtbot: Any) -> None:
    from PySide6.QtGui import QImage

    picture = QImage(1600, 1200, QImage.Format.Format_RGB888)
    picture.fill(Qt.GlobalColor.gray)
    dialog = AnonymiseDialog(picture)  # not shown: offscreen Qt warns about a shown window's size hints
    qtbot.addWidget(dialog)
    host = QWidget()  # the drawing area alone, shown in a window without a layout
    qtbot.addWidget(host)
    canvas = dialog.canvas
    canvas.setParent(host)
    canvas.resize(900, 700)
    host.resize(900, 700)
    host.show()
    qtbot.waitExposed(host)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled(), "nothing to apply before a region is drawn"
    target = canvas.to_widget((400, 300, 800, 600))
    start = QPoint(round(target.left()), round(target.top()))
    end = QPoint(round(target.right()), round(target.bottom()))
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)
    ((x, y, w, h),) = dialog.choice().regions
    assert abs(x - 400) <= 4 and abs(y - 300) <= 4 and abs(w - 800) <= 6 and abs(h - 600) <= 6
    assert ok.isEnabled()
    assert dialog.choice().mode == "blur" and not dialog.choice().keep_original
    dialog.mask_choice.setChecked(True)
    dialog.keep_original.setChecked(True)
    assert dialog.choice().mode == "mask" and dialog.choice().keep_original
    qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert dialog.choice().regions == [] and not ok.isEnabled()
    # Shown as a copy reduced by half, the same rectangle on screen is the same in the image's pixels.
    canvas.image = picture.scaled(800, 600)
    canvas.full = picture.size()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)
    ((x, y, w, h),) = dialog.choice().regions
    assert abs(x - 400) <= 4 and abs(y - 300) <= 4 and abs(w - 800) <= 6 and abs(h - 600) <= 6


def test_hide_the_face_button_adds_the_detected_faces(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from capture import anonymise
    from ui.camera_bridge import to_qimage

    skin = DemoCamera(width=640, height=480)
    skin.open()
    dialog = AnonymiseDialog(to_qimage(skin.frame_at(0.0), long_side=640))
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.find_face, Qt.MouseButton.LeftButton)  # the real detector: no face on skin
    assert dialog.choice().regions == [] and "Aucun visage" in dialog.status.text()

    seen: list[tuple[int, ...]] = []

    def one_face(rgb: np.ndarray) -> list[tuple[int, int, int, int]]:
        seen.append(rgb.shape)
        return [(100, 80, 120, 150)]

    monkeypatch.setattr(anonymise, "find_faces", one_face)
    qtbot.mouseClick(dialog.find_face, Qt.MouseButton.LeftButton)
    assert seen == [(480, 640, 3)], "the detector is given the whole picture, as RGB pixels"
    assert dialog.choice().regions == [(100, 80, 120, 150)] and "Visage trouvé" in dialog.status.text()
    # The picture shown is a reduced copy of a photo twice as large: the face is where it is in the photo.
    from PySide6.QtCore import QSize

    reduced = AnonymiseDialog(to_qimage(skin.frame_at(0.0), long_side=640), full_size=QSize(1280, 960))
    qtbot.addWidget(reduced)
    qtbot.mouseClick(reduced.find_face, Qt.MouseButton.LeftButton)
    assert reduced.choice().regions == [(200, 160, 240, 300)]


def _pixels(store: Store, image: CaseImage) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(store.image_bytes(image))).convert("RGB"), dtype=np.uint8)


# -- import dialogs, anonymise before keeping, read-only, responsiveness -------------------------


def test_files_chosen_in_the_file_dialog_are_imported(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = new_case(store)
    panel.set_case(case)
    paths = [write_photo(tmp_path, "a.jpg", seed=4), write_photo(tmp_path, "b.png", seed=5, png=True)]
    offered: list[str] = []

    def choose(parent: Any, title: str, folder: str, filters: str, **_options: Any) -> tuple[list[str], str]:
        offered.append(filters)
        return [str(p) for p in paths], ""

    monkeypatch.setattr(file_dialogs, "_get_open_file_names", choose)
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    images = wait_images(qtbot, panel, 2)
    assert all(pattern in offered[0] for pattern in ("*.jpg", "*.png", "*.tiff", "*.heic", "*.dcm"))
    assert sorted(i.content_type for i in images) == ["image/jpeg", "image/png"]


def test_files_chosen_together_are_numbered_in_the_order_chosen(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: photos picked together in the file dialog were numbered in the order their
    background imports finished, so a big photo chosen first came after the small ones chosen with it."""
    import ui.capture_work

    case = new_case(store)
    panel.set_case(case)
    sizes = [(2400, 1800), (1600, 1200), (1280, 960)]  # the first is the biggest, the slowest to prepare
    paths = []
    for n, (width, height) in enumerate(sizes):
        paths.append(tmp_path / f"photo-{n}.jpg")
        paths[-1].write_bytes(jpeg_bytes(skin_photo(width, height, seed=n), quality=92))
    prepare = ui.capture_work.prepare_image_bytes

    def slower_when_bigger(data: bytes, **options: Any) -> Any:
        if options["filename"] == paths[0].name:
            threading.Event().wait(1.5)  # as on a slow disk or a busy machine: surely the last one ready
        return prepare(data, **options)

    monkeypatch.setattr(ui.capture_work, "prepare_image_bytes", slower_when_bigger)
    monkeypatch.setattr(file_dialogs, "_get_open_file_names", lambda *_args, **_options: ([str(p) for p in paths], ""))
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    images = wait_images(qtbot, panel, 3)
    assert [(i.width, i.height) for i in images] == sizes
    assert [(i.width, i.height) for i in reopened(store, case.id)] == sizes
    assert [panel.strip.number(i.id) for i in images] == [1, 2, 3]


def test_files_chosen_with_one_whose_work_never_began_are_stored_at_once(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: when one file's job could not open its store connection, the files chosen after
    it waited two minutes for it, the window saying « Import… » all that time."""
    case = new_case(store)
    panel.set_case(case)
    paths = [write_photo(tmp_path, f"photo-{n}.jpg", seed=n) for n in range(3)]
    clone, calls = Store.clone, [0]

    def first_fails(self: Store) -> Store:
        calls[0] += 1
        if calls[0] == 1:  # whichever job the pool begins first: one of the three never begins
            raise StorageError("La base de données est occupée.")
        return clone(self)

    monkeypatch.setattr(Store, "clone", first_fails)
    monkeypatch.setattr(file_dialogs, "_get_open_file_names", lambda *_args, **_options: ([str(p) for p in paths], ""))
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=20_000)  # not after two minutes
    assert len(case.images) == 2
    assert "occupée" in panel.status.text()  # the one that failed is said
    numbers = [panel.strip.number(i.id) for i in case.images]
    assert numbers == [1, 2]


def test_device_folder_lists_its_images_and_imports_the_chosen_ones(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    from ui.capture_folder import DeviceFolderDialog

    folder = tmp_path / "export-retinographe"
    folder.mkdir()
    write_photo(folder, "OD.jpg", seed=6)
    write_photo(folder, "OG.jpg", seed=7)
    (folder / "journal.txt").write_text("pas une image")
    store.settings.set("watch.folder", str(folder))
    panel.set_case(new_case(store))
    dialog = DeviceFolderDialog(folder)
    qtbot.addWidget(dialog)
    assert sorted(p.name for p in dialog.files) == ["OD.jpg", "OG.jpg"]
    dialog.list.item(0).setCheckState(Qt.CheckState.Checked)
    chosen = dialog.chosen()
    assert len(chosen) == 1
    panel.import_files(chosen, from_device_folder=True)
    wait_images(qtbot, panel, 1)
    assert chosen[0].exists(), "the original stays in the device folder by default"

    store.settings.set("watch.delete_originals", True)
    dialog.list.item(0).setCheckState(Qt.CheckState.Unchecked)
    dialog.list.item(1).setCheckState(Qt.CheckState.Checked)
    (second,) = dialog.chosen()
    panel.import_files([second], from_device_folder=True)
    wait_images(qtbot, panel, 2)
    assert not second.exists(), "removed once stored, as the setting asks"
    assert (folder / "journal.txt").exists()


def test_a_device_file_rewritten_after_the_list_opened_is_not_imported(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """Noticed in an outside pass on devices: a file ticked in the device folder's list was imported by
    its name. A device that writes each exam under the same name (EXPORT.JPG) may write the next
    patient's image there while the list is open: it went into this patient's case. A file changed
    since it was listed is refused, said, and nothing is stored; listed again, it imports."""
    import os

    from ui.capture_folder import DeviceFolderDialog

    folder = tmp_path / "export-appareil"
    folder.mkdir()
    export = write_photo(folder, "EXPORT.JPG", seed=6)
    store.settings.set("watch.folder", str(folder))
    panel.set_case(new_case(store))
    dialog = DeviceFolderDialog(folder, ticked={export})
    qtbot.addWidget(dialog)
    assert dialog.chosen() == [export]
    write_photo(folder, "EXPORT.JPG", seed=9)  # the next patient's exam, written under the same name
    listed = dialog.listed[export].mtime_ns
    os.utime(export, ns=(listed + 1_000_000_000, listed + 1_000_000_000))  # (a clock's resolution)
    panel.import_files(dialog.chosen(), from_device_folder=True, as_listed=dialog.listed)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=JOB_MS)
    assert panel.case() is not None and panel.case().images == []
    assert "a changé depuis l'ouverture de la liste" in panel.status.text()

    again = DeviceFolderDialog(folder, ticked={export})
    qtbot.addWidget(again)
    panel.import_files(again.chosen(), from_device_folder=True, as_listed=again.listed)
    wait_images(qtbot, panel, 1)


def test_an_image_in_an_exam_subfolder_is_listed_with_its_path_and_removing_it_keeps_its_folders(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """Found from outside: a retinograph exporting one folder per day and exam
    (2026-12-02/DUPONT_123/IMG0001.jpg) showed nothing in the list; its path tells whose image it is."""
    from ui.capture_folder import DeviceFolderDialog

    folder = tmp_path / "export-retinographe"
    exam = folder / "2026-12-02" / "DUPONT_123"
    exam.mkdir(parents=True)
    write_photo(folder, "OD.jpg", seed=6)
    nested = write_photo(exam, "IMG0001.jpg", seed=7)
    store.settings.set("watch.folder", str(folder))
    store.settings.set("watch.delete_originals", True)
    panel.set_case(new_case(store, "ophthalmology"))
    dialog = DeviceFolderDialog(folder, ticked={nested})
    qtbot.addWidget(dialog)
    shown = sorted(dialog.list.item(i).text().split(" — ")[0] for i in range(dialog.list.count()))
    assert shown == ["2026-12-02/DUPONT_123/IMG0001.jpg", "OD.jpg"]
    assert "sous-dossier" in dialog.findChild(type(panel.status)).text()
    assert dialog.chosen() == [nested]

    panel.import_files(dialog.chosen(), from_device_folder=True)
    wait_images(qtbot, panel, 1)
    assert not nested.exists() and exam.is_dir(), "the file is removed, never its folder"


def test_an_exam_exported_to_a_new_subfolder_is_announced_and_comes_ticked(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.capture_folder

    monkeypatch.setattr(ui.capture_folder, "WATCH_INTERVAL", 0.05)
    folder = tmp_path / "export-retinographe"
    (folder / "2026-12-01" / "MARTIN_9").mkdir(parents=True)
    write_photo(folder / "2026-12-01" / "MARTIN_9", "IMG0001.jpg", seed=3)
    store.settings.set("watch.folder", str(folder))
    panel.set_case(new_case(store, "ophthalmology"))
    show(qtbot, panel)
    qtbot.wait(300)  # the exams already there are not news
    assert not panel.folder_button.styleSheet()

    exam = tmp_path / "copie"  # the device writes the exam, then moves it in
    exam.mkdir()
    write_photo(exam, "IMG0002.jpg", seed=6)
    (folder / "2026-12-02").mkdir()
    exam.rename(folder / "2026-12-02" / "DUPONT_123")
    qtbot.waitUntil(lambda: "IMG0002.jpg" in panel.status.text(), timeout=JOB_MS)
    assert ticked_on_click(qtbot, panel, monkeypatch, accept=False) == ["IMG0002.jpg"]


def ticked_on_click(qtbot: Any, panel: CapturePanel, monkeypatch: pytest.MonkeyPatch, *, accept: bool) -> list[str]:
    """Click « Dossier de l'appareil »: the names that come ticked in its dialog, accepted or not."""
    from ui.capture_folder import DeviceFolderDialog

    ticked: list[str] = []
    answer = DeviceFolderDialog.DialogCode.Accepted if accept else DeviceFolderDialog.DialogCode.Rejected

    def look(dialog: DeviceFolderDialog) -> int:
        ticked.extend(path.name for path in dialog.chosen())
        return answer.value

    monkeypatch.setattr(DeviceFolderDialog, "exec", look)
    qtbot.mouseClick(panel.folder_button, Qt.MouseButton.LeftButton)
    return ticked


def test_a_new_image_in_the_device_folder_is_announced_and_comes_ticked(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.capture_folder

    monkeypatch.setattr(ui.capture_folder, "WATCH_INTERVAL", 0.05)
    folder = tmp_path / "export-retinographe"
    folder.mkdir()
    write_photo(folder, "earlier-patient.jpg", seed=3)
    store.settings.set("watch.folder", str(folder))
    panel.set_case(new_case(store, "ophthalmology"))
    show(qtbot, panel)
    qtbot.wait(300)  # the files already there are not news
    assert not panel.folder_button.styleSheet() and "appareil" not in panel.status.text()

    partial = write_photo(folder, "OD.jpg.part", seed=6)  # the device writes, then renames
    qtbot.wait(300)
    partial.rename(folder / "OD.jpg")
    qtbot.waitUntil(lambda: "OD.jpg" in panel.status.text(), timeout=JOB_MS)
    assert panel.folder_button.styleSheet() and "1 nouvelle" in panel.folder_button.toolTip()

    ticked = ticked_on_click(qtbot, panel, monkeypatch, accept=True)
    assert ticked == ["OD.jpg"], "the new image comes ticked, the earlier patient's does not"
    wait_images(qtbot, panel, 1)
    assert not panel.folder_button.styleSheet()

    panel.hide()  # another screen: nothing is watched any more
    write_photo(folder, "OG.jpg", seed=7)
    qtbot.wait(300)
    assert not panel.folder_button.styleSheet()


def test_a_device_folder_out_of_reach_is_said_and_its_old_exports_never_come_ticked(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: a folder unreachable when the case was opened said nothing; when it came
    back, its 30 old exports of other patients were announced and came ticked for this one."""
    import ui.capture_folder
    from ui.capture_folder import DeviceFolderDialog

    monkeypatch.setattr(ui.capture_folder, "WATCH_INTERVAL", 0.05)
    folder = tmp_path / "partage-retinographe"
    store.settings.set("watch.folder", str(folder))
    panel.set_case(new_case(store, "ophthalmology"))
    show(qtbot, panel)
    qtbot.waitUntil(lambda: "inaccessible" in panel.status.text(), timeout=JOB_MS)
    dialog = DeviceFolderDialog(folder)
    qtbot.addWidget(dialog)
    assert "est inaccessible" in dialog.findChild(type(panel.status)).text() and dialog.files == []

    stick = tmp_path / "cle-usb"  # plugged back, with what it holds
    stick.mkdir()
    for n in range(5):
        write_photo(stick, f"autre-patient-{n}.jpg", seed=n)
    stick.rename(folder)
    qtbot.waitUntil(lambda: "de nouveau accessible" in panel.status.text(), timeout=JOB_MS)
    qtbot.wait(300)
    assert not panel.folder_button.styleSheet(), "the old exports are not news"
    assert ticked_on_click(qtbot, panel, monkeypatch, accept=False) == []


def test_a_file_gone_while_the_folder_is_listed_is_left_out(
    qtbot: Any, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.capture_folder
    from ui.capture_folder import DeviceFolderDialog

    folder = tmp_path / "export"
    folder.mkdir()
    kept, gone = write_photo(folder, "OD.jpg", seed=1), write_photo(folder, "OG.jpg", seed=2)
    listed = ui.capture_folder.pending_files

    def then_deleted(path: Path, **limits: Any) -> list[Path] | None:
        found = listed(path, **limits)
        gone.unlink()  # the device (or a colleague) takes it away meanwhile
        return found

    monkeypatch.setattr(ui.capture_folder, "pending_files", then_deleted)
    dialog = DeviceFolderDialog(folder)
    qtbot.addWidget(dialog)
    assert dialog.files == [kept] and dialog.list.count() == 1


def test_a_device_share_with_years_of_exports_lists_the_newest_and_the_arrivals(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each image listed is opened on the window's thread: a share of years of exports, now read with
    its subfolders, would freeze the window. The newest are listed, and an arrival whatever its time."""
    import ui.capture_folder
    from ui.capture_folder import DeviceFolderDialog

    monkeypatch.setattr(ui.capture_folder, "SHOWN_AT_MOST", 5)
    folder = tmp_path / "export"
    photo = jpeg_bytes(skin_photo(160, 120, seed=1), quality=80)
    paths = []
    for day in range(1, 9):
        exam = folder / f"2026-11-{day:02d}"
        exam.mkdir(parents=True)
        path = exam / "IMG0001.jpg"
        path.write_bytes(photo)
        os.utime(path, (1_790_000_000 + day * 86_400,) * 2)
        paths.append(path)
    arrival = paths[0]  # copied in keeping the device's old time
    dialog = DeviceFolderDialog(folder, ticked={arrival})
    qtbot.addWidget(dialog)
    assert dialog.files == [*reversed(paths[-5:]), arrival]
    assert "Seules les 5 images les plus récentes sont montrées" in dialog.findChild(QLabel).text()
    assert dialog.list.item(0).text().startswith("2026-11-08/IMG0001.jpg — ")


def test_the_same_image_is_never_imported_twice_nor_into_two_patients_cases(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """Found from outside: an export the device wrote again was imported a second time without a word,
    and with two windows open on two cases, one arrival went into both patients' cases."""
    photo = write_photo(tmp_path, "OD.jpg", seed=4)
    first = new_case(store)
    panel.set_case(first)
    import_one(qtbot, panel, photo)
    panel.import_files([photo])
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and "déjà dans ce dossier" in panel.status.text(), timeout=JOB_MS)
    assert "(image 1)" in panel.status.text() and len(reopened(store, first.id)) == 1

    other = new_case(store, family="DUPONT")
    panel.set_case(other)
    panel.import_files([photo])
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and "d'un autre patient" in panel.status.text(), timeout=JOB_MS)
    assert reopened(store, other.id) == []

    # Another request for the same patient (the first one refused, say) may take the photo again.
    again = new_case(store)
    panel.set_case(again)
    import_one(qtbot, panel, photo)
    assert len(reopened(store, again.id)) == 1


def test_no_device_folder_set_says_where_to_set_it(panel: CapturePanel, store: Store) -> None:
    panel.set_case(new_case(store))
    panel.choose_from_device_folder()
    assert fr_spaced("Édition > Réglages…, onglet Prise de vue, « Dossier surveillé »") in panel.status.text()


def test_anonymise_before_keeping_a_still(
    qtbot: Any, panel: CapturePanel, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = new_case(store)
    panel.set_case(case)
    show(qtbot, panel)
    region = (0, 0, 400, 300)

    def accept_with_region(dialog: AnonymiseDialog) -> int:
        assert (dialog.canvas.full.width(), dialog.canvas.full.height()) == (1920, 1080)  # the full still …
        assert (dialog.canvas.image.width(), dialog.canvas.image.height()) == (1600, 900)  # … shown reduced
        dialog.canvas.add_region(region)
        dialog.mask_choice.setChecked(True)
        return int(AnonymiseDialog.DialogCode.Accepted)

    monkeypatch.setattr(AnonymiseDialog, "exec", accept_with_region)
    panel.anonymise_first.setChecked(True)
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=JOB_MS)
    panel.capture_still()
    (image,) = wait_images(qtbot, panel, 1)
    pixels = decoded(store, image)
    assert pixels[8:292, 8:392].mean() < 12, "the masked corner is black in what was kept"
    # The demo skin averages 50-58 wherever the frame drifts: far above the black of the mask.
    assert pixels[400:, 600:].mean() > 35, "the rest is the skin, untouched"


def test_a_sent_case_shows_its_images_but_cannot_change(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    from app.model import CaseState

    case = new_case(store)
    panel.set_case(case)
    import_one(qtbot, panel, write_photo(tmp_path, "a.jpg"))
    case.state = CaseState.SENT
    panel.set_case(case)
    show(qtbot, panel)
    assert len(panel.tiles()) == 1
    assert not panel.capture_button.isEnabled() and not panel.labels.isEnabled()
    assert not panel.camera.is_running()
    panel.capture_still()
    assert len(reopened(store, case.id)) == 1


def test_the_window_stays_responsive_while_previewing_and_storing(
    qtbot: Any, panel: CapturePanel, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The still's checks, thumbnail and storing took 0.3 s of the window's thread when done there. Seen
    # where they run, not timed: gaps of the window's timer measured it, and grow with the machine's load.
    import threading

    from ui import capture_work

    on_window_thread: list[bool] = []
    keep_still = capture_work.keep_still

    def watched(*args: Any, **kwargs: Any) -> Any:
        on_window_thread.append(threading.current_thread() is threading.main_thread())
        return keep_still(*args, **kwargs)

    monkeypatch.setattr(capture_work, "keep_still", watched)
    panel.set_case(new_case(store))
    show(qtbot, panel)
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=JOB_MS)
    panel.capture_still()
    wait_images(qtbot, panel, 1)
    assert on_window_thread == [False], "the still is checked and stored off the window's thread"


def test_an_export_that_came_during_one_case_is_not_announced_in_the_next(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by an outside review: Ctrl+N kept the panel on screen and its watch with it; the
    retinograph export that landed for the patient before was announced, and came ticked, in the new
    patient's case. Each case watches from its own opening."""
    import ui.capture_folder

    monkeypatch.setattr(ui.capture_folder, "WATCH_INTERVAL", 0.3)
    folder = tmp_path / "export"
    folder.mkdir()
    store.settings.set("watch.folder", str(folder))
    first, second = new_case(store, "ophthalmology", family="GARNIER"), new_case(store, "ophthalmology", "DUPONT")
    panel.set_case(first)
    show(qtbot, panel)
    qtbot.wait(400)
    write_photo(folder, "GARNIER_OD.jpg", seed=6)  # GARNIER's export, not yet confirmed by two looks
    qtbot.wait(100)
    panel.set_case(second)  # the panel stays on screen
    qtbot.wait(1500)
    assert not panel._new_in_folder and not panel.folder_button.styleSheet()
    arrived = write_photo(folder, "DUPONT_OD.jpg", seed=7)  # DUPONT's own: announced
    qtbot.waitUntil(lambda: panel._new_in_folder == [arrived], timeout=JOB_MS)


def test_a_device_file_whose_name_is_not_utf8_is_announced_and_imported(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: a device writing Latin-1 names (« DUPONT_Jérôme.jpg » as bytes E9, F4) had its
    file announced under another name, through Qt's text, and it could not be imported."""
    import ui.capture_folder
    from ui.capture_folder import DeviceFolderDialog

    monkeypatch.setattr(ui.capture_folder, "WATCH_INTERVAL", 0.3)
    folder = tmp_path / "export"
    folder.mkdir()
    store.settings.set("watch.folder", str(folder))
    panel.set_case(new_case(store, family="DUPONT"))
    show(qtbot, panel)
    qtbot.wait(400)
    written = write_photo(tmp_path, "photo.jpg", seed=8)
    latin1 = os.fsdecode(os.fsencode(folder) + b"/DUPONT_J\xe9r\xf4me.jpg")
    os.rename(written, latin1)
    arrived = Path(latin1)
    qtbot.waitUntil(lambda: panel._new_in_folder == [arrived], timeout=JOB_MS)
    dialog = DeviceFolderDialog(folder, ticked=set(panel._new_in_folder))
    qtbot.addWidget(dialog)
    assert dialog.chosen() == [arrived] and arrived.exists()
    panel.import_files(dialog.chosen())
    (image,) = wait_images(qtbot, panel, 1)
    assert image.content_type == "image/jpeg"


def test_an_import_refused_after_the_case_is_left_is_said_in_that_case_only(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """Found by an outside review: a file refused for the patient before was said refused, in red, in
    the next patient's case."""
    first, second = new_case(store, family="GARNIER"), new_case(store, family="DUPONT")
    panel.set_case(first)
    show(qtbot, panel)
    bad = tmp_path / "notes.jpg"
    bad.write_bytes(b"not an image at all" * 100)
    panel.import_files([bad])
    panel.set_case(second)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=JOB_MS)
    assert panel.status.text() == ""
    panel.set_case(store.get_case(first.id))
    assert "notes.jpg" in panel.status.text() or "image" in panel.status.text().lower(), panel.status.text()


def test_files_stop_waiting_for_one_given_up_on() -> None:
    """Found in review: should a file's turn never be handed on, each file after it waited the whole
    patience in turn, where the first one's wait should be the only one."""
    import time as _time

    import ui.capture_work

    turns = ui.capture_work.InTurn()
    turns.PATIENCE_S = 0.2
    with turns.turn(1) as wait:  # file 0 never takes its turn: file 1 waits its patience, then goes
        wait()
    turns.PATIENCE_S = 20.0  # were file 2 to wait for file 0 again, it would wait this long
    started = _time.monotonic()
    with turns.turn(2) as wait:
        wait()
    assert _time.monotonic() - started < 10.0


def device_dicom(folder: Path, name: str, patient: str, born: str, sex: str) -> Path:
    """A retinograph's DICOM as its device wrote it for ``patient`` (« FAMILY^Given »)."""
    import pydicom

    from capture.demo import fundus_scene
    from tests.support.dicom import retinograph

    ds = pydicom.dcmread(io.BytesIO(retinograph([fundus_scene(640, 480, seed=3, eye="right")], eye="R")))
    ds.PatientName, ds.PatientBirthDate, ds.PatientSex = patient, born, sex
    path = folder / name
    ds.save_as(path, enforce_file_format=True)
    return path


def test_a_new_dicom_its_device_recorded_for_another_patient_does_not_come_ticked(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: the device folder's dialog ticked every new file, a DICOM whose header names
    another patient too (the retinograph's previous patient, exported late), and « Importer » put it in
    this patient's case. It comes unticked, its line saying for whom the device recorded it; the others
    come ticked as before."""
    import ui.capture_folder
    from ui.capture_folder import DeviceFolderDialog

    monkeypatch.setattr(ui.capture_folder, "WATCH_INTERVAL", 0.05)
    folder = tmp_path / "export-retinographe"
    folder.mkdir()
    earlier = device_dicom(folder, "IM000001", "LEROY^Sophie", "19880714", "F")
    store.settings.set("watch.folder", str(folder))
    panel.set_case(new_case(store, "ophthalmology"))
    show(qtbot, panel)
    qtbot.wait(300)  # the files already there are not news

    device_dicom(folder, "IM000002", "LEROY^Sophie", "19880714", "F")
    device_dicom(folder, "IM000003", "MARTIN^Paul", "19500203", "M")
    write_photo(folder, "OD.jpg", seed=6)
    (folder / "IM000004").write_bytes(bytes(128) + b"DICM" + bytes(range(256)) * 4)  # a damaged header
    qtbot.waitUntil(
        lambda: "4 nouvelle" in panel.folder_button.toolTip(),
        timeout=JOB_MS,
    )
    ticked = ticked_on_click(qtbot, panel, monkeypatch, accept=False)
    assert sorted(ticked) == ["IM000003", "IM000004", "OD.jpg"], "Sophie's image does not come ticked in Paul's case"

    dialog = DeviceFolderDialog(folder, ticked={folder / "IM000002", folder / "IM000003"}, patient=panel.case().patient)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.reading(), timeout=JOB_MS)
    lines = {
        Path(dialog.list.item(i).data(Qt.ItemDataRole.UserRole)).name: dialog.list.item(i)
        for i in range(dialog.list.count())
    }
    said = fr_spaced(
        "⚠ L'appareil l'a enregistrée pour LEROY Sophie, 14/07/1988, femme, pas pour le patient de ce dossier : "
        "non cochée. Cochez-la seulement si vous avez vérifié que c'est bien lui."
    )
    # The new one, and the one that was there before (read off the window's thread): both say it.
    for name in ("IM000002", "IM000001"):
        assert lines[name].text().split("\n")[1:] == [said]
        assert lines[name].checkState() == Qt.CheckState.Unchecked
    assert "\n" not in lines["IM000003"].text() + lines["OD.jpg"].text()
    assert dialog.other_patients == {earlier, folder / "IM000002"}
    assert sorted(p.name for p in dialog.chosen()) == ["IM000003"]


def test_the_pixels_to_anonymise_are_a_copy_of_their_own(qapp: Any) -> None:
    """A stored photo is decoded by Qt in 32 bits and converted to RGB for the anonymisation: the array
    read the converted image's buffer, freed as soon as it was made whenever the rows had no padding (a
    width of 1600, 4000, 4032…). The anonymised copy then held whatever the memory held next (another
    image's pixels), or the window crashed (« Masquer le visage » on a stored photo)."""
    from PySide6.QtGui import QImage

    from ui.anonymise_dialog import qimage_to_rgb

    photo = skin_photo(1600, 1200, seed=3)
    picture = QImage.fromData(jpeg_bytes(photo, quality=95))
    assert picture.format() == QImage.Format.Format_RGB32  # as Qt decodes a JPEG: converted below
    rgb = qimage_to_rgb(picture)
    # Memory freed is given to what is made next: other pixels, here white.
    others = [np.full((1200, 1600, 3), 255, np.uint8) for _ in range(4)]
    assert rgb.shape == (1200, 1600, 3)
    assert np.abs(rgb.astype(int) - np.asarray(photo, dtype=int)).mean() < 3
    assert all(other.min() == 255 for other in others)
