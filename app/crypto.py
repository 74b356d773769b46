"""AES-GCM under the 256-bit data key: fields, blobs, and keyed hashes.

Every ciphertext is bound to where it belongs by its associated data (the table, column and row,
or the blob id), so a value copied to another row does not decrypt.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# ``cryptography`` is imported when a key is first used, not at import: the window's start-up
# draws the worklist, which needs no decryption.

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
_FIELD_VERSION = b"\x01"
_CHUNK = 1 << 20


class DecryptionFailed(Exception):
    """Ciphertext that does not authenticate: wrong key, tampering, or a damaged file."""


class DataKey:
    """The data key in memory, with the operations the store needs.

    ``DataKey.deferred(loader)`` makes one whose bytes are fetched (from the OS keyring, say) the
    first time it is used; ``ensure()`` fetches them now, on the caller's thread.
    """

    def __init__(self, key: bytes | None = None, *, loader: Callable[[], bytes] | None = None) -> None:
        if key is None and loader is None:
            raise ValueError("a key or a way to load it is needed")
        self._loader = loader
        self._lock = threading.Lock()
        self._aead_obj: AESGCM | None = None
        #: Whether a passphrase given to this process opened it (typed, or from the environment), not the OS
        #: keyring with nothing typed: what the window's lock at start goes by (app/screen_lock.py), never
        #: whether the key is loaded yet (opening the data may fetch it: a migration, a rotation to finish).
        self.by_passphrase = False
        #: Whether this process made it, for a new data folder (app/keystore.py): nothing is kept under it yet,
        #: and whoever started the process chose where it is kept (the window's lock at start lets it by).
        self.made_here = False
        if key is not None:
            self._set(key)

    @classmethod
    def deferred(cls, loader: Callable[[], bytes]) -> DataKey:
        return cls(loader=loader)

    def _set(self, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if len(key) != KEY_BYTES:
            raise ValueError("the data key must be 32 bytes")
        self._key = key
        self._mac_key = _derive(key, b"teleavis audit chain")
        self._index_key = _derive(key, b"teleavis search index")
        self._tag_keys: dict[str, bytes] = {}
        self._aead_obj = AESGCM(key)

    def ensure(self) -> None:
        """Fetch the key now if it is not there yet (may raise ``DataLocked`` from the loader)."""
        if self._aead_obj is None:
            with self._lock:
                if self._aead_obj is None:
                    assert self._loader is not None
                    self._set(self._loader())

    @property
    def loaded(self) -> bool:
        return self._aead_obj is not None

    @property
    def _aead(self) -> AESGCM:
        self.ensure()
        assert self._aead_obj is not None
        return self._aead_obj

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        """Encrypt and authenticate ``plaintext``, bound to ``context``."""
        nonce = os.urandom(NONCE_BYTES)
        return _FIELD_VERSION + nonce + self._aead.encrypt(nonce, plaintext, context)

    def open(self, sealed: bytes | memoryview, context: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag

        if len(sealed) < 1 + NONCE_BYTES + 16 or sealed[:1] != _FIELD_VERSION:
            raise DecryptionFailed("not a sealed value")
        nonce = sealed[1 : 1 + NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, sealed[1 + NONCE_BYTES :], context)
        except InvalidTag as exc:
            raise DecryptionFailed("authentication failed") from exc

    def seal_to(self, plaintext: bytes | Sequence[bytes | memoryview], context: bytes, out: BinaryIO) -> None:
        """Write the same format as ``seal`` to ``out`` chunk by chunk, without copying the content.
        ``plaintext`` may be given in parts (a blob's length, its content, its padding): sealed as one.

        AES-GCM with the standard 96-bit nonce and 128-bit tag, as ``seal``; only the buffering differs.
        """
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        self.ensure()
        nonce = os.urandom(NONCE_BYTES)
        encryptor = Cipher(algorithms.AES(self._key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(context)
        out.write(_FIELD_VERSION + nonce)
        for part in [plaintext] if isinstance(plaintext, bytes | bytearray | memoryview) else plaintext:
            view = memoryview(part)
            for start in range(0, len(view), _CHUNK):
                out.write(encryptor.update(view[start : start + _CHUNK]))
        out.write(encryptor.finalize())
        out.write(encryptor.tag)

    def mac(self, data: bytes) -> str:
        """A keyed hash (HMAC-SHA-256, hex) for the audit chain."""
        import hashlib
        import hmac

        self.ensure()
        return hmac.new(self._mac_key, data, hashlib.sha256).hexdigest()

    def tag(self, purpose: str, data: bytes) -> str:
        """A keyed hash (HMAC-SHA-256, hex) under a key derived for ``purpose`` alone (e.g. "settings"),
        so a tag made for one use never verifies for another."""
        import hashlib
        import hmac

        self.ensure()
        derived = self._tag_keys.get(purpose)
        if derived is None:
            derived = self._tag_keys[purpose] = _derive(self._key, b"teleavis tag " + purpose.encode("utf-8"))
        return hmac.new(derived, data, hashlib.sha256).hexdigest()

    def index_token(self, text: str) -> str:
        """A keyed, non-reversible token of a normalised word, to search names without decrypting."""
        import hashlib
        import hmac

        self.ensure()
        return hmac.new(self._index_key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:24]


def _derive(key: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)


def new_key() -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM.generate_key(bit_length=256)
