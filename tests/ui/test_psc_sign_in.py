"""The settings' « Se connecter avec Pro Santé Connect » (issue 16.5), in training mode: CIBA on the
built-in PSC-like provider, the label asking to validate on the phone, then who is signed in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.store import Store
from sync.psc import signed_in


@pytest.fixture(autouse=True)
def _stop_provider() -> Iterator[None]:
    yield
    from sync.training import stop_psc

    stop_psc()


def test_sign_in_from_the_settings_in_training_mode(qtbot: object, store: Store) -> None:
    from ui.settings_dialog import SettingsDialog
    from ui.tasks import wait_writes

    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert dialog.psc is not None
    assert dialog.psc.button.text() == "Se connecter avec Pro Santé Connect"
    dialog.psc.button.click()
    qtbot.waitUntil(lambda: "téléphone" in dialog.psc.status.text(), timeout=30_000)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.psc.status.text().startswith("Connecté"), timeout=20_000)  # type: ignore[attr-defined]
    assert "RPPS 10101010105" in dialog.psc.status.text()
    assert wait_writes()
    assert signed_in(store.settings).rpps == "10101010105"  # type: ignore[union-attr]


def test_no_button_for_a_platform_without_pro_sante_connect(qtbot: object, store: Store) -> None:
    from ui.settings_dialog import SettingsDialog

    store.settings.set("platform.url", "https://plateforme.example/fhir")
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert dialog.psc is None


def test_closing_the_settings_during_the_sign_in_keeps_it(qtbot: object, store: Store) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.settings_dialog import SettingsDialog
    from ui.tasks import wait_writes

    dialog = SettingsDialog(store)
    assert dialog.psc is not None
    dialog.psc.button.click()
    dialog.deleteLater()
    QApplication.processEvents()
    qtbot.waitUntil(lambda: signed_in(store.settings) is not None, timeout=20_000)  # type: ignore[attr-defined]
    assert wait_writes()
    assert signed_in(store.settings).rpps == "10101010105"  # type: ignore[union-attr]
