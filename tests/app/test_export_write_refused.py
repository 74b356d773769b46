"""An export that cannot be written says what happened, that nothing was written, and what to do.

Found from outside (a technician trying each command against a 2 MB tmpfs and a folder that does not exist):
``case export``, ``audit export`` and ``backup FILE`` said « Impossible d'écrire … : disque plein. » and
stopped there, and « … : ce fichier ou ce dossier n'existe pas. » without saying which (the folder) nor what to
do; only ``backup FOLDER/`` said the way out. Now each says that nothing was written and the way out."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import SITE, run_inprocess, write_json

WAY_OUT_FULL = "Libérez de la place sur ce disque, ou choisissez-en un autre, puis recommencez."
WAY_OUT_NO_FOLDER = "Vérifiez le chemin : le dossier où écrire doit déjà exister"


def _commands(tmp_path: Path, folder: Path) -> list[list[str]]:
    return [
        ["audit", "export", "--csv", str(folder / "audit.csv")],
        ["acts", "export", "--year", "2026", "--out", str(folder / "actes.csv")],
        ["backup", str(folder / "poste.tvbak")],
    ]


def test_an_export_into_a_folder_not_there_says_so_and_what_to_do(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    for command in _commands(tmp_path, tmp_path / "pas-de-dossier"):
        result = run_inprocess(capsys, *command)
        assert result.code == 1, (command, result.err)
        assert "Rien n'a été écrit." in result.err and WAY_OUT_NO_FOLDER in result.err, (command, result.err)
        assert not (tmp_path / "pas-de-dossier").exists()


def test_an_export_on_a_full_disk_says_nothing_was_written_and_the_way_out(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import backup, fsutil

    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0

    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    # (A tmpfs of 2 MB, as found: the bytes reach the disk in these two places, the exports' and the backup's.)
    monkeypatch.setattr(fsutil, "_write_whole", full)
    monkeypatch.setattr(backup, "_write_tar", full)
    folder = tmp_path / "usb"
    folder.mkdir()
    for command in _commands(tmp_path, folder):
        result = run_inprocess(capsys, *command)
        assert result.code == 1, (command, result.err)
        assert "disque plein" in result.err or "disque est plein" in result.err, (command, result.err)
        assert "Rien n'a été écrit." in result.err and WAY_OUT_FULL in result.err, (command, result.err)
    assert list(folder.iterdir()) == []


WAY_OUT_SHORTER = "Choisissez un nom plus court, puis recommencez."


def test_an_export_to_a_name_too_long_says_so_and_what_to_do(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found in review: a name over what the file system takes (255 bytes on Linux), a path pasted twice, made
    ``acts export``, ``audit export`` and ``backup`` say « Erreur interne inattendue » (pathlib's ``is_dir`` lets
    ENAMETOOLONG through, before the write that says what happened)."""
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    folder = tmp_path / "usb"
    folder.mkdir()
    long = "x" * 300
    commands = [
        ["audit", "export", "--csv", str(folder / f"{long}.csv")],
        ["acts", "export", "--year", "2026", "--out", str(folder / f"{long}.csv")],
        ["backup", str(folder / f"{long}.tvbak")],
    ]
    for command in commands:
        result = run_inprocess(capsys, *command)
        assert result.code == 1, (command, result.err)
        assert "Erreur interne" not in result.err, (command, result.err)
        assert "nom trop long. Rien n'a été écrit." in result.err and WAY_OUT_SHORTER in result.err, (
            command,
            result.err,
        )
    assert list(folder.iterdir()) == []


def test_an_export_not_written_is_not_recorded_as_made(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found in review: ``acts export`` recorded « exported » in the audit trail before writing its file, so a
    write refused (« Rien n'a été écrit ») left the trail saying the patients' identities had been exported."""
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    missing = tmp_path / "pas-de-dossier"
    for command in _commands(tmp_path, missing)[:2]:  # (the exports: a backup's entry is written once made)
        assert run_inprocess(capsys, *command).code == 1, command
    entries = run_inprocess(capsys, "audit", "list", "--json").json()
    assert [entry["detail"] for entry in entries if entry["action"] == "exported"] == []
    folder = tmp_path / "usb"
    folder.mkdir()
    for command in _commands(tmp_path, folder)[:2]:
        assert run_inprocess(capsys, *command).code == 0, command
    entries = run_inprocess(capsys, "audit", "list", "--json").json()
    assert len([entry for entry in entries if entry["action"] == "exported"]) == 2
