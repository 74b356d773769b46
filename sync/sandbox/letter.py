"""The expert's answer letter as a PDF, made with reportlab.

Standard Helvetica is enough: reportlab encodes it in WinAnsi, which carries every French
accent, and pypdf extracts the text back (the tests read the quoted question from it).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer


@dataclass(frozen=True)
class AnswerLetter:
    """What the letter says; every field is plain text."""

    expert_name: str
    expert_title: str
    patient_name: str
    patient_birth_date: str
    requester_name: str
    specialty_label: str
    question: str
    conclusion: str
    follow_up: str
    issued: date


def _french_date(day: date) -> str:
    months = (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    )
    return f"{day.day} {months[day.month - 1]} {day.year}"


def render_letter(letter: AnswerLetter) -> bytes:
    """The letter as PDF bytes (one page for the usual lengths)."""
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName="Helvetica", fontSize=10.5, leading=14)
    quote = ParagraphStyle("quote", parent=body, fontName="Helvetica-Oblique", leftIndent=8 * mm)
    heading = ParagraphStyle("heading", parent=body, fontName="Helvetica-Bold", fontSize=13, leading=17)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT)

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        # The standard fonts only carry WinAnsi; anything else (an emoji in a question) becomes "?".
        safe = text.encode("cp1252", "replace").decode("cp1252")
        return Paragraph(escape(safe).replace("\n", "<br/>"), style)

    buffer = io.BytesIO()
    # invariant: no creation date or random id in the file, so a seeded sandbox is reproducible.
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"Réponse de télé-expertise — {letter.specialty_label}",
        author=letter.expert_name,
        invariant=1,
    )
    story = [
        para("Plateforme régionale de télé-expertise (bac à sable Teleavis)", heading),
        para(f"{letter.expert_name}\n{letter.expert_title}"),
        Spacer(1, 6 * mm),
        para(f"Le {_french_date(letter.issued)}", right),
        para(f"À l'attention de {letter.requester_name}"),
        Spacer(1, 4 * mm),
        para(f"Objet : avis de télé-expertise — {letter.specialty_label}", heading),
        para(f"Patient : {letter.patient_name}, né(e) le {letter.patient_birth_date}"),
        Spacer(1, 4 * mm),
        para("Chère consœur, cher confrère,"),
        para("Vous m'avez adressé la question suivante :"),
        para(f"« {letter.question} »", quote),
        Spacer(1, 3 * mm),
        para("Conclusion", heading),
        para(letter.conclusion),
        Spacer(1, 3 * mm),
        para("Conduite à tenir", heading),
        para(letter.follow_up),
        Spacer(1, 8 * mm),
        para("Bien confraternellement,"),
        para(letter.expert_name),
        para(f"Signé électroniquement le {_french_date(letter.issued)}"),
    ]
    document.build(story)
    return buffer.getvalue()
