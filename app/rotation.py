"""Data-key rotation: a new data key, and everything sealed or keyed re-made under it.

What depends on the data key, and is re-made here:
- sealed values: cases.content, .answer and .images_seal (the list of its images), the platform's
  words (cases.business_status, .status_reason, .last_error, outbox.last_error), images.meta (with an
  image's size, dimensions and capture time: migration 25), the hash, size and dimensions inside
  images.copy_sent (migrations 24, 25), messages.body, secret settings;
- keyed tags: every settings row's tag, every image row's tag (``images.binary_tag``), every message's
  state tag, every case's read mark (over its re-sealed answer), the search tokens, the audit chain
  and its head file;
- the blobs in ``objects/`` (images, thumbnails, PDFs), written padded (app/blobs.py), those of the
  unpadded format too; the snapshots kept a week after a migration (``db.reseal_snapshots``).
The training sandbox's store (fictitious patients, made up again at will) is not re-sealed: the
command erases it once the rotation is done, and it erases itself when it finds another key
(sync/sandbox/storage.py), after a rotation a kill interrupted.

Crash safety (a kill -9 at any moment leaves a working key):
1. key.json records the next key beside the current one (one atomic write). From here on, opening
   the store finishes the rotation before anything else (``Store.open`` → ``resume``).
2. Each blob is re-sealed in place (atomic rename); one already under the next key is skipped.
3. One SQLite transaction re-seals and re-tags the database and writes a marker (the next key's
   id): the database is wholly under the old key or wholly under the next.
4. The audit head file is re-sealed; 5. key.json makes the next key the key (atomic write).
Before 1 the old key works, after 5 the new one; in between, the next open completes the steps.

Nothing altered is laundered: a setting whose tag does not hold, a sealed value that does not open
or an audit row past a broken link keep a tag that fails under the new key too. A sealed-looking
value in a column this module does not know stops the rotation before its transaction commits.
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app import audit, contexts
from app import messages as M
from app.blobs import _MAGIC, open_sealed, padded, padded_size, write_sealed
from app.crypto import DataKey, DecryptionFailed
from app.db import (
    BINARY_COLUMNS,
    DB_FILE,
    QUESTIONS_SQL,
    binary_tag,
    forget_removed,
    message_tag,
    read_tag,
    reseal_copy_sent,
    reseal_snapshots,
    transaction,
)
from app.errors import StorageError
from app.fsutil import NO_SPACE, atomic_write, written_over_after
from app.keystore import KeyStore
from app.settings import Settings, row_tag

if TYPE_CHECKING:
    from app.model import Case
    from app.store import Store

log = logging.getLogger(__name__)

MARKER = "state.key_id"
#: (table, column) of every value sealed with the data key; anything else that looks sealed stops
#: the rotation (a new sealed column must be added here and re-sealed below).
_PLATFORM_WORDS = ("business_status", "status_reason", "last_error")
SEALED_COLUMNS = {
    ("cases", "content"),
    ("cases", "answer"),
    ("cases", "images_seal"),
    ("images", "meta"),
    ("messages", "body"),
    ("settings", "value"),
    ("outbox", "last_error"),
    *(("cases", c) for c in _PLATFORM_WORDS),
}
_SEALED_MIN = 1 + 12 + 16  # version byte, nonce, tag

M.add(
    {
        "rotation.unknown": {
            "fr": "Rotation de clé refusée : la colonne {column} contient des données chiffrées que cette version ne "
            "sait pas rechiffrer. Rien n'a été changé ; signalez-le au support.",
            "en": "Key rotation refused: column {column} holds encrypted data this version cannot re-encrypt. "
            "Nothing was changed; please report it to support.",
        },
        "rotation.no_room": {
            "fr": "Pas assez de place sur le disque pour rechiffrer les données (il faut environ {needed} libres, il y "
            "en a {free}) : rien n'a été changé, la phrase secrète reste l'ancienne. Libérez de la place "
            "(ou prévenez le support informatique) puis recommencez.",
            "en": "Not enough space on the disk to re-encrypt the data (about {needed} free is needed, there is "
            "{free}): nothing was changed, the passphrase is still the old one. Free some space (or call IT "
            "support) and try again.",
        },
        "rotation.done": {
            "fr": "Nouvelle clé des données : tout a été rechiffré.",
            "en": "New data key: everything was re-encrypted.",
        },
        "rotation.training_erased": {
            "fr": "Les données de la plateforme d'essai (mode formation), chiffrées avec l'ancienne clé, ont été "
            "effacées.",
            "en": "The test platform's data (training mode), encrypted with the old key, was erased.",
        },
    }
)


def _reseal(old: DataKey, new: DataKey, value: bytes, context: bytes) -> bytes:
    """``value`` sealed under ``new``; a value that does not open under ``old`` is kept as it is
    (altered already: it must not become valid under the new key)."""
    try:
        return new.seal(old.open(value, context), context)
    except DecryptionFailed:
        log.warning("a sealed value does not open; left as it is")
        return value


def reseal_blobs(root: Path, old: DataKey, new: DataKey, progress: Callable[[], None] = lambda: None) -> int:
    """Re-seal every blob under ``new`` in place, padded (``TVB2``, app/blobs.py); those already under it are
    skipped. Returns how many."""
    done = 0
    if not root.exists():
        return 0
    for path in sorted(root.glob("*/*")):
        if path.name.startswith(".") or not path.is_file():
            continue
        sealed = path.read_bytes()
        try:
            plain = open_sealed(new, sealed, path.name)
            if padded(sealed):
                continue  # re-sealed before an interruption
            # Re-sealed unpadded by the version before an interruption (found in review): padded now.
        except ValueError:
            continue  # not a blob's file
        except DecryptionFailed:
            try:
                plain = open_sealed(old, sealed, path.name)
            except (DecryptionFailed, ValueError):
                log.warning("blob %s does not open; left as it is", path.name)
                continue
        # The file under the old key written over once replaced: its blocks, left free, opened under it.
        with written_over_after(path):
            atomic_write(path, functools.partial(write_sealed, new, plain, path.name))
        done += 1
        progress()
    return done


def _check_no_unknown_sealed(conn: sqlite3.Connection) -> None:
    tables = [
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ]
    for table in tables:
        for column in [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]:
            if (table, column) in SEALED_COLUMNS:
                continue
            row = conn.execute(
                f"SELECT 1 FROM {table} WHERE typeof({column}) = 'blob' AND length({column}) >= ? "  # noqa: S608 - names from the schema
                f"AND substr({column}, 1, 1) = x'01' LIMIT 1",
                (_SEALED_MIN,),
            ).fetchone()
            if row is not None:
                raise StorageError(M.tr("rotation.unknown", column=f"{table}.{column}"))


def _reseal_database(conn: sqlite3.Connection, old: DataKey, new: DataKey, new_id: str, root: Path) -> None:
    """The database's part, in the caller's transaction."""
    _check_no_unknown_sealed(conn)
    tags = "read_tag" in {row[1] for row in conn.execute("PRAGMA table_info(cases)")}  # (migration 20)
    for case_id, content, answer in conn.execute("SELECT id, content, answer FROM cases").fetchall():
        resealed = _reseal(old, new, answer, contexts.case_answer(case_id)) if answer is not None else None
        conn.execute(
            "UPDATE cases SET content = ?, answer = ? WHERE id = ?",
            (_reseal(old, new, content, contexts.case_content(case_id)), resealed, case_id),
        )
        if tags:  # a read mark covers the sealed answer as stored: made again over the re-sealed one
            mark = conn.execute(
                f"SELECT c.read_tag, {QUESTIONS_SQL} FROM cases c WHERE c.id = ?",  # noqa: S608 - constants only
                (case_id,),
            ).fetchone()
            if mark[0] is not None and mark[0] == read_tag(old, case_id, answer, mark[1]):
                conn.execute(
                    "UPDATE cases SET read_tag = ? WHERE id = ?", (read_tag(new, case_id, resealed, mark[1]), case_id)
                )
    if tags:
        for row in conn.execute(
            "SELECT case_id, id, direction, state, platform_id, state_tag FROM messages"
        ).fetchall():
            if row[5] == message_tag(old, row):  # one altered outside Teleavis keeps a tag that does not hold
                conn.execute("UPDATE messages SET state_tag = ? WHERE id = ?", (message_tag(new, row), row[1]))
    for case_id, listed in conn.execute(
        "SELECT id, images_seal FROM cases WHERE typeof(images_seal) = 'blob'"
    ).fetchall():  # (migration 8)
        conn.execute(
            "UPDATE cases SET images_seal = ? WHERE id = ?",
            (_reseal(old, new, listed, contexts.case_images(case_id)), case_id),
        )
    for column in _PLATFORM_WORDS:  # the platform's free text (sealed since migration 6)
        for case_id, value in conn.execute(
            f"SELECT id, {column} FROM cases "  # noqa: S608 - a constant name
            f"WHERE typeof({column}) = 'blob'"
        ).fetchall():
            conn.execute(
                f"UPDATE cases SET {column} = ? WHERE id = ?",  # noqa: S608
                (_reseal(old, new, value, contexts.platform_words(case_id, column)), case_id),
            )
    for case_id, value in conn.execute(
        "SELECT case_id, last_error FROM outbox WHERE typeof(last_error) = 'blob'"
    ).fetchall():
        conn.execute(
            "UPDATE outbox SET last_error = ? WHERE case_id = ?",
            (_reseal(old, new, value, contexts.outbox_error(case_id)), case_id),
        )
    for row in conn.execute("SELECT id, case_id, blob, thumb_blob, sha1, size, meta FROM images").fetchall():
        image_id, case_id, blob, thumb, sha1, size, meta = tuple(row)
        context = contexts.image_meta(case_id, image_id, blob, thumb, sha1, size)
        conn.execute("UPDATE images SET meta = ? WHERE id = ?", (_reseal(old, new, meta, context), image_id))
    if "binary_tag" in {row[1] for row in conn.execute("PRAGMA table_info(images)")}:  # (migration 19)
        for row in conn.execute(f"SELECT {BINARY_COLUMNS}, binary_tag FROM images").fetchall():  # noqa: S608
            held = row[9] == binary_tag(old, row)  # one altered outside Teleavis keeps a tag that does not hold
            if row[8] is not None:  # the copy sent's hash, sealed inside it (migration 24)
                copy = reseal_copy_sent(old, new, row[0], row[1], str(row[8]))
                conn.execute("UPDATE images SET copy_sent = ? WHERE id = ?", (copy, row[1]))
            if held:
                now = conn.execute(f"SELECT {BINARY_COLUMNS} FROM images WHERE id = ?", (row[1],)).fetchone()  # noqa: S608
                conn.execute("UPDATE images SET binary_tag = ? WHERE id = ?", (binary_tag(new, now), row[1]))
    for message_id, case_id, body in conn.execute("SELECT id, case_id, body FROM messages").fetchall():
        conn.execute(
            "UPDATE messages SET body = ? WHERE id = ?",
            (_reseal(old, new, body, contexts.message_body(case_id, message_id)), message_id),
        )
    for name, value, encrypted, tag in conn.execute("SELECT key, value, encrypted, mac FROM settings").fetchall():
        if tag != row_tag(old, name, value, bool(encrypted)):
            continue  # altered outside Teleavis: its tag stays one that does not hold
        stored = _reseal(old, new, value, contexts.setting(name)) if encrypted else value
        conn.execute(
            "UPDATE settings SET value = ?, mac = ? WHERE key = ?",
            (stored, row_tag(new, name, stored, bool(encrypted)), name),
        )
    _reindex(conn, new, root)
    _rechain_audit(conn, old, new)
    Settings(conn, new).set(MARKER, new_id, in_transaction=True)
    audit.append(conn, new, "settings", detail=audit.ROTATED)


def _reindex(conn: sqlite3.Connection, new: DataKey, root: Path) -> None:
    from app.errors import TeleavisError
    from app.store import Store

    view = Store(root, new, conn)
    conn.execute("DELETE FROM search_tokens")
    for (case_id,) in conn.execute("SELECT id FROM cases").fetchall():
        try:
            case = view.get_case(case_id)
        except TeleavisError:
            continue  # altered: not findable by name, as before
        # The table emptied above: the case has no token to delete (``new``). Without it, each case's tokens were
        # deleted by case, a read of the whole table at each case, and logged as not those of its content (review).
        view._index(conn, case, new=True)
        _rekey_act(conn, view, case)


def _rekey_act(conn: sqlite3.Connection, view: Store, case: Case) -> None:
    """The act's patient token (app/acts.py) is keyed: made again with the new key."""
    from app.acts import patient_token

    if conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='acts'").fetchone():
        conn.execute("UPDATE acts SET patient=? WHERE case_id=?", (patient_token(view, case), case.id))


