"""The pictures sent with a reply show on that reply's line of the conversation, whatever came in
between: they were put on the line at the row the reply had when they were asked for."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from app.db import transaction
from app.model import iso
from app.moments import parse_date_time
from app.outbox import Outbox
from app.store import Store
from tests.support.ui import send_reply_with_a_photo, shown


class HeldRunner:
    """The window's reads (a thumbnail decoded) wait until released; its writes run at once."""

    def __init__(self) -> None:
        self.held: list[tuple[Callable[[], Any], Any, Any]] = []

    def submit(self, func: Callable[[], Any], callback: Any, error: Any) -> None:
        self.held.append((func, callback, error))

    def submit_write(self, func: Callable[[], Any], callback: Any, error: Any) -> None:
        result = func()
        if callback is not None:
            callback(result)

    def submit_note(self, func: Callable[[], Any], error: Any) -> None:
        func()

    def wait_writes(self, msecs: int = 0) -> bool:
        return True

    def wait(self, msecs: int = 0) -> bool:
        return True

    def release(self) -> None:
        held, self.held = self.held, []
        for func, callback, _error in held:
            if callback is not None:
                callback(func())


def test_a_replys_pictures_stay_on_its_line_when_a_message_comes_in_before_it(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found from outside: the thumbnails were put on the row the reply had when they were asked for.
    A message placed before it meanwhile (the expert's, dated before the reply: a clock set back) took
    the reply's pictures, and the nurse saw her photos against the expert's words."""

    from tests.support.images import jpeg_bytes, skin_photo
    from tests.support.scripted_platform import on_hold_with_a_question
    from ui import tasks

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    photo = tmp_path / "dos.jpg"
    photo.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=41), quality=92))
    view = shown(qtbot, store, case_id)
    send_reply_with_a_photo(qtbot, view, photo, "dos", "Voici la photo demandée.")
    question, reply = Outbox(store).messages(case_id)
    assert reply.image_ids and reply.direction == "to-expert"

    held = HeldRunner()
    tasks.set_runner(held)
    again = shown(qtbot, store, case_id)  # the case opened again: the reply's pictures asked for, not yet read
    assert held.held
    with transaction(store.conn) as conn:
        Outbox(store).add_expert_message(conn, case_id, "q-late", "Et la taille ?", "2026-12-01T10:00:00+01:00")
        # Kept here before the reply: it comes before it in the exchange. (Kept times are whole seconds: the
        # question and the reply are often of the same one, and the rows' order then put this one last.)
        kept = parse_date_time(reply.created_at)
        assert kept is not None
        for platform_id, before in ((question.platform_id, 2), ("q-late", 1)):
            conn.execute(
                "UPDATE messages SET created_at=? WHERE platform_id=?",
                (iso(kept - timedelta(seconds=before)), platform_id),
            )
    again.refresh()
    lines = [again.conversation.item(row) for row in range(again.conversation.count())]
    assert [line.text().split(",")[0].split(" :")[0] for line in lines] == ["Expert", "Expert", "Vous"]
    held.release()

    mine, [late] = lines[2], [line for line in lines[:2] if "Et la taille ?" in line.text()]
    assert "Voici la photo demandée." in mine.text() and "Et la taille ?" in late.text()
    assert late.icon().isNull(), "the reply's pictures shown against the expert's question"
    assert not mine.icon().isNull()


def test_the_exchange_is_no_longer_titled_a_question_once_the_expert_has_answered(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found from outside: the answer read, the exchange above the greyed reply box was still titled
    « Question de l'expert », as if a question were waiting for the nurse."""
    from app.model import Answer, CaseState
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    view = shown(qtbot, store, case_id)
    assert view.question_box.title() == "Question de l'expert"
    with transaction(store.conn) as conn:
        store.set_answer(conn, case_id, Answer(conclusion="Bénin.", expert="Hélène MOREAU", issued="2026-12-01"))
        store.transition(case_id, CaseState.IN_PROGRESS, conn=conn)
        store.transition(case_id, CaseState.ANSWERED, conn=conn)
    view.refresh()
    assert view.question_box.isVisible() and view.question_box.title() == "Échanges avec l'expert"
