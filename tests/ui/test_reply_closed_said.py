"""The reply box greyed once the expert has answered: found at the cart, the box, « Ajouter des images… »
and « Envoyer la réponse » stayed under the exchange, greyed, and nothing said why; the nurse clicked them
and looked for what was missing. A sentence says it, and what to do instead."""

from __future__ import annotations

from typing import Any

from app.db import transaction
from app.outbox import Outbox
from app.store import Store
from tests.support.ui import answered_case, shown


def test_the_greyed_reply_box_says_why_once_the_expert_has_answered(qtbot: Any, store: Store) -> None:
    case_id = answered_case(store)
    with transaction(store.conn) as conn:
        Outbox(store).add_expert_message(conn, case_id, "q1", "Depuis quand ?", "2026-11-21T10:00:00+01:00")
    view = shown(qtbot, store, case_id)
    assert view.question_box.isVisible() and view.conversation.count() == 1
    assert not view.reply.isEnabled() and not view.send_reply.isEnabled()
    assert view.reply_closed.isVisible(), "greyed, and nothing says why"
    said = view.reply_closed.text()
    assert "répondu" in said and "nouvelle demande" in said, said
    assert view.reply_closed.accessibleName() or view.reply_closed.text()


def test_in_english_it_is_said_in_english(qtbot: Any, qapp: Any, store: Store) -> None:
    from ui.application import install_language

    case_id = answered_case(store)
    with transaction(store.conn) as conn:
        Outbox(store).add_expert_message(conn, case_id, "q1", "Since when?", "2026-11-21T10:00:00+01:00")
    install_language(qapp, "en")
    try:
        view = shown(qtbot, store, case_id)
        assert view.reply_closed.text().startswith("The expert has answered: the exchange is closed")
    finally:
        install_language(qapp, "fr")
