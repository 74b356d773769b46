"""What opening a case costs the window's thread (issue 18.1): the thumbnails are read, decrypted and
decoded by a worker, the tiles and the specialty's form are reused from one case to the next."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.model import Case, CaseImage, Consent, Patient
from app.store import NewImage, Store
from tests.support.cases import DERMATOLOGY_FORM
from tests.support.french import fr_spaced
from tests.support.images import jpeg_bytes, skin_photo
from ui import tasks


class HeldRunner(tasks.SyncRunner):
    """Runs writes at once, but holds the pool's work until the test lets it run (as a busy pool would)."""

    def __init__(self) -> None:
        self.held: list[tuple[Callable[[], Any], Any, Any]] = []

    def submit(self, func: Callable[[], Any], callback: Any, error: Any) -> None:
        self.held.append((func, callback, error))

    def run_held(self) -> None:
        held, self.held = self.held, []
        for func, callback, error in held:
            super().submit(func, callback, error)


def _case(store: Store, photo: bytes, count: int, family: str) -> str:
    from capture.pipeline import prepare_image_bytes

    prepared = prepare_image_bytes(photo, filename="a.jpg", specialty="dermatology")
    images = [
        NewImage(
            CaseImage(
                body_site="dos",
                view="close-up",
                content_type=prepared.content_type,
                width=prepared.width,
                height=prepared.height,
                quality=prepared.quality,
            ),
            prepared.data,
            prepared.thumbnail,
        )
        for _ in range(count)
    ]
    case = Case(
        question="Lésion ?",
        form=dict(DERMATOLOGY_FORM),
        patient=Patient(family=family, given=["Paul"], birth_date="1950-02-03", sex="male"),
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
    )
    store.create_case(case, images)
    return case.id


def test_opening_a_case_leaves_its_thumbnails_to_a_worker_and_reuses_tiles_and_form(
    qtbot: Any, store: Store, window: Any
) -> None:
    photo = jpeg_bytes(skin_photo(1200, 900, seed=1))
    first, second = _case(store, photo, 3, "MARTIN"), _case(store, photo, 2, "BERNARD")
    runner = HeldRunner()
    tasks.set_runner(runner)
    window.open_case(first)
    panel = window.case_page.capture.ensure()
    tiles = panel.tiles()
    assert len(tiles) == 3
    assert all(tile.picture.pixmap().isNull() for tile in tiles), "no thumbnail decoded on the window's thread"
    # The camera waits for the case to be on screen (its threads and frames would only delay it).
    assert not panel.camera.is_running() and panel.preview.placeholder == "Démarrage de la caméra…"
    runner.run_held()
    assert all(not tile.picture.pixmap().isNull() for tile in tiles), "each thumbnail fills in when decoded"
    assert panel.camera.is_running(), "the preview starts once the thumbnails are shown"
    form = {key: binding.widget for key, binding in window.case_page.editor.bindings.items() if key.startswith("form.")}
    assert form

    window.open_case(second)
    runner.run_held()
    again = panel.tiles()
    assert [tile.image.id for tile in again] == [image.id for image in store.get_case(second).images]
    assert again == tiles[:2], "the tiles are reused, not made again"
    assert not tiles[2].isVisible(), "the tile the second case does not need is hidden"
    assert all(not tile.picture.pixmap().isNull() for tile in again)
    assert {
        key: binding.widget for key, binding in window.case_page.editor.bindings.items() if key.startswith("form.")
    } == form, "the same specialty's form is not built again"
    assert window.case_page.editor.case.patient.family == "BERNARD"


def test_the_thumbnails_are_asked_of_a_worker_before_the_editor_writes_the_case(
    qtbot: Any, store: Store, window: Any, monkeypatch: Any
) -> None:
    """The worker reads and decodes them while this thread writes the editor's fields: they are back for
    the page's first paint, instead of filling the tiles after it (issue 18.1)."""
    photo = jpeg_bytes(skin_photo(1200, 900, seed=1))
    first, second = _case(store, photo, 3, "MARTIN"), _case(store, photo, 2, "BERNARD")
    runner = HeldRunner()
    tasks.set_runner(runner)
    window.open_case(first)
    runner.run_held()
    editor = window.case_page.editor
    strip = window.case_page.capture.ensure().strip
    asked_before: list[bool] = []
    writes = editor.set_case

    def set_case(case: Any) -> None:
        asked_before.append(strip.loading())
        writes(case)

    monkeypatch.setattr(editor, "set_case", set_case)
    window.open_case(second)
    assert asked_before == [True], "the thumbnails were asked first"
    runner.run_held()
    panel = window.case_page.capture.ensure()
    assert [tile.image.id for tile in panel.tiles()] == [image.id for image in store.get_case(second).images]
    assert all(not tile.picture.pixmap().isNull() for tile in panel.tiles())
    # (Only the cameras' listing is asked of the pool once the thumbnails are shown.)
    assert [func.__name__ for func, _callback, _error in runner.held] == ["plugged_cameras"]
    assert not panel.strip.loading()


