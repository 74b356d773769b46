"""Where ``teleavis backup FILE`` writes: never over a file already there, and a folder it cannot write
to said plainly.

Found from outside: on a new cart set up after a disk failure, ``teleavis backup /media/usb/teleavis.tvbak``
(the name the old cart's script used) replaced the old cart's only backup with one of an empty data folder,
saying « Sauvegarde écrite » and exit 0; a mistyped name replaced any file (a report, a note) the same way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cases import example_case
from tests.support.cli import SITE, run_inprocess, run_process, write_json
from tests.support.read_only import read_only


def test_a_backup_is_never_written_over_an_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, site: Path
) -> None:
    case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex"))).out.strip()
    archive = tmp_path / "clé usb" / "teleavis.tvbak"
    archive.parent.mkdir()
    assert run_inprocess(capsys, "backup", str(archive)).code == 0
    before = archive.read_bytes()

    monkeypatch.setenv("TELEAVIS_HOME", str(tmp_path / "new-cart"))  # a fresh, empty installation
    again = run_inprocess(capsys, "backup", str(archive))
    assert again.code == 1, again.err
    assert archive.read_bytes() == before, "the old backup is kept whole"
    assert "existe déjà" in again.err and str(archive) in again.err, again.err
    assert sorted(p.name for p in archive.parent.iterdir()) == ["teleavis.tvbak"], "nothing left beside it"

    note = tmp_path / "notes.txt"
    note.write_text("ne pas effacer", encoding="utf-8")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    english = run_inprocess(capsys, "backup", str(note))
    assert english.code == 1 and "already exists" in english.err, english.err
    assert note.read_text(encoding="utf-8") == "ne pas effacer"

    back = run_inprocess(capsys, "restore", str(archive))
    assert back.code == 0, back.err
    assert run_inprocess(capsys, "case", "show", case_id, "--json").code == 0


def test_a_backup_into_a_read_only_folder_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, site: Path
) -> None:
    """Found from outside: a USB drive mounted read-only gave « Erreur interne inattendue »; the
    backup's clean-up of its unwritten stream failed as the stream could not be made."""
    run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex")))
    drive = tmp_path / "drive"
    drive.mkdir()
    with read_only(drive):
        refused = run_inprocess(capsys, "backup", str(drive / "b.tvbak"))
        monkeypatch.setenv("LANG", "en_US.UTF-8")
        english = run_inprocess(capsys, "backup", str(drive / "b.tvbak"))
    assert refused.code == 1, refused.err
    assert "Impossible d'écrire la sauvegarde" in refused.err and "interne" not in refused.err, refused.err
    assert english.code == 1 and "Cannot write the backup" in english.err, english.err
    assert list(drive.iterdir()) == []


def test_a_restore_where_the_data_folder_cannot_be_made_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, site: Path
) -> None:
    """Found from outside: ``TELEAVIS_HOME`` in a folder this account cannot write to (a typo, another
    account's, a read-only mount) made ``restore`` end on « Erreur interne inattendue », then Python's
    traceback of the log that could not be made either. ``case list`` there says it plainly; so does
    ``restore`` now, the backup untouched."""
    archive = tmp_path / "b.tvbak"
    assert run_inprocess(capsys, "backup", str(archive)).code == 0
    locked = tmp_path / "locked"
    locked.mkdir()
    monkeypatch.setenv("TELEAVIS_HOME", str(locked / "home"))
    with read_only(locked):
        refused = run_inprocess(capsys, "restore", str(archive))
    assert refused.code == 1, refused.err
    assert "Impossible de créer le dossier de données" in refused.err, refused.err
    assert "interne" not in refused.err and "Traceback" not in refused.err, refused.err
    assert list(locked.iterdir()) == [] and archive.stat().st_size > 0


def test_a_restore_says_the_backups_moment_as_the_other_lines_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, site: Path
) -> None:
    """Found from outside: « Sauvegarde du 2026-12-05T18:29:59+00:00 restaurée » — the machine's
    timestamp, in UTC, in a French sentence, where the other commands say « 05/12/2026 18:29 » local."""
    from app.commands.common import local_minute
    from app.i18n import set_language

    archive = tmp_path / "b.tvbak"
    assert run_inprocess(capsys, "backup", str(archive)).code == 0
    monkeypatch.setenv("TELEAVIS_HOME", str(tmp_path / "new-cart"))
    back = run_inprocess(capsys, "restore", str(archive))
    assert back.code == 0, back.err
    assert "T" not in back.err.split("Sauvegarde du ", 1)[1].split(" restaurée", 1)[0], back.err
    from app.backup import read_header

    created = read_header(archive)["created"]
    assert f"Sauvegarde du {local_minute(created)} restaurée" in back.err, back.err
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    set_language(None)
    monkeypatch.setenv("TELEAVIS_HOME", str(tmp_path / "third-cart"))
    english = run_inprocess(capsys, "restore", str(archive))
    assert f"Backup of {local_minute(created)} restored" in english.err, english.err


def test_a_nightly_backup_into_a_folder_makes_a_new_file_each_time(teleavis_home: Path, tmp_path: Path) -> None:
    """Found from outside: a cron line ``teleavis backup /media/usb/teleavis.tvbak`` failed every night after the
    first (the refusal above, on purpose). ``backup FOLDER`` writes a new dated file in it each time, never
    over one already there; the refusal of an existing file stays."""
    import re

    assert run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    assert run_process("case", "import", str(example_case(tmp_path / "ex"))).code == 0
    usb = tmp_path / "clé usb"
    usb.mkdir()
    (usb / "notes.txt").write_text("à garder", encoding="utf-8")
    written = []
    for _night in range(3):  # (in the same second, too: the names still differ)
        done = run_process("backup", str(usb))
        assert done.code == 0, done.err
        path = Path(done.out.strip())
        assert path.parent == usb and path.exists(), done.out
        assert f"Sauvegarde écrite : {path}" in done.err, done.err
        written.append(path)
    assert len(set(written)) == 3
    for path in written:
        assert re.fullmatch(r"teleavis-\d{8}-\d{6}-[0-9a-f]{8}(-\d)?\.tvbak", path.name), path.name
    assert (usb / "notes.txt").read_text(encoding="utf-8") == "à garder"
    assert sorted(p.name for p in usb.iterdir()) == sorted([*(p.name for p in written), "notes.txt"])

    refused = run_process("backup", str(written[0]))  # a file already there: still refused
    assert refused.code == 1 and "existe déjà" in refused.err, refused.err

    # A folder given that is not there (a USB drive not plugged in): said, nothing written in its parent.
    unplugged = tmp_path / "media" / "usb"
    unplugged.parent.mkdir()
    missing = run_process("backup", f"{unplugged}/")
    assert missing.code == 1, missing.err
    assert "dossier" in missing.err and str(unplugged) in missing.err, missing.err
    assert list(unplugged.parent.iterdir()) == []

    back = run_process("restore", str(written[-1]), env={"TELEAVIS_HOME": str(tmp_path / "new-cart")})
    assert back.code == 0, back.err
