"""``teleavis sync`` killed with SIGKILL at random moments, restarted each time: exactly once."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.model import CaseState
from app.store import Store
from sync.sandbox import SandboxServer
from tests.sync.faultproxy import FaultProxy
from tests.sync.sync_helpers import jpeg, make_case, setup_site

KILLS = 32
TIMEOUT_S = 5.0


def mid_case(home: Path) -> bool:
    """True when the store shows a case caught between its first upload and its transaction's answer:
    some images recorded on the platform, not all, or all of them and the case not yet sent."""
    conn = sqlite3.connect(f"file:{home / 'teleavis.db'}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT c.state, COUNT(i.id), COUNT(i.binary_id) FROM cases c JOIN images i ON i.case_id = c.id "
            "GROUP BY c.id"
        ).fetchall()
    finally:
        conn.close()
    return any(uploaded and (uploaded < total or state != "sent") for state, total, uploaded in rows)


def sync_process(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "app.main", "sync", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


@pytest.mark.slow
def test_sync_killed_at_random_moments_sends_every_case_exactly_once(teleavis_home: Path, tmp_path: Path) -> None:
    rng = random.Random(31)
    # Whole-image POSTs, whose bodies the proxy can fingerprint: the kills of resumable uploads, and
    # their resuming from the recorded upload, are tested in test_sync_resumable.py.
    with (
        SandboxServer(tmp_path / "platform", run_expert=False, resumable=False) as sandbox,
        FaultProxy(sandbox.base_url, rate=500_000) as proxy,
    ):
        with Store.open(teleavis_home) as store:
            setup_site(store)
            store.settings.set("platform.url", proxy.base_url)
            store.settings.set("platform.timeout_s", TIMEOUT_S)
            cases = [
                make_case(
                    store,
                    "dermatology",
                    images=4,
                    seed=n,
                    image_bytes=[jpeg(260, 260, seed=n * 10 + k, noise=True, quality=95) for k in range(4)],
                )
                for n in range(8)
            ]
        kills = mid_work = 0
        while kills < KILLS:
            seen = len(proxy.stats.exchanges)
            process = sync_process("--timeout", "30")
            # Start-up and unlocking take a second or more: kill once this process talks to the
            # platform, at a random moment of its work, not while it is still starting.
            deadline = time.monotonic() + 60
            while len(proxy.stats.exchanges) == seen and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.4))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait()
            mid_work += mid_case(teleavis_home)
        # A transaction the last kill cut is left to the platform for twice the read timeout before it is
        # looked up (it may still be recording it): the last run comes once that is over, as the window's
        # next pass would.
        time.sleep(2 * TIMEOUT_S + 0.5)
        final = sync_process("--once")
        assert final.wait(timeout=120) == 0
        exchanges = list(proxy.stats.exchanges)
        with Store.open(teleavis_home) as store:
            for case_id in cases:
                case = store.get_case(case_id)
                assert case.state == CaseState.SENT
                assert sandbox.count("ServiceRequest", identifier=f"urn:teleavis:case-id|{case_id}") == 1
                assert sandbox.count("Task", identifier=f"urn:teleavis:case-id|{case_id}") == 1
                for image in case.images:
                    assert sandbox.count("Media", identifier=f"urn:teleavis:image-id|{image.id}") == 1
                    assert sandbox.binary_bytes(image.binary_id or "") == store.image_bytes(image)
                    # No upload of this image after the one whose id was recorded.
                    uploads = [n for n, e in enumerate(exchanges) if e.body_sha1 == image.sha1]
                    recorded = [
                        n for n in uploads if (exchanges[n].location or "").startswith(f"Binary/{image.binary_id}/")
                    ]
                    assert recorded, "the recorded Binary came from one of the uploads"
                    assert uploads[-1] == recorded[0]
        uploads_total = sum(1 for e in exchanges if e.body_sha1)
        print(
            f"\n{kills} kills, {mid_work} left a case half sent; {uploads_total} Binary uploads for "
            f"{8 * 4} images ({sandbox.binary_uploads} stored on the platform)"
        )
        # The kills must have landed where it matters, or "exactly once" was never put to the test:
        # between a case's first upload and its transaction, and between an upload and its record
        # (the image then went up again: an orphan Binary, never a second Media).
        assert mid_work >= KILLS // 4
        assert uploads_total > 8 * 4
