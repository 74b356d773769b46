"""The outbox: what is waiting to go to the platform, as rows in the database.

One row per queued case (table ``outbox``): its step (``images`` → ``transaction`` → ``sent``),
attempts, next attempt time and last error. Every step is one transaction written before the
next action is taken, so a crash resumes from the last recorded step: an image whose Binary id is
recorded (``images.binary_id``) is never uploaded again, and a transaction that may have reached
the platform is first looked up by identifier. Replies to the expert wait as ``messages`` rows
(direction ``to-expert``, state ``queued`` → ``sent``); the expert's messages are kept there too.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from app import audit, contexts
from app import messages as M
from app.crypto import DecryptionFailed
from app.db import open_copy_sent, seal_copy_sent, transaction
from app.errors import DataAltered
from app.i18n import language
from app.model import CaseState, iso, new_id, utc_now
from app.store import HELD_BY_PLATFORM, SENDABLE, Store

if TYPE_CHECKING:
    from collections.abc import Sequence

    from app.model import Message  # a case's record (app/case_record.py): not loaded at the window's start
    from app.outbox_row import OutboxRow as OutboxRow  # (at run time: __getattr__, at the end)

STEP_IMAGES = "images"
STEP_TRANSACTION = "transaction"
STEP_SENT = "sent"
#: The history's detail of a case refused before its transaction went (held here for its patient, an image
#: refused, a case that does not map) when its transaction had been claimed at an earlier try: it waits for
#: the user, and is not looked up as one its transaction's answer refused (``REFUSED``).
REFUSED_UNPOSTED = "refused-unposted"
REFUSED = "refused"  # (its value in _REFUSED_AS_POSTED)
#: The history's detail of a queued case this release's checklist refuses at its sending (queued by an older
#: release, or before the rules it breaks were tightened): stopped here, never posted (``sync.engine``).
CHECKLIST_REFUSED = "checklist-refused"
#: The history's detail of a case stopped on this workstation before its transaction was posted for a cause found
#: here, not a platform's answer (an image file missing, damaged or not readable here, a file altered outside
#: Teleavis, a case that does not map): never posted at this try, not looked up as ``REFUSED`` (``sync.engine``).
STOPPED_HERE = "stopped-here"
#: The history's event of a case whose transaction the platform refused, found there all the same.
REFUSED_YET_KEPT = "refused-yet-kept"
#: The history's event of a case sent again after a correction, whose sending found the Task of an earlier
#: posting: the platform holds the version before the correction (``Outbox.changed_since_posted``).
FIRST_VERSION_KEPT = "first-version-kept"
#: A case refused as its transaction's answer (``c``: the case's row): its last state's detail.
_REFUSED_AS_POSTED = (
    "(SELECT e.detail FROM case_events e WHERE e.case_id = c.id AND e.kind = 'state' ORDER BY e.id DESC LIMIT 1) "
    "= 'refused'"
)
#: A case not changed since it was last queued (what its transaction carried is what it holds): the last of
#: its audit entries that queue or change it is ``queued`` (``c``: the case's row).
_UNCHANGED_SINCE_QUEUED = (
    "(SELECT a.action FROM audit a WHERE a.case_id = c.id AND a.action IN ('queued', 'edited', 'deleted') "
    "ORDER BY a.seq DESC LIMIT 1) = 'queued'"
)
#: The case's history events of a reply to the expert: saved to go, then gone.
REPLY_QUEUED, REPLY_SENT, REPLY_REFUSED = "reply-queued", "reply-sent", "reply-refused"
#: No wait before a case is tried again is longer (the platform's Retry-After is taken as an hour at most,
#: ``sync.client.RetryPolicy``): one further ahead was set by a clock put back since (``Outbox.due``).
LONGEST_WAIT = timedelta(hours=1)
#: The setting holding, message id -> [failed tries in a row, when it may be tried again (UTC), why it waits],
#: the replies a transient fault postponed (``sync.engine``). Found from outside: a reply answered 429
#: Retry-After: 600 was posted again every second. Kept in the store, not in the process (found in review: a
#: restart, or ``teleavis sync --once`` from cron, a new process each time, posted it again at once, whatever
#: the platform asked). Why it waits: its own backoff (nothing said), the wait the platform asked for
#: (``REPLY_ASKED_WAIT``, its Retry-After), or its transaction being posted (``REPLY_POSTING``: held until the
#: platform would surely have recorded it); only the first is cut short by reduced copies chosen.
#: Its own backoff is said too (``REPLY_OWN_WAIT``): a wait without its reason was recorded by the release before,
#: which did not say why; it may be either of the others, and is kept (found in review: taken for its own backoff,
#: a reply whose POST may have reached the platform was posted again at once; as migration 31 does for a case).
REPLY_RETRY = "sync.reply_retry"
REPLY_ASKED_WAIT, REPLY_POSTING, REPLY_OWN_WAIT = "asked", "posting", "own"
#: The longest time between two look-ups of a case refused after its transaction was posted
#: (:meth:`Outbox.refused_after_posting`): a platform's search late by a day at most.
LONGEST_LOOK_UP = timedelta(days=1)


#: How far past the moment a message was kept here its ``sent`` may be and still be believed (two clocks).
SENT_SLACK = timedelta(days=1)


def _sent_when(message: Message) -> datetime:
    """When the expert's message was sent: the platform's time when it gives one with its zone and not past
    the time it was received here (a platform's clock gone wrong, a date in 9999, must not put it after
    every later question); else the time it was kept here."""
    from app.moments import parse_date_time  # (not at the window's start: tests/ui/test_start_imports.py)

    kept = parse_date_time(message.created_at)
    kept = kept if kept is not None and kept.tzinfo is not None else datetime.min.replace(tzinfo=UTC)
    sent = parse_date_time(message.sent_at) if message.sent_at else None
    if sent is None or sent.tzinfo is None or sent > kept + SENT_SLACK:
        return kept
    return sent


def held_by_platform(state: str, history: list[dict[str, Any]]) -> bool:
    """Whether a case waiting to be sent waits because the platform answered so (its last move back to
    the queue was for a 409/412), from its state and history (``Store.history``)."""
    if state not in SENDABLE:
        return False
    moves = [event for event in history if event.get("kind") == "state"]
    return bool(moves) and moves[-1].get("detail") == HELD_BY_PLATFORM


#: When the platform gives no answer time, the expert's answer is due this many days after sending;
#: an urgent request asks for it within 48 hours (the contract's ``priority = urgent``).
DEFAULT_ANSWER_DAYS = 7
URGENT_ANSWER_DAYS = 2


M.add(
    {
        "withdraw.sending": {
            "fr": "Ce dossier est en train de partir : il ne peut plus être retenu. Une fois envoyé, annulez-le "
            "sur la plateforme (tant que l'expert ne l'a pas pris).",
            "en": "This case is leaving now: it can no longer be held back. Once sent, cancel it on the "
            "platform (while the expert has not taken it).",
        },
        "withdraw.maybe_sent": {
            "fr": "Ce dossier est peut-être déjà arrivé sur la plateforme (son envoi a été coupé) : "
            "synchronisez, puis annulez-le sur la plateforme.",
            "en": "This case may already have reached the platform (its sending was cut): synchronise, then "
            "cancel it on the platform.",
        },
        "withdraw.stopped": {
            "fr": "Dossier retenu pendant son envoi : rien de plus n'est parti.",
            "en": "Case held back while it was being sent: nothing more has left.",
        },
        "withdraw.not_queued": {
            "fr": "Ce dossier n'attend pas d'être envoyé.",
            "en": "This case is not waiting to be sent.",
        },
    }
)


class Outbox:
    """The outbox rows of one store (all writes are single transactions on ``store.conn``)."""

    def __init__(self, store: Store, *, destination: str | None = None) -> None:
        self.store = store
        #: The platform this outbox sends to (an engine's, fixed with its client); None: the settings'.
        self.destination = destination

    def here(self) -> str:
        """The platform the cases sent now go to: this outbox's, else the one the settings name."""
        return self.destination or self.store.destination_now()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    # -- cases -------------------------------------------------------------------------------

    def pending(self, *, here: bool = False) -> list[OutboxRow]:
        """Every case waiting to be sent, soonest first; with ``here``, only those queued for the
        platform the settings name now (or queued before destinations were recorded)."""
        rows = self.conn.execute(
            "SELECT o.* FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.state IN (?, ?) "
            "AND (? OR c.destination IS NULL OR c.destination = ?) ORDER BY o.next_attempt_at, o.queued_at",
            (*SENDABLE, not here, self.here() if here else ""),  # (the settings read only when needed)
        ).fetchall()
        return [self._row(r) for r in rows]

    def due(self, *, longest: timedelta = LONGEST_WAIT) -> list[OutboxRow]:
        """The cases to send now: their time has come, and they were queued for this platform.

        A next attempt further ahead than ``longest`` (no wait the engine sets is longer) was set before the
        clock was put back: it is due now (found in review: a case postponed for seconds waited for the
        clock to catch up, a day when it was put back a day)."""
        now = utc_now()
        soon, later = iso(now), iso(now + longest)
        return [row for row in self.pending(here=True) if not soon < row.next_attempt_at <= later]

    def elsewhere(self) -> list[tuple[str, str]]:
        """(case id, destination) of the cases waiting to be sent to the other platform than the one
        the settings name now: queued in training mode for the training platform, or for the real
        platform before training mode was turned on."""
        rows = self.conn.execute(
            "SELECT c.id, c.destination FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.state IN (?, ?) "
            "AND c.destination IS NOT NULL AND c.destination != ? ORDER BY o.queued_at",
            (*SENDABLE, self.here()),
        ).fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    def held_by_platform(self) -> list[str]:
        """The cases waiting to be sent because the platform answered that it cannot record them yet."""
        return self.store.held_by_platform()

    def refused_after_posting(self) -> list[str]:
        """The cases waiting for the user after their transaction was posted (claimed), for this platform,
        unchanged since: the platform may hold them all the same (a refusal it answered after recording them),
        and ``sync.engine`` looks them up before each poll. One the user changed since it was queued is not
        what the platform holds: hers to send again (found in review: followed as sent, her correction never
        left).

        Only those whose look-up is due (:meth:`looked_up`; found in review: every one of them searched before
        every poll, for days); one due further ahead than a look-up's longest wait was set before the clock was
        put back, and is due now."""
        now = utc_now()
        rows = self.conn.execute(
            f"SELECT c.id FROM outbox o JOIN cases c ON c.id = o.case_id WHERE {_UNCHANGED_SINCE_QUEUED} "  # noqa: S608
            f"AND {_REFUSED_AS_POSTED} "
            "AND c.state = ? AND o.step = ? AND (c.destination IS NULL OR c.destination = ?) "
            "AND (o.next_attempt_at <= ? OR o.next_attempt_at > ?) ORDER BY o.queued_at",
            (
                CaseState.NEEDS_ATTENTION.value,
                STEP_TRANSACTION,
                self.here(),
                iso(now),
                iso(now + LONGEST_LOOK_UP + LONGEST_WAIT),
            ),
        ).fetchall()
        return [str(r[0]) for r in rows]

    def looked_up(self, case_id: str) -> None:
        """A refused case looked up and not found: looked up again at each poll the first hour after its refusal
        (a search late by moments), then after a quarter of the time since its refusal (daily at most), while it
        waits for the user (queued again, it is due at once: ``Store.queue``). The refusal's age, not the
        queueing's: a row keeps its first queueing when the case is sent again."""
        now = utc_now()
        with transaction(self.conn) as conn:
            refused = conn.execute(
                "SELECT at FROM case_events WHERE case_id=? AND kind='state' ORDER BY id DESC LIMIT 1", (case_id,)
            ).fetchone()
            try:
                age = now - datetime.fromisoformat(str(refused[0])) if refused else LONGEST_LOOK_UP * 4
            except ValueError:
                age = LONGEST_LOOK_UP * 4
            wait = timedelta(0) if age < timedelta(hours=1) else min(age / 4, LONGEST_LOOK_UP)
            conn.execute(
                "UPDATE outbox SET next_attempt_at=? WHERE case_id=? AND step=? "
                "AND (SELECT state FROM cases WHERE id=?)=?",
                (iso(now + wait), case_id, STEP_TRANSACTION, case_id, CaseState.NEEDS_ATTENTION.value),
            )

    def found_after_refusal(
        self, case_id: str, task_id: str, request_id: str, task_version: str | None, *, words: str
    ) -> bool:
        """A case refused after its transaction was posted, found on the platform all the same: followed as
        sent, with ``words`` on it, only if it still waits for the user unchanged (one transaction: a case
        corrected, queued again or held back meanwhile is left as it is, and False)."""
        with transaction(self.conn) as conn:
            still = conn.execute(
                f"SELECT 1 FROM outbox o JOIN cases c ON c.id = o.case_id WHERE {_UNCHANGED_SINCE_QUEUED} "  # noqa: S608
                f"AND {_REFUSED_AS_POSTED} "
                "AND c.id = ? AND c.state = ? AND o.step = ?",
                (case_id, CaseState.NEEDS_ATTENTION.value, STEP_TRANSACTION),
            ).fetchone()
            if still is None:
                return False
            self._mark_sent(conn, case_id, task_id, request_id, task_version, words=words)
        return True

    def row(self, case_id: str) -> OutboxRow | None:
        r = self.conn.execute("SELECT * FROM outbox WHERE case_id=?", (case_id,)).fetchone()
        return self._row(r) if r else None

    def _row(self, r: sqlite3.Row) -> OutboxRow:
        from app.outbox_row import OutboxRow

        words = self.store.open_words(r["last_error"], contexts.outbox_error(r["case_id"]), r["case_id"])
        return OutboxRow(
            r["case_id"],
            r["queued_at"],
            r["step"],
            r["attempts"],
            r["next_attempt_at"],
            words,
            bool(r["reduced"]),
            r["too_large"],
        )

    def _words(self, case_id: str, words: str) -> bytes | None:
        return self.store.seal_words(words, contexts.outbox_error(case_id))

    def begin(self, case_id: str) -> None:
        """The case is being sent (recorded before the first byte goes out)."""
        with transaction(self.conn) as conn:
            self.store.transition(case_id, CaseState.SENDING, detail="sending", conn=conn)

    def record_binary(
        self, case_id: str, image_id: str, binary_id: str, copy_sent: dict[str, Any] | None = None
    ) -> None:
        """The platform holds this image as ``Binary/<binary_id>``: never upload it again.

        ``copy_sent``: the facts of the copy sent in its place (None: the stored bytes went)."""
        with transaction(self.conn) as conn:
            self.store.update_platform_copy(
                conn,
                case_id,
                image_id,
                binary_id=binary_id,
                upload_url=None,
                copy_sent=seal_copy_sent(self.store.key, case_id, image_id, copy_sent) if copy_sent else None,
            )
            conn.execute("UPDATE outbox SET step=? WHERE case_id=?", (STEP_IMAGES, case_id))

    def forget_binary(self, case_id: str, image_id: str) -> None:
        """The platform's copy of this image is no longer the one to send: it goes again."""
        with transaction(self.conn) as conn:
            self.store.update_platform_copy(conn, case_id, image_id, binary_id=None, upload_url=None, copy_sent=None)

    def record_upload(self, case_id: str, image_id: str, upload_url: str | None) -> None:
        """Where this image's resumable upload lives on the platform (None: forget it), before any byte."""
        with transaction(self.conn) as conn:
            self.store.update_platform_copy(conn, case_id, image_id, upload_url=upload_url)

    def set_reduced(self, case_id: str, reduced: bool = True) -> None:
        """Send this queued case's photos as reduced copies (images already on the platform stay as sent).

        Chosen while the case waits for its next try (its original cut by a slow link, the backoff growing to
        minutes), that try is now: found live, the choice changed nothing until then. (The engine sending it
        meanwhile gives way to the copy at the photo's next try: ``sync.engine.upload_images``.) Only while its
        photos are still to go: one whose transaction was being posted when its sending was cut is held until the
        platform would surely have recorded it (``claim_transaction``; found in review: made due at once, it was
        looked up while the platform may still be recording it, and posted again, a second case). Nor one waiting
        the wait the platform asked for (``postpone``'s ``asked``, a Retry-After): found from outside, one request
        went inside it; the copy goes at its end."""
        now = iso(utc_now())
        with transaction(self.conn) as conn:
            conn.execute(
                "UPDATE outbox SET next_attempt_at=? WHERE case_id=? AND ? AND reduced=0 AND step=? "
                "AND next_attempt_at>? AND platform_wait=0",
                (now, case_id, int(reduced), STEP_IMAGES, now),
            )
            conn.execute("UPDATE outbox SET reduced=? WHERE case_id=?", (int(reduced), case_id))

    def copies_sent(self, case_id: str) -> dict[str, dict[str, Any]]:
        """image id → the facts of the copy sent in its place (reduced, or a DICOM restamped)."""
        copies = {}
        for image_id, text in self.conn.execute(
            "SELECT id, copy_sent FROM images WHERE case_id=? AND copy_sent IS NOT NULL", (case_id,)
        ).fetchall():
            try:
                copies[str(image_id)] = open_copy_sent(self.store.key, case_id, str(image_id), str(text))
            except (DecryptionFailed, ValueError):
                raise self.store.altered(case_id, f"the copy sent of image {image_id} does not open") from None
        return copies

    def upload_url(self, case_id: str, image_id: str) -> str | None:
        row = self.conn.execute("SELECT * FROM images WHERE id=? AND case_id=?", (image_id, case_id)).fetchone()
        if row is not None:
            self.store.check_platform_copy(case_id, row)  # another image's upload would be resumed in its place
        return str(row["upload_url"]) if row and row["upload_url"] else None

    def withdraw(self, case_id: str, *, actor: str | None = None) -> None:
        """Hold a case back before it leaves (the wrong photo, the wrong patient): a draft again, its
        row gone. Possible while it waits and while its photos leave; refused once its transaction is
        claimed (:meth:`claim_transaction`: being posted, or maybe arrived after a cut answer), when it
        is to be cancelled on the platform. Images already uploaded stay as Binaries the platform holds;
        they are used again if the case is queued again unchanged."""
        from app.errors import InvalidTransition

        with transaction(self.conn) as conn:
            row = conn.execute(
                "SELECT c.state, o.step FROM cases c LEFT JOIN outbox o ON o.case_id = c.id WHERE c.id=?", (case_id,)
            ).fetchone()
            state = CaseState(row[0]) if row else None
            if state not in (CaseState.QUEUED, CaseState.SENDING):
                raise InvalidTransition(M.tr("withdraw.not_queued"))
            if row[1] == STEP_TRANSACTION:
                # Its transaction claimed (claim_transaction): being posted now, or maybe arrived.
                raise InvalidTransition(
                    M.tr("withdraw.sending" if state == CaseState.SENDING else "withdraw.maybe_sent")
                )
            self.store.transition(
                case_id, CaseState.DRAFT, detail="taken-back", audit_action="taken-back", actor=actor, conn=conn
            )
            conn.execute("DELETE FROM outbox WHERE case_id=?", (case_id,))
            conn.execute("UPDATE cases SET last_error=NULL WHERE id=?", (case_id,))

    def hold_back_elsewhere(self, case_id: str, words: str) -> bool:
        """A case queued for the training platform, which the settings no longer name: it goes to no
        platform and waits for the user (``needs-attention``) with ``words``, its row gone. The copies
        of its photos the training platform holds are forgotten: they are not on the real platform, and
        a case queued again uploads them there. False when it no longer waits to leave."""
        with transaction(self.conn) as conn:
            row = conn.execute("SELECT state FROM cases WHERE id=?", (case_id,)).fetchone()
            if row is None or row[0] not in SENDABLE:
                return False
            self.store.transition(
                case_id, CaseState.NEEDS_ATTENTION, detail="other-platform", audit_action="taken-back", conn=conn
            )
            conn.execute("DELETE FROM outbox WHERE case_id=?", (case_id,))
            self.store.update_platform_copy(conn, case_id, binary_id=None, upload_url=None, copy_sent=None)
            self.store.set_platform_words(conn, case_id, last_error=words)
        return True

    def decide_undecided(self, destination: str) -> None:
        """The cases waiting to leave that were queued before destinations were recorded go to
        ``destination`` (the platform of the mode they were queued in)."""
        with transaction(self.conn) as conn:
            conn.execute(
                "UPDATE cases SET destination=? WHERE destination IS NULL AND state IN (?, ?)", (destination, *SENDABLE)
            )

    def note(self, case_id: str, words: str) -> None:
        """Why a case still waits, said on it without counting an attempt (its turn has not come)."""
        if (row := self.row(case_id)) is not None and row.last_error == words:
            return
        with transaction(self.conn) as conn:
            conn.execute("UPDATE outbox SET last_error=? WHERE case_id=?", (self._words(case_id, words), case_id))
            self.store.set_platform_words(conn, case_id, last_error=words)

    def note_case(self, case_id: str, words: str | None) -> None:
        """Say ``words`` on the case (``None``: nothing), outside any send of it (a reply waiting)."""
        with transaction(self.conn) as conn:
            self.store.set_platform_words(conn, case_id, last_error=words)

    def claim_transaction(self, case_id: str, *, hold_s: float = 0.0) -> bool:
        """Record that the case's transaction is about to be posted, only if the case is still being
        sent (one transaction: a hold-back is either before, and nothing goes, or refused after).

        ``hold_s``: how long the platform may take to record it. A process that dies meanwhile leaves the
        case due only then (found in review: the next process, started at once, looked the case up while
        the platform was still recording it, did not find it, and posted it again: a second case)."""
        when = iso(utc_now() + timedelta(seconds=max(0.0, hold_s)))
        with transaction(self.conn) as conn:
            # The audit log's last entry at its first posting (kept at the next tries): changed_since_posted.
            claimed = conn.execute(
                "UPDATE outbox SET step=?, next_attempt_at=?, "
                "posted_after=COALESCE(posted_after, (SELECT COALESCE(MAX(seq), 0) FROM audit)) WHERE case_id=? "
                "AND (SELECT state FROM cases WHERE id=?)=?",
                (STEP_TRANSACTION, when, case_id, case_id, CaseState.SENDING.value),
            ).rowcount
        return claimed == 1

    def record_step(self, case_id: str, step: str) -> None:
        """The case's step; back to ``STEP_IMAGES`` when its transaction certainly never reached the platform:
        nothing of it was posted (``changed_since_posted`` counts from the next posting)."""
        with transaction(self.conn) as conn:
            conn.execute(
                "UPDATE outbox SET step=?, posted_after=CASE WHEN ? THEN NULL ELSE posted_after END WHERE case_id=?",
                (step, step == STEP_IMAGES, case_id),
            )

    def changed_since_posted(self, case_id: str) -> bool:
        """Whether the user changed the case (its words, its patient, its images) since its transaction was first
        posted: a Task of that posting the platform holds is the version before (an edit's audit entry after the
        log's last one at that posting)."""
        row = self.conn.execute(
            "SELECT 1 FROM outbox o JOIN audit a ON a.case_id = o.case_id WHERE o.case_id=? "
            "AND o.posted_after IS NOT NULL AND a.seq > o.posted_after AND a.action IN ('edited', 'deleted') LIMIT 1",
            (case_id,),
        ).fetchone()
        return row is not None

    def postpone(self, case_id: str, words: str, delay_s: float, *, detail: str = "retry", asked: bool = False) -> None:
        """A transient fault: back to the queue, next attempt in ``delay_s`` seconds; ``detail`` says why
        in the history (``retry``: a cut; ``HELD_BY_PLATFORM``: the platform's answer). ``asked``: the wait is the
        one the platform asked for (Retry-After), which nothing here cuts short (``set_reduced``)."""
        when = iso(utc_now() + timedelta(seconds=max(0.0, delay_s)))
        with transaction(self.conn) as conn:
            conn.execute(
                "UPDATE outbox SET attempts=attempts+1, next_attempt_at=?, last_error=?, platform_wait=? "
                "WHERE case_id=?",
                (when, self._words(case_id, words), int(asked), case_id),
            )
            self.store.set_platform_words(conn, case_id, last_error=words)
            if self.store.state(case_id) == CaseState.SENDING:
                self.store.transition(case_id, CaseState.QUEUED, detail=detail, conn=conn)

    def behind(self, case_id: str, others: list[str]) -> None:
        """``case_id`` tried again after ``others``: its next attempt set a second past their latest (never
        sooner than it was). The case the platform told to wait (429, 503 with Retry-After) while ``others``
        waited with it untried goes behind them at the next pass: found from outside, a platform answering one
        case's transaction so every time had it tried first at every pass, and every other case never sent."""
        if not others:
            return
        marks = ",".join("?" * len(others))
        with transaction(self.conn) as conn:
            latest = conn.execute(
                f"SELECT MAX(next_attempt_at) FROM outbox WHERE case_id IN ({marks})",  # noqa: S608
                others,
            ).fetchone()[0]
            if latest is None:
                return
            after = iso(datetime.fromisoformat(latest) + timedelta(seconds=1))
            conn.execute(
                "UPDATE outbox SET next_attempt_at=? WHERE case_id=? AND next_attempt_at < ?", (after, case_id, after)
            )

    def needs_attention(
        self,
        case_id: str,
        words: str,
        *,
        too_large: str | None = None,
        posted: bool = False,
        detail: str | None = None,
    ) -> None:
        """A permanent refusal: the case waits for the user, with the platform's words. Nothing is deleted.

        ``too_large``: the photo refused as too large, for the window to offer reduced copies. ``posted``:
        refused as the answer to its transaction; a case refused before it, its transaction claimed at an
        earlier try, says so in its history (``REFUSED_UNPOSTED``): it is not looked up as one the platform may
        hold all the same (found in review: one held here for its patient was followed as sent, its hold
        lifted). ``detail``: the history's, when not the platform's refusal (``CHECKLIST_REFUSED``,
        ``STOPPED_HERE``)."""
        with transaction(self.conn) as conn:
            claimed = conn.execute("SELECT step FROM outbox WHERE case_id=?", (case_id,)).fetchone()
            detail = detail or (
                REFUSED_UNPOSTED if not posted and claimed is not None and claimed[0] == STEP_TRANSACTION else REFUSED
            )
            # (Its transaction posted, its first look-up is due at once: refused_after_posting.)
            conn.execute(
                "UPDATE outbox SET attempts=attempts+1, last_error=?, too_large=?, next_attempt_at=?, platform_wait=0 "
                "WHERE case_id=?",
                (self._words(case_id, words), too_large, iso(utc_now()), case_id),
            )
            self.store.set_platform_words(conn, case_id, last_error=words)
            self.store.transition(case_id, CaseState.NEEDS_ATTENTION, detail=detail, conn=conn)

    def mark_sent(
        self,
        case_id: str,
        task_id: str,
        request_id: str,
        task_version: str | None,
        *,
        words: str | None = None,
        first_version: bool = False,
    ) -> None:
        """The platform holds the case: ids stored, case ``sent`` (audit ``sent``). ``words``: what is said on
        it (the platform refused its transaction, yet holds it; or, ``first_version``, it holds the version
        before the user's correction), else nothing."""
        with transaction(self.conn) as conn:
            self._mark_sent(conn, case_id, task_id, request_id, task_version, words=words, first_version=first_version)

    def _mark_sent(
        self,
        conn: sqlite3.Connection,
        case_id: str,
        task_id: str,
        request_id: str,
        task_version: str | None,
        *,
        words: str | None,
        first_version: bool = False,
    ) -> None:
        conn.execute(
            "UPDATE cases SET task_id=?, request_id=?, task_version=?, platform_status=? WHERE id=?",
            (task_id, request_id, task_version, "requested", case_id),
        )
        self.store.set_platform_words(conn, case_id, last_error=words)
        conn.execute("UPDATE outbox SET step=?, last_error=NULL WHERE case_id=?", (STEP_SENT, case_id))
        # The expert's answer is due in a week (48 h when urgent) unless the platform says otherwise
        # (sync/follow.py).
        row = conn.execute("SELECT priority FROM cases WHERE id=?", (case_id,)).fetchone()
        days = URGENT_ANSWER_DAYS if row is not None and row[0] == "urgent" else DEFAULT_ANSWER_DAYS
        conn.execute(
            "UPDATE cases SET due_at=COALESCE(due_at, ?) WHERE id=?",
            (iso(utc_now() + timedelta(days=days)), case_id),
        )
        # What its history and the audit log say besides the Task (found in review: « envoyé » and nothing more):
        # the version before the user's correction held there, or a refused transaction recorded all the same
        # (the one other reason for words here), not a sending of that moment.
        event = FIRST_VERSION_KEPT if first_version else None if words is None else REFUSED_YET_KEPT
        detail = f"Task/{task_id}" if event is None else f"Task/{task_id} {event}"
        self.store.transition(case_id, CaseState.SENT, detail=detail, audit_action="sent", conn=conn)
        if event is not None:
            self.store.add_event(conn, case_id, event, None, None)
        # Here, not at the top: the window lists held cases through this module before it shows, and the acts'
        # register (the site, its identifiers, CSV) is not needed for that. The sync engine, the one caller,
        # has it loaded already (sync/follow.py).
        from app import acts

        acts.record(self.store, conn, case_id)

    def next_attempt_at(self, *, longest: timedelta = LONGEST_WAIT) -> str | None:
        """When the next case queued for this platform is due (now for one set before the clock was put
        back: ``due``)."""
        now = utc_now()
        later = iso(now + longest)
        moments = [iso(now) if row.next_attempt_at > later else row.next_attempt_at for row in self.pending(here=True)]
        return min(moments) if moments else None

    # -- messages ----------------------------------------------------------------------------

    def _seal(self, case_id: str, message_id: str, value: dict[str, Any]) -> bytes:
        return self.store.key.seal(
            json.dumps(value, ensure_ascii=False).encode("utf-8"), contexts.message_body(case_id, message_id)
        )

    def _open(self, case_id: str, message_id: str, sealed: bytes) -> dict[str, Any]:
        value = self.store.open_json(sealed, contexts.message_body(case_id, message_id), case_id)
        assert isinstance(value, dict)
        return value

    def _message(self, row: sqlite3.Row) -> Message:
        from app.case_record import expert_parts, expert_text
        from app.model import Message

        body = self._open(row["case_id"], row["id"], row["body"])
        # Found from outside: the direction in clear, flipped, showed the requester's reply as the expert's
        # words. Sealed in the body too (bodies sealed before carry neither: read as they are).
        for name in ("direction", "in_response_to"):
            if name in body and body[name] != row[name]:
                raise self.store.altered(row["case_id"], f"message {row['id']}: its {name} was changed")
        withdrawn, state = row["state"] == "withdrawn", str(row["state"])
        if not self.store.message_state_holds(row):
            # Found from outside: a question set « withdrawn » in the database was never answered. A state
            # not written here is recorded as altered, and the question shown as one: fail safe (a reply
            # is said not sent).
            self.store.altered(row["case_id"], f"message {row['id']}: its state was changed")
            withdrawn, state = False, "refused" if row["direction"] == "to-expert" else "received"
        text, words, attached, unreadable = body.get("text", ""), None, [], False
        if row["direction"] == "from-expert":
            if "attached" in body:  # Teleavis's words kept apart from the expert's
                words, attached, unreadable = text, list(body["attached"]), bool(body.get("unreadable"))
            else:  # kept before: its text held them, in the window's language then
                words, attached, unreadable = expert_parts(text)
            text = expert_text(words, attached, unreadable, language())
        return Message(
            id=row["id"],
            direction=row["direction"],
            text=text,
            words=words,
            attached=attached,
            unreadable=unreadable,
            sent_at=body.get("sent_at", ""),
            platform_id=row["platform_id"],
            in_response_to=row["in_response_to"],
            image_ids=list(body.get("image_ids", [])),
            withdrawn=withdrawn,
            created_at=row["created_at"],
            state=state,
            reduced=bool(body.get("reduced", False)),
        )

    def messages(self, case_id: str) -> list[Message]:
        """The conversation with the expert, oldest first. The expert's messages come in the order the
        platform sent them (``Communication.sent``, FHIR R4), not the order they were kept here: found in
        review, a question the platform gave only at a later poll (written late, on a page not read at
        first) was shown after a later one, and the reply answered the wrong one. Each of ours stays where
        it was written among them, and none of theirs moves above one of ours: the platform's clock and this
        workstation's are never compared (one a few minutes ahead would put a question after the reply it
        answers)."""
        kept = [
            self._message(r)
            for r in self.conn.execute("SELECT * FROM messages WHERE case_id=? ORDER BY created_at, rowid", (case_id,))
        ]
        # Among those kept between two of ours only (found in review: a question read late, put above a reply
        # written before it came, made the reply read as the answer to it).
        shown: list[Message] = []
        run: list[Message] = []
        for message in kept:
            if message.direction == "from-expert":
                run.append(message)
                continue
            shown += sorted(run, key=_sent_when)  # (stable)
            shown.append(message)
            run = []
        return shown + sorted(run, key=_sent_when)

    def queue_reply(
        self,
        case_id: str,
        text: str,
        image_ids: list[str],
        in_response_to: str | None,
        *,
        actor: str | None = None,
        reduced: bool = False,
        conn: sqlite3.Connection | None = None,
    ) -> str:
        """The requester's answer to the expert, waiting to be sent; returns its (message) id. With
        ``conn``, written in that transaction (the one storing the reply's photos), else in its own.
        ``reduced``: its photos go as reduced copies (:meth:`set_reply_reduced`)."""
        if conn is None:
            with transaction(self.conn) as own:
                return self.queue_reply(
                    case_id, text, image_ids, in_response_to, actor=actor, reduced=reduced, conn=own
                )
        message_id = new_id()
        conn.execute(
            "INSERT INTO messages(id, case_id, direction, created_at, body, platform_id, "
            "in_response_to, state) VALUES (?,?,?,?,?,?,?,?)",
            (
                message_id,
                case_id,
                "to-expert",
                iso(utc_now()),
                self._seal(
                    case_id,
                    message_id,
                    {
                        "text": text,
                        "image_ids": image_ids,
                        "direction": "to-expert",
                        "in_response_to": in_response_to,
                        **({"reduced": True} if reduced else {}),
                    },
                ),
                None,
                in_response_to,
                "queued",
            ),
        )
        self.store.set_message_state(conn, message_id, force=True)  # its state's tag, written with it
        audit.append(conn, self.store.key, "message", case_id, detail="queued", actor=actor)
        self.store.add_event(conn, case_id, REPLY_QUEUED, None, None)  # the case's history says it too
        return message_id

    def set_reply_reduced(self, case_id: str, message_id: str, reduced: bool = True) -> bool:
        """Send the photos of this reply still to leave as reduced copies (a slow link), as a case's
        may be (``set_reduced``); its photos already on the platform stay as sent, the originals stay here.
        Kept in the reply's sealed body: the case's send record is gone once the case has left, and the choice
        survives a restart. False when the reply is no longer waiting to leave (nothing changed)."""
        with transaction(self.conn) as conn:
            row = conn.execute(
                "SELECT * FROM messages WHERE id=? AND case_id=? AND direction='to-expert'", (message_id, case_id)
            ).fetchone()
            if row is None or row["state"] != "queued" or not self.store.message_state_holds(row):
                return False
            body = self._open(case_id, message_id, row["body"])
            if bool(body.get("reduced", False)) == reduced:
                return True
            body["reduced"] = reduced
            conn.execute("UPDATE messages SET body=? WHERE id=?", (self._seal(case_id, message_id, body), message_id))
            if reduced:
                self._reply_due_now(message_id)
            return True

    def _reply_due_now(self, message_id: str) -> None:
        """A reply waiting its own backoff is tried at its next pass, as a case is (``set_reduced``; left alone
        before: found from outside, the choice changed nothing until that backoff ended); never one waiting the
        platform's Retry-After, nor one whose transaction may be on its way (``REPLY_RETRY``). In the caller's
        transaction; a record altered outside Teleavis is left to the engine (it starts it afresh)."""
        try:
            record = self.store.settings.get(REPLY_RETRY)
        except DataAltered:
            return
        kept = record.get(message_id) if isinstance(record, dict) else None
        if not isinstance(kept, list) or len(kept) != 3 or kept[2] != REPLY_OWN_WAIT:
            return  # not waiting, waiting for the platform (its wait or its recording), or why not known
        now = iso(utc_now())
        if isinstance(kept[1], str) and kept[1] > now:
            record = {**record, message_id: [kept[0], now, REPLY_OWN_WAIT]}
            self.store.settings.set(REPLY_RETRY, record, in_transaction=True)

    def reply_reduced(self, case_id: str, message_id: str) -> bool:
        """Whether the user chose reduced copies for this reply's photos (read now: it may be chosen while the
        reply's photos leave, and holds for each photo not gone yet)."""
        row = self.conn.execute(
            "SELECT * FROM messages WHERE id=? AND case_id=? AND direction='to-expert'", (message_id, case_id)
        ).fetchone()
        return row is not None and bool(self._open(case_id, message_id, row["body"]).get("reduced", False))

    def waiting_count(self) -> int:
        """How many cases and replies to the expert wait to leave (counted, nothing opened)."""
        row = self.conn.execute("SELECT COUNT(*) FROM cases WHERE state IN (?, ?)", SENDABLE).fetchone()
        return int(row[0]) + self.store.replies_waiting()

    def queued_replies(self, *, here: bool = False) -> list[tuple[str, Message]]:
        """Replies waiting to be sent (with ``here``, only those about a case sent to the platform the
        settings name now). One altered outside Teleavis (moved to another case) is set aside as
        refused, once (the store recorded it in the audit log), and never sent."""
        for r in self.conn.execute(
            "SELECT * FROM messages WHERE direction='to-expert' AND state <> 'refused'"
        ).fetchall():
            if not self.store.message_state_holds(r):
                # Found from outside: a reply still to go set « sent » in the database never went, and seemed
                # gone. A state not written here is never trusted: the reply is said not sent (refused, with
                # the words of an alteration), for the user to send it again; it is not sent twice either.
                self.store.altered(r["case_id"], f"message {r['id']}: its state was changed")
                self.reply_refused(r["case_id"], r["id"], M.tr("data.altered"))
        found = []
        for r in self.conn.execute(
            "SELECT m.* FROM messages m JOIN cases c ON c.id = m.case_id WHERE m.direction='to-expert' "
            "AND m.state='queued' AND (? OR c.destination IS NULL OR c.destination = ?) ORDER BY m.created_at, m.rowid",
            (not here, self.here() if here else ""),
        ).fetchall():
            try:
                found.append((r["case_id"], self._message(r)))
            except DataAltered as exc:
                self.reply_refused(r["case_id"], r["id"], exc.message)
        return found

    def replies_elsewhere(self) -> list[tuple[str, str, str]]:
        """(case id, message id, destination) of the replies waiting to go about a case sent to the
        other platform than the one the settings name now (nothing opened)."""
        rows = self.conn.execute(
            "SELECT m.case_id, m.id, c.destination FROM messages m JOIN cases c ON c.id = m.case_id "
            "WHERE m.direction='to-expert' AND m.state='queued' AND c.destination IS NOT NULL "
            "AND c.destination != ? ORDER BY m.created_at",
            (self.here(),),
        ).fetchall()
        return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]

    def reply_sent(self, case_id: str, message_id: str, platform_id: str | None) -> None:
        with transaction(self.conn) as conn:
            self.store.set_message_state(conn, message_id, "sent", platform_id=platform_id)
            audit.append(conn, self.store.key, "message", case_id, detail="sent")
            self.store.add_event(conn, case_id, REPLY_SENT, None, None)

    def reply_refused(
        self,
        case_id: str,
        message_id: str,
        words: str,
        *,
        too_large: str | None = None,
        taken_off: str | None = None,
        by_platform: bool = False,
        news: bool = False,
    ) -> None:
        """The reply ``message_id`` refused (``by_platform``, or held back here), with ``words`` saying why;
        its words and its photos go back to the reply begun, but ``too_large``, the photo the platform refused
        as over its size limit, and ``taken_off``, one that cannot be sent (app/reply_drafts.py). The history
        says « refusée par la plateforme » only when it did (found by a nurse's pass: a reply held back here was
        said refused by the platform). ``news``: the case is marked to read (its request deleted on the platform:
        no answer will come, as ``sync.follow`` says of a Task gone, which then says nothing more)."""
        from app import reply_drafts

        with transaction(self.conn) as conn:
            self.store.set_message_state(conn, message_id, "refused", force=True)  # the safe state: said not sent
            row = conn.execute("SELECT * FROM messages WHERE id=?", (message_id,)).fetchone()
            with suppress(DataAltered):  # its words back to the reply begun, to send again (not one altered)
                text = self._message(row).text if row is not None else ""
                reply_drafts.refused(self.store, case_id, text, why=words, too_large=too_large, taken_off=taken_off)
            self.store.set_platform_words(conn, case_id, last_error=words)
            self.store.add_event(conn, case_id, REPLY_REFUSED, None, None, "by-platform" if by_platform else "")
            if news:
                self.store.mark_news(conn, case_id)

    def add_expert_message(
        self,
        conn: sqlite3.Connection,
        case_id: str,
        platform_id: str,
        text: str,
        sent_at: str,
        content: str = "",
        *,
        attached: Sequence[str] = (),
        unreadable: bool = False,
    ) -> bool:
        """Keep a message from the expert (once per platform id, and again when the expert corrects its
        words); inside the caller's transaction. True when kept: news for the requester.

        Found from outside: a question the expert corrected (same Communication, a new version: « Si oui
        LEQUEL et à quelle dose ? ») kept its first words, and the nurse answered those. The words kept
        before are set aside as withdrawn, and the corrected ones kept as a new message. ``content`` tells
        one version of the platform's message from another (a digest of its payload, never the words
        Teleavis adds and translates: found by review, those made every message « corrected » again).

        Known by its id within its case only: found by a hunt for « one odd resource », a question whose id
        another case's question had (ids are each server's: the training platform and the real one both
        count from 1) was left out, the case on hold with no question shown."""
        kept = conn.execute(
            "SELECT * FROM messages WHERE platform_id=? AND case_id=? AND direction='from-expert' "
            "ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (platform_id, case_id),
        ).fetchone()
        if kept is not None:
            before = self._open(kept["case_id"], kept["id"], kept["body"]).get("content", "")
            # A message kept by a version before this one has no digest: kept as it is.
            if kept["state"] == "withdrawn" or not before or before == content:
                return False
            self.store.set_message_state(conn, kept["id"], "withdrawn")
        message_id = new_id()
        conn.execute(
            "INSERT INTO messages(id, case_id, direction, created_at, body, platform_id, in_response_to, "
            "state) VALUES (?,?,?,?,?,?,?,?)",
            (
                message_id,
                case_id,
                "from-expert",
                iso(utc_now()),
                self._seal(
                    case_id,
                    message_id,
                    {
                        "text": text,
                        # What Teleavis says of it, apart from the expert's words: in the reader's language
                        # when read (app.case_record.expert_text). Found reviewing words36: written into the
                        # text in the window's language at the poll, it stayed so in the other one and in a
                        # report printed with --lang.
                        "attached": list(attached),
                        "unreadable": unreadable,
                        "sent_at": sent_at,
                        "content": content,
                        "direction": "from-expert",
                        "in_response_to": None,
                    },
                ),
                platform_id,
                None,
                "received",
            ),
        )
        self.store.set_message_state(conn, message_id, force=True)
        self.store.mark_news(conn, case_id)
        audit.append(conn, self.store.key, "message", case_id, detail="received" if kept is None else "corrected")
        return True

    def withdraw_expert_message(self, conn: sqlite3.Connection, case_id: str, platform_id: str) -> bool:
        """Mark a kept message of the expert withdrawn (the platform marked it entered in error); inside
        the caller's transaction. True when it was kept and not withdrawn yet: news for the requester."""
        rows = conn.execute(
            "SELECT id FROM messages WHERE case_id=? AND platform_id=? AND direction='from-expert' "
            "AND state <> 'withdrawn'",
            (case_id, platform_id),
        ).fetchall()
        for (message_id,) in rows:
            self.store.set_message_state(conn, message_id, "withdrawn")
        withdrawn = len(rows)
        if withdrawn:
            self.store.mark_news(conn, case_id)
            audit.append(conn, self.store.key, "message", case_id, detail="withdrawn")
        return bool(withdrawn)


def __getattr__(name: str) -> Any:
    if name == "OutboxRow":
        from app.outbox_row import OutboxRow

        return OutboxRow
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
