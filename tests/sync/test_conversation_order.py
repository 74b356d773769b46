"""The conversation with the expert is shown in the order its messages were sent on the platform
(Communication.sent, FHIR R4), not the order Teleavis happened to store them in. Found in review: a
question the platform gave only at a later poll (written late, or on a page not read the first time) was
shown after a later one, and the reply then answered the wrong one."""

from __future__ import annotations

from pathlib import Path

from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from sync.follow import queue_reply
from tests.support.scripted_platform import communication, following, scripted_platform, send_to_sandbox, task


def _said(store: Store, case_id: str) -> list[str]:
    return [m.text for m in Outbox(store).messages(case_id) if m.direction == "from-expert"]


def test_a_question_read_late_is_shown_where_it_was_sent(store: Store, tmp_path: Path) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    first = communication("qa", task_id, "Depuis quand ?")
    first["sent"] = "2026-11-21T10:00:00+01:00"
    second = communication("qb", task_id, "Et la taille ?")
    second["sent"] = "2026-11-21T11:00:00+01:00"
    # Dated far ahead (a platform's clock gone wrong): not after what comes later than it was received.
    ahead = communication("qc", task_id, "Une photo de près ?")
    ahead["sent"] = "9999-12-31T23:59:59Z"
    undated = communication("qd", task_id, "Des antécédents ?")
    del undated["sent"]
    naive = communication("qe", task_id, "Un traitement ?")
    naive["sent"] = "2026-11-21T09:00:00"  # no zone: not an instant, taken as when it was received
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [second]
        with following(store, platform) as engine:
            engine.run_once()
            assert _said(store, case_id) == ["Et la taille ?"]
            platform.communications[task_id] = [first, second, ahead]
            engine.run_once()
            platform.communications[task_id] = [first, second, ahead, undated, naive]
            engine.run_once()
    assert store.state(case_id) == CaseState.ON_HOLD
    assert _said(store, case_id) == [
        "Depuis quand ?",
        "Et la taille ?",
        "Une photo de près ?",
        "Des antécédents ?",
        "Un traitement ?",
    ]
    # The reply answers the last question sent.
    reply = queue_reply(store, case_id, "Depuis 3 mois.", [])
    [mine] = [m for m in Outbox(store).messages(case_id) if m.id == reply]
    assert mine.in_response_to == "qe"
    assert Outbox(store).messages(case_id)[-1].id == reply


def test_a_question_read_late_never_moves_above_a_reply_written_before_it_came(store: Store, tmp_path: Path) -> None:
    """Found in review: a question read late (sent before one the nurse had answered) was put in the expert's
    place before the reply, and the one the reply answered after it: the nurse's « Oui » then read as the
    answer to another question (« Allergique à la pénicilline ? »). An expert's message is ordered among those
    read with it, never above a reply written before it was read."""
    from app.db import transaction

    [(case_id, _task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    outbox = Outbox(store)
    with transaction(store.conn) as conn:
        outbox.add_expert_message(conn, case_id, "q1", "Douleur à la palpation ?", "2026-11-21T10:00:00+01:00")
    reply = outbox.queue_reply(case_id, "Oui", [], "q1")
    with transaction(store.conn) as conn:  # sent before q1, read only now
        outbox.add_expert_message(conn, case_id, "q0", "Allergique à la pénicilline ?", "2026-11-21T09:00:00+01:00")
    shown = outbox.messages(case_id)
    at = [m.id for m in shown].index(reply)
    assert shown[at - 1].platform_id == "q1", [(m.platform_id, m.text) for m in shown]
