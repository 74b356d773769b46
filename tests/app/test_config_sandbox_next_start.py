"""``config set sandbox.question_rate`` (or ``sandbox.answer_after_s``) beside an open window said « Réglage
enregistré » and nothing more; the training platform reads them when it starts, with the window, so the
trainer set a question on every case and the next training case came back answered without one (found from
outside). The command now says when the setting takes effect."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import SITE, run_inprocess, write_json


@pytest.fixture(autouse=True)
def _site(tmp_path: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0


@pytest.mark.parametrize(("key", "value"), [("sandbox.question_rate", "1"), ("sandbox.answer_after_s", "5")])
def test_a_training_platform_setting_says_it_takes_effect_at_the_next_start(
    capsys: pytest.CaptureFixture[str], key: str, value: str
) -> None:
    done = run_inprocess(capsys, "config", "set", key, value)
    assert done.code == 0, done.err
    assert "prochain démarrage" in done.err and "rouvrez Teleavis" in done.err, done.err


def test_another_setting_does_not_say_so(capsys: pytest.CaptureFixture[str]) -> None:
    done = run_inprocess(capsys, "config", "set", "lock.minutes", "5")
    assert done.code == 0 and "prochain démarrage" not in done.err, done.err
