"""Every button of the follow view and of the case page reads whole on the smallest screen we support,
1280 × 720, at 100 % and at 125 % (1024 × 576 to lay out), in French and in English, in the window's
style (its padding counts).

Found by colleagues using the real window: in French, « Marquer comme non lu » was cut at the right of
the answer's column."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

from app.model import Answer, Case, Consent, Patient
from app.store import Store
from tests.support.ui import answered_case
from tests.ui import test_layout as layout_tests
from tests.ui.test_answer_shown_whole import letter
from ui.main_window import MainWindow

#: 1280 × 720 at 100 % and at 125 % (QT_SCALE_FACTOR=1.25: 1024 × 576 to lay out), the window maximised.
SCREENS = {"1280x720": (1280, 720), "1280x720-at-125": (1024, 576)}

language = layout_tests.language


@pytest.fixture
def styled(qapp: QApplication) -> Iterator[None]:
    """The window's style, as the application sets it: its padding is part of a button's width."""
    from ui import resources
    from ui.application import set_style

    set_style(qapp)
    yield
    resources.use_style(False)


def window_at(qtbot: Any, store: Store, screen: str) -> MainWindow:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.setMinimumSize(*SCREENS[screen])  # what that screen leaves it (the tests' screen is 800 × 600)
    window.resize(*SCREENS[screen])
    window.show()
    qtbot.waitExposed(window)
    return window


def text_room(button: QAbstractButton) -> int:
    """The width ``button`` draws its words in (its width less its padding, frame, box or mark)."""
    option = QStyleOptionButton()
    button.initStyleOption(option)  # type: ignore[attr-defined]
    element = (
        QStyle.SubElement.SE_CheckBoxContents
        if isinstance(button, QCheckBox)
        else QStyle.SubElement.SE_RadioButtonContents
        if isinstance(button, QRadioButton)
        else QStyle.SubElement.SE_PushButtonContents
    )
    return button.style().subElementRect(element, option, button).width()


def hidden_sideways(widget: QWidget) -> bool:
    """Whether part of ``widget`` lies left or right of the view of a scroll area it is in."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            view = parent.viewport()
            place = QRect(widget.mapTo(view, QPoint(0, 0)), widget.size())
            if place.left() < 0 or place.right() > view.width() - 1:
                return True
        parent = parent.parentWidget()
    return False


def cut_buttons(root: QWidget) -> list[str]:
    """Each visible button under ``root`` whose words do not fit its width, or that a scroll area cuts
    at its side, said in words."""
    problems = []
    for button in root.findChildren(QAbstractButton):
        if not button.isVisible() or not button.text() or not isinstance(button, (QPushButton, QCheckBox)):
            continue
        words = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        need = button.fontMetrics().horizontalAdvance(words)
        room = text_room(button)
        if isinstance(button, QPushButton) and not button.icon().isNull():
            room -= button.iconSize().width() + 4
        if need > room:
            problems.append(f"«{words}» needs {need} px, has {room}")
        if hidden_sideways(button):
            problems.append(f"«{words}» partly out of its column, to the side")
    return problems


def settled(qtbot: Any, root: QWidget) -> list[str]:
    """The buttons still cut once the layouts have settled (a wrapped line's height comes a pass later)."""
    problems: list[str] = []

    def whole() -> bool:
        problems[:] = cut_buttons(root)
        return not problems

    with contextlib.suppress(qtbot.TimeoutError):
        qtbot.waitUntil(whole, timeout=2000)
    return problems


def two_pdfs_answered(store: Store) -> str:
    """An answered case whose expert joined two PDFs: the buttons say « le document choisi », longer."""
    blobs = [store.objects.put(letter("Kératose actinique.")), store.objects.put(letter("Ordonnance."))]
    answer = Answer(
        conclusion="Kératose actinique : traitement selon ordonnance jointe.",
        expert="Hélène MOREAU",
        issued="2026-11-24T10:00:00+01:00",
        pdf_blobs=blobs,
        files=[
            {"blob": blobs[0], "content_type": "application/pdf", "title": "Compte rendu"},
            {"blob": blobs[1], "content_type": "application/pdf", "title": "Ordonnance"},
        ],
    )
    return answered_case(store, answer=answer)


@pytest.mark.parametrize("screen", SCREENS)
def test_the_follow_views_buttons_read_whole(
    qtbot: Any, store: Store, sync_runner: None, styled: None, language: str, screen: str, tmp_path: Path
) -> None:
    from tests.support.scripted_platform import on_hold_with_a_question

    one_pdf = answered_case(
        store,
        answer=Answer(
            conclusion="Naevus bénin.",
            expert="Hélène MOREAU",
            pdf_blobs=[blob := store.objects.put(letter("Naevus bénin."))],
            files=[{"blob": blob, "title": "Compte rendu"}],
        ),
    )
    (asked,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    window = window_at(qtbot, store, screen)
    follow = window.case_page.follow
    problems = []
    for case_id, what in ((one_pdf, "one PDF"), (two_pdfs_answered(store), "two PDFs"), (asked, "a question")):
        window.open_case(case_id)
        qtbot.wait(100)
        assert not window.case_page.editing()
        if what != "a question":
            assert follow.keep_unread.isVisible()
        problems += [f"{what}: {p}" for p in settled(qtbot, window.case_page)]
    assert problems == [], "\n".join(problems)
    window.shutdown()


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("specialty", ["dermatology", "ophthalmology"])
def test_the_case_pages_buttons_read_whole(
    qtbot: Any, store: Store, sync_runner: None, styled: None, language: str, screen: str, specialty: str
) -> None:
    case = Case(
        specialty=specialty,
        patient=Patient(family="LEROY", given=["Marc"]),
        consent=Consent(given=True, recorded_by="Inf. Durand"),
        question="Avis ?",
    )
    store.create_case(case, [layout_tests.blurred_image(specialty)])
    window = window_at(qtbot, store, screen)
    window.open_case(case.id)
    page = window.case_page
    panel = page.capture.ensure()
    panel.select_image(page.case.images[0].id)
    page.send()  # refused: the checklist says why under its list
    qtbot.wait(100)
    assert page.editing()
    assert settled(qtbot, page) == []
    window.shutdown()
