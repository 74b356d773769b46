"""French spacing (Imprimerie nationale) of every French message Teleavis writes: a narrow no-break space
(U+202F) before « ? ! ; », a no-break space (U+00A0) before « : » and inside « ».

One rule, applied where a message is printed: the report spaces its own French words (``app.report_text.T``) and
the findings under an image (``app.report.image_findings``), the checklist the core's findings it shows; the
window's own tr() strings are written so. The core's catalogues (:class:`app.i18n.Catalogue`) are not spaced as
they are registered: the CLI prints them as docs/cli.md quotes them, and those still plain are listed in
tests/fixtures/french_still_plain.txt, which only shrinks (tests/test_french_spaces.py). A line that wraps then never
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
