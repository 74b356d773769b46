"""Progress of the sync engine, reported to one listener the window and the CLI both use.

The window forwards these calls to Qt signals from its worker thread; the CLI prints them, on an
unattended cart into the journal, syslog or cron's mail. Listeners never receive patient data: case
ids, states, byte counts and messages in words, never the platform's own words (a refusal's
diagnostics may name the patient: ``sync.client.fault_for_console``); those stay on the case.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol, TextIO

from app import messages as M
from app.i18n import decimal_words

M.add(
    {
        "sync.slow_link": {
            "fr": "liaison lente : {left} restants, environ {eta}",
            "en": "slow link: {left} left, about {eta}",
        },
        # Reduced copies chosen: what is left is counted as they weigh (an estimate until each is made).
        "sync.slow_link_reduced": {
            "fr": "liaison lente : {left} restants en copies réduites, environ {eta}",
            "en": "slow link: {left} left as reduced copies, about {eta}",
        },
        "sync.stalled_reduced": {
            "fr": "liaison lente : {left} restants en copies réduites, rien n'est passé depuis quelques secondes",
            "en": "slow link: {left} left as reduced copies, nothing went through for a few seconds",
        },
        # Nothing went through over the measured seconds: no time can be said (it was « environ ? »).
        "sync.stalled": {
            "fr": "liaison lente : {left} restants, rien n'est passé depuis quelques secondes",
            "en": "slow link: {left} left, nothing went through for a few seconds",
        },
        "sync.megabytes": {"fr": "{n} Mo", "en": "{n} MB"},
        "sync.kilobytes": {"fr": "{n} ko", "en": "{n} kB"},
        "sync.minutes": {"fr": "{n} min", "en": "{n} min"},
        "sync.hours": {"fr": "{h} h {m:02d}", "en": "{h} h {m:02d}"},
        "sync.seconds": {"fr": "{n} s", "en": "{n} s"},
        "sync.progress": {"fr": "({sent} / {total} Kio)", "en": "({sent} / {total} KiB)"},
        "sync.details": {
            "fr": "Pour voir pourquoi : teleavis case show {id}",
            "en": "To see why: teleavis case show {id}",
        },
    }
)

#: An upload that needs longer than this at the measured rate is called slow (and said so).
SLOW_AFTER_S = 30.0
#: The rate is measured over the last seconds of reports, once at least this many have passed.
RATE_WINDOW_S = 6.0
RATE_MIN_SPAN_S = 3.0
#: The first second of an upload fills the computer's own buffers, far faster than the link: not measured.
RATE_SETTLE_S = 1.0


def size_words(n: int) -> str:
    """``3 Mo`` / ``450 ko`` (decimal units, as a link's rate is given)."""
    if n >= 1_000_000:
        value = n / 1_000_000
        if value >= 2:
            return M.tr("sync.megabytes", n=round(value))
        tenths = round(value, 1)
        return M.tr("sync.megabytes", n=int(tenths) if tenths.is_integer() else decimal_words(tenths))
    return M.tr("sync.kilobytes", n=max(1, round(n / 1000)))


def duration_words(seconds: float) -> str:
    """``45 s``, ``4 min``, ``1 h 05``: rounded as a person says it."""
    if seconds < 60:
        return M.tr("sync.seconds", n=max(5, round(seconds / 5.0) * 5))
    minutes = round(seconds / 60.0)
    if minutes < 60:
        return M.tr("sync.minutes", n=minutes)
    return M.tr("sync.hours", h=minutes // 60, m=minutes % 60)


class RateMeter:
    """The upload rate measured from a case's progress reports, and what it means for the rest.

    ``slow_words()`` says "liaison lente : 3 Mo restants, environ 4 min" when what is left would
    take longer than ``slow_after_s`` at the rate measured over the last ``RATE_WINDOW_S`` seconds,
    else "" (a fast link, or not enough measured yet)."""

    def __init__(self, slow_after_s: float = SLOW_AFTER_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.slow_after_s = slow_after_s
        self.clock = clock
        self._samples: deque[tuple[float, int]] = deque()
        self._started: float | None = None
        self._latest = 0
        self.total = 0

    def add(self, sent: int, total: int) -> None:
        now = self.clock()
        if sent < self._latest:
            self._samples.clear()  # started over (the upload was cut and begins again): measure anew
            self._started = None
        if self._started is None:
            self._started = now
        self._latest, self.total = sent, total
        if now - self._started < RATE_SETTLE_S and now > self._started:
            return
        self._samples.append((now, sent))
        while len(self._samples) > 2 and now - self._samples[1][0] >= RATE_WINDOW_S:
            self._samples.popleft()

    def rate(self) -> float | None:
        """Bytes per second over the window, None until enough time was measured."""
        if len(self._samples) < 2:
            return None
        (t0, s0), (t1, s1) = self._samples[0], self._samples[-1]
        if t1 - t0 < RATE_MIN_SPAN_S:
            return None
        return max(0.0, (s1 - s0) / (t1 - t0))

    def remaining(self) -> tuple[int, float | None]:
        """Bytes left, and the seconds they need at the measured rate (None: not known yet)."""
        left = max(0, self.total - self._latest)
        rate = self.rate()
        if rate is None:
            return left, None
        return left, (left / rate if rate > 0 else float("inf"))

    def slow_words(self, *, reduced: bool = False) -> str:
        """``reduced``: the user chose reduced copies (what is left is counted as they weigh: ``sync.engine``),
        said so."""
        left, seconds = self.remaining()
        if seconds is None or left <= 0 or seconds < self.slow_after_s:
            return ""
        if seconds == float("inf"):
            return M.tr("sync.stalled_reduced" if reduced else "sync.stalled", left=size_words(left))
        key = "sync.slow_link_reduced" if reduced else "sync.slow_link"
        return M.tr(key, left=size_words(left), eta=duration_words(seconds))


class ProgressListener(Protocol):
    def case_state(self, case_id: str, state: str, detail: str = "") -> None:
        """A case changed state (``sending``, ``sent``, ``queued``, ``needs-attention``, ``answered``…)."""

    def bytes_sent(self, case_id: str, sent: int, total: int) -> None:
        """Bytes of the case's images handed to the network so far, out of ``total``."""


class NullListener:
    def case_state(self, case_id: str, state: str, detail: str = "") -> None:
        pass

    def bytes_sent(self, case_id: str, sent: int, total: int) -> None:
        pass


class RecordingListener:
    """Keeps every report (tests, and the window's last-known view)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.states: list[tuple[str, str, str]] = []
        self.progress: dict[str, tuple[int, int]] = {}

    def case_state(self, case_id: str, state: str, detail: str = "") -> None:
        with self.lock:
            self.states.append((case_id, state, detail))

    def bytes_sent(self, case_id: str, sent: int, total: int) -> None:
        with self.lock:
            self.progress[case_id] = (sent, total)


class PrintingListener:
    """The CLI's view: one line per state change, and a percentage now and then."""

    #: The slow-link line comes again at most this often.
    SLOW_EVERY_S = 30.0

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        step_percent: int = 25,
        meter: Callable[[], RateMeter] = RateMeter,
        reduced: Callable[[str], bool] | None = None,
    ) -> None:
        """``reduced(case_id)``: whether reduced copies were chosen for the case (the slow-link line says so)."""
        self.stream = stream or sys.stderr
        self._reduced = reduced
        self.step = step_percent
        self._shown: dict[str, int] = {}
        self._meter = meter
        self._meters: dict[str, RateMeter] = {}
        self._slow_said: dict[str, float] = {}

    def case_state(self, case_id: str, state: str, detail: str = "") -> None:
        from app import messages as M

        line = f"{case_id[:8]}  {M.state_name(state) if state in M.STATE_NAMES else state}"
        if detail:
            line = f"{line}  {detail}"
        if state in ("needs-attention", "reply-refused"):  # the why is on the case, for who asks
            line = f"{line}  {M.tr('sync.details', id=case_id[:8])}"
        print(line, file=self.stream, flush=True)

    def bytes_sent(self, case_id: str, sent: int, total: int) -> None:
        if total <= 0:
            return
        percent = sent * 100 // total
        mark = percent - percent % self.step
        if mark > self._shown.get(case_id, -1):
            self._shown[case_id] = mark
            sizes = M.tr("sync.progress", sent=sent // 1024, total=total // 1024)
            print(f"{case_id[:8]}  {mark} %  {sizes}", file=self.stream, flush=True)
        meter = self._meters.setdefault(case_id, self._meter())
        meter.add(sent, total)
        words = meter.slow_words()
        if words and self._reduced is not None and self._reduced(case_id):
            words = meter.slow_words(reduced=True)
        now = meter.clock()
        if words and now - self._slow_said.get(case_id, -self.SLOW_EVERY_S) >= self.SLOW_EVERY_S:
            self._slow_said[case_id] = now
            print(f"{case_id[:8]}  {words}", file=self.stream, flush=True)
