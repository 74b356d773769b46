"""Where the cases go is changed from the settings only with the current code or the passphrase, and a
secret kept for one platform is never sent to another host."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import certifi
import pytest

from app import screen_lock
from app.store import Store
from tests.conftest import PASSPHRASE

PLATFORM = "https://plateforme.example/fhir"


def _real_platform(store: Store) -> None:
    store.settings.set("platform.url", PLATFORM)
    store.settings.set("training", "off")
    store.settings.set("platform.token", "REAL-BEARER-123")
    store.settings.set("state.psc.tokens", json.dumps({"access_token": "PSC-ACCESS", "refresh_token": "PSC-R"}))


def _dialog(qtbot: Any, store: Store) -> Any:
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    return dialog


def test_where_the_cases_go_is_changed_from_the_settings_only_with_the_current_code(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Found from outside: at a window left unlocked a moment, whoever passed opened Réglages > Plateforme,
    typed the address of their own https server and saved, nothing asked: every case sent afterwards
    (photos, identity) went there, with the platform's bearer token. The current code or the passphrase
    is asked first, as a counted try, and nothing is saved without it."""
    _real_platform(store)
    for field, typed in (
        ("url", "https://ailleurs.example/fhir"),
        ("token_url", "https://ailleurs.example/token"),
        ("proxy", "http://ailleurs.example:3128"),
    ):
        dialog = _dialog(qtbot, store)
        getattr(dialog.platform, field).setText(typed)
        dialog.save()
        assert not dialog.result(), field
        assert "code actuel" in dialog.problem.text() and "où partent les dossiers" in dialog.problem.text()
        assert dialog.tabs.currentIndex() == dialog.platform_tab
    assert store.settings.get("platform.url") == PLATFORM
    assert store.settings.get("platform.token_url") == ""
    assert store.settings.get("proxy") == ""

    wrong = _dialog(qtbot, store)
    wrong.platform.url.setText("https://ailleurs.example/fhir")
    wrong.platform_code.setText("pas la bonne phrase")
    wrong.save()
    assert not wrong.result()
    assert "pas le bon code" in wrong.problem.text()
    assert store.settings.get(screen_lock.FAILURES_SETTING)["count"] == 1, "a try counted as the lock counts it"
    assert not wrong.platform_code.text()
    assert store.settings.get("platform.url") == PLATFORM

    other_settings = _dialog(qtbot, store)  # nothing of where the cases go changed: nothing asked
    other_settings.lock_minutes.setValue(2)
    other_settings.save()
    assert other_settings.result()

    proven = _dialog(qtbot, store)
    proven.platform.url.setText("https://ailleurs.example/fhir")
    proven.platform_code.setText(PASSPHRASE)
    proven.save()
    assert proven.result()
    assert store.settings.get("platform.url") == "https://ailleurs.example/fhir"


