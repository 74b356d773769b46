"""``teleavis`` with a DISPLAY that does not answer says so in the user's words, not Qt's abort."""

from __future__ import annotations

import ctypes.util
import sys
from pathlib import Path

import pytest

from tests.support.cli import run_process

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not ctypes.util.find_library("xcb"), reason="X11 on Linux"
)


def free_display() -> str:
    for number in range(97, 120):
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            return f":{number}"
    pytest.skip("no free X display number")


@pytest.mark.parametrize(
    ("lang", "words"),
    [("fr_FR.UTF-8", "ne répond pas"), ("en_GB.UTF-8", "does not answer")],
)
def test_a_display_that_does_not_answer_is_said_and_nothing_aborts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, words: str
) -> None:
    # Found by a newcomer over ssh: DISPLAY left set to a display gone (or another account's), Qt aborted the
    # process (exit 134) with « Reinstalling the application may fix this problem », in English, and
    # python3 dev.py run, which starts the window whenever DISPLAY is set, ended the same way.
    display = free_display()
    for name in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    result = run_process(
        env={
            "DISPLAY": display,
            "LANG": lang,
            "TELEAVIS_HOME": str(tmp_path / "home"),
            "TELEAVIS_PASSPHRASE": "cheval agrafe batterie correcte",
        },
        timeout=60,
    )
    assert result.code == 1, (result.code, result.err)
    assert display in result.err and words in result.err, result.err
    assert "teleavis --help" in result.err
    assert "Reinstalling" not in result.err
