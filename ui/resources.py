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


def user_guide(lang: str) -> Path | None:
    """The user guide in ``lang`` (else French) as installed beside the resources: docs/ in the source
    tree, and in the bundle, where packaging/teleavis.spec puts it."""
    docs = ROOT.parent / "docs"
    for name in (f"user-guide.{lang}.md", "user-guide.fr.md"):
        if (docs / name).is_file():
            return docs / name
    return None
