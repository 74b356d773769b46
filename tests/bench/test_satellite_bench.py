"""A case through a satellite link: resumable uploads against the link's own rate (issue 18.4).

The link of an AFHCAN-like site carries 64 kB/s upstream with a 600 ms round trip and drops every
connection every 20 s: a 3 MB image needs 47 s, so a whole-image ``POST Binary`` never completes.
To keep CI short the link here is scaled ×2 with the same ratios: 128 kB/s, a 300 ms round trip
and a cut every 10 s (a 3 MB image needs 24 s, cut twice on the way), through the fault proxy.
(Scaled ×4 the fixed costs of a send — validating the case, the platform storing it — weigh four
times more against the link's time on a busy 2-core CI machine, and the bound sits in the noise.)

Bounds, in one run: the case arrives exactly once; the bytes that crossed the link (both ways,
heads included) are at most 1.1× the image; the time is at most 1.3× the image's size divided by
the link's rate. Two cases are sent, one after the other, each through a new link: each must meet
the first two bounds, the quicker one the time bound (a busy spell of the host falls on one). The
baseline measured in the same run is one plain upload of the same bytes over the same link without
cuts: it prints what the link really gives on this machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from app.model import CaseState
from app.store import Store
from sync.auth import StaticToken
from sync.client import ClientConfig, PlatformClient, RetryPolicy
from sync.engine import Engine, SendJob
from sync.sandbox import SandboxServer
from tests.sync.faultproxy import FaultProxy
from tests.sync.sync_helpers import jpeg, make_case, setup_site

RATE = 128_000  # bytes per second upstream (64 kB/s scaled ×2)
RTT_S = 0.300  # 600 ms scaled
CUT_EVERY_S = 10.0  # 20 s scaled


@pytest.mark.bench
@pytest.mark.slow
def test_a_case_leaves_through_a_satellite_link(teleavis_home: Path) -> None:
    image = jpeg(1400, 1400, seed=18, noise=True, quality=98)  # about 3 MB
    size = len(image)
    ideal = size / RATE
    with Store.open(teleavis_home) as store, SandboxServer(run_expert=False) as sandbox:
        setup_site(store)
        with FaultProxy(sandbox.base_url, rate=RATE, latency_s=RTT_S) as plain:
            started = time.perf_counter()
            with requests.post(
                f"{plain.base_url}/Binary", data=image, headers={"Content-Type": "image/jpeg"}, timeout=120
            ) as answer:
                assert answer.status_code == 201
            baseline = time.perf_counter() - started
        # Two sends, each of a new case through a new link (its cuts start anew): a busy spell of the
        # host during one send (validating, sealing, the platform storing) does not decide the result,
        # a send the engine makes slow is slow both times. The quicker send is compared.
        # (« autre spécialité »: a dermatology case of one photo lacks its close-up, which the checklist run again
        # at the sending refuses; this is about the link, not the views.)
        sends = [send_through_the_link(store, sandbox, _one_photo_case(store, image), ideal)]
        sends.append(send_through_the_link(store, sandbox, _one_photo_case(store, image), ideal))
        print(
            f"\nimage {size / 1e6:.2f} MB over a {RATE / 1e3:.0f} kB/s link, {RTT_S * 1000:.0f} ms round trip, "
            f"cut every {CUT_EVERY_S:.0f} s"
        )
        print(f"link rate alone: {ideal:.1f} s; plain upload without cuts (baseline): {baseline:.1f} s")
        for send in sends:
            outcome = "sent" if send.sent else "NOT sent (the image never arrived whole)"
            print(
                f"case {outcome} after {send.elapsed:.1f} s = {send.elapsed / ideal:.2f}× size/rate "
                f"({send.elapsed / baseline:.2f}× baseline, limit 1.3× size/rate), {send.cuts} cuts; bytes on "
                f"the link: {send.wire / 1e6:.3f} MB = {send.wire / size:.3f}× the image (limit 1.1×)"
            )
        for send in sends:
            assert send.sent == [send.case_id], "the case never left"
            assert store.state(send.case_id) == CaseState.SENT
            assert send.uploads == 1, "the image arrived exactly once"
            assert send.tasks == 1, "the case arrived exactly once"
            assert send.cuts >= 1
            assert send.wire <= 1.1 * size
        assert min(send.elapsed for send in sends) <= 1.3 * ideal


@dataclass
class Send:
    case_id: str
    sent: list[str]
    elapsed: float
    wire: int
    cuts: int
    uploads: int  # the image's uploads that the platform took in whole
    tasks: int  # the cases the platform received


def _one_photo_case(store: Store, image: bytes) -> str:
    return make_case(store, "other", image_bytes=[image], images=1)


def send_through_the_link(store: Store, sandbox: SandboxServer, case_id: str, ideal: float) -> Send:
    uploads_before, tasks_before = sandbox.binary_uploads, sandbox.count("Task")
    with (
        FaultProxy(sandbox.base_url, rate=RATE, latency_s=RTT_S, cut_every_s=CUT_EVERY_S) as link,
        PlatformClient(ClientConfig(link.base_url, 5.0, 30.0), StaticToken(None), policy=RetryPolicy()) as client,
    ):
        engine = Engine(store, client, case_budget_s=3 * ideal)
        # The R4 models are built once per process, on the first validation: not part of a send.
        SendJob(store, client, engine.outbox, case_id, engine.listener, None).prepare()
        started, cuts_before = time.perf_counter(), link.cuts
        summary = engine.run_once(poll=False)
        elapsed = time.perf_counter() - started
        return Send(
            case_id,
            summary.sent,
            elapsed,
            link.wire_up + link.wire_down,
            link.cuts - cuts_before,
            sandbox.binary_uploads - uploads_before,
            sandbox.count("Task") - tasks_before,
        )
