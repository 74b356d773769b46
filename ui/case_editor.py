"""The case editor: consent first, identity, request, the specialty form and treatments.

Every edit goes into the ``Case`` at once, is saved by ``store.update_case`` after a short pause
(one small transaction), and can be undone (Ctrl+Z). What is missing is the checklist's business
(app.validation); the editor only shows each finding next to its field.
"""

from __future__ import annotations

import copy
import itertools
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QIntValidator,
    QKeyEvent,
    QKeySequence,
    QShowEvent,
    QStandardItemModel,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QApplication,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import clock, forms
from app import messages as M
from app.errors import CaseChanged, InvalidTransition, TeleavisError
from app.findings import Finding
from app.i18n import language
from app.identifiers import birth_country_name, normalize_birth_place
from app.model import EDITABLE_STATES, IDENTITY_DOCUMENTS, NO_DOCUMENT, ORIGIN_WINDOW, Case, Treatment
from app.store import Store
from app.validation import ehpad_vitale_asked
from app.views import PER_EYE
from ui.choice_box import ChoiceBox
from ui.fields import (
    SAVE_AT_LEAST_EVERY_MS,
    SAVE_DELAY_MS,
    SAVE_RETRY_MS,
    Binding,
    check_binding,
    combo_binding,
    date_binding,
    get_value,
    given_binding,
    number_to_model,
    number_to_text,
    plain_binding,
    set_value,
    text_binding,
)
from ui.tasks import on_own_connection, run_write
from ui.widgets import WrappedLabel, clicks_through, marked, named, see_through

log = logging.getLogger(__name__)

MERGE_WITHIN_S = 1.5
PREPARE_EVERY_MS = 20  # the other specialties' forms are made while the window is idle, a slice at a time
PREPARE_SLICE_S = 0.006


@dataclass
class _Form:
    """One specialty's fields, made once and kept (shown while the case has that specialty)."""

    holder: QWidget
    bindings: dict[str, Binding]
    problems: dict[str, QLabel]
    labels: dict[str, str]


#: What the editor changes in a case (its images' labels are the capture panel's, saved on their own).
_EDITED = (
    "specialty",
    "priority",
    "question",
    "summary",
    "single_eye_reason",
    "patient",
    "consent",
    "treatments",
    "form",
    "form_id",
    "identity_status_missing",
    "identity_origin",
)


class _TypedCells(QStyledItemDelegate):
    """A treatment's cell hands what is typed in it to the table at each key, not only once the cell is left:
    a name or dosage being typed lived in the cell's editor alone, outside the case, and a shutdown (SIGTERM,
    the session's end) or a crash while the cell was open lost it however long it had been typed. Each key
    now reaches the case and its autosave, as the editor's other fields do."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        #: Each cell open, with where it is and what it held when opened: « Échap » gives that back.
        self._opened: dict[QWidget, tuple[QPersistentModelIndex, Any]] = {}
        self.closeEditor.connect(self._closed)

    def createEditor(self, parent: QWidget, option: Any, index: Any) -> QWidget:
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit):
            self._opened[editor] = (QPersistentModelIndex(index), index.data(Qt.ItemDataRole.EditRole))
            editor.destroyed.connect(lambda _obj=None, e=editor: self._opened.pop(e, None))
            editor.textEdited.connect(lambda _text, e=editor: self.commitData.emit(e))
        return editor

    def close_open(self) -> None:
        """The cells being typed closed, as they are (each key is already in the case), nothing given back:
        the table is about to show another case."""
        opened, self._opened = self._opened, {}
        for editor in opened:
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def _closed(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        """« Échap » cancels the edit as in any table (found in review: with each key in the case, the half-typed
        dosage stayed, and was saved, the nurse believing her edit cancelled): what the cell held comes back."""
        where, before = self._opened.pop(editor, (None, None))
        if where is not None and hint == QAbstractItemDelegate.EndEditHint.RevertModelCache and where.isValid():
            model = where.model()
            if model.data(where, Qt.ItemDataRole.EditRole) != before:
                model.setData(model.index(where.row(), where.column()), before, Qt.ItemDataRole.EditRole)


def _hint(form: QFormLayout, text: str) -> QLabel:
    """A sentence under a field, across the row, in a hint's colour, wrapped."""
    label = named(QLabel(text), "fieldHint")
    label.setWordWrap(True)
    form.addRow(label)
    return label


#: The RNIV's strict traits and the INS. A qualified identity is the INS fetched from INSi and these traits
#: checked on the ID document: one of them changed by hand, the check no longer holds for it.
CHECKED_TRAITS = (
    "patient.family",
    "patient.given",
    "patient.birth_date",
    "patient.sex",
    "patient.birth_place",
    "patient.ins",
)

#: The identity's fields whose change in the window makes the identity stated there (``Case.identity_origin``):
#: its status, its document, and the INS and strict traits too, a trait typed in a « Qualifiée » identity
#: opened without it (a case file's without its birth place) included: she then states the identity herself.
_STATED = ("patient.identity_status", "patient.identity_document", *CHECKED_TRAITS)


def _edited_copy(case: Case) -> Case:
    """``case`` with its own copy of what the editor changes in it (``_EDITED``), to compare her copy with."""
    kept = copy.copy(case)
    for name in _EDITED:
        setattr(kept, name, copy.deepcopy(getattr(case, name)))
    return kept


def status_after_change(status: str, key: str) -> str | None:
    """The status an identity falls back to once ``key`` was changed by hand, None when it keeps its own:
    the INS changed, what INSi gave is lost (qualified is then validated, recovered provisional; a validated
    identity's INS was not INSi's); a trait changed, the document check of it is lost too (provisional, a
    validated identity's as a qualified one's: RNIV, the traits checked on the ID document)."""
    if status not in ("recovered", "validated", "qualified") or key not in CHECKED_TRAITS:
        return None
    if key == "patient.ins":
        return {"qualified": "validated", "recovered": "provisional"}.get(status)
    return "provisional"


class FieldEdit(QUndoCommand):
    """One edit of one field; quick successive edits of the same field merge into one step."""

    def __init__(self, editor: CaseEditor, key: str, label: str, old: Any, new: Any) -> None:
        #: The edit, as the Edit menu names it after « Annuler » / « Rétablir »: « Annuler la saisie de
        #: « Nom » » (English: "Undo" + "change to “Name”").
        super().__init__(QCoreApplication.translate("CaseEditor", "la saisie de « {field} »").format(field=label))
        self.editor, self.key, self.old, self.new = editor, key, old, new
        #: Whether the identity was stated in the window before this edit: given back when it is undone.
        self.stated = editor.case.identity_origin if editor.case is not None else ""
        self.at = time.monotonic()
        self._applied = True  # the widget already shows the new value

    def id(self) -> int:
        return 1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, FieldEdit) or other.key != self.key or other.at - self.at > MERGE_WITHIN_S:
            return False
        self.new, self.at = other.new, other.at
        return True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.editor.apply(self.key, self.new)

    def undo(self) -> None:
        self.editor.apply(self.key, self.old, stated=self.stated)


