"""What a photo joined to a reply is called is kept apart from the language the window had then (found in
review): its note was stored as the window said it (« réponse à l'expert », or « answer to the expert » in an
English window), and a camera's still was named « Photo prise à HH:MM:SS » in the reply begun. The window in
the other language later, the report exported with `--lang`, showed the first one's words, and the platform
received whichever language was on. Stored in the platform's language (French), shown in the reader's."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import numpy as np

from app import reply_drafts
from app.report import build_report
from app.store import Store
from sync.mapping import media_resource
from tests.support.ui import send_reply_with_a_photo, shown


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).split())


def test_a_reply_photo_joined_in_english_is_noted_in_french_and_read_in_either(
    qtbot: Any, qapp: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    from tests.support.images import jpeg_bytes, skin_photo
    from tests.support.scripted_platform import on_hold_with_a_question
    from ui.application import install_language

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    photo = tmp_path / "dos.jpg"
    photo.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=41), quality=92))
    install_language(qapp, "en")
    try:
        view = shown(qtbot, store, case_id)
        send_reply_with_a_photo(qtbot, view, photo, "back", "Here is the photo.")
        assert not view.reply_problem.text(), view.reply_problem.text()
        english = _pdf_text(build_report(store, case_id, lang="en").pdf)
    finally:
        install_language(qapp, "fr")
    image = store.get_case(case_id).images[-1]
    assert image.note == "réponse à l'expert", "stored as the platform reads it, whatever the window's language"
    assert media_resource(image, 1, "Patient/p", "ServiceRequest/r")["note"][0] == {"text": "réponse à l'expert"}
    assert "answer to the expert" in english and "réponse à l'expert" not in english, english
    french = _pdf_text(build_report(store, case_id, lang="fr").pdf)
    assert "réponse à l'expert" in french and "answer to the expert" not in french, french

    # One stored by an English window before (its words as they were): read in French, sent in French.
    older = dataclasses.replace(image, note="answer to the expert")
    assert media_resource(older, 1, "Patient/p", "ServiceRequest/r")["note"][0] == {"text": "réponse à l'expert"}


def test_a_camera_photo_taken_in_english_is_named_in_french_in_a_french_window(
    qtbot: Any, qapp: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    from tests.support.images import skin_photo
    from tests.support.scripted_platform import on_hold_with_a_question
    from ui.application import install_language

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    frame = np.ascontiguousarray(np.asarray(skin_photo(1600, 1200, seed=43))[:, :, ::-1])  # (BGR, as a camera)
    install_language(qapp, "en")
    try:
        view = shown(qtbot, store, case_id)
        view.add_reply_still(lambda: frame, "USB camera")
        qtbot.waitUntil(lambda: len(view._reply_images) == 1, timeout=30_000)
        assert "Photo taken at" in view.reply_images.text(), view.reply_images.text()
    finally:
        install_language(qapp, "fr")
    (kept,) = [name for name, _image in reply_drafts.load_photos(store, case_id)]
    assert re.fullmatch(r"camera/\d{2}:\d{2}:\d{2}", kept), f"kept in no language: {kept!r}"

    again = shown(qtbot, store, case_id)  # the window opened again, in French: the reply begun read back
    said = again.reply_images.text()
    assert "Photo prise à" in said and "Photo taken at" not in said, said
