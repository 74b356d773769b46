"""The worklist: one table model over the store's case summaries, filters with counts, a search box.

Rows come from the clear columns (state, dates, initials); the patient's name and date of birth, which
the nurse needs to tell two patients apart, are decrypted for the rows loaded (a page), once the data
key is there. Until then, and for a case that does not decrypt, the row shows the initials."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QGuiApplication,
    QHideEvent,
    QKeySequence,
    QPalette,
    QResizeEvent,
    QShortcut,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import messages as M
from app.errors import TeleavisError
from app.i18n import language, moment_words
from app.model import EDITABLE_STATES, AnswerNews, CaseState, CaseSummary
from app.store import PROVISIONAL_EVENT, SENDABLE, Store
from ui.widgets import key_sequence, marked, named, readable, set_qt

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFont

    from app.model import Patient

# The worklist's filters: which states each shows (a grouping for the eye, not a rule of the case).
FILTERS: dict[str, tuple[str, ...]] = {
    "to-finish": ("draft", "ready"),
    "waiting": ("queued", "sending", "sent", "received", "accepted", "in-progress"),
    "answered": ("answered",),
    "attention": ("needs-attention", "on-hold", "rejected"),
    "all": (),
}
PAGE = 100  # rows fetched at a time: four screens' worth; more come as the view scrolls
NAMES_AT_ONCE = 25  # names decrypted together: about a screenful of rows
Index = QModelIndex | QPersistentModelIndex
# Qt.ItemDataRole's values (Qt's, fixed): named through ``Qt``, the start would build its whole namespace
# (see ui.widgets.set_qt); tests/ui/test_worklist.py checks them against Qt's.
DISPLAY, FONT, FOREGROUND, BACKGROUND, TOOLTIP, USER = 0, 6, 9, 8, 3, 256
_ROLES = frozenset((DISPLAY, FONT, FOREGROUND, BACKGROUND, TOOLTIP, USER))


def _filter_showing(states: set[str]) -> str:
    """The first filter under which every case in one of ``states`` is, else every case (« Tous »)."""
    showing = [k for k, shown in FILTERS.items() if shown and states <= set(shown)]
    return showing[0] if showing else "all"


def short_id(case_id: str) -> str:
    return case_id[:8]


def local_time(instant: str) -> str:
    """An ISO instant as the user reads it: local date and time, to the minute, written as in the
    user's language (as ``case show`` and the PDF write it: 02/12/2026 in French, 2026-12-02 in English,
    never a date an English reader takes for the 12th of February)."""
    return moment_words(instant, language())


class TrainingWords:
    """What a training case is (its translation context), said on its worklist row and its page, as
    ``case show`` says it: a case still to send holds a fictitious patient; one sent, a simulated answer;
    one sent to the real platform all the same (``to_platform``), a real expert's answer and a billable act."""

    @staticmethod
    def of(state: str, *, to_platform: bool = False) -> str:
        from PySide6.QtCore import QCoreApplication

        if state in {s.value for s in EDITABLE_STATES}:
            return QCoreApplication.translate(
                "TrainingWords", "Dossier préparé en mode formation : patient fictif, pour la plateforme d'essai."
            )
        if to_platform:
            return QCoreApplication.translate(
                "TrainingWords",
                "Dossier préparé en mode formation, pour la plateforme réelle (vrai expert, acte facturable) : "
                "vérifiez qu'il s'agit bien d'un vrai patient.",
            )
        return QCoreApplication.translate("TrainingWords", "Dossier de formation : patient fictif, réponse simulée.")


def training_words(state: str, *, to_platform: bool = False) -> str:
    """The words of :class:`TrainingWords` for a case in ``state``, queued or sent ``to_platform`` or not."""
    return TrainingWords.of(state, to_platform=to_platform)


