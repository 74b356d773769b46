"""The views (or retina fields) a case must show: the one rule behind the capture panel's
« Vues attendues », the window's checklist and ``case send``.

Each specialty's form says which views its expert wants and which are required (the
``expected-view`` extension of ``resources/forms/<specialty>.json``, read by ``app.forms``):

- dermatology: a far view (where on the body) and a close-up (what it looks like) are required;
  a medium view and dermoscopy are welcome. Dermoscopy adds to the close-up, it never stands in
  for it: the expert needs the clinical look of the lesion too.
- wound care: far view and close-up required, medium view welcome.
- ophthalmology (diabetic retinopathy screening): the fields are per eye; each eye needs its
  macula-centred field (whatever a form says, it is never optional), the disc-centred one is
  advised (a warning when missing, app/validation.py). An
  eye with no retinograph at all is missing unless the case says why only one eye can be
  photographed (``Case.single_eye_reason``, e.g. an enucleated eye).

A view is read from what the user or the device typed: the canonical names (``far``,
``close-up``…, ``macula``, ``disc``) and the usual French and English words for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app import forms
from app import messages as M
from app.model import DERMATOLOGY_VIEWS, EYES, RETINA_VIEWS, CaseImage, Specialty

#: Specialties whose images are retinographs, labelled by eye and field.
PER_EYE: frozenset[str] = frozenset({Specialty.OPHTHALMOLOGY.value})
#: The retina field no eye may go without.
ALWAYS_REQUIRED_FIELD = "macula"

_ALIASES: dict[str, str] = {
    # photographs
    "loin": "far",
    "éloignée": "far",
    "eloignee": "far",
    "vue éloignée": "far",
    "vue eloignee": "far",
    "far view": "far",
    "overview": "far",
    "vue d'ensemble": "far",
    "moyenne": "medium",
    "intermédiaire": "medium",
    "intermediaire": "medium",
    "vue intermédiaire": "medium",
    "vue intermediaire": "medium",
    "medium view": "medium",
    "proche": "close-up",
    "rapprochée": "close-up",
    "rapprochee": "close-up",
    "vue rapprochée": "close-up",
    "vue rapprochee": "close-up",
    "gros plan": "close-up",
    "closeup": "close-up",
    "close": "close-up",
    "close up": "close-up",
    "close_up": "close-up",
    "close-up view": "close-up",
    "dermatoscopy": "dermoscopy",
    "dermoscopie": "dermoscopy",
    "dermatoscopie": "dermoscopy",
    # retina fields
    "papille": "disc",
    "papilla": "disc",
    "disk": "disc",
    "optic disc": "disc",
    "optic-disc": "disc",
    "disc-centred": "disc",
    "disc centred": "disc",
    "centrée sur la papille": "disc",
    "fovea": "macula",
    "fovéa": "macula",
    "macular": "macula",
    "maculaire": "macula",
    "macula-centred": "macula",
    "macula centred": "macula",
    "centrée sur la macula": "macula",
}

M.add(
    {
        "views.far": {"fr": "vue éloignée (localisation)", "en": "far view (location)"},
        "views.medium": {"fr": "vue intermédiaire", "en": "medium view"},
        "views.close-up": {"fr": "vue rapprochée", "en": "close-up view"},
        "views.dermoscopy": {"fr": "dermoscopie", "en": "dermoscopy"},
        "views.macula": {"fr": "champ centré sur la macula", "en": "macula-centred field"},
        "views.disc": {"fr": "champ centré sur la papille", "en": "disc-centred field"},
        "views.eye.right": {"fr": "œil droit", "en": "right eye"},
        "views.eye.left": {"fr": "œil gauche", "en": "left eye"},
        "views.eye_field": {"fr": "{eye} : {field}", "en": "{eye}: {field}"},
        "views.missing_f": {"fr": "{label} manquante", "en": "{label} missing"},
        "views.missing_m": {"fr": "{label} manquant", "en": "{label} missing"},
    }
)

#: Grammatical gender of each view's French name (« vue … manquante », « champ … manquant »).
_FEMININE = frozenset({"far", "medium", "close-up", "dermoscopy"})


def canonical(view: str) -> str:
    """The view's canonical name: ``"Proche"`` → ``close-up``, ``"papille"`` → ``disc``; free text
    comes back trimmed and in lower case."""
    value = " ".join(view.strip().lower().split())
    return _ALIASES.get(value, value)


def rules(specialty: str) -> tuple[tuple[str, bool], ...]:
    """The views ``specialty`` expects, each with whether it is required, in the form's order."""
    try:
        declared = forms.expected_views(specialty)
    except ValueError:  # not a specialty the app has a form for: no view to expect
        return ()
    if specialty not in PER_EYE:
        return declared
    fields = {view: required for view, required in declared}
    fields[ALWAYS_REQUIRED_FIELD] = True
    order = [ALWAYS_REQUIRED_FIELD] + [view for view, _ in declared if view != ALWAYS_REQUIRED_FIELD]
    return tuple((view, fields[view]) for view in order)


