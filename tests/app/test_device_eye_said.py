"""A retinograph whose device recorded the other eye than the one the case gives it is an eye to check.

Found from outside: a DICOM's laterality (ImageLaterality, Laterality) was used only when the image had
no eye yet. Given one by a case file (or carried over from the image it retakes, chosen before the
import), the image kept it without a word, and at sending its header was restamped with it: the device's
own statement of the other eye was overwritten, and a disc-centred field (its disc in the middle) gave
the optic-disc check nothing to say. The device's eye is now kept with the image, and the checklist,
``case import``, ``case send``, ``case show`` and the PDF report say the doubt as they say the disc's.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.model import DEVICE_EYE_CHECK, CaseImage, CaseState, QualityFinding
from app.report import build_report
from app.store import Store
from app.validation import EYE_SIDE, looks_like, validate_images
from capture.demo import fundus_scene
from tests.support.cases import retina_case
from tests.support.cli import advice_lines, run_inprocess, write_json
from tests.support.dicom import retinograph

DEVICE_LEFT = (
    "Image 2 : L'appareil a enregistré cette image comme un œil gauche, pas l'œil droit indiqué. Vérifiez l'œil choisi."
)


def left_eye_dicom() -> bytes:
    """A disc-centred field of a left eye (its disc in the middle: the disc's side tells nothing), the
    device recording it as a left eye (for its placeholder patient: nothing else to say of it)."""
    return retinograph([fundus_scene(1400, 1050, seed=5, eye="left", field="disc")], eye="L", field="disc")


def case_with_device_left(folder: Path, eye: str | None = "right") -> Path:
    """The retinography case file, its right eye's disc-centred field (image 2) a DICOM the device
    recorded as the left eye, the case file giving it ``eye`` (none: the device's)."""
    case_file = retina_case(folder)
    doc = json.loads(case_file.read_text())
    (folder / "OD-papille.dcm").write_bytes(left_eye_dicom())
    second = {"file": "OD-papille.dcm", "view": "disc"}
    if eye is not None:
        second["eye"] = eye
    doc["images"][1] = second
    return write_json(case_file, doc)


def test_a_case_file_giving_the_other_eye_than_the_device_is_said_at_import_send_and_show(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store
) -> None:
    imported = run_inprocess(capsys, "case", "import", str(case_with_device_left(tmp_path / "eye")))
    assert imported.code == 0, imported.err
    case_id = imported.out.strip()
    assert advice_lines(imported.err) == [f"  ⚠ {DEVICE_LEFT}"]

    image = store.get_case(case_id).images[1]
    assert image.eye == "right", "the case file's eye is kept: the nurse may know better"
    [fact] = [f for f in image.quality if f.check == DEVICE_EYE_CHECK]
    assert (fact.level, fact.device_eye()) == ("ok", "left")
    assert fact.text() == "L'appareil a enregistré cette image comme un œil gauche."

    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code == 0, sent.err
    assert advice_lines(sent.err) == [f"  ⚠ {DEVICE_LEFT}"]
    for state in (CaseState.SENDING, CaseState.SENT):
        store.transition(case_id, state)
    human = run_inprocess(capsys, "case", "show", case_id).out.splitlines()
    images = [line for line in human if line.startswith("  [")]
    assert [("⚠ œil à vérifier" in line) for line in images] == [False, True, False, False]
    assert human[human.index(images[1]) + 1] == "      ⚠ " + DEVICE_LEFT.removeprefix("Image 2 : ")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_report_says_the_device_recorded_the_other_eye(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store, language: str
) -> None:
    case_id = run_inprocess(capsys, "case", "import", str(case_with_device_left(tmp_path / "eye"))).out.strip()
    pages = [
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(build_report(store, case_id, lang=language).pdf)).pages
    ]
    if language == "fr":
        titles, check = ["Image 1 / 4", "Image 2 / 4"], "œil à vérifier"
        said = "L'appareil a enregistré cette image comme un œil gauche, pas l'œil droit indiqué."
    else:
        titles, check = ["Image 1 of 4", "Image 2 of 4"], "eye to check"
        said = "The device recorded this image as a left eye, not the right eye chosen."
    first, second = (next(page for page in pages if title in page) for title in titles)
    assert check in second and said in second
    assert check not in first


def test_the_device_eye_is_taken_when_the_case_file_gives_none_and_an_agreeing_eye_says_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store
) -> None:
    # The device's left eye taken for the image: the right eye's disc-centred field is then missing
    # (the checklist says so), but nothing is said of an eye to check.
    imported = run_inprocess(capsys, "case", "import", str(case_with_device_left(tmp_path / "eye", eye=None)))
    assert imported.code == 0, imported.err
    case = store.get_case(imported.out.strip())
    assert case.images[1].eye == "left"
    assert advice_lines(imported.err) == [] and "appareil a enregistré" not in imported.err
    assert EYE_SIDE not in [f.code for f in validate_images(case)]


def test_the_label_put_to_agree_with_the_device_removes_the_doubt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store
) -> None:
    case_id = run_inprocess(capsys, "case", "import", str(case_with_device_left(tmp_path / "eye"))).out.strip()
    case = store.get_case(case_id)
    assert [f.field for f in validate_images(case) if f.code == EYE_SIDE] == ["images[1].eye"]
    case.images[1].eye = "left"
    assert EYE_SIDE not in [f.code for f in validate_images(case)]


def test_the_device_word_comes_before_the_disc_and_old_rows_read_back_as_they_were() -> None:
    disc_left = QualityFinding.said("optic-disc", "ok", "optic-disc.left", -0.6, 0.25)
    device_right = QualityFinding.said(DEVICE_EYE_CHECK, "ok", "device-eye.right")
    # The device says right, the label says left, the disc looks left: the device's word is said.
    assert looks_like(CaseImage(eye="left", quality=[disc_left, device_right])) == "right"
    # The device agrees with the label: the disc's doubt is still said (a retinograph of the other eye
    # taken with the device's eye unchanged).
    assert looks_like(CaseImage(eye="right", quality=[disc_left, device_right])) == "left"
    assert QualityFinding.from_dict(device_right.to_dict()) == device_right
    old = {"check": "optic-disc", "level": "ok", "message": "Papille à gauche.", "measure": -0.6, "threshold": 0.25}
    assert QualityFinding.from_dict(old).to_dict() == old
    assert QualityFinding.from_dict(old).device_eye() is None
