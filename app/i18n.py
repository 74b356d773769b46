"""The user's language for messages of the core and the commands, and the catalogues they come from.

French is the default; English is chosen when the system says so (``LANG=en_*``, or on Windows and
macOS the desktop's language when no such variable is set) or the setting ``language`` is ``en``.
The window uses Qt's translation system for its own strings and this module for the messages it
receives from the core, so both speak the same language.

Every message of the core, capture and sync lives in a :class:`Catalogue`: one mechanism, where a
key registered twice is an error at import (a later module silently replacing another's sentence
would show the wrong advice).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path

SUPPORTED = ("fr", "en")
_current: str | None = None
_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


class DuplicateMessage(ValueError):
    """A message key registered twice, or a message without its French and English sentences."""


class Catalogue(Mapping[str, Mapping[str, str]]):
    """Messages by key, each in French and English. Read like a dict; grown with :meth:`add`."""

    def __init__(self, name: str, entries: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.name = name
        self._entries: dict[str, Mapping[str, str]] = {}
        self.add(entries or {})

    def add(self, entries: Mapping[str, Mapping[str, str]]) -> None:
        """Register ``entries``; a key already there, or a sentence missing in a language, is refused."""
        for key, entry in entries.items():
            if key in self._entries:
                raise DuplicateMessage(f"message {key!r} is already in the {self.name} catalogue")
            if not all(entry.get(lang) for lang in SUPPORTED):
                raise DuplicateMessage(f"message {key!r} of the {self.name} catalogue lacks a language")
        self._entries.update(entries)

    def tr(self, key: str, /, **params: object) -> str:
        """The message ``key`` in the user's language, formatted with ``params``."""
        return self.tr_in(key, language(), **params)

    def tr_in(self, key: str, lang: str, /, **params: object) -> str:
        """The message ``key`` in ``lang`` (a report printed in another language; French for a
        language we do not have), formatted with ``params``."""
        entry = self._entries[key]
        text = entry.get(lang) or entry["fr"]
        return text.format(**params) if params else text

    def tr_count(self, key: str, count: int, /, **params: object) -> str:
        """``tr`` for a sentence about ``count`` things: ``key + ".one"`` for one (and for none, in
        French), ``key`` for several. « 1 page jointe », not « 1 page(s) jointe(s) »."""
        return self.tr_in_count(key, language(), count, **params)

    def tr_in_count(self, key: str, lang: str, count: int, /, **params: object) -> str:
        """``tr_count`` in ``lang``."""
        one = count == 1 or (count == 0 and lang != "en")
        return self.tr_in(f"{key}.one" if one and f"{key}.one" in self._entries else key, lang, **params)

    def __getitem__(self, key: str) -> Mapping[str, str]:
        return self._entries[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def _supported(code: str) -> str:
    code = code.replace("-", "_")[:2].lower()
    return code if code in SUPPORTED else "fr"


def system_language(
    environ: Mapping[str, str] | None = None, *, platform: str | None = None, home: Path | None = None
) -> str:
    """The language the system asks for (fr when unsure): the POSIX locale variables, else, on
    Windows and macOS, where a program started from the desktop gets none, the desktop's language."""
    env = os.environ if environ is None else environ
    for var in _VARIABLES:
        value = env.get(var, "")
        if value:
            return _supported(value.split(":")[0])
    platform = platform or sys.platform
    if platform == "win32":
        return _supported(windows_language())
    if platform == "darwin":
        return _supported(macos_language(home or Path.home()))
    return "fr"


def windows_language(lcid: int | None = None) -> str:
    """The Windows display language (``en_US``, ``fr_FR``…), from its LCID."""
    # Here, not at the top: the module's tables cost every start ~1 ms, and only Windows asks them.
    import locale

    if lcid is None:
        import ctypes

        lcid = int(ctypes.windll.kernel32.GetUserDefaultUILanguage())  # type: ignore[attr-defined]
    return str(locale.windows_locale.get(lcid, ""))


def macos_language(home: Path) -> str:
    """The first of the user's preferred languages in macOS's settings (``en-GB``, ``fr-FR``…)."""
    import plistlib  # (macOS only: not at every start elsewhere, where it also loads XML and datetime)

    try:
        with open(home / "Library" / "Preferences" / ".GlobalPreferences.plist", "rb") as handle:
            languages = plistlib.load(handle).get("AppleLanguages") or []
    except (OSError, plistlib.InvalidFileException, ValueError):
        return ""
    return str(languages[0]) if languages else ""


def set_language(code: str | None) -> None:
    """Force a language (``fr``/``en``), or ``None``/``auto`` to follow the system again."""
    global _current
    _current = code if code in SUPPORTED else None


def language() -> str:
    return _current or system_language()


def decimal_words(value: float, digits: int = 1, lang: str | None = None) -> str:
    """``value`` with ``digits`` decimals as ``lang`` (by default the current language) writes it: « 3,8 » in
    French, « 3.8 » in English (every size a person reads: a backup, a photo too large, the free space)."""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if (lang or language()) == "fr" else text


def date_words(value: str, lang: str | None = None) -> str:
    """An ISO date as the reader writes it, in ``lang`` (by default the current language): 03/02/1950 in
    French, 1950-02-03 in English, as the window's date fields; unchanged when not a date."""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return day.strftime("%d/%m/%Y") if (lang or language()) == "fr" else day.isoformat()


def moment_words(value: str, lang: str) -> str:
    """An ISO instant in local time, to the minute (a date alone stays a date: no invented 00:00).
    Here, not with the report's words: the worklist writes its rows' times with it before the first
    window shows, and the report's module brings the validation and the forms with it (~6 ms at start)."""
    if not value:
        return ""
    if len(value) == 10:
        return date_words(value, lang)
    try:
        moment = datetime.fromisoformat(value).astimezone()
    except ValueError:
        return value
    return moment.strftime("%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M")


def tr(catalogue: Catalogue, key: str, /, **params: object) -> str:
    """The message ``key`` of ``catalogue`` in the current language, formatted with ``params``."""
    return catalogue.tr(key, **params)
