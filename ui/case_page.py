"""One case on screen: the editor, the capture panel and the checklist while it is the requester's
to edit; the follow view once it has left."""

from __future__ import annotations

import copy
import dataclasses
import itertools
import logging
import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import messages as M
from app.answers import state_words
from app.errors import CaseChanged, InvalidTransition, TeleavisError
from app.findings import Finding
from app.model import CHECKS_VERSION, EDITABLE_STATES, Case, CaseState
from app.outbox import CHECKLIST_REFUSED, STOPPED_HERE, Outbox
from app.store import PLATFORM, Store
from app.validation import EARLIER_PHOTO, EYE_SIDE, IMAGE_ELSEWHERE, NAMES_ONLY, OTHER_PATIENT
from ui.case_editor import CaseEditor
from ui.checklist import ChecklistPanel
from ui.elided_label import ElidedLabel
from ui.eye_side_question import send_despite_eye_sides
from ui.fields import window_dates
from ui.follow_view import FollowView
from ui.other_patient_question import (
    send_despite_earlier_photos,
    send_despite_other_patient,
    send_despite_photos_elsewhere,
)
from ui.tasks import on_own_connection, run_note, run_write, wait_writes
from ui.widgets import announce, named, see_through
from ui.worklist import training_words

if TYPE_CHECKING:
    from ui.capture_panel import CapturePanel
    from ui.kept_typing import KeptTyping

log = logging.getLogger(__name__)

#: The least room the capture panel is laid out in before it scrolls: less than a maximised 1366 × 768
#: window gives it at 100 % (which lays it out as it always was), more than 125 % or 150 % leave it.
PANEL_ROOM = QSize(620, 520)


def focus_chain(root: QWidget) -> list[QWidget]:
    """``root``'s descendants that Tab reaches, in the window's focus chain order."""
    found: list[QWidget] = []
    widget = root.nextInFocusChain()
    while widget is not None and widget is not root:
        if root.isAncestorOf(widget) and widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value:
            found.append(widget)
        widget = widget.nextInFocusChain()
    return found


