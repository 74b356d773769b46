"""Training mode: with no platform configured, the built-in sandbox runs in-process on loopback."""

from __future__ import annotations

import atexit
import logging
import threading
from typing import Any

log = logging.getLogger(__name__)

_lock = threading.Lock()
_running: dict[str, Any] = {}


def training_mode(store: Any) -> bool:
    """True when the app talks to the built-in sandbox (no platform URL, or training forced on)."""
    setting = store.settings.get("training")
    return setting == "on" or (setting == "auto" and not store.settings.get("platform.url"))


#: Against the sandbox on loopback, polling costs nothing and a newcomer sees the answer arrive.
TRAINING_POLL_S = 5.0


def poll_interval(store: Any) -> float:
    """Seconds between two polls of the platform: the setting, or a few seconds in training mode."""
    configured = float(store.settings.get("sync.interval_s") or 300)
    return min(configured, TRAINING_POLL_S) if training_mode(store) else configured


def ensure_sandbox(store: Any) -> str:
    """The base URL to talk to: the configured platform, or an in-process sandbox on loopback
    (data in ``<data dir>/sandbox``) started on first call and stopped at exit."""
    url = store.settings.get("platform.url")
    if url and not training_mode(store):
        return str(url)
    from sync.sandbox import SandboxServer

    data_dir = store.data_dir / "sandbox"
    key = str(data_dir.resolve())
    with _lock:
        server = _running.get(key)
        if server is None:
            server = SandboxServer(data_dir, "127.0.0.1", 0,
                                   answer_after_s=float(store.settings.get("sandbox.answer_after_s")))
            server.start()
            _running[key] = server
            atexit.register(stop_sandboxes)
            log.info("training mode: sandbox platform on loopback")
        return str(server.base_url)


def stop_sandboxes() -> None:
    """Stop every sandbox this process started."""
    with _lock:
        servers = list(_running.values())
        _running.clear()
    for server in servers:
        server.stop()
