"""Words compared as people read them: lower case, accents set aside ("Élodie" is "elodie")."""

from __future__ import annotations

import unicodedata


def without_accents(text: str) -> str:
    """``text`` without its accents and other diacritics (NFKD, combining marks dropped), its case kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """``text`` in lower case without its accents (NFKD, combining marks dropped)."""
    return without_accents(text.casefold())


#: The ligatures a name may be written with, spelt out as the INS writes them (« LAETITIA », « OEUVRAY »).
_LIGATURES = str.maketrans({"æ": "ae", "œ": "oe", "Æ": "AE", "Œ": "OE"})


def spelt(text: str) -> str:
    """``text`` with its ligatures spelt out, in the case they are written in (« Lætitia » is « Laetitia »)."""
    return text.translate(_LIGATURES)


def fold_spelt(text: str) -> str:
    """``text`` folded, its ligatures spelt out (« Lætitia » is « laetitia »): as the INSi teleservice and an
    ASCII device (DICOM's default character set) write it."""
    return spelt(fold(text))


def fold_name(text: str) -> str:
    """A name as two records of one patient are compared: folded, its ligatures spelt out (« Lætitia » is
    « laetitia », as the INSi teleservice writes it), hyphens as spaces, single spaces."""
    return " ".join(fold_spelt(text).replace("-", " ").split())
