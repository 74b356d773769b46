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
