"""Where the data key lives: the OS keyring, or wrapped under a passphrase.

The file ``key.json`` in the data directory holds no secret. It names the keyring entry (only the
32-byte key goes there: Windows' credential store caps an entry at about 2.5 KB), and/or the data
key wrapped with AES-GCM under a key derived from the passphrase with scrypt. A check value,
encrypted under the data key, tells a wrong key from a right one before anything is decrypted.
There is no plaintext fallback: without the keyring and without the passphrase, data stays locked.
"""

from __future__ import annotations

import base64
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import messages as M
from app.crypto import KEY_BYTES, DataKey, DecryptionFailed, new_key
from app.errors import DataLocked
from app.fsutil import atomic_write

log = logging.getLogger(__name__)

KEY_FILE = "key.json"
KEYRING_SERVICE = "teleavis"
PASSPHRASE_ENV = "TELEAVIS_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret
_CHECK_PLAINTEXT = b"teleavis data key check v1"
# scrypt cost: about 0.1 s and 32 MiB on a modest PC; stored in key.json so it can grow later.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


PassphraseSource = Callable[[bool], str | None]


def passphrase_from_env_or_terminal(confirm: bool) -> str | None:
    """The passphrase from ``TELEAVIS_PASSPHRASE``, else asked on the terminal when there is one."""
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass(M.tr("key.ask"))
    if confirm and getpass.getpass(M.tr("key.ask_again")) != first:
        raise DataLocked(M.tr("key.mismatch"))
    return first or None


@dataclass
class KeyStore:
    """Opens or creates the data key of one data directory."""

    data_dir: Path
    passphrase: PassphraseSource = passphrase_from_env_or_terminal

    @property
    def path(self) -> Path:
        return self.data_dir / KEY_FILE

    def exists(self) -> bool:
        return self.path.exists()

    def unlock(self, *, defer: bool = False) -> DataKey:
        """The data key, or ``DataLocked`` with a sentence saying why and what to do.

        With ``defer``, a key kept in the OS keyring is fetched on first use instead of now (the
        window shows the worklist, which needs no key, before paying for the keyring). A key under
        a passphrase is never deferred: the passphrase is asked before anything is shown.
        """
        if defer and self._read().get("keyring"):
            return DataKey.deferred(self._unlock_raw)
        return DataKey(self._unlock_raw())

    def _unlock_raw(self) -> bytes:
        meta = self._read()
        key = None
        if meta.get("keyring"):
            key = _keyring_get(meta["keyring"]["username"])
        if key is not None and not _check(meta, key):
            log.warning("the keyring entry does not match this data directory")
            key = None
        if key is None and meta.get("passphrase"):
            secret = self.passphrase(False)
            if not secret:
                raise DataLocked(M.tr("key.need_passphrase", env=PASSPHRASE_ENV))
            key = _unwrap(meta["passphrase"], secret)
            if key is None or not _check(meta, key):
                raise DataLocked(M.tr("key.wrong_passphrase"))
        if key is None:
            raise DataLocked(M.tr("key.keyring_lost", env=PASSPHRASE_ENV))
        return key

    def create(self) -> DataKey:
        """Make a new data key for a new data directory and record where it is kept."""
        key = new_key()
        key_id = _b64(os.urandom(9)).replace("/", "_").replace("+", "-")
        meta: dict[str, Any] = {"version": 1, "key_id": key_id, "keyring": None, "passphrase": None}
        username = f"data-key:{key_id}"
        if _keyring_set(username, key):
            meta["keyring"] = {"service": KEYRING_SERVICE, "username": username}
        secret = os.environ.get(PASSPHRASE_ENV) if meta["keyring"] else self.passphrase(True)
        if secret:
            # Also wrapped under the passphrase: a backup then opens on another machine.
            meta["passphrase"] = _wrap(key, secret)
        if not meta["keyring"] and not meta["passphrase"]:
            raise DataLocked(M.tr("key.no_keyring_no_passphrase", env=PASSPHRASE_ENV))
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(12)
        meta["check"] = {
            "nonce": _b64(nonce),
            "value": _b64(AESGCM(key).encrypt(nonce, _CHECK_PLAINTEXT, key_id.encode())),
        }
        self.data_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json.dumps(meta, indent=2).encode("utf-8"))
        log.info("new data key created (keyring: %s)", bool(meta["keyring"]))
        return DataKey(key)

    def mode(self) -> str:
        """``keyring``, ``passphrase`` or ``keyring+passphrase``, for ``status`` and the window."""
        meta = self._read()
        parts = [name for name in ("keyring", "passphrase") if meta.get(name)]
        return "+".join(parts)

    def read_meta(self) -> dict[str, Any]:
        """The content of key.json (no secret in it), e.g. to carry it in a backup."""
        return self._read()

    def passphrase_opens(self, secret: str) -> bool:
        """True when ``secret`` unwraps the data key of this directory."""
        meta = self._read()
        if not meta.get("passphrase"):
            return False
        key = _unwrap(meta["passphrase"], secret)
        return key is not None and _check(meta, key)

    def add_passphrase(self, secret: str) -> None:
        """Also wrap the keyring's data key under ``secret`` (so a backup opens on another machine)."""
        meta = self._read()
        key = _keyring_get(meta["keyring"]["username"]) if meta.get("keyring") else None
        if key is None or not _check(meta, key):
            raise DataLocked(M.tr("key.keyring_lost", env=PASSPHRASE_ENV))
        meta["passphrase"] = _wrap(key, secret)
        atomic_write(self.path, json.dumps(meta, indent=2).encode("utf-8"))

    def _read(self) -> dict[str, Any]:
        try:
            meta: dict[str, Any] = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError as exc:
            raise DataLocked(M.tr("key.missing")) from exc
        except (ValueError, OSError) as exc:
            raise DataLocked(M.tr("key.damaged")) from exc
        return meta


