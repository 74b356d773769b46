"""The case's state is said once on its page: the platform's business status, when it only says the same
(« Reçue par la plateforme » under « État : reçu par la plateforme »), is not written under it again."""

from __future__ import annotations

from typing import Any

import pytest

from app import business_status
from app.db import transaction
from app.model import CaseState
from app.store import Store
from tests.support.french import fr_spaced
from tests.support.ui import sent_case, shown


@pytest.mark.parametrize(
    ("state", "code"),
    [(CaseState.RECEIVED, "received"), (CaseState.ACCEPTED, "accepted"), (CaseState.IN_PROGRESS, "in-progress")],
)
def test_a_business_status_that_repeats_the_state_is_not_shown_under_it(
    qtbot: Any, store: Store, state: CaseState, code: str
) -> None:
    case_id = sent_case(store, then=(state,))
    said = business_status.BusinessStatus("x", code).words()
    with transaction(store.conn) as conn:
        store.set_platform_words(conn, case_id, business_status=business_status.kept(said, code))
    view = shown(qtbot, store, case_id)
    assert view.state.text().startswith("État")
    assert said not in view.detail.text()


def test_a_business_status_that_says_more_is_shown(qtbot: Any, store: Store) -> None:
    case_id = sent_case(store, then=(CaseState.RECEIVED, CaseState.IN_PROGRESS, CaseState.ON_HOLD))
    said = business_status.BusinessStatus("x", "question").words()
    with transaction(store.conn) as conn:
        store.set_platform_words(conn, case_id, business_status=business_status.kept(said, "question"))
        store.set_platform_words(conn, case_id, status_reason="Photo floue")
    view = shown(qtbot, store, case_id)
    assert said in view.detail.text() and "Photo floue" in view.detail.text()


def test_a_platform_reason_that_repeats_the_status_is_not_shown_again(qtbot: Any, store: Store) -> None:
    """Found by this session's passes: « L'expert demande un complément » then « Motif donné par la
    plateforme : Complément demandé par l'expert » (the training platform's words for a question): the
    same thing twice. A reason that says more is still shown."""
    case_id = sent_case(store, then=(CaseState.RECEIVED, CaseState.IN_PROGRESS, CaseState.ON_HOLD))
    said = business_status.BusinessStatus("x", "question").words()
    with transaction(store.conn) as conn:
        store.set_platform_words(conn, case_id, business_status=business_status.kept(said, "question"))
        store.set_platform_words(conn, case_id, status_reason="Complément demandé par l'expert")
    view = shown(qtbot, store, case_id)
    assert said in view.detail.text()
    assert "Motif donné par la plateforme" not in view.detail.text()
    with transaction(store.conn) as conn:
        store.set_platform_words(conn, case_id, status_reason="Complément demandé par l'expert : photo floue")
    view = shown(qtbot, store, case_id)
    assert (
        fr_spaced("Motif donné par la plateforme, dans ses propres mots : « WORDS »").replace(
            "WORDS", "Complément demandé par l'expert : photo floue"
        )
        in view.detail.text()
    )


def test_in_english_a_french_reason_repeating_the_status_is_not_shown(qtbot: Any, qapp: Any, store: Store) -> None:
    """Found by a nurse's day in English: under « The expert asks for more information », the training
    platform's French « Complément demandé par l'expert » still showed, mixed in silently. It says the
    status again (in the platform's language): not shown."""
    from ui.application import install_language

    case_id = sent_case(store, then=(CaseState.RECEIVED, CaseState.IN_PROGRESS, CaseState.ON_HOLD))
    with transaction(store.conn) as conn:
        store.set_platform_words(
            conn, case_id, business_status=business_status.kept("Question de l'expert", "question")
        )
        store.set_platform_words(conn, case_id, status_reason="Complément demandé par l'expert")
    install_language(qapp, "en")
    try:
        said = shown(qtbot, store, case_id).detail.text()
    finally:
        install_language(qapp, "fr")
    assert "The expert asks for more information" in said, said
    assert "Complément" not in said, said


def test_a_reason_in_the_platform_s_words_is_labelled_so(qtbot: Any, qapp: Any, store: Store) -> None:
    """A reason that says more (the training platform's refusal, in French) is shown in English as the
    platform's own words, quoted: not mixed silently into the English lines."""
    from ui.application import install_language

    case_id = sent_case(store, then=(CaseState.REJECTED,))
    reason = "Demande hors du champ de la télé-expertise : adresser le patient en consultation."
    with transaction(store.conn) as conn:
        store.set_platform_words(conn, case_id, status_reason=reason)
    install_language(qapp, "en")
    try:
        said = shown(qtbot, store, case_id).detail.text()
    finally:
        install_language(qapp, "fr")
    assert f"in its own words: “{reason}”" in said, said
    said = shown(qtbot, store, case_id).detail.text()
    assert fr_spaced("dans ses propres mots : « WORDS »").replace("WORDS", reason) in said, said
