"""An OS keyring stand-in for the tests (the CI machine has none): a dict behind the keyring API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import keyring
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """Records what is stored in it, so tests can check what reaches the keyring."""

    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@contextmanager
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Use a fresh ``MemoryKeyring`` as the OS keyring for the duration of the block, trusted as
    Teleavis trusts the OS's own secret stores (app.keyring_backends)."""
    from app.keyring_backends import SECURE_BACKENDS, backend_name

    ring = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    SECURE_BACKENDS.add(backend_name(ring))
    try:
        yield ring
    finally:
        SECURE_BACKENDS.discard(backend_name(ring))
        keyring.set_keyring(previous)
