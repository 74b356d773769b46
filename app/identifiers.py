"""French health identifiers: the INS (NIR-based matricule), RPPS and FINESS, the INSEE code of a birth
place, and what an INS says about its holder. The one implementation: the checklist, ``init``, the
FHIR mapping and the sandbox platform all call these functions (the sandbox, playing a national
platform, refuses what they refuse).
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from importlib.resources import files

from app.folding import spelt, without_accents
from app.model import name_text

#: The INS-NIR: national health identifier of a qualified identity (FR Core slice ``INS-NIR``).
INS_SYSTEM = "urn:oid:1.2.250.1.213.1.4.8"
#: The INS-NIR of fictitious test patients (FR Core slice ``INS-NIR-TEST``): training only.
INS_TEST_SYSTEM = "urn:oid:1.2.250.1.213.1.4.10"
#: The INS-NIA: the temporary number of a person registered without a NIR yet (first digit 7 or 8;
#: FR Core slice ``INS-NIA``, ``use = temp``).
INS_NIA_SYSTEM = "urn:oid:1.2.250.1.213.1.4.9"
#: National id of a health professional (IDNPS: ``8`` + RPPS).
RPPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
#: The bare RPPS number, as FR Core's ``rpps`` slice of Practitioner.identifier carries it.
RPPS_DIRECTORY = "https://rpps.esante.gouv.fr"
#: National id of a structure (IDNST: ``1`` + FINESS, never the bare FINESS).
FINESS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.2"
#: The bare FINESS number (FR Core's ``finess`` slice of Organization.identifier).
FINESS_DIRECTORY = "https://finess.esante.gouv.fr"
#: The bare ADELI number of a professional not (yet) in the RPPS: FR Core's ``adeli`` slice of
#: Practitioner.identifier (type ADELI of fr-core-cs-v2-0203); its national id is ``0`` + ADELI.
ADELI_DIRECTORY = "https://adeli.esante.gouv.fr"
#: SIREN and SIRET of a structure (FR Core's ``siren`` and ``siret`` slices of Organization.identifier, one
#: system told apart by the type); the national structure id is ``2`` + SIREN or ``3`` + SIRET.
SIRENE_SYSTEM = "https://sirene.fr"
#: The INS-NIR of fictitious demonstration patients (FR Core slice ``INS-NIR-DEMO``): never sent by Teleavis.
INS_DEMO_SYSTEM = "urn:oid:1.2.250.1.213.1.4.11"
#: The computed INS of the carte Vitale (FR Core slice ``INS-C`` of fr-core-patient), obsolete.
INS_C_SYSTEM = "urn:oid:1.2.250.1.213.1.4.2"
#: The number of a patient's pharmaceutical record (FR Core slice ``NDP`` of fr-core-patient).
NDP_SYSTEM = "urn:oid:1.2.250.1.176.1.2"
#: The systems FR Core gives to national identifiers (FRCorePatientINSProfile, FRCorePatientProfile,
#: FRCorePractitionerProfile, FRCoreOrganizationProfile), each with the number it names: never the system
#: of a site's file numbers, which a French platform would refuse (a PI under an INS slice's system) or take
#: for a national number, and which every site making the same mistake would share (another site's patient
#: found by its number).
NATIONAL_SYSTEMS = {
    INS_SYSTEM: "INS",
    INS_NIA_SYSTEM: "INS",
    INS_TEST_SYSTEM: "INS",
    INS_DEMO_SYSTEM: "INS",
    INS_C_SYSTEM: "INS",
    NDP_SYSTEM: "NDP",
    RPPS_SYSTEM: "RPPS",
    RPPS_DIRECTORY: "RPPS",
    ADELI_DIRECTORY: "ADELI",
    SIRENE_SYSTEM: "SIRET",
    FINESS_SYSTEM: "FINESS",
    FINESS_DIRECTORY: "FINESS",
}


def national_system(system: str) -> str | None:
    """The national number (``INS``, ``RPPS``, ``FINESS``) whose identifier system ``system`` is, else None.
    Compared as FHIR compares a system, exactly, but for the case of ``urn:oid:`` and of a web address's
    host and a trailing slash, which a person may type otherwise."""
    text = system.strip()
    if text.lower().startswith("urn:oid:"):
        text = "urn:oid:" + text[8:]
    elif text.lower().startswith(("http://", "https://")):
        text = text.lower().rstrip("/").replace("http://", "https://", 1)
    if found := NATIONAL_SYSTEMS.get(text):
        return found
    root = national_arc(text)
    return NATIONAL_SYSTEMS[root] if root else None


#: The INS OIDs belong to the national INS authority, which gives no structure an arc below them (found by
#: an outside tester: ``urn:oid:1.2.250.1.213.1.4.8.1`` passed as a site's file-number system).
_INS_ARCS = (INS_SYSTEM, INS_NIA_SYSTEM, INS_TEST_SYSTEM, INS_DEMO_SYSTEM, INS_C_SYSTEM)


def national_arc(system: str) -> str | None:
    """The INS OID ``system`` is a branch of (``urn:oid:1.2.250.1.213.1.4.8.1`` → the INS-NIR's), else None."""
    text = system.strip()
    if not text.lower().startswith("urn:oid:"):
        return None
    text = "urn:oid:" + text[8:]
    return next((root for root in _INS_ARCS if text.startswith(root + ".")), None)


#: Where code systems live (FR Core's canonical https://hl7.fr/ig/fhir/core/CodeSystem/…, HL7's
#: http://terminology.hl7.org/CodeSystem/…, the ANS's nomenclatures https://mos.esante.gouv.fr/NOS/TRE_…):
#: their codes name kinds of things (an identifier type, a profession), never one structure's file numbers.
_CODE_SYSTEM_URL = re.compile(
    r"^https?://(?:[^/]+/(?:.*/)?(?:codesystem|valueset)(?:/|$)|terminology\.hl7\.org(?:/|$)|mos\.esante\.gouv\.fr/nos/)",
    re.IGNORECASE,
)


def is_code_system(system: str) -> bool:
    """Whether ``system`` is the address of a code system (or value set), not of a series of identifiers."""
    return bool(_CODE_SYSTEM_URL.match(system.strip()))


#: ASCII digits only (found in review): ``\d`` takes any script's, ``int`` reads them, and an INS « 1 » then
#: Arabic-Indic digits passed its form and key and went to the platform so. The same for the patterns below.
_INS_RE = re.compile(r"^[1-478]\d{4}(?:\d{2}|2[AB])\d{6}\d{2}$", re.ASCII)
#: FINESS: a department (two digits, or 2A/2B for Corsica), six digits, a check digit.
_FINESS_RE = re.compile(r"^(?:\d{2}|2[AB])\d{7}$", re.ASCII)
#: An ADELI of Corsica (2A/2B) or of an overseas department (9A Guadeloupe … 9D La Réunion, 9F Mayotte).
_ADELI_LETTERS_RE = re.compile(r"^(?:2[AB]|9[A-F])\d{7}$", re.ASCII)
#: INSEE code of a birth place (the fifth strict identity trait of the RNIV), as it was at the birth:
#: a commune is its department (01–95, 2A/2B for Corsica since 1976, 20 before) and a number from
#: 001, or an overseas department or collectivity (971–978, 984–989) and two digits; a birth abroad is
#: 99, then the country's code (continent 1–5, then two digits: 99134 Spain).
_BIRTH_PLACE_RE = re.compile(
    r"^(?:(?:0[1-9]|1\d|2[0-9AB]|[3-8]\d|9[0-5])(?!000)\d{3}|97[1-8]\d{2}|98[4-9]\d{2}|99[1-5]\d{2})$",
    re.ASCII,
)
#: Corsica became 2A and 2B on 1 January 1976; a commune's code of department 20 is older.
CORSICA_SPLIT = "1976-01-01"


def is_nia(ins: str) -> bool:
    """Whether this INS is a temporary NIA (first digit 7 or 8), not a NIR."""
    return normalize_ins(ins)[:1] in ("7", "8")


def ins_system(ins: str, *, training: bool = False) -> str:
    """The identifier system an INS goes under: a NIA (temporary number) as FR Core's INS-NIA, never as
    a NIR; in training mode, as a fictitious test patient's (INS-NIR-TEST), which a real platform refuses."""
    if training:
        return INS_TEST_SYSTEM
    return INS_NIA_SYSTEM if is_nia(ins) else INS_SYSTEM


def normalize_ins(value: str) -> str:
    """The INS as 15 characters: spaces removed, Corsican department letters upper-cased."""
    return re.sub(r"\s+", "", value).upper()


#: The INS's parts as France writes them (carte Vitale, the INSi's answer): sex, year, month, department,
#: commune, order, key: « 1 84 12 75 056 123 45 ». A birth in an overseas department (971 Guadeloupe … 976
#: Mayotte) has a department of three digits and a commune of two, as its INSEE code (97105 Basse-Terre):
#: « 1 84 12 971 05 123 45 », and so does one in a collectivity (975–978, 984–989: « 987 35 », Papeete), as
#: :data:`_BIRTH_PLACE_RE` reads them; a birth abroad keeps the first grouping (99, then the country: « 99 134 »).
_INS_GROUPS = (1, 2, 2, 2, 3, 3, 2)
_INS_GROUPS_OVERSEAS = (1, 2, 2, 3, 2, 3, 2)


def ins_grouped(value: str, space: str = "\u00a0") -> str:
    """The INS as a reader takes it in, in its seven groups joined by ``space``, no-break ones by default (a
    wrapped line never cuts it): « 1 50 02 85 123 456 15 », « 2 55 08 971 05 123 45 » for a birth overseas.
    A value that is not 15 characters is returned as it was written."""
    ins = normalize_ins(value)
    if len(ins) != sum(_INS_GROUPS):
        return value
    groups = _INS_GROUPS_OVERSEAS if ins[5:7] in ("97", "98") else _INS_GROUPS
    parts, start = [], 0
    for size in groups:
        parts.append(ins[start : start + size])
        start += size
    return space.join(parts)


def ins_key(first13: str) -> int:
    """The control key of the 13 first characters: 97 - (n mod 97), with 2A→19 and 2B→18."""
    digits = first13.upper().replace("2A", "19").replace("2B", "18")
    return 97 - int(digits) % 97


def ins_is_valid(value: str) -> bool:
    """True when ``value`` is a well-formed INS matricule whose control key matches."""
    ins = normalize_ins(value)
    if not _INS_RE.match(ins):
        return False
    # 2A/2B may only stand for the department (positions 6–7).
    if ("A" in ins or "B" in ins) and ins[5:7] not in ("2A", "2B"):
        return False
    return ins_key(ins[:13]) == int(ins[13:])


def ins_format_ok(value: str) -> bool:
    """True when the shape is right (15 characters, digits or 2A/2B), whatever the key."""
    return bool(_INS_RE.match(normalize_ins(value)))


def ins_sex(value: str) -> str | None:
    """The sex the INS encodes in its first digit: ``male`` (1, and 3/7 of temporary numbers),
    ``female`` (2, and 4/8), ``None`` when the value is not an INS."""
    ins = normalize_ins(value)
    if not _INS_RE.match(ins):
        return None
    return "male" if int(ins[0]) % 2 else "female"


def ins_birth(value: str) -> tuple[int, int | None] | None:
    """(year within its century, month or ``None``) that digits 2–5 of the INS encode.

    The month is 01–12 when known. The NIR also uses 20 (month unknown) and the special ranges 30–42
    and 50 or more (numbers given from an incomplete civil status): none of these tells the month,
    so they are never compared with a birth date."""
    ins = normalize_ins(value)
    if not _INS_RE.match(ins):
        return None
    month = int(ins[3:5])
    return int(ins[1:3]), month if 1 <= month <= 12 else None


def ins_disagreements(value: str, sex: str, birth_date: str) -> list[str]:
    """What of ``sex`` and ``birth_date`` (ISO) contradicts the INS: ``"sex"``, ``"birth"``.

    A sex of ``other`` or ``unknown`` and a birth date that is not a date contradict nothing (the
    checklist says those are missing or wrong on their own)."""
    out: list[str] = []
    encoded_sex = ins_sex(value)
    if encoded_sex and sex in ("male", "female") and sex != encoded_sex:
        out.append("sex")
    encoded = ins_birth(value)
    try:
        born = date.fromisoformat(birth_date) if len(birth_date) == 10 else None
    except ValueError:
        born = None
    if encoded and born:
        year, month = encoded
        if born.year % 100 != year or (month is not None and born.month != month):
            out.append("birth")
    return out


#: Cities whose births the NIR records by arrondissement (751xx, 6938x, 132xx) while their commune
#: has one INSEE code of its own.
_ARRONDISSEMENTS = {"75056": "751", "69123": "6938", "13055": "132"}


#: The departments a NIR gives a birth in North Africa before independence (Algeria before 1962,
#: Morocco and Tunisia before 1956), where the INSi gives the country's code (99 + country).
_NORTH_AFRICA = {"91": "99352", "92": "99352", "93": "99352", "94": "99352", "95": "99350", "96": "99351"}


def ins_birth_place(value: str) -> str | None:
    """The birth place that digits 6–10 of a definitive INS encode (department and commune, or 99 and
    the country), ``None`` for a temporary number (first digit 3, 4, 7 or 8) or what is not an INS."""
    ins = normalize_ins(value)
    if not _INS_RE.match(ins) or ins[0] not in "12":
        return None
    return ins[5:10]


def birth_place_agrees(ins: str, birth_place: str) -> bool:
    """Whether ``birth_place`` can be the one the INS encodes: the same code, or a birth in Corsica
    before 1976 (department 20, now 2A/2B, the commune's number unchanged), or an arrondissement of
    Paris, Lyon or Marseille for the city's own code, or a birth in Algeria, Morocco or Tunisia before
    their independence (departments 91–96 of the NIR) for that country's code. A commune merged since
    the birth, or a birth in another territory that became a country, still differs: callers warn,
    never refuse."""
    encoded = ins_birth_place(ins)
    if encoded is None or not birth_place:
        return True
    if encoded == birth_place:
        return True
    corsica = {encoded[:2], birth_place[:2]}
    if corsica in ({"20", "2A"}, {"20", "2B"}):
        return encoded[2:] == birth_place[2:]
    if _NORTH_AFRICA.get(encoded[:2]) == birth_place:
        return True
    prefix = _ARRONDISSEMENTS.get(birth_place)
    return prefix is not None and encoded.startswith(prefix)


def ins_trait(name: str) -> str:
    """A name as an INS trait is written (birth name, birth given names): the INSi teleservice's writing, in
    capitals without accents or other diacritics (« N'GUESSAN-LEVEQUE »), hyphens, apostrophes and single
    spaces kept; the ligatures spelt out (« LAETITIA »), the letters no accent makes written in A–Z as
    ``app.folding.spelt`` writes them (« Łukasz » is « LUKASZ », « Þór » « THOR », « ß » « SS »)."""
    return without_accents(spelt(name_text(name).upper()))


def luhn_is_valid(number: str) -> bool:
    """Luhn check digit, as used by RPPS (11 digits), ADELI, FINESS, SIREN (9) and SIRET (14)."""
    if not (number.isascii() and number.isdigit()):  # (« ² » is a digit to ``isdigit``, no number to ``int``)
        return False
    total = 0
    for i, char in enumerate(reversed(number)):
        digit = int(char)
        if i % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def rpps_is_valid(value: str) -> bool:
    return len(value) == 11 and luhn_is_valid(value)


def adeli_is_valid(value: str) -> bool:
    """An ADELI number: nine characters, the department that registered it first. On the mainland nine
    digits, the last a Luhn key (as the real numbers of the ANS directory have); Corsica's begin with 2A
    or 2B and the overseas departments' with 9A to 9F (the national psychologists' scheme reads real ADELI
    numbers so). No published rule computes a key over those letters: their shape is checked and the key
    left to the directory the platform asks, never a real nurse's number refused."""
    if _ADELI_LETTERS_RE.match(value):
        return True
    return len(value) == 9 and luhn_is_valid(value)


def idnps_is_valid(value: str) -> bool:
    """The national id of a professional (IDNPS, TRE_G08): ``8`` followed by a valid RPPS, or ``0``
    followed by a valid ADELI for a professional not in the RPPS."""
    if value[:1] == "8":
        return len(value) == 12 and rpps_is_valid(value[1:])
    return value[:1] == "0" and adeli_is_valid(value[1:])


def siren_is_valid(value: str) -> bool:
    """A SIREN (INSEE): nine digits, the last a Luhn key."""
    return len(value) == 9 and luhn_is_valid(value)


def siret_is_valid(value: str) -> bool:
    """A SIRET (INSEE): the SIREN, four digits of the establishment, a Luhn key over the fourteen."""
    return len(value) == 14 and siren_is_valid(value[:9]) and luhn_is_valid(value)


def finess_is_valid(value: str) -> bool:
    """A FINESS number: nine characters, Luhn key over the digits.

    Corsica's numbers begin with its department, 2A or 2B: the key is Luhn's with the letter read as its
    rank in the alphabet (2A as 21, 2B as 22). No text of the directory states it; every Corsican number
    the ARS de Corse publishes agrees with it and with no other reading (tests/app/test_identifiers.py)."""
    if not _FINESS_RE.match(value):
        return False
    return luhn_is_valid(value[:1] + value[1:2].replace("A", "1").replace("B", "2") + value[2:])


def normalize_birth_place(value: str) -> str:
    """A birth place's INSEE code as stored: spaces removed, Corsica's letters upper-cased."""
    return value.replace(" ", "").strip().upper()


def birth_place_is_valid(value: str) -> bool:
    """An INSEE code of a birth commune (or ``99`` + country code), by its shape: no list of the
    communes ships with Teleavis, so an unused number of the right shape passes."""
    return bool(_BIRTH_PLACE_RE.match(value))


def birth_country_name(code: str) -> str | None:
    """The country of a birth abroad (``99`` + country code) as INSEE writes it (« COTE D'IVOIRE »), from
    the list in ``resources/insee/pays.csv``; None for a commune's code or a code not in the list."""
    return _countries().get(code) if code.startswith("99") else None


@cache
def _countries() -> dict[str, str]:
    text = (files("resources") / "insee" / "pays.csv").read_text("utf-8")
    rows = (line.split(";", 1) for line in text.splitlines()[1:] if line and not line.startswith("#"))
    return {code: name for code, name in rows if code != "code"}


def idnst_is_valid(value: str) -> bool:
    """The national id of a structure (IDNST, FR Core's idNatSt): ``1`` followed by a valid FINESS, ``2``
    by a valid SIREN, ``3`` by a valid SIRET."""
    rule = {"1": finess_is_valid, "2": siren_is_valid, "3": siret_is_valid}.get(value[:1])
    return rule is not None and rule(value[1:])
