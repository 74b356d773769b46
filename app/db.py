"""The SQLite database: connection settings, numbered migrations, and the error split.

WAL with ``synchronous=FULL`` so a committed transaction survives a power cut; foreign keys on.
Migrations are numbered functions; ``PRAGMA user_version`` holds the version reached, and a backup
(SQLite's online backup) is taken before any migration runs.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from app import clock, contexts
from app import messages as M
from app.errors import StorageError
from app.fsutil import no_space_left, storage_error, write_over, written_over_after

if TYPE_CHECKING:
    from app.crypto import DataKey

log = logging.getLogger(__name__)

DB_FILE = "teleavis.db"

_V1 = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    encrypted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    specialty TEXT NOT NULL,
    priority TEXT NOT NULL,
    initials TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    content BLOB NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    unread INTEGER NOT NULL DEFAULT 0,
    task_id TEXT,
    request_id TEXT,
    task_version TEXT,
    platform_status TEXT,
    business_status TEXT,
    status_reason TEXT,
    answer BLOB,
    last_error TEXT
);
CREATE INDEX cases_by_state ON cases(state, updated_at);
CREATE INDEX cases_by_update ON cases(updated_at);
CREATE TABLE search_tokens (
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    token TEXT NOT NULL,
    PRIMARY KEY (token, case_id)
) WITHOUT ROWID;
CREATE TABLE images (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    blob TEXT NOT NULL,
    thumb_blob TEXT,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha1 TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    modality TEXT NOT NULL,
    captured_at TEXT NOT NULL,
    meta BLOB NOT NULL,
    quality TEXT NOT NULL DEFAULT '[]',
    binary_id TEXT
);
CREATE INDEX images_by_case ON images(case_id, position);
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_by_case ON case_events(case_id, id);
CREATE TABLE outbox (
    case_id TEXT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    queued_at TEXT NOT NULL,
    step TEXT NOT NULL DEFAULT 'images',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT
);
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    direction TEXT NOT NULL,
    created_at TEXT NOT NULL,
    body BLOB NOT NULL,
    platform_id TEXT,
    in_response_to TEXT,
    state TEXT NOT NULL DEFAULT 'draft'
);
CREATE INDEX messages_by_case ON messages(case_id, created_at);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    case_id TEXT,
    detail TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run SQL statements inside the caller's transaction (``executescript`` would commit first)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError("incomplete SQL statement in migration")


def _migrate_1(conn: sqlite3.Connection) -> None:
    run_script(conn, _V1)


def _migrate_2(conn: sqlite3.Connection) -> None:
    # The unread badge counts a handful of rows; without this it walked every case.
    conn.execute("CREATE INDEX cases_unread ON cases(unread) WHERE unread = 1")
    # The worklist's order in full (cases imported together share a timestamp; the id breaks ties),
    # so a page is read off the index without sorting, at 100 cases as at 10 000.
    run_script(
        conn,
        """
        DROP INDEX cases_by_state;
        DROP INDEX cases_by_update;
        CREATE INDEX cases_by_state ON cases(state, updated_at DESC, id);
        CREATE INDEX cases_by_update ON cases(updated_at DESC, id);
    """,
    )


def _migrate_3(conn: sqlite3.Connection) -> None:
    # The worklist's filters show how many cases each state has; counting them walked every case.
    # Triggers keep one row per state, so the counts cost the same at 100 cases as at 10 000.
    run_script(
        conn,
        """
        CREATE TABLE case_counts (state TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO case_counts(state, n) SELECT state, COUNT(*) FROM cases GROUP BY state;
        CREATE TRIGGER case_counts_insert AFTER INSERT ON cases BEGIN
            INSERT INTO case_counts(state, n) VALUES (NEW.state, 1)
                ON CONFLICT(state) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER case_counts_delete AFTER DELETE ON cases BEGIN
            UPDATE case_counts SET n = n - 1 WHERE state = OLD.state;
        END;
        CREATE TRIGGER case_counts_state AFTER UPDATE OF state ON cases WHEN NEW.state <> OLD.state BEGIN
            UPDATE case_counts SET n = n - 1 WHERE state = OLD.state;
            INSERT INTO case_counts(state, n) VALUES (NEW.state, 1)
                ON CONFLICT(state) DO UPDATE SET n = n + 1;
        END;
    """,
    )


class Keyed:
    """A migration that re-seals values, so needs the data key (``migrate(..., key=...)``)."""

    def __init__(self, run: Callable[[sqlite3.Connection, DataKey], None]) -> None:
        self.run = run

    def __call__(self, conn: sqlite3.Connection) -> None:
        raise RuntimeError("this migration needs the data key")


def _migrate_4(conn: sqlite3.Connection, key: DataKey) -> None:
    # Bind what was bound to its own id only to its case too (issue 13.7): an image's labels to its
    # case, its blobs and its hash; a message to its case. A value that does not open under its old
    # context is left as it is: it was damaged or altered already, and reads will say so.
    from app.crypto import DecryptionFailed
    from app.settings import row_tag

    rows = conn.execute("SELECT id, case_id, blob, thumb_blob, sha1, size, meta FROM images").fetchall()
    for image_id, case_id, blob, thumb, sha1, size, meta in rows:
        try:
            plain = key.open(meta, contexts.legacy_image_meta(image_id))
        except DecryptionFailed:
            log.warning("migration 4: an image's labels do not open; left as they are")
            continue
        conn.execute(
            "UPDATE images SET meta=? WHERE id=?",
            (key.seal(plain, contexts.image_meta(case_id, image_id, blob, thumb, sha1, size)), image_id),
        )
    for message_id, case_id, body in conn.execute("SELECT id, case_id, body FROM messages").fetchall():
        try:
            plain = key.open(body, contexts.legacy_message_body(message_id))
        except DecryptionFailed:
            log.warning("migration 4: a message does not open; left as it is")
            continue
        conn.execute(
            "UPDATE messages SET body=? WHERE id=?",
            (key.seal(plain, contexts.message_body(case_id, message_id)), message_id),
        )
    # Every setting gets a tag (issue 13.8): one rewritten without the key is refused.
    conn.execute("ALTER TABLE settings ADD COLUMN mac TEXT")
    for name, value, encrypted in conn.execute("SELECT key, value, encrypted FROM settings").fetchall():
        conn.execute("UPDATE settings SET mac=? WHERE key=?", (row_tag(key, name, value, bool(encrypted)), name))


def _migrate_5(conn: sqlite3.Connection, key: DataKey) -> None:
    # The audit log's head is kept outside the database from now on (issue 13.6), so rows cut from
    # its end show; it starts from the log as it is (a new data directory: the empty log).
    from app.audit import establish_head

    establish_head(conn, key)


def _migrate_6(conn: sqlite3.Connection, key: DataKey) -> None:
    # The platform's free text (its statuses, a refusal's reason, its diagnostics) may quote the
    # patient: seal what earlier versions kept in clear (issue 13.11).
    for column in ("business_status", "status_reason", "last_error"):
        rows = conn.execute(
            f"SELECT id, {column} FROM cases "  # noqa: S608 - a constant column name
            f"WHERE typeof({column}) = 'text'"
        ).fetchall()
        for case_id, text in rows:
            conn.execute(
                f"UPDATE cases SET {column}=? WHERE id=?",  # noqa: S608
                (key.seal(text.encode("utf-8"), contexts.platform_words(case_id, column)), case_id),
            )
    for case_id, text in conn.execute(
        "SELECT case_id, last_error FROM outbox WHERE typeof(last_error) = 'text'"
    ).fetchall():
        conn.execute(
            "UPDATE outbox SET last_error=? WHERE case_id=?",
            (key.seal(text.encode("utf-8"), contexts.outbox_error(case_id)), case_id),
        )


def _migrate_7(conn: sqlite3.Connection, key: DataKey) -> None:
    # Settings declared secret since they were written in clear (the proxy, whose address may carry
    # a password: issue 13.10) are sealed now. A row whose tag does not hold is left for reads to refuse.
    # Migration 12 runs it again: internal settings became secret since (who recorded a consent).
    from app.settings import declared, row_tag

    for name, value, tag in conn.execute("SELECT key, value, mac FROM settings WHERE encrypted = 0").fetchall():
        setting = declared(name)
        if setting is None or not setting.secret or tag != row_tag(key, name, value, False):
            continue
        sealed = key.seal(str(value).encode("utf-8"), contexts.setting(name))
        conn.execute(
            "UPDATE settings SET value=?, encrypted=1, mac=? WHERE key=?",
            (sealed, row_tag(key, name, sealed, True), name),
        )


#: The schema from which each case keeps a sealed list of its images (migration 8).
IMAGE_LISTS_SCHEMA = 8


def _migrate_8(conn: sqlite3.Connection, key: DataKey) -> None:
    # Each case keeps a sealed list of its images (ids and hashes): an image row moved to another
    # case no longer goes unnoticed in the case it left either (issue 13.7).
    import json

    # (Run again on a database already there, it keeps the lists it finds.)
    if "images_seal" not in {row[1] for row in conn.execute("PRAGMA table_info(cases)")}:
        conn.execute("ALTER TABLE cases ADD COLUMN images_seal BLOB")
    for (case_id,) in conn.execute("SELECT id FROM cases WHERE images_seal IS NULL").fetchall():
        rows = conn.execute("SELECT id, sha1 FROM images WHERE case_id=? ORDER BY id", (case_id,)).fetchall()
        listed = json.dumps(sorted([str(r[0]), str(r[1])] for r in rows)).encode()
        conn.execute(
            "UPDATE cases SET images_seal=? WHERE id=?", (key.seal(listed, contexts.case_images(case_id)), case_id)
        )


def _migrate_9(conn: sqlite3.Connection) -> None:
    # Resumable uploads (issue 18.4, migration 9): where an image's unfinished upload lives on the platform, so a
    # restart goes on from the platform's offset; and whether a case is sent as reduced copies (18.5).
    for table, column, kind in (("images", "upload_url", "TEXT"), ("outbox", "reduced", "INTEGER NOT NULL DEFAULT 0")):
        if column not in {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


#: The schema from which cases keep the expert's answer time and the acts table exists (migration 10).
DUE_SCHEMA = 10


def _migrate_10(conn: sqlite3.Connection) -> None:
    # The requester's act for billing (issue 16.7): one row per case sent, the patient as a keyed token.
    # The expert's promised answer time (issue 16.8) on the case, and the open cases past it found
    # off a small index (the window asks every few seconds).
    run_script(
        conn,
        """
        CREATE TABLE acts (
            case_id TEXT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            year INTEGER NOT NULL,
            code TEXT NOT NULL,
            requester_rpps TEXT NOT NULL,
            patient TEXT NOT NULL,
            billable INTEGER NOT NULL,
            reason TEXT NOT NULL
        );
        CREATE INDEX acts_by_patient ON acts(year, requester_rpps, patient);
        ALTER TABLE cases ADD COLUMN due_at TEXT;
        CREATE INDEX cases_due ON cases(due_at) WHERE due_at IS NOT NULL
            AND state IN ('sent', 'received', 'accepted', 'in-progress');
    """,
    )


def _migrate_11(conn: sqlite3.Connection) -> None:
    # A reduced copy sent in place of an image (issue 18.5): its size, hash, type and dimensions, so
    # that the case's Media describe what the platform holds, after a restart too (migration 11).
    if "copy_sent" not in {row[1] for row in conn.execute("PRAGMA table_info(images)")}:
        conn.execute("ALTER TABLE images ADD COLUMN copy_sent TEXT")


def _migrate_13(conn: sqlite3.Connection) -> None:
    # The photo the platform refused as too large (413): the window then offers reduced copies.
    if "too_large" not in {row[1] for row in conn.execute("PRAGMA table_info(outbox)")}:
        conn.execute("ALTER TABLE outbox ADD COLUMN too_large TEXT")


def _migrate_14(conn: sqlite3.Connection) -> None:
    # The hash of an imported file as the device wrote it: a DICOM's bytes are rewritten for each
    # patient, so only this finds the same export imported for two patients. Both hashes indexed: the
    # search runs inside the import's write transaction.
    if "source_sha1" not in {row[1] for row in conn.execute("PRAGMA table_info(images)")}:
        conn.execute("ALTER TABLE images ADD COLUMN source_sha1 TEXT")
    conn.execute("CREATE INDEX IF NOT EXISTS images_by_sha1 ON images(sha1)")
    conn.execute("CREATE INDEX IF NOT EXISTS images_by_source ON images(source_sha1) WHERE source_sha1 IS NOT NULL")


def _migrate_15(conn: sqlite3.Connection, key: DataKey) -> None:
    # The worklist finds a file number typed with or without its separators (« D-5502 », « D5502 »)
    # or by a part of it (« 5502 »), and not only as it was stored: the search words of the cases
    # already here are added, from each case's sealed patient (they are keyed: only the key makes them).
    # A case that does not open keeps the words it had; reads will say it is altered.
    import json

    from app.crypto import DecryptionFailed
    from app.model import Patient
    from app.search_words import patient_words

    for case_id, content in conn.execute("SELECT id, content FROM cases").fetchall():
        try:
            patient = Patient(**dict(json.loads(key.open(content, contexts.case_content(case_id))).get("patient", {})))
            words = patient_words(patient)
        except (DecryptionFailed, ValueError, TypeError, AttributeError):  # (a name stored as null, say)
            log.warning("migration 15: case %s does not open; its search words are left as they are", case_id)
            continue
        conn.executemany(
            "INSERT OR IGNORE INTO search_tokens(case_id, token) VALUES (?, ?)",
            [(case_id, key.index_token(word)) for word in words],
        )


#: The schema from which ``cases.destination`` exists (migration 16).
DESTINATION_SCHEMA = 16


def _migrate_16(conn: sqlite3.Connection, key: DataKey) -> None:
    # Where a case was queued to go: the built-in training platform or the real one (store.queue).
    # Found from outside: a case queued in training mode left for the real platform once one was set,
    # and a real case would have gone to the training expert once training was turned on. The cases
    # waiting to leave now were queued in the mode the settings name now: recorded here, in the same
    # transaction, so that no later change of the settings (nor a crash in the middle of one, found
    # from outside) sends them elsewhere. Settings that do not open leave them undecided.
    from app.errors import TeleavisError
    from app.settings import Settings, is_training

    if "destination" not in {row[1] for row in conn.execute("PRAGMA table_info(cases)")}:
        conn.execute("ALTER TABLE cases ADD COLUMN destination TEXT")
    try:
        training = is_training(Settings(conn, key).get)
    except TeleavisError:
        log.warning("migration 16: the settings do not open; the cases waiting to leave are left undecided")
        return
    conn.execute(
        "UPDATE cases SET destination=? WHERE destination IS NULL AND state IN ('queued', 'sending')",
        ("training" if training else "platform",),
    )


def _migrate_17(conn: sqlite3.Connection, key: DataKey) -> None:
    # A case records the mode it is made in (store.create_case), not only the one it is queued in.
    # Found from outside: a draft made in training mode (a fictitious patient) left for the real platform
    # once one was set, billable, nothing asked: only a case queued in training was known as one. The
    # cases still to send now (drafts, refused or set aside, never recorded) were most likely made in
    # the mode the settings name now: recorded so. Settings that do not open leave them undecided.
    from app.errors import TeleavisError
    from app.settings import Settings, is_training

    try:
        training = is_training(Settings(conn, key).get)
    except TeleavisError:
        log.warning("migration 17: the settings do not open; the cases still to send are left undecided")
        return
    conn.execute(
        "UPDATE cases SET destination=? WHERE destination IS NULL AND state IN ('draft', 'ready', 'needs-attention')",
        ("training" if training else "platform",),
    )


#: The schema from which ``cases.made_in`` exists (migration 18).
MADE_IN_SCHEMA = 18


def _migrate_18(conn: sqlite3.Connection) -> None:
    # The mode a case was made in, kept apart from where it is queued to go (``cases.destination``),
    # which queuing rewrites. Found from outside: a case made in training mode (a fictitious patient),
    # queued for the real platform then held back, lost its training mark; sent again, it went to a real
    # expert, billable, nothing said. A case recorded as made or queued in training was made in it, and
    # so was one set aside when the real platform was set (only a case queued for the training platform
    # is); the others keep what is known of them.
    if "made_in" not in {row[1] for row in conn.execute("PRAGMA table_info(cases)")}:
        conn.execute("ALTER TABLE cases ADD COLUMN made_in TEXT")
    conn.execute(
        "UPDATE cases SET made_in = 'training' WHERE made_in IS NULL AND (destination = 'training' OR EXISTS "
        "(SELECT 1 FROM case_events e WHERE e.case_id = cases.id AND e.detail = 'other-platform'))"
    )
    conn.execute("UPDATE cases SET made_in = destination WHERE made_in IS NULL")


#: The schema from which each image row carries a keyed tag (``images.binary_tag``, migration 19).
BINARY_TAG_SCHEMA = 19

#: An image row's columns its tag covers (``contexts.image_binary``), in that order.
BINARY_COLUMNS = "case_id, id, blob, thumb_blob, sha1, size, binary_id, upload_url, copy_sent"


def binary_tag(key: DataKey, row: Sequence[Any]) -> str:
    """The keyed tag of an image row, from its :data:`BINARY_COLUMNS` as stored."""
    case_id, image_id, blob, thumb, sha1, size, binary_id, upload_url, copy_sent = tuple(row)[:9]
    return key.tag(
        contexts.BINARY_TAG,
        contexts.image_binary(
            str(case_id),
            str(image_id),
            str(blob),
            None if thumb is None else str(thumb),
            str(sha1),
            int(size),
            None if binary_id is None else str(binary_id),
            None if upload_url is None else str(upload_url),
            None if copy_sent is None else str(copy_sent),
        ),
    )


def _migrate_19(conn: sqlite3.Connection, key: DataKey) -> None:
    # Found from outside (an attacker's pass, write access to the database, no key): an image's copy on
    # the platform (its Binary id, a resumable upload's address, the copy sent) was in clear and bound to
    # nothing; copied onto another patient's image, that case went out naming the first patient's photo.
    # Each image row carries a keyed tag of where its content and its platform copy belong; the rows here
    # are tagged as they are (one altered before keeps labels that do not open: reads still say so).
    if "binary_tag" not in {row[1] for row in conn.execute("PRAGMA table_info(images)")}:
        conn.execute("ALTER TABLE images ADD COLUMN binary_tag TEXT")
    for row in conn.execute(f"SELECT {BINARY_COLUMNS} FROM images WHERE binary_tag IS NULL").fetchall():  # noqa: S608
        conn.execute("UPDATE images SET binary_tag=? WHERE id=?", (binary_tag(key, row), row[1]))


#: The schema from which messages' states and cases' read marks carry keyed tags (migration 20).
STATE_TAG_SCHEMA = 20

#: A case's expert's messages as its read mark covers them (``id:state``, by id), for the case ``c``.
QUESTIONS_SQL = (
    "(SELECT group_concat(q, ' ') FROM (SELECT m.id || ':' || m.state AS q FROM messages m "
    "WHERE m.case_id = c.id AND m.direction = 'from-expert' ORDER BY m.id))"
)


def message_tag(key: DataKey, row: Sequence[Any]) -> str:
    """The keyed tag of a message's state, from its (case_id, id, direction, state, platform_id)."""
    case_id, message_id, direction, state, platform_id = tuple(row)[:5]
    return key.tag(
        contexts.MESSAGE_STATE_TAG,
        contexts.message_state(
            str(case_id), str(message_id), str(direction), str(state), None if platform_id is None else str(platform_id)
        ),
    )


def read_tag(key: DataKey, case_id: str, answer: bytes | None, questions: str | None) -> str:
    """The keyed tag of a case read with this news (its sealed answer as stored, its expert's messages).
    The messages in a set order here: SQLite does not promise that ``group_concat`` keeps its subquery's
    order, and another order would show every read case of two questions unread, as altered."""
    questions = " ".join(sorted(questions.split())) if questions else questions
    return key.tag(contexts.READ_TAG, contexts.read_mark(case_id, None if answer is None else bytes(answer), questions))


def _migrate_20(conn: sqlite3.Connection, key: DataKey) -> None:
    # Found from outside (an attacker's pass, write access to the database, no key): a message's state and
    # a case's unread mark were in clear and bound to nothing. An expert's question set « withdrawn » was
    # never answered, a reply set « sent » never went, an answer's unread mark cleared was never seen. A
    # message's state carries a keyed tag, and a case is read only under a tag of the news it was read
    # with; those here are tagged as they are.
    for table, column in (("messages", "state_tag"), ("cases", "read_tag")):
        if column not in {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")
    for row in conn.execute("SELECT case_id, id, direction, state, platform_id FROM messages").fetchall():
        conn.execute("UPDATE messages SET state_tag=? WHERE id=?", (message_tag(key, row), row[1]))
    rows = conn.execute(f"SELECT c.id, c.answer, {QUESTIONS_SQL} FROM cases c WHERE c.unread = 0").fetchall()  # noqa: S608
    for case_id, answer, questions in rows:
        conn.execute("UPDATE cases SET read_tag=? WHERE id=?", (read_tag(key, case_id, answer, questions), case_id))


def _migrate_21(conn: sqlite3.Connection) -> None:
    # The audit log only grows (a year of a busy workstation: some 200 000 entries). Asking whether a
    # restore happened since a case was made (may this draft be deleted?, asked at each case opened and
    # each row selected in the worklist) read all of it: 19 ms a time at 200 000 on the window's thread.
    # Searched by action, the log answers from this index whatever its length.
    conn.execute("CREATE INDEX IF NOT EXISTS audit_by_action ON audit(action, at)")


def _migrate_22(conn: sqlite3.Connection, key: DataKey) -> None:
    # Found from outside (an attacker's pass, the file without the key): each start of a name being a
    # search token, their number per case gave the length of the patient's names. Every case gets as
    # many (keyed ones added, which no typed word matches, those its next save makes: the same each
    # time); none it had is removed.
    from app.search_words import padded

    tokens: dict[str, set[str]] = {}
    for case_id, token in conn.execute("SELECT case_id, token FROM search_tokens").fetchall():
        tokens.setdefault(str(case_id), set()).add(str(token))
    for (case_id,) in conn.execute("SELECT id FROM cases").fetchall():
        had = tokens.get(str(case_id), set())
        made = padded(had, functools.partial(_filler, key, str(case_id)))
        conn.executemany(
            "INSERT OR IGNORE INTO search_tokens(case_id, token) VALUES (?, ?)",
            [(case_id, token) for token in made if token not in had],
        )


def _filler(key: DataKey, case_id: str, n: int) -> str:
    """The ``n``-th token added to a case's (app/search_words.py's ``padded``), as its next save makes it."""
    from app.search_words import filler_word

    return key.index_token(filler_word(case_id, n))


#: The schema from which the photos' hashes are kept keyed (``images.sha1``, ``source_sha1``: migration 23).
PHOTO_DIGEST_SCHEMA = 23

#: The setting (sealed) holding the key of the photos' hashes: random, kept across a key rotation.
PHOTO_KEY = "state.photo_key"

#: How a keyed hash of a photo starts (a base64 SHA-1 never holds a colon).
_DIGESTED = "k:"


def photo_digest(photo_key: str, sha1: str) -> str:
    """A photo's hash (base64 SHA-1) keyed under the photos' key (hex), as its row keeps it; one keyed
    already is given back as it is."""
    import hashlib
    import hmac

    if sha1.startswith(_DIGESTED):
        return sha1
    return _DIGESTED + hmac.new(bytes.fromhex(photo_key), sha1.encode("ascii"), hashlib.sha256).hexdigest()


def _migrate_23(conn: sqlite3.Connection, key: DataKey) -> None:
    # Found from outside (an attacker's pass, the file without the key): the photos' hashes were in
    # clear, so whoever held the file and a photo (sent by mail, found on a phone) could tell it is here,
    # in which case. They are kept keyed, under a random key sealed as a setting (kept as it is by a key
    # rotation: nothing else to make again), the hash itself inside the image's sealed labels (FHIR's
    # Attachment.hash, the check of the file read). Each row's labels, tag and its case's sealed list are
    # made again over the keyed hash; a row whose labels do not open is left as it is (read, it is
    # altered), and so is a tag or a list that did not hold.
    import json
    import secrets

    from app.crypto import DecryptionFailed
    from app.errors import TeleavisError
    from app.settings import Settings

    settings = Settings(conn, key)
    try:
        photo_key = settings.get(PHOTO_KEY)
    except TeleavisError:
        photo_key = None
    if not isinstance(photo_key, str):
        photo_key = secrets.token_hex(32)
        settings.set(PHOTO_KEY, photo_key, in_transaction=True)
    for row in conn.execute(f"SELECT {BINARY_COLUMNS}, binary_tag, meta, source_sha1 FROM images").fetchall():  # noqa: S608
        case_id, image_id, blob, thumb, sha1, size = tuple(row)[:6]
        if str(sha1).startswith(_DIGESTED):
            continue
        try:
            meta = json.loads(key.open(row[10], contexts.image_meta(case_id, image_id, blob, thumb, sha1, size)))
        except (DecryptionFailed, ValueError):
            log.warning("migration 23: an image of case %s does not open; its row is left as it is", case_id)
            continue
        meta["sha1"] = sha1
        digest = photo_digest(photo_key, str(sha1))
        sealed = key.seal(
            json.dumps(meta, ensure_ascii=False).encode("utf-8"),
            contexts.image_meta(case_id, image_id, blob, thumb, digest, size),
        )
        source = None if row[11] is None else photo_digest(photo_key, str(row[11]))
        held = row[9] == binary_tag(key, row)
        conn.execute("UPDATE images SET sha1=?, meta=?, source_sha1=? WHERE id=?", (digest, sealed, source, image_id))
        if held:
            new = conn.execute(f"SELECT {BINARY_COLUMNS} FROM images WHERE id=?", (image_id,)).fetchone()  # noqa: S608
            conn.execute("UPDATE images SET binary_tag=? WHERE id=?", (binary_tag(key, new), image_id))
    for case_id, seal in conn.execute("SELECT id, images_seal FROM cases WHERE images_seal IS NOT NULL").fetchall():
        try:
            listed = json.loads(key.open(seal, contexts.case_images(case_id)))
        except (DecryptionFailed, ValueError):
            continue
        keyed = sorted([str(a), photo_digest(photo_key, str(b))] for a, b in listed)
        conn.execute(
            "UPDATE cases SET images_seal=? WHERE id=?",
            (key.seal(json.dumps(keyed).encode(), contexts.case_images(case_id)), case_id),
        )


#: How the hash sealed in ``images.copy_sent`` starts (a base64 SHA-1 never holds a colon): the hash alone
#: (schema 24), or the hash, byte size, width and height (schema 25).
_SEALED_COPY = "s:"
_SEALED_COPY_FACTS = "f:"
#: What ``images.copy_sent`` keeps sealed of the copy's facts: with them, whoever holds the file and the bytes
#: the expert received (sent on by mail) could tell they are here.
_COPY_SEALED = ("sha1", "size", "width", "height")


def seal_copy_sent(key: DataKey, case_id: str, image_id: str, facts: dict[str, Any]) -> str:
    """``images.copy_sent`` for the copy sent in place of an image: its facts, its hash, byte size and
    dimensions sealed (schema 25; the hash alone in schema 24)."""
    import base64
    import json

    hidden = {name: facts[name] for name in _COPY_SEALED if name in facts}
    sealed = key.seal(json.dumps(hidden).encode("ascii"), contexts.copy_facts(case_id, image_id))
    kept = {name: value for name, value in facts.items() if name not in _COPY_SEALED}
    return json.dumps({**kept, "sha1": _SEALED_COPY_FACTS + base64.b64encode(sealed).decode("ascii")})


def open_copy_sent(key: DataKey, case_id: str, image_id: str, text: str) -> dict[str, Any]:
    """The facts ``images.copy_sent`` keeps, opened (one in clear, from before schema 24, as it is);
    ``DecryptionFailed`` when it does not open (moved from another image, rewritten)."""
    import base64
    import binascii
    import json

    from app.crypto import DecryptionFailed

    facts: dict[str, Any] = json.loads(text)
    kept = str(facts.get("sha1") or "")
    for prefix in (_SEALED_COPY, _SEALED_COPY_FACTS):
        if kept.startswith(prefix):
            try:
                sealed = base64.b64decode(kept[len(prefix) :], validate=True)
            except (binascii.Error, ValueError) as exc:
                raise DecryptionFailed() from exc
            if prefix == _SEALED_COPY:
                facts["sha1"] = key.open(sealed, contexts.copy_hash(case_id, image_id)).decode("ascii")
            else:
                hidden = json.loads(key.open(sealed, contexts.copy_facts(case_id, image_id)))
                facts.update({name: hidden[name] for name in _COPY_SEALED if name in hidden})
    return facts


def _migrate_24(conn: sqlite3.Connection, key: DataKey) -> None:
    # Found in review (the pass after migration 23): the hash of the copy sent in place of a photo (a
    # reduced copy, a DICOM restamped) stayed in clear in ``images.copy_sent``; whoever held the file and
    # those bytes (the expert's download, sent on by mail) could tell they are here, in which case. Sealed;
    # the row's tag made again over it, unless it did not hold (an alteration is never made good).
    import json

    for row in conn.execute(f"SELECT {BINARY_COLUMNS}, binary_tag FROM images WHERE copy_sent IS NOT NULL").fetchall():  # noqa: S608
        try:
            facts = json.loads(row[8])
        except ValueError:
            continue
        if (
            not isinstance(facts, dict)
            or str(facts.get("sha1") or "").startswith((_SEALED_COPY, _SEALED_COPY_FACTS))
            or not facts.get("sha1")
        ):
            continue
        held = row[9] == binary_tag(key, row)
        sealed = seal_copy_sent(key, row[0], row[1], facts)
        conn.execute("UPDATE images SET copy_sent=? WHERE id=?", (sealed, row[1]))
        if held:
            new = conn.execute(f"SELECT {BINARY_COLUMNS} FROM images WHERE id=?", (row[1],)).fetchone()  # noqa: S608
            conn.execute("UPDATE images SET binary_tag=? WHERE id=?", (binary_tag(key, new), row[1]))


def reseal_copy_sent(old: DataKey, new: DataKey, case_id: str, image_id: str, text: str) -> str:
    """``images.copy_sent`` with its hash sealed under ``new`` (a key rotation); as it is when it does not
    open under ``old`` (altered: it stays so)."""
    from app.crypto import DecryptionFailed

    try:
        facts = open_copy_sent(old, case_id, image_id, text)
    except (DecryptionFailed, ValueError):
        return text
    return seal_copy_sent(new, case_id, image_id, facts)


#: The schema from which an image's byte size, width, height, capture time and quality findings are kept in its
#: sealed labels, its row's blank, and the copy sent's byte size and dimensions sealed with its hash (migration 25).
SEALED_FACTS_SCHEMA = 25


def _migrate_25(conn: sqlite3.Connection, key: DataKey) -> None:
    # Found from outside (an attacker's pass, the folder without the key): an image's exact byte size,
    # width, height, capture time and quality measures (sharpness, exposure: made again from the photo by
    # Teleavis's own code) were in clear in its row, and its blob's file size gave the byte size
    # too; whoever held a photo (sent by mail, found on a phone) could tell it is here, and when it was
    # taken. They go into the image's sealed labels, the row keeping blanks (its labels and tag made again
    # over them, unless they did not hold: an alteration is never made good); the copy sent's size and
    # dimensions are sealed with its hash; the blobs are written again padded (app/blobs.py).
    import json

    from app.crypto import DecryptionFailed

    rows = conn.execute(
        f"SELECT {BINARY_COLUMNS}, binary_tag, meta, width, height, captured_at, quality FROM images"  # noqa: S608
    ).fetchall()
    for row in rows:
        case_id, image_id, blob, thumb, sha1, size = tuple(row)[:6]
        held = row[9] == binary_tag(key, row)
        try:
            meta = json.loads(key.open(row[10], contexts.image_meta(case_id, image_id, blob, thumb, sha1, size)))
            if not isinstance(meta, dict):
                raise ValueError(meta)
        except (DecryptionFailed, ValueError):
            log.warning("migration 25: an image of case %s does not open; its row is left as it is", case_id)
            continue
        if "size" not in meta:
            try:  # (in clear: one altered or damaged there leaves its row as it is, not every case unopened)
                meta.update(size=int(size), width=int(row[11]), height=int(row[12]), captured_at=str(row[13]))
                meta["quality"] = json.loads(row[14])
            except (TypeError, ValueError):
                log.warning("migration 25: an image of case %s has facts that do not read; left as it is", case_id)
                continue
            sealed = key.seal(
                json.dumps(meta, ensure_ascii=False).encode("utf-8"),
                contexts.image_meta(case_id, image_id, blob, thumb, sha1, 0),
            )
            conn.execute(
                "UPDATE images SET size=0, width=0, height=0, captured_at='', quality='[]', meta=? WHERE id=?",
                (sealed, image_id),
            )
        if row[8] is not None:
            copy = reseal_copy_sent(key, key, case_id, image_id, str(row[8]))
            conn.execute("UPDATE images SET copy_sent=? WHERE id=?", (copy, image_id))
        if held:
            new = conn.execute(f"SELECT {BINARY_COLUMNS} FROM images WHERE id=?", (image_id,)).fetchone()  # noqa: S608
            conn.execute("UPDATE images SET binary_tag=? WHERE id=?", (binary_tag(key, new), image_id))
    _pad_blobs(conn, key)


def _pad_blobs(conn: sqlite3.Connection, key: DataKey) -> None:
    """Write again padded (app/blobs.py, ``TVB2``) the blobs of the data folder still of the format before:
    each in place, atomically, both formats read meanwhile. One that does not open, or cannot be written (a
    full disk), is left as it is: still read, its size told until a key rotation writes it again. Once, at the
    first start after the upgrade: measured 18 ms per photo of 3 MB (167 MB/s, about 30 s for 5 GB of photos)."""
    from app.blobs import open_sealed, padded, write_sealed
    from app.crypto import DecryptionFailed
    from app.fsutil import atomic_write

    found = [row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"]
    if not found or not found[0]:
        return
    for path in sorted((Path(found[0]).parent / "objects").glob("*/*")):
        if path.name.startswith(".") or not path.is_file():
            continue
        try:
            sealed = path.read_bytes()
            if padded(sealed):
                continue
            plain = open_sealed(key, sealed, path.name)
        except (OSError, ValueError, DecryptionFailed):
            log.warning("migration 25: a blob does not open; left as it is")
            continue
        try:
            atomic_write(path, functools.partial(write_sealed, key, plain, path.name))
        except (StorageError, OSError):
            log.warning("migration 25: a blob could not be written again padded; left as it is")


def _migrate_26(conn: sqlite3.Connection) -> None:
    # The act of a requester under ADELI (no RPPS, some nurses) keeps her ADELI: the billing export names
    # her (its column ``requester_adeli``), and her patients' acts are counted as hers, not with those of
    # every other requester without RPPS.
    if "requester_adeli" not in {row[1] for row in conn.execute("PRAGMA table_info(acts)")}:
        conn.execute("ALTER TABLE acts ADD COLUMN requester_adeli TEXT NOT NULL DEFAULT ''")


def _migrate_27(conn: sqlite3.Connection) -> None:
    # While training mode is on, the worklist counts the training cases only, at each refresh on the window's
    # thread: off the cases' rows, 10 000 cases took 10 ms each time; off this index, which holds all that the
    # count reads (Store._training_sql), 0.6 ms.
    conn.execute("CREATE INDEX IF NOT EXISTS cases_training ON cases(state, destination, made_in)")


#: The schema from which each image row says which version of the quality checks made its verdict
#: (``images.checks``, migration 28).
CHECKS_SCHEMA = 28


def _migrate_28(conn: sqlite3.Connection) -> None:
    # The quality checks change from one release to the next (a retina's text strip no longer read as a second
    # field, a grey strip no longer as a cut photo), and a draft kept the verdict of the checks it was imported
    # under: blocked by an « unusable » the checks no longer say, or let through what they now catch. Each image
    # says which checks made its verdict (app.model.CHECKS_VERSION); those already here, 0: not known, checked
    # again once when their case is next opened still editable. (Not sealed: a number of the checks' releases
    # tells nothing of the patient nor of the photo, and its case's creation time is in clear already.)
    if "checks" not in {row[1] for row in conn.execute("PRAGMA table_info(images)")}:
        conn.execute("ALTER TABLE images ADD COLUMN checks INTEGER NOT NULL DEFAULT 0")


def _migrate_29(conn: sqlite3.Connection) -> None:
    # A case refused after its transaction was posted may be held by the platform all the same; corrected by the
    # nurse and sent again, its sending finds that Task and follows it, the version before her correction. Each
    # row keeps the audit log's last entry when its transaction was first posted: an edit of the case after it
    # did not leave, and is said so (app.outbox.Outbox.changed_since_posted). (Not sealed: a count of the log.)
    if "posted_after" not in {row[1] for row in conn.execute("PRAGMA table_info(outbox)")}:
        conn.execute("ALTER TABLE outbox ADD COLUMN posted_after INTEGER")
        # A row whose transaction was posted before: from its first queueing (its case's first « queued » since
        # it was last taken back), the one mark kept. An edit before its posting (a refusal before it went) is
        # counted too: said once too often rather than a correction lost without a word.
        conn.execute(
            "UPDATE outbox SET posted_after = (SELECT MIN(q.seq) FROM audit q WHERE q.case_id = outbox.case_id "
            "AND q.action = 'queued' AND q.seq > COALESCE((SELECT MAX(t.seq) FROM audit t "
            "WHERE t.case_id = outbox.case_id AND t.action = 'taken-back'), 0)) WHERE step = 'transaction'"
        )


_T = TypeVar("_T")


def _migrate_30(conn: sqlite3.Connection, key: DataKey) -> None:
    # The worklist finds « Lætitia » by « laetitia » and « Łukasz » by « lukasz », as the INSi teleservice and a
    # hospital's label write them: a name's search words are now spelt in a–z (app.folding.fold), and those of
    # the cases already here are made again as their next save makes them (Store._index: the same words, as
    # many tokens as any other case's). A case that does not open keeps the words it had; reads will say it is
    # altered.
    from app.search_words import patient_words

    for case_id, words in _patients(conn, key, 30, "search words", patient_words):
        _remake_search_words(conn, key, case_id, words)
    conn.execute("DROP INDEX search_tokens_by_case")


def _patients(
    conn: sqlite3.Connection, key: DataKey, number: int, kept: str, made: Callable[[Any], _T]
) -> Iterator[tuple[str, _T]]:
    """Each case's id and what ``made`` makes of its patient (``app.patient.Patient``) as its content holds it, for
    a migration that makes again what is kept in clear from it; a case that does not open, or whose patient
    ``made`` cannot read (a name stored as null, say), is left out, its ``kept`` said left as they are. ``made``
    runs here, inside that guard: found in review, the search words made after it stopped the whole upgrade on
    one case whose used name was stored as null (rolled back at each start, the window never opened). The
    search words' table indexed by case for the time of the migration (found in review: without it each case's
    delete read the whole table, 40 ms a case at 3 000 cases and growing with them, an hour's wait at the
    window's start for a large store; tests/bench): the migration drops that index at its end."""
    import json

    from app.crypto import DecryptionFailed
    from app.model import Patient

    conn.execute("CREATE INDEX IF NOT EXISTS search_tokens_by_case ON search_tokens(case_id)")
    for case_id, content in conn.execute("SELECT id, content FROM cases").fetchall():
        try:
            patient = Patient(**dict(json.loads(key.open(content, contexts.case_content(case_id))).get("patient", {})))
            result = made(patient)
        except (DecryptionFailed, ValueError, TypeError, AttributeError):
            log.warning("migration %d: case %s does not open; its %s are left as they are", number, case_id, kept)
            continue
        yield str(case_id), result


def _remake_search_words(conn: sqlite3.Connection, key: DataKey, case_id: str, words: set[str]) -> None:
    """The case's search words (``app.search_words.patient_words``) kept as its next save keeps them
    (``Store._index``: the same words, as many tokens as any other case's). Only the tokens that differ are
    deleted or written (found in review: each case's 64 deleted and written again, a third of migration 33's
    time at 10 000 cases, when most cases' are already today's)."""
    from app.search_words import padded

    real = {key.index_token(word) for word in words}
    tokens = set(padded(real, functools.partial(_filler, key, case_id)))
    had = {str(row[0]) for row in conn.execute("SELECT token FROM search_tokens WHERE case_id = ?", (case_id,))}
    conn.executemany(
        "DELETE FROM search_tokens WHERE case_id = ? AND token = ?", [(case_id, t) for t in sorted(had - tokens)]
    )
    added = [(case_id, t) for t in sorted(tokens - had)]
    conn.executemany("INSERT OR IGNORE INTO search_tokens(case_id, token) VALUES (?, ?)", added)


def _migrate_31(conn: sqlite3.Connection) -> None:
    # Why a case waits: its own backoff (a cut link: 0), or the wait the platform asked for (Retry-After on a 429
    # or 503: 1). Reduced copies chosen bring forward a case waiting its own backoff only (app.outbox
    # Outbox.set_reduced); found from outside, one the platform had asked to wait was posted again inside that
    # wait. A case already waiting at the upgrade: why is not known, and the platform's wait is the one never to
    # cut, so it is taken as the platform's (the choice then acts at its next try, its backoff minutes at most).
    if "platform_wait" not in {row[1] for row in conn.execute("PRAGMA table_info(outbox)")}:
        conn.execute("ALTER TABLE outbox ADD COLUMN platform_wait INTEGER NOT NULL DEFAULT 0")
        conn.execute("UPDATE outbox SET platform_wait = 1 WHERE attempts > 0")


def _migrate_32(conn: sqlite3.Connection) -> None:
    # The search words no longer refer to their case (ON DELETE CASCADE): the table is keyed by word, and the delete
    # that reference made at each case deleted (a draft, the retention's purge) read the whole table, even with the
    # case's words already gone (found in review: 40 ms a case at 3 000 cases; an index by case would store the
    # table twice). A case's words are now deleted by the table's key, made again from its content
    # (app.deletion remove_case, Store.drop_tokens); a case that does not open, by a read of the whole table.
    conn.execute(
        "CREATE TABLE search_tokens_32 (case_id TEXT NOT NULL, token TEXT NOT NULL, PRIMARY KEY (token, case_id)) "
        "WITHOUT ROWID"
    )
    conn.execute(
        "INSERT INTO search_tokens_32(case_id, token) SELECT case_id, token FROM search_tokens "
        "WHERE case_id IN (SELECT id FROM cases)"
    )
    conn.execute("DROP TABLE search_tokens")
    conn.execute("ALTER TABLE search_tokens_32 RENAME TO search_tokens")


def _migrate_33(conn: sqlite3.Connection, key: DataKey) -> None:
    # What is kept in clear from each case's patient, made again with today's rules, as its next save makes it
    # (found in review: a case stored before kept the older until then). Its initials, which the worklist and
    # ``case list`` show: a qualified identity's are now its INS traits' (app.patient.Patient.initials: « O.L. »
    # beside « OEUVRAY LAETITIA », not « Œ.L. »). Its search words: « ŀ » is now spelt « l »
    # (app.folding.fold: « parallel » finds « Paraŀlel »), since migration 30 made every case's. A case that
    # does not open keeps what it had; reads will say it is altered.
    from app.search_words import patient_words

    def made(patient: Any) -> tuple[str, set[str]]:
        return patient.initials(), patient_words(patient)

    for case_id, (initials, words) in _patients(conn, key, 33, "initials and search words", made):
        conn.execute("UPDATE cases SET initials = ? WHERE id = ? AND initials != ?", (initials, case_id, initials))
        _remake_search_words(conn, key, case_id, words)
    conn.execute("DROP INDEX search_tokens_by_case")


#: Numbered migrations; migration N brings the database from version N-1 to N.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migrate_1,
    _migrate_2,
    _migrate_3,
    Keyed(_migrate_4),
    Keyed(_migrate_5),
    Keyed(_migrate_6),
    Keyed(_migrate_7),
    Keyed(_migrate_8),
    _migrate_9,
    _migrate_10,
    _migrate_11,
    Keyed(_migrate_7),  # 12: the name of who recorded a consent, kept in clear until then, sealed
    _migrate_13,
    _migrate_14,
    Keyed(_migrate_15),
    Keyed(_migrate_16),
    Keyed(_migrate_17),
    _migrate_18,
    Keyed(_migrate_19),
    Keyed(_migrate_20),
    _migrate_21,
    Keyed(_migrate_22),
    Keyed(_migrate_23),
    Keyed(_migrate_24),
    Keyed(_migrate_25),
    _migrate_26,
    _migrate_27,
    _migrate_28,
    _migrate_29,
    Keyed(_migrate_30),
    _migrate_31,
    _migrate_32,
    Keyed(_migrate_33),
]


class ExclusiveConnection(sqlite3.Connection):
    """A connection holding the base alone (opened so on a full disk, by :func:`connect`): no other
    connection of this process can be made while it is open (``Store.clone`` says so at once)."""


#: ``SQLITE_FCNTL_PERSIST_WAL`` (sqlite3.h).
_PERSIST_WAL = 10

#: The first CPython version whose ``sqlite3`` connection layout was not read (``keep_wal_at_close``).
_LAYOUT_READ_UNTIL = (3, 15)


@functools.cache
def _file_control() -> Any:
    """``sqlite3_file_control`` of the very SQLite library Python's ``sqlite3`` runs on, or ``None``."""
    import _sqlite3
    import ctypes

    try:
        # The symbol looked up from the module's own handle: the module itself or the library it was linked
        # to, never another copy of SQLite (a connection's handle means nothing to another copy).
        library = ctypes.CDLL(_sqlite3.__file__)
        file_control, filename = library.sqlite3_file_control, library.sqlite3_db_filename
    except (OSError, AttributeError):
        return None
    file_control.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
    file_control.restype = ctypes.c_int
    filename.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    filename.restype = ctypes.c_char_p
    return file_control, filename


def keep_wal_at_close(conn: sqlite3.Connection, path: Path) -> bool:
    """Tell SQLite not to delete the ``-wal`` and ``-shm`` files when this connection closes last
    (``SQLITE_FCNTL_PERSIST_WAL``); at its close the WAL is still checkpointed, and emptied
    (``journal_size_limit`` 0: no page of the base is left in it).

    Closing last, SQLite takes the base alone, checkpoints, then deletes both files. Whether it is last,
    it learns from the POSIX locks of the other processes; and a process's locks on a file are all dropped
    when it closes ANY descriptor of that file, even one SQLite never knew (a file dialog reading the
    first bytes of ``teleavis.db``, a hash, a copy). A command run beside the window then deleted the
    files under the window, which went on writing into them, saw nothing the commands wrote, and found its
    base « malformed » (a tester's session). Not deleting them holds whatever opened the file.

    Python 3.11's ``sqlite3`` has no way to it: the connection's ``sqlite3 *`` is read where CPython keeps
    it (first field after the object header, 3.11 to 3.13) and checked against the base's own name before
    use. ``False`` (nothing changed) where it cannot be done, and on Windows, whose locks are per handle.

    The check cannot guard the read itself: SQLite follows whatever pointer it is given, and a wrong one
    crashes the process. So the read is done only where ``id()`` is an address (CPython: on PyPy it is
    not) and the connection is ``sqlite3``'s own (its C struct first, whatever a subclass adds); CPython
    has kept ``sqlite3 *db`` first after ``PyObject_HEAD`` since pysqlite, in debug and free-threaded
    builds too (``object.__basicsize__`` is that header's size in each), read up to 3.14's sources: a
    later version is not trusted until read again (the warning, and tests/app/test_store_beside_window.py
    failing, say so). A closed connection's is NULL."""
    if sys.platform == "win32":
        return False
    import ctypes

    known = sys.implementation.name == "cpython" and sys.version_info[:2] < _LAYOUT_READ_UNTIL
    functions = _file_control() if known else None
    if functions is None or not isinstance(conn, sqlite3.Connection):
        log.warning("the database's WAL cannot be kept at close (no safe way to this Python's SQLite)")
        return False
    file_control, filename = functions
    handle = ctypes.c_void_p.from_address(id(conn) + object.__basicsize__).value
    if not handle:
        return False
    named = filename(handle, b"main")
    if not named or os.path.realpath(os.fsdecode(named)) != os.path.realpath(path):
        log.warning("the database's WAL cannot be kept at close (unexpected connection layout)")
        return False
    conn.execute("PRAGMA journal_size_limit=0")
    on = ctypes.c_int(1)
    return bool(file_control(handle, b"main", _PERSIST_WAL, ctypes.byref(on)) == 0)


def connect(path: Path, *, keep_wal: bool | None = None) -> sqlite3.Connection:
    """Open (creating if needed) the database with the project's durability settings.

    ``keep_wal``: its ``-wal`` and ``-shm`` files are kept at close (``keep_wal_at_close``); by default for a
    data folder's base (``teleavis.db``), which a window may have open beside, never for a copy of it (a
    backup's snapshot, a restore's staging folder), whose files would be left behind."""
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            if not no_space_left(path):
                raise
            # The disk is full: the WAL's shared index (the -shm file) cannot be made. In exclusive
            # mode it is kept in memory, so what is stored can still be read (found from outside: on a
            # full disk, not even `case show` opened); other processes wait until this one closes.
            conn.close()
            conn = sqlite3.connect(
                path, isolation_level=None, timeout=30.0, check_same_thread=False, factory=ExclusiveConnection
            )
            conn.execute("PRAGMA locking_mode=EXCLUSIVE")
            conn.execute("PRAGMA journal_mode=WAL")
            log.warning("the disk is full: the database opened in exclusive mode, for reading")
        conn.execute("PRAGMA synchronous=FULL")
        if (path.name == DB_FILE) if keep_wal is None else keep_wal:
            keep_wal_at_close(conn, path)
        conn.execute("PRAGMA foreign_keys=ON")
        # What a purge or an update removes is overwritten, not left in the file's free pages (some
        # builds of SQLite do it by default, the ones of Windows and macOS do not).
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA busy_timeout=30000")
    except sqlite3.Error as exc:
        raise classify(exc, path) from exc
    conn.row_factory = sqlite3.Row
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection,
    path: Path,
    migrations: list[Callable[[sqlite3.Connection], None]] | None = None,
    *,
    key: DataKey | None = None,
) -> int:
    """Bring the database to the latest version, backing it up first when it holds data.

    ``key``: the data key, for the migrations that re-seal (``Keyed``); without it they cannot run.
    """
    steps = MIGRATIONS if migrations is None else migrations
    current = schema_version(conn)
    target = len(steps)
    if current > target:
        raise StorageError(M.tr("db.too_new"))
    if current == target:
        return current
    snapshot: Path | None = None
    if current > 0:
        import secrets

        # Its own name: two commands started at once on an older base each take one (a name to the
        # second made the later one fail with « File exists »).
        moment = f"{clock.utc_now():%Y%m%dT%H%M%S%f}-{secrets.token_hex(3)}"
        snapshot = path.with_name(f"{path.name}.v{current}-{moment}.bak")
        if key is None:  # (a test's, or a migration without the data key: cleared after it, below)
            backup_to(conn, snapshot)
        else:
            seal_snapshot(conn, snapshot, key)
            seal_left_snapshots(path, key)
    for number in range(current + 1, target + 1):
        step = steps[number - 1]
        with _upgrading_elsewhere_said(), transaction(conn):
            # Another process (two commands started at once) may have taken this step meanwhile.
            if schema_version(conn) >= number:
                continue
            if isinstance(step, Keyed):
                if key is None:
                    raise RuntimeError(f"migration {number} needs the data key")
                step.run(conn, key)
            else:
                step(conn)
            conn.execute(f"PRAGMA user_version = {number}")
        log.info("database migrated to schema version %d", number)
    # What the migrations sealed is in the WAL, the file keeping the old pages (values in clear) until SQLite's
    # next checkpoint, a thousand pages of work later: put in the file now, the WAL emptied (found from outside).
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error:
        log.warning("the database could not be checkpointed after its migration")
    if snapshot is not None and key is None:
        scrub_snapshot(snapshot)
    return target


#: How long :func:`forget_removed` waits for the readers of other connections.
CHECKPOINT_WAIT_MS = 3000


def forget_removed(conn: sqlite3.Connection) -> bool:
    """After a case was removed (a draft deleted, a case purged by retention): the database's files emptied
    of it. ``secure_delete`` zeroes what a delete frees in the page SQLite writes next, but with a WAL that
    page goes to the WAL, and the earlier frames holding the row whole stay there (the WAL is written over
    from its start after a checkpoint, never truncated) and in the main file until the next checkpoint:
    found from outside, a deleted draft's sealed identity (openable with the data key) stayed on disk.
    A checkpoint that truncates the WAL puts the zeroed pages in the main file and empties the WAL. It
    waits for readers of other connections a few seconds at most (the window may have asked: not the
    30 s of a write); ``False`` when one kept it from finishing (the next removal or migration tries again)."""
    try:
        conn.execute(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}")
        try:
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            conn.execute("PRAGMA busy_timeout=30000")
    except sqlite3.Error:
        busy = 1
    if busy:
        log.warning("the database could not be checkpointed after a removal: the WAL keeps its old pages for now")
    return not busy


@contextmanager
def _upgrading_elsewhere_said() -> Iterator[None]:
    """A migration step whose write lock another process holds said as such: that process is most likely
    upgrading the same database (migration 25 holds the lock while it pads every photo, some 30 s per
    5 GB), so « busy in another window » misled whoever started a command meanwhile (cron's ``sync``).
    Nothing was done: the step's transaction never began."""
    try:
        yield
    except StorageError as exc:
        cause = exc.__cause__
        if isinstance(cause, sqlite3.OperationalError) and ("locked" in str(cause) or "busy" in str(cause)):
            raise StorageError(M.tr("db.upgrading")) from exc
        raise


M.add(
    {
        "db.upgrading": {
            "fr": "Teleavis met à jour ses données dans une autre fenêtre ou commande de Teleavis (quelques "
            "minutes sur un poste qui garde beaucoup de photos) : réessayez quand elle aura fini. Rien n'a été "
            "modifié.",
            "en": "Teleavis is updating its data in another Teleavis window or command (a few minutes on a "
            "workstation keeping many photos): try again once it is done. Nothing was changed.",
        },
    }
)


#: How a pre-migration snapshot sealed under the data key starts, and what it is sealed under.
_SNAPSHOT_MAGIC = b"TVS1"
_SNAPSHOT_CONTEXT = b"database snapshot before a migration"
_SQLITE_HEADER = b"SQLite format 3\0"


def seal_snapshot(conn: sqlite3.Connection, target: Path, key: DataKey) -> None:
    """The snapshot taken before a migration, sealed under the data key. Found from outside: kept a week
    beside the database in clear, it kept what the migration seals (the photos' hashes, their sizes and
    capture times) readable by whoever held the folder. What it is for, going back from a migration's
    fault, needs the key anyway (the cases are sealed): :func:`open_snapshot` gives it back whole. Copied
    through memory, so nothing of it is ever on disk in clear."""
    memory = sqlite3.connect(":memory:")
    try:
        conn.backup(memory)
        data = memory.serialize()
    except sqlite3.Error as exc:
        raise classify(exc) from exc
    finally:
        memory.close()
    _write_sealed_snapshot(target, data, key)


def _write_sealed_snapshot(target: Path, data: bytes, key: DataKey) -> None:
    from app.fsutil import atomic_write

    def write(handle: Any) -> None:
        handle.write(_SNAPSHOT_MAGIC)
        key.seal_to(data, _SNAPSHOT_CONTEXT, handle)

    atomic_write(target, write)


def _seal_in_place(snapshot: Path, data: bytes, key: DataKey) -> None:
    """``snapshot`` written again with ``data`` sealed under ``key``, keeping the time it was taken: it goes
    a week after that, as it would have gone."""
    taken = snapshot.stat()
    # The file it replaces written over: an earlier version's snapshot in clear, renamed over, left its
    # blocks free on the disk, readable without any key (found from outside).
    with written_over_after(snapshot):
        _write_sealed_snapshot(snapshot, data, key)
    os.utime(snapshot, ns=(taken.st_atime_ns, taken.st_mtime_ns))


def seal_left_snapshots(path: Path, key: DataKey) -> None:
    """Seal in place the pre-migration snapshots earlier versions left in clear beside the database (kept a
    week, from when they were taken); one that cannot be read or written is removed (it holds what the
    migrations sealed)."""
    for snapshot in path.parent.glob(f"{path.name}.v*-*.bak"):
        try:
            with snapshot.open("rb") as handle:
                if handle.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
                    continue
            _seal_in_place(snapshot, snapshot.read_bytes(), key)
        except (OSError, StorageError):
            log.warning("a pre-migration snapshot in clear could not be sealed: removed")
            with contextlib.suppress(OSError):
                write_over(snapshot)
                snapshot.unlink(missing_ok=True)


def reseal_snapshots(path: Path, old: DataKey, new: DataKey) -> None:
    """The pre-migration snapshots beside the database sealed under ``new`` (a key rotation: the old key may
    have leaked), each keeping the time it was taken; one already under it is skipped, one that opens under
    neither is removed (it could only be read with a key that is no longer this folder's)."""
    from app.crypto import DecryptionFailed

    for snapshot in path.parent.glob(f"{path.name}.v*-*.bak"):
        try:
            held = snapshot.read_bytes()
            if held.startswith(_SNAPSHOT_MAGIC):
                body = memoryview(held)[len(_SNAPSHOT_MAGIC) :]
                try:
                    new.open(body, _SNAPSHOT_CONTEXT)
                    continue
                except DecryptionFailed:
                    data = old.open(body, _SNAPSHOT_CONTEXT)
            elif held.startswith(_SQLITE_HEADER):
                data = held
            else:
                continue
            _seal_in_place(snapshot, data, new)
        except (OSError, StorageError, DecryptionFailed):
            log.warning("a pre-migration snapshot could not be sealed under the new key: removed")
            with contextlib.suppress(OSError):
                write_over(snapshot)  # (under the old key, which may have leaked: found in review)
                snapshot.unlink(missing_ok=True)


def open_snapshot(snapshot: Path, key: DataKey, target: Path) -> None:
    """Write to ``target`` the database a pre-migration snapshot holds (sealed, or in clear as earlier
    versions kept it): a database of the version before the migration, to go back from its fault (the
    maintainer guide says how). ``DecryptionFailed`` under another key, ``ValueError`` when it is none."""
    from app.fsutil import atomic_write

    held = snapshot.read_bytes()
    if held.startswith(_SQLITE_HEADER):
        data = held
    elif held.startswith(_SNAPSHOT_MAGIC):
        data = key.open(memoryview(held)[len(_SNAPSHOT_MAGIC) :], _SNAPSHOT_CONTEXT)
    else:
        raise ValueError("not a pre-migration snapshot")
    atomic_write(target, data)


def scrub_snapshot(snapshot: Path) -> None:
    """Clear from a pre-migration snapshot what earlier versions kept in clear and the migrations
    sealed (the platform's words, which may quote the patient; settings that became secret): kept a
    week for a migration's fault, it must not keep them readable meanwhile. Overwritten in place
    (``secure_delete``), then compacted; a snapshot that cannot be cleared is removed (one cleared
    but not compacted, on a nearly full disk, stays: its old pages are overwritten already)."""
    try:
        copy = sqlite3.connect(snapshot)
        try:
            copy.execute("PRAGMA secure_delete = ON")
            with copy:
                columns = {row[1] for row in copy.execute("PRAGMA table_info(cases)")}
                for column in ("business_status", "status_reason", "last_error"):
                    if column in columns:
                        copy.execute(
                            f"UPDATE cases SET {column}=NULL WHERE typeof({column}) = 'text'"  # noqa: S608
                        )
                if {row[1] for row in copy.execute("PRAGMA table_info(outbox)")} >= {"last_error"}:
                    copy.execute("UPDATE outbox SET last_error=NULL WHERE typeof(last_error) = 'text'")
                from app.settings import declared

                for (name,) in copy.execute("SELECT key FROM settings WHERE encrypted = 0").fetchall():
                    setting = declared(name)
                    if setting is not None and setting.secret:
                        copy.execute("DELETE FROM settings WHERE key=?", (name,))
            try:
                copy.execute("VACUUM")  # needs room for a second copy
            except sqlite3.Error:
                log.info("a pre-migration snapshot was cleared but not compacted")
        finally:
            copy.close()
    except (sqlite3.Error, OSError):
        log.warning("a pre-migration snapshot could not be cleared of its words in clear: removed")
        with contextlib.suppress(OSError):
            snapshot.unlink(missing_ok=True)


def backup_to(conn: sqlite3.Connection, target: Path) -> None:
    """A consistent copy of the live database (SQLite online backup), durable on disk, readable by
    this user only."""
    import os

    try:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600))
    except OSError as exc:
        raise storage_error(exc) from exc
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    except sqlite3.Error as exc:
        dest.close()
        target.unlink(missing_ok=True)  # a copy cut short (a full disk) is no copy
        raise classify(exc) from exc
    dest.close()


