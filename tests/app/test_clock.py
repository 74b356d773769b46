"""One clock for the app's dates (app/clock.py): moved, every date the app stamps or compares with today moves.

The tests run « later » through it (tests/conftest.py ``--shift-days``) to find the ones whose fixed dates go
stale as the calendar goes on (one passed at 10:00 and failed at 13:00 last session). A module that read the
system's clock on its own stayed on today and such a run could not see it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app import clock
from app.model import Case, Consent, Patient
from app.store import Store
from app.validation import validate_case

LATER = timedelta(days=400)


def _case(consent_on: date) -> Case:
    return Case(
        patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male"),
        consent=Consent(given=True, date=consent_on.isoformat(), recorded_by="Inf. Durand"),
    )


def test_the_clock_is_the_systems_moved_by_the_shift_alone() -> None:
    assert abs(clock.utc_now() - clock.shift - datetime.now(UTC)) < timedelta(seconds=5)
    assert clock.now().tzinfo is not None and clock.today() == clock.now().date()


def test_a_case_is_stamped_and_checked_on_the_clocks_day(teleavis_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "shift", clock.shift + LATER)
    later = clock.today()
    # A consent given on that later day is not « dans le futur »: the checks' today is the clock's.
    assert [f for f in validate_case(_case(later), None) if f.field == "consent.date"] == []
    assert [f.field for f in validate_case(_case(later + timedelta(days=1)), None)].count("consent.date") == 1
    # And the case saved that day is stamped that day.
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(_case(later), [])
        created = datetime.fromisoformat(str(store.get_case(case_id).created_at))
    assert abs(created - clock.utc_now()) < timedelta(minutes=1)


def test_shift_to_reads_that_local_time_on_a_day_the_clocks_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """--shift-to (tests/conftest.py) on a day summer time begins or ends, in France: counted as a wall-clock
    difference, 23:59:30 asked at 00:30 came out at 00:59:30 the next day (or 22:59:30), the hour the clocks
    moved missing or counted twice, and the test meant to cross midnight started past it or an hour early."""
    import os
    import time
    from zoneinfo import ZoneInfo

    from tests.support.clock import to_time_of_day

    paris = ZoneInfo("Europe/Paris")
    zone = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Paris"  # the process's local time (read by astimezone()), as a workstation's
    time.tzset()
    try:
        day = clock.today()
        while (datetime.combine(day, datetime.min.time(), paris) + timedelta(days=1)).utcoffset() == datetime.combine(
            day, datetime.min.time(), paris
        ).utcoffset():
            day += timedelta(days=1)  # the next day the clocks change (within the year)
        half_past_midnight = datetime.combine(day, datetime.min.time(), paris).replace(minute=30)
        monkeypatch.setattr(clock, "shift", clock.shift + (half_past_midnight - clock.utc_now()))
        monkeypatch.setattr(clock, "shift", clock.shift + to_time_of_day("23:59:30"))
        moment = clock.now()
        assert (moment.date(), moment.hour, moment.minute) == (day, 23, 59), moment
    finally:
        if zone is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = zone
        time.tzset()


def test_the_app_reads_the_calendar_clock_here_only_and_nothing_moves_it() -> None:
    """The branch's promise kept: a module reading the system's clock on its own stays on today in a shifted
    run (the stale dates it hides are missed), and the shift is the tests' alone: no module of the application
    sets it, and the clock reads nothing from the environment, a setting or a file."""
    import re

    root = Path(__file__).resolve().parents[2]
    reads = re.compile(
        r"\b(datetime\.(now|today|utcnow)|date\.today|QDateTime\.currentDateTime(UTC)?|QDate\.currentDate)\("
    )
    moves = re.compile(r"\bclock\.shift\s*[+-]?=|setattr\([^)]*[\"']shift[\"']")
    found = [
        f"{path.relative_to(root)}:{n}: {line.strip()}"
        for package in ("app", "ui", "capture", "sync")
        for path in sorted((root / package).rglob("*.py"))
        if path != root / "app" / "clock.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if reads.search(line) or moves.search(line)
    ]
    assert found == []
    import ast

    tree = ast.parse((root / "app" / "clock.py").read_text(encoding="utf-8"))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported == {"__future__", "datetime"}  # no os, no settings, no file: nothing to read a shift from
