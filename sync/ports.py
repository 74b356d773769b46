"""What sync/ needs of the store and its settings, as Protocols.

The real ones are ``app.store.Store`` and ``app.settings.Settings``. The window's "test the
connection" passes a view of the settings as typed in the form over the stored ones (ui/setup_forms.py),
so the functions that probe a platform ask only for these shapes; functions that need the database
itself take ``app.store.Store``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from app.crypto import DataKey


class SettingsReader(Protocol):
    """Reads a setting by key (``app.settings.Settings.get``): the value as parsed, or the default."""

    def get(self, key: str, /) -> Any: ...


class SettingsStore(SettingsReader, Protocol):
    """Reads and writes settings (``app.settings.Settings``): what keeps a rotated sign-in token."""

    def set(self, key: str, value: Any, *, in_transaction: bool = False) -> None: ...


class ConfiguredStore(Protocol):
    """A store as far as connecting to the platform goes: its settings, data directory and data key."""

    @property
    def settings(self) -> SettingsStore: ...

    @property
    def data_dir(self) -> Path: ...

    @property
    def key(self) -> DataKey: ...
