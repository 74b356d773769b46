"""The words a case is found by in the worklist's search, before they are keyed (``DataKey.index_token``).

A patient is found by the start of a name (two letters on), by the INS, and by the site's file
number. Identifiers are found as people type them: an INS in the groups the carte Vitale prints
(« 2 58 04 69 123 456 37 »), a file number with or without its separators (« D-5502 », « D 5502 »,
« D5502 »), or by one of its parts whole (« 5502 », « D »; not « 550 »: a shorter number would
bring every file that starts with it). The store keys these words (``Store._index``), and migration
15 made them again for the cases stored before file numbers were split.

Each case has as many tokens as any other (:func:`padded`, migration 22): one a start of a name, their
number gave the length of the patient's names to whoever holds the file without the key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.folding import fold

if TYPE_CHECKING:
    from app.model import Patient

#: The runs of letters and of digits of a file number: « D-5502 » is « d » and « 5502 », « AB1234 »
#: is « ab » and « 1234 ».
_PARTS = re.compile(r"[^\W\d_]+|\d+")


def id_word(ident: str) -> str:
    """An identifier (INS, file number) as its whole search token is made: spaces removed, folded.
    ``Store.cases_sharing`` finds the other cases of an INS or a file number by it."""
    return fold(ident.replace(" ", ""))


def compact(text: str) -> str:
    """An identifier as typed or printed, every separator set aside: « D-5502 », « d 5502 » and
    « D5502 » are ``d5502``; an INS in groups is its 15 characters."""
    return "".join(c for c in fold(text) if c.isalnum())


def patient_words(patient: Patient) -> set[str]:
    """Every word the patient's case is found by (unkeyed)."""
    words: set[str] = set()
    for part in [patient.family, patient.used_name, *patient.given]:  # found by the name she goes by too
        for word in fold(part).replace("-", " ").split():
            words.update(word[:n] for n in range(2, len(word) + 1))
    for ident in (patient.ins, patient.local_id):
        if ident:
            words.add(id_word(ident))
            words.add(compact(ident))
    if patient.local_id:
        words.update(_PARTS.findall(fold(patient.local_id)))
    words.discard("")
    return words


def typed_words(text: str) -> tuple[list[str], str]:
    """What a search typed is looked up by: its words (split at spaces and dashes, each must match a
    name's start or a file number's part), and the whole text without its separators (an INS in
    groups, a file number with its dash), which may match an identifier alone."""
    return fold(text).replace("-", " ").split(), compact(text)


#: How many search tokens a case has: this many, or the next multiple of it for very long names.
TOKENS_PER_CASE = 64


def padded(tokens: set[str], filler: Callable[[int], str]) -> list[str]:
    """``tokens`` (keyed, 24 hex digits) with others of the same look added up to :data:`TOKENS_PER_CASE` (or
    its next multiple): ``filler(0)``, ``filler(1)``… (:func:`filler_word` keyed), which no typed word's
    token is. The same for a case each time it is saved (found in review: drawn anew at each save, two states
    of the file, its WAL beside it or yesterday's copy, shared the real tokens only, and told their number)."""
    target = max(TOKENS_PER_CASE, -(-len(tokens) // TOKENS_PER_CASE) * TOKENS_PER_CASE)
    filled = set(tokens)
    n = 0
    while len(filled) < target:
        filled.add(filler(n))
        n += 1
    return sorted(filled)


def filler_word(case_id: str, n: int) -> str:
    """What the ``n``-th token added to a case's is keyed from: no typed word holds a NUL."""
    return f"\0{case_id}\0{n}"
