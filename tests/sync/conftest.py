from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import Store
from tests.support.scripted_platform import send_to_sandbox
from tests.sync.sync_helpers import copy_of_three, setup_site


@pytest.fixture
def store(teleavis_home: Path) -> Iterator[Store]:
    with Store.open(teleavis_home) as opened:
        setup_site(opened)
        yield opened


@pytest.fixture(scope="module")
def sent_three(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, str]]]:
    """A data folder with three cases sent to a sandbox (a test file copies it for each example), and their
    (case, Task) ids: made once a test file, for the files that give one case an odd answer among three."""
    from tests.conftest import PASSPHRASE

    home = tmp_path_factory.mktemp("three") / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TELEAVIS_PASSPHRASE", PASSPHRASE)
        patch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
        patch.setattr("app.keystore.SCRYPT_N", 2**14)
        with Store.open(home) as store:
            setup_site(store)
            cases = send_to_sandbox(store, home.parent / "sandbox", 3)
    return home, cases


@pytest.fixture
def three(sent_three: tuple[Path, list[tuple[str, str]]], tmp_path: Path) -> tuple[Path, list[tuple[str, str]]]:
    """This test's own copy of ``sent_three``'s data folder, and the cases' (case, Task) ids."""
    return copy_of_three(sent_three, tmp_path)
