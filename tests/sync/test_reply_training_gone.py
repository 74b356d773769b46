"""A reply to a training case is not queued once its training platform cannot be reached (found by a nurse's
pass): queued all the same, it was said leaving with the next synchronisation, and never could."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import InvalidTransition
from app.outbox import Outbox
from app.store import Store
from sync.follow import queue_reply
from sync.training import training_mode, where_cases_go_changed
from tests.support.scripted_platform import on_hold_with_a_question


def test_no_reply_is_queued_for_a_training_case_once_a_real_platform_is_set(store: Store, tmp_path: Path) -> None:
    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    was = training_mode(store)
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    where_cases_go_changed(store, was)
    with pytest.raises(InvalidTransition, match="rien n'est parti"):
        queue_reply(store, case_id, "Depuis trois semaines.", [])
    assert [m for m in Outbox(store).messages(case_id) if m.direction == "to-expert"] == []

    store.settings.set("platform.url", "")  # training mode again, its platform not erased by a poll's finding
    where_cases_go_changed(store, False)
    queue_reply(store, case_id, "Depuis trois semaines.", [])
    assert [m.state for m in Outbox(store).messages(case_id) if m.direction == "to-expert"] == ["queued"]
