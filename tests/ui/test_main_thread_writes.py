"""The window's thread only draws: a new case, the autosave, an image's labels and its deletion, an
answer marked read, the settings and the first-start wizard are written by the writer thread
(ui/tasks.py), with the real thread pool, never by the main thread."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.store import Store
from tests.support.images import jpeg_bytes, skin_photo
from tests.support.ui import activate, pick, type_text
from ui import tasks
from ui.main_window import MainWindow

WAIT_MS = 20_000
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN IMMEDIATE", "BEGIN EXCLUSIVE")


def stored(store: Store, case_id: str) -> Any:
    """The case as another connection reads it: what was really written."""
    other = store.clone()
    try:
        return other.get_case(case_id)
    finally:
        other.close()


def test_no_durable_write_on_the_main_thread(
    qtbot: Any, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks.set_runner(None)  # the real pool and writer thread, as in use
    main_writes: list[str] = []

    def watch(statement: str) -> None:
        if threading.current_thread() is threading.main_thread() and statement.lstrip().upper().startswith(WRITES):
            main_writes.append(statement.split("(")[0][:60])

    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    store.conn.set_trace_callback(watch)  # the window's own connection, on the main thread
    page = None
    try:
        # A new case (Ctrl+N): created by the writer thread, then opened.
        qtbot.keyClick(window.worklist.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.case_page.case is not None, timeout=WAIT_MS)
        page = window.case_page
        case_id = page.case.id
        editor = page.editor

        # Typing: the autosave.
        editor.consent_given.setFocus()
        qtbot.keyClick(editor.consent_given, Qt.Key.Key_Space)
        type_text(editor.question, "Avis sur une lesion du dos")
        qtbot.waitUntil(lambda: stored(store, case_id).question == "Avis sur une lesion du dos", timeout=WAIT_MS)
        assert stored(store, case_id).consent.given

        # An image (the pipeline's job), then its label, then its deletion.
        panel = page.capture.ensure()
        photo = tmp_path / "dos.jpg"
        photo.write_bytes(jpeg_bytes(skin_photo(1200, 900)))
        panel.import_files([photo])
        qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and len(page.case.images) == 1, timeout=WAIT_MS)
        image = page.case.images[0]
        qtbot.mouseClick(panel.tile(image.id), Qt.MouseButton.LeftButton)
        pick(qtbot, panel.labels.view, "far")
        qtbot.waitUntil(lambda: [i.view for i in stored(store, case_id).images] == ["far"], timeout=WAIT_MS)
        monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
        panel.delete_image(image.id)
        qtbot.waitUntil(lambda: stored(store, case_id).images == [], timeout=WAIT_MS)
        qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=WAIT_MS)
        assert panel.tiles() == []

        # Back to the list: what is still typed is saved, by the writer too.
        type_text(editor.summary, "Depuis six mois")
        window.show_worklist()
        qtbot.waitUntil(lambda: stored(store, case_id).summary == "Depuis six mois", timeout=WAIT_MS)
    finally:
        store.conn.set_trace_callback(None)
        if page is not None:
            page.capture.stop_camera()
        window.shutdown()
        tasks.set_runner(None)
    assert main_writes == [], main_writes


def test_the_chosen_camera_is_remembered_by_the_writer_thread(
    qtbot: Any, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.capture_camera import LiveCamera

    tasks.set_runner(None)
    main_writes: list[str] = []

    def watch(statement: str) -> None:
        if threading.current_thread() is threading.main_thread() and statement.lstrip().upper().startswith(WRITES):
            main_writes.append(statement.split("(")[0][:60])

    live = LiveCamera(store)
    qtbot.addWidget(live)
    monkeypatch.setattr(live, "start", lambda: None)  # no USB camera here: only the choice is under test
    store.conn.set_trace_callback(watch)
    try:
        live.choice.addItem("Caméra de démonstration", "demo:dermatology")
        live.choice.addItem("Dermatoscope USB", "Dermatoscope USB|1234:5678|/dev/video0|200")
        pick(qtbot, live.choice, "Dermatoscope USB|1234:5678|/dev/video0|200")  # as a user chooses it

        def remembered() -> Any:
            other = store.clone()
            try:
                return other.settings.get("camera.id")
            finally:
                other.close()

        qtbot.waitUntil(lambda: remembered() == "Dermatoscope USB|1234:5678|/dev/video0|200", timeout=WAIT_MS)
    finally:
        store.conn.set_trace_callback(None)
        tasks.runner().wait()
        tasks.set_runner(None)
    assert main_writes == [], main_writes


def watching(store: Store) -> list[str]:
    """The write statements the main thread runs on ``store``'s connection, from now on."""
    main_writes: list[str] = []

    def watch(statement: str) -> None:
        if threading.current_thread() is threading.main_thread() and statement.lstrip().upper().startswith(WRITES):
            main_writes.append(statement.split("(")[0][:60])

    store.conn.set_trace_callback(watch)
    return main_writes


