"""Killing the window mid-edit (SIGKILL, no chance to clean up) loses nothing that was typed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from app.store import Store
from tests.support.cli import ROOT
from tests.support.ui import REQUESTER

TEXT = "Plaie du talon qui ne cicatrise pas depuis 3 mois : avis ?"


def test_text_typed_before_a_kill_is_there_on_restart(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        store.settings.set("site.requester", asdict(REQUESTER))
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = dict(os.environ, PYTHONPATH=path, QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "ui" / "edit_child.py"), TEXT],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        case_id = child.stdout.readline().strip()
        assert child.stdout.readline().strip() == "typed", child.stderr.read() if child.stderr else ""
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream:
                stream.close()
    assert child.returncode == -signal.SIGKILL
    with Store.open(teleavis_home) as store:
        case = store.get_case(case_id)
        assert case.question == TEXT
        assert case.consent.given
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
