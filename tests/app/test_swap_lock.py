"""The lock that keeps two processes from swapping the data folder at once (a restore, the next start
finishing one cut short) is this user's alone: it was a lock on the folder holding the data folder, which
other accounts may read (``~/.local/share`` is 0755 on most desktops) and so lock too."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

import pytest

from app import swap

pytestmark = pytest.mark.skipif(os.name != "posix", reason="flock, as POSIX systems have it")


def _folders(tmp_path: Path) -> tuple[Path, Path]:
    parent = tmp_path / "share"
    target, staging = parent / "teleavis", parent / ".teleavis.restore-1"
    for folder, content in ((target, b"before"), (staging, b"restored")):
        folder.mkdir(parents=True)
        (folder / "teleavis.db").write_bytes(content)
    return target, staging


def test_a_lock_another_account_holds_on_the_folder_above_keeps_no_restore_waiting(tmp_path: Path) -> None:
    """Found from outside: another account of the computer opened the folder holding the data folder and
    locked it; the restore then waited without end, saying nothing (and so would every start after a
    restore cut short, the window never opening)."""
    target, staging = _folders(tmp_path)
    held = os.open(target.parent, os.O_RDONLY)  # what any account that may read the folder can do
    fcntl.flock(held, fcntl.LOCK_EX)
    replaced: list[Path | None] = []
    try:
        worker = threading.Thread(target=lambda: replaced.append(swap.swap_in(staging, target)), daemon=True)
        worker.start()
        worker.join(10)
        done_while_held = bool(replaced)
    finally:
        fcntl.flock(held, fcntl.LOCK_UN)
        os.close(held)
        worker.join(10)
    assert done_while_held, "the restore waited for another account's lock"
    assert (target / "teleavis.db").read_bytes() == b"restored"
    assert not list(target.parent.glob(".teleavis.swap*")), "nothing of the swap left beside the data folder"


def test_two_swaps_of_one_data_folder_still_wait_for_each_other(tmp_path: Path) -> None:
    target, _staging = _folders(tmp_path)
    inside = threading.Event()
    order: list[str] = []

    def first() -> None:
        with swap._swapping(target):
            inside.set()
            time.sleep(0.5)
            order.append("first out")

    def second() -> None:
        inside.wait(5)
        with swap._swapping(target):
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert order == ["first out", "second in"]
    assert sorted(p.name for p in target.parent.iterdir()) == [".teleavis.restore-1", "teleavis"], "nothing left"
