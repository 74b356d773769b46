"""Which views a case has and which are missing, per specialty (feeds the case validation).

Dermatology and wound care: a far view (where on the body) and a close-up (what it looks like)
are required; a medium view and dermoscopy are shown as optional. Ophthalmology: for each eye
examined (an eye appears in the images), a macula-centred field (required) and a disc-centred
field (the screening standard; shown, not enforced).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import language
from app.model import CaseImage
from capture.messages import CATALOGUE

_PHOTO_VIEWS = (("far", True), ("close-up", True), ("medium", False), ("dermoscopy", False))
_VIEW_ALIASES = {"closeup": "close-up", "close": "close-up", "close up": "close-up", "dermatoscopy": "dermoscopy",
                 "loin": "far", "proche": "close-up"}
_FIELD_ALIASES = {"papilla": "disc", "disk": "disc", "optic-disc": "disc", "papille": "disc", "fovea": "macula"}


@dataclass(frozen=True)
class ChecklistItem:
    """One view of the checklist: its label, whether an image gives it, whether it is required."""

    label: str
    present: bool
    required: bool = True
    key: str = ""  # stable: "view:far", "right:macula", "eye"
    missing_text: str = ""  # the sentence to show when it is missing

    @property
    def message(self) -> str:
        """The label when present, else what is missing (« œil gauche : … manquant »)."""
        return self.label if self.present else self.missing_text


def _text(key: str, lang: str) -> str:
    entry = CATALOGUE[key]
    return entry.get(lang) or entry["fr"]


def _normal(text: str, aliases: dict[str, str]) -> str:
    value = text.strip().lower()
    return aliases.get(value, value)


def view_checklist(specialty: str, images: list[CaseImage], lang: str | None = None) -> list[ChecklistItem]:
    """The checklist of views for ``specialty`` given the case's ``images``."""
    lang = lang if lang in ("fr", "en") else language()
    if specialty in ("dermatology", "wound-care"):
        views = {_normal(image.view, _VIEW_ALIASES) for image in images}
        items = []
        for view, required in _PHOTO_VIEWS:
            label = _text(f"view.{view}", lang)
            if not required:
                label = label.replace(" (facultative)", "").replace(" (optional)", "")
            missing = _text("missing-suffix-f", lang).format(label=label)
            items.append(ChecklistItem(label, view in views, required, f"view:{view}", missing))
        return items
    if specialty == "ophthalmology":
        eyes = [eye for eye in ("right", "left") if any(image.eye == eye for image in images)]
        if not eyes:
            label = _text("no-eye", lang)
            missing = _text("missing-suffix-f", lang).format(label=label)
            return [ChecklistItem(label, False, True, "eye", missing)]
        items = []
        for eye in eyes:
            fields = {_normal(image.view, _FIELD_ALIASES) for image in images if image.eye == eye}
            for field_name, required in (("macula", True), ("disc", False)):
                label = f"{_text(f'eye.{eye}', lang)} : {_text(f'field.{field_name}', lang)}"
                if lang == "en":
                    label = label.replace(" : ", ": ")
                missing = _text("missing-suffix", lang).format(label=label)
                items.append(ChecklistItem(label, field_name in fields, required, f"{eye}:{field_name}", missing))
        return items
    return []