def _rechain_audit(conn: sqlite3.Connection, old: DataKey, new: DataKey) -> None:
    """Re-key the chain up to its first broken link; rows past it keep hashes that do not hold."""
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'"
    ).fetchall()
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    prev_old, prev_new, expected = audit.GENESIS, audit.GENESIS, 1
    intact = True
    for row in conn.execute(
        "SELECT seq, at, actor, action, case_id, detail, prev_hash, hash FROM audit ORDER BY seq"
    ).fetchall():
        seq, at, actor, action, case_id, detail, prev_hash, digest = tuple(row)
        intact = (
            intact
            and seq == expected
            and prev_hash == prev_old
            and digest == audit._digest(old, prev_hash, seq, at, actor, action, case_id, detail)
        )
        if not intact:
            break
        new_digest = audit._digest(new, prev_new, seq, at, actor, action, case_id, detail)
        conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", (prev_new, new_digest, seq))
        prev_old, prev_new, expected = digest, new_digest, seq + 1
    for _, sql in triggers:
        conn.execute(sql)


def _reseal_head(conn: sqlite3.Connection, old: DataKey, new: DataKey) -> None:
    """The head file under the new key, naming the same row as before (now with its new hash).
    A missing head stays missing; one that opens under neither key stays as it is."""
    path = audit.head_path(conn)
    if path is None:
        return
    try:
        audit.read_head(path, new)
        return  # already re-sealed
    except audit.HeadDamaged:
        pass
    try:
        recorded = audit.read_head(path, old)
    except audit.HeadDamaged:
        return
    if recorded is None:
        return
    row = conn.execute("SELECT hash FROM audit WHERE seq = ?", (recorded.seq,)).fetchone()
    head = audit.log_head(conn)
    # The rotation's own audit row moved the head up: record the log's head when it reaches further.
    target = head if head.seq >= recorded.seq else audit.Head(recorded.seq, str(row[0]) if row else recorded.hash)
    audit.write_head(path, new, target)


