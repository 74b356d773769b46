"""A photo refused as too large: the refused case offers, above its editor, to go as reduced copies."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from tests.sync.sync_helpers import make_case


def refused_for_size(store: Store, *, too_large: bool) -> str:
    case_id = make_case(store)
    store.transition(case_id, CaseState.SENDING)
    image = store.get_case(case_id).images[1]
    Outbox(store).needs_attention(
        case_id,
        "l'image 2 (24,1 Mo) dépasse la taille acceptée par la plateforme.",
        too_large=image.id if too_large else None,
    )
    return case_id


def test_a_case_refused_for_a_photo_too_large_is_sent_again_as_reduced_copies_in_one_click(
    qtbot: Any, store: Store, window: Any
) -> None:
    case_id = refused_for_size(store, too_large=True)
    window.open_case(case_id)
    page = window.case_page
    assert page.attention.isVisible() and "image 2" in page.attention.text()
    assert page.send_reduced.isVisible()

    qtbot.mouseClick(page.send_reduced, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.QUEUED)
    row = Outbox(store).row(case_id)
    assert row is not None and row.reduced and row.too_large is None and row.last_error is None
    assert not page.send_reduced.isVisible()


def test_other_refusals_do_not_offer_reduced_copies(store: Store, window: Any) -> None:
    window.open_case(refused_for_size(store, too_large=False))
    assert window.case_page.attention.isVisible() and not window.case_page.send_reduced.isVisible()
