"""packaging/build_translations.py, which python3 dev.py run plays at every start, says nothing on a machine
whose locale is not generated (a fresh Debian, a container: LANG=fr_FR.UTF-8 and no such locale)."""

from __future__ import annotations

import locale
import os
import subprocess
import sys

import pytest

from tests.packaging.built import ROOT


def generated(name: str) -> bool:
    before = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, name)
    except locale.Error:
        return False
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    return True


def test_a_locale_not_generated_gets_no_warning_from_qts_tools() -> None:
    # Found by a newcomer: python3 dev.py run printed three times « Detected locale "C" … which is not UTF-8.
    # Qt depends on a UTF-8 locale … If this causes problems, reconfigure your locale » before anything else,
    # from lrelease, whose output owes nothing to the locale.
    if generated("fr_FR.UTF-8"):
        pytest.skip("fr_FR.UTF-8 is generated here: the warning cannot show")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG="fr_FR.UTF-8", LANGUAGE="")
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build_translations.py")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "locale" not in done.stdout + done.stderr, done.stderr
