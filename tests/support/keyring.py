"""OS keyring stand-ins for the tests (the CI machine has none): a dict in the process, a file for a child."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend

from tests.support.cli import ROOT

# A workstation's keyring (Secret Service, Windows, macOS) for a child process, standing in as a file:
# the module ``bench_keyring``, written where the child imports it (``file_keyring_env``).
FILE_KEYRING = """
import json
import os

from keyring.backend import KeyringBackend

# Teleavis trusts only the OS's secret stores (app/keyring_backends.py); this stand-in plays one.
from app.keyring_backends import SECURE_BACKENDS

SECURE_BACKENDS.add("bench_keyring.FileKeyring")


class FileKeyring(KeyringBackend):
    priority = 1

    def _load(self):
        try:
            with open(os.environ["BENCH_KEYRING_FILE"]) as handle:
                return json.load(handle)
        except FileNotFoundError:
            return {}

    def get_password(self, service, username):
        return self._load().get(service + "/" + username)

    def set_password(self, service, username, password):
        entries = self._load()
        entries[service + "/" + username] = password
        with open(os.environ["BENCH_KEYRING_FILE"], "w") as handle:
            json.dump(entries, handle)

    def delete_password(self, service, username):
        entries = self._load()
        entries.pop(service + "/" + username, None)
        with open(os.environ["BENCH_KEYRING_FILE"], "w") as handle:
            json.dump(entries, handle)
"""


def file_keyring_env(folder: Path) -> dict[str, str]:
    """What a child process needs to keep its data key in ``FILE_KEYRING`` (a file in ``folder``),
    as on a desk with an OS keyring; add it to the child's environment."""
    (folder / "bench_keyring.py").write_text(FILE_KEYRING)
    return {
        "PYTHONPATH": f"{ROOT}{os.pathsep}{folder}",
        "PYTHON_KEYRING_BACKEND": "bench_keyring.FileKeyring",
        "BENCH_KEYRING_FILE": str(folder / "keyring.json"),
    }


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
