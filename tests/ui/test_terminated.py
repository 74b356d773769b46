"""The window asked to end by the system (SIGTERM: the session's end or the computer's shutdown under systemd,
a cart's supervisor, ``kill``) closes as when the nurse quits: Python's default ended the process at once,
without the window's closing, and the decrypted copy of the expert's report opened in a viewer stayed in the
private folder (``/dev/shm`` where the session has no folder of its own: until the computer restarts). SIGHUP
the same: alone (the terminal closed) or right after SIGTERM (the session's end under logind)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import ROOT, SITE, run_process, write_json
from tests.support.keyring import file_keyring_env


def _hangup_default() -> None:
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as a terminal's foreground program has it


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM and SIGHUP as POSIX systems send them")
@pytest.mark.parametrize(
    "signals",
    [
        pytest.param(("SIGTERM",), id="kill"),
        # The terminal it was started from closed, an ``ssh -X`` session cut: SIGHUP, whose default ended the
        # process at once, the report's clear copy left behind.
        pytest.param(("SIGHUP",), id="terminal-closed"),
        # The session's end under logind: its scope is stopped with SIGTERM followed at once by SIGHUP
        # (``SendSIGHUP=yes``), the second arriving before the window had turned its loop to quit.
        pytest.param(("SIGTERM", "SIGHUP"), id="logout"),
        # Ctrl+C in the terminal that started the window: « internal error (KeyboardInterrupt) » on that terminal
        # and the window went on, as if nothing had been asked (found from outside).
        pytest.param(("SIGINT",), id="ctrl-c"),
    ],
)
def test_the_window_ended_by_the_system_deletes_what_it_decrypted(
    teleavis_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signals: tuple[str, ...]
) -> None:
    monkeypatch.delenv("TELEAVIS_PASSPHRASE")
    env = file_keyring_env(tmp_path)
    assert run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE)), env=env).code == 0
    window = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.terminate_child"],
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", **env},
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Started as from a terminal or a session, SIGHUP at its default: the test run itself may ignore it
        # (under nohup, as a CI runner may be), which the window inherits and keeps on purpose.
        preexec_fn=_hangup_default,
    )
    try:
        assert window.stdout is not None
        line = window.stdout.readline().split()
        assert line[:1] == ["READY"], window.communicate(timeout=30)[1][-2000:]
        opened = Path(line[1])
        assert opened.exists()
        for name in signals:
            window.send_signal(getattr(signal, name))
        _out, err = window.communicate(timeout=30)
    finally:
        window.kill()
        window.communicate()
    assert window.returncode == 0, err[-2000:]
    assert "KeyboardInterrupt" not in err and "internal error" not in err, err[-2000:]
    assert not opened.exists(), "the decrypted report stayed after the window ended"
