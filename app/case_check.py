"""Which cases no longer open: their sealed content, or their images' sealed list, altered or damaged outside
Teleavis. SQLite's integrity check cannot see it (the rows are sound, what they hold does not decrypt): found
from outside (tester A, session 36), ``doctor`` said « Base intègre » over such a case, and a backup carried it
without a word. ``doctor`` and ``backup`` ask here."""

from __future__ import annotations

from app.errors import DataAltered, NotFound
from app.store import Store


def cases_not_opening(store: Store) -> tuple[int, list[str]]:
    """How many cases there are, and the ids of those that do not open (oldest first). Each is opened as the
    window opens it (``Store.get_case``), an audit entry recording what was found altered."""
    ids = [row[0] for row in store.conn.execute("SELECT id FROM cases ORDER BY created_at, id").fetchall()]
    not_opening: list[str] = []
    gone = 0
    for case_id in ids:
        try:
            store.get_case(case_id)
        except DataAltered:
            not_opening.append(case_id)
        except NotFound:  # deleted since the list was read (a draft, in the window): it ended the whole backup
            gone += 1
    return len(ids) - gone, not_opening
