"""An expert's report changed on the platform under the same ``meta.versionId`` (a server that does not bump
it, or bumps only ``lastUpdated``) is an amendment all the same: told by what the requester reads (the
conclusion, the status, the expert, the files' bytes), never by the version alone. And a report whose meta
alone changed is no amendment: the answer stays read, nothing announced."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from app import contexts
from app.db import transaction
from app.model import AnswerNews, CaseState
from app.store import Store
from tests.support.scripted_platform import PDF, following, report, scripted_platform, task

OTHER_PDF = PDF.replace(b"%%EOF", b"% corrected by the expert\n%%EOF") if b"%%EOF" in PDF else PDF + b"\n% corrected\n"


def _new_conclusion(r: dict[str, Any], platform: Any) -> None:
    r["conclusion"] = "Réponse 1, corrigée : exérèse urgente."


def _new_conclusion_last_updated(r: dict[str, Any], platform: Any) -> None:
    r["conclusion"] = "Réponse 1, corrigée : exérèse urgente."
    r["meta"]["lastUpdated"] = r["meta"]["lastUpdated"].replace("10:01", "10:05")


def _new_pdf(r: dict[str, Any], platform: Any) -> None:
    platform.binaries["b1"] = OTHER_PDF
    form = r["presentedForm"][0]
    form.update(size=len(OTHER_PDF), hash=base64.b64encode(hashlib.sha1(OTHER_PDF).digest()).decode())  # noqa: S324


def _new_status(r: dict[str, Any], platform: Any) -> None:
    r["status"] = "entered-in-error"


#: What the expert changed, the report's meta.versionId left as it was.
SAME_VERSION: dict[str, Callable[[dict[str, Any], Any], None]] = {
    "conclusion": _new_conclusion,
    "conclusion-and-last-updated": _new_conclusion_last_updated,
    "pdf-bytes": _new_pdf,
    "status-withdrawn": _new_status,
}


def _answered_and_read(store: Store, platform: Any, cases: list[tuple[str, str]]) -> None:
    for n, (case_id, task_id) in enumerate(cases):
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=(f"r{n}",))
        platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n}.", pdf=f"b{n}")
        platform.binaries[f"b{n}"] = PDF


@pytest.mark.parametrize("how", list(SAME_VERSION))
def test_a_report_changed_under_the_same_version_is_announced_amended(
    how: str, three: tuple[Path, list[tuple[str, str]]]
) -> None:
    home, cases = three
    with Store.open(home) as store, scripted_platform() as platform:
        _answered_and_read(store, platform, cases)
        with following(store, platform) as engine:
            engine.run_once(timeout=60.0)
            for case_id, _ in cases:
                assert store.state(case_id) == CaseState.ANSWERED
                store.mark_read(case_id)
            odd_case = cases[1][0]
            before = store.answer(odd_case)
            assert before is not None
            SAME_VERSION[how](platform.reports["r1"], platform)
            assert platform.reports["r1"]["meta"]["versionId"] == "1"
            for _ in range(2):
                engine.run_once(timeout=60.0)
        got = store.answer(odd_case)
        assert got is not None and got.amended, (how, got)
        assert store.platform_info(odd_case)["unread"], how  # never marked read unseen
        events = [e["kind"] for e in store.history(odd_case)]
        expected = AnswerNews.WITHDRAWN if how == "status-withdrawn" else AnswerNews.AMENDED
        assert events.count(expected) == 1, (how, events)  # announced once, not at every poll
        assert got.earlier and got.earlier[0]["conclusion"] == "Réponse 1.", how  # the history kept
        if how.startswith("conclusion"):
            assert got.conclusion == "Réponse 1, corrigée : exérèse urgente."
        if how == "pdf-bytes":
            assert [store.objects.get(b) for b in got.pdf_blobs] == [OTHER_PDF]
            assert [store.objects.get(b) for b in got.earlier[0]["pdf_blobs"]] == [PDF]
        for n in (0, 2):
            assert not store.platform_info(cases[n][0])["unread"]


def _version_bumped(r: dict[str, Any], platform: Any) -> None:
    r["meta"].update(versionId="2", lastUpdated=r["meta"]["lastUpdated"].replace("10:01", "10:07"))


def _last_updated_only(r: dict[str, Any], platform: Any) -> None:
    r["meta"]["lastUpdated"] = r["meta"]["lastUpdated"].replace("10:01", "10:07")


def _meta_dropped(r: dict[str, Any], platform: Any) -> None:
    r.pop("meta")


@pytest.mark.parametrize("change", [_version_bumped, _last_updated_only, _meta_dropped], ids=lambda f: f.__name__)
def test_a_report_whose_meta_alone_changed_is_no_amendment(
    change: Callable[[dict[str, Any], Any], None], three: tuple[Path, list[tuple[str, str]]]
) -> None:
    home, cases = three
    with Store.open(home) as store, scripted_platform() as platform:
        _answered_and_read(store, platform, cases)
        with following(store, platform) as engine:
            engine.run_once(timeout=60.0)
            for case_id, _ in cases:
                store.mark_read(case_id)
            odd_case = cases[1][0]
            before = store.answer(odd_case)
            change(platform.reports["r1"], platform)
            for _ in range(2):
                engine.run_once(timeout=60.0)
        got = store.answer(odd_case)
        assert got is not None and before is not None
        assert not store.platform_info(odd_case)["unread"]
        events = [e["kind"] for e in store.history(odd_case)]
        assert AnswerNews.AMENDED not in events, events
        assert not got.amended and not got.earlier
        assert (got.conclusion, got.pdf_blobs) == (before.conclusion, before.pdf_blobs)


def test_a_report_replaced_by_one_saying_the_same_is_followed_under_its_own_id(
    three: tuple[Path, list[tuple[str, str]]],
) -> None:
    """The Task points to a new report saying the same (no news), then that report is amended, the Task
    untouched: announced, unread. Found in review: the answer kept the old report's id, the new one's
    amendment was never looked for."""
    home, cases = three
    with Store.open(home) as store, scripted_platform() as platform:
        _answered_and_read(store, platform, cases)
        with following(store, platform) as engine:
            engine.run_once(timeout=60.0)
            for case_id, _ in cases:
                store.mark_read(case_id)
            odd_case, odd_task = cases[1]
            platform.reports["r1b"] = {**copy.deepcopy(platform.reports["r1"]), "id": "r1b"}
            platform.tasks[odd_task] = task(odd_case, odd_task, "completed", version="3", report_ids=("r1b",))
            engine.run_once(timeout=60.0)
            assert not store.platform_info(odd_case)["unread"]  # the same words, the same PDF: no news
            assert AnswerNews.AMENDED not in [e["kind"] for e in store.history(odd_case)]
            platform.reports["r1b"]["conclusion"] = "Réponse 1, corrigée : exérèse urgente."
            platform.reports["r1b"]["meta"]["versionId"] = "2"
            for _ in range(2):
                engine.run_once(timeout=60.0)
        got = store.answer(odd_case)
        assert got is not None and got.conclusion == "Réponse 1, corrigée : exérèse urgente."
        assert store.platform_info(odd_case)["unread"]
        assert [e["kind"] for e in store.history(odd_case)].count(AnswerNews.AMENDED) == 1


def _as_kept_before_digests(store: Store, case_id: str) -> None:
    """The case's answer as a Teleavis without report digests kept it, read."""
    answer = asdict(store.answer(case_id))  # type: ignore[arg-type]
    del answer["report_digests"]
    sealed = store.key.seal(json.dumps(answer, ensure_ascii=False).encode("utf-8"), contexts.case_answer(case_id))
    with transaction(store.conn) as conn:
        conn.execute("UPDATE cases SET answer=? WHERE id=?", (sealed, case_id))
    store.mark_read(case_id)


