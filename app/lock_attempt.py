"""The answer to a try at opening the lock.

Imported as ``app.screen_lock``'s: defined apart so that the window's start, which asks whether the window
starts locked but tries no code before it shows, does not define it (a dataclass, ~0.3 ms: it exec's the code
it generates). ``tests/ui/test_start_imports.py`` checks that it is not loaded then.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attempt:
    """The answer to a try at opening the lock: right or not, and how long before the next try is looked at."""

    ok: bool
    wait_s: float = 0.0  # how long before the next try is looked at (0: now)