def test_the_cameras_are_listed_again_once_the_thumbnails_are_shown(qtbot: Any, store: Store, window: Any) -> None:
    """The worker listing the cameras took Python's lock from the one decoding the thumbnails (issue 18.1):
    it is asked once they are shown, and a camera plugged in meanwhile still comes then."""
    photo = jpeg_bytes(skin_photo(1200, 900, seed=1))
    first, second = _case(store, photo, 3, "MARTIN"), _case(store, photo, 2, "BERNARD")
    runner = HeldRunner()
    tasks.set_runner(runner)
    window.open_case(first)
    runner.run_held()
    while runner.held:
        runner.run_held()
    window.show_worklist()
    window.open_case(second)
    asked = [getattr(func, "__name__", "") for func, _callback, _error in runner.held]
    assert "plugged_cameras" not in asked and "<lambda>" in asked, asked
    runner.run_held()
    asked = [getattr(func, "__name__", "") for func, _callback, _error in runner.held]
    assert "plugged_cameras" in asked


def _viewed(store: Store, case_id: str) -> int:
    return int(
        store.conn.execute("SELECT COUNT(*) FROM audit WHERE action='viewed' AND case_id=?", (case_id,)).fetchone()[0]
    )


def test_the_audit_line_of_a_case_opened_waits_for_its_thumbnails_or_for_the_page_to_be_left(
    qtbot: Any, store: Store, window: Any
) -> None:
    """Written while the worker decodes the thumbnails, the line took Python's lock from it and from the
    window's thread (issue 18.1): it is asked of the writer once they are shown, and never lost when the
    case is left before (another case, the list, the window closed)."""

    class NotesAtOnce(HeldRunner):
        def submit_note(self, func: Callable[[], Any], error: Any) -> None:
            tasks.SyncRunner.submit(self, func, None, error)

    photo = jpeg_bytes(skin_photo(1200, 900, seed=1))
    first, second = _case(store, photo, 3, "MARTIN"), _case(store, photo, 2, "BERNARD")
    runner = NotesAtOnce()
    tasks.set_runner(runner)
    window.open_case(first)
    assert _viewed(store, first) == 0, "not while its thumbnails are decoded"
    runner.run_held()
    qtbot.waitUntil(lambda: _viewed(store, first) == 1, timeout=2000)
    window.open_case(second)
    window.open_case(first)  # the second left before its thumbnails were shown
    assert _viewed(store, second) == 1
    window.show_worklist()  # and the first left for the list
    assert _viewed(store, first) == 2
    runner.run_held()
    qtbot.wait(10)
    assert (_viewed(store, first), _viewed(store, second)) == (2, 1), "each opening once"


def test_a_case_opened_again_rewrites_only_the_words_of_its_tiles_that_changed(
    qtbot: Any, store: Store, window: Any, monkeypatch: Any
) -> None:
    """The tiles are reused from case to case; opened again, a case's tiles whose image, number and
    patient are those they show keep their words (verdict, sentence, caption, name: rewritten for each
    tile at every opening, issue 18.1), and their thumbnails are read again. A tile given another image,
    or its image relabelled meanwhile, says it."""
    import dataclasses

    from ui.image_tile import ImageTile

    photo = jpeg_bytes(skin_photo(1200, 900, seed=1))
    first, second = _case(store, photo, 3, "MARTIN"), _case(store, photo, 1, "BERNARD")
    runner = HeldRunner()
    tasks.set_runner(runner)
    window.open_case(first)
    runner.run_held()
    panel = window.case_page.capture.ensure()
    names = [tile.accessibleName() for tile in panel.tiles()]
    window.open_case(second)
    runner.run_held()
    window.show_worklist()
    said: list[int] = []
    says = ImageTile._say_verdict

    def say(tile: ImageTile) -> None:
        said.append(tile.number)
        says(tile)

    monkeypatch.setattr(ImageTile, "_say_verdict", say)
    window.open_case(first)
    assert said == [1], "only the tile that showed the other case's image says its verdict again"
    assert all(tile.picture.pixmap().isNull() for tile in panel.tiles()), "the thumbnails are read again"
    runner.run_held()
    assert all(not tile.picture.pixmap().isNull() for tile in panel.tiles())
    assert [tile.accessibleName() for tile in panel.tiles()] == names

    third = store.get_case(first).images[2]
    store.update_image_labels(first, dataclasses.replace(third, view="far"))
    window.show_worklist()
    said.clear()
    window.open_case(first)
    runner.run_held()
    assert said == [3]
    assert "Vue éloignée" in panel.tiles()[2].caption.text()
    assert "Vue éloignée" in panel.tiles()[2].accessibleName()


