"""Runs inside a private mount namespace with a small tmpfs as the data directory: the sync engine meets a
full disk while it works on its own, then the space is freed and it goes on. ``kind`` says where:

- ``send``: a case's photos are uploading (the disk filled at its first progress report): the upload's
  progress and the platform's ids cannot be recorded;
- ``reply``: the requester's reply to the expert is posted, and that it left cannot be recorded;
- ``token``: the platform's access token expired, the refreshed one cannot be stored;
- ``rotated``: the same with a password sign-in, whose refresh token the provider rotates: the sync
  paused by the full disk starts again with a new client (as the window's does after its pause);
- ``psc``: the same signed in with Pro Santé Connect;
- ``forever``: as ``send``, in the loop of ``teleavis sync`` left running, which waits for the space.

The platform is the sandbox, outside the small disk. Prints a JSON report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

mount_point, kind = sys.argv[1], sys.argv[2]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mount_point], check=True)
os.environ["TELEAVIS_HOME"] = os.path.join(mount_point, "home")

import requests  # noqa: E402

from app.errors import StorageError  # noqa: E402 - after TELEAVIS_HOME is set for this namespace
from app.model import CaseState  # noqa: E402
from app.store import Store  # noqa: E402
from sync.auth import SignInRequired  # noqa: E402
from sync.client import PlatformClient  # noqa: E402
from sync.engine import Engine  # noqa: E402
from sync.follow import queue_reply  # noqa: E402
from sync.progress import NullListener  # noqa: E402
from sync.sandbox import SandboxServer  # noqa: E402
from tests.sync.sync_helpers import (  # noqa: E402
    FAST,
    client_for_url,
    jpeg,
    make_case,
    on_hold_with_a_question,
    setup_site,
)

FILLER = os.path.join(mount_point, "filler")


def fill(store: Store) -> None:
    """The disk full to its last byte; the WAL emptied first, so that the next write needs room."""
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(FILLER, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass
        try:
            while True:
                handle.write(b"\0" * 512)
        except OSError:
            pass


class FillsAtFirstBytes(NullListener):
    def __init__(self, store: Store) -> None:
        self.store, self.filled = store, False

    def bytes_sent(self, case_id: str, sent: int, total: int) -> None:
        if not self.filled and 0 < sent < total:
            self.filled = True
            fill(self.store)


def attempt(engine: Engine) -> str | None:
    try:
        engine.run_once()
    except StorageError as exc:
        return exc.message
    return None


result: dict[str, object] = {}
with tempfile.TemporaryDirectory() as elsewhere, Store.open() as store:
    setup_site(store)
    if kind == "send":
        with SandboxServer(Path(elsewhere) / "p", run_expert=False) as server:
            case_id = make_case(store, image_bytes=[jpeg(640, 480, seed=n, noise=True) for n in range(2)])
            with client_for_url(server.base_url) as client:
                listener = FillsAtFirstBytes(store)
                engine = Engine(store, client, listener, case_budget_s=10.0)
                result["words"] = attempt(engine)
                result["filled"] = listener.filled
                result["state"] = store.state(case_id).value
                os.remove(FILLER)  # the space freed
                result["again"] = attempt(engine)
                result["done"] = store.state(case_id) == CaseState.SENT
                result["once"] = server.count("Task") == 1 and server.binary_uploads == 2
    elif kind == "forever":
        # ``teleavis sync`` left running (a service): the disk fills while a case's photos go, then is freed.
        from app.commands.platform import sync_until_stopped

        with SandboxServer(Path(elsewhere) / "p", run_expert=False) as server:
            case_id = make_case(store, image_bytes=[jpeg(640, 480, seed=n, noise=True) for n in range(2)])
            with client_for_url(server.base_url) as client:
                stop = threading.Event()
                told: list[str] = []

                class StopsOnceSent(FillsAtFirstBytes):
                    def case_state(self, case_id: str, state: str, detail: str = "") -> None:
                        if state == CaseState.SENT.value:
                            stop.set()

                def tell(words: str) -> None:
                    told.append(words)
                    if os.path.exists(FILLER) and len(told) == 2:
                        result["state"] = store.state(case_id).value
                        os.remove(FILLER)  # the space freed while it waits

                listener = StopsOnceSent(store)
                engine = Engine(store, client, listener, case_budget_s=10.0)
                sync_until_stopped(engine, stop, 60.0, pause_s=2.0, tell=tell)
                result["words"] = told[0] if told else None
                result["waiting"] = told[1] if len(told) > 1 else None
                result["filled"] = listener.filled
                result["again"] = None if len(told) == 2 else told[2:]
                result["done"] = store.state(case_id) == CaseState.SENT
                result["once"] = server.count("Task") == 1 and server.binary_uploads == 2
    elif kind == "reply":
        with (
            SandboxServer(Path(elsewhere) / "p", answer_after_s=0.0, question_rate=1.0, run_expert=False) as server,
            client_for_url(server.base_url) as client,
        ):
            case_id, engine = on_hold_with_a_question(store, server, client)
            message_id = queue_reply(store, case_id, "Depuis trois semaines.", [])
            fill(store)
            result["words"] = attempt(engine)
            result["state"] = [m.id for _case, m in engine.outbox.queued_replies()] == [message_id]  # still to go
            os.remove(FILLER)
            result["again"] = attempt(engine)
            result["done"] = not engine.outbox.queued_replies() and all(
                m.platform_id for m in engine.outbox.messages(case_id) if m.id == message_id
            )
            result["once"] = [
                i["value"] for c in server.resources("Communication") for i in c.get("identifier", [])
            ].count(message_id) == 1
    elif kind == "psc":
        from sync.sandbox.psc import PscProvider
        from tests.sync.test_psc import _signed_in_platform

        with (
            PscProvider(ciba_delay_s=0.9, ciba_interval_s=0.2) as provider,
            _signed_in_platform(store, provider, Path(elsewhere)),
        ):
            before, asked = store.settings.get("state.psc.tokens"), len(provider.token_requests)
            fill(store)
            with PlatformClient.from_store(store, policy=FAST) as client:
                try:
                    client.request("GET", "metadata")
                except StorageError as exc:
                    result["words"] = exc.message
            result["filled"] = len(provider.token_requests) == asked + 1
            result["state"] = store.settings.get("state.psc.tokens") == before  # not stored
            os.remove(FILLER)  # the space freed; the sync starts again (the window's after its pause)
            with PlatformClient.from_store(store, policy=FAST) as client:
                try:
                    client.request("GET", "metadata")
                    result["again"] = None
                except (SignInRequired, StorageError) as exc:
                    result["again"] = exc.message
            result["done"] = store.settings.get("state.psc.tokens") != before
            result["once"] = len(provider.token_requests) == asked + 1  # the token refreshed kept
    elif kind == "rotated":
        with SandboxServer(
            Path(elsewhere) / "p", token="static-secret", run_expert=False, token_lifetime_s=1.0
        ) as server:
            signed_in = requests.post(
                server.token_url, data={"grant_type": "password", "username": "demo", "password": "demo"}, timeout=10
            ).json()
            store.settings.set("platform.url", server.base_url)
            store.settings.set("platform.token_url", server.token_url)
            store.settings.set("platform.client_id", "teleavis")
            store.settings.set("platform.token", signed_in["access_token"])
            store.settings.set("platform.refresh_token", signed_in["refresh_token"])
            case_id = make_case(store)
            with PlatformClient.from_store(store, policy=FAST) as client:
                engine = Engine(store, client, case_budget_s=10.0)
                engine.run_once()
                assert store.state(case_id) == CaseState.SENT
                time.sleep(1.2)  # the access token expires: the next poll refreshes it, the provider rotating
                issued, before = server.auth.issued, store.settings.get("platform.refresh_token")
                fill(store)
                result["words"] = attempt(engine)
            result["filled"] = server.auth.issued == issued + 1
            result["state"] = store.settings.get("platform.refresh_token") == before  # not stored
            os.remove(FILLER)  # the space freed; the sync starts again (the window's after its pause)
            with PlatformClient.from_store(store, policy=FAST) as client:
                try:
                    result["again"] = attempt(Engine(store, client, case_budget_s=10.0))
                except SignInRequired as exc:
                    result["again"] = exc.message
            result["done"] = store.settings.get("platform.refresh_token") != before
            result["once"] = server.auth.issued == issued + 1  # the token refreshed kept, not asked again
    else:
        with SandboxServer(
            Path(elsewhere) / "p", token="static-secret", run_expert=False, token_lifetime_s=1.0
        ) as server:
            store.settings.set("platform.url", server.base_url)
            store.settings.set("platform.token_url", server.token_url)
            store.settings.set("platform.client_id", "teleavis")
            store.settings.set("platform.client_secret", "sandbox-secret")
            store.settings.set("platform.token", "stale")
            case_id = make_case(store)
            with PlatformClient.from_store(store, policy=FAST) as client:
                engine = Engine(store, client, case_budget_s=10.0)
                engine.run_once()
                assert store.state(case_id) == CaseState.SENT
                time.sleep(1.2)  # the access token expires: the next request refreshes it
                issued, before = server.auth.issued, store.settings.get("platform.token")
                fill(store)
                result["words"] = attempt(engine)
                result["state"] = store.settings.get("platform.token") == before  # not stored, nor half
                result["filled"] = server.auth.issued == issued + 1
                os.remove(FILLER)
                result["again"] = attempt(engine)
                result["done"] = store.settings.get("platform.token") not in (before, "stale")
                result["once"] = server.auth.issued == issued + 1  # the token refreshed kept, not asked again
    result["integrity"] = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
print(json.dumps(result))
