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

    def lines() -> list[str]:
        return printed.read_text().split()

    try:
        # How long a child's first import takes (unlocking the key is most of it, the store opened after the
        # last kill and the modules loaded some more): measured again in the loop each time a child gets past
        # it, so that the kills follow the machine's load as it is now, not as it was at the start.
        child = start_child()
        started = time.monotonic()
        wait_for(lambda: len(lines()) >= 2, child)
        first_import = time.monotonic() - started
        child.kill()
        child.wait()
        completed.update(line for line in lines() if len(line) == 36)
        mid_import = mid_write = 0
        for _ in range(KILLS):
            orphans_before = orphan_blobs(teleavis_home)
            # Half the kills at a random moment of the child's first import (its start, the store opened
            # after the last kill), half at a random moment of the next one, timed from its start as seen.
            in_first = rng.random() < 0.5
            moment = rng.random()
            child = start_child()
            if not in_first:
                started = time.monotonic()
                wait_for(lambda: len(lines()) >= 2, child)
                first_import = time.monotonic() - started
            time.sleep(moment * first_import)
            child.send_signal(signal.SIGKILL)
            child.wait()
            seen = lines()
            completed.update(line for line in seen if len(line) == 36)
            mid_import += bool(seen) and seen[-1] == "begin"
            _check_store(teleavis_home, completed)
            mid_write += orphan_blobs(teleavis_home) > orphans_before
        print(
            f"\na first import {first_import:.1f} s at the end; {KILLS} kills, {mid_import} during an import, "
            f"{mid_write} of them between writing its images and committing the case; {len(completed)} completed"
        )
        assert len(completed) >= KILLS // 4, "the kills should interrupt a loop that does make progress"
        assert mid_import >= KILLS // 2, "the kills should land while a case is being imported, not at start-up"

    finally:  # a failed or timed-out test must not leave a child importing for ever
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
