"""The photos joined to a reply begun, when the writer thread is late (app/reply_drafts.py, ui/follow_view.py):
the window records them and takes them off through the writer thread, while it reads them back on its own
connection when a case is opened. Found in review: photos taken off a reply, another case opened and this
one opened again before the writer got there (it waits its turn behind the sync's writes), came back joined
from the store; the writer then wrote their files over, and the reply sent took them into the case with
nothing to send."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.store import Store
from tests.ui.test_reply_photos_kept import _photos


class _LateWriter:
    """Tasks at once; the durable writes held until :meth:`flush`, then done in order (the writer thread
    busy behind the sync's writes)."""

    def __init__(self) -> None:
        self.held: list[tuple[Callable[[], Any], Any, Any]] = []

    def submit(self, func: Callable[[], Any], callback: Any, error: Any) -> None:
        try:
            result = func()
        except Exception as exc:  # (as the pool: to the error handler)
            if error is not None:
                error(exc)
            return
        if callback is not None:
            callback(result)

    def submit_write(self, func: Callable[[], Any], callback: Any, error: Any) -> None:
        self.held.append((func, callback, error))

    def submit_note(self, func: Callable[[], Any], error: Any) -> None:
        self.held.append((func, None, error))

    def flush(self) -> None:
        while self.held:
            self.submit(*self.held.pop(0))

    def wait_writes(self, msecs: int = 0) -> bool:
        self.flush()
        return True

    def wait(self, msecs: int = 0) -> bool:
        self.flush()
        return True


@pytest.fixture
def late_writer() -> Iterator[_LateWriter]:
    from ui import tasks

    runner = _LateWriter()
    tasks.set_runner(runner)
    yield runner
    tasks.set_runner(None)


def test_photos_taken_off_do_not_come_back_when_the_case_is_opened_before_the_writer_ran(
    qtbot: Any, store: Store, tmp_path: Path, late_writer: _LateWriter
) -> None:
    from tests.support.scripted_platform import on_hold_with_a_question
    from tests.support.ui import shown

    first, second = on_hold_with_a_question(store, tmp_path / "sandbox", 2)
    before = len(store.get_case(first).images)
    view = shown(qtbot, store, first)
    view.add_reply_files(_photos(tmp_path))
    late_writer.flush()  # recorded against the reply
    assert len(view._reply_images) == 2

    qtbot.mouseClick(view.drop_images, Qt.MouseButton.LeftButton)  # taken off: their files go by the writer
    view.set_case(store.get_case(second))
    view.set_case(store.get_case(first))  # back, the writer not there yet
    assert view._reply_images == [], "photos taken off came back joined to the reply"
    late_writer.flush()

    view.reply.setPlainText("Voici.")
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    late_writer.flush()
    images = list(store.images(first))
    assert all(store.objects.exists(image.blob) for image in images[before:]), "an image sent with no file"


def test_a_reply_sent_does_not_come_back_begun_when_the_case_is_opened_before_the_writer_ran(
    qtbot: Any, store: Store, tmp_path: Path, late_writer: _LateWriter
) -> None:
    """Its words kept as typed, then sent: opened again before the writer emptied the draft, the reply sent
    was offered again as begun, and sent a second time it reached the expert twice."""
    from tests.support.scripted_platform import on_hold_with_a_question
    from tests.support.ui import shown

    first, second = on_hold_with_a_question(store, tmp_path / "sandbox", 2)
    view = shown(qtbot, store, first)
    view.reply.setPlainText("Depuis trois semaines.")
    view.keep_draft()
    late_writer.flush()

    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    assert view.reply_saved.text(), view.reply_problem.text()
    view.set_case(store.get_case(second))
    view.set_case(store.get_case(first))  # back, the writer not there yet
    assert view.reply.toPlainText() == "", "the reply sent came back as begun"
    late_writer.flush()


def test_words_kept_just_before_sending_do_not_come_back_once_the_reply_is_queued(
    qtbot: Any, store: Store, tmp_path: Path, late_writer: _LateWriter
) -> None:
    """The words typed, kept by the writer thread a moment later, and « Envoyer » clicked before it got there
    (busy behind the sync's writes): the reply was queued with its words, then the writer kept them as the
    reply begun, and only the next write (the draft emptied) took them off. Killed between the two (a power
    cut), the reply sent came back as begun, to be sent to the expert a second time. A keep that arrives
    after its reply is queued no longer brings back the words sent (the real store, the writer's order)."""
    from app import reply_drafts
    from app.outbox import Outbox
    from tests.support.scripted_platform import on_hold_with_a_question
    from tests.support.ui import shown

    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    view = shown(qtbot, store, case_id)
    view.reply.setPlainText("Depuis trois semaines.")
    view.keep_draft()  # submitted, the writer not there yet
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    assert [m.text for m in Outbox(store).messages(case_id) if m.direction == "to-expert"] == ["Depuis trois semaines."]
    func, callback, error = late_writer.held.pop(0)  # the keep of the words typed, only: killed after it
    late_writer.submit(func, callback, error)
    assert reply_drafts.load(store, case_id) == "", "the reply sent would come back as begun after a kill"
    late_writer.flush()
    assert reply_drafts.load(store, case_id) == ""
