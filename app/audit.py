"""The append-only audit trail: who created, viewed, edited, queued, sent, exported or deleted what.

Each row is chained to the previous one by a keyed hash (HMAC under a key derived from the data
key), so a row changed, removed or inserted out of order breaks the chain at that row. The table
itself refuses UPDATE and DELETE (triggers); rows never hold patient data, only case ids.

A chain alone cannot show rows cut from its end, or the whole log wiped: what is left still links.
So the chain's head (sequence and hash) is also kept outside the database, sealed with the data key,
in ``audit-head`` beside ``key.json``; it is moved up after each commit that appends (never down),
carried in every backup's manifest, and ``verify`` checks the log still reaches it. ``verify`` also
checks that every case has its ``created`` entry.

A head file can still be put back from an older copy, with the log cut to match: nothing left on
this computer then tells. So the platform is the outside witness: every Task the sync writes
carries the head of the moment (``current_witness``, a tag of the Task's ``meta``), and when the
sync reads Tasks back it asks ``check_witness`` whether this log still holds every head the
platform saw. One it does not hold, unexplained by a restore written after the tag, is recorded as
an ``altered`` entry (``record_rewound``) that ``verify`` reports from then on.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import messages as M
from app.crypto import DataKey, DecryptionFailed
from app.db import after_commit, transaction
from app.errors import StorageError
from app.fsutil import atomic_write
from app.model import iso, utc_now

if TYPE_CHECKING:  # the audit's records too (at run time: __getattr__, at the end)
    from app.audit_records import AuditCheck as AuditCheck
    from app.audit_records import Head as Head
    from app.audit_records import Witness as Witness

log = logging.getLogger(__name__)

M.add(
    {
        "audit.problem.link": {
            "fr": "le premier maillon rompu est l'entrée n° {seq}",
            "en": "the first broken link is entry #{seq}",
        },
        "audit.problem.cut": {
            "fr": "des entrées ont été supprimées à la fin (il en comptait au moins {seq}, il en reste {rows})",
            "en": "entries were removed from its end (it had at least {seq}, {rows} are left)",
        },
        "audit.problem.head": {
            "fr": "sa tête scellée (fichier audit-head) est absente ou illisible",
            "en": "its sealed head (the audit-head file) is missing or unreadable",
        },
        "audit.problem.rewound": {
            "fr": "la plateforme a reçu l'entrée n° {seq} de ce journal, qui ne l'a plus ou plus telle quelle : "
            "il a été coupé ou réécrit après l'envoi",
            "en": "the platform received entry #{seq} of this trail, which no longer holds it as it was: "
            "the trail was cut or rewritten after it was sent",
        },
        "audit.rewound_notice": {
            "fr": "Journal d'audit : altéré — la plateforme a reçu l'entrée n° {seq}, que ce poste n'a plus "
            "(voyez « teleavis audit verify » et prévenez le responsable de la sécurité)",
            "en": "Audit trail: tampered with — the platform received entry #{seq}, which this computer no "
            "longer has (see “teleavis audit verify” and tell the security officer)",
        },
        "audit.problem.uncreated": {
            "fr": "{n} dossiers n'ont plus leur entrée de création (premier : {id})",
            "en": "{n} cases no longer have their creation entry (first: {id})",
        },
        "audit.problem.uncreated.one": {
            "fr": "{n} dossier n'a plus son entrée de création ({id})",
            "en": "{n} case no longer has its creation entry ({id})",
        },
    }
)

GENESIS = "0" * 64
HEAD_FILE = "audit-head"
_HEAD_CONTEXT = b"teleavis audit head"
#: The detail of the ``settings`` entry a data-key rotation writes (every hash before it changed).
ROTATED = "data key rotated"
#: The detail of the ``altered`` entry that records a head the platform holds and this log does not.
REWOUND = "the platform holds audit entry #{seq}"
_REWOUND_LIKE = "the platform holds audit entry #%"
_WITNESS_RE = re.compile(r"^(\d{1,18})-(\d{1,12})-([0-9a-f]{32})-([0-9a-f]{32})$")

ACTIONS = frozenset(
    {
        "created",
        "viewed",
        "read",
        "lock",
        "edited",
        "queued",
        "taken-back",
        "sent",
        "exported",
        "deleted",
        "purged",
        "archived",
        "answered",
        "cancelled",
        "settings",
        "site",
        "backup",
        "restored",
        "message",
        "altered",
        "act",
    }
)


def current_actor() -> str:
    """The person at the keyboard, as the OS knows them."""
    import getpass  # (with the terminal's module, ~0.6 ms the window's start need not pay)

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


def _digest(
    key: DataKey, prev_hash: str, seq: int, at: str, actor: str, action: str, case_id: str | None, detail: str
) -> str:
    payload = json.dumps([prev_hash, seq, at, actor, action, case_id, detail], ensure_ascii=False)
    return key.mac(payload.encode("utf-8"))


def append(
    conn: sqlite3.Connection,
    key: DataKey,
    action: str,
    case_id: str | None = None,
    detail: str = "",
    actor: str | None = None,
) -> None:
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
    after_commit(conn, "audit-head", lambda: advance_head(conn, key))


# -- the head, kept outside the database -------------------------------------------------------------


class HeadDamaged(Exception):
    """The head file is there but does not open under the data key."""


def head_path(conn: sqlite3.Connection) -> Path | None:
    """``audit-head`` beside the database file of ``conn`` (None for an in-memory database)."""
    for row in conn.execute("PRAGMA database_list"):
        if row[1] == "main":
            return Path(row[2]).parent / HEAD_FILE if row[2] else None
    return None


def log_head(conn: sqlite3.Connection) -> Head:
    """The last row of the log as the database has it (seq 0 for an empty log)."""
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    from app.audit_records import Head

    return Head(int(row[0]), str(row[1])) if row else Head(0, GENESIS)


def read_head(path: Path, key: DataKey) -> Head | None:
    """The recorded head, None when there is no file, ``HeadDamaged`` when it does not open."""
    try:
        sealed = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise HeadDamaged(str(exc)) from exc
    try:
        value = json.loads(key.open(sealed, _HEAD_CONTEXT))
        from app.audit_records import Head

        return Head(int(value["seq"]), str(value["hash"]))
    except (DecryptionFailed, ValueError, KeyError, TypeError) as exc:
        raise HeadDamaged("does not open") from exc


def write_head(path: Path, key: DataKey, head: Head) -> None:
    atomic_write(path, key.seal(json.dumps({"seq": head.seq, "hash": head.hash}).encode(), _HEAD_CONTEXT))


def advance_head(conn: sqlite3.Connection, key: DataKey) -> None:
    """Move the recorded head up to the log's (after a commit). Never down, and never made up: a
    missing or damaged head file stays so, for ``verify`` to report (only ``establish_head`` creates one)."""
    path = head_path(conn)
    if path is None:
        return
    try:
        recorded = read_head(path, key)
        if recorded is None:
            log.warning("the audit head file is missing; it is not recreated")
            return
        head = log_head(conn)
        if head.seq > recorded.seq:
            write_head(path, key, head)
    except (HeadDamaged, StorageError, sqlite3.Error) as exc:
        log.warning("the audit head was not moved up: %s", type(exc).__name__)


def establish_head(conn: sqlite3.Connection, key: DataKey) -> None:
    """Record the log's current head (a new data directory, the upgrade that introduces the head,
    a restore from a backup checked against its own head)."""
    path = head_path(conn)
    if path is not None:
        write_head(path, key, log_head(conn))


# -- the platform as witness ------------------------------------------------------------------------


def _witness_mac(key: DataKey, seq: int, time: int, digest: str) -> str:
    return key.tag("audit witness", f"{seq}-{time}-{digest}".encode())[:32]


def current_witness(conn: sqlite3.Connection, key: DataKey) -> str | None:
    """The tag code for the log's committed head, now (None for an empty log)."""
    head = log_head(conn)
    if head.seq == 0:
        return None
    now = int(utc_now().timestamp())
    from app.audit_records import Witness

    return Witness(head.seq, now, head.hash[:32], _witness_mac(key, head.seq, now, head.hash[:32])).code


