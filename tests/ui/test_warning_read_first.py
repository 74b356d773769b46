"""The labels of the selected image say what is to be checked before what is fine.

Found from outside (an orthoptist at a screening cart, 1280×720 at 125 %): the list under « Image
sélectionnée » shows one line or two; a DICOM whose header names both eyes said « Définition
suffisante. », « Champ rétinien complet. »… and, last and out of sight, that the eye is to be chosen
by looking at the image. The sentences the nurse must act on now come first, the blocking ones first.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pydicom

from app.model import CaseImage, Patient
from capture.demo import fundus_scene
from capture.pipeline import prepare_image_bytes
from tests.support.dicom import retinograph
from ui.capture_labels import ImageLabels

PATIENT = Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male", local_id="D-2291")
BOTH = "L'appareil a enregistré cette image à la fois comme un œil droit et comme un œil gauche"


def both_eyes_dicom() -> bytes:
    """A left eye's retinograph whose image says R and whose series says L."""
    ds = pydicom.dcmread(io.BytesIO(retinograph([fundus_scene(1600, 1200, seed=9, eye="left")], eye="R")))
    ds.Laterality = "L"
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def test_a_warning_is_read_before_the_checks_that_passed(qtbot: Any) -> None:
    prepared = prepare_image_bytes(both_eyes_dicom(), filename="OP.dcm", specialty="ophthalmology", patient=PATIENT)
    levels = [f.level for f in prepared.quality]
    assert "warning" in levels and levels.index("warning") > levels.index("ok")  # as the checks come
    image = CaseImage(
        view="macula",
        modality="OP",
        content_type=prepared.content_type,
        width=prepared.width,
        height=prepared.height,
        quality=list(prepared.quality),
    )
    labels = ImageLabels()
    qtbot.addWidget(labels)
    labels.set_specialty("ophthalmology")
    labels.show_image(image, PATIENT)

    sentences = re.findall("<td>(.*?)</td>", labels.findings.text())
    assert len(sentences) == len(levels)
    assert sentences[0].startswith(BOTH), sentences
