"""The question asked before a retinograph in doubt leaves says on which side of the image its optic disc
is, the way the nurse looks at it.

Found from outside (an orthoptist at a screening cart): « L'image 1 est classée œil droit mais la
papille est du côté de l'œil gauche. » A right eye's optic disc is on its nasal side, towards the left
eye: read as it is written, the sentence describes a right eye, and she sent it as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from app.model import DISC_SIDE_CHECK, CaseImage, QualityFinding
from ui.application import install_language
from ui.eye_side_question import doubt_words


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    install_language(qapp, "en")
    yield
    install_language(qapp, "fr")


def filed(eye: str, disc_at: float) -> CaseImage:
    """A retinograph filed under ``eye`` whose optic disc is ``disc_at`` field radii from the centre
    (negative: on the left of the image), as the disc check measures it."""
    disc = QualityFinding(DISC_SIDE_CHECK, "ok", "", measure=disc_at, threshold=0.2)
    return CaseImage(eye=eye, view="macula", modality="OP", quality=[disc])


def test_the_question_says_the_side_of_the_image(qapp: QApplication) -> None:
    assert doubt_words("1", filed("right", -0.6)) == (
        "L'image 1 est classée œil droit, mais sa papille est à gauche de l'image, comme sur un œil gauche."
    )
    assert doubt_words("2", filed("left", 0.6)) == (
        "L'image 2 est classée œil gauche, mais sa papille est à droite de l'image, comme sur un œil droit."
    )
    assert doubt_words("3", filed("right", 0.6)) is None


def test_the_question_says_it_in_english(english: Any) -> None:
    assert doubt_words("1", filed("right", -0.6)) == (
        "Image 1 is filed as the right eye, but its optic disc is on the left of the image, as in a left eye."
    )
    assert doubt_words("2", filed("left", 0.6)) == (
        "Image 2 is filed as the left eye, but its optic disc is on the right of the image, as in a right eye."
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_user_guide_says_what_the_window_says(qapp: QApplication, language: str) -> None:
    """Found by colleagues: the guide still said the disc was « du côté de l'autre œil » (the words the
    question no longer uses, read as confirming the eye chosen), where the window says on which side of
    the image it is, as on which eye."""
    guide = (Path(__file__).resolve().parents[2] / "docs" / f"user-guide.{language}.md").read_text(encoding="utf-8")
    flat = " ".join(guide.split())  # its lines wrapped anywhere
    install_language(qapp, language)
    try:
        said = [doubt_words("1", filed("right", -0.6)), doubt_words("1", filed("left", 0.6))]
    finally:
        install_language(qapp, "fr")
    for words in said:
        assert words is not None
        # What comes after the image's number and eye: « sa papille est à gauche de l'image, comme sur … »
        side = words.split(", ", 1)[1].removeprefix("mais ").removeprefix("but ").rstrip(".")
        assert side in flat, side
    for old in ("du côté de l'autre œil", "on the other eye's side", "other eye's side"):
        assert old not in flat, old