def _check(meta: dict[str, Any], key: bytes) -> bool:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        check = meta["check"]
        plain = AESGCM(key).decrypt(_unb64(check["nonce"]), _unb64(check["value"]), meta["key_id"].encode())
    except (InvalidTag, KeyError, ValueError):
        return False
    return plain == _CHECK_PLAINTEXT


def _kek(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(secret.encode("utf-8"))


def _wrap(key: bytes, secret: str) -> dict[str, Any]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(12)
    kek = _kek(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return {
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "wrapped": _b64(AESGCM(kek).encrypt(nonce, key, b"teleavis data key")),
    }


def _unwrap(wrapped: dict[str, Any], secret: str) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        kek = _kek(secret, _unb64(wrapped["salt"]), wrapped["n"], wrapped["r"], wrapped["p"])
        return AESGCM(kek).decrypt(_unb64(wrapped["nonce"]), _unb64(wrapped["wrapped"]), b"teleavis data key")
    except (InvalidTag, KeyError, ValueError, DecryptionFailed):
        return None


def keyring_usable() -> bool:
    """True when a real OS keyring backend answers (not the 'fail' or a null backend)."""
    try:
        import keyring

        backend = keyring.get_keyring()
        return float(getattr(backend, "priority", 0)) > 0 and "fail" not in type(backend).__module__
    except Exception:  # noqa: BLE001 - any backend failure means "no keyring here"
        return False


def _keyring_get(username: str) -> bytes | None:
    if not keyring_usable():
        return None
    try:
        import keyring

        value = keyring.get_password(KEYRING_SERVICE, username)
    except Exception:  # noqa: BLE001 - a locked or absent keyring daemon is not a bug
        log.warning("keyring read failed", exc_info=False)
        return None
    if not value:
        return None
    try:
        key = _unb64(value)
    except ValueError:
        return None
    return key if len(key) == KEY_BYTES else None


def _keyring_set(username: str, key: bytes) -> bool:
    if not keyring_usable():
        return False
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, username, _b64(key))
        return _keyring_get(username) == key
    except Exception:  # noqa: BLE001 - fall back to the passphrase, never to plaintext
        log.warning("keyring write failed; the passphrase will protect the data key")
        return False
