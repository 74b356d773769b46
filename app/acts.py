"""The requester's tele-expertise act (RQD), recorded for the practice's billing software.

The Assurance Maladie pays the professional who asks for a tele-expertise the act RQD (10 €, in
tiers payant, 100 %): doctors, midwives, nurses (advanced-practice nurses included),
physiotherapists, speech therapists and podiatrists may bill it. The rules the workstation can
check itself:

- at most four acts a year (calendar year) for one patient and one requester: the fifth is recorded,
  but not billable;
- not billable when requester and expert work at the same site. The workstation only knows the
  expert's site when the platform names the expert's organisation by its FINESS (``Task.owner``
  with a FINESS identifier): the act is then set not billable when that FINESS is the site's. A
  platform that names only the expert (a Practitioner) leaves that rule to the practice.
- a requester whose role (site file) names no profession entitled to RQD gets the act recorded, not
  billable, "profession to check".

The act is recorded when the platform holds the case (in the transaction that marks it sent, with
its audit entry), dated that day. The patient is counted by a keyed token of the INS (else the
site's local identifier): nothing identifying is kept in clear for it.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app import audit
from app import messages as M
from app.csv_cells import row_as_text
from app.db import transaction
from app.errors import DataAltered, StorageError, UsageError
from app.folding import fold as _fold
from app.fsutil import os_reason, write_advice
from app.model import EDITABLE_STATES, Case, Requester, iso, utc_now
from app.settings import is_training
from app.site import load_requester, requester_when_sent

if TYPE_CHECKING:
    from app.store import Store

log = logging.getLogger(__name__)

ACT_CODE = "RQD"
PER_YEAR = 4
#: Words of the site file's role naming a profession entitled to bill RQD (accents removed, lower case),
#: in French and in English (the English form proposes "General practitioner, nurse…").
ENTITLED = (
    "medecin",
    "docteur",
    "generaliste",
    "iatre",  # pédiatre, gériatre, psychiatre…
    "sage-femme",
    "sage femme",
    "maieuticien",
    "infirmi",
    "kinesitherap",
    "masseur",
    "orthophon",
    "pedicure",
    "podolog",
    "doctor",
    "physician",
    "general practitioner",
    "midwi",
    "nurse",
    "physiotherap",
    "physical therap",
    "speech therap",
    "speech-language",
    "podiatr",
    "chiropod",
)
#: The same professions as written in short, matched as whole words: MG (médecin généraliste), GP, MD,
#: IDE/IDEL (infirmier diplômé d'État, libéral), IPA (infirmier en pratique avancée), SF (sage-femme),
#: MK (masseur-kinésithérapeute).
ENTITLED_SHORT = frozenset({"mg", "gp", "md", "ide", "idel", "ipa", "sf", "mk"})
#: Reasons an act is, or is not, billable (codes kept in the table and the export).
BILLABLE, LIMIT, SAME_SITE, PROFESSION = "ok", "limit", "same-site", "profession"
#: A case sent to the training sandbox (fictitious patients), and a request the platform refused or
#: cancelled: no tele-expertise took place, nothing to bill.
TRAINING, NOT_DONE = "training", "not-done"
FINESS_SYSTEM = "https://finess.esante.gouv.fr"

M.add(
    {
        # Said to the nurse or GP before sending: what the verdict means for this request, the billing
        # code at the end for whoever bills it (« Acte RQD non facturable » named a code she did not know).
        "act.billable": {
            "fr": "Demande facturable à l'Assurance Maladie ({rank_fr} sur {limit} cette année pour ce patient ; "
            "code de facturation RQD)",
            "en": "Request billable to the health insurance ({rank} of {limit} this year for this patient; "
            "billing code RQD)",
        },
        "act.limit": {
            "fr": "Demande non facturable : déjà {limit} demandes cette année pour ce patient, le maximum payé "
            "par l'Assurance Maladie (code de facturation RQD)",
            "en": "Request not billable: already {limit} requests this year for this patient, the most the "
            "health insurance pays for (billing code RQD)",
        },
        "act.same-site": {
            "fr": "Demande non facturable : l'expert exerce sur le même site que vous (code de facturation RQD)",
            "en": "Request not billable: the expert works at the same site as you (billing code RQD)",
        },
        "act.profession": {
            "fr": "Facturation à vérifier (code de facturation RQD) : le rôle du site ne nomme pas une "
            "profession qui peut facturer une demande de télé-expertise (médecin, sage-femme, infirmier, "
            "kinésithérapeute, orthophoniste, pédicure-podologue)",
            "en": "Billing to check (billing code RQD): the site's role names no profession that may bill a "
            "tele-expertise request (doctor, midwife, nurse, physiotherapist, speech therapist, podiatrist)",
        },
        "act.reason.ok": {"fr": "facturable", "en": "billable"},
        "act.reason.limit": {
            "fr": "4 actes déjà cette année pour ce patient et ce requérant",
            "en": "4 acts already this year for this patient and requester",
        },
        "act.reason.same-site": {
            "fr": "requérant et expert sur le même site",
            "en": "requester and expert at the same site",
        },
        "act.reason.profession": {"fr": "profession du requérant à vérifier", "en": "requester's profession to check"},
        "act.reason.training": {"fr": "mode formation, patient fictif", "en": "training mode, fictitious patient"},
        "act.reason.not-done": {
            "fr": "demande refusée ou annulée par la plateforme",
            "en": "request refused or cancelled by the platform",
        },
        "act.not-done": {
            "fr": "Demande non facturable : refusée ou annulée par la plateforme (code de facturation RQD)",
            "en": "Request not billable: refused or cancelled by the platform (billing code RQD)",
        },
        "act.training": {
            "fr": "Demande non facturable : mode formation, patient fictif (code de facturation RQD)",
            "en": "Request not billable: training mode, fictitious patient (billing code RQD)",
        },
        "act.yes": {"fr": "oui", "en": "yes"},
        "act.no": {"fr": "non", "en": "no"},
        "act.cannot_write": {
            "fr": "Impossible d'écrire {path} : {reason}.",
            "en": "Cannot write {path}: {reason}.",
        },
        "act.bad_year": {
            "fr": "Année invalide : {year} (attendu : 2000 à 2100).",
            "en": "Invalid year: {year} (expected: 2000 to 2100).",
        },
    }
)

#: The export's columns: what a billing software needs to bill RQD to the patient's health insurance.
#: A billing software may read them by position: they are documented (docs/cli.md, ``acts export``), and
#: a new one goes at the end, never between two others.
COLUMNS = (
    "date",
    "act_code",
    "requester_rpps",
    "patient_family",
    "patient_given",
    "patient_birth_date",
    "patient_sex",
    "patient_ins",
    "patient_local_id",
    "case_id",
    "billable",
    "reason",
    # The used name (« nom utilisé »), as shown beside the birth name: empty when none, or when it is
    # the birth name itself. The birth name stays alone in patient_family (the insurance's).
    "patient_used_name",
    # The requester's ADELI when she has no RPPS (requester_rpps then empty): never put in requester_rpps,
    # where a billing software reads an RPPS.
    "requester_adeli",
)


@dataclass(frozen=True)
class Verdict:
    """Whether the act of a case is billable: ``rank`` is its number this year for the patient."""

    billable: bool
    reason: str
    rank: int

    def words(self) -> str:
        if self.reason == BILLABLE:
            # French ordinals of « demande » (feminine): 1re, then 2e, 3e…
            rank_fr = "1re" if self.rank == 1 else f"{self.rank}e"
            return M.tr("act.billable", rank=self.rank, rank_fr=rank_fr, limit=PER_YEAR)
        return M.tr(f"act.{self.reason}", limit=PER_YEAR)


def entitled(requester: Requester | None) -> bool:
    """The site's role names a profession that may bill RQD."""
    if requester is None:
        return False
    role = _fold(requester.role)
    return any(word in role for word in ENTITLED) or not ENTITLED_SHORT.isdisjoint(re.findall(r"\w+", role))


