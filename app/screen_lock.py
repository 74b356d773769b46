"""The screen lock: what opens it, how many tries, and when the window starts locked.

The lock keeps the cases from the eyes and hands of someone at an unattended workstation. It
needs a secret the person at the keyboard knows: the passphrase on an installation whose key is
under one, or a PIN chosen at first start (or in the settings) where the key is in the OS keyring.
Without either there is no lock at all (a lock nothing can open would shut the nurse out).

- The PIN is kept as a salted scrypt hash, itself sealed with the data key (a setting nobody can
  read or replace without the key).
- Five wrong tries are free; each one after that makes the next wait longer (30 s, 1 min, 2 min…
  up to 15 min). The count is kept in the database, so closing and restarting does not reset it.
  The wait is measured on the clock that counts from the computer's start (``CLOCK_BOOTTIME``, with
  this boot's id), which nobody sets: the system's clock set forward does not shorten it. After the
  computer restarts, what was left of it is read on the system's clock (never more than the wait
  itself: that clock set back, or put right by the network), then counted down on the new boot's
  clock; where there is no such clock (Windows, macOS) the system's clock is used throughout.
- A window whose key comes from the keyring (nothing typed to start) starts locked when a secret
  is set, so restarting is no way around the lock.

What the lock is not: disk encryption against someone who has the user's open session. Whoever
has the session has its keyring, hence the key (see the user guide).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import messages as M
from app.db import transaction
from app.errors import DataLocked, UsageError
from app.keystore import KeyStore
from app.setting_checks import RANGES
from app.settings import declared
from app.store import Store

if TYPE_CHECKING:  # (at run time: __getattr__, at the end)
    from app.lock_attempt import Attempt as Attempt

PIN_SETTING = "state.lock.pin"  # sealed (app.settings.INTERNAL_SECRETS)
_LEGACY_PIN_SETTING = "state.lock_pin"  # before 2026-12: PBKDF2, not sealed
FAILURES_SETTING = "state.lock.failures"
FREE_TRIES = 5
FIRST_WAIT_S = 30.0
LONGEST_WAIT_S = 15 * 60.0
MIN_PIN = 4
# scrypt for the PIN: 2^15 (about 0.1 s) each try; the hash is sealed besides, so it is never
# exposed to an offline search without the data key.
_PIN_N, _PIN_R, _PIN_P = 2**15, 8, 1

M.add(
    {
        "pin.too_short": {
            "fr": "Le code doit avoir au moins {n} caractères.",
            "en": "The code must have at least {n} characters.",
        },
        "pin.trivial": {
            "fr": "Ce code est trop facile à deviner (chiffres tous pareils ou qui se suivent).",
            "en": "This code is too easy to guess (all the same digit, or digits in a row).",
        },
        "lock.change_needs_code": {
            "fr": "Pour changer le code de déverrouillage ou faire attendre le verrouillage plus longtemps, tapez "
            "d'abord le code actuel (ou la phrase secrète) : rien n'a été enregistré.",
            "en": "To change the unlock code or make the lock wait longer, first type the current code (or the "
            "passphrase): nothing was saved.",
        },
        "lock.platform_needs_code": {
            "fr": "Pour changer où partent les dossiers (mode formation, adresse de la plateforme, de connexion, "
            "proxy ou certificats), tapez d'abord le code actuel (ou la phrase secrète) : rien n'a été enregistré.",
            "en": "To change where the cases go (training mode, the platform's address, the sign-in address, the "
            "proxy or the certificates), first type the current code (or the passphrase): nothing was saved.",
        },
        "lock.account_needs_code": {
            "fr": "Pour changer le compte sous lequel partent les dossiers (jeton d'accès, identifiant ou secret "
            "client, connexion Pro Santé Connect d'une autre personne), tapez d'abord le code actuel (ou la phrase "
            "secrète) : rien n'a été enregistré.",
            "en": "To change the account the cases are sent under (the access token, the client id or secret, a "
            "Pro Santé Connect sign-in as someone else), first type the current code (or the passphrase): nothing "
            "was saved.",
        },
        "lock.site_needs_code": {
            "fr": "Pour changer le praticien ou la structure au nom desquels partent les dossiers (n° RPPS ou ADELI, "
            "nom, prénom, fonction, structure), tapez d'abord le code actuel (ou la phrase secrète) : rien n'a été "
            "enregistré.",
            "en": "To change the practitioner or the organisation the cases are sent in the name of (the RPPS or "
            "ADELI number, the name, the role, the organisation), first type the current code (or the passphrase): "
            "nothing was saved.",
        },
        "lock.change_wrong_code": {
            "fr": "Ce n'est pas le bon code actuel ou la bonne phrase secrète : rien n'a été enregistré. Retapez-le, "
            "en vérifiant les majuscules.",
            "en": "That is not the current code or the passphrase: nothing was saved. Type it again, checking "
            "capital letters.",
        },
        "lock.change_wait": {
            "fr": "Trop d'essais incorrects : rien n'a été enregistré. Réessayez dans {n} secondes.",
            "en": "Too many wrong tries: nothing was saved. Try again in {n} seconds.",
        },
        "lock.change_wait.one": {
            "fr": "Trop d'essais incorrects : rien n'a été enregistré. Réessayez dans {n} seconde.",
            "en": "Too many wrong tries: nothing was saved. Try again in {n} second.",
        },
    }
)


def _now() -> float:
    return time.time()


clock: Callable[[], float] = _now

_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def _boot_now() -> tuple[str, float] | None:
    """This boot's id and the seconds since it began, suspend included (Linux); ``None`` elsewhere."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is None:
        return None
    try:
        boot_id = _BOOT_ID.read_text(encoding="ascii").strip()
    except OSError:
        return None
    return (boot_id, time.clock_gettime(boottime)) if boot_id else None


