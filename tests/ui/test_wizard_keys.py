"""The first-start wizard with the keyboard: Entrée after "Tester la connexion" goes on, never back."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard

from app.store import Store
from tests.support.ui import activate


def test_enter_after_testing_the_connection_goes_forward(qtbot: Any, store: Store, sync_runner: None) -> None:
    from sync.training import stop_sandboxes
    from ui.setup_wizard import SetupWizard

    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    activate(qtbot, wizard)
    platform_page = wizard.page(wizard.pageIds()[2])
    for _ in range(5):  # Entrée on the welcome and site pages (the site is already filled in)
        if wizard.currentPage() is platform_page:
            break
        qtbot.keyClick(QApplication.focusWidget() or wizard, Qt.Key.Key_Return)
    assert wizard.currentPage() is platform_page
    form = wizard.platform
    assert form.training.isChecked()
    form.test_button.setFocus()
    qtbot.keyClick(form.test_button, Qt.Key.Key_Space)  # "Tester la connexion", from the keyboard
    qtbot.waitUntil(lambda: "Test en cours" not in form.result.text(), timeout=30_000)
    assert "réussie" in form.result.text(), form.result.text()
    page_before = wizard.currentId()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert wizard.currentId() > page_before or wizard.result() == QWizard.DialogCode.Accepted, (
        f"Entrée went to page {wizard.currentId()} from {page_before}")
    stop_sandboxes()