def finish(
    root: Path,
    conn: sqlite3.Connection,
    keys: KeyStore,
    old: DataKey,
    new: DataKey,
    new_id: str,
    progress: Callable[[], None] = lambda: None,
) -> None:
    """Steps 2-5 (see the module's docstring); each skips what an interrupted run already did."""
    reseal_blobs(root / "objects", old, new, progress)
    marker = _marker(conn, new)
    if marker != new_id:
        with transaction(conn):
            _reseal_database(conn, old, new, new_id, root)
    _reseal_head(conn, old, new)
    # The rows as they were, under the old key, out of the database's files too (its WAL's earlier frames,
    # its main file until a checkpoint): found from outside, the old key read them after the rotation.
    forget_removed(conn)
    reseal_snapshots(root / DB_FILE, old, new)
    keys.finish_rotation()


def _marker(conn: sqlite3.Connection, key: DataKey) -> str | None:
    row = conn.execute("SELECT value, encrypted, mac FROM settings WHERE key = ?", (MARKER,)).fetchone()
    if row is None or row[2] != row_tag(key, MARKER, row[0], bool(row[1])):
        return None
    value = json.loads(row[0])
    return str(value) if value else None


def database_key(conn: sqlite3.Connection, current: DataKey, pending: DataKey, pending_id: str) -> DataKey:
    """The key the database is under during an interrupted rotation (the marker says)."""
    try:
        return pending if _marker(conn, pending) == pending_id else current
    except sqlite3.Error:  # no settings table yet
        return current


