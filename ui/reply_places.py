"""Where each image joined to a reply was taken: the eye of a retinograph, the body site of a photo.

Found from outside: a retinograph joined to a reply went to the expert without its eye (a JPEG says
none), a photo without its body site, and nothing in the reply let the user say them. Each image
joined now has its row here, written into the image's record as the user chooses; sending waits until
every one is said (``sync.follow.queue_reply`` refuses it otherwise).

A retinograph's row also says « ⚠ Œil à vérifier » when its optic disc lies on the other eye's side
(``app.validation.reply_eye_sides``, as a case's tile says it), and follows the eye as it is chosen.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCompleter, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from app.model import EYES, CaseImage
from app.store import NewImage
from app.validation import eye_side_words
from ui.choice_box import ChoiceBox
from ui.image_tile import EYE_SIDE_COLOUR, eye_name


class ReplyPlaces(QWidget):
    """One row per image joined to the reply: its eye (ophthalmology) or its body site (any other)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._form = QFormLayout(self)
        self._form.setContentsMargins(0, 0, 0, 0)
        self.fields: list[ChoiceBox | QLineEdit] = []
        #: Per retinograph's row, its « ⚠ Œil à vérifier » (hidden while the eye and the disc agree).
        self.eye_checks: list[QLabel] = []
        self._rows: list[QWidget] = []  # a retinograph's box and its mark, held until laid in the form

    def show_images(self, images: list[NewImage], specialty: str, names: dict[str, str], sites: list[str]) -> None:
        """Rows for ``images`` (named as joined), the body sites of the case's images offered."""
        while self._form.rowCount():
            self._form.removeRow(0)
        self.fields, self.eye_checks, self._rows = [], [], []
        for number, image in enumerate(images, start=1):
            name = names.get(image.record.id, "")
            label = (
                self.tr("Image {n} ({name}) :").format(n=number, name=name)
                if name
                else self.tr("Image {n} :").format(n=number)
            )
            field = self._eye(image.record) if specialty == "ophthalmology" else self._site(image.record, sites)
            field.setAccessibleName(label)
            # A retinograph's box comes in its row, beside its « ⚠ Œil à vérifier ».
            self._form.addRow(QLabel(label), self._rows[-1] if isinstance(field, ChoiceBox) else field)
            self.fields.append(field)
        self.setVisible(bool(images))

    def _eye(self, record: CaseImage) -> ChoiceBox:
        row = QWidget()
        self._rows.append(row)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        box = ChoiceBox(row)
        box.addItem(self.tr("— quel œil ? —"), "")
        for eye in EYES:
            box.addItem(eye_name(eye), eye)
        box.setCurrentIndex(max(0, box.findData(record.eye)))
        box.setToolTip(self.tr("L'œil photographié : l'expert doit le savoir"))
        check = QLabel("⚠ " + self.tr("Œil à vérifier"), row)
        check.setStyleSheet(f"color: {EYE_SIDE_COLOUR}")
        self.eye_checks.append(check)
        line.addWidget(box)
        line.addWidget(check)
        line.addStretch(1)

        def said() -> None:
            # As a case's tile: the mark, and why in its tooltip (and for a screen reader).
            sentence = eye_side_words(record)
            check.setVisible(bool(sentence))
            check.setToolTip(sentence or "")
            check.setAccessibleDescription(sentence or "")

        def chosen(_index: int) -> None:
            record.eye = str(box.currentData() or "") or None
            said()

        box.currentIndexChanged.connect(chosen)
        said()
        return box

    def _site(self, record: CaseImage, sites: list[str]) -> QLineEdit:
        edit = QLineEdit(record.body_site)
        edit.setPlaceholderText(self.tr("Localisation, ex. dos, talon droit"))
        edit.setToolTip(self.tr("La zone du corps photographiée : l'expert doit la savoir"))
        if sites:  # most often the lesion the expert asked about: the case's sites are offered
            completer = QCompleter(sites, edit)
            completer.setCaseSensitivity(completer.caseSensitivity().CaseInsensitive)
            completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
            edit.setCompleter(completer)

        def typed(text: str) -> None:
            record.body_site = text.strip()

        edit.textChanged.connect(typed)
        return edit
