"""Settings, declared once with their type and default; secrets are kept encrypted.

Every row also carries a tag (HMAC under a key derived from the data key) over its name, its
stored value and whether it is sealed, so a setting rewritten in the database without the key (the
platform address pointed elsewhere, a secret swapped for a clear value) is refused (``DataAltered``)
instead of being used. Secrets are sealed (AES-GCM) bound to their name on top of that.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Callable
from typing import Any, NamedTuple

from app import contexts
from app import messages as M
from app.crypto import DataKey, DecryptionFailed
from app.db import transaction
from app.errors import DataAltered, UsageError
from app.urls import same_host


class Setting(NamedTuple):
    """A setting Teleavis knows: its key, type and default, whether it is a secret, the values it may take.

    A named tuple, not a frozen dataclass: the window's start declares them all before it shows, and the
    dataclass (~3.3 M instructions to define, and the module's import) cost ~2 % of the start."""

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
    # Pro Santé Connect (sync/psc.py): the OpenID issuer whose discovery document gives the endpoints.
    Setting("platform.oidc_issuer", str, ""),
    Setting("platform.ca_bundle", str, ""),
    Setting("platform.timeout_s", float, 30.0),
    # Sealed: the proxy's address may carry its user's name and password (http://user:password@proxy:3128);
    # http:// or https:// only (app/urls.py, check_proxy).
    Setting("proxy", str, "", secret=True),
    Setting("language", str, "auto", choices=("auto", "fr", "en")),
    Setting("lock.minutes", int, 5),
    Setting("sync.interval_s", int, 300),
    Setting("camera.id", str, ""),
    Setting("camera.resolution", str, ""),
    Setting("watch.folder", str, ""),
    Setting("watch.delete_originals", bool, False),
    Setting("training", str, "auto", choices=("auto", "on", "off")),
    Setting("sandbox.answer_after_s", float, 30.0),
    Setting("sandbox.question_rate", float, 0.25),
    Setting("retention.archive_days", int, 90),
    Setting("retention.purge_years", int, 20),
    Setting("backup.folder", str, ""),
    Setting("backup.every_hours", int, 24),
]
SETTINGS: dict[str, Setting] = {s.key: s for s in _DECLARED}
#: Settings that are nothing but a secret: never given as a command-line argument (``config set KEY -``).
SECRET_KEYS = ("platform.token", "platform.client_secret", "platform.refresh_token")
#: Written by ``init`` and by the program itself, readable by ``config get``.
INTERNAL_PREFIXES = ("site.", "sync.", "state.")
#: The shortest time between two polls of the platform that ``config set sync.interval_s`` takes.
MIN_POLL_S = 10
#: Internal settings kept sealed (the screen lock's PIN hash: app/screen_lock.py; the Pro Santé Connect
#: tokens and the signed-in professional: sync/psc.py; the name last typed as who recorded a consent,
#: free text that may be anyone's: ui/case_editor.py; the replies to the experts begun: app/reply_drafts.py;
#: the addresses of the expert's files not read yet, which may carry their titles: sync/follow.py).
INTERNAL_SECRETS = frozenset(
    {
        "state.lock.pin",
        "state.psc.tokens",
        "state.psc.professional",
        "state.consent_recorded_by",
        "state.reply_drafts",  # replies to the experts begun and not sent (app/reply_drafts.py)
        "state.reply_photos",  # the photos joined to them: their records and files (app/reply_drafts.py)
        "state.reply_again",  # a refused reply's photos: those taken off, the files they came from (idem)
        "state.reply_refused",  # why a case's last reply was refused, said above its words come back (idem)
        "state.photo_key",  # the key the photos' hashes are kept under (app/db.py, migration 23)
        # The reads of the expert's answer that failed, by address (sync/follow.py), per platform.
        "sync.read_failures",
        "sync.read_failures.training",
    }
)


#: Where the cases, and the secrets that send them, go: changed from the window only with the current code or
#: the passphrase (ui/settings_dialog.py), as the lock is.
DESTINATION_SETTINGS = ("platform.url", "platform.token_url", "platform.oidc_issuer", "proxy", "platform.ca_bundle")
#: The account the cases are sent under at the platform: changed from the settings only with the current
#: code, as where they go is (whoever passed a window left unlocked put their own account there, and read
#: the cases from it). A Pro Santé Connect sign-in as another professional is one too (ui/psc_sign_in.py).
ACCOUNT_SETTINGS = ("platform.token", "platform.client_id", "platform.client_secret")
#: The secrets each address receives: kept for its host, never sent to another (``secrets_left_behind``).
#: The platform gets the bearer token (pasted, or from a sign-in); the sign-in address the client's secret
#: and the refresh token (the access token came from it); the Pro Santé Connect issuer its tokens.
SECRETS_OF_ADDRESS = {
    "platform.url": ("platform.token", "state.psc.tokens", "state.psc.professional"),
    "platform.token_url": ("platform.token", "platform.client_secret", "platform.refresh_token"),
    "platform.oidc_issuer": ("platform.client_secret", "state.psc.tokens", "state.psc.professional"),
}


def secrets_left_behind(stored: Callable[[str], Any], typed: dict[str, Any]) -> list[str]:
    """The secrets kept for an address that ``typed`` moves to another host (or clears), which would be
    sent to the new one (found from outside: the token typed for the platform went to whichever address
    was typed after it). Not one typed anew with it, nor one kept with no address yet (a first set-up,
    in any order). ``stored`` reads the settings as they are."""
    left: list[str] = []
    for address, secrets in SECRETS_OF_ADDRESS.items():
        before = str(stored(address) or "")
        after = str(typed.get(address, before) or "")
        if not before.strip() or same_host(before, after):
            continue
        for key in secrets:
            kept = stored(key)
            if kept and typed.get(key, kept) == kept and key not in left:
                left.append(key)
    return left


