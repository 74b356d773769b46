"""What the selected image shows (site, view, eye and field, note), all its findings, its actions."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal, SignalInstance, Slot
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.case_record import note_words
from app.i18n import language
from app.model import EYES, CaseImage, Level, Patient
from app.quality_words import words as quality_words
from app.report_text import other_patient_words, quality_said
from app.validation import eye_side_words, names_only_image
from app.views import offered_views
from ui.choice_box import ChoiceBox
from ui.fields import SAVE_AT_LEAST_EVERY_MS, SAVE_DELAY_MS
from ui.image_tile import LEVEL_COLOURS, eye_name, view_name
from ui.widgets import PerWidth, see_through


class ImageLabels(QGroupBox):
    """Edits the labels of one image; each finished edit is announced with the edited copy."""

    edited = Signal(object)  # CaseImage
    retake_requested = Signal(str)
    anonymise_requested = Signal(str)
    rotate_requested = Signal(str, int)  # image id, quarter turns: 1 to the left, -1 to the right
    delete_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Image sélectionnée"), parent)
        self.image: CaseImage | None = None
        self._patient: Patient | None = None  # the case's, as typed when the image was shown
        self._retina = False
        self._loading = False
        outer = QVBoxLayout(self)
        sides = outer.contentsMargins()  # the findings, last, need the room at 1366 × 768: none lost under them
        outer.setContentsMargins(sides.left(), sides.top(), sides.right(), sides.bottom() // 2)
        form = QFormLayout()
        outer.addLayout(form)

        self.body_site = QLineEdit()
        self.body_site.setPlaceholderText(self.tr("ex. dos, talon droit"))
        self.body_site.setToolTip(self.tr("La zone du corps photographiée, ex. dos, avant-bras gauche, talon droit"))
        self.body_site_label = QLabel(self.tr("&Localisation :"))
        self.body_site_label.setBuddy(self.body_site)
        #: The site shown was filled in from the photo before (not typed for this one): selected when she comes
        #: into the field, so that what she types replaces it (found from outside: « bras droitbras droit »).
        self._site_filled_in = False
        #: The images whose site she typed herself: never « filled in » again, even when the photo before says the
        #: same words (found in review: her own « bras droit », the same as the first photo's, was selected under
        #: the click meant to add to it, and replaced).
        self._sites_typed: set[str] = set()
        #: Where the mouse went down in a site filled in: a click (not a drag choosing part of it) keeps it whole.
        self._site_pressed_at: QPointF | None = None
        self.body_site.installEventFilter(self)
        form.addRow(self.body_site_label, self.body_site)

        self.eye = ChoiceBox()  # the wheel turns it only once it is chosen (ui/choice_box.py)
        self.eye.addItem(self.tr("— à préciser —"), "")
        for eye in EYES:
            self.eye.addItem(eye_name(eye), eye)
        self.eye_label = QLabel(self.tr("Œi&l :"))
        self.eye_label.setBuddy(self.eye)
        form.addRow(self.eye_label, self.eye)

        self.view = ChoiceBox()
        self.view_label = QLabel(self.tr("&Vue :"))
        self.view_label.setBuddy(self.view)
        form.addRow(self.view_label, self.view)

        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Remarque (facultatif)"))
        self.note.setToolTip(self.tr("Une remarque pour l'expert sur cette image (facultatif)"))
        note_label = QLabel(self.tr("&Note :"))
        note_label.setBuddy(self.note)
        form.addRow(note_label, self.note)

        # The actions come right under the labels, before the findings: below them they fell under the
        # fold of a 1366 × 768 screen (the findings are as tall as their sentences, the column scrolls).
        # A photo a case file took though it is also in another patient's case: the checklist says it
        # until the nurse deletes it, or confirms here that it is this patient's.
        self.owner_button = QPushButton(self.tr("C'est bien ce patient"))
        self.owner_button.setToolTip(
            self.tr("Cette photo est aussi dans le dossier d'un autre patient : confirmez qu'elle est de ce patient")
        )
        self.owner_button.clicked.connect(self._owner_checked)
        self.owner_button.hide()
        outer.addWidget(self.owner_button)
        #: The images the checklist says are also in another patient's case.
        self._held_elsewhere: set[str] = set()

        # A photo the phone (or a messaging app) left sideways is turned here, a quarter at a time.
        turns = QHBoxLayout()
        self.rotate_left_button = QPushButton(self.tr("Pivoter à &gauche"))
        self.rotate_left_button.setToolTip(
            self.tr(
                "Tourner la photo d'un quart de tour vers la gauche, sens inverse des aiguilles d'une montre (Alt+G)"
            )
        )
        self.rotate_right_button = QPushButton(self.tr("Pivoter à droi&te"))
        self.rotate_right_button.setToolTip(
            self.tr("Tourner la photo d'un quart de tour vers la droite, sens des aiguilles d'une montre (Alt+T)")
        )
        for button in (self.rotate_left_button, self.rotate_right_button):
            turns.addWidget(button)
        outer.addLayout(turns)

        buttons = QHBoxLayout()
        self.retake_button = QPushButton(self.tr("&Reprendre"))
        self.retake_button.setToolTip(self.tr("La prochaine photo remplacera celle-ci"))
        self.anonymise_button = QPushButton(self.tr("Anon&ymiser…"))  # Alt+A: the menu « &Aide »
        self.delete_button = QPushButton(self.tr("Supprimer"))
        self.delete_button.setToolTip(self.tr("Supprimer cette image (Suppr)"))
        for button in (self.retake_button, self.anonymise_button, self.delete_button):
            buttons.addWidget(button)
        outer.addLayout(buttons)

        self.findings = FindingsLabel()
        self.findings.setWordWrap(True)
        self.findings.setTextFormat(Qt.TextFormat.RichText)
        self.findings.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The findings scroll inside their box rather than being cut when the screen is short.
        findings_scroll = QScrollArea()
        findings_scroll.setWidgetResizable(True)
        findings_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        findings_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        findings_scroll.setWidget(self.findings)
        see_through(findings_scroll)
        findings_scroll.setMinimumHeight(3 * self.fontMetrics().lineSpacing())
        self.findings_scroll = findings_scroll
        outer.addWidget(findings_scroll, 1)

        self.body_site.editingFinished.connect(self._changed)
        self.note.editingFinished.connect(self._changed)
        # Saved as it is typed too, as the editor's fields are: a site typed, the window then killed (or
        # the case sent with Ctrl+Entrée from the field), was lost when only leaving the field saved it.
        self._typing_pause = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._typing_deadline = QTimer(self, singleShot=True, interval=SAVE_AT_LEAST_EVERY_MS)
        for timer in (self._typing_pause, self._typing_deadline):
            timer.timeout.connect(self._changed)
        self.body_site.textEdited.connect(self._typed)
        self.body_site.textEdited.connect(self._site_typed)
        self.note.textEdited.connect(self._typed)
        self.eye.currentIndexChanged.connect(self._changed)
        self.view.currentIndexChanged.connect(self._changed)
        self.retake_button.clicked.connect(lambda: self._ask(self.retake_requested))
        self.anonymise_button.clicked.connect(lambda: self._ask(self.anonymise_requested))
        self.rotate_left_button.clicked.connect(lambda: self._turn(1))
        self.rotate_right_button.clicked.connect(lambda: self._turn(-1))
        self.delete_button.clicked.connect(lambda: self._ask(self.delete_requested))
        self.show_image(None)
        # Whatever brings the keyboard here (Alt+L, Alt+C, Tab, F6), the field is brought into sight in
        # every scroll area it is in: at 1280×720 and 125 % the capture column scrolls sideways, and the
        # Down arrow changed an eye out of sight.
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or not self.isAncestorOf(new) or not self.isVisible():
            return
        parent = new.parentWidget()
        while parent is not None:
            if isinstance(parent, QScrollArea):
                parent.ensureWidgetVisible(new, 8, 8)
            parent = parent.parentWidget()

    def hold_edits(self, held: bool) -> None:
        """While the image is being turned (it is replaced when the turn is done), its labels and the
        actions on it wait; a further turn is still taken (added to the one under way)."""
        edits: list[QWidget] = [
            self.body_site,
            self.eye,
            self.view,
            self.note,
            self.owner_button,
            self.retake_button,
            self.anonymise_button,
            self.delete_button,
        ]
        for widget in edits:
            widget.setEnabled(not held)

    def set_specialty(self, specialty: str) -> None:
        """Retinographs are labelled by eye and field; photos by site and view."""
        self._retina = specialty == "ophthalmology"
        self._loading = True
        # The specialty's own views: no dermoscopy for a wound (testers); an image labelled so keeps it (_select).
        views = [("", self.tr("— à préciser —"))] + [(view, view_name(view)) for view in offered_views(specialty)]
        if [(self.view.itemData(i), self.view.itemText(i)) for i in range(self.view.count())] != views:
            # (The same views are not listed again: at each case opened, the list was laid out anew.)
            self.view.clear()
            for view, name in views:
                self.view.addItem(name, view)
        else:
            self.view.setCurrentIndex(0)  # as cleared: the image selected next says its own
        self.view_label.setText(self.tr("&Champ :") if self._retina else self.tr("&Vue :"))
        widget: QWidget
        for widget in (self.eye, self.eye_label):
            widget.setVisible(self._retina)
        for widget in (self.body_site, self.body_site_label):
            widget.setVisible(not self._retina)
        self._loading = False

    def show_image(
        self, image: CaseImage | None, patient: Patient | None = None, *, site_filled_in: bool = False
    ) -> None:
        """``patient``: the case's, as typed now (a DICOM's device identity is compared with it);
        ``site_filled_in``: the image's site is the one filled in from the photo before, not typed for it."""
        self._site_filled_in = (
            site_filled_in and image is not None and bool(image.body_site) and image.id not in self._sites_typed
        )
        self._typing_pause.stop()  # (what was typed for the image shown before was saved as focus left it)
        self._typing_deadline.stop()
        self.image = image
        self._patient = patient
        self._loading = True
        try:
            self.body_site.setText(image.body_site if image else "")
            # (a reply photo's note, stored in the platform's language, in the reader's: app.case_record)
            self.note.setText(note_words(image.note, language()) if image else "")
            self._select(self.eye, image.eye if image else "", eye_name)
            self._select(self.view, image.view if image else "", view_name)
            self.findings.setText(self._findings_html(image) if image else "")
            self.findings.setToolTip(self._findings_details(image) if image else "")
        finally:
            self._loading = False
        self.setEnabled(image is not None)
        self._show_owner_button()
        self._fit_findings()

    def set_held_elsewhere(self, image_ids: set[str]) -> None:
        """The case's images also in another patient's case, not confirmed yet (from the checklist)."""
        self._held_elsewhere = set(image_ids)
        self._show_owner_button()

    def _show_owner_button(self) -> None:
        image = self.image
        self.owner_button.setVisible(image is not None and image.id in self._held_elsewhere and not image.owner_checked)

    def _owner_checked(self) -> None:
        """The nurse checked whose photo it is: this patient's (saved with the image's labels)."""
        if self._loading or self.image is None:
            return
        self.image = dataclasses.replace(self.image, owner_checked=True)
        self._show_owner_button()
        self.edited.emit(self.image)

    def _fit_findings(self) -> None:
        """Room for every finding (up to ten lines; the column scrolls rather than cut them)."""
        lines = self.fontMetrics().lineSpacing()
        width = self.findings_scroll.viewport().width()
        need = self.findings.heightForWidth(width) if width > 50 else 3 * lines
        self.findings_scroll.setMinimumHeight(max(3 * lines, min(need + 4, 10 * lines)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_findings()

    @staticmethod
    def _select(combo: QComboBox, value: str | None, name: Callable[[str], str]) -> None:
        index = combo.findData(value or "")
        if index < 0:
            # Free text (a DICOM field name) shown as it is, a view not offered for the specialty (a wound's
            # dermoscopy) in its words: rather than lost.
            combo.addItem(name(value or "") or value or "", value or "")
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    def _findings_html(self, image: CaseImage) -> str:
        """Each finding as the sentence a nurse reads; the measures are details, in the tooltip."""
        if not image.quality:
            return self.tr("Aucun contrôle de qualité n'a été fait sur cette image.")
        rows = []
        # The eye chosen against the device's and where the optic disc lies (app/validation.py): the
        # checklist says it too, and it follows the eye as soon as it is changed here.
        eye_side = eye_side_words(image)
        sentences: list[tuple[Level, str]] = [("warning", eye_side)] if eye_side else []
        # The device's patient against the case's as it is now (found from outside: an identity typed after
        # the import left this list silent while the checklist said another patient's).
        other = other_patient_words(image, self._patient, language()) if self._patient is not None else None
        if other:
            sentences.append(("warning", other))
        # Or under her names alone (no birth date nor INS): nothing from the device confirms whose it is.
        if self._patient is not None and names_only_image(image, self._patient):
            sentences.append(("warning", quality_words("patient.names-only") or ""))
        said = quality_said(image) if self._patient is not None else image.quality
        shown = [finding for finding in image.quality if finding in said or finding.level == "ok"]
        sentences += [(finding.level, finding.text()) for finding in shown]
        # What is to be acted on first: the list shows a line or two at 1280×720, and what passed came
        # before a warning found last (the device's eye, said after the checks of its pixels).
        sentences.sort(key=lambda said: _READ_FIRST[said[0]])
        for level, sentence in sentences:
            colour = LEVEL_COLOURS[level]
            rows.append(
                f'<tr><td style="color:{colour}; font-weight:bold; padding-right:4px">■</td>'
                f"<td>{_escape(sentence)}</td></tr>"
            )
        # A table gives each sentence a hanging indent under its coloured mark, without a list's margin.
        return "<table cellspacing='0' cellpadding='1'>" + "".join(rows) + "</table>"

    def _findings_details(self, image: CaseImage) -> str:
        """The measures behind the sentences, for whoever wants them (a tooltip)."""
        lines = []
        for finding in image.quality:
            if finding.measure is None:
                continue
            line = self.tr("{finding} — mesure {measure}").format(
                finding=finding.text(), measure=_number(finding.measure)
            )
            if finding.threshold is not None:
                line += self.tr(", seuil {threshold}").format(threshold=_number(finding.threshold))
            lines.append(line)
        if not lines:
            return ""
        return self.tr("Détails des contrôles :") + "\n" + "\n".join(lines)

    @Slot()
    def _site_typed(self) -> None:
        self._site_filled_in = False  # her own words now: her cursor goes where she puts it
        if self.image is not None and not self._loading:
            self._sites_typed.add(self.image.id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.body_site
            and event.type() == QEvent.Type.FocusIn
            and self._site_filled_in
            # She comes into it; not the window or a popup giving the focus back where her cursor stood (found in
            # review: back from another window, « , gros plan » replaced the site she had put her cursor after).
            and isinstance(event, QFocusEvent)
            and event.reason() not in (Qt.FocusReason.ActiveWindowFocusReason, Qt.FocusReason.PopupFocusReason)
        ):
            # After the click that brought the focus is handled (it puts the cursor where it lands).
            QTimer.singleShot(0, self._select_filled_in_site)
        if watched is self.body_site and self._site_filled_in:
            self._keep_filled_in_site_whole(event)
        return super().eventFilter(watched, event)

    def _keep_filled_in_site_whole(self, event: QEvent) -> None:
        """A site filled in is a suggestion, not her words: a second click in it (or a double-click) put the
        cursor at its end or chose one word, and what she typed was added to it (found from outside: « bras
        gaucheventre » sent as the photo's site). A click keeps it whole; a drag chooses what she drags over; the
        keyboard (End, Home, the arrows) puts her cursor in it to add to it, and it is hers from then on."""
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick) and isinstance(event, QMouseEvent):
            self._site_pressed_at = event.position()
        elif kind == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            pressed_at, self._site_pressed_at = self._site_pressed_at, None
            moved = (event.position() - pressed_at).manhattanLength() if pressed_at is not None else 0.0
            if moved < QApplication.startDragDistance():
                QTimer.singleShot(0, self._select_filled_in_site)  # once the line edit has placed its cursor
        elif kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in _CURSOR_KEYS:
            self._site_filled_in = False  # her cursor, put where she wants to add

    def _select_filled_in_site(self) -> None:
        if self._site_filled_in and self.body_site.hasFocus():
            self.body_site.selectAll()

    def _typed(self) -> None:
        self._typing_pause.start()
        if not self._typing_deadline.isActive():  # from the first key not saved, not from the last
            self._typing_deadline.start()

    def save_typed(self) -> None:
        """A site or note being typed (its pause not over) saved now: the page left, the window closing, the
        session ending. The session's end (Qt's commitDataRequest, the process killed right after) did not
        save it; the window's close saved it only through the field losing the keyboard as it hid."""
        if self._typing_pause.isActive() or self._typing_deadline.isActive():
            self._changed()

    def _note_typed(self) -> str:
        """The note as typed; the reply photo's shown in the reader's words and left as it is stays as stored."""
        typed = self.note.text().strip()
        stored = self.image.note if self.image is not None else ""
        return stored if stored and typed == note_words(stored, language()).strip() else typed

    def _changed(self) -> None:
        self._typing_pause.stop()
        self._typing_deadline.stop()
        if self._loading or self.image is None:
            return
        edited = dataclasses.replace(
            self.image,
            body_site=self.body_site.text().strip() if not self._retina else self.image.body_site,
            eye=(self.eye.currentData() or None) if self._retina else self.image.eye,
            view=self.view.currentData() or "",
            note=self._note_typed(),
        )
        if (edited.body_site, edited.eye, edited.view, edited.note) != (
            self.image.body_site,
            self.image.eye,
            self.image.view,
            self.image.note,
        ):
            eye_changed = edited.eye != self.image.eye
            self.image = edited
            if eye_changed:  # whether the optic disc's side agrees with it (see _findings_html)
                self.findings.setText(self._findings_html(edited))
                self._fit_findings()
            self.edited.emit(edited)

    def _ask(self, signal: SignalInstance) -> None:
        if self.image is not None:
            signal.emit(self.image.id)

    def _turn(self, quarter_turns: int) -> None:
        if self.image is not None:
            self.rotate_requested.emit(self.image.id, quarter_turns)


#: The keys that put her cursor inside a site filled in, to add to it.
_CURSOR_KEYS = frozenset({Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End})


class FindingsLabel(QLabel):
    """The selected image's findings (a table, rich text), as tall as they are at the width given.

    A rich-text label lays out its whole document twice each time it is asked its height for a width
    (QLabel.heightForWidth, ~0.2 ms for a few findings), and its scroll area, the column's layouts and
    :meth:`ImageLabels._fit_findings` ask it at each case opened, for the same one or two widths: the
    heights are kept per width until the words or the font change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._heights = PerWidth(self, super().heightForWidth, most=16)

    def setText(self, text: str) -> None:
        if text != self.text():
            self._heights.clear()
        super().setText(text)

    def heightForWidth(self, width: int) -> int:
        return self._heights(width)


#: The order the findings are read in: what blocks, then what is to be checked, then what passed.
_READ_FIRST: dict[Level, int] = {"blocking": 0, "warning": 1, "ok": 2}


def _number(value: float) -> str:
    """A measure as people read it: 921 600 rather than 9.22e+05, 0.862 rather than 0.86213."""
    if abs(value) >= 1000:
        return f"{round(value):,}".replace(",", "\u202f")
    return f"{value:.3g}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
