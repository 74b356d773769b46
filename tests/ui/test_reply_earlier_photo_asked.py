"""A photo of an earlier session joined to a reply is asked about before it goes, as a case's is.

Found from outside (a GP's training case, real camera files): the expert asked for a dermoscopy; the
photo joined with « Ajouter des images… » had been taken in 2001 by its camera (« exif-org_nikon-e950.jpg »),
years before the case was begun: perhaps a previous patient's, left on the card. Its row said only
« Image de faible définition », and « Envoyer la réponse » sent it at once, where the same photo imported
into a case is in the checklist and « Envoyer à l'expert » asks first (« Photo d'une séance précédente ? »,
« Vérifier les images » the default). The reply asks the same now; a photo taken today goes without a word.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from app import clock
from app.outbox import Outbox
from app.store import Store
from tests.app.test_earlier_photo_said import camera_photo
from tests.support.french import fr_spaced
from tests.support.ui import shown, type_text
from tests.ui.test_eye_side_confirm import (
    CHECK,
    asked,
    no_answer_left,  # noqa: F401 - (autouse: no question left to answer)
)

TITLE = fr_spaced("Photo d'une séance précédente ?")  # (the window's French: a no-break space before « ? »)
SEND = "C'est bien ce patient, envoyer"


def _reply_with(qtbot: Any, store: Store, tmp_path: Path, taken: datetime) -> tuple[str, Any]:
    """A dermatology case on hold with the expert's question, shown, its reply typed with a photo its camera
    took at ``taken`` joined and placed: the case's id and the view."""
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1, "dermatology")
    path = tmp_path / "dermoscopie.jpg"
    camera_photo(path, taken, "hdr_canon_hdr_YES.jpg")
    view = shown(qtbot, store, case_id)
    view.add_reply_files([path])
    assert len(view._reply_images) == 1, view.reply_problem.text()
    [site] = view.reply_places.fields
    [chosen] = view.reply_places.views
    site.setText("coude gauche")
    chosen.setCurrentIndex(chosen.findData("dermoscopy"))
    type_text(view.reply, "Voici la dermoscopie.")
    return case_id, view


def _replies(store: Store, case_id: str) -> list[Any]:
    return [m for m in Outbox(store).messages(case_id) if m.direction != "from-expert"]


def test_a_photo_taken_years_before_the_case_is_asked_about_before_the_reply_goes(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    from PySide6.QtCore import Qt

    case_id, view = _reply_with(qtbot, store, tmp_path, datetime(2001, 4, 5, 10, 12))
    said = view.reply_images.text()
    assert "1. dermoscopie.jpg — ⚠ Photo 1 de la réponse : prise le 05/04/2001 10:12, des années avant" in said, said
    assert "bonne qualité" not in said
    seen = asked(CHECK)
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    assert len(seen) == 1, seen
    title, words, default, escape = seen[0]
    assert (title, default, escape) == (TITLE, CHECK, CHECK)
    assert "05/04/2001 10:12" in words and "patient précédent" in words
    assert _replies(store, case_id) == [] and len(view._reply_images) == 1
    assert view.reply.toPlainText() == "Voici la dermoscopie."

    seen = asked(SEND)
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    assert len(_replies(store, case_id)) == 1


def test_a_photo_taken_today_goes_without_a_question(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    from PySide6.QtCore import Qt

    now = clock.now().replace(tzinfo=None)
    case_id, view = _reply_with(qtbot, store, tmp_path, max(now - timedelta(minutes=2), now.replace(hour=0)))
    assert view.reply_images.text().endswith("1. dermoscopie.jpg — bonne qualité")
    seen = asked(CHECK)
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    assert seen == []
    assert len(_replies(store, case_id)) == 1


def test_a_still_taken_with_the_reply_s_camera_records_it_was_taken_here(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found in review: a still of the reply's camera was not marked taken here, as a case's is: the reply's
    earlier-session question (a reply begun is kept for days) would have said it « restée sur la carte de
    l'appareil », its time in UTC."""
    import numpy as np

    from app import reply_drafts
    from tests.support.images import skin_photo
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1, "dermatology")
    frame = np.ascontiguousarray(np.asarray(skin_photo(800, 600, seed=7))[:, :, ::-1])  # (BGR, as a camera)
    view = shown(qtbot, store, case_id)
    view.add_reply_still(lambda: frame, "USB camera")
    qtbot.waitUntil(lambda: len(view._reply_images) == 1, timeout=30_000)
    assert view._reply_images[0].record.taken_here
    ((_name, kept),) = reply_drafts.load_photos(store, case_id)  # the reply begun, read back
    assert kept.record.taken_here


def test_a_low_definition_photo_of_an_earlier_session_says_both_on_its_row(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found in review: a photo with a warning of its own (« tests_45-gps_ifd.jpg », 2012: its exposure) had
    its row say that alone, the earlier session only in the question, as the « faible définition » of the
    2001 photo found from outside would have been."""
    import shutil

    from tests.app.test_earlier_photo_said import REAL
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1, "dermatology")
    path = tmp_path / "tests_45-gps_ifd.jpg"
    shutil.copy(REAL / path.name, path)
    view = shown(qtbot, store, case_id)
    view.add_reply_files([path])
    qtbot.waitUntil(lambda: len(view._reply_images) == 1, timeout=30_000)
    said = view.reply_images.text()
    assert "prise le 23/06/2012 06:55, des années avant" in said, said
    assert "1. tests_45-gps_ifd.jpg — ⚠ Image trop claire ou reflet du flash" in said, said


def test_a_photo_of_an_earlier_session_is_still_said_on_its_row_once_teleavis_is_opened_again(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found from outside (a nurse's reply begun, Teleavis closed and opened again under Xvfb): the photo of
    2007 her row had said « des années avant les autres images » came back « bonne qualité », and
    « Envoyer la réponse » then asked « Photo d'une séance précédente ? » about a photo the row called good.
    The rows of the reply kept were written before the case was the view's (no case yet at a start)."""
    from app import reply_drafts

    case_id, _view = _reply_with(qtbot, store, tmp_path, datetime(2001, 4, 5, 10, 12))
    assert len(reply_drafts.load_photos(store, case_id)) == 1, "kept as soon as joined"
    again = shown(qtbot, store, case_id)  # the window opened again: the reply begun comes back
    assert len(again._reply_images) == 1
    said = again.reply_images.text()
    assert "1. dermoscopie.jpg — ⚠ Photo 1 de la réponse : prise le 05/04/2001 10:12, des années avant" in said, said
    assert "bonne qualité" not in said
