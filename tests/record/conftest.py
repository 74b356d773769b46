"""Fixtures of the case-record tests: a fresh installation (tests/conftest.py) and an open store
with its site set up."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest

from app import i18n
from app.model import Requester
from app.store import Store
from tests.record.record_cases import PASSPHRASE


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
    with Store.open(record_env) as opened:
        opened.settings.set(
            "site.requester",
            asdict(
                Requester(
                    rpps="10101010105",
                    family="DURAND",
                    given=["Anne"],
                    role="Médecin généraliste",
                    finess="750000010",
                    organization="Unité sanitaire de la maison d'arrêt de Fresnes",
                    patient_id_system="urn:oid:1.2.250.1.999.1.1",
                )
            ),
        )
        yield opened