@pytest.mark.parametrize("how", ["nothing", "pdf-bytes", "conclusion"])
def test_answers_kept_before_digests_are_not_all_amended_nor_a_change_swallowed(
    how: str, three: tuple[Path, list[tuple[str, str]]]
) -> None:
    """The first polls after the upgrade: answers kept without a digest announce nothing when their report
    says the same (still read, their digest taken), and one changed meanwhile under the same version (its
    PDF replaced) is announced. Found in review: compared by its words alone, the new PDF was never said."""
    home, cases = three
    with Store.open(home) as store, scripted_platform() as platform:
        _answered_and_read(store, platform, cases)
        with following(store, platform) as engine:
            engine.run_once(timeout=60.0)
            for case_id, _ in cases:
                _as_kept_before_digests(store, case_id)
                kept = store.answer(case_id)
                assert kept is not None and kept.report_digests == {}
                assert not store.platform_info(case_id)["unread"]
            if how != "nothing":
                SAME_VERSION[how](platform.reports["r1"], platform)
            for _ in range(2):
                engine.run_once(timeout=60.0)
        changed = {cases[1][0]} if how != "nothing" else set()
        for case_id, _ in cases:
            events = [e["kind"] for e in store.history(case_id)]
            got = store.answer(case_id)
            assert got is not None and got.report_digests, (how, case_id)  # taken, so compared from now on
            assert bool(store.platform_info(case_id)["unread"]) == (case_id in changed), (how, events)
            assert events.count(AnswerNews.AMENDED) == (case_id in changed), (how, events)
        if how == "pdf-bytes":
            got = store.answer(cases[1][0])
            assert got is not None and [store.objects.get(b) for b in got.pdf_blobs] == [OTHER_PDF]


