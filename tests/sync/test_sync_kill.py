"""``teleavis sync`` killed with SIGKILL at random moments, restarted each time: exactly once."""

from __future__ import annotations

import random
import signal
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


def sync_process(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "app.main", "sync", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@pytest.mark.slow
def test_sync_killed_at_random_moments_sends_every_case_exactly_once(teleavis_home: Path, tmp_path: Path) -> None:
    rng = random.Random(31)
    with SandboxServer(tmp_path / "platform", run_expert=False) as sandbox, \
            FaultProxy(sandbox.base_url, rate=1_500_000) as proxy:
        with Store.open(teleavis_home) as store:
            setup_site(store)
            store.settings.set("platform.url", proxy.base_url)
            store.settings.set("platform.timeout_s", 5.0)
            cases = [make_case(store, "dermatology", images=4, seed=n,
                               image_bytes=[jpeg(260, 260, seed=n * 10 + k, noise=True, quality=95) for k in range(4)])
                     for n in range(8)]
        kills = 0
        while kills < KILLS:
            process = sync_process("--timeout", "30")
            time.sleep(rng.uniform(0.3, 1.6))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait()
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
                    recorded = [n for n in uploads if (exchanges[n].location or "").startswith(
                        f"Binary/{image.binary_id}/")]
                    assert recorded, "the recorded Binary came from one of the uploads"
                    assert uploads[-1] == recorded[0]
        uploads_total = sum(1 for e in exchanges if e.body_sha1)
        print(f"\n{kills} kills; {uploads_total} Binary uploads for {8 * 4} images "
              f"({sandbox.binary_uploads} stored on the platform)")
