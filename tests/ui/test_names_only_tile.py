"""An image's tile, and the selected image's findings, say when its device wrote the case's names only.

The import's line, the checklist and the question before sending said it (« Dossier de l'appareil » held
the file unticked), but the image's tile, what a nurse or a colleague opening the case later looks at,
read « ✓ Bonne qualité » in green: a mother's retinograph in her daughter's case looked like any other.
The tile now says it (« à vérifier », orange) and follows the identity as it is typed, as it says an
image its device recorded for another patient.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.store import Store
from app.validation import NAMES_ONLY, OTHER_PATIENT
from tests.app.test_device_patient_unconfirmed import device_dicom
from tests.support.french import fr_spaced
from tests.support.ui import activate
from tests.ui.test_device_patient_unconfirmed_window import DAUGHTER
from tests.ui.test_other_patient_confirm import retina_case_of, sophies_image
from tests.ui.test_other_patient_tile import ORANGE, retype_family

SAID = fr_spaced("⚠ Nom seul : identité non confirmée")
OTHER = "⚠ Autre patient selon l'appareil"
WHOLE = "L'appareil a enregistré cette image au nom de ce patient, mais sans date de naissance ni INS"


def daughters_case(store: Store, born: str = "") -> tuple[str, str]:
    """DUPONT Marie's retinography case, its right eye's image a DICOM its device recorded as DUPONT^Marie
    (born ``born``, if given). Its case and image ids."""
    from capture.pipeline import prepare_image_bytes

    data = device_dicom("DUPONT^Marie", born, "F")
    prepared = prepare_image_bytes(data, filename="OD.dcm", specialty="ophthalmology", patient=DAUGHTER)
    image = sophies_image(DAUGHTER)
    image.record.device_patient = prepared.device_patient
    image = type(image)(image.record, prepared.data)
    return store.create_case(retina_case_of(DAUGHTER), [image]), image.record.id


def test_the_tile_of_an_image_of_her_names_only_says_so(qtbot: Any, window: Any, store: Store) -> None:
    case_id, image_id = daughters_case(store)
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    panel = page.capture.ensure()
    try:
        assert [f.code for f in page.findings].count(NAMES_ONLY) == 1
        tile = panel.tile(image_id)
        assert tile.sentence.text() == SAID and tile.level == "warning" and tile.border_colour() == ORANGE
        assert "! À vérifier" in tile.badge.text()
        assert WHOLE in tile.toolTip()
        panel.strip.select(image_id)
        assert WHOLE in panel.labels.findings.text()

        # Another family name typed: the device's is another patient's, said as such (not both).
        retype_family(qtbot, window, "MARTIN")
        assert OTHER_PATIENT in [f.code for f in page.findings]
        assert panel.tile(image_id).sentence.text() == OTHER and WHOLE not in tile.toolTip()
        assert WHOLE not in panel.labels.findings.text()
        # Hers again: names only again.
        retype_family(qtbot, window, "DUPONT")
        assert tile.sentence.text() == SAID and WHOLE in tile.toolTip()
        assert WHOLE in panel.labels.findings.text()

        # Opened again (its tiles made again): the same.
        window.open_case(case_id)
        assert panel.tile(image_id).sentence.text() == SAID
    finally:
        page.capture.stop_camera()


def test_the_tile_of_an_image_with_her_birth_date_says_nothing_of_it(qtbot: Any, window: Any, store: Store) -> None:
    case_id, image_id = daughters_case(store, born="19850402")
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    panel = page.capture.ensure()
    try:
        tile = panel.tile(image_id)
        assert NAMES_ONLY not in [f.code for f in page.findings]
        assert tile.sentence.text() != SAID and WHOLE not in tile.toolTip() and tile.level == "ok"
    finally:
        page.capture.stop_camera()


def test_the_tile_says_it_in_english_too(qtbot: Any, qapp: Any) -> None:
    from app.model import CaseImage
    from ui.application import install_language
    from ui.image_tile import ImageTile

    install_language(qapp, "en")
    try:
        tile = ImageTile(CaseImage(body_site="dos"), None, 1, names_only=True)
        qtbot.addWidget(tile)
        assert tile.sentence.text() == "⚠ Name only: identity not confirmed" and tile.level == "warning"
        # The user guide names the tile's words as the window says them.
        guide = (Path(__file__).resolve().parents[2] / "docs" / "user-guide.en.md").read_text()
        assert '"Name only: identity not confirmed"' in guide
    finally:
        install_language(qapp, "fr")
    guide = (Path(__file__).resolve().parents[2] / "docs" / "user-guide.fr.md").read_text()
    assert SAID.removeprefix("⚠ ").replace("\u00a0", " ") in guide  # (the guide's French with plain spaces)
