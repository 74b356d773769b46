"""``Retry-After`` given as an HTTP date, on a computer whose clock is off. Found from outside: the date was
counted from this computer's clock, so a clock an hour ahead (a machine never set, a battery gone) read every
« come back in two minutes » as already passed, and asked again at once, and a clock behind waited up to an
hour. It is counted from the platform's own clock, the ``Date`` of the same answer, when it gives one."""

from __future__ import annotations

import time
from datetime import timedelta
from email.utils import format_datetime

import pytest

from app import clock
from sync.auth import StaticToken
from sync.client import ClientConfig, PlatformClient, TransientFault
from tests.support.http import QuietHandler, serving


@pytest.mark.parametrize("platform_clock_off", [-3600, 3600])
def test_retry_after_as_a_date_is_counted_from_the_platforms_clock(platform_clock_off: int) -> None:
    platform_now = clock.utc_now() + timedelta(seconds=platform_clock_off)

    class Busy(QuietHandler):
        def date_time_string(self, timestamp: float | None = None) -> str:
            return format_datetime(platform_now, usegmt=True)  # the platform's clock, not this computer's

        def do_GET(self) -> None:
            back = format_datetime(platform_now + timedelta(seconds=120), usegmt=True)
            self.answer(429, b'{"resourceType": "OperationOutcome"}', headers={"Retry-After": back})

    with (
        serving(Busy, path="/fhir") as base,
        PlatformClient(ClientConfig(base), StaticToken("t")) as client,
        pytest.raises(TransientFault) as raised,
    ):
        client.request("GET", "Task")
    assert raised.value.status == 429
    assert raised.value.retry_after is not None and 115 <= raised.value.retry_after <= 125, raised.value.retry_after


def test_retry_after_as_a_date_without_the_platforms_clock_is_counted_from_this_one() -> None:
    class Busy(QuietHandler):
        def send_header(self, keyword: str, value: str) -> None:
            if keyword != "Date":  # a server that says no Date (R4 lets a proxy drop it)
                super().send_header(keyword, value)

        def do_GET(self) -> None:
            back = format_datetime(clock.utc_now() + timedelta(seconds=60), usegmt=True)
            self.answer(429, b'{"resourceType": "OperationOutcome"}', headers={"Retry-After": back})

    with (
        serving(Busy, path="/fhir") as base,
        PlatformClient(ClientConfig(base), StaticToken("t")) as client,
        pytest.raises(TransientFault) as raised,
    ):
        client.request("GET", "Task")
    assert raised.value.retry_after is not None and 55 <= raised.value.retry_after <= 61, raised.value.retry_after


@pytest.mark.parametrize("said", ["0", "Thu, 01 Jan 2026 00:00:00 GMT"])
def test_a_retry_after_of_no_time_does_not_make_the_client_ask_without_pause(said: str) -> None:
    """Found from outside: a gateway answering 503 « Retry-After: 0 » (or a date already passed) at every
    request had the client ask again at once, hundreds of requests a second for the whole of a case's time,
    where a fault without Retry-After waits more at each try. The wait grows as it does then."""
    asked: list[float] = []

    class Busy(QuietHandler):
        def do_GET(self) -> None:
            asked.append(time.monotonic())
            self.answer(503, b'{"resourceType": "OperationOutcome"}', headers={"Retry-After": said})

    with (
        serving(Busy, path="/fhir") as base,
        PlatformClient(ClientConfig(base), StaticToken("t")) as client,
        pytest.raises(TransientFault),
    ):
        client.retrying(lambda: client.request("GET", "Task"), budget_s=4.0)
    assert 2 <= len(asked) <= 5, len(asked)


@pytest.mark.parametrize("said", ["\xb2", "\xb9\xb3", " 1\xb2 "])
def test_a_retry_after_of_digits_no_number_is_made_of_is_read_as_none(said: str) -> None:
    """Found in review: a ``Retry-After`` of superscript figures (« ² », a header decoded as Latin-1) passed
    for a number and stopped the whole pass with ValueError; no wait given is read as none."""
    from sync.client import parse_retry_after, retry_after_in

    assert parse_retry_after(said) is None
    assert retry_after_in({"Retry-After": said}) is None
