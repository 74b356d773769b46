"""An image whose device wrote the case's names only is said so on its line of ``case show`` and in the report.

The checklist, the device folder's line and the question before sending said it (a mother's retinograph in
her daughter's case: the device had no birth date nor INS to tell them apart), but once the case was
looked at again (a colleague, the nurse the next day, the report printed for the file), its image read as
any other: ``case show`` and the PDF said nothing of an identity the device never confirmed. They now say
it under the image, whatever the case's state (the checklist is no longer shown once it left).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.model import CaseState
from app.store import Store
from tests.app.test_device_patient_unconfirmed import device_dicom
from tests.support.cases import retina_case
from tests.support.cli import run_inprocess, write_json

SAID = {
    "fr": "Nom seul sur l'appareil, sans date de naissance ni INS : identité non confirmée, à vérifier.",
    "en": "Name only on the device, without a birth date or an INS: identity not confirmed, to check.",
}


def imported_case(folder: Path, capsys: pytest.CaptureFixture[str], *, born: str = "") -> str:
    """A retinography case imported from a case file, its first image a DICOM its device recorded under the
    case's names (and ``born`` as the birth date, if given)."""
    case_file = retina_case(folder)
    doc = json.loads(case_file.read_text())
    patient = doc["patient"]
    given = patient["given"] if isinstance(patient["given"], str) else patient["given"][0]
    (folder / "OD.dcm").write_bytes(device_dicom(f"{patient['family'].upper()}^{given}", born))
    if born:
        assert born == patient["birth_date"].replace("-", "")
    doc["images"][0] = {"file": "OD.dcm", "eye": "right", "view": "macula"}
    write_json(case_file, doc)
    done = run_inprocess(capsys, "case", "import", str(case_file))
    assert done.code == 0, done.err
    return done.out.strip()


def image_lines(shown: str, n: int) -> list[str]:
    """The lines of ``case show`` under its image ``n``'s, up to the next image's."""
    lines = shown.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(f"  [{n}]"))
    rest = lines[first + 1 :]
    end = next((i for i, line in enumerate(rest) if not line.startswith("      ")), len(rest))
    return rest[:end]


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(path).pages).split())


def test_case_show_and_the_report_say_an_image_of_her_names_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store
) -> None:
    case_id = imported_case(tmp_path / "case", capsys)
    assert f"      {SAID['fr']}" in image_lines(run_inprocess(capsys, "case", "show", case_id).out, 1)
    assert SAID["fr"] not in "\n".join(image_lines(run_inprocess(capsys, "case", "show", case_id).out, 2))

    # Sent: the checklist is no longer shown, the image's line still says it; and so does the report.
    assert run_inprocess(capsys, "case", "send", case_id).code == 0
    for state in (CaseState.SENDING, CaseState.SENT):
        store.transition(case_id, state)
    assert f"      {SAID['fr']}" in image_lines(run_inprocess(capsys, "case", "show", case_id).out, 1)
    for lang, warn in (("fr", "À vérifier : "), ("en", "Check: ")):
        pdf = tmp_path / f"case-{lang}.pdf"
        assert run_inprocess(capsys, "case", "export", case_id, "--pdf", str(pdf), "--lang", lang).code == 0
        text = pdf_text(pdf)
        assert text.count(warn + SAID[lang]) == 1, text


def test_nothing_is_said_of_an_image_whose_device_wrote_her_birth_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store
) -> None:
    doc = json.loads(retina_case(tmp_path / "probe").read_text())
    case_id = imported_case(tmp_path / "case", capsys, born=doc["patient"]["birth_date"].replace("-", ""))
    assert SAID["fr"] not in run_inprocess(capsys, "case", "show", case_id).out
    pdf = tmp_path / "case.pdf"
    assert run_inprocess(capsys, "case", "export", case_id, "--pdf", str(pdf)).code == 0
    assert "Nom seul" not in pdf_text(pdf)
