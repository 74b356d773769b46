"""What the window's settings change is in the audit log, as what ``config set`` changes is.

Found from outside (review 34): ``teleavis config set`` writes a « settings » line naming each setting it
changed, but the window's Réglages wrote none: the platform the cases go to (its address, its token),
training mode, the lock's delay and its code, the backup and device folders could be changed there, and
the audit log said nothing of it. Who pointed the cases at another platform, or turned the lock off, is
what an audit log is read for."""

from __future__ import annotations

from typing import Any

from app import audit
from app.store import Store
from tests.conftest import PASSPHRASE


def _settings_lines(store: Store, after: int) -> list[str]:
    rows = store.conn.execute("SELECT detail FROM audit WHERE action='settings' AND seq > ? ORDER BY seq", (after,))
    return [str(row[0]) for row in rows]


def _last(store: Store) -> int:
    return int(store.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM audit").fetchone()[0])


def test_the_settings_dialog_audits_each_setting_it_changes_and_the_lock_code(qtbot: Any, store: Store) -> None:
    from ui.settings_dialog import SettingsDialog

    before = _last(store)
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    dialog.lock_minutes.setValue(2)  # sooner: nothing asked
    dialog.pin.setText("7391")
    dialog.current_code.setText(PASSPHRASE)
    dialog.save()
    assert dialog.result()

    assert _settings_lines(store, before) == ["lock code", "lock.minutes"]
    assert "7391" not in " ".join(_settings_lines(store, before))
    assert audit.verify(store.conn, store.key).ok

    again = SettingsDialog(store)  # saved as it shows: nothing changed, nothing written
    qtbot.addWidget(again)
    before = _last(store)
    again.save()
    assert again.result() and _settings_lines(store, before) == []


def test_the_platform_form_audits_the_platform_it_sends_to(qtbot: Any, store: Store) -> None:
    from ui.setup_forms import PlatformForm

    before = _last(store)
    form = PlatformForm(store)
    qtbot.addWidget(form)
    form.real.setChecked(True)
    form.url.setText("https://plateforme.example/fhir")
    assert form.save() is True

    lines = _settings_lines(store, before)
    assert "platform.url" in lines, lines
    assert audit.verify(store.conn, store.key).ok


def test_a_pro_sante_connect_sign_in_from_the_settings_is_audited_as_teleavis_login_audits_it(
    qtbot: Any, store: Store
) -> None:
    """In training mode, on the built-in PSC-like provider (CIBA)."""
    from sync.psc import signed_in
    from sync.training import stop_psc
    from ui.settings_dialog import SettingsDialog
    from ui.tasks import wait_writes

    before = _last(store)
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.psc is not None
    try:
        dialog.psc.button.click()
        qtbot.waitUntil(lambda: signed_in(store.settings) is not None, timeout=30_000)
        assert wait_writes()
    finally:
        stop_psc()
    assert _settings_lines(store, before) == ["psc sign-in RPPS 10101010105"]
