"""An answer the platform takes back: the case was answered and read, then the platform hands the request
to another expert (Task back to ``accepted``, business status « Réattribuée à un autre expert », its output
removed). Found from outside: the move was refused (answered → accepted), only logged; the case stayed
« Répondu », read, its old conclusion shown as the answer, nothing said."""

from __future__ import annotations

from pathlib import Path

from app.answers import state_words, status_words
from app.model import TRANSITIONS, AnswerNews, CaseState
from app.store import Store
from sync.progress import RecordingListener
from tests.support.scripted_platform import PDF, following, report, scripted_platform, send_to_sandbox, task

WITHDRAWN_WORDS = (
    "La plateforme a retiré cette réponse (demande réattribuée à un autre expert) : attendez la nouvelle réponse."
)


def test_an_answer_taken_back_by_the_platform_is_news_and_not_shown_as_current(store: Store, tmp_path: Path) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r1",))
        platform.reports["r1"] = report("r1", "Naevus bénin, surveillance simple.", pdf="b1")
        platform.binaries["b1"] = PDF
        with following(store, platform) as engine:
            engine.run_once()
            assert store.state(case_id) == CaseState.ANSWERED
            store.mark_read(case_id)
            back = task(case_id, task_id, "accepted", version="3")
            back["businessStatus"] = {"text": "Réattribuée à un autre expert"}
            platform.tasks[task_id] = back
            listener = RecordingListener()
            engine.listener = engine.follower.listener = listener
            for _ in range(2):
                engine.run_once()
            assert listener.states == [(case_id, CaseState.ACCEPTED.value, AnswerNews.WITHDRAWN)]
            info = store.platform_info(case_id)
            assert store.state(case_id) == CaseState.ACCEPTED
            assert info["unread"]
            assert info["business_status"] == "Réattribuée à un autre expert"
            answer = store.answer(case_id)
            assert answer is not None and answer.platform_withdrawn  # kept on the record, said withdrawn
            assert status_words(answer, state=CaseState.ACCEPTED.value) == WITHDRAWN_WORDS
            assert state_words(CaseState.ACCEPTED.value, answer) == "accepté par l'expert"  # not « répondu »

            # The other expert answers: the new answer replaces the withdrawn one, which stays as earlier.
            platform.tasks[task_id] = task(case_id, task_id, "completed", version="4", report_ids=("r2",))
            platform.reports["r2"] = report("r2", "Mélanome probable : exérèse.", pdf="b1")
            engine.run_once()
    answer = store.answer(case_id)
    assert store.state(case_id) == CaseState.ANSWERED
    assert answer is not None and answer.conclusion == "Mélanome probable : exérèse."
    assert not answer.platform_withdrawn and status_words(answer, state=CaseState.ANSWERED.value) == ""
    assert [e["conclusion"] for e in answer.earlier] == ["Naevus bénin, surveillance simple."]


def test_an_answered_case_may_be_handed_back_to_any_followed_state() -> None:
    """The platform may send the request back to be taken again (requested, received, accepted), as it
    may reopen it (in-progress, on-hold): docs/architecture.md."""
    for state in (CaseState.SENT, CaseState.RECEIVED, CaseState.ACCEPTED, CaseState.IN_PROGRESS, CaseState.ON_HOLD):
        assert state in TRANSITIONS[CaseState.ANSWERED]


def test_an_expert_taking_the_case_back_with_its_answer_still_there_says_it_may_change(
    store: Store, tmp_path: Path
) -> None:
    """Back to accepted with the answer still in the Task's outputs: not withdrawn, it may change."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r1",))
        platform.reports["r1"] = report("r1", "Naevus bénin, surveillance simple.", pdf="b1")
        platform.binaries["b1"] = PDF
        with following(store, platform) as engine:
            engine.run_once()
            store.mark_read(case_id)
            platform.tasks[task_id] = task(case_id, task_id, "in-progress", version="3", report_ids=("r1",))
            engine.run_once()
    answer = store.answer(case_id)
    assert store.state(case_id) == CaseState.IN_PROGRESS and store.platform_info(case_id)["unread"]
    assert answer is not None and not answer.platform_withdrawn
    assert status_words(answer, state=CaseState.IN_PROGRESS.value).startswith("L'expert a repris le dossier")


def test_a_question_after_an_answer_is_not_said_withdrawn_by_the_platform(store: Store, tmp_path: Path) -> None:
    """Found in review: the contract gives Task.output only when completed, so an expert who asks a
    question after answering (on-hold, no output), then takes the case up again (in-progress), made the
    case say « La plateforme a retiré cette réponse ». Only a request handed back to be taken again is."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r1",))
        platform.reports["r1"] = report("r1", "Naevus bénin.", pdf="b1")
        platform.binaries["b1"] = PDF
        with following(store, platform) as engine:
            engine.run_once()
            store.mark_read(case_id)
            listener = RecordingListener()
            engine.listener = engine.follower.listener = listener
            platform.tasks[task_id] = task(case_id, task_id, "on-hold", version="3")  # a question; no output
            engine.run_once()
            platform.tasks[task_id] = task(case_id, task_id, "in-progress", version="4")
            engine.run_once()
    answer = store.answer(case_id)
    assert store.state(case_id) == CaseState.IN_PROGRESS
    assert answer is not None and not answer.platform_withdrawn
    assert AnswerNews.WITHDRAWN not in [news for _case, _state, news in listener.states]
    assert "retiré" not in status_words(answer, state=CaseState.IN_PROGRESS.value)
