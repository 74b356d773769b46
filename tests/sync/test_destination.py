"""A case goes to the platform it was queued for, never the other one (store.queue records it).

Found from outside: a case queued in training mode left for the real platform once one was set, its
INS with it and its act billable. The settings can change in many ways (``config set``, the window's
settings, ``--training``, a restored backup, another process): the engine checks at each pass, so
these tests change the settings directly, as a restore does, and let only the engine act.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.model import CaseState
from app.outbox import Outbox
from app.store import PLATFORM, TRAINING, Store
from sync.follow import queue_reply
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import engine_on, make_case

REAL = "https://plateforme.example/fhir"


@pytest.fixture
def real(tmp_path: Path) -> Iterator[SandboxServer]:
    """A platform standing for the real one (its address is given to the engine directly)."""
    with SandboxServer(tmp_path / "real", answer_after_s=0.0, run_expert=False, seed=1) as server:
        yield server


@pytest.fixture
def training(tmp_path: Path) -> Iterator[SandboxServer]:
    """A platform standing for the training one, whose expert asks a question on every case."""
    with SandboxServer(tmp_path / "training", answer_after_s=0.0, question_rate=1.0, run_expert=False) as server:
        yield server


def test_a_case_queued_in_training_never_reaches_the_real_platform_set_by_a_restore(
    store: Store, real: SandboxServer
) -> None:
    case_id = make_case(store, images=2)  # no platform set: training mode
    assert store.destination(case_id) == TRAINING
    # Its photos reached the training platform before its sending was cut.
    image_ids = [image.id for image in store.get_case(case_id).images]
    Outbox(store).record_binary(case_id, image_ids[0], "binaire-de-la-plateforme-d-essai")
    store.settings.set("platform.url", REAL)  # as a restored backup would: nothing else is told

    with engine_on(store, real.base_url) as engine:
        summary = engine.run_once()
        assert summary.sent == [] and summary.waiting == []
        assert real.resources("Task") == [] and real.binary_uploads == 0
        assert store.state(case_id) == CaseState.NEEDS_ATTENTION
        words = store.platform_info(case_id)["last_error"]
        assert "mode formation" in words and "pas été envoyé à la plateforme réelle" in words
        assert store.history(case_id)[-1]["detail"] == "other-platform"
        # The copy on the training platform is forgotten: sent again, the photo goes to the real one.
        assert all(image.binary_id is None for image in store.get_case(case_id).images)

        store.queue(case_id)  # the user checked it and sends it, to the real platform this time
        assert store.destination(case_id) == PLATFORM
        assert engine.run_once().sent == [case_id]
    binaries = {image.binary_id for image in store.get_case(case_id).images}
    assert "binaire-de-la-plateforme-d-essai" not in binaries
    assert real.binary_uploads == 2


def test_a_real_case_waits_while_training_mode_is_on_and_leaves_when_it_ends(
    store: Store, real: SandboxServer, training: SandboxServer
) -> None:
    store.settings.set("platform.url", REAL)
    case_id = make_case(store)
    assert store.destination(case_id) == PLATFORM
    store.settings.set("training", "on")  # `teleavis --training` on a site set up for the real platform

    with engine_on(store, training.base_url) as engine:
        summary = engine.run_once()
        assert summary.sent == [] and summary.waiting == [case_id]
        assert training.resources("Task") == []  # the training expert never sees a real patient
        assert store.state(case_id) == CaseState.QUEUED
        assert "à la fin du mode formation" in store.platform_info(case_id)["last_error"]
        assert engine._next_wait() > 1.0  # it waits for the poll, not a busy loop on a case not due

    store.settings.set("training", "auto")
    with engine_on(store, real.base_url) as engine:
        assert engine.run_once().sent == [case_id]
    assert len(real.resources("Task")) == 1


def test_a_case_made_for_the_real_platform_and_sent_in_training_mode_waits_for_its_end(
    store: Store, real: SandboxServer, training: SandboxServer
) -> None:
    """Found from outside: a draft made for the real platform (a real patient), sent once training mode
    was on, went to the training expert, whose answer is made up. It waits for the end of training mode,
    as a case queued for the real platform does, and its act is judged as the real platform's."""
    from app.acts import TRAINING as NOT_BILLABLE_IN_TRAINING
    from app.acts import judge

    store.settings.set("platform.url", REAL)
    case_id = make_case(store, queue=False)  # a draft, never queued
    assert store.destination(case_id) == PLATFORM
    store.settings.set("training", "on")
    assert judge(store, store.get_case(case_id)).reason != NOT_BILLABLE_IN_TRAINING
    store.queue(case_id)
    assert store.destination(case_id) == PLATFORM

    with engine_on(store, training.base_url) as engine:
        summary = engine.run_once()
        assert summary.sent == [] and summary.waiting == [case_id]
        assert training.resources("Task") == []  # the training expert never sees a real patient

    store.settings.set("training", "auto")
    with engine_on(store, real.base_url) as engine:
        assert engine.run_once().sent == [case_id]


def test_a_draft_made_in_training_mode_is_known_as_one_once_a_real_platform_is_set(store: Store) -> None:
    """The mode a case is made in is kept: a training draft never queued is a fictitious patient too."""
    case_id = make_case(store, queue=False)  # no platform set: training mode
    assert store.destination(case_id) == TRAINING and not store.prepared_in_training(case_id)
    store.settings.set("platform.url", REAL)
    assert store.prepared_in_training(case_id)
    store.queue(case_id)  # (the window and `case send` ask first: a real patient, said so)
    assert store.destination(case_id) == PLATFORM


def test_a_training_case_is_not_followed_nor_answered_on_the_real_platform(
    store: Store, real: SandboxServer, training: SandboxServer
) -> None:
    case_id = make_case(store)
    with engine_on(store, training.base_url) as engine:
        engine.run_once()
        training.expert.run_until_idle()
        engine.run_once()
    assert store.state(case_id) == CaseState.ON_HOLD
    queue_reply(store, case_id, "Réponse d'exercice.", [])
    store.settings.set("platform.url", REAL)

    with engine_on(store, real.base_url) as engine:
        assert engine.follower.open_cases() == []
        summary = engine.run_once()
    assert summary.replies_sent == 0
    assert real.resources("Communication") == [] and real.resources("Task") == []
    states = store.conn.execute("SELECT state FROM messages WHERE case_id=? AND direction='to-expert'", (case_id,))
    assert [row[0] for row in states] == ["refused"]
    assert "mode formation" in store.platform_info(case_id)["last_error"]
    assert store.state(case_id) == CaseState.ON_HOLD  # the training case stays as it was, on this computer


def test_training_turned_on_by_the_window_keeps_the_real_cases_queued_before_this_was_recorded(
    store: Store,
) -> None:
    """Cases queued before destinations were recorded are taken as queued in the mode that ends."""
    from ui.application import _training_on

    store.settings.set("platform.url", REAL)
    case_id = make_case(store)
    store.conn.execute("UPDATE cases SET destination=NULL WHERE id=?", (case_id,))  # queued by an older version
    _training_on(store)
    assert store.destination(case_id) == PLATFORM
    assert Outbox(store).due() == []
    assert [row.case_id for row in Outbox(store).pending()] == [case_id]
