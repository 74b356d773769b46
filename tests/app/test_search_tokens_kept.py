"""A case's search words (``Store._index``) kept up to date by the table's key (token, case), never by a read of the
whole table: the table is keyed by word, so a delete by case read all of it (40 ms at 3 000 cases) at each autosave
and at each case deleted. Each case keeps as many tokens as ``padded`` gives it, its old words no longer find it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app import rotation
from app.deletion import delete_draft
from app.keystore import KeyStore
from app.model import Case, Patient
from app.search_words import TOKENS_PER_CASE, padded, patient_words
from app.store import Store
from tests.app.test_store import make_case
from tests.conftest import PASSPHRASE


def tokens_of(store: Store, case_id: str) -> set[str]:
    return {row[0] for row in store.conn.execute("SELECT token FROM search_tokens WHERE case_id = ?", (case_id,))}


def expected_count(patient: Patient) -> int:
    return len(padded({f"{n}" for n in range(len(patient_words(patient)))}, lambda n: f"f{n}"))


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    """The SQL statements run on the store's connection meanwhile."""
    run: list[str] = []
    store.conn.set_trace_callback(run.append)
    try:
        yield run
    finally:
        store.conn.set_trace_callback(None)


def reads_every_token(run: list[str]) -> list[str]:
    """The statements that delete search words by case alone: with the table keyed by word, a read of all of it."""
    return [s for s in run if "search_tokens" in s and "case_id =" in s and "token =" not in s and "DELETE" in s]


def test_after_many_name_corrections_each_case_has_its_count_of_tokens_and_is_found_by_its_name_only(
    teleavis_home: Path,
) -> None:
    names = [
        ("MARTIN", ["Paul"]),
        ("Lefèvre-Dubois", ["Élodie", "Marie"]),
        ("Xanthopoulou-Papadimitriou-Konstantinidou", ["Anastasia-Evangelia", "Christina"]),  # > 64 words
        ("DURAND", ["Anne"]),
        ("MARTINEZ", ["Paula"]),
    ]
    with Store.open(teleavis_home) as store:
        other = store.create_case(make_case("BERNARD", "Luc"), [])
        others = tokens_of(store, other)
        case_id = store.create_case(make_case(), [])
        for round_ in range(3):
            for family, given in names:
                case = store.get_case(case_id)
                case.patient = Patient(family=family, given=given, local_id=f"D-{round_}55{round_}")
                store.update_case(case)
                store.update_case(store.get_case(case_id))  # an autosave, nothing changed
                assert len(tokens_of(store, case_id)) == expected_count(case.patient) >= TOKENS_PER_CASE
                found = {row.id for row in store.list_cases(search=family.split("-")[0][:5])}
                assert case_id in found
        assert expected_count(store.get_case(case_id).patient) == TOKENS_PER_CASE
        for gone in ("lefev", "elodie", "xantho", "anastasia", "durand", "anne", "D-1551"):
            assert store.list_cases(search=gone) == [], gone
        assert [row.id for row in store.list_cases(search="martinez paula")] == [case_id]
        assert [row.id for row in store.list_cases(search="D-2552")] == [case_id]
        assert tokens_of(store, other) == others


def test_a_save_and_a_deletion_never_read_every_case_s_tokens(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [])
        case = store.get_case(case_id)
        with statements(store) as run:
            store.update_case(case)  # an autosave
            case.patient.family = "DUPONT"
            store.update_case(case)  # a name corrected
            delete_draft(store, case_id)
        assert any("search_tokens" in s for s in run)
        assert reads_every_token(run) == []
        assert store.conn.execute("SELECT COUNT(*) FROM search_tokens").fetchone()[0] == 0


