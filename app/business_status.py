"""The platform's business status of a case (FHIR ``Task.businessStatus``), as kept and as said.

It is the platform's own words (a real platform writes them in its language), and it may carry a
coding. When that coding is of Teleavis's system (``urn:teleavis:business-status``, which the
training platform sends) and its code is known here, the status is said in the reader's language;
otherwise the platform's text is shown as it wrote it (docs/platform-api.md §5).

The sealed column ``cases.business_status`` holds the platform's text alone, as older versions kept
it, or, for a coded status, a small JSON object ``{"code": …, "text": …}``: a status kept before is
read as it is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from app import i18n
from app import messages as M
from app.folding import fold

#: The codes said in the reader's language (``business.<code>`` in the core catalogue).
KNOWN = (
    "received",
    "accepted",
    "in-progress",
    "question",
    "resumed",
    "answered",
    "amended",
    "rejected",
    "rejected-real-patient",
    "cancelled",
    "cancelled-by-requester",
)

#: The codes that only say the case's state of the same name in other words (« Reçue par la plateforme »
#: under « État : reçu par la plateforme »): the case's page says the state once.
SAME_AS_STATE = frozenset({"received", "accepted", "in-progress", "answered"})


def repeats_state(code: str | None, state: str) -> bool:
    """Whether a status coded ``code`` says no more than the case's ``state``."""
    return code in SAME_AS_STATE and code == state


#: Words that tell nothing on their own: « Complément demandé par l'expert » says what « L'expert demande
#: un complément » does.
_FILLERS = frozenset(
    {"l", "d", "le", "la", "les", "un", "une", "des", "du", "de", "par", "a", "au", "aux", "et"}
    | {"the", "an", "by", "of", "for", "to", "and", "is"}
)


def _words(text: str) -> set[str]:
    """The words of ``text`` that tell something, without case or accents."""
    return {word for word in re.findall(r"\w+", fold(text)) if word not in _FILLERS}


def reason_repeats(reason: str, *said: str | None) -> bool:
    """Whether the platform's ``reason`` only repeats what the lines ``said`` beside it say (the status
    words, the state): every word of it (case, accents and words like « par », « un » aside) is one of
    theirs. A reason with a word of its own (« photo floue ») adds something: it is shown."""
    words = _words(reason)
    beside = set().union(*(_words(line) for line in said if line))
    return bool(words) and words <= beside


def every_language(code: str | None) -> tuple[str, ...]:
    """A known status coded ``code`` in each language said here (none for another code): a platform's
    reason written in its language repeats the status if it repeats it in any of them."""
    if code not in KNOWN:
        return ()
    return tuple(M.CATALOGUE.tr_in(f"business.{code}", lang) for lang in i18n.SUPPORTED)


@dataclass(frozen=True)
class BusinessStatus:
    text: str  # the platform's words, as it wrote them
    code: str | None = None  # its code in Teleavis's system, when it gave one

    def words(self, lang: str | None = None) -> str:
        """The status in ``lang`` (the user's language by default) when its code is known, else the
        platform's text."""
        if self.code in KNOWN:
            return M.CATALOGUE.tr_in(f"business.{self.code}", lang or i18n.language())
        return self.text


def kept(text: str, code: str | None) -> str:
    """What the sealed column keeps for a status with ``text`` and maybe a ``code``."""
    if not code:
        return text
    return json.dumps({"code": code, "text": text}, ensure_ascii=False, sort_keys=True)


def read(value: str | None) -> BusinessStatus | None:
    """A kept status (:func:`kept`, or a platform's text kept by an older version)."""
    if not value:
        return None
    if value.startswith("{"):
        try:
            data = json.loads(value)
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("text"), str) and isinstance(data.get("code"), str):
            return BusinessStatus(data["text"], data["code"])
    return BusinessStatus(value)
