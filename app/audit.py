"""The append-only audit trail: who created, viewed, edited, queued, sent, exported or deleted what.

Each row is chained to the previous one by a keyed hash (HMAC under a key derived from the data
key), so a row changed, removed or inserted out of order breaks the chain at that row. The table
itself refuses UPDATE and DELETE (triggers); rows never hold patient data, only case ids.
"""

from __future__ import annotations

import getpass
import json
import sqlite3
from dataclasses import dataclass

from app.crypto import DataKey
from app.model import iso, utc_now

GENESIS = "0" * 64

ACTIONS = frozenset(
    {"created", "viewed", "edited", "queued", "sent", "exported", "deleted", "purged", "archived",
     "answered", "cancelled", "settings", "site", "backup", "restored", "message", "altered"}
)


def current_actor() -> str:
    """The person at the keyboard, as the OS knows them."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


def _digest(key: DataKey, prev_hash: str, seq: int, at: str, actor: str, action: str,
            case_id: str | None, detail: str) -> str:
    payload = json.dumps([prev_hash, seq, at, actor, action, case_id, detail], ensure_ascii=False)
    return key.mac(payload.encode("utf-8"))


def append(conn: sqlite3.Connection, key: DataKey, action: str, case_id: str | None = None,
           detail: str = "", actor: str | None = None) -> None:
    """Add a row; call inside the transaction that makes the change it records."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
    at = iso(utc_now())
    who = actor or current_actor()
    conn.execute(
        "INSERT INTO audit(seq, at, actor, action, case_id, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?)",
        (seq, at, who, action, case_id, detail, prev, _digest(key, prev, seq, at, who, action, case_id, detail)),
    )


@dataclass(frozen=True)
class AuditCheck:
    rows: int
    first_broken: int | None  # seq of the first row whose link does not hold

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def verify(conn: sqlite3.Connection, key: DataKey) -> AuditCheck:
    """Walk the chain from the start; report the first row that does not hold."""
    prev, expected_seq, count = GENESIS, 1, 0
    for row in conn.execute("SELECT seq, at, actor, action, case_id, detail, prev_hash, hash FROM audit ORDER BY seq"):
        count += 1
        seq, at, actor, action, case_id, detail, prev_hash, digest = tuple(row)
        if (seq != expected_seq or prev_hash != prev
                or digest != _digest(key, prev_hash, seq, at, actor, action, case_id, detail)):
            return AuditCheck(count, seq)
        prev, expected_seq = digest, seq + 1
    return AuditCheck(count, None)
