"""Asked before a retinograph filed under the other eye than its device recorded, or whose optic disc
lies on the other eye's side, leaves for the expert.

Found from outside (a tester playing a nurse): a retinography with both eyes swapped left in one click,
the tiles' « ⚠ Œil à vérifier » unread, and the expert's findings (laser, injection) landed on the wrong
eye. The check is a warning (``app.validation.eye_side``): the nurse may know better (a device that
exports mirrored images), so sending stays possible, once asked. The same question before a case is
queued (``ui.case_page``) and before a reply with images (``ui.follow_view``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from app.model import CaseImage
from app.validation import eye_doubt

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def doubt_words(number: str, image: CaseImage) -> str | None:
    """« L'image 2 est classée œil gauche, mais sa papille est à droite de l'image, comme sur un œil droit. »
    (the side of the image, as the nurse looks at it: « du côté de l'œil droit » described a left eye's
    nasal disc, and was read so), or « … mais l'appareil l'a enregistrée comme un œil droit. », or
    ``None`` when the image's eye agrees with its device and its optic disc (or nothing tells).
    ``number``: as the user reads it beside the image (« 2 », « 1 (OD.jpg) »)."""
    doubt = eye_doubt(image)
    if doubt is None:
        return None
    side, said_by = doubt
    if said_by == "device" and side == "left":
        text = QCoreApplication.translate(
            "EyeSide", "L'image {n} est classée œil droit mais l'appareil l'a enregistrée comme un œil gauche."
        )
    elif said_by == "device":
        text = QCoreApplication.translate(
            "EyeSide", "L'image {n} est classée œil gauche mais l'appareil l'a enregistrée comme un œil droit."
        )
    elif side == "left":
        text = QCoreApplication.translate(
            "EyeSide",
            "L'image {n} est classée œil droit, mais sa papille est à gauche de l'image, comme sur un œil gauche.",
        )
    else:
        text = QCoreApplication.translate(
            "EyeSide",
            "L'image {n} est classée œil gauche, mais sa papille est à droite de l'image, comme sur un œil droit.",
        )
    return text.format(n=number)


def send_despite_eye_sides(parent: QWidget, images: Sequence[tuple[str, CaseImage]]) -> bool:
    """Whether to send: ``True`` at once when no image of ``images`` (numbered as the user reads them)
    is in doubt; else only when the user answers « Envoyer quand même » (checking is the default, and
    what Échap or closing the question does)."""
    doubts = [words for number, image in images if (words := doubt_words(number, image))]
    if not doubts:
        return True
    text = "\n\n".join(doubts) + "\n\n"  # each image apart: the nurse goes through them one by one
    text += QCoreApplication.translate(
        "EyeSide",
        "Vérifiez avant d'envoyer : l'avis de l'expert (laser, injection…) porterait sur l'autre œil. "
        "Si l'appareil enregistre ses images en miroir, vous pouvez envoyer quand même.",
    )
    return sent_once_asked(
        parent,
        QCoreApplication.translate("EyeSide", "Œil à vérifier"),
        text,
        check=QCoreApplication.translate("EyeSide", "Vérifier les images"),
        send=QCoreApplication.translate("EyeSide", "Envoyer quand même"),
    )


def sent_once_asked(parent: QWidget, title: str, text: str, *, check: str, send: str) -> bool:
    """The question asked before images in doubt leave (words already translated): ``True`` only when the
    user presses ``send``; ``check`` is the default, and what Échap or closing the question does."""
    from PySide6.QtWidgets import QMessageBox  # a dialog's type: loaded when one is asked

    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    checking = box.addButton(check, QMessageBox.ButtonRole.RejectRole)
    sending = box.addButton(send, QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(checking)
    box.setEscapeButton(checking)
    box.exec()
    return box.clickedButton() is sending
