"""The sandbox's store: FHIR resources in SQLite (WAL), Binaries as files — or all in memory.

Training data is patient data: with the data key (training mode, in-process) everything written
to disk is sealed with it (AES-GCM, app/crypto.py): resource bodies bound to their type, id and
version, Binary files bound to their id and padded as the workstation's blobs are (``app.blobs``: a
file's size does not give its photo's), their size and hash sealed too, and identifiers kept only as
keyed hashes, so that a lookup by INS never needs the INS in clear. Without a key (`teleavis sandbox`, tests) nothing is
written at all: the store lives in memory and is gone when the sandbox stops.

A database left by an older sandbox (which kept everything in clear) or sealed under another key
is erased when opened: it is training data, and what cannot be read must not stay.

One connection guarded by one re-entrant lock: the sandbox is small and serialising
every access is what makes a transaction's "look up by identifier, then create" atomic,
so two identical bundles arriving at once still give one case.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app import blobs, clock
from app.crypto import DataKey, DecryptionFailed
from app.db import keep_wal_at_close

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
#: Versions this sandbox opens and brings up to date (2: an identifier could name one resource only).
_UPGRADABLE = (2, SCHEMA_VERSION)
#: Types of which several resources may carry the same identifier, as on a FHIR server: a patient sent
#: once with a provisional identity (conditional on the site's local id) and once qualified (conditional
#: on the INS) is two Patients sharing the local id. Any other duplicate is a crash, never a second case.
_SHARED_IDENTIFIERS = frozenset({"Patient"})
DATABASE = "sandbox.sqlite3"
_KEY_CHECK = b"teleavis sandbox key check"

_IDENTIFIER = """CREATE TABLE IF NOT EXISTS identifier (
    type TEXT NOT NULL, token TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (type, token, id));"""
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS resource (
    type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
    last_updated TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (type, id));
CREATE TABLE IF NOT EXISTS resource_history (
    type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
    body BLOB NOT NULL, PRIMARY KEY (type, id, version));
{_IDENTIFIER}
CREATE TABLE IF NOT EXISTS binary (
    id TEXT PRIMARY KEY, content_type TEXT NOT NULL, size INTEGER NOT NULL,
    sha1 TEXT NOT NULL, origin TEXT NOT NULL, last_updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
"""


def erase(data_dir: Path) -> None:
    """Delete a sandbox folder and everything in it (a missing folder is fine)."""
    shutil.rmtree(data_dir, ignore_errors=True)
    if data_dir.exists():
        log.warning("sandbox data could not be removed entirely (will retry)")


@dataclass(frozen=True)
class BinaryInfo:
    """What the store knows of a Binary besides its bytes."""

    id: str
    content_type: str
    size: int
    sha1_b64: str
    last_updated: str


def format_instant(moment: datetime) -> str:
    """A FHIR instant with millisecond precision in UTC (`2026-11-20T09:30:00.123Z`)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_instant(text: str) -> datetime:
    """Parse a FHIR instant or dateTime with a time zone; raises ValueError otherwise."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"instant without time zone: {text}")
    return moment


def new_id() -> str:
    """A fresh logical id (a UUID: unguessable, and valid as a FHIR id)."""
    return str(uuid.uuid4())


def identifiers_of(resource: dict[str, Any]) -> list[tuple[str, str]]:
    """(system, value) pairs of a resource's identifier, which R4 makes a list or a single object."""
    raw = resource.get("identifier")
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    return [
        (item["system"], item["value"])
        for item in items
        if isinstance(item, dict) and isinstance(item.get("system"), str) and isinstance(item.get("value"), str)
    ]


