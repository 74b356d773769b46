"""The capture panel changes images through the store's own operations: a retake takes the old
photo's place in one change, a label edit saves that image's labels and nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from app.model import Case
from app.store import Store
from tests.support.ui import activate, complete_case, open_from_list, type_text
from ui.main_window import MainWindow

JOB_MS = 30_000


def audit_since(store: Store, seq: int) -> list[tuple[str, str]]:
    return [
        (row[0], row[1])
        for row in store.conn.execute("SELECT action, detail FROM audit WHERE seq > ? ORDER BY seq", (seq,))
    ]


def last_seq(store: Store) -> int:
    return int(store.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM audit").fetchone()[0])


def opened(qtbot: Any, store: Store, case_id: str) -> MainWindow:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    open_from_list(qtbot, window, case_id)
    return window


def test_a_retake_keeps_its_place_in_the_case_in_one_change(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    case_id = complete_case(store, tmp_path / "case")
    window = opened(qtbot, store, case_id)
    page = window.case_page
    panel: Any = page.capture.ensure()
    first, second = store.images(case_id)
    qtbot.mouseClick(panel.tile(first.id), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.labels.retake_button, Qt.MouseButton.LeftButton)
    assert "Reprise de l'image 1" in panel.status.text()
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=JOB_MS)
    before = last_seq(store)
    qtbot.keyClick(panel.preview, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and page.case.images[0].id != first.id, timeout=JOB_MS)

    retaken, kept = store.images(case_id)
    assert kept.id == second.id, "the retake went to the end of the case"
    assert retaken.id != first.id and (retaken.view, retaken.body_site) == (first.view, first.body_site)
    assert panel.strip.number(retaken.id) == 1 and panel.strip.number(second.id) == 2
    assert "Vue éloignée" in panel.tile(retaken.id).caption.text()
    changes = audit_since(store, before)
    assert len(changes) == 1 and "retaken" in changes[0][1], changes
    window.shutdown()


def test_a_label_edit_saves_that_image_only(qtbot: Any, store: Store, tmp_path: Path, sync_runner: None) -> None:
    case_id = complete_case(store, tmp_path / "case")
    window = opened(qtbot, store, case_id)
    page = window.case_page
    panel: Any = page.capture.ensure()
    _first, second = store.images(case_id)
    revision = store.get_case(case_id).revision
    before = last_seq(store)

    qtbot.mouseClick(panel.tile(second.id), Qt.MouseButton.LeftButton)
    panel.labels.note.setFocus()
    qtbot.keyClick(panel.labels.note, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(panel.labels.note, "bord irrégulier en bas")
    qtbot.keyClick(panel.labels.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: list(store.images(case_id))[1].note == "bord irrégulier en bas", timeout=JOB_MS)
    assert store.get_case(case_id).revision == revision, "the whole case was rewritten for one label"
    assert audit_since(store, before) == [("edited", f"image {second.id}")]

    # The editor saves what is typed after: the label stays as the panel saved it.
    page.editor.summary.setFocus()
    qtbot.keyClick(page.editor.summary, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(page.editor.summary, " Prurit.")
    assert page.editor.flush()
    saved = store.get_case(case_id)
    assert saved.summary.endswith("Prurit.") and saved.revision == revision + 1
    assert saved.images[1].note == "bord irrégulier en bas"
    window.shutdown()


def test_a_stills_checks_run_while_its_files_are_written(store: Store, monkeypatch: Any) -> None:
    """Issue 18.1: the quality checks of a still (its longest step) run alongside its encoding and the
    writing of its files; the image is recorded with the verdict the checks gave."""
    import threading

    import numpy as np

    from capture.demo import DemoCamera
    from capture.quality import check_quality
    from ui import capture_work as work

    written = threading.Event()
    write_files = Store.write_files
    verdicts: list[Any] = []

    def recorded_write(self: Store, image: Any) -> None:
        write_files(self, image)
        written.set()

    def waiting_checks(frame: np.ndarray, **options: Any) -> Any:
        # One step after the other, the files would only be written once this returned.
        assert written.wait(20), "the files were not written while the checks ran"
        verdicts.append(check_quality(frame, **options))
        return verdicts[-1]

    monkeypatch.setattr(Store, "write_files", recorded_write)
    monkeypatch.setattr(work, "check_quality", waiting_checks)
    camera = DemoCamera(width=1280, height=720)
    camera.open()
    case = Case(specialty="dermatology")
    store.create_case(case, [])
    kept = work.keep_still(
        store,
        case.id,
        camera.frame_at(1.0),
        specialty="dermatology",
        device="démo",
        labels=work.Labels(body_site="dos"),
        replaces=None,
        anonymise=None,
    )
    (image,) = store.images(case.id)
    assert image.id == kept.image_id and image.body_site == "dos"
    assert image.quality == verdicts[0] and image.quality
    assert store.collect_orphans(older_than_s=-1) == 0


def test_a_photo_taken_in_the_window_is_not_read_back_on_the_windows_thread(
    qtbot: Any, store: Store, tmp_path: Path, monkeypatch: Any
) -> None:
    """Issue 18.1: the worker that stored the photo read the case's images; neither the panel nor the
    case page reads them again on the window's thread to show its tile and check the case."""
    import threading

    from ui import tasks

    tasks.set_runner(None)  # the real pool: what runs where is the point
    case_id = complete_case(store, tmp_path / "case")
    window = opened(qtbot, store, case_id)
    page = window.case_page
    panel: Any = page.capture.ensure()
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=JOB_MS)
    on_main: list[bool] = []
    images = Store.images

    def recorded(self: Store, case_id: str) -> Any:
        on_main.append(threading.current_thread() is threading.main_thread())
        return images(self, case_id)

    monkeypatch.setattr(Store, "images", recorded)
    before = len(page.case.images)
    qtbot.mouseClick(panel.capture_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and len(page.case.images) == before + 1, timeout=JOB_MS)
    assert on_main == [False], on_main
    assert [image.id for image in page.case.images] == [tile.image.id for tile in panel.tiles()]
    window.shutdown()
