"""Answers shaped otherwise than the sandbox's, as a real platform may give them (found by an outside
run against a scripted platform): each case keeps to its own answer and questions, nothing is lost for
good because it came a moment late, and one odd answer never holds the others back."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from app.answers import missing_words, status_words
from app.model import Answer, CaseState
from app.moments import parse_date_time
from app.outbox import Outbox
from app.store import Store
from sync.engine import Engine
from sync.follow import queue_reply
from tests.support.cli import run_inprocess
from tests.support.scripted_platform import (
    PDF,
    Reply,
    ScriptedPlatform,
    answer_each,
    bundle,
    communication,
    fhir,
    follow_up_output,
    following,
    on_hold_with_a_question,
    outcome,
    report,
    scripted_platform,
    send_to_sandbox,
    task,
)


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(str(path)).pages).split())


def kept_without_its_report(store: Store, case_id: str, reason: str, words: str) -> None:
    """The case answered without a conclusion: its report kept as missing for ``reason``, said in ``words``."""
    answer = store.answer(case_id)
    assert answer is not None and answer.conclusion == ""
    assert [m["reason"] for m in answer.missing] == [reason]
    assert words in " ".join(missing_words(answer))


def _questions(store: Store, case_id: str) -> list[str]:
    return [m.text for m in Outbox(store).messages(case_id) if m.direction == "from-expert"]


def test_a_server_that_ignores_the_search_parameter_never_files_a_question_under_another_patient(
    store: Store, tmp_path: Path
) -> None:
    """A server that ignores the Communication search's parameter returns every Communication: the
    questions of B and C landed in A's case, and the reply went to C's."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    with scripted_platform() as platform:
        everyone = [
            communication(f"c{n}", task_id, f"Question sur le patient {'ABC'[n]}")
            for n, (_, task_id) in enumerate(cases)
        ]
        for case_id, task_id in cases:
            platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.hooks.append(lambda path, _q: fhir(bundle(everyone)) if path.endswith("/Communication") else None)
        with following(store, platform) as engine:
            engine.run_once()
    for n, (case_id, _) in enumerate(cases):
        assert store.state(case_id) == CaseState.ON_HOLD
        assert _questions(store, case_id) == [f"Question sur le patient {'ABC'[n]}"]


def test_the_questions_are_searched_by_a_parameter_fhir_r4_defines(store: Store, tmp_path: Path) -> None:
    """Found from outside: ``Communication?about=Task/x``: ``about`` is an element of Communication, not
    one of its search parameters in R4, and a strict server (HAPI FHIR) answers 400. The question was
    never read and the Task's move to on-hold never reached the case, at every poll."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication("q1", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_once()
    assert store.state(case_id) == CaseState.ON_HOLD and _questions(store, case_id) == ["Depuis quand ?"]
    assert any("/Communication?based-on=ServiceRequest" in r for r in platform.requests)


def test_a_question_written_after_its_task_went_on_hold_still_arrives(store: Store, tmp_path: Path) -> None:
    """The platform moves the Task, then writes its Communication: a poll between the two saw none, and
    the Task does not change again. So does a second question while the Task stays on hold."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        with following(store, platform) as engine:
            engine.run_once()
            assert store.state(case_id) == CaseState.ON_HOLD and _questions(store, case_id) == []
            platform.communications[task_id] = [communication("q1", task_id, "Depuis quand ?")]
            engine.run_once()
            assert _questions(store, case_id) == ["Depuis quand ?"]
            platform.communications[task_id].append(communication("q2", task_id, "Et une photo de près ?"))
            engine.run_once()
            engine.run_once()  # read again: kept once
    assert _questions(store, case_id) == ["Depuis quand ?", "Et une photo de près ?"]
    assert store.platform_info(case_id)["unread"]


def test_two_questions_read_in_one_poll_are_kept_in_the_order_the_expert_sent_them(
    store: Store, tmp_path: Path
) -> None:
    """Found by an outside conformance pass: a server's search returns its matches in the order it likes
    (newest first, often). Two questions read in the same poll were kept in that order: the conversation
    showed the second question before the first, and the reply answered the first one (its
    ``inResponseTo``), not the last the expert asked. They are kept in the order they were sent."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    first = communication("q1", task_id, "Depuis quand ?")
    second = {**communication("q2", task_id, "Et une photo de près ?"), "sent": "2026-11-21T09:05:00Z"}
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [second, first]  # 10:05 (+01:00) listed before 10:00 (+01:00)
        with following(store, platform) as engine:
            engine.run_once()
    assert _questions(store, case_id) == ["Depuis quand ?", "Et une photo de près ?"]
    reply = queue_reply(store, case_id, "Depuis trois mois.", [])
    assert next(m for m in Outbox(store).messages(case_id) if m.id == reply).in_response_to == "q2"


def test_a_question_that_names_the_request_rather_than_the_task_is_still_this_cases(
    store: Store, tmp_path: Path
) -> None:
    """Found by an outside conformance pass: a platform whose expert's Communication names the case's
    ServiceRequest (``basedOn``, or ``about`` the request itself) but not its Task had the question left out
    as another case's: the case showed « on hold » with no question to answer. The request is this case's
    as much as its Task; a Communication naming another request is still left out."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    requests = {case_id: str(store.platform_info(case_id)["request_id"]) for case_id, _ in cases}
    with scripted_platform() as platform:
        comms = []
        for n, (case_id, task_id) in enumerate(cases):
            platform.tasks[task_id] = task(case_id, task_id, "on-hold")
            request = {"reference": f"ServiceRequest/{requests[case_id]}"}
            comm = {**communication(f"q{n}", task_id, f"Question {n}"), "basedOn": [request]}
            comm["about"] = [request] if n else []
            comms.append({k: v for k, v in comm.items() if v != []})
        # (a server that ignores the search parameter: every case's question in every answer)
        platform.hooks.append(lambda path, _q: fhir(bundle(comms)) if path.endswith("/Communication") else None)
        with following(store, platform) as engine:
            engine.run_once()
    for n, (case_id, _) in enumerate(cases):
        assert store.state(case_id) == CaseState.ON_HOLD
        assert _questions(store, case_id) == [f"Question {n}"]


def test_a_question_given_as_a_text_attachment_or_a_reference_is_never_an_empty_message(
    store: Store, tmp_path: Path
) -> None:
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    (text_case, text_task), (ref_case, ref_task) = cases
    with scripted_platform() as platform:
        for case_id, task_id in cases:
            platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        attached = communication("a", text_task, "")
        attached["payload"] = [
            {
                "contentAttachment": {
                    "contentType": "text/plain",
                    "data": base64.b64encode(b"Photo dermoscopique, svp.").decode(),
                }
            }
        ]
        referred = communication("r", ref_task, "")
        referred["payload"] = [{"contentReference": {"reference": "DocumentReference/d1", "display": "Questionnaire"}}]
        platform.communications = {text_task: [attached], ref_task: [referred]}
        with following(store, platform) as engine:
            engine.run_once()
    assert _questions(store, text_case) == ["Photo dermoscopique, svp."]
    [said] = _questions(store, ref_case)
    assert "plateforme" in said


def test_a_report_not_yet_stored_when_the_task_completed_comes_on_a_later_poll(store: Store, tmp_path: Path) -> None:
    """The Task is completed before its DiagnosticReport is readable (404): the case said « introuvable »
    for good and the report was never asked for again, though the expert had answered."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r1",))
        with following(store, platform) as engine:
            assert engine.run_once().answered == [case_id]
            first = store.answer(case_id)
            assert first is not None and first.conclusion == "" and first.missing
            store.mark_read(case_id)
            platform.reports["r1"] = report("r1", "Naevus bénin : surveillance.", pdf="b1")
            platform.binaries["b1"] = PDF
            assert engine.run_once().answered == [case_id]
            assert engine.run_once().answered == []  # whole now: not again
    answer = store.answer(case_id)
    assert answer is not None and answer.conclusion == "Naevus bénin : surveillance." and answer.missing == []
    assert len(answer.pdf_blobs) == 1 and not answer.amended
    assert store.platform_info(case_id)["unread"]


def test_a_results_page_the_platform_refuses_never_holds_every_answer_back(store: Store, tmp_path: Path) -> None:
    """A paged search whose second page expired on the server (410, as HAPI says it): the poll stopped
    for every case, the answers of the first page thrown away, at every poll."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 4)
    with scripted_platform() as platform:
        for n, (case_id, task_id) in enumerate(cases):
            platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=(f"r{n}",))
            platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n}", pdf=f"b{n}")
            platform.binaries[f"b{n}"] = PDF
        first_page = [platform.tasks[task_id] for _, task_id in cases[:2]]

        def paged(path: str, query: dict[str, list[str]]) -> Reply | None:
            if path.endswith("/Task") and "_id" in query:
                return fhir(bundle(first_page, link=[{"relation": "next", "url": "?_getpages=abc"}]))
            if path.rstrip("/").endswith("/fhir") and "_getpages" in query:
                return outcome(410, 'Search id "abc" does not exist and may have expired')
            return None

        platform.hooks.append(paged)
        with following(store, platform) as engine:
            answered = engine.run_once().answered
    assert sorted(answered) == sorted(case_id for case_id, _ in cases)
    assert [store.answer(case_id).conclusion for case_id, _ in cases] == [f"Réponse {n}" for n in range(4)]  # type: ignore[union-attr]


