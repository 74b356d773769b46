"""What the nurse typed in an open case, not saved yet, when the sync moves the case out of her hands.

Found in review: a case « à corriger » (refused by the platform after its transaction was posted) open, the
nurse correcting its clinical summary; the poll finds the case recorded on the platform all the same and follows
it as sent (``Outbox.found_after_refusal``: only while it is unchanged, so exactly while her typing waits for its
save). The window shows the case as sent; the save of her typing is refused (no longer editable), and what she
typed was gone, nothing said but « envoyé d'ailleurs (une commande « teleavis case send ») », which it was not.

Now her words are kept and shown to her with why (the platform had recorded the case: it is followed as sent,
no longer changed here), and what she can do with them: copy them, or keep them for her reply to the expert (the
reply begun, kept on this workstation, which she sends if the expert asks)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from app import messages as M
from app import reply_drafts
from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from sync import engine as _engine_words  # noqa: F401 - the sync's words (M.tr)
from tests.conftest import PASSPHRASE
from tests.support.ui import complete_case, type_text

TYPED = " Vue ce matin : plus étendue."


@pytest.fixture
def told(window: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(window, "tell", lambda _kind, _title, text: said.append(text))
    return said


def _refused_after_posting(store: Store, tmp_path: Path) -> str:
    """A complete case queued, its transaction posted and refused: « à corriger », as the engine leaves it."""
    case_id = complete_case(store, tmp_path)
    store.queue(case_id)
    outbox = Outbox(store)
    outbox.begin(case_id)
    assert outbox.claim_transaction(case_id)
    outbox.needs_attention(case_id, "Ressource invalide.", posted=True)
    return case_id


def _moved_by_the_poll(window: Any, store: Store, case_id: str) -> None:
    """The engine's poll finds it recorded all the same (its own step), and says so (the sync's signal)."""
    words = M.tr("sync.refused_yet_kept", words="Ressource invalide.")
    assert Outbox(store).found_after_refusal(case_id, "task-1", "request-1", "1", words=words)
    window.sync.case_state.emit(case_id, CaseState.SENT.value, M.tr("sync.refused_yet_found"))


def test_typing_not_saved_when_the_poll_follows_the_case_as_sent_is_kept_and_offered(
    qtbot: Any, window: Any, store: Store, tmp_path: Path, told: list[str]
) -> None:
    case_id = _refused_after_posting(store, tmp_path)
    summary = store.get_case(case_id).summary
    window.open_case(case_id)
    page = window.case_page
    assert page.editing()
    page.editor.summary.moveCursor(QTextCursor.MoveOperation.End)
    type_text(page.editor.summary, TYPED)
    assert page.editor.pending()  # typed, its save not made yet (it waits for a pause in the typing)

    _moved_by_the_poll(window, store, case_id)

    qtbot.waitUntil(lambda: not page.editing(), timeout=10_000)
    assert store.state(case_id) == CaseState.SENT
    assert store.get_case(case_id).summary == summary  # (the platform's version: nothing written over it)
    qtbot.waitUntil(lambda: page.kept_typing is not None and page.kept_typing.isVisible(), timeout=10_000)
    kept = page.kept_typing
    shown = kept.typed.toPlainText()
    assert (summary + TYPED).strip() in shown, shown  # her words, whole, under the field's name
    assert "Résumé clinique" in shown
    why = kept.why.text()
    assert "enregistré" in why and "envoyé" in why, why
    assert not any("teleavis case send" in words for words in told), told  # (not what happened)

    kept.copy.click()
    assert TYPED.strip() in QApplication.clipboard().text()

    assert kept.for_reply.isVisible()
    kept.for_reply.click()
    qtbot.waitUntil(lambda: TYPED.strip() in reply_drafts.load(store, case_id), timeout=10_000)
    assert not kept.isVisible()


def test_nothing_typed_nothing_offered(qtbot: Any, window: Any, store: Store, tmp_path: Path, told: list[str]) -> None:
    case_id = _refused_after_posting(store, tmp_path)
    window.open_case(case_id)
    page = window.case_page
    _moved_by_the_poll(window, store, case_id)
    qtbot.waitUntil(lambda: not page.editing(), timeout=10_000)
    qtbot.wait(200)
    assert page.kept_typing is None and told == []


def test_her_words_are_hidden_under_the_lock_and_back_once_unlocked(
    qtbot: Any, window: Any, store: Store, tmp_path: Path, told: list[str]
) -> None:
    """Her words name the patient: nothing of them above the lock screen, and nothing of them let go by it (the
    lock closes other dialogs as cancelled)."""
    case_id = _refused_after_posting(store, tmp_path)
    window.open_case(case_id)
    page = window.case_page
    type_text(page.editor.question, " Urgent ?")
    _moved_by_the_poll(window, store, case_id)
    qtbot.waitUntil(lambda: page.kept_typing is not None and page.kept_typing.isVisible(), timeout=10_000)
    kept = page.kept_typing

    window.lock()
    assert window.locked() and not kept.isVisible()
    field = window.lock_screen.secret
    field.setFocus()
    type_text(field, PASSPHRASE)
    qtbot.keyClick(field, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: not window.locked() and kept.isVisible(), timeout=10_000)
    assert "Urgent ?" in kept.typed.toPlainText()
    kept.let_go.click()  # her choice: they go
    assert not kept.isVisible()
    window.lock()
    assert not kept.isVisible()


def test_quitting_with_her_words_still_shown_asks_first(
    qtbot: Any, window: Any, store: Store, tmp_path: Path, told: list[str]
) -> None:
    """Found in review: the box is her words' only copy, and « Quitter » (or the window's cross) closed it with the
    window, not a word said: her words were gone. Now the close asks first, as for a reply begun; « Revenir à vos
    saisies » keeps the window and her words on screen."""
    from PySide6.QtCore import QTimer

    from tests.ui.test_case_switch import _answer_close_question

    case_id = _refused_after_posting(store, tmp_path)
    window.open_case(case_id)
    page = window.case_page
    type_text(page.editor.question, " Urgent ?")
    _moved_by_the_poll(window, store, case_id)
    qtbot.waitUntil(lambda: page.kept_typing is not None and page.kept_typing.isVisible(), timeout=10_000)
    kept = page.kept_typing
    kept.hide()  # (behind the window, forgotten: still undecided)
    seen: list[str] = []
    QTimer.singleShot(50, lambda: _answer_close_question(seen, "Revenir à vos saisies"))
    window.quit_action.trigger()
    assert window.isVisible(), "the window stays, with her words"
    assert len(seen) == 1 and "perdu" in seen[0] and case_id[:8] in seen[0], seen
    assert kept.isVisible() and "Urgent ?" in kept.typed.toPlainText()

    QTimer.singleShot(50, lambda: _answer_close_question(seen, "Fermer quand même"))
    window.quit_action.trigger()
    assert not window.isVisible()
