"""Aide > Diagnostic shows the same checks as ``teleavis doctor``, in words, without freezing."""

from __future__ import annotations

from typing import Any

from ui.diagnostic_dialog import DiagnosticDialog


def test_the_diagnostic_lists_every_check_with_what_to_do(qtbot: Any) -> None:
    dialog = DiagnosticDialog()
    qtbot.addWidget(dialog)
    # The checks run in the pool (cameras and network can be slow); the dialog fills in when done.
    qtbot.waitUntil(lambda: dialog.done_checks is not None, timeout=60_000)
    names = {check.name for check in dialog.done_checks or []}
    assert {"camera", "keyring", "database", "platform", "clock"} <= names
    text = dialog.report.toPlainText()
    assert "Aucune caméra" in text  # this machine has none: said in words, with the demo camera offered
    assert dialog.copy.isEnabled()