def patient_token(store: Store, case: Case) -> str:
    """The keyed token the acts of one patient share (INS, else the site's local id)."""
    ident = (case.patient.ins or "").replace(" ", "") or f"local:{(case.patient.local_id or '').strip()}"
    return store.key.index_token(f"act-patient:{ident}")


def _count(conn: sqlite3.Connection, year: int, requester: Requester | None, token: str, case_id: str) -> int:
    # The requester by RPPS and ADELI: two requesters under ADELI have the same empty RPPS.
    rpps, adeli = (requester.rpps, requester.adeli) if requester else ("", "")
    return int(
        conn.execute(
            "SELECT COUNT(*) FROM acts WHERE year=? AND requester_rpps=? AND requester_adeli=? AND patient=? "
            "AND billable=1 AND case_id<>?",
            (year, rpps, adeli, token, case_id),
        ).fetchone()[0]
    )


def _to_training(store: Store, case: Case) -> bool:
    """Whether the case goes (or went) to the training platform: a case still to send where it would go
    queued now (a case made for the real platform goes there only, even in training mode), a case queued
    where it was queued for; before destinations were recorded, the mode of the moment."""
    from app.store import TRAINING as TRAINING_PLATFORM

    where = store.goes_to(case.id) if case.state in EDITABLE_STATES else store.destination(case.id)
    return where == TRAINING_PLATFORM if where is not None else is_training(store.settings.get)


