"""Cases for the case-record tests: realistic images, every specialty, answers with a PDF."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from app import db
from app.model import (
    Answer,
    Case,
    CaseImage,
    CaseState,
    Consent,
    Patient,
    QualityFinding,
    Treatment,
)
from app.store import NewImage, Store
from tests.support.ui import REQUESTER as SITE_REQUESTER

PASSPHRASE = "correct horse battery staple"
#: The requesting site of these records: a prison health unit.
REQUESTER = replace(SITE_REQUESTER, organization="Unité sanitaire de la maison d'arrêt de Fresnes")


@contextmanager
def opened_with_site(home: Path) -> Iterator[Store]:
    """The store of ``home``, its requesting site set."""
    with Store.open(home) as opened:
        opened.settings.set("site.requester", asdict(REQUESTER))
        yield opened


ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

FORMS: dict[str, dict[str, Any]] = {
    "dermatology": {
        "lesion-duration": "6 mois",
        "lesion-changed": True,
        "lesion-evolution": "growing",
        "phototype": "II",
        "melanoma-personal-history": False,
        "melanoma-family-history": True,
        "immunosuppression": False,
        "similar-lesions": 3,
    },
    "ophthalmology": {
        "diabetes-type": "type-2",
        "diabetes-duration": 12,
        "hba1c": 7.8,
        "hba1c-date": "2026-09-14",
        "visual-acuity-right": 0.8,
        "visual-acuity-left": 0.6,
        "pupils-dilated": True,
    },
    "wound-care": {
        "wound-cause": "venous-ulcer",
        "wound-duration": "3 semaines",
        "wound-length": 4.5,
        "wound-width": 3.0,
        "exudate": "moderate",
        "infection-signs": False,
    },
    "other": {
        "specialty-wanted": "Rhumatologie",
        "problem-duration": "2 ans",
        "seen-by-specialist": False,
        "details": "Gonflement des mains à l'effort.",
    },
}
SITES = {
    "dermatology": ("dos", None, "far"),
    "ophthalmology": ("", "right", "macula"),
    "wound-care": ("malléole interne gauche", None, "close-up"),
    "other": ("main droite", None, ""),
}


def jpeg(width: int, height: int, seed: int = 0, quality: int = 90) -> bytes:
    """A photograph-like JPEG: smooth shading with some grain, so it compresses like a real one."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack(
        [128 + 90 * np.sin(x / (37 + seed)), 120 + 80 * np.cos(y / 53), 110 + 60 * np.sin((x + y) / 71)], axis=-1
    )
    noisy = base + rng.normal(0, 9, (height, width, 3)).astype(np.float32)
    out = io.BytesIO()
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def make_case(
    store: Store,
    specialty: str = "dermatology",
    images: int = 2,
    size: tuple[int, int] = (640, 480),
    family: str = "LEFÈVRE",
    given: tuple[str, ...] = ("Hélène", "Françoise"),
    question: str = "Lésion pigmentée évolutive du dos : avis sur exérèse ?",
    image_data: list[bytes] | None = None,
) -> str:
    body_site, eye, view = SITES[specialty]
    case = Case(
        specialty=specialty,
        priority="urgent" if specialty == "wound-care" else "routine",
        question=question,
        summary="Apparue il y a 6 mois, saigne au contact.\nPas d'antécédent familial ; cœur et poumons : RAS.",
        patient=Patient(
            family=family,
            given=list(given),
            birth_date="1950-02-03",
            sex="female",
            ins="250028512345644",
            local_id="D-2291",
        ),
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Müller-Gaëlle"),
        treatments=[Treatment("Metformine 1000 mg", "1 cp matin et soir"), Treatment("Kardégic 75 mg")],
        form=dict(FORMS[specialty]),
    )
    new = []
    for n in range(images):
        data = image_data[n] if image_data else jpeg(*size, seed=n)
        with Image.open(io.BytesIO(data)) as im:
            width, height = im.size
        record = CaseImage(
            body_site=body_site,
            eye=("left" if n % 2 else eye) if eye else None,
            view=view,
            note=f"bord irrégulier n°{n + 1}",
            width=width,
            height=height,
            modality="OP" if specialty == "ophthalmology" else "XC",
            quality=[QualityFinding("sharpness", "warning", "Image un peu floue : refaites-la si possible.", 0.4, 0.5)]
            if n == 1
            else [],
        )
        new.append(NewImage(record, data, thumbnail=jpeg(160, 120, seed=n)))
    return store.create_case(case, new)


def move(store: Store, case_id: str, *states: CaseState) -> None:
    for state in states:
        store.transition(case_id, state)


def answer_pdf(pages: int = 2) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    for n in range(pages):
        c.drawString(72, 720, f"Compte rendu de l'expert, page {n + 1}")
        c.showPage()
    c.save()
    return out.getvalue()


def answer(
    store: Store,
    case_id: str,
    conclusion: str = "Naevus atypique : exérèse conseillée sous 3 mois.",
    pdf_pages: int = 2,
) -> Answer:
    """Take a queued-able case through sending to answered, with the expert's answer and PDF."""
    move(store, case_id, CaseState.READY)
    store.queue(case_id)
    move(store, case_id, CaseState.SENDING, CaseState.SENT)
    pdfs = [store.objects.put(answer_pdf(pdf_pages))] if pdf_pages else []
    result = Answer(
        conclusion=conclusion,
        expert="Dr Élise Béranger, dermatologue",
        issued=datetime(2026, 12, 1, 9, 30, tzinfo=UTC).isoformat(),
        follow_up_days=90,
        report_id="dr-1",
        pdf_blobs=pdfs,
    )
    with db.transaction(store.conn) as conn:
        store.transition(case_id, CaseState.ANSWERED, conn=conn, audit_action="answered")
        conn.execute("DELETE FROM outbox WHERE case_id=?", (case_id,))
        store.set_answer(conn, case_id, result)
    return result


def keep_artifact(source: Path, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / name
    shutil.copyfile(source, target)
    return target
