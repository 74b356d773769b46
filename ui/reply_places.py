"""Where each image joined to a reply was taken: the eye of a retinograph, the body site of a photo.

Found from outside: a retinograph joined to a reply went to the expert without its eye (a JPEG says
none), a photo without its body site, and nothing in the reply let the user say them. Each image
joined now has its row here, written into the image's record as the user chooses; sending waits until
every one is said (``sync.follow.queue_reply`` refuses it otherwise).

Each row also offers the image's view (far, close-up, dermoscopy…) or a retinograph's field (macula,
disc), as a case's image has: « voici la dermoscopie demandée » means little to an expert if the image
does not say it is one. Optional, as for a case's images; a DICOM that names it comes chosen.

Each row begins with the photo's thumbnail (:meth:`ReplyPlaces.set_picture`, decoded by the caller off the
window's thread): found at the cart, the row said only the file's name, and the morning's patients' photos
sit side by side in the cart's folder; she saw which photo went only once it had left.

A retinograph's row also says « ⚠ Œil à vérifier » when its optic disc lies on the other eye's side
(``app.validation.reply_eye_sides``, as a case's tile says it), and follows the eye as it is chosen.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPalette, QPixmap
from PySide6.QtWidgets import QCompleter, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from app.model import EYES, CaseImage, Message
from app.store import NewImage
from app.validation import eye_side_words
from app.views import offered_views
from ui.choice_box import ChoiceBox
from ui.image_tile import EYE_SIDE_COLOUR, eye_name, view_name
from ui.widgets import clicks_through, readable

#: The thumbnail at the start of each row: half a tile's, large enough to know the lesion (and the patient's skin).
PICTURE_SIZE = QSize(88, 66)


class ReplyPlaces(QWidget):
    """One row per image joined to the reply: its eye (ophthalmology) or its body site (any other)."""

    placed = Signal()  # an image's eye chosen, its body site typed, or its view (a retinograph's field) chosen
    #: The row's « Retirer » clicked: that image (its index) taken off the reply, the others kept. Found
    #: by a nurse's pass: the only button, « Retirer les images », took off every photo to drop one.
    removed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._form = QFormLayout(self)
        self._form.setContentsMargins(0, 0, 0, 0)
        self.fields: list[ChoiceBox | QLineEdit] = []
        #: Per row, the image's view or a retinograph's field.
        self.views: list[ChoiceBox] = []
        #: Per retinograph's row, its « ⚠ Œil à vérifier » (hidden while the eye and the disc agree).
        self.eye_checks: list[QLabel] = []
        #: Per row, its « Retirer » (that image only).
        self.removes: list[QPushButton] = []
        #: Per row, the photo's thumbnail (empty until :meth:`set_picture` gives it).
        self.pictures: list[QLabel] = []
        self._ids: list[str] = []

    def show_images(self, images: list[NewImage], specialty: str, names: dict[str, str], sites: list[str]) -> None:
        """Rows for ``images`` (named as joined), the body sites of the case's images offered."""
        while self._form.rowCount():
            self._form.removeRow(0)
        self.fields, self.views, self.eye_checks, self.removes = [], [], [], []
        self.pictures, self._ids = [], []
        retina = specialty == "ophthalmology"
        for number, image in enumerate(images, start=1):
            name = names.get(image.record.id, "")
            label = (
                self.tr("Image {n} ({name}) :").format(n=number, name=name)
                if name
                else self.tr("Image {n} :").format(n=number)
            )
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            field = self._eye(image.record, line) if retina else self._site(image.record, sites)
            field.setAccessibleName(label)
            view = self._view(image.record, specialty)
            view.setAccessibleName(label + " " + (self.tr("champ") if retina else self.tr("vue")))
            line.insertWidget(0, field, 0 if retina else 1)
            line.insertWidget(1, view)
            if retina:
                line.addStretch(1)
            remove = QPushButton(self.tr("Retirer"))
            shown = f"{number} ({name})" if name else str(number)
            remove.setAccessibleName(self.tr("Retirer l'image {n}").format(n=shown))
            remove.setToolTip(self.tr("Retire cette image seulement ; les autres et le texte sont gardés."))
            remove.clicked.connect(lambda _checked=False, index=number - 1: self.removed.emit(index))
            line.addWidget(remove)
            self.removes.append(remove)
            picture = QLabel()
            picture.setFixedSize(PICTURE_SIZE)
            picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            picture.setAccessibleName(self.tr("Photo jointe {n}").format(n=shown))
            line.insertWidget(0, picture)
            self.pictures.append(picture)
            self._ids.append(image.record.id)
            self._form.addRow(QLabel(label), row)
            self.fields.append(field)
            self.views.append(view)
        self.setVisible(bool(images))

    def set_picture(self, image_id: str, picture: QImage) -> None:
        """Show ``picture`` on the row of the image ``image_id`` (none if it was taken off meanwhile)."""
        for label, shown in zip(self.pictures, self._ids, strict=True):
            if shown == image_id and not picture.isNull():
                label.setPixmap(
                    QPixmap.fromImage(picture).scaled(
                        PICTURE_SIZE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                    )
                )

    def _view(self, record: CaseImage, specialty: str) -> ChoiceBox:
        retina = specialty == "ophthalmology"
        box = ChoiceBox()
        box.addItem(self.tr("— champ ? —") if retina else self.tr("— vue ? —"), "")
        offered = offered_views(specialty)  # the specialty's own: no dermoscopy for a wound (testers)
        for view in offered:
            box.addItem(view_name(view), view)
        if record.view and box.findData(record.view) < 0:  # a device's own words (DICOM), kept as said
            box.addItem(view_name(record.view), record.view)
        box.setCurrentIndex(max(0, box.findData(record.view)))
        if retina:
            box.setToolTip(self.tr("Le champ photographié (macula, papille), s'il est connu"))
        elif "dermoscopy" in offered:
            box.setToolTip(self.tr("La vue : éloignée, intermédiaire, rapprochée ou dermoscopie, si elle est connue"))
        else:
            box.setToolTip(self.tr("La vue : éloignée, intermédiaire ou rapprochée, si elle est connue"))

        def chosen(_index: int) -> None:
            record.view = str(box.currentData() or "")
            self.placed.emit()  # kept with the photos as an eye chosen is (a crash lost the field chosen last)

        box.currentIndexChanged.connect(chosen)
        return box

    def _eye(self, record: CaseImage, line: QHBoxLayout) -> ChoiceBox:
        box = ChoiceBox()
        box.addItem(self.tr("— quel œil ? —"), "")
        for eye in EYES:
            box.addItem(eye_name(eye), eye)
        box.setCurrentIndex(max(0, box.findData(record.eye)))
        box.setToolTip(self.tr("L'œil photographié : l'expert doit le savoir"))
        check = QLabel("⚠ " + self.tr("Œil à vérifier"))
        check.setStyleSheet(
            f"color: {readable(EYE_SIDE_COLOUR, self.palette().color(QPalette.ColorRole.Window)).name()}"
        )
        self.eye_checks.append(check)
        line.addWidget(check)  # after the eye and the field, placed by the caller

        def said() -> None:
            # As a case's tile: the mark, and why in its tooltip (and for a screen reader).
            sentence = eye_side_words(record)
            check.setVisible(bool(sentence))
            check.setToolTip(sentence or "")
            check.setAccessibleDescription(sentence or "")

        def chosen(_index: int) -> None:
            record.eye = str(box.currentData() or "") or None
            said()
            self.placed.emit()

        box.currentIndexChanged.connect(chosen)
        said()
        return box

    def _site(self, record: CaseImage, sites: list[str]) -> QLineEdit:
        edit = QLineEdit(record.body_site)
        edit.setPlaceholderText(self.tr("Localisation, ex. dos, talon droit"))
        edit.setToolTip(self.tr("La zone du corps photographiée : l'expert doit la savoir"))
        if sites:  # most often the lesion the expert asked about: the case's sites are offered
            completer = QCompleter(sites, edit)
            completer.setCaseSensitivity(completer.caseSensitivity().CaseInsensitive)
            completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
            edit.setCompleter(clicks_through(completer))

        def typed(text: str) -> None:
            record.body_site = text.strip()
            self.placed.emit()

        edit.textChanged.connect(typed)
        return edit


