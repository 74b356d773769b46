"""The platform's business status in the reader's language when it is coded in a way Teleavis knows,
its own words otherwise (found from outside: the English window said « Platform: Réponse rendue »).

The training platform codes each status (``urn:teleavis:business-status``) beside its French words;
a real platform writes its own words, shown as written. A status kept by an older version (the text
alone) reads as it was."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import i18n
from app.db import transaction
from app.report import build_report
from app.store import Store
from sync import codes as C
from sync.auth import StaticToken
from sync.client import ClientConfig, PlatformClient
from sync.engine import Engine
from sync.follow import _business_status
from sync.sandbox import SandboxServer
from tests.support.cli import run_process
from tests.sync.sync_helpers import FAST, make_case

TOKEN = "platform-secret-token"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1, token=TOKEN) as server:
        yield server


@pytest.fixture
def answered(store: Store, sandbox: SandboxServer) -> str:
    with PlatformClient(ClientConfig(sandbox.base_url, 2.0, 10.0), StaticToken(TOKEN), policy=FAST) as client:
        engine = Engine(store, client, case_budget_s=10.0)
        case_id = make_case(store)
        assert engine.run_once().sent == [case_id]
        sandbox.expert.run_until_idle()
        assert engine.run_once().answered == [case_id]
    return case_id


def report_text(store: Store, case_id: str, lang: str) -> str:
    pdf = build_report(store, case_id, lang=lang).pdf
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_training_platform_codes_its_status_and_the_reader_gets_it_in_their_language(
    store: Store, answered: str
) -> None:
    i18n.set_language("fr")
    info = store.platform_info(answered)
    assert (info["business_status"], info["business_code"]) == ("Réponse rendue", "answered")
    i18n.set_language("en")
    assert store.platform_info(answered)["business_status"] == "Answer given"
    english, french = report_text(store, answered, "en"), report_text(store, answered, "fr")
    # On paper the status that only says the state again is left out, in either language (the state says
    # it: « answer received »); one with words of its own is printed in the reader's (test_report_words.py).
    assert "State answer received" in english and "Answer given" not in english and "Réponse rendue" not in english
    assert "État réponse reçue" in french and "Réponse rendue" not in french and "Answer given" not in french
    shown = run_process("case", "show", answered, env={"LANG": "en_US.UTF-8"})
    assert shown.code == 0, shown.err
    assert "Platform: Answer given" in shown.out and "Réponse rendue" not in shown.out, shown.out


def test_a_platforms_own_words_and_words_kept_before_are_shown_as_written(store: Store) -> None:
    case_id = make_case(store, queue=False)
    i18n.set_language("en")
    for status in (
        {"text": "Prise en charge par le Dr Q"},  # no coding: the platform's words
        {"coding": [{"system": "https://other.example/status", "code": "answered"}], "text": "Prise en charge"},
        {"coding": [{"system": C.BUSINESS_STATUS_SYSTEM, "code": "weighed"}], "text": "Pesée par l'expert"},
    ):
        with transaction(store.conn) as conn:
            store.set_platform_words(conn, case_id, business_status=_business_status(status))
        assert store.platform_info(case_id)["business_status"] == status["text"]
    with transaction(store.conn) as conn:  # as an older version kept it: the text alone
        store.set_platform_words(conn, case_id, business_status="Réponse rendue")
    assert store.platform_info(case_id)["business_status"] == "Réponse rendue"
    assert store.platform_info(case_id)["business_code"] is None


def test_the_training_experts_french_reason_is_not_repeated_under_its_english_status(
    store: Store, tmp_path: Path
) -> None:
    """Found from outside (en39): the English ``case show`` and PDF of a case the training expert asked a
    question on said « Reason given by the platform: Complément demandé par l'expert » under "The expert
    asks for more information": French in an English page, saying again what the status line says. The
    window leaves it out (it compares the reason with the status in each language); so do they now."""
    with (
        SandboxServer(
            tmp_path / "asking", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=1, token=TOKEN
        ) as server,
        PlatformClient(ClientConfig(server.base_url, 2.0, 10.0), StaticToken(TOKEN), policy=FAST) as client,
    ):
        engine = Engine(store, client, case_budget_s=10.0)
        case_id = make_case(store)
        assert engine.run_once().sent == [case_id]
        server.expert.run_until_idle()
        engine.run_once()
    assert store.platform_info(case_id)["status_reason"] == "Complément demandé par l'expert"
    english, french = report_text(store, case_id, "en"), report_text(store, case_id, "fr")
    assert "The expert asks for more information" in english and "Complément" not in english, english
    assert "Complément" not in french  # (as before: the French status says it already)
    shown = run_process("case", "show", case_id, env={"LANG": "en_GB.UTF-8"})
    assert shown.code == 0, shown.err
    assert "The expert asks for more information" in shown.out and "Complément" not in shown.out, shown.out
    assert "Reason given by the platform" not in shown.out, shown.out
