"""Cases whose images carry the verdict of older quality checks (``CaseImage.checks`` below ``CHECKS_VERSION``)."""

from __future__ import annotations

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
