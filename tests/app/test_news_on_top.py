"""News on a case (an amended answer, a question from the expert) brings it to the top of the list.

Found from outside: an amended answer, the only unread case, stayed where its first answer had put
it: after a hundred newer answers it was not even on the list's first page, and its « Dernier
changement » still gave the first answer's date. The list shows the newest changes first; news is a
change."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.db import transaction
from app.model import Answer, CaseState, iso, utc_now
from app.outbox import Outbox
from app.store import Store
from tests.support.ui import answered_case


def _answered_days_ago(store: Store, days: int) -> str:
    case_id = answered_case(store)
    store.conn.execute("UPDATE cases SET updated_at=? WHERE id=?", (iso(utc_now() - timedelta(days=days)), case_id))
    return case_id


def _first(store: Store) -> str:
    return store.list_cases(states=[CaseState.ANSWERED.value, CaseState.ON_HOLD.value])[0].id


def test_an_amended_answer_comes_to_the_top_of_the_list(store: Store) -> None:
    first = _answered_days_ago(store, 9)
    _answered_days_ago(store, 2)
    assert _first(store) != first
    store.mark_read(first)

    with transaction(store.conn) as conn:
        store.set_answer(conn, first, Answer(conclusion="Exérèse urgente.", amended=True), event="amended")

    assert _first(store) == first and store.platform_info(first)["unread"]


def test_a_question_from_the_expert_comes_to_the_top_of_the_list(store: Store) -> None:
    first = _answered_days_ago(store, 9)
    newer = _answered_days_ago(store, 2)
    store.conn.execute("UPDATE cases SET state=? WHERE id=?", (CaseState.ON_HOLD.value, first))
    assert _first(store) == newer

    with transaction(store.conn) as conn:
        Outbox(store).add_expert_message(conn, first, "c1", "Depuis quand ?", "2026-11-21T10:00:00+01:00")

    assert _first(store) == first


def test_the_command_line_says_which_cases_are_to_read(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """Found from outside: `case list` (text) had no unread mark, only --json did; `status` no count."""
    from tests.support.cli import run_inprocess

    unread = answered_case(store)
    read = answered_case(store)
    store.mark_read(read)
    lines = {line.split()[0]: line for line in run_inprocess(capsys, "case", "list").out.splitlines()}
    assert lines[unread].endswith("[à lire]") and "à lire" not in lines[read]
    assert "À lire (réponse ou question de l'expert) : 1 dossier —" in run_inprocess(capsys, "status").out
    assert run_inprocess(capsys, "status", "--json").json()["unread"] == 1
