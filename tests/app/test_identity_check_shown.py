"""On what the identity was validated is shown to whoever reads the case: `case show` and the PDF report say the
ID document checked and its date for a validated or qualified identity, and the EHPAD exception (RNIV 2024,
volet 1, 3.3.3: the family record book or the birth certificate with the resident's own carte Vitale bearing a
photograph, for a resident admitted directly to an EHPAD). Found in review: the exception was kept in the case
and never shown; an expert or the requester reading « identité validée » could not tell it rested on a family
record book, which alone validates a minor's identity only. FR Core's identity reliability carries the
document (validation mode) and date but has no code for the carte Vitale: the report says it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from app.model import Case, Patient
from app.store import Store
from tests.support.cli import run_inprocess


def _resident(store: Store, *, ehpad: bool, status: str = "validated") -> str:
    patient = Patient(
        family="MARTIN",
        given=["Paul"],
        birth_date="1930-02-03",
        sex="male",
        ins="130028512345685",
        local_id="D-2291",
        birth_place="85123",
    )
    patient.identity_status = status
    patient.identity_document = "LE"
    patient.identity_checked_on = "2026-11-20"
    patient.identity_ehpad_vitale = ehpad
    return store.create_case(Case(question="Q", summary="S", patient=patient), [])


def _pdf_text(capsys: pytest.CaptureFixture[str], case_id: str, pdf: Path, lang: str = "fr") -> str:
    assert run_inprocess(capsys, "case", "export", case_id, "--pdf", str(pdf), "--lang", lang).code == 0
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(pdf).pages).split())


def test_the_ehpad_exception_is_said_by_case_show_and_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store
) -> None:
    case_id = _resident(store, ehpad=True)
    shown = run_inprocess(capsys, "case", "show", case_id).out
    patient_line = next(line for line in shown.splitlines() if line.startswith("Patient"))
    # (A validated identity's INS is not shown: only a qualified one's files health data.)
    assert patient_line.endswith(
        ", identité validée sur livret de famille et carte Vitale à photo vue (admis directement en EHPAD),"
        " le 20/11/2026, INS non affiché tant que l'identité n'est pas qualifiée (identitovigilance)"
    )
    text = _pdf_text(capsys, case_id, tmp_path / "fr.pdf")
    assert (
        "Identité vérifiée sur Livret de famille et carte Vitale à photo vue (admis directement en EHPAD),"
        " le 20/11/2026"
    ) in text
    english = _pdf_text(capsys, case_id, tmp_path / "en.pdf", "en")
    assert (
        "Identity checked on Family record book and carte Vitale with photograph seen (admitted directly to an"
        " EHPAD), on 2026-11-20"
    ) in english


def test_without_the_exception_the_document_alone_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store
) -> None:
    case_id = _resident(store, ehpad=False, status="qualified")
    shown = run_inprocess(capsys, "case", "show", case_id).out
    patient_line = next(line for line in shown.splitlines() if line.startswith("Patient"))
    assert patient_line.endswith(", identité qualifiée sur livret de famille, le 20/11/2026")
    # (The checklist says below that the family record book alone validates a minor's identity only.)
    text = _pdf_text(capsys, case_id, tmp_path / "q.pdf")
    assert "Identité vérifiée sur Livret de famille, le 20/11/2026" in text
    assert "EHPAD" not in text


def test_a_provisional_identity_says_no_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store
) -> None:
    """A document kept beside a provisional status was not what the status rests on (it is never sent either)."""
    case_id = _resident(store, ehpad=True, status="provisional")
    shown = run_inprocess(capsys, "case", "show", case_id).out
    patient_line = next(line for line in shown.splitlines() if line.startswith("Patient"))
    assert patient_line.endswith(
        ", identité provisoire, INS non affiché tant que l'identité n'est pas qualifiée (identitovigilance)"
    )
    text = _pdf_text(capsys, case_id, tmp_path / "p.pdf")
    assert "Livret" not in text and "Vitale" not in text
