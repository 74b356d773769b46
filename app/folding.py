"""Words compared as people read them: lower case, accents set aside ("Élodie" is "elodie")."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """``text`` in lower case without its accents (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
