"""AES-GCM under the 256-bit data key: fields, blobs, and keyed hashes.

Every ciphertext is bound to where it belongs by its associated data (the table, column and row,
or the blob id), so a value copied to another row does not decrypt.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
_FIELD_VERSION = b"\x01"
_CHUNK = 1 << 20


class DecryptionFailed(Exception):
    """Ciphertext that does not authenticate: wrong key, tampering, or a damaged file."""


class DataKey:
    """The data key in memory, with the operations the store needs."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("the data key must be 32 bytes")
        self._key = key
        self._aead = AESGCM(key)
        self._mac_key = _derive(key, b"teleavis audit chain")
        self._index_key = _derive(key, b"teleavis search index")

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        """Encrypt and authenticate ``plaintext``, bound to ``context``."""
        nonce = os.urandom(NONCE_BYTES)
        return _FIELD_VERSION + nonce + self._aead.encrypt(nonce, plaintext, context)

    def open(self, sealed: bytes | memoryview, context: bytes) -> bytes:
        if len(sealed) < 1 + NONCE_BYTES + 16 or sealed[:1] != _FIELD_VERSION:
            raise DecryptionFailed("not a sealed value")
        nonce = sealed[1 : 1 + NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, sealed[1 + NONCE_BYTES :], context)
        except InvalidTag as exc:
            raise DecryptionFailed("authentication failed") from exc

    def seal_to(self, plaintext: bytes, context: bytes, out: BinaryIO) -> None:
        """Write the same format as ``seal`` to ``out`` chunk by chunk, without copying the content.

        AES-GCM with the standard 96-bit nonce and 128-bit tag, as ``seal``; only the buffering differs.
        """
        nonce = os.urandom(NONCE_BYTES)
        encryptor = Cipher(algorithms.AES(self._key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(context)
        out.write(_FIELD_VERSION + nonce)
        view = memoryview(plaintext)
        for start in range(0, len(view), _CHUNK):
            out.write(encryptor.update(view[start : start + _CHUNK]))
        out.write(encryptor.finalize())
        out.write(encryptor.tag)

    def mac(self, data: bytes) -> str:
        """A keyed hash (HMAC-SHA-256, hex) for the audit chain."""
        return hmac.new(self._mac_key, data, hashlib.sha256).hexdigest()

    def index_token(self, text: str) -> str:
        """A keyed, non-reversible token of a normalised word, to search names without decrypting."""
        return hmac.new(self._index_key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:24]


def _derive(key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)
