"""A case file written by another program (a spreadsheet's export, a script in a language whose numbers
are all floats) gives a count as ``3.0``: JSON holds the same number, and a person reads it as 3. It was
refused, « réponse de type incorrect », for a question FHIR types ``integer``; it is taken as the whole
number it is, and goes to the platform as ``valueInteger`` 3, never as 3.0 (which R4 refuses there)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import forms
from tests.support.cases import example_case
from tests.support.cli import SITE, Result, run_inprocess, write_json


def _import_with_lesions(tmp_path: Path, capsys: pytest.CaptureFixture[str], count: float) -> Result:
    """The documentation's case file, its count of similar lesions written ``count``, imported."""
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    case_file = example_case(tmp_path / "ex")
    doc = json.loads(case_file.read_text(encoding="utf-8"))
    doc["form"]["similar-lesions"] = count
    case_file.write_text(json.dumps(doc), encoding="utf-8")
    return run_inprocess(capsys, "case", "import", str(case_file))


def test_a_whole_number_written_with_a_decimal_point_is_taken_as_the_count_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    imported = _import_with_lesions(tmp_path, capsys, 3.0)
    assert imported.code == 0, imported.err
    case_id = imported.out.strip().splitlines()[-1]
    shown = json.loads(run_inprocess(capsys, "case", "show", case_id, "--json").out)
    assert shown["form"]["similar-lesions"] == 3 and isinstance(shown["form"]["similar-lesions"], int)
    items = forms.response_items("dermatology", shown["form"])
    answer = next(item["answer"][0] for item in items if item["linkId"] == "similar-lesions")
    assert answer == {"valueInteger": 3} and isinstance(answer["valueInteger"], int)


def test_a_count_that_is_not_whole_is_still_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused = _import_with_lesions(tmp_path, capsys, 3.5)
    assert refused.code == 1 and "nombre entier" in refused.err, refused.err
