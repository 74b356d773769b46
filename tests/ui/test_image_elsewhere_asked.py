"""Sending a case whose photo is also in another patient's case asks first.

Found by an outside tester playing a nurse (training mode): a case file (``case import``, another program's
export) brought a retinograph already in another patient's case. The checklist said it, as a warning under
« Dossier complet : il peut partir », and « Envoyer à l'expert » sent it in one click: the expert would read
another patient's retina under this one's name, as with an image its device recorded for another patient or
a photo of an earlier session, which are asked about. It is asked now (« Vérifier les images » the default);
the nurse who knows it is this patient's sends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.model import CaseState
from app.store import Store
from tests.support.cases import EXAMPLE
from tests.support.french import fr_spaced
from tests.support.ui import activate, complete_case
from tests.ui.test_eye_side_confirm import (
    CHECK,
    asked,
    no_answer_left,  # noqa: F401 - (autouse: no question left to answer)
)

SEND = "C'est bien ce patient, envoyer"
TITLE = fr_spaced("Image d'un autre patient ?")


def test_sending_a_photo_also_in_another_patients_case_asks_first(
    qtbot: Any, window: Any, store: Store, tmp_path: Path
) -> None:
    martin = complete_case(store, tmp_path / "martin", seed=1)
    other = {**EXAMPLE["patient"], "family": "DURAND", "given": ["Jacques"], "ins": None, "local_id": "D-3001"}
    durand = complete_case(store, tmp_path / "durand", seed=1, patient=other)  # the same two photos
    activate(qtbot, window)
    window.open_case(durand)
    page = window.case_page
    panel = page.capture.ensure()
    try:
        assert not [f for f in page.findings if f.blocks_sending()]
        assert [f.field for f in page.findings if f.code == "image.elsewhere"] == ["images[0]", "images[1]"]

        # « Vérifier les images » (the default, and what Échap does): nothing leaves; the first photo's
        # « Supprimer » is at hand.
        seen = asked(CHECK)
        assert not page.send()
        assert len(seen) == 1, "asked once, naming both photos"
        title, words, default, escape = seen[0]
        assert (title, default, escape) == (TITLE, CHECK, CHECK)
        assert words.startswith(f"Image 1 : cette photo est aussi dans le dossier {martin[:8]} d'un autre patient")
        assert "Image 2 :" in words and "vous pouvez envoyer" in words
        assert store.state(durand) == CaseState.DRAFT
        assert panel.strip.current == store.get_case(durand).images[0].id
        assert window.focusWidget() is panel.labels.delete_button

        # She knows they are this patient's: the case goes.
        seen = asked(SEND)
        assert page.send()
        assert len(seen) == 1
        qtbot.waitUntil(lambda: store.state(durand) == CaseState.QUEUED, timeout=30_000)
    finally:
        page.capture.stop_camera()
