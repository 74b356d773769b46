"""French puts a no-break space before « ? ! : ; » and inside « »: the window's French keeps it.

A plain space there lets a wrapped label start a line with « ? » or leave « » alone at a line's start
(found on the window's labels, which wrap). The rule is tests/support/french.py's: U+202F before
« ? ! ; », U+00A0 before « : » and inside « ». English puts no space there and is left alone.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from tests.support.french import NARROW_NO_BREAK, NO_BREAK, fr_spaced, plain_spaces

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "resources" / "i18n"


def _window_french() -> list[str]:
    """The window's French: the tr() sources (the .ts files hold them all) and the French plural forms."""
    said = []
    for ts in sorted(I18N.glob("teleavis_*.ts")):
        for message in ET.parse(ts).iter("message"):  # noqa: S314 - our own .ts files
            said.append(message.findtext("source") or "")
            if ts.name == "teleavis_fr.ts":
                said += [form.text or "" for form in message.iter("numerusform")]
    return said


def test_the_window_s_french_has_no_plain_space_before_its_punctuation_nor_inside_quotes() -> None:
    window = _window_french()
    assert len(window) > 500  # the .ts files were read
    wrong = {text: plain_spaces(text) for text in window if plain_spaces(text)}
    assert not wrong, "plain spaces in the window's French (write them as fr_spaced does):\n" + "\n".join(
        f"{places} in {text!r}" for text, places in wrong.items()
    )


def test_a_case_file_s_key_is_left_out_of_a_core_message_whatever_its_quotes_spaces() -> None:
    from ui.fields import window_dates

    for space in (" ", NO_BREAK):
        said = f"Nom utilisé manquant («{space}used_name{space}» dans un fichier de dossier)."
        assert window_dates(said) == "Nom utilisé manquant."


def test_english_is_left_without_a_space_before_its_punctuation() -> None:
    for message in ET.parse(I18N / "teleavis_en.ts").iter("message"):  # noqa: S314 - our own .ts file
        translation = message.find("translation")
        assert translation is not None
        for text in [translation.text or "", *(form.text or "" for form in translation.iter("numerusform"))]:
            assert NARROW_NO_BREAK not in text and NO_BREAK + ":" not in text, text


def test_the_rule_puts_the_narrow_space_before_a_question_and_the_whole_one_before_a_colon() -> None:
    assert fr_spaced("Envoyer ? Oui ! Non ; « Terminer » : 10:30") == (
        "Envoyer\u202f? Oui\u202f! Non\u202f; «\u00a0Terminer\u00a0»\u00a0: 10:30"
    )
    assert fr_spaced("https://x : ok") == "https://x\u00a0: ok"


def _core_catalogues() -> list[object]:
    """Every catalogue of the core, capture and sync, whole: each module that makes one or adds to one imported
    (they register at import; what a test happened to import before must not change the list), and the
    catalogues read from those modules' names, not from all alive (a test's own catalogue is not the core's)."""
    import importlib

    from app.i18n import Catalogue

    found: dict[int, object] = {}
    for package in ("app", "capture", "sync"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.name != "__main__.py" and ("Catalogue(" in (text := path.read_text("utf-8")) or ".add(" in text):
                module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
                found.update((id(v), v) for v in vars(module).values() if isinstance(v, Catalogue))
    return list(found.values())


#: The core's French messages still written with plain spaces, by « catalogue:key »: the CLI prints them, docs/cli.md
#: quotes some and its tests match them, so they move with the CLI's tests and docs (one catalogue at a time). A new
#: message is written spaced (U+202F before « ? ! ; », U+00A0 before « : » and inside « »); one spaced leaves the list.
STILL_PLAIN = ROOT / "tests" / "fixtures" / "french_still_plain.txt"


def _core_french() -> dict[str, str]:
    from app.i18n import Catalogue

    catalogues = [c for c in _core_catalogues() if isinstance(c, Catalogue)]
    assert {"core", "capture", "report", "quality", "forms"} <= {c.name for c in catalogues}
    return {f"{c.name}:{key}": entry["fr"] for c in catalogues for key, entry in c.items()}


def test_the_core_s_french_has_no_new_plain_space_before_its_punctuation_nor_inside_quotes() -> None:
    """The core's messages (the CLI's words, the PDF's, the checklist's findings) said « Envoyer ? » with a plain
    space, which the window mends (ui.widgets.french_spaced) and the CLI does not: no new one, and the list of
    those left only shrinks."""
    said = _core_french()
    assert len(said) > 400
    wrong = {key for key, text in said.items() if plain_spaces(text)}
    still = set(STILL_PLAIN.read_text("utf-8").splitlines())
    where = STILL_PLAIN.relative_to(ROOT)
    assert not wrong - still, (
        "plain spaces in these French messages of the core: write them with U+202F before « ? ! ; » and U+00A0 "
        "before « : » and inside « » (app.french.french_spaced gives the text), and update the CLI tests and "
        f"docs/cli.md that quote them; never add them to {where}.\n"
        + "\n".join(f"{key}: {plain_spaces(said[key])}" for key in sorted(wrong - still))
    )
    assert not still - wrong, (
        f"these messages are spaced now, renamed or gone (a wording changed, which is fine): delete their lines "
        f"from {where}, nothing else to do:\n" + "\n".join(sorted(still - wrong))
    )


def test_the_report_s_own_french_words_are_spaced_and_the_fields_given_left_alone() -> None:
    from app.report_pdf import fonts
    from app.report_text import T

    fr, en = T("fr", fonts()), T("en", fonts())
    assert fr("banner_training") == "FORMATION\u00a0: patient fictif, ne pas classer"
    assert fr("checked_on", what="x : y", date="1") == "x : y, le 1"  # a field's words as given
    assert en("banner_training") == "TRAINING: fictitious patient, do not file"


def test_the_ratchet_reads_the_core_s_catalogues_and_no_test_s() -> None:
    """Found in review: the catalogues were every one alive (gc), so a test's own catalogue with « Envoyer ? » in
    it failed the ratchet in a whole run and not alone, with a key no line of the list could name."""
    from app.i18n import Catalogue

    own = Catalogue("a test's own", {"send": {"fr": "Envoyer ?", "en": "Send?"}})
    assert not [key for key in _core_french() if key.startswith(f"{own.name}:")]
