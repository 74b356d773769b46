"""Power cuts: a process importing cases is killed with SIGKILL at random moments."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.store import Store
from tests.support.cases import example_case
from tests.support.cli import ROOT

KILLS = 30


def orphan_blobs(home: Path) -> int:
    """Encrypted files on disk that no image row names: what a kill between writing an image and
    committing its case leaves (collected later), the sign that the kill landed mid-write."""
    if not (home / "teleavis.db").exists():
        return 0
    conn = sqlite3.connect(f"file:{home / 'teleavis.db'}?mode=ro", uri=True)
    try:
        named = {name for row in conn.execute("SELECT blob, thumb_blob FROM images") for name in row if name}
    finally:
        conn.close()
    return sum(1 for path in (home / "objects").rglob("*") if path.is_file() and path.name not in named)


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
    printed = tmp_path / "child.out"
    children: list[subprocess.Popen[bytes]] = []

    def start_child() -> subprocess.Popen[bytes]:
        with open(printed, "wb") as out:
            child = subprocess.Popen(
                [sys.executable, str(ROOT / "tests/support/crash_child.py"), str(case_file)],
                stdout=out,
                stderr=subprocess.DEVNULL,
                env=env,
                cwd=ROOT,
            )
        children.append(child)
        # Start-up takes a second or more: wait until the child is importing.
        wait_for(lambda: b"begin" in printed.read_bytes(), child)
        return child

    def wait_for(condition: Callable[[], bool], child: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + 120
        while not condition() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)

    try:
        # How long one import takes on this machine now (unlocking the key is most of it), so that the
        # kills fall inside imports whatever the machine's speed or load.
        child = start_child()
        started = time.monotonic()
        wait_for(lambda: len(printed.read_text().split()) >= 2, child)
        one_import = time.monotonic() - started
        child.kill()
        child.wait()
        completed.update(line for line in printed.read_text().split() if len(line) == 36)
        mid_import = mid_write = 0
        for _ in range(KILLS):
            orphans_before = orphan_blobs(teleavis_home)
            child = start_child()
            time.sleep(rng.uniform(0.0, 2.0 * one_import))
            child.send_signal(signal.SIGKILL)
            child.wait()
            lines = printed.read_text().split()
            completed.update(line for line in lines if len(line) == 36)
            mid_import += bool(lines) and lines[-1] == "begin"
            _check_store(teleavis_home, completed)
            mid_write += orphan_blobs(teleavis_home) > orphans_before
        print(
            f"\none import {one_import:.1f} s; {KILLS} kills, {mid_import} during an import, {mid_write} of them "
            f"between writing its images and committing the case; {len(completed)} imports completed"
        )
        assert len(completed) >= KILLS // 4, "the kills should interrupt a loop that does make progress"
        assert mid_import >= KILLS // 2, "the kills should land while a case is being imported, not at start-up"

    finally:  # a failed or timed-out test must not leave a child importing for ever
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
