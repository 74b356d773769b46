"""An overdue case (the expert's promised answer time passed, issue 16.8) rises to the top of the
worklist with a visible "en retard", and the tray says so once, not at every poll; the checklist says
before sending whether the requester's act is billable (issue 16.7)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.db import transaction
from app.model import CaseState, iso, utc_now
from app.outbox import Outbox
from app.store import Store
from tests.sync.sync_helpers import make_case


def sent(store: Store, case_id: str, *, late_by_days: int | None = None) -> None:
    store.queue(case_id)
    store.transition(case_id, CaseState.SENDING)
    Outbox(store).mark_sent(case_id, "t-" + case_id, "s-" + case_id, "1")
    if late_by_days is not None:
        with transaction(store.conn) as conn:
            store.set_due(conn, case_id, iso(utc_now() - timedelta(days=late_by_days)))


def test_an_overdue_case_rises_to_the_top_of_the_worklist_marked_late(qtbot: Any, store: Store) -> None:
    from ui.worklist import WorklistModel

    late = make_case(store, seed=1, queue=False)
    sent(store, late, late_by_days=1)
    on_time = make_case(store, seed=2, queue=False)
    sent(store, on_time)
    drafts = [make_case(store, seed=3 + n, queue=False) for n in range(3)]  # changed after: newer
    model = WorklistModel(store)
    model.load([])
    ids = [model.summary(n).id for n in range(model.rowCount())]
    assert ids[0] == late and sorted(ids) == sorted([late, on_time, *drafts])
    state = model.index(0, model.STATE)
    assert model.data(state).endswith("— en retard")
    assert "en retard" not in model.data(model.index(ids.index(on_time), model.STATE))
    # The "waiting" filter shows it first too; "to finish" (drafts) does not show it at all.
    model.load(["sent", "received", "accepted", "in-progress"])
    assert model.summary(0).id == late and model.rowCount() == 2
    model.load(["draft", "ready"])
    assert late not in [model.summary(n).id for n in range(model.rowCount())]


def test_the_worklist_pages_on_without_repeating_the_risen_case(qtbot: Any, store: Store, monkeypatch: Any) -> None:
    import ui.worklist as worklist

    monkeypatch.setattr(worklist, "PAGE", 2)
    late = make_case(store, seed=1, queue=False)
    sent(store, late, late_by_days=2)
    others = [make_case(store, seed=2 + n, queue=False) for n in range(4)]
    model = worklist.WorklistModel(store)
    model.load([])
    while model.canFetchMore():
        model.fetchMore()
    ids = [model.summary(n).id for n in range(model.rowCount())]
    # (Cases made in the same second tie on their time: their order among themselves is the id's.)
    assert ids[0] == late and sorted(ids[1:]) == sorted(others) and len(ids) == 5


def test_the_tray_says_once_that_a_case_is_overdue(qtbot: Any, store: Store, window: Any) -> None:
    first = make_case(store, seed=1, queue=False)
    sent(store, first, late_by_days=1)
    window.refresh_status()
    window.refresh_status()  # the next poll: nothing new to say
    told = [text for title, text in window.notifier.shown if title == "Réponse en retard"]
    assert len(told) == 1 and told[0].startswith("1 dossier")
    second = make_case(store, seed=2, queue=False)
    sent(store, second, late_by_days=1)
    window.refresh_status()
    window.refresh_status()
    assert len([1 for title, _ in window.notifier.shown if title == "Réponse en retard"]) == 2
    assert window.worklist.model.summary(0).id in (first, second)


def test_the_checklist_says_whether_the_act_will_be_billable(qtbot: Any, store: Store, window: Any) -> None:
    from tests.support.ui import open_from_list

    store.settings.set("training", "off")  # acts are billed for a real platform only
    for n in range(4):
        sent(store, make_case(store, seed=n, queue=False))
    fifth = make_case(store, seed=9, queue=False)
    window.worklist.set_filter("all")
    open_from_list(qtbot, window, fifth)
    act = window.case_page.checklist.act
    assert act.isVisible()
    assert act.text() == (
        "Demande non facturable : déjà 4 demandes cette année pour ce patient, le maximum payé par "
        "l'Assurance Maladie (code de facturation RQD)"
    )
