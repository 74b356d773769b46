"""A case file whose JSON escapes a lone half of a surrogate pair (« \\ud800 », written by a program that
cut a text between the two halves of an emoji): JSON reads it, but no UTF-8 text, FHIR string or sealed
record can hold it. The import crashed on « Erreur interne inattendue »; it is refused saying why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cases import example_case
from tests.support.cli import SITE, run_inprocess, write_json


@pytest.mark.parametrize("where", ["question", "treatment", "key"])
def test_a_lone_surrogate_in_a_case_file_is_refused_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    case_file = example_case(tmp_path / "ex")
    doc = json.loads(case_file.read_text(encoding="utf-8"))
    if where == "question":
        doc["question"] = "Lésion du dos \ud83d : avis ?"
    elif where == "treatment":
        doc["treatments"][0]["name"] = "Metformine \udc00"
    else:
        doc["form"]["\ud800"] = "x"
    case_file.write_text(json.dumps(doc, ensure_ascii=True), encoding="utf-8")
    refused = run_inprocess(capsys, "case", "import", str(case_file))
    assert refused.code == 1, refused.err
    assert "interne" not in refused.err
    assert "caractère" in refused.err and "case.json" in refused.err
    listed = run_inprocess(capsys, "case", "list", "--json")
    assert listed.code == 0 and "MARTIN" not in listed.out


def test_a_number_too_long_to_read_is_refused_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A number of more than 4300 digits (a program that wrote a buffer as digits) stops Python's JSON reader
    with a ValueError that is no JSONDecodeError: the import ended on « Erreur interne inattendue ». Found from
    outside (tester A, session 36). It is refused saying which line."""
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    case_file = example_case(tmp_path / "ex")
    text = case_file.read_text(encoding="utf-8")
    case_file.write_text(text.replace('"form": {', '"form": {"lesion-size": ' + "9" * 5000 + ", ", 1), encoding="utf-8")
    refused = run_inprocess(capsys, "case", "import", str(case_file))
    assert refused.code == 1, refused.err
    assert "interne" not in refused.err
    assert "case.json" in refused.err and "chiffres" in refused.err
    listed = run_inprocess(capsys, "case", "list", "--json")
    assert listed.code == 0 and "MARTIN" not in listed.out


def test_a_site_file_with_a_number_too_long_is_refused_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = write_json(tmp_path / "site.json", SITE)
    site.write_text(site.read_text(encoding="utf-8").replace("{", '{"x": ' + "1" * 4400 + ",", 1), encoding="utf-8")
    refused = run_inprocess(capsys, "init", "--site", str(site))
    assert refused.code == 1, refused.err
    assert "interne" not in refused.err and "site.json" in refused.err and "chiffres" in refused.err
