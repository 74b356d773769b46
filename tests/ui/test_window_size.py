"""The window as it first opens fits the screen's available area, status bar included: a health
centre's 1366 × 768 screen, and Full HD at 150 % (1280 × 720 to lay out)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("screen", [(1366, 768), (1280, 720), (1024, 640)])
def test_the_first_window_fits_the_screen(tmp_path: Path, screen: tuple[int, int]) -> None:
    width, height = screen
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "test",
                        "x": 0,
                        "y": 0,
                        "width": width,
                        "height": height,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        )
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.window_size_child"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    ax, ay, aw, ah = seen["area"]
    fx, fy, fw, fh = seen["frame"]
    assert (aw, ah) == (width, height)
    assert ax <= fx and ay <= fy and fx + fw <= ax + aw and fy + fh <= ay + ah, seen
    assert seen["status_visible"] and seen["status_bottom"] <= ay + ah, "the status bar is cut"
