"""A case that has left: its progress while it goes, the platform's states, the expert's answer
(conclusion, follow-up advice, PDF shown inside, opened or printed on demand) and the expert's
question with a reply box."""

from __future__ import annotations

import json
import logging
import math
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QObject, QPoint, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QIcon,
    QImage,
    QKeyEvent,
    QPainter,
    QPixmap,
    QRegion,
    QResizeEvent,
    QShowEvent,
    QTextCursor,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app import clock
from app import messages as M
from app.answers import (
    AnswerFiles,
    amended_words,
    answer_files,
    conclusion_words,
    earlier_words,
    follow_up_words,
    hint_words,
    missing_words,
    state_words,
    status_words,
)
from app.case_record import REPLY_PHOTO_NOTE, Message
from app.errors import AlreadyStored, TeleavisError
from app.findings import Finding
from app.i18n import language
from app.model import (
    FOLLOWED_STATES,
    WAITING_FOR_EXPERT,
    Answer,
    Case,
    CaseImage,
    CaseState,
    ShownNews,
    shown_id,
    utc_now,
)
from app.outbox import STEP_TRANSACTION, Outbox, held_by_platform
from app.report_text import history_words, kind_words
from app.store import PLATFORM, TRAINING, NewImage, Store
from app.validation import eye_side_words, image_place, reply_eye_sides, reply_other_patients, reply_taken_earlier
from sync.progress import RateMeter
from ui.eye_side_question import send_despite_eye_sides
from ui.fields import SAVE_AT_LEAST_EVERY_MS, SAVE_RETRY_MS
from ui.file_dialogs import IMAGE_PATTERNS, open_images
from ui.flow_layout import FlowLayout
from ui.image_tile import decode_large, decode_picture, decode_thumbnail, eye_name, view_name, worst_finding
from ui.lock import under_lock
from ui.other_patient_question import send_despite_earlier_photos, send_despite_other_patient
from ui.reply_places import PHOTOS, ReplyPlaces, ReplyReduce
from ui.tasks import on_own_connection, run_note, run_task, run_write
from ui.widgets import named, see_through
from ui.worklist import local_time

if TYPE_CHECKING:
    from capture.pipeline import PreparedImage
    from ui.reply_camera import ReplyCamera

log = logging.getLogger(__name__)

#: A camera still's name as kept with the reply begun (app/reply_drafts.py): its time, in no language ("/" is in
#: no file's name); shown in the reader's words (``FollowView._name_shown``). Found in review: kept as the window
#: said it, « Photo prise à 10:12:03 » read back in an English window.
CAMERA_NAME = "camera/"
#: Such a name as the window says it, in either language (and as kept before).
_TAKEN_AT = re.compile(r"(?:Photo prise à|Photo taken at) (\d{1,2}:\d{2}:\d{2})")


def _name_kept(name: str) -> str:
    """A joined image's name as the reply begun keeps it: a camera still's in no language (:data:`CAMERA_NAME`)."""
    said = _TAKEN_AT.fullmatch(name)
    return CAMERA_NAME + said.group(1) if said is not None else name


#: How long after the last key a reply begun is kept (written sealed by the writer thread).
DRAFT_DELAY_MS = 1000


def image_progress(case: Case, sent: int) -> tuple[int, int]:
    """How many of the case's images are fully handed over for ``sent`` bytes (presentation only)."""
    done, total = 0, 0
    for image in case.images:
        total += image.size
        if total <= sent:
            done += 1
    return done, len(case.images)


#: How long the news stays in front of her after an input that is no sign she read it (a modifier alone, a
#: key or a click outside the page) before it counts as read: leaving the page takes less.
READ_AFTER_MS = 1500


#: What only a person in front of the window makes: a key, a click, the wheel, a touch (not a mouse
#: move, which the system may make up when what is under the pointer changes).
_PERSON_EVENTS = frozenset(
    (
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    )
)
#: The keys that move through the page she is reading (a key with a character acts on it too).
_READING_KEYS = frozenset(
    (
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
        Qt.Key.Key_Home,
        Qt.Key.Key_End,
        Qt.Key.Key_Space,
    )
)
#: With one of these held, a key is a shortcut (Alt+← back to the list, Ctrl+L the lock...): it may leave.
_SHORTCUT_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
)


def acts_on_page(event: QKeyEvent) -> bool:
    """Whether a key pressed in the page acts on it (moves through it, types in it): a sign she is reading
    it. Not a modifier alone (the Alt of Alt+←), nor a shortcut, nor Escape, Tab or a function key."""
    if event.modifiers() & _SHORTCUT_MODIFIERS:
        return False
    if event.key() in _READING_KEYS:
        return True
    text = event.text()
    return bool(text) and text.isprintable()


#: Where a line of the conversation keeps the id of its message.
MESSAGE_ID = Qt.ItemDataRole.UserRole
#: The last reply's line, refused, pointing below (at the line above her words back in the box) and above.
POINTS_BELOW, POINTS_ABOVE = Qt.ItemDataRole.UserRole + 1, Qt.ItemDataRole.UserRole + 2

#: The room of the pictures sent with a reply, on its line of the conversation (half a tile's thumbnail tall).
REPLY_PICTURES = QSize(180, 66)


def side_by_side(pictures: list[QImage]) -> QImage:
    """``pictures`` in a row, each as tall as a reply's line shows them (a QImage: any thread may make it);
    null when there are none."""
    if not pictures:
        return QImage()
    height = REPLY_PICTURES.height() * 2  # drawn at twice the size: sharp at 200 %
    scaled = [p.scaledToHeight(height, Qt.TransformationMode.SmoothTransformation) for p in pictures]
    gap = 8
    row = QImage(sum(p.width() for p in scaled) + gap * (len(scaled) - 1), height, QImage.Format.Format_ARGB32)
    row.fill(Qt.GlobalColor.transparent)
    painter = QPainter(row)
    x = 0
    for picture in scaled:
        painter.drawImage(x, 0, picture)
        x += picture.width() + gap
    painter.end()
    return row


