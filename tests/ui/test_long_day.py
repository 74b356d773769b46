"""The window stays open all day (and for days on a telemedicine cart): what a day repeats leaves nothing
behind that grows with each repetition — dialogs kept, connections piling up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from app.store import Store
from ui.main_window import MainWindow


def closed_at_once(call: Callable[[], object]) -> None:
    """``call`` opens a modal dialog: closed as soon as it shows, as a person pressing Échap."""

    def close() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QDialog):
            modal.reject()
        else:
            QTimer.singleShot(10, close)

    QTimer.singleShot(0, close)
    call()


def dialogs_kept(window: MainWindow) -> list[str]:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return [type(dialog).__name__ for dialog in window.findChildren(QDialog)]


def test_the_diagnostic_and_the_settings_opened_all_day_are_not_kept(qtbot: Any, threaded_window: MainWindow) -> None:
    window = threaded_window
    for _ in range(3):
        closed_at_once(window.open_diagnostic)
        closed_at_once(window.open_settings)
    assert dialogs_kept(window) == []
    # The checks of the diagnostics closed before they were done reach no deleted dialog.
    QThreadPool.globalInstance().waitForDone(60_000)
    qtbot.wait(50)
    assert dialogs_kept(window) == []


def test_each_answer_shown_replaces_the_pdf_kept_in_memory(qtbot: Any, store: Store) -> None:
    """The expert's PDF is read from memory; showing the answer again (each sync, each opening) keeps one."""
    from PySide6.QtCore import QBuffer

    from app.model import Answer
    from tests.support.ui import answered_case, shown
    from tests.ui.test_answer_shown_whole import letter

    blob = store.objects.put(letter("Naevus bénin."))
    answer = Answer(conclusion="Naevus bénin.", pdf_blobs=[blob], files=[{"blob": blob, "title": "Compte rendu"}])
    first = answered_case(store, answer=answer)
    second = answered_case(store, answer=answer)
    view = shown(qtbot, store, first)
    for case_id in (second, first) * 5:
        view.set_case(store.get_case(case_id))
        view.refresh()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(view.findChildren(QBuffer)) == 1
    assert view.pdf_document.pageCount() == 1


def test_the_experts_photo_looked_at_all_day_is_not_kept_once_closed(qtbot: Any, store: Store) -> None:
    """Each look at an expert's photo opens it large in a dialog; closed, it goes (with its picture)."""
    from app.model import Answer
    from tests.support.images import jpeg_bytes, skin_photo
    from tests.support.ui import answered_case, shown

    blob = store.objects.put(jpeg_bytes(skin_photo(1600, 1200, seed=3)))
    answer = Answer(conclusion="Naevus bénin.", files=[{"blob": blob, "content_type": "image/jpeg", "title": "Photo"}])
    view = shown(qtbot, store, answered_case(store, answer=answer))
    for _ in range(5):
        view.expert_images.itemActivated.emit(view.expert_images.item(0))
        qtbot.waitUntil(lambda: any(d.isVisible() for d in view.findChildren(QDialog)))  # decoded on a worker
        (dialog,) = [d for d in view.findChildren(QDialog) if d.isVisible()]
        dialog.reject()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert view.findChildren(QDialog) == []


class _Held:
    """Something a background job's work refers to (a case's photos, a camera's last frame)."""


def test_what_background_jobs_referred_to_is_freed_once_they_are_done(qtbot: Any) -> None:
    """Hundreds of jobs a day run in the pool while the window's loop turns (thumbnails, cameras started,
    checks): once each is done, nothing it referred to is kept."""
    import gc
    import weakref

    from ui import tasks

    tasks.set_runner(None)
    held: weakref.WeakSet[_Held] = weakref.WeakSet()
    try:
        for n in range(200):
            thing = _Held()
            held.add(thing)
            tasks.run_task(lambda thing=thing: thing)
            if n % 4 == 0:
                qtbot.wait(5)
        del thing
        assert QThreadPool.globalInstance().waitForDone(30_000)
        qtbot.wait(20)
        gc.collect()
        assert len(held) == 0
    finally:
        tasks.set_runner(None)