def offered_views(specialty: str) -> tuple[str, ...]:
    """The views a nurse is offered for an image of ``specialty``: a retinograph's fields, else the photo views
    its form expects (a wound's form expects no dermoscopy: it was offered, and asked for, all the same), or all
    of them for a specialty whose form names none. An image labelled otherwise keeps its label."""
    if specialty in PER_EYE:
        return RETINA_VIEWS
    expected = {view for view, _ in rules(specialty)}
    return tuple(view for view in DERMATOLOGY_VIEWS if view in expected) or DERMATOLOGY_VIEWS


@dataclass(frozen=True)
class ExpectedView:
    """One view (or one eye's field) the expert expects, and whether the case's images give it."""

    view: str  # canonical: far, medium, close-up, dermoscopy, macula, disc
    eye: str | None  # right or left for retinographs
    required: bool
    present: bool

    @property
    def key(self) -> str:
        """Stable: ``view:far``, ``right:macula``."""
        return f"{self.eye}:{self.view}" if self.eye else f"view:{self.view}"

    @property
    def name(self) -> str:
        """The view's name in the user's language: « champ centré sur la macula »."""
        return M.tr(f"views.{self.view}") if f"views.{self.view}" in M.CATALOGUE else self.view

    @property
    def label(self) -> str:
        """What it is, in the user's language: « vue rapprochée », « œil gauche : champ centré sur la macula »."""
        if self.eye is None:
            return self.name
        return M.tr("views.eye_field", eye=M.tr(f"views.eye.{self.eye}"), field=self.name)

    @property
    def missing_text(self) -> str:
        """The sentence for it when it is missing: « vue rapprochée manquante »."""
        return M.tr("views.missing_f" if self.view in _FEMININE else "views.missing_m", label=self.label)


def photographed_eyes(images: Sequence[CaseImage]) -> list[str]:
    """The eyes (right first) that at least one image is labelled with."""
    return [eye for eye in EYES if any(image.eye == eye for image in images)]


def expected_views(specialty: str, images: Sequence[CaseImage], single_eye_reason: str = "") -> list[ExpectedView]:
    """Every view ``specialty`` expects for these images, present or not, in reading order.

    Retina fields are listed per eye: for both eyes, or, when only one eye is photographed and
    ``single_eye_reason`` says why, for that eye alone.
    """
    wanted = rules(specialty)
    if specialty not in PER_EYE:
        have = {canonical(image.view) for image in images}
        return [ExpectedView(view, None, required, view in have) for view, required in wanted]
    eyes = photographed_eyes(images)
    if not (len(eyes) == 1 and single_eye_reason.strip()):
        eyes = list(EYES)
    out: list[ExpectedView] = []
    for eye in eyes:
        have = {canonical(image.view) for image in images if image.eye == eye}
        out.extend(ExpectedView(view, eye, required, view in have) for view, required in wanted)
    return out


def missing_views(specialty: str, images: Sequence[CaseImage], single_eye_reason: str = "") -> list[ExpectedView]:
    """The required views no image gives yet (what blocks sending)."""
    return [view for view in expected_views(specialty, images, single_eye_reason) if view.required and not view.present]


__all__ = [
    "ALWAYS_REQUIRED_FIELD",
    "PER_EYE",
    "ExpectedView",
    "canonical",
    "expected_views",
    "missing_views",
    "photographed_eyes",
    "rules",
]
