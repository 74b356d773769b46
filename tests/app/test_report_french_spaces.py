"""The report's French keeps « ? : ; ! » and « » with their words, as the core's catalogues write them.

reportlab (5.1) takes U+202F, the narrow no-break space before « ? ! ; », for a space it may break at (and
prints it as a plain one); Helvetica's WinAnsi has no such character (« avis?? »). The report prints it as the
no-break space U+00A0, which both keep whole."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from app.report_pdf import Fonts, fonts


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
