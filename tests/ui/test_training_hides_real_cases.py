"""Training mode on a real workstation: the worklist shows the training cases only, and says the real ones
are hidden; they come back, and go on leaving, once training ends."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.model import Case, Patient
from app.store import Store
from tests.support.ui import activate
from tests.ui.test_worklist import patient_column, search_for
from ui.main_window import MainWindow


def _real(store: Store, family: str, given: str, born: str) -> str:
    return store.create_case(Case(patient=Patient(family=family, given=[given], birth_date=born)), [])


def test_a_trainee_at_a_real_workstation_sees_only_the_training_cases(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Found from outside: training mode turned on at a real cart (a trainee's hour) listed every real
    patient's case beside the exercises, names and birth dates, and a search found any of them. While
    training is on, the list, its counts and its search hold the training cases only, a line saying the
    real ones are hidden; a real case queued stays queued for the real platform."""
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    store.settings.set("training", "off")
    _real(store, "Dupont", "Jeanne", "1948-05-01")
    queued = _real(store, "Lefebvre", "Marc", "1939-11-20")
    store.queue(queued)
    queued_state = store.state(queued)
    store.settings.set("training", "on")
    store.create_case(Case(patient=Patient(family="Exercice", given=["Alice"], birth_date="1980-01-01")), [])

    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    worklist = window.worklist
    qtbot.mouseClick(worklist.filter_buttons["all"], Qt.MouseButton.LeftButton)
    assert patient_column(window) == ["[Formation] EXERCICE Alice (01/01/1980)"]
    assert worklist.filter_buttons["all"].text() == "Tous (1)"
    assert worklist.filter_buttons["waiting"].text() == "En attente (0)"
    notice = worklist.notice
    assert notice.isVisible() and "2 dossier" in notice.text() and "masqué" in notice.text()
    search_for(qtbot, window, "dupont")
    assert worklist.model.rowCount() == 0, "a real patient is not found in training"
    search_for(qtbot, window, "")
    assert store.destination(queued) == "platform", "still for the real platform, kept waiting"
    assert store.state(queued) == queued_state

    store.settings.set("training", "off")
    worklist.refresh()
    qtbot.mouseClick(worklist.filter_buttons["all"], Qt.MouseButton.LeftButton)
    assert sorted(patient_column(window)) == [
        "DUPONT Jeanne (01/05/1948)",
        "LEFEBVRE Marc (20/11/1939)",
        "[Formation] EXERCICE Alice (01/01/1980)",
    ]
    assert worklist.filter_buttons["all"].text() == "Tous (3)"
    assert not notice.isVisible()

    # Turned on again from the settings (the code typed): the list follows at once.
    from tests.conftest import PASSPHRASE
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(store, window)
    dialog.platform.training.setChecked(True)
    dialog.platform_code.setText(PASSPHRASE)
    dialog.save()
    assert dialog.result(), dialog.problem.text()
    window._settings_closed(dialog, dialog.result())
    assert patient_column(window) == ["[Formation] EXERCICE Alice (01/01/1980)"]
    assert notice.isVisible()
    window.shutdown()


def test_training_mode_is_turned_on_or_off_from_the_settings_only_with_the_current_code(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Found from outside: Réglages > Plateforme > « Mode formation », saved at a window left unlocked a
    moment, nothing asked: the real cases stopped leaving (they wait for training's end) and left the list.
    Where the cases go, it asks the current code (or the passphrase) as the platform's address does."""
    from tests.conftest import PASSPHRASE
    from ui.settings_dialog import SettingsDialog

    store.settings.set("platform.url", "https://plateforme.example/fhir")
    store.settings.set("training", "off")
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    dialog.platform.training.setChecked(True)
    dialog.save()
    assert not dialog.result()
    assert "code actuel" in dialog.problem.text() and "où partent les dossiers" in dialog.problem.text()
    assert store.settings.get("training") == "off"

    dialog.platform_code.setText(PASSPHRASE)
    dialog.save()
    assert dialog.result(), dialog.problem.text()
    assert store.settings.get("training") == "on"

    back = SettingsDialog(store)
    qtbot.addWidget(back)
    back.platform.real.setChecked(True)
    back.save()
    assert not back.result(), "ending it asks too: the cases go elsewhere"
    back.platform_code.setText(PASSPHRASE)
    back.save()
    assert back.result(), back.problem.text()
    assert store.settings.get("training") == "off"


def test_in_training_the_list_opens_on_what_matters_among_the_training_cases(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """A real case's unread answer opened the list on « Réponses », empty in training: the trainee saw no
    case and the exercise she had begun was under another filter."""
    from tests.support.ui import answered_case

    store.settings.set("platform.url", "https://plateforme.example/fhir")
    store.settings.set("training", "off")
    answered_case(store, Patient(family="Dupont", given=["Jeanne"], birth_date="1948-05-01"))
    store.settings.set("training", "on")
    store.create_case(Case(patient=Patient(family="Exercice", given=["Alice"], birth_date="1980-01-01")), [])

    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    assert window.worklist.current_filter() == "to-finish"
    assert patient_column(window) == ["[Formation] EXERCICE Alice (01/01/1980)"]
    window.shutdown()


def test_in_training_the_title_and_the_tray_count_the_training_cases_to_read_only(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Found from outside: training mode on at a real cart, the list held the exercises only, but the window's
    title and the tray's tooltip still counted the real patients' answers waiting to be read (« (1) Teleavis »,
    « 1 dossier(s) à lire »), which the trainee could look for and not find. In training they count the
    training cases only; the real ones count again once training ends."""
    from tests.support.ui import answered_case

    store.settings.set("platform.url", "https://plateforme.example/fhir")
    store.settings.set("training", "off")
    real = answered_case(store, Patient(family="DURAND", given=["Anne"], birth_date="1960-05-06"))
    store.conn.execute("UPDATE cases SET unread = 1 WHERE id = ?", (real,))
    store.settings.set("training", "on")

    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    window._update_badge()
    assert window.windowTitle() == "Teleavis"
    assert window.notifier.unread == 0 and window.notifier.tip == "Teleavis"

    store.settings.set("training", "off")
    window._update_badge()
    assert window.windowTitle() == "(1) Teleavis"
    assert window.notifier.unread == 1
    window.shutdown()


def test_in_training_the_tray_says_nothing_of_a_real_case_overdue(qtbot: Any, store: Store, sync_runner: None) -> None:
    """The same for the tray's « Réponse en retard »: a real case overdue is told once training ends."""
    from tests.sync.sync_helpers import make_case
    from tests.ui.test_overdue import sent

    store.settings.set("platform.url", "https://plateforme.example/fhir")
    store.settings.set("training", "off")
    late = make_case(store, seed=1, queue=False)
    sent(store, late, late_by_days=1)
    store.settings.set("training", "on")

    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    window.refresh_status()
    assert not [text for title, text in window.notifier.shown if title == "Réponse en retard"]

    store.settings.set("training", "off")
    window.refresh_status()
    assert [text for title, text in window.notifier.shown if title == "Réponse en retard"]
    window.shutdown()
