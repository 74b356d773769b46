"""A case prepared in training mode and set aside when the real platform was set (found by a nurse's
pass): the case says why in its own words, not as a platform's refusal, and asks before it leaves for a
real expert."""

from __future__ import annotations

from typing import Any

import pytest

from app.model import CaseState
from app.store import Store


def test_a_case_set_aside_at_the_end_of_training_says_why_and_asks_before_it_leaves(
    qtbot: Any, store: Store, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from sync.training import where_cases_go_changed
    from tests.sync.sync_helpers import make_case

    case_id = make_case(store)  # queued in training mode (no platform set)
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    assert where_cases_go_changed(store, True)[0] == [case_id]
    window.open_case(case_id)
    page = window.case_page
    assert page.attention.isVisible()
    assert page.attention.text().startswith("Préparé en mode formation, pour la plateforme d'essai")
    assert "La plateforme a refusé" not in page.attention.text()

    asked: list[str] = []

    def answer(reply: QMessageBox.StandardButton) -> Any:
        return lambda _parent, _title, text, *_rest: asked.append(text) or reply

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    assert not page.send()
    assert store.state(case_id) == CaseState.NEEDS_ATTENTION
    assert "Est-ce bien un vrai patient" in asked[0] and "facturable" in asked[0]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    assert page.send()
    qtbot.waitUntil(lambda: store.state(case_id) != CaseState.NEEDS_ATTENTION, timeout=30_000)
    assert store.destination(case_id) == "platform"


def _answering(monkeypatch: pytest.MonkeyPatch, reply: Any) -> list[str]:
    """QMessageBox.question answered ``reply``; returns the questions asked."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text, *_rest: asked.append(text) or reply)
    return asked


def test_a_draft_made_in_training_asks_before_it_leaves_for_the_real_platform(
    qtbot: Any, store: Store, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: a draft made in training mode (a fictitious patient), never queued, left for
    the real platform set after, billable, nothing asked: only a case queued in training was known."""
    from PySide6.QtWidgets import QMessageBox

    from tests.sync.sync_helpers import make_case

    case_id = make_case(store, queue=False)  # made in training mode (no platform set), never queued
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    window.open_case(case_id)
    page = window.case_page
    asked = _answering(monkeypatch, QMessageBox.StandardButton.No)
    assert not page.send()
    assert store.state(case_id) == CaseState.DRAFT
    assert asked and "Est-ce bien un vrai patient" in asked[0]
    _answering(monkeypatch, QMessageBox.StandardButton.Yes)
    assert page.send()
    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.QUEUED, timeout=30_000)
    assert store.destination(case_id) == "platform"


def test_a_draft_made_for_the_real_platform_never_goes_to_the_training_platform(
    qtbot: Any, store: Store, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other way: made for the real platform (a real patient), sent while training mode is on, it
    waits for the end of training mode, said before it is queued; the training expert never sees it."""
    from PySide6.QtWidgets import QMessageBox

    from app.outbox import Outbox
    from tests.sync.sync_helpers import make_case

    store.settings.set("platform.url", "https://plateforme.example/fhir")
    case_id = make_case(store, queue=False)
    store.settings.set("training", "on")
    window.open_case(case_id)
    page = window.case_page
    asked = _answering(monkeypatch, QMessageBox.StandardButton.No)
    assert not page.send()
    assert store.state(case_id) == CaseState.DRAFT
    assert asked and "attendra dans la file d'envoi la fin du mode formation" in asked[0]
    _answering(monkeypatch, QMessageBox.StandardButton.Yes)
    assert page.send()
    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.QUEUED, timeout=30_000)
    assert store.destination(case_id) == "platform"
    assert Outbox(store, destination="training").due() == []  # never to the training platform


def test_a_training_case_held_back_after_it_was_queued_for_the_real_platform_asks_again(
    qtbot: Any, store: Store, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: a case made in training mode (a fictitious patient), queued for the real platform
    then held back, lost its training mark (queuing rewrote where it goes, holding back never put it back);
    sent again, it left for a real expert, billable, nothing asked. Made in training mode stays a fact of
    the case: marked on its page and in the worklist, asked again at every sending."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from tests.sync.sync_helpers import make_case

    case_id = make_case(store, queue=False)  # made in training mode (no platform set)
    store.settings.set("platform.url", "https://plateforme.example.invalid/fhir")
    window.open_case(case_id)
    page = window.case_page
    asked = _answering(monkeypatch, QMessageBox.StandardButton.Yes)
    assert page.send() and len(asked) == 1
    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.QUEUED, timeout=30_000)
    qtbot.waitUntil(lambda: not page.editing(), timeout=30_000)
    assert page.training_mark.isVisible() and "plateforme réelle" in page.training_mark.text()
    take_back = page.follow.take_back_button
    qtbot.waitUntil(take_back.isVisible, timeout=30_000)
    qtbot.mouseClick(take_back, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.DRAFT, timeout=30_000)
    qtbot.waitUntil(page.editing, timeout=30_000)
    assert page.training_mark.isVisible() and "mode formation" in page.training_mark.text()
    summary = next(row for row in store.list_cases() if row.id == case_id)
    assert summary.training

    asked = _answering(monkeypatch, QMessageBox.StandardButton.No)
    assert not page.send()
    assert store.state(case_id) == CaseState.DRAFT
    assert asked and "Est-ce bien un vrai patient" in asked[0] and "facturable" in asked[0]
