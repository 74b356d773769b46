"""``teleavis backup FOLDER`` for a nightly cron line: each night a new dated file. Found from outside: they
were never removed, so the drive filled up and the backups stopped. ``--keep N`` keeps the last N this
command wrote there from this data; a full drive says so plainly, the backups already there untouched."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app import backup
from tests.support.cases import example_case
from tests.support.cli import SITE, run_inprocess, run_process, write_json
from tests.support.small_disk import on_a_small_disk


def _set_up(tmp_path: Path) -> None:
    assert run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    assert run_process("case", "import", str(example_case(tmp_path / "ex"))).code == 0


def test_keep_removes_only_the_older_backups_this_command_wrote(teleavis_home: Path, tmp_path: Path) -> None:
    _set_up(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "notes.txt").write_text("à garder", encoding="utf-8")
    by_hand = usb / "teleavis-20200101-000000-0badcafe.tvbak"  # another workstation's, or put there by hand
    by_hand.write_bytes(b"not ours")
    written = []
    for night in range(4):
        args = ["backup", str(usb)] if night == 0 else ["backup", str(usb), "--keep", "2"]
        done = run_process(*args)
        assert done.code == 0, done.err
        written.append(Path(done.out.strip()))
    assert [p.exists() for p in written] == [False, False, True, True]
    assert by_hand.read_bytes() == b"not ours"
    assert (usb / "notes.txt").read_text(encoding="utf-8") == "à garder"
    assert "2 anciennes sauvegardes" not in done.err and "ancienne sauvegarde retirée" in done.err, done.err

    # Another folder's backups are not counted against this one.
    other = tmp_path / "other"
    other.mkdir()
    elsewhere = Path(run_process("backup", str(other), "--keep", "1").out.strip())
    assert elsewhere.exists() and written[2].exists() and written[3].exists()


def test_keep_is_refused_where_it_means_nothing(teleavis_home: Path, tmp_path: Path) -> None:
    _set_up(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    zero = run_process("backup", str(usb), "--keep", "0")
    assert zero.code == 2 and "--keep" in zero.err, zero.err
    to_file = run_process("backup", str(tmp_path / "one.tvbak"), "--keep", "3")
    assert to_file.code == 2 and "dossier" in to_file.err, to_file.err
    english = run_process("backup", str(tmp_path / "one.tvbak"), "--keep", "3", env={"LANG": "en_US.UTF-8"})
    assert english.code == 2 and "folder" in english.err, english.err
    assert list(usb.iterdir()) == [] and not (tmp_path / "one.tvbak").exists()


def test_a_full_backup_drive_says_so_and_keeps_what_was_there(teleavis_home: Path, tmp_path: Path) -> None:
    _set_up(tmp_path)
    report = on_a_small_disk(tmp_path, "backup_folder_full_child")
    assert report["code"] == 1, report
    assert report["before"], report
    assert report["after"] == report["before"], "the backups already there are kept whole, nothing half-written"
    said = report["stderr"]
    assert "le disque est plein" in said and "Erreur interne" not in said, said
    assert "intactes" in said and "--keep" in said, said


def test_keep_still_removes_the_old_backups_of_drives_taken_in_turn(teleavis_home: Path, tmp_path: Path) -> None:
    """Found in review: two USB drives taken in turn at the same place (one at the cart, one in a drawer, as
    backups are kept) each filled up anyway. A night on drive B forgot drive A's backups, not found there,
    and back on drive A they were never removed again. Each drive keeps its last N."""
    _set_up(tmp_path)
    usb = tmp_path / "usb"

    def nights(count: int) -> list[Path]:
        written = []
        for _ in range(count):
            done = run_process("backup", str(usb), "--keep", "2")
            assert done.code == 0, done.err
            written.append(Path(done.out.strip()))
        return written

    usb.mkdir()
    on_a = nights(2)
    usb.rename(tmp_path / "drive_a")  # drive A to the drawer, drive B plugged in at the same place
    usb.mkdir()
    on_b = nights(2)
    usb.rename(tmp_path / "drive_b")
    (tmp_path / "drive_a").rename(usb)
    on_a += nights(1)
    assert [p.exists() for p in on_a] == [False, True, True]
    assert sorted(p.name for p in (tmp_path / "drive_b").iterdir()) == sorted(p.name for p in on_b)


def test_drives_taken_in_turn_within_a_second_keep_their_last_backups(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by CI, the test above run fast: backups written on two drives within the same second have the same
    names, and the name listed twice counted one file twice on the second drive, so its first prune removed its
    newer backup and forgot both, and back on the first drive nothing was removed. Each name is listed once."""
    _set_up(tmp_path)
    moment = datetime(2026, 12, 6, 2, 0, 0, tzinfo=UTC)
    monkeypatch.setattr(backup, "utc_now", lambda: moment)
    usb = tmp_path / "usb"

    def nights(count: int) -> list[Path]:
        written = []
        for _ in range(count):
            done = run_inprocess(capsys, "backup", str(usb), "--keep", "2")
            assert done.code == 0, done.err
            written.append(Path(done.out.strip()))
        return written

    usb.mkdir()
    on_a = nights(2)
    usb.rename(tmp_path / "drive_a")
    usb.mkdir()
    on_b = nights(2)
    assert [p.name for p in on_b] == [p.name for p in on_a]  # the same second: the same names
    usb.rename(tmp_path / "drive_b")
    (tmp_path / "drive_a").rename(usb)
    on_a += nights(1)
    assert [p.exists() for p in on_a] == [False, True, True]
    assert sorted(p.name for p in (tmp_path / "drive_b").iterdir()) == sorted(p.name for p in on_b)


def test_one_backup_kept_is_said_in_the_singular(teleavis_home: Path, tmp_path: Path) -> None:
    """Found from outside (tester A, session 36): ``--keep 1`` said « (1 gardées) »."""
    _set_up(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    assert run_process("backup", str(usb)).code == 0
    done = run_process("backup", str(usb), "--keep", "1")
    assert done.code == 0, done.err
    assert "(1 gardée)" in done.err, done.err
    english = run_process("backup", str(usb), "--keep", "1", env={"LANG": "en_US.UTF-8"})
    assert english.code == 0 and "(1 kept)" in english.err, english.err
