"""A queued case this release's checklist refuses at its sending (queued by an older release) says why in its own
words on its page, and in its history, never as a platform's refusal: no platform saw it. So does one stopped at
its sending for a cause found on this computer (an image file missing or damaged here)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app import messages as M
from app.model import CaseState
from app.report_text import history_words
from app.store import Store
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import engine_on, make_case
from tests.sync.test_image_file_lost import lose


def test_a_case_stopped_by_the_checklist_at_its_sending_says_so_not_a_platform_refusal(
    qtbot: Any, store: Store, window: Any, tmp_path: Path
) -> None:
    case_id = make_case(store, queue=False)
    case = store.get_case(case_id)
    # Queued as an older release queued it: a consent without its date.
    case.consent = replace(case.consent, date="")
    store.update_case(case)
    store.queue(case_id)
    with (
        SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1) as sandbox,
        engine_on(store, sandbox.base_url) as engine,
    ):
        engine.run_once(poll=False)
    assert store.state(case_id) == CaseState.NEEDS_ATTENTION

    window.open_case(case_id)
    page = window.case_page
    assert page.attention.isVisible()
    text = page.attention.text()
    assert text.startswith(M.tr("sync.checklist_refused")), text
    assert M.tr("v.consent_date") in text
    assert "La plateforme a refusé" not in text
    said = "\n".join(history_words(event, "fr") for event in store.history(case_id))
    assert "contrôles de cette version" in said and "refusé par la plateforme" not in said, said


@pytest.mark.parametrize("how", ["missing", "damaged"])
def test_a_case_whose_image_file_is_lost_here_says_so_not_a_platform_refusal(
    qtbot: Any, store: Store, window: Any, tmp_path: Path, how: str
) -> None:
    """Found in review: the page framed every refusal not the platform's as « La plateforme a refusé le dossier :
    le fichier de l'image 3 est introuvable ou abîmé sur ce poste … », and its history said « refusé par la
    plateforme »: the nurse would call the platform, which never saw it. Said as what it is, found here."""
    case_id = make_case(store, images=3)  # (its far and close-up views without the third: the one lost)
    lose(store, store.get_case(case_id).images[2], how)
    with (
        SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1) as sandbox,
        engine_on(store, sandbox.base_url) as engine,
    ):
        engine.run_once(poll=False)
        assert sandbox.count("Task") == 0
    assert store.state(case_id) == CaseState.NEEDS_ATTENTION

    window.open_case(case_id)
    page = window.case_page
    assert page.attention.isVisible()
    text = page.attention.text()
    words = M.tr("sync.image_unreadable", n=3)
    assert text == words[:1].upper() + words[1:], text
    assert "La plateforme a refusé" not in text and "Le reste du dossier est intact" in text
    said = "\n".join(history_words(event, "fr") for event in store.history(case_id))
    assert "arrêté sur ce poste avant l'envoi" in said and "refusé par la plateforme" not in said, said