class WorklistModel(QAbstractTableModel):
    """Rows of ``store.list_cases``, fetched a page at a time as the view scrolls."""

    PATIENT, SPECIALTY, PRIORITY, STATE, UPDATED, IMAGES = range(6)

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self.states: list[str] = []
        self.search = ""
        #: Training mode on: the training cases only (found from outside: a trainee at a real cart saw every
        #: real patient's case, and found any with a search). ``Worklist.refresh`` sets it.
        self.training_only = False
        self._rows: list[CaseSummary] = []
        self._more = False
        self._fetched = 0  # rows of the store's order read so far (the overdue ones above come apart)
        self._late: set[str] = set()
        #: Cases waiting because the platform answered it cannot record them yet (409/412), not a cut.
        self._held: set[str] = set()
        self._held_asked = False  # whether ``_held`` was read from the store for the rows loaded
        self._names: dict[tuple[str, str], str] = {}  # (case id, updated_at) -> "MARTIN Paul (03/02/1950)"
        self._texts: dict[int, tuple[str, ...]] = {}  # row number -> its cells' words
        #: Whether the words kept were made with the data key (names) or before it (initials): kept either
        #: way, since the view asks each cell's words several times before the first window shows (~10 ms
        #: for a page of rows), and made again once the key is there, however it came.
        self._texts_with_key = False
        #: The platform cannot be reached: a case to send is said waiting, not « envoi en cours ».
        self.offline = False
        # Colours, not brushes: a QBrush made at start builds the Python types of Qt's gradients.
        # Read against the theme's colours: on a dark or high-contrast one, the unread rows' light green
        # under the theme's white text hid every word of them (and the urgent red hardly read on black).
        palette = QGuiApplication.palette()
        base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
        self._unread = readable("#e3f2e9", text)
        self._urgent = readable(readable("#a4161a", base), self._unread)
        # The bold of unread rows, made when one is first drawn: QFont's type (its ten enumerations) is
        # not otherwise built before the first window shows (~1 ms).
        self._bold: QFont | None = None
        self._training = readable(readable("#664d03", base), self._unread)  # the training banner's colour

    # -- loading ------------------------------------------------------------------------------

    def load(self, states: list[str] | None = None, search: str | None = None, *, at_least: int = 0) -> None:
        """Read the first rows again; ``at_least`` as many as were fetched so far (the list reloaded where
        the user had scrolled to, not cut back to its first page)."""
        if states is not None:
            self.states = list(states)
        if search is not None:
            self.search = search
        limit = max(PAGE, at_least)
        rows = self._query(limit + 1)
        # Cases whose expert's answer is overdue rise to the top (issue 16.8); the pages below skip them.
        late = [] if self.search else self.store.overdue(self.states or None)
        if self.training_only:
            late = [r for r in late if r.training]
        self._late = {r.id for r in late}
        # Only a case waiting to leave can be held back by the platform: with none shown, nothing to ask.
        sendable = any(r.state in SENDABLE for r in late) or any(r.state in SENDABLE for r in rows[:limit])
        self._held = set(self.store.held_by_platform()) if sendable else set()
        self._held_asked = sendable
        self.beginResetModel()
        self._more = len(rows) > limit
        self._fetched = min(len(rows), limit)
        self._rows = late + [r for r in rows[:limit] if r.id not in self._late]
        shown = {(r.id, r.updated_at) for r in self._rows}
        self._names = {k: v for k, v in self._names.items() if k in shown}
        self._texts.clear()
        self.endResetModel()

    def set_offline(self, offline: bool) -> None:
        if offline != self.offline:
            self.offline = offline
            self._texts.clear()
            if self._rows:
                self.dataChanged.emit(self.index(0, self.STATE), self.index(len(self._rows) - 1, self.STATE))

    def names_available(self) -> None:
        """The data key has come: show the names instead of the initials."""
        self._texts.clear()
        if self._rows:
            self.dataChanged.emit(self.index(0, self.PATIENT), self.index(len(self._rows) - 1, self.PATIENT))

    def _patient(self, number: int) -> str:
        """The patient as the row shows it: name and date of birth, or the initials while they cannot be read."""
        row = self._rows[number]
        if self.store.key.loaded:
            if (row.id, row.updated_at) not in self._names:
                self._read_names(number)
            if name := self._names.get((row.id, row.updated_at)):
                return name
        return row.initials or "—"

    def _read_names(self, first: int) -> None:
        """Decrypt a screenful of names from row ``first`` on: what the view is about to draw."""
        missing = [r for r in self._rows[first : first + NAMES_AT_ONCE] if (r.id, r.updated_at) not in self._names]
        try:
            patients = self.store.patients([r.id for r in missing])
        except TeleavisError:
            patients = {}
        for row in missing:
            patient = patients.get(row.id)
            self._names[(row.id, row.updated_at)] = self._line(patient) if patient else ""

    def _line(self, patient: Patient) -> str:
        from ui.fields import iso_to_display  # here: ui.fields brings the editor's widget types

        name = patient.shown_name() or self.tr("(patient sans nom)")
        return f"{name} ({iso_to_display(patient.birth_date)})" if patient.birth_date else name

    def _query(self, limit: int) -> list[CaseSummary]:
        return self.store.list_cases(
            states=self.states or None, search=self.search or None, limit=limit, training_only=self.training_only
        )

    def fetched(self) -> int:
        """How many rows of the query are loaded (the overdue cases risen to the top aside)."""
        return self._fetched

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        if parent.isValid() or not self._more:
            return
        have, fetched = len(self._rows), self._fetched
        rows = self._query(fetched + PAGE + 1)
        page = rows[fetched : fetched + PAGE]
        self._fetched += len(page)
        self._more = len(rows) > fetched + PAGE
        new = [r for r in page if r.id not in self._late]
        if not new:
            self._more = self._more and bool(page)
            return
        if not self._held_asked and any(r.state in SENDABLE for r in new):
            # The first one waiting to leave comes with this page (one held far down the list).
            self._held = set(self.store.held_by_platform())
            self._held_asked = True
        self.beginInsertRows(QModelIndex(), have, have + len(new) - 1)
        self._rows.extend(new)
        self.endInsertRows()

    # -- the model ----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 6

    def summary(self, row: int) -> CaseSummary:
        return self._rows[row]

    def row_of(self, case_id: str) -> int:
        return next((n for n, r in enumerate(self._rows) if r.id == case_id), -1)

    def titles(self) -> list[str]:
        """The columns' titles, in their order: the header shows them (``WorklistTable``), and
        :meth:`headerData` says them to a screen reader."""
        return [
            self.tr("Patient"),
            self.tr("Spécialité"),
            self.tr("Priorité"),
            self.tr("État"),
            self.tr("Dernier changement"),
            self.tr("Images"),
        ]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        # Asked by a screen reader only: the header shows the titles of its own model (WorklistTable).
        from PySide6.QtCore import Qt

        if role != DISPLAY or orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        return self.titles()[section]

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        # Called for every cell and role the view draws or measures: the common answers come first.
        if role not in _ROLES or not index.isValid():
            return None
        number, column = index.row(), index.column()
        if role == DISPLAY:
            if self.store.key.loaded != self._texts_with_key:
                self._texts.clear()
                self._texts_with_key = self.store.key.loaded
            texts = self._texts.get(number) or self._row_texts(number)
            return texts[column]
        row = self._rows[number]
        if role == FONT:
            return self._bold_font() if row.unread else None
        if role == FOREGROUND:
            if column == self.STATE and row.id in self._late:
                return self._urgent
            if column == self.PATIENT and row.training:
                return self._training
            return self._urgent if column == self.PRIORITY and row.priority == "urgent" else None
        if role == BACKGROUND:
            return self._unread if row.unread else None
        if role == TOOLTIP:
            if column == self.STATE and row.id in self._late and row.due_at:
                return self.tr("Réponse de l'expert promise pour le {when}").format(when=local_time(row.due_at))
            if column == self.STATE and row.id in self._held:
                return self.tr(
                    "La plateforme ne peut pas enregistrer ce dossier pour l'instant : il n'est pas parti. "
                    "Ouvrez-le pour voir pourquoi."
                )
            if column != self.PATIENT:
                return None
            # The patient whole first: a long used name is cut with « … » in its column (WorklistTable).
            case = self._patient(number) + "\n" + self.tr("Dossier {id}").format(id=row.id)
            return f"{case}\n{training_words(row.state, to_platform=row.to_platform)}" if row.training else case
        return row.id  # UserRole

    def _bold_font(self) -> QFont:
        if self._bold is None:
            from PySide6.QtGui import QFont

            self._bold = QFont()
            self._bold.setBold(True)
        return self._bold

    def _row_texts(self, number: int) -> tuple[str, ...]:
        """The row's six cells in words, kept until the rows change (the patient's name once readable)."""
        row = self._rows[number]
        state = M.state_name(row.state, offline=self.offline)
        if row.state == CaseState.ANSWERED.value and row.answer_news == AnswerNews.WITHDRAWN.value:
            state = self.tr("réponse retirée par l'expert")  # not « réponse reçue »: not to be acted on
        elif row.state == CaseState.ANSWERED.value and row.answer_news == AnswerNews.AMENDED.value:
            state = self.tr("réponse modifiée par l'expert")
        elif row.state == CaseState.ANSWERED.value and row.answer_news == PROVISIONAL_EVENT:
            state = self.tr("réponse provisoire")  # not yet signed off by the expert: not to act on as final
        elif row.id in self._held:  # not the platform's words: they name the patient's INS or file number
            state = self.tr("{state} — refusé pour l'instant par la plateforme").format(state=state)
        # A training case says so in every mode (found from outside: once a real platform was set, the
        # simulated expert's answers read « réponse reçue — à lire » like real ones).
        texts = (
            ("● " if row.unread else "")
            + (self.tr("[Formation]") + " " if row.training else "")
            + self._patient(number),
            M.specialty_name(row.specialty),
            self.tr("Urgent") if row.priority == "urgent" else self.tr("Normale"),
            self.tr("{state} — à lire").format(state=state)
            if row.unread
            else self.tr("{state} — en retard").format(state=state)
            if row.id in self._late
            else state,
            local_time(row.updated_at),
            str(row.image_count),
        )
        self._texts[number] = texts
        return texts


