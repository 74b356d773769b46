"""Helpers for driving the window: a site, and typing the way a user does."""

from __future__ import annotations

from typing import Any

from app.db import transaction
from app.model import Answer, Case, CaseState, Consent, Patient, Requester

REQUESTER = Requester(
    rpps="10101010105",
    family="DURAND",
    given=["Anne"],
    role="Médecin généraliste",
    finess="750000010",
    organization="Centre de santé de Saint-Martin",
    patient_id_system="urn:oid:1.2.250.1.999.1.1",
)


def type_text(widget: object, text: str) -> None:
    """Type ``text`` into ``widget`` key by key, accents included (QTest only knows ASCII keys)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        key = (
            ord(char.upper())
            if char.isascii() and char.isalnum()
            else (Qt.Key.Key_Space if char == " " else Qt.Key.Key_unknown)
        )
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)  # type: ignore[arg-type]


def pick(qtbot: object, combo: object, value: object) -> None:
    """Choose the item carrying ``value`` with the arrow keys, as a keyboard user does."""
    from PySide6.QtCore import Qt

    target = combo.findData(value)  # type: ignore[attr-defined]
    assert target >= 0, f"no item {value!r}"
    combo.setFocus()  # type: ignore[attr-defined]
    for _ in range(50):
        current = combo.currentIndex()  # type: ignore[attr-defined]
        if current == target:
            return
        key = Qt.Key.Key_Down if current < target else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)  # type: ignore[attr-defined]
    raise AssertionError("the combo box did not move")


def fill_request(qtbot: object, editor: object, *, ins: str = "150028512345615") -> None:
    """Consent, identity, question, summary and the dermatology form, typed into the editor."""
    from PySide6.QtCore import Qt

    from tests.support.cases import DERMATOLOGY_FORM

    ed: Any = editor
    if not ed.consent_given.isChecked():
        ed.consent_given.setFocus()
        qtbot.keyClick(ed.consent_given, Qt.Key.Key_Space)  # type: ignore[attr-defined]
    if not ed.consent_by.text():
        type_text(ed.consent_by, "Inf. Durand")
    type_text(ed.family, "Martin")
    type_text(ed.given, "Paul")
    type_text(ed.birth_date, "03/02/1950")
    pick(qtbot, ed.sex, "male")
    if ins:
        type_text(ed.ins, ins)
        # The INS goes to the expert only for a qualified identity: checked on INSi and a passport.
        pick(qtbot, ed.identity_status, "qualified")
        pick(qtbot, ed.identity_document, "PA")
    type_text(ed.question, "Lésion pigmentée évolutive du dos : avis sur exérèse ?")
    type_text(ed.summary, "Apparue il y a 6 mois, saigne au contact.")
    for link_id, value in DERMATOLOGY_FORM.items():
        widget = ed.bindings[f"form.{link_id}"].widget
        if isinstance(value, bool) or link_id == "phototype":
            pick(qtbot, widget, value)
        else:
            type_text(widget, str(value))


def activate(qtbot: Any, window: Any) -> None:
    """Show ``window`` and make it the active window, so its keyboard shortcuts work."""
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow, timeout=30_000)


def complete_case(store: Any, folder: Any, **changes: Any) -> str:
    """The docs/cli.md example case, complete and with its two photos, stored as a draft; its id."""
    from app.casefile import parse_case, read_json_file
    from app.commands.cases import load_images
    from tests.support.cases import example_case

    path = example_case(folder, **changes)
    parsed = parse_case(read_json_file(path), folder)
    return str(store.create_case(parsed.case, load_images(parsed.images, parsed.case.specialty, parsed.case)))


def sent_case(store: Any, patient: Patient | None = None, *, then: tuple[CaseState, ...] = ()) -> str:
    """A case queued and sent to the platform (then moved through the states ``then``); its id."""
    case = Case(
        patient=patient or Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03"),
        consent=Consent(given=True, recorded_by="Inf. Durand"),
        question="Lésion pigmentée évolutive du dos : avis sur exérèse ?",
    )
    store.create_case(case, [])
    store.queue(case.id)
    for state in (CaseState.SENDING, CaseState.SENT, *then):
        store.transition(case.id, state)
    return case.id


def answered_case(store: Any, patient: Patient | None = None, answer: Answer | None = None) -> str:
    """A case that went the whole way, with the expert's answer (``answer``, else one with no report
    attached)."""
    case_id = sent_case(store, patient)
    with transaction(store.conn) as conn:
        store.set_answer(
            conn,
            case_id,
            answer
            or Answer(
                conclusion="Lésion suspecte de carcinome basocellulaire superficiel : exérèse conseillée.",
                expert="Hélène MOREAU",
                issued="2026-11-23T10:00:00+01:00",
                follow_up_days=14,
            ),
        )
        store.transition(case_id, CaseState.ANSWERED, conn=conn)
    return case_id


def open_from_list(qtbot: Any, window: Any, case_id: str) -> None:
    """Select the case's row and press Entrée, as the nurse does."""
    from PySide6.QtCore import Qt

    worklist = window.worklist
    worklist.set_filter("all")
    row = worklist.model.row_of(case_id)
    assert row >= 0
    worklist.table.setFocus()
    worklist.table.selectRow(row)
    qtbot.keyClick(worklist.table, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert window.pages.currentWidget() is window.case_page and window.case_page.case.id == case_id


def shown(qtbot: Any, store: Any, case_id: str) -> Any:
    """The follow view of ``case_id``, shown (the answer, the conversation, the request)."""
    from ui.follow_view import FollowView

    view = FollowView(store)
    qtbot.addWidget(view)
    view.set_case(store.get_case(case_id))
    view.show()
    return view


def send_reply_with_a_photo(qtbot: Any, view: Any, photo: Any, site: str, words: str) -> None:
    """On ``view`` (a follow view whose expert asked): ``photo`` joined to the reply, its place written, the
    reply typed and sent by its button, as the nurse does."""
    from PySide6.QtCore import Qt

    view.add_reply_files([photo])
    [field] = view.reply_places.fields
    field.setText(site)
    type_text(view.reply, words)
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