#: The clock the wrong tries' wait is measured on while the computer has not restarted: nobody sets it
#: (the system's clock set an hour forward ended a 15-minute wait at once, and a restart did not bring it back).
boot_clock: Callable[[], tuple[str, float] | None] = _boot_now


def hash_pin(pin: str, salt: bytes | None = None) -> dict[str, Any]:
    import hashlib

    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_PIN_N, r=_PIN_R, p=_PIN_P, maxmem=64 << 20)
    return {"kdf": "scrypt", "n": _PIN_N, "r": _PIN_R, "p": _PIN_P, "salt": salt.hex(), "hash": digest.hex()}


def pin_matches(stored: dict[str, Any], pin: str) -> bool:
    import hashlib
    import hmac

    try:
        salt = bytes.fromhex(stored["salt"])
        if stored.get("kdf") == "scrypt":
            digest = hashlib.scrypt(
                pin.encode("utf-8"),
                salt=salt,
                n=int(stored["n"]),
                r=int(stored["r"]),
                p=int(stored["p"]),
                maxmem=64 << 20,
            )
        else:  # the PBKDF2 hash of earlier versions
            digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, int(stored.get("rounds", 200_000)))
        return hmac.compare_digest(digest.hex(), str(stored["hash"]))
    except (KeyError, TypeError, ValueError):
        return False


def pin_problem(pin: str) -> str | None:
    """Why ``pin`` cannot be the lock's code (in the user's language), or ``None``."""
    if len(pin) < MIN_PIN:
        return M.tr("pin.too_short", n=MIN_PIN)
    if len(set(pin)) == 1 or pin in "0123456789012" or pin in "9876543210987":
        return M.tr("pin.trivial")
    return None


def set_pin(store: Store, pin: str) -> None:
    """Make ``pin`` the lock's code (refused with ``UsageError`` when too weak)."""
    problem = pin_problem(pin)
    if problem is not None:
        raise UsageError(problem)
    from app import audit

    with transaction(store.conn) as conn:
        _store_pin(store, pin, in_transaction=True)
        # Who set or changed the lock's code is audited as any setting (never the code: its name only).
        audit.append(conn, store.key, "settings", detail="lock code")


def _store_pin(store: Store, pin: str, *, in_transaction: bool = False) -> None:
    store.settings.set(PIN_SETTING, hash_pin(pin), in_transaction=in_transaction)
    if _row_exists(store, _LEGACY_PIN_SETTING):
        store.settings.set(_LEGACY_PIN_SETTING, None, in_transaction=in_transaction)


def _row_exists(store: Store, name: str) -> bool:
    row = store.conn.execute("SELECT value FROM settings WHERE key = ?", (name,)).fetchone()
    return row is not None and row[0] not in (None, "null")


def has_pin(store: Store) -> bool:
    """Whether a PIN is set (without the data key: only the row's presence is looked at)."""
    return _row_exists(store, PIN_SETTING) or _row_exists(store, _LEGACY_PIN_SETTING)


def has_passphrase(store: Store) -> bool:
    try:
        return KeyStore(store.data_dir).has_passphrase()
    except DataLocked:
        return False