class CaptureSlot(QWidget):
    """Holds the capture panel, built the first time a case is edited: OpenCV, numpy and the image
    pipeline load then, not when the window starts."""

    images_changed = Signal()
    thumbnails_shown = Signal()  # every tile of the case shows its thumbnail (or says it has none)
    labels_save_failed = Signal(str)  # a photo's labels not saved (a full disk): the words
    labels_saved = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.panel: CapturePanel | None = None
        self._beside = QSize()  # the panel's least size with its labels beside its camera
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> CapturePanel:
        if self.panel is None:
            from ui.capture_panel import CapturePanel

            self.panel = CapturePanel(self.store)
            # Where the window is smaller than the panel's camera view, tiles and image actions (1366 × 768
            # at 125 or 150 %), the panel keeps the room they need and scrolls; squeezed, they were cut.
            self.panel.setMinimumSize(PANEL_ROOM)
            self.scroll_area = QScrollArea()
            self.scroll_area.setWidgetResizable(True)
            self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
            self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from the editor to the panel's camera
            self.scroll_area.setWidget(self.panel)
            see_through(self.scroll_area)
            self._layout.addWidget(self.scroll_area)
            self._arrange()
            self.panel.images_changed.connect(self.images_changed)
            self.panel.labels_save_failed.connect(self.labels_save_failed)
            self.panel.labels_saved.connect(self.labels_saved)
            self.panel.strip.thumbnails_shown.connect(self.thumbnails_shown)
        return self.panel

    def minimumSizeHint(self) -> QSize:
        """What the panel asks for (the splitter gives it the room it gave it before it scrolled), but never
        the room the editor's fields and the checklist need at their least: the panel scrolls, they would
        be cut."""
        if self.panel is None:
            return super().minimumSizeHint()
        # Stacked, what it asks for beside: else the splitter gives the room to the editor, and the panel
        # stays stacked where it was laid out beside before (1280 × 720 at 100 %).
        want = self._beside if self.panel.stacked else self.panel.minimumSizeHint()
        split = self.parentWidget()
        if not isinstance(split, QSplitter):
            return want
        others = [w for w in (split.widget(i) for i in range(split.count())) if w is not None and w is not self]
        taken = sum(max(int(w.minimumWidth()), int(w.minimumSizeHint().width())) for w in others)
        left = split.width() - taken - split.handleWidth() * len(others)
        least = super().minimumSizeHint().width()
        return QSize(max(least, min(want.width(), left)), want.height())

    def set_case(self, case: Case) -> None:
        panel = self.ensure()
        shown = panel.case()
        panel.set_case(case)
        # Its images whose verdict is of older checks: checked again by these (a sent case keeps the verdict its
        # expert saw).
        if case.state in EDITABLE_STATES and any(image.checks < CHECKS_VERSION for image in case.images):
            panel.check_again_when_shown()
        if shown is None or shown.id != case.id:
            # Another case opens at its top, its camera in sight: the last one's scroll carried over.
            for bar in (
                self.scroll_area.horizontalScrollBar(),
                self.scroll_area.verticalScrollBar(),
                panel.right_column.verticalScrollBar(),
            ):
                bar.setValue(0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        """The panel's labels beside its camera where the slot has the room it was laid out in, under it
        where it has not: it then fits the slot's width and scrolls only downwards, never sideways (at
        1280 × 720 and 125 % the slot has some 370 px)."""
        panel = self.panel
        if panel is None:
            return
        scrolls_down = self.height() < PANEL_ROOM.height()  # beside, it would scroll down: a bar's width less
        room = self.width() - (self.scroll_area.verticalScrollBar().sizeHint().width() if scrolls_down else 0)
        stacked = room < PANEL_ROOM.width()
        if stacked == panel.stacked:
            return
        if stacked:
            self._beside = panel.minimumSizeHint()
        panel.set_stacked(stacked)
        # Stacked, its least size is its layout's (the camera's width; its lines' whole height).
        panel.setMinimumSize(QSize(0, 0) if stacked else PANEL_ROOM)
        self.updateGeometry()

    def loading(self) -> bool:
        """Whether the case's thumbnails are still being read and decoded by a worker."""
        return self.panel is not None and self.panel.strip.loading()

    def capture_still(self) -> None:
        if self.panel is not None:
            self.panel.capture_still()

    def specialty_changed(self, _specialty: str) -> None:
        """The panel follows in the next turn of the event loop, once the editor's new fields are drawn:
        both at once stalled the preview more than two frames."""
        if self.panel is not None:
            QTimer.singleShot(0, self, self._follow_specialty)

    def _follow_specialty(self) -> None:
        if self.panel is not None:
            self.panel.specialty_changed()

    def focus_item(self, field: str) -> None:
        """Give the keyboard to where an image item is fixed (F6, the checklist)."""
        self.ensure().focus_item(field)

    def refresh_views(self) -> None:
        if self.panel is not None:
            self.panel.refresh_views()

    def follow_identity(self) -> None:
        """The case's identity changed: the tiles compare their device's patient with it again."""
        if self.panel is not None:
            self.panel.follow_identity()

    def held_elsewhere(self, image_ids: set[str]) -> None:
        """The images the checklist says are also in another patient's case: the labels offer to confirm."""
        if self.panel is not None:
            self.panel.labels.set_held_elsewhere(image_ids)

    def stop_camera(self) -> None:
        if self.panel is not None:
            self.panel.stop_camera()

    def checks_pending(self, case_id: str) -> bool:
        """Whether ``case_id``'s images are being checked again (their verdicts may still change)."""
        return self.panel is not None and self.panel.checks_pending(case_id)

    def check_again_if_failed(self, case_id: str) -> bool:
        """Whether ``case_id``'s images are checked again now, their last checks having failed."""
        return self.panel is not None and self.panel.check_again_if_failed(case_id)


class CasePage(QWidget):
    queued = Signal(str)
    send_refused = Signal(str)  # a case's queueing refused once another case was open (its id)
    left_case_problem = Signal(str)  # what went wrong for a case left (the window's status bar says it)
    told = Signal(str)  # what the window says in a message box (held under the lock)
    #: What she typed in a case that moved out of her hands, in its box (ui/kept_typing.py): the window shows it
    #: (held under the lock, as ``told``).
    typing_kept = Signal(object)
    closed = Signal()
    export_pdf = Signal(str)
    delete_asked = Signal(str)  # « Supprimer le brouillon… » on a draft never sent (the window asks first)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.case: Case | None = None
        #: The platform cannot be reached (ui/sync_service.py): a case to send is said waiting.
        self.offline = False
        #: Why a case's queueing was refused while another case was open: said when it is opened again.
        self._send_refused: dict[str, str] = {}
        #: The last box of words she typed in a case that moved before they were saved (ui/kept_typing.py).
        self.kept_typing: KeptTyping | None = None
        self.findings: list[Finding] = []
        #: The case opened whose audit line waits for its thumbnails to be shown (see ``_note_view``).
        self._view_to_note: str | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        # One line that holds still: wrapped, the title took a second line as she typed a used name, and the whole
        # form jumped down under her fingers (found from outside at 1280 × 760). What does not fit ends with « … »,
        # whole in its tooltip (and read whole by a screen reader).
        self.header = named(ElidedLabel(1), "caseHeader")
        top.addWidget(self.header, 1)
        # Whether the case is saved, on the header's line: on a line of its own it took the room the
        # selected photo's findings lacked at 1366 × 768 in training mode (they scrolled, cut).
        self.saved_state = QLabel()
        self.saved_state.setToolTip(self.tr("Chaque modification est enregistrée automatiquement."))
        top.addWidget(self.saved_state, 0, Qt.AlignmentFlag.AlignVCenter)
        self._top = top
        # A draft never sent (made by mistake, a duplicate) can go: shown only then (app/deletion.py).
        self.delete_draft = QPushButton(self.tr("Supprimer le brouillon…"))
        self.delete_draft.setToolTip(
            self.tr("Supprime ce brouillon jamais envoyé et ses photos de ce poste (une question est posée d'abord)")
        )
        self.delete_draft.setAutoDefault(False)
        self.delete_draft.clicked.connect(self._delete_asked)
        self.delete_draft.hide()
        top.addWidget(self.delete_draft, 0, Qt.AlignmentFlag.AlignTop)
        # Always in view, above the editor or the follow view: after sending, the way back is a button.
        self.back = QPushButton(self.tr("← Liste des dossiers"))
        self.back.setToolTip(self.tr("Retour à la liste des dossiers (Alt+←)"))
        self.back.setAutoDefault(False)
        self.back.clicked.connect(self._back_clicked)
        #: Since when « Nouveau dossier » was asked for: « ← Liste des dossiers » stands where it stood in the
        #: list, and a double click on it made a draft and came straight back (``_back_clicked``).
        self._new_case_asked = QElapsedTimer()
        top.addWidget(self.back, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        # A training case says so in every mode, above the editor and the follow view (found from outside:
        # once a real platform was set, the simulated expert's answer read like a real one).
        self.training_mark = named(QLabel(), "trainingCase")
        self.training_mark.setWordWrap(True)
        self.training_mark.hide()
        layout.addWidget(self.training_mark)
        self.attention = named(QLabel(), "attentionBanner")
        self.attention.setWordWrap(True)
        self.attention.setTextFormat(Qt.TextFormat.PlainText)  # the platform's words, never read as HTML
        self.attention.hide()
        layout.addWidget(self.attention)
        # A photo refused as too large (413): the way out, where the refusal is read.
        self.send_reduced = QPushButton(self.tr("Envoyer des copies réduites"))
        self.send_reduced.setToolTip(
            self.tr(
                "Les photos pas encore parties sont envoyées en copies réduites (côté le plus long 3000 px, "
                "JPEG qualité 90) ; l'expert voit qu'il s'agit de copies, les originaux restent sur ce poste."
            )
        )
        self.send_reduced.setAutoDefault(False)
        self.send_reduced.clicked.connect(lambda: self.send(reduced=True))
        self.send_reduced.hide()
        layout.addWidget(self.send_reduced, 0, Qt.AlignmentFlag.AlignLeft)

        self.views = QStackedWidget()
        layout.addWidget(self.views, 1)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.editor = CaseEditor(store)
        self.split.addWidget(self.editor)
        self.capture = CaptureSlot(store, self)
        self.split.addWidget(self.capture)
        self.checklist = ChecklistPanel()
        self.split.addWidget(self.checklist)
        self.split.setStretchFactor(0, 5)
        self.split.setStretchFactor(1, 4)
        self.split.setStretchFactor(2, 3)
        self.split.setChildrenCollapsible(False)
        self.checklist.setMinimumWidth(240)
        self.split.setSizes([470, 620, 260])
        self.views.addWidget(self.split)
        self.follow = FollowView(store)
        self.follow.export_pdf.connect(self.export_pdf)
        self.follow.taken_back.connect(self._taken_back)
        self.views.addWidget(self.follow)
        # A case that has just left, shown while its answer is already there: the answer is seen now.
        self.views.currentChanged.connect(lambda _index: self.follow.note_seen())

        self.editor.changed.connect(self.revalidate)
        self.editor.changed.connect(self.capture.refresh_views)
        self.editor.changed.connect(lambda: self._say_saved(self.tr("Modification en cours…")))
        self.editor.saved.connect(self._saved)
        self.editor.save_failed.connect(self._save_failed)
        self.editor.other_save_failed.connect(self.left_case_problem)
        self.editor.changed_elsewhere.connect(self._changed_elsewhere)
        self.editor.consent_changed.connect(self.capture.setEnabled)
        self.editor.specialty_changed.connect(self.capture.specialty_changed)
        self.checklist.go_to.connect(self.go_to)
        self.checklist.send_clicked.connect(self.send)
        self.capture.images_changed.connect(self._images_changed)
        self.capture.labels_save_failed.connect(self._save_failed)  # a photo's site or note: said as the case's
        self.capture.labels_saved.connect(self._labels_saved)
        # In the next turn of the loop: the tiles are painted first.
        self.capture.thumbnails_shown.connect(lambda: QTimer.singleShot(0, self, self._note_view_now))

    # -- showing a case -------------------------------------------------------------------------

    def new_case_asked(self, *, clicked: bool) -> bool:
        """« Nouveau dossier » was clicked (``clicked``) or Ctrl+N pressed: the draft's page comes under the
        pointer. False when it is the second half of a double click (no second draft: the page was not there
        yet, the second click landed on « Nouveau dossier » again and made another « (patient sans nom) »).
        A key press is never half of a double click: Ctrl+N pressed again soon after is a new case."""
        if not clicked:
            self._new_case_asked.invalidate()
            return True
        if self._double_click_half():
            return False
        self._new_case_asked.start()
        return True

    def _double_click_half(self) -> bool:
        return self._new_case_asked.isValid() and self._new_case_asked.elapsed() < QApplication.doubleClickInterval()

    def _back_clicked(self) -> None:
        """Back to the list, unless the click is the second of a double click on « Nouveau dossier »: meant for
        that button, it landed on this one, which stands in its place, and left a new empty draft behind
        without the nurse ever seeing the draft's page."""
        if self._double_click_half():
            return
        self.closed.emit()

    def open(self, case_id: str, *, audit: bool = True) -> None:
        """Show the case; ``audit`` records that the user opened it (not when the engine moves it)."""
        self.editor.flush()
        self._note_view_now()  # the case opened before, left before its thumbnails were shown
        wait_writes()  # a save of this very case may be on its way: read what it wrote
        case = self.store.get_case(case_id)
        editable = case.state in EDITABLE_STATES
        first_time = self.capture.panel is None
        if editable:
            # Read on a worker while this thread writes the page: back before its first paint.
            self.capture.ensure().prefetch(case)
        if audit:
            self._note_view(case_id)
        self.case = case
        self._header()
        self._mark_training()
        if editable:
            info = self.store.platform_info(case.id)
            refused = case.state == CaseState.NEEDS_ATTENTION
            row = Outbox(self.store).row(case.id) if refused else None
            self.send_reduced.setVisible(row is not None and row.offers_reduced)
            self.attention.setVisible(refused and bool(info["last_error"]))
            # No platform refused it (set aside at the end of training mode, stopped here by this release's
            # checklist at its sending, or for a cause found on this computer: an image file missing or damaged,
            # a file altered outside Teleavis): its words say why, not « La plateforme a refusé le dossier ».
            if refused and (self._set_aside_in_training(case.id) or self._stopped_here(case.id)):
                words = info["last_error"] or ""
                self.attention.setText(words[:1].upper() + words[1:])
            else:
                self.attention.setText(
                    self.tr(
                        "La plateforme a refusé le dossier : {words} Corrigez-le puis envoyez-le à nouveau."
                    ).format(words=info["last_error"] or "")
                )
            self.editor.set_case(case)
            self.capture.set_case(case)
            if first_time:
                self._order_tabs()
            self.views.setCurrentWidget(self.split)
            self._offer_deletion()
            # Found by a nurse's day at 1280 px: the long sentence pushed the case's title onto two lines.
            self._say_saved(self.tr("Enregistré automatiquement."))
            self.saved_state.show()
            self.checklist.message.hide()
            self.revalidate()
            not_sent = self._send_refused.pop(case.id, None)
            if not_sent is not None:
                self.checklist.blocked(not_sent)
        else:
            self.editor.undo_stack.clear()  # the edits of the case edited before: not undone from here
            self.attention.hide()
            self.send_reduced.hide()
            self.saved_state.hide()
            self.delete_draft.hide()
            self.follow.set_case(case, by_person=audit)  # (moved by the engine: not opened by a person)
            self.views.setCurrentWidget(self.follow)

    def _note_view(self, case_id: str) -> None:
        """Record that the user opened ``case_id`` (its audit line, on the writer thread; the lines of the
        cases opened before are not waited for: nothing reads them here). While its thumbnails are being
        decoded, the line waits for them to be shown, or for the page to be left: written meanwhile, it
        took Python's lock from the worker decoding them and from this thread (a quarter of the time the
        user waits for the case: tests/bench/test_wait_bench.py)."""
        self._view_to_note = case_id
        if not self.capture.loading():
            self._note_view_now()

    def _note_view_now(self) -> None:
        case_id, self._view_to_note = self._view_to_note, None
        if case_id is not None:
            run_note(on_own_connection(self.store, lambda own: own.record_view(case_id)))

    def deletable(self) -> bool:
        """Whether the case shown is a draft never sent, which may be deleted (read now)."""
        from app.deletion import deletable

        if self.case is None or not self.editing():
            return False
        try:
            return deletable(self.store.conn, self.case.id)
        except TeleavisError:
            return False

    def _offer_deletion(self) -> None:
        self.delete_draft.setVisible(self.deletable())

    def _delete_asked(self) -> None:
        if self.case is not None:
            self.delete_asked.emit(self.case.id)

    def forget(self, case_id: str) -> None:
        """``case_id`` is being deleted: nothing of it is saved again nor shown (its edits were saved
        before the question was asked)."""
        self._note_view_now()  # its audit line first, as when the case was opened
        if self.case is None or self.case.id != case_id:
            return
        self.editor.forget(case_id)
        if self.capture.panel is not None:
            self.capture.panel.set_case(None)
        self.case = None
        self.delete_draft.hide()

    def _taken_back(self, case_id: str) -> None:
        """A queued case held back: it opens in the editor, if it is still the one shown."""
        if self.case is not None and self.case.id == case_id:
            self.open(case_id, audit=False)
            self._say_saved(self.tr("Dossier retenu : il n'est pas parti. Corrigez-le, puis envoyez-le."))

    def _order_tabs(self) -> None:
        """Tab goes down the editor, then through the capture panel (made on first use, so last in Qt's
        chain), then to the checklist and its "Envoyer"."""
        editor, panel, checklist = focus_chain(self.editor), focus_chain(self.capture), focus_chain(self.checklist)
        if not (editor and panel and checklist):
            return
        chain = [editor[-1], *panel, checklist[0]]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def editing(self) -> bool:
        return self.case is not None and self.views.currentWidget() is self.split

    def _mark_training(self) -> None:
        """The training case's line: a fictitious patient, and once sent, a simulated answer."""
        case = self.case
        # Made in training mode, for good: held back after it was queued for the real platform, it is still
        # one (found from outside: the mark went, and sent again it left for a real expert, nothing asked).
        training = case is not None and self.store.made_in_training(case.id)
        to_platform = case is not None and self.store.destination(case.id) == PLATFORM
        self.training_mark.setText(
            training_words(case.state.value, to_platform=to_platform) if case is not None and training else ""
        )
        self.training_mark.setVisible(training)

    def _header(self) -> None:
        case = self.case
        if case is None:
            return
        name = case.patient.shown_name() or self.tr("Nouveau patient")
        text = self.tr("{name} — {specialty} — dossier {id} — {state}").format(
            name=name,
            specialty=M.specialty_name(case.specialty),
            id=case.id[:8],
            # An answered case as its answer stands: not « réponse reçue » for one withdrawn.
            state=state_words(case.state.value, self.store.answer(case.id))
            if case.state == CaseState.ANSWERED
            else M.state_name(case.state, offline=self.offline),
        )
        # Where the line is too narrow (a long used name at 1280–1366 px), the given names give way first, then
        # the rest of the name: the birth name, the used name, the case's code and its state stay in view (the
        # guides tell her to read the code there; the follow view shows the identity nowhere else); the whole
        # line in the tooltip and to a screen reader.
        start = text.find(name)
        cuts: tuple[tuple[int, int], ...] = ()
        if start >= 0:
            birth, given = case.patient.full_name(), ""
            family = case.patient.names_sent(with_ins=case.patient.ins_sent())[0]
            if name.startswith(birth) and birth.startswith(family + " "):
                given = birth[len(family) + 1 :]
            cuts = ((start + len(family) + 1, start + len(birth)),) if given else ()
            cuts += ((start, start + len(name)),)
        self.header.set_text(text, cuts)

    def set_offline(self, offline: bool) -> None:
        """The platform can be reached again, or no longer: a case to send is said accordingly."""
        if offline != self.offline:
            self.offline = offline
            self.follow.offline = offline
            self._header()
            if not self.editing():
                self.follow.refresh()

    def refresh_state(self, case_id: str) -> None:
        """The sync engine moved this case: show its new state."""
        if self.case is None or self.case.id != case_id:
            return
        try:
            state = self.store.state(case_id)
        except TeleavisError:
            return
        if (state in EDITABLE_STATES) != self.editing():
            self.open(case_id, audit=False)
            return
        self.case.state = state
        self._header()
        if self.editing():
            self._offer_deletion()
        self._mark_training()
        if not self.editing():
            self.follow.refresh()

    # -- checklist --------------------------------------------------------------------------------

    def revalidate(self) -> None:
        if self.case is None:
            return
        self.findings = [
            dataclasses.replace(f, message=window_dates(f.message)) for f in self.store.checklist(self.case)
        ]
        self.checklist.show_findings(self.findings)
        images = self.case.images
        self.capture.held_elsewhere(
            {
                images[int(f.field[len("images[") : -1])].id
                for f in self.findings
                if f.code == "image.elsewhere" and int(f.field[len("images[") : -1]) < len(images)
            }
        )
        self.capture.follow_identity()
        self.checklist.show_act(self._act_words())
        self.editor.show_findings(self.findings)
        self._header()

    def _act_words(self) -> str:
        """Whether sending records a billable RQD act for this patient (app/acts.py)."""
        from app.acts import judge

        if self.case is None or not self.editing():
            return ""
        try:
            return judge(self.store, self.case).words()
        except TeleavisError:
            return ""

    def _images_changed(self) -> None:
        """The capture panel changed the case's images: it holds this same case, its images already
        as stored (read by the worker that stored them), so they are checked again, not read again."""
        if self.case is None:
            return
        self.revalidate()

    def _images_from_store(self) -> None:
        """The case's images as stored, with the labels a save refused as she typed them (written with it)."""
        if self.case is None:
            return
        panel = self.capture.panel
        typed = {image.id: image for image in (panel.unsaved_labels() if panel is not None else [])}
        images = list(self.store.images(self.case.id))
        for image in images:
            if image.id in typed:
                mine = typed[image.id]
                image.body_site, image.eye, image.view, image.note, image.owner_checked = (
                    mine.body_site,
                    mine.eye,
                    mine.view,
                    mine.note,
                    mine.owner_checked,
                )
        self.case.images = images
        self.revalidate()

    def go_to(self, field: str) -> None:
        if field.startswith("images"):
            self.capture.focus_item(field)
            return
        if field.startswith("site"):
            self.checklist.blocked(self.tr("Le site se règle dans Réglages (Ctrl+,)."))
            return
        self.editor.focus_field(field)

    def next_missing(self) -> None:
        field = self.checklist.next_field()
        if field:
            self.go_to(field)

    def _saved(self) -> None:
        panel = self.capture.panel
        if panel is not None and panel.labels_unsaved():
            return  # a photo's labels still refused: « Non enregistré » stays said until they are written
        self._say_saved(self.tr("Enregistré."))

    def _labels_saved(self) -> None:
        if not self.editor.pending():  # (the case's own fields, being typed or refused: said by the editor)
            self._saved()

    def _save_failed(self, words: str) -> None:
        self._say_saved(self.tr("Non enregistré : {words}").format(words=words), failed=True)

    def _say_saved(self, text: str, *, failed: bool = False) -> None:
        """Whether the case is saved, beside its title. A refusal (« Non enregistré : Le disque est plein … »)
        wraps and shares the line with the title: on one line it squeezed the title to a column and was cut
        at the window's edge, what to do lost (found under Xvfb at 1280 × 720)."""
        self.saved_state.setText(text)
        self.saved_state.setWordWrap(failed)
        self._top.setStretchFactor(self.saved_state, 1 if failed else 0)

    def _changed_elsewhere(self, case_id: str, how: str, typed: Case | None = None) -> None:
        """A save of ``case_id`` was refused: it is no longer editable (``how`` ``sent``: a ``case send``, or the
        poll found it recorded on the platform) or was saved by another window (``changed``) since this one read
        it. Shown again as it is stored, and said; what she typed (``typed``, her copy) that the case does not
        hold is kept and shown to her with what she can do with it (:meth:`_keep_typing`)."""
        read = self.editor.as_read(case_id)  # (before the case is read again below)
        if self.case is None or self.case.id != case_id:
            if typed is not None and self._keep_typing(case_id, how, typed, read, shown=False):
                return
            self.left_case_problem.emit(
                self.tr(
                    "Les dernières modifications du dossier {id} n'ont pas été enregistrées : il a été modifié "
                    "ailleurs entre-temps. Rouvrez-le pour le vérifier."
                ).format(id=case_id[:8])
            )
            return
        self.open(case_id, audit=False)
        if typed is not None and self._keep_typing(case_id, how, typed, read, shown=True):
            return
        if how == "sent" and not self.editing() and self.case.state not in (CaseState.QUEUED, CaseState.SENDING):
            # Not a command: the platform holds it (the poll found a refused case recorded all the same).
            self.told.emit(
                self.tr(
                    "La plateforme avait bien enregistré ce dossier : il est maintenant « {state} » et ne se "
                    "modifie plus ici."
                ).format(state=state_words(self.case.state.value, None))
            )
        elif how == "sent":
            self.told.emit(
                self.tr(
                    "Ce dossier a été envoyé d'ailleurs (une commande « teleavis case send ») pendant que vous le "
                    "complétiez : il est affiché tel qu'il est parti, sans vos dernières saisies. Pour le "
                    "corriger, retenez-le avant qu'il ne parte (« Retenir le dossier »), puis refaites-les."
                )
            )
        else:
            self.told.emit(
                self.tr(
                    "Ce dossier a été modifié ailleurs (une autre fenêtre de Teleavis ou une commande) pendant "
                    "que vous le complétiez : il est affiché tel qu'il est enregistré, sans vos dernières "
                    "saisies. Vérifiez-le et refaites-les s'il le faut."
                )
            )

    def _keep_typing(self, case_id: str, how: str, typed: Case, read: Case | None, *, shown: bool) -> bool:
        """Her words of ``typed`` (changed since ``read``) that the stored case does not hold, in a box with why
        and what she can do with them (ui/kept_typing.py); False when there are none (nothing of hers was lost).
        ``shown``: the case is on screen (else named by its id: another case is open)."""
        from ui.kept_typing import KeptTyping

        try:
            stored = self.store.get_case(case_id)
        except TeleavisError:
            return False
        words = self.editor.typed_words(typed, stored, read)
        if not words.strip():
            return False
        state = stored.state
        followed = state not in EDITABLE_STATES and state not in (CaseState.QUEUED, CaseState.SENDING)
        if how == "changed" or state in EDITABLE_STATES:
            why = self.tr(
                "Ce dossier a été modifié ailleurs (une autre fenêtre de Teleavis ou une commande) pendant que vous "
                "le complétiez : il est affiché tel qu'il est enregistré. Ce que vous aviez tapé et qui n'a pas pu y "
                "être enregistré est ci-dessous : recopiez-en dans le dossier ce qu'il faut."
            )
        elif not followed:
            why = self.tr(
                "Ce dossier a été envoyé d'ailleurs (une commande « teleavis case send ») pendant que vous le "
                "complétiez : il est affiché tel qu'il est parti, sans vos dernières saisies, qui sont ci-dessous. "
                "Pour le corriger, retenez-le avant qu'il ne parte (« Retenir le dossier »), puis recopiez-les."
            )
        else:
            why = self.tr(
                "La plateforme avait bien enregistré ce dossier pendant que vous le corrigiez : il est maintenant "
                "« {state} » et ne se modifie plus ici. Ce que vous veniez d'y taper n'est pas "
                "parti ; le voici. Copiez-le, ou gardez-le pour votre réponse à l'expert : elle ne part que si vous "
                "l'envoyez, quand l'expert vous pose une question. Si c'est important pour l'avis, voyez avec la "
                "plateforme."
            ).format(state=state_words(state.value, None))
        if not shown:
            why = self.tr("Dossier {id} : {why}").format(id=case_id[:8], why=why)
        reply = followed and state not in (
            CaseState.ANSWERED,
            CaseState.ARCHIVED,
            CaseState.CANCELLED,
            CaseState.REJECTED,
        )
        box = KeptTyping(case_id, why, words, reply=reply, parent=self)
        box.for_the_reply.connect(self.follow.keep_for_reply)
        self.kept_typing = box
        log.info("case %s: typing not saved kept and shown (%s)", case_id, how)
        self.typing_kept.emit(box)
        return True

    # -- sending --------------------------------------------------------------------------------

    def _set_aside_in_training(self, case_id: str) -> bool:
        """Whether the case was made or queued in training mode, and a real platform is set now (queued,
        it was set aside when the real platform was set; a draft was never queued)."""
        return self.store.prepared_in_training(case_id)

    def _stopped_here(self, case_id: str) -> bool:
        """Whether the case came back to the nurse from its sending for a cause found on this computer, not a
        platform's answer: this release's checklist refuses it (``app.outbox.CHECKLIST_REFUSED``), or one of its
        files cannot be read or was altered here, or it does not map (``STOPPED_HERE``); its last state's detail."""
        states = [event for event in self.store.history(case_id) if event["kind"] == "state"]
        return bool(states) and states[-1]["detail"] in (CHECKLIST_REFUSED, STOPPED_HERE)

    def send(self, *, reduced: bool = False) -> bool:
        """Validate and queue; returns False (and says why) when the checklist blocks it.

        ``reduced``: its photos go as reduced copies (chosen before it is queued, so none leaves whole)."""
        if self.case is None or not self.editing():
            return False
        panel = self.capture.panel
        if panel is not None:
            panel.labels.save_typed()  # (a site being typed, its pause not over: saved before the case goes)
        self.editor.flush()
        if self.capture.checks_pending(self.case.id) or self.capture.check_again_if_failed(self.case.id):
            # Its images' verdicts of older checks, or of the specialty before, are being made again: sent now,
            # one today's checks find unusable would leave as « good ». Their tiles say them in a moment.
            self.checklist.blocked(
                self.tr("Les images sont en cours de vérification : envoyez le dossier dans un instant.")
            )
            return False
        self._images_from_store()
        blocking = [f for f in self.findings if f.blocks_sending()]
        if blocking:
            self.checklist.refused_for_list()
            self.go_to(blocking[0].field)
            return False
        if not (
            self._other_patients_confirmed()
            and self._elsewhere_confirmed()
            and self._eye_sides_confirmed()
            and self._earlier_confirmed()
        ):
            return False
        if self._set_aside_in_training(self.case.id) and not self._real_patient_confirmed():
            return False
        if self.store.kept_for_real_platform(self.case.id) and not self._waiting_confirmed():
            return False
        case_id, store = self.case.id, self.store
        content = copy.deepcopy(self.case)
        # A photo's labels a full disk refused, still on its tile (its next try not come yet): written with the
        # case, or it left with the labels stored before while the window showed hers (found in review).
        labels = panel.unsaved_labels() if panel is not None else []

        def queue(own: Store) -> None:
            # After the autosaves asked before it (one writer, in order); the content as checked here
            # is saved again first, so a refused autosave cannot send an older version.
            for image in labels:
                own.update_image_labels(case_id, image)
            self.editor.write_content(own, content)
            own.queue(case_id, reduced=reduced)

        def queued(_none: None) -> None:
            if panel is not None:
                panel.labels_written(case_id, [image.id for image in labels])
            if self.case is not None and self.case.id == case_id:
                self.open(case_id, audit=False)
                # The editor gives way to the case's progress: said, for who does not see the page change.
                announce(self.follow.state, self.follow.state.text())
            self.queued.emit(case_id)

        def failed(exc: BaseException) -> None:
            words = (
                exc.message
                if isinstance(exc, TeleavisError)
                else self.tr("Le dossier n'a pas pu partir (erreur interne, voir le journal).")
            )
            if isinstance(exc, CaseChanged | InvalidTransition):
                self._changed_elsewhere(case_id, "sent" if isinstance(exc, InvalidTransition) else "changed", content)
                return
            if self.case is not None and self.case.id == case_id:
                self.checklist.blocked(words)
                return
            # Another case is open now: said on its checklist, it would be read as that case's refusal.
            # Kept for when this one is opened again; the window says which case did not leave.
            self._send_refused[case_id] = words
            self.send_refused.emit(case_id)

        self.checklist.blocked(self.tr("Envoi demandé…"), urgent=False)
        run_write(on_own_connection(store, queue), queued, failed)
        return True

    def _doubted(self, code: str, part: str) -> list[int]:
        """The indices of the case's images the checklist doubts under ``code``, on their field ``part``."""
        assert self.case is not None
        pattern = rf"images\[(\d+)\]\.{part}"
        doubted = [
            int(match.group(1)) for f in self.findings if f.code == code and (match := re.fullmatch(pattern, f.field))
        ]
        return [index for index in doubted if index < len(self.case.images)]

    def _other_patients_confirmed(self) -> bool:
        """Asked when the checklist says an image was recorded by its device for another patient (found
        from outside: said « à vérifier », it left in one click). « Vérifier les images » (the default)
        goes to the first such image, its « Supprimer » button at hand."""
        assert self.case is not None
        images = self.case.images
        # (and one whose device wrote her names only, no birth date nor INS: never a match, RNIV)
        doubted = sorted({*self._doubted(OTHER_PATIENT, "patient"), *self._doubted(NAMES_ONLY, "patient")})
        if not doubted:
            return True
        if send_despite_other_patient(self, self.case.patient, [(str(index + 1), images[index]) for index in doubted]):
            return True
        self.go_to(f"images[{doubted[0]}].patient")
        return False

    def _elsewhere_confirmed(self) -> bool:
        """Asked when the checklist says a photo is also in another patient's case (a case file brought it:
        the window refuses it at its import). « Vérifier les images » (the default) goes to the first such
        photo, its « Supprimer » button at hand, « C'est bien ce patient » beside it."""
        assert self.case is not None
        said = [f for f in self.findings if f.code == IMAGE_ELSEWHERE]
        doubted = [int(m.group(1)) for f in said if (m := re.fullmatch(r"images\[(\d+)\]", f.field))]
        if not said or send_despite_photos_elsewhere(self, [f.message for f in said]):
            return True
        if doubted:
            self.go_to(f"images[{doubted[0]}].patient")
        return False

    def _eye_sides_confirmed(self) -> bool:
        """Asked when the checklist doubts the eye of a retinograph (its optic disc on the other eye's
        side): found from outside, a retinography with both eyes swapped left in one click. « Vérifier
        les images » (the default) goes to the first image's eye."""
        assert self.case is not None
        images = self.case.images
        doubted = self._doubted(EYE_SIDE, "eye")
        if not doubted:
            return True
        if send_despite_eye_sides(self, [(str(index + 1), images[index]) for index in doubted]):
            return True
        self.go_to(f"images[{doubted[0]}].eye")
        return False

    def _earlier_confirmed(self) -> bool:
        """Asked when the checklist says a photo looks taken in an earlier session (a previous patient's left
        on the camera's card). « Vérifier les images » (the default) goes to the first such photo, its
        « Supprimer » button at hand."""
        assert self.case is not None
        doubted = self._doubted(EARLIER_PHOTO, "captured_at")
        if not doubted:
            return True
        said = [f.message for f in self.findings if f.code == EARLIER_PHOTO]
        if send_despite_earlier_photos(self, said):
            return True
        self.go_to(f"images[{doubted[0]}].captured_at")
        return False

    def _real_patient_confirmed(self) -> bool:
        """Asked before a case prepared in training mode leaves for the real platform (found from outside:
        one click sent the fictitious patient to a real expert, the act billable)."""
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self,
            self.tr("Dossier préparé en mode formation"),
            self.tr(
                "Ce dossier a été préparé en mode formation. Il partira cette fois vers la plateforme réelle, "
                "chez un vrai expert, et l'acte sera facturable.\n\nEst-ce bien un vrai patient, avec sa "
                "vraie identité et son consentement ?"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _waiting_confirmed(self) -> bool:
        """Asked before a case made for the real platform is queued in training mode: it never goes to the
        training platform (its expert is simulated), it waits for the end of training mode (found from
        outside: it went to the training expert, nothing said)."""
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self,
            self.tr("Dossier préparé pour la plateforme réelle"),
            self.tr(
                "Ce dossier a été préparé hors du mode formation, pour la plateforme réelle. Il ne part pas "
                "vers la plateforme d'essai : il attendra dans la file d'envoi la fin du mode formation, puis "
                "partira vers la plateforme réelle, chez un vrai expert.\n\nLe mettre en file d'envoi ?"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def save_typed(self) -> None:
        """What is typed on the page (the case's fields, a photo's labels, a reply to the expert) asked to be
        written now; the page stays open."""
        self._save_labels()
        self.editor.flush()
        self.follow.keep_draft()

    def _save_labels(self) -> None:
        panel = self.capture.panel
        if panel is not None:
            panel.labels.save_typed()
            panel.save_unsaved_labels()  # refused before (a full disk): tried once more now

    def leave(self) -> None:
        """Before the page is left (the list, the lock, the settings): nothing typed stays unsaved."""
        self._save_labels()
        self.editor.flush()
        self._note_view_now()  # left before its thumbnails were shown: the line is written now
        self.follow.keep_draft()  # a reply to the expert begun, kept as typed so far
        self.follow.close_reply_camera()  # the window quits with it open (the session's end): the camera freed