MODIFIER = [{"url": "http://platform.example/fhir/StructureDefinition/not-for-clinical-use", "valueBoolean": True}]


@pytest.mark.parametrize("where", ["report-alone", "task-too", "new-report"])
def test_a_modifier_extension_added_to_a_report_read_is_announced_as_on_a_first_read(
    where: str, three: tuple[Path, list[tuple[str, str]]]
) -> None:
    """FHIR: a resource with a modifier extension its reader does not know is not to be used as it reads (it
    may say « not for clinical use »). Read first so, a report is kept unread, said « modified » (see it on
    the platform). Found left open: added to a report already read, under a new version, nothing was said
    (its Task touched) or the report was read as if it were not there (the report alone changed). Now the
    same as a first read: the answer is amended, its report said unread here, the one read before kept."""
    home, cases = three
    with Store.open(home) as store, scripted_platform() as platform:
        _answered_and_read(store, platform, cases)
        with following(store, platform) as engine:
            engine.run_once(timeout=60.0)
            for case_id, _ in cases:
                store.mark_read(case_id)
            odd_case, odd_task = cases[1]
            r1 = platform.reports["r1"] if where != "new-report" else copy.deepcopy(platform.reports["r1"])
            r1.update(modifierExtension=MODIFIER, conclusion="Réponse 1, hors usage clinique.")
            r1["meta"].update(versionId="2", lastUpdated=r1["meta"]["lastUpdated"].replace("10:01", "10:07"))
            if where == "new-report":  # the Task now points to another report, which carries it
                platform.reports["r1b"] = {**r1, "id": "r1b"}
            if where != "report-alone":
                named = "r1b" if where == "new-report" else "r1"
                platform.tasks[odd_task] = task(odd_case, odd_task, "completed", version="3", report_ids=(named,))
            for _ in range(3):
                engine.run_once(timeout=60.0)
        got = store.answer(odd_case)
        assert got is not None and got.amended, (where, got)
        assert {"what": "report", "reason": "modified"} in got.missing, got.missing
        assert got.conclusion == "" and not got.pdf_blobs  # never read as it reads
        assert got.earlier and got.earlier[0]["conclusion"] == "Réponse 1."  # what was read stays on record
        assert store.platform_info(odd_case)["unread"]
        assert [e["kind"] for e in store.history(odd_case)].count(AnswerNews.AMENDED) == 1  # said once
        for n in (0, 2):
            assert not store.platform_info(cases[n][0])["unread"]