class CaseEditor(QWidget):
    """Edits one case; emits ``changed`` after each edit (for the checklist) and ``saved``."""

    changed = Signal()
    saved = Signal()
    save_failed = Signal(str)
    other_save_failed = Signal(str)  # a case left before its save was refused: the whole sentence
    #: A save refused because the case changed elsewhere: its id, ``sent`` (no longer editable: ``case send``
    #: queued it, or the poll found it recorded on the platform) or ``changed`` (saved by another window), and
    #: the user's copy of it, with what she typed that was not saved (:meth:`typed_words`).
    changed_elsewhere = Signal(str, str, object)
    consent_changed = Signal(bool)
    specialty_changed = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.case: Case | None = None
        self.undo_stack = QUndoStack(self)
        self.bindings: dict[str, Binding] = {}
        self.labels: dict[str, str] = {}
        self._opened_traits: dict[str, Any] = {}
        self.problems: dict[str, QLabel] = {}
        self._stash: dict[str, dict[str, Any]] = {}
        #: Edits of cases left before their save was refused (a full disk): given back when reopened.
        self._refused: dict[str, Case] = {}
        #: Each case's revision as this window last read or saved it: a save is written only over that one
        #: (``Store.update_case(revision=)``). Moved forward by the writer thread, save after save, in order.
        self._revisions: dict[str, int] = {}
        #: Each case's content as this window read it from the store (:meth:`typed_words`: what she changed).
        self._as_read: dict[str, Case] = {}
        self._form_specialty = ""
        self._form_language = ""
        self._forms: dict[tuple[str, str], _Form] = {}  # (specialty, language): its fields, made once
        self._preparing: tuple[tuple[str, str], _Form, Iterator[None]] | None = None  # being made, idle
        self._dirty = False
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush)
        self._save_deadline = QTimer(self, singleShot=True, interval=SAVE_AT_LEAST_EVERY_MS)
        self._save_deadline.timeout.connect(self.flush)
        #: A save refused (a full disk) of the case on screen: tried again by itself, calmly, until written.
        self._retry_timer = QTimer(self, singleShot=True, interval=SAVE_RETRY_MS)
        self._retry_timer.timeout.connect(self._retry)
        self._prepare_timer = QTimer(self, interval=PREPARE_EVERY_MS)
        self._prepare_timer.timeout.connect(self._prepare_next)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Fields follow the pane's width (long labels wrap) instead of hiding behind a sideways scroll.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        see_through(scroll)
        self.scroll_area = scroll
        self.layout_ = QVBoxLayout(body)
        self._build_consent()
        self._build_identity()
        self._build_request()
        self.form_box = QGroupBox(self.tr("Formulaire de la spécialité"))
        # Questions are sentences: each above its answer, across the column. (In a QFormLayout's
        # label column, wrapped lines get too little height and are cut.)
        self.form_layout = QVBoxLayout(self.form_box)
        self.layout_.addWidget(self.form_box)
        self._build_treatments()
        self.layout_.addStretch(1)
        self.gated = [self.identity_box, self.request_box, self.form_box, self.treatments_box]
        # Never narrower than the fields need: nothing is cut, the splitter takes the room elsewhere.
        scroll.setMinimumWidth(body.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 6)
        # Whatever brings the keyboard to a field (Tab from the next pane, F6, a click on the checklist),
        # the field scrolls into view.
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        body = self.scroll_area.widget()
        if new is None or body is None or not body.isAncestorOf(new) or not self.isVisible():
            return
        # The whole field, not only its text cursor (what ensureWidgetVisible looks at): its bottom,
        # then its top, which wins when the field is taller than the view.
        corner = new.mapTo(body, QPoint(0, 0))
        self.scroll_area.ensureVisible(corner.x(), corner.y() + new.height(), 0, 8)
        self.scroll_area.ensureVisible(corner.x(), corner.y(), 0, 8)

    # -- building -----------------------------------------------------------------------------

    @staticmethod
    def _tune(form: QFormLayout) -> None:
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

    def _row(self, form: QFormLayout | QVBoxLayout, binding: Binding, label: str, into: _Form | None = None) -> None:
        """A labelled field with its problem line under it, wired for autosave and undo; ``into`` a
        specialty's form kept aside (else the editor's fields)."""
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(binding.widget)
        problem = named(WrappedLabel(), "fieldProblem")
        problem.hide()
        column.addWidget(problem)
        if isinstance(binding.widget, QComboBox):
            # A long answer must not widen the whole column; the open list still shows it whole.
            binding.widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            binding.widget.setMinimumContentsLength(12)
        if isinstance(form, QFormLayout) and isinstance(binding.widget, QCheckBox):
            form.addRow(holder)  # a check box says what it is: across the row, never squeezed by a label
        else:
            caption = QLabel(label.replace("&", "&&"))
            caption.setBuddy(binding.widget)
            # The caption is not the field's sibling (the field sits in its holder, over its problem line):
            # a screen reader finds no name through the buddy alone, so the field carries it itself.
            binding.widget.setAccessibleName(label.rstrip(" :*").rstrip())
            if isinstance(form, QFormLayout):  # short labels beside their fields
                form.addRow(caption, holder)
            else:  # the specialty form's questions: sentences above their answers, wrapped, nothing cut
                caption.setWordWrap(True)
                column.insertWidget(0, caption)
                form.addWidget(holder)
        (into.problems if into else self.problems)[binding.key] = problem
        self._bind(binding, label, into)

    def _bind(self, binding: Binding, label: str, into: _Form | None = None) -> None:
        (into.bindings if into else self.bindings)[binding.key] = binding
        (into.labels if into else self.labels)[binding.key] = label.rstrip(" \u00a0:")
        for signal in binding.changed if isinstance(binding.changed, tuple) else (binding.changed,):
            signal.connect(lambda *_a, b=binding: self._edited(b))
        binding.widget.installEventFilter(self)

    def _build_consent(self) -> None:
        box = QGroupBox(self.tr("1. Consentement du patient"))
        form = QFormLayout(box)
        self._tune(form)
        hint = QLabel(
            self.tr(
                "Avant tout, demandez au patient s'il accepte que son dossier et ses photos soient "
                "envoyés à un médecin expert. Le reste du dossier s'ouvre ensuite."
            )
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        self.consent_given = QCheckBox(self.tr("Le patient accepte la télé-expertise"))
        self._row(form, check_binding("consent.given", self.consent_given), self.tr("Consentement :"))
        self.consent_date = QLineEdit(placeholderText=self.tr("JJ/MM/AAAA"))
        # Today's date as filled in for the nurse (consent ticked, identity document chosen), per field.
        self._dates_filled_in: dict[QLineEdit, str] = {}
        self._row(form, date_binding("consent.date", self.consent_date), self.tr("Date du consentement :"))
        self.consent_by = QLineEdit(placeholderText=self.tr("Nom de la personne qui l'a recueilli"))
        by = text_binding("consent.recorded_by", self.consent_by)
        self._row(form, by, self.tr("Recueilli par :"))
        # The name typed on the last case is a suggestion to pick, never a value filled in: on a shared
        # cart, another nurse would record consents in her colleague's name. Offered in a list when the
        # empty field is entered, or as she types; picking it is an edit of hers.
        self.consent_by_names = QStringListModel(self)
        self.consent_by_completer = QCompleter(self.consent_by_names, self.consent_by)
        self.consent_by_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.consent_by_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.consent_by.setCompleter(clicks_through(self.consent_by_completer))
        self.consent_by_completer.activated.connect(lambda text, b=by: self._consent_by_picked(b, text))
        self.consent_box = box
        self.layout_.addWidget(box)

    def _build_identity(self) -> None:
        box = QGroupBox(self.tr("2. Patient"))
        form = QFormLayout(box)
        self._tune(form)
        # The birth name alone (a strict trait, never altered: RNIV); a spouse's name has its own field
        # just under it, so that « DUPONT épouse LEROY » is never typed here (the checklist says so).
        self.family = QLineEdit(placeholderText=self.tr("Tel que sur la pièce d'identité"))
        self._row(form, text_binding("patient.family", self.family), self.tr("Nom de naissance :"))
        self.used_name = QLineEdit(placeholderText=self.tr("Facultatif"))
        self._row(form, text_binding("patient.used_name", self.used_name), self.tr("Nom utilisé :"))
        # What it is for does not fit in the field on a small screen: said under it.
        self.used_name_note = _hint(
            form, self.tr("Nom d'usage, ex. celui de l'époux : il ne s'écrit jamais dans le nom de naissance.")
        )
        self.given = QLineEdit(placeholderText=self.tr("Tous, dans l'ordre de la pièce d'identité"))
        self.first_given = ChoiceBox()
        self._row(form, given_binding("patient.given", self.given, self.first_given), self.tr("Prénoms de naissance :"))
        # The first given name is an identity trait of its own: a composed one may be written with a
        # space on the document, and the platform compares it with the national identity's.
        form.addRow(self.tr("Premier prénom :"), self.first_given)
        self.first_given.setAccessibleName(self.tr("Premier prénom"))
        self.first_given_note = _hint(
            form,
            self.tr(
                "Si le premier prénom est composé sans trait d'union sur la pièce "
                "(ex. Marie Thérèse), choisissez-le ici."
            ),
        )
        self.birth_date = QLineEdit(placeholderText=self.tr("JJ/MM/AAAA"))
        self._row(form, date_binding("patient.birth_date", self.birth_date), self.tr("Date de naissance :"))
        self.birth_place = QLineEdit(placeholderText=self.tr("code INSEE, ex. 75056"))
        self.birth_place.setMaxLength(7)  # 5 characters, a space or two typed in the middle
        self._row(
            form,
            text_binding("patient.birth_place", self.birth_place, to_model=normalize_birth_place),
            self.tr("Lieu de naissance :"),  # longer, it would widen the label column and narrow every field
        )
        # The rule for a birth abroad does not fit in the field on a small screen: said under it. A country's
        # code, once typed, is named there as the report and ``case show`` name it (« ALLEMAGNE »).
        self.birth_place_note = _hint(form, "")
        self._birth_place_said()
        self.sex = ChoiceBox()
        for code, text in (
            ("unknown", self.tr("Non renseigné")),
            ("female", self.tr("Femme")),
            ("male", self.tr("Homme")),
            ("other", self.tr("Autre")),
        ):
            self.sex.addItem(text, code)
        self._row(form, combo_binding("patient.sex", self.sex), self.tr("Sexe :"))
        # A case stored before the identity status existed: asked once, here, when it is opened.
        self.status_prompt = named(
            QLabel(
                self.tr(
                    "Ce dossier a été créé avant le statut de l'identité : il "
                    "est considéré comme provisoire. Indiquez le statut "
                    "ci-dessous."
                )
            ),
            "identityPrompt",
        )
        self.status_prompt.setWordWrap(True)
        self.status_prompt.hide()
        form.addRow(self.status_prompt)
        self.identity_status = ChoiceBox()
        for code, text in (
            ("provisional", self.tr("Provisoire (pièce d'identité non contrôlée)")),
            ("recovered", self.tr("Récupérée (INS obtenu par l'INSi, pièce non contrôlée)")),
            ("validated", self.tr("Validée (pièce d'identité contrôlée, sans INSi)")),
            ("qualified", self.tr("Qualifiée (INSi et pièce d'identité contrôlée)")),
        ):
            self.identity_status.addItem(text, code)
        self._row(
            form, combo_binding("patient.identity_status", self.identity_status), self.tr("Statut de l'identité :")
        )
        self.requalify_note = _hint(
            form,
            self.tr(
                "Un trait d'identité ou l'INS a été modifié : l'identité n'a plus le statut qu'elle avait. "
                "Vérifiez-la de nouveau (téléservice INSi, pièce d'identité), puis choisissez son statut."
            ),
        )
        self.requalify_note.hide()
        self.identity_document = ChoiceBox()
        # Not said (« — à préciser — »: a case stored before « Aucune » was an answer of its own, a case file
        # without the key) is a warning; « Aucune » beside « Qualifiée » or « Validée » blocks (RNIV). The nurse
        # sees which of the two the case holds.
        for code, text in (
            ("", self.tr("— à préciser —")),
            (NO_DOCUMENT, self.tr("Aucune")),
            ("CN", self.tr("Carte nationale d'identité")),
            ("PA", self.tr("Passeport")),
            ("CS", self.tr("Titre de séjour")),
            ("LE", self.tr("Livret de famille")),
            ("AN", self.tr("Extrait d'acte de naissance")),
            ("DC", self.tr("Document de circulation pour étranger mineur")),
        ):
            self.identity_document.addItem(text, code)
        for code, short in (
            ("CN", self.tr("Carte d'identité")),
            ("AN", self.tr("Acte de naissance")),
            ("DC", self.tr("Doc. de circulation")),
        ):
            self.identity_document.set_short(self.identity_document.findData(code), short)
        # Shown, never chosen (found in review): « Aucune » blocked beside « Qualifiée », one step up the list
        # made it a warning and the INS went, though the nurse had just said no document was seen. She knows
        # whether she saw one; « — à préciser — » is what an older case or a case file holds (undo brings it back).
        model = self.identity_document.model()
        assert isinstance(model, QStandardItemModel)
        not_said = model.item(self.identity_document.findData(""))
        not_said.setFlags(not_said.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        self._row(
            form,
            combo_binding("patient.identity_document", self.identity_document),
            self.tr("Pièce d'identité contrôlée :"),
        )
        # RNIV 2024 (volet 1, 3.3.3): for a minor without an ID document of his own, with a parent's (an adult's
        # is refused by the checklist: app/validation.py's MINORS_DOCUMENTS).
        self.parent_document_note = _hint(
            form,
            self.tr(
                "Pour un mineur sans pièce d'identité : valable seulement avec la pièce d'identité d'un parent "
                "(ou du tuteur, avec la décision de justice), vue elle aussi."
            ),
        )
        self.parent_document_note.hide()
        # RNIV 2024 (volet 1, 3.3.3): the same documents validate an adult's identity at a direct admission to an
        # EHPAD, with the resident's own carte Vitale bearing a photograph (app/validation.py's EHPAD_DOCUMENTS).
        self.ehpad_vitale = QCheckBox(self.tr("Admis directement en EHPAD, carte Vitale à photo vue"))
        self._row(
            form,
            check_binding("patient.identity_ehpad_vitale", self.ehpad_vitale),
            self.tr("Carte Vitale avec photo (EHPAD) :"),
        )
        row = self.ehpad_vitale.parentWidget()  # (its holder, over its problem line)
        assert row is not None
        self.ehpad_vitale_row: QWidget = row
        row.hide()
        self.identity_checked_on = QLineEdit(placeholderText=self.tr("JJ/MM/AAAA"))
        self._row(
            form, date_binding("patient.identity_checked_on", self.identity_checked_on), self.tr("Contrôlée le :")
        )
        self.ins = QLineEdit(placeholderText=self.tr("15 caractères, obtenus par le téléservice INSi"))
        self.ins.setMaxLength(21)
        self._row(
            form,
            text_binding("patient.ins", self.ins, empty=None, to_model=lambda t: t.replace(" ", "").upper()),
            self.tr("Matricule INS :"),
        )
        self.ins_note = _hint(
            form,
            self.tr(
                "L'INS n'est transmis à l'expert que si l'identité est qualifiée ; "
                "sinon, c'est son n° de dossier qui l'est."
            ),
        )
        self.local_id = QLineEdit(placeholderText=self.tr("Celui de votre structure"))
        self._row(form, text_binding("patient.local_id", self.local_id, empty=None), self.tr("N° de dossier :"))
        self.identity_box = box
        self.layout_.addWidget(box)

    def _birth_place_said(self) -> None:
        """Under the birth place: the country a ``99`` code names (INSEE's name, in French: no English
        one ships with Teleavis), else the rule for a commune and for a birth abroad."""
        country = birth_country_name(normalize_birth_place(self.birth_place.text()))
        self.birth_place_note.setText(
            self.tr("Pays de naissance (nom INSEE) : {country}.").format(country=country)
            if country
            else self.tr("Commune de naissance ; né à l'étranger : 99 + code du pays (ex. 99134).")
        )

    def _identity_shown(self) -> None:
        """The document and its date are asked for a status that rests on a document."""
        status = self.case.patient.identity_status if self.case else "provisional"
        checked = status in ("validated", "qualified")
        # A choice only with two names or more (not the box's enabled state: the consent's gate sets it too).
        self.first_given_note.setVisible(self.first_given.count() > 1)
        self._birth_place_said()
        self.identity_document.setEnabled(checked)
        self.identity_checked_on.setEnabled(checked)
        document = self.case.patient.identity_document if self.case else ""
        self.parent_document_note.setVisible(checked and document in ("LE", "AN"))
        # Shown with the documents it concerns for an adult (a birth date not known yet too), and whenever it is
        # ticked (never hidden while it counts).
        ehpad = bool(self.case and (self.case.patient.identity_ehpad_vitale or ehpad_vitale_asked(self.case.patient)))
        self.ehpad_vitale_row.setVisible(ehpad)
        self.status_prompt.setVisible(bool(self.case and self.case.identity_status_missing))

    def _build_request(self) -> None:
        box = QGroupBox(self.tr("3. Demande"))
        form = QFormLayout(box)
        self._tune(form)
        self.specialty = ChoiceBox()
        for code in forms.FORM_SPECIALTIES:
            # One name, in the list and once chosen: the closed box showed « Ophtalmologie » where the list said
            # « Ophtalmologie (rétinographie) » (testers), and the whole name, shown closed, was cut mid-word in
            # the column at 1280 × 720. The list says the short name too; the whole one is the item's tooltip and
            # the form's title just below (« 4. Formulaire : Ophtalmologie (rétinographie) »).
            whole = M.specialty_name(code)
            self.specialty.addItem(whole.split(" (", 1)[0], code)
            if whole != self.specialty.itemText(self.specialty.count() - 1):
                self.specialty.setItemData(self.specialty.count() - 1, whole, Qt.ItemDataRole.ToolTipRole)
        self._row(form, combo_binding("specialty", self.specialty), self.tr("Spécialité :"))
        self.priority = ChoiceBox()
        self.priority.addItem(self.tr("Normale"), "routine")
        self.priority.addItem(self.tr("Urgente"), "urgent")
        self._row(form, combo_binding("priority", self.priority), self.tr("Priorité :"))
        self.question = QPlainTextEdit(placeholderText=self.tr("La question posée à l'expert"))
        self.question.setTabChangesFocus(True)
        self.question.setMinimumHeight(60)
        self.question.setMaximumHeight(110)
        self._row(form, plain_binding("question", self.question), self.tr("Question :"))
        self.summary = QPlainTextEdit(placeholderText=self.tr("Histoire, examen, durée, évolution"))
        self.summary.setTabChangesFocus(True)
        self.summary.setMinimumHeight(80)
        self.summary.setMaximumHeight(160)
        self._row(form, plain_binding("summary", self.summary), self.tr("Résumé clinique :"))
        # Retinography: each eye is photographed unless this says why one cannot be (app/views.py).
        self.single_eye_reason = QLineEdit(placeholderText=self.tr("ex. œil énucléé"))
        self.single_eye_reason.setToolTip(
            self.tr(
                "À remplir seulement si un œil ne peut pas être photographié : "
                "l'expert lit cette raison avec les images."
            )
        )
        self._row(form, text_binding("single_eye_reason", self.single_eye_reason), self.tr("Un seul œil, pourquoi ?"))
        self.request_box, self.request_form = box, form
        self.layout_.addWidget(box)

    def _build_treatments(self) -> None:
        box = QGroupBox(self.tr("Traitements en cours"))
        column = QVBoxLayout(box)
        self.treatments = QTableWidget(0, 2)
        self.treatments.setHorizontalHeaderLabels([self.tr("Médicament"), self.tr("Posologie")])
        self.treatments.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.treatments.verticalHeader().setVisible(False)
        self.treatments.setMinimumHeight(90)
        self.treatments.setMaximumHeight(150)
        self.treatments.setTabKeyNavigation(False)
        self._cells = _TypedCells(self.treatments)
        self.treatments.setItemDelegate(self._cells)
        self.treatments.itemChanged.connect(self._treatments_edited)
        column.addWidget(self.treatments)
        buttons = QHBoxLayout()
        add = QPushButton(self.tr("Ajouter un traitement"))
        add.clicked.connect(self._add_treatment)
        remove = QPushButton(self.tr("Retirer le traitement choisi"))
        remove.clicked.connect(self._remove_treatment)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.problems["treatments"] = named(QLabel(), "fieldProblem")
        self.problems["treatments"].hide()
        column.addWidget(self.problems["treatments"])
        self.treatments_box = box
        self.layout_.addWidget(box)

    def _build_form(self, specialty: str) -> None:
        """Show the specialty's Questionnaire as fields. Each specialty's fields are made once (per
        language) and kept: changing the specialty back and forth hides one set and shows the other,
        instead of making some forty widgets again on the window's thread at each change."""
        for key in [k for k in self.bindings if k.startswith("form.")]:
            self.bindings.pop(key)
            self.problems.pop(key, None)
        wanted = (specialty, language())
        for made, form in list(self._forms.items()):
            if made[1] != wanted[1]:  # made in another language: made again when needed
                del self._forms[made]
                self._discard(form)
        if self._preparing is not None and self._preparing[0][1] != wanted[1]:
            self._discard(self._preparing[1])
            self._preparing = None
        form = self._forms.get(wanted) or self._make_form(specialty)
        for made, other in self._forms.items():
            if made != wanted:
                other.holder.hide()
        self.bindings.update(form.bindings)
        self.problems.update(form.problems)
        self.labels.update(form.labels)  # two forms may ask the same question (link id) in other words
        form.holder.show()
        self._form_specialty, self._form_language = wanted
        self.form_box.setTitle(self.tr("4. Formulaire : {specialty}").format(specialty=M.specialty_name(specialty)))
        # The form's fields are made after the treatments': put them back in the page's order for Tab.
        chain = [self.summary, *(b.widget for b in form.bindings.values()), self.treatments]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _discard(self, form: _Form) -> None:
        self.form_layout.removeWidget(form.holder)
        form.holder.hide()
        form.holder.deleteLater()

    def _make_form(self, specialty: str) -> _Form:
        """The fields of ``specialty``'s form, made now (or finished, if they were being made)."""
        key = (specialty, language())
        if self._preparing is not None and self._preparing[0] == key:
            _key, form, rows = self._preparing
            self._preparing = None
        else:
            form = _Form(QWidget(), {}, {}, {})
            rows = self._form_rows(specialty, form)
        for _step in rows:
            pass
        self._forms[key] = form
        return form

    def _form_rows(self, specialty: str, form: _Form) -> Iterator[None]:
        """Make ``form``'s fields one by one (a pause after each), in a holder of its own, hidden."""
        holder = form.holder
        holder.hide()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        self.form_layout.addWidget(holder)
        for item in forms.form_items(specialty, language()):
            key = f"form.{item.link_id}"
            label = item.label + (" *" if item.required else "")
            if item.type == "boolean":
                combo = ChoiceBox()
                combo.addItem("—", None)
                combo.addItem(self.tr("Oui"), True)
                combo.addItem(self.tr("Non"), False)
                binding = combo_binding(key, combo)
            elif item.type == "choice":
                combo = ChoiceBox()
                combo.addItem("—", None)
                for code, display in item.options:
                    combo.addItem(display, code)
                binding = combo_binding(key, combo)
            elif item.type in ("integer", "decimal"):
                # Said in the field: the validator silently drops a word typed there (« aucune »).
                edit = QLineEdit(placeholderText=self.tr("un nombre entier"))
                if item.type == "integer":
                    edit.setValidator(QIntValidator(edit))
                else:
                    edit.setPlaceholderText(self.tr("un nombre (virgule permise)"))
                binding = text_binding(
                    key,
                    edit,
                    empty=None,
                    to_model=number_to_model(item.type, fractions=item.takes_fraction),
                    to_text=number_to_text,
                )
            elif item.type == "date":
                binding = date_binding(key, QLineEdit(placeholderText=self.tr("JJ/MM/AAAA")), empty=None)
            elif item.type == "text":
                text = QPlainTextEdit()
                text.setTabChangesFocus(True)
                text.setMaximumHeight(80)
                binding = plain_binding(key, text, empty=None)
            else:
                binding = text_binding(key, QLineEdit(), empty=None)
            self._row(column, binding, label, form)
            yield

    def prepare_forms(self) -> None:
        """Make the forms of the other specialties while the window is idle, a few fields at a time
        (never more than a few ms of the window's thread), so that the first change to one of them
        shows fields already made."""
        if not self._prepare_timer.isActive():
            self._prepare_timer.start()

    def _prepare_next(self) -> None:
        if self.case is None:
            self._prepare_timer.stop()
            return
        if self._preparing is None:
            missing = [code for code in forms.FORM_SPECIALTIES if (code, language()) not in self._forms]
            if not missing:
                self._prepare_timer.stop()
                return
            form = _Form(QWidget(), {}, {}, {})
            self._preparing = ((missing[0], language()), form, self._form_rows(missing[0], form))
        key, form, rows = self._preparing
        until = time.monotonic() + PREPARE_SLICE_S
        for _step in rows:
            if time.monotonic() > until:
                return
        self._preparing = None
        self._forms[key] = form

    # -- the case -----------------------------------------------------------------------------

    def set_case(self, case: Case) -> None:
        self.flush()
        self._dates_filled_in.clear()
        self._as_read[case.id] = _edited_copy(case)  # (before edits refused are put back: hers, not the store's)
        refused = self._refused.pop(case.id, None)
        if refused is not None and case.state in EDITABLE_STATES:
            # Its last edits could not be saved once the user had left it: they are back, to be saved.
            for name in _EDITED:
                setattr(case, name, getattr(refused, name))
            self._dirty = True
            self._save_timer.start()
        # A treatment's cell left open from the case shown until now (another case opened from a notification
        # while it was typed): closed, or its keys, and « Échap », went into this case's table (found in review).
        self._cells.close_open()
        self.case = case
        if refused is None:  # (refused edits keep the revision they were made over)
            self._revisions[case.id] = case.revision
        self.undo_stack.clear()
        #: The checked traits as the case was opened: a trait changed from one of them (not one filled where
        #: there was none, the INS typed after the status was chosen) takes the status back.
        self._opened_traits = {key: get_value(case, key) for key in CHECKED_TRAITS}
        self.requalify_note.hide()
        self._stash.clear()
        # The same specialty's fields are reused (every field is written below): building them again
        # was most of the time it took to open a case.
        if (case.specialty, language()) != (self._form_specialty, self._form_language):
            self._build_form(case.specialty)
        for key, binding in self.bindings.items():
            binding.write(get_value(case, key))
        self._load_treatments()
        self._identity_shown()
        self._show_specialty_fields()
        self._show_enabled_questions()
        self._suggest_consent_by()
        self._gate()
        self.scroll_area.verticalScrollBar().setValue(0)  # a case opens on its first section, the consent
        self.prepare_forms()

    def apply(self, key: str, value: Any, *, stated: str | None = None) -> None:
        """Set a field (undo/redo and prefilled values) in the case and in its widget; ``stated``, an edit
        undone: ``Case.identity_origin`` as it was before it."""
        assert self.case is not None
        set_value(self.case, key, value)
        if key == "specialty":
            self._specialty_changed()
        binding = self.bindings.get(key)
        if binding is not None:
            binding.write(value)
        self._after_edit(key, stated)

    def _edited(self, binding: Binding) -> None:
        if self.case is None:
            return
        old, new = get_value(self.case, binding.key), binding.read()
        if old == new:
            return
        if isinstance(old, list | dict):
            old = type(old)(old)
        set_value(self.case, binding.key, new)
        edit = FieldEdit(self, binding.key, self.labels.get(binding.key, binding.key), old, new)
        status = self.case.patient.identity_status
        checked = self._opened_traits.get(binding.key) not in (None, "", [], "unknown")  # (a sex not told)
        fallback = status_after_change(status, binding.key) if checked else None
        today = clock.today().isoformat()
        # The status chosen (again) once a trait was changed by hand: she has just checked the traits on the ID
        # document (the sentence under the status asked her to), the date of that check is today's, not the
        # earlier one's (the hospital system's, of the trait before it was corrected). In the same undo step.
        redate = (
            binding.key == "patient.identity_status"
            and new in ("validated", "qualified")
            and self._traits_changed()
            and self.case.patient.identity_document in IDENTITY_DOCUMENTS
            and self.case.patient.identity_checked_on != today
        )
        if redate:
            self.undo_stack.beginMacro(edit.text())
            self.undo_stack.push(edit)
            dated = self.case.patient.identity_checked_on
            self.apply("patient.identity_checked_on", today)
            label = self.labels.get("patient.identity_checked_on", "patient.identity_checked_on")
            self.undo_stack.push(FieldEdit(self, "patient.identity_checked_on", label, dated, today))
            self.undo_stack.endMacro()
            self._dates_filled_in[self.identity_checked_on] = self.identity_checked_on.text()
        elif fallback is not None:
            # One step: undone, the trait and the status come back together.
            self.undo_stack.beginMacro(edit.text())
            self.undo_stack.push(edit)
            self.apply("patient.identity_status", fallback)
            label = self.labels.get("patient.identity_status", "patient.identity_status")
            self.undo_stack.push(FieldEdit(self, "patient.identity_status", label, status, fallback))
            self.undo_stack.endMacro()
            self._requalify_said(status, binding.key)
        else:
            self.undo_stack.push(edit)
        if binding.key == "specialty":
            self._specialty_changed()
        if binding.key == "consent.given" and new:
            self._prefill_consent()
        if binding.key == "patient.identity_document" and new in IDENTITY_DOCUMENTS:  # not « Aucune »
            self._prefill_checked_on()
        self._after_edit(binding.key)

    def _traits_changed(self) -> bool:
        """Whether a strict trait the case was opened with (the INS aside: INSi's, not the document's) was
        changed by hand since."""
        assert self.case is not None
        return any(
            get_value(self.case, key) != opened
            for key, opened in self._opened_traits.items()
            if key != "patient.ins" and opened not in (None, "", [], "unknown")
        )

    def _requalify_said(self, status: str, key: str) -> None:
        """Under the status, what a change by hand took from it and the way back. A trait of a validated
        identity: not checked on the ID document, she checks it there (no INSi: a validated identity never
        used it) and chooses « Validée » again; the INS, or a recovered identity: INSi and the document."""
        if key != "patient.ins" and status == "validated":
            text = self.tr(
                "Un trait d'identité a été modifié : il n'a pas été contrôlé sur la pièce d'identité, l'identité "
                "n'est plus « Validée ». Vérifiez-le sur la pièce d'identité, puis choisissez de nouveau "
                "« Validée » : la date du contrôle devient celle du jour."
            )
        else:
            text = self.tr(
                "Un trait d'identité ou l'INS a été modifié : l'identité n'a plus le statut qu'elle avait. "
                "Vérifiez-la de nouveau (téléservice INSi, pièce d'identité), puis choisissez son statut."
            )
        self.requalify_note.setText(text)
        self.requalify_note.show()

    def _prefill_consent(self) -> None:
        assert self.case is not None
        if not self.case.consent.date:
            self.apply("consent.date", clock.today().isoformat())
            self._dates_filled_in[self.consent_date] = self.consent_date.text()
        self._suggest_consent_by()

    def _suggest_consent_by(self) -> None:
        """The last name typed in « Recueilli par », offered (never filled: see _build_consent)."""
        last = self.store.settings.get("state.consent_recorded_by")
        self.consent_by_names.setStringList([last] if isinstance(last, str) and last.strip() else [])

    def _consent_by_picked(self, binding: Binding, text: str) -> None:
        if self.consent_by.text() != text:
            self.consent_by.setText(text)
        self._edited(binding)

    def _prefill_checked_on(self) -> None:
        """A document just chosen was most likely checked today: the date is offered in the field right
        under it, where it is seen and can be corrected. Never on the status alone: a date of a check
        with no document would be a trace nobody entered."""
        assert self.case is not None
        patient = self.case.patient
        if patient.identity_status in ("validated", "qualified") and not patient.identity_checked_on:
            self.apply("patient.identity_checked_on", clock.today().isoformat())
            self._dates_filled_in[self.identity_checked_on] = self.identity_checked_on.text()

    def _specialty_changed(self) -> None:
        """The previous form's answers are put aside (and come back if the user returns to it)."""
        assert self.case is not None
        old, new = self._form_specialty, self.case.specialty
        if old == new:
            return
        self._stash[old] = dict(self.case.form)
        self.case.form = self._stash.pop(new, {})
        self._build_form(new)
        for key, binding in self.bindings.items():
            if key.startswith("form."):
                binding.write(get_value(self.case, key))
        self.specialty_changed.emit(new)
        self._show_specialty_fields()
        self._show_enabled_questions()

    def _show_enabled_questions(self) -> None:
        """A question the other answers do not ask (its form's enableWhen: an eye's acuity as a figure
        once it is said in words, « compte les doigts ») is greyed where it stands, as it is answered:
        neither asked for, nor sent, nor printed. What it holds is kept, and counts again if the other
        answer is taken back."""
        if self.case is None:
            return
        enabled = forms.enabled_items(self.case.specialty, self.case.form)
        for key, binding in self.bindings.items():
            if key.startswith("form."):
                row = binding.widget.parentWidget()
                assert row is not None  # _row put the field in a holder widget: its caption and problem line
                row.setEnabled(key.removeprefix("form.") in enabled)

    def _show_specialty_fields(self) -> None:
        """The single-eye reason is a retinography's business: shown for ophthalmology only."""
        retina = self.case is not None and self.case.specialty in PER_EYE
        row = self.single_eye_reason.parentWidget()
        assert row is not None  # _row put the field in a holder widget: the form row it shows or hides
        self.request_form.setRowVisible(row, retina)

    def _after_edit(self, key: str, stated: str | None = None) -> None:
        if self.case is not None and stated is not None:
            self.case.identity_origin = stated  # an edit undone: as the case was before it
        elif key in _STATED and self.case is not None:
            # She states the identity here, the list of documents in front of her: the window's rule for the
            # document not said (app/validation.py), a case file's case too.
            self.case.identity_origin = ORIGIN_WINDOW
        if key == "patient.identity_status" and self.case is not None:
            self.case.identity_status_missing = False  # answered: stored with the next save
            if self.case.patient.identity_status in ("recovered", "validated", "qualified"):
                self.requalify_note.hide()  # chosen again (or the change undone)
        if key.startswith("patient.identity") or key in ("patient.given", "patient.birth_place", "patient.birth_date"):
            self._identity_shown()
        if key.startswith("form."):
            self._show_enabled_questions()
        self._dirty = True
        self._save_timer.start()
        if not self._save_deadline.isActive():  # from the first edit not saved, not from the last
            self._save_deadline.start()
        if key == "consent.given":
            self._gate()
        self.changed.emit()

    def _gate(self) -> None:
        given = bool(self.case and self.case.consent.given)
        for box in self.gated:
            box.setEnabled(given)
        self.consent_changed.emit(given)

    # -- treatments ---------------------------------------------------------------------------

    def _load_treatments(self) -> None:
        assert self.case is not None
        blocked = self.treatments.blockSignals(True)
        self.treatments.setRowCount(len(self.case.treatments))
        for row, treatment in enumerate(self.case.treatments):
            self.treatments.setItem(row, 0, QTableWidgetItem(treatment.name))
            self.treatments.setItem(row, 1, QTableWidgetItem(treatment.dosage))
        self.treatments.blockSignals(blocked)

    def _treatments_edited(self, _item: QTableWidgetItem) -> None:
        if self.case is None:
            return
        for row, treatment in enumerate(self.case.treatments):
            name, dosage = self.treatments.item(row, 0), self.treatments.item(row, 1)
            treatment.name = name.text() if name else ""
            treatment.dosage = dosage.text() if dosage else ""
        self._after_edit("treatments")

    def _add_treatment(self) -> None:
        if self.case is None:
            return
        self.case.treatments.append(Treatment(name=""))
        self._load_treatments()
        row = len(self.case.treatments) - 1
        self.treatments.setCurrentCell(row, 0)
        cell = self.treatments.item(row, 0)
        assert cell is not None  # _load_treatments fills every row it shows
        self.treatments.editItem(cell)
        self._after_edit("treatments")

    def _remove_treatment(self) -> None:
        row = self.treatments.currentRow()
        if self.case is None or not 0 <= row < len(self.case.treatments):
            return
        del self.case.treatments[row]
        self._load_treatments()
        self._after_edit("treatments")

    # -- saving -------------------------------------------------------------------------------

    def flush(self) -> bool:
        """Save now if anything changed since the last save (on the writer thread, never on this
        one: a slow disk must not freeze typing). A refusal comes back as ``save_failed``, and the
        edits stay to be saved again."""
        self._save_timer.stop()
        self._save_deadline.stop()
        self._retry_timer.stop()  # this save is the try: planned again only if it is refused too
        if not self._dirty or self.case is None:
            return True
        case = self.case
        # What is typed from now on goes into the next save, not into this one half-way.
        snapshot = copy.deepcopy(case)
        recorded_by = case.consent.recorded_by.strip()
        self._dirty = False

        def save(own: Store) -> None:
            # The capture panel saves each image's labels itself (update_image_labels): the case's
            # content only, here.
            self.write_content(own, snapshot)
            if recorded_by:
                own.settings.set("state.consent_recorded_by", recorded_by)

        run_write(
            on_own_connection(self.store, save),
            lambda _none: self._save_done(case.id),
            lambda exc: self._save_refused(case, exc, snapshot),
        )
        return True

    def write_content(self, own: Store, case: Case) -> None:
        """Save ``case``'s content (on the writer thread) over the revision this window last read or saved,
        never over a change it did not see (:class:`CaseChanged`)."""
        own.update_case(case, images=False, revision=self._revisions.get(case.id))
        self._revisions[case.id] = case.revision

    def _save_done(self, case_id: str) -> None:
        if self.case is not None and self.case.id == case_id and not self._dirty:
            self.saved.emit()

    def _save_refused(self, case: Case, exc: BaseException, snapshot: Case) -> None:
        if not isinstance(exc, TeleavisError):
            log.error("case %s: autosave failed", case.id, exc_info=(type(exc), exc, exc.__traceback__))
        else:
            log.warning("case %s: autosave failed", case.id)
        words = exc.message if isinstance(exc, TeleavisError) else self.tr("erreur interne, voir le journal")
        if isinstance(exc, CaseChanged | InvalidTransition):
            # Saved or sent elsewhere meanwhile: saving again would be refused again at every keystroke
            # (or, sent, never be sent). The case is read again as it is stored, and the user told.
            # What she typed (up to now when it is still on screen, else up to the save) goes with it: shown to
            # her, never dropped unseen (found in review: the poll followed a refused case as sent while she
            # corrected it, and her words were gone).
            typed = self.case if self.case is case else snapshot
            if self.case is not None and self.case.id == case.id:
                self._save_timer.stop()
                self._save_deadline.stop()
                self._dirty = False
            self.changed_elsewhere.emit(case.id, "sent" if isinstance(exc, InvalidTransition) else "changed", typed)
            return
        if self.case is case:
            self._dirty = True  # saved again with the next edit, when the case is left, or by the next try
            if self.isVisible():  # not once the case is left for the list or the lock (saved when reopened)
                self._retry_timer.start()
            self.save_failed.emit(words)
            return
        self._refused[case.id] = snapshot
        if self.case is not None and self.case.id == case.id and not self._dirty:
            # The same case, opened again before the refusal came: it was read back from the disk,
            # without these edits. They are put back now, to be saved.
            self.set_case(self.case)
            self.save_failed.emit(words)
            return
        # Another case is open: the edits are kept for when this one is opened again, and the message
        # names the case they belong to (not the one on screen).
        # Said by its id, not its patient's name: the status bar stays on screen under the lock.
        self.other_save_failed.emit(
            self.tr(
                "Les dernières modifications du dossier {id} n'ont pas pu être enregistrées ({words}) ; "
                "elles sont gardées jusqu'à la fermeture de Teleavis : rouvrez ce dossier pour les enregistrer."
            ).format(id=case.id[:8], words=words.rstrip(". "))
        )

    def save_refused_again(self) -> None:
        """At close: one more try for the edits of cases left before their save was refused (the disk
        may have room again). Still refused, they are lost, and the log says which case's."""
        for case_id, snapshot in list(self._refused.items()):
            self._save_again(case_id, snapshot)

    def _save_again(self, case_id: str, snapshot: Case) -> None:
        def save(own: Store) -> None:
            self.write_content(own, snapshot)

        def saved(_none: None) -> None:
            self._refused.pop(case_id, None)

        def lost(_exc: BaseException) -> None:
            log.error("case %s: edits lost at close, their save refused again", case_id)

        run_write(on_own_connection(self.store, save), saved, lost)

    def pending(self) -> bool:
        return self._dirty

    def retrying(self) -> bool:
        """Whether a refused save of the case on screen is to be tried again by itself."""
        return self._retry_timer.isActive()

    def _retry(self) -> None:
        if self.isVisible():  # the case still on screen: left, it is saved when opened again, or at the close
            self.flush()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The case back on screen with a save refused (its try came under the lock, or none was planned while
        # it was hidden): tried again by itself as before, not at her next edit only (found in review).
        if self._dirty and self.case is not None and not self._save_timer.isActive():
            self._retry_timer.start()

    def as_read(self, case_id: str) -> Case | None:
        """The case's content as this window last read it from the store (before it is read again)."""
        return self._as_read.get(case_id)

    def typed_words(self, typed: Case, stored: Case, read: Case | None) -> str:
        """What the user changed in ``typed`` (her copy of a case) from ``read`` (as this window had read it,
        :meth:`as_read`) that ``stored`` does not hold, each under its field's name: her text fields and
        treatments, whole (a choice changed is said by its field's name). Not a field someone else changed."""
        parts: list[str] = []
        for key in self.bindings:
            mine, theirs = get_value(typed, key), get_value(stored, key)
            if mine == theirs or mine in (None, "", [], {}) or (read is not None and mine == get_value(read, key)):
                continue
            label = self.labels.get(key, key)
            parts.append(f"{label} :\n{mine.strip()}" if isinstance(mine, str) else label)
        if typed.treatments not in (stored.treatments, [], read.treatments if read is not None else None):
            lines = [" — ".join(p for p in (t.name.strip(), t.dosage.strip()) if p) for t in typed.treatments]
            parts.append(self.tr("Traitements en cours :") + "\n" + "\n".join(line for line in lines if line))
        return "\n\n".join(parts)

    def forget(self, case_id: str) -> None:
        """``case_id`` is being deleted (a draft): none of its edits is saved any more, none undone."""
        self._refused.pop(case_id, None)
        self._as_read.pop(case_id, None)
        self._revisions.pop(case_id, None)
        if self.case is not None and self.case.id == case_id:
            self._save_timer.stop()
            self._save_deadline.stop()
            self._retry_timer.stop()
            self._dirty = False
            self.case = None
            self.undo_stack.clear()

    # -- findings -----------------------------------------------------------------------------

    def show_findings(self, findings: list[Finding]) -> None:
        """Each finding next to its field (the checklist shows them all)."""
        by_field: dict[str, list[str]] = {}
        for finding in findings:
            key = "treatments" if finding.field.startswith("treatments") else finding.field
            by_field.setdefault(key, []).append(finding.message)
        for key, label in self.problems.items():
            messages = by_field.get(key, [])
            label.setText("\n".join(messages))
            label.setVisible(bool(messages) and self._touched(key))
            binding = self.bindings.get(key)
            if binding is not None:
                invalid = bool(messages) and self._touched(key)
                marked(binding.widget, "invalid", invalid)
                # The red border is not read, nor the line under the field: the field says its problem
                # itself to a screen reader, as it gets the focus (its tooltip again once it is right).
                problem = label.text() if invalid else ""
                if binding.widget.accessibleDescription() != problem:
                    binding.widget.setAccessibleDescription(problem)

    def _touched(self, key: str) -> bool:
        """A field shows its problem once it has a value (an empty form is not a wall of red)."""
        if self.case is None:
            return False
        if key == "patient.ins":
            return bool(self.case.patient.ins)
        value = get_value(self.case, key) if key in self.bindings else None
        return value not in (None, "", [], False, "unknown")

    def focus_field(self, key: str) -> bool:
        binding = self.bindings.get("patient.ins" if key == "patient.identifier" else key)
        if key.startswith("treatments"):
            self.scroll_area.ensureWidgetVisible(self.treatments)
            self.treatments.setFocus()
            return True
        if binding is None:
            return False
        self.scroll_area.ensureWidgetVisible(binding.widget)
        binding.widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    def _types_over_filled_date(self, watched: QObject, event: QKeyEvent) -> bool:
        """Whether ``event`` types a figure into a date filled in for the nurse, untouched since."""
        text = event.text()
        filled = self._dates_filled_in.get(watched) if isinstance(watched, QLineEdit) else None
        return (
            bool(text)
            and text.isprintable()
            and isinstance(watched, QLineEdit)
            and filled is not None
            and watched.text() == filled
            and not watched.hasSelectedText()
        )

    def _offer_consent_by(self) -> None:
        if self.consent_by.hasFocus() and not self.consent_by.text():
            self.consent_by_completer.setCompletionPrefix("")
            self.consent_by_completer.complete()

    # -- undo keys inside text fields -----------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.consent_by
            and event.type() == QEvent.Type.FocusIn
            and not self.consent_by.text()
            and self.consent_by_names.rowCount()
        ):
            # The suggestion is seen where it is to be chosen; typing on filters or ignores it.
            QTimer.singleShot(0, self._offer_consent_by)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if isinstance(watched, QLineEdit) and self._types_over_filled_date(watched, event):
                # The date filled in for her, typed into: what she types takes its place (it was added to
                # it, « 05/12/202604/12/2026 »). A date she typed herself is edited where she types.
                watched.selectAll()
            if event.matches(QKeySequence.StandardKey.Undo):
                self.undo_stack.undo()
                return True
            if event.matches(QKeySequence.StandardKey.Redo):
                self.undo_stack.redo()
                return True
        return super().eventFilter(watched, event)
