"""Only the OS's secure keyrings hold the data key; a plain-file backend is refused, the passphrase
protects the key instead, and ``doctor`` says why."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import pytest
from keyring.backends.chainer import ChainerBackend

from app.keyring_backends import choose
from app.keystore import KeyStore
from tests.support.cli import run_process
from tests.support.keyring import memory_keyring
from tests.support.plain_keyring import PlainFileKeyring

PLAIN = "tests.support.plain_keyring.PlainFileKeyring"


def test_a_plain_file_keyring_never_gets_the_key(tmp_path: Path, teleavis_home: Path) -> None:
    ring_file = tmp_path / "keyring.json"
    env = {"PYTHON_KEYRING_BACKEND": PLAIN, "PLAIN_KEYRING_FILE": str(ring_file)}
    assert run_process("config", "set", "platform.token", "-", env=env, input="jeton-secret\n").code == 0
    meta = json.loads((teleavis_home / "key.json").read_text())
    # Today the key went into the plain file and key.json named it.
    assert meta["keyring"] is None and meta["passphrase"]["kdf"] == "scrypt"
    assert not ring_file.exists() or "data-key" not in ring_file.read_text()
    doctor = run_process("doctor", "--json", "--no-camera", env=env)
    (check,) = [c for c in doctor.json()["checks"] if c["name"] == "keyring"]
    assert check["status"] == "warning"
    assert "Trousseau non retenu (" + PLAIN + ")" in check["detail"], check
    assert "phrase secrète" in check["detail"]


class _Chain(ChainerBackend):
    def __init__(self) -> None:
        super().__init__()
        self.members: list[object] = []

    @property
    def backends(self) -> list[object]:  # type: ignore[override]
        return self.members


def test_in_a_chain_only_the_secure_member_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAIN_KEYRING_FILE", str(tmp_path / "plain.json"))
    previous = keyring.get_keyring()
    chain = _Chain()
    try:
        chain.members = [PlainFileKeyring()]
        keyring.set_keyring(chain)
        chosen = choose()
        assert not chosen.usable and chosen.refused == (PLAIN,)
        with memory_keyring() as secure:
            chain.members = [PlainFileKeyring(), secure]
            keyring.set_keyring(chain)
            assert choose().backend is secure
            monkeypatch.delenv("TELEAVIS_PASSPHRASE")
            KeyStore(tmp_path / "home", passphrase=lambda _confirm: None).create()
            assert len(secure.entries) == 1
            assert not (tmp_path / "plain.json").exists()
    finally:
        keyring.set_keyring(previous)