class Store:
    """Resources by type and id with versionId/lastUpdated, their history, and Binaries."""

    def __init__(self, data_dir: Path | None = None, key: DataKey | None = None) -> None:
        self.key = key if data_dir is not None else None
        self.data_dir = Path(data_dir) if data_dir is not None and key is not None else None
        self.lock = threading.RLock()
        self._memory_binaries: dict[str, bytes] = {}
        if self.data_dir is None:
            self.binary_dir: Path | None = None
            self._conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        else:
            self.binary_dir = self.data_dir / "binaries"
            self._conn = self._open_sealed(self.data_dir)
        if self._conn.execute("PRAGMA user_version").fetchone()[0] == 2:
            # One identifier per (type, token) before: the same rows under a wider key, all or nothing.
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute("ALTER TABLE identifier RENAME TO identifier_v2")
            self._conn.execute(_IDENTIFIER)
            self._conn.execute("INSERT INTO identifier SELECT type, token, id FROM identifier_v2")
            self._conn.execute("DROP TABLE identifier_v2")
            self._conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self._conn.execute("COMMIT")
        self._conn.executescript(_SCHEMA)
        self._conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        if self.key is not None:
            self._conn.execute(
                "INSERT OR IGNORE INTO meta VALUES ('key_check', ?)", (self.key.seal(_KEY_CHECK, b"sandbox-key-check"),)
            )
            self._seal_hashes()
        self._depth = 0
        row = self._conn.execute(
            "SELECT max(m) FROM (SELECT max(last_updated) AS m FROM resource"
            " UNION ALL SELECT max(last_updated) FROM binary)"
        ).fetchone()
        self._last_instant = parse_instant(row[0]) if row and row[0] else datetime.fromtimestamp(0, UTC)

    @property
    def in_memory(self) -> bool:
        """True when nothing is written to disk."""
        return self.data_dir is None

    def _open_sealed(self, data_dir: Path) -> sqlite3.Connection:
        """The database in `data_dir`, erased first when it is not sealed under this key."""
        assert self.key is not None and self.binary_dir is not None
        if (data_dir / DATABASE).exists() and not self._readable(data_dir / DATABASE):
            log.warning("sandbox data in clear or under another key: erased")
            erase(data_dir)
        self.binary_dir.mkdir(parents=True, exist_ok=True)
        for leftover in self.binary_dir.glob("*.tmp"):
            leftover.unlink(missing_ok=True)
        conn = sqlite3.connect(data_dir / DATABASE, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        # Open in the window and in a command beside it: its -wal and -shm must outlive a close that
        # believes itself last (the requester's base's reason, app.db.keep_wal_at_close).
        keep_wal_at_close(conn, data_dir / DATABASE)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA secure_delete=ON")
        return conn

    def _readable(self, path: Path) -> bool:
        assert self.key is not None
        try:
            with contextlib.closing(sqlite3.connect(path)) as conn:
                # Closed before the base's own connection opens, and as that one it leaves the -wal and -shm
                # in place: closing as if last, it deleted them under the window's engine beside.
                keep_wal_at_close(conn, path)
                if conn.execute("PRAGMA user_version").fetchone()[0] not in _UPGRADABLE:
                    return False
                row = conn.execute("SELECT value FROM meta WHERE name='key_check'").fetchone()
            return row is not None and self.key.open(row[0], b"sandbox-key-check") == _KEY_CHECK
        except (sqlite3.Error, DecryptionFailed):
            return False

    # -- sealing ---------------------------------------------------------------------------------

    def _seal(self, text: str, context: str) -> bytes:
        raw = text.encode("utf-8")
        return raw if self.key is None else self.key.seal(raw, b"sandbox:" + context.encode())

    def _open(self, body: bytes | str, context: str) -> dict[str, Any]:
        if self.key is not None:
            body = self.key.open(body if isinstance(body, bytes) else body.encode(), b"sandbox:" + context.encode())
        result: dict[str, Any] = json.loads(body)
        return result

    def _identifier_token(self, rtype: str, system: str, value: str) -> str:
        text = f"{rtype}\0{system}\0{value}"
        return text if self.key is None else self.key.index_token("sandbox-identifier\0" + text)

    def close(self) -> None:
        """Close the database; the store is unusable afterwards."""
        with self.lock:
            self._conn.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[Store]:
        """One all-or-nothing write: everything inside commits together or not at all."""
        with self.lock:
            outermost = self._depth == 0
            if outermost:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outermost:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outermost:
                self._conn.execute("COMMIT")

    def next_instant(self) -> str:
        """A lastUpdated later than every one given before, so `_lastUpdated=gt` never misses a change."""
        with self.lock:
            now = clock.utc_now()
            now = now.replace(microsecond=now.microsecond // 1000 * 1000)
            self._last_instant = max(now, self._last_instant + timedelta(milliseconds=1))
            return format_instant(self._last_instant)

    # -- resources -------------------------------------------------------------------------------

    def read(self, rtype: str, rid: str) -> dict[str, Any] | None:
        """The current version of a resource, or None."""
        with self.lock:
            row = self._conn.execute(
                "SELECT version, body FROM resource WHERE type=? AND id=?", (rtype, rid)
            ).fetchone()
        return self._open(row[1], f"{rtype}/{rid}/{row[0]}") if row else None

    def read_version(self, rtype: str, rid: str, version: int) -> dict[str, Any] | None:
        """One past or current version of a resource, or None."""
        with self.lock:
            row = self._conn.execute(
                "SELECT body FROM resource_history WHERE type=? AND id=? AND version=?", (rtype, rid, version)
            ).fetchone()
        return self._open(row[0], f"{rtype}/{rid}/{version}") if row else None

    def history(self, rtype: str, rid: str) -> list[dict[str, Any]]:
        """Every version of a resource, oldest first."""
        with self.lock:
            rows = self._conn.execute(
                "SELECT version, body FROM resource_history WHERE type=? AND id=? ORDER BY version", (rtype, rid)
            ).fetchall()
        return [self._open(body, f"{rtype}/{rid}/{version}") for version, body in rows]

    def all(self, rtype: str) -> list[dict[str, Any]]:
        """Current versions of every resource of a type, oldest change first."""
        with self.lock:
            rows = self._conn.execute(
                "SELECT id, version, body FROM resource WHERE type=? ORDER BY last_updated, id", (rtype,)
            ).fetchall()
        return [self._open(body, f"{rtype}/{rid}/{version}") for rid, version, body in rows]

    def types(self) -> list[str]:
        """Every resource type the store holds."""
        with self.lock:
            return [row[0] for row in self._conn.execute("SELECT DISTINCT type FROM resource ORDER BY type")]

    def exists(self, rtype: str, rid: str) -> bool:
        """Whether a resource of that type and id exists."""
        with self.lock:
            return (
                self._conn.execute("SELECT 1 FROM resource WHERE type=? AND id=?", (rtype, rid)).fetchone() is not None
            )

    def find_by_identifier(self, rtype: str, system: str, value: str) -> list[str]:
        """Ids of the resources of a type carrying that identifier."""
        with self.lock:
            rows = self._conn.execute(
                "SELECT id FROM identifier WHERE type=? AND token=?",
                (rtype, self._identifier_token(rtype, system, value)),
            ).fetchall()
        return [row[0] for row in rows]

    def create(self, resource: dict[str, Any], rid: str | None = None) -> dict[str, Any]:
        """Store a new resource under `rid` (fresh when None), version 1; returns it with id and meta."""
        body = copy.deepcopy(resource)
        body["id"] = rid or new_id()
        return self._put(body, 1)

    def update(self, resource: dict[str, Any]) -> dict[str, Any]:
        """Store a new version of an existing resource (matched by resourceType and id)."""
        current = self.read(resource["resourceType"], resource["id"])
        if current is None:
            raise KeyError(f"{resource['resourceType']}/{resource['id']}")
        return self._put(copy.deepcopy(resource), int(current["meta"]["versionId"]) + 1)

    def _put(self, body: dict[str, Any], version: int) -> dict[str, Any]:
        with self.write():
            meta = dict(body.get("meta") or {})
            meta.update(versionId=str(version), lastUpdated=self.next_instant())
            body["meta"] = meta
            rtype, rid = body["resourceType"], body["id"]
            sealed = self._seal(json.dumps(body, ensure_ascii=False, separators=(",", ":")), f"{rtype}/{rid}/{version}")
            self._conn.execute(
                "INSERT OR REPLACE INTO resource VALUES (?,?,?,?,?)",
                (rtype, rid, version, meta["lastUpdated"], sealed),
            )
            self._conn.execute("INSERT INTO resource_history VALUES (?,?,?,?)", (rtype, rid, version, sealed))
            self._conn.execute("DELETE FROM identifier WHERE type=? AND id=?", (rtype, rid))
            for system, value in identifiers_of(body):
                token = self._identifier_token(rtype, system, value)
                if (
                    rtype not in _SHARED_IDENTIFIERS
                    and self._conn.execute(
                        "SELECT 1 FROM identifier WHERE type=? AND token=? AND id<>?", (rtype, token, rid)
                    ).fetchone()
                ):
                    raise sqlite3.IntegrityError(f"{rtype} identifier already on another resource")
                self._conn.execute("INSERT INTO identifier VALUES (?,?,?)", (rtype, token, rid))
        return body

    def delete(self, rtype: str, rid: str) -> None:
        """Forget a resource: every version and its identifiers (retention's purge)."""
        with self.write():
            for table in ("resource", "resource_history", "identifier"):
                self._conn.execute(f"DELETE FROM {table} WHERE type=? AND id=?", (rtype, rid))  # noqa: S608

    # -- binaries --------------------------------------------------------------------------------

    def _binary_context(self, rid: str) -> bytes:
        return b"sandbox-binary:" + rid.encode()

    def _hash_context(self, rid: str) -> bytes:
        return b"sandbox-binary-hash:" + rid.encode()

    def _size_context(self, rid: str) -> bytes:
        return b"sandbox-binary-size:" + rid.encode()

    def _file_id(self, rid: str) -> str:
        """The id its file is sealed under as a blob (``app.blobs``): a sandbox's, never a blob's."""
        return "sandbox-binary:" + rid

    def _seal_hashes(self) -> None:
        """Seal the Binaries' hashes and sizes versions before kept in clear (a known photo's hash, or its
        exact size, told that it was sent here), all in one write, and pad their files."""
        assert self.key is not None and self.binary_dir is not None
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            for rid, sha1 in self._conn.execute("SELECT id, sha1 FROM binary WHERE typeof(sha1) = 'text'").fetchall():
                sealed = self.key.seal(str(sha1).encode("ascii"), self._hash_context(str(rid)))
                self._conn.execute("UPDATE binary SET sha1=? WHERE id=?", (sealed, rid))
            for rid, size in self._conn.execute("SELECT id, size FROM binary WHERE typeof(size) <> 'blob'").fetchall():
                sealed = self.key.seal(str(size).encode("ascii"), self._size_context(str(rid)))
                self._conn.execute("UPDATE binary SET size=? WHERE id=?", (sealed, rid))
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        for path in list(self.binary_dir.iterdir()):
            with contextlib.suppress(OSError, DecryptionFailed, ValueError):
                with open(path, "rb") as handle:
                    if handle.read(len(b"TVB")) == b"TVB" or path.suffix == ".tmp":
                        continue
                self._write_file(path.name, self.key.open(path.read_bytes(), self._binary_context(path.name)))

    def _write_file(self, rid: str, data: bytes) -> None:
        """A Binary's file, sealed and padded as a blob's, written and synced before it takes its name."""
        assert self.key is not None and self.binary_dir is not None
        path = self.binary_dir / rid
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as handle:
            blobs.write_sealed(self.key, data, self._file_id(rid), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    def put_binary(self, content_type: str, data: bytes, origin: str) -> BinaryInfo:
        """Store bytes as a new Binary; `origin` is "upload" (a client's POST) or "platform"."""
        rid = new_id()
        if self.binary_dir is None:
            with self.lock:
                self._memory_binaries[rid] = bytes(data)
        else:
            self._write_file(rid, data)  # before the row exists, so a row never names a missing file
        sha1 = base64.b64encode(hashlib.sha1(data, usedforsecurity=False).digest()).decode("ascii")
        # Sealed on disk: a known photo's hash, or its exact size, in clear would tell that it was sent here.
        kept: str | bytes = sha1 if self.key is None else self.key.seal(sha1.encode("ascii"), self._hash_context(rid))
        size: int | bytes = (
            len(data) if self.key is None else self.key.seal(str(len(data)).encode("ascii"), self._size_context(rid))
        )
        with self.write():
            info = BinaryInfo(rid, content_type, len(data), sha1, self.next_instant())
            self._conn.execute(
                "INSERT INTO binary VALUES (?,?,?,?,?,?)",
                (rid, content_type, size, kept, origin, info.last_updated),
            )
        return info

    def binary_info(self, rid: str) -> BinaryInfo | None:
        """Metadata of a Binary, or None."""
        with self.lock:
            row = self._conn.execute(
                "SELECT id, content_type, size, sha1, last_updated FROM binary WHERE id=?", (rid,)
            ).fetchone()
        if row is None:
            return None
        sha1 = row[3]
        if isinstance(sha1, bytes):
            assert self.key is not None
            sha1 = self.key.open(sha1, self._hash_context(rid)).decode("ascii")
        size = row[2]
        if isinstance(size, bytes):
            assert self.key is not None
            size = int(self.key.open(size, self._size_context(rid)))
        return BinaryInfo(row[0], row[1], int(size), sha1, row[4])

    def binary_bytes(self, rid: str) -> bytes:
        """The bytes of a Binary (KeyError when unknown)."""
        if self.binary_info(rid) is None:
            raise KeyError(rid)
        if self.binary_dir is None:
            with self.lock:
                return self._memory_binaries[rid]
        assert self.key is not None
        sealed = (self.binary_dir / rid).read_bytes()
        if sealed.startswith(b"TVB"):
            return blobs.open_sealed(self.key, sealed, self._file_id(rid))
        return self.key.open(sealed, self._binary_context(rid))  # unpadded, by a version before

    def delete_binary(self, rid: str) -> None:
        """Forget a Binary: its row, then its file."""
        with self.write():
            self._conn.execute("DELETE FROM binary WHERE id=?", (rid,))
        with self.lock:
            self._memory_binaries.pop(rid, None)
        if self.binary_dir is not None:
            (self.binary_dir / rid).unlink(missing_ok=True)

    def count_binaries(self, origin: str | None = None) -> int:
        """How many Binaries exist, optionally only those of one origin."""
        with self.lock:
            if origin is None:
                row = self._conn.execute("SELECT count(*) FROM binary").fetchone()
            else:
                row = self._conn.execute("SELECT count(*) FROM binary WHERE origin=?", (origin,)).fetchone()
        return int(row[0])