def available(store: Store) -> bool:
    """Whether the lock can be used here: a PIN or a passphrase exists to open it."""
    return has_pin(store) or has_passphrase(store)


def locks_at_start(store: Store) -> bool:
    """Whether a window just opened on ``store`` starts locked: when its key came without anything
    typed (the OS keyring) and a secret exists. A key under a passphrase was just typed to start, which
    is the same proof as the lock asks. Told by how the key was opened, not by whether it is loaded yet:
    opening the data may fetch it from the keyring (a migration after an upgrade, a key rotation to
    finish; found from outside: that start opened on the cases without the code)."""
    return not store.key.by_passphrase and available(store)


def _stored_pin(store: Store) -> dict[str, Any] | None:
    stored = store.settings.get(PIN_SETTING)
    if isinstance(stored, dict):
        return stored
    legacy = store.settings.get(_LEGACY_PIN_SETTING)
    return legacy if isinstance(legacy, dict) else None


def _passphrase_opens(store: Store, secret: str) -> bool:
    try:
        return KeyStore(store.data_dir).passphrase_opens(secret)
    except DataLocked:
        return False


#: The failures this process has counted, by data folder: never fewer than these are believed. The row
#: is sealed against change, not against a row deleted or an older one put back by another program run
#: as the same user while the window is locked (found from outside: that made every try free).
_counted: dict[str, dict[str, Any]] = {}

#: A stored row written before the computer restarted, as this process counts it down on this boot's
#: clock from its first look at it (by data folder: the row as read, and its count-down).
_rebased: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}


def _wait_for(count: int) -> float:
    """The wait after ``count`` wrong tries in a row."""
    if count < FREE_TRIES:
        return 0.0
    return min(LONGEST_WAIT_S, FIRST_WAIT_S * float(2 ** min(count - FREE_TRIES, 32)))


def _record(count: int) -> dict[str, Any]:
    """The row of ``count`` wrong tries, its wait starting now: its end on the system's clock, and on
    the clock of this boot where there is one."""
    wait = _wait_for(count)
    record: dict[str, Any] = {"count": count, "until": clock() + wait}
    boot = boot_clock()
    if boot is not None:
        record["boot"], record["boot_until"] = boot[0], boot[1] + wait
    return record


def _count(record: Mapping[str, Any]) -> int:
    try:
        return max(0, int(record.get("count") or 0))
    except (TypeError, ValueError):
        return 0


def _left(record: Mapping[str, Any]) -> float:
    """How long the wait of ``record`` still lasts: on this boot's clock when it was written during this
    boot, else on the system's clock; never longer than the wait its count makes."""
    wait = _wait_for(_count(record))
    try:
        boot = boot_clock()
        if boot is not None and record.get("boot") == boot[0]:
            left = float(record["boot_until"]) - boot[1]
        else:
            left = float(record.get("until") or 0.0) - clock()
    except (KeyError, TypeError, ValueError):  # a row of another shape: the whole wait its count makes
        return wait
    return min(max(0.0, left), wait)


def _on_this_boot(folder: str, record: Mapping[str, Any]) -> Mapping[str, Any]:
    """``record`` as this boot counts it: one written before the computer restarted waits what was left
    of it on the system's clock at the first look (at most its wait), then counts down on this boot's
    clock (a system's clock set back after the restart does not stop the count-down)."""
    boot = boot_clock()
    if boot is None or not record or record.get("boot") == boot[0]:
        return record
    seen = _rebased.get(folder)
    if seen is not None and seen[0] == record:
        return seen[1]
    left = _left(record)
    rebased = {"count": _count(record), "until": clock() + left, "boot": boot[0], "boot_until": boot[1] + left}
    _rebased[folder] = (dict(record), rebased)
    return rebased


def _failures(store: Store) -> tuple[int, float]:
    """The wrong tries counted and how long the next one still waits: the stored row, or what this
    process counted if more."""
    stored = store.settings.get(FAILURES_SETTING) or {}
    if isinstance(stored, Mapping):
        stored = _on_this_boot(str(store.data_dir), stored)
    counted = _counted.get(str(store.data_dir), {})
    records = [record for record in (stored, counted) if isinstance(record, Mapping)]
    count = max((_count(record) for record in records), default=0)
    return count, max((_left(record) for record in records), default=0.0)


def wait_left(store: Store) -> float:
    return _failures(store)[1]


