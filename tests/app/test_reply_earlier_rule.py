"""Which photos joined to a reply are « taken in an earlier session » (``app.validation.reply_taken_earlier``):
the case's rule (``taken_earlier``), the case's images and the reply's compared together.

Found in review: the moment the case was begun counted even when its images gave their time. A nurse back
from a home visit at 14:00 begins the case with the photos she took there at 09:00; the expert asks for
another view, she had taken it at the visit too: joined to the reply, that photo of the case's own session
was asked about as « des heures avant », a previous patient's, where the same photo in the case is not. The
begun moment stands in only when none of the case's images gives a time. And a still taken with the reply's
camera hours before the reply's newest photo (a reply begun is kept for days) was never asked about, where a
case's still is (note 36: the reply may now be open in front of another patient); its words say it was
taken here, at the workstation's time.
"""

from __future__ import annotations

from datetime import timedelta

from app.case_record import CaseImage
from app.model import Case, Patient, iso, utc_now
from app.validation import EARLIER_PHOTO, reply_taken_earlier, taken_earlier

NOW = utc_now().replace(microsecond=0)


def _photo(at_hours_ago: float) -> CaseImage:
    """A camera's photo, its time with the workstation's zone (as an import keeps it)."""
    local = (NOW - timedelta(hours=at_hours_ago)).astimezone()
    return CaseImage(body_site="Dos", captured_at=local.isoformat(timespec="seconds"))


def _still(at_hours_ago: float) -> CaseImage:
    """A still taken with the camera in Teleavis: stored in UTC."""
    return CaseImage(body_site="Dos", captured_at=iso(NOW - timedelta(hours=at_hours_ago)), taken_here=True)


def _case(images: list[CaseImage], begun_hours_ago: float) -> Case:
    return Case(
        question="Q",
        patient=Patient(family="Dupont", given=["Anne"]),
        images=images,
        created_at=iso(NOW - timedelta(hours=begun_hours_ago)),
    )


def test_a_photo_of_the_case_s_own_session_is_not_asked_about_though_the_case_was_begun_later() -> None:
    case = _case([_photo(54)], begun_hours_ago=49)  # photos at the visit, the case begun 5 h later
    assert taken_earlier(case) == []
    assert reply_taken_earlier(case, [_photo(53.9)]) == []


def test_a_photo_older_than_the_case_s_images_is_asked_about() -> None:
    case = _case([_photo(54)], begun_hours_ago=49)
    (found,) = reply_taken_earlier(case, [_photo(30), _photo(24 * 400)])
    assert found.code == EARLIER_PHOTO and found.field == "reply.images[1].captured_at"


def test_the_begun_moment_stands_in_when_the_case_s_images_give_no_time() -> None:
    case = _case([CaseImage(body_site="Dos", captured_at=NOW.date().isoformat())], begun_hours_ago=49)
    (found,) = reply_taken_earlier(case, [_photo(24 * 30)])
    assert found.field == "reply.images[0].captured_at"


def test_a_photo_the_expert_asked_for_days_later_goes_without_a_question() -> None:
    case = _case([_photo(24 * 6)], begun_hours_ago=24 * 6)
    assert reply_taken_earlier(case, [_photo(0.1)]) == []
    assert reply_taken_earlier(case, [_still(0)]) == []


def test_a_reply_still_hours_before_the_reply_s_newest_photo_is_asked_about_as_a_still() -> None:
    case = _case([_photo(24 * 6)], begun_hours_ago=24 * 6)
    (found,) = reply_taken_earlier(case, [_still(5), _photo(0.1)])
    assert found.field == "reply.images[0].captured_at"
    assert "caméra dans Teleavis" in found.message and "carte" not in found.message, found.message
    here = (NOW - timedelta(hours=5)).astimezone()  # said at the workstation's time, not in UTC
    assert f"{here:%H:%M}" in found.message, found.message
