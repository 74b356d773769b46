"""The report's French keeps « ? : ; ! » and « » with their words, as the core's catalogues write them.

reportlab (5.1) takes U+202F, the narrow no-break space before « ? ! ; », for a space it may break at (and
prints it as a plain one); Helvetica's WinAnsi has no such character (« avis?? »). The report prints it as the
no-break space U+00A0, which both keep whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from app.report import image_findings
from app.report_pdf import Fonts, fonts
from app.report_text import T
from app.store import Store
from tests.app.test_names_only_shown import SAID as NAMES_ONLY
from tests.app.test_names_only_shown import imported_case
from tests.support.french import fr_spaced, plain_spaces


def _lines(text: str, width: float) -> list[str]:
    f = fonts()
    paragraph = Paragraph(f.markup(f.text(text)), ParagraphStyle("b", fontName=f.regular, fontSize=10))
    paragraph.wrap(width, 1000)
    return [" ".join(line[1]) if isinstance(line, tuple) else " ".join(line.words) for line in paragraph.blPara.lines]


def test_a_narrow_no_break_space_is_printed_as_one_a_line_never_breaks_at() -> None:
    lines = _lines("Envoyer\u202f? " * 20, 90)
    assert len(lines) > 3
    assert not any(line.lstrip().startswith("?") for line in lines), lines
    assert all("Envoyer\u00a0?" in line for line in lines), lines
    helvetica = Fonts("Helvetica", "Helvetica-Bold", False)
    assert helvetica.text("Envoyer\u202f? «\u00a0oui\u00a0»") == "Envoyer\u00a0? «\u00a0oui\u00a0»"


def test_the_findings_under_an_image_are_spaced_as_the_rest_of_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store
) -> None:
    """Found in review: the report's labels were spaced, but under an image « À vérifier : Nom seul sur
    l'appareil, sans date de naissance ni INS : identité non confirmée » kept its plain spaces, the one place
    of the page a wrapped line could start with « : » (the core's sentence is shared with ``case show``)."""
    case = store.get_case(imported_case(tmp_path / "case", capsys))
    fr = image_findings(case.images[0], case.patient, T("fr", fonts()))
    assert fr_spaced("À vérifier : " + NAMES_ONLY["fr"]) in fr, fr
    assert not [plain_spaces(finding) for finding in fr if plain_spaces(finding)], fr
    en = image_findings(case.images[0], case.patient, T("en", fonts()))
    assert "Check: " + NAMES_ONLY["en"] in en, en
