"""The account the cases are sent under (the platform's token, the client's id and secret, a Pro Santé
Connect sign-in as another professional) is changed from the settings only with the current code or the
passphrase, as where they go is; the nurse signing in again as herself is asked nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from app import screen_lock
from app.store import Store
from sync.psc import signed_in
from tests.conftest import PASSPHRASE

PLATFORM = "https://plateforme.example/fhir"


@pytest.fixture(autouse=True)
def _stop_provider() -> Iterator[None]:
    yield
    from sync.training import stop_psc

    stop_psc()


def _real_platform(store: Store) -> None:
    store.settings.set("platform.url", PLATFORM)
    store.settings.set("training", "off")
    store.settings.set("platform.token", "NURSE-BEARER-123")
    store.settings.set("platform.token_url", "https://plateforme.example/token")
    store.settings.set("platform.client_id", "cabinet-durand")
    store.settings.set("platform.client_secret", "NURSE-SECRET")


def _dialog(qtbot: Any, store: Store) -> Any:
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    return dialog


def test_the_account_the_cases_go_under_is_changed_only_with_the_current_code(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Found from outside: at a window left unlocked a moment, whoever passed typed their own platform
    token (or client id and secret) in Réglages > Plateforme and saved, nothing asked: every case went to
    the same platform under their account, where they read the patients' photos. The current code or the
    passphrase is asked first, as a counted try, and nothing is saved without it."""
    _real_platform(store)
    for field, key, typed in (
        ("token", "platform.token", "INTRUDER-BEARER"),
        ("client_id", "platform.client_id", "intrus"),
        ("client_secret", "platform.client_secret", "INTRUDER-SECRET"),
    ):
        before = store.settings.get(key)
        dialog = _dialog(qtbot, store)
        getattr(dialog.platform, field).setText(typed)
        dialog.save()
        assert not dialog.result(), field
        assert "code actuel" in dialog.problem.text() and "compte" in dialog.problem.text(), field
        assert dialog.tabs.currentIndex() == dialog.platform_tab
        assert store.settings.get(key) == before, field

    wrong = _dialog(qtbot, store)
    wrong.platform.token.setText("INTRUDER-BEARER")
    wrong.platform_code.setText("pas la bonne phrase")
    wrong.save()
    assert not wrong.result()
    assert store.settings.get(screen_lock.FAILURES_SETTING)["count"] == 1, "a try counted as the lock counts it"
    assert store.settings.get("platform.token") == "NURSE-BEARER-123"

    proven = _dialog(qtbot, store)
    proven.platform.token.setText("NEW-BEARER-789")
    proven.platform_code.setText(PASSPHRASE)
    proven.save()
    assert proven.result()
    assert store.settings.get("platform.token") == "NEW-BEARER-789"


def test_a_token_renewed_while_the_settings_are_open_asks_no_code(qtbot: Any, store: Store, sync_runner: None) -> None:
    """The sending renews the access token meanwhile: the field, left as it showed, is no account typed."""
    _real_platform(store)
    dialog = _dialog(qtbot, store)
    store.settings.set("platform.token", "RENEWED-BEARER-456")  # (the engine, meanwhile)
    dialog.lock_minutes.setValue(2)
    dialog.save()
    assert dialog.result(), dialog.problem.text()
    assert store.settings.get("platform.token") == "RENEWED-BEARER-456"


def _signed_in_before(store: Store, rpps: str, family: str, given: str) -> None:
    from sync.psc import Professional, save_sign_in

    save_sign_in(
        store.settings, {"access_token": "OLD", "refresh_token": "OLD-R"}, Professional(rpps, family, given, "")
    )


def test_signing_in_again_as_the_same_professional_asks_no_code(qtbot: Any, store: Store) -> None:
    """Her session over, the nurse signs in again with Pro Santé Connect: as before, nothing asked."""
    from ui.tasks import wait_writes

    _signed_in_before(store, "10101010105", "DURAND", "Anne")
    dialog = _dialog(qtbot, store)
    assert dialog.psc is not None
    dialog.psc.button.click()
    qtbot.waitUntil(lambda: dialog.psc.status.text().startswith("Connecté"), timeout=30_000)
    assert wait_writes()
    assert json.loads(store.settings.get("state.psc.tokens"))["access_token"] != "OLD"


def test_signing_in_as_another_professional_needs_the_current_code(qtbot: Any, store: Store) -> None:
    """Found from outside: Réglages > « Se connecter avec Pro Santé Connect » took whoever signed in, nothing
    asked, and the cases went under their account. Signed in as another RPPS than the workstation's, the
    sign-in is kept only once the current code (or the passphrase) is typed and the settings saved."""
    from ui.tasks import wait_writes

    _signed_in_before(store, "10000000017", "MARTIN", "Claire")
    dialog = _dialog(qtbot, store)
    assert dialog.psc is not None
    dialog.psc.button.click()
    qtbot.waitUntil(lambda: "code actuel" in dialog.psc.status.text(), timeout=30_000)
    assert "10101010105" in dialog.psc.status.text()
    assert wait_writes()
    assert signed_in(store.settings).rpps == "10000000017", "nothing kept without the code"  # type: ignore[union-attr]
    assert json.loads(store.settings.get("state.psc.tokens"))["access_token"] == "OLD"

    dialog.save()
    assert not dialog.result()
    assert "code actuel" in dialog.problem.text() and "compte" in dialog.problem.text()
    assert signed_in(store.settings).rpps == "10000000017"  # type: ignore[union-attr]

    dialog.platform_code.setText(PASSPHRASE)
    dialog.save()
    assert dialog.result(), dialog.problem.text()
    assert wait_writes()
    assert signed_in(store.settings).rpps == "10101010105"  # type: ignore[union-attr]
    assert json.loads(store.settings.get("state.psc.tokens"))["access_token"] != "OLD"


def test_a_sign_in_as_another_professional_is_dropped_with_the_settings(qtbot: Any, store: Store) -> None:
    """« Annuler » (or the window closed): the other professional's sign-in is not kept."""
    from ui.tasks import wait_writes

    _signed_in_before(store, "10000000017", "MARTIN", "Claire")
    dialog = _dialog(qtbot, store)
    assert dialog.psc is not None
    dialog.psc.button.click()
    qtbot.waitUntil(lambda: "code actuel" in dialog.psc.status.text(), timeout=30_000)
    dialog.reject()
    assert wait_writes()
    assert signed_in(store.settings).rpps == "10000000017"  # type: ignore[union-attr]


def test_a_first_sign_in_at_a_workstation_with_a_code_needs_it(qtbot: Any, store: Store) -> None:
    """No one signed in yet: whoever passed signed in as themselves (or changed the site's RPPS to theirs
    first, unasked, for a sign-in « as the site's professional »). A first sign-in to a real issuer is kept
    only with the current code; the training's made-up professionals ask nothing."""
    from sync.training import ensure_psc
    from ui.tasks import wait_writes

    store.settings.set("platform.oidc_issuer", ensure_psc(store))  # an issuer of the site's, not the training's
    dialog = _dialog(qtbot, store)
    assert dialog.psc is not None
    dialog.psc.button.click()
    qtbot.waitUntil(lambda: "code actuel" in dialog.psc.status.text(), timeout=30_000)
    assert wait_writes()
    assert signed_in(store.settings) is None
    dialog.platform_code.setText(PASSPHRASE)
    dialog.save()
    assert dialog.result(), dialog.problem.text()
    assert signed_in(store.settings).rpps == "10101010105"  # type: ignore[union-attr]
