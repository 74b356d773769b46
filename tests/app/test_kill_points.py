"""Power cuts at every step: a child process is killed (SIGKILL) at its 1st, 2nd, 3rd… file operation or SQL
statement of one piece of work; after each, the data folder opens and holds the work either wholly done or
not begun, never half, never twice (tests/support/kill_points_child.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import reply_drafts
from app.outbox import Outbox
from app.store import Store
from tests.app.test_reply_photos import joined
from tests.support.cli import ROOT


def _kill_at(home: Path, step: str, case_id: str, point: int) -> bool:
    """Run ``step`` on ``home`` killed at ``point``; whether the kill landed (else the step ended)."""
    env = dict(os.environ, TELEAVIS_HOME=str(home), PYTHONPATH=str(ROOT))
    child = subprocess.run(
        [sys.executable, "-m", "tests.support.kill_points_child", step, case_id, str(point)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if child.returncode == 0:
        return False
    assert child.returncode == -9, child.stderr
    return True


@pytest.mark.slow
def test_a_reply_with_photos_killed_at_every_step_is_begun_or_queued_once(
    teleavis_home: Path, tmp_path: Path, site: Path
) -> None:
    from tests.support.scripted_platform import on_hold_with_a_question

    with Store.open(teleavis_home) as store:
        [case_id] = on_hold_with_a_question(store, tmp_path / "cases", 1)
        reply_drafts.save(store, case_id, "Depuis trois semaines.")
        photos = sorted(image.record.id for _n, image in joined(store, case_id, 1, 2))
        images_before = len(store.get_case(case_id).images)
    before = tmp_path / "before"
    shutil.copytree(teleavis_home, before)
    outcomes: set[str] = set()
    point = 1
    while True:
        shutil.rmtree(teleavis_home)
        shutil.copytree(before, teleavis_home)
        killed = _kill_at(teleavis_home, "reply", case_id, point)
        with Store.open(teleavis_home) as store:
            replies = [m for m in Outbox(store).messages(case_id) if m.direction == "to-expert"]
            begun = (
                reply_drafts.load(store, case_id),
                sorted(i.record.id for _n, i in reply_drafts.load_photos(store, case_id)),
            )
            images = store.get_case(case_id).images
            for image in images:
                store.image_bytes(image)  # every photo recorded has its content
            if not replies:
                assert begun == ("Depuis trois semaines.", photos), f"killed at {point}: the reply begun was lost"
                assert len(images) == images_before
                outcomes.add("begun")
            else:
                assert len(replies) == 1 and sorted(replies[0].image_ids) == photos
                assert begun == ("", []), f"killed at {point}: the reply queued is still shown as begun"
                assert [i.id for i in images][images_before:] == replies[0].image_ids
                outcomes.add("queued")
        if not killed:
            break
        point += 1
    assert outcomes == {"begun", "queued"} and point > 10
