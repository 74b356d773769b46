"""``teleavis sync`` killed with SIGKILL at random moments while the requester's replies to the expert leave
(each with its photos), restarted each time: each reply, and each of its photos, is on the platform once, and
each reply is recorded as sent. (A case's own send is killed so in test_sync_kill.py.)"""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import pytest

from app.model import CaseImage, CaseState
from app.outbox import Outbox
from app.store import NewImage, Store
from sync.follow import queue_reply
from sync.sandbox import SandboxServer
from tests.sync.faultproxy import FaultProxy
from tests.sync.sync_helpers import engine_on, jpeg, make_case, setup_site
from tests.sync.test_sync_kill import TIMEOUT_S, sync_process

KILLS = 16
REPLIES = 5


@pytest.mark.slow
def test_sync_killed_while_replies_leave_sends_each_reply_and_photo_once(teleavis_home: Path, tmp_path: Path) -> None:
    rng = random.Random(6)
    with (
        SandboxServer(tmp_path / "platform", run_expert=False, resumable=False, question_rate=1.0, seed=3) as sandbox,
        # (slow enough that a reply's photos take about a second each: at 250 kB/s, on a loaded machine, every
        # reply once left in the 3 runs before the first kill that landed mid-way, and nothing was tried)
        FaultProxy(sandbox.base_url, rate=60_000) as proxy,
    ):
        with Store.open(teleavis_home) as store:
            setup_site(store)
            store.settings.set("platform.url", proxy.base_url)
            store.settings.set("platform.timeout_s", TIMEOUT_S)
            cases = [make_case(store, "dermatology", seed=n) for n in range(REPLIES)]
            with engine_on(store, proxy.base_url) as engine:
                engine.run_once()
                sandbox.expert.run_until_idle()
                engine.run_once()
            assert all(store.state(case_id) == CaseState.ON_HOLD for case_id in cases)
            replies = []
            for n, case_id in enumerate(cases):
                photos = [
                    NewImage(
                        CaseImage(body_site="dos", view="close-up", content_type="image/jpeg", width=260, height=260),
                        jpeg(260, 260, seed=500 + n * 10 + k, noise=True, quality=95),
                    )
                    for k in range(2)
                ]
                replies.append(queue_reply(store, case_id, f"Réponse {n} : depuis trois semaines.", photos))
        first_exchange = len(proxy.stats.exchanges)
        kills = 0
        while kills < KILLS:
            seen = len(proxy.stats.exchanges)
            process = sync_process("--timeout", "30")
            deadline = time.monotonic() + 60
            while len(proxy.stats.exchanges) == seen and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 2.0))  # (a reply is prepared, its photos and transaction sent, in 1 to 2 s)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait()
            if not replies_queued(teleavis_home):
                break  # every reply left before the kills were all spent
        # A transaction the last kill cut is left to the platform for twice the read timeout (it may still
        # be recording it): the last run comes once that is over.
        time.sleep(2 * TIMEOUT_S + 0.5)
        final = sync_process("--once")
        assert final.wait(timeout=120) == 0
        with Store.open(teleavis_home) as store:
            assert not Outbox(store).queued_replies()
            for case_id, message_id in zip(cases, replies, strict=True):
                sent = [m for m in Outbox(store).messages(case_id) if m.id == message_id]
                assert sent and sent[0].platform_id, (sent, store.platform_info(case_id)["last_error"])
                assert sandbox.count("Communication", identifier=f"urn:teleavis:message-id|{message_id}") == 1
                for image_id in sent[0].image_ids:
                    assert sandbox.count("Media", identifier=f"urn:teleavis:image-id|{image_id}") == 1
        exchanges = list(proxy.stats.exchanges)[first_exchange:]
        uploads = sum(1 for e in exchanges if e.body_sha1)
        posted = sum(
            1 for e in exchanges if e.method == "POST" and not e.path.rstrip("/").endswith(("Binary", "_search"))
        )
        print(f"\n{kills} kills; {uploads} photo uploads for {2 * REPLIES}, {posted} reply transactions for {REPLIES}")
        # The kills must have landed where it matters: a photo sent again after its upload was cut, or a reply's
        # transaction posted again after a kill left its answer unknown.
        assert uploads + posted > 3 * REPLIES, (uploads, posted)


def replies_queued(home: Path) -> bool:
    """Whether a reply still waits to leave, as the store on disk says."""
    with Store.open(home) as store:
        return bool(Outbox(store).queued_replies())
