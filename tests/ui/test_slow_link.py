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
