"""One image of the case as a tile: thumbnail, quality colour and badge, the sentence that matters."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QImage,
    QImageReader,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.i18n import language
from app.model import OTHER_PATIENT_CHECK, CaseImage, Level, QualityFinding
from app.quality_words import words as quality_words
from app.report_text import quality_said
from app.validation import eye_side_words
from ui.elided_label import ElidedLabel
from ui.widgets import readable

# Border and badge colours by quality level; the badge also says it in words (colour-blind users).
# Each reads the badge's white words at WCAG AA (4.5:1): the orange was #e65100, 3.8:1.
LEVEL_COLOURS = {"ok": "#2e7d32", "warning": "#bf4300", "blocking": "#c62828"}
THUMB_SIZE = QSize(176, 132)
_TILE_SIDE_MARGIN = 8
TILE_WIDTH = THUMB_SIZE.width() + 24
#: The width of a tile's lines of words: the tile is as wide for every image, so its labels need not be
#: asked their height for each width a layout tries (opening a case of 8 images asked ~250 times).
_WORDS_WIDTH = TILE_WIDTH - 2 * _TILE_SIDE_MARGIN
#: A label to check (the eye of a retinograph whose optic disc is on the other side): the checklist's ⚠ colour.
EYE_SIDE_COLOUR = "#8a5a00"
#: The words that the device recorded the image for another patient: the checklist's ⚠ colour, in bold.
OTHER_PATIENT_COLOUR = EYE_SIDE_COLOUR
SELECTED_BACKGROUND = "#dcebfb"  # a light tint: dark text stays readable


def worst_finding(image: CaseImage) -> QualityFinding | None:
    """The finding the nurse should read first: the first one of the worst level, if not ok."""
    level = image.worst_level()
    if level == "ok":
        return None
    return next(finding for finding in image.quality if finding.level == level)


def quality_findings(image: CaseImage) -> list[QualityFinding]:
    """The image's findings a tile says, but for whether its device recorded it for another patient: the
    tile says that as the case's identity is now (:meth:`ImageTile.set_other_patient`), not as it was
    compared at the import (an identity typed, or corrected, since)."""
    return [f for f in quality_said(image) if f.check != OTHER_PATIENT_CHECK]


def tile_level(image: CaseImage, other_patient: bool, names_only: bool = False) -> Level:
    """The tile's level: the worst of its quality findings, at least « à vérifier » for another patient's, for
    one its device recorded under the case's names alone, or a retinograph whose eye is in doubt (its device
    or its optic disc says the other eye: found from outside, its tile stayed green beside « ⚠ Œil à
    vérifier », where the checklist warns)."""
    levels = {finding.level for finding in quality_findings(image)}
    if "blocking" in levels:
        return "blocking"
    doubt = eye_side_words(image) is not None
    return "warning" if "warning" in levels or other_patient or names_only or doubt else "ok"


def decode_thumbnail(data: bytes | None) -> QImage | None:
    """The thumbnail's JPEG decoded and fitted to the tile's size (QImage: any thread may do it). OpenCV
    decodes it, not Qt: a worker decoding a case's thumbnails would otherwise hold Python's lock, and the
    window's thread, for as long as each decode takes (:mod:`capture.decode`)."""
    if not data:
        return None
    from capture import decode  # OpenCV: not loaded before the window shows

    pixels = decode.fitted(data, (THUMB_SIZE.width(), THUMB_SIZE.height()))
    if pixels is None:
        return None
    height, width = pixels.shape[:2]
    return QImage(pixels.data, width, height, pixels.strides[0], QImage.Format.Format_BGR888).copy()


#: The longer side of the expert's picture opened large: its details, without 48 MB for a 12 MP photo.
LARGE_SIDE = 4096


def decode_large(data: bytes) -> QImage:
    """The expert's picture opened large, upright, decoded by OpenCV (on a worker: the window's thread, and
    Python's lock, are not held while it decodes, see :func:`decode_thumbnail`); Qt's reader for a picture
    OpenCV does not read (a GIF). Null when neither reads it."""
    from capture import decode  # OpenCV: not loaded before the window shows

    pixels = decode.upright(data, LARGE_SIDE)
    if pixels is None:
        return decode_picture(data, LARGE_SIDE)
    height, width = pixels.shape[:2]
    return QImage(pixels.data, width, height, pixels.strides[0], QImage.Format.Format_BGR888).copy()


