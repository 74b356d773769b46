"""Where the window finds its files: translations, icons, the style sheet."""

from __future__ import annotations

import re
from pathlib import Path

import resources

ROOT = Path(resources.__file__).resolve().parent


def i18n_dir() -> Path:
    return ROOT / "i18n"


def icon_path(name: str) -> Path:
    return ROOT / "icons" / name


_icon_set = False


def use_window_icon() -> None:
    """Teleavis's icon on its windows (title bar, task bar), set on the application once. The main window
    sets it once it has drawn its first frame (MainWindow.paintEvent), and a window shown before it (the
    first-start wizard, the start's lock, a message) before it shows: QIcon's Python type (its 151 theme
    icons, an enumeration PySide6 builds with it) and Qt's SVG icon engine cost ~1.5 ms of each start,
    which the first frame need not wait for (the task bar may show its default icon for that frame)."""
    global _icon_set
    if _icon_set:
        return
    from PySide6.QtGui import QGuiApplication, QIcon

    QGuiApplication.setWindowIcon(QIcon(str(icon_path("teleavis.svg"))))
    _icon_set = True


def style_sheet() -> str:
    """The window's style sheet, with its dark theme's colours after it when the system's theme is dark
    (read from the application's palette: call it once the QApplication exists).

    Each rule selects an object name or a dynamic property, and is given as their own style sheet to the
    widgets of that name (ui.widgets.named) or that property (ui.widgets.marked), not to the application:
    a style sheet on the application sends every widget of the window through Qt's style sheet engine
    (its sizes, its polish, its painting), about 2-3 times the native style's cost for a form of fields
    and labels; given to the few widgets it styles, it looks the same (tests/ui/test_style.py)."""
    path = ROOT / "teleavis.qss"
    sheet = path.read_text("utf-8") if path.exists() else ""
    dark = ROOT / "teleavis-dark.qss"
    if dark_theme() and dark.exists():
        sheet += "\n" + dark.read_text("utf-8")
    return sheet


#: The rules of the window's style sheet by what they select (an object name, or a dynamic property as
#: ``[invalid]``), once the application has set its style (:func:`use_style`); empty before.
_RULES: dict[str, str] = {}


def use_style(on: bool = True) -> None:
    """Read the window's style sheet (and its dark theme's colours, from the application's palette) to
    give each widget its own rules, or forget them (``on=False``): widgets made afterwards get none."""
    _RULES.clear()
    if on:
        _RULES.update(rules(style_sheet()))


def rules(sheet: str) -> dict[str, str]:
    """``sheet``'s rules by what their selectors' first part selects: ``#name`` under ``name``,
    ``[property=...]`` under ``[property]``; each selector kept alone with its block, in the sheet's order
    (the dark theme's after the light one's, as they override it)."""
    found: dict[str, list[str]] = {}
    for selectors, block in re.findall(r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", sheet, flags=re.S)):
        for selector in (part.strip() for part in selectors.split(",")):
            first = selector.split()[0]
            named = re.search(r"#(\w+)", first) or re.search(r"\[(\w+)=", first)
            if named is None:
                raise ValueError(f"a rule the window's widgets cannot be given: {selector!r}")
            key = named.group(1) if named.group(0).startswith("#") else f"[{named.group(1)}]"
            found.setdefault(key, []).append(f"{selector} {{{' '.join(block.split())}}}")
    return {key: "\n".join(blocks) for key, blocks in found.items()}


#: Names a widget is given again once shown (ui/follow_view.py: a problem that becomes a hint, a warning's
#: banner that becomes an answer's, the style asked to polish it again): a widget named one has the rules
#: of all, as it had when the whole application had the style sheet.
KIN = (("fieldProblem", "fieldHint"), ("attentionBanner", "answerBanner"))


def sheet_for(*keys: str) -> str:
    """The rules that select ``keys`` (object names, or ``[property]``) and the names of their kin, as a
    widget's own style sheet ("" where none does, or before the application has set its style)."""
    if not _RULES:
        return ""
    wanted = [kin for key in keys for kin in next((names for names in KIN if key in names), (key,))]
    return "\n".join(_RULES[key] for key in dict.fromkeys(wanted) if key in _RULES)


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
