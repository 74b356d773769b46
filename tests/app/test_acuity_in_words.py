"""An eye's acuity too low for a figure (« compte les doigts », « voit bouger la main », « perception
lumineuse », « pas de perception lumineuse ») or not measured, said in the ophthalmology form: from a real
case, a diabetic patient with low vision in one eye, the one who needs the ophthalmologist, could not be
described (the acuity had to be a decimal: the nurse wrote 0, which says no light perception)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.support.cases import retina_case
from tests.support.cli import run_inprocess, write_json


def low_vision_case(folder: Path) -> Path:
    """The retinography case file of docs/cli.md's form keys, its right eye counting fingers."""
    case_file = retina_case(folder)
    doc = json.loads(case_file.read_text())
    del doc["form"]["visual-acuity-right"]
    doc["form"]["visual-acuity-right-qualitative"] = "counts-fingers"
    return write_json(case_file, doc)


def test_a_case_file_says_an_eye_counts_fingers_and_it_is_shown_printed_and_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    imported = run_inprocess(capsys, "case", "import", str(low_vision_case(tmp_path / "eye")))
    assert imported.code == 0, imported.err
    case_id = imported.out.strip()
    shown = run_inprocess(capsys, "case", "show", case_id).out.splitlines()
    assert "  Œil droit : acuité non chiffrable (moins de 1/20) ou non mesurée : Compte les doigts (CLD)" in shown
    assert "  Acuité visuelle de l'œil gauche, avec correction, en décimal (8/10 = 0,8) : 0,7" in shown
    assert not any("Acuité visuelle de l'œil droit" in line for line in shown)
    assert (
        run_inprocess(capsys, "case", "show", case_id, "--json").json()["form"]["visual-acuity-right-qualitative"]
        == "counts-fingers"
    )
    for lang, words in (("fr", "Compte les doigts (CLD)"), ("en", "Counts fingers (CF)")):
        pdf = tmp_path / f"report-{lang}.pdf"
        assert run_inprocess(capsys, "case", "export", case_id, "--pdf", str(pdf), "--lang", lang).code == 0
        pages = PdfReader(io.BytesIO(pdf.read_bytes())).pages
        text = " ".join(" ".join((page.extract_text() or "").split()) for page in pages)
        assert words in text, lang
    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code == 0, sent.err
    synced = run_inprocess(capsys, "sync", "--once", "--json")
    assert synced.json()["sent"] == [case_id], synced.err


def test_a_figure_beside_an_acuity_in_words_is_neither_shown_nor_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """A 0,05 typed before « compte les doigts » was chosen: the figure is not asked for once the acuity is
    said in words, and goes nowhere (the form's enableWhen), even a figure out of range."""
    case_file = low_vision_case(tmp_path / "eye")
    doc = json.loads(case_file.read_text())
    doc["form"]["visual-acuity-right"] = 5
    write_json(case_file, doc)
    case_id = run_inprocess(capsys, "case", "import", str(case_file)).out.strip()
    shown = run_inprocess(capsys, "case", "show", case_id).out
    assert "Compte les doigts (CLD)" in shown and "Acuité visuelle de l'œil droit" not in shown
    assert run_inprocess(capsys, "case", "send", case_id).code == 0
