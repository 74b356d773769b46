"""Whether a DICOM's device recorded the image for another patient than the case's (identity vigilance).

The device's identity (:class:`app.model.DevicePatient`: its ``PatientName``, ``PatientBirthDate`` and
``PatientID`` as the header said at import) is kept sealed with the image, since the header is restamped
with the case's patient. It is compared with the case's patient each time the checklist is made: an
identity typed or corrected after the image was imported (a new case, its retinographs imported first)
is compared as it is now. The traits compared are the RNIV's strict traits a device writes: the birth
name (or the used name, which the patient may give at the desk), the first given name, the birth date,
the sex (a man for a woman; « other » or none says nothing), and an INS; either side missing says nothing.
"""

from __future__ import annotations

import re

from app import i18n
from app import messages as M
from app.folding import fold
from app.identifiers import ins_is_valid, normalize_ins
from app.model import DevicePatient, Patient

#: What devices name a patient who was not entered (folded): whole words of the name (« DEMO^Patient »,
#: « ANONYMIZED »), never letters inside one: DEMOULIN, TESTU and INCONNUTO are patients.
PLACEHOLDER_NAMES = frozenset({"demo", "test", "unknown", "inconnu", "patient", "anonymous", "anonyme"})


def is_placeholder(name: str) -> bool:
    """Whether a device's patient name is its placeholder for nobody entered (nothing to compare)."""
    words = _name_words(name.replace("^", " ").replace("=", " "))
    return bool(words) and all(
        word in PLACEHOLDER_NAMES or word.startswith("anonymi") or word.isdigit() for word in words
    )


def recorded_for_another(recorded: DevicePatient, patient: Patient | None) -> bool:
    """Whether the device recorded the image for someone else than ``patient``: a family name (neither
    the birth name nor the used name), a first given name (none of the patient's: twins share the rest),
    a birth date, a sex (a man for a woman) or an INS that differs from the case's (either side missing
    says nothing)."""
    if patient is None:
        return False
    name = recorded.name
    if is_placeholder(name):
        return False  # the device's own placeholder: nobody was entered on it, nothing to compare
    # The device may know the patient by her used name (a spouse's), the name she gives at the desk.
    families = [words for n in (patient.family, patient.used_name) if (words := _name_words(n))]
    if "^" in name:
        family, _, rest = name.partition("^")
        if _name_words(family) and families and _name_words(family) not in families:
            return True
        given = rest.split("^")[0]
    else:  # one field typed on the device (« LE GALL MARIE »): her family name first or last, then the given
        words = _name_words(name.split("=")[0])
        given = None
        for family_words in families:
            if words[: len(family_words)] == family_words:
                given = " ".join(words[len(family_words) :])
            elif words[-len(family_words) :] == family_words:
                given = " ".join(words[: -len(family_words)])
            if given is not None:
                break
        if words and families and given is None:
            return True
    if _another_given_name(given or "", patient.given):
        return True
    if _another_ins(recorded.patient_id, patient.ins):
        return True
    if _another_sex(recorded.sex, patient.sex):
        return True
    born = recorded.birth_date.strip()
    return bool(born) and len(born) == 8 and bool(patient.birth_date) and born != patient.birth_date.replace("-", "")


M.add(
    {
        "device_patient.M": {"fr": "homme", "en": "man"},
        "device_patient.F": {"fr": "femme", "en": "woman"},
    }
)


def recorded_words(recorded: DevicePatient, lang: str | None = None) -> str:
    """The identity the device recorded, as a person reads it: « LEROY Sophie, 14/07/1988, femme » (the
    birth date in the reader's language; each part left out when the device wrote none or an odd one)."""
    name = " ".join(part.strip() for part in recorded.name.split("=")[0].split("^")[:2] if part.strip())
    born = recorded.birth_date.strip()
    day = f"{born[:4]}-{born[4:6]}-{born[6:8]}" if len(born) == 8 and born.isdigit() else ""
    words = i18n.date_words(day, lang) if day else ""
    key = f"device_patient.{recorded.sex}"
    sex = (M.CATALOGUE.tr_in(key, lang) if lang else M.tr(key)) if recorded.sex in _SEXES else ""
    return ", ".join(part for part in (name, words, sex) if part)


def _name_words(text: str) -> list[str]:
    return [word for word in re.split(r"[\s\-.,']+", fold(text)) if word]


def _another_given_name(recorded: str, given: list[str]) -> bool:
    """Whether the device's first given name is none of the patient's (the one she goes by may be her
    second); an initial is compared as an initial."""
    words = _name_words(recorded)
    hers = [word for name in given for word in _name_words(name)]
    if not words or not hers:
        return False
    first = words[0]
    if len(first) == 1:
        return not any(word[0] == first for word in hers)
    return first not in hers and not any(len(word) == 1 and word == first[0] for word in hers)


#: DICOM's PatientSex for the case's sexes a device can tell apart (« O », other, and none say nothing).
_SEXES = {"M": "male", "F": "female"}


def _another_sex(recorded: str, sex: str) -> bool:
    """Whether the device recorded a man for a woman or the reverse: a strict trait (RNIV), which tells
    apart twins the device knew by their family name and birth date only."""
    return recorded in _SEXES and sex in _SEXES.values() and _SEXES[recorded] != sex


def _another_ins(recorded: str, ins: str | None) -> bool:
    """Whether the file's Patient ID is a valid INS other than the case's (a device's own file number
    says nothing: it cannot be compared)."""
    return bool(ins) and ins_is_valid(recorded) and normalize_ins(recorded) != normalize_ins(ins or "")
