"""The patient's identity in every page's header and footer, read whole (identity vigilance): a page
separated from the others (an image page filed alone, a page of the expert's letter) must still say whose it
is. Found from outside with a long used name: the header and the footer cut the identity in its middle, and
the footer lost « nom utilisé » and the used name."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.report import build_report
from app.report_pdf import Furniture, draw_furniture, fonts
from app.report_text import T
from app.store import Store
from tests.record.record_cases import make_case

FAMILY, GIVEN, USED = "DE LA FONTAINE-MONTMORENCY", ("Marie-Françoise", "Anne-Sophie"), "MARTIN-DELACROIX-BEAUREGARD"
WORDS = {
    "fr": ("(nom utilisé : MARTIN-DELACROIX-BEAUREGARD)", "née le 03/02/1950, féminin, INS 2 50 02 85 123 456 44"),
    "en": ("(used name: MARTIN-DELACROIX-BEAUREGARD)", "born 1950-02-03, female, INS 2 50 02 85 123 456 44"),
}


def long_named_case(store: Store, family: str = FAMILY, used: str = USED) -> str:
    case_id = make_case(store, images=2, family=family, given=GIVEN)
    case = store.get_case(case_id)
    patient = replace(
        case.patient,
        used_name=used,
        identity_status="qualified",
        identity_document="CN",
        identity_checked_on=case.consent.date,
    )
    store.update_case(replace(case, patient=patient))
    return case_id


def page_lines(pdf: bytes) -> list[list[str]]:
    return [
        [" ".join(line.split()) for line in (page.extract_text() or "").splitlines()]
        for page in PdfReader(io.BytesIO(pdf)).pages
    ]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_long_used_name_is_printed_whole_in_every_page_s_header_and_footer(store: Store, lang: str) -> None:
    case_id = long_named_case(store)
    used, traits = WORDS[lang]
    names = f"DE LA FONTAINE-MONTMORENCY MARIE-FRANCOISE ANNE-SOPHIE {used}"  # a qualified identity's traits
    pages = page_lines(build_report(store, case_id, lang=lang).pdf)
    assert len(pages) >= 3
    for lines in pages:
        # The names on a line of their own, in the header and in the footer, the traits on the next.
        assert lines.count(names) >= 2 or sum(line.startswith(names) for line in lines) >= 2, lines
        assert sum(traits in line for line in lines) >= 2, lines
        assert not any("…" in line for line in lines if "FONTAINE" in line or "INS" in line), lines
    # Page 2 (an image) has nothing else of the patient: its header, then its footer, each whole.
    assert sum(used in line for line in pages[1]) == 2 and sum(traits in line for line in pages[1]) == 2


class Recording(Canvas):  # type: ignore[misc]
    """Each string drawn: (baseline, left, right, text, font size)."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), pagesize=A4)
        self.drawn: list[tuple[float, float, float, str, float]] = []

    def drawString(self, x: float, y: float, text: str, *args: object, **kwargs: object) -> None:
        right = x + self.stringWidth(text, self._fontname, self._fontsize)
        self.drawn.append((y, x, right, text.replace("\u00a0", " "), self._fontsize))

    def drawRightString(self, x: float, y: float, text: str, *args: object, **kwargs: object) -> None:
        width = self.stringWidth(text, self._fontname, self._fontsize)
        self.drawn.append((y, x - width, x, text.replace("\u00a0", " "), self._fontsize))


def furniture_of(store: Store, case_id: str, lang: str) -> Furniture:
    """The furniture the report gives this case's pages."""
    from app.report import _identity_parts

    t = T(lang, fonts())
    case = store.get_case(case_id)
    names, traits, used = _identity_parts(case, t)
    return Furniture(
        t("title"),
        ", ".join((names, traits)),
        t("case_line", id=case.id),
        t("page"),
        zone_line="Heures données à l'heure de Paris (UTC+01:00).",
        patient_names=names,
        patient_traits=traits,
        used_name_end=used,
    )


def laid_out(furniture: Furniture) -> list[tuple[float, float, float, str, float]]:
    canvas = Recording()
    width, height = A4
    draw_furniture(canvas, furniture, fonts(), 12, 14, width, height)
    drawn = canvas.drawn
    for n, (line, left, right, text, _size) in enumerate(drawn):
        assert left >= 15 * mm - 0.01 and right <= width - 15 * mm + 0.01, text
        for other in drawn[n + 1 :]:  # nothing drawn over anything else
            if abs(other[0] - line) < 2.5 * mm:
                assert right <= other[1] or other[2] <= left, (text, other[3])
    return drawn


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_identity_goes_on_two_legible_lines_rather_than_shrink_or_be_cut(store: Store, lang: str) -> None:
    drawn = laid_out(furniture_of(store, long_named_case(store), lang))
    used, traits = WORDS[lang]
    identity = [d for d in drawn if used in d[3] or traits in d[3]]
    assert len(identity) == 4, drawn  # the names and the traits, in the header and in the footer
    assert all(size >= 6.5 for *_, size in identity), identity
    assert not any("…" in d[3] for d in drawn)
    # The header's two lines above its rule, the footer's under its own, the zone's line under them all.
    height = A4[1]
    assert sum(line > height - 13 * mm for line, *_ in identity) == 2
    zone = next(d for d in drawn if d[3].startswith("Heures"))
    assert all(zone[0] + 2.5 * mm < line < 14.5 * mm for line, *_ in identity if line < 100)


def test_a_name_too_long_for_any_line_keeps_its_start_and_its_whole_used_name(store: Store) -> None:
    # Only a name no line holds (a case file allows 20 000 characters) is shortened: in its middle, the
    # family name's start and the used name with its words kept, the traits whole on their line.
    family = "DE LA FONTAINE-MONTMORENCY-" * 6 + "X"
    used = "MARTIN-DELACROIX-BEAUREGARD-" * 2 + "Y"
    drawn = laid_out(furniture_of(store, long_named_case(store, family, used), "fr"))
    names = [d for d in drawn if "…" in d[3]]
    assert len(names) == 2, drawn
    for _line, _left, _right, text, size in names:
        assert text.startswith("DE LA FONTAINE-MONTMORENCY") and text.endswith(f"(nom utilisé : {used})"), text
        # The space before the used name's parenthesis kept (found in review: « FONTAINE…(nom utilisé »).
        assert f"… (nom utilisé : {used})" in text, text
        assert size >= 6.5
    assert sum(WORDS["fr"][1] in d[3] for d in drawn) == 2
