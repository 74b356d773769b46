"""A save refused by a full disk is tried again by itself once space is freed.

Found from outside: « Non enregistré : Le disque est plein … » stayed after space was freed, and the words
were saved only at the nurse's next edit or when she left the case: a crash or a power cut in between lost
them. Now the refused save is tried again every few seconds (calmly, no busy loop) until it is written,
the header then saying « Enregistré. »; never once the case is left."""

from __future__ import annotations

import errno
from typing import Any

import pytest

from app.fsutil import storage_error
from app.model import Case, Consent, Patient
from app.store import Store
from tests.support.ui import activate, type_text

WAIT_MS = 30_000


def _draft(store: Store, family: str) -> str:
    case = Case(patient=Patient(family=family, given=["Paul"]), consent=Consent(given=True, recorded_by="Inf. D"))
    return store.create_case(case, [])


def _full_disk(monkeypatch: pytest.MonkeyPatch, case_id: str) -> dict[str, bool]:
    """The disk full (ENOSPC, said as the store says it) for ``case_id``'s saves until ``full`` is False."""
    disk = {"full": True}
    real = Store.update_case

    def update_case(self: Store, case: Case, **kwargs: Any) -> None:
        if disk["full"] and case.id == case_id:
            raise storage_error(OSError(errno.ENOSPC, "No space left on device"))
        real(self, case, **kwargs)

    monkeypatch.setattr(Store, "update_case", update_case)
    return disk


