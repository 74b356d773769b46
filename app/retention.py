"""Retention: closed cases are archived after a while, and purged when the legal period is over.

The period runs from the day the case was closed (answered, rejected or cancelled: the last time
it entered one of those states). A case is archived ``retention.archive_days`` after that, once its
answer has been read; an archived case is purged ``retention.purge_years`` after that same day
(the period the site's medical-records policy sets, 20 years by default). Nothing else is ever
purged: not a draft, not a case in the outbox, not one waiting for the expert. ``0`` turns either
step off.

A purge deletes the case rows (images, events, outbox, messages go with them by cascade), writes a
``purged`` audit row in the same transaction (the audit keeps only the case id), then removes the
blob files (app/deletion.py, the path a draft deleted by the user takes too); a crash between the two
leaves orphan files that the next run removes (``collect_orphans``, with any other file no row refers
to).
The clock is a parameter so that tests (and a support technician's dry run) can move it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app import audit, reply_drafts
from app.db import forget_removed, transaction
from app.deletion import remove_case
from app.errors import StorageError
from app.model import CaseState, utc_now
from app.store import Store

log = logging.getLogger(__name__)

CLOSED_STATES: tuple[str, ...] = (CaseState.ANSWERED.value, CaseState.REJECTED.value, CaseState.CANCELLED.value)


@dataclass
class RetentionRun:
    """What a run archived and purged (or, for a dry run, would have)."""

    now: datetime
    dry_run: bool
    archived: list[str] = field(default_factory=list)
    purged: list[str] = field(default_factory=list)
    blobs_removed: int = 0
    orphans_removed: int = 0  # files of no case, a crash left (``collect_orphans``)


@dataclass(frozen=True)
class _Candidate:
    id: str
    state: str
    unread: bool
    closed_at: datetime
    in_outbox: bool


def years_before(moment: datetime, years: int) -> datetime:
    """``moment`` moved back by whole calendar years (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


#: Work still waiting for the platform: a case not yet sent (its outbox row before the ``sent`` step,
#: which stays afterwards as the record of the send), or a reply to the expert not yet sent.
_WAITING = (
    "(EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = {id} AND o.step != 'sent') OR "
    "EXISTS (SELECT 1 FROM messages m WHERE m.case_id = {id} AND m.direction = 'to-expert' "
    "AND m.state = 'queued'))"
)


def _candidates(store: Store) -> list[_Candidate]:
    placeholders = ",".join("?" * len(CLOSED_STATES))
    rows = store.conn.execute(
        f"SELECT c.id, c.state, c.unread, c.updated_at, "  # noqa: S608 - placeholders only
        f"(SELECT MAX(e.at) FROM case_events e WHERE e.case_id = c.id AND e.to_state IN ({placeholders})), "
        f"{_WAITING.format(id='c.id')} "
        f"FROM cases c WHERE c.state IN ({placeholders}, ?) ORDER BY c.id",
        (*CLOSED_STATES, *CLOSED_STATES, CaseState.ARCHIVED.value),
    ).fetchall()
    return [
        _Candidate(
            id=r[0], state=r[1], unread=bool(r[2]), closed_at=datetime.fromisoformat(r[4] or r[3]), in_outbox=bool(r[5])
        )
        for r in rows
    ]


def _archive_if_unchanged(store: Store, case: _Candidate, actor: str | None) -> bool:
    """Archive ``case`` if it is still as read (same state, nothing unread), in one write transaction:
    the sync, on its own connection, may have stored an amended answer since the candidates were read."""
    with transaction(store.conn) as conn:
        row = conn.execute("SELECT state, unread FROM cases WHERE id=?", (case.id,)).fetchone()
        if row is None or row[0] != case.state or row[1]:
            return False
        store.transition(
            case.id, CaseState.ARCHIVED, detail="retention", audit_action="archived", actor=actor, conn=conn
        )
        # A reply begun and never sent can no longer be: abandoned, its words and photos go now, not with
        # the case's purge years later.
        abandoned = reply_drafts.forget(store, case.id, in_transaction=True)
    store.remove_files(abandoned, f"case {case.id} archived: its reply begun abandoned")
    return True


def plan(store: Store, now: datetime | None = None) -> RetentionRun:
    """What a run at ``now`` would do, without doing it."""
    return run_retention(store, now, dry_run=True)


def run_retention(
    store: Store, now: datetime | None = None, *, dry_run: bool = False, actor: str | None = None
) -> RetentionRun:
    """Archive and purge what the settings make eligible at ``now`` (default: the current time)."""
    moment = now or utc_now()
    result = RetentionRun(now=moment, dry_run=dry_run)
    archive_days = int(store.settings.get("retention.archive_days"))
    purge_years = int(store.settings.get("retention.purge_years"))
    archive_before = moment - timedelta(days=archive_days) if archive_days > 0 else None
    purge_before = years_before(moment, purge_years) if purge_years > 0 else None

    if not dry_run:
        store.recheck_read_marks()  # news marked read outside Teleavis is not archived out of view
    for case in _candidates(store):
        if case.in_outbox:
            continue
        state = case.state
        if (
            state in CLOSED_STATES
            and archive_before is not None
            and not case.unread
            and case.closed_at <= archive_before
        ):
            if not dry_run and not _archive_if_unchanged(store, case, actor):
                continue  # news came since the list was read (an amended answer): it stays in view
            result.archived.append(case.id)
            state = CaseState.ARCHIVED.value
        purgeable = state == CaseState.ARCHIVED.value and purge_before is not None and case.closed_at <= purge_before
        if purgeable and (dry_run or _purge(store, case.id, actor, result)):
            result.purged.append(case.id)
    if result.purged and not dry_run:
        # A pre-migration snapshot of the database would keep the purged cases: it goes now.
        from app.store import remove_leftovers

        remove_leftovers(store.data_dir, snapshots_older_than_s=0.0)
        forget_removed(store.conn)  # (and the database's own files: the WAL keeps the rows whole)
    if not dry_run:
        # The files a crash left behind a committed purge (or an import, an answer) belong to no case:
        # they go at the next run, not never (older than an hour: none is being written now).
        try:
            result.orphans_removed = store.collect_orphans()
        except (StorageError, OSError):  # an altered answer, a file that resists: the run stands
            log.warning("files of no case not looked for in this run")
    if result.archived or result.purged:
        log.info(
            "retention%s: %d archived, %d purged",
            " (dry run)" if dry_run else "",
            len(result.archived),
            len(result.purged),
        )
    return result


def _purge(store: Store, case_id: str, actor: str | None, result: RetentionRun) -> bool:
    """Delete one archived case and its files; ``False`` when it is no longer purgeable."""
    with transaction(store.conn) as conn:
        row = conn.execute(
            f"SELECT state FROM cases WHERE id = ? AND NOT {_WAITING.format(id='?')}",  # noqa: S608
            (case_id, case_id, case_id),
        ).fetchone()
        if row is None or row[0] != CaseState.ARCHIVED.value:
            return False
        blobs = remove_case(store, conn, case_id)
        audit.append(conn, store.key, "purged", case_id, detail=f"retention, {len(blobs)} file(s)", actor=actor)
    result.blobs_removed += store.remove_files(blobs, f"case {case_id} purged")
    return True