def parse_witness(code: object) -> Witness | None:
    """The witness a tag's code names; None for anything else."""
    match = _WITNESS_RE.match(code) if isinstance(code, str) else None
    if not match:
        return None
    from app.audit_records import Witness

    return Witness(int(match.group(1)), int(match.group(2)), match.group(3), match.group(4))


def check_witness(conn: sqlite3.Connection, key: DataKey, codes: Iterable[str]) -> int | None:
    """The highest entry the platform holds a head of that this log does not (None: it holds them all).

    Only tags this data key made count (one the platform made up, or made under a key since rotated,
    is not ours to check). A head is held when the log has that entry with that hash. It is also
    explained, not held, by a restore (or a key rotation) the log records after the tag was made:
    the log it belonged to was replaced on purpose. Nothing else explains it."""
    import hmac

    found = None
    for witness in filter(None, map(parse_witness, codes)):
        if witness.seq <= 0 or (found is not None and witness.seq <= found):
            continue
        if not hmac.compare_digest(witness.mac, _witness_mac(key, witness.seq, witness.time, witness.hash)):
            continue
        if not _explained(conn, witness):
            found = witness.seq
    return found


def _explained(conn: sqlite3.Connection, witness: Witness) -> bool:
    row = conn.execute("SELECT hash FROM audit WHERE seq = ?", (witness.seq,)).fetchone()
    if row is not None and str(row[0])[:32] == witness.hash:
        return True
    for (at,) in conn.execute(
        "SELECT at FROM audit WHERE action = 'restored' OR (action = 'settings' AND detail = ?)", (ROTATED,)
    ):
        try:
            if datetime.fromisoformat(str(at)).timestamp() >= witness.time:  # `at` is to the second
                return True
        except ValueError:
            continue
    return False