def test_opening_a_case_waits_for_a_pending_save_but_not_for_an_audit_line() -> None:
    """Before a case is read back, the saves asked before are waited for; the audit line of the case
    opened just before (a write that nothing reads back) is not: opening waited for its fsync."""
    import threading

    from PySide6.QtCore import QThreadPool

    runner = tasks.PoolRunner(QThreadPool())
    release = threading.Event()
    started = threading.Event()

    def slow_note() -> None:
        started.set()
        release.wait(10)

    try:
        runner.submit_note(slow_note, None)
        assert started.wait(10)
        assert runner.wait_writes(50), "an audit line in progress does not hold up reading a case"
        done: list[str] = []
        runner.submit_write(lambda: done.append("saved"), None, None)
        assert not runner.wait_writes(50), "a save asked after it still waits its turn"
        release.set()
        assert runner.wait_writes(10_000) and done == ["saved"]
    finally:
        release.set()
        runner.wait()


def test_changing_the_specialty_shows_fields_made_beforehand(qtbot: Any, store: Store, window: Any) -> None:
    """The other specialties' forms are made while the window is idle, and kept: a change of specialty,
    back and forth, makes no widget on the window's thread (it rebuilt some forty each time)."""
    from PySide6.QtWidgets import QWidget

    from tests.support.ui import pick

    case_id = _case(store, jpeg_bytes(skin_photo(640, 480, seed=1)), 1, "MARTIN")
    window.open_case(case_id)
    editor = window.case_page.editor
    skin_fields = {key: b.widget for key, b in editor.bindings.items() if key.startswith("form.")}
    qtbot.wait(1000)  # idle: the other forms are made meanwhile
    widgets = len(editor.findChildren(QWidget))
    pick(qtbot, editor.specialty, "ophthalmology")
    eye_fields = {key: b.widget for key, b in editor.bindings.items() if key.startswith("form.")}
    assert eye_fields and set(eye_fields) != set(skin_fields)
    assert all(widget.isVisibleTo(editor) for widget in eye_fields.values())
    assert not any(widget.isVisibleTo(editor) for widget in skin_fields.values())
    pick(qtbot, editor.specialty, "dermatology")
    assert {key: b.widget for key, b in editor.bindings.items() if key.startswith("form.")} == skin_fields
    assert all(widget.isVisibleTo(editor) for widget in skin_fields.values())
    assert len(editor.findChildren(QWidget)) == widgets, "no widget made (nor left behind) by the changes"
    assert editor.form_box.title() == fr_spaced("4. Formulaire : Dermatologie")


