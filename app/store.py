"""The encrypted, crash-proof case store: one data directory, one database, one object store.

Blobs are written (durably) before the transaction that refers to them; each change of a case is
one transaction that also appends its audit row. Identifying content is sealed with AES-GCM; only
state, specialty, priority, dates and the patient's initials are kept in clear for the worklist.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import audit, contexts, interruption
from app import messages as M
from app.blobs import ObjectStore
from app.crypto import DataKey, DecryptionFailed
from app.db import (
    BINARY_COLUMNS,
    BINARY_TAG_SCHEMA,
    CHECKS_SCHEMA,
    DB_FILE,
    DESTINATION_SCHEMA,
    DUE_SCHEMA,
    IMAGE_LISTS_SCHEMA,
    MADE_IN_SCHEMA,
    PHOTO_DIGEST_SCHEMA,
    PHOTO_KEY,
    QUESTIONS_SQL,
    SEALED_FACTS_SCHEMA,
    STATE_TAG_SCHEMA,
    ExclusiveConnection,
    binary_tag,
    classify,
    connect,
    message_tag,
    migrate,
    photo_digest,
    read_snapshot,
    read_tag,
    schema_version,
    transaction,
)
from app.errors import AlreadyStored, CaseChanged, DataAltered, InvalidTransition, NotFound, StorageError
from app.fsutil import os_reason, remove_stale
from app.keystore import KeyStore, PassphraseSource, passphrase_from_env_or_terminal
from app.model import (
    EDITABLE_STATES,
    FOLLOWED_STATES,
    PROVISIONAL_REPORT,
    TRANSITIONS,
    AnswerNews,
    CaseState,
    CaseSummary,
    iso,
    shown_id,
    utc_now,
)
from app.paths import data_dir as default_data_dir
from app.settings import Settings, is_training
from app.swap import finish_swap

if TYPE_CHECKING:
    from app.findings import Finding  # the checklist's: loaded with app.validation, never at the window's start

    # A case's record (app/case_record.py): imported where a case is read, never at the window's start.
    from app.model import Answer, Case, CaseImage, DevicePatient, Patient, QualityFinding, ShownNews
    from app.new_image import NewImage as NewImage  # (at run time: __getattr__, at the end)

log = logging.getLogger(__name__)
M.add(
    {
        "image.files_gone": {
            "fr": "Une photo jointe n'a plus son fichier sur ce poste (retiré pendant qu'elle attendait) : rien n'a "
            "été enregistré. Retirez-la, puis joignez-la de nouveau.",
            "en": "A joined photo no longer has its file on this workstation (removed while it waited): nothing was "
            "saved. Take it off, then join it again.",
        },
    }
)
#: The events of an answer that replaces the one kept (``set_answer`` keeps the replaced one).
_REPLACING = frozenset({AnswerNews.AMENDED.value, AnswerNews.WITHDRAWN.value})
#: The alterations already recorded in the audit log by this run (data folder, case, what): each is
#: recorded once, not at every read of the altered item (``Store.altered``).
_ALTERATIONS_RECORDED: set[tuple[str, str | None, str]] = set()
_ALTERATIONS_LOCK = threading.Lock()
#: The event of an answer kept while its report is not signed off (DiagnosticReport preliminary…).
PROVISIONAL_EVENT = "provisional"

#: Columns of ``cases`` holding the platform's free text, sealed (``contexts.platform_words``).
PLATFORM_WORDS = ("business_status", "status_reason", "last_error")
#: Where a case goes (``cases.destination``): the built-in training platform, or the real one. Recorded when
#: the case is made (the mode it is made in), then when it is queued (:meth:`Store.goes_to`). The mode it
#: was made in is also kept apart, never changed (``cases.made_in``, :meth:`Store.made_in_training`).
TRAINING, PLATFORM = "training", "platform"
#: Case states whose outbox row is work to do.
SENDABLE = (CaseState.QUEUED.value, CaseState.SENDING.value)
#: The history's detail of a case put back in the queue because the platform answered that it cannot
#: record it as it stands (409/412: e.g. several Patients under its INS on the transaction, or an image it
#: will not store yet; the words on the case say which): not a network cut, and said so.
HELD_BY_PLATFORM = "conflict"


def _device_patient(data: object) -> DevicePatient | None:
    """The device's patient as an image's sealed labels keep it (none in labels sealed before it was)."""
    from app.model import DevicePatient

    if not isinstance(data, dict):
        return None
    keys = ("name", "birth_date", "patient_id", "sex", "file_number")
    return DevicePatient(**{key: str(data.get(key) or "") for key in keys})


def _fixed_digest(image: CaseImage) -> str:
    """A digest of what an image's row keeps in clear and never changes once stored: its quality
    verdict, type, size, capture time and modality. Kept inside its sealed labels, so that a verdict
    rewritten « ok » in the database (found from outside: an unusable photo then went to the expert),
    or a capture date moved, is refused as altered."""
    import hashlib  # (OpenSSL's digests: not loaded before the window shows)

    fixed = [
        image.content_type,
        image.width,
        image.height,
        image.modality,
        image.captured_at,
        [finding.to_dict() for finding in image.quality],
    ]
    return hashlib.sha256(json.dumps(fixed, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


#: What an image's sealed labels keep from schema 25, its row keeping them blank: its byte size, width,
#: height and capture time, which told whoever held the file and a known photo that it is here, and when
#: it was taken (found from outside, an attacker's pass). Nothing reads them without opening its case.
#: Its quality findings too: their measures (sharpness, exposure, colour cast, its pixels) are made again
#: from a known photo by Teleavis's own code, as good as its hash.
_FACTS = ("size", "width", "height", "captured_at", "quality")


def _facts(image: CaseImage) -> tuple[int, int, int, str, list[dict[str, Any]]]:
    return image.size, image.width, image.height, image.captured_at, [f.to_dict() for f in image.quality]


def sha1_b64(data: bytes) -> str:
    """Base64 SHA-1 of ``data``, as FHIR ``Attachment.hash`` defines it."""
    import hashlib

    return base64.b64encode(hashlib.sha1(data, usedforsecurity=False).digest()).decode("ascii")


#: A case the nurse has not let go yet (``Store.checklist(sending=True)``): still being written.
_NEVER_LET_GO = frozenset({CaseState.DRAFT, CaseState.READY})
#: Made in training mode and not at the real platform now (a worklist row's training mark; dropped on a
#: store whose schema has no ``made_in`` yet).
_MADE_IN_TRAINING = (  # (the states of EDITABLE_STATES)
    " OR (c.made_in = 'training' AND (c.destination IS NOT 'platform' "
    "OR c.state IN ('draft', 'ready', 'needs-attention')))"
)
#: A worklist row's columns (``CaseSummary``), and the same before schema 10 (no answer time yet).
_SUMMARY = (
    "SELECT c.id, c.state, c.specialty, c.priority, c.initials, c.created_at, c.updated_at, c.unread, "  # noqa: S608 - constants only
    "(SELECT COUNT(*) FROM images i WHERE i.case_id = c.id) AS n, c.due_at, "
    # The answer's last news (amended, withdrawn, provisional), read off the case's history for the rows
    # shown only.
    "(SELECT e.kind FROM case_events e WHERE e.case_id = c.id AND e.kind IN ('amended', 'withdrawn', 'provisional') "
    "ORDER BY e.id DESC LIMIT 1), "
    # A training case (Store.training_case): sent to the training platform (cases.destination, migration
    # 16), or made in training mode (cases.made_in, migration 18) and not at the real platform now.
    f"(c.destination = 'training'{_MADE_IN_TRAINING}), "
    # Where it went, for its words: sent to the real platform, the answer is not simulated.
    "c.destination = 'platform' FROM cases c"
)

#: A database snapshot taken before a migration is kept this long: a migration's fault shows in
#: the first days of use; after that it only keeps data (cases since purged among it) for nothing.
MIGRATION_SNAPSHOT_DAYS = 7


def named_by_images(conn: sqlite3.Connection, blobs: Iterable[str]) -> set[str]:
    """Those of ``blobs`` (files of the object store) a case's image row names, as its content or its thumbnail:
    never removed for another row's sake (a reply's photo queued, a file shared with a case still kept)."""
    listed = sorted(set(blobs))
    if not listed:
        return set()
    marks = ",".join("?" * len(listed))
    rows = conn.execute(
        f"SELECT blob FROM images WHERE blob IN ({marks}) "  # noqa: S608 - placeholders only
        f"UNION SELECT thumb_blob FROM images WHERE thumb_blob IN ({marks})",
        (*listed, *listed),
    )
    return {str(row[0]) for row in rows}


def remove_leftovers(root: Path, *, snapshots_older_than_s: float = MIGRATION_SNAPSHOT_DAYS * 86400.0) -> int:
    """Remove what interrupted work left in and beside the data directory, once stale: temp files
    of atomic writes, online-backup snapshots, restore staging and replaced folders, and the
    pre-migration snapshots past their time. Returns how many."""
    removed = remove_stale(root, ".*.tmp") + remove_stale(root, ".backup-*.db*")
    # (A day for a restore's folders: a large archive being unpacked does not touch its top folder.)
    for pattern in (f".{root.name}.restore-*", f".{root.name}.replaced-*"):
        removed += remove_stale(root.parent, pattern, 86400.0)
    removed += remove_stale(root, f"{DB_FILE}.v*-*.bak", snapshots_older_than_s)
    if removed:
        log.info("removed %d leftover file(s) of interrupted work", removed)
    return removed


#: How many tokens ``Store.holds_tokens`` looks up in one statement (under SQLite's oldest parameter limit, 999).
_LOOKUPS_AT_ONCE = 500


class Store:
    def __init__(self, data_dir: Path, key: DataKey, conn: sqlite3.Connection) -> None:
        self.data_dir = data_dir
        self.key = key
        self.conn = conn
        self.objects = ObjectStore(data_dir / "objects", key)
        self.settings = Settings(conn, key)
        #: The shared "in use" lock of an opened store (app/in_use.py); clones and views hold none.
        self.in_use: int | None = None
        # The sealed lists of images came with schema 8; a store is only used on an older schema
        # while it is being built for a migration test (``Store.open`` always migrates first).
        version = schema_version(conn)
        self._image_lists = version >= IMAGE_LISTS_SCHEMA
        #: The expert's answer time and the acts came with schema 10.
        self._due = version >= DUE_SCHEMA
        #: Where a case goes (``cases.destination``) came with schema 16.
        self._destinations = version >= DESTINATION_SCHEMA
        #: The mode a case was made in (``cases.made_in``) came with schema 18.
        self._made_in = version >= MADE_IN_SCHEMA
        #: Each image row's keyed tag (``images.binary_tag``) came with schema 19.
        self._binary_tags = version >= BINARY_TAG_SCHEMA
        #: Messages' states and cases' read marks carry keyed tags from schema 20.
        self._state_tags = version >= STATE_TAG_SCHEMA
        #: The photos' hashes are kept keyed (``db.photo_digest``) from schema 23.
        self._photo_digests = version >= PHOTO_DIGEST_SCHEMA
        #: An image's byte size, width, height and capture time are kept in its sealed labels from schema 25.
        self._sealed_facts = version >= SEALED_FACTS_SCHEMA
        #: Which version of the quality checks made each image's verdict (``images.checks``) from schema 28.
        self._checks_column = version >= CHECKS_SCHEMA
        self._photo_key: str | None = None
        #: The last counts per state (all cases, and the training cases only), with the database's state they were
        #: read at (:meth:`_version`): the worklist asks for them at each refresh, on the window's thread.
        self._counted: dict[bool, tuple[tuple[int, int, int], dict[str, int]]] = {}

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        data_dir: Path | None = None,
        *,
        passphrase: PassphraseSource = passphrase_from_env_or_terminal,
        defer_key: bool = False,
        passphrase_tries: int = 1,
    ) -> Store:
        """Unlock (or, for a new data directory, create) the key, then open and migrate the database.

        ``defer_key``: a key in the OS keyring is fetched on first use (see ``KeyStore.unlock``).
        ``passphrase_tries``: how many times a wrong passphrase is asked again (the window's dialog).
        """
        root = data_dir or default_data_dir()
        try:
            finish_swap(root)  # a restore a crash cut between its two renames: before anything is made
            root.mkdir(parents=True, exist_ok=True)
            if os.name != "nt":
                os.chmod(root, 0o700)
        except OSError as exc:
            # An existing folder it cannot write to (a read-only mount, another account's) was not to be made.
            if root.exists() and not root.is_dir():
                raise StorageError(M.tr("storage.not_a_dir", path=str(root))) from exc
            message = "storage.dir_unusable" if root.is_dir() else "storage.cannot_create"
            raise StorageError(M.tr(message, path=str(root), reason=os_reason(exc))) from exc
        keys = KeyStore(root, passphrase, passphrase_tries)
        db_path = root / DB_FILE
        if keys.exists():
            key = keys.unlock(defer=defer_key)
        else:
            new_folder = not db_path.exists()
            key = keys.create()
            # A key made beside a database already there (its key file deleted) guards what was kept.
            key.made_here = key.made_here and new_folder
        from app import in_use

        in_use_handle = in_use.hold_shared(root)
        conn = connect(db_path)
        try:
            if keys.rotation_pending():
                with in_use.alone(in_use_handle):
                    key = cls._finish_rotation(root, conn, keys, key)
            else:
                migrate(conn, db_path, key=key)
        except BaseException:
            conn.close()
            in_use.release(in_use_handle)
            raise
        remove_leftovers(root)
        store = cls(root, key, conn)
        store.in_use = in_use_handle
        return store

    @staticmethod
    def _finish_rotation(root: Path, conn: sqlite3.Connection, keys: KeyStore, key: DataKey) -> DataKey:
        """A key rotation was interrupted (app/rotation.py): finish it before anything is read."""
        from app import rotation
        from app.errors import DataLocked

        key.ensure()
        next_id, raw = keys.next_key_id(), keys.next_key()
        if next_id is None or raw is None:
            raise DataLocked(M.tr("key.wrong_passphrase"))
        new = DataKey(raw)
        new.by_passphrase = key.by_passphrase  # opened as the old one was (the lock at start goes by it)
        migrate(conn, root / DB_FILE, key=rotation.database_key(conn, key, new, next_id))
        rotation.finish(root, conn, keys, key, new, next_id)
        log.info("an interrupted key rotation was finished")
        return new

    def clone(self) -> Store:
        """Another connection to the same store, for a worker thread (SQLite connections are per thread).

        Not while this one holds the base alone (a full disk: app.db.connect): it would wait, then be
        said busy « by another window »; the disk being full is said at once instead, with the way out:
        freeing space is not enough, this process keeps the base alone until it is closed (found by fault
        injection: a window opened on a full disk, then locked, never opened again, though told to retry)."""
        if isinstance(self.conn, ExclusiveConnection):  # (its own connection is never used from here)
            raise StorageError(M.tr("storage.full_when_opened"))
        return Store(self.data_dir, self.key, connect(self.data_dir / DB_FILE))

    def close(self) -> None:
        self.conn.close()
        if self.in_use is not None:
            from app import in_use

            in_use.release(self.in_use)
            self.in_use = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sealing helpers ---------------------------------------------------------------------

    def _seal_json(self, value: Any, context: str) -> bytes:
        return self.key.seal(json.dumps(value, ensure_ascii=False).encode("utf-8"), context.encode())

    def open_json(self, sealed: bytes, context: str | bytes, case_id: str | None = None) -> Any:
        """Open a sealed JSON value; one that does not open under its context (the key was checked
        at unlock, so it was moved, swapped or rewritten) is refused as altered, with an audit entry."""
        try:
            return json.loads(self.key.open(sealed, context if isinstance(context, bytes) else context.encode()))
        except DecryptionFailed as exc:
            raise self.altered(case_id, "sealed value does not open") from exc

    def altered(self, case_id: str | None, detail: str) -> DataAltered:
        """Record (audit ``altered``) that an item of ``case_id`` was found altered; returns the error to raise.

        Once a run of the program for each item: an altered message is read at every refresh of its case
        and every pass of the sync, and it added an audit entry each time (thousands a day, the entries
        that matter lost among them)."""
        said = (str(self.data_dir), case_id, detail)
        with _ALTERATIONS_LOCK:
            if said in _ALTERATIONS_RECORDED:
                return DataAltered(M.tr("data.altered"))
        log.warning("altered data found in case %s: %s", case_id, detail)
        if not self.conn.in_transaction:
            try:
                with transaction(self.conn) as conn:
                    audit.append(conn, self.key, "altered", case_id, detail=detail)
                with _ALTERATIONS_LOCK:
                    _ALTERATIONS_RECORDED.add(said)
            except StorageError:
                log.warning("could not record the alteration in the audit log")
        return DataAltered(M.tr("data.altered"))

    # -- cases -------------------------------------------------------------------------------

    def create_case(self, case: Case, images: list[NewImage], *, actor: str | None = None) -> str:
        """Store a new case with its images, all or nothing. Returns the case id."""
        stored = self._put_images(images)
        try:
            now = iso(utc_now())
            case.created_at = case.updated_at = now
            case.revision = 1
            # (`case import`: the case committed is the case imported, said so.) Inside the block that removes the
            # files just written: a Ctrl+C not yet handled comes out of it (found in review: the photos were left).
            interruption.finish_from_here()
            with transaction(self.conn) as conn:
                conn.execute(
                    "INSERT INTO cases(id, state, specialty, priority, initials, created_at, updated_at, "
                    "content, revision) VALUES (?,?,?,?,?,?,?,?,1)",
                    (
                        case.id,
                        case.state.value,
                        case.specialty,
                        case.priority,
                        case.patient.initials(),
                        now,
                        now,
                        self._seal_json(case.content(), f"case:{case.id}:content"),
                    ),
                )
                if self._destinations:
                    # The mode it is made in, kept: found from outside, a draft made in training mode (a
                    # fictitious patient) left for the real platform set later, billable, nothing asked.
                    conn.execute("UPDATE cases SET destination=? WHERE id=?", (self.destination_now(), case.id))
                if self._made_in:
                    # And kept apart, never changed (queuing rewrites the destination): found from outside, a
                    # training case queued for the real platform then held back lost its mark, and left
                    # again for a real expert, billable, nothing said.
                    conn.execute("UPDATE cases SET made_in=? WHERE id=?", (self.destination_now(), case.id))
                for position, image in enumerate(stored):
                    self._insert_image(conn, case.id, position, image)
                self._seal_image_list(conn, case.id, [], stored, [])
                self._index(conn, case, new=True)
                self.add_event(conn, case.id, "created", None, case.state.value)
                audit.append(conn, self.key, "created", case.id, actor=actor)
        except BaseException:
            self._discard(stored)
            raise
        case.images = [image.record for image in stored]
        log.info("case %s created with %d image(s)", case.id, len(stored))
        return case.id

    def write_files(self, image: NewImage) -> None:
        """Write an image's content and thumbnail (encrypted, durable) before it is added to its case,
        while its quality checks still run for instance: :meth:`add_images` or :meth:`replace_image` then
        only record it, and remove its files if they refuse it. An image never handed to them is given
        back to :meth:`discard_files`."""
        self._put_images([image])
        image.written = True

    def discard_files(self, image: NewImage) -> None:
        """Remove the files :meth:`write_files` wrote for an image that will not be recorded."""
        self._discard([image])

    def _put_images(self, images: list[NewImage]) -> list[NewImage]:
        # Here, not at the top: the window's start lists cases and stores no image (the capture that made
        # these has loaded it already).
        from app.moments import fhir_date_time

        done: list[NewImage] = []
        try:
            for image in images:
                if image.written:
                    done.append(image)
                    continue
                record = image.record
                record.blob = self.objects.put(image.data)
                record.thumb_blob = self.objects.put(image.thumbnail) if image.thumbnail else None
                record.size = len(image.data)
                record.sha1 = sha1_b64(image.data)
                # Validated here, whatever the source: a time FHIR would refuse never reaches the outbox.
                # A file that gives no time goes with the time of its import (the contract wants one),
                # said as such wherever it is read: given as the time the photo was taken, it would
                # date last week's wound as today's.
                known = fhir_date_time(record.captured_at)
                record.captured_at = known or iso(utc_now())
                record.time_unknown = record.time_unknown or known is None
                done.append(image)
        except BaseException:
            self._discard([*done, images[len(done)]] if len(done) < len(images) else done)
            raise
        return done

    @contextlib.contextmanager
    def _refused_removes(self, written: list[NewImage]) -> Iterator[None]:
        """Files written ahead (:meth:`write_files`) are removed when the store refuses their image."""
        try:
            yield
        except BaseException:
            self._discard(written)
            raise

    def remove_files(self, blobs: Iterable[str], what: str) -> int:
        """After the commit that stopped naming them: write over and remove ``blobs`` (a case deleted or
        purged, a reply's photos taken off or abandoned); one that resists is left to :meth:`collect_orphans`,
        said in the log with ``what`` (never a name). Returns how many went."""
        removed = 0
        for blob in sorted(set(blobs)):
            try:
                self.objects.delete(blob)
                removed += 1
            except StorageError:
                log.warning("%s: a file could not be removed (collect_orphans will)", what)
        return removed

    def _files_there(self, images: list[NewImage]) -> None:
        """Inside the transaction that records them: refuse (``StorageError``) images written ahead whose files
        are gone. Found by fault injection: a reply's photos whose recording failed (a base busy, a disk full
        for a moment) waited in the window alone; named by nothing, their files went with the orphans'
        collection an hour later, and the reply sent then recorded them with no content."""
        for image in images:
            if image.written and not all(
                self.objects.exists(blob) for blob in (image.record.blob, image.record.thumb_blob) if blob
            ):
                raise StorageError(M.tr("image.files_gone"))

    def _discard(self, images: list[NewImage]) -> None:
        """Remove the files of ``images`` the database does not name. Found by a Ctrl+C sent just after a case's
        commit: the clean-up of a failed write ran on a write that had succeeded, and removed the photos of the
        case just made. Named by a committed row (or the base unreadable now), a file stays; one left over in
        error is the orphans' collection's."""
        for image in images:
            image.written = False
            if self._named(image):
                continue
            for blob in (image.record.blob, image.record.thumb_blob):
                if blob:
                    try:
                        self.objects.delete(blob)
                    except StorageError:
                        log.warning("could not remove an unused blob")

    def _named(self, image: NewImage) -> bool:
        """Whether a row of the database names ``image``'s content (read outside a transaction only: inside one,
        a row not yet committed may still be rolled back)."""
        if not image.record.blob or self.conn.in_transaction:
            return False
        try:
            return (
                self.conn.execute("SELECT 1 FROM images WHERE blob=? LIMIT 1", (image.record.blob,)).fetchone()
                is not None
            )
        except sqlite3.Error:
            return True

    def _digest(self, sha1: str | None) -> str | None:
        """A photo's hash as the database keeps it: keyed under the photos' key (sealed as a setting,
        migration 23), so that whoever holds the file cannot tell a photo they have is in it; a digest
        given again is kept as it is (a turned photo's ``source_sha1``, read from its row)."""
        if not sha1 or not self._photo_digests:
            return sha1
        if self._photo_key is None:
            value = self.settings.get(PHOTO_KEY)
            if not isinstance(value, str):
                raise self.altered(None, "the key of the photos' hashes is missing")
            self._photo_key = value
        return photo_digest(self._photo_key, sha1)

    def _insert_image(self, conn: sqlite3.Connection, case_id: str, position: int, image: NewImage) -> None:
        r = image.record
        digest = self._digest(r.sha1)
        # From schema 25 the row's size, width, height and capture time are blank: kept in its sealed labels.
        size, width, height, captured_at, quality = (0, 0, 0, "", []) if self._sealed_facts else _facts(r)
        conn.execute(
            "INSERT INTO images(id, case_id, position, blob, thumb_blob, content_type, size, sha1, width, "
            "height, modality, captured_at, meta, quality) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                r.id,
                case_id,
                position,
                r.blob,
                r.thumb_blob,
                r.content_type,
                size,
                digest,
                width,
                height,
                r.modality,
                captured_at,
                self._image_meta(
                    r, contexts.image_meta(case_id, r.id, r.blob, r.thumb_blob, str(digest), size), r.sha1
                ),
                json.dumps(quality, ensure_ascii=False),
            ),
        )
        if self._checks_column:
            conn.execute("UPDATE images SET checks=? WHERE id=?", (r.checks, r.id))
        if image.source_sha1:  # an imported file rewritten before storing (schema 14 on)
            conn.execute("UPDATE images SET source_sha1=? WHERE id=?", (self._digest(image.source_sha1), r.id))
        if self._binary_tags:
            row = conn.execute(f"SELECT {BINARY_COLUMNS} FROM images WHERE id=?", (r.id,)).fetchone()  # noqa: S608
            conn.execute("UPDATE images SET binary_tag=? WHERE id=?", (binary_tag(self.key, row), r.id))

    def update_platform_copy(
        self, conn: sqlite3.Connection, case_id: str, image_id: str | None = None, **columns: str | None
    ) -> None:
        """Set some of an image's ``binary_id``, ``upload_url``, ``copy_sent`` (of every image of the case
        when ``image_id`` is None), in the caller's transaction, and its row's tag with them. A row whose tag
        did not hold keeps it: an alteration is never made good by the next write."""
        if not columns or not set(columns) <= {"binary_id", "upload_url", "copy_sent"}:
            raise ValueError(sorted(columns))
        which, params = ("id=? AND case_id=?", (image_id, case_id)) if image_id else ("case_id=?", (case_id,))
        rows = conn.execute(
            f"SELECT {BINARY_COLUMNS}, binary_tag FROM images WHERE {which}",  # noqa: S608 - constants only
            params,
        ).fetchall()
        sets = ", ".join(f"{name}=?" for name in columns)
        for row in rows:
            held = self._binary_tags and row["binary_tag"] == binary_tag(self.key, row)
            conn.execute(f"UPDATE images SET {sets} WHERE id=?", (*columns.values(), row["id"]))  # noqa: S608
            if held:
                new = conn.execute(f"SELECT {BINARY_COLUMNS} FROM images WHERE id=?", (row["id"],)).fetchone()  # noqa: S608
                conn.execute("UPDATE images SET binary_tag=? WHERE id=?", (binary_tag(self.key, new), row["id"]))

    def check_platform_copy(self, case_id: str, row: sqlite3.Row) -> None:
        """Refuse an image row whose content or platform copy is not the one written here (``binary_tag``)."""
        if not self._binary_tags:
            return
        values = [row[name.strip()] for name in BINARY_COLUMNS.split(",")]
        if row["binary_tag"] != binary_tag(self.key, values):
            raise self.altered(case_id, f"image {row['id']}: its file or its copy on the platform was changed")

    def _tokens(self, case_id: str, patient: Patient) -> set[str]:
        """The search tokens a case of ``patient`` has (``_index``): always :data:`TOKENS_PER_CASE` or a multiple."""
        # (imported here: the list shows without the search's words and unicodedata, tests/ui/test_start_imports.py)
        from app.search_words import filler_word, padded, patient_words

        real = {self.key.index_token(word) for word in patient_words(patient)}
        return set(padded(real, lambda n: self.key.index_token(filler_word(case_id, n))))

    def stored_tokens(self, case_id: str, content: bytes | None) -> set[str] | None:
        """The search tokens the case holds, made again from its stored (sealed) ``content``; None when that
        does not open (its tokens are then found by ``case_id``, a read of the whole table)."""
        from app.patient import Patient

        if content is None:
            return None
        try:
            data = json.loads(self.key.open(content, contexts.case_content(case_id)))
            return self._tokens(case_id, Patient(**dict(data.get("patient", {}))))
        except (DecryptionFailed, ValueError, TypeError, AttributeError):
            return None

    def drop_tokens(self, conn: sqlite3.Connection, case_id: str, tokens: set[str] | None) -> bool:
        """Delete ``tokens`` of ``case_id``, each by the table's key (token, case). The table is keyed by token
        (a case's tokens are not together), so a delete by case alone reads the whole table (found in review:
        40 ms at 3 000 cases, on each autosave). Returns False, nothing deleted, when ``tokens`` is None or not
        all of them are there: the caller then deletes by case (``WHERE case_id = ?``), a read of it all."""
        if tokens is None:
            return False
        conn.execute("SAVEPOINT drop_tokens")  # inside the caller's transaction: all of them, or none
        deleted = sum(
            conn.execute("DELETE FROM search_tokens WHERE token = ? AND case_id = ?", (token, case_id)).rowcount
            for token in sorted(tokens)
        )
        if deleted != len(tokens):
            conn.execute("ROLLBACK TO drop_tokens")
            conn.execute("RELEASE drop_tokens")
            return False
        conn.execute("RELEASE drop_tokens")
        return True

    def _index(self, conn: sqlite3.Connection, case: Case, stored: bytes | None = None, *, new: bool = False) -> None:
        """Keyed tokens of the patient's names and ids, so the worklist can search without decrypting.

        ``stored``: the case's content as it was before this save. The tokens it had are made again from it and
        only those gone are deleted, each by the table's key; an autosave that left the patient as he was
        writes nothing. A ``new`` case has none yet. A content that does not open, or tokens not as it says:
        all of the case's are deleted (a read of the whole table) and made again."""
        tokens = self._tokens(case.id, case.patient)
        if not new:
            was = self.stored_tokens(case.id, stored)
            if was == tokens and self.holds_tokens(conn, case.id, tokens):
                return  # (an autosave, the patient as he was: nothing written)
            if was is None or was == tokens or not self.drop_tokens(conn, case.id, was - tokens):
                log.warning("case %s: its search words are not those of its content; made again", case.id)
                conn.execute("DELETE FROM search_tokens WHERE case_id = ?", (case.id,))
        conn.executemany(
            "INSERT OR IGNORE INTO search_tokens(case_id, token) VALUES (?, ?)", [(case.id, t) for t in sorted(tokens)]
        )

    @staticmethod
    def holds_tokens(conn: sqlite3.Connection, case_id: str, tokens: set[str]) -> bool:
        """Whether ``case_id`` has every one of ``tokens``, each looked up by the table's key. Asked
        :data:`_LOOKUPS_AT_ONCE` at a time: a patient's names pasted by mistake give thousands of tokens, more
        parameters than a statement takes in some builds of SQLite (999 before 3.32; found in review)."""
        ordered = sorted(tokens)
        found = 0
        for start in range(0, len(ordered), _LOOKUPS_AT_ONCE):
            part = ordered[start : start + _LOOKUPS_AT_ONCE]
            listed = ",".join("?" * len(part))
            found += conn.execute(
                f"SELECT COUNT(*) FROM search_tokens WHERE case_id = ? AND token IN ({listed})",  # noqa: S608
                (case_id, *part),
            ).fetchone()[0]
        return found == len(tokens)

    def checklist(self, case: Case, *, named: bool = True, window: bool = True, sending: bool = False) -> list[Finding]:
        """The case's checklist (``validation.validate_case``) with what only the workstation's other cases
        tell: an INS or a file number that already stands here for another patient, named when ``named``
        (on screen), else by the case only (a command's output may end in a log or a mail). Not ``window``:
        what to do is said for a terminal (``case show``). ``sending``: run again as a queued case is sent
        (``sync.engine``): the other cases it is compared with are those the nurse has let go at least once, not
        a draft still being written, whose own checklist says the conflict when it is sent (found in review: a new
        case's file number typed before its names, autosaved, sent every queued case of that number back « à
        corriger » at the next pass, with nothing on it to correct). One sent back to her is still compared: of
        two queued cases of one number and two patients, the second does not leave once the first is back."""
        from app.site import load_requester
        from app.validation import (
            demo_images,
            image_elsewhere,
            same_ins_elsewhere,
            same_local_id_elsewhere,
            validate_case,
        )

        case = self._files_gone_said(case)
        p = case.patient
        by_ins = self.cases_sharing(p.ins, "ins", other_than=case.id) if p.ins else []
        by_local = self.cases_sharing(p.local_id, "local_id", other_than=case.id) if p.local_id else []
        if sending:
            by_ins = [other for other in by_ins if other.state not in _NEVER_LET_GO]
            by_local = [other for other in by_local if other.state not in _NEVER_LET_GO]
        return [
            *validate_case(case, load_requester(self.settings)),
            # A demo camera's still never reaches a real expert (tests/app/test_demo_image_refused.py).
            *(demo_images(case.images) if self.goes_to(case.id) == PLATFORM else []),
            *same_ins_elsewhere(case, by_ins, named=named),
            *same_local_id_elsewhere(case, by_local, named=named),
            *(
                image_elsewhere(number, holder, there, named=named, window=window)
                for number, holder, there in self.images_elsewhere(case)
            ),
        ]

    def _files_gone_said(self, case: Case) -> Case:
        """``case`` with its images' files looked for (:meth:`files_gone_said`), so the checklist of the window
        and of ``case send`` refuses it: found from outside, queued, the sync held it then."""
        if case.state not in EDITABLE_STATES:
            return case
        from dataclasses import replace  # (not loaded by the window's start: the list reads no case)

        return replace(case, images=self.files_gone_said(case.images))

    def files_gone_said(self, images: list[CaseImage]) -> list[CaseImage]:
        """``images``, each one whose file is no longer on this workstation's disk given the finding of one that
        could not be checked again for that (``capture.rechecks``: blocking, to retake or remove), in memory
        only: the checklist and the image's tile and findings say it. Its file looked for, never read (a
        damaged one is said when it is sent: ``sync.engine``)."""
        from dataclasses import replace

        from app.model import RECHECKS_CHECK, UNREADABLE_KEY, QualityFinding

        gone = {
            image.id
            for image in images
            if image.blob.isalnum()
            and not any(finding.key == UNREADABLE_KEY for finding in image.quality)
            and not self.objects.exists(image.blob)
        }
        if not gone:
            return images
        said = QualityFinding.said(RECHECKS_CHECK, "blocking", UNREADABLE_KEY)
        return [replace(image, quality=[*image.quality, said]) if image.id in gone else image for image in images]

    def cases_sharing(self, value: str, field: str, *, other_than: str) -> list[Case]:
        """The other cases here whose patient's ``field`` (``ins``, ``local_id``) is ``value``, found by
        its keyed search token, then read to compare."""
        from app.search_words import id_word

        wanted = value.replace(" ", "").upper()
        token = self.key.index_token(id_word(value))
        rows = self.conn.execute(
            "SELECT case_id FROM search_tokens WHERE token = ? AND case_id <> ?", (token, other_than)
        ).fetchall()
        found = []
        for (case_id,) in rows:
            try:
                case = self.get_case(str(case_id))
            except (NotFound, DataAltered):
                continue
            if str(getattr(case.patient, field) or "").replace(" ", "").upper() == wanted:
                found.append(case)
        return found

    def resolve_id(self, given: str) -> str:
        """The full case id from the id or an unambiguous prefix of at least 4 characters."""
        text = given.strip().lower()
        row = self.conn.execute("SELECT id FROM cases WHERE id = ?", (text,)).fetchone()
        if row:
            return str(row[0])
        if len(text) >= 4:
            rows = self.conn.execute("SELECT id FROM cases WHERE id LIKE ? LIMIT 2", (text + "%",)).fetchall()
            if len(rows) == 1:
                return str(rows[0][0])
            if len(rows) > 1:
                raise NotFound(M.tr("case.ambiguous", id=given))
        raise NotFound(M.tr("case.not_found", id=given))

    def get_case(self, case_id: str, *, audit_view: bool = False, actor: str | None = None) -> Case:
        from app.model import Case

        row = self.conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise NotFound(M.tr("case.not_found", id=case_id))
        case = Case(
            id=row["id"],
            state=CaseState(row["state"]),
            specialty=row["specialty"],
            priority=row["priority"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            revision=row["revision"],
        )
        content = self.open_json(row["content"], contexts.case_content(case.id), case.id)
        for column in ("specialty", "priority"):
            # Found from outside: a specialty or priority changed in the database went out as the case's
            # (an urgent request sent as routine). Cases sealed before carry neither: nothing to compare.
            if column in content and content[column] != row[column]:
                raise self.altered(case.id, f"its {column} is not the one sealed with its content")
        case.set_content(content)
        case.images = list(self.images(case.id))
        if audit_view:
            self.record_view(case.id, actor=actor)
        return case

    def record_view(self, case_id: str, *, actor: str | None = None) -> None:
        """Audit that someone opened the case (the window writes it off its main thread)."""
        with transaction(self.conn) as conn:
            audit.append(conn, self.key, "viewed", case_id, actor=actor)

    def record_handed_out(self, case_id: str, detail: str, *, actor: str | None = None) -> None:
        """Audit that the case's report left Teleavis from the window (opened in another program, printed),
        as ``case export --pdf`` audits its file."""
        with transaction(self.conn) as conn:
            audit.append(conn, self.key, "exported", case_id, detail=detail, actor=actor)

    # -- the sealed list of a case's images -----------------------------------------------------

    def _image_list(
        self, case_id: str, conn: sqlite3.Connection | None = None, *, row: sqlite3.Row | None = None
    ) -> list[list[str]]:
        """The case's sealed list of its images ([id, sha1], sorted); refused as altered when missing.
        ``row``: its ``images_seal`` as already read (in the same snapshot as the image rows)."""
        if not self._image_lists:
            return []
        if row is None:
            row = (conn or self.conn).execute("SELECT images_seal FROM cases WHERE id=?", (case_id,)).fetchone()
        if row is None:
            raise NotFound(M.tr("case.not_found", id=case_id))
        if row[0] is None:
            raise self.altered(case_id, "the list of images is missing")
        listed = self.open_json(row[0], contexts.case_images(case_id), case_id)
        return [[str(a), str(b)] for a, b in listed]

    def _seal_image_list(
        self, conn: sqlite3.Connection, case_id: str, listed: list[list[str]], added: list[NewImage], removed: list[str]
    ) -> None:
        """Write the case's new list from its previous one (never from the rows, which could hold an
        image moved in from elsewhere): ``listed`` plus ``added`` minus ``removed``."""
        if not self._image_lists:
            return
        kept = [item for item in listed if item[0] not in set(removed)]
        new = sorted(kept + [[image.record.id, str(self._digest(image.record.sha1))] for image in added])
        conn.execute(
            "UPDATE cases SET images_seal=? WHERE id=?",
            (self.key.seal(json.dumps(new).encode(), contexts.case_images(case_id)), case_id),
        )

    def _rows_and_seal(self, query: str, case_id: str) -> tuple[list[sqlite3.Row], sqlite3.Row | None]:
        """The case's image rows (``query``) and its sealed list, read in one snapshot: read one after
        the other, an image added from another window in between made the case read as altered
        (« Données altérées »). Judged after the snapshot, so an alteration is recorded in the audit."""
        if not self._image_lists:  # (a store before migration 8 has no sealed lists)
            return self.conn.execute(query, (case_id,)).fetchall(), None
        with read_snapshot(self.conn):
            rows = self.conn.execute(query, (case_id,)).fetchall()
            seal = self.conn.execute("SELECT images_seal FROM cases WHERE id=?", (case_id,)).fetchone()
        return rows, seal

    def _checked_image_list(
        self, case_id: str, rows: list[sqlite3.Row] | None = None, seal: sqlite3.Row | None = None
    ) -> list[list[str]]:
        """The case's sealed list, once checked against its image rows (an image moved in or out, or
        deleted, outside Teleavis: refused as altered). ``rows`` and ``seal``: as read together."""
        if rows is None:
            rows, seal = self._rows_and_seal("SELECT id, sha1 FROM images WHERE case_id = ?", case_id)
        listed = self._image_list(case_id, row=seal)
        if self._image_lists and sorted([row["id"], row["sha1"]] for row in rows) != listed:
            raise self.altered(case_id, "its images are not the ones it holds")
        return listed

    def images(self, case_id: str) -> Iterator[CaseImage]:
        from app.model import CaseImage, QualityFinding

        rows, seal = self._rows_and_seal("SELECT * FROM images WHERE case_id = ? ORDER BY position", case_id)
        self._checked_image_list(case_id, rows, seal)
        for row in rows:
            meta = self.open_json(row["meta"], self._meta_context(case_id, row), case_id)
            self.check_platform_copy(case_id, row)
            image = CaseImage(
                id=row["id"],
                body_site=meta.get("body_site", ""),
                eye=meta.get("eye"),
                view=meta.get("view", ""),
                note=meta.get("note", ""),
                device=meta.get("device", ""),
                time_unknown=bool(meta.get("time_unknown", False)),
                owner_checked=bool(meta.get("owner_checked", False)),
                taken_here=bool(meta.get("taken_here", False)),
                device_patient=_device_patient(meta.get("device_patient")),
                content_type=row["content_type"],
                # (in its sealed labels from schema 25, its row's blank)
                width=int(meta.get("width", row["width"])),
                height=int(meta.get("height", row["height"])),
                size=int(meta.get("size", row["size"])),
                sha1=str(meta.get("sha1") or row["sha1"]),  # (keyed in its row from schema 23)
                captured_at=str(meta.get("captured_at", row["captured_at"])),
                modality=row["modality"],
                quality=[QualityFinding.from_dict(f) for f in meta.get("quality", json.loads(row["quality"]))],
                checks=int(row["checks"]) if self._checks_column else 0,
                blob=row["blob"],
                thumb_blob=row["thumb_blob"],
                binary_id=row["binary_id"],
            )
            if "size" in meta and (row["width"], row["height"], row["captured_at"], row["quality"]) != (0, 0, "", "[]"):
                # Blank since schema 25, the labels holding them: one written there was written outside Teleavis.
                raise self.altered(case_id, f"image {row['id']}: its size, date or verdict was written in its row")
            fixed = meta.get("fixed")  # absent from labels sealed before it was kept: read as they are
            if fixed is not None and fixed != _fixed_digest(image):
                raise self.altered(case_id, f"image {row['id']}: its verdict, size, date or kind was changed")
            yield image

    def image(self, case_id: str, image_id: str) -> CaseImage:
        """One image of the case, as stored now (its labels as last saved)."""
        for image in self.images(case_id):
            if image.id == image_id:
                return image
        raise NotFound(M.tr("image.not_found"))

    @staticmethod
    def _meta_context(case_id: str, row: sqlite3.Row) -> bytes:
        """What an image's labels are bound to: its case, id, blobs, hash and size, as the row says."""
        return contexts.image_meta(case_id, row["id"], row["blob"], row["thumb_blob"], row["sha1"], row["size"])

    def image_bytes(self, image: CaseImage) -> bytes:
        """The image's content, checked against the hash its (bound) labels were sealed with."""
        try:
            data = self.objects.get(image.blob)
        except DataAltered as exc:
            raise self.altered(None, f"image {image.id}: its file does not open under its id") from exc
        if image.sha1 and sha1_b64(data) != image.sha1:
            raise self.altered(None, f"image {image.id}: content does not match its hash")
        return data

    def update_case(
        self, case: Case, *, images: bool = True, actor: str | None = None, revision: int | None = None
    ) -> None:
        """Save the edited content and image notes of an editable case (one transaction).

        ``images=False`` leaves the images' labels alone: the window saves those one image at a time
        (:meth:`update_image_labels`), and the editor's copy of them may be older. ``revision``: the
        revision the copy was read at; a case saved since by someone else (another window, another
        process) is :class:`CaseChanged`, nothing written over it. Its state and revision are read inside
        the write's transaction: a ``case send`` in between cannot have its checked content rewritten."""
        now = iso(utc_now())
        bound = {image.id: self._bound_context(case.id, image.id) for image in case.images} if images else {}
        with transaction(self.conn) as conn:
            row = conn.execute("SELECT state, revision, content FROM cases WHERE id = ?", (case.id,)).fetchone()
            if row is None:
                raise NotFound(M.tr("case.not_found", id=case.id))
            if CaseState(row["state"]) not in EDITABLE_STATES:
                raise InvalidTransition(M.tr("case.not_editable"))
            if revision is not None and row["revision"] != revision:
                raise CaseChanged(M.tr("case.changed_elsewhere"))
            conn.execute(
                "UPDATE cases SET specialty=?, priority=?, initials=?, content=?, updated_at=?, "
                "revision=revision+1 WHERE id=?",
                (
                    case.specialty,
                    case.priority,
                    case.patient.initials(),
                    self._seal_json(case.content(), f"case:{case.id}:content"),
                    now,
                    case.id,
                ),
            )
            for image in case.images if images else ():
                found = bound[image.id]
                if found is not None:
                    conn.execute(
                        "UPDATE images SET meta=? WHERE id=? AND case_id=?",
                        (self._image_meta(image, *found), image.id, case.id),
                    )
            self._index(conn, case, row["content"])
            audit.append(conn, self.key, "edited", case.id, actor=actor)
        case.updated_at = now
        case.revision = row["revision"] + 1

    def add_images(
        self,
        case_id: str,
        images: list[NewImage],
        *,
        actor: str | None = None,
        patient: Patient | None = None,
        then: Callable[[sqlite3.Connection], None] | None = None,
        joined_to_reply: bool = False,
    ) -> None:
        """Add images at the end of the case: an editable one, checked in the transaction that adds them
        (a ``case send`` run beside the window may have queued it since the window showed it: a photo
        added then would be on the case's record and never reach the expert), or, ``joined_to_reply``,
        a followed case whose expert is answered with them.

        With the case's ``patient`` (an import), an image already in this case, or in the case of
        another patient, is refused (:class:`AlreadyStored`), nothing added: the same file twice is
        a re-export, and in two patients' cases one of them is wrong. Checked in the transaction
        that adds it, so two imports of one file at the same instant cannot both pass. ``then``
        writes what goes with the images in the same transaction (a reply that takes them): both
        are stored, or neither.

        ``joined_to_reply``: the photos written ahead are those of the reply begun (app/reply_drafts.py),
        which stops naming them in the same transaction; refused, their files stay with that reply (found:
        a reply refused, or a full disk at its sending, lost the photos a nurse had taken for it)."""
        ahead = [image for image in images if image.written]
        with self._refused_removes([] if joined_to_reply else ahead):
            self._checked_image_list(case_id)  # refuse an altered case before writing any file
        stored = self._put_images(images)
        kept = {id(image) for image in ahead} if joined_to_reply else set()
        try:
            with transaction(self.conn) as conn:
                if not joined_to_reply:
                    self._editable(case_id)
                self._files_there(stored)
                if patient is not None:
                    for image in stored:
                        self._refuse_copy(case_id, image, patient)
                # Read again inside the transaction: another window or command may have added an
                # image meanwhile, and a list built from the earlier read would drop it.
                listed = self._checked_image_list(case_id)
                row = conn.execute(
                    "SELECT COALESCE(MAX(position), -1) FROM images WHERE case_id=?", (case_id,)
                ).fetchone()
                for offset, image in enumerate(stored, start=row[0] + 1):
                    self._insert_image(conn, case_id, offset, image)
                self._seal_image_list(conn, case_id, listed, stored, [])
                conn.execute("UPDATE cases SET updated_at=? WHERE id=?", (iso(utc_now()), case_id))
                audit.append(conn, self.key, "edited", case_id, detail=f"+{len(stored)} image(s)", actor=actor)
                if joined_to_reply:
                    from app import reply_drafts  # (it imports this module)

                    reply_drafts.recorded(self, case_id, [image.record.id for image in stored])
                if then is not None:
                    then(conn)
        except BaseException:
            self._discard([image for image in stored if id(image) not in kept])
            raise

    def _image_meta(self, image: CaseImage, context: bytes, sha1: str, facts: dict[str, Any] | None = None) -> bytes:
        """The image's sealed labels; ``sha1``: its content's hash (base64 SHA-1), kept here from schema
        23, its row keeping it keyed only; ``facts``: its size, dimensions, capture time and findings as its
        labels hold them already (schema 25), kept as they are whatever the caller's copy says."""
        meta: dict[str, Any] = {
            "body_site": image.body_site,
            "eye": image.eye,
            "view": image.view,
            "note": image.note,
            "device": image.device,
        }
        if image.time_unknown:
            meta["time_unknown"] = True
        if image.owner_checked:
            meta["owner_checked"] = True
        if image.taken_here:  # (absent otherwise: labels sealed as an older release reads them)
            meta["taken_here"] = True
        if image.device_patient is not None:  # sealed: another patient's identity, maybe
            from dataclasses import asdict

            meta["device_patient"] = asdict(image.device_patient)
        meta["fixed"] = _fixed_digest(image)
        if self._photo_digests:
            meta["sha1"] = sha1
        if self._sealed_facts:
            meta.update(zip(_FACTS, _facts(image), strict=True))
            meta.update(facts or {})
        return self.key.seal(json.dumps(meta, ensure_ascii=False).encode("utf-8"), context)

    def _bound_context(self, case_id: str, image_id: str) -> tuple[bytes, str, dict[str, Any]] | None:
        """The context an image's labels are sealed under, once they are checked to open under it, its
        content's hash and the facts they keep (``None`` when the case has no such image); refuses labels
        moved or swapped."""
        row = self.conn.execute(
            "SELECT id, blob, thumb_blob, sha1, size, meta FROM images WHERE id=? AND case_id=?", (image_id, case_id)
        ).fetchone()
        if row is None:
            return None
        context = self._meta_context(case_id, row)
        meta = self.open_json(row["meta"], context, case_id)
        return context, str(meta.get("sha1") or row["sha1"]), {name: meta[name] for name in _FACTS if name in meta}

    def update_image_labels(self, case_id: str, image: CaseImage, *, actor: str | None = None) -> None:
        """Save one image's body site / eye / view / note without rewriting the case's content."""
        if self.state(case_id) not in EDITABLE_STATES:
            raise InvalidTransition(M.tr("case.not_editable"))
        found = self._bound_context(case_id, image.id)
        if found is None:
            raise NotFound(M.tr("image.not_found"))
        with transaction(self.conn) as conn:
            self._editable(case_id)  # as it is now: a case send beside the window may have queued it since
            done = conn.execute(
                "UPDATE images SET meta=? WHERE id=? AND case_id=?",
                (self._image_meta(image, *found), image.id, case_id),
            ).rowcount
            if not done:
                raise NotFound(M.tr("image.not_found"))
            conn.execute("UPDATE cases SET updated_at=? WHERE id=?", (iso(utc_now()), case_id))
            audit.append(conn, self.key, "edited", case_id, detail=f"image {image.id}", actor=actor)

    def update_image_checks(
        self,
        case_id: str,
        image: CaseImage,
        quality: list[QualityFinding],
        modality: str,
        *,
        checks: int | None = None,
        actor: str | None = None,
    ) -> CaseImage:
        """Save an image's quality findings and modality made again (its case's specialty was changed, or the
        checks since its verdict: ``checks``, their version), its bytes and labels as they are; returns the
        image as stored now."""
        if self.state(case_id) not in EDITABLE_STATES:
            raise InvalidTransition(M.tr("case.not_editable"))
        found = self._bound_context(case_id, image.id)
        if found is None:
            raise NotFound(M.tr("image.not_found"))
        context, sha1, facts = found
        current = self.image(case_id, image.id)  # its labels as last saved, not the caller's copy
        from dataclasses import replace

        checked = replace(current, quality=list(quality), modality=modality)
        if checks is not None:
            checked.checks = checks
        if "quality" in facts:
            facts = {**facts, "quality": [finding.to_dict() for finding in checked.quality]}
        row_quality = [] if self._sealed_facts else [finding.to_dict() for finding in checked.quality]
        with transaction(self.conn) as conn:
            self._editable(case_id)  # as it is now: a case send beside the window may have queued it since
            done = conn.execute(
                "UPDATE images SET meta=?, quality=?, modality=? WHERE id=? AND case_id=?",
                (
                    self._image_meta(checked, context, sha1, facts),
                    json.dumps(row_quality, ensure_ascii=False),
                    modality,
                    image.id,
                    case_id,
                ),
            ).rowcount
            if not done:
                raise NotFound(M.tr("image.not_found"))
            if self._checks_column:
                conn.execute("UPDATE images SET checks=? WHERE id=?", (checked.checks, image.id))
            conn.execute("UPDATE cases SET updated_at=? WHERE id=?", (iso(utc_now()), case_id))
            audit.append(conn, self.key, "edited", case_id, detail=f"image {image.id} checked again", actor=actor)
        return checked

    def mark_checked(self, case_id: str, image_ids: Iterable[str], checks: int) -> int:
        """Record that the verdict of ``image_ids`` is that of the checks of version ``checks`` (made again,
        they said the same: nothing else of the image or its case changes). Only in an editable case; returns
        how many were marked."""
        if not self._checks_column:
            return 0
        marked = 0
        with transaction(self.conn) as conn:
            self._editable(case_id)
            for image_id in image_ids:
                marked += conn.execute(
                    "UPDATE images SET checks=? WHERE id=? AND case_id=? AND checks<?",
                    (checks, image_id, case_id, checks),
                ).rowcount
        return marked

    def replace_image(
        self, case_id: str, old_id: str, new: NewImage, *, turned: bool = False, actor: str | None = None
    ) -> None:
        """A retake (or the same photo ``turned`` by the user): the new image takes the old one's place,
        in one transaction, in a case still editable. A new image is uploaded again: the platform's copy
        of the old one (its Binary id, on a case back for correction) is not this one.

        A turned photo is still known by the file it came from (its ``source_sha1``, else its old hash):
        the same file imported again, or taken into another patient's case, is still found."""
        with self._refused_removes([new] if new.written else []):
            self._editable(case_id)
            row = self.conn.execute(
                "SELECT position, blob, thumb_blob, sha1, source_sha1 FROM images WHERE id=? AND case_id=?",
                (old_id, case_id),
            ).fetchone()
            if row is None:
                raise NotFound(M.tr("image.not_found"))
            self._checked_image_list(case_id)
        if turned:
            new.source_sha1 = row["source_sha1"] or row["sha1"]
        stored = self._put_images([new])
        try:
            with transaction(self.conn) as conn:
                self._editable(case_id)  # as it is now: the engine may have taken the case meanwhile
                self._files_there(stored)
                listed = self._checked_image_list(case_id)  # as it is now, not before the files were written
                if not conn.execute("DELETE FROM images WHERE id=? AND case_id=?", (old_id, case_id)).rowcount:
                    raise NotFound(M.tr("image.not_found"))
                self._insert_image(conn, case_id, row["position"], stored[0])
                self._seal_image_list(conn, case_id, listed, stored, [old_id])
                conn.execute("UPDATE cases SET updated_at=? WHERE id=?", (iso(utc_now()), case_id))
                what = "turned" if turned else "retaken"
                audit.append(conn, self.key, "edited", case_id, detail=f"image {old_id} {what}", actor=actor)
        except BaseException:
            self._discard(stored)
            raise
        for blob in (row["blob"], row["thumb_blob"]):
            if blob:
                self.objects.delete(blob)

    def _editable(self, case_id: str) -> None:
        """Refuse to change the images of a case that has left (or is leaving)."""
        if self.state(case_id) not in EDITABLE_STATES:
            raise InvalidTransition(M.tr("case.not_editable"))

    def delete_image(self, case_id: str, image_id: str, *, actor: str | None = None) -> None:
        row = self.conn.execute(
            "SELECT blob, thumb_blob FROM images WHERE id=? AND case_id=?", (image_id, case_id)
        ).fetchone()
        if row is None:
            raise NotFound(M.tr("image.not_found"))
        with transaction(self.conn) as conn:
            listed = self._checked_image_list(case_id)
            self._editable(case_id)  # as it is now: a case send beside the window may have queued it
            conn.execute("DELETE FROM images WHERE id=?", (image_id,))
            self._seal_image_list(conn, case_id, listed, [], [image_id])
            audit.append(conn, self.key, "deleted", case_id, detail=f"image {image_id}", actor=actor)
        for blob in (row["blob"], row["thumb_blob"]):
            if blob:
                self.objects.delete(blob)

    # -- state -------------------------------------------------------------------------------

    def transition(
        self,
        case_id: str,
        to_state: CaseState,
        *,
        detail: str = "",
        audit_action: str | None = None,
        actor: str | None = None,
        conn: sqlite3.Connection | None = None,
    ) -> CaseState:
        """Move a case to ``to_state`` (one transaction, or inside the caller's ``conn`` transaction)."""
        if conn is None:
            with transaction(self.conn) as own:
                return self.transition(
                    case_id, to_state, detail=detail, audit_action=audit_action, actor=actor, conn=own
                )
        row = conn.execute("SELECT state FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise NotFound(M.tr("case.not_found", id=case_id))
        current = CaseState(row[0])
        if to_state == current:
            return current
        if to_state not in TRANSITIONS[current]:
            raise InvalidTransition(
                M.tr("case.bad_transition", state=M.state_name(current), target=M.state_name(to_state))
            )
        conn.execute("UPDATE cases SET state=?, updated_at=? WHERE id=?", (to_state.value, iso(utc_now()), case_id))
        self.add_event(conn, case_id, "state", current.value, to_state.value, detail)
        if audit_action:
            audit.append(conn, self.key, audit_action, case_id, detail=detail, actor=actor)
        return current

    def queue(self, case_id: str, *, reduced: bool = False, actor: str | None = None) -> None:
        """Validated case → ready → queued, with its outbox row (each step its own transaction).

        ``reduced``: its photos go as reduced copies, chosen in the same transaction (a sync running
        beside cannot send an original first); a choice made before stays."""
        state = self.state(case_id)
        if state in (CaseState.DRAFT, CaseState.NEEDS_ATTENTION):
            self.transition(case_id, CaseState.READY, detail="validated")
        with transaction(self.conn) as conn:
            self.transition(case_id, CaseState.QUEUED, audit_action="queued", actor=actor, conn=conn)
            now = iso(utc_now())
            conn.execute(
                "INSERT INTO outbox(case_id, queued_at, next_attempt_at, reduced) VALUES (?,?,?,?) "
                "ON CONFLICT(case_id) DO UPDATE SET next_attempt_at=excluded.next_attempt_at, last_error=NULL, "
                "platform_wait=0, too_large=NULL, reduced=MAX(reduced, excluded.reduced)",
                (case_id, now, now, int(reduced)),
            )
            # Where it goes is decided now: the engine never sends it to the other platform (sync.engine).
            conn.execute("UPDATE cases SET last_error=NULL, destination=? WHERE id=?", (self.goes_to(case_id), case_id))

    def destination_now(self) -> str:
        """Where a case made or queued now goes: :data:`TRAINING` (the built-in sandbox) or :data:`PLATFORM`."""
        return TRAINING if is_training(self.settings.get) else PLATFORM

    def goes_to(self, case_id: str) -> str:
        """Where the case would go were it queued now: a case made (or once queued) for the real platform
        goes there only, waiting while training mode is on (a real patient never reaches the training
        expert, whose answer is made up); any other to the platform the settings name now. A case made in
        training mode goes to the real platform only once the user said it is a real patient (the window
        and ``case send`` ask: :meth:`prepared_in_training`)."""
        return PLATFORM if self.destination(case_id) == PLATFORM else self.destination_now()

    def prepared_in_training(self, case_id: str) -> bool:
        """Whether the case was made (or queued) in training mode, a fictitious patient, while the settings
        name a real platform now: it leaves for it only once the user said it is a real patient, asked at
        every sending (a case held back and sent again is asked again)."""
        return self.made_in_training(case_id) and self.destination_now() != TRAINING

    def training_case(self, case_id: str) -> bool:
        """A training case, as the worklist marks it and the JSON outputs say (``training``): sent to the
        training platform, or made in training mode (a fictitious patient) and not queued or sent to the
        real platform. Found in review: once the user confirmed a real patient and it left for the real
        platform, its answer is a real expert's, and a « [Formation] » mark could have it dismissed. Held
        back, it is one again (and asked about again: :meth:`prepared_in_training`)."""
        row = self.conn.execute("SELECT destination, state FROM cases WHERE id=?", (case_id,)).fetchone()
        if row is None:
            return False
        if row[0] == TRAINING:
            return True
        editable = row[1] in {state.value for state in EDITABLE_STATES}
        return self.made_in_training(case_id) and (row[0] != PLATFORM or editable)

    def made_in_training(self, case_id: str) -> bool:
        """Made in training mode (a fictitious patient, a test INS), or sent to the training platform; for good,
        wherever it is queued or sent after (the question at every sending, the case's line)."""
        if self._made_in:
            row = self.conn.execute("SELECT made_in, destination FROM cases WHERE id=?", (case_id,)).fetchone()
            return row is not None and TRAINING in (row[0], row[1])
        return self.destination(case_id) == TRAINING

    def kept_for_real_platform(self, case_id: str) -> bool:
        """Whether the case was made (or queued) for the real platform while training mode is on now: queued,
        it waits for the end of training mode (:meth:`goes_to`)."""
        return self.destination(case_id) == PLATFORM and self.destination_now() != PLATFORM

    def held_by_platform(self) -> list[str]:
        """The cases waiting to be sent because the platform answered that it cannot record them yet.
        (Here, not in app.outbox, which the window's start does not load: the worklist asks it.)"""
        rows = self.conn.execute(
            # From the outbox (a few rows), not from every case in a sendable state: CROSS JOIN keeps that
            # order (found by the 10 000-case worklist benchmark, each refresh asking it).
            "SELECT c.id FROM outbox o CROSS JOIN cases c ON c.id = o.case_id WHERE c.state IN (?, ?) AND "
            "(SELECT e.detail FROM case_events e WHERE e.case_id = c.id AND e.kind = 'state' "
            "ORDER BY e.id DESC LIMIT 1) = ? ORDER BY o.queued_at",
            (*SENDABLE, HELD_BY_PLATFORM),
        ).fetchall()
        return [str(r[0]) for r in rows]

    def followed_on(self, destination: str) -> int:
        """How many cases sent to ``destination`` wait for the platform's news (followed states): followed
        only while the settings name that platform (sync/follow.py). Counted, nothing opened."""
        marks = ",".join("?" * len(FOLLOWED_STATES))
        row = self.conn.execute(
            f"SELECT COUNT(*) FROM cases WHERE destination = ? AND state IN ({marks})",  # noqa: S608
            (destination, *(state.value for state in FOLLOWED_STATES)),
        ).fetchone()
        return int(row[0])

    def destination(self, case_id: str) -> str | None:
        """Where the case was queued to go, else the mode it was made in (:data:`TRAINING`: a training
        case, a fictitious patient); None when made and queued before this was recorded."""
        if not self._destinations:
            return None
        row = self.conn.execute("SELECT destination FROM cases WHERE id=?", (case_id,)).fetchone()
        return str(row[0]) if row and row[0] else None

    def state(self, case_id: str) -> CaseState:
        row = self.conn.execute("SELECT state FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise NotFound(M.tr("case.not_found", id=case_id))
        return CaseState(row[0])

    def add_event(
        self,
        conn: sqlite3.Connection,
        case_id: str,
        kind: str,
        from_state: str | None,
        to_state: str | None,
        detail: str = "",
    ) -> None:
        conn.execute(
            "INSERT INTO case_events(case_id, at, kind, from_state, to_state, detail) VALUES (?,?,?,?,?,?)",
            (case_id, iso(utc_now()), kind, from_state, to_state, detail),
        )

    def history(self, case_id: str) -> list[dict[str, Any]]:
        return [
            dict(row)
            for row in self.conn.execute(
                "SELECT at, kind, from_state, to_state, detail FROM case_events WHERE case_id=? ORDER BY id", (case_id,)
            )
        ]

    def platform_info(self, case_id: str) -> dict[str, Any]:
        row = self.conn.execute(
            "SELECT task_id, request_id, task_version, platform_status, business_status, status_reason, "
            "last_error, unread FROM cases WHERE id=?",
            (case_id,),
        ).fetchone()
        if row is None:
            raise NotFound(M.tr("case.not_found", id=case_id))
        info = dict(row)
        if self._state_tags and not info["unread"]:
            news = self.conn.execute(
                f"SELECT c.read_tag, c.answer, {QUESTIONS_SQL} FROM cases c WHERE c.id=?",  # noqa: S608
                (case_id,),
            ).fetchone()
            info["unread"] = int(self.shown_unread(case_id, 0, news[0], news[1], news[2]))
        for column in PLATFORM_WORDS:
            info[column] = self.open_words(info[column], contexts.platform_words(case_id, column), case_id)
        # The business status in the user's language when the platform coded it in a way known here,
        # else its own words; ``business_code`` lets a report say it in another language.
        from app import business_status  # the case's page and its report: not needed to list the cases

        status = business_status.read(info["business_status"])
        info["business_status"] = status.words() if status else None
        info["business_code"] = status.code if status else None
        return info

    # Free text from the platform (its statuses, a refusal's reason, an OperationOutcome's words) may
    # quote the patient: it is sealed like the case's content (migration 6 sealed older values).

    def seal_words(self, text: str | None, context: bytes) -> bytes | None:
        """``text`` sealed for a column of free text (None stays None)."""
        return None if text is None else self.key.seal(text.encode("utf-8"), context)

    def open_words(self, value: Any, context: bytes, case_id: str | None = None) -> str | None:
        if value is None:
            return None
        try:
            sealed = value.encode() if isinstance(value, str) else bytes(value)  # clear text does not open
            return self.key.open(sealed, context).decode("utf-8")
        except DecryptionFailed as exc:
            raise self.altered(case_id, "sealed platform words do not open") from exc

    def set_platform_words(self, conn: sqlite3.Connection, case_id: str, **words: str | None) -> None:
        """Set some of ``business_status``, ``status_reason``, ``last_error`` (sealed), in the caller's
        transaction."""
        for column, text in words.items():
            if column not in PLATFORM_WORDS:
                raise ValueError(column)
            # The column name is one of PLATFORM_WORDS, never a value.
            conn.execute(
                f"UPDATE cases SET {column}=? WHERE id=?",  # noqa: S608
                (self.seal_words(text, contexts.platform_words(case_id, column)), case_id),
            )

    def answer(self, case_id: str) -> Answer | None:
        from app.model import Answer

        row = self.conn.execute("SELECT answer FROM cases WHERE id=?", (case_id,)).fetchone()
        if row is None or row[0] is None:
            return None
        return Answer.from_dict(self.open_json(row[0], contexts.case_answer(case_id), case_id))

    def set_answer(
        self, conn: sqlite3.Connection, case_id: str, answer: Answer, *, event: str | None = None, news: bool = True
    ) -> None:
        """Keep the expert's answer (sealed) and show it as unread; ``event`` (e.g. ``amended``) goes to the
        case's history. The case's last change is now: the list, newest first, shows it at the top.

        An answer that replaces another (``event`` amended or withdrawn) keeps it in ``earlier``; any
        other keeps the versions already kept (a part that came later completes, it replaces nothing).
        ``news`` False: the same answer kept under the platform's new version, still read, nothing said."""
        from dataclasses import asdict, replace

        from app.model import Answer

        row = conn.execute("SELECT answer FROM cases WHERE id=?", (case_id,)).fetchone()
        previous: Answer | None = None
        read_held = False  # (news False) the case was read with the answer it held: still read with this one
        if not news and self._state_tags:
            mark = conn.execute(
                f"SELECT c.unread, c.read_tag, c.answer, {QUESTIONS_SQL} FROM cases c WHERE c.id=?",  # noqa: S608
                (case_id,),
            ).fetchone()
            read_held = mark is not None and not mark[0] and not self.shown_unread(case_id, *mark)
        if row is not None and row[0] is not None:
            previous = Answer.from_dict(self.open_json(row[0], contexts.case_answer(case_id), case_id))
            if event in _REPLACING:
                answer = replace(answer, earlier=[previous.as_earlier(), *previous.earlier])
            elif not answer.earlier:
                answer = replace(answer, earlier=previous.earlier)
        conn.execute(
            "UPDATE cases SET answer=? WHERE id=?",
            (
                self.key.seal(
                    json.dumps(asdict(answer), ensure_ascii=False).encode("utf-8"), contexts.case_answer(case_id)
                ),
                case_id,
            ),
        )
        if not news:
            if read_held:
                kept = conn.execute(
                    f"SELECT c.answer, {QUESTIONS_SQL} FROM cases c WHERE c.id=?",  # noqa: S608 - constants only
                    (case_id,),
                ).fetchone()
                conn.execute(
                    "UPDATE cases SET read_tag=? WHERE id=?", (read_tag(self.key, case_id, kept[0], kept[1]), case_id)
                )
            return
        self.mark_news(conn, case_id)
        if event:
            self.add_event(conn, case_id, event, None, None)
            audit.append(conn, self.key, "answered", case_id, detail=event)
        if answer.report_status in PROVISIONAL_REPORT and (
            previous is None or previous.report_status not in PROVISIONAL_REPORT or event in _REPLACING
        ):
            # Not signed off yet: the list says so (a final version comes as an amendment).
            self.add_event(conn, case_id, PROVISIONAL_EVENT, None, None)

    @staticmethod
    def mark_news(conn: sqlite3.Connection, case_id: str) -> None:
        """Something came for the requester to read (an answer, a question, a withdrawal): unread, and
        changed now, so that the list, newest first, shows it at the top."""
        conn.execute("UPDATE cases SET unread=1, updated_at=? WHERE id=?", (iso(utc_now()), case_id))

    def mark_read(self, case_id: str, *, seen: ShownNews | None = None) -> bool:
        """Mark the case's news read; with ``seen``, only while the case is still as it was shown (an
        answer amended, an expert's question or a change of state stored since stays unread). True when
        marked."""
        from app.model import Answer, ShownNews

        with transaction(self.conn) as conn:
            if seen is not None:
                row = conn.execute("SELECT state, answer FROM cases WHERE id=?", (case_id,)).fetchone()
                if row is None:
                    return False
                stored = (
                    None
                    if row[1] is None
                    else Answer.from_dict(self.open_json(row[1], contexts.case_answer(case_id), case_id))
                )
                questions = tuple(
                    sorted(
                        shown_id(str(r[0]), r[1] == "withdrawn")
                        for r in conn.execute(
                            "SELECT id, state FROM messages WHERE case_id=? AND direction='from-expert'", (case_id,)
                        )
                    )
                )
                if ShownNews(CaseState(row[0]), stored, questions) != seen:
                    return False
            conn.execute("UPDATE cases SET unread=0 WHERE id=?", (case_id,))
            if self._state_tags:  # read with this news: the mark holds only with it (``shown_unread``)
                news = conn.execute(
                    f"SELECT c.answer, {QUESTIONS_SQL} FROM cases c WHERE c.id=?",  # noqa: S608 - constants only
                    (case_id,),
                ).fetchone()
                tag = read_tag(self.key, case_id, news[0], news[1])
                conn.execute("UPDATE cases SET read_tag=? WHERE id=?", (tag, case_id))
            # When the requester saw the expert's answer or question is what a health unit is asked first.
            audit.append(conn, self.key, "read", case_id, detail="news read")
        return True

    def message_state_holds(self, row: sqlite3.Row) -> bool:
        """Whether a message row's state (and platform id) is the one written here (``messages.state_tag``)."""
        if not self._state_tags:
            return True
        values = (row["case_id"], row["id"], row["direction"], row["state"], row["platform_id"])
        return bool(row["state_tag"] == message_tag(self.key, values))

    def set_message_state(
        self,
        conn: sqlite3.Connection,
        message_id: str,
        state: str | None = None,
        *,
        force: bool = False,
        **columns: Any,
    ) -> None:
        """Set a message's ``state`` (and ``platform_id``, in ``columns``) with its tag, in the caller's
        transaction. A row whose tag did not hold keeps it (an alteration is not made good by the next
        write) unless ``force``: the state written is the safe one (a reply set aside as not sent)."""
        if state is not None:
            columns["state"] = state
        if not set(columns) <= {"state", "platform_id"}:
            raise ValueError(sorted(columns))
        row = conn.execute("SELECT * FROM messages WHERE id=?", (message_id,)).fetchone()
        if row is None:
            return
        held = self.message_state_holds(row)
        if columns:
            sets = ", ".join(f"{name}=?" for name in columns)
            conn.execute(f"UPDATE messages SET {sets} WHERE id=?", (*columns.values(), message_id))  # noqa: S608
        if self._state_tags and (held or force):
            new = conn.execute(
                "SELECT case_id, id, direction, state, platform_id FROM messages WHERE id=?", (message_id,)
            ).fetchone()
            conn.execute("UPDATE messages SET state_tag=? WHERE id=?", (message_tag(self.key, new), message_id))

    def shown_unread(self, case_id: str, unread: object, tag: object, answer: object, questions: object) -> bool:
        """Whether a case is to be shown unread: marked so, or marked read without the tag of the news it
        holds (the mark cleared in the database, or news come since), shown unread: fail safe."""
        if unread or not self._state_tags or (answer is None and not questions):
            return bool(unread)
        return tag != read_tag(self.key, case_id, answer if isinstance(answer, bytes) else None, str(questions or ""))

    def recheck_read_marks(self) -> int:
        """Put back unread the cases marked read without the tag of the news they hold (cleared in the
        database without the key), each recorded as altered: the unread count and the tray say them
        again. Run by the sync's pass and before retention archives what was read. Returns how many."""
        if not self._state_tags:
            return 0
        rows = self.conn.execute(
            f"SELECT c.id, c.read_tag, c.answer, {QUESTIONS_SQL} FROM cases c WHERE c.unread = 0 "  # noqa: S608
            "AND (c.answer IS NOT NULL OR EXISTS (SELECT 1 FROM messages m WHERE m.case_id = c.id "
            "AND m.direction = 'from-expert'))"
        ).fetchall()
        found = [str(r[0]) for r in rows if self.shown_unread(str(r[0]), 0, r[1], r[2], r[3])]
        for case_id in found:
            with transaction(self.conn) as conn:
                conn.execute("UPDATE cases SET unread=1 WHERE id=?", (case_id,))
                audit.append(conn, self.key, "altered", case_id, detail="its news was marked read outside Teleavis")
            log.warning("altered data found in case %s: its news was marked read outside Teleavis", case_id)
        return len(found)

    def _refuse_copy(self, case_id: str, image: NewImage, patient: Patient) -> None:
        """Raise :class:`AlreadyStored` when ``image`` (its stored bytes, or the file it came from) is
        already in ``case_id``, or in the case of a patient other than ``patient``. Another request
        for the same patient may take the same photo again."""
        held = self.copy_held(case_id, image, patient)
        if held is not None:
            holder, number, same_case = held
            conflict = False
            if not same_case:
                try:
                    conflict = self.get_case(holder).patient.identity_conflict(patient)
                except (NotFound, DataAltered):  # (copy_held read it a moment ago)
                    conflict = False
            raise AlreadyStored(holder, number, same_case, conflict)

    def copy_held(
        self, case_id: str, image: NewImage, patient: Patient, *, same_patient: bool = False
    ) -> tuple[str, int, bool] | None:
        """Where ``image`` (its bytes, or the file it came from) already is: in ``case_id``, or in the case
        of a patient other than ``patient`` — (case id, its number there, whether it is ``case_id``).
        With ``same_patient``: in another case of ``patient``'s instead."""
        # Known once stored; asked before, for an import. Compared as the rows keep them: keyed.
        own = str(self._digest(image.record.sha1 or sha1_b64(image.data)))
        source = self._digest(image.source_sha1) or own
        # (An image already stored is not its own copy: asked for it by ``images_elsewhere``.)
        rows = self.conn.execute(
            "SELECT case_id, (SELECT COUNT(*) FROM images AS before WHERE before.case_id = images.case_id "
            "AND before.position <= images.position) FROM images WHERE (sha1 IN (?, ?) OR source_sha1 IN (?, ?)) "
            "AND id <> ? ORDER BY case_id <> ?",
            (own, source, own, source, image.record.id, case_id),
        ).fetchall()
        for holder, number in rows:
            if holder == case_id:
                if same_patient:
                    continue
                return holder, int(number), True
            try:
                other = self.get_case(holder)
            except (NotFound, DataAltered):
                continue  # set aside wherever it is read (and audited there): it stops no other case
            if other.patient.same_person(patient) == same_patient:
                return holder, int(number), False
        return None

    def images_elsewhere(self, case: Case) -> list[tuple[int, Case, int]]:
        """(its number here, the other case, its number there) of each image of ``case`` that is also in
        the case of another patient, and that the nurse has not confirmed as this patient's. The window
        refuses such a photo at its import; a case file takes it (it comes from another program), and the
        case then says it until the photo is removed or confirmed. The same rule as the import's
        (:meth:`copy_held`)."""
        from app.new_image import NewImage

        found: list[tuple[int, Case, int]] = []
        asked = [image for image in case.images if not image.owner_checked and image.sha1]
        if not asked:
            return found
        # One query for the images with a copy in another case and none in this one (a copy here comes
        # first and answers « this case »): only those are asked as the import asks. A case opened asked
        # two queries for each of its images, on the window's thread.
        values = ", ".join("(?, ?)" for _ in asked)
        copied = {
            str(row[0])
            for row in self.conn.execute(
                f"WITH mine(id, own) AS (VALUES {values}) "  # noqa: S608 - placeholders only
                "SELECT mine.id FROM mine JOIN images AS me ON me.id = mine.id AND me.case_id = ? "
                "JOIN images AS other ON other.id <> mine.id "
                "AND (other.sha1 IN (mine.own, COALESCE(NULLIF(me.source_sha1, ''), mine.own)) "
                "OR other.source_sha1 IN (mine.own, COALESCE(NULLIF(me.source_sha1, ''), mine.own))) "
                "GROUP BY mine.id HAVING MAX(other.case_id = me.case_id) = 0",
                (*(part for image in asked for part in (image.id, self._digest(image.sha1))), case.id),
            )
        }
        for number, image in enumerate(case.images, start=1):
            if image.owner_checked or not image.sha1 or image.id not in copied:
                continue
            row = self.conn.execute(
                "SELECT source_sha1 FROM images WHERE id=? AND case_id=?", (image.id, case.id)
            ).fetchone()
            if row is None:  # not stored (yet)
                continue
            held = self.copy_held(case.id, NewImage(image, b"", source_sha1=row[0]), case.patient)
            if held is None or held[2]:
                continue
            try:
                found.append((number, self.get_case(held[0]), held[1]))
            except (NotFound, DataAltered):  # altered since: set aside, it stops no other case
                continue
        return found

    def mark_unread(self, case_id: str) -> bool:
        """Put a case's news back to unread (a nurse keeps an answer for the doctor): only a case with
        news to read, an answer or an expert's message. True when marked."""
        with transaction(self.conn) as conn:
            marked = conn.execute(
                "UPDATE cases SET unread=1 WHERE id=? AND (answer IS NOT NULL OR EXISTS (SELECT 1 FROM messages "
                "WHERE messages.case_id = cases.id AND direction='from-expert'))",
                (case_id,),
            ).rowcount
            if marked == 1:
                audit.append(conn, self.key, "read", case_id, detail="put back unread")
        return marked == 1

    # -- worklist ----------------------------------------------------------------------------

    def list_cases(
        self,
        *,
        states: list[str] | None = None,
        search: str | None = None,
        limit: int | None = None,
        training_only: bool = False,
    ) -> list[CaseSummary]:
        """Worklist rows, most recently changed first, without decrypting anything; ``training_only``: the
        training cases only (``CaseSummary.training``), what the window lists while training mode is on.

        ``search`` matches the start of the case id, or the patient's names and ids through the keyed
        search tokens (every word must match; an INS or a file number also typed whole, with its
        spaces or dashes: ``app/search_words.py``). The indexes carry the full order (migration 2), so a
        page costs about the same at 100 cases as at 10 000.
        """
        # SQL below is built from constant fragments and placeholders only: every value is a parameter.
        columns = self._summary_columns()
        where: list[str] = []
        params: list[Any] = []
        text = (search or "").strip().lower()
        if text:
            from app.search_words import typed_words

            words, whole = typed_words(text)
            # The whole text without its separators, when it is not already the one word: an INS typed
            # in groups, a file number typed with its dash or a space (app/search_words.py).
            wholes = [whole] if whole and [whole] != words else []
            # The matching ids first (an id range on the primary key, an identifier typed whole, the
            # words' tokens intersected), so only the matches are sorted, not every case walked.
            match = "SELECT id FROM cases WHERE id >= ? AND id < ?"
            if wholes:
                match += " UNION SELECT case_id FROM search_tokens WHERE token = ?"
            if words:
                tokens = " INTERSECT ".join(["SELECT case_id FROM search_tokens WHERE token = ?"] * len(words))
                match += f" UNION SELECT case_id FROM ({tokens})"  # noqa: S608 - placeholders only
            match_params = [
                text,
                text[:-1] + chr(ord(text[-1]) + 1),
                *(self.key.index_token(w) for w in [*wholes, *words]),
            ]
            # Many matches (a common name, dense among the cases): walk the cases newest first and stop
            # at the page's end (the unary + keeps SQLite from sorting every match). Fewer: look them
            # up and sort them, which is what a search for one patient does.
            dense = 4 * int(limit or 0)
            many = (
                bool(limit)
                and self.conn.execute(
                    f"SELECT COUNT(*) FROM ({match} LIMIT {dense + 1})",  # noqa: S608 - placeholders only
                    match_params,
                ).fetchone()[0]
                > dense
            )
            if many:
                # Each case walked is checked on its own (point lookups), so the walk ends with the page
                # instead of first gathering every match.
                has = "EXISTS (SELECT 1 FROM search_tokens WHERE token = ? AND case_id = c.id)"
                found = ["+c.id >= ? AND +c.id < ?", *([has] if wholes else [])]
                if words:
                    found.append("(" + " AND ".join([has] * len(words)) + ")")
                where.append("(" + " OR ".join(found) + ")")
            else:
                where.append(f"c.id IN ({match})")
            params.extend(match_params)
        if states:
            marks = ",".join("?" * len(states))
            # The same choice for a filter of several states: when they are common, walk the cases
            # newest first and stop at the page's end; when rare, read them off the state index and sort.
            dense = 4 * int(limit or 0)
            common = (
                len(states) > 1
                and bool(limit)
                and self.conn.execute(
                    f"SELECT COUNT(*) FROM (SELECT 1 FROM cases WHERE state IN ({marks}) LIMIT {dense + 1})",  # noqa: S608
                    states,
                ).fetchone()[0]
                > dense
            )
            where.insert(0, f"{'+' if common else ''}c.state IN ({marks})")
            params[:0] = states
        if training_only:
            where.append(self._training_sql())
        sql = columns + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY c.updated_at DESC, c.id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        try:
            rows = self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise classify(exc) from exc
        return [self._summary(r) for r in rows]

    # -- the expert's promised answer time (issue 16.8) -------------------------------------------

    def set_due(self, conn: sqlite3.Connection, case_id: str, due_at: str) -> None:
        """Keep when the expert's answer is due (in the caller's transaction)."""
        conn.execute("UPDATE cases SET due_at=? WHERE id=?", (due_at, case_id))

    def due_at(self, case_id: str) -> str | None:
        if not self._due:
            return None
        row = self.conn.execute("SELECT due_at FROM cases WHERE id=?", (case_id,)).fetchone()
        if row is None:
            raise NotFound(M.tr("case.not_found", id=case_id))
        return None if row[0] is None else str(row[0])

    def overdue(self, states: list[str] | None = None) -> list[CaseSummary]:
        """The cases whose expert's answer is overdue, the longest overdue first (a few rows, found
        off the partial index of migration 10)."""
        if not self._due:
            return []
        waiting = [s for s in ("sent", "received", "accepted", "in-progress") if not states or s in states]
        if not waiting:
            return []
        rows = self.conn.execute(
            "SELECT id FROM cases INDEXED BY cases_due WHERE due_at IS NOT NULL "
            "AND state IN ('sent', 'received', 'accepted', 'in-progress') AND due_at < ? ORDER BY due_at",
            (iso(utc_now()),),
        ).fetchall()
        ids = [str(r[0]) for r in rows]
        found = {c.id: c for c in self._summaries(ids)}
        return [found[i] for i in ids if i in found and found[i].state in waiting]

    def _training_sql(self) -> str:
        """The condition a training case meets (``CaseSummary.training``, :meth:`training_case`)."""
        made_in = _MADE_IN_TRAINING if self._made_in else ""
        return f"(c.destination = 'training'{made_in})" if self._destinations else "0"

    def _summary_columns(self) -> str:
        """``_SUMMARY`` without the columns the schema does not have yet (a migration test's store)."""
        columns = _SUMMARY if self._due else _SUMMARY.replace("c.due_at", "NULL")
        if not self._made_in:
            columns = columns.replace(_MADE_IN_TRAINING, "")
        if not self._destinations:
            columns = columns.replace("c.destination = 'training'", "0").replace("c.destination = 'platform'", "0")
        if self._state_tags:  # what the read mark is checked against (``shown_unread``)
            head, _, tail = columns.rpartition(" FROM cases c")
            columns = f"{head}, c.read_tag, c.answer, {QUESTIONS_SQL} FROM cases c{tail}"
        return columns

    def _summary(self, row: Sequence[Any]) -> CaseSummary:
        """A worklist row, shown unread when its read mark does not hold (``shown_unread``). Before the data
        key is fetched (the window draws the worklist first) the marks are shown as stored: checking them
        would fetch it from the keyring; the sync's pass checks them once it is there."""
        summary = _summary(row)
        if (
            self._state_tags
            and not summary.unread
            and self.key.loaded
            and self.shown_unread(summary.id, 0, row[13], row[14], row[15])
        ):
            return summary._replace(unread=True)
        return summary

    def _summaries(self, ids: list[str]) -> list[CaseSummary]:
        out: list[CaseSummary] = []
        columns = self._summary_columns()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self.conn.execute(f"{columns} WHERE c.id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
            out += [self._summary(r) for r in rows]
        return out

    def patients(self, case_ids: list[str]) -> dict[str, Patient]:
        """The patients of these cases, decrypted: what the window's worklist shows for the rows it
        has on screen (a page, not every case). A case whose content does not decrypt is left out."""
        from app.patient import Patient

        found: dict[str, Patient] = {}
        for start in range(0, len(case_ids), 500):
            chunk = case_ids[start : start + 500]
            rows = self.conn.execute(
                f"SELECT id, content FROM cases WHERE id IN ({','.join('?' * len(chunk))})",  # noqa: S608
                chunk,
            ).fetchall()
            for case_id, content in rows:
                try:
                    found[case_id] = Patient(**self.open_json(content, f"case:{case_id}:content").get("patient", {}))
                except StorageError:
                    log.warning("a case's content could not be decrypted for the worklist")
        return found

    def unread_count(self, *, training_only: bool = False) -> int:
        """Cases whose answer or question has not been read yet (of the training cases only with
        ``training_only``)."""
        training = f" AND {self._training_sql()}" if training_only else ""
        return int(
            self.conn.execute(
                f"SELECT COUNT(*) FROM cases c INDEXED BY cases_unread WHERE c.unread = 1{training}"  # noqa: S608 - constants only
            ).fetchone()[0]
        )

    def unread_states(self, *, training_only: bool = False) -> set[str]:
        """The states of the cases with something unread (an answer, a question, a withdrawal); of the
        training cases only with ``training_only``."""
        training = f" AND {self._training_sql()}" if training_only else ""
        return {
            str(row[0])
            for row in self.conn.execute(
                f"SELECT DISTINCT c.state FROM cases c INDEXED BY cases_unread WHERE c.unread = 1{training}"  # noqa: S608 - constants only
            )
        }

    def _version(self) -> tuple[int, int, int]:
        """The database's state as this connection sees it: the rows it changed (``total_changes``, triggers'
        included, even uncommitted) and what other connections committed (``PRAGMA data_version``: the sync's
        thread, a command run beside the window). Equal twice, nothing was written between."""
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return id(self.conn), self.conn.total_changes, int(version)

    def replies_waiting(self) -> int:
        """How many replies to the expert wait to leave (counted, nothing opened): the status bar's « En attente
        d'envoi » counts them with the cases (found from outside: a reply said waiting in its exchange, the bar
        said 0)."""
        row = self.conn.execute("SELECT COUNT(*) FROM messages WHERE direction='to-expert' AND state='queued'")
        return int(row.fetchone()[0])

    def counts(self, *, training_only: bool = False) -> dict[str, int]:
        """Cases per state, from the table the triggers of migration 3 keep (``training_only``: the training
        cases', counted off the cases themselves), read again only once the database has changed: while training
        mode is on the worklist counts at each refresh, 0.6 ms for 10 000 cases each time, on the window's thread."""
        version = self._version()
        kept = self._counted.get(training_only)
        if kept is not None and kept[0] == version:
            return dict(kept[1])
        if training_only:
            rows = self.conn.execute(
                f"SELECT c.state, COUNT(*) FROM cases c WHERE {self._training_sql()} GROUP BY c.state"  # noqa: S608 - constants only
            )
            counted = {str(row[0]): int(row[1]) for row in rows}
        else:
            counted = {row[0]: row[1] for row in self.conn.execute("SELECT state, n FROM case_counts WHERE n > 0")}
        if not self.conn.in_transaction:  # a rollback does not take back the total changes: counts read inside
            self._counted[training_only] = (version, counted)  # one may not stand (found in review)
        return dict(counted)

    def referenced_blobs(self) -> set[str]:
        from app.model import Answer

        refs: set[str] = set()
        for blob, thumb in self.conn.execute("SELECT blob, thumb_blob FROM images"):
            refs.add(blob)
            if thumb:
                refs.add(thumb)
        for sealed, case_id in self.conn.execute("SELECT answer, id FROM cases WHERE answer IS NOT NULL"):
            refs.update(Answer.from_dict(self.open_json(sealed, contexts.case_answer(case_id), case_id)).blobs())
        from app import reply_drafts  # (it imports this module)

        refs.update(reply_drafts.photo_blobs(self))  # the photos joined to a reply begun: kept, backed up
        return refs

    def collect_orphans(self, older_than_s: float = 3600.0) -> int:
        return self.objects.collect_orphans(self.referenced_blobs(), older_than_s)


def _summary(row: Sequence[Any]) -> CaseSummary:
    """A worklist row from a row of ``_SUMMARY``."""
    return CaseSummary(
        id=row[0],
        state=row[1],
        specialty=row[2],
        priority=row[3],
        initials=row[4],
        created_at=row[5],
        updated_at=row[6],
        unread=bool(row[7]),
        image_count=row[8],
        due_at=row[9],
        answer_news=row[10] if len(row) > 10 else None,
        training=bool(row[11]) if len(row) > 11 else False,
        to_platform=bool(row[12]) if len(row) > 12 else False,
    )


def __getattr__(name: str) -> Any:
    if name == "NewImage":
        from app.new_image import NewImage

        return NewImage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
