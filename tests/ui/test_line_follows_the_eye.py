"""The line above the photos follows the eye the nurse chooses for the selected retinograph.

Found from outside (an orthoptist at a screening cart, 1280×720): after an import the line says the
selected image's state; she chose the eye of a retinograph whose optic disc is on the left, and the
tile, its labels and the checklist said « ⚠ Œil à vérifier » while the line kept « Image de bonne
qualité. »; chosen right the other way, it kept « … pas à l'œil droit indiqué » above an image filed
under the left eye, and sent her back to an eye already right.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PIL import Image

from app.model import Case, Consent, Patient
from app.store import Store
from capture.demo import fundus_scene
from tests.support.images import jpeg_bytes
from tests.support.ui import activate
from tests.ui.test_expected_views import REAL_LEFT_EYE, RETINA_FORM

DOUBT = "La papille est à gauche de l'image : cela ressemble à un œil gauche, pas à l'œil droit indiqué."


def test_the_line_above_the_photos_follows_the_eye_chosen(
    qtbot: Any, window: Any, store: Store, tmp_path: Path
) -> None:
    case_id = store.create_case(
        Case(
            specialty="ophthalmology",
            question="Rétinopathie diabétique ?",
            patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male", local_id="D-2291"),
            consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
            form=dict(RETINA_FORM),
        ),
        [],
    )
    activate(qtbot, window)
    window.open_case(case_id)
    panel = window.case_page.capture.ensure()
    try:
        paths = [tmp_path / "IMG_0001.jpg", tmp_path / "IMG_0002.jpg"]
        shutil.copyfile(REAL_LEFT_EYE, paths[0])
        paths[1].write_bytes(jpeg_bytes(Image.fromarray(fundus_scene(1600, 1200, seed=2, eye="right")), quality=92))
        panel.import_files(paths)
        qtbot.waitUntil(lambda: panel.status.text() == "2 images importées.", timeout=20_000)
        first = panel.case().images[0]
        panel.select_image(first.id)
        assert panel.status.text() == "Image de bonne qualité."

        labels = panel.labels
        labels.eye.setCurrentIndex(labels.eye.findData("right"))
        qtbot.waitUntil(lambda: store.get_case(case_id).images[0].eye == "right")
        assert panel.status.text().startswith(DOUBT)

        labels.eye.setCurrentIndex(labels.eye.findData("left"))
        qtbot.waitUntil(lambda: store.get_case(case_id).images[0].eye == "left")
        assert panel.status.text() == "Image de bonne qualité."
    finally:
        panel.stop_camera()