def room_needed(root: Path) -> int:
    """Bytes a rotation of the data in ``root`` needs free, at most: the database re-written in one
    transaction (its WAL grows to about its size), the largest blob re-sealed beside itself before its
    rename, and the margin below which SQLite cannot work at all."""

    def size(path: Path) -> int:
        try:
            return path.stat().st_size
        except OSError:
            return 0

    database = sum(size(root / f"teleavis.db{suffix}") for suffix in ("", "-wal"))
    objects = root / "objects"
    files = [path for path in objects.glob("*/*") if not path.name.startswith(".")] if objects.exists() else []
    largest = max((padded_size(size(path)) for path in files), default=0)
    # Blobs still of the format before (TVB1: migration 25 could not pad them) are written again padded,
    # each a few % larger for good (found in review: not counted, a rotation begun stopped for want of room).
    growth = sum(padded_size(size(path)) - size(path) for path in files if _unpadded(path))
    return database + largest + growth + NO_SPACE


def _unpadded(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(_MAGIC)) == _MAGIC
    except OSError:
        return False


def check_room(root: Path) -> None:
    """Refuse (``StorageError``, nothing changed) a rotation the disk has no room to finish. Found by
    fault injection: started on a nearly full disk, the passphrase was changed, the re-sealing stopped
    for want of space, and every later command, reading included, failed until space was freed, while
    the words said to start again (with the old passphrase, now refused)."""
    try:
        free = shutil.disk_usage(root).free
    except OSError:
        return  # not measurable here: the writes will say it if they fail
    needed = room_needed(root)
    if free < needed:
        from app.doctor import human_size

        raise StorageError(M.tr("rotation.no_room", needed=human_size(needed), free=human_size(free)))


def rotate(
    root: Path,
    conn: sqlite3.Connection,
    keys: KeyStore,
    current: DataKey,
    secret: str | None,
    progress: Callable[[], None] = lambda: None,
) -> None:
    """Make a new data key and re-seal everything under it (the whole of the module's docstring)."""
    current.ensure()
    new_id, raw = keys.begin_rotation(secret)
    finish(root, conn, keys, current, DataKey(raw), new_id, progress)
