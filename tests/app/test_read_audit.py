"""The moment the expert's answer (or question) was read, and its putting back unread, are in the audit log.

Found from outside (review 34): an answer that came while its case was open was marked read at the
nurse's first gesture, and nothing of it reached the audit log: the log said the case was viewed
before the answer came, then « answered », and never that anyone saw the answer. « Marquer comme non
lu » left no line either. Whether and when the requester read the expert's answer (an urgent one
above all) is what a health unit is asked first; the user guide says what she read stays traceable."""

from __future__ import annotations

from app import audit
from app.store import Store
from tests.support.ui import answered_case


def _entries(store: Store, case_id: str) -> list[tuple[str, str]]:
    rows = store.conn.execute("SELECT action, detail FROM audit WHERE case_id=? ORDER BY seq", (case_id,))
    return [(str(action), str(detail)) for action, detail in rows]


def test_reading_the_answer_and_putting_it_back_unread_are_audited(store: Store) -> None:
    case_id = answered_case(store)
    before = _entries(store, case_id)

    assert store.mark_read(case_id)
    assert store.mark_unread(case_id)

    assert _entries(store, case_id)[len(before) :] == [("read", "news read"), ("read", "put back unread")]
    assert audit.verify(store.conn, store.key).ok


def test_nothing_is_written_when_nothing_was_marked(store: Store) -> None:
    from app.model import ShownNews

    case_id = answered_case(store)
    before = _entries(store, case_id)
    stale = ShownNews(store.get_case(case_id).state, None, ())  # shown before the answer came

    assert not store.mark_read(case_id, seen=stale)
    assert not store.mark_unread("no-such-case")
    assert _entries(store, case_id) == before
