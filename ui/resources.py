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
    """The window's style sheet, with its dark theme's colours after it when the system's theme is dark
    (read from the application's palette: call it once the QApplication exists)."""
    path = ROOT / "teleavis.qss"
    sheet = path.read_text("utf-8") if path.exists() else ""
    dark = ROOT / "teleavis-dark.qss"
    if dark_theme() and dark.exists():
        sheet += "\n" + dark.read_text("utf-8")
    return sheet


def dark_theme() -> bool:
    """Whether the theme draws light words on a dark window (a dark desktop, a high-contrast theme)."""
    from PySide6.QtGui import QGuiApplication, QPalette

    palette = QGuiApplication.palette()
    return (
        palette.color(QPalette.ColorRole.Window).lightness() < palette.color(QPalette.ColorRole.WindowText).lightness()
    )


def user_guide(lang: str) -> Path | None:
    """The user guide in ``lang`` (else French) as installed beside the resources: docs/ in the source
    tree, and in the bundle, where packaging/teleavis.spec puts it."""
    docs = ROOT.parent / "docs"
    for name in (f"user-guide.{lang}.md", "user-guide.fr.md"):
        if (docs / name).is_file():
            return docs / name
    return None
