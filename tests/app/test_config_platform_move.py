"""``config set`` of an address: a secret kept for the old address's host is never sent to another."""

from __future__ import annotations

from pathlib import Path

from app.store import Store
from tests.support.cli import run_process


def test_a_token_kept_for_one_platform_is_forgotten_when_its_address_moves_to_another_host(
    teleavis_home: Path,
) -> None:
    """Found from outside: ``config set platform.url`` to another host kept the token typed for the old
    platform, and the next ``sync`` sent it there (``Authorization: Bearer …``); a new
    ``platform.token_url`` got the client's secret the same way. Each is forgotten, and stderr says so."""
    assert run_process("config", "set", "platform.url", "https://plateforme.example/fhir").code == 0
    assert run_process("config", "set", "platform.token", "-", input="REAL-BEARER-123").code == 0
    same = run_process("config", "set", "platform.url", "https://plateforme.example/fhir/r4")
    assert same.code == 0 and "effacé" not in same.err
    with Store.open(teleavis_home) as store:
        assert store.settings.get("platform.token") == "REAL-BEARER-123", "the same host: its own token"

    moved = run_process("config", "set", "platform.url", "https://ailleurs.example/fhir")
    assert moved.code == 0, moved.err
    assert "platform.token" in moved.err and "teleavis config set platform.token -" in moved.err
    assert run_process("config", "set", "platform.token_url", "https://idp.example/token").code == 0
    assert run_process("config", "set", "platform.client_secret", "-", input="CLIENT-SECRET").code == 0
    assert run_process("config", "set", "platform.token_url", "https://idp2.example/token").code == 0
    with Store.open(teleavis_home) as store:
        assert store.settings.get("platform.token") == ""
        assert store.settings.get("platform.client_secret") == ""


def test_the_same_server_written_another_way_keeps_its_secrets() -> None:
    """Found in review: the port the scheme means anyway (``:443`` for https), written or left out, a
    capital letter in the host or a trailing slash: read as another server, and the
    token the nurse typed was erased (her cases then refused until she found it again)."""
    from app.urls import same_host

    assert same_host("https://plateforme.example/fhir", "https://plateforme.example:443/fhir/")
    assert same_host("https://Plateforme.Example:443", "https://plateforme.example")
    assert same_host("http://127.0.0.1:80/fhir", "http://127.0.0.1/fhir")
    assert not same_host("https://plateforme.example", "https://plateforme.example:8443")
    assert not same_host("https://plateforme.example", "http://plateforme.example")
    assert not same_host("https://plateforme.example", "https://ailleurs.example")
    assert not same_host("", "https://plateforme.example")