def decode_picture(data: bytes, fit: int | None = None) -> QImage:
    """A picture as it is meant to be seen: turned upright by its EXIF orientation (a phone's portrait
    photo is stored sideways), and, with ``fit``, decoded directly to fit a ``fit``-pixel square (a JPEG
    is then decoded at a fraction of its size: an icon of a 12 MP photo no longer holds 48 MB).
    Null when the bytes are no picture Qt reads."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if fit is not None and size.isValid() and max(size.width(), size.height()) > fit:
        # (The box is square: whether the orientation turns the picture does not change its scale.)
        reader.setScaledSize(size.scaled(fit, fit, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


class ImageTile(QFrame):
    """A selectable tile; Del on a focused tile asks to delete it."""

    clicked = Signal(str)
    delete_requested = Signal(str)

    def __init__(
        self,
        image: CaseImage,
        thumbnail: bytes | QImage | None,
        number: int,
        parent: QWidget | None = None,
        *,
        pending: bool = False,
        other_patient: bool = False,
        names_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("imageTile")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.setFixedWidth(TILE_WIDTH)
        layout = QVBoxLayout(self)
        # Tight enough that the picture and four lines of words fit the strip of a 1366 × 768 screen.
        layout.setContentsMargins(_TILE_SIDE_MARGIN, 5, _TILE_SIDE_MARGIN, 5)
        layout.setSpacing(3)

        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(THUMB_SIZE)
        layout.addWidget(self.picture)
        self.badge = QLabel()
        layout.addWidget(self.badge)
        # Two lines of the verdict, two of the labels (one when « Œil à vérifier » takes the second): a
        # longer one ends with « … » and is whole in the tooltip; it was cut by the strip's lower edge.
        self.sentence = ElidedLabel(max_lines=2, width=_WORDS_WIDTH)
        layout.addWidget(self.sentence)
        self.caption = ElidedLabel(max_lines=2, width=_WORDS_WIDTH)
        layout.addWidget(self.caption)
        layout.addStretch(1)
        self.selected = False
        self._style: tuple[str, bool] | None = None  # (level, selected) as last shown
        self._shown: tuple[int, bytes | QImage | None, bool] | None = None  # (number, thumbnail, pending) shown
        self.image: CaseImage = image
        #: Whether its device recorded it for another patient than the case's as it is now (app/validation.py).
        self.other_patient = other_patient
        #: Whether its device recorded it under the case's names alone, no birth date nor INS to confirm them.
        self.names_only = names_only
        self.number = number
        self.show_image(image, number, thumbnail, pending=pending, other_patient=other_patient, names_only=names_only)

    def show_image(
        self,
        image: CaseImage,
        number: int,
        thumbnail: bytes | QImage | None,
        *,
        pending: bool = False,
        other_patient: bool = False,
        names_only: bool = False,
    ) -> None:
        """Show ``image`` as the ``number``-th (the strip reuses its tiles from case to case: making
        and styling new widgets was most of the time it took to open a case). A tile that already shows
        this very image, number and thumbnail is left as it is: a new photo redrew every tile of the
        strip before its own could appear. Its words are written again only when they may have changed:
        a case opened again had each of its tiles' verdict, sentence, caption and name rewritten while
        only their thumbnails were being read again."""
        shown = (number, thumbnail, pending)
        # The same words (the case opened again: its thumbnails are read again, its words have not changed).
        same_words = (
            self._shown is not None
            and self._shown[0] == number
            and image == self.image
            and other_patient == self.other_patient
            and names_only == self.names_only
        )
        same_picture = self._shown is not None and self._shown[1:] == shown[1:] and not pending
        if same_words and same_picture:
            self.image = image
            return
        self._shown = shown
        self.image = image
        self.number = number
        self.other_patient = other_patient
        self.names_only = names_only
        if pending:  # the strip decodes it off the main thread and sets it when ready
            self.picture.clear()
        elif not same_picture:
            self.set_thumbnail(thumbnail)
        if not same_words:
            self._say_verdict()
            self.set_caption(image)
        self.set_selected(False)

    def set_other_patient(self, other_patient: bool, names_only: bool = False) -> None:
        """Say (or no longer say) that the image's device recorded it for another patient than the case's, or
        under its names alone, as the identity is now: followed as it is typed, without redrawing the tile
        when nothing changes."""
        if (other_patient, names_only) == (self.other_patient, self.names_only):
            return
        self.other_patient, self.names_only = other_patient, names_only
        self._say_verdict()
        self.set_selected(self.selected)

    def _say_verdict(self) -> None:
        """Badge, sentence and tooltip: the quality's, and first (identity vigilance before the picture's
        quality, unless it is unusable) that the device recorded it for another patient, or under the case's
        names alone (a mother's image in her daughter's case: nothing from the device confirms whose it is)."""
        image = self.image
        self.level = tile_level(image, self.other_patient, self.names_only)
        self.badge.setText(f"{self.number}. {self._badge_text()}")
        findings = quality_findings(image)
        # Short on the tile (two lines), whole in its tooltip and the selected image's findings.
        other = (quality_words("patient.other") or "") if self.other_patient else ""
        if not other and self.names_only:
            other = quality_words("patient.names-only") or ""
        worst = next((f for f in findings if f.level == self.level), None)
        if other and self.level != "blocking" and self.other_patient:
            sentence = "⚠ " + self.tr("Autre patient selon l'appareil")
        elif other and self.level != "blocking":
            sentence = "⚠ " + self.tr("Nom seul : identité non confirmée")
        else:
            # A good image: its badge says « ✓ Bonne qualité », said again under it (and a line taken from
            # the caption's room at 1366 × 768); the line above the photos says it when it is selected.
            sentence = worst.text() if worst else ""
        self.sentence.setText(sentence)
        self.sentence.setVisible(bool(sentence))
        style = f"color: {self._ink(OTHER_PATIENT_COLOUR)}; font-weight: bold" if other else ""
        if self.sentence.styleSheet() != style:  # (restyling a label at each case opened was slow)
            self.sentence.setStyleSheet(style)
        self.setToolTip("\n".join([other] * bool(other) + [f.text() for f in findings]))
        self._name()

    def said(self) -> str:
        """What the line above the photos says of the tile selected: its sentence, else the eye to check
        (found from outside: « Image de bonne qualité. » was said beside the tile's orange « ⚠ Œil à
        vérifier », and read first), else that it is good."""
        return self.sentence.text() or eye_side_words(self.image) or self.tr("Image de bonne qualité.")

    def set_thumbnail(self, thumbnail: bytes | QImage | None) -> None:
        """Show the thumbnail (JPEG bytes, or a QImage already decoded and reduced), or say it is unavailable."""
        picture = thumbnail if isinstance(thumbnail, QImage) else decode_thumbnail(thumbnail)
        if picture is None or picture.isNull():
            self.picture.setText(self.tr("Aperçu indisponible"))
        else:
            self.picture.setPixmap(QPixmap.fromImage(picture))

    def _badge_text(self) -> str:
        return {
            "ok": self.tr("✓ Bonne qualité"),
            "warning": self.tr("! À vérifier"),
            "blocking": self.tr("✗ Inutilisable"),
        }[self.level]

    def set_caption(self, image: CaseImage) -> None:
        """What the image shows (view or eye and field, site), as labelled; and, when its device recorded
        the other eye or its optic disc lies on the other eye's side, that the eye is to be checked
        (app/validation.py)."""
        self.image = image
        if tile_level(image, self.other_patient, self.names_only) != self.level:
            self._say_verdict()  # the eye chosen now agrees with the photo, or no longer: the tile's state says it
            self.set_selected(self.selected)
        # The eye first: when « Œil à vérifier » takes the second line, the end of the first is cut, and it
        # was the eye (« Centrée sur la macula · Œil … »), the very thing to check.
        parts = [p for p in (eye_name(image.eye), view_name(image.view), image.body_site) if p]
        text = " · ".join(parts) if parts else self.tr("Non légendée")
        eye_side = eye_side_words(image)
        if eye_side:
            text += "\n⚠ " + self.tr("Œil à vérifier")
        self.caption.setText(text)
        self.caption.setStyleSheet(f"color: {self._ink(EYE_SIDE_COLOUR)}" if eye_side else "")
        self.caption.setToolTip(eye_side or "")
        self._name()

    def _ink(self, colour: str) -> str:
        """``colour`` as it reads on the tile's ground (on a dark theme, lighter)."""
        return readable(colour, self.palette().color(QPalette.ColorRole.Base)).name()

    def _name(self) -> None:
        """What a screen reader says of the tile: its number, its verdict in words (the border's colour and
        the badge's mark are not read), its sentence, and what it shows with « Œil à vérifier »."""
        verdict = {
            "ok": self.tr("bonne qualité"),
            "warning": self.tr("à vérifier"),
            "blocking": self.tr("inutilisable"),
        }[self.level]
        # Separated as the language does (it said " ; " in English too).
        shows = self.caption.text().replace("\n⚠ ", "\u202f; " if language() == "fr" else "; ").replace(" · ", ", ")
        if self.sentence.text():
            name = self.tr("Image {n}, {verdict} : {quality} — {shows}").format(
                n=self.number, verdict=verdict, quality=self.sentence.text(), shows=shows
            )
        else:
            name = self.tr("Image {n}, {verdict} — {shows}").format(n=self.number, verdict=verdict, shows=shows)
        self.setAccessibleName(name)

    def set_selected(self, selected: bool) -> None:
        """The border (the quality's colour, thicker when selected) is painted by the tile itself: a style
        sheet set at each change of selection restyled the tile and all its labels, and opening a case
        changes the selection of two tiles."""
        self.selected = selected
        if self._style is None or self._style[0] != self.level:
            self.badge.setStyleSheet(
                f"color: white; background: {LEVEL_COLOURS[self.level]}; "
                "padding: 2px 6px; border-radius: 3px; font-weight: bold;"
            )
        if self._style != (self.level, selected):
            self._style = (self.level, selected)
            self.update()

    def border_colour(self) -> str:
        """The colour of the border as painted: the quality level's."""
        return LEVEL_COLOURS[self.level]

    def paintEvent(self, event: QPaintEvent) -> None:
        width = 4 if self.selected else 3
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(self.border_colour()), width))
        # The light tint under the theme's words: on a dark theme (white words), the same hue darkened.
        words = self.palette().color(QPalette.ColorRole.WindowText)
        painter.setBrush(readable(SELECTED_BACKGROUND, words) if self.selected else self.palette().base())
        half = width / 2
        painter.drawRoundedRect(self.rect().toRectF().adjusted(half, half, -half, -half), 6, 6)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.clicked.emit(self.image.id)
        super().mousePressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.clicked.emit(self.image.id)
        super().focusInEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_requested.emit(self.image.id)
            event.accept()
            return
        super().keyPressEvent(event)


def view_name(view: str) -> str:
    """A view or retina field as the user reads it (free text is shown as typed)."""
    names = {
        "far": QCoreApplication.translate("CaptureWords", "Vue éloignée"),
        "medium": QCoreApplication.translate("CaptureWords", "Vue intermédiaire"),
        "close-up": QCoreApplication.translate("CaptureWords", "Vue rapprochée"),
        "dermoscopy": QCoreApplication.translate("CaptureWords", "Dermoscopie"),
        "macula": QCoreApplication.translate("CaptureWords", "Centrée sur la macula"),
        "disc": QCoreApplication.translate("CaptureWords", "Centrée sur la papille"),
    }
    return names.get(view, view)


def eye_name(eye: str | None) -> str:
    """An eye as the user reads it."""
    names = {
        "right": QCoreApplication.translate("CaptureWords", "Œil droit (OD)"),
        "left": QCoreApplication.translate("CaptureWords", "Œil gauche (OG)"),
    }
    return names.get(eye or "", "")
