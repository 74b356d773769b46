"""``teleavis sandbox`` runs until stopped: Ctrl+C is its normal end. Found reading docs/cli.md as a newcomer:
its table says Ctrl+C ends a command with 130 and « Interrompu. », the sandbox ends with 0 and says nothing;
cli.md now says so for the sandbox, and this keeps the two true together."""

from __future__ import annotations

import signal
import subprocess
import sys

from tests.support.cli import ROOT


def test_ctrl_c_ends_the_sandbox_normally() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "app.main", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        # (A test runner may start its children with SIGINT ignored, as a shell does for a background job.)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip().endswith("/fhir")
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
        assert process.returncode == 0 and err == "", (process.returncode, err)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
