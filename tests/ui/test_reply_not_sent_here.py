"""A reply stopped on this computer is not said « refusée par la plateforme » (found by a nurse's pass).

A reply written in training mode is never sent once a real platform is set: Teleavis itself holds it
back. The conversation still said « non envoyée (refusée par la plateforme) » and the case's report
« refusée par la plateforme, l'expert ne l'a pas reçue »: the nurse would call the platform about a
refusal it never made. The line says it was not sent, and points at why (which says who stopped it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.outbox import Outbox
from app.report_text import conversation_words
from app.store import TRAINING, Store
from sync.engine import set_aside_elsewhere
from sync.follow import queue_reply
from tests.support.ui import shown


def test_a_training_reply_held_back_here_is_not_said_refused_by_the_platform(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    assert store.destination(case_id) == TRAINING
    queue_reply(store, case_id, "Depuis trois semaines.", [])
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    set_aside_elsewhere(Outbox(store))  # as the engine does at its next pass
    assert [m.state for m in Outbox(store).messages(case_id) if m.direction == "to-expert"] == ["refused"]

    view = shown(qtbot, store, case_id)
    said = [view.conversation.item(n).text() for n in range(view.conversation.count())][-1]
    assert "Depuis trois semaines." in said and "non envoyée (voir pourquoi ci-dessus)" in said, said
    assert "plateforme" not in said, said
    history = [view.history.item(n).text() for n in range(view.history.count())]
    assert history[-1].endswith("Réponse à l'expert non envoyée"), history
    _title, rows = conversation_words(Outbox(store).messages(case_id), "fr")  # the report's, `case show`'s
    printed = rows[-1][2]
    assert printed.startswith("(réponse non envoyée") and "plateforme" not in printed, printed


def test_a_reply_held_back_here_is_not_notified_as_refused_by_the_platform(qtbot: Any, window: Any) -> None:
    """Found in review: the exchange and the history no longer blamed the platform, but the tray still said
    « La plateforme refuse votre réponse » for a reply held back here (its case altered outside Teleavis,
    written in training mode): the notification says it did not go, and where to read why."""
    from app import messages as M

    window.sync.case_state.emit("0123456789abcdef", "reply-refused", M.tr("data.altered"))
    qtbot.waitUntil(lambda: len(window.notifier.shown) > 0, timeout=30_000)
    title, text = window.notifier.shown.pop()
    assert title == "Réponse à l'expert non envoyée"
    assert "plateforme" not in text and "01234567" in text and "ouvrez-le" in text, text
