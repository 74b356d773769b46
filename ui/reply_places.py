"""Where each image joined to a reply was taken: the eye of a retinograph, the body site of a photo.

Found from outside: a retinograph joined to a reply went to the expert without its eye (a JPEG says
none), a photo without its body site, and nothing in the reply let the user say them. Each image
joined now has its row here, written into the image's record as the user chooses; sending waits until
every one is said (``sync.follow.queue_reply`` refuses it otherwise).
"""

from __future__ import annotations

from PySide6.QtWidgets import QCompleter, QFormLayout, QLabel, QLineEdit, QWidget

from app.model import EYES, CaseImage
from app.store import NewImage
from ui.choice_box import ChoiceBox
from ui.image_tile import eye_name


class ReplyPlaces(QWidget):
    """One row per image joined to the reply: its eye (ophthalmology) or its body site (any other)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._form = QFormLayout(self)
        self._form.setContentsMargins(0, 0, 0, 0)
        self.fields: list[ChoiceBox | QLineEdit] = []

    def show_images(self, images: list[NewImage], specialty: str, names: dict[str, str], sites: list[str]) -> None:
        """Rows for ``images`` (named as joined), the body sites of the case's images offered."""
        while self._form.rowCount():
            self._form.removeRow(0)
        self.fields = []
        for number, image in enumerate(images, start=1):
            name = names.get(image.record.id, "")
            label = (
                self.tr("Image {n} ({name}) :").format(n=number, name=name)
                if name
                else self.tr("Image {n} :").format(n=number)
            )
            field = self._eye(image.record) if specialty == "ophthalmology" else self._site(image.record, sites)
            field.setAccessibleName(label)
            self._form.addRow(QLabel(label), field)
            self.fields.append(field)
        self.setVisible(bool(images))

    def _eye(self, record: CaseImage) -> ChoiceBox:
        box = ChoiceBox()
        box.addItem(self.tr("— quel œil ? —"), "")
        for eye in EYES:
            box.addItem(eye_name(eye), eye)
        box.setCurrentIndex(max(0, box.findData(record.eye)))
        box.setToolTip(self.tr("L'œil photographié : l'expert doit le savoir"))

        def chosen(_index: int) -> None:
            record.eye = str(box.currentData() or "") or None

        box.currentIndexChanged.connect(chosen)
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
