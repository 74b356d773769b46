"""Fixtures shared by the core's tests: a site set up by the CLI, and an opened store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import Store
from tests.support.cli import SITE, run_inprocess, write_json


@pytest.fixture
def site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The example site, set up with ``teleavis init``; its file."""
    path = write_json(tmp_path / "site.json", SITE)
    assert run_inprocess(capsys, "init", "--site", str(path)).code == 0
    return path


@pytest.fixture
def store(teleavis_home: Path) -> Iterator[Store]:
    with Store.open(teleavis_home) as opened:
        yield opened
