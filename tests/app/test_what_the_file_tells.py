"""What the database tells whoever holds the file without the key (a copied disk, a stolen backup of the
folder): keyed values only, and nothing that measures a patient's name."""

from __future__ import annotations

from pathlib import Path

from app.db import MIGRATIONS, schema_version
from app.model import Case, Patient
from app.store import Store


def _token_counts(store: Store) -> dict[str, int]:
    rows = store.conn.execute("SELECT case_id, count(*) FROM search_tokens GROUP BY case_id").fetchall()
    return {str(case_id): int(n) for case_id, n in rows}


def test_the_search_tokens_of_a_case_do_not_tell_how_long_its_patients_names_are(teleavis_home: Path) -> None:
    """Each start of a name (two letters on) is a token: their number per case gave the length of the
    patient's names, in clear. Every case has as many, whatever its patient's names."""
    with Store.open(teleavis_home) as store:
        short = store.create_case(Case(question="Q", patient=Patient(family="Li", given=["Al"])), [])
        long = store.create_case(
            Case(
                question="Q",
                patient=Patient(family="Montgomery-Delacroix", given=["Marie-Bernadette", "Eulalie"], local_id="D5502"),
            ),
            [],
        )
        counts = _token_counts(store)
        assert counts[short] == counts[long]
        assert [r.id for r in store.list_cases(search="li")] == [short]
        assert [r.id for r in store.list_cases(search="montgo eula")] == [long]
        assert [r.id for r in store.list_cases(search="D5502")] == [long]
        store.update_case(store.get_case(short))  # saved again: still as many
        assert _token_counts(store)[short] == counts[long]


def test_the_search_tokens_of_cases_stored_before_are_made_as_many_at_the_upgrade(teleavis_home: Path) -> None:
    """A base from before migration 22 has the tokens of each name's starts only: the upgrade adds to each
    case, and loses none it had (the patient is still found)."""
    with Store.open(teleavis_home) as store:
        short = store.create_case(Case(question="Q", patient=Patient(family="Li", given=["Al"])), [])
        long = store.create_case(Case(question="Q", patient=Patient(family="Montgomery", given=["Eulalie"])), [])
        store.conn.execute("DELETE FROM search_tokens")
        for case_id, names in ((short, ("li", "al")), (long, ("montgomery", "eulalie"))):
            store.conn.executemany(
                "INSERT INTO search_tokens(case_id, token) VALUES (?, ?)",
                [(case_id, store.key.index_token(w[:n])) for w in names for n in range(2, len(w) + 1)],
            )
        before = {row[0] for row in store.conn.execute("SELECT token FROM search_tokens")}
        assert _token_counts(store)[short] != _token_counts(store)[long]
        store.conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")

    with Store.open(teleavis_home) as store:
        assert schema_version(store.conn) == len(MIGRATIONS)
        counts = _token_counts(store)
        assert counts[short] == counts[long]
        assert before <= {row[0] for row in store.conn.execute("SELECT token FROM search_tokens")}
        assert [r.id for r in store.list_cases(search="montgo eula")] == [long]
