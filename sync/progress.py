"""Progress of the sync engine, reported to one listener the window and the CLI both use.

The window forwards these calls to Qt signals from its worker thread; the CLI prints them.
Listeners never receive patient data: case ids, states, byte counts and messages in words.
"""

from __future__ import annotations

import sys
import threading
from typing import Protocol, TextIO


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

    def __init__(self, stream: TextIO | None = None, *, step_percent: int = 25) -> None:
        self.stream = stream or sys.stderr
        self.step = step_percent
        self._shown: dict[str, int] = {}

    def case_state(self, case_id: str, state: str, detail: str = "") -> None:
        from app import messages as M

        line = f"{case_id[:8]}  {M.state_name(state) if state in M.STATE_NAMES else state}"
        print(f"{line}  {detail}" if detail else line, file=self.stream, flush=True)

    def bytes_sent(self, case_id: str, sent: int, total: int) -> None:
        if total <= 0:
            return
        percent = sent * 100 // total
        mark = percent - percent % self.step
        if mark > self._shown.get(case_id, -1):
            self._shown[case_id] = mark
            print(f"{case_id[:8]}  {mark} %  ({sent // 1024} / {total // 1024} Kio)", file=self.stream, flush=True)
