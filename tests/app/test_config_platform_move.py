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