def test_opening_a_case_paints_each_column_once(qtbot: Any, store: Store, window: Any) -> None:
    """Shown with its page, the editor's column is painted with the page, not also once on its own
    before it: a scroll area's widget fills its background, and Qt paints such an opaque widget apart,
    then again under the page (the sixty fields of the editor, twice at every opening; issue 18.1)."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    photo = jpeg_bytes(skin_photo(640, 480, seed=1))
    first, second = _case(store, photo, 2, "MARTIN"), _case(store, photo, 2, "BERNARD")
    window.resize(1280, 760)  # both columns in view (narrower, the capture panel scrolls to its right one)
    window.open_case(first)
    qtbot.waitExposed(window)
    panel = window.case_page.capture.ensure()
    columns = {
        "editor": window.case_page.editor.scroll_area.widget(),
        "capture": panel.right_column.widget(),
    }
    window.show_worklist()
    QApplication.processEvents()

    class Paints(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.whole: dict[str, int] = dict.fromkeys(columns, 0)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                for name, column in columns.items():
                    shown = column.visibleRegion().boundingRect()
                    painted = event.rect()  # type: ignore[attr-defined]
                    if watched is column and painted.height() * 2 >= shown.height():
                        self.whole[name] += 1
            return False

    paints = Paints()
    for column in columns.values():
        column.installEventFilter(paints)
    window.open_case(second)
    qtbot.waitUntil(lambda: all(count > 0 for count in paints.whole.values()))
    qtbot.wait(200)
    assert paints.whole == {"editor": 1, "capture": 1}


def _thumbnails() -> list[bytes]:
    import numpy as np

    from capture.pipeline import thumbnail

    sizes = [(4000, 3000), (3000, 4000), (300, 200), (100, 60), (5000, 500)]
    return [thumbnail(np.asarray(skin_photo(width, height, seed=1))) for width, height in sizes]


def test_a_thumbnail_decoded_for_its_tile_is_what_qt_would_show() -> None:
    """Landscape, portrait, smaller than the tile (made bigger), a panorama, grey: the tile's size to the
    pixel and its colours as Qt's own decode and smooth scaling gave them; nothing for bytes no picture."""
    import numpy as np
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    from capture.pipeline import thumbnail
    from ui.image_tile import THUMB_SIZE, decode_thumbnail

    def pixels(image: QImage) -> Any:
        rgb = image.convertToFormat(QImage.Format.Format_RGB888)
        rows = np.frombuffer(rgb.constBits(), np.uint8).reshape(rgb.height(), rgb.bytesPerLine())
        return rows[:, : rgb.width() * 3].astype(int)

    grey = np.repeat(np.asarray(skin_photo(640, 480, seed=2).convert("L"))[:, :, None], 3, axis=2)
    for data in [*_thumbnails(), thumbnail(grey)]:
        shown = decode_thumbnail(data)
        assert shown is not None
        qt = QImage.fromData(data).scaled(
            THUMB_SIZE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        assert shown.size() == qt.size()
        assert np.abs(pixels(shown) - pixels(qt)).mean() < 2
    assert decode_thumbnail(b"<html>not a picture</html>") is None
    assert decode_thumbnail(b"") is None
    assert decode_thumbnail(None) is None


def test_the_selected_image_findings_are_laid_out_once_per_width_and_as_tall_as_their_words(
    qtbot: Any, monkeypatch: Any
) -> None:
    """The findings are a rich-text table: its label lays out its whole document (twice) each time it is
    asked its height for a width, and its scroll area, the column's layouts and the labels ask it for the
    same widths at every case opened (~0.2 ms each, a tenth of the window thread's open). Their height is
    kept per width, and is still the height of the words shown, in the font shown."""
    from PySide6.QtWidgets import QApplication, QLabel

    from app.model import QualityFinding
    from ui.capture_labels import ImageLabels

    def image(sentences: int) -> CaseImage:
        found = [
            QualityFinding(
                check=f"check{n}", level="warning", message=f"Constat numéro {n}, assez long pour faire deux lignes."
            )
            for n in range(sentences)
        ]
        return CaseImage(width=1600, height=1200, quality=found)

    asked: list[int] = []
    laid_out = QLabel.heightForWidth

    def counted(label: QLabel, width: int) -> int:
        asked.append(width)
        return laid_out(label, width)

    monkeypatch.setattr(QLabel, "heightForWidth", counted)
    labels = ImageLabels()
    qtbot.addWidget(labels)
    labels.resize(360, 600)
    labels.show()
    short, tall = image(1), image(4)
    labels.show_image(short)
    qtbot.wait(50)
    asked.clear()
    for _ in range(3):  # one image, then another with the same findings, as each case opened selects one
        labels.show_image(short)
        labels.show_image(image(1))
        QApplication.processEvents()
    width = labels.findings_scroll.viewport().width()
    assert asked == [], "the same words at the same width are not laid out again"
    one = labels.findings.heightForWidth(width)
    labels.show_image(tall)
    assert labels.findings.heightForWidth(width) > one, "other words: laid out again"
    bigger = labels.findings.font()
    bigger.setPointSizeF(bigger.pointSizeF() * 2)
    before = labels.findings.heightForWidth(width)
    labels.findings.setFont(bigger)
    assert labels.findings.heightForWidth(width) > before, "another font: laid out again"
    fresh = QLabel()
    fresh.setWordWrap(True)
    fresh.setTextFormat(labels.findings.textFormat())
    fresh.setFont(bigger)
    fresh.setText(labels.findings.text())
    assert labels.findings.heightForWidth(width) == laid_out(fresh, width)


def test_a_case_asks_one_query_for_its_images_in_other_cases_and_still_says_another_patients_copy(
    store: Store,
) -> None:
    """The checklist, on the window's thread at each opening, asked two queries for each image (issue
    18.1): one asks which have a copy in another case and none in this one, and only those are compared
    as the import does."""
    photo, other = jpeg_bytes(skin_photo(1200, 900, seed=1)), jpeg_bytes(skin_photo(1200, 900, seed=2))
    bernard = store.get_case(_case(store, other, 8, "BERNARD"))
    _case(store, other, 1, "MARTIN")  # a copy in another case too: answered by the copies in this one
    asked: list[str] = []
    store.conn.set_trace_callback(asked.append)
    try:
        assert store.images_elsewhere(bernard) == []
    finally:
        store.conn.set_trace_callback(None)
    assert len(asked) == 1, asked
    martin = _case(store, photo, 1, "MARTIN")
    durand = store.get_case(_case(store, photo, 1, "DURAND"))
    found = store.images_elsewhere(durand)
    assert [(number, holder.id, there) for number, holder, there in found] == [(1, martin, 1)]
    assert [f.field for f in store.checklist(durand) if f.code == "image.elsewhere"] == ["images[0]"]


def test_a_case_of_more_tiles_than_the_strip_holds_is_laid_out_once_when_opened(
    qtbot: Any, store: Store, window: Any
) -> None:
    """The scroll bar under the tiles is shown (or hidden) as the page is written: decided by Qt a turn
    of the event loop after the tiles changed, it took the strip's height and the whole page was laid out
    a second time, each tile made shorter (a case of 8 images opened after one of 1; issue 18.1)."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    photo = jpeg_bytes(skin_photo(640, 480, seed=1))
    one, eight = _case(store, photo, 1, "MARTIN"), _case(store, photo, 8, "BERNARD")
    window.resize(1280, 760)
    window.open_case(eight)
    qtbot.waitExposed(window)
    panel = window.case_page.capture.ensure()
    bar = panel.strip.horizontalScrollBar()
    QApplication.processEvents()
    assert bar.isVisible()  # eight tiles are wider than the strip
    heights = {tile.height() for tile in panel.tiles()}

    class Resizes(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.sizes: list[tuple[int, int]] = []

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Resize:
                self.sizes.append(event.size().toTuple())  # type: ignore[attr-defined]
            return False

    for case_id, count, wide in ((one, 1, False), (eight, 8, True), (one, 1, False)):
        window.show_worklist()
        QApplication.processEvents()
        resizes = Resizes()
        for tile in panel.strip._pool:
            tile.installEventFilter(resizes)
        window.open_case(case_id)
        assert bar.isVisible() == wide  # as the page is first shown, not a turn later
        qtbot.waitUntil(lambda count=count: len(panel.tiles()) == count)
        QApplication.processEvents()
        qtbot.wait(50)
        assert bar.isVisible() == wide
        for tile in panel.strip._pool:
            tile.removeEventFilter(resizes)
        if wide:
            assert {tile.height() for tile in panel.tiles()} == heights
            # Each tile shown again is sized once, at its height under the bar.
            assert set(resizes.sizes) <= {(tile.width(), height) for tile in panel.tiles() for height in heights}


def test_the_column_beside_the_camera_has_its_size_for_the_case_when_the_page_is_first_painted(
    qtbot: Any, store: Store, threaded_window: Any
) -> None:
    """Laid out a turn after the page's first paint, the column (the expected views, the selected photo's
    labels and findings) was painted at the last case's height, then again with the 34 widgets under and
    around it: twice at each case opened (tests/bench/test_wait_bench.py's window and sequence)."""
    from PySide6.QtWidgets import QApplication

    photo = jpeg_bytes(skin_photo(1200, 900, seed=1))
    one, eight = _case(store, photo, 1, "BERNARD"), _case(store, photo, 8, "MARTIN")
    window = threaded_window  # the thumbnails decoded by a worker, back after the page's first paint
    window.resize(1280, 720)  # the window a nurse has, the bench's
    window.open_case(one)
    panel = window.case_page.capture.ensure()
    qtbot.waitUntil(lambda: all(not tile.picture.pixmap().isNull() for tile in panel.tiles()))
    qtbot.wait(50)
    window.show_worklist()
    QApplication.processEvents()
    window.open_case(eight)
    column = panel.right_column
    as_painted = column.widget().size()
    qtbot.waitUntil(lambda: all(not tile.picture.pixmap().isNull() for tile in panel.tiles()))
    qtbot.wait(50)  # every posted layout request handled
    assert column.widget().size() == as_painted
    assert column.widget().height() >= column.widget().minimumSizeHint().height()
