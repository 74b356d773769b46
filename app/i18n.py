"""The user's language for messages of the core and the commands.

French is the default; English is chosen when the system locale says so (``LANG=en_*``) or the
setting ``language`` is ``en``. The window uses Qt's translation system for its own strings and
this module for the messages it receives from the core, so both speak the same language.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

SUPPORTED = ("fr", "en")
_current: str | None = None


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the system asks for, from the POSIX locale variables (fr when unsure)."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value:
            code = value.split(":")[0][:2].lower()
            return code if code in SUPPORTED else "fr"
    return "fr"


def set_language(code: str | None) -> None:
    """Force a language (``fr``/``en``), or ``None``/``auto`` to follow the system again."""
    global _current
    _current = code if code in SUPPORTED else None


def language() -> str:
    return _current or system_language()


def tr(catalogue: Mapping[str, Mapping[str, str]], key: str, /, **params: object) -> str:
    """The message ``key`` of ``catalogue`` in the current language, formatted with ``params``."""
    entry = catalogue[key]
    text = entry.get(language()) or entry["fr"]
    return text.format(**params) if params else text
