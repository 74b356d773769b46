"""A reply to the expert whose request the platform deleted meanwhile: found by a conformance pass against what
HAPI answers (``410 Gone`` on the Task, ``404`` once purged), the reply came back « La plateforme refuse la
réponse à l'expert (410) : … corrigez-la puis envoyez-la de nouveau »: no correction can make it arrive, and
the nurse rewrote it for nothing. Now it says the request no longer exists on the platform, that the reply has
not left and its words are kept, and to call the platform; nothing is posted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.model import CaseState
from app.store import Store
from sync.follow import queue_reply
from sync.sandbox import SandboxServer
from sync.sandbox.api import Reply, error_reply
from sync.sandbox.errors import FhirError
from tests.sync.sync_helpers import engine_on, make_case


def _reply_to_a_deleted_request(store: Store, tmp_path: Path, status: int) -> tuple[str, list[str]]:
    """A case put on hold, a reply queued, then its Task deleted on the platform: (what the case says, the
    POSTs made)."""
    with SandboxServer(tmp_path / "p", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=5) as server:
        case_id = make_case(store)
        with engine_on(store, server.base_url) as engine:
            engine.run_once()
            server.expert.run_until_idle()
            engine.run_once()
            assert store.state(case_id) == CaseState.ON_HOLD
            task_id = str(store.platform_info(case_id)["task_id"])
            queue_reply(store, case_id, "Depuis trois semaines.", [])
            serve = server.platform.handle
            posted: list[str] = []

            def deleted(request: Any) -> Reply:
                if request.path.rstrip("/").endswith(f"/Task/{task_id}"):
                    return error_reply(FhirError.one(status, f"HAPI-2001: Resource Task/{task_id} is gone/deleted"))
                if request.method == "POST":
                    posted.append(request.path)
                return serve(request)

            server.platform.handle = deleted
            assert engine.run_once(poll=False).replies_sent == 0
        assert store.state(case_id) == CaseState.ON_HOLD
    return str(store.platform_info(case_id)["last_error"]), posted


@pytest.mark.parametrize("status", [404, 410])
def test_a_reply_to_a_request_the_platform_deleted_says_so_not_to_correct_it(
    store: Store, tmp_path: Path, status: int
) -> None:
    store.settings.set("platform.url", "https://platform.example/fhir")  # a real platform's case
    said, posted = _reply_to_a_deleted_request(store, tmp_path, status)
    assert "n'existe plus sur la plateforme" in said and "Appelez la plateforme" in said, said
    assert "corrigez-la" not in said and "refuse la réponse" not in said, said
    assert posted == []


def test_a_training_reply_whose_request_is_gone_says_no_real_patient_is_concerned(store: Store, tmp_path: Path) -> None:
    said, posted = _reply_to_a_deleted_request(store, tmp_path, 404)
    assert "Aucun vrai patient n'est concerné" in said and "corrigez-la" not in said, said
    assert posted == []
