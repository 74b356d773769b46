"""A reply to the expert with a phone's photo, on a slow link: the window says why it is slow and offers to
send the reply's photos as reduced copies, as it does for a case's (issue 18.5).

Found by a nurse's pass: a 12 MP photo joined to a reply went full size over a satellite link, and nothing
let her choose otherwise; the case's « Envoyer des copies réduites » is gone once the case has left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from app.model import CaseImage
from app.outbox import Outbox
from app.store import NewImage, Store
from sync.follow import queue_reply
from sync.progress import RateMeter
from tests.support.french import fr_spaced
from tests.support.ui import shown
from tests.sync.sync_helpers import jpeg
from ui.application import install_language


def test_a_reply_with_a_large_photo_on_a_slow_link_offers_reduced_copies(
    qtbot: Any, qapp: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    from tests.support.scripted_platform import on_hold_with_a_question

    # The French window as it runs, its plural forms from its own translation (« sur 1 image »): without it
    # the source's « image(s) » showed, and this test passed only after another that had installed it.
    install_language(qapp, "fr")
    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    large = CaseImage(body_site="dos", view="close-up", content_type="image/jpeg", width=4000, height=3000)
    message_id = queue_reply(store, case_id, "Voici la photo demandée.", [NewImage(large, jpeg(4000, 3000))])

    view = shown(qtbot, store, case_id)
    now = [0.0]
    view.meter_factory = lambda: RateMeter(clock=lambda: now[0])
    offer = view.reply_reduce
    assert offer.button.isVisible(), "a reply with a large photo, still to leave: the choice is offered"
    total = 3_300_000
    for second in range(8):  # 64 kB/s measured, while the reply's photo leaves
        now[0] = float(second)
        view.show_progress(second * 64_000, total)
    words = view.progress_words.text()
    assert "Liaison lente : 3 Mo restants, environ 45 s" in words, words
    assert fr_spaced("« Envoyer la réponse en copies réduites »") in words, words
    assert "sur 1 image —" in words, words  # the reply's photos, not the case's

    qtbot.mouseClick(offer.button, Qt.MouseButton.LeftButton)
    assert Outbox(store).reply_reduced(case_id, message_id)
    assert not offer.button.isVisible()
    assert "Copies réduites demandées pour la réponse" in offer.said.text()
    # Chosen once for good: a window opened again (a restart) says it, and offers it no more.
    again = shown(qtbot, store, case_id)
    assert not again.reply_reduce.button.isVisible()
    assert again.reply_reduce.said.isVisible() and "Copies réduites demandées" in again.reply_reduce.said.text()


def test_a_reply_with_small_photos_only_offers_nothing(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    small = CaseImage(body_site="dos", view="close-up", content_type="image/jpeg", width=1200, height=900)
    queue_reply(store, case_id, "Voici la photo demandée.", [NewImage(small, jpeg(1200, 900))])
    view = shown(qtbot, store, case_id)
    assert not view.reply_reduce.button.isVisible() and not view.reply_reduce.said.isVisible()