#: Work to do once the open transaction of a connection commits (by connection id, then by name so
#: one job is done once per transaction); dropped when it rolls back.
_after_commit: dict[int, dict[str, Callable[[], None]]] = {}


def after_commit(conn: sqlite3.Connection, name: str, job: Callable[[], None]) -> None:
    """Run ``job`` after the current ``transaction`` of ``conn`` commits (once per ``name``)."""
    _after_commit.setdefault(id(conn), {})[name] = job


@contextmanager
def read_snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Reads that must see one state of the database: in WAL mode each statement outside a transaction
    sees the latest commit, and another connection may commit between two of them."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (``BEGIN IMMEDIATE``): all or nothing, errors classified."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise classify(exc) from exc
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        _after_commit.pop(id(conn), None)
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                log.exception("rollback failed")
        if isinstance(exc, sqlite3.Error):
            raise classify(exc) from exc
        raise
    for job in _after_commit.pop(id(conn), {}).values():
        try:
            job()
        except Exception:  # the change is committed; what follows it must not undo the caller's work
            log.exception("a job after commit failed")


def classify(exc: sqlite3.Error, path: Path | None = None) -> Exception:
    """Known, expected SQLite failures become ``StorageError`` with advice; others stay bugs.

    ``path``: the database, when it was being opened: an open that fails on a full disk (SQLite cannot
    make its ``-shm``) says so, not "I/O error" or "read-only"."""
    text = str(exc).lower()
    if "disk is full" in text or "database or disk is full" in text:
        return StorageError(M.tr("storage.full"))
    if path is not None and ("disk i/o" in text or "unable to open" in text) and no_space_left(path):
        return StorageError(M.tr("storage.full_open"))
    if "locked" in text or "busy" in text:
        return StorageError(M.tr("db.locked"))
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return StorageError(M.tr("db.corrupt"))
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StorageError(M.tr("storage.readonly"))
    if "disk i/o" in text:
        return StorageError(M.tr("storage.io", reason="I/O"))
    return exc
