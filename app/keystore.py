"""Where the data key lives: the OS keyring, or wrapped under a passphrase.

The file ``key.json`` in the data directory holds no secret. It names the keyring entry (only the
32-byte key goes there: Windows' credential store caps an entry at about 2.5 KB), and/or the data
key wrapped with AES-GCM under a key derived from the passphrase with scrypt. A check value,
encrypted under the data key, tells a wrong key from a right one before anything is decrypted.
There is no plaintext fallback: without the keyring and without the passphrase, data stays locked.

``key.json`` is created exclusively (two commands started together on a new installation agree
on one key), and every later change (a new passphrase, a wrapping brought to today's scrypt cost)
is a read-modify-write under a file lock, so two processes never undo each other's change.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from app import messages as M
from app.crypto import KEY_BYTES, DataKey, DecryptionFailed, new_key
from app.errors import DataLocked, StorageError, UsageError
from app.fsutil import atomic_write, fsync_dir, read_replaced, storage_error, written_over_after

log = logging.getLogger(__name__)

KEY_FILE = "key.json"
KEYRING_SERVICE = "teleavis"
PASSPHRASE_ENV = "TELEAVIS_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret
NEW_PASSPHRASE_ENV = "TELEAVIS_NEW_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret
_CHECK_PLAINTEXT = b"teleavis data key check v1"
# scrypt cost: N=2^17, r=8 is 128 MiB and about 0.6 s on the 2-core test machine (1 s under load),
# measured by tests/app/test_passphrase.py. Stored in key.json; a wrapping made at a lower cost
# (2^15 before 2026-12) still opens and is re-made at this cost on that unlock.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
_SCRYPT_MAXMEM = 256 * 1024 * 1024

M.add(
    {
        "key.weak_passphrase_env": {
            "fr": "La phrase secrète donnée dans {env} n'est pas acceptée : {reason}",
            "en": "The passphrase given in {env} is not accepted: {reason}",
        },
        "passphrase.changed": {"fr": "Phrase secrète changée.", "en": "Passphrase changed."},
        "passphrase.old_backups": {
            "fr": "Les sauvegardes faites avant s'ouvrent encore avec l'ancienne phrase secrète, sur n'importe quel "
            "ordinateur. Si elle a pu être connue de quelqu'un d'autre, faites une sauvegarde maintenant, puis "
            "supprimez les anciennes (dossier de sauvegarde, clés USB).",
            "en": "Backups made before still open with the old passphrase, on any computer. If someone else may "
            "have known it, make a backup now, then delete the old ones (backup folder, USB drives).",
        },
        "passphrase.same_key": {
            "fr": "Les sauvegardes faites avant s'ouvrent encore avec l'ancienne phrase secrète, sur n'importe quel "
            "ordinateur, et la clé des données n'a pas changé : une sauvegarde (ou le dossier des données) copiée "
            "avant ouvre aussi, avec l'ancienne phrase secrète, les données d'aujourd'hui et les sauvegardes à venir. "
            "Si elle a pu être connue de quelqu'un d'autre, changez-la encore une fois avec --rotate-key (nouvelle "
            "clé, tout est rechiffré ; fenêtre fermée), puis faites une sauvegarde et supprimez les anciennes "
            "(dossier de sauvegarde, clés USB).",
            "en": "Backups made before still open with the old passphrase, on any computer, and the data key has not "
            "changed: a backup (or the data folder) copied before also opens, with the old passphrase, today's data "
            "and the backups to come. If someone else may have known it, change it once more with --rotate-key (a "
            "new key, everything re-encrypted; window closed), then make a backup and delete the old ones (backup "
            "folder, USB drives).",
        },
        "passphrase.same": {
            "fr": "La nouvelle phrase secrète est la même que l'ancienne : rien n'a changé.",
            "en": "The new passphrase is the same as the old one: nothing changed.",
        },
        "passphrase.need_new": {
            "fr": "Donnez la nouvelle phrase secrète (variable {env}, ou lancez la commande dans un terminal).",
            "en": "Give the new passphrase ({env} variable, or run the command in a terminal).",
        },
        "key.ask_new": {"fr": "Nouvelle phrase secrète : ", "en": "New passphrase: "},
        "key.ask_old": {"fr": "Phrase secrète actuelle : ", "en": "Current passphrase: "},
    }
)


class WrongPassphrase(DataLocked):
    """A passphrase was given and does not open the key (the window asks again)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


