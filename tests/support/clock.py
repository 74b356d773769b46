"""A clock the test moves: patched in where the code under test reads ``utc_now``."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.model import utc_now


class Clock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or utc_now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def to_time_of_day(at: str) -> timedelta:
    """What to add to the app's clock (app/clock.py ``shift``) for it to read ``at`` (HH:MM[:SS]), local time, on
    its day now: tests/conftest.py ``--shift-to``."""
    from datetime import time as day_time

    from app import clock

    moment = clock.now()
    # Aware on both sides: the time that passes until then, the hour the clocks move that day counted (a wall-clock
    # difference put 23:59:30 an hour off on the days summer time begins or ends).
    wanted = datetime.combine(moment.date(), day_time.fromisoformat(at)).astimezone()
    return wanted - moment