def _coded(display: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": "http://snomed.info/sct", "code": "0", "display": display}]}]


@pytest.mark.parametrize("version", ["same", "bumped"])
def test_a_conclusion_whose_codes_alone_changed_is_announced_amended(
    version: str, three: tuple[Path, list[tuple[str, str]]]
) -> None:
    """The coded conclusion (``conclusionCode``) is the expert's diagnosis as much as its words: found left open,
    « naevus bénin » changed to « mélanome malin », the text left as it was, was kept quietly (the text alone
    was read when there was one). Its words are read with the text, and a change is an amendment."""
    home, cases = three
    with Store.open(home) as store, scripted_platform() as platform:
        _answered_and_read(store, platform, cases)
        platform.reports["r1"].update(conclusion="Lésion pigmentée du dos.", conclusionCode=_coded("Naevus bénin"))
        with following(store, platform) as engine:
            engine.run_once(timeout=60.0)
            odd_case = cases[1][0]
            got = store.answer(odd_case)
            assert got is not None and "Lésion pigmentée du dos." in got.conclusion and "Naevus bénin" in got.conclusion
            for case_id, _ in cases:
                store.mark_read(case_id)
            r1 = platform.reports["r1"]
            r1["conclusionCode"] = _coded("Mélanome malin")
            if version == "bumped":
                r1["meta"].update(versionId="2", lastUpdated=r1["meta"]["lastUpdated"].replace("10:01", "10:07"))
            for _ in range(2):
                engine.run_once(timeout=60.0)
        got = store.answer(odd_case)
        assert got is not None and got.amended, got
        assert "Mélanome malin" in got.conclusion and "Naevus bénin" not in got.conclusion
        assert got.earlier and "Naevus bénin" in got.earlier[0]["conclusion"]
        assert store.platform_info(odd_case)["unread"]
        assert [e["kind"] for e in store.history(odd_case)].count(AnswerNews.AMENDED) == 1


def test_a_code_saying_what_the_text_says_is_not_said_twice(three: tuple[Path, list[tuple[str, str]]]) -> None:
    home, cases = three
    with Store.open(home) as store, scripted_platform() as platform:
        _answered_and_read(store, platform, cases)
        platform.reports["r1"].update(conclusion="Mélanome malin : exérèse.", conclusionCode=_coded("mélanome malin"))
        with following(store, platform) as engine:
            engine.run_once(timeout=60.0)
        got = store.answer(cases[1][0])
        assert got is not None and got.conclusion == "Mélanome malin : exérèse."


@pytest.mark.parametrize("where", ["report-alone", "task-too", "first-read"])
def test_a_report_said_modified_is_still_followed_and_read_once_its_modifier_goes(
    where: str, three: tuple[Path, list[tuple[str, str]]]
) -> None:
    """A report read, then given a modifier extension (the answer says « see it on the platform »), then put
    right by the expert (the modifier gone, a new conclusion), its Task untouched since. Found in review: the
    answer said « modified » kept no report to follow, and the expert's corrected answer was never read. So
    for a report that had one at its first read: completed then, not amended."""
    home, cases = three
    with Store.open(home) as store, scripted_platform() as platform:
        _answered_and_read(store, platform, cases)
        odd_case, odd_task = cases[1]
        r1 = platform.reports["r1"]
        if where == "first-read":
            r1.update(modifierExtension=MODIFIER)
        with following(store, platform) as engine:
            engine.run_once(timeout=60.0)
            for case_id, _ in cases:
                store.mark_read(case_id)
            r1.update(modifierExtension=MODIFIER)
            r1["meta"].update(versionId="2", lastUpdated=r1["meta"]["lastUpdated"].replace("10:01", "10:07"))
            if where == "task-too":
                platform.tasks[odd_task] = task(odd_case, odd_task, "completed", version="3", report_ids=("r1",))
            for _ in range(2):
                engine.run_once(timeout=60.0)
            said = store.answer(odd_case)
            assert said is not None and {"what": "report", "reason": "modified"} in said.missing
            store.mark_read(odd_case)
            del r1["modifierExtension"]
            r1.update(conclusion="Réponse 1, corrigée : exérèse urgente.")
            r1["meta"].update(versionId="3", lastUpdated=r1["meta"]["lastUpdated"].replace("10:07", "10:09"))
            for _ in range(2):
                engine.run_once(timeout=60.0)
        got = store.answer(odd_case)
        assert got is not None and got.conclusion == "Réponse 1, corrigée : exérèse urgente.", got
        assert not any(item.get("reason") == "modified" for item in got.missing), got.missing
        assert len(got.pdf_blobs) == 1
        assert got.amended == (where != "first-read")
        assert store.platform_info(odd_case)["unread"]
        events = [e["kind"] for e in store.history(odd_case)]
        assert events.count(AnswerNews.AMENDED) == (0 if where == "first-read" else 2), events
        for n in (0, 2):
            assert not store.platform_info(cases[n][0])["unread"]


def _as_kept_before_codes(store: Store, case_id: str, text: str, *, digests: bool) -> None:
    """The case's answer as a Teleavis reading a report's ``conclusionCode`` only without a text kept it (its
    conclusion the text alone), read; ``digests`` False: one older still, without report digests."""
    answer = asdict(store.answer(case_id))  # type: ignore[arg-type]
    answer["conclusion"] = text
    if not digests:
        del answer["report_digests"]
    sealed = store.key.seal(json.dumps(answer, ensure_ascii=False).encode("utf-8"), contexts.case_answer(case_id))
    with transaction(store.conn) as conn:
        conn.execute("UPDATE cases SET answer=? WHERE id=?", (sealed, case_id))
    store.mark_read(case_id)


@pytest.mark.parametrize("how", ["meta-only", "no-digest", "code-changed"])
def test_answers_kept_before_codes_were_read_are_not_all_announced_amended(
    how: str, three: tuple[Path, list[tuple[str, str]]]
) -> None:
    """Answers kept before a report's codes were read beside its text hold the text alone. Found in review: the
    first time such a report was read again (its meta alone changed, or an answer kept before digests), every
    one was announced « réponse modifiée », the expert having changed nothing: noise that teaches the nurse to
    pass over the word. Now it is taken quietly (the codes' words shown from then on), and a code changed is
    still announced."""
    home, cases = three
    text = "Lésion pigmentée du dos."
    with Store.open(home) as store, scripted_platform() as platform:
        _answered_and_read(store, platform, cases)
        platform.reports["r1"].update(conclusion=text, conclusionCode=_coded("Naevus bénin"))
        with following(store, platform) as engine:
            engine.run_once(timeout=60.0)
            odd_case = cases[1][0]
            for case_id, _ in cases:
                store.mark_read(case_id)
            _as_kept_before_codes(store, odd_case, text, digests=how != "no-digest")
            r1 = platform.reports["r1"]
            if how == "code-changed":
                r1["conclusionCode"] = _coded("Mélanome malin")
            if how != "no-digest":
                r1["meta"].update(versionId="2", lastUpdated=r1["meta"]["lastUpdated"].replace("10:01", "10:07"))
            for _ in range(2):
                engine.run_once(timeout=60.0)
        got = store.answer(odd_case)
        assert got is not None and got.report_digests
        events = [e["kind"] for e in store.history(odd_case)]
        announced = how == "code-changed"
        assert bool(store.platform_info(odd_case)["unread"]) == announced, events
        assert events.count(AnswerNews.AMENDED) == announced, events
        # (the codes' words labelled now, told apart from the expert's text: test_every_part_once.py)
        assert got.conclusion == f"{text}\n\nDiagnostic codé\u00a0: {'Mélanome malin' if announced else 'Naevus bénin'}"


@pytest.mark.parametrize("reports", [1, 2])
def test_an_answer_waiting_for_its_files_keeps_what_was_read_when_its_report_gets_a_modifier(
    reports: int, three: tuple[Path, list[tuple[str, str]]]
) -> None:
    """An answer read with two files not on the platform yet (asked again later), then its report given a
    modifier extension under the same version (the report search sees nothing new). Found in review: asked
    again, the report said « modified » held fewer missing parts than the answer, so it was kept as the answer
    « completed »: the conclusion read before gone, not even kept as an earlier version. Now an amendment, the
    answer read before kept in earlier."""
    home, cases = three
    with Store.open(home) as store, scripted_platform() as platform:
        _answered_and_read(store, platform, cases)
        odd_case = cases[1][0]
        r1 = platform.reports["r1"]
        del platform.binaries["b1"]  # not there yet (404)
        r1["presentedForm"].append({**r1["presentedForm"][0], "url": "Binary/b1-annexe", "title": "annexe.pdf"})
        said = "Réponse 1."
        if reports == 2:  # an answer read from two reports, both given the modifier
            platform.reports["r1b"] = report("r1b", "Complément.")
            platform.tasks[cases[1][1]] = task(odd_case, cases[1][1], "completed", report_ids=("r1", "r1b"))
            said = "Réponse 1.\n\nComplément."
        with following(store, platform) as engine:
            engine.run_once(timeout=60.0)
        kept = store.answer(odd_case)
        assert kept is not None and kept.conclusion == said and len(kept.missing) == 2, kept
        for case_id, _ in cases:
            store.mark_read(case_id)
        for r in [r1, platform.reports["r1b"]] if reports == 2 else [r1]:
            r.update(modifierExtension=MODIFIER)
        with following(store, platform) as engine:  # (another start: the missing parts asked again at once)
            for _ in range(2):
                engine.run_once(timeout=60.0)
        got = store.answer(odd_case)
        assert got is not None and {"what": "report", "reason": "modified"} in got.missing, got
        assert got.amended and got.earlier and got.earlier[0]["conclusion"] == said, got
        events = [e["kind"] for e in store.history(odd_case)]
        assert events.count(AnswerNews.AMENDED) == 1 and AnswerNews.COMPLETED not in events, events
        assert store.platform_info(odd_case)["unread"]
