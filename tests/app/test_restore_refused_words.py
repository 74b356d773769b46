"""A restore refused before anything is read says that nothing was restored and the data here is untouched,
and what to give instead. Found from outside (a technician's mistakes: a name mistyped, the backups' folder,
the case file): « Impossible de lire « … » : ce fichier ou ce dossier n'existe pas. » and « « … » n'est pas
une sauvegarde Teleavis. » said neither, while a restore is the one command that replaces all the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import SITE, run_inprocess, write_json

UNTOUCHED = "Rien n'a été restauré : vos données actuelles n'ont pas été touchées."
NOTHING_RESTORED = "rien n'a été restauré, vos données actuelles n'ont pas été touchées"


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


def test_a_backup_of_a_newer_teleavis_is_refused_before_anything_is_replaced(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: a backup from a newer Teleavis whose archive format is the same but whose database is of a
    newer version was restored over the data here, said restored; then nothing opened it (« mettez Teleavis à
    jour ») and the data it replaced was gone. It is refused as a newer archive is, before anything is replaced;
    and both say that nothing was restored."""
    from app import db

    site = write_json(tmp_path / "site.json", SITE)
    assert run_inprocess(capsys, "init", "--site", str(site)).code == 0
    newer = tmp_path / "poste-nouveau.tvbak"
    assert run_inprocess(capsys, "backup", str(newer)).code == 0
    before = run_inprocess(capsys, "audit", "list", "--json").out
    with monkeypatch.context() as older:
        older.setattr(db, "MIGRATIONS", db.MIGRATIONS[:-1])  # this Teleavis, one version older than the backup's
        result = run_inprocess(capsys, "restore", "--force", str(newer))
    assert result.code == 1, result.err
    assert "plus récente" in result.err and NOTHING_RESTORED in result.err, result.err
    assert run_inprocess(capsys, "audit", "list", "--json").out == before


def test_an_archive_of_a_newer_format_says_nothing_was_restored(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json
    import struct

    from app.backup import FORMAT, MAGIC

    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    archive = tmp_path / "poste.tvbak"
    assert run_inprocess(capsys, "backup", str(archive)).code == 0
    data = archive.read_bytes()
    (length,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
    header = json.loads(data[len(MAGIC) + 4 : len(MAGIC) + 4 + length])
    raw = json.dumps({**header, "format": FORMAT + 1}).encode()
    archive.write_bytes(MAGIC + struct.pack(">I", len(raw)) + raw + data[len(MAGIC) + 4 + length :])
    result = run_inprocess(capsys, "restore", str(archive))
    assert result.code == 1, result.err
    assert "plus récente" in result.err and NOTHING_RESTORED in result.err, result.err
