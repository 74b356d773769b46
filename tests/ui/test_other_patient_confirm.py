"""An image its device recorded for another patient no longer leaves in one click.

Found from outside (a tester playing a nurse): a retinograph the device had filed under LEROY Sophie,
imported into MARTIN Paul's case, was said « à vérifier » in the checklist, and « Envoyer à l'expert »
queued it at once; joined to a reply to the expert, it was said nowhere and left with the reply. Both now
ask first, saying which image and that the device recorded it for another patient than the case's, what
to do (delete it, or send once the identity is checked); checking is the default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app import clock
from app.model import Case, CaseImage, CaseState, Consent, Patient
from app.outbox import Outbox
from app.store import NewImage, Store
from app.validation import OTHER_PATIENT
from tests.app.test_other_patient_said import sophies_retinograph
from tests.support.french import fr_spaced
from tests.support.ui import activate
from tests.ui.test_eye_side_confirm import (
    CHECK,
    RETINA_FORM,
    asked,
    no_answer_left,  # noqa: F401 - (autouse: no question left to answer)
    retinograph_in_a_reply,
)

SEND = "C'est bien ce patient, envoyer"
TITLE = fr_spaced("Image d'un autre patient ?")
WHAT_TO_DO = (
    "Envoyée, l'expert lirait l'image d'un autre patient sous le nom de celui-ci. Vérifiez sur l'appareil à qui "
    "elle appartient. Si elle n'est pas de ce patient, supprimez-la. Si c'est bien lui (un nom mal saisi sur "
    "l'appareil), vous pouvez envoyer."
)


def sophies_image(patient: Patient | None) -> NewImage:
    """The right eye's macula field, the DICOM the device recorded for LEROY Sophie, prepared as its import
    does for the case of ``patient`` (compared with nobody when None: the identity not typed yet)."""
    from capture.pipeline import prepare_image_bytes

    prepared = prepare_image_bytes(sophies_retinograph(), filename="OD.dcm", specialty="ophthalmology", patient=patient)
    record = CaseImage(
        eye="right",
        view="macula",
        modality="OP",
        content_type=prepared.content_type,
        width=prepared.width,
        height=prepared.height,
        quality=list(prepared.quality),
        device_patient=prepared.device_patient,
    )
    return NewImage(record, prepared.data)


def retina_case_of(patient: Patient) -> Case:
    """``patient``'s retinography, complete but for its images: the left eye cannot be photographed."""
    return Case(
        specialty="ophthalmology",
        question="Rétinopathie diabétique ?",
        summary="Diabète depuis 12 ans.",
        patient=patient,
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
        form=dict(RETINA_FORM),
        single_eye_reason="énucléation de l'œil gauche",
    )


def pauls_case_with_sophies_image(store: Store) -> str:
    """MARTIN Paul's retinography, complete: his left eye cannot be photographed, his right eye's image is
    the DICOM the device recorded for LEROY Sophie, with the checks of its import."""
    paul = Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male", local_id="D-2291")
    return store.create_case(retina_case_of(paul), [sophies_image(paul)])


def test_sending_a_case_with_another_patients_image_asks_first(qtbot: Any, window: Any, store: Store) -> None:
    case_id = pauls_case_with_sophies_image(store)
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    panel = page.capture.ensure()
    try:
        assert not [f for f in page.findings if f.blocks_sending()]
        assert [f.code for f in page.findings].count(OTHER_PATIENT) == 1

        # « Vérifier les images » (the default, and what Échap does): nothing leaves; the image's
        # « Supprimer » is at hand.
        seen = asked(CHECK)
        assert not page.send()
        expected = (
            "L'image 1 a été enregistrée par l'appareil pour LEROY Sophie, 14/07/1988, femme, et non pour MARTIN "
            "Paul, 03/02/1950, le patient du dossier.\n\n" + WHAT_TO_DO
        )
        assert seen == [(TITLE, expected, CHECK, CHECK)]
        assert store.state(case_id) == CaseState.DRAFT
        assert window.focusWidget() is panel.labels.delete_button

        # The identity checked on the device (a name mistyped there): it goes.
        seen = asked(SEND)
        assert page.send()
        assert len(seen) == 1
        qtbot.waitUntil(lambda: store.state(case_id) == CaseState.QUEUED, timeout=30_000)
    finally:
        page.capture.stop_camera()


