"""A retinography with both eyes swapped (found by an outside tester playing a nurse: the real left eye
imported as the right eye, its mirror as the left) is said wherever someone reads the case: by
``case import`` and ``case send`` on stderr, by ``case show`` and the PDF report once the case is sent,
for each image concerned. A warning, never a refusal: the nurse may know better (an export mirrored by
the device)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageOps
from pypdf import PdfReader

from app.model import CaseState
from app.report import build_report
from app.store import Store
from tests.support.cases import retina_case
from tests.support.cli import advice_lines, run_inprocess

REAL_LEFT = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "retina-normal-left-eye.jpg"

RIGHT_AS_LEFT = (
    "Image 1 : La papille est à gauche de l'image : cela ressemble à un œil gauche, pas à l'œil droit "
    "indiqué. Vérifiez l'œil choisi."
)
LEFT_AS_RIGHT = (
    "Image 3 : La papille est à droite de l'image : cela ressemble à un œil droit, pas à l'œil gauche "
    "indiqué. Vérifiez l'œil choisi."
)


def swapped_eyes(folder: Path) -> Path:
    """The tester's case: the real left eye as the right eye's macula-centred field (image 1), a
    mirrored copy as the left eye's (image 3); the disc-centred fields are the generator's, right."""
    case_file = retina_case(folder)
    (folder / "right.jpg").write_bytes(REAL_LEFT.read_bytes())
    mirrored = io.BytesIO()
    ImageOps.mirror(Image.open(REAL_LEFT).convert("RGB")).save(mirrored, "JPEG", quality=92)
    (folder / "left.jpg").write_bytes(mirrored.getvalue())
    order = [image["file"] for image in json.loads(case_file.read_text())["images"]]
    assert order == ["right.jpg", "right-disc.jpg", "left.jpg", "left-disc.jpg"]
    return case_file


def test_import_and_send_say_each_image_whose_eye_is_to_check_and_still_send(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, teleavis_home: Path
) -> None:
    imported = run_inprocess(capsys, "case", "import", str(swapped_eyes(tmp_path / "eye")))
    assert imported.code == 0, imported.err
    case_id = imported.out.strip()
    assert advice_lines(imported.err) == [f"  ⚠ {RIGHT_AS_LEFT}", f"  ⚠ {LEFT_AS_RIGHT}"]
    assert imported.out == case_id + "\n", "stdout stays the id alone (docs/cli.md)"
    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code == 0, sent.err
    assert advice_lines(sent.err) == [f"  ⚠ {RIGHT_AS_LEFT}", f"  ⚠ {LEFT_AS_RIGHT}"]
    assert "validé et mis en file d'envoi" in sent.err
    with Store.open(teleavis_home) as store:
        assert store.state(case_id) == CaseState.QUEUED


def test_import_of_eyes_on_their_own_side_says_nothing_of_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    imported = run_inprocess(capsys, "case", "import", str(retina_case(tmp_path / "eye")))
    assert imported.code == 0 and "papille est à" not in imported.err
    sent = run_inprocess(capsys, "case", "send", imported.out.strip())
    assert sent.code == 0 and "papille est à" not in sent.err


def test_english_import_says_it_in_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    imported = run_inprocess(capsys, "case", "import", str(swapped_eyes(tmp_path / "eye")))
    assert imported.code == 0, imported.err
    assert "To check (does not stop sending):" in imported.err
    assert "  ⚠ Image 1: The optic disc is on the left of the image: this looks like a left eye" in imported.err


def sent_swapped_case(tmp_path: Path, capsys: pytest.CaptureFixture[str], store: Store) -> str:
    case_id = run_inprocess(capsys, "case", "import", str(swapped_eyes(tmp_path / "eye"))).out.strip()
    assert run_inprocess(capsys, "case", "send", case_id).code == 0
    for state in (CaseState.SENDING, CaseState.SENT):
        store.transition(case_id, state)
    return case_id


def test_show_keeps_the_eye_to_check_once_the_case_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store
) -> None:
    case_id = sent_swapped_case(tmp_path, capsys, store)
    human = run_inprocess(capsys, "case", "show", case_id).out.splitlines()
    images = [line for line in human if line.startswith("  [")]
    assert [("⚠ œil à vérifier" in line) for line in images] == [True, False, True, False]
    assert images[0].endswith("œil droit (OD), centrée sur la macula — bon — ⚠ œil à vérifier")
    first = human.index(images[0])
    assert human[first + 1] == "      ⚠ " + RIGHT_AS_LEFT.removeprefix("Image 1 : ")
    third = human.index(images[2])
    assert human[third + 1] == "      ⚠ " + LEFT_AS_RIGHT.removeprefix("Image 3 : ")
    assert sum("papille est à" in line for line in human) == 2  # once per image, not again below


def test_show_of_a_case_still_editable_says_it_once_per_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    case_id = run_inprocess(capsys, "case", "import", str(swapped_eyes(tmp_path / "eye"))).out.strip()
    human = run_inprocess(capsys, "case", "show", case_id).out.splitlines()
    images = [line for line in human if line.startswith("  [")]
    assert [("⚠ œil à vérifier" in line) for line in images] == [True, False, True, False]
    assert [line for line in human if "papille est à" in line] == [f"  ⚠ {RIGHT_AS_LEFT}", f"  ⚠ {LEFT_AS_RIGHT}"]


def pages_text(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_report_says_the_eye_to_check_under_each_image_concerned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store, language: str
) -> None:
    case_id = sent_swapped_case(tmp_path, capsys, store)
    pages = pages_text(build_report(store, case_id, lang=language).pdf)
    if language == "fr":
        titles = ["Image 1 / 4", "Image 2 / 4", "Image 3 / 4", "Image 4 / 4"]
        check, ok, disc = "œil à vérifier", "Contrôle qualité aucune remarque", "La papille est à"
    else:
        titles = ["Image 1 of 4", "Image 2 of 4", "Image 3 of 4", "Image 4 of 4"]
        check, ok, disc = "eye to check", "Quality checks no remark", "The optic disc is on the"
    image_pages = [next(page for page in pages if title in page) for title in titles]
    assert [check in page for page in image_pages] == [True, False, True, False]
    assert [ok in page for page in image_pages] == [False, True, False, True]
    assert [disc in page for page in image_pages] == [True, False, True, False]
    assert f"Image 1 / 4 — œil droit (OD), centrée sur la macula — {check}" in image_pages[0] or language == "en"