def test_a_search_of_tasks_the_platform_always_fails_never_holds_every_answer_back(
    store: Store, tmp_path: Path
) -> None:
    """Found from outside: a gateway timing out (504) on the search of many Tasks at once, at every poll,
    held back every case's answer, though each Task read alone was there."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    with scripted_platform() as platform:
        for n, (case_id, task_id) in enumerate(cases):
            platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=(f"r{n}",))
            platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n}")
        platform.hooks.append(
            lambda path, query: outcome(504, "upstream timeout") if path.endswith("/Task") and "_id" in query else None
        )
        with following(store, platform) as engine:
            answered = engine.run_once().answered
    assert sorted(answered) == sorted(case_id for case_id, _ in cases)


def test_an_answer_comes_though_the_conversation_can_no_longer_be_read(store: Store, tmp_path: Path) -> None:
    """Found from outside: the expert asked a question, then completed the case; the platform refused
    to search its conversation now closed (403), and the answer was never kept: the case kept saying
    the expert waited for a reply."""
    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    task_id = store.platform_info(case_id)["task_id"]
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", version="3", report_ids=("r",))
        platform.reports["r"] = report("r", "Carcinome basocellulaire, exérèse programmée.")
        platform.hooks.append(
            lambda path, _q: outcome(403, "conversation closed") if path.endswith("/Communication") else None
        )
        with following(store, platform) as engine:
            assert engine.run_once().answered == [case_id]
    assert store.state(case_id) == CaseState.ANSWERED
    assert store.answer(case_id).conclusion == "Carcinome basocellulaire, exérèse programmée."  # type: ignore[union-attr]


def test_a_question_about_the_case_by_its_identifier_with_a_file_or_in_markdown_is_shown_whole(
    store: Store, tmp_path: Path
) -> None:
    """Found from outside: a question whose ``about`` named the Task by the case's identifier was left
    out (the case on hold showed no question); a file joined to a question's words went unsaid; a
    question given as a markdown attachment was « an element that cannot be shown »."""
    (first_case, first_task), (second_case, second_task) = send_to_sandbox(store, tmp_path / "sandbox", 2)
    by_identifier = communication("q1", first_task, "Quelle est la taille exacte de la lésion en mm ?")
    by_identifier["about"] = [{"type": "Task", "identifier": {"system": "urn:teleavis:case-id", "value": first_case}}]
    with_a_file = communication("q2", second_task, "Merci de refaire les photos selon le protocole joint.")
    with_a_file["payload"].append(
        {"contentAttachment": {"contentType": "application/pdf", "url": "Binary/p", "title": "Protocole photo"}}
    )
    markdown = communication("q3", second_task, "")
    markdown["payload"] = [
        {
            "contentAttachment": {
                "contentType": "text/markdown",
                "data": base64.b64encode(b"**Depuis quand ?**").decode(),
            }
        }
    ]
    with scripted_platform() as platform:
        platform.tasks[first_task] = task(first_case, first_task, "on-hold")
        platform.tasks[second_task] = task(second_case, second_task, "on-hold")
        platform.communications[first_task] = [by_identifier]
        platform.communications[second_task] = [with_a_file, markdown]
        with following(store, platform) as engine:
            engine.run_once()
    assert _questions(store, first_case) == ["Quelle est la taille exacte de la lésion en mm ?"]
    file_said, markdown_said = _questions(store, second_case)
    assert file_said.startswith("Merci de refaire les photos selon le protocole joint.\n\n")
    assert "«\u00a0Protocole photo\u00a0»" in file_said and "plateforme" in file_said
    assert markdown_said == "**Depuis quand ?**"


def test_a_question_made_of_a_file_alone_names_it(store: Store, tmp_path: Path) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    only_a_file = communication("q", task_id, "")
    only_a_file["payload"] = [{"contentAttachment": {"contentType": "application/pdf", "title": "Questionnaire"}}]
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [only_a_file]
        with following(store, platform) as engine:
            engine.run_once()
    assert _questions(store, case_id) == [
        "(L'expert a joint «\u00a0Questionnaire\u00a0», qui ne peut pas être affiché ici\u00a0: consultez-le sur "
        "la plateforme.)"
    ]


def test_a_search_paged_off_the_platform_never_hides_a_correction_nor_a_question_unsaid(
    store: Store, tmp_path: Path
) -> None:
    """Found from outside: the platform's searches gave their next page on another host (a server behind
    a proxy), which is never followed: the reports corrected on it were never said corrected, and the
    questions on it never shown, nothing said."""
    (answered, answered_task), (asking, asking_task) = send_to_sandbox(store, tmp_path / "sandbox", 2)
    off_host = [{"relation": "next", "url": "http://fhir-internal.region.example/fhir?_getpages=x"}]
    with scripted_platform() as platform:
        platform.tasks[answered_task] = task(answered, answered_task, "completed", report_ids=("r",))
        platform.reports["r"] = report("r", "Kératose actinique : traitement selon ordonnance.")
        platform.tasks[asking_task] = task(asking, asking_task, "on-hold")
        with following(store, platform) as engine:
            engine.run_once()
            platform.reports["r"] = report("r", "CORRIGÉ : ne pas utiliser Efudix, maladie de Bowen.", version="2")
            first_question = communication("q1", asking_task, "Depuis quand ?")
            platform.hooks.append(
                lambda path, _q: (
                    fhir(bundle([], link=off_host))
                    if path.endswith("/DiagnosticReport")
                    else fhir(bundle([first_question], link=off_host))
                    if path.endswith("/Communication")
                    else None
                )
            )
            assert engine.run_once().answered == [answered]
    corrected = store.answer(answered)
    assert corrected is not None and corrected.amended
    assert corrected.conclusion == "CORRIGÉ : ne pas utiliser Efudix, maladie de Bowen."
    assert _questions(store, asking) == ["Depuis quand ?"]
    assert "n'ont pas tous pu être lus" in store.platform_info(asking)["last_error"]


def test_the_note_of_messages_not_all_read_goes_once_a_later_search_reads_them_all(
    store: Store, tmp_path: Path
) -> None:
    """Found from outside: once the platform's paging was mended, the case still said « les messages de
    l'expert n'ont pas tous pu être lus », for good. The next complete search takes the note away, in the
    same run of the sync and after a restart (the note written by an earlier process)."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    off_host = [{"relation": "next", "url": "http://fhir-internal.region.example/fhir?_getpages=x"}]
    question = communication("q1", task_id, "Depuis quand ?")

    def cut(path: str, _query: object) -> object:
        return fhir(bundle([question], link=off_host)) if path.endswith("/Communication") else None

    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [question, communication("q2", task_id, "Et la taille ?")]
        platform.hooks.append(cut)
        with following(store, platform) as engine:
            engine.run_once()
            assert "n'ont pas tous pu être lus" in store.platform_info(case_id)["last_error"]
            platform.hooks.clear()  # the paging mended; the Task did not change
            engine.run_once()
        assert _questions(store, case_id) == ["Depuis quand ?", "Et la taille ?"]
        assert store.platform_info(case_id)["last_error"] is None

        platform.hooks.append(cut)
        with following(store, platform) as engine:
            engine.run_once()
        assert "n'ont pas tous pu être lus" in store.platform_info(case_id)["last_error"]
        platform.hooks.clear()
        with following(store, platform) as engine:  # another process: it never saw the search cut
            engine.run_once()
        assert store.platform_info(case_id)["last_error"] is None


