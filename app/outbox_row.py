"""A case waiting to leave, as the outbox holds it.

Imported as ``app.outbox``'s: defined apart so that the window's start, which reads no outbox row before the first
window shows, does not define it (a dataclass, ~0.3 ms: it exec's the code it generates).
``tests/ui/test_start_imports.py`` checks that it is not loaded then.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutboxRow:
    """A case waiting to leave, as the outbox holds it: the step reached, the tries, when the next is due."""

    case_id: str
    queued_at: str
    step: str
    attempts: int
    next_attempt_at: str
    last_error: str | None
    #: The user chose to send reduced copies of the photos (a slow link); the originals stay here.
    reduced: bool = False
    #: The photo the platform last refused as too large (413), while a reduced copy may still pass.
    too_large: str | None = None

    @property
    def offers_reduced(self) -> bool:
        """Refused for a photo too large, reduced copies not chosen yet: the way out to offer."""
        return self.too_large is not None and not self.reduced
