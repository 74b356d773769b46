"""A queued case this release's checklist refuses at its sending (queued by an older release) says why in its own
words on its page, and in its history, never as a platform's refusal: no platform saw it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from app import messages as M
from app.model import CaseState
from app.report_text import history_words
from app.store import Store
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import engine_on, make_case


def test_a_case_stopped_by_the_checklist_at_its_sending_says_so_not_a_platform_refusal(
    qtbot: Any, store: Store, window: Any, tmp_path: Path
) -> None:
    case_id = make_case(store, queue=False)
    case = store.get_case(case_id)
    # Queued as an older release queued it: a consent without its date.
    case.consent = replace(case.consent, date="")
    store.update_case(case)
    store.queue(case_id)
    with (
        SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1) as sandbox,
        engine_on(store, sandbox.base_url) as engine,
    ):
        engine.run_once(poll=False)
    assert store.state(case_id) == CaseState.NEEDS_ATTENTION

    window.open_case(case_id)
    page = window.case_page
    assert page.attention.isVisible()
    text = page.attention.text()
    assert text.startswith(M.tr("sync.checklist_refused")), text
    assert M.tr("v.consent_date") in text
    assert "La plateforme a refusé" not in text
    said = "\n".join(history_words(event, "fr") for event in store.history(case_id))
    assert "contrôles de cette version" in said and "refusé par la plateforme" not in said, said