def record_rewound(conn: sqlite3.Connection, key: DataKey, seq: int, actor: str | None = None) -> bool:
    """Record (once) that the platform holds entry ``seq`` and this log does not; True when written now."""
    detail = REWOUND.format(seq=seq)
    with transaction(conn):
        if conn.execute("SELECT 1 FROM audit WHERE action = 'altered' AND detail = ?", (detail,)).fetchone():
            return False
        append(conn, key, "altered", None, detail=detail, actor=actor)
    return True


def rewound(conn: sqlite3.Connection) -> int | None:
    """The highest entry the platform was seen holding while this log did not (None: never)."""
    found = None
    for (detail,) in conn.execute(
        "SELECT detail FROM audit WHERE action = 'altered' AND detail LIKE ?", (_REWOUND_LIKE,)
    ):
        tail = str(detail).rsplit("#", 1)[-1]
        if tail.isdigit() and (found is None or int(tail) > found):
            found = int(tail)
    return found


def verify(conn: sqlite3.Connection, key: DataKey) -> AuditCheck:
    """Walk the chain from the start; report the first row that does not hold."""
    from app.audit_records import AuditCheck, Head

    prev, expected_seq, count = GENESIS, 1, 0
    for row in conn.execute("SELECT seq, at, actor, action, case_id, detail, prev_hash, hash FROM audit ORDER BY seq"):
        count += 1
        seq, at, actor, action, case_id, detail, prev_hash, digest = tuple(row)
        if (
            seq != expected_seq
            or prev_hash != prev
            or digest != _digest(key, prev_hash, seq, at, actor, action, case_id, detail)
        ):
            return AuditCheck(count, seq)
        prev, expected_seq = digest, seq + 1
    return AuditCheck(count, None, _head_lost(conn, key, Head(expected_seq - 1, prev)), _uncreated(conn), rewound(conn))


def _head_lost(conn: sqlite3.Connection, key: DataKey, reached: Head) -> int | None:
    path = head_path(conn)
    if path is None:
        return None
    try:
        recorded = read_head(path, key)
    except HeadDamaged:
        return -1
    if recorded is None:
        return -1
    if recorded.seq > reached.seq:
        return recorded.seq
    if recorded.seq > 0:
        row = conn.execute("SELECT hash FROM audit WHERE seq = ?", (recorded.seq,)).fetchone()
        if row is None or row[0] != recorded.hash:
            return recorded.seq
    return None


def _uncreated(conn: sqlite3.Connection) -> tuple[str, ...]:
    rows = conn.execute(
        "SELECT id FROM cases WHERE id NOT IN "
        "(SELECT case_id FROM audit WHERE action = 'created' AND case_id IS NOT NULL) ORDER BY id"
    )
    return tuple(str(r[0]) for r in rows)


_RECORDS = frozenset({"AuditCheck", "Head", "Witness"})


def __getattr__(name: str) -> Any:
    if name in _RECORDS:
        from app import audit_records

        return getattr(audit_records, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
