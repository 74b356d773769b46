"""A report whose status Teleavis does not know as signed, withdrawn or provisional (FHIR's own « unknown », a
vendor's code): the answer is shown, and says that its status must be checked on the platform. Found by the
pass of one odd resource: such a report was shown exactly as a signed one, nothing said."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.answers import status_words
from app.model import CaseState
from app.store import Store
from tests.support.scripted_platform import answer_each, following, scripted_platform, send_to_sandbox


@pytest.mark.parametrize("status", ["unknown", "vendor-signed", ""])
def test_a_report_of_a_status_not_known_says_so_with_its_answer(store: Store, tmp_path: Path, status: str) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        answer_each(platform, [(case_id, task_id)])
        platform.reports["r0"]["status"] = status
        with following(store, platform) as engine:
            engine.run_once()
    answer = store.answer(case_id)
    assert store.state(case_id) == CaseState.ANSWERED and answer is not None
    assert answer.conclusion == "Réponse 0."
    said = status_words(answer, "fr", state=CaseState.ANSWERED.value)
    assert said.startswith("Statut du compte rendu inconnu"), said
    assert status_words(answer, "en", state=CaseState.ANSWERED.value).startswith("Report status not known")


def test_a_final_report_says_nothing_more(store: Store, tmp_path: Path) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        answer_each(platform, [(case_id, task_id)])
        with following(store, platform) as engine:
            engine.run_once()
    assert status_words(store.answer(case_id), "fr", state=CaseState.ANSWERED.value) == ""
