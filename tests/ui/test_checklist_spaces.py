"""The checklist beside the editor shows the core's findings (app.validation) in the window's French spacing.

Found from outside (a nurse's retinography under Xvfb, 1280 × 720): the checklist wrapped « ✗ Répondez à la
question « » at a line's end and « Ancienneté du diabète (en années) » : l'expert en a besoin. » on the next,
the quote left alone: the window's own labels keep « » and « ? ! : ; » with their words (no-break spaces),
the core's messages it lists did not (they keep plain spaces on this branch)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from app.model import Case, Consent, Patient
from app.validation import validate_case
from tests.support.french import fr_spaced, plain_spaces
from ui.application import install_language
from ui.checklist import ChecklistPanel


@pytest.fixture(params=["fr", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_language(qapp, request.param)
    yield request.param
    install_language(qapp, "fr")


def _findings() -> list[Any]:
    """A retinography begun: its form unanswered, as the real checklist lists it."""
    case = Case(
        specialty="ophthalmology",
        patient=Patient(family="ROUSSEAU", given=["Gérard"]),
        consent=Consent(given=True, recorded_by="Inf. Martin"),
        question="Rétinopathie diabétique ?",
    )
    return validate_case(case, None)


def test_the_checklist_keeps_quotes_and_colons_with_their_words(qtbot: Any, language: str) -> None:
    findings = _findings()
    quoted = [f for f in findings if "«" in f.message or "“" in f.message]
    assert quoted, [f.message for f in findings]  # the form's questions are named in quotes
    panel = ChecklistPanel()
    qtbot.addWidget(panel)
    panel.resize(240, 600)  # the column's width at 1280 × 720
    panel.show_findings(findings)
    texts = [panel.items.item(row).text() for row in range(panel.items.count())]
    assert len(texts) == len(findings)
    for finding, text in zip(findings, texts, strict=True):
        mark = "✗ " if finding.blocks_sending() else "⚠ "
        if language == "fr":
            assert plain_spaces(text) == [], text
            assert text == mark + fr_spaced(finding.message)
        else:
            assert text == mark + finding.message  # English puts no space there: left as it is


def test_french_spacing_is_given_once() -> None:
    """A message the core already spaces (typo40's catalogue) is shown as it is: no space doubled."""
    from ui.widgets import french_spaced

    said = fr_spaced("Répondez à la question « Type de diabète » : l'expert en a besoin. Envoyer ? Oui ; non !")
    assert french_spaced(said) == said
    assert french_spaced("Répondez à la question « Type » : oui ? à 10:30, https://x") == fr_spaced(
        "Répondez à la question « Type » : oui ? à 10:30, https://x"
    )
