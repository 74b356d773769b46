"""A backup written into Teleavis's own data folder: found from outside (tester A, session 36), ``backup.folder``
and ``teleavis backup`` took it, ``doctor`` said « [OK] Sauvegarde automatique », and the first ``restore`` (which
puts the backup's data folder in place of this one) removed every backup kept there, the one restored too; a
failed disk or a stolen laptop takes them with the data anyway. Refused, nothing written, saying to choose a
folder on another drive."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.store import Store
from tests.support.cases import example_case
from tests.support.cli import SITE, run_inprocess, write_json


@pytest.fixture(autouse=True)
def _a_case(tmp_path: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    assert run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex"))).code == 0


def _backups(home: Path) -> list[Path]:
    return sorted(home.rglob("*.tvbak"))


def test_a_backup_into_the_data_folder_is_refused(
    tmp_path: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (teleavis_home / "sauvegardes").mkdir()
    for target in (f"{teleavis_home}/", f"{teleavis_home}/sauvegardes/", str(teleavis_home / "objects" / "b.tvbak")):
        refused = run_inprocess(capsys, "backup", target)
        assert refused.code == 1, (target, refused.err)
        assert "autre disque" in refused.err and "Rien n'a été écrit" in refused.err, refused.err
    assert _backups(teleavis_home) == []
    # Elsewhere, as before.
    done = run_inprocess(capsys, "backup", str(tmp_path / "usb.tvbak"))
    assert done.code == 0 and (tmp_path / "usb.tvbak").is_file(), done.err


def test_the_data_folder_is_refused_as_the_backup_folder(
    tmp_path: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder in (teleavis_home, teleavis_home / "sauvegardes"):
        refused = run_inprocess(capsys, "config", "set", "backup.folder", str(folder))
        assert refused.code == 2, (folder, refused.err)
        assert "autre disque" in refused.err, refused.err
    with Store.open(teleavis_home) as store:
        assert not store.settings.get("backup.folder")
    assert run_inprocess(capsys, "config", "set", "backup.folder", str(tmp_path / "usb")).code == 0


def test_an_export_into_the_data_folder_is_refused(
    tmp_path: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report or a CSV written there is a patient's file in clear inside the encrypted folder, erased by the
    next restore as the backups were."""
    case_id = run_inprocess(capsys, "case", "list", "--json").out.split('"id": "')[1].split('"')[0]
    for args in (
        ["case", "export", case_id, "--pdf", str(teleavis_home / "rapport.pdf")],
        ["audit", "export", "--csv", str(teleavis_home / "logs" / "audit.csv")],
        ["acts", "export", "--year", "2026", "--out", str(teleavis_home / "actes.csv")],
    ):
        refused = run_inprocess(capsys, *args)
        assert refused.code == 1, (args, refused.err)
        assert "restauration" in refused.err and "Rien n'a été écrit" in refused.err, refused.err
    assert not [p for p in teleavis_home.rglob("*") if p.suffix in (".pdf", ".csv")]
    assert run_inprocess(capsys, "case", "export", case_id, "--pdf", str(tmp_path / "rapport.pdf")).code == 0
