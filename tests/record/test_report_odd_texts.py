"""The case report with the texts a real case may hold: a pasted URL or base64 blob with no space, a
row of dashes, characters the report's font lacks, texts longer than a page, hundreds of messages.

Each must give a readable PDF, at a cost that grows with the text's length, with nothing cut off or lost."""

from __future__ import annotations

import base64
import io
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.model import Treatment
from app.report import build_report
from app.report_pdf import Furniture, broken_lines, draw_furniture, fonts, visual_line
from app.store import Store
from tests.record.record_cases import answer, make_case


@dataclass
class Work:
    """What making a report cost, counted rather than timed (a timing depends on the machine's load): the
    measures of text widths the fonts were asked for, and the characters measured. Breaking a text into
    lines, splitting it across pages and drawing it all measure its characters: a text broken into lines
    again on every page is measured again on every page."""

    measures: int = 0
    characters: int = 0


def _report_work(store: Store, monkeypatch: pytest.MonkeyPatch, summary: str) -> tuple[Work, bytes]:
    case = store.get_case(make_case(store, images=0))
    case.summary = summary
    store.update_case(case)
    return _work(monkeypatch, lambda: build_report(store, case.id).pdf)


def _work(monkeypatch: pytest.MonkeyPatch, make: Callable[[], bytes]) -> tuple[Work, bytes]:
    """``make()``'s PDF and the width measures it cost: every width reportlab or the report takes goes
    through a font's ``stringWidth`` (TrueType, or Helvetica's where no TrueType font is found)."""
    work = Work()
    with monkeypatch.context() as patched:
        for font_class in (TTFont, pdfmetrics.Font):
            measure = font_class.stringWidth

            def counted(font: object, text: str, *args: object, _measure: Any = measure, **kwargs: object) -> Any:
                work.measures += 1
                work.characters += len(text)
                return _measure(font, text, *args, **kwargs)

            patched.setattr(font_class, "stringWidth", counted)
        pdf = make()
    return work, pdf


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def _word_lines(text: str) -> str:
    """The lines of ``text`` that are pieces of one base64 word, joined (the pages' header and footer,
    which have spaces, left out)."""
    return "".join(line for line in text.splitlines() if re.fullmatch(r"[A-Za-z0-9+/]+", line.strip()))


def _blob(length: int) -> str:
    """A base64 blob: one « word » with no space, as a pasted image or token is."""
    return base64.b64encode(random.Random(7).randbytes(length)).decode()[:length]