def test_a_reply_with_another_patients_image_asks_before_it_goes(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    from PySide6.QtCore import Qt

    # Taken now, as the case's photos on hold: acquired on a fixed day, the retinograph became « a photo of an
    # earlier session » once the clock passed that day by three hours, and its question came as well.
    now = clock.now().replace(tzinfo=None).strftime("%Y%m%d%H%M%S")
    case_id, view, field, _check = retinograph_in_a_reply(
        qtbot, store, tmp_path, "OD.dcm", sophies_retinograph(now), "Voici l'œil droit demandé."
    )
    field.setCurrentIndex(field.findData("right"))  # the eye its device recorded: nothing else to ask

    def replies() -> list[Any]:
        return [m for m in Outbox(store).messages(case_id) if m.direction != "from-expert"]

    seen = asked(CHECK)
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    title, words, default, escape = seen[0]
    assert (title, default, escape) == (TITLE, CHECK, CHECK)
    assert words.startswith("L'image 1 (OD.dcm) a été enregistrée par l'appareil pour LEROY Sophie, 14/07/1988, femme")
    assert words.endswith(WHAT_TO_DO)
    assert replies() == [] and len(view._reply_images) == 1
    assert view.reply.toPlainText() == "Voici l'œil droit demandé."

    seen = asked(SEND)
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    assert len(replies()) == 1


def test_the_images_findings_compare_its_device_with_the_identity_as_typed(
    qtbot: Any, window: Any, store: Store
) -> None:
    """Found from outside: Sophie's retinograph imported into a new case before its identity was typed, then
    MARTIN Paul typed: the checklist said another patient's image, the selected image's findings said
    nothing of it."""

    case_id = pauls_case_with_sophies_image(store)
    # As imported before the identity was typed: compared with nobody then, no finding of it.
    unchecked = sophies_image(None)
    assert not [f for f in unchecked.record.quality if f.check == "patient"]
    first = next(iter(store.images(case_id))).id
    store.replace_image(case_id, first, unchecked)
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    panel = page.capture.ensure()
    try:
        assert [f.code for f in page.findings].count(OTHER_PATIENT) == 1
        panel.select_image(unchecked.record.id)
        assert "L'appareil a enregistré cette image pour un autre patient" in panel.labels.findings.text()
    finally:
        page.capture.stop_camera()


def test_eight_images_of_one_other_patient_are_said_once_and_the_question_fits_the_screen(qtbot: Any) -> None:
    """Found at 150 % on a 1366 × 768 laptop: eight photos taken while the device was still on the patient
    before were said in eight paragraphs; the question was taller than the screen (562 of 512), its two
    buttons under the screen's edge."""
    from app.model import DevicePatient
    from ui.other_patient_question import send_despite_other_patient
    from ui.widgets import FRAME_GUESS

    martin = Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male")
    sophie = DevicePatient(name="LEROY^Sophie", birth_date="19880714", sex="F")
    someone = DevicePatient(name="DURAND^Luc", birth_date="19600101", sex="M")
    images = [(str(n), CaseImage(device_patient=sophie)) for n in range(1, 8)]
    images.append(("8", CaseImage(device_patient=someone)))
    seen = asked(CHECK)
    heights: list[int] = []

    def measure() -> None:
        from PySide6.QtWidgets import QApplication

        box = QApplication.activeModalWidget()
        if box is not None and not heights:
            heights.append(box.sizeHint().height())

    from PySide6.QtCore import QTimer

    timer = QTimer(interval=10)
    timer.timeout.connect(measure)
    timer.start()
    try:
        assert not send_despite_other_patient(None, martin, images)  # type: ignore[arg-type]
    finally:
        timer.stop()
    assert len(seen) == 1
    assert seen[0][1] == (
        "Les images 1, 2, 3, 4, 5, 6 et 7 ont été enregistrées par l'appareil pour LEROY Sophie, 14/07/1988, "
        "femme, et non pour MARTIN Paul, 03/02/1950, le patient du dossier.\n\n"
        "L'image 8 a été enregistrée par l'appareil pour DURAND Luc, 01/01/1960, homme, et non pour MARTIN "
        "Paul, 03/02/1950, le patient du dossier.\n\n" + WHAT_TO_DO
    )
    # The room 1366 × 768 leaves at 150 % (911 × 512, under a title bar).
    assert heights and heights[0] <= 512 - FRAME_GUESS[1], heights
