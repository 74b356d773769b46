"""The worklist tells patients apart: name and date of birth once the data key is there, initials before."""

from __future__ import annotations

from typing import Any

from app.crypto import DataKey
from app.model import Case, Patient
from app.store import Store
from ui.main_window import MainWindow


def patient_column(window: MainWindow) -> list[str]:
    model = window.worklist.model
    return [model.data(model.index(row, model.PATIENT)) for row in range(model.rowCount())]


def add(store: Store, family: str, given: str, born: str) -> str:
    return store.create_case(Case(patient=Patient(family=family, given=[given], birth_date=born)), [])


def test_two_patients_with_the_same_initials_are_told_apart(qtbot: Any, store: Store, sync_runner: None) -> None:
    add(store, "Martin", "Paul", "1950-02-03")
    add(store, "MARTIN", "Pierre", "1962-07-14")
    store.create_case(Case(), [])  # a case whose patient is not typed yet
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.worklist.set_filter("all")
    assert sorted(patient_column(window)) == ["(patient sans nom)", "MARTIN Paul (03/02/1950)",
                                              "MARTIN Pierre (14/07/1962)"]
    window.shutdown()


def test_before_the_key_comes_the_rows_show_initials_then_the_names(qtbot: Any, store: Store,
                                                                  sync_runner: None) -> None:
    add(store, "Martin", "Paul", "1950-02-03")
    opened = store.key
    store.key = DataKey.deferred(lambda: opened._key)  # as when the key waits in the OS keyring
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.worklist.set_filter("all")
    assert patient_column(window) == ["M.P."]
    with qtbot.waitSignal(window.worklist.model.dataChanged):
        assert window._fetch_key()
    assert patient_column(window) == ["MARTIN Paul (03/02/1950)"]
    window.shutdown()