def test_a_long_word_in_the_summary_costs_what_a_normal_text_of_its_length_costs(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found from outside: `case export --pdf` ran over 5 minutes on a 4 MB summary with no space, and took
    # 4.5 s on 100 000 characters: each page broke the rest of the text into lines again. Linear now: forty
    # times the text costs about forty times, a long word as a normal text. Counted, not timed: the rest
    # broken again at each page measures 5.4 times as much here (reportlab's own splitting, 27 times).
    prose = ("Lésion pigmentée du dos, saigne au contact ; contrôle dans trois mois. " * 60)[:4000]  # a page
    baseline, _ = _report_work(store, monkeypatch, prose)
    blob = _blob(160_000)
    work, pdf = _report_work(store, monkeypatch, blob)
    assert work.characters <= 2 * len(blob) / len(prose) * baseline.characters, (work, baseline)
    # Readable: the whole word is printed, broken across lines, nothing cut off.
    assert blob in _word_lines(_text(pdf, tmp_path))


def test_a_long_word_is_broken_into_lines_that_fit_the_column() -> None:
    f = fonts()
    style = ParagraphStyle("body", fontName=f.regular, fontSize=10, leading=13.5)
    text = "Voir https://example.org/" + "a1B2-_" * 2000 + " puis\n\n" + "-" * 3000 + "\nfin"
    lines = broken_lines(text, style, 300)
    assert all(stringWidth(line, f.regular, 10) <= 300 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\n", "")
    assert "" in lines  # the empty line between the two kept


def _treatment_work(store: Store, monkeypatch: pytest.MonkeyPatch, name: str, dosage: str) -> tuple[Work, bytes]:
    case = store.get_case(make_case(store, images=0))
    case.treatments = [Treatment(name, dosage)]
    store.update_case(case)
    return _work(monkeypatch, lambda: build_report(store, case.id).pdf)


def test_a_table_cell_longer_than_a_page_is_split_across_pages_in_linear_time(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A treatment's name and dosage (a table row) of one long word each: the row was split page after
    # page, its cells broken into lines again at every page, some lines at the column's width (into the
    # cell's padding): 20 s for 80 000 characters. Counted, not timed: broken again at every page, the
    # row measures 4.5 times as much here; at the column's width, 14 times.
    prose = ("Metformine 1000 mg, un comprimé matin et soir au cours du repas. " * 60)[:3000]  # within a page
    baseline, _ = _treatment_work(store, monkeypatch, "Metformine", prose)
    letters = random.Random(3)
    name = "".join(letters.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(80_000))
    dosage = "".join(letters.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(80_000))
    work, pdf = _treatment_work(store, monkeypatch, name, dosage)
    ratio = (len(name) + len(dosage)) / (len("Metformine") + len(prose))
    assert work.characters <= 2 * ratio * baseline.characters, (work, baseline)
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 20
    # Both cells whole, each broken across lines and pages, nothing cut off.
    lines = [line.strip() for line in _text(pdf, tmp_path).splitlines()]
    assert name in "".join(line for line in lines if re.fullmatch(r"[A-Z]+", line))
    assert dosage in "".join(line for line in lines if re.fullmatch(r"[a-z0-9]+", line))


def test_a_name_too_long_for_the_header_is_shortened_in_its_middle_never_run_off_the_page() -> None:
    # Found from outside: a family name of 300 letters, printed at the smallest size, ran over the title
    # and past the page's edge in every page's header and footer (and a case file allows 20 000).
    drawn: list[tuple[float, float, float, str]] = []  # (line, left, right, text)

    class Recording(Canvas):  # type: ignore[misc]
        def drawString(self, x: float, y: float, text: str, *args: object, **kwargs: object) -> None:
            drawn.append((y, x, x + self.stringWidth(text, self._fontname, self._fontsize), text))

        def drawRightString(self, x: float, y: float, text: str, *args: object, **kwargs: object) -> None:
            drawn.append((y, x - self.stringWidth(text, self._fontname, self._fontsize), x, text))

    patient = "A" * 20_000 + " Bérénice, née le 03/02/1950, féminin, INS 250027512345619"
    furniture = Furniture("Demande de télé-expertise", patient, "Dossier 7d11c691", "page {n} / {total}")
    width, height = A4
    draw_furniture(Recording(io.BytesIO(), pagesize=A4), furniture, fonts(), 1, 6, width, height)
    # The names on a line of their own, shortened in their middle; the birth date, sex and INS whole under
    # them (in the footer with the case's code), in the header and in the footer.
    names = [d for d in drawn if d[3].startswith("AAAA")]
    traits = [d for d in drawn if "née le 03/02/1950, féminin, INS 250027512345619" in d[3]]
    assert len(names) == 2 and len(traits) == 2, drawn
    for line, left, right, text in names + traits:
        assert ("…" in text and text.endswith("A Bérénice")) if text.startswith("AAAA") else "…" not in text
        beside = [d for d in drawn if d[0] == line and d[3] != text]  # the title, the page number
        assert left >= 15 * mm and right <= width - 15 * mm
        assert not beside or right < min(d[1] for d in beside)


def test_characters_the_font_cannot_draw_are_said_not_printed_as_empty_boxes(store: Store, tmp_path: Path) -> None:
    # Found from outside: NUL and U+2066 printed as empty boxes, a Chinese name as a row of boxes (nothing
    # left to read or copy out), a form feed or a carriage return as a box or nothing where the line broke.
    f = replace(fonts(), fallback="", fallback_glyphs=frozenset())  # as where no font has Chinese letters
    odd = "Nom 张伟 \U0001fa7a, e\u0301\u0301 tab\tx ff\x0cy cr\r\nz nul\x00! \u2066isolé\u2069 zw\u200bj"
    shown = f.text(odd)
    assert shown == "Nom [U+5F20][U+4F1F] [U+1FA7A], e\u0301\u0301 tab x ff\ny cr\nz nul! isolé zw\u200bj"
    face = pdfmetrics.getFont(f.regular).face
    assert all(ord(ch) in face.charToGlyph for ch in shown if ch != "\n")
    case = store.get_case(make_case(store, images=0))
    case.summary = odd
    store.update_case(case)
    text = _text(build_report(store, case.id).pdf, tmp_path)
    assert "[U+1FA7A]" in text and "nul!" in text and "cr\nz" in text
    assert ("Nom 张伟 [U+1FA7A]" if fonts().fallback else "Nom [U+5F20][U+4F1F] [U+1FA7A]") in text


def test_chinese_letters_are_printed_in_a_font_that_has_them_when_the_computer_has_one(
    store: Store, tmp_path: Path
) -> None:
    # Found from outside: a Chinese name printed as a row of empty boxes, in the text and every page's header.
    f = fonts()
    if not f.fallback:
        pytest.skip("no font with Chinese letters on this computer")
    assert f.text("张伟") == "张伟"
    assert f.markup("Nom <b> 张伟") == f'Nom &lt;b&gt; <font name="{f.fallback}">张伟</font>'
    case = store.get_case(make_case(store, images=0, family="张", given=("伟",)))
    case.summary = "Patient 张伟, " + "眼科" * 3000
    store.update_case(case)
    pdf = build_report(store, case.id).pdf
    text = _text(pdf, tmp_path)
    assert "Patient 张伟" in text and "眼科" * 20 in text.replace("\n", "")
    fonts_used = {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Fallback" in name or "Droid" in name for name in fonts_used), fonts_used


def test_hebrew_and_arabic_words_are_printed_right_to_left_their_arabic_letters_joined(
    store: Store, tmp_path: Path
) -> None:
    # Found from outside: « שלום » printed as « םולש » read left to right, another word, and « مرحبا » as
    # its letters apart in the wrong order: reportlab draws characters in the order they are stored.
    assert visual_line("Nom : שלום כהן, 2 ans") == "Nom : ןהכ םולש, 2 ans"
    assert visual_line("Ref 12 שלום 345 כהן") == "Ref 12 ןהכ 345 םולש"
    shaped = fonts().text("مرحبا")
    assert shaped == "\ufee3\ufeae\ufea3\ufe92\ufe8e"  # meem initial, reh final, hah initial, beh medial, alef final
    case = store.get_case(make_case(store, images=0))
    case.summary = "Patient : שלום כהן, مرحبا."
    store.update_case(case)
    text = _text(build_report(store, case.id).pdf, tmp_path)
    # Drawn in the order they are seen, a PDF reader reads the words back in the order they are written.
    assert "שלום כהן" in text and shaped in text


def test_a_long_chinese_text_costs_about_what_a_french_one_of_its_length_costs(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each Chinese word between two spaces was set in the fallback font apart, a run of its own: eight times
    # slower, each run measured apart. Counted, not timed: a run per word takes 8 times the French text's
    # measures here, one run per line about as many.
    if not fonts().fallback:
        pytest.skip("no font with Chinese letters on this computer")
    prose = ("Lésion pigmentée du dos, saigne au contact ; contrôle dans trois mois. " * 1500)[:100_000]
    baseline, _ = _report_work(store, monkeypatch, prose)
    work, _ = _report_work(store, monkeypatch, ("眼科检查 " * 20_000)[:100_000])
    assert work.measures < 2 * baseline.measures, (work, baseline)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "1 document PDF introuvable ou endommagé sur ce poste : lisez-le sur la plateforme"),
        ("en", "1 PDF document missing or damaged on this computer: read it on the platform"),
    ],
)
def test_an_expert_pdf_missing_from_the_disk_is_said_missing_not_kept(
    store: Store, tmp_path: Path, lang: str, said: str
) -> None:
    # Found from outside: the expert's PDF gone from the disk (or its sealed file damaged) was said « conservé
    # dans Teleavis, non joint ici »: the nurse looked for it there.
    case_id = make_case(store, images=1)
    result = answer(store, case_id, pdf_pages=2)
    store.objects.delete(result.pdf_blobs[0])
    report = build_report(store, case_id, lang=lang)
    assert (report.answer_pages_appended, report.answer_pdfs_referenced, report.answer_pdfs_missing) == (0, 0, 1)
    text = re.sub(r"\s+", " ", _text(report.pdf, tmp_path))
    assert said in text
    assert "Teleavis, non joint" not in text and "kept in Teleavis" not in text


def test_a_picture_one_pixel_thin_is_printed_at_least_a_millimetre_thick(store: Store, tmp_path: Path) -> None:
    # Found from outside: a 6000×1 strip (a device's calibration line) was drawn 0.03 mm high and a 1×6000
    # one 0.04 mm wide: the page showed nothing where the picture was said to be.
    from app.report import _ImageBox
    from app.report_pdf import image_reader

    for size in ((6000, 1), (1, 6000), (3000, 320), (16, 16)):
        out = io.BytesIO()
        Image.new("RGB", size, (120, 60, 40)).save(out, "PNG")
        box = _ImageBox(image_reader(out.getvalue()), *size)
        box.wrap(180 * mm, 250 * mm)
        width, height = box._draw
        assert min(width, height) >= 1 * mm - 1e-6, (size, width, height)
        assert width <= 180 * mm + 1e-6
        if min(size) > 100:  # a real picture keeps its shape
            assert abs(width / height - size[0] / size[1]) < 1e-6
