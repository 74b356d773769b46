"""Whether a DICOM's device recorded the image for another patient than the case's (identity vigilance).

The device's identity (:class:`app.model.DevicePatient`: its ``PatientName``, ``PatientBirthDate`` and
``PatientID`` as the header said at import) is kept sealed with the image, since the header is restamped
with the case's patient. It is compared with the case's patient each time the checklist is made: an
identity typed or corrected after the image was imported (a new case, its retinographs imported first)
is compared as it is now. The traits compared are the RNIV's strict traits a device writes: the birth
name (or the used name, which the patient may give at the desk), the first given name, the birth date,
the sex (a man for a woman; « other » or none says nothing), and an INS; either side missing says nothing.
A compound given name is compared whole (Jean-Paul is not Jean-Pierre: twins share the rest).
A name is compared as devices and worklists write it: its letters without spaces, hyphens or apostrophes
(« LEGALL » is Le Gall), the birth and used names together (« DUPONT EP MARTIN »), a civility before it; a
birth date in DICOM's form or with separators (« 1950-03-02 »), « 00000000 » and « 00 » parts unknown;
« ST » for Saint, a particle left out (« LA FONTAINE » for De La Fontaine); swapped (« PAUL^DURAND ») only
when the whole birth date or the INS says it is hers (Martin Paul and Paul Martin are two people). A
placeholder name (« NO ») is no information, nor the sex beside it: a birth date typed (not a device's
default, « 19700101 ») and an INS are compared still.
A name a device wrote in UTF-8 without saying so (« HÃLÃNE ») is read as it wrote it.
"""

from __future__ import annotations

import re

from app import i18n
from app import messages as M
from app.folding import fold
from app.identifiers import ins_grouped, ins_is_valid, normalize_ins
from app.model import DevicePatient, Patient

#: What devices name a patient who was not entered (folded): whole words of the name (« DEMO^Patient »,
#: « ANONYMIZED », an anonymising export's « ANON », « NONAME », « SANS NOM », « N.N. », nomen nescio),
#: never letters inside one: DEMOULIN, TESTU and INCONNUTO are patients. A word of x only (« X^X ») is one.
PLACEHOLDER_NAMES = frozenset(
    {
        "demo",
        "test",
        "unknown",
        "inconnu",
        "patient",
        "anonymous",
        "anonyme",
        "anon",
        "noname",
        "no",
        "name",
        "sans",
        "nom",
        "n",
        "nn",
    }
)


def is_placeholder(name: str) -> bool:
    """Whether a device's patient name is its placeholder for nobody entered (nothing to compare)."""
    words = _name_words(name.replace("^", " ").replace("=", " "))
    return bool(words) and all(
        word in PLACEHOLDER_NAMES or word.startswith("anonymi") or word.isdigit() or set(word) == {"x"}
        for word in words
    )


def recorded_for_another(recorded: DevicePatient, patient: Patient | None) -> bool:
    """Whether the device recorded the image for someone else than ``patient``: a family name (neither
    the birth name nor the used name), a first given name (none of the patient's: twins share the rest),
    a birth date, a sex (a man for a woman) or an INS that differs from the case's (either side missing
    says nothing)."""
    if patient is None:
        return False
    name = _as_written(recorded.name)
    if _another_ins(recorded.patient_id, patient.ins):
        return True
    if is_placeholder(name):
        # The device's own placeholder (« NO », « DEMO^Patient »): nobody was entered, its name is no
        # information, neither hers nor another's, nor is the sex it then writes by default. A birth date
        # typed is compared, but for the dates devices write for none (« 19700101 »); an INS (its key
        # checked) always was.
        placeholder_date = _date_digits(recorded.birth_date) in _PLACEHOLDER_DATES
        return not placeholder_date and _another_birth_date(recorded.birth_date, patient.birth_date)
    if _named_another(name, patient, _confirmed(recorded, patient)):
        return True
    if _another_sex(recorded.sex, patient.sex):
        return True
    return _another_birth_date(recorded.birth_date, patient.birth_date)


def names_only(recorded: DevicePatient, patient: Patient | None) -> bool:
    """Whether the device wrote names that are not another patient's (hers, read every way a device
    writes them) but neither a whole birth date nor her INS: its names alone do not say the image is hers
    (RNIV: a mother and her daughter, two homonyms share them; the strict traits are the birth name, the
    first given name, the birth date, the sex and the birth place). Never a match: the window says so.
    A placeholder name (nobody entered) says nothing, as a photo's file does."""
    if patient is None or is_placeholder(_as_written(recorded.name)) or not recorded.name.strip("^= "):
        return False
    if recorded_for_another(recorded, patient):
        return False
    born = _date_digits(recorded.birth_date)
    whole = len(born) == 8 and "00" not in (born[4:6], born[6:8])
    # An INS confirms her only when it is the case's: one the case cannot compare (it has none) may be her
    # daughter's, of the same names (found in review).
    ins = ins_written(recorded.patient_id)
    her_ins = bool(ins) and bool(patient.ins) and ins == normalize_ins(patient.ins or "")
    return not whole and not her_ins and not _site_file_number(recorded, patient)


