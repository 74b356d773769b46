"""The passphrase asked again after a typo keeps the size of the first ask (found at the cart, at start).

Typed wrong the first morning, the passphrase was asked again in a dialog four times the first one's
size (640 × 480 on a 1280 × 720 cart screen): its one sentence at the top, the field in the middle, the
« Phrase secrète incorrecte. Encore 2 essais. » far below, the buttons at the bottom, as if something else
had opened. The problem line was fitted before the dialog was shown, against Qt's default size of a
widget not yet laid out. The dialog asked again is now the first one with its problem line under the
field, whole."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel


def _shown(qtbot: Any, **wrong: Any) -> Any:
    from ui.unlock_dialog import PassphraseDialog

    dialog = PassphraseDialog(False, **wrong)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_passphrase_asked_again_is_the_first_ask_with_its_problem_line(qtbot: Any) -> None:
    first = _shown(qtbot)
    again = _shown(qtbot, wrong=True, tries_left=2)

    assert again.problem.isVisible() and "incorrecte" in again.problem.text()
    assert again.width() == first.width(), "as wide as the first ask"
    line = again.problem.heightForWidth(again.problem.width())
    assert again.height() <= first.height() + line + 2 * again.layout().spacing(), (
        f"{again.width()} × {again.height()} after {first.width()} × {first.height()}: grew beyond its problem line"
    )
    for label in again.findChildren(QLabel):  # nothing cut
        assert label.height() >= label.heightForWidth(label.width()), label.text()
