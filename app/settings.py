"""Settings, declared once with their type and default; secrets are kept encrypted."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from app import messages as M
from app.crypto import DataKey
from app.db import transaction
from app.errors import UsageError


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    secret: bool = False
    choices: tuple[str, ...] = ()


_DECLARED = [
    Setting("platform.url", str, ""),
    Setting("platform.token", str, "", secret=True),
    Setting("platform.token_url", str, ""),
    Setting("platform.client_id", str, ""),
    Setting("platform.client_secret", str, "", secret=True),
    Setting("platform.refresh_token", str, "", secret=True),
    Setting("platform.ca_bundle", str, ""),
    Setting("platform.timeout_s", float, 30.0),
    Setting("proxy", str, ""),
    Setting("language", str, "auto", choices=("auto", "fr", "en")),
    Setting("lock.minutes", int, 5),
    Setting("sync.interval_s", int, 300),
    Setting("camera.id", str, ""),
    Setting("camera.resolution", str, ""),
    Setting("watch.folder", str, ""),
    Setting("watch.delete_originals", bool, False),
    Setting("training", str, "auto", choices=("auto", "on", "off")),
    Setting("sandbox.answer_after_s", float, 30.0),
    Setting("retention.archive_days", int, 90),
    Setting("retention.purge_years", int, 20),
    Setting("backup.folder", str, ""),
    Setting("backup.every_hours", int, 24),
]
SETTINGS: dict[str, Setting] = {s.key: s for s in _DECLARED}
#: Written by ``init`` and by the program itself, readable by ``config get``.
INTERNAL_PREFIXES = ("site.", "sync.", "state.")


def _declared(key: str) -> Setting | None:
    if key in SETTINGS:
        return SETTINGS[key]
    if key.startswith(INTERNAL_PREFIXES):
        return Setting(key, object, None)
    return None


def parse(key: str, text: str) -> Any:
    """A value typed on the command line, converted to the setting's type (or ``UsageError``)."""
    setting = _declared(key)
    if setting is None or key.startswith(INTERNAL_PREFIXES):
        raise UsageError(M.tr("config.unknown", key=key, known=", ".join(sorted(SETTINGS))))
    if setting.choices and text not in setting.choices:
        raise UsageError(M.tr("config.choices", key=key, choices=", ".join(setting.choices)))
    try:
        if setting.type is bool:
            lowered = text.strip().lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no", "oui", "non", "on", "off"):
                raise ValueError(text)
            return lowered in ("true", "1", "yes", "oui", "on")
        return setting.type(text)
    except ValueError as exc:
        raise UsageError(M.tr("config.type", key=key)) from exc


class Settings:
    """Typed access to the ``settings`` table."""

    def __init__(self, conn: sqlite3.Connection, key: DataKey) -> None:
        self._conn = conn
        self._key = key

    def get(self, key: str) -> Any:
        setting = _declared(key)
        if setting is None:
            raise UsageError(M.tr("config.unknown", key=key, known=", ".join(sorted(SETTINGS))))
        row = self._conn.execute("SELECT value, encrypted FROM settings WHERE key = ?", (key,)).fetchone()
        if row is None:
            return setting.default
        raw = self._key.open(row[0], b"setting:" + key.encode()) if row[1] else row[0]
        return json.loads(raw)

    def set(self, key: str, value: Any, *, in_transaction: bool = False) -> None:
        setting = _declared(key)
        if setting is None:
            raise UsageError(M.tr("config.unknown", key=key, known=", ".join(sorted(SETTINGS))))
        raw = json.dumps(value, ensure_ascii=False).encode("utf-8")
        value_blob: bytes | str = self._key.seal(raw, b"setting:" + key.encode()) if setting.secret else raw.decode()
        sql = "INSERT INTO settings(key, value, encrypted) VALUES (?,?,?) " \
              "ON CONFLICT(key) DO UPDATE SET value = excluded.value, encrypted = excluded.encrypted"
        if in_transaction:
            self._conn.execute(sql, (key, value_blob, int(setting.secret)))
        else:
            with transaction(self._conn):
                self._conn.execute(sql, (key, value_blob, int(setting.secret)))

    def is_secret(self, key: str) -> bool:
        setting = _declared(key)
        return bool(setting and setting.secret)
