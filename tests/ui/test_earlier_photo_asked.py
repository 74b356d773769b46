"""A photo taken in an earlier session is in the checklist, and sending asks about it.

Found from outside (training mode): importing a photo whose camera wrote 19/07/2005 said « … a été prise le
19/07/2005… peut être d'un patient précédent » once, as a line under the capture panel; it was not in the
send checklist, and « Envoyer à l'expert » sent it without a question, unlike an image its device recorded
for another patient or an eye to check. It is a warning in the checklist now, and sending asks first
(« Vérifier les images » the default); the nurse who confirms sends.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from app import clock
from app.model import CaseState
from app.store import Store
from app.validation import EARLIER_PHOTO, validate_images
from tests.support.french import fr_spaced
from tests.support.ui import activate, complete_case
from tests.ui.test_capture_import_dates import camera_photo, earlier_today
from tests.ui.test_eye_side_confirm import (
    CHECK,
    asked,
    no_answer_left,  # noqa: F401 - (autouse: no question left to answer)
)

SEND = "C'est bien ce patient, envoyer"
TITLE = fr_spaced("Photo d'une séance précédente ?")


def case_with_a_photo_of_2005(store: Store, folder: Path) -> str:
    """The example case, its far photo taken a few minutes ago, its close-up by the same camera in 2005."""
    folder.mkdir(parents=True)
    camera_photo(
        folder, "dos-loin.jpg", earlier_today(clock.now().replace(tzinfo=None), minutes=5), "tests_22-canon_tags.jpg"
    )
    camera_photo(folder, "dos-proche.jpg", datetime(2005, 7, 19, 10, 12), "hdr_canon_hdr_YES.jpg")
    return complete_case(store, folder)


def test_a_photo_of_an_earlier_session_is_a_warning_in_the_checklist(store: Store, tmp_path: Path) -> None:
    case_id = case_with_a_photo_of_2005(store, tmp_path / "case")
    findings = validate_images(store.get_case(case_id))
    (earlier,) = [f for f in findings if f.code == EARLIER_PHOTO]
    assert earlier.field == "images[1].captured_at" and not earlier.blocks_sending()
    assert earlier.message.startswith("Image 2 : prise le 19/07/2005 10:12, des années avant les autres images")
    assert "patient précédent" in earlier.message


def test_sending_a_case_with_a_photo_of_an_earlier_session_asks_first(
    qtbot: Any, window: Any, store: Store, tmp_path: Path
) -> None:
    case_id = case_with_a_photo_of_2005(store, tmp_path / "case")
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    panel = page.capture.ensure()
    try:
        assert not [f for f in page.findings if f.blocks_sending()]
        said = [page.checklist.items.item(row).text() for row in range(page.checklist.items.count())]
        assert any("19/07/2005" in line and "patient précédent" in line for line in said), said

        # « Vérifier les images » (the default, and what Échap does): nothing leaves; the photo's
        # « Supprimer » is at hand.
        seen = asked(CHECK)
        assert not page.send()
        assert len(seen) == 1
        title, words, default, escape = seen[0]
        assert (title, default, escape) == (TITLE, CHECK, CHECK)
        assert words.startswith("Image 2 : prise le 19/07/2005 10:12")
        assert "vous pouvez envoyer" in words
        assert store.state(case_id) == CaseState.DRAFT
        assert window.focusWidget() is panel.labels.delete_button

        # She knows it is this patient's (an old photo joined to compare): it goes.
        seen = asked(SEND)
        assert page.send()
        assert len(seen) == 1
        qtbot.waitUntil(lambda: store.state(case_id) == CaseState.QUEUED, timeout=30_000)
    finally:
        page.capture.stop_camera()
