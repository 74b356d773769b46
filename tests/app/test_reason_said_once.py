"""The platform's reason for a case's state is said once: « L'expert demande un complément » followed by
« Motif donné par la plateforme : Complément demandé par l'expert » said the same thing twice (found by
this session's passes), in the window, the report and ``case show``. A reason that adds anything stays."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import business_status
from app.business_status import reason_repeats
from app.db import transaction
from app.model import CaseState
from app.report import build_report
from app.store import Store
from tests.support.cli import run_inprocess
from tests.support.ui import REQUESTER, sent_case


@pytest.fixture
def store(teleavis_home: Path) -> Iterator[Store]:
    with Store.open(teleavis_home) as opened:
        opened.settings.set("site.requester", asdict(REQUESTER))
        yield opened


def test_a_reason_repeats_the_line_when_it_has_no_word_of_its_own() -> None:
    assert reason_repeats("Complément demandé par l'expert", "L'expert demande un complément")
    assert reason_repeats("  COMPLÉMENT demandé, par l’expert. ", "L'expert demande un complément")
    assert reason_repeats("Reçue par la plateforme", None, "Reçue par la plateforme")
    assert not reason_repeats("Complément demandé par l'expert : photo floue", "L'expert demande un complément")
    assert not reason_repeats("Photo floue", "L'expert demande un complément")
    assert not reason_repeats("Complément demandé par l'expert", None, "")
    assert not reason_repeats("", "L'expert demande un complément")


def _with_words(store: Store, reason: str) -> str:
    case_id = sent_case(store, then=(CaseState.RECEIVED, CaseState.IN_PROGRESS, CaseState.ON_HOLD))
    said = business_status.BusinessStatus("x", "question").words("fr")
    with transaction(store.conn) as conn:
        store.set_platform_words(conn, case_id, business_status=business_status.kept(said, "question"))
        store.set_platform_words(conn, case_id, status_reason=reason)
    return case_id


def _pdf_text(store: Store, case_id: str) -> str:
    pdf = build_report(store, case_id, lang="fr").pdf
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_report_and_case_show_do_not_repeat_the_status_as_the_reason(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    same = _with_words(store, "Complément demandé par l'expert")
    more = _with_words(store, "Complément demandé par l'expert : photo floue")
    printed_same, printed_more = _pdf_text(store, same), _pdf_text(store, more)
    store.close()

    assert "L'expert demande un complément" in printed_same and "Motif donné par la plateforme" not in printed_same
    assert "Motif donné par la plateforme Complément demandé par l'expert : photo floue" in printed_more
    out = run_inprocess(capsys, "case", "show", same).out
    assert "L'expert demande un complément" in out and "Motif donné par la plateforme" not in out
    out = run_inprocess(capsys, "case", "show", more).out
    assert "Motif donné par la plateforme : Complément demandé par l'expert : photo floue" in out
