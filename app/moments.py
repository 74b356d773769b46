"""Capture times as FHIR takes them: a time of day always with its time zone, or the date alone.

Cameras write the moment a photo was taken as local wall-clock time (EXIF DateTimeOriginal), most
without saying which zone (OffsetTimeOriginal is recent and often absent); retinographs do the same
in DICOM. FHIR refuses a ``dateTime`` with a time but no zone, so such a value is completed with the
workstation's zone at that date (the photo was taken here), daylight saving included.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

#: FHIR R4 ``dateTime`` (the specification's regular expression).
_FHIR_DATE_TIME = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)"
    r"(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?"
)
_PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
#: FHIR takes offsets up to ±14:00; anything wider is sent in UTC.
_MAX_OFFSET = timedelta(hours=14)
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


#: How far ahead of now a capture time may be before it is taken for a device's clock set ahead.
CLOCK_AHEAD = timedelta(days=1)


def clock_set_ahead(moment: datetime, now: datetime) -> bool:
    """Whether a capture time is more than :data:`CLOCK_AHEAD` later than ``now``: a device whose clock was set
    ahead (or never set), its time neither the newest nor an earlier one (found in review: a camera years ahead
    made every photo taken today look a previous patient's). ``moment`` and ``now`` both with their zone (the
    stored times, the send checklist's), or both the wall-clock time without one (a camera's EXIF, at the
    import)."""
    return moment > now + CLOCK_AHEAD


def is_fhir_date_time(text: str) -> bool:
    """Whether ``text`` is a valid FHIR ``dateTime`` (a time of day only with its zone)."""
    return _FHIR_DATE_TIME.fullmatch(text) is not None


def parse_date_time(text: str) -> datetime | None:
    """An ISO 8601 / FHIR date-time as Python reads it (``Z`` for UTC too), or None when it is not one.
    A value without a zone comes back naive: the caller decides what that means."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_offset(text: object) -> timedelta | None:
    """``+02:00``, ``-0530`` (EXIF OffsetTime, DICOM TimezoneOffsetFromUTC) as a duration, or None."""
    if not isinstance(text, str):
        return None
    found = _OFFSET.fullmatch(text.strip("\x00 "))
    if found is None:
        return None
    hours, minutes = int(found.group(2)), int(found.group(3))
    if minutes >= 60:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    if offset > _MAX_OFFSET:
        return None
    return -offset if found.group(1) == "-" else offset


def fhir_date_time(value: str | datetime | None, *, zone: tzinfo | None = None) -> str | None:
    """``value`` as a FHIR ``dateTime``, or ``None`` when it says no usable moment.

    A moment without a zone gets ``zone`` at that date (by default the workstation's local zone,
    daylight saving included); a date alone stays a date. Seconds are always written and fractions
    dropped, as the platform expects.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        if _PARTIAL_DATE.fullmatch(text):
            return _valid_date(text)
        parsed = parse_date_time(text)
        if parsed is None:
            return None
        moment = parsed
    else:
        moment = value
    if moment.tzinfo is None or moment.utcoffset() is None:
        if zone is not None:
            moment = moment.replace(tzinfo=zone)
        else:
            try:
                local = moment.astimezone()
                if local.replace(tzinfo=None) != moment:
                    # A wall time the clock skipped (02:30 on the night it springs forward): the
                    # device, still on the offset before the change, meant that offset.
                    before = (moment - timedelta(hours=3)).astimezone().utcoffset()
                    local = moment.replace(tzinfo=timezone(before)) if before is not None else local
                moment = local
            except (OverflowError, OSError, ValueError):
                # Outside what the C library's clock handles: the date alone is still true.
                return _valid_date(moment.date().isoformat())
    offset = moment.utcoffset()
    if offset is None or abs(offset) > _MAX_OFFSET:
        moment = moment.astimezone(UTC)
    text = moment.replace(microsecond=0).isoformat(timespec="seconds")
    return text if is_fhir_date_time(text) else None


def _valid_date(text: str) -> str | None:
    parts = [int(p) for p in text.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return None
    return text if is_fhir_date_time(text) else None