def _site_file_number(recorded: DevicePatient, patient: Patient) -> bool:
    """Whether the device wrote the case's file number at the site (its local id) as the Patient ID, exactly
    and with no issuer of its own, or with exactly the site's (a worklist of the site fills it so, its
    issuer read at the import: ``capture.dicom.device_patient`` keeps its number alone): the structure's own
    identifier of the patient, which says the image is hers as her birth date does. A number another
    structure issued (« D-2291^^^CLINIQUE », ``capture.dicom``) may be anyone's there."""
    local = (patient.local_id or "").strip()
    # (beside an INS kept as its Patient ID, the number is its ``file_number``: a case without an INS)
    written = (recorded.patient_id, recorded.file_number)
    return bool(local) and any("^" not in number and number == local for number in written)


#: The birth dates a device writes for a patient not entered, beside its placeholder name (DICOM's
#: epoch-like defaults): no information either.
_PLACEHOLDER_DATES = frozenset({"19000101", "19010101", "19700101", "20000101"})


def _confirmed(recorded: DevicePatient, patient: Patient) -> bool:
    """Whether the device's birth date is whole and hers, or its INS is hers: what lets a swapped name
    (« PAUL^DURAND » for Durand Paul) be hers, Paul Martin and Martin Paul being two real people."""
    born = _date_digits(recorded.birth_date)
    whole = len(born) == 8 and "00" not in (born[4:6], born[6:8])
    if whole and born == patient.birth_date.replace("-", ""):
        return True
    ins = ins_written(recorded.patient_id)
    return bool(ins) and bool(patient.ins) and ins == normalize_ins(patient.ins or "")


def _named_another(name: str, patient: Patient, confirmed: bool) -> bool:
    """Whether the device's name (not a placeholder) is another patient's: a family name (neither the birth
    name nor the used name) or a first given name (none of the patient's: twins share the rest)."""
    # The device may know the patient by her used name (a spouse's), the name she gives at the desk, or by
    # both as a hospital's worklist writes them (« DUPONT EP MARTIN »).
    families = _family_forms(patient)
    given: str | None
    if "^" in name:
        family, _, rest = name.partition("^")
        given = rest.split("^")[0]
        words = _name_words(family)
        if words and families and not _family_written(words, families):
            # The family name typed in the given name's field (« PAUL^DURAND »): hers only when the device
            # also knew her whole birth date or her INS.
            swapped = _name_words(given)
            if not (confirmed and swapped and _family_written(swapped, families)):
                return True
            given = family
    else:  # one field typed on the device (« LE GALL MARIE »): her family name first or last, then the given
        words = _name_words(name.split("=")[0])
        givens = _givens_beside(words, families)
        if words and families and not givens:
            return True
        # Each reading that leaves a given name is compared with hers (« DUPONT MARTIN » may be her birth
        # and used names, or Martin Dupont): another patient's unless one of them is hers.
        named = [reading for reading in givens if reading]
        given = next((reading for reading in named if not _another_given_name(reading, patient.given)), None)
        if named and given is None:
            return True
    return _another_given_name(given or "", patient.given)


M.add(
    {
        "device_patient.M": {"fr": "homme", "en": "man"},
        "device_patient.F": {"fr": "femme", "en": "woman"},
    }
)


def recorded_words(recorded: DevicePatient, lang: str | None = None) -> str:
    """The identity the device recorded, as a person reads it: « LEROY Sophie, 14/07/1988, femme », and its
    INS if it wrote one (the birth date in the reader's language; each part left out when the device wrote
    none or an odd one)."""
    written = _as_written(recorded.name)
    name = " ".join(part.strip() for part in written.split("=")[0].split("^")[:2] if part.strip())
    born = _date_digits(recorded.birth_date)
    whole = len(born) == 8 and born[4:6] != "00" and born[6:8] != "00"
    day = f"{born[:4]}-{born[4:6]}-{born[6:8]}" if whole else ""
    words = i18n.date_words(day, lang) if day else ""
    key = f"device_patient.{recorded.sex}"
    sex = (M.CATALOGUE.tr_in(key, lang) if lang else M.tr(key)) if recorded.sex in _SEXES else ""
    # Its INS, when it wrote one (an image flagged for it alone would otherwise show the case's own words); in its
    # groups, no-break, as the report and `case show` print one (found in review: 15 digits in a row here).
    ins = ins_grouped(ins_written(recorded.patient_id))
    return ", ".join(part for part in (name, words, sex, f"INS {ins}" if ins else "") if part)


