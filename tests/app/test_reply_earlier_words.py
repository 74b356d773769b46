"""A photo joined to a reply that looks taken in an earlier session is said in the reply's own words.

Found from outside (a nurse answering the training expert's question with a photo of 2007): the warning
under the reply's photo and the question before sending said « Image 1 : … sinon supprimez-la ». The case
already had an image 1 (another photo, shown in « Votre demande » just below), and the reply has no
« Supprimer »: its button is « Retirer ». The reply's photo is now named as the reply numbers it, « Photo 1
de la réponse », and « retirez-la » says the button she has.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from app import i18n
from app.case_record import CaseImage
from app.model import Case, Patient, iso, utc_now
from app.validation import reply_taken_earlier, taken_earlier

NOW = utc_now().replace(microsecond=0)


def _photo(days_ago: float, *, here: bool = False) -> CaseImage:
    moment = NOW - timedelta(days=days_ago)
    at = iso(moment) if here else moment.astimezone().isoformat(timespec="seconds")
    return CaseImage(body_site="Bras", captured_at=at, taken_here=here)


def _case() -> Case:
    return Case(
        question="Q",
        patient=Patient(family="N'Guessan", given=["Aya"]),
        images=[_photo(1), _photo(1)],
        created_at=iso(NOW - timedelta(days=1)),
    )


@pytest.fixture
def english() -> Iterator[None]:
    before = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.mark.parametrize("here", [False, True])
def test_the_reply_s_photo_is_named_as_the_reply_numbers_it_and_removed_not_deleted(here: bool) -> None:
    (found,) = reply_taken_earlier(_case(), [_photo(0.01), _photo(400, here=here)])
    assert found.message.startswith("Photo 2 de la réponse"), found.message
    assert "retirez-la" in found.message and "supprimez" not in found.message, found.message


def test_in_english_too(english: None) -> None:
    (found,) = reply_taken_earlier(_case(), [_photo(400)])
    assert found.message.startswith("Reply photo 1"), found.message
    assert "remove it" in found.message and "delete" not in found.message, found.message


def test_the_case_s_own_photo_keeps_its_words() -> None:
    case = _case()
    case.images.append(_photo(400))
    (found,) = taken_earlier(case)
    assert found.message.startswith("Image 3 :") and "supprimez-la" in found.message, found.message