def judge(
    store: Store,
    case: Case,
    *,
    conn: sqlite3.Connection | None = None,
    year: int | None = None,
    requester: Requester | None = None,
) -> Verdict:
    """The verdict for ``case``'s act were it sent now (the window and ``case send`` say it first), in the name
    of ``requester`` (else the site's now)."""
    requester = requester or load_requester(store.settings)
    year = year or utc_now().astimezone().year
    done = _count(conn or store.conn, year, requester, patient_token(store, case), case.id)
    if _to_training(store, case):
        return Verdict(False, TRAINING, done + 1)
    if not entitled(requester):
        return Verdict(False, PROFESSION, done + 1)
    if done >= PER_YEAR:
        return Verdict(False, LIMIT, done + 1)
    return Verdict(True, BILLABLE, done + 1)


def record(store: Store, conn: sqlite3.Connection, case_id: str) -> Verdict | None:
    """Record the act of ``case_id`` in the caller's transaction (the one marking it sent), once."""
    if conn.execute("SELECT 1 FROM acts WHERE case_id=?", (case_id,)).fetchone():
        return None
    from app.errors import TeleavisError

    try:
        case = store.get_case(case_id)
    except TeleavisError:  # altered since it was prepared: its sending is not undone for the bill
        log.warning("case %s: its act could not be recorded (case unreadable)", case_id)
        return None
    now = utc_now()
    # The calendar year of the site (the billing's), not UTC's: in Nouméa the 1st of January starts
    # 11 hours before it does in UTC, and the export, by local day, would list the act under the other.
    year = now.astimezone().year
    # In the name it went under (found in review: the site changed while its photos uploaded billed the successor).
    requester = requester_when_sent(store, case_id)
    verdict = judge(store, case, conn=conn, year=year, requester=requester)
    conn.execute(
        "INSERT INTO acts(case_id, at, year, code, requester_rpps, requester_adeli, patient, billable, reason) "
        "VALUES (?,?,?,?,?,?,?,?,?)",
        (
            case_id,
            iso(now),
            year,
            ACT_CODE,
            requester.rpps if requester else "",
            requester.adeli if requester else "",
            patient_token(store, case),
            int(verdict.billable),
            verdict.reason,
        ),
    )
    audit.append(
        conn,
        store.key,
        "act",
        case_id,
        detail=f"{ACT_CODE} {'billable' if verdict.billable else 'not billable'} ({verdict.reason})",
    )
    return verdict


def not_done(store: Store, conn: sqlite3.Connection, case_id: str) -> bool:
    """The platform refused or cancelled the request: its act is set not billable (in the caller's
    transaction), and no longer counts among the patient's four. True when it was changed."""
    return _not_billable(store, conn, case_id, NOT_DONE)


def _not_billable(store: Store, conn: sqlite3.Connection, case_id: str, reason: str) -> bool:
    """Set the act of ``case_id`` not billable for ``reason`` (audited); True when it was changed."""
    done = conn.execute(
        "UPDATE acts SET billable=0, reason=? WHERE case_id=? AND reason<>?", (reason, case_id, reason)
    ).rowcount
    if done:
        audit.append(conn, store.key, "act", case_id, detail=f"{ACT_CODE} not billable ({reason})")
    return bool(done)


