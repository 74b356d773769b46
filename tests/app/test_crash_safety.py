"""Power cuts: a process importing cases is killed with SIGKILL at random moments."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.store import Store
from tests.support.cases import example_case
from tests.support.cli import ROOT

KILLS = 50


def _check_store(home: Path, completed: set[str]) -> int:
    with Store.open(home) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = {row[0] for row in store.conn.execute("SELECT id FROM cases")}
        assert completed <= ids, "an import that had returned was lost"
        for case_id in ids:
            case = store.get_case(case_id)  # decrypts the content
            # No half-written case: every case visible has both its images, and they decrypt.
            assert len(case.images) == 2
            for image in case.images:
                assert len(store.image_bytes(image)) == image.size
        return len(ids)


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_that_was_saved(tmp_path: Path, teleavis_home: Path) -> None:
    case_file = example_case(tmp_path / "case")
    rng = random.Random(20261123)
    completed: set[str] = set()
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    for _ in range(KILLS):
        child = subprocess.Popen([sys.executable, str(ROOT / "tests/support/crash_child.py"), str(case_file)],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        time.sleep(rng.uniform(0.4, 2.5))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        completed.update(line for line in out.decode().split() if len(line) == 36)
        _check_store(teleavis_home, completed)
    assert len(completed) >= KILLS // 2, "the kills should interrupt a loop that does make progress"
