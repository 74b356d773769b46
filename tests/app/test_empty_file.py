"""An empty case file or site file is said to be empty, not « pas du JSON valide (ligne 1, colonne 1) ».

Found from outside: a case file of 0 bytes (a copy cut short, a script that failed before writing it),
or of a lone BOM or blank lines, was said not to be valid JSON at line 1, column 1 — a syntax error to
look for in a file with nothing in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.i18n import set_language
from tests.support.cli import run_inprocess


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n  \n"])
def test_an_empty_file_is_said_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, content: bytes, site: Path
) -> None:
    empty = tmp_path / "dossier.json"
    empty.write_bytes(content)
    refused = run_inprocess(capsys, "case", "import", str(empty))
    assert refused.code == 1 and "« dossier.json » est vide" in refused.err, refused.err
    assert "JSON valide" not in refused.err
    again = run_inprocess(capsys, "init", "--site", str(empty))
    assert again.code == 1 and "« dossier.json » est vide" in again.err, again.err
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    set_language(None)
    english = run_inprocess(capsys, "case", "import", str(empty))
    assert english.code == 1 and "“dossier.json” is empty" in english.err, english.err
    assert run_inprocess(capsys, "case", "list", "--json").json() == []
