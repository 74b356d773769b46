"""The window on a slow link: it says why and how long, and offers reduced copies (issue 18.5)."""

from __future__ import annotations

from typing import Any

from app.outbox import Outbox
from app.store import Store
from sync.progress import RateMeter
from tests.sync.sync_helpers import make_case


def test_the_case_page_says_the_link_is_slow_and_offers_reduced_copies(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    from ui.follow_view import FollowView

    case_id = make_case(store)  # queued
    view = FollowView(store)
    qtbot.addWidget(view)
    now = [0.0]
    view.meter_factory = lambda: RateMeter(clock=lambda: now[0])
    view.set_case(store.get_case(case_id))
    view.show()
    assert view.reduce_button.isVisible()
    total = 3_300_000
    for second in range(8):  # 64 kB/s measured
        now[0] = float(second)
        view.show_progress(second * 64_000, total)
    words = view.progress_words.text()
    assert "Liaison lente : 3 Mo restants, environ 45 s" in words, words
    assert "copies réduites" in words
    qtbot.mouseClick(view.reduce_button, qtbot_button())
    row = Outbox(store).row(case_id)
    assert row is not None and row.reduced
    assert not view.reduce_button.isVisible()
    assert "Copies réduites demandées" in view.detail.text()
    # The photo already leaving goes on (its upload resumes where the platform has it): the link is still
    # said slow, but never pointing at the button the choice just hid.
    for second in range(8, 12):
        now[0] = float(second)
        view.show_progress(second * 64_000, total)
    words = view.progress_words.text()
    assert "Liaison lente" in words, words
    assert "Envoyer des copies réduites" not in words, words


def qtbot_button() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_the_case_page_after_reduced_copies_says_where_the_case_is_once_sent(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Seen live on a 64 kB/s link: reduced copies chosen, the case then received by the platform, and its
    page still said « Le dossier partira dès que la plateforme sera joignable » and « Copies réduites
    demandées : les photos pas encore parties seront envoyées réduites » under « reçu par la plateforme »:
    the note written with the choice was taken for another message and never replaced."""
    from sync.auth import StaticToken
    from sync.client import ClientConfig, PlatformClient, RetryPolicy
    from sync.engine import Engine
    from sync.sandbox import SandboxServer
    from ui.follow_view import FollowView

    case_id = make_case(store)  # queued
    view = FollowView(store)
    qtbot.addWidget(view)
    view.set_case(store.get_case(case_id))
    view.show()
    qtbot.mouseClick(view.reduce_button, qtbot_button())
    assert "Copies réduites demandées" in view.detail.text()
    with (
        SandboxServer(run_expert=False) as sandbox,
        PlatformClient(ClientConfig(sandbox.base_url, 5.0, 30.0), StaticToken(None), policy=RetryPolicy()) as client,
    ):
        assert Engine(store, client, case_budget_s=30.0).run_once(poll=False).sent == [case_id]
    view.set_case(store.get_case(case_id))
    words = view.detail.text()
    assert "Copies réduites demandées" not in words, words
    assert "partira dès que" not in words, words
    assert "La réponse de l'expert arrivera ici" in words, words


def test_reduced_copies_chosen_for_a_case_waiting_its_backoff_wake_the_sync_for_it_now(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Found live on a link cutting every photo mid-body: « Envoyer des copies réduites » pressed, nothing changed for
    minutes (the case waited its backoff, growing to five). The choice makes the case due now and wakes the sync
    (the window connects ``reduced_chosen`` as it does a case queued); the progress then counts the copies, said so."""
    from ui.follow_view import FollowView

    case_id = make_case(store)  # queued
    Outbox(store).postpone(case_id, "Coupé", 300.0)  # its original cut: the next try in five minutes
    assert Outbox(store).due() == []
    view = FollowView(store)
    qtbot.addWidget(view)
    now = [0.0]
    view.meter_factory = lambda: RateMeter(clock=lambda: now[0])
    view.set_case(store.get_case(case_id))
    view.show()
    with qtbot.waitSignal(view.reduced_chosen, timeout=10_000) as woken:
        qtbot.mouseClick(view.reduce_button, qtbot_button())
    assert woken.args == [case_id]
    assert [row.case_id for row in Outbox(store).due()] == [case_id], "due now, not after the backoff"
    for second in range(8):  # 64 kB/s measured
        now[0] = float(second)
        view.show_progress(second * 64_000, 3_300_000)
    words = view.progress_words.text()
    assert "Liaison lente : 3 Mo restants en copies réduites, environ 45 s" in words, words
