"""The expert's follow-up advice is a FHIR decimal: JSON lets it be 1e400 (read as infinity) or 1e300 days, and
nothing stops a negative one. Found in review: kept as it came, its words (« revoir le patient sous … jours,
avant le … ») raised an error where they are written (the window, ``case show``, the PDF). Such an advice is
not one to follow: it is said not read, never taken as « no in-person visit needed », and the answer shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.answers import follow_up_words, missing_words
from app.model import CaseState
from app.store import Store
from tests.support.scripted_platform import (
    Reply,
    bundle,
    follow_up_output,
    following,
    report,
    scripted_platform,
    send_to_sandbox,
    task,
)


@pytest.mark.parametrize("value", ["1e400", "1e300", "-3"])
def test_a_follow_up_advice_out_of_any_range_is_said_not_read(store: Store, tmp_path: Path, value: str) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        completed = task(case_id, task_id, "completed", report_ids=("r",))
        completed["output"].append(follow_up_output(7, "d"))
        platform.reports["r"] = report("r", "Kératose séborrhéique.")
        # The value written as the platform wrote it (json.dumps would write 1e400 as « Infinity »).
        body = json.dumps(bundle([completed])).replace('"value": 7', f'"value": {value}').encode()

        def tasks(path: str, _query: dict[str, list[str]]) -> Reply | None:
            return (200, {"Content-Type": "application/fhir+json"}, body) if path.endswith("/Task") else None

        platform.hooks.append(tasks)
        platform.tasks[task_id] = completed
        with following(store, platform) as engine:
            engine.run_once()
    answer = store.answer(case_id)
    assert store.state(case_id) == CaseState.ANSWERED and answer is not None
    for lang in ("fr", "en"):
        follow_up_words(answer, lang)  # written wherever the answer is read: never an error
    assert answer.follow_up_days is None, answer.follow_up_days
    assert missing_words(answer, "fr") == [
        "Délai conseillé pour revoir le patient non récupérable : contenu illisible ou incomplet"
    ]
