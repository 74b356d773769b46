"""The audit trail for a period: to read in the window or on the terminal, and to export as CSV.

An export is refused when the hash chain does not hold: a health unit must not hand over, as
evidence, a log that has been tampered with without knowing it (``teleavis audit verify`` names
the first broken entry). When it holds, the CSV says so in its first lines, which start with ``#``,
before the header row; it is UTF-8 with a byte-order mark (so spreadsheet programs show accents)
and comma-separated. Periods are whole days in UTC, both ends included.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from app import audit
from app import messages as M
from app.audit import AuditCheck
from app.csv_cells import row_as_text
from app.db import transaction
from app.errors import StorageError, TeleavisError
from app.fsutil import atomic_write_raw, os_reason, write_advice
from app.model import iso, utc_now
from app.store import Store

M.add(
    {
        "auditx.broken": {
            "fr": "Export refusé : le journal d'audit est altéré ({problem}). "
            "Conservez ce poste en l'état et prévenez le responsable de la sécurité.",
            "en": "Export refused: the audit trail has been tampered with ({problem}). "
            "Keep this computer as it is and tell the security officer.",
        },
        "auditx.period": {
            "fr": "Période : {start} → {end} (jours UTC inclus)",
            "en": "Period: {start} → {end} (UTC days, inclusive)",
        },
        "auditx.checked": {
            "fr": "Chaîne de hachage vérifiée à l'export : {rows} entrées intactes (n° 1 à {last})",
            "en": "Hash chain verified at export: {rows} entries intact (#1 to #{last})",
        },
        "auditx.checked.one": {
            "fr": "Chaîne de hachage vérifiée à l'export : {rows} entrée intacte (n° 1 à {last})",
            "en": "Hash chain verified at export: {rows} entry intact (#1 to #{last})",
        },
        "auditx.exported": {"fr": "Exporté le {at} par {actor}", "en": "Exported on {at} by {actor}"},
        "auditx.title": {"fr": "Teleavis — journal d'audit", "en": "Teleavis — audit trail"},
        "auditx.cannot_write": {
            "fr": "Impossible d'écrire « {path} » : {reason}.",
            "en": "Cannot write “{path}”: {reason}.",
        },
        "auditx.open": {"fr": "(début du journal)", "en": "(start of the trail)"},
        "auditx.now": {"fr": "(aujourd'hui)", "en": "(today)"},
    }
)

COLUMNS = ("seq", "at", "actor", "action", "case_id", "detail", "prev_hash", "hash")


class AuditBroken(TeleavisError):
    """The hash chain does not hold: nothing is exported."""


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str
    actor: str
    action: str
    case_id: str | None
    detail: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class AuditExport:
    path: Path
    rows: int
    check: AuditCheck


def audit_rows(store: Store, start: date | None = None, end: date | None = None) -> list[AuditRow]:
    """The entries from ``start`` to ``end`` (UTC days, inclusive; open when ``None``), oldest first."""
    sql = "SELECT seq, at, actor, action, case_id, detail, prev_hash, hash FROM audit"
    where, params = [], []
    if start is not None:
        where.append("at >= ?")
        params.append(start.isoformat())
    if end is not None:
        where.append("at < ?")
        params.append((end + timedelta(days=1)).isoformat())
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [AuditRow(*tuple(row)) for row in store.conn.execute(sql + " ORDER BY seq", params)]


def export_csv(
    store: Store, target: Path, start: date | None = None, end: date | None = None, *, actor: str | None = None
) -> AuditExport:
    """Verify the whole chain, then write the entries of the period to ``target`` as CSV and record
    the export in the audit trail. ``AuditBroken`` when the chain does not hold."""
    check = audit.verify(store.conn, store.key)
    if not check.ok:
        raise AuditBroken(M.tr("auditx.broken", problem=check.problem()))
    rows = audit_rows(store, start, end)
    who = actor or audit.current_actor()
    out = io.StringIO()
    out.write(f"# {M.tr('auditx.title')}\n")
    out.write(
        "# "
        + M.tr(
            "auditx.period",
            start=start.isoformat() if start else M.tr("auditx.open"),
            end=end.isoformat() if end else M.tr("auditx.now"),
        )
        + "\n"
    )
    out.write(f"# {M.tr_count('auditx.checked', check.rows, rows=check.rows, last=check.rows)}\n")
    out.write(f"# {M.tr('auditx.exported', at=iso(utc_now()), actor=who)}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            row_as_text(
                [row.seq, row.at, row.actor, row.action, row.case_id or "", row.detail, row.prev_hash, row.hash]
            )
        )
    _write(target, out.getvalue().encode("utf-8-sig"))
    period = f"{start or ''}..{end or ''}"
    with transaction(store.conn) as conn:
        audit.append(conn, store.key, "exported", None, detail=f"audit csv {period}, {len(rows)} entries", actor=actor)
    return AuditExport(path=target, rows=len(rows), check=check)


def _write(target: Path, data: bytes) -> None:
    try:
        atomic_write_raw(target, data)
    except OSError as exc:
        said = M.tr("auditx.cannot_write", path=str(target), reason=os_reason(exc))
        raise StorageError(f"{said} {write_advice(exc)}") from exc
