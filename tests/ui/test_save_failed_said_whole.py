"""« Non enregistré : Le disque est plein … » is read whole, beside a title still readable.

Found from outside under Xvfb at 1280 × 720, the disk filled while the nurse typed: the words, on one
line beside the case's title, squeezed the title to a column of five lines and were cut at the
window's edge, « Libérez de la place (ou prévenez » — what to do lost."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt

from app.messages import tr
from app.model import Case, Consent, Patient
from app.store import Store
from tests.support.ui import activate


@pytest.mark.parametrize("width", [960, 1280])
def test_the_full_disk_words_are_shown_whole_and_the_title_stays_readable(
    qtbot: Any, window: Any, store: Store, width: int
) -> None:
    case = Case(
        specialty="dermatology",
        patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03"),
        consent=Consent(given=True, recorded_by="Inf. D"),
    )
    case_id = store.create_case(case, [])
    window.resize(width, 720 if width > 960 else 600)
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    words = tr("storage.full")
    page._save_failed(words)
    qtbot.wait(50)  # the layout settles

    label = page.saved_state
    text = label.text()
    assert words in text
    assert label.geometry().right() <= page.width(), "not past the window's edge"
    metrics = label.fontMetrics()
    if label.wordWrap():
        needed = metrics.boundingRect(QRect(0, 0, label.width(), 10_000), Qt.TextFlag.TextWordWrap, text).height()
        assert needed <= label.height(), f"{needed} px of text in {label.height()} px: cut"
    else:
        assert metrics.horizontalAdvance(text) <= label.width(), "cut at its end"
    assert page.header.width() >= page.width() // 4, f"the title squeezed to {page.header.width()} px"

    page._saved()  # saved again once space is freed: one short line, the title its room back
    qtbot.wait(50)
    assert page.header.width() >= page.width() // 2
