"""``case show`` says, as the report does, a reply to the expert that never reached them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest

from app.db import transaction
from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from tests.support.cli import run_inprocess
from tests.support.ui import REQUESTER, sent_case


@pytest.fixture
def store(teleavis_home: Path) -> Iterator[Store]:
    with Store.open(teleavis_home) as opened:
        opened.settings.set("site.requester", asdict(REQUESTER))
        yield opened


def test_case_show_says_a_reply_refused_or_not_sent_yet(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    case_id = sent_case(store, then=(CaseState.ON_HOLD,))
    outbox = Outbox(store)
    with transaction(store.conn) as conn:
        outbox.add_expert_message(conn, case_id, "q1", "Depuis quand ?", "2026-12-02T09:00:00+00:00", "a")
    refused = outbox.queue_reply(case_id, "Trois semaines.", [], "q1")
    outbox.reply_refused(case_id, refused, "La plateforme refuse la réponse à l'expert (422).")
    outbox.queue_reply(case_id, "Depuis trois semaines.", [], "q1")
    store.close()

    out = run_inprocess(capsys, "case", "show", case_id).out
    said = out[out.index("Questions de l'expert et réponses") :]
    assert said.index("Depuis quand ?") < said.index("non envoyée") < said.index("Trois semaines.")
    assert said.index("Trois semaines.") < said.index("pas encore envoyée") < said.index("Depuis trois semaines.")
    doc = json.loads(run_inprocess(capsys, "case", "show", case_id, "--json").out)
    assert [(m["direction"], m["state"]) for m in doc["messages"]] == [
        ("from-expert", "received"),
        ("to-expert", "refused"),
        ("to-expert", "queued"),
    ]
