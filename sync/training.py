"""Training mode: with no platform configured, the built-in sandbox runs in-process on loopback.

Training cases are patient data like any other. The in-process sandbox therefore keeps them sealed
with the data key in ``<data dir>/sandbox`` (sync/sandbox/storage.py), answers only requests that
carry its random bearer token (made at start, held in memory, given to this process's client) and
name loopback in their Host header, forgets a case when retention purges it, and is erased as soon
as a real platform is configured.
"""

from __future__ import annotations

import atexit
import logging
import secrets
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.settings import is_training
from sync.ports import ConfiguredStore

if TYPE_CHECKING:
    from app.store import Store

log = logging.getLogger(__name__)

_lock = threading.Lock()
_running: dict[str, Any] = {}

#: Where the in-process sandbox keeps its (sealed) data, inside the data directory.
SANDBOX_DIR = "sandbox"


def training_mode(store: ConfiguredStore) -> bool:
    """True when the app talks to the built-in sandbox (no platform URL, or training forced on)."""
    return is_training(store.settings.get)


#: Against the sandbox on loopback, polling costs nothing and a newcomer sees the answer arrive.
TRAINING_POLL_S = 5.0


def poll_interval(store: ConfiguredStore) -> float:
    """Seconds between two polls of the platform: the setting, or a few seconds in training mode."""
    configured = float(store.settings.get("sync.interval_s") or 300)
    return min(configured, TRAINING_POLL_S) if training_mode(store) else configured


def _data_dir(store: ConfiguredStore) -> Path:
    return Path(store.data_dir) / SANDBOX_DIR


def ensure_sandbox(store: ConfiguredStore) -> str:
    """The base URL to talk to: the configured platform, or an in-process sandbox on loopback
    (sealed data in ``<data dir>/sandbox``) started on first call and stopped at exit.

    Outside training mode, training data left from before is erased here too (a platform set by
    a restored backup or another process is still a real platform)."""
    url = store.settings.get("platform.url")
    if url and not training_mode(store):
        if _data_dir(store).exists():
            wipe_sandbox(store)
        return str(url)

    data_dir = _data_dir(store)
    key = str(data_dir.resolve())
    with _lock:
        server = _running.get(key)
        if server is None:
            # OAuth off: its demo accounts are public, the random token is the only way in. The training
            # expert asks a question on some cases (one in four by default, drawn from the case id), so
            # a newcomer also tries the reply loop.
            server = _new_sandbox(store, data_dir)
            if not server.store.types():  # a training platform with nothing on it: none of the marks hold
                _forget_marks(store)
            _running[key] = server
            atexit.register(stop_sandboxes)
            log.info("training mode: sandbox platform on loopback")
        return str(server.base_url)


def _new_sandbox(store: ConfiguredStore, data_dir: Path) -> Any:
    """The training sandbox, started; a disk too full for its database is said as such (found from
    outside: « Erreur interne inattendue »)."""
    import sqlite3

    from app import messages as M
    from app.errors import StorageError
    from app.fsutil import disk_full, no_space_left
    from sync.sandbox import SandboxServer

    try:
        server = SandboxServer(
            data_dir,
            "127.0.0.1",
            0,
            answer_after_s=float(store.settings.get("sandbox.answer_after_s")),
            question_rate=float(store.settings.get("sandbox.question_rate")),
            token=secrets.token_urlsafe(32),
            oauth_clients={},
            oauth_users={},
            key=store.key,
        )
        server.start()
    except (sqlite3.Error, OSError) as exc:
        if disk_full(exc) or "disk is full" in str(exc) or no_space_left(data_dir):
            raise StorageError(M.tr("storage.full")) from exc
        raise
    return server


def sandbox_token(base_url: str) -> str | None:
    """The bearer token of the in-process sandbox serving ``base_url``, or None for any other address."""
    wanted = base_url.rstrip("/")
    with _lock:
        for server in _running.values():
            if server.base_url.rstrip("/") == wanted:
                token: str | None = server.auth.static_token
                return token
    return None


def _stop(data_dir: Path) -> None:
    with _lock:
        server = _running.pop(str(data_dir.resolve()), None)
    if server is not None:
        server.stop()


def wipe_sandbox(store: ConfiguredStore) -> bool:
    """Stop this process's sandbox and erase the training data; False when there was none."""
    from sync.sandbox.storage import erase

    data_dir = _data_dir(store)
    _stop(data_dir)
    _forget_marks(store)
    if not data_dir.exists():
        return False
    erase(data_dir)
    log.info("training data erased")
    return True