def test_a_task_the_platform_deleted_is_said_on_its_case(store: Store, tmp_path: Path) -> None:
    """Found from outside: a Task the platform deleted (404, 410) left its case « envoyé », the nurse
    waiting a week for an answer that could not come; only the log said it."""
    store.settings.set("platform.url", "https://platform.example/fhir")  # a real platform's case
    [(case_id, _task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform, following(store, platform) as engine:
        engine.run_once()  # (the platform holds no Task: searched, then read alone)
    assert store.state(case_id) == CaseState.SENT
    assert "n'existe plus sur la plateforme" in store.platform_info(case_id)["last_error"]


def test_a_withdrawn_report_kept_in_the_outputs_never_stands_for_the_answer(store: Store, tmp_path: Path) -> None:
    """The Task's outputs list the report the expert withdrew (entered-in-error) before the one that
    stands: the first was shown, its advice acted on."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("old", "new"))
        platform.reports["old"] = report("old", "Exérèse inutile.", status="entered-in-error")
        platform.reports["new"] = report("new", "Exérèse sous un mois.", pdf="b")
        platform.binaries["b"] = PDF
        with following(store, platform) as engine:
            engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and answer.conclusion == "Exérèse sous un mois." and status_words(answer) == ""


def test_a_report_withdrawn_or_not_signed_off_says_so_wherever_it_is_read(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An answer amended to entered-in-error was shown as « modifiée » with the same conclusion; a
    preliminary one as any other: the window, ``case show`` and the PDF now say not to act on it."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    (withdrawn, withdrawn_task), (provisional, provisional_task) = cases
    with scripted_platform() as platform:
        platform.tasks[withdrawn_task] = task(withdrawn, withdrawn_task, "completed", report_ids=("w",))
        platform.tasks[provisional_task] = task(provisional, provisional_task, "completed", report_ids=("p",))
        platform.reports["w"] = report("w", "Exérèse sous un mois.")
        platform.reports["p"] = report("p", "Probablement bénin.", status="preliminary")
        with following(store, platform) as engine:
            engine.run_once()
            assert status_words(store.answer(withdrawn)) == ""
            platform.reports["w"] = report("w", "Exérèse sous un mois.", status="entered-in-error", version="2")
            assert engine.run_once().answered == [withdrawn]
    assert status_words(store.answer(withdrawn)) == "Compte rendu retiré par l'expert : n'en tenez pas compte."
    assert status_words(store.answer(provisional)) == "Compte rendu provisoire : l'expert ne l'a pas encore validé."
    for case_id, state in ((withdrawn, "réponse retirée par l'expert"), (provisional, "réponse provisoire")):
        assert f" — {state} — " in run_inprocess(capsys, "case", "show", case_id).out.splitlines()[0]
    for case_id, words in ((withdrawn, "retiré par l'expert"), (provisional, "pas encore validé")):
        # Said once with the answer (its history below says it happened, with its time).
        answer_part, _, history = run_inprocess(capsys, "case", "show", case_id).out.partition("Historique :")
        assert answer_part.count(words) == 1 and words in history
        pdf = tmp_path / f"{case_id}.pdf"
        assert run_inprocess(capsys, "case", "export", case_id, "--pdf", str(pdf)).code == 0
        text = pdf_text(pdf)
        assert words in text and text.index(words) < text.index(store.answer(case_id).conclusion)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("status", "state"), [("failed", CaseState.REJECTED), ("entered-in-error", CaseState.CANCELLED)]
)
def test_a_task_the_platform_gave_up_on_is_not_left_waiting(
    store: Store, tmp_path: Path, status: str, state: CaseState
) -> None:
    """FHIR's other ends of a Task, outside the contract's list: the case stayed « envoyé », the nurse
    waiting for an answer that would never come. Its reason is kept, given as a coding alone too."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, status)
        platform.tasks[task_id]["statusReason"] = {"coding": [{"code": "x", "display": "Expert indisponible"}]}
        with following(store, platform) as engine:
            engine.run_once()
    assert store.state(case_id) == state
    assert store.platform_info(case_id)["status_reason"] == "Expert indisponible"
    assert store.platform_info(case_id)["unread"] == 1  # no answer will come: to read


def test_an_amendment_that_cannot_be_read_now_is_said_on_the_case_then_kept_when_it_reads(
    store: Store, tmp_path: Path
) -> None:
    """The new version's PDF answered a proxy's HTML page: the answer stayed the old one without a word
    (« exérèse urgente » invisible), a traceback logged at every poll."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r",))
        platform.reports["r"] = report("r", "v1 : surveillance.", pdf="b1")
        platform.binaries["b1"] = PDF
        with following(store, platform) as engine:
            engine.run_once()
            platform.reports["r"] = report("r", "v2 : exérèse urgente.", version="2", pdf="b2")
            proxy_page = (200, {"Content-Type": "text/html"}, b"<html>Portail captif</html>")
            platform.hooks.append(lambda path, _q: proxy_page if path.endswith("/Binary/b2") else None)
            engine.run_once()
            assert store.answer(case_id).conclusion == "v1 : surveillance."  # type: ignore[union-attr]
            assert "nouvelle version n'a pas pu être lue" in (store.platform_info(case_id)["last_error"] or "")
            platform.hooks.clear()
            platform.binaries["b2"] = PDF
            assert engine.run_once().answered == [case_id]
    answer = store.answer(case_id)
    assert answer is not None and answer.conclusion == "v2 : exérèse urgente." and answer.amended
    assert store.platform_info(case_id)["last_error"] is None


def test_a_report_dated_to_the_microsecond_when_read_and_to_the_millisecond_when_searched_is_no_amendment(
    store: Store, tmp_path: Path
) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r",))
        read = report("r", "Surveillance.")
        read["meta"] = {"lastUpdated": "2026-11-21T10:00:00.123456+01:00"}  # no versionId
        platform.reports["r"] = read
        searched = {**read, "meta": {"lastUpdated": "2026-11-21T09:00:00.123Z"}}  # the same instant
        platform.hooks.append(lambda path, _q: fhir(bundle([searched])) if path.endswith("/DiagnosticReport") else None)
        with following(store, platform) as engine:
            assert engine.run_once().answered == [case_id]
            store.mark_read(case_id)
            assert engine.run_once().answered == []
    answer = store.answer(case_id)
    assert answer is not None and not answer.amended and not store.platform_info(case_id)["unread"]


def test_a_task_completed_before_its_output_was_written_is_completed_not_amended(store: Store, tmp_path: Path) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed")  # no output yet
        platform.reports["r"] = report("r", "Surveillance.")
        with following(store, platform) as engine:
            engine.run_once()
            assert store.answer(case_id).missing  # type: ignore[union-attr]
            platform.tasks[task_id] = task(case_id, task_id, "completed", version="3", report_ids=("r",))
            assert engine.run_once().answered == [case_id]
    answer = store.answer(case_id)
    assert answer is not None and answer.conclusion == "Surveillance." and not answer.amended and not answer.missing
    assert [e["kind"] for e in store.history(case_id)].count("completed") == 1


def test_a_pdf_served_as_a_binary_resource_is_read_through(store: Store, tmp_path: Path) -> None:
    """A server answering ``GET Binary/x`` with the Binary resource (FHIR JSON, base64 data) where the
    raw bytes were asked: the JSON was kept as « the PDF »."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r",))
        platform.reports["r"] = report("r", "Surveillance.", pdf="b")
        resource = {"resourceType": "Binary", "id": "b", "contentType": "application/pdf"}
        resource["data"] = base64.b64encode(PDF).decode()
        platform.hooks.append(lambda path, _q: fhir(resource) if path.endswith("/Binary/b") else None)
        with following(store, platform) as engine:
            engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and answer.missing == [] and len(answer.pdf_blobs) == 1
    assert store.objects.get(answer.pdf_blobs[0]) == PDF


@contextmanager
def _answered_and_read(store: Store, platform: ScriptedPlatform, case_id: str, task_id: str) -> Iterator[Engine]:
    """The case answered (« Naevus bénin. », report r1) and its answer read; the engine following it."""
    platform.reports["r1"] = report("r1", "Naevus bénin.")
    platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r1",))
    with following(store, platform) as engine:
        engine.run_once()
        store.mark_read(case_id)
        yield engine


def test_a_second_answer_after_a_question_says_it_replaces_the_first(store: Store, tmp_path: Path) -> None:
    """Found from outside: answered and read (« Naevus bénin »), then a question, then completed with
    another report (« Mélanome… exérèse urgente »): the second answer took the first's place as if
    it were the first, with no « modifiée » and the plain « Réponse de l'expert » notification."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform, _answered_and_read(store, platform, case_id, task_id) as engine:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold", version="3")
        platform.communications[task_id] = [communication("q1", task_id, "Une vue de près ?")]
        engine.run_once()
        assert store.state(case_id) == CaseState.ON_HOLD
        platform.reports["r2"] = report("r2", "Mélanome probable : exérèse urgente.")
        platform.tasks[task_id] = task(case_id, task_id, "completed", version="4", report_ids=("r2",))
        engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and answer.conclusion == "Mélanome probable : exérèse urgente." and answer.amended
    assert store.platform_info(case_id)["unread"]
    assert [e["kind"] for e in store.history(case_id)].count("amended") == 1


def test_an_answered_case_the_platform_withdraws_is_cancelled_and_unread(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found from outside: an answered Task set to entered-in-error (or cancelled, failed) left the
    case « répondu », read, its answer standing: ANSWERED could not become CANCELLED."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform, _answered_and_read(store, platform, case_id, task_id) as engine:
        withdrawn = task(case_id, task_id, "entered-in-error", version="3", report_ids=("r1",))
        withdrawn["statusReason"] = {"text": "Demande saisie pour un autre patient."}
        platform.tasks[task_id] = withdrawn
        engine.run_once()
    assert store.state(case_id) == CaseState.CANCELLED
    assert store.platform_info(case_id)["unread"]
    # Said wherever the answer is read: the window (tests/ui), `case show`, the PDF a nurse prints.
    words = "La plateforme a annulé la demande après cette réponse"
    assert run_inprocess(capsys, "case", "show", case_id).out.count(words) == 1
    pdf = tmp_path / "cancelled.pdf"
    assert run_inprocess(capsys, "case", "export", case_id, "--pdf", str(pdf)).code == 0
    text = pdf_text(pdf)
    assert words in text and text.index(words) < text.index("Naevus bénin.")


def test_a_withdrawal_and_an_answered_case_taken_back_are_told_as_such(store: Store, tmp_path: Path) -> None:
    """Found from outside: an answer withdrawn was announced as a mere « modifiée »; an answered case
    the expert took back (Task in-progress) said nothing, read, its answer still shown as valid."""
    from sync.progress import RecordingListener

    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    heard = RecordingListener()
    with scripted_platform() as platform, _answered_and_read(store, platform, case_id, task_id) as engine:
        engine.listener = engine.follower.listener = heard
        platform.reports["r1"] = report("r1", "Naevus bénin.", status="entered-in-error", version="2")
        engine.run_once()
        assert (case_id, "answered", "withdrawn") in heard.states
        assert "withdrawn" in [e["kind"] for e in store.history(case_id)]
        store.mark_read(case_id)
        platform.tasks[task_id] = task(case_id, task_id, "in-progress", version="3", report_ids=("r1",))
        engine.run_once()
    assert store.state(case_id) == CaseState.IN_PROGRESS and store.platform_info(case_id)["unread"]
    assert (case_id, "in-progress", "reopened") in heard.states


def test_the_same_corrected_answer_given_again_after_a_question_stays_corrected(store: Store, tmp_path: Path) -> None:
    """Seen in review: completed again with the report already kept, the answer was kept as a first one
    and lost its « Réponse modifiée par l'expert »."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform, _answered_and_read(store, platform, case_id, task_id) as engine:
        platform.reports["r1"] = report("r1", "Exérèse conseillée.", version="2")
        engine.run_once()
        assert store.answer(case_id).amended  # type: ignore[union-attr]
        platform.tasks[task_id] = task(case_id, task_id, "on-hold", version="3")
        engine.run_once()
        platform.tasks[task_id] = task(case_id, task_id, "completed", version="4", report_ids=("r1",))
        engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and answer.conclusion == "Exérèse conseillée." and answer.amended