def try_secret(store: Store, secret: str) -> Attempt:
    """Check ``secret`` (the PIN, or the passphrase), counting failures across restarts.

    The try is counted as a failure first, in one write transaction, and forgiven once the secret
    opens: counted after the check, tries made at the same moment from several windows each read
    the same count and were all but one free. Nothing typed is no try (a key pressed by a passer-by
    made the nurse wait)."""
    from app.lock_attempt import Attempt

    if not secret:
        return Attempt(False, wait_left(store))
    with transaction(store.conn):
        waiting = wait_left(store)
        if waiting > 0:
            return Attempt(False, waiting)
        record = _record(_failures(store)[0] + 1)
        store.settings.set(FAILURES_SETTING, record, in_transaction=True)
        _counted[str(store.data_dir)] = record
    stored = _stored_pin(store)
    ok = bool(secret) and ((stored is not None and pin_matches(stored, secret)) or _passphrase_opens(store, secret))
    if ok:
        if stored is not None and stored.get("kdf") != "scrypt" and pin_matches(stored, secret):
            _store_pin(store, secret)  # an earlier version's PIN: hashed with scrypt and sealed now
        store.settings.set(FAILURES_SETTING, None)
        _counted.pop(str(store.data_dir), None)
        _rebased.pop(str(store.data_dir), None)
        return Attempt(True)
    from app import audit

    # Someone trying codes at a workstation left locked is audited (never what was typed): the count alone
    # was forgotten at the next right code.
    with transaction(store.conn) as conn:
        audit.append(conn, store.key, "lock", detail=f"wrong code or passphrase ({record['count']} in a row)")
    return Attempt(False, _wait_for(record["count"]))


def lock_delay(value: Any) -> int:
    """The lock's delay in minutes from ``lock.minutes`` as stored, within the bounds ``config set`` keeps
    (app.setting_checks.RANGES). Found in review: one stored before they were checked, too long for Qt's timer,
    broke the window's regular look, and a negative one turned the lock off without a word; the longest is
    read for the first, the default for the second. ``ValueError`` / ``TypeError`` for one that is no number."""
    minutes = int(value or 0)
    low, high, _ = RANGES["lock.minutes"]
    if minutes < low:
        setting = declared("lock.minutes")
        return int(setting.default) if setting else 0
    return min(minutes, int(high)) if high is not None else minutes


def weakens(minutes_before: int, minutes_after: int) -> bool:
    """Whether the lock's delay going from ``minutes_before`` to ``minutes_after`` locks later, or never
    (0: never)."""
    return minutes_before > 0 and (minutes_after == 0 or minutes_after > minutes_before)


def proof_needed(store: Store, *, new_pin: bool, minutes_before: int, minutes_after: int) -> bool:
    """Whether the current code (or the passphrase) must be typed before the settings change the lock: a
    new code, or a longer delay, where something opens the lock already. Found from outside: at a window
    left unlocked a moment, whoever passed chose a code of their own (on a passphrase installation, added
    one) or « jamais », nothing asked, and opened the locked window whenever they liked afterwards; the
    nurse, her code refused, was shut out of her own cases. Where nothing opens it yet, the first code is
    chosen freely (the first-start wizard, « Plus tard »)."""
    return available(store) and (new_pin or weakens(minutes_before, minutes_after))


#: What the current code is asked for (``prove``): the lock made weaker, the cases sent elsewhere, under
#: another account, or in the name of another practitioner or organisation.
PROOF_WORDS = {
    "lock": "lock.change_needs_code",
    "platform": "lock.platform_needs_code",
    "account": "lock.account_needs_code",
    "site": "lock.site_needs_code",
}


def prove(store: Store, secret: str, *, asked_for: str = "lock") -> None:
    """``secret`` typed as the current code or passphrase before the lock is made weaker (``asked_for``, a
    key of ``PROOF_WORDS``: or before the cases go elsewhere, under another account, or in another name): a
    try counted as at the lock screen (the settings are no way around its waits). ``UsageError`` saying why
    when it does not open the lock: nothing typed, a wrong one, or the wait after too many."""
    if not secret:
        raise UsageError(M.tr(PROOF_WORDS[asked_for]))
    waiting = wait_left(store)
    if waiting <= 0:
        if try_secret(store, secret).ok:
            return
        raise UsageError(M.tr("lock.change_wrong_code"))
    import math

    seconds = math.ceil(waiting)
    raise UsageError(M.tr_count("lock.change_wait", seconds, n=seconds))


def __getattr__(name: str) -> Any:
    if name == "Attempt":
        from app.lock_attempt import Attempt

        return Attempt
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
