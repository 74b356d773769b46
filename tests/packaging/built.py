"""What the session's build produced (see conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Build:
    folder: Path  # dist/teleavis
    program: Path  # dist/teleavis/teleavis
    deb: Path
    seconds: float
