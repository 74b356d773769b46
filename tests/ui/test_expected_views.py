"""The capture panel's « Vues attendues » and the window's checklist say the same thing (app/views.py),
and a retinography of one eye goes only with the reason typed in the editor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.model import Case, CaseImage, Consent, Patient
from app.store import NewImage, Store
from tests.support.french import fr_spaced
from tests.support.images import fundus_photo, jpeg_bytes
from tests.support.ui import activate, pick, type_text
from tests.support.views import covered
from ui.capture_checklist import ViewChecklist

RETINA_FORM = {
    "diabetes-type": "type-2",
    "diabetes-duration": 12,
    "hba1c": 7.4,
    "visual-acuity-right": 0.8,
    "visual-acuity-left": 0.7,
    "pupils-dilated": False,
}


def images(*labels: tuple[str | None, str]) -> list[CaseImage]:
    return [CaseImage(eye=eye, view=view, body_site="" if eye else "dos") for eye, view in labels]


TABLE = [
    ("dermatology", images((None, "far"), (None, "dermoscopy")), ""),
    ("dermatology", images((None, "loin"), (None, "proche")), ""),
    ("dermatology", images((None, "medium")), ""),
    ("wound-care", images((None, "far"), (None, "close-up"), (None, "medium")), ""),
    ("ophthalmology", images(("right", "macula"), ("right", "papille")), ""),
    ("ophthalmology", images(("right", "macula"), ("right", "papille")), "énucléation de l'œil gauche"),
    ("ophthalmology", images(("right", "macula"), ("left", "disc")), ""),
    ("ophthalmology", images(("right", "fovea"), ("right", "disc"), ("left", "macula"), ("left", "papilla")), ""),
    ("ophthalmology", images((None, "macula")), "œil gauche perdu"),
    ("other", images((None, "")), ""),
]


@pytest.mark.parametrize(("specialty", "labelled", "reason"), TABLE)
def test_the_panel_unticks_exactly_what_blocks_sending(
    qtbot: Any, specialty: str, labelled: list[CaseImage], reason: str
) -> None:
    checklist = ViewChecklist()
    qtbot.addWidget(checklist)
    case = Case(specialty=specialty, images=labelled, single_eye_reason=reason)
    checklist.show_views(case)
    assert checklist.missing_required() == covered(case)


def test_far_and_dermoscopy_show_the_close_up_missing(qtbot: Any) -> None:
    checklist = ViewChecklist()
    qtbot.addWidget(checklist)
    checklist.show_views(Case(specialty="dermatology", images=images((None, "far"), (None, "dermoscopy"))))
    assert checklist.marks() == {
        "✓ vue éloignée (localisation)": True,
        "✗ vue rapprochée": False,
        "✗ vue intermédiaire (facultatif)": False,
        "✓ dermoscopie (facultatif)": True,
    }
    assert checklist.missing_required() == {"view:close-up"}


def one_eye_case(store: Store) -> str:
    """A complete retinography of the right eye only (both fields), without a reason yet."""
    case = Case(
        specialty="ophthalmology",
        question="Rétinopathie diabétique ?",
        summary="Diabète depuis 12 ans.",
        patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male", local_id="D-2291"),
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
        form=dict(RETINA_FORM),
    )
    data = jpeg_bytes(fundus_photo(600, eye="right"))
    new = [
        NewImage(CaseImage(eye="right", view=view, modality="OP", width=600, height=600), data)
        for view in ("macula", "disc")
    ]
    return store.create_case(case, new)


def test_a_one_eye_case_asks_for_the_reason_and_the_panel_follows_it(
    qtbot: Any, window: Any, store: Store, teleavis_home: Path
) -> None:
    case_id = one_eye_case(store)
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    try:
        check_one_eye_case(qtbot, window, page, case_id, teleavis_home)
    finally:
        page.capture.stop_camera()  # the demo camera's thread, before the window goes


def check_one_eye_case(qtbot: Any, window: Any, page: Any, case_id: str, teleavis_home: Path) -> None:
    editor, panel = page.editor, page.capture.ensure()
    assert editor.single_eye_reason.isVisibleTo(page)
    assert panel.checklist.missing_required() == {"left:macula"}  # the disc-centred field is advised
    blocking = [f for f in page.findings if f.blocks_sending()]
    assert [f.code for f in blocking] == ["fields.left"]

    # F6 goes to the field that settles it; the reason is typed there.
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert editor.single_eye_reason.hasFocus()
    type_text(editor.single_eye_reason, "Enucleation OG 2019")
    assert panel.checklist.missing_required() == set()
    assert not any("œil gauche" in line for line in panel.checklist.marks())
    assert not [f for f in page.findings if f.blocks_sending()]
    assert "complet" in page.checklist.title.text()
    assert editor.flush()
    with Store.open(teleavis_home) as fresh:
        assert fresh.get_case(case_id).single_eye_reason == "Enucleation OG 2019"

    # The field is a retinography's business only.
    pick(qtbot, editor.specialty, "dermatology")
    assert not editor.single_eye_reason.isVisibleTo(page)


REAL_LEFT_EYE = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "retina-normal-left-eye.jpg"


def retinograph_filed_as_right(store: Store, data: bytes, filename: str, *, thumbnail: bool = False) -> tuple[str, str]:
    """A retinograph imported as the right eye's macula-centred field (as a retake's or a case file's labels
    file it), with the quality checks an import makes; the case complete but for the other eye, said
    photographed elsewhere. The case's id and the image's."""
    from capture.pipeline import prepare_image_bytes

    prepared = prepare_image_bytes(data, filename=filename, specialty="ophthalmology")
    record = CaseImage(
        eye="right",
        view="macula",  # (the field the case needs, as filed: the checklist asks nothing else)
        modality="OP",
        content_type=prepared.content_type,
        width=prepared.width,
        height=prepared.height,
        quality=list(prepared.quality),
    )
    case = Case(
        specialty="ophthalmology",
        question="Rétinopathie diabétique ?",
        summary="Diabète depuis 12 ans.",
        patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male", local_id="D-2291"),
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
        form=dict(RETINA_FORM),
        single_eye_reason="Œil gauche photographié ailleurs",
    )
    case_id = store.create_case(case, [NewImage(record, prepared.data, prepared.thumbnail if thumbnail else None)])
    return case_id, next(iter(store.images(case_id))).id


def left_eye_filed_as_right(store: Store) -> tuple[str, str]:
    """A real left-eye fundus photograph (optic disc on the left of the image) filed as the right eye."""
    return retinograph_filed_as_right(store, REAL_LEFT_EYE.read_bytes(), "OD.jpg")


def eye_side_lines(page: Any) -> list[str]:
    items = page.checklist.items
    return [items.item(i).text() for i in range(items.count()) if "papille est à" in items.item(i).text()]


def test_the_checklist_says_a_left_eye_filed_as_the_right_and_follows_the_eye_chosen(
    qtbot: Any, window: Any, store: Store
) -> None:
    case_id, image_id = left_eye_filed_as_right(store)
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    panel = page.capture.ensure()
    try:
        assert eye_side_lines(page) == [
            "⚠ "
            + fr_spaced(
                "Image 1 : La papille est à gauche de l'image : cela ressemble à un œil gauche, pas à l'œil droit "
                "indiqué. Vérifiez l'œil choisi."
            )
        ]
        assert not any(f.code == "image.eye.side" and f.blocks_sending() for f in page.findings)

        # The tile's state says the eye is to be checked (not green: found from outside, « ✓ Bonne qualité »
        # read first); the labels of the selected image say why.
        tile = panel.tile(image_id)
        assert tile.badge.text() == "1. ! À vérifier"
        assert tile.caption.text().endswith("\n⚠ Œil à vérifier") and "Œil droit" in tile.caption.text()
        assert "papille est à gauche" in tile.caption.toolTip()
        panel.select_image(image_id)
        assert "La papille est à gauche de l'image" in panel.labels.findings.text()

        # The nurse checks and picks the left eye: the warning goes at once, and comes back with the right.
        panel.labels.eye.setCurrentIndex(panel.labels.eye.findData("left"))
        qtbot.waitUntil(lambda: eye_side_lines(page) == [], timeout=10_000)
        assert next(iter(store.images(case_id))).eye == "left"
        assert "Œil à vérifier" not in tile.caption.text() and not tile.caption.toolTip()
        assert tile.badge.text() == "1. ✓ Bonne qualité"  # a good photo, its eye as it shows
        assert "La papille est à gauche de l'image :" not in panel.labels.findings.text()
        assert "Papille à gauche de l'image, comme sur un œil gauche." in panel.labels.findings.text()
        panel.labels.eye.setCurrentIndex(panel.labels.eye.findData("right"))
        qtbot.waitUntil(lambda: len(eye_side_lines(page)) == 1, timeout=10_000)
        assert "Œil à vérifier" in tile.caption.text() and tile.badge.text() == "1. ! À vérifier"
        assert "La papille est à gauche de l'image" in panel.labels.findings.text()
    finally:
        page.capture.stop_camera()  # the demo camera's thread, before the window goes


def test_a_tile_whose_eye_is_to_be_checked_still_shows_the_eye_chosen(qtbot: Any, window: Any, store: Store) -> None:
    """« Centrée sur la macula · Œil … » over « ⚠ Œil à vérifier »: the eye, the thing to check, was cut."""
    case_id, image_id = left_eye_filed_as_right(store)
    activate(qtbot, window)
    window.open_case(case_id)
    panel = window.case_page.capture.ensure()
    try:
        tile = panel.tile(image_id)
        panel.select_image(image_id)
        panel.labels.view.setCurrentIndex(panel.labels.view.findData("macula"))
        qtbot.waitUntil(lambda: "macula" in tile.caption.text(), timeout=10_000)
        shown = tile.caption.shown_text()
        assert shown.endswith("\n⚠ Œil à vérifier") and "Œil droit (OD)" in shown, shown
    finally:
        window.case_page.capture.stop_camera()
