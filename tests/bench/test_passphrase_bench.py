"""The passphrase's scrypt cost on this machine: N=2^17 must stay at or under about a second."""

from __future__ import annotations

import time

import pytest

from app.keystore import _kek

REAL_N = 2**17  # app.keystore.SCRYPT_N (the tests' conftest lowers it for speed)


@pytest.mark.bench
def test_scrypt_cost_of_the_passphrase() -> None:
    # CPU time, not wall time: 8 sessions share this machine's 2 cores, and scrypt runs on one.
    cpu, wall = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        _kek("cheval correct agrafe pile", b"0123456789abcdef", REAL_N, 8, 1)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    print(
        f"[bench] scrypt N=2^17 r=8 p=1 (128 MiB): CPU best {min(cpu):.2f} s (wall "
        + ", ".join(f"{t:.2f}" for t in wall)
        + " s)"
    )
    assert min(cpu) <= 1.0, "the passphrase would take over a second to check: lower N or review the machine"
