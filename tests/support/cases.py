"""The example case file of docs/cli.md, with real images written beside it; a photo as the store takes it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.model import CaseImage
from app.store import NewImage
from tests.support.cli import write_json
from tests.support.images import fundus_photo, jpeg_bytes, skin_photo

if TYPE_CHECKING:
    from capture.pipeline import PreparedImage

EXAMPLE: dict[str, Any] = {
    "specialty": "dermatology",
    "priority": "routine",
    "question": "Lésion pigmentée évolutive du dos : avis sur exérèse ?",
    "summary": "Apparue il y a 6 mois, saigne au contact, pas d'antécédent familial.",
    "patient": {
        "family": "MARTIN",
        "given": ["Paul"],
        "birth_date": "1950-02-03",
        "sex": "male",
        "ins": "150028512345615",
        "local_id": "D-2291",
    },
    "consent": {"given": True, "date": "2026-11-20", "recorded_by": "Inf. Durand"},
    "treatments": [{"name": "Metformine 1000 mg", "dosage": "1 cp matin et soir"}],
    "form": {"lesion-duration": "6 mois", "lesion-changed": True},
    "images": [
        {"file": "dos-loin.jpg", "body_site": "dos", "view": "far"},
        {"file": "dos-proche.jpg", "body_site": "dos", "view": "close-up", "note": "bord irrégulier"},
    ],
}

#: Answers that complete the dermatology form (its required items).
DERMATOLOGY_FORM = {
    "lesion-duration": "6 mois",
    "lesion-changed": True,
    "phototype": "III",
    "melanoma-personal-history": False,
    "melanoma-family-history": False,
    "immunosuppression": False,
}


def example_case(folder: Path, *, complete_form: bool = True, seed: int = 0, **changes: Any) -> Path:
    """Write the docs/cli.md example (optionally changed) and its two JPEGs into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    doc = copy.deepcopy(EXAMPLE)
    if complete_form:
        doc["form"] = dict(DERMATOLOGY_FORM)
    doc.update(changes)
    for i, image in enumerate(doc.get("images", [])):
        path = folder / image["file"]
        if not path.exists():
            path.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=seed * 10 + i)))
    return write_json(folder / "case.json", doc)


def retina_case(folder: Path, *, eyes: tuple[str, ...] = ("right", "left"), **changes: Any) -> Path:
    """A retinography case file: for each of ``eyes``, a macula-centred and a disc-centred field
    (what the screening form asks for), with the images written beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    images = []
    for n, eye in enumerate(eyes):
        for field in ("macula", "disc"):
            name = f"{eye}.jpg" if field == "macula" else f"{eye}-{field}.jpg"
            (folder / name).write_bytes(jpeg_bytes(fundus_photo(1400, seed=2 * n + len(images), eye=eye, field=field)))
            images.append({"file": name, "eye": eye, "view": field})
    doc = copy.deepcopy(EXAMPLE)
    doc.update(
        specialty="ophthalmology",
        question="Rétinopathie diabétique ?",
        form={
            "diabetes-type": "type-2",
            "diabetes-duration": 12,
            "hba1c": 7.4,
            "visual-acuity-right": 0.8,
            "visual-acuity-left": 0.7,
            "pupils-dilated": False,
        },
        images=images,
    )
    doc.update(changes)
    return write_json(folder / "case.json", doc)


def back_photo(prepared: PreparedImage, n: int) -> NewImage:
    """The ``n``-th photo of a lesion of the back as the store takes it: the first from afar, the
    others close up, with the checks made when it was prepared."""
    record = CaseImage(
        body_site="dos",
        view="far" if n == 0 else "close-up",
        content_type=prepared.content_type,
        width=prepared.width,
        height=prepared.height,
        quality=prepared.quality,
    )
    return NewImage(record, prepared.data, prepared.thumbnail)
