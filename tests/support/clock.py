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
