"""A case that no longer opens (its sealed content altered outside Teleavis), as the window sees it: Aide >
Diagnostic opens each case with the window's key (no passphrase variable needed) and names it, and a scheduled
backup that carries it says so instead of « Sauvegarde faite. » alone. Found from outside (tester A, session
36): « Base intègre », and backups made over it without a word."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.store import Store
from tests.sync.sync_helpers import make_case


def _one_altered(store: Store) -> tuple[str, str]:
    healthy = make_case(store, seed=1)
    altered = make_case(store, seed=2)
    with sqlite3.connect(store.data_dir / "teleavis.db", isolation_level=None) as raw:
        (sealed,) = raw.execute("SELECT content FROM cases WHERE id=?", (healthy,)).fetchone()
        raw.execute("UPDATE cases SET content=? WHERE id=?", (sealed, altered))
    return healthy, altered


def test_the_diagnostic_names_a_case_that_no_longer_opens(
    qtbot: Any, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.commands import doctor as doctor_command
    from ui.diagnostic_dialog import DiagnosticDialog

    healthy, altered = _one_altered(store)
    monkeypatch.delenv("TELEAVIS_PASSPHRASE")  # the window's key, not the variable's
    monkeypatch.setattr(doctor_command, "probe_platform", lambda _root: None)
    dialog = DiagnosticDialog(store=store)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.done_checks is not None, timeout=60_000)
    (check,) = [c for c in dialog.done_checks or [] if c.name == "cases"]
    assert check.status == "failed" and altered[:8] in check.detail and healthy[:8] not in check.detail, check
    assert altered[:8] in dialog.report.toPlainText()


def test_a_scheduled_backup_says_it_carries_a_case_that_does_not_open(
    qtbot: Any, qapp: Any, store: Store, tmp_path: Path, window: Any
) -> None:
    from ui.application import install_language

    install_language(qapp, "fr")  # the sentence's singular, as the window says it
    _healthy, altered = _one_altered(store)
    usb = tmp_path / "usb"
    usb.mkdir()
    store.settings.set("backup.folder", str(usb))
    store.settings.set("backup.every_hours", 24)
    window.backup_if_due()
    qtbot.waitUntil(lambda: "Sauvegarde faite" in window.statusBar().currentMessage(), timeout=60_000)
    said = window.statusBar().currentMessage()
    assert altered[:8] in said and "tel quel" in said, said
    assert list(usb.glob("*.tvbak"))


def test_the_scheduled_backup_message_says_which_backups_are_kept(
    qtbot: Any, qapp: Any, store: Store, tmp_path: Path, window: Any
) -> None:
    """Found by testers: it said « Gardez les sauvegardes plus anciennes » while the scheduled backup itself
    removes them, keeping the last ``KEEP_SCHEDULED`` and the last one in which the case still opened."""
    from app.backup import KEEP_SCHEDULED
    from ui.application import install_language

    install_language(qapp, "fr")
    _healthy, _altered = _one_altered(store)
    usb = tmp_path / "usb"
    usb.mkdir()
    store.settings.set("backup.folder", str(usb))
    store.settings.set("backup.every_hours", 24)
    window.backup_if_due()
    qtbot.waitUntil(lambda: "Sauvegarde faite" in window.statusBar().currentMessage(), timeout=60_000)
    said = window.statusBar().currentMessage()
    assert "plus anciennes" not in said, said
    assert f"les {KEEP_SCHEDULED} dernières sauvegardes" in said and "la dernière où il s'ouvrait encore" in said, said