def same_site(store: Store, conn: sqlite3.Connection, case_id: str, owner: object) -> bool:
    """The platform names the expert's organisation (``Task.owner`` with a FINESS): when it is the
    site's, the act is set not billable (in the caller's transaction). True when it was changed."""
    if not isinstance(owner, dict):
        return False
    ident = owner.get("identifier")
    if not isinstance(ident, dict) or ident.get("system") != FINESS_SYSTEM:
        return False
    # The structure the case was sent from, not today's (found in review: the site given to another
    # structure meanwhile, its own expert's answer left the act billable).
    requester = requester_when_sent(store, case_id)
    if requester is None or str(ident.get("value", "")).upper() != requester.finess.upper():
        return False
    return _not_billable(store, conn, case_id, SAME_SITE)


def act_of(store: Store, case_id: str) -> dict[str, object] | None:
    """The recorded act of a case (date, code, billable, reason), or None before it is sent."""
    row = store.conn.execute("SELECT at, code, billable, reason FROM acts WHERE case_id=?", (case_id,)).fetchone()
    if row is None:
        return None
    return {"at": row[0], "code": row[1], "billable": bool(row[2]), "reason": row[3]}


def export_csv(store: Store, year: int, left_out: list[str] | None = None) -> tuple[str, int]:
    """The year's acts as CSV for the billing software (patient identity included: patient data),
    and how many; the export is recorded in the audit trail.

    ``left_out``: given, the act of a case whose data was altered outside Teleavis (``DataAltered``) is left
    out and its case id added there, the other acts exported (found from outside: one such case stopped the
    whole year's export, without saying which); not given, that error goes up."""
    text, written, detail = _export(store, year, left_out)
    _record_export(store, detail)
    return text, written


def _record_export(store: Store, detail: str) -> None:
    with transaction(store.conn) as conn:
        audit.append(conn, store.key, "exported", None, detail=detail)


def _export(store: Store, year: int, left_out: list[str] | None) -> tuple[str, int, str]:
    """``export_csv``'s text and count, and the audit entry's detail, not recorded yet."""
    if not 2000 <= year <= 2100:
        raise UsageError(M.tr("act.bad_year", year=year))
    rows = store.conn.execute(
        "SELECT case_id, at, code, requester_rpps, billable, reason, requester_adeli FROM acts WHERE year=? "
        "ORDER BY at, case_id",
        (year,),
    ).fetchall()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    written = 0
    for case_id, at, code, rpps, billable, reason, adeli in rows:
        try:
            patient = store.get_case(case_id).patient
        except DataAltered:
            if left_out is None:
                raise
            left_out.append(case_id)
            continue
        written += 1
        day = datetime.fromisoformat(at).astimezone().date().isoformat()
        # As the platform's Patient and the DICOM header name the patient: beside the INS, its traits.
        family, given = patient.names_sent(with_ins=patient.ins_sent())
        writer.writerow(
            row_as_text(  # (a file number imported as « =HYPERLINK(…) » was a live formula in a spreadsheet)
                [
                    day,
                    code,
                    rpps,
                    family,
                    " ".join(given),
                    patient.birth_date,
                    patient.sex,
                    patient.ins if patient.ins_sent() else "",  # an unqualified identity's INS identifies nothing
                    patient.local_id or "",
                    case_id,
                    M.tr("act.yes") if billable else M.tr("act.no"),
                    M.tr(f"act.reason.{reason}"),
                    patient.used_name_shown(),
                    adeli,
                ]
            )
        )
    detail = f"acts csv {year}, {written} acts"
    if left_out:
        detail += f", {len(rows) - written} left out (altered)"
    return out.getvalue(), written, detail


def write_export(store: Store, year: int, target: Path | None, left_out: list[str] | None = None) -> int:
    """``export_csv`` to ``target`` (made 0600, atomically) or to standard output."""
    import sys

    from app.fsutil import atomic_write_raw

    if target is None:
        text, n = export_csv(store, year, left_out)
        sys.stdout.write(text)
        return n
    text, n, detail = _export(store, year, left_out)
    try:
        atomic_write_raw(target, text.encode("utf-8"))
    except OSError as exc:
        said = M.tr("act.cannot_write", path=str(target), reason=os_reason(exc))
        raise StorageError(f"{said} {write_advice(exc)}") from exc
    # Recorded once written (found in review: recorded before, a write refused left the trail saying the
    # patients' identities were exported, while « Rien n'a été écrit »).
    _record_export(store, detail)
    return n
