"""French spacing around « ? ! : ; » and inside « », as the window writes it.

French puts a space before « ? ! : ; » and inside « », and that space must not break: a label the
window wraps could otherwise start a line with « ? » or leave « » alone on a line. The rule
(Imprimerie nationale): a narrow no-break space (U+202F) before « ? ! ; », a no-break space
(U+00A0) before « : » and inside « ». English puts no space there, so its translations are left alone.

:func:`fr_spaced` writes a test's expected French the way the window says it (« fr_spaced("Envoyer ?") »), so a test
reads as plain French and still checks the exact text; :func:`plain_spaces` finds what breaks the rule.
"""

from __future__ import annotations

from ui.widgets import FRENCH_SPACES as _RULES
from ui.widgets import french_spaced

NO_BREAK = "\u00a0"
NARROW_NO_BREAK = "\u202f"


def fr_spaced(text: str) -> str:
    """``text`` with the spaces before « ? ! : ; » and inside « » made the no-break ones the window uses: the
    window's own rules (``ui.widgets.french_spaced``), so a test and the window can never disagree on them."""
    return french_spaced(text)


def plain_spaces(text: str) -> list[str]:
    """The places in ``text`` where a plain (breakable) space stands before « ? ! : ; » or inside « »."""
    found = []
    for pattern, _ in _RULES:
        for match in pattern.finditer(text):
            start = max(0, match.start() - 12)
            found.append(text[start : match.end() + 12])
    return found
