"""A sandbox per test, on a free loopback port, whose expert moves only when the test says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.sandbox import SandboxServer


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "sandbox", answer_after_s=0, seed=7, run_expert=False) as server:
        yield server
