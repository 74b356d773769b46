"""A keyring backend that keeps secrets in a plain JSON file, as ``keyrings.alt``'s
``PlaintextKeyring`` does: installed, it is what ``keyring`` offers first. Loaded by name through
``PYTHON_KEYRING_BACKEND``; the file is ``$PLAIN_KEYRING_FILE``."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class PlainFileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]  # what keyrings.alt's PlaintextKeyring claims

    @property
    def file(self) -> Path:
        return Path(os.environ["PLAIN_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        return json.loads(self.file.read_text()) if self.file.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._load()
        entries[f"{service}/{username}"] = password
        self.file.write_text(json.dumps(entries))

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        entries.pop(f"{service}/{username}", None)
        self.file.write_text(json.dumps(entries))