def test_a_case_missing_some_of_its_tokens_has_them_made_again(teleavis_home: Path) -> None:
    """Tokens not as its content says (lost to an old bug, say): an autosave or a name corrected makes them again."""
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [])
        case = store.get_case(case_id)
        martin = store.key.index_token("martin")
        store.conn.execute("DELETE FROM search_tokens WHERE token = ? AND case_id = ?", (martin, case_id))
        store.update_case(case)  # an autosave
        assert martin in tokens_of(store, case_id) and len(tokens_of(store, case_id)) == TOKENS_PER_CASE
        store.conn.execute("DELETE FROM search_tokens WHERE token = ? AND case_id = ?", (martin, case_id))
        case.patient.family = "DUPONT"
        store.update_case(case)  # its old words not all there: all of its tokens made again
        assert len(tokens_of(store, case_id)) == TOKENS_PER_CASE
        assert store.list_cases(search="mart") == []
        assert [row.id for row in store.list_cases(search="dupont")] == [case_id]


def test_a_case_whose_content_did_not_open_still_loses_its_old_words(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [])
        case = store.get_case(case_id)
        store.conn.execute("UPDATE cases SET content = ? WHERE id = ?", (b"not sealed here", case_id))
        case.patient.family = "DUPONT"
        store.update_case(case)
        assert len(tokens_of(store, case_id)) == TOKENS_PER_CASE
        assert store.list_cases(search="martin") == []
        assert [row.id for row in store.list_cases(search="dupont")] == [case_id]
        store.conn.execute("UPDATE cases SET content = ? WHERE id = ?", (b"not sealed here", case_id))
        delete_draft(store, case_id)
        assert tokens_of(store, case_id) == set()


def test_a_new_case_has_its_count_of_tokens(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(Case(question="Q", patient=Patient(family="NOM", given=["Prénom"])), [])
        assert len(tokens_of(store, case_id)) == TOKENS_PER_CASE


def test_a_key_rotation_makes_every_case_s_tokens_again_without_a_read_of_the_whole_table_per_case(
    teleavis_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The rotation empties the table and makes each case's tokens under the new key: a case it reaches has none,
    so none to delete (a delete by case per case read the growing table, and logged each case as not as its content
    says). An autosave after it then finds them all, by the new key, and writes nothing."""
    with Store.open(teleavis_home) as store:
        ids = [store.create_case(make_case(f"NOM{n}", "Paul"), []) for n in range(4)]
        before = {case_id: tokens_of(store, case_id) for case_id in ids}
        with statements(store) as run, caplog.at_level(logging.WARNING, logger="app.store"):
            rotation.rotate(teleavis_home, store.conn, KeyStore(teleavis_home), store.key, PASSPHRASE)
        assert reads_every_token(run) == []
        assert [r.getMessage() for r in caplog.records if "search words" in r.getMessage()] == []
    with Store.open(teleavis_home) as store:
        for n, case_id in enumerate(ids):
            now = tokens_of(store, case_id)
            assert len(now) == TOKENS_PER_CASE and not now & before[case_id]  # all made again, under the new key
            assert [row.id for row in store.list_cases(search=f"nom{n} paul")] == [case_id]
        with statements(store) as run:
            store.update_case(store.get_case(ids[0]))  # an autosave
        assert [s for s in run if "search_tokens" in s and ("DELETE" in s or "INSERT" in s)] == []


def test_an_autosave_of_a_patient_with_more_words_than_sqlite_takes_parameters_is_saved(teleavis_home: Path) -> None:
    """Whether a case still holds its tokens is asked by point lookups, in statements of a bounded size: names pasted
    by mistake (a letter in the given names) give thousands of words, more than one statement may take parameters in
    the SQLite Python is built with on some systems (999 before SQLite 3.32, 32 766 since): the autosave failed."""
    import sqlite3

    words = [f"{chr(97 + n % 26)}{chr(97 + n // 26 % 26)}{'x' * 40}{n}" for n in range(40)]
    with Store.open(teleavis_home) as store:
        store.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        case_id = store.create_case(make_case(), [])
        case = store.get_case(case_id)
        case.patient = Patient(family="MARTIN", given=words)
        store.update_case(case)  # the letter pasted
        assert len(tokens_of(store, case_id)) == expected_count(case.patient) > 999
        with statements(store) as run:
            store.update_case(store.get_case(case_id))  # an autosave, nothing changed
        assert [s for s in run if "search_tokens" in s and ("DELETE" in s or "INSERT" in s)] == []
        assert [row.id for row in store.list_cases(search=words[7][:12])] == [case_id]