def test_a_save_refused_by_a_full_disk_is_tried_again_by_itself(
    qtbot: Any, threaded_window: Any, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = threaded_window
    case_id = _draft(store, "GARNIER")
    disk = _full_disk(monkeypatch, case_id)
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    page.editor.summary.setFocus()
    type_text(page.editor.summary, "Saigne depuis hier.")
    page.editor.flush()
    qtbot.waitUntil(lambda: "Non enregistré" in page.saved_state.text(), timeout=WAIT_MS)
    assert "disque est plein" in page.saved_state.text().lower()
    disk["full"] = False  # space freed; she types nothing more, stays on the case
    qtbot.waitUntil(lambda: store.get_case(case_id).summary == "Saigne depuis hier.", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.saved_state.text() == "Enregistré.", timeout=WAIT_MS)
    assert not page.editor.pending()


def test_a_refused_save_is_tried_again_until_it_is_written_then_no_more(
    qtbot: Any, threaded_window: Any, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Still full at the next try: still said, tried again; written: nothing more is tried."""
    window = threaded_window
    case_id = _draft(store, "GARNIER")
    disk = _full_disk(monkeypatch, case_id)
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    editor = page.editor
    page.editor.summary.setFocus()
    type_text(page.editor.summary, "Saigne depuis hier.")
    editor.flush()
    qtbot.waitUntil(lambda: "Non enregistré" in page.saved_state.text(), timeout=WAIT_MS)
    assert editor.retrying(), "a try again is planned"
    editor._retry_timer.timeout.emit()  # the try comes: the disk still full
    qtbot.waitUntil(lambda: editor.retrying(), timeout=WAIT_MS)
    assert "Non enregistré" in page.saved_state.text()
    disk["full"] = False
    editor._retry_timer.timeout.emit()
    qtbot.waitUntil(lambda: page.saved_state.text() == "Enregistré.", timeout=WAIT_MS)
    assert not editor.retrying(), "saved: no more tries"
    assert store.get_case(case_id).summary == "Saigne depuis hier."


def test_no_try_again_once_another_case_is_opened(
    qtbot: Any, threaded_window: Any, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = threaded_window
    first, second = _draft(store, "GARNIER"), _draft(store, "DUPONT")
    _full_disk(monkeypatch, first)
    activate(qtbot, window)
    window.open_case(first)
    page = window.case_page
    page.editor.summary.setFocus()
    type_text(page.editor.summary, "Saigne depuis hier.")
    page.editor.flush()
    qtbot.waitUntil(lambda: page.editor.retrying(), timeout=WAIT_MS)
    window.open_case(second)
    assert not page.editor.retrying(), "the next case is not the one refused"


def test_no_try_again_once_the_case_is_left_for_the_list(
    qtbot: Any, threaded_window: Any, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Left for the list: its words stay in the window, saved when it is opened again or at the close."""
    window = threaded_window
    case_id = _draft(store, "GARNIER")
    disk = _full_disk(monkeypatch, case_id)
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    page.editor.summary.setFocus()
    type_text(page.editor.summary, "Saigne depuis hier.")
    monkeypatch.setattr("ui.case_page.wait_writes", lambda: None)  # the refusal comes once the list is shown
    window.show_worklist()
    qtbot.waitUntil(lambda: "Non enregistré" in page.saved_state.text(), timeout=WAIT_MS)
    assert not page.editor.retrying()
    disk["full"] = False
    window.open_case(case_id)
    qtbot.waitUntil(lambda: store.get_case(case_id).summary == "Saigne depuis hier.", timeout=WAIT_MS)


def test_a_reply_begun_whose_keeping_a_full_disk_refused_is_kept_by_itself_once_space_is_freed(
    qtbot: Any, threaded_window: Any, store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """The reply to the expert shared it, worse: refused, its words were noted as kept all the same, so
    neither a later keep nor leaving the case wrote them; a crash then lost the reply."""
    from app import reply_drafts
    from tests.support.scripted_platform import on_hold_with_a_question

    window = threaded_window
    first, _second = on_hold_with_a_question(store, tmp_path / "sandbox", 2)
    real = reply_drafts.save
    disk = {"full": True}

    def save(own: Store, case_id: str, text: str, **kwargs: Any) -> None:
        if disk["full"]:
            raise storage_error(OSError(errno.ENOSPC, "No space left on device"))
        real(own, case_id, text, **kwargs)

    monkeypatch.setattr(reply_drafts, "save", save)
    activate(qtbot, window)
    window.open_case(first)
    follow = window.case_page.follow
    type_text(follow.reply, "Depuis trois semaines.")
    follow.keep_draft()
    qtbot.waitUntil(follow.retrying_draft, timeout=WAIT_MS)  # refused: to be tried again
    disk["full"] = False
    qtbot.waitUntil(lambda: reply_drafts.load(store, first) == "Depuis trois semaines.", timeout=WAIT_MS)
    assert not follow.retrying_draft()


def test_a_refused_save_is_tried_again_once_the_lock_is_lifted(
    qtbot: Any, threaded_window: Any, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: the lock left the case (its save refused again), its try came under the lock and did
    nothing, and once unlocked, the case back on screen with « Non enregistré », nothing was tried again:
    her words waited for her next edit, and a crash lost them. The photo's labels were tried again."""
    from tests.ui.test_under_the_lock import unlock

    window = threaded_window
    case_id = _draft(store, "GARNIER")
    disk = _full_disk(monkeypatch, case_id)
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    editor = page.editor
    editor.summary.setFocus()
    type_text(editor.summary, "Saigne depuis hier.")
    editor.flush()
    qtbot.waitUntil(lambda: "Non enregistré" in page.saved_state.text(), timeout=WAIT_MS)
    window.lock()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=WAIT_MS)
    if editor.retrying():
        editor._retry_timer.timeout.emit()  # its try comes under the lock: nothing shown, nothing tried
    disk["full"] = False
    unlock(qtbot, window)
    assert window.case_page.editor is editor and editor.isVisible()
    # The case back on screen, its refused save is to be tried again by itself: planned (fired at once here), or
    # already made while the unlock's own work let the loop run past SAVE_RETRY_MS.
    if editor.retrying():
        editor._retry_timer.timeout.emit()
    qtbot.waitUntil(lambda: store.get_case(case_id).summary == "Saigne depuis hier.", timeout=WAIT_MS)


def test_a_reply_begun_refused_is_kept_again_once_the_lock_is_lifted(
    qtbot: Any, threaded_window: Any, store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """The reply to the expert shared it: its try under the lock did nothing, and none came after."""
    from app import reply_drafts
    from tests.support.scripted_platform import on_hold_with_a_question
    from tests.ui.test_under_the_lock import unlock

    window = threaded_window
    first, _second = on_hold_with_a_question(store, tmp_path / "sandbox", 2)
    real = reply_drafts.save
    disk = {"full": True}

    def save(own: Store, case_id: str, text: str, **kwargs: Any) -> None:
        if disk["full"]:
            raise storage_error(OSError(errno.ENOSPC, "No space left on device"))
        real(own, case_id, text, **kwargs)

    monkeypatch.setattr(reply_drafts, "save", save)
    activate(qtbot, window)
    window.open_case(first)
    follow = window.case_page.follow
    type_text(follow.reply, "Depuis trois semaines.")
    follow.keep_draft()
    qtbot.waitUntil(follow.retrying_draft, timeout=WAIT_MS)
    window.lock()
    qtbot.waitUntil(lambda: not follow.isVisible(), timeout=WAIT_MS)
    if follow.retrying_draft():
        follow._draft_retry.timeout.emit()  # its try comes under the lock: nothing tried
    disk["full"] = False
    unlock(qtbot, window)
    assert follow.isVisible()
    # The case back on screen, the reply refused is to be kept again by itself: its try planned (fired at once
    # here), or already made while the unlock's own work let the loop run past SAVE_RETRY_MS (seen under load).
    if follow.retrying_draft():
        follow._draft_retry.timeout.emit()
    qtbot.waitUntil(lambda: reply_drafts.load(store, first) == "Depuis trois semaines.", timeout=WAIT_MS)


def test_a_reply_refused_then_wiped_is_not_kept_as_it_was_before(
    qtbot: Any, threaded_window: Any, store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """Found in review: a reply kept, then a longer one refused, then wiped by her: the refusal had dropped the
    note of what was kept, and an empty reply was taken for « nothing kept, nothing to write », so the words
    kept before stayed on the workstation and came back with the case, though she had wiped them."""
    from app import reply_drafts
    from tests.support.scripted_platform import on_hold_with_a_question
    from ui.tasks import wait_writes

    window = threaded_window
    first, _second = on_hold_with_a_question(store, tmp_path / "sandbox", 2)
    real = reply_drafts.save
    disk = {"full": False}

    def save(own: Store, case_id: str, text: str, **kwargs: Any) -> None:
        if disk["full"]:
            raise storage_error(OSError(errno.ENOSPC, "No space left on device"))
        real(own, case_id, text, **kwargs)

    monkeypatch.setattr(reply_drafts, "save", save)
    activate(qtbot, window)
    window.open_case(first)
    follow = window.case_page.follow
    type_text(follow.reply, "Depuis trois")
    follow.keep_draft()
    qtbot.waitUntil(lambda: reply_drafts.load(store, first) == "Depuis trois", timeout=WAIT_MS)
    disk["full"] = True
    type_text(follow.reply, " semaines.")
    follow.keep_draft()
    qtbot.waitUntil(follow.retrying_draft, timeout=WAIT_MS)  # refused
    disk["full"] = False
    follow.reply.clear()  # she wipes it
    follow.keep_draft()
    wait_writes()
    qtbot.wait(50)
    assert reply_drafts.load(store, first) == "", "her wiped reply does not come back"
