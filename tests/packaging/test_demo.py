"""The headless demo that `python3 dev.py run` plays without a display: a newcomer sees a case sent
and answered, not a draft refused by the checklist (as happened once identity vigilance came in)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.built import ROOT

pytestmark = pytest.mark.slow


def test_the_headless_demo_sends_its_case_and_shows_the_answer(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEAVIS_HOME", "TELEAVIS_PASSPHRASE")}
    env["TMPDIR"] = str(tmp_path)  # (the demo keeps its folder for the user to look at: not in /tmp at each run)
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


def test_the_headless_demo_speaks_english_when_the_system_does(tmp_path: Path) -> None:
    # Found by a newcomer with LANG=en_GB.UTF-8: the commands answered in English between headings in French
    # (« === Créer un dossier depuis un fichier », « Fini. Le compte rendu est dans … »).
    env = {k: v for k, v in os.environ.items() if k not in ("TELEAVIS_HOME", "TELEAVIS_PASSPHRASE", "LC_ALL")}
    env.update(LANG="en_GB.UTF-8", LC_MESSAGES="", LANGUAGE="", TMPDIR=str(tmp_path))
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
    headings = [line for line in done.stdout.splitlines() if line.startswith("=== ")]
    assert "=== Import a case from a file" in headings, headings
    assert "Démonstration" not in done.stdout and "Fini." not in done.stdout, done.stdout[:500]
    assert "Done. The report is in" in done.stdout