PassphraseSource = Callable[[bool], str | None]


def ask_terminal(prompt_key: str, confirm: bool) -> str | None:
    """A secret typed on the terminal (hidden), asked twice with ``confirm``; ``None`` without one."""
    if not sys.stdin.isatty():
        return None
    import getpass  # a terminal's prompt only (with termios, ~0.6 ms the window's start need not pay)

    first = getpass.getpass(M.tr(prompt_key))
    if confirm and getpass.getpass(M.tr("key.ask_again")) != first:
        raise DataLocked(M.tr("key.mismatch"))
    return first or None


def withhold_passphrases() -> None:
    """Take the passphrase variables out of this process's environment once the data key is in memory.

    Every program the window starts (the PDF viewer, the browser of a sign-in) inherits the environment,
    outlives the lock and Teleavis, and, unlike Teleavis (not dumpable, app/hardening.py), is not
    protected from the same account's other programs, which could read the passphrase in its
    ``/proc/<pid>/environ``."""
    for name in (PASSPHRASE_ENV, NEW_PASSPHRASE_ENV):
        os.environ.pop(name, None)


def passphrase_from_env_or_terminal(confirm: bool) -> str | None:
    """The passphrase from ``TELEAVIS_PASSPHRASE``, else asked on the terminal when there is one.

    A new passphrase (``confirm``) typed on the terminal is asked again until it is strong enough.
    """
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    while True:
        secret = ask_terminal("key.ask", confirm)
        if not confirm or secret is None:
            return secret
        from app.passphrase_rules import weakness

        problem = weakness(secret)
        if problem is None:
            return secret
        print(problem, file=sys.stderr)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes on ``path`` (a small file kept beside key.json)."""
    handle = open(path, "a+b")  # noqa: SIM115 - held for the whole block
    try:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:  # LK_LOCK gives up after 10 s; keep waiting
                    continue
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        handle.close()  # releases the lock


class KeyStore:
    """Opens or creates the data key of one data directory.

    A plain class, not a dataclass: the window's start makes one before it shows, and defining a dataclass
    costs ~3.3 M instructions (it compiles the methods it writes); nothing compares or prints a KeyStore."""

    def __init__(
        self, data_dir: Path, passphrase: PassphraseSource = passphrase_from_env_or_terminal, tries: int = 1
    ) -> None:
        self.data_dir = data_dir
        self.passphrase = passphrase
        #: How many times a wrong passphrase is asked again before giving up (the window asks a few).
        self.tries = tries
        #: The passphrase that opened the key, kept only to finish an interrupted key rotation.
        self._secret: str | None = None

    def __repr__(self) -> str:
        return f"KeyStore(data_dir={self.data_dir!r}, tries={self.tries!r})"

    @property
    def path(self) -> Path:
        return self.data_dir / KEY_FILE

    def exists(self) -> bool:
        return self.path.exists()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            with _file_lock(self.data_dir / f".{KEY_FILE}.lock"):
                yield
        except OSError as exc:
            raise storage_error(exc) from exc

    def unlock(self, *, defer: bool = False) -> DataKey:
        """The data key, or ``DataLocked`` with a sentence saying why and what to do.

        With ``defer``, a key kept in the OS keyring is fetched on first use instead of now (the
        window shows the worklist, which needs no key, before paying for the keyring). A key under
        a passphrase is never deferred: the passphrase is asked before anything is shown.
        """
        if defer and self._read().get("keyring"):

            def load() -> bytes:
                raw = self._unlock_raw()
                deferred.by_passphrase = self._secret is not None  # the keyring had lost it: asked
                return raw

            deferred = DataKey.deferred(load)
            return deferred
        key = DataKey(self._unlock_raw())
        key.by_passphrase = self._secret is not None
        return key

    def _unlock_raw(self) -> bytes:
        meta = self._read()
        key = None
        if meta.get("keyring"):
            key = _keyring_get(meta["keyring"]["username"])
        if key is not None and not _check(meta, key):
            log.warning("the keyring entry does not match this data directory")
            key = None
        if key is None and meta.get("passphrase"):
            for _ in range(max(1, self.tries)):
                secret = self.passphrase(False)
                if not secret:
                    raise DataLocked(M.tr("key.need_passphrase", env=PASSPHRASE_ENV))
                key = _unwrap(meta["passphrase"], secret)
                if key is not None and _check(meta, key):
                    break
                key = None
            if key is None:
                raise WrongPassphrase(M.tr("key.wrong_passphrase"))
            self._secret = secret
            if _cost(meta["passphrase"]) < _cost(None):
                self._rewrap(meta["passphrase"], key, secret)
        if key is None:
            raise DataLocked(M.tr("key.keyring_lost", env=PASSPHRASE_ENV))
        return key

    def _rewrap(self, old: dict[str, Any], key: bytes, secret: str) -> None:
        """Bring a wrapping made at a lower scrypt cost to today's, unless it changed meanwhile."""
        try:
            with self._locked():
                meta = self._read()
                if meta.get("passphrase") != old:
                    return  # changed by another process (a new passphrase, already re-made)
                meta["passphrase"] = _wrap(key, secret)
                self._write(meta)
            log.info("passphrase wrapping brought to scrypt N=%d", SCRYPT_N)
        except (OSError, DataLocked, StorageError) as exc:  # a read-only folder still opens
            log.warning("passphrase wrapping not upgraded: %s", type(exc).__name__)

    def create(self) -> DataKey:
        """Make a new data key for a new data directory and record where it is kept.

        When another process created the directory's key meanwhile (two commands started at once),
        that key is used: the one just made is thrown away, so every value is sealed under one key.
        """
        key = new_key()
        key_id = _b64(os.urandom(9)).replace("/", "_").replace("+", "-")
        meta: dict[str, Any] = {"version": 1, "key_id": key_id, "keyring": None, "passphrase": None}
        username = f"data-key:{key_id}"
        if _keyring_set(username, key):
            meta["keyring"] = {"service": KEYRING_SERVICE, "username": username}
        secret = os.environ.get(PASSPHRASE_ENV) if meta["keyring"] else self.passphrase(True)
        if secret:
            from app.passphrase_rules import weakness

            problem = weakness(secret)
            if problem is not None:
                if meta["keyring"]:
                    _keyring_delete(username)
                raise DataLocked(
                    M.tr("key.weak_passphrase_env", env=PASSPHRASE_ENV, reason=problem)
                    if secret == os.environ.get(PASSPHRASE_ENV)
                    else problem
                )
            # Also wrapped under the passphrase: a backup then opens on another machine.
            meta["passphrase"] = _wrap(key, secret)
        if not meta["keyring"] and not meta["passphrase"]:
            raise DataLocked(M.tr("key.no_keyring_no_passphrase", env=PASSPHRASE_ENV))
        meta["check"] = _make_check(key, key_id)
        with self._locked():
            if self.exists():
                winner = self._read()
                won = False
            else:
                self._write(meta)
                won = True
        if not won:
            if meta["keyring"]:
                _keyring_delete(username)
            log.info("another process created the data key first; using it")
            return self._join(winner, secret)
        log.info("new data key created (keyring: %s)", bool(meta["keyring"]))
        made = DataKey(key)
        made.by_passphrase = not meta["keyring"]  # then the passphrase was asked for (or given)
        made.made_here = True
        return made

    def _join(self, meta: dict[str, Any], secret: str | None) -> DataKey:
        """The key another process just created, opened with what this one was given."""
        if meta.get("keyring"):
            key = _keyring_get(meta["keyring"]["username"])
            if key is not None and _check(meta, key):
                return DataKey(key)
        if secret and meta.get("passphrase"):
            key = _unwrap(meta["passphrase"], secret)
            if key is not None and _check(meta, key):
                joined = DataKey(key)
                joined.by_passphrase = True
                return joined
            raise WrongPassphrase(M.tr("key.wrong_passphrase"))
        return self.unlock()

    def mode(self) -> str:
        """``keyring``, ``passphrase`` or ``keyring+passphrase``, for ``status`` and the window."""
        meta = self._read()
        parts = [name for name in ("keyring", "passphrase") if meta.get(name)]
        return "+".join(parts)

    def read_meta(self) -> dict[str, Any]:
        """The content of key.json (no secret in it), e.g. to carry it in a backup."""
        return self._read()

    def has_passphrase(self) -> bool:
        return bool(self._read().get("passphrase"))

    def passphrase_opens(self, secret: str) -> bool:
        """True when ``secret`` unwraps the data key of this directory."""
        meta = self._read()
        if not meta.get("passphrase"):
            return False
        key = _unwrap(meta["passphrase"], secret)
        return key is not None and _check(meta, key)

    def add_passphrase(self, secret: str) -> None:
        """Also wrap the keyring's data key under ``secret`` (so a backup opens on another machine)."""
        from app.passphrase_rules import weakness

        problem = weakness(secret)
        if problem is not None:
            raise UsageError(problem)
        with self._locked():
            meta = self._read()
            key = _keyring_get(meta["keyring"]["username"]) if meta.get("keyring") else None
            if key is None or not _check(meta, key):
                raise DataLocked(M.tr("key.keyring_lost", env=PASSPHRASE_ENV))
            meta["passphrase"] = _wrap(key, secret)
            self._write(meta)

    def change_passphrase(self, old: str | None, new: str) -> None:
        """Wrap the data key under ``new`` instead of ``old`` (one atomic replacement of key.json).

        A keyring-only installation has no old passphrase: ``new`` is then added. The data key does
        not change, so nothing else is rewritten; a crash leaves the old or the new wrapping whole.
        """
        from app.passphrase_rules import weakness

        problem = weakness(new)
        if problem is not None:
            raise UsageError(problem)
        if old is not None and old == new:
            raise UsageError(M.tr("passphrase.same"))
        with self._locked():
            meta = self._read()
            if meta.get("passphrase"):
                key = _unwrap(meta["passphrase"], old) if old else None
                if key is None or not _check(meta, key):
                    raise WrongPassphrase(M.tr("key.wrong_passphrase"))
            else:
                key = _keyring_get(meta["keyring"]["username"]) if meta.get("keyring") else None
                if key is None or not _check(meta, key):
                    raise DataLocked(M.tr("key.keyring_lost", env=PASSPHRASE_ENV))
            meta["passphrase"] = _wrap(key, new)
            pending = meta.get("next")
            if pending and pending.get("passphrase"):  # an interrupted rotation's next key follows
                next_key = self._open_entry(pending, old)
                if next_key is not None:
                    pending["passphrase"] = _wrap(next_key, new)
            self._write(meta)
        log.info("passphrase changed")

    # -- rotation (app/rotation.py): the next key is recorded before anything is re-sealed --------

    def rotation_pending(self) -> bool:
        return bool(self._read().get("next"))

    def next_key_id(self) -> str | None:
        pending = self._read().get("next")
        return str(pending["key_id"]) if pending else None

    def begin_rotation(self, secret: str | None) -> tuple[str, bytes]:
        """The next data key (its id and bytes), made and recorded in key.json beside the current one,
        kept where the current one is (keyring, and/or wrapped under ``secret``). An interrupted
        rotation's next key is returned as it is."""
        with self._locked():
            meta = self._read()
            if meta.get("next"):
                key = self._open_entry(meta["next"], secret)
                if key is None:
                    raise WrongPassphrase(M.tr("key.wrong_passphrase"))
                return str(meta["next"]["key_id"]), key
            if meta.get("passphrase") and not secret:
                raise DataLocked(M.tr("key.need_passphrase", env=PASSPHRASE_ENV))
            key = new_key()
            key_id = _b64(os.urandom(9)).replace("/", "_").replace("+", "-")
            entry: dict[str, Any] = {
                "key_id": key_id,
                "keyring": None,
                "passphrase": None,
                "check": _make_check(key, key_id),
            }
            if meta.get("keyring"):
                username = f"data-key:{key_id}"
                if not _keyring_set(username, key):
                    raise DataLocked(M.tr("key.keyring_lost", env=PASSPHRASE_ENV))
                entry["keyring"] = {"service": KEYRING_SERVICE, "username": username}
            if meta.get("passphrase") and secret:
                entry["passphrase"] = _wrap(key, secret)
            meta["next"] = entry
            self._write(meta)
        return key_id, key

    def next_key(self, secret: str | None = None) -> bytes | None:
        """The bytes of the next key of an interrupted rotation (keyring, or the passphrase that
        opened the current key)."""
        pending = self._read().get("next")
        return self._open_entry(pending, secret or self._secret) if pending else None

    def finish_rotation(self) -> None:
        """The next key becomes the key; the old one is forgotten (its keyring entry deleted)."""
        with self._locked():
            meta = self._read()
            pending = meta.get("next")
            if not pending:
                return
            old_keyring = meta.get("keyring")
            self._write(
                {
                    "version": 1,
                    "key_id": pending["key_id"],
                    "keyring": pending["keyring"],
                    "passphrase": pending["passphrase"],
                    "check": pending["check"],
                }
            )
        if old_keyring:
            _keyring_delete(old_keyring["username"])
        log.info("data key rotated")

    def _open_entry(self, entry: dict[str, Any], secret: str | None) -> bytes | None:
        key = None
        if entry.get("keyring"):
            key = _keyring_get(entry["keyring"]["username"])
        if (key is None or not _check(entry, key)) and entry.get("passphrase") and secret:
            key = _unwrap(entry["passphrase"], secret)
        return key if key is not None and _check(entry, key) else None

    def _write(self, meta: dict[str, Any]) -> None:
        # The file it replaces written over once replaced: a passphrase changed because it leaked left the
        # key wrapped under it in the disk's free blocks, the data key for whoever had both.
        with written_over_after(self.path):
            atomic_write(self.path, json.dumps(meta, indent=2).encode("utf-8"))
        with contextlib.suppress(OSError):
            fsync_dir(self.data_dir)

    def _read(self) -> dict[str, Any]:
        try:
            meta: dict[str, Any] = json.loads(read_replaced(self.path).decode("utf-8"))
        except FileNotFoundError as exc:
            raise DataLocked(M.tr("key.missing")) from exc
        except (ValueError, OSError) as exc:
            raise DataLocked(M.tr("key.damaged")) from exc
        return meta


