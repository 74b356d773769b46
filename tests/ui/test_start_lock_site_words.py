"""The code asked before the site's settings at a start says whether they are to be made or made again.

Found from outside: a fresh data folder where only the command line was used (a lock code set, no site):
the first window start said « Les réglages du site de ce poste sont à refaire »; they had never been made.
Never made, they are « à faire »; made once (the row since deleted or altered), « à refaire »."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app import screen_lock
from app.site import save_site, site_ever_set
from app.store import Store
from tests.support.french import fr_spaced
from tests.support.ui import REQUESTER
from ui.start_lock import StartLockDialog

NEVER = fr_spaced(
    "Les réglages du site de ce poste sont à faire : ils s'ouvriront une fois le code ou la phrase secrète tapé."
)
AGAIN = fr_spaced(
    "Les réglages du site de ce poste sont à refaire : ils s'ouvriront une fois le code ou la phrase secrète tapé."
)


@pytest.fixture
def store(teleavis_home: Path) -> Iterator[Store]:
    with Store.open(teleavis_home) as opened:
        screen_lock.set_pin(opened, "4821")  # as `teleavis lock` does: the command line alone
        yield opened


def said(qtbot: Any, store: Store) -> str:
    dialog = StartLockDialog(store)
    qtbot.addWidget(dialog)
    return str(dialog.why.text())


def test_never_made_they_are_to_be_made(qtbot: Any, store: Store) -> None:
    assert not site_ever_set(store)
    assert said(qtbot, store) == NEVER


def test_made_then_deleted_they_are_to_be_made_again(qtbot: Any, store: Store) -> None:
    save_site(store, REQUESTER)
    store.conn.execute("DELETE FROM settings WHERE key = 'site.requester'")
    assert site_ever_set(store)
    assert said(qtbot, store) == AGAIN


def test_made_then_altered_they_are_to_be_made_again(qtbot: Any, store: Store) -> None:
    store.settings.set("site.requester", {"rpps": "10101010105"})
    store.conn.execute("UPDATE settings SET value = 'x' WHERE key = 'site.requester'")
    assert site_ever_set(store)
    assert said(qtbot, store) == AGAIN


def test_in_english(qtbot: Any, qapp: Any, store: Store) -> None:
    from ui.application import install_language

    install_language(qapp, "en")
    try:
        assert said(qtbot, store) == (
            "This workstation's site settings are still to be made: they will open once the code or the "
            "passphrase is typed."
        )
    finally:
        install_language(qapp, "fr")
