"""The question before a reply leaves with a photo of an earlier session says « retirez-la », the reply's
button: it said « supprimez-la », the case editor's word, and a reply has no « Supprimer » (found from
outside, a training expert's question answered with a photo of 2007). The case's question keeps its word."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ui.application import install_language
from ui.other_patient_question import send_despite_earlier_photos


def _asked_text(qtbot: Any, *, reply: bool) -> str:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        box.reject()  # « Vérifier les images »

    QTimer.singleShot(0, answer)
    sent = send_despite_earlier_photos(parent, ["Photo 1 de la réponse : prise le …"], reply=reply)
    assert not sent
    return seen[0]


def test_the_reply_s_question_says_remove_it_from_the_reply(qtbot: Any) -> None:
    text = _asked_text(qtbot, reply=True)
    assert "retirez-la" in text and "supprimez" not in text, text


def test_the_case_s_question_keeps_delete(qtbot: Any) -> None:
    assert "supprimez-la" in _asked_text(qtbot, reply=False)


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    install_language(qapp, "en")
    yield
    install_language(qapp, "fr")


def test_in_english_too(qtbot: Any, english: None) -> None:
    text = _asked_text(qtbot, reply=True)
    assert "remove it from the reply" in text and "delete" not in text, text
