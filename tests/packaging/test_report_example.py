"""The README's picture of the report is made by packaging/report_example.py, from the report as it is.

Found by a newcomer: docs/report-example.png was drawn once by hand (2026-11-23) and no script made it
again; it showed a report the application no longer prints (no expert's answer on top, no identity status,
« Identifiant local » for « N° de dossier »)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.packaging.built import ROOT

pytestmark = pytest.mark.slow


def test_the_report_example_is_made_from_the_current_report(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "packaging"))
    from report_example import make

    out = tmp_path / "report-example.png"
    text = make(out)
    for words in ("Réponse de l'expert", "Statut de l'identité", "N° de dossier"):
        assert words in text, f"the page shown holds {words!r}"
    with Image.open(out) as page, Image.open(ROOT / "docs" / "report-example.png") as shown:
        assert page.size == shown.size, "the README's picture is the script's page, at its size"
        assert page.convert("L").getextrema()[0] < 64, "a page with words on it"
