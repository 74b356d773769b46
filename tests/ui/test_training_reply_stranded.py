"""A training case whose expert asked a question, once its training platform can no longer be reached (found
by a nurse's pass): its page said « aucune réponse d'entraînement ne viendra » and, below, « Répondez à
l'expert ci-dessous … Il reprendra alors son analyse »; the reply box worked, and once sent a green « elle
part avec la prochaine synchronisation » sat beside a red « ne peut pas partir ». No reply is offered to a
training expert who is no longer there: the page says why, and what she can do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from app.outbox import Outbox
from app.store import TRAINING, Store
from tests.support.ui import shown

ASKED = "Répondez à l'expert ci-dessous"


def _replies(store: Store, case_id: str) -> list[str]:
    return [m.state for m in Outbox(store).messages(case_id) if m.direction == "to-expert"]


def _offers_no_reply(view: Any) -> None:
    for widget in (view.reply, view.add_images, view.take_photo, view.send_reply):
        assert not widget.isVisible(), widget
    assert ASKED not in view.detail.text(), view.detail.text()
    assert not view.reply_saved.text(), view.reply_saved.text()
    assert view.reply_closed.isVisible()


def test_a_real_platform_set_while_the_page_is_open_sends_no_reply(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """The page was opened in training mode; `config set platform.url https://…` (another process: nothing
    tells the page) ended it. The reply typed and sent is not queued for a platform it cannot reach."""
    from sync.training import training_mode, where_cases_go_changed
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    view = shown(qtbot, store, case_id)
    assert ASKED in view.detail.text() and view.send_reply.isVisible()  # in training mode: offered

    was = training_mode(store)
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    where_cases_go_changed(store, was)
    view.reply.setPlainText("Depuis trois semaines.")
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)

    assert _replies(store, case_id) == [], "queued for a training platform it can no longer reach"
    _offers_no_reply(view)
    assert "refaites une demande" in view.reply_closed.text(), view.reply_closed.text()


def test_a_training_case_whose_training_platform_was_erased_offers_no_reply(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Training mode on again after a real platform was set (which erased the training platform), or after a
    key rotation: the next poll finds the request gone and says « aucune réponse d'entraînement ne viendra ».
    Its expert is gone with it: no reply offered, and the page says what she can do."""
    from sync.training import training_mode, where_cases_go_changed, wipe_sandbox
    from tests.support.scripted_platform import following, on_hold_with_a_question, scripted_platform

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    was = training_mode(store)
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    where_cases_go_changed(store, was)
    store.settings.set("platform.url", "")
    where_cases_go_changed(store, False)
    wipe_sandbox(store)  # (its marks forgotten: the next poll is a whole one)
    assert store.destination(case_id) == TRAINING and store.destination_now() == TRAINING
    with scripted_platform() as platform, following(store, platform) as engine:  # an empty training platform
        engine.run_once()
    assert "aucune réponse de formation ne viendra" in str(store.platform_info(case_id)["last_error"])

    view = shown(qtbot, store, case_id)
    _offers_no_reply(view)
    assert "aucune réponse de formation ne viendra" in view.detail.text(), view.detail.text()
    said = view.reply_closed.text()
    assert "ne peut plus partir" in said and "supprimer ce dossier de formation" in said, said
