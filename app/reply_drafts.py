"""Replies to an expert's question begun and not sent: kept sealed on this workstation, so that a
crash or a power cut loses no word typed (the case's own fields are saved as they are typed too).

One sealed setting holds them, by case (``state.reply_drafts``, app/settings.py's ``INTERNAL_SECRETS``).
A draft is only kept: nothing here sends it. It goes when its reply is sent, when it is emptied, and
with its case when the case is purged (app/retention.py).
"""

from __future__ import annotations

from app.db import transaction
from app.store import Store

SETTING = "state.reply_drafts"


def _all(store: Store) -> dict[str, str]:
    stored = store.settings.get(SETTING)
    return {str(k): str(v) for k, v in stored.items()} if isinstance(stored, dict) else {}


def load(store: Store, case_id: str) -> str:
    """The reply begun for ``case_id``, or ""."""
    return _all(store).get(case_id, "")


def save(store: Store, case_id: str, text: str) -> None:
    """Keep ``text`` as ``case_id``'s reply begun (nothing but spaces forgets it)."""
    with transaction(store.conn):
        drafts = _all(store)
        if text.strip():
            drafts[case_id] = text
        elif drafts.pop(case_id, None) is None:
            return
        store.settings.set(SETTING, drafts or None, in_transaction=True)


def forget(store: Store, case_id: str, *, in_transaction: bool = False) -> None:
    """Drop ``case_id``'s reply begun (sent, or its case purged)."""
    if not in_transaction:
        with transaction(store.conn):
            forget(store, case_id, in_transaction=True)
        return
    drafts = _all(store)
    if drafts.pop(case_id, None) is not None:
        store.settings.set(SETTING, drafts or None, in_transaction=True)
