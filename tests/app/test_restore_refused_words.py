"""A restore refused before anything is read says that nothing was restored and the data here is untouched,
and what to give instead. Found from outside (a technician's mistakes: a name mistyped, the backups' folder,
the case file): « Impossible de lire « … » : ce fichier ou ce dossier n'existe pas. » and « « … » n'est pas
une sauvegarde Teleavis. » said neither, while a restore is the one command that replaces all the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import SITE, run_inprocess, write_json

UNTOUCHED = "Rien n'a été restauré : vos données actuelles n'ont pas été touchées."


def test_a_restore_of_what_is_no_backup_says_the_data_is_untouched_and_what_to_give(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = write_json(tmp_path / "site.json", SITE)
    assert run_inprocess(capsys, "init", "--site", str(site)).code == 0
    before = run_inprocess(capsys, "audit", "list", "--json").out
    for given in (tmp_path / "sauvegarde-du-lundi.tvbak", tmp_path, site):
        result = run_inprocess(capsys, "restore", str(given))
        assert result.code == 1, (given, result.err)
        assert UNTOUCHED in result.err, (given, result.err)
        assert ".tvbak" in result.err, (given, result.err)  # what a backup is, to look for the right file
    assert run_inprocess(capsys, "audit", "list", "--json").out == before
