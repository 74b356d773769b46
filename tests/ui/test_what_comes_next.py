"""A case the platform has (sent, received, with the expert) says what comes next: the expert's answer
will come here, an alert will tell, and the date the answer is promised for when the platform gave one."""

from __future__ import annotations

from typing import Any

import pytest

from app.db import transaction
from app.model import CaseState
from app.store import Store
from tests.support.french import fr_spaced
from tests.support.ui import sent_case, shown

NEXT = "La réponse de l'expert arrivera ici, dans ce dossier"


@pytest.mark.parametrize("then", [(), (CaseState.RECEIVED,), (CaseState.RECEIVED, CaseState.ACCEPTED)])
def test_a_case_the_platform_has_says_what_comes_next(qtbot: Any, store: Store, then: tuple[CaseState, ...]) -> None:
    """Found from outside: « État : reçu par la plateforme » and nothing more; the nurse did not know
    whether to wait at the cart, call the platform, or look elsewhere for the answer."""
    view = shown(qtbot, store, sent_case(store, then=then))
    said = view.detail.text()
    assert NEXT in said and "une alerte vous préviendra" in said, said
    assert "promise" not in said  # no date given by the platform: none said


def test_the_date_the_answer_is_promised_for_is_said(qtbot: Any, store: Store) -> None:
    case_id = sent_case(store, then=(CaseState.RECEIVED,))
    with transaction(store.conn) as conn:
        store.set_due(conn, case_id, "2099-12-09T17:00:00+00:00")
    said = shown(qtbot, store, case_id).detail.text()
    assert NEXT in said and "Réponse promise pour le 09/12/2099" in said, said


def test_an_answered_case_or_a_draft_does_not_say_it(qtbot: Any, store: Store) -> None:
    from tests.support.ui import answered_case

    view = shown(qtbot, store, answered_case(store))
    assert NEXT not in view.detail.text()
    view = shown(qtbot, store, sent_case(store, then=(CaseState.RECEIVED, CaseState.ON_HOLD)))
    assert NEXT not in view.detail.text()  # the expert's question is what to read now


def test_a_promised_date_gone_by_is_said_so(qtbot: Any, store: Store) -> None:
    case_id = sent_case(store, then=(CaseState.RECEIVED,))
    with transaction(store.conn) as conn:
        store.set_due(conn, case_id, "2020-12-09T17:00:00+00:00")
    said = shown(qtbot, store, case_id).detail.text()
    assert "Réponse promise pour le 09/12/2020" in said and "elle n'est pas encore arrivée" in said, said


def test_what_comes_next_is_said_in_english(qtbot: Any, qapp: Any, store: Store) -> None:
    from ui.application import install_language

    case_id = sent_case(store, then=(CaseState.RECEIVED,))
    with transaction(store.conn) as conn:
        store.set_due(conn, case_id, "2099-12-09T17:00:00+00:00")
    install_language(qapp, "en")
    try:
        said = shown(qtbot, store, case_id).detail.text()
    finally:
        install_language(qapp, "fr")
    assert "The expert's answer will come here" in said and "Answer promised for 2099-12-09" in said, said


def _urgent_sent_case(store: Store) -> str:
    from app.case_record import Case, Consent, Patient

    case = Case(
        priority="urgent",
        patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03"),
        consent=Consent(given=True, recorded_by="Inf. Durand"),
        question="Ulcère de jambe creusant, fièvre : avis ?",
    )
    store.create_case(case, [])
    store.queue(case.id)
    for state in (CaseState.SENDING, CaseState.SENT, CaseState.RECEIVED):
        store.transition(case.id, state)
    return case.id


def test_an_urgent_case_says_what_to_do_if_the_patient_cannot_wait(qtbot: Any, store: Store) -> None:
    """Found by a nurse's day: an urgent case said « Vous n'avez rien d'autre à faire d'ici là », as if the
    expert's answer were an emergency service. It says whom to call if the patient cannot wait."""
    said = shown(qtbot, store, _urgent_sent_case(store)).detail.text()
    assert NEXT in said, said
    assert "rien d'autre à faire" not in said, said
    assert "le 15" in said and "de garde" in said, said
    routine = shown(qtbot, store, sent_case(store, then=(CaseState.RECEIVED,))).detail.text()
    assert "le 15" not in routine  # a routine case is not told of the emergency number


def test_an_urgent_case_says_it_in_english(qtbot: Any, qapp: Any, store: Store) -> None:
    from ui.application import install_language

    case_id = _urgent_sent_case(store)
    install_language(qapp, "en")
    try:
        said = shown(qtbot, store, case_id).detail.text()
    finally:
        install_language(qapp, "fr")
    assert "nothing else to do" not in said and "on-call" in said and "15" in said, said


