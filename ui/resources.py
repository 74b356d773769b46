"""Where the window finds its files: translations, icons, the style sheet."""

from __future__ import annotations

from pathlib import Path

import resources

ROOT = Path(resources.__file__).resolve().parent


def i18n_dir() -> Path:
    return ROOT / "i18n"


def icon_path(name: str) -> Path:
    return ROOT / "icons" / name


def style_sheet() -> str:
    path = ROOT / "teleavis.qss"
    return path.read_text("utf-8") if path.exists() else ""
