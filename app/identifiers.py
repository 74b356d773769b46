"""Check digits of French health identifiers: INS (NIR-based matricule), RPPS and FINESS."""

from __future__ import annotations

import re

INS_SYSTEM = "urn:oid:1.2.250.1.213.1.4.8"
RPPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
FINESS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.2"

_INS_RE = re.compile(r"^[1-478]\d{4}(?:\d{2}|2[AB])\d{6}\d{2}$")


def normalize_ins(value: str) -> str:
    """The INS as 15 characters: spaces removed, Corsican department letters upper-cased."""
    return re.sub(r"\s+", "", value).upper()


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


def luhn_is_valid(number: str) -> bool:
    """Luhn check digit, as used by RPPS (11 digits) and FINESS (9 digits)."""
    if not number.isdigit():
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


def finess_is_valid(value: str) -> bool:
    return len(value) == 9 and luhn_is_valid(value)