class Conversation(QListWidget):
    """The expert's questions and the replies, as tall as its messages (from three lines, up to the height
    a list is given by default, then it scrolls): one short question sat in a list a third of the window
    tall, and at 150 % on a 1366 × 768 laptop the reply's box and « Envoyer la réponse » were under the
    window's edge."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        self.executeDelayedItemsLayout()
        items = [item for item in map(self.item, range(self.count())) if item is not None]
        rows = sum(int(self.visualItemRect(item).height()) for item in items)
        line = self.fontMetrics().lineSpacing()
        return QSize(hint.width(), min(hint.height(), max(3 * line, rows + line // 2) + 2 * self.frameWidth()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.updateGeometry()  # its messages wrap again at the new width: their height with them


def _read_by_keyboard(label: QLabel) -> None:
    """``label`` reached by Tab and selected with the keyboard as with the mouse: the expert's answer, its
    warning, the earlier versions, the request sent (a screen reader in focus mode reads only what takes the
    focus; a keyboard user copies the answer into the patient's file). Qt gives such a label the focus on a
    click only: Tab too."""
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


#: What ``FollowView._kept_photos`` says of photos whose recording failed: equal to no photos' marks.
NOT_KEPT = "not kept"


def _as_kept(image: NewImage) -> NewImage:
    """A copy of ``image``'s record as it is now, its content in its files (``NewImage.written``): what the
    writer thread records, while the window may change the record (an eye chosen)."""
    from dataclasses import replace

    kept = NewImage(replace(image.record), b"", None, image.source_sha1)
    kept.written = True
    return kept


class FollowView(QWidget):
    reply_queued = Signal(str)
    #: Reduced copies chosen for a case waiting to be sent: its next try is now (app/outbox.py ``set_reduced``),
    #: the sync woken for it.
    reduced_chosen = Signal(str)
    export_pdf = Signal(str)
    taken_back = Signal(str)  # a queued case held back: a draft again, to be opened in the editor
    #: An unread answer was shown to a person (the view and its answer on screen, the window active).
    read = Signal(str)
    kept_unread = Signal(str)  # a person put the case back to « à lire »

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        #: The platform cannot be reached (set by the case page): a case to send is said waiting.
        self.offline = False
        self.case: Case | None = None
        self._pdf_bytes: bytes | None = None
        #: An unread answer that came while the case was on screen waits for a person's input.
        self._awaiting_person = False
        self._person_seen = False
        #: A person's input that is no sign she read the news (a modifier alone, outside the page): read if
        #: it is still in front of her a moment later, not if she left meanwhile.
        self._still_there = QTimer(self)
        self._still_there.setSingleShot(True)
        self._still_there.setInterval(READ_AFTER_MS)
        self._still_there.timeout.connect(lambda: self.note_seen(person=True))
        self._opening = False
        self._buffer: QBuffer | None = None
        self._reply_images: list[NewImage] = []
        #: Per case, the images of a reply the platform refused joined again to the corrected one: (image id,
        #: file name). Already in the case (its place said), they go with the reply, not stored twice. They come
        #: back by themselves, unless taken off (``_again_off``), kept so on this workstation (app/reply_drafts.py).
        self._reply_again: dict[str, list[tuple[str, str]]] = {}
        self._again_off: dict[str, set[str]] = {}  # those she took off, by case (as kept, or since)
        self._again_images: dict[str, CaseImage] = {}  # their records, by id: what they show, their verdict
        self._kept_again: dict[str, str] = {}  # what was last written of them, by case (nothing written twice)
        #: Those the platform refused as over its size limit (413), taken off by themselves, by case: said.
        self._too_large: dict[str, set[str]] = {}
        self._reply_names: dict[str, str] = {}  # the file each image joined to a reply came from, by image id
        #: The pictures of the images sent with each reply, by message id, as its conversation line shows them.
        self._reply_pictures: dict[str, QIcon] = {}
        #: The thumbnails of the photos joined to the reply begun, by image id, once decoded (ui/reply_places.py).
        self._reply_thumbs: dict[str, QImage] = {}
        #: Images being prepared for each case's reply (read, checked, written on a worker): the reply waits for
        #: them (a photo just taken, sent at once, left without it and came into the next reply).
        self._reply_preparing: dict[str, int] = {}
        #: Why images for a case's reply were refused while another case was shown: said on coming back.
        self._reply_said: dict[str, list[str]] = {}
        #: Replies begun in other cases and not sent: each case keeps its own (words, images) until the
        #: user comes back to it. Never carried into another patient's case.
        self._reply_drafts: dict[str, tuple[str, list[NewImage]]] = {}
        #: The replies refused by case, as this window last saw them: the words of one refused since come back.
        self._refusals_seen: dict[str, set[str]] = {}
        self._unread = False
        self._kept_unread = False  # put back to unread by a person, while on screen: not read again now
        #: The answer on screen: the read mark is for it, not for one stored after it was shown.
        self._shown: ShownNews | None = None
        #: The row of the exchange holding the expert's newest message not shown before (None: the news is
        #: the answer, at the column's top): brought into view, and read only once in view.
        self._news_row: int | None = None
        layout = QVBoxLayout(self)

        self.state = named(QLabel(), "sectionTitle")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        layout.addWidget(self.detail)
        self.progress = QProgressBar()
        self.progress.setFormat("%p %")
        self.progress.hide()
        self.progress_words = QLabel()
        self.progress_words.setWordWrap(True)
        self.progress_words.hide()
        # The measured upload rate of the case being sent: says why it is slow, and how long is left.
        self._meter: tuple[str, RateMeter] | None = None
        self._reduced = False  # reduced copies chosen for the case shown, queued or being sent
        self.meter_factory: Callable[[], RateMeter] = RateMeter
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_words)
        # A slow link: the user may send reduced copies of this case's photos (the originals stay here).
        self.reduce_button = QPushButton(self.tr("Envoyer des copies &réduites"))
        self.reduce_button.setToolTip(
            self.tr(
                "Pour une liaison lente : les photos pas encore parties sont envoyées en copies réduites "
                "(côté le plus long 3000 px, JPEG qualité 90) ; l'expert voit qu'il s'agit de copies, "
                "les originaux restent sur ce poste."
            )
        )
        self.reduce_button.clicked.connect(self._choose_reduced)
        self.reduce_button.hide()
        # Not gone yet: the wrong photo, the wrong patient can still be held back (a draft again).
        self.take_back_button = QPushButton(self.tr("Retenir le dossier (ne pas l'envoyer)"))
        self.take_back_button.setToolTip(
            self.tr("Le dossier n'est pas encore parti : il redevient un brouillon, à corriger puis envoyer à nouveau.")
        )
        self.take_back_button.clicked.connect(self._take_back)
        self.take_back_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.reduce_button)
        buttons.addWidget(self.take_back_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        # The same for a reply waiting to leave with large photos (ui/reply_places.py).
        self.reply_reduce = ReplyReduce()
        self.reply_reduce.chosen.connect(self._choose_reply_reduced)
        layout.addWidget(self.reply_reduce)

        split = QSplitter(Qt.Orientation.Horizontal)
        # Neither side folds away: a folded answer column hid the conclusion (and a withdrawal's
        # warning) while the answer counted as seen.
        split.setChildrenCollapsible(False)
        self.split = split
        layout.addWidget(split, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.answer_box = QGroupBox(self.tr("Réponse de l'expert"))
        answer_layout = QVBoxLayout(self.answer_box)
        # A report the expert withdrew or has not signed off: said before the conclusion, which then
        # shows in the colour of a problem, not of an answer.
        self.status_warning = named(QLabel(), "fieldProblem")
        self.status_warning.setWordWrap(True)
        bold = self.status_warning.font()
        bold.setBold(True)
        self.status_warning.setFont(bold)
        _read_by_keyboard(self.status_warning)
        answer_layout.addWidget(self.status_warning)
        self.conclusion = named(QLabel(), "answerBanner")
        self.conclusion.setWordWrap(True)
        _read_by_keyboard(self.conclusion)
        answer_layout.addWidget(self.conclusion)
        self.expert = QLabel()
        self.expert.setWordWrap(True)
        answer_layout.addWidget(self.expert)
        self.follow_up = named(QLabel(), "sectionTitle")
        self.follow_up.setWordWrap(True)
        answer_layout.addWidget(self.follow_up)
        self.amended = QLabel()
        self.amended.setWordWrap(True)
        answer_layout.addWidget(self.amended)
        # The versions the answer replaced: what the requester may have read and acted on.
        self.earlier = QLabel()
        self.earlier.setWordWrap(True)
        _read_by_keyboard(self.earlier)
        answer_layout.addWidget(self.earlier)
        # What the platform sent but could not be read, said instead of failing (issue 15.4).
        self.missing = named(QLabel(), "fieldProblem")
        self.missing.setWordWrap(True)
        answer_layout.addWidget(self.missing)
        # A part of the report kept but not shown here (a letter in HTML, a document): said by its title,
        # to be read on the platform; it went unmentioned before.
        self.unshown = named(QLabel(), "fieldProblem")
        self.unshown.setWordWrap(True)
        answer_layout.addWidget(self.unshown)
        # A PDF kept that the viewer cannot open (damaged): found from outside, a grey page and « voir le
        # compte rendu » said nothing, and the answer counted as read. Said, and nothing read is not read.
        self.damaged = named(QLabel(), "fieldProblem")
        self.damaged.setWordWrap(True)
        answer_layout.addWidget(self.damaged)
        self._damaged: list[str] = []  # the answer's PDFs that cannot be shown, by blob
        #: Whether anything of the answer shown can be read (its conclusion, a PDF shown, a picture): an
        #: answer whose only PDFs are damaged leaves the case « à lire ».
        self._answer_readable = True
        self.expert_images = QListWidget()
        self.expert_images.setAccessibleName(self.tr("Images jointes par l'expert"))
        self.expert_images.setViewMode(QListWidget.ViewMode.IconMode)
        self.expert_images.setIconSize(QSize(96, 96))
        self.expert_images.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.expert_images.setMaximumHeight(140)
        self.expert_images.setToolTip(self.tr("Images jointes par l'expert : double-clic pour les agrandir"))
        self.expert_images.itemActivated.connect(self._show_expert_image)
        answer_layout.addWidget(self.expert_images)
        # Its buttons go on to a second row where the column is narrow (found at 1280 × 720 and 125 %,
        # with two PDFs: « Marquer comme non lu » was cut at the column's right edge).
        answer_buttons = FlowLayout()
        self.open_pdf = QPushButton()  # its words, for one PDF or several, in _name_pdf_buttons
        self.open_pdf.setToolTip(self.tr("Dans le lecteur PDF de l'ordinateur"))
        self.open_pdf.clicked.connect(self._open_external)
        self.print_pdf = QPushButton()
        self.print_pdf.clicked.connect(self._print)
        # Read here, kept for someone else (the doctor): bold again in the list, until the case is opened.
        self.keep_unread = QPushButton(self.tr("Marquer comme non lu"))
        self.keep_unread.setToolTip(self.tr("Le dossier redevient « à lire » dans la liste, pour un collègue"))
        self.keep_unread.clicked.connect(self._mark_unread)
        answer_buttons.addWidget(self.open_pdf)
        answer_buttons.addWidget(self.print_pdf)
        answer_buttons.addWidget(self.keep_unread)
        answer_layout.addLayout(answer_buttons)
        # The system's viewer is another program: Teleavis' lock cannot hide it (its copy is deleted).
        self.outside_note = QLabel()
        self.outside_note.setWordWrap(True)
        self.outside_note.hide()
        answer_layout.addWidget(self.outside_note)
        self._several_pdfs = False
        self._name_pdf_buttons()
        left_layout.addWidget(self.answer_box)

        self.question_box = QGroupBox(self.tr("Question de l'expert"))
        question_layout = QVBoxLayout(self.question_box)
        self.conversation = Conversation()
        self.conversation.setAccessibleName(self.tr("Questions de l'expert et vos réponses"))
        self.conversation.setWordWrap(True)
        # A long question (a page of it) is one tall item: scrolled by the pixel, not by the item (whose
        # end was then out of reach), and wrapped again to the list's width when it changes.
        self.conversation.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.conversation.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.conversation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.conversation.setIconSize(QSize(REPLY_PICTURES.width(), REPLY_PICTURES.height()))
        question_layout.addWidget(self.conversation)
        # The answer page's « Marquer comme non lu », for a question read here and kept for the doctor (testers:
        # only the answer page had it); the same state, the same action. Shown while no answer is (one button).
        self.keep_question_unread = QPushButton(self.tr("Marquer comme non lu"))
        self.keep_question_unread.setToolTip(self.keep_unread.toolTip())
        self.keep_question_unread.clicked.connect(self._mark_unread)
        question_read = QHBoxLayout()
        question_read.addStretch(1)
        question_read.addWidget(self.keep_question_unread)
        question_layout.addLayout(question_read)
        self.reply = QPlainTextEdit(placeholderText=self.tr("Votre réponse à l'expert"))
        # Else a screen reader names it by its box, « Question de l'expert »: the field to answer in.
        self.reply.setAccessibleName(self.tr("Votre réponse à l'expert"))
        self.reply.setTabChangesFocus(True)
        # The words typed are kept a moment after the last key (sealed, by the writer thread): a crash
        # or a power cut loses none of them (app/reply_drafts.py).
        self._draft_timer = QTimer(self, singleShot=True, interval=DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.keep_draft)
        # … and every few seconds while she types on without a pause: the pause alone, started again at
        # each key, never came, and a crash lost the whole reply.
        self._draft_deadline = QTimer(self, singleShot=True, interval=SAVE_AT_LEAST_EVERY_MS)
        self._draft_deadline.timeout.connect(self.keep_draft)
        # … and, refused (a full disk), tried again by itself while the case is on screen, until kept.
        self._draft_retry = QTimer(self, singleShot=True, interval=SAVE_RETRY_MS)
        self._draft_retry.timeout.connect(self._retry_draft)
        self._kept_drafts: dict[str, str] = {}  # what was last written, by case (nothing written twice)
        self._drafts_refused: set[str] = set()  # the cases whose reply begun a full disk refused, not kept since
        self._kept_photos: dict[str, str] = {}  # the same of the photos joined to each reply
        #: Why the photos joined to a case's reply could not be kept on this workstation (in the window only).
        #: (its words, whether trying again may help: a file gone never comes back, taken off and joined again)
        self._unkept: dict[str, tuple[str, bool]] = {}
        self.reply.textChanged.connect(self._reply_typed)
        self.reply.textChanged.connect(self._say_reply_late)
        self.reply.textChanged.connect(self._say_words_back)
        self._reply_open = False  # the case waits for a reply that can be sent from here
        self._last_refused = ""  # the words of the case's last reply, when it was refused
        self._refused_why = ""  # why it was refused, as the platform's note of the case says it
        self._words_back_said = False  # the line above the box says them (and why, and what to do)
        self._detail_words: list[str] = []  # the case's note at the top of the page, line by line
        self._detail_said = ""  # as shown (all of it, or without what the line above the box says)
        self._answer_here = ""  # its line saying to answer the expert below, when it has one
        self.reply.setMaximumHeight(100)
        # The words of a reply refused came back to the box: said above it, with what to do (a problem: it
        # did not leave).
        self.reply_back = named(QLabel(), "fieldProblem")
        self.reply_back.setWordWrap(True)
        self.reply_back.hide()
        question_layout.addWidget(self.reply_back)
        question_layout.addWidget(self.reply)
        reply_buttons = QHBoxLayout()
        self.add_images = QPushButton(self.tr("Ajouter des images…"))
        self.add_images.clicked.connect(self._pick_images)
        self.reply_images = QLabel()
        self.reply_images.setWordWrap(True)
        # Each image's row has its own « Retirer » (ReplyPlaces): this one takes them all.
        self.drop_images = QPushButton(self.tr("Retirer toutes les images"))
        self.drop_images.setToolTip(self.tr("Retire toutes les images jointes ; le texte de la réponse est gardé."))
        self.drop_images.clicked.connect(self._drop_reply_images)
        self.drop_images.setVisible(False)
        self.send_reply = QPushButton(self.tr("Envoyer la réponse"))
        self.send_reply.clicked.connect(self._send_reply)
        # The cart's camera, for the photo the expert asks for while the patient is still there (ui/reply_camera.py).
        self.take_photo = QPushButton(self.tr("Prendre une photo…"))
        self.take_photo.setToolTip(self.tr("Ouvre la caméra : chaque photo prise rejoint votre réponse."))
        self.take_photo.clicked.connect(self._open_reply_camera)
        self.reply_camera: ReplyCamera | None = None
        reply_buttons.addWidget(self.add_images)
        reply_buttons.addWidget(self.take_photo)
        reply_buttons.addWidget(self.reply_images, 1)
        reply_buttons.addWidget(self.drop_images)
        reply_buttons.addWidget(self.send_reply)
        question_layout.addLayout(reply_buttons)
        self.reply_places = ReplyPlaces()  # the eye or body site of each image joined
        self.reply_places.setVisible(False)
        self.reply_places.placed.connect(self._reply_placed)
        self.reply_places.removed.connect(self._drop_reply_image)
        question_layout.addWidget(self.reply_places)
        self.reply_problem = named(QLabel(), "fieldProblem")
        self._reply_unplaced = False  # the problem said is that of an image joined without its eye or site
        self.reply_problem.setWordWrap(True)
        question_layout.addWidget(self.reply_problem)
        # The photos joined could not be kept on this workstation (a full disk, the base busy): tried again.
        self.keep_photos_again = QPushButton(self.tr("Réessayer de garder les photos"))
        self.keep_photos_again.clicked.connect(self._keep_photos_again)
        self.keep_photos_again.setVisible(False)
        question_layout.addWidget(self.keep_photos_again, 0, Qt.AlignmentFlag.AlignLeft)
        self.reply_saved = named(QLabel(), "fieldHint")  # a success, not in an error's red
        self.reply_saved.setWordWrap(True)
        question_layout.addWidget(self.reply_saved)
        # A training case's question once a real platform is set: no reply can reach its expert.
        self.reply_closed = named(QLabel(), "fieldProblem")
        self.reply_closed.setWordWrap(True)
        self.reply_closed.hide()
        question_layout.addWidget(self.reply_closed)
        # A reply begun when the case stopped waiting for one (the expert answered meanwhile).
        self.reply_late = named(QLabel(), "fieldProblem")
        self.reply_late.setWordWrap(True)
        self.reply_late.hide()
        question_layout.addWidget(self.reply_late)
        left_layout.addWidget(self.question_box)

        # What was sent, to read again when the expert asks (the PDF report has it all, images too).
        self.request_box = QGroupBox(self.tr("Votre demande"))
        request_layout = QVBoxLayout(self.request_box)
        self.request = QLabel()
        self.request.setWordWrap(True)
        _read_by_keyboard(self.request)
        self.request.setTextFormat(Qt.TextFormat.PlainText)
        request_layout.addWidget(self.request)
        left_layout.addWidget(self.request_box)

        history_box = QGroupBox(self.tr("Historique"))
        history_layout = QVBoxLayout(history_box)
        self.history = QListWidget()
        self.history.setAccessibleName(self.tr("Historique du dossier"))
        history_layout.addWidget(self.history)
        self.report_button = QPushButton(self.tr("Rapport PDF du dossier…"))
        self.report_button.clicked.connect(lambda: self.case and self.export_pdf.emit(self.case.id))
        history_layout.addWidget(self.report_button)
        left_layout.addWidget(history_box, 1)
        # The column scrolls: a conclusion of a full page (and the version it replaced) was cut at the
        # window's bottom, unreadable to its end, while opening the case marked it read.
        self.column = QScrollArea()
        self.column.setWidgetResizable(True)
        self.column.setFrameShape(QFrame.Shape.NoFrame)
        self.column.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.column.setWidget(left)
        see_through(self.column)
        # Not a Tab stop: it shows nothing when it has the keyboard. A control that went (the send button
        # once the case left) handed the keyboard on to it, and what was typed next, the reply to the
        # expert's question, went nowhere. Its texts take Tab themselves, and scroll into view.
        self.column.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # As narrow as its buttons allow, never less (nothing in it is ever cut on the right).
        self.column.setMinimumWidth(
            max(240, left.minimumSizeHint().width() + self.column.verticalScrollBar().sizeHint().width())
        )
        split.addWidget(self.column)

        # Several PDFs (« Compte rendu », « Ordonnance »): said above the one shown, each one shown, opened
        # or printed in turn (only the first could be reached before).
        self.pdf_side = QWidget()
        pdf_layout = QVBoxLayout(self.pdf_side)
        pdf_layout.setContentsMargins(0, 0, 0, 0)
        self.pdf_choice_words = named(QLabel(), "sectionTitle")
        self.pdf_choice_words.setWordWrap(True)
        pdf_layout.addWidget(self.pdf_choice_words)
        self.pdf_choice = QComboBox()
        self.pdf_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.pdf_choice.setMinimumContentsLength(16)
        self.pdf_choice.currentIndexChanged.connect(self._show_chosen_pdf)
        pdf_layout.addWidget(self.pdf_choice)
        self._pdf_case: str | None = None  # the case whose PDFs the choice lists
        #: The answer's files as sorted and shown, and what they were sorted from (the case, its answer's
        #: files and PDFs): shown again only when that changes.
        self._answer_files = AnswerFiles()
        self._files_shown: tuple[object, ...] | None = None
        self.pdf_document = QPdfDocument(self)
        self.pdf_view = QPdfView()
        self.pdf_view.setDocument(self.pdf_document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        pdf_layout.addWidget(self.pdf_view, 1)
        split.addWidget(self.pdf_side)
        split.setSizes([420, 560])
        # The platform's words (the conclusion, an earlier version, a reason, a title) are shown as
        # written: read as HTML, « Ne pas appliquer <Diprosone> » lost its drug and its line breaks.
        for label in self.findChildren(QLabel):
            label.setTextFormat(Qt.TextFormat.PlainText)

    # -- showing ------------------------------------------------------------------------------

    def set_case(self, case: Case, *, by_person: bool = True) -> None:
        """Show ``case``, opened by the user: an answer it holds is in front of them now. Not ``by_person``
        (the sync engine moved the case shown out of the editor): its news waits for a person's input."""
        if self.case is None or self.case.id != case.id:
            self._switch_reply(self.case.id if self.case is not None else None, case)
            self._news_row = None
            # Another case's sending is not this one's: its progress shows again with its next bytes.
            self.progress.hide()
            self.progress_words.hide()
        self.case = case
        self._stop_waiting_for_a_person()
        if by_person:
            self._kept_unread = False  # opened by a person: what is shown is read again
        self.outside_note.hide()  # said of the report opened outside, for the case it belongs to
        self._opening = by_person
        try:
            self.refresh()
        finally:
            self._opening = False

    def take_keyboard(self) -> None:
        """The keyboard on what comes next, for a case a person has just opened: the reply box while the
        expert waits for one, else the expert's answer (to read, to copy into the patient's file). Found at
        the cart: it was left on « ← Liste des dossiers », the reply typed went nowhere and its first space
        went back to the list. (A withdrawn answer's warning comes before its conclusion.)"""
        if self.question_box.isVisible() and self.reply.isVisible() and self.reply.isEnabled():
            self.reply.setFocus()
        elif self.answer_box.isVisible():
            first = self.status_warning if self.status_warning.isVisible() else self.conclusion
            if first.isVisible():
                first.setFocus()

    def refresh(self) -> None:
        case = self.case
        if case is None:
            return
        try:
            state = self.store.state(case.id)
            info = self.store.platform_info(case.id)
            answer = self.store.answer(case.id)
            history = self.store.history(case.id)
            conversation = Outbox(self.store).messages(case.id)
        except TeleavisError as exc:
            self.detail.setText(exc.message)
            return
        case.state = state
        said = (
            M.state_name(state, offline=True)  # « en attente d'envoi (hors ligne) », as the header says
            if self.offline and state in (CaseState.QUEUED, CaseState.SENDING)
            else state_words(state.value, answer)
        )
        self.state.setText(self.tr("État : {state}").format(state=said))
        from app.business_status import (
            every_language,
            reason_repeats,
            repeats_state,
        )  # loaded with the platform words (store)

        status = None if repeats_state(info.get("business_code"), state.value) else info.get("business_status")
        words = [w for w in (status, info.get("last_error")) if w]
        if info.get("last_error") and held_by_platform(state.value, history):
            # The platform's answer (409/412: several patients under its INS), not a cut: why it waits.
            words[words.index(info["last_error"])] = self.tr("Pourquoi il n'est pas parti : {words}").format(
                words=info["last_error"]
            )
        # The platform's reason, unless it only says again what the status or the state says (« L'expert
        # demande un complément », then « Motif… : Complément demandé par l'expert »).
        # Found by a nurse's day in English: the training platform's French « Complément demandé par
        # l'expert » under the English status. A coded status means the same in every language: the reason
        # is compared with its words in each. One that says more is quoted as the platform's own words
        # (written in its language, not translated here), never mixed silently into the reader's lines.
        if info.get("status_reason") and not reason_repeats(
            info["status_reason"], status, said, *every_language(info.get("business_code"))
        ):
            words.insert(
                1 if status else 0,
                self.tr("Motif donné par la plateforme, dans ses propres mots : « {reason} »").format(
                    reason=info["status_reason"]
                ),
            )
        if state in (CaseState.QUEUED, CaseState.SENDING) and not words:
            words.append(
                self.tr("Le dossier partira dès que la plateforme sera joignable ; vous pouvez continuer à travailler.")
            )
        if state.value in WAITING_FOR_EXPERT:
            words.extend(self._what_comes_next(case))
        replied = any(m.direction == "to-expert" and m.state == "queued" for m in conversation)
        self._answer_here = ""
        gone = self._training_platform_gone(case.id)
        if state == CaseState.ON_HOLD and not replied and not gone:
            # Found by a nurse's day: « L'expert demande un complément » and nothing more above the box.
            self._answer_here = self.tr(
                "Répondez à l'expert ci-dessous : écrivez votre réponse, ajoutez des photos si besoin "
                "(« Ajouter des images… », ou « Prendre une photo… » avec la caméra), puis cliquez sur "
                "« Envoyer la réponse ». Il reprendra alors son analyse."
            )
            words.append(self._answer_here)
        elsewhere = self._sent_elsewhere(case.id, state)
        if elsewhere:
            words.append(elsewhere)
        row = Outbox(self.store).row(case.id) if state in (CaseState.QUEUED, CaseState.SENDING) else None
        if row is not None and row.reduced:
            # One of the case's own words (not written over them): once it left, the page says where it is.
            words.append(self.tr("Copies réduites demandées : les photos pas encore parties seront envoyées réduites."))
        self._detail_words = words
        self._show_detail()
        if state not in (CaseState.QUEUED, CaseState.SENDING):
            self.progress.hide()
            self.progress_words.hide()
        self.reduce_button.setVisible(row is not None and not row.reduced)
        self._reduced = row is not None and row.reduced
        queued_reply = next((m for m in conversation if m.direction == "to-expert" and m.state == "queued"), None)
        self.reply_reduce.show_for(queued_reply, case.images)
        # Until its transaction goes: waiting, or its photos leaving (retried on a dead link for minutes).
        self.take_back_button.setVisible(row is not None and row.step != STEP_TRANSACTION)
        self.request.setText(self._request_words(case))
        self.history.clear()
        for event in history:
            self.history.addItem(f"{local_time(event['at'])}  {history_words(event, language())}")
        self._show_answer(answer, state)
        self.conversation.clear()
        joined = self._joined_images(case.id, conversation)
        last_reply = next((m for m in reversed(conversation) if m.direction == "to-expert"), None)
        for message in conversation:
            who = self.tr("Expert") if message.direction == "from-expert" else self.tr("Vous")
            when = local_time(message.sent_at or message.created_at)
            said = (
                self.tr("message retiré par l'expert (envoyé par erreur) : n'en tenez pas compte.")
                if message.withdrawn
                else message.text
            )
            # Found from outside: a reply refused by the platform showed as any reply gone. Where each stands:
            # not sent, and why above (not « refusée par la plateforme »: one held back here, written in
            # training mode or altered, was said so too; the reason says who stopped it).
            below = ""
            if message.direction == "to-expert" and message.state in ("queued", "refused"):
                if message.state == "refused" and message is last_reply:  # why: above, or above her words
                    below = self.tr("{when}, non envoyée (voir pourquoi ci-dessous)").format(when=when or "—")
                when = (
                    self.tr("{when}, en attente d'envoi")
                    if message.state == "queued"
                    else self.tr("{when}, non envoyée (voir pourquoi ci-dessus)")
                ).format(when=when or "—")
            line, line_below = (
                (
                    self.tr("{who}, {when} : {said}").format(who=who, when=told, said=said)
                    if told
                    else self.tr("{who} : {said}").format(who=who, said=said)
                )
                for told in (when, below or when)
            )
            images = [joined[image_id] for image_id in message.image_ids if image_id in joined]
            if images:  # what went with it: she saw her words only, not what she had sent
                # (an eye to check said, as the report says it: the expert's advice may rest on the wrong eye)
                shows = [self._image_words(image) + self._eye_check(image) for image in images]
                # As the language separates them: « dos ; bras » in French, "back; arm" in English.
                separator = "\u202f; " if language() == "fr" else "; "  # a narrow no-break space, as tr()'s
                more = "\n" + self.tr("%n image(s) jointe(s) : ", "", len(images)) + separator.join(shows)
                line, line_below = line + more, line_below + more
            item = QListWidgetItem(line)
            if below:
                item.setData(POINTS_ABOVE, line)
                item.setData(POINTS_BELOW, line_below)
            item.setData(MESSAGE_ID, message.id)  # its pictures, read later, find it by this, not by its row
            if message.id in self._reply_pictures:
                item.setIcon(self._reply_pictures[message.id])
            self.conversation.addItem(item)
        self._load_reply_pictures(case.id, conversation, joined)
        self.conversation.updateGeometry()  # as tall as its messages now
        waiting = state == CaseState.ON_HOLD
        if not waiting or not any(m.direction == "to-expert" and m.state == "queued" for m in conversation):
            # The reply has gone (or was refused), or the case moved on: « part avec… » is no longer true.
            self.reply_saved.clear()
        self.question_box.setVisible(waiting or bool(conversation))
        # Found from outside: the answer read, the exchange was still titled « Question de l'expert », as if
        # a question waited for the nurse.
        self.question_box.setTitle(self.tr("Question de l'expert") if waiting else self.tr("Échanges avec l'expert"))
        # Sent to the training platform, now that a real one is set: its reply would never leave
        # (Outbox.queued_replies(here=True) leaves it out, the engine sets it aside). Not offered; nor once that
        # platform was erased (found by a nurse's pass: « aucune réponse d'entraînement ne viendra » above
        # « Répondez à l'expert ci-dessous », the reply queued for an expert no longer there).
        stranded = waiting and bool(gone)
        self._reply_open = waiting and not stranded
        refused_now = self._new_refusals(case.id, conversation)
        if refused_now:  # which of its photos she took off, and the one refused as too large: read again
            self._again_off.pop(case.id, None)
        if self._refused_photos_back(case.id, conversation, joined) or refused_now:
            self._show_reply_images(case.id)
        self._refused_words_back(case.id, conversation, refused_now)
        for widget in (self.reply, self.add_images, self.take_photo, self.send_reply):
            widget.setEnabled(self._reply_open)
            widget.setVisible(not stranded)
        if not self._reply_open:  # the expert answered meanwhile: no photo taken for a reply that cannot go
            self.close_reply_camera()
        # Found at the cart: once the expert had answered, the box and its buttons stayed greyed under the
        # exchange and nothing said why. Said, with what to do instead (a hint: nothing is wrong).
        closed = not waiting and self.question_box.isVisibleTo(self)
        if stranded:
            # (its « elle part avec la prochaine synchronisation » too, queued before: set aside, never sent)
            self.reply_saved.clear()
        if stranded and gone == "erased":
            why = self.tr(
                "La plateforme d'essai de ce dossier de formation a été effacée : votre réponse ne peut plus "
                "partir, son expert n'est plus là. Aucun vrai patient n'est concerné : vous pouvez supprimer ce "
                "dossier de formation, et en préparer un nouveau pour vous entraîner à répondre."
            )
        elif stranded:
            why = self.tr(
                "Ce dossier a été envoyé à la plateforme d'essai, pendant le mode formation : votre réponse ne "
                "peut pas partir vers son expert. S'il s'agit d'un vrai patient, refaites une demande."
            )
        elif closed and state == CaseState.ANSWERED:
            why = self.tr(
                "L'expert a répondu : l'échange est clos, rien ne lui part plus d'ici. Pour une nouvelle "
                "question sur ce patient, faites une nouvelle demande."
            )
        elif closed:
            why = self.tr("L'expert n'attend pas de réponse : vous pourrez lui écrire ici s'il pose une question.")
        else:
            why = ""
        self.reply_closed.setText(why)
        kind = "fieldProblem" if stranded else "fieldHint"
        if self.reply_closed.objectName() != kind:
            self.reply_closed.setObjectName(kind)
            self.reply_closed.style().unpolish(self.reply_closed)
            self.reply_closed.style().polish(self.reply_closed)
        self.reply_closed.setVisible(bool(why))
        self._say_reply_late()
        self._unread = bool(info.get("unread"))
        self._can_keep_unread(not self._unread)
        shown = ShownNews.of(state, answer, conversation)
        before = self._shown.questions if self._shown is not None else ()
        # The expert's newest message not shown before (a question, or one withdrawn since): found from
        # outside, a second question landed at the end of the exchange, out of view (the column scrolled
        # down to the history, or the list to its first messages), and the next gesture marked it read.
        fresh = [
            row
            for row, message in enumerate(conversation)
            if message.direction == "from-expert" and shown_id(message.id, message.withdrawn) not in before
        ]
        moved = self._unread and self._shown is not None and state != self._shown.state and not fresh
        if answer is not None and (self._shown is None or answer != self._shown.answer or moved):
            # A new (or changed) answer, the column scrolled down to the reply or the history: it landed
            # above, out of view, and the next gesture would have marked it read. Its conclusion first (and
            # what a change of state says of it, the request cancelled after it: above the conclusion).
            self.column.verticalScrollBar().setValue(0)
            self._news_row = None
        elif fresh:
            self._news_row = fresh[-1]
            QTimer.singleShot(0, self, self._bring_news_into_view)  # once the page is laid out anew
        self._shown = shown
        if self._unread and not self._opening:
            # Brought here by the sync engine, not by a person: the window may be active with nobody
            # in front of it (a screen locked by the system leaves it so). Read at the next input.
            self._wait_for_a_person()
        self.note_seen()

    def _what_comes_next(self, case: Case) -> list[str]:
        """Found from outside: « État : reçu par la plateforme » and nothing more; the nurse did not know
        whether to wait at the cart, call the platform or look elsewhere. Where the answer comes, that an
        alert tells, and the date it is promised for when the platform gave one.

        Found by a nurse's day: an urgent case was told « Vous n'avez rien d'autre à faire d'ici là », as
        if the expert's answer were an emergency service. It is not: an urgent case says whom to call if
        the patient cannot wait for it."""
        case_id = case.id
        words = [
            self.tr(
                "La réponse de l'expert arrivera ici, dans ce dossier, et une alerte vous préviendra (Teleavis "
                "fermé : à sa prochaine ouverture). Demande urgente : la télé-expertise n'est pas un service "
                "d'urgence. Si l'état du patient ne peut pas attendre la réponse, ou s'il s'aggrave, appelez "
                "sans attendre le spécialiste de garde ou le 15."
            )
            if case.priority == "urgent"
            else self.tr(
                "La réponse de l'expert arrivera ici, dans ce dossier, et une alerte vous préviendra (Teleavis "
                "fermé : à sa prochaine ouverture). Vous n'avez rien d'autre à faire d'ici là."
            )
        ]
        try:
            due = self.store.due_at(case_id)
        except TeleavisError:
            due = None
        if due:
            from app.moments import parse_date_time

            instant = parse_date_time(due)
            late = instant is not None and instant.tzinfo is not None and instant < utc_now()
            words.append(
                (
                    self.tr("Réponse promise pour le {when} : elle n'est pas encore arrivée.")
                    if late
                    else self.tr("Réponse promise pour le {when}.")
                ).format(when=local_time(due))
            )
        if self.store.destination(case_id) == TRAINING and self.store.destination_now() == TRAINING:
            # Found from outside (a nurse's first day): a week promised, « nothing else to do », and the guide
            # saying the simulated expert answers in about a minute; she did not know whether to wait at the screen.
            after = float(self.store.settings.get("sandbox.answer_after_s"))
            minutes = max(1, math.ceil((after + 30) / 60))  # (and the next synchronisation that brings it)
            # The setting goes up to a week: « environ 10081 min » was no wait to read (found in review).
            delay = f"{minutes} min" if minutes < 90 else f"{round(minutes / 60)} h"  # (the same in English)
            words.append(
                (
                    self.tr(
                        "Formation : l'expert simulé répond (ou pose une question) environ {delay} après "
                        "l'envoi, quelle que soit la date promise."
                    )
                    if due
                    else self.tr(
                        "Formation : l'expert simulé répond (ou pose une question) environ {delay} après l'envoi."
                    )
                ).format(delay=delay)
            )
        return words

    def _say_reply_late(self) -> None:
        """Found from outside: a reply typed, then the case answered (or moved on) before it was sent. Its
        words stayed in a greyed box, neither sent nor erasable, and nothing said they had not gone."""
        late = not self._reply_open and not self.reply.isHidden() and bool(self.reply.toPlainText().strip())
        self.reply.setEnabled(self._reply_open or late)  # to be erased, or kept for a next question
        self.reply_late.setVisible(late)
        self.reply_late.setText(
            self.tr(
                "Le dossier n'attend plus de réponse de votre part : la réponse commencée ci-dessus n'est pas "
                "partie et ne peut pas partir. Effacez-la, ou gardez-la si l'expert pose une nouvelle question."
            )
            if late
            else ""
        )

    def _training_platform_gone(self, case_id: str) -> str:
        """Why the case's training platform cannot take a reply (``sync.follow.training_platform_gone``: sent
        there while a real one is set now, ``"elsewhere"``; erased since, ``"erased"``), else ``""``."""
        from sync.follow import training_platform_gone

        try:
            return training_platform_gone(self.store, case_id)
        except TeleavisError:
            return ""

    def _sent_elsewhere(self, case_id: str, state: CaseState) -> str:
        """What the case's status line says when it was sent to the other platform than the one set now:
        it is followed there only (``sync/follow.py``), so nothing new comes meanwhile."""
        if state not in FOLLOWED_STATES:
            return ""
        try:
            destination, now = self.store.destination(case_id), self.store.destination_now()
        except TeleavisError:
            return ""
        if destination == PLATFORM and now == TRAINING:
            return self.tr(
                "Envoyé à la plateforme réelle : ce dossier n'est pas suivi pendant le mode formation. La "
                "réponse de l'expert et ses questions arriveront quand le mode formation sera arrêté."
            )
        if destination == TRAINING and now == PLATFORM:
            return self.tr(
                "Envoyé à la plateforme d'essai pendant le mode formation : ce dossier n'est plus suivi, "
                "aucune réponse ne viendra."
            )
        return ""

    def note_seen(self, *, person: bool = False) -> bool:
        """Mark the answer read if a person can see it now: this view and the answer on screen (not a
        hidden page refreshed by the sync engine, not under the lock), in the active, unminimised window,
        and, for an answer that arrived while the case was on screen, a person's input since (``person``:
        the caller knows one is there; the main window says so when it shows the page, comes back to the
        front or is restored)."""
        case = self.case
        if case is None or not self._unread or self._kept_unread:
            return False
        window = self.window()
        # What is unread is an answer or an expert's question: either on screen will do.
        news_shown = self.answer_box.isVisible() or self.question_box.isVisible()
        if not (self.isVisible() and news_shown and window.isActiveWindow() and not window.isMinimized()):
            return False
        if self.answer_box.isVisible() and not self._answer_readable:
            return False  # nothing of the answer could be read: it was not read (said in red, below it)
        if self._awaiting_person and not (person and self._news_in_view()):
            return False  # (scrolled out of view: read at the input that brings it back, still awaited)
        self._stop_waiting_for_a_person()
        # Written by the writer thread (never the window's), for what was shown: should an amended answer,
        # an expert's question or a change of state have been stored since, the case stays unread and the
        # refresh that shows it marks it in turn.
        case_id, seen = case.id, self._shown
        self._unread = False

        def done(marked: bool) -> None:
            if marked:
                if self.case is not None and self.case.id == case_id:
                    self._can_keep_unread(True)
                self.read.emit(case_id)

        def failed(exc: BaseException) -> None:
            log.warning("marking the answer read failed: %s", type(exc).__name__)
            if self.case is not None and self.case.id == case_id:
                self._unread = True  # asked again the next time the answer is seen

        run_write(on_own_connection(self.store, lambda own: own.mark_read(case_id, seen=seen)), done, failed)
        return True

    def _bring_news_into_view(self) -> None:
        """The expert's newest message, in its list and in the column (as an answer's conclusion is)."""
        row = self._news_row
        if row is None or row >= self.conversation.count() or self.question_box.isHidden():
            return
        self.conversation.scrollToItem(self.conversation.item(row))
        self.column.ensureWidgetVisible(self.conversation, 0, 0)

    def _news_in_view(self) -> bool:
        """Whether what came shows on screen from its start (its first two lines at least): the answer's
        warning, else its conclusion, or the expert's newest message; not scrolled out of the column, nor out
        of the exchange's list (the end of a long conclusion in view is not its start)."""
        row = self._news_row
        widget: QWidget
        if row is None or row >= self.conversation.count():
            if not self.answer_box.isVisible():
                return True  # no answer (a request refused before it): the view is all there is to see
            widget = self.status_warning if self.status_warning.isVisible() else self.conclusion
            rect = widget.rect()
        else:
            widget, rect = self.conversation.viewport(), self.conversation.visualItemRect(self.conversation.item(row))
        start = rect.adjusted(0, 0, 0, min(0, 2 * widget.fontMetrics().height() - rect.height()))
        return not start.isEmpty() and widget.visibleRegion().intersected(start) == QRegion(start)

    def _mark_unread(self) -> None:
        case = self.case
        if case is None:
            return
        case_id = case.id
        self._kept_unread = True
        self._unread = True
        self._can_keep_unread(False)

        def done(marked: bool) -> None:
            if marked:
                self.kept_unread.emit(case_id)

        def failed(exc: BaseException) -> None:
            log.warning("marking the case unread failed: %s", type(exc).__name__)
            if self.case is not None and self.case.id == case_id:
                self._kept_unread = False
                self._can_keep_unread(True)

        run_write(on_own_connection(self.store, lambda own: own.mark_unread(case_id)), done, failed)

    def _can_keep_unread(self, enabled: bool) -> None:
        """« Marquer comme non lu », under the answer and under the expert's question: one state, both buttons."""
        self.keep_unread.setEnabled(enabled)
        self.keep_question_unread.setEnabled(enabled)

    def _wait_for_a_person(self) -> None:
        if not self._awaiting_person:
            self._awaiting_person = True
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)

    def _stop_waiting_for_a_person(self) -> None:
        self._still_there.stop()
        if self._awaiting_person:
            self._awaiting_person = False
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A person's input while news waits. Found from outside: any key counted as « she saw it », and the
        Alt of Alt+← marked the answer read as she left the page. A sign she reads the page (a click, the
        wheel or a touch in it, a key that acts on it) reads the news in view at once; any other input (a
        modifier alone, a key or a click outside the page, a shortcut) only if the news is still in front of
        her a moment later (``READ_AFTER_MS``): the page left by then, it stays unread."""
        kind = event.type()
        if (
            self._awaiting_person
            and kind in _PERSON_EVENTS
            and self.isVisible()
            and QApplication.activeWindow() is self.window()
        ):
            if not self._a_sign_of_reading(watched, event):
                if not self._still_there.isActive():
                    self._still_there.start()
            elif not self._person_seen:
                self._person_seen = True  # one look per turn of the event loop, not one per widget it crosses

                def look() -> None:
                    self._person_seen = False
                    self.note_seen(person=True)

                QTimer.singleShot(0, self, look)  # (never run once the view is gone; after what the input did)
        return False

    def _a_sign_of_reading(self, watched: QObject, event: QEvent) -> bool:
        """Whether ``event``, delivered to ``watched``, is a sign she reads this page: made in it (not on the
        « Liste des dossiers » button above it, nor elsewhere in the window), and for a key, one that acts on
        the page (``acts_on_page``)."""
        if not isinstance(watched, QWidget) or not (watched is self or self.isAncestorOf(watched)):
            return False
        return event.type() != QEvent.Type.KeyPress or (isinstance(event, QKeyEvent) and acts_on_page(event))

    def _show_answer(self, answer: object, state: CaseState | None = None) -> None:
        self.answer_box.setVisible(isinstance(answer, Answer))
        self.keep_question_unread.setVisible(not isinstance(answer, Answer))  # the answer's own says it then
        if not isinstance(answer, Answer):
            self._answer_readable = True
            self._files_shown = None
            self._load_pdf(None)
            return
        # The files are read, sorted and drawn again only when they change: a refresh comes at each move
        # of the case and each loss or return of the network, and it froze the window (0.4 s for three
        # photos) and sent the reader of the report back to its first page.
        shown_for = (
            self.case.id if self.case is not None else "",
            tuple(tuple(sorted(item.items())) for item in answer.files),
            tuple(answer.pdf_blobs),
        )
        files = self._answer_files if shown_for == self._files_shown else None
        if files is None:
            # Each file shown as what its bytes are (a PDF, a picture), whatever type the platform declared.
            files = self._answer_files = answer_files(answer, self.store.objects.get)
        self.conclusion.setText(
            conclusion_words(answer.conclusion)
            or (
                self.tr("(pas de conclusion écrite : voir les documents joints)")
                if len(files.pdfs) > 1
                else self.tr("(pas de conclusion écrite : voir le compte rendu)")
            )
        )
        self.expert.setText(
            self.tr("Expert : {name} — {when}").format(name=answer.expert or "—", when=local_time(answer.issued))
        )
        advice = follow_up_words(answer)
        if advice:
            self.follow_up.setText(self.tr("Conseil de suivi : {advice}.").format(advice=advice))
            self.follow_up.show()
        else:
            self.follow_up.hide()
        warning = status_words(answer, state=state.value if state is not None else "")
        self.status_warning.setText(warning)
        self.status_warning.setVisible(bool(warning))
        banner = "attentionBanner" if warning else "answerBanner"
        if self.conclusion.objectName() != banner:
            self.conclusion.setObjectName(banner)
            self.conclusion.style().unpolish(self.conclusion)
            self.conclusion.style().polish(self.conclusion)
        self.amended.setText(amended_words() if answer.amended else "")
        self.amended.setVisible(answer.amended)
        earlier = earlier_words(answer)
        self.earlier.setText("\n".join(earlier))
        self.earlier.setVisible(bool(earlier))
        missing = missing_words(answer)
        self.missing.setText("\n".join([*missing, hint_words()]) if missing else "")
        self.missing.setVisible(bool(missing))
        unshown = self._unshown_words(files)
        self.unshown.setText("\n".join(unshown))
        self.unshown.setVisible(bool(unshown))
        if shown_for != self._files_shown:
            self._damaged = [str(item["blob"]) for item in files.pdfs if not self._displays(str(item["blob"]))]
            self._fill_expert_images(files.pictures)
            self._fill_pdf_choice(files)
            self._files_shown = shown_for
        damaged = [item for item in files.pdfs if str(item["blob"]) in self._damaged]
        self._answer_readable = not damaged or bool(
            answer.conclusion.strip() or files.pictures or len(files.pdfs) > len(damaged)
        )
        lines = [self._damaged_words(item, len(files.pdfs)) for item in damaged]
        if damaged and not self._answer_readable:
            lines.append(self.tr("Rien de cette réponse ne peut être lu ici : le dossier reste « à lire »."))
        self.damaged.setText("\n".join(lines))
        self.damaged.setVisible(bool(damaged))

    def _displays(self, blob: str) -> bool:
        """Whether the PDF kept as ``blob`` opens in the viewer, with a page at least."""
        document = QPdfDocument()
        buffer = QBuffer()
        try:
            buffer.setData(QByteArray(self.store.objects.get(blob)))
        except TeleavisError:
            return True  # (missing from the store: said as such where it is read)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document.load(buffer)
        shown = document.status() == QPdfDocument.Status.Ready and document.pageCount() > 0
        document.close()
        return shown

    def _damaged_words(self, item: dict[str, str], count: int) -> str:
        title = str(item.get("title") or "").strip()
        if count > 1 and title:
            return self.tr(
                "Le document « {title} » joint par l'expert est endommagé : Teleavis ne peut pas l'afficher. "
                "Demandez-le à l'expert, ou lisez-le sur la plateforme."
            ).format(title=title)
        return self.tr(
            "Le compte rendu joint par l'expert est endommagé : Teleavis ne peut pas l'afficher. Demandez-le à "
            "l'expert, ou lisez-le sur la plateforme."
        )

    def _unshown_words(self, files: AnswerFiles) -> list[str]:
        """One sentence per attachment of the report this window does not show (neither a PDF nor a
        picture): its title and its kind, and where to read it."""
        lines = []
        for item in files.others:
            # Its kind in words (« page web », « fichier Word »): the window said « text/html ».
            kind = kind_words(str(item.get("content_type") or ""), language())
            title = str(item.get("title") or "").strip()
            words = (
                self.tr(
                    "Pièce jointe « {title} » ({kind}) : Teleavis ne peut pas l'afficher, lisez-la sur la plateforme."
                )
                if title
                else self.tr(
                    "Pièce jointe sans titre ({kind}) : Teleavis ne peut pas l'afficher, lisez-la sur la plateforme."
                )
            )
            lines.append(words.format(title=title, kind=kind))
        return lines

    def _fill_pdf_choice(self, files: AnswerFiles) -> None:
        """List the answer's PDFs (the one chosen stays chosen when the same case is shown again) and
        show the chosen one."""
        case_id = self.case.id if self.case is not None else None
        kept = self.pdf_choice.currentData() if self._pdf_case == case_id else None
        self._pdf_case = case_id
        self.pdf_choice.blockSignals(True)
        self.pdf_choice.clear()
        for number, item in enumerate(files.pdfs, start=1):
            title = str(item.get("title") or "") or self.tr("Document {n}").format(n=number)
            self.pdf_choice.addItem(f"{number}. {title}", item["blob"])
        self.pdf_choice.setCurrentIndex(max(0, self.pdf_choice.findData(kept)) if kept else 0)
        self.pdf_choice.blockSignals(False)
        several = len(files.pdfs) > 1
        self.pdf_choice_words.setText(
            self.tr("L'expert a joint {n} documents PDF : choisissez celui à afficher, ouvrir ou imprimer.").replace(
                "{n}", str(len(files.pdfs))
            )
            if several
            else ""
        )
        self.pdf_choice_words.setVisible(several)
        self.pdf_choice.setVisible(several)
        self._several_pdfs = several
        self._name_pdf_buttons()
        self._show_chosen_pdf()

    def _name_pdf_buttons(self) -> None:
        """The open and print buttons' words: « le compte rendu » when the expert joined one PDF; with
        several (« Compte rendu », « Ordonnance »), they act on the document chosen above it, and say so
        (found from outside: « Ouvrir le compte rendu » opened the prescription)."""
        if self._several_pdfs:
            self.open_pdf.setText(self.tr("Ouvrir le document choisi"))
            self.print_pdf.setText(self.tr("Imprimer le document choisi…"))
            self.outside_note.setText(
                self.tr(
                    "Le document est ouvert dans le lecteur PDF de l'ordinateur : il ne se verrouille pas "
                    "avec Teleavis. Fermez-le avant de quitter le poste."
                )
            )
        else:
            self.open_pdf.setText(self.tr("Ouvrir le compte rendu"))
            self.print_pdf.setText(self.tr("Imprimer le compte rendu…"))
            self.outside_note.setText(
                self.tr(
                    "Le compte rendu est ouvert dans le lecteur PDF de l'ordinateur : il ne se verrouille pas "
                    "avec Teleavis. Fermez-le avant de quitter le poste."
                )
            )

    def _show_chosen_pdf(self) -> None:
        blob = self.pdf_choice.currentData()
        self._load_pdf(self.store.objects.get(str(blob)) if blob else None)

    def _fill_expert_images(self, pictures: list[dict[str, str]]) -> None:
        self.expert_images.clear()
        side = max(self.expert_images.iconSize().width(), self.expert_images.iconSize().height())
        for number, item in enumerate(pictures, start=1):
            pixmap = QPixmap()
            try:
                pixmap = QPixmap.fromImage(decode_picture(self.store.objects.get(item["blob"]), side))
            except TeleavisError as exc:
                log.warning("an image of the expert's answer could not be read: %s", type(exc).__name__)
            title = item.get("title") or self.tr("Image {n}").format(n=number)
            entry = QListWidgetItem(QIcon(pixmap), title)
            entry.setData(Qt.ItemDataRole.UserRole, item["blob"])
            self.expert_images.addItem(entry)
        self.expert_images.setVisible(bool(pictures))

    def _show_expert_image(self, item: QListWidgetItem) -> None:
        """The expert's picture, large, in a dialog (never written to a file): read, decrypted and decoded on
        a worker (a 12 MP photo held the window still while it decoded), shown when ready if its case still is."""
        objects = self.store.objects  # files and the data key only: safe from a worker thread
        blob, title = str(item.data(Qt.ItemDataRole.UserRole)), item.text()
        case_id = self.case.id if self.case is not None else None

        def failed(exc: BaseException) -> None:
            if not isValid(self):
                return
            self.unsetCursor()
            if self.case is None or self.case.id != case_id:
                return
            if isinstance(exc, TeleavisError):
                self.detail.setText(exc.message)
            else:
                log.error("the expert's picture could not be decoded", exc_info=(type(exc), exc, exc.__traceback__))

        def ready(picture: QImage) -> None:
            if not isValid(self):
                return
            self.unsetCursor()
            # Not above the lock come while it decoded (found in review: the patient's photo opened over the
            # lock screen for whoever passed); asked again once unlocked.
            if self.case is not None and self.case.id == case_id and not under_lock(self):
                self._open_expert_image(title, QPixmap.fromImage(picture))

        self.setCursor(Qt.CursorShape.BusyCursor)
        run_task(lambda: decode_large(objects.get(blob)), ready, failed)

    def _open_expert_image(self, title: str, pixmap: QPixmap) -> None:
        from PySide6.QtWidgets import QDialog

        dialog = QDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # else kept, its picture too, once closed
        # Its title, the platform's words, is shown in the dialog, not as the window's title: that one leaves the
        # window (the taskbar, Alt+Tab, any program of the session, activity trackers writing it to their files).
        dialog.setWindowTitle(self.tr("Image de l'expert — Teleavis"))
        caption = QLabel(title)
        caption.setWordWrap(True)
        caption.setTextFormat(Qt.TextFormat.PlainText)
        area = QScrollArea(dialog)
        picture = QLabel()
        picture.setPixmap(pixmap)
        area.setWidget(picture)
        layout = QVBoxLayout(dialog)
        layout.addWidget(caption)
        layout.addWidget(area)
        dialog.resize(min(pixmap.width() + 40, 1000), min(pixmap.height() + 40, 700))
        dialog.open()

    def _load_pdf(self, data: bytes | None) -> None:
        self.pdf_document.close()
        if self._buffer is not None:
            # The previous PDF's bytes: a child of the view, kept with it (all day, one per answer shown) if
            # only forgotten here.
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None
        self._pdf_bytes = data
        self.open_pdf.setEnabled(data is not None)
        self.print_pdf.setEnabled(data is not None)
        if data is None:
            self.pdf_side.hide()
            return
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf_document.load(self._buffer)
        self.print_pdf.setEnabled(self.pdf_document.pageCount() > 0)  # a damaged one would print blank pages
        self.pdf_side.show()

    # -- progress while sending ------------------------------------------------------------------

    def show_progress(self, sent: int, total: int) -> None:
        if self.case is None or total <= 0:
            return
        done, count = image_progress(self.case, sent)
        if self.reply_reduce.photos and self.case.state not in (CaseState.QUEUED, CaseState.SENDING):
            done, count = min(done, self.reply_reduce.photos), self.reply_reduce.photos  # a reply's photos leave
        self.progress.setMaximum(1000)
        self.progress.setValue(int(1000 * sent / total))
        if self._meter is None or self._meter[0] != self.case.id:
            self._meter = (self.case.id, self.meter_factory())
        meter = self._meter[1]
        meter.add(sent, total)
        # The word agrees with the count (« Envoi : 0 sur 1 image », "Sending: 0 of 1 image"): it said
        # « image(s) », and "0 of 1 image(s)" in English.
        words = self.tr("Envoi : {done} sur %n image(s) — {sent} Kio sur {total} Kio", "", count).format(
            done=done, sent=sent // 1024, total=total // 1024
        )
        # Reduced copies chosen: what is left is counted as they weigh (sync/engine.py), and said so.
        slow = meter.slow_words(reduced=self._reduced and self.case.state in (CaseState.QUEUED, CaseState.SENDING))
        if slow:
            # Advice points at a button the page shows: once reduced copies are chosen (the button hidden),
            # the photo already leaving goes on as it is and the link is only said slow.
            faster = ""
            if self.reply_reduce.offered:
                faster = self.tr(
                    " — pour aller plus vite : « Envoyer la réponse en copies réduites » (les originaux restent ici)."
                )
            elif not self.reduce_button.isHidden():
                faster = self.tr(
                    " — pour aller plus vite : « Envoyer des copies réduites » (les originaux restent ici)."
                )
            words += "\n" + slow[:1].upper() + slow[1:] + faster
        self.progress_words.setText(words)
        self.progress.show()
        self.progress_words.show()

    def _take_back(self) -> None:
        if self.case is None:
            return
        case_id = self.case.id
        self.take_back_button.setEnabled(False)

        def done(_none: None) -> None:
            self.take_back_button.setEnabled(True)
            self.taken_back.emit(case_id)

        def failed(exc: BaseException) -> None:
            self.take_back_button.setEnabled(True)
            if self.case is None or self.case.id != case_id:
                return
            self.refresh()  # it may be leaving now: said as it stands, then why it was not held back
            self.detail.setText(
                exc.message
                if isinstance(exc, TeleavisError)
                else self.tr("Le dossier n'a pas pu être retenu (erreur interne, voir le journal).")
            )

        run_write(on_own_connection(self.store, lambda own: Outbox(own).withdraw(case_id)), done, failed)

    def _choose_reduced(self) -> None:
        if self.case is None:
            return
        case_id = self.case.id
        self.reduce_button.setEnabled(False)

        def done(_none: None) -> None:
            self.reduce_button.setEnabled(True)
            self.reduced_chosen.emit(case_id)  # its next try now: the sync woken (found live: minutes unchanged)
            if self.case is not None and self.case.id == case_id:
                self.refresh()

        def failed(exc: BaseException) -> None:
            self.reduce_button.setEnabled(True)
            if self.case is None or self.case.id != case_id:
                return  # said of the case shown, it would be read as that case's: the choice stays to make
            self.detail.setText(
                exc.message
                if isinstance(exc, TeleavisError)
                else self.tr("Le choix n'a pas pu être enregistré (erreur interne, voir le journal).")
            )

        run_write(on_own_connection(self.store, lambda own: Outbox(own).set_reduced(case_id)), done, failed)

    def _choose_reply_reduced(self, message_id: str) -> None:
        """The reply's photos not gone yet go as reduced copies (kept with the reply: app/outbox.py)."""
        if self.case is None:
            return
        case_id = self.case.id

        def done(kept: bool) -> None:
            if kept:  # its next try now, as a case's (a reply waiting its own backoff): the sync woken
                self.reduced_chosen.emit(case_id)
            if self.case is not None and self.case.id == case_id:
                self.refresh()

        def failed(exc: BaseException) -> None:
            self.reply_reduce.button.setEnabled(True)
            if self.case is None or self.case.id != case_id:
                return
            self.detail.setText(
                exc.message
                if isinstance(exc, TeleavisError)
                else self.tr("Le choix n'a pas pu être enregistré (erreur interne, voir le journal).")
            )

        run_write(
            on_own_connection(self.store, lambda own: Outbox(own).set_reply_reduced(case_id, message_id)), done, failed
        )

    # -- the PDF outside ------------------------------------------------------------------------

    def _open_external(self) -> None:
        if self._pdf_bytes is None or self.case is None:
            return
        from app.private_files import write_private

        # A private folder checked for owner and mode, a new file (0600, no link followed), deleted
        # at exit and, after a crash, at the next start (app/private_files.py).
        try:
            number = f"-{self.pdf_choice.currentIndex() + 1}" if self.pdf_choice.count() > 1 else ""
            target = write_private(f"reponse-{self.case.id[:8]}{number}.pdf", self._pdf_bytes)
        except OSError:
            QMessageBox.warning(
                self,
                "Teleavis",
                self.tr("Le PDF n'a pas pu être ouvert : le dossier temporaire n'accepte pas l'écriture."),
            )
            return
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
            self.outside_note.show()
            self._handed_out(self.case.id, "pdf report opened in another program")
            return
        from app.private_files import remove

        remove(target)  # no viewer took it: the decrypted copy goes at once, not at the next lock
        QMessageBox.warning(
            self,
            "Teleavis",
            self.tr("Aucun programme de cet ordinateur n'a pu ouvrir le PDF. Le document reste lisible ici.")
            if self._several_pdfs
            else self.tr("Aucun programme de cet ordinateur n'a pu ouvrir le PDF. Le compte rendu reste lisible ici."),
        )

    def _handed_out(self, case_id: str, detail: str) -> None:
        """The audit line of the report handed out of Teleavis (a viewer, a printer), as its export writes one."""
        run_note(on_own_connection(self.store, lambda own: own.record_handed_out(case_id, detail)))

    def _no_printer(self) -> None:
        """No printer here: said calmly, with saving the case's PDF report (the expert's letter in it) where
        she chooses, to print it from another computer. It sent her to a button elsewhere on the page."""
        box = QMessageBox(QMessageBox.Icon.Information, "Teleavis", "", parent=self)
        box.setText(
            self.tr(
                "Aucune imprimante n'est installée sur cet ordinateur : le document ne peut pas être imprimé "
                "d'ici. Vous pouvez l'enregistrer en PDF, avec le dossier, pour l'imprimer depuis un autre poste."
            )
        )
        save = box.addButton(self.tr("Enregistrer le PDF…"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Fermer"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.exec()
        if box.clickedButton() is save and self.case is not None and not under_lock(self):
            self.export_pdf.emit(self.case.id)

    def _print(self) -> None:
        from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo

        if not QPrinterInfo.availablePrinters():  # Qt would offer only « Imprimer dans un fichier »
            self._no_printer()
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        # Printing to a file wrote the expert's letter, the patient's identity on it, where Qt proposes
        # (print.pdf in the home folder), unannounced: « Rapport PDF du dossier… » is the way to a file.
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
        if not dialog.exec():
            return
        if under_lock(self):
            # Locked while the dialog was open: the system's own (Windows) stays above the lock, and its
            # « Imprimer » pressed by whoever passes would print the expert's letter. Nothing goes to the
            # printer, nothing to its spool; the person prints again once unlocked.
            return
        from app.private_files import temp_folder_for_printing

        try:
            # The document to print goes through a file (CUPS: of the temp folder) before the printer has it:
            # written in the private folder, in memory, and deleted once handed over.
            with temp_folder_for_printing():
                painter = QPainter(printer)
                began = painter.isActive()  # (a printer that refused the job: nothing printed)
                try:
                    for page in range(self.pdf_document.pageCount()):
                        if page:
                            printer.newPage()
                        area = printer.pageRect(QPrinter.Unit.DevicePixel).size().toSize()
                        size = (
                            self.pdf_document.pagePointSize(page)
                            .scaled(area.toSizeF(), Qt.AspectRatioMode.KeepAspectRatio)
                            .toSize()
                        )
                        image = self.pdf_document.render(page, QSize(size.width(), size.height()))
                        painter.drawImage(QPoint(0, 0), image)
                finally:
                    painter.end()
            if began and self.case is not None:
                self._handed_out(self.case.id, f"pdf report printed, {self.pdf_document.pageCount()} pages")
        except OSError:
            log.warning("no private folder to print through")
            QMessageBox.warning(
                self,
                "Teleavis",
                self.tr(
                    "Le document n'a pas pu être imprimé : le dossier privé de cet ordinateur n'accepte pas "
                    "l'écriture. Rien n'a été envoyé à l'imprimante."
                ),
            )

    # -- replying -------------------------------------------------------------------------------

    def _switch_reply(self, previous: str | None, case: Case) -> None:
        """Put the reply begun in ``previous`` aside, and show ``case``'s own (or an empty one): the one
        in this window, else the one kept on this workstation (Teleavis closed, or stopped by a crash)."""
        case_id = case.id
        text = self.reply.toPlainText()
        if previous is not None:
            self._keep_draft(previous, text)
            self._keep_photos(previous, self._reply_images)
        if previous is not None and (text.strip() or self._reply_images):
            self._reply_drafts[previous] = (text, self._reply_images)
        if case_id in self._reply_drafts:
            text, self._reply_images = self._reply_drafts.pop(case_id)
        else:
            text, self._reply_images = self._stored_draft(case_id), self._stored_photos(case_id)
        self.reply.blockSignals(True)  # shown, not typed: nothing to keep
        self.reply.setPlainText(text)
        self.reply.blockSignals(False)
        # What she types next goes on where her words end (found trying it: before them, at the start).
        self.reply.moveCursor(QTextCursor.MoveOperation.End)
        # Its rows as ``case``'s (not yet ``self.case``): a retinograph's eye and field, that case's body sites.
        self._show_reply_images(case_id, case)
        said = self._reply_said.pop(case_id, [])
        if case_id in self._unkept:  # (joined while another case was shown, or before it)
            said.append(self._unkept[case_id][0])
        self.reply_problem.setText("\n".join(said))
        self.keep_photos_again.setVisible(self._may_keep_again(case_id))
        self.reply_saved.clear()

    def _request_words(self, case: Case) -> str:
        """The question, the clinical summary and the images, as sent; an image whose eye is to check
        says so, as ``case show`` and the report do once the case is sent (the expert's advice may rest on
        the wrong eye)."""
        from app.report_text import view_words

        lines = [
            self.tr("Question : {text}").format(text=case.question.strip() or "—"),
            self.tr("Résumé clinique : {text}").format(text=case.summary.strip() or "—"),
        ]
        if case.images:
            where = ("\u202f; " if language() == "fr" else "; ").join(
                f"{number}. {view_words(image, language())}{self._eye_check(image)}"
                for number, image in enumerate(case.images, start=1)
            )
            lines.append(self.tr("Images ({n}) : {where}").format(n=len(case.images), where=where))
        return "\n".join(lines)

    def _stored_draft(self, case_id: str) -> str:
        from app import reply_drafts

        if self._kept_drafts.get(case_id) == "":
            # Emptied by this window (sent, or wiped), the writer thread perhaps not there yet: read from the
            # store, a reply sent came back as begun, to be sent twice.
            return ""
        try:
            text = reply_drafts.load(self.store, case_id)
        except TeleavisError:
            log.warning("the reply begun for case %s could not be read back", case_id)
            return ""
        self._kept_drafts[case_id] = text
        return text

    def _stored_photos(self, case_id: str) -> list[NewImage]:
        """The photos joined to ``case_id``'s reply begun and kept on this workstation (Teleavis closed, or
        stopped by a crash or a power cut), with the names of their files."""
        from app import reply_drafts

        if self._kept_photos.get(case_id) == "[]":
            # Taken off by this window, the writer thread perhaps not there yet: read from the store, they came
            # back joined while their files were being written over, and went with the reply without them.
            return []
        try:
            photos = reply_drafts.load_photos(self.store, case_id)
        except TeleavisError:
            log.warning("the photos of the reply begun for case %s could not be read back", case_id)
            return []
        for name, image in photos:
            if name:
                self._reply_names[image.record.id] = self._name_shown(name)
        self._kept_photos[case_id] = self._photo_marks(photos)
        return [image for _name, image in photos]

    def _photo_marks(self, photos: list[tuple[str, NewImage]]) -> str:
        """What is kept of ``photos``, to tell whether it changed (nothing written twice)."""
        from dataclasses import asdict

        return json.dumps([(name, asdict(image.record)) for name, image in photos], sort_keys=True, default=str)

    def _keep_photos(self, case_id: str, images: list[NewImage]) -> None:
        """Record ``images`` as the photos joined to ``case_id``'s reply (their files written already),
        by the writer thread: a crash or a power cut loses none of them. Those no longer joined are written
        over and removed (app/reply_drafts.py)."""
        from app import reply_drafts

        photos = [
            (_name_kept(self._reply_names.get(image.record.id, "")), _as_kept(image))
            for image in images
            if image.written
        ]
        marks = self._photo_marks(photos)
        if self._kept_photos.get(case_id, "[]") == marks:
            return
        self._kept_photos[case_id] = marks
        run_write(
            on_own_connection(self.store, lambda own: reply_drafts.save_photos(own, case_id, photos)),
            lambda _none: self._photos_kept(case_id, marks),
            lambda exc: self._photos_not_kept(case_id, marks, exc),
        )

    def _photos_not_kept(self, case_id: str, marks: str, exc: BaseException) -> None:
        """Found in review: a failed recording of the reply's photos was only logged; the box showed them
        joined, and closing Teleavis lost them (or what she had given them since). Said in the box, with what
        to do; they stay joined in the window, tried again at the next keep or by « Réessayer … »."""
        log.warning("the photos of the reply begun could not be kept: %s", type(exc).__name__)
        if not isValid(self) or self._kept_photos.get(case_id) != marks:
            return  # (changed since: the newer keep says its own outcome)
        self._kept_photos[case_id] = NOT_KEPT  # the next keep tries again, whatever it keeps
        why = (
            exc.message
            if isinstance(exc, TeleavisError)
            else self.tr("erreur inattendue ({kind})").format(kind=type(exc).__name__)
        )
        why = why.strip()
        why = why[:1].lower() + why[1:] + ("" if why.endswith((".", "!", "?")) else ".")
        words = self.tr(
            "Les photos jointes à la réponse n'ont pas été gardées sur ce poste : {why} Elles restent jointes "
            "dans cette fenêtre, mais seraient perdues si Teleavis se fermait."
        ).format(why=why)
        # (tr_in, not tr: the translation tool would take the key for a window string)
        gone = M.CATALOGUE.tr_in("image.files_gone", language())
        retry = not (isinstance(exc, TeleavisError) and exc.message == gone)
        if retry:
            words += " " + self.tr(
                "Laissez Teleavis ouvert : une fois le problème réglé, cliquez « Réessayer de garder les photos », "
                "ou envoyez la réponse."
            )
        self._unkept[case_id] = (words, retry)
        if self.case is not None and self.case.id == case_id:
            self.reply_saved.clear()
            self.reply_problem.setText(words)
            self.keep_photos_again.setVisible(self._may_keep_again(case_id))

    def _photos_kept(self, case_id: str, marks: str) -> None:
        """Kept at last (the disk freed, the base free again): what was said of it goes."""
        if not isValid(self) or case_id not in self._unkept or self._kept_photos.get(case_id) != marks:
            return
        words, _retry = self._unkept.pop(case_id)
        if self.case is not None and self.case.id == case_id:
            self.keep_photos_again.setVisible(False)
            if self.reply_problem.text() == words:
                self.reply_problem.clear()
            if marks != "[]":
                self.reply_saved.setText(self.tr("Les photos jointes sont maintenant gardées sur ce poste."))

    def _may_keep_again(self, case_id: str) -> bool:
        """Whether trying again may keep the photos (a file gone never comes back: taken off, joined again)."""
        return self._unkept.get(case_id, ("", False))[1]

    def _keep_photos_again(self) -> None:
        if self.case is not None:
            self._kept_photos[self.case.id] = NOT_KEPT
            self._keep_photos(self.case.id, self._reply_images)

    def unkept_photos(self, cases: list[str]) -> int:
        """How many photos joined to the replies of ``cases`` could not be kept on this workstation: in the
        window only, lost if it closes."""
        shown = len(self._reply_images) if self.case is not None and self.case.id in self._unkept else 0
        shown = shown if self.case is not None and self.case.id in cases else 0
        others = sum(
            len(images)
            for case_id, (_text, images) in self._reply_drafts.items()
            if case_id in cases and case_id in self._unkept
        )
        return shown + others

    def keep_for_reply(self, case_id: str, text: str) -> None:
        """``text`` added to ``case_id``'s reply begun, after its words, and kept on this workstation: what she
        typed in the case as it moved out of her hands (ui/kept_typing.py), for the expert if they ask."""
        if self.case is not None and self.case.id == case_id:
            before = self.reply.toPlainText()
            self.reply.setPlainText(f"{before.rstrip()}\n\n{text}" if before.strip() else text)
            self.reply.moveCursor(QTextCursor.MoveOperation.End)
            self.keep_draft()
            return
        begun = self._reply_drafts.get(case_id)  # (begun in this window while another case is shown)
        before = begun[0] if begun is not None else self._stored_draft(case_id)
        after = f"{before.rstrip()}\n\n{text}" if before.strip() else text
        if begun is not None:
            self._reply_drafts[case_id] = (after, begun[1])
        self._keep_draft(case_id, after)

    def _reply_typed(self) -> None:
        self._draft_timer.start()
        if not self._draft_deadline.isActive():  # from the first key not kept, not from the last
            self._draft_deadline.start()

    def keep_draft(self) -> None:
        """Keep the reply being typed now (also before the window closes or locks), its photos as joined
        (an eye or a body site given since)."""
        if self.case is not None:
            self._keep_draft(self.case.id, self.reply.toPlainText())
            self._keep_photos(self.case.id, self._reply_images)

    def _keep_draft(self, case_id: str, text: str) -> None:
        self._draft_timer.stop()
        self._draft_deadline.stop()
        self._draft_retry.stop()
        # (refused since: written whatever it holds now, an empty reply too, or the words kept before the
        # refusal stayed, and came back with the case though she had wiped them: found in review)
        if case_id not in self._drafts_refused and self._kept_drafts.get(case_id, "") == text:
            return
        from app import reply_drafts

        self._kept_drafts[case_id] = text
        try:  # (a reply queued before the writer gets there took these words: not kept as begun then)
            before: int | None = reply_drafts.replies(self.store, case_id)
        except (TeleavisError, sqlite3.Error):
            before = None
        run_write(
            on_own_connection(self.store, lambda own: reply_drafts.save(own, case_id, text, replies_before=before)),
            lambda _none: self._drafts_refused.discard(case_id),
            error=lambda exc: self._draft_refused(case_id, text, exc),
        )

    def _draft_refused(self, case_id: str, text: str, exc: BaseException) -> None:
        """The reply begun not kept (a full disk): no longer noted as kept (it was, and neither the next keep
        nor leaving the case wrote it), and tried again by itself while its case is on screen."""
        log.warning("the reply begun could not be kept: %s", type(exc).__name__)
        if self._kept_drafts.get(case_id) == text:
            del self._kept_drafts[case_id]
        self._drafts_refused.add(case_id)
        if self.case is not None and self.case.id == case_id and self.isVisible():
            self._draft_retry.start()

    def _retry_draft(self) -> None:
        if self.case is not None and self.isVisible():
            self.keep_draft()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._retry_draft_when_shown()

    def _retry_draft_when_shown(self) -> None:
        """The case back on screen (unlocked, opened again) with its reply refused: tried again by itself, as
        before it was hidden (its try under the lock did nothing, and none came after: found in review)."""
        if self.case is not None and self.case.id in self._drafts_refused and not self._draft_timer.isActive():
            self._draft_retry.start()

    def retrying_draft(self) -> bool:
        """Whether a reply begun, refused, is to be kept again by itself."""
        return self._draft_retry.isActive()

    def unsent_photos(self, cases: list[str]) -> int:
        """How many photos are joined to the replies begun and not sent of ``cases`` (``unsent_replies``):
        kept on this workstation with their words (app/reply_drafts.py), as closing says."""
        shown = len(self._reply_images) if self.case is not None and self.case.id in cases else 0
        return shown + sum(len(images) for case_id, (_text, images) in self._reply_drafts.items() if case_id in cases)

    def unsent_replies(self) -> list[str]:
        """The cases holding a reply to the expert begun and not sent, the one on screen first: kept on this
        workstation, but the expert gets none of them until it is sent."""
        unsent = []
        begun = self.reply.toPlainText().strip() or self._reply_images
        if self.case is not None and self._reply_open and (begun or self._reply_again.get(self.case.id)):
            unsent.append(self.case.id)
        for case_id, (text, images) in self._reply_drafts.items():
            try:  # one whose case no longer waits for it (answered meanwhile) cannot be sent: not asked about
                waiting = self.store.state(case_id) == CaseState.ON_HOLD
            except TeleavisError:
                waiting = True
            # Nor one to a case sent to the training platform, a real one set now: no reply leaves for it (a
            # reply queued there comes back set aside, its words to the reply begun: app/reply_drafts.py).
            waiting = waiting and not self._training_platform_gone(case_id)
            if waiting and (text.strip() or images):
                unsent.append(case_id)
        return unsent

    def _show_reply_images(self, case_id: str | None = None, case: Case | None = None) -> None:
        """How many images go with the reply, and what their check found (as an imported photo's tile); the
        rows saying where each was taken, as ``case``'s (the case shown when not given). Found by a tester:
        built for the case opened before ``self.case`` was it, a retinograph's row asked a body site after a
        restart (no case yet), its eye lost."""
        case = case if case is not None else self.case
        count = self._say_reply_images(case_id, case)
        self.drop_images.setVisible(bool(count))
        sites = sorted({image.body_site.strip() for image in case.images if image.body_site.strip()}) if case else []
        self.reply_places.show_images(self._reply_images, case.specialty if case else "", self._reply_names, sites)
        self._show_reply_thumbs()

    def _show_reply_thumbs(self) -> None:
        """Each joined photo's thumbnail on its row, before the reply leaves: those decoded already at once, the
        others read and decoded on a worker (a photo kept across a restart has its thumbnail in its file)."""
        # Only the photos still waiting to go (this reply's, the other cases' replies begun): one taken off, or
        # sent, gives its thumbnail back (found in review: each one was kept while the window stayed open).
        pending = self._pending_reply_ids()
        for image_id in [image_id for image_id in self._reply_thumbs if image_id not in pending]:
            del self._reply_thumbs[image_id]
        wanted = []
        for image in self._reply_images:
            record = image.record
            if record.id in self._reply_thumbs:
                self.reply_places.set_picture(record.id, self._reply_thumbs[record.id])
            else:
                wanted.append((record.id, image.thumbnail, record.thumb_blob))
        if not wanted:
            return
        objects = self.store.objects  # files and the data key only: safe from a worker thread

        def decode() -> list[tuple[str, QImage]]:
            made = []
            for image_id, data, blob in wanted:
                try:
                    data = data or (objects.get(blob) if blob else None)
                except TeleavisError:
                    data = None
                picture = decode_thumbnail(data)
                if picture is not None:
                    made.append((image_id, picture))
            return made

        def shown(made: list[tuple[str, QImage]]) -> None:
            if not isValid(self):
                return
            pending = self._pending_reply_ids()
            for image_id, picture in made:
                if image_id in pending:
                    self._reply_thumbs[image_id] = picture
                self.reply_places.set_picture(image_id, picture)  # (a row taken off meanwhile: none)

        run_task(decode, shown, lambda exc: log.warning("a reply's photos were not shown: %s", exc))

    def _pending_reply_ids(self) -> set[str]:
        """The ids of the photos joined to a reply not sent yet: the case's shown, and those begun elsewhere."""
        drafts = [image for _text, images in self._reply_drafts.values() for image in images]
        return {image.record.id for image in [*self._reply_images, *drafts]}

    def _say_reply_images(self, case_id: str | None = None, case: Case | None = None) -> int:
        """The list of the images going with the reply, each with what its check found, else its eye to
        check (found from outside: « bonne qualité » beside its row's orange « ⚠ Œil à vérifier », as the
        tile said it above the photos), else that it is good; how many there are."""
        again = self._reply_again.get(case_id or (self.case.id if self.case is not None else ""), [])
        count = len(self._reply_images) + len(again)
        lines = [self.tr("%n image(s) jointe(s)", "", count)] if count else []
        # A photo of an earlier session is said on its row, as the case's checklist says it (not « bonne qualité »),
        # after its own worst finding or eye side: found in review, a photo with a warning of its own (its
        # exposure, its definition) said that alone, the earlier session only in the question.
        # (Judged against ``case``, the one shown: a reply kept across a restart is shown before it is ``self.case``,
        # found from outside: its photo of 2007 came back « bonne qualité ».)
        earlier = self._reply_earlier_words(case if case is not None else self.case)
        for number, image in enumerate(self._reply_images, start=1):
            finding = worst_finding(image.record)
            eye_side = eye_side_words(image.record) if finding is None else None
            doubts = [finding.text()] if finding else [eye_side] if eye_side else []
            if number - 1 in earlier:
                doubts.append(earlier[number - 1])
            words = " ".join(doubts) or self.tr("bonne qualité")
            level = finding.level if finding else ""
            if level != "blocking" and (eye_side or number - 1 in earlier):
                level = "warning"
            mark = {"blocking": "✗ ", "warning": "⚠ "}.get(level, "")
            name = self._reply_names.get(image.record.id, "")
            lines.append(f"{number}. {name} — {mark}{words}" if name else f"{number}. {mark}{words}")
        if again:  # (back by themselves: she sees they will go)
            lines.insert(
                1,
                self.tr(
                    "La photo de votre réponse refusée est de nouveau jointe : elle part avec celle-ci, sauf si "
                    "vous la retirez."
                )
                if len(again) == 1
                else self.tr(
                    "Les photos de votre réponse refusée sont de nouveau jointes : elles partent avec celle-ci, "
                    "sauf si vous les retirez."
                ),
            )
        for number, (image_id, name) in enumerate(again, start=len(self._reply_images) + 1):
            record = self._again_images.get(image_id)
            if record is not None:
                finding = worst_finding(record)
                verdict = finding.text() if finding else eye_side_words(record) or self.tr("bonne qualité")
                shows = self._image_words(record)
                name = f"{name} ({shows})" if name else shows
            else:
                verdict = ""
            lines.append(
                " — ".join(
                    w
                    for w in (
                        f"{number}. {name}",
                        verdict,
                        self.tr("image de la réponse refusée : elle part avec celle-ci"),
                    )
                    if w
                )
            )
        for image_id in sorted(self._too_large.get(case_id or (self.case.id if self.case is not None else ""), set())):
            record = self._again_images.get(image_id)
            said = (
                # A photo joined again goes reduced (app/reply_drafts.py ``refused_too_large``); a DICOM never is.
                self.tr(
                    "L'image « {image} » de votre réponse refusée est retirée : elle dépasse la taille acceptée "
                    "par la plateforme. Les autres partent avec votre réponse ; pour l'envoyer aussi, joignez-la "
                    "de nouveau : elle partira en copie réduite (l'original reste sur ce poste)."
                )
                if record is not None and record.content_type in PHOTOS
                else self.tr(
                    "L'image « {image} » de votre réponse refusée est retirée : elle dépasse la taille acceptée "
                    "par la plateforme. Les autres partent avec votre réponse ; pour l'envoyer aussi, exportez-la "
                    "de nouveau de l'appareil en plus petit, puis joignez-la."
                )
            )
            lines.append(said.format(image=self._image_words(record) if record is not None else "?"))
        self.reply_images.setText("\n".join(lines))
        return count

    def _refused_photos_back(self, case_id: str, conversation: list[Message], images: dict[str, CaseImage]) -> bool:
        """The images of a reply refused, and joined to none since, go with the reply begun unless she took
        them off (found in review: they came back only when she picked the same files again, and only in
        the window). Those she took off are read from this workstation the first time. Whether the list of
        those going changed."""
        from app import reply_drafts
        from sync.follow import to_send_again

        refused = to_send_again(conversation) if self._reply_open else set()
        ordered = [image_id for image_id in images if image_id in refused]  # (the case's order)
        if refused and not ordered:  # the case's images not read (a base busy): left as they were
            return False
        if case_id not in self._again_off and ordered:
            try:
                stored = reply_drafts.load_again(self.store, case_id, ordered)
                self._too_large[case_id] = reply_drafts.too_large(self.store, case_id)
            except TeleavisError:
                log.warning("the photos of the refused reply for case %s could not be read back", case_id)
                stored = [(image_id, "") for image_id in ordered]
            going = {image_id for image_id, _name in stored}
            self._again_off[case_id] = {image_id for image_id in ordered if image_id not in going}
            for image_id, name in stored:
                if name:
                    self._reply_names.setdefault(image_id, self._name_shown(name))
        off = self._again_off.get(case_id, set())
        self._too_large[case_id] = self._too_large.get(case_id, set()) & off & set(ordered)
        self._again_images.update({image_id: images[image_id] for image_id in ordered})
        names = dict(self._reply_again.get(case_id, []))
        again = [(image_id, names.get(image_id) or self._reply_names.get(image_id, "")) for image_id in ordered]
        again = [(image_id, name) for image_id, name in again if image_id not in off]
        if again == self._reply_again.get(case_id, []):
            return False
        if again:
            self._reply_again[case_id] = again
        else:
            self._reply_again.pop(case_id, None)
        self._keep_again(case_id)  # (the names of their files, for after a restart)
        return True

    def _new_refusals(self, case_id: str, conversation: list[Message]) -> list[Message]:
        """The replies of ``case_id`` refused since this window last saw it (none the first time: the store
        took their words and photos back when they were refused)."""
        refused = [m for m in conversation if m.direction == "to-expert" and m.state == "refused"]
        seen = self._refusals_seen.get(case_id)
        self._refusals_seen[case_id] = {m.id for m in refused}
        return [m for m in refused if m.id not in seen] if seen is not None else []

    def _refused_words_back(self, case_id: str, conversation: list[Message], fresh: list[Message]) -> None:
        """The words of the replies refused since this window last saw the case (``fresh``) come back to the
        box, before any typed since (the store took them back when it was refused: app/reply_drafts.py, for
        a refusal with Teleavis closed or this case not on screen); while the last reply is one refused and
        the box holds its words, it says so. Found in review: only its photos came back, and she typed it
        all again."""
        from app import reply_drafts

        if fresh and self._reply_open:
            text = self.reply.toPlainText()
            back = text
            for message in fresh:
                back = reply_drafts.with_refused(back, message.text)
            if back != text:
                self.reply.blockSignals(True)  # kept just below, not typed
                self.reply.setPlainText(back)
                self.reply.blockSignals(False)
                self.reply.moveCursor(QTextCursor.MoveOperation.End)  # to go on where her words end
                self._keep_draft(case_id, back)
        self._say_words_back(conversation)

    def _say_words_back(self, conversation: list[Message] | None = None) -> None:
        """Whether the box holds the words of the last reply, refused: said above it, with what to do."""
        if conversation is not None:
            ours = [m for m in conversation if m.direction == "to-expert"]
            self._last_refused = ours[-1].text.strip() if ours and ours[-1].state == "refused" else ""
            self._refused_why = ""
            if self._last_refused and self.case is not None:
                from app import reply_drafts

                try:  # (why, as it was refused: the page's top may say something else of the case since)
                    self._refused_why = reply_drafts.refused_why(self.store, self.case.id)
                except TeleavisError:
                    log.warning("why the reply for case %s was refused could not be read back", self.case.id)
        back = self._reply_open and bool(self._last_refused) and self._last_refused in self.reply.toPlainText()
        if back and self._refused_why:
            self.reply_back.setText(
                self.tr(
                    "Votre réponse n'est pas partie. Raison : {why} Ses mots sont revenus ci-dessous, prêts à "
                    "être renvoyés : corrigez-les si besoin, puis cliquez « Envoyer la réponse »."
                ).format(why=self._reason_alone(self._refused_why))
            )
        elif back:
            self.reply_back.setText(
                self.tr(
                    "Votre réponse n'est pas partie : elle a été refusée. Ses mots sont revenus ci-dessous, prêts à "
                    "être renvoyés : corrigez-les si besoin, puis cliquez « Envoyer la réponse »."
                )
            )
        self.reply_back.setVisible(back)
        self._words_back_said = back
        self._show_detail()
        for row in range(self.conversation.count()):  # the refused reply's line: where it is said why
            item = self.conversation.item(row)
            if item.data(POINTS_BELOW):
                item.setText(item.data(POINTS_BELOW if back else POINTS_ABOVE))

    @staticmethod
    def _reason_alone(why: str) -> str:
        """``why`` a reply was refused, without what the platform's refusal adds of what to do (« Elle n'est
        pas partie : ses mots sont revenus … envoyez-la de nouveau »): the line above the box says it."""
        import sync.engine  # noqa: F401 (its messages; loaded with the sync, which refused it)

        mark, key = "\x00", "sync.reply_refused_words"  # (a key, not a literal: no string for lupdate)
        tail = M.tr(key, status=mark, diagnostics=mark).split(mark)[-1]
        return why[: -len(tail)] if tail.strip() and why.endswith(tail) else why

    def _show_detail(self) -> None:
        """The case's note at the top of the page; while the line above the box says a refused reply is back
        there, why it was refused and what to do are said there only. Found by a nurse's afternoon: the top
        said the refusal with « corrigez-la puis envoyez-la de nouveau », then « Répondez à l'expert
        ci-dessous … cliquez sur « Envoyer la réponse » », and the line above the box said both again."""
        if self.detail.text() != self._detail_said:
            return  # something else is said there (an error reading the case): kept
        words = self._detail_words
        if self._words_back_said:
            words = [w for w in words if w not in (self._answer_here, self._refused_why)]
        self._detail_said = "\n".join(words)
        self.detail.setText(self._detail_said)

    def _keep_again(self, case_id: str) -> None:
        """Record which images of a refused reply go with ``case_id``'s reply begun, and which she took off
        (by the writer thread, as the photos joined)."""
        from app import reply_drafts

        joined = [(image_id, _name_kept(name)) for image_id, name in self._reply_again.get(case_id, [])]
        refused = [image_id for image_id, _name in joined] + sorted(self._again_off.get(case_id, set()))
        marks = json.dumps([refused, joined])
        if self._kept_again.get(case_id, json.dumps([[], []])) == marks:
            return
        self._kept_again[case_id] = marks
        run_write(
            on_own_connection(self.store, lambda own: reply_drafts.save_again(own, case_id, refused, joined)),
            error=lambda exc: log.warning("the refused reply's photos could not be kept: %s", type(exc).__name__),
        )

    def _drop_reply_images(self) -> None:
        for image in self._reply_images:
            self._reply_names.pop(image.record.id, None)
        self._reply_images = []
        if self.case is not None:
            taken_off = [image_id for image_id, _name in self._reply_again.pop(self.case.id, [])]
            self._again_off.setdefault(self.case.id, set()).update(taken_off)
            self._keep_again(self.case.id)  # they stay off, Teleavis started again
            self._keep_photos(self.case.id, [])  # their files written over, as a case's photo removed
        self._show_reply_images()
        self.reply_problem.clear()

    def _drop_reply_image(self, index: int) -> None:
        """The image at ``index`` taken off the reply, the others and the words kept (its files written over
        and removed once the photos kept no longer name it, as « Retirer toutes les images » does)."""
        if not 0 <= index < len(self._reply_images):
            return
        image = self._reply_images.pop(index)
        self._reply_names.pop(image.record.id, None)
        if self.case is not None:
            self._keep_photos(self.case.id, self._reply_images)
        self._show_reply_images()
        self.reply_problem.clear()
        # The keyboard goes to the place of the row that took its place (else to the words): not to another
        # « Retirer », whose space (« avant-bras gauche » typed next) took a second photo off, seen at the cart.
        fields = self.reply_places.fields
        (fields[min(index, len(fields) - 1)] if fields else self.reply).setFocus()

    def _new_reply_images(self, case_id: str, made: list[tuple[str, NewImage]]) -> tuple[list[NewImage], list[str]]:
        """Of the images just prepared for ``case_id``'s reply, those that may go, and why the others may
        not: a photo the quality check judged unusable is refused; as at an import, so is a photo already in
        this case or in another patient's case (one of the two would be wrong), and one already joined to
        this reply."""
        from app.store import sha1_b64
        from capture.messages import message
        from sync.follow import to_send_again

        case = self.store.get_case(case_id)
        patient = case.patient
        again = self._reply_again.setdefault(case_id, [])
        refused = to_send_again(Outbox(self.store).messages(case_id))  # never got by the expert
        pending = self._reply_images if self.case is not None and self.case.id == case_id else []
        pending = pending or self._reply_drafts.get(case_id, ("", []))[1]

        def keys(image: NewImage) -> set[str]:
            # (a photo kept from before a restart has its content in its file only: its hash is in its record)
            own = image.record.sha1 if image.written else sha1_b64(image.data)
            return {key for key in (own, image.source_sha1) if key}

        joined = {key for image in pending for key in keys(image)}
        kept, said = [], []
        for name, image in made:
            unusable = next((f for f in image.record.quality if f.level == "blocking"), None)
            held = self.store.copy_held(case_id, image, patient)
            if unusable is not None:  # as a case's photo, an unusable one never goes to the expert
                said.append(self.tr("« {name} » n'est pas jointe : {reason}").format(name=name, reason=unusable.text()))
            elif (
                held is not None
                and held[2]
                and 0 < held[1] <= len(case.images)
                and (case.images[held[1] - 1].id in refused)
            ):
                image_id = case.images[held[1] - 1].id
                if any(image_id == joined_id for joined_id, _name in again):
                    said.append(self.tr("« {name} » est déjà jointe à cette réponse.").format(name=name))
                else:
                    again.append((image_id, name))
                    self._again_off.get(case_id, set()).discard(image_id)
                    self._too_large.get(case_id, set()).discard(image_id)
                    self._again_images[image_id] = case.images[held[1] - 1]
                    self._keep_again(case_id)
            elif held is not None and held[2]:
                said.append(message("already_here", name=name, n=held[1]))
            elif held is not None:
                said.append(message("in_another_case", name=name, case=held[0][:8]))
            elif keys(image) & joined:
                said.append(self.tr("« {name} » est déjà jointe à cette réponse.").format(name=name))
            else:
                joined |= keys(image)
                kept.append(image)
                self._reply_names[image.record.id] = name
        return kept, said

    def _pick_images(self) -> None:
        if self.case is None:
            return
        # The same files as the case's import (a Nokia's .heif, a DICOM without extension too).
        paths = open_images(
            self,
            self.tr("Images pour l'expert"),
            self.tr("Images ({patterns});;Tous les fichiers (*)").format(patterns=IMAGE_PATTERNS),
        )
        if paths:
            self.add_reply_files(paths)

    def _open_reply_camera(self) -> None:
        """The camera's live preview for the reply: each still taken joins it (:meth:`add_reply_still`)."""
        if self.case is None:
            return
        from ui.reply_camera import ReplyCamera

        if self.reply_camera is not None:
            self.reply_camera.close()
            self.reply_camera.deleteLater()
        self.reply_camera = ReplyCamera(self.store, self.case.specialty, self)
        self.reply_camera.taken.connect(self.add_reply_still)
        # Closed, the keyboard goes to the place of the first photo taken still to say (as after a file dialog).
        self.reply_camera.finished.connect(lambda _result: self._place_keyboard_on_joined(0))
        self.reply_camera.open()

    def close_reply_camera(self) -> None:
        """The reply's camera closed, its camera freed: the case page is left (the lock, the window's end: found
        in review, the window closed at the desktop session's end left it open, its camera grabbing)."""
        camera = self.reply_camera
        if camera is not None and isValid(camera) and camera.isVisible():
            camera.reject()

    def _name_shown(self, name: str) -> str:
        """A joined image's name as kept (:func:`_name_kept`) in the reader's words: a camera still's « Photo prise
        à 10:12:03 »; a file's, as it is."""
        taken = name.removeprefix(CAMERA_NAME) if name.startswith(CAMERA_NAME) else None
        if taken is None and (said := _TAKEN_AT.fullmatch(name)) is not None:  # (kept so before: in its words)
            taken = said.group(1)
        return self.tr("Photo prise à {time}").format(time=taken) if taken else name

    def add_reply_still(self, take: Callable[[], Any], device: str) -> None:
        """A camera still (``take`` waits for it, on the worker) checked and joined to the reply, as a file is."""
        assert self.case is not None
        specialty = self.case.specialty
        name = self.tr("Photo prise à {time}").format(time=clock.now().strftime("%H:%M:%S"))

        def prepared() -> list[tuple[str, PreparedImage]]:
            from capture.pipeline import prepare_frame

            frame = take()
            if frame is None:
                raise TeleavisError(self.tr("La caméra n'a pas donné d'image : vérifiez-la puis reprenez la photo."))
            return [(name, prepare_frame(frame, specialty=specialty, device=device))]

        camera = self.reply_camera

        def told(joined: int, said: list[str]) -> None:
            # Said in the camera's window, the patient still in the room: a photo refused is taken again now.
            if camera is not None and isValid(camera) and camera.isVisible():
                camera.checked(joined, said)

        self._join_reply_images(prepared, told, here=True)

    def add_reply_files(self, paths: list[Path]) -> None:
        """Run the chosen files through the image pipeline (off the main thread)."""
        assert self.case is not None
        specialty, patient = self.case.specialty, self.case.patient
        from app.site import site_patient_system

        system = site_patient_system(self.store.settings)

        def prepared() -> list[tuple[str, PreparedImage]]:
            from capture.pipeline import prepare_image_file

            # With the patient: a DICOM recorded for someone else is said, and asked about before it goes.
            return [
                (path.name, prepare_image_file(path, specialty=specialty, patient=patient, site_system=system))
                for path in paths
            ]

        self._join_reply_images(prepared)

    def _join_reply_images(
        self,
        prepared: Callable[[], list[tuple[str, PreparedImage]]],
        told: Callable[[int, list[str]], None] | None = None,
        here: bool = False,
    ) -> None:
        """The images ``prepared`` makes (on a worker), each named, written encrypted and joined to the reply;
        ``told`` hears how many joined and why the others did not. ``here``: stills of the reply's camera,
        recorded as taken here as a case's are (``CaseImage.taken_here``: never said left on a card, their
        time said at the workstation's, in ``app.validation.reply_taken_earlier``; found in review)."""
        assert self.case is not None
        case_id = self.case.id
        store = self.store
        self._reply_preparing[case_id] = self._reply_preparing.get(case_id, 0) + 1

        def prepared_no_more() -> None:
            left = self._reply_preparing.get(case_id, 0) - 1
            if left > 0:
                self._reply_preparing[case_id] = left
            else:
                self._reply_preparing.pop(case_id, None)

        def prepare() -> list[tuple[str, NewImage]]:
            from ui.capture_work import Labels, record_for

            # The record a case's photo gets (ui.capture_work.record_for), noted as joined to the reply: in the
            # platform's language, shown in the reader's (app.case_record.note_words).
            labels = Labels(note=REPLY_PHOTO_NOTE)
            made = []
            for name, ready in prepared():
                record = record_for(ready, labels)
                record.taken_here = here
                made.append((name, NewImage(record, ready.data, ready.thumbnail, ready.source_sha1)))
            # Written at once, encrypted, as a case's photos are (the object store: files and the data key only,
            # safe from a worker thread): kept across a crash once recorded against the reply.
            try:
                for _name, image in made:
                    store.write_files(image)
            except BaseException:
                for _name, image in made:
                    if image.written:
                        store.discard_files(image)
                raise
            return made

        def done(made: list[tuple[str, NewImage]]) -> None:
            prepared_no_more()
            try:
                images, said = self._new_reply_images(case_id, made)
            except BaseException:
                self._discard_photos([image for _name, image in made])
                raise
            self._discard_photos([image for _name, image in made if all(image is not kept for kept in images)])
            if told is not None:
                told(len(images), said)
            if self.case is None or self.case.id != case_id:  # the user opened another case meanwhile
                text, kept = self._reply_drafts.get(case_id, ("", []))
                self._reply_drafts[case_id] = (text, kept + images)
                self._keep_photos(case_id, kept + images)
                if said:  # said when that case is shown again, not in this one
                    self._reply_said[case_id] = said
                return
            self.reply_problem.setText("\n".join(said))
            first = len(self._reply_images)
            self._reply_images.extend(images)
            self._keep_photos(case_id, self._reply_images)
            self._show_reply_images()
            self._place_keyboard_on_joined(first)

        def failed(exc: BaseException) -> None:
            prepared_no_more()
            if told is not None:
                told(0, [exc.message if isinstance(exc, TeleavisError) else str(exc)])
            if self.case is not None and self.case.id == case_id:
                self.reply_problem.setText(exc.message if isinstance(exc, TeleavisError) else str(exc))

        run_task(prepare, done, failed)

    def _place_keyboard_on_joined(self, first: int) -> None:
        """The keyboard, left on « Ajouter des images… » by the file dialog, goes to the site (the eye) of the
        first image just joined: its row came under the buttons, and Tab from there went to « Envoyer la
        réponse » (found with a keyboard only). Not taken from a field the nurse went on typing in, nor given
        to a place already said (a DICOM's eye, its device's): a stray arrow key, or the wheel, turned it."""
        fields = self.reply_places.fields
        if QApplication.focusWidget() not in (None, self.add_images, self.take_photo):
            return
        unsaid = [
            field
            for field in fields[first:]
            if not (field.currentData() if isinstance(field, QComboBox) else field.text().strip())
        ]
        if not unsaid:
            return
        self.column.ensureWidgetVisible(unsaid[0])
        unsaid[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def _discard_photos(self, images: list[NewImage]) -> None:
        """The files of photos refused for a reply, written over and removed (by a worker: a large photo's)."""
        store = self.store

        def discard() -> None:
            for image in images:
                store.discard_files(image)

        if images:
            run_task(discard, None, lambda exc: log.warning("a refused photo's files were not removed: %s", exc))

    def _reply_names_shown(self, index: int) -> str:
        """A joined image's number as its row shows it: « 1 (OD.dcm) »."""
        images = self._reply_images
        name = self._reply_names.get(images[index].record.id, "")
        return f"{index + 1} ({name})" if name else str(index + 1)

    def _reply_doubted(self, findings: list[Finding], part: str) -> list[int]:
        """The indices of the joined images the checklist's ``findings`` doubt, on their field ``part``."""
        pattern = rf"reply\.images\[(\d+)\]\.{part}"
        return [int(match.group(1)) for f in findings if (match := re.fullmatch(pattern, f.field))]

    def _reply_other_patients_confirmed(self) -> bool:
        """As before a case is queued (``ui.other_patient_question``): an image joined that its device
        recorded for another patient is asked about (found from outside: a DICOM of another patient joined
        to a reply left in one click, said nowhere)."""
        assert self.case is not None
        images = self._reply_images
        doubted = self._reply_doubted(
            reply_other_patients([image.record for image in images], self.case.patient), "patient"
        )
        if not doubted:
            return True
        numbered = [(self._reply_names_shown(index), images[index].record) for index in doubted]
        return send_despite_other_patient(self, self.case.patient, numbered)

    def _reply_eye_sides_confirmed(self) -> bool:
        """As before a case is queued (``ui.eye_side_question``): a retinograph joined whose optic disc lies
        on the other eye's side is asked about, numbered as its row; « Vérifier les images » goes to the
        first one's eye."""
        assert self.case is not None
        images = self._reply_images
        doubted = self._reply_doubted(reply_eye_sides(self.case.specialty, [image.record for image in images]), "eye")
        if not doubted:
            return True
        if send_despite_eye_sides(self, [(self._reply_names_shown(index), images[index].record) for index in doubted]):
            return True
        fields = self.reply_places.fields
        if doubted[0] < len(fields):
            fields[doubted[0]].setFocus()
        return False

    def _reply_earlier_words(self, case: Case | None) -> dict[int, str]:
        """The checklist's words of each joined photo of an earlier session, by its index, ``case``'s photos
        as the rule's reference."""
        if case is None or not self._reply_images:
            return {}
        findings = reply_taken_earlier(case, [image.record for image in self._reply_images])
        return {index: f.message for f in findings for index in self._reply_doubted([f], "captured_at")}

    def _reply_earlier_confirmed(self) -> bool:
        """As before a case is queued (``ui.other_patient_question.send_despite_earlier_photos``): a photo
        joined that its camera took in an earlier session (``app.validation.reply_taken_earlier``) is asked
        about, « Vérifier les images » the default (found from outside: a 2001 photo left in one click)."""
        assert self.case is not None
        findings = reply_taken_earlier(self.case, [image.record for image in self._reply_images])
        return send_despite_earlier_photos(self, [finding.message for finding in findings], reply=True)

    def _joined_images(self, case_id: str, conversation: list[Message]) -> dict[str, CaseImage]:
        """The case's images sent with a reply, by id (none read when no reply has any)."""
        if not any(message.image_ids for message in conversation):
            return {}
        try:
            return {image.id: image for image in self.store.images(case_id)}
        except TeleavisError:
            return {}

    @staticmethod
    def _eye_check(image: CaseImage) -> str:
        """« — ⚠ œil à vérifier » after a retinograph whose optic disc lies on the other eye's side, as
        ``case show`` and the report keep it once sent; "" otherwise."""
        from app.report_text import eye_check_words

        check = eye_check_words(image, language())
        return f" — ⚠ {check}" if check else ""

    def _image_words(self, image: CaseImage) -> str:
        """What an image sent with a reply shows, as its tile says it: the eye first (ui/image_tile.py), the
        thing a wrong advice would hit, as « Votre demande » and the report name it."""
        parts = [p for p in (eye_name(image.eye), view_name(image.view), image.body_site) if p]
        return " · ".join(parts) if parts else self.tr("non légendée")

    def _load_reply_pictures(self, case_id: str, conversation: list[Message], joined: dict[str, CaseImage]) -> None:
        """The thumbnails of each reply's images, side by side, read and decoded on a worker, then shown on
        its line of the conversation (once: kept for the case's next refreshes)."""
        wanted = [
            (message.id, [joined[i].thumb_blob for i in message.image_ids if i in joined])
            for message in conversation
            if message.id not in self._reply_pictures and any(i in joined for i in message.image_ids)
        ]
        if not wanted:
            return
        objects = self.store.objects  # files and the data key only: safe from a worker thread
        for message_id, _blobs in wanted:
            self._reply_pictures[message_id] = QIcon()  # asked: not asked again at the next refresh

        def read(blob: str | None) -> bytes | None:
            try:
                return objects.get(blob) if blob else None
            except TeleavisError:
                return None

        def decode() -> list[tuple[str, QImage]]:
            made = []
            for message_id, blobs in wanted:
                pictures = [p for p in (decode_thumbnail(read(blob)) for blob in blobs) if p is not None]
                made.append((message_id, side_by_side(pictures)))
            return made

        def shown(made: list[tuple[str, QImage]]) -> None:
            if not isValid(self):
                return
            # Found from outside: put on the row the reply had when they were asked for, a message placed
            # before it meanwhile took them (the nurse's photos against the expert's words). By its id.
            lines = [self.conversation.item(row) for row in range(self.conversation.count())]
            for message_id, picture in made:
                icon = QIcon(QPixmap.fromImage(picture)) if not picture.isNull() else QIcon()
                self._reply_pictures[message_id] = icon
                if self.case is None or self.case.id != case_id:
                    continue
                for item in lines:
                    if item.data(MESSAGE_ID) == message_id:
                        item.setIcon(icon)

        run_task(decode, shown, lambda exc: log.warning("a reply's pictures were not shown: %s", exc))

    def _reply_placed(self) -> None:
        """An image's eye or body site given: the reply's « indiquez l'œil » said at the last send goes once
        every image joined says where it was taken (it stayed until the next send, as if still missing). The
        list of the images says the eye to check as it is now. Kept with the photos a moment later, as the
        words typed are."""
        self._say_reply_images()
        self._reply_typed()
        if self._reply_unplaced and not self._reply_unplaced_words():
            self._reply_unplaced = False
            self.reply_problem.clear()

    def _reply_unplaced_words(self) -> str:
        """What sending says of the first image joined that does not say where it was taken (none: "")."""
        specialty = self.case.specialty if self.case is not None else ""
        unplaced = [f for n, i in enumerate(self._reply_images, 1) for f in image_place(specialty, i.record, n)]
        # (tr_in, not tr: the translation tool would take the key for a window string)
        return M.CATALOGUE.tr_in("reply.unplaced", language(), what=unplaced[0].message) if unplaced else ""

    def _send_reply(self) -> None:
        from sync.follow import queue_reply

        if self.case is None:
            return
        if self._training_platform_gone(self.case.id):
            # The settings changed since the page was drawn (found by a nurse's pass: `config set platform.url`
            # in another process, then the reply to a training case queued for a platform it cannot reach, and
            # said leaving beside « ne peut pas partir »). Nothing queued: the page, drawn again, says why.
            self.reply_problem.clear()
            self.refresh()
            return
        text = self.reply.toPlainText().strip()
        self.reply_saved.clear()
        if not text:
            self.reply_problem.setText(self.tr("Écrivez votre réponse avant de l'envoyer."))
            return
        if self._reply_preparing.get(self.case.id):
            self.reply_problem.setText(
                self.tr(
                    "Une photo jointe est encore en préparation : rien n'est parti. "
                    "Attendez qu'elle apparaisse sous le texte, puis envoyez la réponse."
                )
            )
            return
        if (
            not self._reply_other_patients_confirmed()
            or not self._reply_eye_sides_confirmed()
            or not self._reply_earlier_confirmed()
        ):
            return
        try:
            again = [image_id for image_id, _name in self._reply_again.get(self.case.id, [])]
            queue_reply(self.store, self.case.id, text, self._reply_images, again)
        except AlreadyStored as exc:  # stored elsewhere since it was joined (another window, an import)
            where = (
                self.tr("dans ce dossier")
                if exc.same_case
                else self.tr("dans le dossier {case} d'un autre patient").format(case=exc.case_id[:8])
            )
            self.reply_problem.setText(
                self.tr(
                    "Une image jointe est déjà {where} : rien n'est parti. Retirez les images et joignez les bonnes."
                ).format(where=where)
            )
            return
        except TeleavisError as exc:
            self.reply_problem.setText(exc.message)
            self._reply_unplaced = exc.message == self._reply_unplaced_words()
            return
        self.reply.clear()
        self._keep_draft(self.case.id, "")  # sent: the draft kept goes
        # (their names stay: should the platform refuse the reply, its photos come back to the box named)
        self._reply_images = []
        # (its photos are the case's now, and no longer the draft's: Store.add_images, in one transaction)
        self._kept_photos.pop(self.case.id, None)
        self._unkept.pop(self.case.id, None)
        self.keep_photos_again.setVisible(False)
        self._reply_again.pop(self.case.id, None)
        self._too_large.pop(self.case.id, None)  # (said of the reply refused: app/reply_drafts.queued)
        self._show_reply_images()
        self.reply_problem.clear()
        self.reply_saved.setText(
            self.tr("Votre réponse à l'expert est enregistrée : elle part avec la prochaine synchronisation.")
        )
        self.reply_queued.emit(self.case.id)
        self.refresh()