def _make_check(key: bytes, key_id: str) -> dict[str, str]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    return {"nonce": _b64(nonce), "value": _b64(AESGCM(key).encrypt(nonce, _CHECK_PLAINTEXT, key_id.encode()))}


def _check(meta: dict[str, Any], key: bytes) -> bool:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        check = meta["check"]
        plain = AESGCM(key).decrypt(_unb64(check["nonce"]), _unb64(check["value"]), meta["key_id"].encode())
    except (InvalidTag, KeyError, ValueError):
        return False
    return plain == _CHECK_PLAINTEXT


def _cost(wrapped: dict[str, Any] | None) -> int:
    """scrypt's memory-time product of a wrapping (today's when ``None``)."""
    if wrapped is None:
        return SCRYPT_N * SCRYPT_R * SCRYPT_P
    try:
        return int(wrapped["n"]) * int(wrapped["r"]) * int(wrapped["p"])
    except (KeyError, TypeError, ValueError):
        return 0


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
    """True when one of the OS's secure keyrings answers (see ``app.keyring_backends``)."""
    from app.keyring_backends import choose

    return choose().usable


def _backend() -> Any:
    from app.keyring_backends import choose

    return choose().backend


def _keyring_get(username: str) -> bytes | None:
    backend = _backend()
    if backend is None:
        return None
    try:
        value = backend.get_password(KEYRING_SERVICE, username)
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
    backend = _backend()
    if backend is None:
        return False
    try:
        backend.set_password(KEYRING_SERVICE, username, _b64(key))
        return _keyring_get(username) == key
    except Exception:  # noqa: BLE001 - fall back to the passphrase, never to plaintext
        log.warning("keyring write failed; the passphrase will protect the data key")
        return False


def _keyring_delete(username: str) -> None:
    backend = _backend()
    if backend is None:
        return
    try:
        backend.delete_password(KEYRING_SERVICE, username)
    except Exception:  # noqa: BLE001 - an entry left behind holds a key that opens nothing
        log.warning("keyring entry of an unused key not deleted")
