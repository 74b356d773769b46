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


def test_the_reply_to_a_deleted_request_is_kept_across_a_restart_and_never_sent_when_it_comes_back(
    teleavis_home: Path, tmp_path: Path
) -> None:
    """Its words and its photo are kept for the nurse (the Teleavis closed and opened again), and once the request
    is back on the platform (a deletion undone), the refused reply is not sent by itself: only when queued again.
    Found in review: sent then, the case still said « La demande n'existe plus sur la plateforme … »."""
    from app import reply_drafts
    from app.model import CaseImage
    from app.outbox import Outbox
    from app.store import NewImage
    from sync.follow import to_send_again
    from tests.sync.sync_helpers import jpeg, setup_site

    with SandboxServer(tmp_path / "p", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=5) as server:
        with Store.open(teleavis_home) as store:
            setup_site(store)
            store.settings.set("platform.url", "https://platform.example/fhir")
            case_id = make_case(store)
            with engine_on(store, server.base_url) as engine:
                engine.run_once()
                server.expert.run_until_idle()
                engine.run_once()
                assert store.state(case_id) == CaseState.ON_HOLD
                task_id = str(store.platform_info(case_id)["task_id"])
                photo = NewImage(
                    CaseImage(body_site="dos", view="close-up", content_type="image/jpeg", width=64, height=48),
                    jpeg(seed=4),
                )
                message_id = queue_reply(store, case_id, "Depuis trois semaines.", [photo])
                serve = server.platform.handle
                posted: list[str] = []

                def deleted(request: Any) -> Reply:
                    if request.path.rstrip("/").endswith(f"/Task/{task_id}"):
                        return error_reply(FhirError.one(410, f"HAPI-2001: Resource Task/{task_id} is gone/deleted"))
                    if request.method == "POST":
                        posted.append(request.path)
                    return serve(request)

                server.platform.handle = deleted
                assert engine.run_once(poll=False).replies_sent == 0
            assert posted == []
        with Store.open(teleavis_home) as store:  # Teleavis closed and opened again
            assert "Depuis trois semaines." in reply_drafts.load(store, case_id)
            [message] = [m for m in Outbox(store).messages(case_id) if m.id == message_id]
            assert message.state == "refused"
            again = [i for i in message.image_ids if i in to_send_again(Outbox(store).messages(case_id))]
            assert again == list(message.image_ids) and again
            assert [i for i, _name in reply_drafts.load_again(store, case_id, again)] == again  # goes with the reply
            server.platform.handle = serve  # the request back on the platform
            with engine_on(store, server.base_url) as engine:
                summary = engine.run_once()
                assert summary.replies_sent == 0
            assert [m.state for m in Outbox(store).messages(case_id) if m.id == message_id] == ["refused"]
            assert not [c for c in server.resources("Communication") if "Depuis trois semaines." in str(c)]
            # Sent again by the nurse, it goes once, and the case no longer says the request gone.
            queue_reply(store, case_id, reply_drafts.load(store, case_id), [], again=again)
            with engine_on(store, server.base_url) as engine:
                assert engine.run_once().replies_sent == 1
            assert "n'existe plus" not in str(store.platform_info(case_id)["last_error"])


def test_a_reply_refused_as_its_request_was_deleted_is_announced_once(store: Store, tmp_path: Path) -> None:
    """Left alone last session: the reply refused as the request was deleted was announced (« Réponse à
    l'expert non envoyée »), then the poll of the same pass found the Task gone and announced the case again,
    on hold, which the window says as « L'expert pose une question sur le dossier »; its note, which said the
    reply's words are kept, replaced. Once, with the reply's words, and at the next passes nothing more."""
    from sync.auth import StaticToken
    from sync.client import ClientConfig, PlatformClient, RetryPolicy
    from sync.engine import Engine
    from sync.progress import RecordingListener

    store.settings.set("platform.url", "https://platform.example/fhir")  # a real platform's case
    with SandboxServer(tmp_path / "p", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=5) as server:
        case_id = make_case(store)
        listener = RecordingListener()
        with PlatformClient(
            ClientConfig(server.base_url, 5.0, 30.0), StaticToken(None), policy=RetryPolicy(base_s=0.05)
        ) as client:
            engine = Engine(store, client, listener, case_budget_s=10.0)
            engine.run_once()
            server.expert.run_until_idle()
            engine.run_once()
            assert store.state(case_id) == CaseState.ON_HOLD
            task_id = str(store.platform_info(case_id)["task_id"])
            queue_reply(store, case_id, "Depuis trois semaines.", [])
            serve = server.platform.handle

            def deleted(request: Any) -> Reply:
                if f"Task/{task_id}" in request.path or task_id in str(getattr(request, "query", "")):
                    return error_reply(FhirError.one(410, f"HAPI-2001: Resource Task/{task_id} is gone/deleted"))
                return serve(request)

            server.platform.handle = deleted
            store.mark_read(case_id)  # the question read, and answered
            del listener.states[:]
            engine.run_once()
            engine.run_once()
    said = [(state, detail) for case, state, detail in listener.states if case == case_id]
    assert [state for state, _ in said] == ["reply-refused"], said
    assert "n'existe plus sur la plateforme" in str(store.platform_info(case_id)["last_error"])
    assert "réponse à écrire" in str(store.platform_info(case_id)["last_error"])
    # News for her all the same (no answer will come): the case « à lire » in the list, as a Task gone is.
    assert store.conn.execute("SELECT unread FROM cases WHERE id=?", (case_id,)).fetchone()[0] == 1
