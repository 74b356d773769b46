"""The window as it first opens fits the screen's available area, status bar included: a health
centre's 1366 × 768 screen, and Full HD at 150 % (1280 × 720 to lay out); and the cheap laptops'
1366 × 768 and 1280 × 720 with Windows' display scaling at 125 % or 150 % (911 × 512 to lay out)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def screen_environment(tmp_path: Path, width: int, height: int, scale: float = 1.0) -> dict[str, str]:
    """A child process's environment: one offscreen screen of ``width`` × ``height`` pixels, scaled."""
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
    env.pop("QT_SCALE_FACTOR", None)
    if scale != 1.0:
        env["QT_SCALE_FACTOR"] = str(scale)
    return env


@pytest.mark.parametrize(
    "screen",
    [(1366, 768, 1.0), (1280, 720, 1.0), (1024, 640, 1.0), (1366, 768, 1.25), (1366, 768, 1.5), (1280, 720, 1.5)],
)
def test_the_first_window_fits_the_screen(tmp_path: Path, screen: tuple[int, int, float]) -> None:
    width, height, scale = screen
    env = screen_environment(tmp_path, width, height, scale)
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
    assert (aw, ah) == (round(width / scale), round(height / scale))
    assert ax <= fx and ay <= fy and fx + fw <= ax + aw and fy + fh <= ay + ah, seen
    assert seen["status_visible"] and seen["status_bottom"] <= ay + ah, "the status bar is cut"


DIALOGS = ["wizard", "settings", "diagnostic", "device-folder", "start-lock"]


@pytest.mark.parametrize("screen", [(1366, 768, 1.0), (1366, 768, 1.5), (1280, 720, 1.25), (1280, 720, 1.5)])
def test_every_dialog_and_its_buttons_fit_the_screen(tmp_path: Path, screen: tuple[int, int, float]) -> None:
    """Found at 150 % on a 1366 × 768 laptop: the first start's wizard (700 × 560) went below the screen's
    edge with its « Suivant » button, the settings too with « Enregistrer »."""
    width, height, scale = screen
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.dialog_size_child", *DIALOGS],
        capture_output=True,
        text=True,
        env=screen_environment(tmp_path, width, height, scale),
        cwd=ROOT,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    ax, ay, aw, ah = seen.pop("area")
    assert len(seen) >= len(DIALOGS)
    for name, shown in seen.items():
        _x, _y, fw, fh = shown["frame"]
        assert fw <= aw and fh <= ah, f"{name}: {fw} × {fh} on a screen of {aw} × {ah}"
        assert shown["buttons"], name
        for text, (bx, by, bw, bh) in shown["buttons"].items():
            assert ax <= bx and bx + bw <= ax + aw and ay <= by and by + bh <= ay + ah, (
                f"{name}: «{text}» off the screen"
            )
