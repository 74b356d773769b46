"""Which photos the send checklist calls « taken hours before the case's other images » (a previous
patient's left on the camera's card): ``app.validation.taken_earlier``."""

from __future__ import annotations

from datetime import timedelta

from app.case_record import CaseImage
from app.model import Case, Patient, utc_now
from app.validation import EARLIER_PHOTO, taken_earlier


def _case(*taken: str) -> Case:
    images = [CaseImage(id=f"img-{n}", body_site="Dos", captured_at=when) for n, when in enumerate(taken)]
    return Case(question="Q", patient=Patient(family="Dupont", given=["Anne"]), images=images)


def test_a_photo_from_a_clock_set_in_the_future_does_not_make_the_others_look_earlier() -> None:
    # Found in review: a camera whose clock runs years ahead (the checklist's own « date dans le futur »)
    # became « the newest », and every photo taken today was said « peut-être d'un patient précédent :
    # supprimez-la », the right photos to delete and the wrong one kept.
    now = utc_now().replace(microsecond=0)
    today = (now - timedelta(minutes=10)).isoformat()
    also_today = (now - timedelta(minutes=5)).isoformat()
    ahead = (now + timedelta(days=400)).isoformat()
    findings = taken_earlier(_case(today, also_today, ahead))
    assert [f for f in findings if f.code == EARLIER_PHOTO] == []


def test_a_photo_of_an_earlier_session_is_still_said_beside_one_from_the_future() -> None:
    now = utc_now().replace(microsecond=0)
    findings = taken_earlier(
        _case(
            (now - timedelta(minutes=10)).isoformat(),
            (now - timedelta(days=30)).isoformat(),
            (now + timedelta(days=400)).isoformat(),
        )
    )
    assert [f.field for f in findings if f.code == EARLIER_PHOTO] == ["images[1].captured_at"]
