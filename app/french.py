"""French spacing (Imprimerie nationale) of every French message Teleavis writes: a narrow no-break space
(U+202F) before « ? ! ; », a no-break space (U+00A0) before « : » and inside « ».

One rule, applied where a message is written: the core's catalogues (:class:`app.i18n.Catalogue`) space their
French as they are registered, so the CLI, the PDF, the checklist and the platform get the same words; the
window's own tr() strings are written so (tests/test_french_spaces.py checks both). A line that wraps then never
starts with « ? » or « : », nor leaves « alone at its end. English puts no space there and is left alone.
"""

from __future__ import annotations

import re

NO_BREAK = "\u00a0"
NARROW_NO_BREAK = "\u202f"

#: A « : » of a time or an address, with no space before it, is left alone; one before a tag, an entity, a field
#: or a quote (« Note :<br> », « :{name} » in a source) is French punctuation too.
FRENCH_SPACES = (
    (re.compile(r"(?<=\S) ([?!;])"), NARROW_NO_BREAK + "\\1"),
    (re.compile(r"(?<=\S) :(?=\s|$|<|&|\{|\")"), NO_BREAK + ":"),
    (re.compile(r"(?<=\S) »"), NO_BREAK + "»"),
    (re.compile(r"« (?=\S)"), "«" + NO_BREAK),
)


def french_spaced(text: str) -> str:
    """``text`` (French) with its plain spaces before « ? ! : ; » and inside « » made the no-break ones. A text
    already spaced so is returned as it is."""
    for pattern, replacement in FRENCH_SPACES:
        text = pattern.sub(replacement, text)
    return text
