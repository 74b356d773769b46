"""Cases for the sync tests, built through the store (no capture layer) with real JPEG bytes."""

from __future__ import annotations

import io
import random
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from PIL import Image

from app.model import Case, CaseImage, Consent, Patient, Treatment
from app.store import NewImage, Store
from sync.auth import StaticToken
from sync.client import ClientConfig, PlatformClient, RetryPolicy
from sync.engine import Engine
from tests.support.ui import REQUESTER

FORMS: dict[str, dict[str, Any]] = {
    "dermatology": {
        "lesion-duration": "6 mois",
        "lesion-changed": True,
        "phototype": "III",
        "melanoma-personal-history": False,
        "melanoma-family-history": False,
        "immunosuppression": False,
        "similar-lesions": 2,
    },
    "ophthalmology": {
        "diabetes-type": "type-2",
        "diabetes-duration": 12,
        "hba1c": 7.4,
        "visual-acuity-right": 0.8,
        "visual-acuity-left": 0.6,
        "pupils-dilated": True,
        "hba1c-date": "2026-10-01",
    },
    "wound-care": {
        "wound-cause": "venous-ulcer",
        "wound-duration": "3 mois",
        "wound-length": 4.5,
        "wound-width": 2.0,
        "exudate": "moderate",
        "infection-signs": False,
    },
    "other": {"specialty-wanted": "rhumatologie", "problem-duration": "1 an", "seen-by-specialist": False},
}


def jpeg(width: int = 64, height: int = 48, seed: int = 0, noise: bool = False, quality: int = 85) -> bytes:
    """Real JPEG bytes; ``noise`` makes them incompressible (large files for the benchmarks)."""
    rng = random.Random(seed)
    if noise:
        image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    else:
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        image = Image.new("RGB", (width, height), colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def setup_site(store: Store) -> None:
    store.settings.set("site.requester", asdict(REQUESTER))


def new_case(
    specialty: str = "dermatology", *, ins: bool = True, images: int | None = None, local_id: str = "D-2291"
) -> Case:
    patient = Patient(
        family="MARTIN",
        given=["Paul"],
        birth_date="1950-02-03",
        sex="male",
        ins="150028512345615" if ins else None,
        local_id=local_id,
    )
    return Case(
        specialty=specialty,
        priority="routine",
        question="Lésion évolutive : avis ?",
        summary="Apparue il y a 6 mois, saigne au contact.",
        patient=patient,
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
        treatments=[Treatment("Metformine 1000 mg", "1 cp matin et soir")],
        form=dict(FORMS[specialty]),
    )


def image_records(specialty: str, count: int | None = None) -> list[CaseImage]:
    if specialty == "ophthalmology":
        records = [
            CaseImage(eye=eye, view=view, modality="OP", device="Retinograph NW400")
            for eye in ("right", "left")
            for view in ("macula", "disc")
        ]
    elif specialty == "wound-care":
        records = [
            CaseImage(body_site="jambe gauche", view="far"),
            CaseImage(body_site="jambe gauche", view="close-up", note="bords"),
        ]
    else:
        records = [
            CaseImage(body_site="dos", view="far", device="Phone"),
            CaseImage(body_site="dos", view="close-up", note="bord irrégulier"),
        ]
    if count is not None:
        records = [records[n % len(records)] for n in range(count)]
        records = [CaseImage(**{**asdict(r), "id": CaseImage().id, "quality": []}) for r in records]
    return records


def make_case(
    store: Store,
    specialty: str = "dermatology",
    *,
    images: int | None = None,
    seed: int = 0,
    image_bytes: list[bytes] | None = None,
    queue: bool = True,
    ins: bool = True,
    local_id: str = "D-2291",
    sizes: list[tuple[int, int]] | None = None,
) -> str:
    """A complete case stored (and queued) through the store; ``sizes``: the images' width and height as
    recorded (else 1 × 1 for ``image_bytes``)."""
    case = new_case(specialty, ins=ins, local_id=local_id)
    new_images = []
    for n, record in enumerate(image_records(specialty, images)):
        data = image_bytes[n] if image_bytes else jpeg(seed=seed * 100 + n)
        record.width, record.height = (64, 48) if not image_bytes else (record.width or 1, record.height or 1)
        if sizes:
            record.width, record.height = sizes[n]
        new_images.append(NewImage(record, data, None))
    case_id = store.create_case(case, new_images)
    if queue:
        store.queue(case_id)
    return case_id


#: Retries without the real waits: the tests' platform answers at once.
FAST = RetryPolicy(base_s=0.02, cap_s=0.2)


def client_for_url(base_url: str) -> PlatformClient:
    """A client of the platform at ``base_url`` (no token), retrying fast."""
    return PlatformClient(ClientConfig(base_url, 2.0, 10.0), StaticToken(None), policy=FAST)


@contextmanager
def engine_on(store: Store, base_url: str, *, case_budget_s: float = 10.0) -> Iterator[Engine]:
    """A sync engine for ``store`` on the platform at ``base_url`` (no token), retrying fast."""
    with client_for_url(base_url) as client:
        yield Engine(store, client, case_budget_s=case_budget_s)


def on_hold_with_a_question(store: Store, server: Any, client: PlatformClient) -> tuple[str, Engine]:
    """A case sent, and on hold with the expert's question (a sandbox whose expert asks on every case),
    with the engine that sent it."""
    from app.model import CaseState

    case_id = make_case(store)
    engine = Engine(store, client, case_budget_s=10.0)
    engine.run_once()
    server.expert.run_until_idle()
    engine.run_once()
    assert store.state(case_id) == CaseState.ON_HOLD
    return case_id, engine


def copy_of_three(sent_three: tuple[Path, list[tuple[str, str]]], where: Path) -> tuple[Path, list[tuple[str, str]]]:
    """A copy of ``sent_three``'s data folder under ``where`` (a new folder there each call: a hypothesis
    test copies it for each example), and the cases' (case, Task) ids."""
    template, cases = sent_three
    home = Path(tempfile.mkdtemp(dir=where)) / "home"
    shutil.copytree(template, home)
    return home, cases
