"""Odd answers in the follow loop that a real platform, or what stands in front of it, gives: each case
followed on its own, nothing read twice, nothing lost."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from app.model import CaseState
from app.store import Store
from tests.support.scripted_platform import (
    Reply,
    answer_each,
    bundle,
    fhir,
    following,
    scripted_platform,
    send_to_sandbox,
)
from tests.sync.faultproxy import Exchange, FaultProxy
from tests.sync.sync_helpers import engine_on


def test_a_page_whose_next_link_names_itself_is_asked_once(store: Store, tmp_path: Path) -> None:
    """Found in review: a server linking its first page to itself as the next one (written as the search
    it answers, as HAPI writes its ``self`` link) was asked that page twice at every poll, the second
    time for nothing: the first page's own address was not among those already read."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    asked: list[str] = []
    with scripted_platform() as platform:
        answer_each(platform, cases)

        def itself(path: str, query: dict[str, list[str]]) -> Reply | None:
            if not path.endswith("/Task") or "_id" not in query:
                return None
            ids = ",".join(query["_id"]).split(",")
            written = "&".join(f"{key}={value}" for key, values in query.items() for value in values)
            asked.append(written)
            same = f"{platform.base_url}/Task?{written}"
            links = [{"relation": "self", "url": same}, {"relation": "next", "url": same}]
            return fhir(bundle([platform.tasks[i] for i in ids if i in platform.tasks], link=links))

        platform.hooks.append(itself)
        with following(store, platform) as engine:
            assert sorted(engine.run_once().answered) == sorted(case_id for case_id, _ in cases)
    assert len(asked) == len(set(asked)), asked  # no page asked twice


def test_a_report_file_redirected_in_a_loop_is_said_so_and_the_other_answers_come(store: Store, tmp_path: Path) -> None:
    """Found in review: a file redirected from one address to another and back, without end, was said
    « Réponse illisible (portail d'accès, proxy ou coupure) » and logged as the platform out of reach
    (``offline``): neither was what happened, nor said what to do."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    with scripted_platform() as platform:
        answer_each(platform, cases)

        def looping(path: str, _query: dict[str, list[str]]) -> Reply | None:
            if path.endswith("/Binary/b0"):
                return 302, {"Location": "b0-bis"}, b""
            if path.endswith("/Binary/b0-bis"):
                return 302, {"Location": f"{platform.base_url}/Binary/b0"}, b""
            return None

        platform.hooks.append(looping)
        with following(store, platform) as engine:
            assert engine.run_once().answered == [cases[1][0]]
    note = str(store.platform_info(cases[0][0])["last_error"])
    assert note.startswith("La plateforme renvoie sans fin d'une adresse à une autre (redirections en boucle)"), note
    assert store.state(cases[1][0]) == CaseState.ANSWERED


@pytest.mark.parametrize("form", ["etag", "number"])
def test_a_report_whose_version_is_written_otherwise_when_searched_is_no_amendment(
    store: Store, tmp_path: Path, form: str
) -> None:
    """A report's version given in the ``ETag`` only when it is read (R4 lets a server), or as a JSON number,
    and otherwise (none, or a string) in the search of answered cases' reports: the same version, not an
    amendment at every poll."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    with scripted_platform() as platform:
        answer_each(platform, cases)
        read = copy.deepcopy(platform.reports["r0"])
        if form == "etag":
            del read["meta"]["versionId"]
            del platform.reports["r0"]["meta"]["versionId"]
        else:
            read["meta"]["versionId"] = 1

        def alone(path: str, _query: dict[str, list[str]]) -> Reply | None:
            if path.endswith("/DiagnosticReport/r0"):
                status, headers, body = fhir(read)
                return status, {**headers, "ETag": 'W/"1"'}, body
            return None

        platform.hooks.append(alone)
        with following(store, platform) as engine:
            assert sorted(engine.run_once().answered) == sorted(case_id for case_id, _ in cases)
            store.mark_read(cases[0][0])
            for _ in range(2):
                engine.run_once()
    answer = store.answer(cases[0][0])
    assert answer is not None and not answer.amended and not answer.earlier


def test_a_search_whose_answer_is_always_cut_never_holds_every_answer_back(store: Store, tmp_path: Path) -> None:
    """Found in review: an answer cut while its body came (a proxy or a satellite link dropping the long
    ones: here the search of Tasks, every time) was taken for the platform out of reach, and the poll
    stopped there, at every poll: no case got its answer. The platform answered: its Tasks are read one
    by one, as after a search that fails."""
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    with scripted_platform() as platform:
        answer_each(platform, cases)

        def cut_searches(exchange: Exchange, _headers: dict[str, str]) -> str | None:
            return "truncate" if exchange.path.endswith("/Task") else None

        with (
            FaultProxy(platform.base_url, after=cut_searches) as proxy,
            engine_on(store, proxy.base_url, case_budget_s=1.0) as engine,
        ):
            assert sorted(engine.run_once().answered) == sorted(case_id for case_id, _ in cases)
