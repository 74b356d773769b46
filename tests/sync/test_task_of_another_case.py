"""An answer is taken in only from the Task of its own case.

Found from outside (an attacker's pass): the Task and ServiceRequest ids of two cases swapped in the
database (clear columns) made the next sync file one patient's answer, PDF included, under the other
patient's case, sealed there as genuine, and nothing said or audited. A platform returning the wrong
Task would do the same. The Task names its case (§2: ``urn:teleavis:case-id``): one naming another case
is refused, said on the case, and recorded as an alteration.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def test_a_platform_ignoring_the_identifier_search_never_gives_this_case_another_cases_task() -> None:
    """Found in review: after a sending whose answer was lost, the case's Task is looked up by its
    identifier, and the first Task returned was taken. A FHIR server ignores a search parameter it does
    not support (lenient handling, the default) and returns every Task: the case was bound to another
    patient's, whose answer it would then have shown. A Task naming another case is never taken; one
    naming no case only when it is all the search returned."""
    from sync.follow import find_task
    from tests.support.scripted_platform import Query, ScriptedPlatform, bundle, fhir, scripted_platform, task
    from tests.sync.sync_helpers import client_for_url

    this, other = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"

    def with_focus(made: dict[str, Any], request: str) -> dict[str, Any]:
        return {**made, "focus": {"reference": f"ServiceRequest/{request}"}}

    def every_task(platform: ScriptedPlatform) -> Callable[[str, Query], Any]:
        def hook(path: str, query: Query) -> Any:
            if path.endswith("/Task") and "identifier" in query:  # the parameter ignored
                return fhir(bundle(list(platform.tasks.values())))
            return None

        return hook

    with scripted_platform() as platform:
        platform.hooks.append(every_task(platform))
        platform.tasks["t-other"] = with_focus(task(other, "t-other", "completed"), "sr-other")
        with client_for_url(platform.base_url) as client:
            assert find_task(client, this) is None, "another patient's Task is not this case's"
            platform.tasks["t-this"] = with_focus(task(this, "t-this", "requested"), "sr-this")
            assert find_task(client, this) == ("t-this", "sr-this", "2")
            unnamed = with_focus(task(this, "t-unnamed", "requested"), "sr-unnamed")
            del unnamed["identifier"]
            platform.tasks = {"t-other": platform.tasks["t-other"], "t-unnamed": unnamed}
            assert find_task(client, this) is None, "a Task naming no case, among others: not known to be this one"
            platform.tasks = {"t-unnamed": unnamed}
            assert find_task(client, this) == ("t-unnamed", "sr-unnamed", "2")
