"""Words compared as people read them: lower case, accents set aside ("Élodie" is "elodie"), every letter
written as the INSi teleservice writes the traits of an identity, in A–Z (« Lætitia » is « laetitia »,
« Łukasz » is « lukasz »). The one rule of the duplicate checks, the worklist's search, the device lists'
matching and the traits sent (``app.identifiers.ins_trait``)."""

from __future__ import annotations

import unicodedata


def without_accents(text: str) -> str:
    """``text`` without its accents and other diacritics (NFKD, combining marks dropped), its case kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


#: The letters NFKD leaves whole, spelt as the INS writes them (capitals A–Z): the ligatures spelt out
#: (« LAETITIA », « OEUVRAY »), « ß » as « SS », « Þ » as « TH », and the letters whose stroke, bar or
#: missing dot is a diacritic as an accent is written as their base letter (« Ł » and « Ŀ » « L », « Ø » « O »,
#: « Đ » and « Ð » « D », « ı » « I »): ICAO Doc 9303's recommended transliteration for the
#: machine-readable zone of travel documents, which has A–Z only, as the INS traits have.
_LETTERS = str.maketrans(
    {
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "ẞ": "SS",
        "þ": "th",
        "Þ": "TH",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "ħ": "h",
        "Ħ": "H",
        "ŧ": "t",
        "Ŧ": "T",
        "ŋ": "n",
        "Ŋ": "N",
        "ı": "i",
        "ĸ": "k",
        # The Catalan « ŀ »: NFKD writes it « l » and a middle dot (« · », a sign no INS trait holds); ICAO
        # Doc 9303 writes it « L » (« Paraŀlel » is « PARALLEL »).
        "ŀ": "l",
        "Ŀ": "L",
    }
)


def spelt(text: str) -> str:
    """``text`` with its ligatures spelt out and the letters NFKD leaves whole written in A–Z, in the case
    they are written in (« Lætitia » is « Laetitia », « Łukasz » « Lukasz », « Þór » « Thór »)."""
    return text.translate(_LETTERS)


def fold(text: str) -> str:
    """``text`` in lower case, without its accents, its other letters spelt in a–z (« Lætitia » is
    « laetitia », « Łukasz » « lukasz »): as the INSi teleservice and an ASCII device (DICOM's default
    character set) write it."""
    return without_accents(spelt(text.casefold()))


def fold_name(text: str) -> str:
    """A name folded, single spaces (``app.model.name_key``, the one rule two records of a patient are compared
    by). The hyphen, the apostrophe and the space stay apart, as in the INS traits: « JEAN-NOEL » is one
    composed first name, « JEAN NOEL » two; taken for one name, a record of another person was taken for this
    patient's, nothing said (tests/app/test_one_name_rule.py)."""
    return " ".join(fold(text).split())
