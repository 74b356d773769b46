"""While training mode is on, the worklist counts the training cases only (``Store.counts(training_only=True)``,
``Store.unread_states``): asked at every refresh of the list, on the window's thread. Counted by reading every
case's row, 10 000 cases took 10 ms each time (tests/bench/test_ui_bench.py, its first screen 1.2 → 2.1 times that
of 100 cases, found from a fresh clone's run): they are counted off an index now."""

from __future__ import annotations

from pathlib import Path

from app.model import Case, Patient
from app.store import Store


def _reads_of_every_case(store: Store, ask: object) -> list[str]:
    """The statements ``ask`` runs that read every case's row (SQLite's plan: a scan of the table, or of an
    index it goes back to the table from, rather than of an index holding all that is asked)."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        ask()  # type: ignore[operator]
    finally:
        store.conn.set_trace_callback(None)
    return [
        statement
        for statement in statements
        if statement.lstrip().upper().startswith("SELECT")
        and any(
            step[3].startswith(("SCAN c", "SCAN cases")) and "COVERING INDEX" not in step[3]
            for step in store.conn.execute("EXPLAIN QUERY PLAN " + statement)
        )
    ]


def test_the_training_cases_are_counted_without_reading_every_case(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        store.create_case(Case(patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03")), [])
        assert store.counts(training_only=True) == {"draft": 1}
        assert _reads_of_every_case(store, lambda: store.counts(training_only=True)) == []
        assert _reads_of_every_case(store, lambda: store.unread_states(training_only=True)) == []