#: A photo whose longest side is over this (pixels), or whose file is over ``LARGE_BYTES``, is worth sending
#: reduced on a slow link (sync/reduced.py's copy: longest side 3000 px; a 12 MP phone photo is 4000 px).
LARGE_SIDE = 3000
LARGE_BYTES = 2_000_000
#: What may go reduced: photos (a DICOM's header is part of it), as sync/reduced.py's ``PHOTO_TYPES``.
PHOTOS = frozenset({"image/jpeg", "image/png"})


def large_photos(message: Message, images: list[CaseImage]) -> list[CaseImage]:
    """The photos of a reply still to leave (not yet on the platform) that a reduced copy would make lighter."""
    joined = set(message.image_ids)
    return [
        image
        for image in images
        if image.id in joined
        and not image.binary_id
        and image.content_type in PHOTOS
        and (max(image.width, image.height) > LARGE_SIDE or image.size > LARGE_BYTES)
    ]


class ReplyReduce(QWidget):
    """A reply to the expert waiting to leave with large photos: « Envoyer la réponse en copies réduites »,
    as a case's « Envoyer des copies réduites » (a slow link without resumable uploads). Once
    chosen (kept with the reply, app/outbox.py ``set_reply_reduced``) it says so, and is offered no more."""

    #: The reply (its message id) whose photos are to go reduced: the caller records it.
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        self.button = QPushButton(self.tr("Envoyer la réponse en copies réduites"))
        self.button.setAutoDefault(False)
        self.button.setToolTip(
            self.tr(
                "Pour une liaison lente : les photos de votre réponse pas encore parties sont envoyées en copies "
                "réduites (côté le plus long 3000 px, JPEG qualité 90) ; l'expert voit qu'il s'agit de copies, "
                "les originaux restent sur ce poste."
            )
        )
        self.button.clicked.connect(self._choose)
        self.said = QLabel(
            self.tr(
                "Copies réduites demandées pour la réponse : ses photos pas encore parties seront envoyées réduites."
            )
        )
        self.said.setWordWrap(True)
        line.addWidget(self.button, 0)
        line.addWidget(self.said, 1)
        self._message_id: str | None = None
        self._photos = 0
        self.show_for(None, [])

    @property
    def photos(self) -> int:
        """How many photos of the reply shown are on their way (the progress counts those)."""
        return self._photos

    @property
    def offered(self) -> bool:
        """Whether a reply to be sent reduced is offered now (the slow link's words then point here)."""
        return self._message_id is not None and not self.button.isHidden()

    def show_for(self, message: Message | None, images: list[CaseImage]) -> None:
        """Offer (or say) reduced copies for ``message``, the reply waiting to leave (None: none waits)."""
        large = large_photos(message, images) if message is not None and message.state == "queued" else []
        self._message_id = message.id if message is not None and large else None
        self._photos = len(message.image_ids) if message is not None and message.state == "queued" else 0
        self.button.setVisible(bool(large) and message is not None and not message.reduced)
        self.button.setEnabled(True)
        self.said.setVisible(bool(large) and message is not None and message.reduced)
        self.setVisible(bool(large))

    def _choose(self) -> None:
        if self._message_id is not None:
            self.button.setEnabled(False)  # until it is recorded (the caller shows the reply again)
            self.chosen.emit(self._message_id)
