"""The application's one wall clock: every date and instant it stamps, or compares with « now », is read here.

Only the calendar clock: the waits and timeouts between two moments use ``time.monotonic`` (a clock put
back must not stretch them), and what is compared with a file's modification time uses ``time.time``
(the file system's clock, which this one must not move).

``shift`` is zero in the application: nothing reads it from the environment, a setting or a file, so a
workstation always runs on its own clock. The tests move it in-process (tests/conftest.py
``--shift-days``), to run the suite as on a later day than the one its fixtures were written on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

#: Added to the system's clock. Zero but in tests (monkeypatched, never set by the application).
shift = timedelta(0)


def utc_now() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC) + shift


def now() -> datetime:
    """Now, aware, in the workstation's time zone (its offset on that day: summer time counted)."""
    return utc_now().astimezone()


def today() -> date:
    """The workstation's day."""
    return now().date()
