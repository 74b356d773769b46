"""Cases whose images carry the verdict of older quality checks (``CaseImage.checks`` below ``CHECKS_VERSION``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app.model import CaseImage, CaseState, QualityFinding
from app.store import NewImage, Store
from capture.pipeline import prepare_image_bytes
from tests.support.images import jpeg_bytes, skin_photo
from tests.sync.sync_helpers import image_records, new_case

#: What older checks said of a sharp, well-exposed photo: blurred, unusable (a verdict the checks of now no
#: longer give it: « a grey strip no longer read as a cut photo » and the like).
OLD_VERDICT = QualityFinding(
    check="sharpness", level="blocking", message="Photo floue : reprenez-la.", measure=3.1, threshold=2.2
)


def photos_checked_long_ago(specialty: str = "dermatology", *, level: str = "blocking") -> list[NewImage]:
    """The case's photos (sharp, well exposed, large enough), the first with :data:`OLD_VERDICT` (of
    ``level``), all of checks of version 0 (stored before the version was kept)."""
    images = []
    for n, record in enumerate(image_records(specialty)):
        prepared = prepare_image_bytes(
            jpeg_bytes(skin_photo(1280, 960, seed=n)), filename=f"{n}.jpg", specialty=specialty
        )
        record.content_type, record.width, record.height = prepared.content_type, prepared.width, prepared.height
        record.modality = prepared.modality
        old = QualityFinding(**{**OLD_VERDICT.__dict__, "level": level})
        record.quality = [old] if n == 0 else list(prepared.quality)
        record.checks = 0
        images.append(NewImage(record, prepared.data, prepared.thumbnail))
    return images


def case_checked_long_ago(store: Store, *, level: str = "blocking", then: tuple[CaseState, ...] = ()) -> str:
    """A complete dermatology case (a draft, or moved through ``then``) of :func:`photos_checked_long_ago`."""
    case = new_case("dermatology")
    store.create_case(case, photos_checked_long_ago(level=level))
    for state in then:
        if state == CaseState.QUEUED:
            store.queue(case.id)
        else:
            store.transition(case.id, state)
    return case.id


def verdicts(store: Store, case_id: str) -> list[tuple[list[QualityFinding], int]]:
    return [(image.quality, image.checks) for image in store.images(case_id)]


def first(store: Store, case_id: str) -> CaseImage:
    return next(iter(store.images(case_id)))


def small_photo_judged_good_long_ago(store: Store) -> str:
    """A draft whose first photo is a real camera's 600 × 450 one, too small for today's checks, that older
    checks judged « good » (version 0): its case's id."""
    small = (
        Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras" / "orientation_landscape_1.jpg"
    ).read_bytes()
    case_id = case_checked_long_ago(store, level="ok")
    prepared = prepare_image_bytes(small, filename="petite.jpg", specialty="dermatology")
    assert any(finding.level == "blocking" for finding in prepared.quality)  # too small, for today's checks
    record = first(store, case_id)
    old = replace(
        record,
        id=record.id + "-small",
        width=prepared.width,
        height=prepared.height,
        quality=[QualityFinding("resolution", "ok", "Résolution suffisante.")],
        checks=0,
        blob="",
        thumb_blob=None,
        size=0,
        sha1="",
    )
    store.replace_image(case_id, record.id, NewImage(old, prepared.data, prepared.thumbnail))
    return case_id