def test_an_answer_amended_while_retention_archived_its_case_brings_the_case_back(store: Store, tmp_path: Path) -> None:
    """Seen in review: the sync reading an amended report while retention archived the same case wrote
    the news onto an archived case, out of the list's view and no longer followed."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform, _answered_and_read(store, platform, case_id, task_id) as engine:
        store.transition(case_id, CaseState.ARCHIVED)  # retention, at that very moment
        platform.reports["r1"] = report("r1", "Exérèse urgente.", version="2")
        platform.tasks[task_id] = task(case_id, task_id, "completed", version="3", report_ids=("r1",))
        engine.follower.mirror(case_id, platform.tasks[task_id], None)
    assert store.state(case_id) == CaseState.ANSWERED and store.platform_info(case_id)["unread"]
    assert store.answer(case_id).conclusion == "Exérèse urgente."  # type: ignore[union-attr]


def test_a_report_about_another_patient_is_never_this_patients_answer(store: Store, tmp_path: Path) -> None:
    """Found from outside: a platform pointing a Task's output at another case's report (LEROY Sophie's)
    made MARTIN Paul's case answered with it: the report's subject was never compared with the Task's."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.reports["r"] = {**report("r", "Mélanome : exérèse urgente."), "subject": {"reference": "Patient/p2"}}
        platform.tasks[task_id] = {
            **task(case_id, task_id, "completed", report_ids=("r",)),
            "for": {"reference": "Patient/p1"},
        }
        with following(store, platform) as engine:
            engine.run_once()
    kept_without_its_report(store, case_id, "other-patient", "concerne un autre patient")


def test_case_show_of_a_question_says_where_to_reply(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by a newcomer: from the terminal a case on hold stayed so for ever, nothing saying that
    the reply to the expert is written in the window."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication("q1", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_once()
    assert "répondez dans la fenêtre Teleavis" in run_inprocess(capsys, "case", "show", case_id).out


def test_a_question_the_expert_withdraws_or_has_not_sent_is_never_one_to_answer(store: Store, tmp_path: Path) -> None:
    """Found from outside: Communications marked entered-in-error (a question about another patient)
    or still in preparation (a draft) were kept as questions, a message kept once never changed when
    the platform withdrew it, and the reply went in response to the withdrawn one."""
    from sync.follow import queue_reply

    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        wrong = communication("c1", task_id, "ERREUR : question sur un autre patient")
        draft = {**communication("c2", task_id, "Brouillon pas envoyé"), "status": "preparation"}
        kept_right = communication("c3", task_id, "Depuis quand la lésion a-t-elle changé ?")
        platform.communications[task_id] = [wrong, draft, kept_right]
        with following(store, platform) as engine:
            engine.run_once()
            assert _questions(store, case_id) == [
                wrong["payload"][0]["contentString"],
                kept_right["payload"][0]["contentString"],
            ]
            store.mark_read(case_id)
            # The platform withdraws the first one (a new version of the same Communication).
            platform.communications[task_id] = [{**wrong, "status": "entered-in-error"}, draft, kept_right]
            engine.run_once()
    messages = [m for m in Outbox(store).messages(case_id) if m.direction == "from-expert"]
    assert [(m.platform_id, m.withdrawn) for m in messages] == [("c1", True), ("c3", False)]
    assert store.platform_info(case_id)["unread"], "a withdrawal is news for the requester"
    queue_reply(store, case_id, "Depuis deux mois.", [])
    [reply] = [m for m in Outbox(store).messages(case_id) if m.direction == "to-expert"]
    assert reply.in_response_to == "c3"


def test_a_question_withdrawn_as_the_case_moves_on_is_withdrawn_too(store: Store, tmp_path: Path) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        question = communication("c1", task_id, "Question envoyée par erreur")
        platform.communications[task_id] = [question]
        with following(store, platform) as engine:
            engine.run_once()
            platform.tasks[task_id] = task(case_id, task_id, "in-progress", version="3")
            platform.communications[task_id] = [{**question, "status": "entered-in-error"}]
            engine.run_once()
    assert store.state(case_id) == CaseState.IN_PROGRESS
    assert [m.withdrawn for m in Outbox(store).messages(case_id)] == [True]


def test_a_report_carried_inside_its_task_is_the_answer_and_its_changes_are_amendments(
    store: Store, tmp_path: Path
) -> None:
    """Found from outside: ``Task.output.valueReference = "#r"`` with the DiagnosticReport in the Task's
    ``contained`` (valid R4) made the case answered « sans conclusion écrite », for good."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        inside = {**report("r", "Kératose séborrhéique, bénigne."), "meta": {}}
        completed = task(case_id, task_id, "completed")
        output = {"type": {"text": "report"}, "valueReference": {"reference": "#r"}}
        platform.tasks[task_id] = {**completed, "contained": [inside], "output": [output]}
        platform.reports["r"] = report("r", "Le rapport d'un autre dossier, qui porte le même id.")
        with following(store, platform) as engine:
            assert engine.run_once().answered == [case_id]
            first = store.answer(case_id)
            assert first is not None and first.conclusion == "Kératose séborrhéique, bénigne." and not first.missing
            assert first.report_id == "", "never searched for on the platform as a report of its own"
            changed = {**inside, "conclusion": "Carcinome basocellulaire : exérèse conseillée."}
            platform.tasks[task_id] = {
                **completed,
                "meta": {"versionId": "3"},
                "contained": [changed],
                "output": [output],
            }
            assert engine.run_once().answered == [case_id]
    answer = store.answer(case_id)
    assert answer is not None and answer.amended
    assert answer.conclusion == "Carcinome basocellulaire : exérèse conseillée."


def test_a_task_or_report_with_a_modifier_extension_is_not_taken_as_it_reads(store: Store, tmp_path: Path) -> None:
    """Found from outside: FHIR forbids using a resource whose modifier extension its reader does not
    know (it may say « not for clinical use »); the answer was shown as any other."""
    modifier = [{"url": "http://platform.example/fhir/StructureDefinition/not-for-clinical-use", "valueBoolean": True}]
    (first, first_task), (second, second_task) = send_to_sandbox(store, tmp_path / "sandbox", 2)
    with scripted_platform() as platform:
        platform.reports["r1"] = {**report("r1", "Test de la plateforme."), "modifierExtension": modifier}
        platform.tasks[first_task] = task(first, first_task, "completed", report_ids=("r1",))
        platform.tasks[second_task] = {**task(second, second_task, "completed"), "modifierExtension": modifier}
        with following(store, platform) as engine:
            engine.run_once()
    kept_without_its_report(store, first, "modified", "lisez-le sur la plateforme")
    assert store.state(second) == CaseState.SENT and store.answer(second) is None
    assert "ne sait pas lire" in str(store.platform_info(second)["last_error"])


def test_a_conclusion_given_only_as_a_code_is_the_conclusion(store: Store, tmp_path: Path) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        coded = {
            **report("r1", ""),
            "conclusionCode": [
                {"coding": [{"system": "http://snomed.info/sct", "code": "372244006", "display": "Mélanome malin"}]}
            ],
        }
        del coded["conclusion"]
        platform.reports["r1"] = coded
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r1",))
        with following(store, platform) as engine:
            engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and answer.conclusion == "Mélanome malin"


def test_a_provisional_answer_is_listed_as_such_until_the_expert_signs_it_off(store: Store, tmp_path: Path) -> None:
    """Found by an outside reading: a preliminary report was listed « réponse reçue — à lire », like
    an answer to act on; only the answer's page said it was not signed off."""
    from app.report_text import history_words

    def listed() -> str | None:
        return next(row.answer_news for row in store.list_cases() if row.id == case_id)

    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("p",))
        platform.reports["p"] = report("p", "Probablement bénin.", status="preliminary")
        with following(store, platform) as engine:
            assert engine.run_once().answered == [case_id]
            assert listed() == "provisional"
            engine.run_once()  # read again as it was: said once
            platform.reports["p"] = report("p", "Bénin : surveillance.", version="2")
            engine.run_once()
    assert store.answer(case_id).conclusion == "Bénin : surveillance."  # type: ignore[union-attr]
    assert listed() == "amended", "signed off: listed as the expert's changed answer"
    said = [history_words(event, "fr") for event in store.history(case_id)]
    assert said.count("Réponse provisoire : l'expert ne l'a pas encore validée") == 1
    assert said[-1] == "Réponse modifiée par l'expert"


def test_the_nurses_reply_is_in_the_cases_history_saved_then_sent(store: Store, tmp_path: Path) -> None:
    """Found by an outside run: the history (window and PDF) never said the requester had replied."""
    from app.report_text import history_words
    from sync.follow import queue_reply

    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication("q1", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_once()
            queue_reply(store, case_id, "Depuis deux mois.", [])
            said = [history_words(event, "fr") for event in store.history(case_id)]
            assert said[-1] == "Réponse à l'expert enregistrée"
    [reply] = [m for m in Outbox(store).messages(case_id) if m.direction == "to-expert"]
    Outbox(store).reply_sent(case_id, reply.id, "c9")  # as the engine records it (this platform takes no POST)
    said = [history_words(event, "fr") for event in store.history(case_id)]
    assert said.count("Réponse à l'expert envoyée") == 1
    Outbox(store).reply_refused(case_id, reply.id, "Refusée.", by_platform=True)  # (as the engine records it)
    said = history_words(store.history(case_id)[-1], "fr")
    assert said == "Réponse à l'expert non envoyée (refusée par la plateforme)"


def test_a_task_read_once_with_an_unknown_status_is_read_again_at_the_same_version(
    store: Store, tmp_path: Path
) -> None:
    """Found from outside (a proxy that rewrote Task.status once): the version read with the unknown
    status was kept as read, the Task at that same version came back « completed », and was skipped
    for good: the case stayed « reçu », its answer never shown, without a word anywhere."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "bogus", version="5", report_ids=("r",))
        platform.reports["r"] = report("r", "Bénin : surveillance.")
        with following(store, platform) as engine:
            engine.run_once()
            assert "statut que Teleavis ne connaît pas" in (store.platform_info(case_id)["last_error"] or "")
            platform.tasks[task_id] = task(case_id, task_id, "completed", version="5", report_ids=("r",))
            assert engine.run_once().answered == [case_id]
    assert store.state(case_id) == CaseState.ANSWERED
    assert store.answer(case_id).conclusion == "Bénin : surveillance."  # type: ignore[union-attr]
    assert not store.platform_info(case_id)["last_error"]


@pytest.mark.parametrize(
    ("duration", "days"),
    [
        ({"value": 14, "system": "http://unitsofmeasure.org", "code": "d"}, 14.0),
        ({"value": 14}, 14.0),  # the contract's unit when none is given
        ({"value": 2, "code": "wk"}, 14.0),
        ({"value": 36, "code": "h"}, 1.5),
        ({"value": 90, "code": "min"}, 90 / 1440),
        ({"value": 6, "code": "[mo_j]"}, None),  # a month in another UCUM form: 6 days was given
        ({"value": 3, "code": "mois"}, None),
        ({"value": 3, "system": "http://unitsofmeasure.org", "code": "mo_j"}, 3 * 30.4375),  # found from outside
        ({"value": "3", "code": "d"}, None),
    ],
)
def test_a_follow_up_advice_in_a_unit_not_known_is_not_given_as_days(
    duration: dict[str, object], days: float | None
) -> None:
    from sync.follow import follow_up_days

    assert follow_up_days(duration) == days


def test_a_follow_up_advice_not_read_is_said_never_taken_as_no_visit_needed(store: Store, tmp_path: Path) -> None:
    """Found from outside: an advice in a unit not known was dropped, which the contract reads as « no
    in-person visit needed »."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        completed = task(case_id, task_id, "completed", report_ids=("r",))
        completed["output"].append(follow_up_output(3, "mois", "mois"))
        platform.tasks[task_id] = completed
        platform.reports["r"] = report("r", "Kératose séborrhéique.")
        with following(store, platform) as engine:
            engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and answer.follow_up_days is None
    assert missing_words(answer, "fr") == [
        "Délai conseillé pour revoir le patient non récupérable : contenu illisible ou incomplet"
    ]


def test_every_report_that_stands_is_read_and_a_signed_one_wins_over_a_provisional_one(
    store: Store, tmp_path: Path
) -> None:
    """Found from outside: only the first report of the Task's outputs was read. A final report listed
    after a provisional one (« mélanome probable, exérèse urgente » after « naevus probablement bénin »)
    was shown nowhere, nor a second final report and its PDF; and nothing said a part was missing."""
    (first_case, first_task), (second_case, second_task) = send_to_sandbox(store, tmp_path / "sandbox", 2)
    with scripted_platform() as platform:
        platform.tasks[first_task] = task(first_case, first_task, "completed", report_ids=("p", "f"))
        platform.reports["p"] = report("p", "Avis provisoire : naevus probablement bénin.", status="preliminary")
        platform.reports["f"] = report("f", "Avis définitif : mélanome probable, exérèse urgente.")
        platform.tasks[second_task] = task(second_case, second_task, "completed", report_ids=("a", "b"))
        platform.reports["a"] = report("a", "Naevus atypique.", pdf="pa")
        platform.reports["b"] = report("b", "Compte rendu complémentaire : exérèse sous 15 jours.", pdf="pb")
        platform.binaries["pa"] = platform.binaries["pb"] = PDF
        with following(store, platform) as engine:
            assert sorted(engine.run_once().answered) == sorted([first_case, second_case])
            engine.run_once()  # read again as they are: nothing new
            assert engine.run_once().answered == []
            first = store.answer(first_case)
            assert first is not None and first.conclusion == "Avis définitif : mélanome probable, exérèse urgente."
            assert status_words(first) == ""  # signed: not said provisional
            second = store.answer(second_case)
            assert second is not None
            assert second.conclusion == "Naevus atypique.\n\nCompte rendu complémentaire : exérèse sous 15 jours."
            assert len(second.pdf_blobs) == 2
            # The second report amended alone (its Task untouched): the answer is read again whole.
            platform.reports["b"] = report("b", "Compte rendu complémentaire : exérèse sous 8 jours.", version="2")
            assert engine.run_once().answered == [second_case]
    second = store.answer(second_case)
    assert second is not None and second.amended
    assert second.conclusion == "Naevus atypique.\n\nCompte rendu complémentaire : exérèse sous 8 jours."


def test_a_question_the_expert_corrects_is_shown_in_its_new_words(store: Store, tmp_path: Path) -> None:
    """Found from outside: a question corrected by the expert (the same Communication, a new version)
    kept its first words, nothing marked new: the nurse answered the question as first written."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication("q", task_id, "Le patient prend-il un anticoagulant ?")]
        with following(store, platform) as engine:
            engine.run_once()
            assert store.mark_read(case_id)
            corrected = communication("q", task_id, "Le patient prend-il un anticoagulant ? Si oui LEQUEL ?")
            corrected["meta"] = {"versionId": "2"}
            platform.communications[task_id] = [corrected]
            engine.run_once()
            engine.run_once()  # read again as it is: kept once
    messages = [m for m in Outbox(store).messages(case_id) if m.direction == "from-expert"]
    assert [(m.text, m.withdrawn) for m in messages] == [
        ("Le patient prend-il un anticoagulant ?", True),
        ("Le patient prend-il un anticoagulant ? Si oui LEQUEL ?", False),
    ]
    assert store.platform_info(case_id)["unread"] == 1


def test_a_report_whose_pdf_is_not_a_pdf_is_never_stored_as_the_answer(store: Store, tmp_path: Path) -> None:
    """Found from outside: a proxy's page served as ``application/pdf`` (no size nor hash to check it by)
    was stored as the expert's report, the case answered with nothing to read, nothing said; and the
    other cases of the poll must be answered all the same."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    page = b"<html><body>Session expired</body></html>"
    with scripted_platform() as platform:
        answer_each(platform, cases)
        for key in ("size", "hash"):
            platform.reports["r0"]["presentedForm"][0].pop(key)
        platform.binaries["b0"] = page
        inline = platform.reports["r1"]["presentedForm"][0]  # given inline, and not a PDF either
        for key in ("url", "size", "hash"):
            inline.pop(key)
        inline["data"] = base64.b64encode(page).decode()
        with following(store, platform) as engine:
            for _ in range(4):
                engine.run_once()
    (odd, _), (inlined, _), (plain, _) = cases
    assert store.state(plain) == CaseState.ANSWERED
    for case_id, reason, words in ((odd, "unreachable", "le redemandera"), (inlined, "unreadable", "illisible")):
        answer = store.answer(case_id)
        assert answer is not None and store.state(case_id) == CaseState.ANSWERED
        assert answer.pdf_blobs == [] and all(store.objects.get(f["blob"]) != page for f in answer.files)
        # Fetched, the page may be a proxy's (not reached yet, asked again); given inline, it is the report's.
        assert [m["reason"] for m in answer.missing] == [reason]
        assert words in " ".join(missing_words(answer))


def test_a_question_in_a_text_attachment_of_another_charset_is_read_in_its_words(store: Store, tmp_path: Path) -> None:
    """Found from outside: a question given as ``text/plain; charset=ISO-8859-1`` (R4's Attachment names
    the charset in its contentType) was read as UTF-8, failed, and was shown as « an element that cannot
    be displayed here »: the expert's question never reached the nurse, though Teleavis held its words."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    words = "Depuis quand la lésion évolue-t-elle ?"
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        asked = communication("a", task_id, "")
        data = base64.b64encode(words.encode("latin-1")).decode()
        asked["payload"] = [{"contentAttachment": {"contentType": "text/plain; charset=ISO-8859-1", "data": data}}]
        platform.communications[task_id] = [asked]
        with following(store, platform) as engine:
            engine.run_once()
    assert _questions(store, case_id) == [words]


def test_a_next_link_that_loops_is_read_once_and_the_answers_come_once(store: Store, tmp_path: Path) -> None:
    """Found from outside: a server whose searches link each page to itself as the next one was asked
    the same page a hundred times at every poll (the page limit), for every search. A page already read
    ends the search; the answers come, once."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    searches: list[str] = []
    with scripted_platform() as platform:
        answer_each(platform, cases)

        def looping(path: str, query: dict[str, list[str]]) -> Reply | None:
            if not path.endswith("/Task"):
                return None
            searches.append(path)
            ids = ",".join(query.get("_id", [])).split(",")
            again = [{"relation": "next", "url": f"{platform.base_url}/Task?_getpages=same&_page=2"}]
            return fhir(bundle([platform.tasks[i] for i in ids if i in platform.tasks], link=again))

        platform.hooks.append(looping)
        with following(store, platform) as engine:
            assert sorted(engine.run_once().answered) == sorted(case_id for case_id, _ in cases)
            assert engine.run_once().answered == []
    assert len(searches) <= 6  # (two polls, a page and its repeat each, and a search read again)


def test_a_picture_labelled_as_the_other_kind_is_still_the_experts_picture(store: Store, tmp_path: Path) -> None:
    """A PNG said to be a JPEG is still a picture, shown as one (a viewer reads what it holds); a page said
    to be a picture is not."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r",))
        platform.reports["r"] = report("r", "Surveillance.")
        platform.reports["r"]["presentedForm"] = [
            {"contentType": "image/jpeg", "data": base64.b64encode(png).decode(), "title": "lésion"},
            {"contentType": "image/png", "data": base64.b64encode(b"<html>expired</html>").decode(), "title": "bord"},
        ]
        with following(store, platform) as engine:
            engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and [f["title"] for f in answer.files] == ["lésion"]
    assert store.objects.get(answer.files[0]["blob"]) == png
    assert [m["reason"] for m in answer.missing] == ["unreadable"]


def _coffee_cup(fmt: str) -> bytes:
    """A real photo, small, in the picture format ``fmt`` (Pillow's name)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    with Image.open(Path(__file__).resolve().parents[1] / "fixtures" / "real" / "coffee-cup.jpg") as photo:
        photo.convert("RGB").resize((120, 80)).save(out, fmt)
    return out.getvalue()


def _answered_at_once(
    store: Store, tmp_path: Path, forms: list[dict[str, object]], binaries: dict[str, bytes]
) -> tuple[str, Answer]:
    """A case sent and its answer, its report's attachments ``forms`` served from ``binaries``: read at
    the first poll, nothing missing."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r",))
        platform.reports["r"] = report("r", "Naevus bénin.")
        platform.reports["r"]["presentedForm"] = forms
        platform.binaries.update(binaries)
        with following(store, platform) as engine:
            assert engine.run_once().answered == [case_id]
    answer = store.answer(case_id)
    assert answer is not None and answer.missing == []
    return case_id, answer


def _declared(data: bytes) -> dict[str, object]:
    """An attachment's size and hash (SHA-1, base64) as a platform declares them for ``data``."""
    import hashlib

    return {"size": len(data), "hash": base64.b64encode(hashlib.sha1(data).digest()).decode()}  # noqa: S324


@pytest.mark.parametrize("served", ["proxy page", "another file"])
def test_a_file_not_the_one_declared_is_not_reached_yet_and_read_once_it_comes(
    store: Store, tmp_path: Path, served: str
) -> None:
    """Found in review: bytes other than the file the platform declared (a proxy's page served as the PDF,
    or a stale copy of another size and hash) were said unreadable, at once or after three polls, and
    never asked again: the report never came, though the platform had it all along. They are the file
    not reached yet: the answer waits three polls, is then kept without it (« Teleavis le redemandera »),
    and the file is read once it comes."""
    from sync.follow import ATTACHMENT_TRIES

    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    wrong = b"<html><body>Proxy : session expir\xc3\xa9e</body></html>" if served == "proxy page" else PDF + b"%%EOF\n"
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r",))
        platform.reports["r"] = report("r", "Naevus bénin.", pdf="b")  # its size and hash: the real PDF's
        platform.binaries["b"] = wrong
        with following(store, platform) as engine:
            for _ in range(ATTACHMENT_TRIES):
                engine.run_once()
        answer = store.answer(case_id)
        assert answer is not None and store.state(case_id) == CaseState.ANSWERED and answer.pdf_blobs == []
        assert [m["reason"] for m in answer.missing] == ["unreachable"]
        assert "Teleavis le redemandera" in " ".join(missing_words(answer))
        platform.binaries["b"] = PDF
        with following(store, platform) as engine:
            engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and answer.missing == []
    assert [store.objects.get(blob) for blob in answer.pdf_blobs] == [PDF]


def test_a_file_labelled_as_another_kind_is_kept_as_what_it_is(store: Store, tmp_path: Path) -> None:
    """Found in review: a PDF the platform labelled ``image/jpeg``, its bytes the very ones it declared
    (size and hash), was taken for a proxy's page: the answer held three polls, then said unreadable. So was
    a GIF labelled PNG, and a real PDF labelled a picture with no hash to check it by. Each is kept at once,
    as what its bytes are (a PDF to read, a picture to see)."""
    gif = _coffee_cup("GIF")
    _case_id, answer = _answered_at_once(
        store,
        tmp_path,
        [
            {"contentType": "image/jpeg", "url": "Binary/pdf", "title": "Compte rendu", **_declared(PDF)},
            {"contentType": "image/png", "url": "Binary/gif", "title": "Lésion", **_declared(gif)},
            {"contentType": "image/jpeg", "url": "Binary/plain", "title": "Ordonnance"},
        ],
        {"pdf": PDF, "gif": gif, "plain": PDF},
    )
    assert [(f["title"], f["content_type"]) for f in answer.files] == [
        ("Compte rendu", "application/pdf"),
        ("Lésion", "image/gif"),
        ("Ordonnance", "application/pdf"),
    ]
    assert [store.objects.get(blob) for blob in answer.pdf_blobs] == [PDF, PDF]


def test_a_file_proven_the_platforms_that_cannot_be_read_is_unreadable_at_once(store: Store, tmp_path: Path) -> None:
    """Bytes that are the very ones the platform declared (size and hash) are no proxy's: when they are no
    PDF where one is said, the report is unreadable, said at the first poll, not asked again and again."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    page = b"<html><body>Compte rendu en cours de r\xc3\xa9daction</body></html>"
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r",))
        platform.reports["r"] = report("r", "Naevus bénin.", pdf="b")
        platform.reports["r"]["presentedForm"][0].update(_declared(page))
        platform.binaries["b"] = page
        with following(store, platform) as engine:
            assert engine.run_once().answered == [case_id]
            engine.run_once()
        asked = [path for path in platform.requests if "/Binary/" in path]
    answer = store.answer(case_id)
    assert answer is not None and answer.pdf_blobs == []
    assert [m["reason"] for m in answer.missing] == ["unreadable"]
    assert len(asked) == 1, "not asked again"


def _many_files_report(report_id: str, pdfs: int, images: int, pdf_bytes: bytes = PDF) -> dict[str, object]:
    """A report with ``pdfs`` PDFs (each its own Binary) then ``images`` pictures given inline."""
    from tests.support.images import jpeg_bytes, skin_photo

    picture = base64.b64encode(jpeg_bytes(skin_photo(64, 48))).decode()
    forms = [
        {"contentType": "application/pdf", "url": f"Binary/{report_id}-p{n}", "title": f"CR {n}"} for n in range(pdfs)
    ]
    forms += [{"contentType": "image/jpeg", "data": picture, "title": f"Photo {n}"} for n in range(images)]
    made = report(report_id, "Conclusion de l'expert.")
    made["presentedForm"] = forms
    return made


def test_an_answer_with_more_files_than_can_be_kept_keeps_what_fits_and_says_so(store: Store, tmp_path: Path) -> None:
    """Found from outside (an attacker's pass): an answer of thousands of attachments (or of gigabytes)
    was downloaded and kept whole, until the disk was full. An answer keeps 20 files at most, 10 PDF
    reports among them, and says it had more (read them on the platform); the other answers come all the same."""
    (odd_case, odd_task), (plain_case, plain_task) = send_to_sandbox(store, tmp_path / "sandbox", 2)
    with scripted_platform() as platform:
        platform.reports["r-odd"] = _many_files_report("r-odd", pdfs=14, images=12)
        for n in range(14):
            platform.binaries[f"r-odd-p{n}"] = PDF
        platform.reports["r-plain"] = report("r-plain", "Naevus bénin.", pdf="b-plain")
        platform.binaries["b-plain"] = PDF
        platform.tasks[odd_task] = task(odd_case, odd_task, "completed", report_ids=("r-odd",))
        platform.tasks[plain_task] = task(plain_case, plain_task, "completed", report_ids=("r-plain",))
        with following(store, platform) as engine:
            assert sorted(engine.run_once().answered) == sorted([odd_case, plain_case])
            assert engine.run_once().answered == []  # kept as it is: not read again at every poll
        # What was not kept was not downloaded either.
        assert not [path for path in platform.requests if any(f"r-odd-p{n}" in path for n in range(10, 14))]
    odd = store.answer(odd_case)
    assert odd is not None and odd.conclusion == "Conclusion de l'expert."
    assert len(odd.files) == 20 and len(odd.pdf_blobs) == 10
    assert [m["reason"] for m in odd.missing] == ["beyond-limits"]
    said = " ".join(missing_words(odd, "fr"))
    assert "6 pièces jointes de plus" in said and "plateforme" in said
    plain = store.answer(plain_case)
    assert plain is not None and plain.missing == [] and len(plain.pdf_blobs) == 1


def test_an_answer_heavier_than_can_be_kept_keeps_what_fits(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same for the size: files past the answer's total (200 MB; a smaller one here) are not kept."""
    import sync.follow

    monkeypatch.setattr(sync.follow, "MAX_ANSWER_BYTES", 3 * 400_000)
    heavy = PDF + b"\n%" + b"0" * 400_000
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.reports["r"] = _many_files_report("r", pdfs=5, images=0)
        for n in range(5):
            platform.binaries[f"r-p{n}"] = heavy
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r",))
        with following(store, platform) as engine:
            assert engine.run_once().answered == [case_id]
    answer = store.answer(case_id)
    assert answer is not None and len(answer.pdf_blobs) == 2
    assert [m["reason"] for m in answer.missing] == ["beyond-limits"]
    assert "3 pièces jointes de plus" in " ".join(missing_words(answer, "fr"))


@pytest.mark.parametrize(
    ("count", "lang", "said"),
    [
        (6, "fr", "6 pièces jointes de plus n'ont pas été récupérées : la réponse en contenait plus"),
        (1, "fr", "1 pièce jointe de plus n'a pas été récupérée : la réponse en contenait plus"),
        (6, "en", "6 more attachments were not retrieved: the answer held more"),
        (1, "en", "1 more attachment was not retrieved: the answer held more"),
    ],
)
def test_the_files_past_an_answers_limits_are_said_in_a_sentence_that_agrees(count: int, lang: str, said: str) -> None:
    """The files past the answer's limits read as a sentence a nurse reads at once: agreeing with their
    number (not « 6 pièces jointes de plus non récupérable »), saying where to read them."""
    from app.answers import beyond_limits_item
    from app.model import Answer

    [sentence] = missing_words(Answer(missing=[beyond_limits_item(count)]), lang)
    assert sentence.startswith(said), sentence
    assert sentence.endswith(("sur la plateforme.", "on the platform.")), sentence
    assert ("Lisez-la" in sentence or "Read it" in sentence) == (count == 1), sentence


def test_a_real_file_of_a_kind_not_shown_is_kept_and_said_never_asked_for_again(store: Store, tmp_path: Path) -> None:
    """Noticed in review: an expert's phone photo (HEIC) or a DICOM, labelled ``image/jpeg`` with no hash
    to check it by, was taken for a proxy's page: the answer held three polls, then said the file « pas
    téléchargé pour l'instant … Teleavis le redemandera », and it was downloaded again about once a day,
    for ever (on a satellite link, megabytes each time). Its bytes say what it is: it is kept at once as
    what it is, and said where the answer is read (the window, the printed report), to read on the
    platform; a picture Qt and the report read (WebP, TIFF) is shown."""
    import io

    from app.answers import answer_files
    from app.report import build_report

    heic = (Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras" / "IMG_5195.HEIC").read_bytes()
    dicom = b"\0" * 128 + b"DICM" + b"\x02\x00\x00\x00UL\x04\x00" + b"\0" * 64
    case_id, answer = _answered_at_once(
        store,
        tmp_path,
        [
            {"contentType": "image/jpeg", "url": "Binary/heic", "title": "Photo du téléphone"},
            {"contentType": "application/pdf", "url": "Binary/dicom", "title": "Rétinographie"},
            {"contentType": "image/png", "url": "Binary/webp", "title": "Lésion"},
        ],
        {"heic": heic, "dicom": dicom, "webp": _coffee_cup("WEBP")},
    )
    assert [(f["title"], f["content_type"]) for f in answer.files] == [
        ("Photo du téléphone", "image/heic"),
        ("Rétinographie", "application/dicom"),
        ("Lésion", "image/webp"),
    ]
    files = answer_files(answer, store.objects.get)
    assert [f["title"] for f in files.others] == ["Photo du téléphone", "Rétinographie"]
    assert [f["title"] for f in files.pictures] == ["Lésion"]
    report_ = build_report(store, case_id)
    assert report_.answer_images == 1
    printed = " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(report_.pdf)).pages
    )
    assert "« Photo du téléphone » (image HEIC)" in printed and "« Rétinographie » (image DICOM)" in printed
    assert "lisez-la sur la plateforme" in printed


def _three_answered_but_one(store: Store, tmp_path: Path, odd_task: Any) -> tuple[list[tuple[str, str]], Any]:
    """Three cases sent; the first one's Task made odd by ``odd_task`` (given its Task, changes it in place),
    the two others completed with their report and PDF: one pass, and what it said."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    with scripted_platform() as platform:
        answer_each(platform, cases)
        odd_task(platform.tasks[cases[0][1]])
        with following(store, platform) as engine:
            summary = engine.run_once()
    for n, (case_id, _) in enumerate(cases[1:], start=1):
        answer = store.answer(case_id)
        assert store.state(case_id) == CaseState.ANSWERED and answer is not None
        assert answer.conclusion == f"Réponse {n}."
    return cases, summary


@pytest.mark.parametrize("meta", [True, "2", ["2"], 7, {"versionId": ["2"], "lastUpdated": {"x": 1}}])
def test_a_task_whose_meta_is_no_object_never_stops_the_poll(store: Store, tmp_path: Path, meta: Any) -> None:
    """Found by the pass above: one Task whose ``meta`` was no JSON object (``true``, a string, a list)
    stopped the whole poll (``'bool' object has no attribute 'get'``): no other case was answered, at
    every pass. Its version and date are taken as absent: the case is followed all the same."""
    cases, _ = _three_answered_but_one(store, tmp_path, lambda doc: doc.update(meta=meta))
    assert store.state(cases[0][0]) == CaseState.ANSWERED


def test_one_task_dated_in_a_far_future_never_hides_the_others_later_answers(store: Store, tmp_path: Path) -> None:
    """Found by an outside pass: one Task whose ``lastUpdated`` was absurd (year 9999: a platform's bug, a
    clock gone wrong) moved the poll's ``_lastUpdated`` mark there; every later poll asked only what changed
    after year 9999, and no other case's answer was ever seen again. An instant more than a day past this
    workstation's clock moves no mark (the next polls ask everything, as with no mark)."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    with scripted_platform() as platform:
        for case_id, task_id in cases:
            platform.tasks[task_id] = task(case_id, task_id, "in-progress")
        odd_case, odd_task = cases[0]
        platform.tasks[odd_task]["meta"]["lastUpdated"] = "9999-12-31T23:59:59Z"

        def since(path: str, query: dict[str, list[str]]) -> Reply | None:
            """A search of Tasks narrowed by ``_lastUpdated=gt…``, as a real server narrows it."""
            if not (path.endswith("/Task") and "_lastUpdated" in query):
                return None
            after = parse_date_time(query["_lastUpdated"][0].removeprefix("gt"))
            assert after is not None
            asked = ",".join(query["_id"]).split(",")
            return fhir(
                bundle(
                    [
                        doc
                        for doc in (platform.tasks[t] for t in asked if t in platform.tasks)
                        if (moment := parse_date_time(doc["meta"]["lastUpdated"])) is not None and moment > after
                    ]
                )
            )

        platform.hooks.append(since)
        with following(store, platform) as engine:
            engine.run_once()
            engine.run_once()
            for n, (case_id, task_id) in enumerate(cases[1:], start=1):
                platform.tasks[task_id] = task(case_id, task_id, "completed", version="3", report_ids=(f"r{n}",))
                platform.tasks[task_id]["meta"]["lastUpdated"] = "2026-11-22T10:00:00+01:00"
                platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n}.")
            answered = engine.run_once().answered
    assert sorted(answered) == sorted(case_id for case_id, _ in cases[1:])
    assert store.state(odd_case) == CaseState.IN_PROGRESS


@pytest.mark.parametrize("where", ["conclusion", "question", "amended"])
def test_words_that_are_no_unicode_never_stop_the_pass(store: Store, tmp_path: Path, where: str) -> None:
    """JSON may escape half a UTF-16 pair (``"\\udcff"``), which is no text Python can encode: found by an
    outside pass, in a report or a question it stopped the pass."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    odd_case, odd_task = cases[0]
    with scripted_platform() as platform:
        for n, (case_id, task_id) in enumerate(cases):
            platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=(f"r{n}",))
            platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n}.")
        if where == "question":
            platform.tasks[odd_task] = task(odd_case, odd_task, "on-hold")
            platform.communications[odd_task] = [communication("q", odd_task, "Depuis quand \udcff ?")]
        with following(store, platform) as engine:
            if where == "amended":
                engine.run_once()
                platform.reports["r0"] = {**report("r0", "Corrigé \udcff."), "meta": {}}
                for n in (1, 2):
                    platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n} corrigée.", version="2")
            elif where == "conclusion":
                platform.reports["r0"] = {**report("r0", "Naevus \udcff."), "meta": {}}
            engine.run_once()
    for n, (case_id, _) in enumerate(cases[1:], start=1):
        answer = store.answer(case_id)
        assert answer is not None
        assert answer.conclusion == (f"Réponse {n} corrigée." if where == "amended" else f"Réponse {n}.")
    if where == "question":
        assert store.state(odd_case) == CaseState.ON_HOLD
    else:
        assert store.state(odd_case) == CaseState.ANSWERED


@pytest.mark.parametrize("status", ["Mme VERDIER Odile", {"text": "Mme VERDIER Odile"}, 3])
def test_a_task_status_that_is_no_code_is_never_shown_nor_kept_in_clear(
    store: Store, tmp_path: Path, status: object
) -> None:
    """Found by an outside pass: a Task status that was no FHIR code (a proxy's mangling, a platform putting
    its words there) was shown in the case's note and kept in a clear column of the database, where it may
    quote the patient. The note says the status cannot be read; nothing of it is kept; the others go on."""
    cases, _ = _three_answered_but_one(store, tmp_path, lambda doc: doc.update(status=status))
    odd_case = cases[0][0]
    note = store.platform_info(odd_case)["last_error"] or ""
    assert "statut que Teleavis ne sait pas lire" in note and "VERDIER" not in note
    raw = store.conn.execute("SELECT platform_status FROM cases WHERE id=?", (odd_case,)).fetchone()[0]
    assert raw is None


def test_a_task_listed_twice_under_one_id_is_taken_for_the_case_it_names(store: Store, tmp_path: Path) -> None:
    """Found by an outside pass: a search listing two Tasks under one id (a platform's duplicate, one of them
    another case's Task given a wrong id) had the first one taken: another case's Task listed first under
    this case's id set this case aside as altered, its answer never read. The one naming this case is taken."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    (_, odd_task), (case_id, task_id) = cases[0], cases[1]
    with scripted_platform() as platform:
        for n, (each_case, each_task) in enumerate(cases):
            platform.tasks[each_task] = task(each_case, each_task, "completed", report_ids=(f"r{n}",))
            platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n}.")
        under_another_id = {**platform.tasks[odd_task], "id": task_id}
        platform.hooks.append(
            lambda path, query: (
                fhir(bundle([under_another_id, *platform.tasks.values()]))
                if path.endswith("/Task") and "_id" in query
                else None
            )
        )
        with following(store, platform) as engine:
            answered = engine.run_once().answered
    assert sorted(answered) == sorted(c for c, _ in cases)
    answer = store.answer(case_id)
    assert answer is not None and answer.conclusion == "Réponse 1."
    assert not store.conn.execute("SELECT 1 FROM audit WHERE action = 'altered'").fetchall()


@pytest.mark.parametrize("odd_body", [b'{"resourceType": "OperationOutcome", "issue": []}', b"[1, 2, 3]"])
def test_a_report_read_as_something_else_is_not_taken_for_the_link_down(
    store: Store, tmp_path: Path, odd_body: bytes
) -> None:
    """Found by an outside pass: a report the platform answered, 200, with JSON that was no report (an
    OperationOutcome, a list) was taken for the network being down. Its case, completed, was never said
    answered (at every poll « not the platform » and nothing kept); and when the reports were read one by
    one, looking for corrections, the reports after it were not read at all. It is a fault of that report
    alone: the case is answered without it after a few polls, and the other reports are read."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    odd_case = cases[0][0]
    odd: list[bool] = [False]
    with scripted_platform() as platform:
        for n, (case_id, task_id) in enumerate(cases):
            platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=(f"r{n}",))
            platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n}.")

        def answer(path: str, query: dict[str, list[str]]) -> Reply | None:
            if odd[0] and path.endswith("/DiagnosticReport/r0"):
                return 200, {"Content-Type": "application/fhir+json"}, odd_body
            if path.endswith("/DiagnosticReport") and "_id" in query:  # a page refused: read one by one
                return fhir(bundle([], link=[{"relation": "next", "url": "?_getpages=gone"}]))
            if "_getpages" in query:
                return outcome(410, "expired")
            return None

        platform.hooks.append(answer)
        with following(store, platform) as engine:
            engine.run_once()  # every case answered
            odd[0] = True
            for n in (1, 2):
                platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n} corrigée.", version="2")
            engine.run_once()
        for n, (case_id, _) in enumerate(cases[1:], start=1):
            assert store.answer(case_id).conclusion == f"Réponse {n} corrigée."  # type: ignore[union-attr]
    assert store.state(odd_case) == CaseState.ANSWERED


@pytest.mark.parametrize("odd_body", [b'{"resourceType": "OperationOutcome", "issue": []}', b"[1, 2, 3]"])
def test_a_first_report_read_as_something_else_leaves_its_case_answered_without_it(
    store: Store, tmp_path: Path, odd_body: bytes
) -> None:
    """The same report on the case's first answer: answered without it after a few polls, said, and asked
    again later; the others answered at the first."""
    from sync.follow import ATTACHMENT_TRIES

    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    odd_case = cases[0][0]
    with scripted_platform() as platform:
        for n, (case_id, task_id) in enumerate(cases):
            platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=(f"r{n}",))
            platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n}.")
        platform.hooks.append(
            lambda path, _q: (
                (200, {"Content-Type": "application/fhir+json"}, odd_body)
                if path.endswith("/DiagnosticReport/r0")
                else None
            )
        )
        with following(store, platform) as engine:
            assert sorted(engine.run_once().answered) == sorted(c for c, _ in cases[1:])
            for _ in range(ATTACHMENT_TRIES - 1):
                engine.run_once()
    answer = store.answer(odd_case)
    assert store.state(odd_case) == CaseState.ANSWERED and answer is not None
    assert [m["reason"] for m in answer.missing] == ["unreachable"]


@pytest.mark.parametrize(
    "alone",
    [
        (200, {"Content-Type": "text/html"}, b"<html><body>Maintenance</body></html>"),
        (200, {"Content-Type": "application/fhir+json"}, b'{"resourceType": "OperationOutcome", "issue": []}'),
    ],
)
def test_a_task_the_platform_gives_as_something_else_is_said(store: Store, tmp_path: Path, alone: Reply) -> None:
    """Found by an outside pass: a Task the search left out, and that read alone came as something else than
    a Task (a page, an OperationOutcome), left its case « sent » at every poll, nothing said anywhere. It says
    its state cannot be read now; the others are answered."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    odd_case, odd_task = cases[0]
    with scripted_platform() as platform:
        for n, (case_id, task_id) in enumerate(cases):
            platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=(f"r{n}",))
            platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n}.")
        others = [platform.tasks[t] for _, t in cases[1:]]
        platform.hooks.append(
            lambda path, query: (
                fhir(bundle(others))
                if path.endswith("/Task") and "_id" in query
                else alone
                if path.endswith(f"/Task/{odd_task}")
                else None
            )
        )
        with following(store, platform) as engine:
            assert sorted(engine.run_once().answered) == sorted(c for c, _ in cases[1:])
    assert store.state(odd_case) == CaseState.SENT
    assert "n'a pas pu donner l'état de cette demande" in (store.platform_info(odd_case)["last_error"] or "")
