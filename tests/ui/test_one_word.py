"""One word for one thing, in French and in English: the words a nurse reads for the lock's code, and for
the number her structure gives a patient, are the same in every window, message and report."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

ENGLISH = Path(__file__).resolve().parents[2] / "resources" / "i18n" / "teleavis_en.ts"


def translations() -> list[tuple[str, str]]:
    """Each (French source, English translation) of the window's words."""
    pairs = []
    for message in ET.parse(ENGLISH).iter("message"):  # noqa: S314 - the project's own file
        translation = message.find("translation")
        if translation is None or translation.get("type") in ("vanished", "obsolete"):
            continue
        forms = [f.text or "" for f in translation.findall("numerusform")] or [translation.text or ""]
        pairs.extend((message.findtext("source") or "", form) for form in forms)
    return pairs


def test_the_lock_code_is_a_code_in_english_too() -> None:
    """French says « code » for what opens the lock; English said « PIN » in four places and « code » in
    others (the lock screen asked for a PIN that the settings called a lock code)."""
    said_pin = [english for _french, english in translations() if re.search(r"\bPIN\b", english)]
    assert not said_pin
    codes = [english for french, english in translations() if re.search(r"\b[Cc]ode ou la phrase\b", french)]
    assert codes and all("code" in english for english in codes)