class WorklistTable(QTableView):
    """The worklist's table: the width each column's contents need is kept until the rows change.

    Its header sizes the columns to their contents, from the first 40 rows, at each change of its own or
    the viewport's geometry: three times while the window first shows (~5 ms of the start with a page of
    cases), and the rows had not changed in between. What Qt's measure reads is in the key (the rows
    measured, the font, whether the names can be read); any change of the model's rows forgets them.

    The header shows the titles of a model of its own, :meth:`name_columns` keeping them those of the
    model's :meth:`WorklistModel.titles`: Qt asks a Python ``headerData`` with a ``Qt.Orientation``, whose
    type builds the whole ``Qt`` namespace (~14.5 ms of the start, see ui.widgets.set_qt). A screen reader
    still asks the model's, which says the same words."""

    def __init__(self, model: WorklistModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hints: dict[tuple[int, bool, int, int, int, bool, str, bool], int] = {}
        self._store = model.store
        # Connected before the view's own: the widths are forgotten before its header measures them again.
        for signal in (
            model.modelReset,
            model.dataChanged,
            model.rowsInserted,
            model.rowsRemoved,
            model.rowsMoved,
            model.layoutChanged,
            model.headerDataChanged,
        ):
            signal.connect(self._forget_widths)
        self._titles = QStandardItemModel(0, model.columnCount(), self)
        self._named: list[str] = []
        header = self.horizontalHeader()
        header.hide()  # (shown, it would measure its titles through the model's headerData right away)
        self.setModel(model)
        header.setModel(self._titles)
        self.name_columns()
        header.show()

    def name_columns(self) -> None:
        """The header's titles, those of the model in the language installed now."""
        model = self.model()
        assert isinstance(model, WorklistModel)
        titles = model.titles()
        if titles != self._named:
            self._titles.setHorizontalHeaderLabels(titles)
            self._named = titles

    def _forget_widths(self, *_args: object) -> None:
        self._hints.clear()
        # The header, on its titles' model, does not hear the rows change: told here, it measures them again.
        self.horizontalHeader().doItemsLayout()

    def sizeHintForColumn(self, column: int) -> int:
        hint = self._content_width(column)
        if column == WorklistModel.PATIENT:
            # The patient's column gives way before the state: sized to its names, a long used name squeezed
            # « État » to « répo… » at 1366 × 768 (found from outside). It keeps what the state and the other
            # columns leave, and at least a sensible width; past it, its names end with « … », whole in the
            # tooltip.
            header = self.horizontalHeader()
            others = sum(
                max(self._content_width(n), header.sectionSizeHint(n))
                for n in range(WorklistModel.SPECIALTY, WorklistModel.IMAGES + 1)
            )
            floor = 18 * self.fontMetrics().horizontalAdvance("M")
            # (Its room without naming the viewport: a QWidget handed to Python builds the types of the dialogs
            # it might be, ~4 of them before the window shows: tests/ui/test_start_imports.py.)
            bar = self.verticalScrollBar()
            room = self.maximumViewportSize().width() - (bar.width() if bar.isVisible() else 0)
            hint = min(hint, max(floor, room - others - 2))
        return hint

    def _content_width(self, column: int) -> int:
        """The width ``column``'s contents need, kept until the rows change."""
        key = (
            column,
            self.isVisible(),
            self.verticalScrollBar().value(),  # the first row measured
            self.height(),  # with the two below, the last row on screen
            self.horizontalHeader().height(),
            self.horizontalScrollBar().isVisible(),
            self.font().key(),
            self._store.key.loaded,  # the names or the initials
        )
        hint = self._hints.get(key)
        if hint is None:
            if len(self._hints) > 60:  # the window resized again and again, the rows unchanged
                self._hints.clear()
            hint = self._hints[key] = super().sizeHintForColumn(column)
        return hint


class Worklist(QWidget):
    """The worklist page: filters with counts, search, the table, and the selected patient's name."""

    open_case = Signal(str)
    new_case = Signal()
    #: The person asked to delete this case (a draft never sent; the window checks and asks first).
    delete_draft = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.model = WorklistModel(store, self)
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.filters = QButtonGroup(self)
        self.filters.setExclusive(True)
        self.filter_buttons: dict[str, QToolButton] = {}
        for n, key in enumerate(FILTERS):
            button = QToolButton(self)  # made in the page (see MainWindow.__init__)
            button.setCheckable(True)
            marked(button, "filter", True)
            set_qt(button, focusPolicy="StrongFocus")
            self.filters.addButton(button, n)
            self.filter_buttons[key] = button
            top.addWidget(button)
        self.filter_buttons["to-finish"].setChecked(True)
        self.filters.idClicked.connect(lambda _n: self.refresh(counts=False, keep_place=False))
        top.addStretch(1)
        # Two numbers are both « n° de dossier » to a nurse: her own file number and the case's code in
        # Teleavis. The hint names both, the tooltip says which is which (found from outside).
        self.search = QLineEdit(self, placeholderText=self.tr("Nom, INS, votre n° de dossier ou code Teleavis"))
        self.search.setToolTip(
            self.tr(
                "Trouve un patient par son nom, son INS (avec ou sans espaces), le n° de dossier que votre "
                "structure lui donne (avec ou sans tiret : D-2291, D2291 ou 2291), ou un dossier par son "
                "code Teleavis, celui qui suit « dossier » en haut du dossier ouvert."
            )
        )
        self.search.setAccessibleName(self.tr("Rechercher un dossier"))
        self.search.setClearButtonEnabled(True)
        # Wide enough for its hint in either language (it was cut in French).
        self.search.setMinimumWidth(self.search.fontMetrics().horizontalAdvance(self.search.placeholderText()) + 40)
        top.addWidget(self.search)
        # (parent by name: QPushButton(text, parent) checks the overload taking an icon first, building QIcon)
        self.new_button = QPushButton(self.tr("Nouveau dossier"), parent=self)
        self.new_button.setToolTip(self.tr("Créer un dossier (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_case)
        top.addWidget(self.new_button)
        layout.addLayout(top)
        self._top = top
        # Where the page is too narrow for the filters, the search box and the button on one line, the
        # last two go on this one, under the filters (_place_search).
        self._below = QHBoxLayout()
        layout.addLayout(self._below)
        # What the list shows when it is empty or searched: what to do next, never a blank table.
        self.notice = named(QLabel(self), "worklistNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        layout.addWidget(self.notice)

        self.table = WorklistTable(self.model, self)
        self.table.setAccessibleName(self.tr("Liste des dossiers"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        # A patient's line too long for its column (WorklistTable) loses its middle, never its family name nor
        # the birth date at its end that tells two namesakes apart.
        set_qt(self.table, textElideMode="ElideMiddle")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        # Column widths from the first rows only: the cost of sizing stays the same at 100 or 10 000 cases.
        header.setResizeContentsPrecision(40)
        header.setSectionResizeMode(WorklistModel.STATE, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._activated)
        for enter in ("Return", "Enter"):
            shortcut = QShortcut(self.table)
            shortcut.setKey(key_sequence(enter))  # (not set_qt: a value not a string builds QByteArray's type)
            set_qt(shortcut, context="WidgetShortcut")
            shortcut.activated.connect(self._open_current)
        # A draft never sent can be deleted: the Delete key, the row's context menu (right click, the menu
        # key, Shift+F10) and Dossiers > Supprimer le brouillon… all ask the window, which asks first.
        delete = QShortcut(self.table)
        delete.setKey(key_sequence(QKeySequence.StandardKey.Delete))
        set_qt(delete, context="WidgetShortcut")
        delete.activated.connect(self._delete_current)
        set_qt(self.table, contextMenuPolicy="CustomContextMenu")
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.row_menu: QMenu | None = None  # the last context menu shown (tests read it)
        layout.addWidget(self.table, 1)
        self.detail = QLabel(self)
        set_qt(self.detail, textInteractionFlags="TextSelectableByMouse")
        layout.addWidget(self.detail)
        self.table.selectionModel().currentRowChanged.connect(self._selected)

        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(lambda: self.refresh(counts=False, keep_place=False))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(lambda: self.refresh(counts=False, keep_place=False))
        self.setTabOrder(self.search, self.table)
        self._counts: dict[str, int] = {}
        self.retranslate_counts({})

    def hideEvent(self, event: QHideEvent) -> None:
        self._search_timer.stop()  # a search typed just before leaving the page is redone on return
        super().hideEvent(event)

    # -- data ---------------------------------------------------------------------------------

    def current_filter(self) -> str:
        return list(FILTERS)[max(0, self.filters.checkedId())]

    def set_filter(self, key: str) -> None:
        self.filter_buttons[key].setChecked(True)
        self.refresh(counts=False, keep_place=False)

    def open_on_what_matters(self) -> None:
        """At start, the filter that matters: the one showing every unread case (an answer, a question,
        an answered case taken back or withdrawn; every case when they are under several), then cases
        needing attention, then drafts to finish; else every case."""
        try:
            from app.settings import is_training

            # In training, among the training cases only: the list shows no other (``refresh``).
            training = is_training(self.store.settings.peek)
            counts = self.store.counts(training_only=training)
            unread = self.store.unread_states(training_only=training)
        except TeleavisError as exc:
            self.detail.setText(exc.message)
            return
        key = "all"
        if unread:
            key = _filter_showing(unread)
        else:
            for candidate in ("attention", "to-finish"):
                if any(counts.get(state, 0) for state in FILTERS[candidate]):
                    key = candidate
                    break
        self.filter_buttons[key].setChecked(True)
        self.refresh(keep_place=False)

    def show_unread(self) -> None:
        """The cases to read in front of her (« ● 1 dossier à lire » clicked): the filter kept if it shows
        them all, else the one that does (every case when they are under several), a search cleared, and
        the first of them selected. Found at the cart: the list left under « À traiter », the click showed
        that filter, empty, the answer she was told of nowhere in sight."""
        try:
            from app.settings import is_training

            unread = self.store.unread_states(training_only=is_training(self.store.settings.peek))
        except TeleavisError as exc:
            self.detail.setText(exc.message)
            return
        if not unread:
            return
        if self.searching():
            self.search.blockSignals(True)  # no search run a moment later, over the filter chosen here
            self.search.clear()
            self.search.blockSignals(False)
        shown = FILTERS[self.current_filter()]
        if shown and not unread <= set(shown):
            self.filter_buttons[_filter_showing(unread)].setChecked(True)
        self.refresh(counts=False, keep_place=False)
        first = self._first_unread()
        # Found in review: the rows come a page at a time, newest change first; a case to read changed long
        # ago (a withdrawal never opened, a hundred cases changed since) lay below the rows loaded, and the
        # click selected nothing. Read down to it, twice as many rows each time (the query reads from the top).
        fetched = max(self.model.fetched(), 1)
        while first < 0 and self.model.canFetchMore():
            fetched *= 2
            try:
                self.model.load(at_least=fetched)
            except TeleavisError as exc:
                self.detail.setText(exc.message)
                return
            first = self._first_unread()
        if first >= 0:
            self.table.selectRow(first)
            self.table.doItemsLayout()  # the rows just read laid out, so the view can go down to it
            self.table.scrollTo(self.model.index(first, 0))

    def _first_unread(self) -> int:
        return next((n for n in range(self.model.rowCount()) if self.model.summary(n).unread), -1)

    def searching(self) -> str:
        return self.search.text().strip()

    def refresh(self, *, counts: bool = True, keep_place: bool = True) -> None:
        """Reload rows (and the filters' counts, which a filter or a search does not change),
        keeping the selected case selected. A search looks through every case, whatever the filter:
        a patient is found wherever the case stands.

        With ``keep_place`` (news of a case, back from a case), the list stays where the user scrolled
        to: found trying the list as a nurse would, each move of any case made the list jump back to the
        selected row, or to its first page, under the eyes of a nurse looking further down. A new filter
        or search starts at the top."""
        selected = self.selected_id()
        searched = self.searching()
        bar = self.table.verticalScrollBar()
        place = bar.value() if keep_place else 0
        from app.settings import is_training

        # Read with ``peek``, as the window's banner reads it: the worklist shows before the data key is there.
        training = is_training(self.store.settings.peek)
        if training != self.model.training_only:
            self.model.training_only = training
            counts, keep_place, place = True, False, 0
        try:
            self.model.load(
                [] if searched else list(FILTERS[self.current_filter()]),
                searched,
                at_least=self.model.fetched() if keep_place else 0,
            )
            if counts or not self._counts:
                self._counts = self.store.counts(training_only=training)
                # The real cases hidden while training mode is on, said above the list.
                self._hidden = sum(self.store.counts().values()) - sum(self._counts.values()) if training else 0
                self.retranslate_counts(self._counts)
        except TeleavisError as exc:
            self.detail.setText(exc.message)
            return
        row = self.model.row_of(selected) if selected else -1
        if row >= 0:
            self.table.setAutoScroll(not keep_place)  # selected again, not scrolled to
            self.table.selectRow(row)
            self.table.setAutoScroll(True)
        else:
            self.detail.clear()
        if keep_place:
            self.table.doItemsLayout()  # the scroll range of the rows reloaded, before going back there
            bar.setValue(place)
        self._say_what_is_shown(searched)

    def _say_what_is_shown(self, searched: str) -> None:
        rows = self.model.rowCount()
        if searched:
            text = (
                self.tr(
                    "Recherche dans tous les dossiers, quel que soit le filtre : %n dossier(s) trouvé(s).", "", rows
                )
                if rows
                else self.tr(
                    "Aucun dossier ne correspond à « {search} », dans aucun filtre. Vérifiez l'orthographe, "
                    "ou cherchez par INS, par votre n° de dossier ou par le code Teleavis du dossier."
                ).format(search=searched)
            )
        elif self._hidden:
            text = self.tr(
                "Mode formation : seuls les dossiers de formation sont affichés. %n dossier(s) réel(s) masqué(s) "
                "pendant la formation : ils reviennent, et ceux en attente partent, quand vous la quittez.",
                "",
                self._hidden,
            )
        elif rows:
            text = ""
        elif not sum(self._counts.values()):
            text = self.tr("Aucun dossier pour l'instant. Créez le premier avec « Nouveau dossier » (Ctrl+N).")
        else:
            name = self.filter_buttons[self.current_filter()].text().rpartition(" (")[0]
            text = self.tr(
                "Aucun dossier dans « {filter} ». Les autres sont sous « Tous » ; un nouveau dossier "
                "se crée avec « Nouveau dossier » (Ctrl+N)."
            ).format(filter=name)
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def unread_count(self) -> int:
        """Cases with an answer or a question not yet read (a few rows: no decryption); in training, of the
        training cases only, as the list (found from outside: the title and the tray counted the real
        patients' answers beside the exercises)."""
        from app.settings import is_training

        return self.store.unread_count(training_only=is_training(self.store.settings.peek))

    def retranslate_counts(self, counts: dict[str, int]) -> None:
        self.table.name_columns()
        names = {
            "to-finish": self.tr("À terminer"),
            "waiting": self.tr("En attente"),
            "answered": self.tr("Réponses"),
            "attention": self.tr("À traiter"),
            "all": self.tr("Tous"),
        }
        for key, button in self.filter_buttons.items():
            states = FILTERS[key]
            total = sum(counts.values()) if not states else sum(counts.get(s, 0) for s in states)
            button.setText(f"{names[key]} ({total})")
            button.setToolTip(", ".join(M.state_name(s) for s in states) if states else self.tr("Tous les dossiers"))
        self._place_search()  # the counts' digits make the filters wider

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_search()

    def _place_search(self) -> None:
        """The search box and « Nouveau dossier » beside the filters where the page is wide enough for all
        of them, else on a line of their own under the filters: at 150 % on a 1366 × 768 laptop the one
        line was wider than the window, the search box's words cut and the button drawn over it."""
        layout = self.layout()
        assert layout is not None
        margins = layout.contentsMargins()
        room = self.width() - margins.left() - margins.right()
        spacing = max(0, self._top.spacing())
        buttons = list(self.filter_buttons.values())
        one_line = (
            sum(button.sizeHint().width() for button in buttons)
            + self.search.minimumWidth()
            + self.new_button.sizeHint().width()
            + spacing * (len(buttons) + 2)
        )
        below = one_line > room
        if below == (self._below.indexOf(self.search) >= 0):
            return
        for widget in (self.search, self.new_button):
            (self._top if below else self._below).removeWidget(widget)
        target = self._below if below else self._top
        target.addWidget(self.search, 1 if below else 0)
        target.addWidget(self.new_button)

    def set_offline(self, offline: bool) -> None:
        """The platform can be reached again, or no longer: the cases to send are said accordingly."""
        if offline != self.model.offline:
            self.model.set_offline(offline)
            self._selected(self.table.currentIndex(), QModelIndex())

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.summary(index.row()).id if index.isValid() else None

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail.clear()
            return
        summary = self.model.summary(current.row())
        try:
            case = self.store.get_case(summary.id)  # one decryption: the selected case only
        except TeleavisError as exc:
            self.detail.setText(exc.message)
            return
        name = case.patient.shown_name()
        words = self.tr("{name} — dossier {id} — {state}").format(
            name=name or self.tr("(patient sans nom)"),
            id=short_id(summary.id),
            state=M.state_name(summary.state, offline=self.model.offline),
        )
        self.detail.setText(
            f"{words}\n{training_words(summary.state, to_platform=summary.to_platform)}" if summary.training else words
        )

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_case.emit(self.model.summary(index.row()).id)

    def _open_current(self) -> None:
        self._activated(self.table.currentIndex())

    def _delete_current(self) -> None:
        case_id = self.selected_id()
        if case_id is not None:
            self.delete_draft.emit(case_id)

    def deletable(self, case_id: str) -> bool:
        """Whether ``case_id`` is a draft never sent (app/deletion.py), read now."""
        from app.deletion import deletable

        try:
            return deletable(self.store.conn, case_id)
        except TeleavisError:
            return False

    def row_menu_for(self, index: QModelIndex) -> QMenu | None:
        """The context menu of ``index``'s row (selected first): open it, or delete it while a draft never sent."""
        if not index.isValid():
            return None
        self.table.setCurrentIndex(index)
        case_id = self.model.summary(index.row()).id
        menu = QMenu(self.table)
        menu.addAction(self.tr("&Ouvrir"), lambda: self.open_case.emit(case_id))
        menu.addSeparator()
        delete = menu.addAction(self.tr("&Supprimer le brouillon…"), lambda: self.delete_draft.emit(case_id))
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))  # shown only: the table's shortcut acts
        delete.setEnabled(self.deletable(case_id))
        if not delete.isEnabled():
            delete.setToolTip(self.tr("Seul un brouillon jamais envoyé se supprime."))
            menu.setToolTipsVisible(True)
        self.row_menu = menu
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():  # the menu key: the current row, where it is drawn
            index = self.table.currentIndex()
            pos = self.table.visualRect(index).center()
        menu = self.row_menu_for(index)
        if menu is not None:
            menu.exec(self.table.viewport().mapToGlobal(pos))
