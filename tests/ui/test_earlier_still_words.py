"""The earlier-session question (a photo taken 3 h or more before the case's newest: ``app.validation``) said of
every photo « restée sur la carte de l'appareil », also of a still taken with the camera in Teleavis, which went
straight into this case and was never on a card (note 36). A still now says it was taken here (its time in the
workstation's zone: it is stored in UTC), and is still asked about (a draft resumed hours later may be open in
front of another patient: found in review). A still records that it
was taken here (``CaseImage.taken_here``, sealed with its labels; an image stored before says nothing: asked as
before)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.case_record import CaseImage
from app.model import Case, Patient
from app.store import Store
from app.validation import EARLIER_PHOTO, taken_earlier
from capture.demo import DemoCamera
from ui import capture_work as work

NOW = datetime(2026, 12, 6, 13, 0, tzinfo=UTC)


def _still(at: datetime) -> CaseImage:
    return CaseImage(body_site="Dos", captured_at=at.isoformat(timespec="seconds"), taken_here=True)


def _imported(at: datetime) -> CaseImage:
    local = at.astimezone(UTC).astimezone()  # (as an import keeps it: the camera's time with the zone here)
    return CaseImage(body_site="Dos", captured_at=local.isoformat(timespec="seconds"))


def _said(*images: CaseImage) -> list[str]:
    case = Case(question="Q", patient=Patient(family="Dupont", given=["Anne"]), images=list(images))
    return [f.message for f in taken_earlier(case) if f.code == EARLIER_PHOTO]


def test_a_still_taken_here_then_an_import_is_not_said_left_on_a_card(paris: None) -> None:
    (said,) = _said(_still(NOW - timedelta(hours=4)), _imported(NOW))
    assert said.startswith("Image 1 : prise avec la caméra dans Teleavis le 06/12/2026 10:00"), said
    assert "carte" not in said, said


def test_a_still_taken_here_is_said_in_the_workstation_s_day_and_summer_time(paris: None) -> None:
    """Its day too, not only its hour (found in review: the test read the day in UTC, failing west of it)."""
    (said,) = _said(_still(datetime(2026, 7, 6, 8, 0, tzinfo=UTC)), _imported(datetime(2026, 7, 6, 12, 30, tzinfo=UTC)))
    assert "Teleavis le 06/07/2026 10:00" in said, said  # Paris in summer: UTC+2


def test_a_still_taken_here_late_in_utc_is_said_on_the_next_day_in_noumea(noumea: None) -> None:
    (said,) = _said(
        _still(datetime(2026, 12, 6, 14, 0, tzinfo=UTC)), _imported(datetime(2026, 12, 6, 19, 0, tzinfo=UTC))
    )
    assert "Teleavis le 07/12/2026 01:00" in said, said


def test_two_stills_taken_here_hours_apart_are_asked_about_as_stills() -> None:
    """Found in review: a draft resumed hours later may be open in front of another patient; the still taken
    first is asked about (its words say where it was taken), as before the wording by origin."""
    (said,) = _said(_still(NOW - timedelta(hours=4)), _still(NOW))
    assert "caméra dans Teleavis" in said and "carte" not in said, said


def test_an_import_hours_before_a_still_is_still_said_left_on_a_card() -> None:
    (said,) = _said(_imported(NOW - timedelta(hours=4)), _still(NOW))
    assert "restée sur la carte de l'appareil" in said, said


def test_a_still_hours_before_stills_and_an_import_after_it_is_asked() -> None:
    said = _said(_still(NOW - timedelta(hours=5)), _still(NOW - timedelta(hours=1)), _imported(NOW))
    assert len(said) == 1 and "caméra dans Teleavis" in said[0], said


def test_a_still_taken_in_the_window_records_it_was_taken_here(store: Store) -> None:
    camera = DemoCamera(width=640, height=480)
    camera.open()
    case = Case(specialty="dermatology")
    store.create_case(case, [])
    work.keep_still(
        store,
        case.id,
        camera.frame_at(1.0),
        specialty="dermatology",
        device="démo",
        labels=work.Labels(body_site="dos"),
        replaces=None,
        anonymise=None,
    )
    (image,) = store.images(case.id)
    assert image.taken_here
    image.note = "changed"  # (labels edited later: still recorded)
    store.update_image_labels(case.id, image)
    (again,) = store.images(case.id)
    assert again.taken_here