def _as_written(name: str) -> str:
    """A name as the device wrote it: one written in UTF-8 by a device that declared no character set, or
    Latin-1, was read « HÃLÃNE » for « HÉLÈNE » (and said to be another patient's); its letters are read
    again as UTF-8 when they are that. A name in Latin-1 with its accents never is: it is kept."""
    try:
        again = name.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return name
    return again


#: Abbreviations written for a word of a name (folded): « ST JEAN » is Saint-Jean, « STE MARIE » Sainte-Marie.
_ABBREVIATED = {"st": "saint", "ste": "sainte"}


def _name_words(text: str) -> list[str]:
    # (« _ » too: a device that takes no space in a field, « DUPONT_MARIE »; ligatures spelt out, as an ASCII
    # device writes them: « OEUVRAY » for Œuvray)
    return [_ABBREVIATED.get(word, word) for word in re.split(r"[\s\-.,'_]+", fold(text)) if word]


def _joined(words: list[str]) -> str:
    """A name's letters without what separates its words: an ASCII keyboard's « LEGALL » is Le Gall,
    « DALMEIDA » D'Almeida, « JEANPAUL » Jean-Paul."""
    return "".join(words)


#: A civility a worklist or a nurse may write before the family name (« MME DUPONT »), folded.
_CIVILITIES = frozenset({"m", "mr", "mme", "mlle", "melle", "monsieur", "madame", "mademoiselle"})
#: The words a worklist joins a birth name and a used name with (« DUPONT EP MARTIN », « MARTIN NEE
#: DUPONT »), folded: said alone, they are no one's name.
_JOINING_WORDS = frozenset({"ep", "epse", "epouse", "vve", "veuve", "nee", "ne"})


def _without_civility(words: list[str]) -> list[str]:
    return words[1:] if len(words) > 1 and words[0] in _CIVILITIES else words


#: The particle a device's operator may leave out before a family name, folded (« LA FONTAINE » for De La
#: Fontaine, « ALMEIDA » for D'Almeida); « La », « Le », « Du » are the name's own (Le Gall is not Gall).
_PARTICLES = frozenset({"de", "d"})


def _without_particle(words: list[str]) -> list[str]:
    return words[1:] if len(words) > 1 and words[0] in _PARTICLES else words


def _family_forms(patient: Patient) -> set[str]:
    """The patient's family names as a device may write them, their letters joined (:func:`_joined`): her
    birth name, her used name, or both in either order (the joining word of a worklist left out), each
    also without its particle."""
    names = [joined for n in (patient.family, patient.used_name) if (joined := _joined(_name_words(n)))]
    forms = set(names)
    if len(names) == 2:
        forms |= {names[0] + names[1], names[1] + names[0]}
    forms |= {_joined(_without_particle(_name_words(n))) for n in (patient.family, patient.used_name)} - {""}
    # Its letters joined with « Saint » abbreviated (« STJEAN »), as an ASCII keyboard's « LEGALL ».
    shortened = {short: word for word, short in _ABBREVIATED.items()}
    for n in (patient.family, patient.used_name):
        words = [shortened.get(word, word) for word in _name_words(n)]
        forms |= {_joined(words), _joined(_without_particle(words))} - {""}
    return forms


def _family_written(words: list[str], families: set[str]) -> bool:
    """Whether ``words`` (a family name part) are one of ``families``, a civility before it and joining
    words left out, or as they are (M'Baye's « M », Né's « NE » are no civility nor joining word)."""
    for form in (words, _without_civility(words)):
        kept = [word for word in form if word not in _JOINING_WORDS]
        if _joined(form) in families or (kept and _joined(kept) in families):
            return True
        if len(form) > 1 and _joined(_without_particle(form)) in families:
            return True
    return False


def _givens_beside(words: list[str], families: set[str]) -> list[str]:
    """In a name typed in one field, each reading of the given names beside her family name (first or
    last: « MARTIN NEE DUPONT MARIE », « MME MARIE DUPONT »); none when no part of it is her family name."""
    found = []
    for form in (words, _without_civility(words)):
        for size in range(len(form), 0, -1):
            if _family_written(form[:size], families):
                found.append(" ".join(form[size:]))
            if _family_written(form[len(form) - size :], families):
                found.append(" ".join(form[: len(form) - size]))
    return found


