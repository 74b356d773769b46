"""A case followed on one platform only (``cases.destination``): the window says so on the cases sent to
the other one, rather than leaving them to wait, or offering a reply that can never leave."""

from __future__ import annotations

from typing import Any

from app.db import transaction
from app.model import CaseState, Patient
from app.outbox import Outbox
from app.store import Store
from tests.support.french import fr_spaced
from tests.support.ui import sent_case, shown


def asked(store: Store) -> str:
    """A case sent to the platform of the mode now, on which the expert asks a question; its id."""
    case_id = sent_case(store)
    with transaction(store.conn) as conn:
        store.transition(case_id, CaseState.ON_HOLD, conn=conn)
        Outbox(store).add_expert_message(conn, case_id, "c1", "Depuis quand ?", "2026-11-21T10:00:00+01:00")
    return case_id


def test_a_training_cases_question_offers_no_reply_once_a_real_platform_is_set(qtbot: Any, store: Store) -> None:
    """Found from outside: a training case on which the training expert asked a question stayed, after
    the switch to a real platform, with its reply box open; the reply was written, « enregistrée », and
    never left (the engine sets aside what was queued for the training platform)."""
    case_id = asked(store)
    view = shown(qtbot, store, case_id)
    assert view.reply.isVisible() and view.send_reply.isEnabled() and not view.reply_closed.isVisible()

    store.settings.set("platform.url", "https://plateforme.example/fhir")  # training mode ends
    view.refresh()
    assert view.question_box.isVisible()  # the question stays readable
    assert not view.reply.isVisible() and not view.send_reply.isVisible() and not view.add_images.isVisible()
    assert view.reply_closed.isVisible()
    assert "plateforme d'essai" in view.reply_closed.text() and "ne peut pas partir" in view.reply_closed.text()
    assert "plus suivi" in view.detail.text()


def test_a_real_case_says_it_is_not_followed_while_training_mode_is_on(qtbot: Any, store: Store) -> None:
    """A case sent to the real platform, then training mode turned on: followed there only, so nothing
    new comes until training ends. Its page says so, and its reply (queued, it waits) stays offered."""
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    case_id = asked(store)
    view = shown(qtbot, store, case_id)
    assert "formation" not in view.detail.text()
    store.settings.set("training", "on")
    view.refresh()
    assert (
        fr_spaced("Envoyé à la plateforme réelle : ce dossier n'est pas suivi pendant le mode formation")
        in view.detail.text()
    )
    assert view.reply.isVisible() and view.send_reply.isEnabled() and not view.reply_closed.isVisible()


def test_the_training_banner_says_how_many_real_cases_wait_for_its_end(qtbot: Any, qapp: Any, store: Store) -> None:
    """Found from outside: with training mode turned on, the cases sent earlier to the real platform are
    not followed until it ends, and nothing said so: a nurse waited for an answer already given."""
    from ui.application import install_language
    from ui.main_window import MainWindow

    install_language(qapp, "fr")  # (its plural forms)

    store.settings.set("platform.url", "https://plateforme.example/fhir")
    first = asked(store)
    store.settings.set("training", "on")
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    assert window.banner.isVisible()
    assert (
        fr_spaced(
            "1 dossier envoyé à la plateforme réelle n'est pas suivi pendant la formation : sa réponse arrivera quand "
            "vous quitterez le mode formation."
        )
        in window.banner.text()
    )
    asked_again = asked(store)  # (queued in training mode: it goes to the training platform)
    assert store.destination(asked_again) == "training"
    store.conn.execute("UPDATE cases SET destination='platform' WHERE id=?", (asked_again,))
    window.refresh_status()
    assert "2 dossiers envoyés à la plateforme réelle ne sont pas suivis pendant la formation" in window.banner.text()
    with transaction(store.conn) as conn:
        store.transition(first, CaseState.CANCELLED, conn=conn)  # no longer waiting for news
    window.refresh_status()
    assert "1 dossier envoyé" in window.banner.text()
    store.settings.set("training", "auto")  # training ends: the real platform follows them again
    window.apply_settings()
    assert not window.banner.isVisible()
    window.shutdown()


def test_a_training_case_is_marked_in_the_worklist_and_on_its_page_once_training_ends(
    qtbot: Any, store: Store, window: Any
) -> None:
    """Found from outside: after training mode ended, the simulated expert's answers read « réponse reçue —
    à lire » in the worklist like real ones, with no mark anywhere in the window (only the PDF said
    « FORMATION »). A training case says so in the list and on its page, whatever the mode now."""
    from PySide6.QtCore import Qt

    from tests.support.ui import answered_case

    training = answered_case(store)  # sent and answered in training mode (no platform set)
    store.conn.execute("UPDATE cases SET unread = 1 WHERE id = ?", (training,))
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    real = answered_case(store, Patient(family="DURAND", given=["Anne"], birth_date="1960-05-06"))
    window.worklist.set_filter("all")
    model = window.worklist.model
    rows = {model.summary(row).id: row for row in range(model.rowCount())}
    cell = model.index(rows[training], model.PATIENT)
    assert model.data(cell).startswith("● [Formation] MARTIN Paul")
    assert "réponse simulée" in model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert "Formation" not in model.data(model.index(rows[real], model.PATIENT))

    window.open_case(training)
    page = window.case_page
    assert not page.training_mark.isHidden()
    assert page.training_mark.text() == fr_spaced("Dossier de formation : patient fictif, réponse simulée.")
    window.open_case(real)
    assert page.training_mark.isHidden()
