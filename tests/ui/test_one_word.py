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


def test_the_patients_number_is_a_file_number_everywhere() -> None:
    """The number her structure gives a patient was « Identifiant local » (« Local id ») in the editor, its
    checklist line and the PDF report, and « n° de dossier » (« file number ») in the search, the site's
    settings and the platform's messages: a nurse looked for two numbers."""
    from app import messages as M
    from app import report_text, validation  # noqa: F401 - their messages join the core catalogue

    window_words = [text for pair in translations() for text in pair]
    catalogues = [M.CATALOGUE, report_text._WORDS]
    said = [words for catalogue in catalogues for entry in catalogue.values() for words in entry.values()]
    for words in window_words + said:
        assert not re.search(r"identifiant local|\blocal (patient )?id\b", words, re.IGNORECASE), words
    assert "n° de dossier" in M.CATALOGUE.tr_in("v.identity", "fr")
    assert "file number" in M.CATALOGUE.tr_in("v.identity", "en")
    assert report_text._WORDS["local_id"] == {"fr": "N° de dossier", "en": "File number"}


def test_an_image_is_deleted_from_the_case_in_english_too() -> None:
    """Found from outside: « Permanently delete image 3 from this request? », the one place the window called the
    case a request: a nurse on her first day wondered whether it was something else than the case."""
    asked = [english for french, english in translations() if "Supprimer définitivement l'image {n}" in french]
    assert asked == ["Permanently delete image {n} from this case?"]
