"""A Task output whose ``type`` or ``valueReference`` is no JSON object (a platform's bug): its case says
its answer cannot be read, and the poll goes on with the others. Found while reviewing the check of
reports claimed by two cases (made before the cases are followed, one by one): such an output raised out
of the whole poll there."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.model import CaseState
from app.store import Store
from tests.support.scripted_platform import answer_each, following, scripted_platform, send_to_sandbox


@pytest.mark.parametrize("where", ["type", "valueReference"])
def test_an_output_of_no_shape_never_stops_the_poll(store: Store, tmp_path: Path, where: str) -> None:
    cases = send_to_sandbox(store, tmp_path / "sandbox", 3)
    (odd_case, odd_task), *others = cases
    with scripted_platform() as platform:
        answer_each(platform, cases)
        platform.tasks[odd_task]["output"][0][where] = "bogus"
        with following(store, platform) as engine:
            engine.follower.poll(budget_s=3.0)
    assert all(store.state(c) == CaseState.ANSWERED for c, _ in others)
    assert store.state(odd_case) != CaseState.ANSWERED or store.answer(odd_case) is not None
    assert store.state(odd_case) == CaseState.ANSWERED or store.platform_info(odd_case)["last_error"]
