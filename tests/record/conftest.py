"""Fixtures of the case-record tests: a fresh installation (tests/conftest.py) and an open store
with its site set up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app import i18n
from app.store import Store
from tests.record.record_cases import PASSPHRASE, opened_with_site


@pytest.fixture(autouse=True)
def record_env(teleavis_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The fresh installation of tests/conftest.py, with this suite's passphrase."""
    home = teleavis_home
    monkeypatch.setenv("TELEAVIS_HOME", str(home))
    monkeypatch.setenv("TELEAVIS_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    i18n.set_language(None)
    yield home
    i18n.set_language(None)


@pytest.fixture
def store(record_env: Path) -> Iterator[Store]:
    with opened_with_site(record_env) as opened:
        yield opened
