"""A retinograph joined to a reply begun is asked its eye and field again when Teleavis is started again.

Found by a tester playing a nurse: she joined the left eye's macular field to her answer to the expert,
chose « Œil gauche » and « Centrée sur la macula », and Teleavis was stopped (killed). Reopened, the
case's reply row asked « Localisation, ex. dos, talon droit » and « vue ? » for the retinograph, its eye
gone: the rows were built before the view knew which case it showed (no case yet after a start, else
the case shown before, whose body sites were offered too)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.store import Store
from tests.support.ui import shown
from tests.ui.test_eye_side_confirm import REAL_LEFT, retinograph_in_a_reply
from ui.choice_box import ChoiceBox
from ui.tasks import wait_writes


def test_a_retinograph_joined_to_a_reply_keeps_its_eye_and_field_after_a_restart(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    case_id, view, field, _check = retinograph_in_a_reply(
        qtbot, store, tmp_path, "OG.jpg", REAL_LEFT.read_bytes(), "Voici le champ maculaire de l'œil gauche."
    )
    field.setCurrentIndex(field.findData("left"))
    [chosen_field] = view.reply_places.views
    chosen_field.setCurrentIndex(chosen_field.findData("macula"))
    view.keep_draft()  # (what the draft's timer does a second after the last choice)
    assert wait_writes()

    again = shown(qtbot, store, case_id)  # Teleavis started again, the case opened

    assert len(again._reply_images) == 1
    [eye] = again.reply_places.fields
    assert isinstance(eye, ChoiceBox), "a retinograph's row asks its eye, not a body site"
    assert eye.currentData() == "left"
    [field_again] = again.reply_places.views
    assert field_again.currentData() == "macula"


def test_a_field_chosen_last_is_kept_as_the_eye_is(qtbot: Any, store: Store, tmp_path: Path, sync_runner: None) -> None:
    """The field (or a photo's view) chosen after the eye is kept by itself, as a choice of eye or a word typed
    is: it waited for the next one, and a crash in between lost it."""
    from app import reply_drafts

    case_id, view, field, _check = retinograph_in_a_reply(
        qtbot, store, tmp_path, "OG.jpg", REAL_LEFT.read_bytes(), "Voici le champ maculaire de l'œil gauche."
    )
    field.setCurrentIndex(field.findData("left"))
    view.keep_draft()
    assert wait_writes()
    [chosen_field] = view.reply_places.views
    chosen_field.setCurrentIndex(chosen_field.findData("macula"))  # the last choice, nothing typed after it

    def kept() -> bool:
        wait_writes()
        return [image.record.view for _name, image in reply_drafts.load_photos(store, case_id)] == ["macula"]

    qtbot.waitUntil(kept, timeout=15000)
