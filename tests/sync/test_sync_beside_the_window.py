"""``teleavis sync --once`` run while the window is open (its sync holds the data folder's sync lock).

Found from outside (look37): IT typed ``teleavis sync --once`` beside the open window and read only
« Une autre synchronisation de Teleavis tourne déjà sur ces données. », exit 1: nothing said who, whether
the cases waiting were stuck, nor what to do (docs/cli.md: exit 1, « the message says what and what to do »).
It now says it is the open window (or another ``teleavis sync``), that it sends the cases and fetches the
answers itself, so nothing is to do, and when to run the command again if need be.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.store import Store
from sync.engine import SyncLock
from tests.sync.sync_helpers import make_case, setup_site


def _sync_once(lang: str) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "LANG": lang}
    return subprocess.run(
        [sys.executable, "-m", "app.main", "sync", "--once"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def test_sync_once_beside_the_open_window_says_the_window_sends_and_what_to_do(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        setup_site(store)
        case_id = make_case(store)
    window_sync = SyncLock(teleavis_home)  # as the open window's sync holds it, for as long as it runs
    window_sync.acquire()
    try:
        french = _sync_once("fr_FR.UTF-8")
        english = _sync_once("en_US.UTF-8")
    finally:
        window_sync.release()

    assert french.returncode == 1, french.stderr
    assert "fenêtre de Teleavis" in french.stderr, french.stderr
    assert "rien n'est perdu" in french.stderr, french.stderr
    assert "Relancez" in french.stderr, french.stderr
    assert english.returncode == 1, english.stderr
    assert "Teleavis window" in english.stderr, english.stderr
    assert "nothing is lost" in english.stderr, english.stderr
    assert "Run this command again" in english.stderr, english.stderr
    with Store.open(teleavis_home) as store:  # the case is left waiting for the window's sync
        assert store.platform_info(case_id).get("task_id") is None
