"""Removing a case from this workstation: a case purged at the end of its legal period
(app/retention.py), or a draft that never left (deleted by the user, in the window).

One path for both. One transaction deletes the case's row (its images, events, outbox, messages,
search tokens and acts go with it by cascade) and its reply begun (app/reply_drafts.py), and appends
the audit row (the case id and counts: never a name); the encrypted files go after the commit. A
crash in between leaves files no row refers to, which ``Store.collect_orphans`` removes at the next
retention run. A file another case's row still names is kept.

A case that was ever queued is never deleted here: the platform may hold it (a Task, or the Binaries
of its photos, uploaded before it was held back). Only a draft (or a ``ready`` case whose queueing
stopped half-way) that never went further can go.
"""

from __future__ import annotations

import logging
import sqlite3

from app import audit, reply_drafts
from app import messages as M
from app.db import forget_removed, transaction
from app.errors import InvalidTransition, NotFound
from app.model import CaseState
from app.store import Store, named_by_images

log = logging.getLogger(__name__)

M.add(
    {
        "delete.not_draft": {
            "fr": "Ce dossier ne peut pas être supprimé : il a été mis en file d'envoi ou envoyé (ou il vient d'une "
            "sauvegarde restaurée, après laquelle il a pu l'être), et la plateforme peut en avoir une copie. Seul "
            "un brouillon jamais envoyé se supprime.",
            "en": "This case cannot be deleted: it was queued or sent (or it comes from a restored backup, after "
            "which it may have been), and the platform may hold a copy. Only a draft never sent can be deleted.",
        },
    }
)

#: The states of a case not yet queued (before ``queued`` in docs/architecture.md's life of a case).
NEVER_QUEUED_STATES = (CaseState.DRAFT.value, CaseState.READY.value)

#: A case that never went further than ``ready``: no state after it in its history, nothing in the
#: outbox, no platform id, no photo uploaded, no message. (A case held back after it was queued
#: (Outbox.withdraw) is a draft again, but its history says it was queued: its photos may be on the
#: platform.) ``{id}`` is the case id's placeholder or column.
_NEVER_LEFT = (
    "(NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = {id} AND e.to_state IS NOT NULL "
    "AND e.to_state NOT IN ('draft', 'ready')) "
    "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = {id}) "
    "AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.case_id = {id}) "
    "AND NOT EXISTS (SELECT 1 FROM images i WHERE i.case_id = {id} AND i.binary_id IS NOT NULL))"
)


#: Nor was it here when this data was restored from a backup: found in review, a draft backed up, then
#: sent, came back a draft with a history that says nothing of it, and was deleted while the platform
#: held it (its answer would never have been fetched). Sent again instead, it finds its Task (the
#: transaction's conditional creates). (Both instants are ``app.model.iso`` strings: they compare.)
_NOT_RESTORED = "NOT EXISTS (SELECT 1 FROM audit a WHERE a.action = 'restored' AND a.at >= c.created_at)"


def deletable(conn: sqlite3.Connection, case_id: str) -> bool:
    """Whether ``case_id`` is a draft that never left (nothing of it can be on the platform)."""
    row = conn.execute(
        f"SELECT state, task_id, request_id, {_NEVER_LEFT.format(id='c.id')} AND {_NOT_RESTORED} "  # noqa: S608
        "FROM cases c WHERE c.id = ?",
        (case_id,),
    ).fetchone()
    return row is not None and row[0] in NEVER_QUEUED_STATES and row[1] is None and row[2] is None and bool(row[3])


def remove_case(store: Store, conn: sqlite3.Connection, case_id: str) -> set[str]:
    """Inside the caller's transaction on ``store.conn``: delete the case and all that hangs on it.
    Returns the files to remove once the transaction is committed (``Store.remove_files``): its images',
    thumbnails' and answer's, less any another row still names."""
    blobs: set[str] = set()
    for blob, thumb in conn.execute("SELECT blob, thumb_blob FROM images WHERE case_id = ?", (case_id,)):
        blobs.add(blob)
        if thumb:
            blobs.add(thumb)
    answer = store.answer(case_id)
    if answer:
        blobs.update(answer.blobs())
    # Its search words, by the table's key (made again from its content): the table is keyed by word, a delete by
    # case reads all of it (40 ms at 3 000 cases); only for a case whose content does not open (migration 32).
    content = conn.execute("SELECT content FROM cases WHERE id = ?", (case_id,)).fetchone()
    if not store.drop_tokens(conn, case_id, store.stored_tokens(case_id, content[0] if content else None)):
        conn.execute("DELETE FROM search_tokens WHERE case_id = ?", (case_id,))
    conn.execute("DELETE FROM cases WHERE id = ?", (case_id,))
    blobs |= reply_drafts.forget(store, case_id, in_transaction=True)  # a reply begun, its photos too
    # Each file is written for one row (ObjectStore.put names it anew), but a file still named by another
    # case's image stays, whatever wrote it so.
    blobs -= named_by_images(conn, blobs)
    return blobs


def delete_draft(store: Store, case_id: str, *, actor: str | None = None) -> int:
    """Delete a draft that never left, its images' files with it; returns how many images it had.

    Refused (``InvalidTransition``) for a case that was ever queued, checked in the deleting transaction:
    the sync engine or ``case send``, on their own connections, may have queued it meanwhile."""
    with transaction(store.conn) as conn:
        if conn.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone() is None:
            raise NotFound(M.tr("case.not_found", id=case_id))
        if not deletable(conn, case_id):
            raise InvalidTransition(M.tr("delete.not_draft"))
        images = int(conn.execute("SELECT COUNT(*) FROM images WHERE case_id = ?", (case_id,)).fetchone()[0])
        blobs = remove_case(store, conn, case_id)
        audit.append(conn, store.key, "deleted", case_id, detail=f"draft, {images} image(s)", actor=actor)
    store.remove_files(blobs, f"case {case_id} deleted")
    forget_removed(store.conn)
    log.info("draft %s deleted with %d image(s)", case_id, images)
    return images
