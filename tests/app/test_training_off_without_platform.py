"""``config set training off`` on a workstation with no platform address yet.

Found from outside (look37): it printed « Real platform set: the test platform's copy is erased. » though no
real platform was set, and ``status`` then said « Platform: not configured (training mode) » though training
mode was off: the cases went nowhere, and nothing said to give the platform's address. Both now say that
training mode is off, that no platform is set, and what to type.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.main import main


@pytest.mark.parametrize(
    ("lang", "wrong", "right"),
    [
        ("fr_FR.UTF-8", "Plateforme réelle configurée", "config set platform.url"),
        ("en_US.UTF-8", "Real platform set", "config set platform.url"),
    ],
)
def test_training_off_without_a_platform_says_none_is_set_and_what_to_type(
    capsys: Any, monkeypatch: pytest.MonkeyPatch, teleavis_home: Path, lang: str, wrong: str, right: str
) -> None:
    monkeypatch.setenv("LANG", lang)
    assert main(["config", "set", "training", "on"]) == 0
    assert main(["sync", "--once"]) == 0  # the training platform used: it keeps a copy, erased when training ends
    capsys.readouterr()
    assert (teleavis_home / "sandbox").is_dir()

    assert main(["config", "set", "training", "off"]) == 0
    said = capsys.readouterr().err
    assert wrong not in said, said
    assert right in said, said
    assert not (teleavis_home / "sandbox").exists()  # erased all the same: training cases are patient data

    assert main(["status"]) == 0
    shown = capsys.readouterr()
    text = shown.out + shown.err
    assert "(mode formation)" not in text and "(training mode)" not in text, text
    assert right in text, text
