"""A retinograph whose field looks like the other one is said in the report and by ``case show`` once
the case is sent, as the window's checklist said it before. Found by a tester: the window warned « La
papille est loin du centre du champ » under a field filed as disc-centred, the PDF's image page said
« Contrôle qualité : aucune remarque » for the same image (the reader of the record, the expert's
colleague, was told nothing was to check). A warning, never a refusal, as the eye's (test_eye_side_said)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.model import CaseState
from app.report import build_report
from app.store import Store
from app.validation import FIELD_DOUBT, validate_images
from tests.app.test_eye_side_said import pages_text
from tests.support.cases import retina_case
from tests.support.cli import run_inprocess

FAR = {"fr": "La papille est loin du centre du champ", "en": "The optic disc is far from the middle of the field"}
CENTRED = {"fr": "La papille est au centre du champ", "en": "The optic disc is in the middle of the field"}
OK = {"fr": "Contrôle qualité aucune remarque", "en": "Quality checks no remark"}


def fields_swapped(folder: Path) -> Path:
    """The right eye's two fields filed each as the other (images 1 and 2), the left eye's right."""
    case_file = retina_case(folder)
    doc = json.loads(case_file.read_text())
    doc["images"][0]["view"], doc["images"][1]["view"] = "disc", "macula"
    case_file.write_text(json.dumps(doc))
    return case_file


def sent_case(tmp_path: Path, capsys: pytest.CaptureFixture[str], store: Store) -> str:
    imported = run_inprocess(capsys, "case", "import", str(fields_swapped(tmp_path / "eye")))
    assert imported.code == 0, imported.err
    case_id = imported.out.strip()
    said = [f.message for f in validate_images(store.get_case(case_id)) if f.code == FIELD_DOUBT]
    assert len(said) == 2 and FAR["fr"] in said[0] and CENTRED["fr"] in said[1], "the window's checklist says both"
    assert run_inprocess(capsys, "case", "send", case_id).code == 0
    for state in (CaseState.SENDING, CaseState.SENT):
        store.transition(case_id, state)
    return case_id


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_report_says_a_field_to_check_under_its_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store, language: str
) -> None:
    case_id = sent_case(tmp_path, capsys, store)
    pages = pages_text(build_report(store, case_id, lang=language).pdf)
    sep = " / " if language == "fr" else " of "
    image_pages = [next(page for page in pages if f"Image {n}{sep}4" in page) for n in (1, 2, 3, 4)]
    assert [FAR[language] in page for page in image_pages] == [True, False, False, False]
    assert [CENTRED[language] in page for page in image_pages] == [False, True, False, False]
    assert [OK[language] in page for page in image_pages] == [False, False, True, True]


def test_show_keeps_the_field_to_check_once_the_case_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store
) -> None:
    case_id = sent_case(tmp_path, capsys, store)
    human = run_inprocess(capsys, "case", "show", case_id).out.splitlines()
    images = [n for n, line in enumerate(human) if line.startswith("  [")]
    assert FAR["fr"] in human[images[0] + 1]
    assert CENTRED["fr"] in human[images[1] + 1]
    assert sum(FAR["fr"] in line or CENTRED["fr"] in line for line in human) == 2  # once each
