"""Benchmarks of the migrations that walk every case, each compared with a baseline measured in the same run."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from app import contexts
from app.db import _filler, _migrate_30, transaction
from app.model import Case, Patient
from app.search_words import padded
from app.store import Store

pytestmark = pytest.mark.bench


def _fill(store: Store, count: int) -> None:
    """``count`` cases as version 29 kept them, put in directly (set-up speed only): each sealed under its own
    id, with its 64 search tokens."""
    template = store.create_case(Case(question="Q", patient=Patient(family="MODELE", given=["Paul"])), [])
    columns = [str(row[1]) for row in store.conn.execute("PRAGMA table_info(cases)") if row[1] not in ("id", "content")]
    listed = ", ".join(columns)
    store.conn.execute("PRAGMA synchronous=OFF")
    with transaction(store.conn) as conn:
        for i in range(count):
            case_id = f"{i:08d}-0000-4000-8000-000000000000"
            patient = {"family": f"Łukaszewicz{i}", "given": ["Jean-Noël"], "birth_date": "1950-02-03"}
            content = store.key.seal(json.dumps({"patient": patient}).encode(), contexts.case_content(case_id))
            conn.execute(
                f"INSERT INTO cases(id, content, {listed}) SELECT ?, ?, {listed} FROM cases WHERE id = ?",  # noqa: S608
                (case_id, content, template),
            )
            words = {f"mot{i}-{n}" for n in range(20)}
            tokens = padded({store.key.index_token(w) for w in words}, lambda n, c=case_id: _filler(store.key, c, n))
            conn.executemany("INSERT INTO search_tokens(case_id, token) VALUES (?, ?)", [(case_id, t) for t in tokens])
    store.conn.execute("PRAGMA synchronous=FULL")


def test_migration_30_costs_per_case_about_the_same_at_2000_cases_as_at_250(tmp_path: Path) -> None:
    """Migration 30 makes every case's search words again, the window waiting at its start (and a kill there
    starts it over). Per case, at 2 000 cases at most 2× its cost at 250 (interleaved rounds, best of each,
    each rolled back). Found in review: each case's words were deleted by a scan of the whole table (no index
    on the case), 40 ms a case at 3 000 cases, 8× more per case at 8× the cases: minutes, then an hour."""
    stores = {}
    for count in (250, 2000):
        stores[count] = Store.open(tmp_path / f"home-{count}")
        _fill(stores[count], count)

    def migrated(count: int) -> float:
        store = stores[count]
        start = time.perf_counter()
        store.conn.execute("BEGIN")
        try:
            _migrate_30(store.conn, store.key)
            elapsed = time.perf_counter() - start
        finally:
            store.conn.execute("ROLLBACK")
        return elapsed / count

    rounds: dict[int, list[float]] = {count: [] for count in stores}
    for _ in range(3):
        for count in stores:
            rounds[count].append(migrated(count))
    for store in stores.values():
        store.close()
    best = {count: min(times) for count, times in rounds.items()}
    ratio = best[2000] / best[250]
    print(
        f"\n[bench] migration 30: {best[250] * 1e3:.2f} ms a case at 250 cases, {best[2000] * 1e3:.2f} ms at 2 000, "
        f"ratio {ratio:.2f} (limit 2)"
    )
    assert ratio <= 2.0
