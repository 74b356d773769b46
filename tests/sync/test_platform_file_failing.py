"""The expert's report PDF on the platform itself (``Binary/<id>``) answered 5xx while its DiagnosticReport read
well. Found left alone in the last session: the case's whole answer, its conclusion read, was held three polls
(15 minutes and more), as when a storage host failed before that was mended. The platform's own words are the
answer: the conclusion shows at the first poll, the PDF said still to come and asked for again until it comes."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.answers import missing_words
from app.model import CaseState
from app.store import Store
from sync.follow import ATTACHMENT_TRIES
from tests.support.scripted_platform import (
    Reply,
    answer_each,
    following,
    outcome,
    scripted_platform,
    send_to_sandbox,
)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_the_platform_failing_on_the_pdf_shows_the_conclusion_at_once(
    store: Store, tmp_path: Path, status: int
) -> None:
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    (odd, _), (other, _) = cases
    with scripted_platform() as platform:
        answer_each(platform, cases)
        failing = [True]

        def pdf_fails(path: str, _query: dict[str, list[str]]) -> Reply | None:
            return outcome(status, "erreur interne") if failing and path.endswith("/Binary/b0") else None

        platform.hooks.append(pdf_fails)
        with following(store, platform) as engine:
            assert sorted(engine.run_once().answered) == sorted([odd, other])
        kept = store.answer(odd)
        assert store.state(odd) == CaseState.ANSWERED and kept is not None and kept.conclusion == "Réponse 0."
        assert kept.pdf_blobs == [] and len(kept.missing) == 1, kept
        assert "redemandera" in " ".join(missing_words(kept, "fr"))
        whole = store.answer(other)
        assert whole is not None and whole.missing == [] and len(whole.pdf_blobs) == 1
        store.mark_read(odd)

        failing.clear()  # the platform serves its file again: it comes, and the answer is news again
        with following(store, platform) as engine:
            assert engine.run_once().answered == [odd]
    kept = store.answer(odd)
    assert kept is not None and kept.missing == [] and len(kept.pdf_blobs) == 1, kept
    assert store.platform_info(odd)["unread"] == 1
    assert ATTACHMENT_TRIES > 1  # (what the answer was held for before)


def test_the_pdf_failing_at_every_poll_is_asked_again_without_a_new_alert(store: Store, tmp_path: Path) -> None:
    """Still failing at the next polls: the answer stays as kept, read, nothing told again."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        answer_each(platform, [(case_id, task_id)])
        platform.hooks.append(lambda path, _q: outcome(500, "erreur") if path.endswith("/Binary/b0") else None)
        with following(store, platform) as engine:
            engine.run_once()
            store.mark_read(case_id)
            for _ in range(3):
                with following(store, platform) as again:  # (a new run asks again at once)
                    assert again.run_once().answered == []
    kept = store.answer(case_id)
    assert kept is not None and kept.conclusion == "Réponse 0." and len(kept.missing) == 1
    assert store.platform_info(case_id)["unread"] == 0