def _forget_marks(store: ConfiguredStore) -> None:
    """The training platform's poll marks forgotten, its data being gone (erased, or lost: a restored
    backup holds no ``sandbox/``): the next poll is a whole one, not narrowed to what changed since the
    lost platform's last change, so it finds the training cases' requests gone and says so on them."""
    from app.store import TRAINING
    from sync.follow import POLL_MARKS, poll_mark

    for mark in POLL_MARKS:
        name = poll_mark(mark, TRAINING)
        if store.settings.get(name) is not None:
            store.settings.set(name, None)


def where_cases_go_changed(store: Store, was_training: bool) -> tuple[list[str], bool]:
    """The settings that say where cases go were just written (``config set``, the window's platform
    settings, ``--training``): call with whether training mode was on before. Returns the cases set
    aside, and whether the training platform's copy was erased.

    - Training mode ended: every case still waiting to leave for the training platform (a fictitious
      patient, an act never billable) waits for the user, nothing sent (``set_aside_elsewhere``), and
      the training platform's copy is erased (training cases are patient data).
    - Training mode began: the cases waiting for the real platform wait until it ends.

    Cases queued before their destination was recorded are taken as queued in the mode that is
    ending. The engine sets aside at each pass too, whatever changed the settings (a restored backup,
    another process); done here at once, the command can say which cases."""
    from app.outbox import Outbox
    from app.store import PLATFORM, TRAINING
    from sync.engine import set_aside_elsewhere

    now = training_mode(store)
    if now == was_training:
        return [], wipe_unless_training(store)  # (a restored backup may have left a copy)
    outbox = Outbox(store)
    outbox.decide_undecided(TRAINING if was_training else PLATFORM)
    held = set_aside_elsewhere(outbox)
    if held:
        log.info("training mode ended: %d queued case(s) set aside", len(held))
    return held, wipe_unless_training(store)


def wipe_unless_training(store: ConfiguredStore) -> bool:
    """Erase the training data when the settings now name a real platform; True when erased."""
    return not training_mode(store) and wipe_sandbox(store)


def forget_purged(store: Store) -> int:
    """Delete from the training sandbox every case the requester's store no longer holds (purged)."""
    from sync.sandbox.purge import purge_absent
    from sync.sandbox.storage import Store as SandboxStore

    data_dir = _data_dir(store)
    if not data_dir.exists():
        return 0
    known = {row[0] for row in store.conn.execute("SELECT id FROM cases")}
    with _lock:
        server = _running.get(str(data_dir.resolve()))
    if server is not None:
        return purge_absent(server.store, known)
    sandbox = SandboxStore(data_dir, store.key)
    try:
        return purge_absent(sandbox, known)
    finally:
        sandbox.close()


def sandbox_running(store: ConfiguredStore) -> bool:
    """Whether this process already runs the training sandbox of the store's data folder."""
    with _lock:
        return str(_data_dir(store).resolve()) in _running


def stop_sandbox(store: ConfiguredStore) -> None:
    """Stop the training sandbox of the store's data folder, if this process runs one. A command stops the
    one it started once it is done: at exit, Python waits for the sandbox's threads (one still reading a
    connection an interrupted upload left open) before atexit's ``stop_sandboxes`` could end them."""
    with _lock:
        server = _running.pop(str(_data_dir(store).resolve()), None)
    if server is not None:
        server.stop()


def stop_sandboxes() -> None:
    """Stop every sandbox this process started."""
    with _lock:
        servers = list(_running.values())
        _running.clear()
    for server in servers:
        server.stop()
    stop_psc()


_psc: dict[str, Any] = {}


def ensure_psc(store: Store) -> str:
    """In training mode, the issuer of an in-process Pro Santé Connect-like provider on loopback (started
    on first call, stopped at exit), whose test professionals include the site's requester, so that
    signing in (``teleavis login``, the window's button) can be tried end to end without a real e-CPS."""
    from app.site import load_requester
    from sync.sandbox.psc import TEST_PROFESSIONALS, Professional, PscProvider

    with _lock:
        provider = _psc.get("provider")
        if provider is None:
            professionals = list(TEST_PROFESSIONALS)
            requester = load_requester(store.settings)
            # By national id (8 + RPPS, or 0 + ADELI for a nurse under ADELI: « 8 » alone was her login).
            if requester is not None and all(p.national_id != requester.national_id for p in professionals):
                given = " ".join(requester.given)
                professionals.insert(
                    0,
                    Professional(
                        requester.rpps, requester.family, given, login=requester.national_id, adeli=requester.adeli
                    ),
                )
            provider = PscProvider(professionals=tuple(professionals)).start()
            _psc["provider"] = provider
            atexit.register(stop_psc)
            log.info("training mode: Pro Santé Connect-like provider on loopback")
        return str(provider.issuer)


def stop_psc() -> None:
    """Stop the training PSC-like provider, if this process started one."""
    with _lock:
        provider = _psc.pop("provider", None)
    if provider is not None:
        provider.stop()
