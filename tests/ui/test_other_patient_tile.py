"""An image's tile says whether its device recorded it for another patient than the case's as it is now.

Found from outside: the checklist, the question before sending and the selected image's findings compared
the DICOM's device identity with the case's patient as typed, but its tile (border and words, in the
strip the nurse looks at) kept the check made at the import: a retinograph imported before the identity
was typed had a green tile while the checklist said it another patient's, and one whose identity was
corrected to the device's kept its orange tile. The tile now follows the identity as it is typed.
"""

from __future__ import annotations

from typing import Any

from app.model import Patient
from app.store import Store
from app.validation import OTHER_PATIENT
from tests.support.ui import activate, type_text
from tests.ui.test_other_patient_confirm import retina_case_of, sophies_image
from ui.image_tile import LEVEL_COLOURS

SAID = "⚠ Autre patient selon l'appareil"
ORANGE = LEVEL_COLOURS["warning"]


def sophies_case(store: Store, family: str, *, compared_at_import: bool) -> tuple[str, str]:
    """A retinography case of Sophie, born 14/07/1988, under ``family``, its right eye's image the DICOM the
    device recorded for LEROY Sophie (compared with the case's patient at its import, or with nobody: the
    identity not typed yet). Its case and image ids."""
    patient = Patient(family=family, given=["Sophie"], birth_date="1988-07-14", sex="female")
    image = sophies_image(patient if compared_at_import else None)
    assert bool([f for f in image.record.quality if f.check == "patient"]) == (compared_at_import and family != "LEROY")
    return store.create_case(retina_case_of(patient), [image]), image.record.id


def retype_family(qtbot: Any, window: Any, family: str) -> None:
    editor = window.case_page.editor
    editor.family.setFocus()
    editor.family.selectAll()
    type_text(editor.family, family)
    qtbot.wait(10)


def said_on_tile(tile: Any) -> bool:
    return tile.sentence.text() == SAID and tile.border_colour() == ORANGE and "! À vérifier" in tile.badge.text()


def test_a_tile_says_another_patients_image_once_the_identity_is_typed(qtbot: Any, window: Any, store: Store) -> None:
    """Imported before the family name was typed: compared with nobody then, the tile said a good image."""
    case_id, image_id = sophies_case(store, "", compared_at_import=False)
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    panel = page.capture.ensure()
    try:
        tile = panel.tile(image_id)
        assert not said_on_tile(tile) and tile.level == "ok"
        shown = tile.image, tile.picture.pixmap().cacheKey()

        retype_family(qtbot, window, "MARTIN")
        assert [f.code for f in page.findings].count(OTHER_PATIENT) == 1
        assert said_on_tile(panel.tile(image_id))
        assert "L'appareil a enregistré cette image pour un autre patient" in tile.toolTip()
        # The same tile, its picture not decoded again: only its words and border changed.
        assert panel.tile(image_id) is tile and (tile.image, tile.picture.pixmap().cacheKey()) == shown
        assert "L'appareil a enregistré cette image pour un autre patient" in panel.labels.findings.text()

        retype_family(qtbot, window, "LEROY")
        assert OTHER_PATIENT not in [f.code for f in page.findings]
        assert not said_on_tile(tile) and tile.level == "ok"
        assert tile.said() == "Image de bonne qualité." and not tile.sentence.isVisible()
        assert "autre patient" not in panel.labels.findings.text()
    finally:
        page.capture.stop_camera()


def test_a_tile_no_longer_says_another_patient_once_the_identity_is_corrected(
    qtbot: Any, window: Any, store: Store
) -> None:
    """Compared at its import with MARTIN Sophie (a married name typed as her birth name): corrected to
    LEROY, the device's, the checklist no longer said it, the tile kept its orange border and words."""
    case_id, image_id = sophies_case(store, "MARTIN", compared_at_import=True)
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    panel = page.capture.ensure()
    try:
        tile = panel.tile(image_id)
        assert tile.level == "warning" and tile.border_colour() == ORANGE  # (said at its import, as before)

        retype_family(qtbot, window, "LEROY")
        assert OTHER_PATIENT not in [f.code for f in page.findings]
        assert tile.level == "ok" and tile.border_colour() != ORANGE
        assert "autre patient" not in tile.sentence.text() + tile.toolTip()

        # Reopened (the tiles made again from the store): the same, as the identity now is.
        window.open_case(case_id)
        assert not said_on_tile(panel.tile(image_id))
    finally:
        page.capture.stop_camera()
