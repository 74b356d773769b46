"""What the session's build produced (see conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Build:
    folder: Path  # dist/teleavis
    program: Path  # dist/teleavis/teleavis
    deb: Path
    seconds: float


def built_opencv() -> Path:
    """The folder holding the bundle's cv2 (packaging/build_opencv.py: built once, then reused)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build_opencv.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3500,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return Path(result.stdout.strip().splitlines()[-1])


def env_with_path(*folders: Path) -> dict[str, str]:
    """This environment for a child Python that imports from ``folders`` first (and no TELEAVIS_HOME)."""
    env = {k: v for k, v in os.environ.items() if k != "TELEAVIS_HOME"}
    env["PYTHONPATH"] = os.pathsep.join(str(folder) for folder in folders)
    return env
