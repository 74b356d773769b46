"""The image's view list of a wound case (ui/capture_labels.py) offers the wound-care form's views only: found by
testers, « Dermoscopie » was offered for a wound, whose expert expects none. An image already labelled
dermoscopy keeps its label, shown in words rather than lost."""

from __future__ import annotations

from typing import Any

from app.model import CaseImage
from ui.capture_labels import ImageLabels


def _offered(labels: ImageLabels) -> list[str]:
    return [str(labels.view.itemData(i)) for i in range(labels.view.count())]


def test_a_wound_case_offers_no_dermoscopy_and_keeps_one_already_labelled(qtbot: Any) -> None:
    labels = ImageLabels()
    qtbot.addWidget(labels)
    labels.set_specialty("wound-care")
    assert _offered(labels) == ["", "far", "medium", "close-up"]
    edited: list[CaseImage] = []
    labels.edited.connect(edited.append)
    labels.show_image(CaseImage(body_site="talon", view="dermoscopy"))
    assert labels.view.currentData() == "dermoscopy" and labels.view.currentText() == "Dermoscopie"
    assert edited == []  # shown, not changed
    labels.show_image(CaseImage(body_site="talon", view="far"))
    assert labels.view.currentText() == "Vue éloignée"
    # Back on a dermatology case, dermoscopy is offered as before.
    labels.set_specialty("dermatology")
    assert _offered(labels) == ["", "far", "medium", "close-up", "dermoscopy"]


def test_a_wound_s_reply_photo_is_offered_no_dermoscopy(qtbot: Any) -> None:
    """The same in a reply to the expert's question: a photo joined to a wound case is offered the form's views."""
    from app.store import NewImage
    from ui.reply_places import ReplyPlaces

    places = ReplyPlaces()
    qtbot.addWidget(places)
    images = [NewImage(CaseImage(body_site="talon"), b""), NewImage(CaseImage(view="dermoscopy"), b"")]
    places.show_images(images, "wound-care", {}, ["talon"])
    first, second = places.views
    assert [first.itemData(i) for i in range(first.count())] == ["", "far", "medium", "close-up"]
    assert "dermoscopie" not in first.toolTip()
    assert second.currentData() == "dermoscopy" and second.currentText() == "Dermoscopie"  # kept, in words
    places.show_images(images, "dermatology", {}, ["talon"])
    assert [places.views[0].itemData(i) for i in range(places.views[0].count())][-1] == "dermoscopy"
