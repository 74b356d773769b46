"""``case show`` says when a file of the expert's answer is gone from this workstation (deleted, a damaged disk).

Found from outside: with the expert's PDF letter lost from the data folder, ``case show`` went on saying
« Pièces jointes : 1 PDF » and nothing else, while the PDF report of the same case said « 1 document PDF
introuvable ou endommagé sur ce poste : lisez-le sur la plateforme ». A nurse reading in a terminal took the
letter (its « conduite à tenir ») as kept here and did not fetch it. The same sentence is now said there.
"""

from __future__ import annotations

import pytest

from app.store import Store
from tests.record.record_cases import answer, make_case
from tests.support.cli import run_inprocess


def test_an_answer_pdf_gone_from_the_disk_is_said_by_case_show(
    store: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = make_case(store, images=1)
    answer(store, kept)
    lost = make_case(store, images=1)
    (blob,) = answer(store, lost).pdf_blobs
    store.objects._path(blob).unlink()  # the file lost from the disk, as a failing disk or a hand would
    store.close()

    shown = run_inprocess(capsys, "case", "show", lost)
    assert shown.code == 0, shown.err
    assert "1 document PDF introuvable ou endommagé sur ce poste : lisez-le sur la plateforme" in shown.out, shown.out
    whole = run_inprocess(capsys, "case", "show", kept)
    assert whole.code == 0 and "introuvable" not in whole.out, whole.out

    as_json = run_inprocess(capsys, "case", "show", lost, "--json")
    assert as_json.json()["answer"]["gone_words"] == [
        "1 document PDF introuvable ou endommagé sur ce poste : lisez-le sur la plateforme"
    ]
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    english = run_inprocess(capsys, "case", "show", lost)
    assert "1 PDF document missing or damaged on this computer: read it on the platform" in english.out, english.out
