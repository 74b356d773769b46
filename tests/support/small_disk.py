"""Runs a child script on a real small disk: a tmpfs it mounts itself inside a user and mount namespace
(util-linux's ``unshare -rm``), so a test fills a disk to its last byte without touching the machine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.cli import ROOT


def on_a_small_disk(tmp_path: Path, child: str, *args: str) -> dict[str, Any]:
    """Run ``python -m tests.support.<child> MOUNT_POINT *args`` (the child mounts its tmpfs on MOUNT_POINT)
    and return its report: the last line it printed, as JSON."""
    assert shutil.which("unshare"), "util-linux's unshare is needed to mount a private tmpfs"
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    result = subprocess.run(
        ["unshare", "-rm", sys.executable, "-m", f"tests.support.{child}", str(mount_point), *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report
