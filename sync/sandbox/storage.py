"""The sandbox's persistent store: FHIR resources in SQLite (WAL), Binaries as files.

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
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS resource (
    type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
    last_updated TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (type, id));
CREATE TABLE IF NOT EXISTS resource_history (
    type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
    body TEXT NOT NULL, PRIMARY KEY (type, id, version));
CREATE TABLE IF NOT EXISTS identifier (
    type TEXT NOT NULL, system TEXT NOT NULL, value TEXT NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (type, system, value));
CREATE TABLE IF NOT EXISTS binary (
    id TEXT PRIMARY KEY, content_type TEXT NOT NULL, size INTEGER NOT NULL,
    sha1 TEXT NOT NULL, origin TEXT NOT NULL, last_updated TEXT NOT NULL);
"""


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

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.binary_dir = self.data_dir / "binaries"
        self.binary_dir.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self._conn = sqlite3.connect(self.data_dir / "sandbox.sqlite3", check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(_SCHEMA)
        self._conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        self._depth = 0
        row = self._conn.execute(
            "SELECT max(m) FROM (SELECT max(last_updated) AS m FROM resource"
            " UNION ALL SELECT max(last_updated) FROM binary)"
        ).fetchone()
        self._last_instant = parse_instant(row[0]) if row and row[0] else datetime.fromtimestamp(0, UTC)

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
            now = datetime.now(UTC)
            now = now.replace(microsecond=now.microsecond // 1000 * 1000)
            self._last_instant = max(now, self._last_instant + timedelta(milliseconds=1))
            return format_instant(self._last_instant)

    # -- resources -------------------------------------------------------------------------------

    def read(self, rtype: str, rid: str) -> dict[str, Any] | None:
        """The current version of a resource, or None."""
        with self.lock:
            row = self._conn.execute("SELECT body FROM resource WHERE type=? AND id=?", (rtype, rid)).fetchone()
        return json.loads(row[0]) if row else None

    def read_version(self, rtype: str, rid: str, version: int) -> dict[str, Any] | None:
        """One past or current version of a resource, or None."""
        with self.lock:
            row = self._conn.execute(
                "SELECT body FROM resource_history WHERE type=? AND id=? AND version=?", (rtype, rid, version)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def history(self, rtype: str, rid: str) -> list[dict[str, Any]]:
        """Every version of a resource, oldest first."""
        with self.lock:
            rows = self._conn.execute(
                "SELECT body FROM resource_history WHERE type=? AND id=? ORDER BY version", (rtype, rid)
            ).fetchall()
        return [json.loads(row[0]) for row in rows]

    def all(self, rtype: str) -> list[dict[str, Any]]:
        """Current versions of every resource of a type, oldest change first."""
        with self.lock:
            rows = self._conn.execute(
                "SELECT body FROM resource WHERE type=? ORDER BY last_updated, id", (rtype,)
            ).fetchall()
        return [json.loads(row[0]) for row in rows]

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
                "SELECT id FROM identifier WHERE type=? AND system=? AND value=?", (rtype, system, value)
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
            text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
            self._conn.execute(
                "INSERT OR REPLACE INTO resource VALUES (?,?,?,?,?)",
                (rtype, rid, version, meta["lastUpdated"], text),
            )
            self._conn.execute("INSERT INTO resource_history VALUES (?,?,?,?)", (rtype, rid, version, text))
            self._conn.execute("DELETE FROM identifier WHERE type=? AND id=?", (rtype, rid))
            for system, value in identifiers_of(body):
                # The primary key makes a duplicate identifier a crash, never a second case.
                self._conn.execute("INSERT INTO identifier VALUES (?,?,?,?)", (rtype, system, value, rid))
        return body

    # -- binaries --------------------------------------------------------------------------------

    def put_binary(self, content_type: str, data: bytes, origin: str) -> BinaryInfo:
        """Store bytes as a new Binary; `origin` is "upload" (a client's POST) or "platform"."""
        rid = new_id()
        path = self.binary_dir / rid
        tmp = path.with_suffix(".tmp")
        # Written and synced before the row exists, so a row never names a missing file.
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        sha1 = base64.b64encode(hashlib.sha1(data, usedforsecurity=False).digest()).decode("ascii")
        with self.write():
            info = BinaryInfo(rid, content_type, len(data), sha1, self.next_instant())
            self._conn.execute(
                "INSERT INTO binary VALUES (?,?,?,?,?,?)",
                (rid, content_type, len(data), sha1, origin, info.last_updated),
            )
        return info

    def binary_info(self, rid: str) -> BinaryInfo | None:
        """Metadata of a Binary, or None."""
        with self.lock:
            row = self._conn.execute(
                "SELECT id, content_type, size, sha1, last_updated FROM binary WHERE id=?", (rid,)
            ).fetchone()
        return BinaryInfo(*row) if row else None

    def binary_bytes(self, rid: str) -> bytes:
        """The bytes of a Binary (KeyError when unknown)."""
        if self.binary_info(rid) is None:
            raise KeyError(rid)
        return (self.binary_dir / rid).read_bytes()

    def count_binaries(self, origin: str | None = None) -> int:
        """How many Binaries exist, optionally only those of one origin."""
        with self.lock:
            if origin is None:
                row = self._conn.execute("SELECT count(*) FROM binary").fetchone()
            else:
                row = self._conn.execute("SELECT count(*) FROM binary WHERE origin=?", (origin,)).fetchone()
        return int(row[0])
