"""A consent dated today, on a workstation whose clock fell a day behind, is said « dans le futur »: the
words name the day the workstation believes it is, so the nurse can tell her date from its clock.

Found from outside under Xvfb (libfaketime set the clock back a day while a case was open): « Date du
consentement dans le futur : vérifiez-la. » under the date she had just typed, right; she could only
retype it, and the workstation's wrong clock was never named."""

from __future__ import annotations

from datetime import date

from app import i18n
from app.model import Case, Consent, Patient
from app.validation import validate_case


def _said(today: date) -> list[str]:
    case = Case(
        patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male"),
        consent=Consent(given=True, date="2026-12-06", recorded_by="Inf. Durand"),
    )
    return [f.message for f in validate_case(case, None, today=today) if f.field == "consent.date"]


def test_a_consent_after_the_workstations_today_names_that_day_and_its_clock() -> None:
    assert _said(date(2026, 12, 5)) == [
        "Date du consentement (06/12/2026) après la date du jour de ce poste (05/12/2026) : vérifiez-la, "
        "ou l'horloge de l'ordinateur si c'est elle qui retarde."
    ]
    assert _said(date(2026, 12, 6)) == []


def test_said_in_english_too() -> None:
    previous = i18n.language()
    i18n.set_language("en")
    try:
        assert _said(date(2026, 12, 5)) == [
            "Consent date (2026-12-06) after this workstation's date (2026-12-05): check it, or the "
            "computer's clock if it is behind."
        ]
    finally:
        i18n.set_language(previous)
