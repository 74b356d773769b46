"""The diagnosis of a data folder that cannot be written to: its database is not said damaged, and the
advice names only what the window has."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from app import doctor
from app import messages as M
from app.i18n import set_language
from tests.support.cases import example_case
from tests.support.cli import run_inprocess
from tests.support.read_only import read_only


def test_a_read_only_data_folder_is_not_said_to_hold_a_damaged_database(
    capsys: pytest.CaptureFixture[str], teleavis_home: Path, tmp_path: Path
) -> None:
    # Found by a technician: the folder mounted read-only, the diagnosis said « La base de données est
    # endommagée (unable to open database file) » and advised restoring the last backup, which would put
    # older data in place of a database that was whole.
    assert run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "cas"))).code == 0
    # Without its -wal and -shm files, which SQLite would have to make (a base last closed by an older
    # version, which deleted them; each connection now keeps them, checkpointed and empty: app.db.connect).
    for name in ("teleavis.db-wal", "teleavis.db-shm"):
        (teleavis_home / name).unlink()
    before = (teleavis_home / "teleavis.db").read_bytes()
    with read_only(teleavis_home):
        check = doctor.database(teleavis_home)
        assert os.access(teleavis_home, os.W_OK) is False
    assert check.status == "failed", check
    assert "La base de données est endommagée" not in check.detail, check
    assert "Restaurez la dernière sauvegarde" not in check.advice, check
    assert "lecture seule" in check.detail and str(teleavis_home) in check.detail, check
    assert (teleavis_home / "teleavis.db").read_bytes() == before


def test_a_damaged_database_on_a_read_only_folder_is_not_said_whole(
    capsys: pytest.CaptureFixture[str], teleavis_home: Path, tmp_path: Path
) -> None:
    # Found in review: on a read-only folder every failure to open was said « elle n'est pas endommagée, ne
    # restaurez pas de sauvegarde », a file SQLite reads as no database at all (its first pages written
    # over) included: the technician, told the data were whole, made the folder writable again for nothing.
    assert run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "cas"))).code == 0
    database = teleavis_home / "teleavis.db"
    with database.open("r+b") as handle:
        handle.write(os.urandom(8192))  # the header and the schema written over
    with read_only(teleavis_home):
        check = doctor.database(teleavis_home)
    assert check.status == "failed", check
    assert "n'est pas endommagée" not in check.detail, check
    assert "La base de données est endommagée" in check.detail, check


WINDOW_MENUS = {"fr": {"Dossiers", "Édition", "Aide", "Réglages"}, "en": {"Cases", "Edit", "Help", "Settings"}}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_advice_names_only_menus_the_window_has(lang: str) -> None:
    # The damaged database's advice said « Fichier > Restaurer »: the window has no File menu, nor any restore.
    set_language(lang)
    try:
        paths = {
            match.group(1): key
            for key in M.CATALOGUE._entries
            for match in re.finditer(r"(\w+) > \w", M.CATALOGUE._entries[key][lang])
        }
    finally:
        set_language(None)
    assert paths, "no menu path found in the messages"
    wrong = {menu: key for menu, key in paths.items() if menu not in WINDOW_MENUS[lang]}
    assert not wrong, wrong