def test_an_answer_seen_is_marked_read_by_the_writer_thread(qtbot: Any, store: Store) -> None:
    from tests.support.ui import answered_case, open_from_list

    tasks.set_runner(None)
    case_id = answered_case(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    main_writes = watching(store)
    try:
        open_from_list(qtbot, window, case_id)  # the answer on screen, in the active window: read
        qtbot.waitUntil(lambda: store.platform_info(case_id)["unread"] == 0, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.windowTitle() == "Teleavis", timeout=WAIT_MS)
    finally:
        store.conn.set_trace_callback(None)
        window.shutdown()
        tasks.set_runner(None)
    assert main_writes == [], main_writes


def test_the_settings_dialog_saves_on_the_writer_thread(qtbot: Any, store: Store) -> None:
    from ui.settings_dialog import SettingsDialog

    tasks.set_runner(None)
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    main_writes = watching(store)
    try:
        dialog.lock_minutes.setValue(7)
        dialog.backup_hours.setValue(5)
        dialog.save()
        assert dialog.result() == dialog.DialogCode.Accepted, dialog.problem.text()
    finally:
        store.conn.set_trace_callback(None)
        tasks.set_runner(None)
    assert main_writes == [], main_writes
    other = store.clone()
    try:
        assert (other.settings.get("lock.minutes"), other.settings.get("backup.every_hours")) == (7, 5)
    finally:
        other.close()


def test_a_weak_code_in_the_settings_is_refused_and_nothing_is_written_by_the_window(qtbot: Any, store: Store) -> None:
    from ui.settings_dialog import SettingsDialog

    tasks.set_runner(None)
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    main_writes = watching(store)
    try:
        before = store.settings.get("lock.minutes")
        dialog.lock_minutes.setValue(before + 3)
        dialog.pin.setText("1234")
        dialog.save()  # the writer's error comes back to the dialog, which stays open to say it
        assert dialog.result() != dialog.DialogCode.Accepted and dialog.problem.text()
    finally:
        store.conn.set_trace_callback(None)
        tasks.set_runner(None)
    assert main_writes == [], main_writes
    assert store.settings.get("lock.minutes") == before, "a refused save writes nothing: fix the code, save again"


def test_the_first_start_wizard_saves_on_the_writer_thread(
    qtbot: Any, teleavis_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import screen_lock
    from tests.support.keyring import memory_keyring
    from ui.setup_wizard import SetupWizard

    tasks.set_runner(None)
    monkeypatch.delenv("TELEAVIS_PASSPHRASE")  # the key in the OS keyring: the wizard asks a lock code
    with memory_keyring(), Store.open(teleavis_home) as store:
        wizard = SetupWizard(store)
        qtbot.addWidget(wizard)
        main_writes = watching(store)
        try:
            site = wizard.site
            for edit, text in (
                (site.rpps, "10000000017"),
                (site.family, "DURAND"),
                (site.given, "Claire"),
                (site.finess, "750000010"),
                (site.organization, "EHPAD Les Tilleuls"),
            ):
                edit.setText(text)
            assert site.save(), site.problems.text()
            wizard.platform.real.setChecked(True)
            wizard.platform.url.setText("https://plateforme.example/fhir")
            assert wizard.platform.save() and wizard.platform.changed, wizard.platform.result.text()
            assert wizard.pin is not None
            wizard.pin.first.setText("4821")
            wizard.pin.second.setText("4821")
            assert wizard.pin.save(), wizard.pin.problem.text()
        finally:
            store.conn.set_trace_callback(None)
            tasks.set_runner(None)
        assert main_writes == [], main_writes
        assert store.settings.get("site.requester")["rpps"] == "10000000017"
        assert store.settings.get("platform.url") == "https://plateforme.example/fhir"
        assert screen_lock.has_pin(store)


def test_the_training_option_is_written_by_the_writer_thread(qapp: Any, store: Store) -> None:
    from ui.application import remember_training

    tasks.set_runner(None)
    store.settings.set("training", "off")
    main_writes = watching(store)
    try:
        remember_training(store)
    finally:
        store.conn.set_trace_callback(None)
        tasks.set_runner(None)
    assert main_writes == [], main_writes
    assert store.settings.get("training") == "on"


def test_a_wrong_code_at_the_lock_is_counted_by_the_writer_thread(qtbot: Any, store: Store) -> None:
    from app import screen_lock
    from ui.lock import LockScreen

    tasks.set_runner(None)
    screen_lock.set_pin(store, "4821")
    lock = LockScreen(store)
    qtbot.addWidget(lock)
    main_writes = watching(store)
    try:
        lock.secret.setText("4822")
        lock.try_unlock()
        assert lock.problem.text()
        lock.secret.setText("4821")
        with qtbot.waitSignal(lock.unlocked, timeout=WAIT_MS):
            lock.try_unlock()
    finally:
        store.conn.set_trace_callback(None)
        tasks.set_runner(None)
    assert main_writes == [], main_writes
    assert store.settings.get(screen_lock.FAILURES_SETTING) is None, "the right code clears the count"


def test_a_full_disk_at_the_lock_is_said_there(qtbot: Any, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by fault injection: the disk filled while the window was locked (a Store opened on a full
    disk holds the base alone, app.db.connect). Counting the try is a durable write, which failed: the
    error escaped the click, the lock screen stayed as it was, and the nurse typing the right
    passphrase saw nothing happen, nor why. The full disk is said under the field; nothing opens."""
    from app import messages as M
    from app import screen_lock
    from app.errors import StorageError
    from ui.lock import LockScreen

    tasks.set_runner(None)
    screen_lock.set_pin(store, "4821")
    lock = LockScreen(store)
    qtbot.addWidget(lock)

    def full() -> Store:
        raise StorageError(M.tr("storage.full_open"))

    monkeypatch.setattr(store, "clone", full)
    opened: list[bool] = []
    lock.unlocked.connect(lambda: opened.append(True))
    try:
        lock.secret.setText("4821")
        lock.try_unlock()
    finally:
        tasks.set_runner(None)
    assert opened == []
    assert "disque est plein" in lock.problem.text()
    assert lock.secret.text() == "" and lock.secret.isEnabled()
