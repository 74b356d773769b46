"""In the window, a DICOM whose device gave only the case's names is said at its import and asked about
before it leaves, as « Dossier de l'appareil » holds it unticked.

« Importer un fichier… » took the daughter's-names DICOM of her mother without a word (« Image de bonne
qualité. »), and « Envoyer à l'expert » sent it in one click. Its import now says the device gave the
names only, and sending asks first (checking is the default): the nurse confirms on the device.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.model import Case, CaseState, Patient
from app.store import Store
from app.validation import NAMES_ONLY
from tests.app.test_device_patient_unconfirmed import device_dicom
from tests.support.french import fr_spaced
from tests.support.ui import activate
from tests.ui.test_capture_panel import wait_images
from tests.ui.test_eye_side_confirm import (
    CHECK,
    asked,
    no_answer_left,  # noqa: F401 - (autouse: no question left to answer)
)
from tests.ui.test_other_patient_confirm import SEND, TITLE, retina_case_of, sophies_image

DAUGHTER = Patient(family="DUPONT", given=["Marie"], birth_date="1985-04-02", sex="female", local_id="D-2291")

SAID_AT_IMPORT = fr_spaced(
    "⚠ Image 1 : l'appareil l'a enregistrée pour DUPONT Marie, femme, sans date de naissance ni INS à comparer "
    "avec ceux du dossier : le nom seul ne dit pas que c'est ce patient (une mère et sa fille peuvent porter les "
    "mêmes noms). Vérifiez sur l'appareil qu'elle est bien la sienne, sinon supprimez-la."
)


def test_importing_a_dicom_of_her_names_only_says_so(qtbot: Any, panel: Any, store: Store, tmp_path: Path) -> None:
    case = Case(specialty="ophthalmology", patient=DAUGHTER)
    store.create_case(case, [])
    panel.set_case(store.get_case(case.id))
    hers = tmp_path / "hers.dcm"
    hers.write_bytes(device_dicom("DUPONT^Marie", "19850402", "F"))
    panel.import_files([hers])
    wait_images(qtbot, panel, 1)
    assert "DUPONT" not in panel.status.text() and "⚠" not in panel.status.text()

    mothers = tmp_path / "mothers.dcm"
    mothers.write_bytes(device_dicom("DUPONT^Marie", sex="F"))
    panel.import_files([mothers])
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and len(panel.case().images) == 2, timeout=30_000)
    assert panel.status.text().endswith(SAID_AT_IMPORT.replace("Image 1", "Image 2")), panel.status.text()

    # Several files at once: said after their count.
    again = [tmp_path / "a.dcm", tmp_path / "b.dcm"]
    again[0].write_bytes(device_dicom("DUPONT^Marie", sex="F"))
    again[1].write_bytes(device_dicom("DUPONT^Marie", "19850402", "F", patient_id="X"))
    panel.import_files(again)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and len(panel.case().images) == 4, timeout=30_000)
    assert panel.status.text() == "2 images importées. " + SAID_AT_IMPORT.replace("Image 1", "Image 3")


def test_sending_a_case_with_an_image_of_her_names_only_asks_first(qtbot: Any, window: Any, store: Store) -> None:
    from capture.pipeline import prepare_image_bytes

    data = device_dicom("DUPONT^Marie", sex="F")
    prepared = prepare_image_bytes(data, filename="OD.dcm", specialty="ophthalmology", patient=DAUGHTER)
    image = sophies_image(DAUGHTER)
    image.record.device_patient = prepared.device_patient
    image = type(image)(image.record, prepared.data)
    case_id = store.create_case(retina_case_of(DAUGHTER), [image])
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    panel = page.capture.ensure()
    try:
        assert not [f for f in page.findings if f.blocks_sending()]
        assert [f.code for f in page.findings].count(NAMES_ONLY) == 1
        seen = asked(CHECK)
        assert not page.send()
        assert seen == [
            (
                TITLE,
                fr_spaced(
                    "L'image 1 a été enregistrée par l'appareil au seul nom de DUPONT Marie, femme, sans date de "
                    "naissance ni INS à comparer avec ceux du dossier : le nom seul ne dit pas que c'est DUPONT Marie, "
                    "02/04/1985, la patiente du dossier (une mère et sa fille peuvent porter les mêmes noms).\n\n"
                    "Envoyée, l'expert lirait peut-être l'image d'un autre patient sous le nom de celui-ci. Vérifiez "
                    "sur l'appareil à qui elle appartient. Si elle n'est pas de ce patient, supprimez-la. Si c'est "
                    "bien lui, vous pouvez envoyer."
                ),
                CHECK,
                CHECK,
            )
        ]
        assert store.state(case_id) == CaseState.DRAFT
        assert window.focusWidget() is panel.labels.delete_button
        seen = asked(SEND)
        assert page.send()
        qtbot.waitUntil(lambda: store.state(case_id) == CaseState.QUEUED, timeout=30_000)
    finally:
        page.capture.stop_camera()


def test_an_ins_the_case_cannot_compare_is_not_said_missing() -> None:
    """Found in review: an INS the case has none to compare with leaves the image « names only »; the question
    named it (« INS 2 85 … ») and said in the same sentence « sans date de naissance ni INS »."""
    from app.model import CaseImage, DevicePatient
    from ui.other_patient_question import _names_only_lines

    mother = Patient(family="DUPONT", given=["Marie"], birth_date="1958-09-11", sex="female")
    image = CaseImage(device_patient=DevicePatient(name="DUPONT^Marie", sex="F", patient_id="285047512345607"))
    [line] = _names_only_lines(mother, [("1", image)], "DUPONT Marie")
    assert "INS 2\u00a085\u00a004\u00a075\u00a0123\u00a0456\u00a007" in line  # in its groups, as the report
    assert fr_spaced("sans date de naissance ni INS à comparer avec ceux du dossier :") in line
