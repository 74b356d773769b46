"""A case the platform answered 409/412 to waits in the queue (the contract retries them): the window says
why it has not left, in the platform's words on its page and without them in the worklist (found from
outside: it read « en attente d'envoi », as if the network were down, with nothing more)."""

from __future__ import annotations

from typing import Any

from app.outbox import Outbox
from app.store import HELD_BY_PLATFORM, Store
from tests.support.french import fr_spaced
from tests.sync.sync_helpers import make_case

WORDS = (
    "La plateforme n'a pas pu enregistrer le dossier (412) : Patient: plusieurs ressources portent "
    "urn:oid:1.2.250.1.999.1.1|D-2291. Nouvel essai automatique."
)


def held(store: Store) -> str:
    case_id = make_case(store)  # queued
    outbox = Outbox(store)
    outbox.begin(case_id)
    outbox.postpone(case_id, WORDS, 60.0, detail=HELD_BY_PLATFORM)
    return case_id


def test_the_case_page_says_why_a_case_the_platform_cannot_record_has_not_left(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    from ui.follow_view import FollowView

    case_id = held(store)
    view = FollowView(store)
    qtbot.addWidget(view)
    view.set_case(store.get_case(case_id))
    assert fr_spaced("Pourquoi il n'est pas parti : ") + WORDS in view.detail.text()
    lines = [view.history.item(n).text() for n in range(view.history.count())]
    assert any("pas enregistré par la plateforme" in line for line in lines)
    assert not any("coupure" in line for line in lines)


def test_the_worklist_says_the_platform_holds_the_case_back_without_its_words(qtbot: Any, store: Store) -> None:
    from ui.worklist import WorklistModel

    case_id = held(store)
    other = make_case(store, seed=2)  # queued, never tried
    model = WorklistModel(store)
    model.load([])
    rows = {model.summary(n).id: n for n in range(model.rowCount())}
    state = model.index(rows[case_id], model.STATE)
    assert model.data(state) == "en attente d'envoi — refusé pour l'instant par la plateforme"
    assert "Ouvrez-le pour voir pourquoi" in model.data(state, model_tooltip())
    assert "D-2291" not in model.data(state) + model.data(state, model_tooltip())
    assert model.data(model.index(rows[other], model.STATE)) == "en attente d'envoi"


def model_tooltip() -> int:
    from PySide6.QtCore import Qt

    return Qt.ItemDataRole.ToolTipRole.value


def test_a_held_case_below_the_first_page_is_said_held_once_scrolled_to(
    qtbot: Any, store: Store, monkeypatch: Any
) -> None:
    """The worklist asks which cases the platform holds back only when a row it shows waits to leave; a
    held case further down the list than the first page, reached by scrolling (fetchMore), was shown
    « en attente d'envoi » alone, as if the network were down (review of start37)."""
    from ui import worklist
    from ui.worklist import WorklistModel

    monkeypatch.setattr(worklist, "PAGE", 2)
    case_id = held(store)
    for seed in (3, 4, 5):  # newer drafts, listed first: none waits to leave
        make_case(store, seed=seed, queue=False)
    store.conn.execute("UPDATE cases SET updated_at = '2020-01-01T00:00:00Z' WHERE id = ?", (case_id,))
    model = WorklistModel(store)
    model.load([])
    assert case_id not in {model.summary(n).id for n in range(model.rowCount())}
    while model.canFetchMore():
        model.fetchMore()
    rows = {model.summary(n).id: n for n in range(model.rowCount())}
    assert model.data(model.index(rows[case_id], model.STATE)) == (
        "en attente d'envoi — refusé pour l'instant par la plateforme"
    )
