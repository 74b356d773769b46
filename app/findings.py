"""What the case checklist says: one finding per missing or wrong item."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: ``error``: a value is wrong (a case file with one is refused at import);
#: ``missing``: something still to give or redo before sending (the case stays a draft);
#: ``warning``: worth a look, does not block sending.
Severity = Literal["error", "missing", "warning"]


@dataclass(frozen=True)
class Finding:
    code: str  # stable, for tests and the window: "patient.ins.key", "form.required", …
    field: str  # where: "patient.ins", "form.lesion-duration", "images[2].eye"
    message: str  # a sentence in the user's language, never quoting patient data
    severity: Severity = "missing"

    def blocks_sending(self) -> bool:
        return self.severity != "warning"
