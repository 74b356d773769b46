"""Reading the validation's view findings back as expected-view keys, to compare with the panel."""

from __future__ import annotations

from app.model import Case
from app.validation import validate_images
from app.views import expected_views


def view_codes(case: Case) -> list[str]:
    """The codes of the validation's findings about expected views (``views.*``, ``fields.*``) that
    block sending (a field only advised is a warning)."""
    return [
        f.code for f in validate_images(case) if f.code.startswith(("views.", "fields.")) and f.severity != "warning"
    ]


def covered(case: Case) -> set[str]:
    """The expected-view keys (``view:far``, ``left:macula``) the validation says are missing."""
    required = [v.key for v in expected_views(case.specialty, case.images, case.single_eye_reason) if v.required]
    keys: set[str] = set()
    for code in view_codes(case):
        parts = code.split(".")
        if parts[0] == "views":
            keys.add(f"view:{parts[1]}")
        elif parts == ["fields", "eye"]:  # no image labelled with an eye: every field of both eyes
            keys.update(required)
        elif len(parts) == 2:  # fields.<eye>: that eye has no retinograph at all
            keys.update(key for key in required if key.startswith(f"{parts[1]}:"))
        else:
            keys.add(f"{parts[1]}:{parts[2]}")
    return keys