def test_a_question_of_the_expert_says_what_to_do(qtbot: Any, store: Store) -> None:
    """Found by a nurse's day: « L'expert demande un complément » and nothing more above the reply box. The
    page says what to do: answer below, photos if need be, then send the reply."""
    view = shown(qtbot, store, sent_case(store, then=(CaseState.RECEIVED, CaseState.IN_PROGRESS, CaseState.ON_HOLD)))
    said = view.detail.text()
    assert "Répondez à l'expert ci-dessous" in said and fr_spaced("« Envoyer la réponse »") in said, said
    assert NEXT not in said


def test_the_words_above_the_reply_name_both_ways_to_add_photos(qtbot: Any, qapp: Any, store: Store) -> None:
    """Found in review: « Prendre une photo… » came beside « Ajouter des images… », but the words above the
    reply named only the file dialog: the nurse with the patient in the room was not told she could take the
    photo the expert asks for now. They name both buttons, as labelled, in either language."""
    from ui.application import install_language

    case_id = sent_case(store, then=(CaseState.RECEIVED, CaseState.IN_PROGRESS, CaseState.ON_HOLD))
    view = shown(qtbot, store, case_id)
    said = view.detail.text()
    for button in (view.add_images, view.take_photo):
        assert fr_spaced("« BUTTON »").replace("BUTTON", button.text()) in said, said
    install_language(qapp, "en")
    try:
        view = shown(qtbot, store, case_id)
        said = view.detail.text()
        for button in (view.add_images, view.take_photo):
            assert f"“{button.text()}”" in said, said
    finally:
        install_language(qapp, "fr")


def test_a_training_case_says_when_the_simulated_expert_answers(qtbot: Any, qapp: Any, store: Store) -> None:
    """Found from outside (a nurse's first day in training mode): sent, the case said « Answer promised for »
    a week later and « nothing else to do meanwhile »; the guide says the simulated expert answers about a
    minute after sending. She did not know whether to wait at the screen for a minute or for a week. A case at
    the training platform says when its simulated expert answers (or asks a question), from the setting."""
    from app.store import TRAINING
    from ui.application import install_language

    store.settings.set("sandbox.answer_after_s", 30.0)
    case_id = sent_case(store, then=(CaseState.RECEIVED,))
    with transaction(store.conn) as conn:
        store.set_due(conn, case_id, "2099-12-09T17:00:00+00:00")
    assert store.destination(case_id) == TRAINING and store.destination_now() == TRAINING
    said = shown(qtbot, store, case_id).detail.text()
    assert NEXT in said and fr_spaced("l'expert simulé répond (ou pose une question) environ 1 min") in said, said
    store.settings.set("sandbox.answer_after_s", 600.0)
    said = shown(qtbot, store, case_id).detail.text()
    assert "environ 11 min" in said, said
    install_language(qapp, "en")
    try:
        said = shown(qtbot, store, case_id).detail.text()
    finally:
        install_language(qapp, "fr")
    assert "the simulated expert answers (or asks a question) about 11 min after" in said, said


def test_a_case_for_the_real_platform_does_not_speak_of_a_simulated_expert(qtbot: Any, store: Store) -> None:
    from app.store import PLATFORM

    store.settings.set("platform.url", "https://plateforme.example/fhir")
    case_id = sent_case(store, then=(CaseState.RECEIVED,))
    assert store.destination(case_id) == PLATFORM
    said = shown(qtbot, store, case_id).detail.text()
    assert NEXT in said and "simulé" not in said, said


def test_a_long_wait_of_the_simulated_expert_is_said_in_hours(qtbot: Any, qapp: Any, store: Store) -> None:
    """Reviewed: the setting goes up to a week; « environ 10081 min » is no wait a nurse reads. Past an hour and a
    half, in hours."""
    from ui.application import install_language

    store.settings.set("sandbox.answer_after_s", 7 * 24 * 3600.0)
    case_id = sent_case(store, then=(CaseState.RECEIVED,))
    said = shown(qtbot, store, case_id).detail.text()
    assert "environ 168 h après l'envoi" in said and " min " not in said, said
    store.settings.set("sandbox.answer_after_s", 3600.0)
    assert "environ 61 min après" in shown(qtbot, store, case_id).detail.text()
    store.settings.set("sandbox.answer_after_s", 2 * 3600.0)
    install_language(qapp, "en")
    try:
        said = shown(qtbot, store, case_id).detail.text()
    finally:
        install_language(qapp, "fr")
    assert "about 2 h after sending" in said, said
