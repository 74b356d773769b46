"""A file of the expert's answer the platform deleted: R4 answers 410 Gone (with its OperationOutcome) for a
resource that was there and is no more. Found in review: said « pas encore sur la plateforme, Teleavis le
redemandera », as a file not stored yet, and asked for again for ever. It is said deleted now, the user told
to ask the expert, never asked again; the answer and the other cases as ever."""

from __future__ import annotations

from pathlib import Path

from app.answers import missing_words
from app.model import CaseState
from app.store import Store
from tests.support.scripted_platform import (
    Reply,
    answer_each,
    following,
    outcome,
    scripted_platform,
    send_to_sandbox,
)


def test_a_file_the_platform_deleted_is_said_deleted_and_not_asked_for_again(store: Store, tmp_path: Path) -> None:
    cases = send_to_sandbox(store, tmp_path / "sandbox", 2)
    with scripted_platform() as platform:
        answer_each(platform, cases)

        def gone(path: str, _query: dict[str, list[str]]) -> Reply | None:
            return outcome(410, "Resource Binary/b0 was deleted") if path.endswith("/Binary/b0") else None

        platform.hooks.append(gone)
        with following(store, platform) as engine:
            engine.run_once()
        with following(store, platform) as engine:  # a new process: it would ask at once
            engine.run_once()
    (odd, _), (other, _) = cases
    kept = store.answer(odd)
    assert store.state(odd) == CaseState.ANSWERED and kept is not None and kept.conclusion == "Réponse 0."
    words = " ".join(missing_words(kept, "fr"))
    assert "supprimé de la plateforme" in words and "redemandera" not in words, words
    assert sum(r.startswith("/fhir/Binary/b0") for r in platform.requests) == 1, platform.requests
    whole = store.answer(other)
    assert whole is not None and whole.missing == [] and len(whole.pdf_blobs) == 1
