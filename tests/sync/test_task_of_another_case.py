"""An answer is taken in only from the Task of its own case.

Found from outside (an attacker's pass): the Task and ServiceRequest ids of two cases swapped in the
database (clear columns) made the next sync file one patient's answer, PDF included, under the other
patient's case, sealed there as genuine, and nothing said or audited. A platform returning the wrong
Task would do the same. The Task names its case (§2: ``urn:teleavis:case-id``): one naming another case
is refused, said on the case, and recorded as an alteration.
"""

from __future__ import annotations

from pathlib import Path

from app.i18n import set_language
from app.model import CaseState
from app.store import Store
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import engine_on, make_case, setup_site


def _swap(store: Store, first: str, second: str) -> None:
    rows = {
        case_id: store.conn.execute("SELECT task_id, request_id FROM cases WHERE id=?", (case_id,)).fetchone()
        for case_id in (first, second)
    }
    with store.conn:
        for case_id, other in ((first, second), (second, first)):
            store.conn.execute(
                "UPDATE cases SET task_id=?, request_id=?, task_version=NULL WHERE id=?", (*rows[other], case_id)
            )


def test_a_task_that_names_another_case_brings_nothing_into_this_one(store: Store, tmp_path: Path) -> None:
    setup_site(store)
    with SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        zorglub, krapotnik = make_case(store, seed=1), make_case(store, seed=2)
        with engine_on(store, sandbox.base_url) as engine:
            assert sorted(engine.run_once(poll=False).sent) == sorted([zorglub, krapotnik])
            sandbox.expert.run_until_idle()  # both answered on the platform
            _swap(store, zorglub, krapotnik)

            engine.run_once()
            set_language("en")  # and again, in the other language (a timer's sync, the window): said once
            try:
                engine.run_once()
            finally:
                set_language(None)

            for case_id in (zorglub, krapotnik):
                assert store.state(case_id) == CaseState.SENT
                assert store.answer(case_id) is None
                assert "celle d'un autre dossier" in (store.platform_info(case_id)["last_error"] or "")
            altered = store.conn.execute(
                "SELECT case_id FROM audit WHERE action = 'altered' AND detail LIKE '%names another case%'"
            ).fetchall()
            assert sorted(row[0] for row in altered) == sorted([zorglub, krapotnik])

            _swap(store, zorglub, krapotnik)  # put right: each case gets its own answer
            engine.run_once()
            for case_id in (zorglub, krapotnik):
                assert store.state(case_id) == CaseState.ANSWERED
                task = sandbox.read("Task", store.platform_info(case_id)["task_id"])
                assert {"system": "urn:teleavis:case-id", "value": case_id} in task["identifier"]