def test_a_secret_kept_for_one_platform_is_forgotten_when_its_address_moves_to_another_host(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Found from outside: the address changed, the token typed for the old platform was sent to the new
    host at the next sync (``Authorization: Bearer …``), and the client's secret to a new sign-in address.
    Kept for one host, a secret is never sent to another: it is forgotten, and the nurse told to give the
    new platform's."""
    _real_platform(store)
    same_host = _dialog(qtbot, store)
    same_host.platform.url.setText("https://plateforme.example/fhir/r4")
    same_host.platform_code.setText(PASSPHRASE)
    same_host.save()
    assert same_host.result()
    assert store.settings.get("platform.token") == "REAL-BEARER-123", "the same host: the token is its own"
    assert not same_host.platform.forgotten

    moved = _dialog(qtbot, store)
    moved.platform.url.setText("https://ailleurs.example/fhir")
    moved.platform_code.setText(PASSPHRASE)
    moved.save()
    assert moved.result()
    assert store.settings.get("platform.token") == ""
    assert not store.settings.get("state.psc.tokens")
    assert "platform.token" in moved.platform.forgotten

    store.settings.set("platform.token_url", "https://idp.example/token")
    store.settings.set("platform.client_secret", "CLIENT-SECRET")
    store.settings.set("platform.refresh_token", "REFRESH")
    retyped = _dialog(qtbot, store)
    retyped.platform.token_url.setText("https://idp2.example/token")
    retyped.platform.client_secret.setText("NEW-SECRET")  # typed for the new address in the same save: kept
    retyped.platform_code.setText(PASSPHRASE)
    retyped.save()
    assert retyped.result()
    assert store.settings.get("platform.client_secret") == "NEW-SECRET"
    assert store.settings.get("platform.refresh_token") == ""


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        _Recorder.seen.append(self.headers.get("Authorization"))
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def other_host() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/fhir"
    server.shutdown()
    server.server_close()


def test_testing_the_connection_to_another_host_sends_it_no_secret_kept_for_the_platform(
    qtbot: Any, store: Store, sync_runner: None, other_host: str
) -> None:
    """« Tester la connexion » saves nothing and asks no code: with another address typed, it sent the
    token kept for the platform to that address."""
    _real_platform(store)
    dialog = _dialog(qtbot, store)
    dialog.platform.url.setText(other_host)
    dialog.platform.test()
    assert _Recorder.seen, "the test asked the address typed"
    assert _Recorder.seen == [None] * len(_Recorder.seen)
    assert store.settings.get("platform.token") == "REAL-BEARER-123", "a test saves nothing"


def test_a_token_renewed_while_the_settings_are_open_is_not_sent_to_another_host_by_the_test(
    qtbot: Any, store: Store, sync_runner: None, other_host: str
) -> None:
    """Found in review: the sending renewed the access token while the settings were open; the token shown
    at their opening, no longer the one kept, was taken for one typed anew and went to the other address
    « Tester la connexion » asked."""
    _real_platform(store)
    dialog = _dialog(qtbot, store)
    store.settings.set("platform.token", "RENEWED-BEARER-456")  # (the engine, meanwhile)
    dialog.platform.url.setText(other_host)
    dialog.platform.test()
    assert _Recorder.seen, "the test asked the address typed"
    assert _Recorder.seen == [None] * len(_Recorder.seen)


def test_the_nurse_is_told_to_give_the_new_platform_its_token(
    qtbot: Any, window: Any, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token forgotten with the old address, the next sync would only say « reconnectez-vous »: the
    window says at once why, and where to give the new platform's."""
    from ui.settings_dialog import SettingsDialog

    _real_platform(store)
    told: list[tuple[str, str, str]] = []
    monkeypatch.setattr(window, "tell", lambda *words: told.append(words))
    dialog = SettingsDialog(store, window)
    qtbot.addWidget(dialog)
    dialog.platform.url.setText("https://ailleurs.example/fhir")
    dialog.platform_code.setText(PASSPHRASE)
    dialog.save()
    window._settings_closed(dialog, dialog.result())
    assert any("jeton" in text and "Réglages > Plateforme" in text for _, _, text in told), told


def test_testing_the_connection_through_other_certificates_sends_no_secret_kept_for_the_platform(
    qtbot: Any, store: Store, sync_runner: None, other_host: str, tmp_path: Path
) -> None:
    """Other certificates typed (and a proxy of one's own) let whoever passed read what the test sends to
    the platform's own address: the token kept for it stays home until the certificates are saved, with
    the code."""
    _real_platform(store)
    store.settings.set("platform.url", other_host)  # (the platform, here on this machine)
    ca_file = tmp_path / "autre-autorite.pem"
    shutil.copyfile(certifi.where(), ca_file)
    dialog = _dialog(qtbot, store)
    dialog.platform.test()
    assert _Recorder.seen == ["Bearer REAL-BEARER-123"], "the platform's own certificates: its token goes"
    dialog.platform.ca_bundle.setText(str(ca_file))
    dialog.platform.test()
    assert _Recorder.seen[1:] and _Recorder.seen[1:] == [None] * len(_Recorder.seen[1:])


def test_a_proxy_kept_by_an_older_version_without_its_scheme_asks_no_code_when_left_as_it_is(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """An older version kept the proxy without ``http://``; the form gives it back with it: left as it is,
    nothing of where the cases go changes, and no code is asked to save the rest."""
    _real_platform(store)
    store.settings.set("proxy", "cart7:S3cretPW@proxy.example:3128")
    dialog = _dialog(qtbot, store)
    dialog.backup_hours.setValue(12)  # (the site, changed, would ask the code: tests/ui/test_site_guard.py)
    dialog.save()
    assert dialog.result(), dialog.problem.text()
