"""The headless demo that `python3 dev.py run` plays without a display: a newcomer sees a case sent
and answered, not a draft refused by the checklist (as happened once identity vigilance came in)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.packaging.built import ROOT

pytestmark = pytest.mark.slow


def test_the_headless_demo_sends_its_case_and_shows_the_answer() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEAVIS_HOME", "TELEAVIS_PASSPHRASE")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "demo.py")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    assert "Il manque encore" not in out, out[-3000:]
    assert "— réponse reçue —" in out, out[-3000:]