def declared(key: str) -> Setting | None:
    """The setting named ``key``: declared above, or internal (``site.``, ``sync.``, ``state.``)."""
    if key in SETTINGS:
        return SETTINGS[key]
    if key.startswith(INTERNAL_PREFIXES):
        return Setting(key, object, None, secret=key in INTERNAL_SECRETS)
    return None


def parse(key: str, text: str) -> Any:
    """A value typed on the command line, converted to the setting's type (or ``UsageError``)."""
    setting = declared(key)
    if setting is None or (key not in SETTINGS and key.startswith(INTERNAL_PREFIXES)):
        raise UsageError(M.tr("config.unknown", key=key, known=", ".join(sorted(SETTINGS))))
    if setting.choices and text not in setting.choices:
        raise UsageError(M.tr("config.choices", key=key, choices=", ".join(setting.choices)))
    try:
        if setting.type is bool:
            lowered = text.strip().lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no", "oui", "non", "on", "off"):
                raise ValueError(text)
            return lowered in ("true", "1", "yes", "oui", "on")
        value = setting.type(text)
    except ValueError as exc:
        # What is expected, and what was typed (cut short: a pasted page drowns the sentence).
        kind = M.tr(f"config.kind.{setting.type.__name__}")
        shown = text if len(text) <= 40 else text[:39] + "…"
        raise UsageError(M.tr("config.type", key=key, text=shown, kind=kind)) from exc
    if key == "sync.interval_s" and value < MIN_POLL_S:  # a poll every instant would hammer the platform
        raise UsageError(M.tr("config.at_least", key=key, n=MIN_POLL_S))
    return value


def row_tag(key: DataKey, name: str, value: bytes | str, encrypted: bool) -> str:
    """The tag of a settings row as stored (name, value, sealed or not)."""
    stored = base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
    return key.tag("settings", json.dumps([name, int(encrypted), stored], ensure_ascii=False).encode("utf-8"))


class Settings:
    """Typed access to the ``settings`` table."""

    def __init__(self, conn: sqlite3.Connection, key: DataKey) -> None:
        self._conn = conn
        self._key = key

    def get(self, key: str) -> Any:
        setting = declared(key)
        if setting is None:
            raise UsageError(M.tr("config.unknown", key=key, known=", ".join(sorted(SETTINGS))))
        row = self._conn.execute("SELECT value, encrypted, mac FROM settings WHERE key = ?", (key,)).fetchone()
        if row is None:
            return setting.default
        value, encrypted, tag = row[0], bool(row[1]), row[2]
        if not isinstance(tag, str) or tag != row_tag(self._key, key, value, encrypted):
            raise DataAltered(M.tr("settings.altered", key=key))
        if not encrypted:
            return self._decode(key, value)
        try:
            return json.loads(self._key.open(value, contexts.setting(key)))
        except (DecryptionFailed, ValueError) as exc:
            raise DataAltered(M.tr("settings.altered", key=key)) from exc

    def peek(self, key: str) -> Any:
        """For display only, before the data key is fetched (the window's start defers it): the value
        as stored, its tag not checked, a secret's default. Once the key is there, ``get``'s value (the
        default for an altered one, which ``get`` refuses wherever it matters). Nothing read this way
        may be sent or acted on; the window reads again with ``get`` later."""
        setting = declared(key)
        if self._key.loaded:
            try:
                return self.get(key)
            except DataAltered:
                return setting.default if setting else None
        row = self._conn.execute("SELECT value, encrypted FROM settings WHERE key = ?", (key,)).fetchone()
        if setting is None or row is None or row[1]:
            return setting.default if setting else None
        try:
            return json.loads(row[0])
        except (TypeError, ValueError):
            return setting.default

    @staticmethod
    def _decode(key: str, value: Any) -> Any:
        try:
            return json.loads(value)
        except (TypeError, ValueError) as exc:
            raise DataAltered(M.tr("settings.altered", key=key)) from exc

    def verify_all(self) -> list[str]:
        """The names of the settings whose row does not hold (empty when all are intact)."""
        bad = []
        for name, value, encrypted, tag in self._conn.execute("SELECT key, value, encrypted, mac FROM settings"):
            if tag != row_tag(self._key, name, value, bool(encrypted)):
                bad.append(str(name))
        return bad

    def set(self, key: str, value: Any, *, in_transaction: bool = False) -> None:
        setting = declared(key)
        if setting is None:
            raise UsageError(M.tr("config.unknown", key=key, known=", ".join(sorted(SETTINGS))))
        raw = json.dumps(value, ensure_ascii=False).encode("utf-8")
        value_blob: bytes | str = self._key.seal(raw, contexts.setting(key)) if setting.secret else raw.decode()
        row = (key, value_blob, int(setting.secret), row_tag(self._key, key, value_blob, setting.secret))
        sql = (
            "INSERT INTO settings(key, value, encrypted, mac) VALUES (?,?,?,?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value, encrypted = excluded.encrypted, "
            "mac = excluded.mac"
        )
        if in_transaction:
            self._conn.execute(sql, row)
        else:
            with transaction(self._conn):
                self._conn.execute(sql, row)

    def is_secret(self, key: str) -> bool:
        setting = declared(key)
        return bool(setting and setting.secret)


def is_training(setting: Callable[[str], Any]) -> bool:
    """Whether the app talks to the built-in training sandbox, from any reader of the settings
    (``doctor`` reads the clear ones without the data key): training ``on``, or ``auto`` (the default)
    with no platform URL. (sync.training starts the sandbox; the acts need the rule too.)"""
    mode = setting("training") or "auto"
    return mode == "on" or (mode == "auto" and not setting("platform.url"))
