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


def test_the_diagnostic_shows_each_check_as_it_finishes(qtbot: Any, monkeypatch: Any) -> None:
    """A platform that takes long to answer holds back only its own lines (issue 18.1)."""
    import threading

    from app.commands import doctor as doctor_command

    release = threading.Event()

    def slow_platform(_root: Any) -> None:
        release.wait(30)

    monkeypatch.setattr(doctor_command, "probe_platform", slow_platform)
    dialog = DiagnosticDialog()
    qtbot.addWidget(dialog)
    try:
        qtbot.waitUntil(
            lambda: {c.name for c in dialog.shown_checks} >= {"camera", "keyring", "database"}, timeout=30_000
        )
        assert dialog.done_checks is None and "Aucune caméra" in dialog.report.toPlainText()
    finally:
        release.set()
    qtbot.waitUntil(lambda: dialog.done_checks is not None, timeout=30_000)
    assert {"platform", "clock"} <= {check.name for check in dialog.done_checks or []}
