from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.crypto import DataKey, DecryptionFailed, new_key
from app.errors import DataLocked
from app.keystore import KeyStore
from tests.support.keyring import memory_keyring


def test_sealed_values_are_bound_to_their_place() -> None:
    key = DataKey(new_key())
    sealed = key.seal(b"ZORGLUB", b"case:1:content")
    assert b"ZORGLUB" not in sealed
    assert key.open(sealed, b"case:1:content") == b"ZORGLUB"
    with pytest.raises(DecryptionFailed):
        key.open(sealed, b"case:2:content")
    with pytest.raises(DecryptionFailed):
        DataKey(new_key()).open(sealed, b"case:1:content")
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(DecryptionFailed):
        key.open(tampered, b"case:1:content")


def test_passphrase_wraps_the_key_and_a_wrong_one_is_refused(tmp_path: Path) -> None:
    created = KeyStore(tmp_path, passphrase=lambda confirm: "bonne phrase").create()
    sealed = created.seal(b"x", b"ctx")
    again = KeyStore(tmp_path, passphrase=lambda confirm: "bonne phrase").unlock()
    assert again.open(sealed, b"ctx") == b"x"
    with pytest.raises(DataLocked) as wrong:
        KeyStore(tmp_path, passphrase=lambda confirm: "mauvaise").unlock()
    assert wrong.value.exit_code == 3
    assert "incorrecte" in wrong.value.message
    with pytest.raises(DataLocked):
        KeyStore(tmp_path, passphrase=lambda confirm: None).unlock()
    meta = json.loads((tmp_path / "key.json").read_text())
    assert meta["keyring"] is None and meta["passphrase"]["kdf"] == "scrypt"


def test_without_keyring_nor_passphrase_nothing_is_created(tmp_path: Path) -> None:
    with pytest.raises(DataLocked) as locked:
        KeyStore(tmp_path, passphrase=lambda confirm: None).create()
    assert "phrase secrète" in locked.value.message
    assert not (tmp_path / "key.json").exists()


def test_with_a_keyring_only_the_32_byte_key_goes_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with memory_keyring() as ring:
        monkeypatch.delenv("TELEAVIS_PASSPHRASE")
        created = KeyStore(tmp_path, passphrase=lambda confirm: None).create()
        (entry,) = ring.entries.values()
        assert len(entry) < 100  # base64 of 32 bytes, far below Windows' 2.5 KB cap
        reopened = KeyStore(tmp_path, passphrase=lambda confirm: None).unlock()
        assert reopened.open(created.seal(b"y", b"c"), b"c") == b"y"
        # A keyring entry replaced by another key is detected, not used to decrypt garbage.
        ring.entries[next(iter(ring.entries))] = "A" * 44
        with pytest.raises(DataLocked):
            KeyStore(tmp_path, passphrase=lambda confirm: None).unlock()


def test_key_json_read_as_a_passphrase_change_replaces_it_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process reading key.json just before it is renamed over reads the old file's blocks, which
    are then zeroed (written over after: the key wrapped under a leaked passphrase must not stay on disk).
    It reads the file again by its name, the new one, instead of saying the key file damaged (found on a
    loaded host by the rotation's kill test reading key.json while a rotation ran)."""
    from app.fsutil import atomic_write, written_over_after

    KeyStore(tmp_path, passphrase=lambda confirm: "bonne phrase").create()
    path = tmp_path / "key.json"
    with path.open("rb") as opened_before:  # opened by the other process just before the rename
        with written_over_after(path):
            atomic_write(path, path.read_bytes())
        seen_then = opened_before.read()
    assert set(seen_then) == {0}  # what that reader got: the old file, zeroed
    real_read_bytes, real_read_text = Path.read_bytes, Path.read_text
    first = {"bytes": True, "text": True}

    def read_bytes(self: Path) -> bytes:
        if self == path and first["bytes"]:
            first["bytes"] = False
            return seen_then
        return real_read_bytes(self)

    def read_text(self: Path, *args: object, **kwargs: object) -> str:
        if self == path and first["text"]:
            first["text"] = False
            return seen_then.decode()
        return real_read_text(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(Path, "read_text", read_text)
    again = KeyStore(tmp_path, passphrase=lambda confirm: "bonne phrase").unlock()
    assert again.open(again.seal(b"x", b"ctx"), b"ctx") == b"x"