def _date_digits(text: str) -> str:
    """A birth date's digits, YYYYMMDD, as DICOM writes it or in the forms older devices do
    (« 1950-03-02 », ACR-NEMA's « 1950.03.02 », « 1950/03/02 »); "" for another form or none
    (« 00000000 », a device's date for none entered)."""
    text = text.strip()
    if len(text) == 10 and text[4] == text[7] and text[4] in "-./":
        text = text[:4] + text[5:7] + text[8:]
    if len(text) != 8 or not text.isdigit() or text.startswith("0000"):
        return ""
    return text


def _another_birth_date(recorded: str, birth_date: str) -> bool:
    """Whether the device's birth date is another than the patient's, on the parts both know (a day or a
    month « 00 » is unknown, as is what a partial date of the case leaves out)."""
    born, hers = _date_digits(recorded), birth_date.replace("-", "")
    if not born or not hers.isdigit():
        return False
    for start, end in ((0, 4), (4, 6), (6, 8)):
        mine, theirs = born[start:end], hers[start:end]
        if len(theirs) < end - start or set(mine) == {"0"}:
            return False
        if mine != theirs:
            return True
    return False


def _another_given_name(recorded: str, given: list[str]) -> bool:
    """Whether the device's first given name is none of the patient's (the one she goes by may be her
    second, never the end of a compound one: « PIERRE » is not Jean-Pierre); an initial is compared as an
    initial."""
    words = _name_words(recorded)
    hers = [word for name in given for word in _name_words(name)]
    if not words or not hers:
        return False
    first = words[0]
    # The words that are a given name said alone: the first of a compound one (« JEAN » for Jean-Pierre), not
    # its end (« PIERRE » is his twin's, or his father's); each word of one written without a hyphen.
    alone = [word for name in given for word in (_name_words(name)[:1] if "-" in name else _name_words(name))]
    if len(first) == 1:  # (« P » neither: found in review, the initial alone was looked for among every word)
        return not any(word[0] == first for word in alone)
    joined = [_joined(_name_words(name)) for name in given]  # « JEANPAUL » for Jean-Paul
    if first not in alone and first not in joined and not any(len(word) == 1 and word == first[0] for word in hers):
        return True
    return _another_compound(recorded, words, given)


def _another_compound(recorded: str, words: list[str], given: list[str]) -> bool:
    """Whether the device's given name, its first word hers, is another compound given name than hers:
    twins share all but their given names, and French compound ones often share their first word
    (Jean-Pierre and Jean-Paul). A compound the device wrote with its hyphen is one name, each of its words
    hers; when each of her given names that begins with the device's first word is compound, the device's
    next word is their next one or another given name of hers. « JEAN » shortened from Jean-Pierre, or a
    second given name the case left out after a single one (« JEAN PAUL » for Jean), stay hers."""
    hers = {word for name in given for word in _name_words(name)}

    def known(word: str) -> bool:
        return word in hers or (len(word) == 1 and any(her.startswith(word) for her in hers))

    written = recorded.split()
    compound = _name_words(written[0]) if written and "-" in written[0] else []
    if len(compound) > 1 and not all(known(word) for word in compound):
        return True
    starting = [name for name in map(_name_words, given) if name and name[0] == words[0]]
    if len(words) < 2 or not starting or any(len(name) < 2 for name in starting):
        return False
    return not any(words[1] == name[1] for name in starting) and not known(words[1])


#: DICOM's PatientSex for the case's sexes a device can tell apart (« O », other, and none say nothing).
_SEXES = {"M": "male", "F": "female"}


def _another_sex(recorded: str, sex: str) -> bool:
    """Whether the device recorded a man for a woman or the reverse: a strict trait (RNIV), which tells
    apart twins the device knew by their family name and birth date only."""
    return recorded in _SEXES and sex in _SEXES.values() and _SEXES[recorded] != sex


def ins_written(recorded: str) -> str:
    """The INS a Patient ID holds, as 15 characters, or "" (a device's own file number): written with
    spaces, dots or a dash before its key, or as an HL7 worklist gives it (« 1500375…^^^&1.2.250.1.213.1.4.8
    &ISO », its first part). Only a number whose key is right counts."""
    number = re.sub(r"[\s.\-]+", "", recorded.split("^")[0])
    return normalize_ins(number) if ins_is_valid(number) else ""


def _another_ins(recorded: str, ins: str | None) -> bool:
    """Whether the file's Patient ID is a valid INS other than the case's (a device's own file number
    says nothing: it cannot be compared)."""
    written = ins_written(recorded)
    return bool(ins) and bool(written) and written != normalize_ins(ins or "")
