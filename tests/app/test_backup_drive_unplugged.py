"""A backup drive unplugged while its mount point stays (``/media/usb``, an fstab line, a share's folder): that
folder is then an empty one of the computer's own disk. Found from outside: the scheduled backup went on there,
« Sauvegarde faite », onto the disk that holds the data, lost with it. Refused now, said as an unplugged drive,
and the folder is never made nor written into. A real mount (a tmpfs, as root; skipped where it cannot be made).

Also: a share that times out is said in the user's words, not the C library's (« Connection timed out » in a
French sentence), by ``teleavis backup`` as by the window, and a backup cut off mid-way leaves nothing there that
a restore could take for a backup."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from app.backup import BackupError, backup_due, run_scheduled_backup
from app.store import Store
from tests.support.cases import example_case
from tests.support.cli import run_inprocess


@contextlib.contextmanager
def plugged_drive(mount_point: Path) -> Iterator[Path]:
    """A real file system mounted on ``mount_point`` (a small tmpfs: a USB drive plugged in), unmounted after."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a drive needs root here")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount_point)]).returncode != 0:
        pytest.skip("cannot mount here")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], capture_output=True)


def unplug(mount_point: Path) -> None:
    subprocess.run(["umount", str(mount_point)], check=True, capture_output=True)


def test_a_drive_unplugged_from_its_mount_point_is_said_and_nothing_written_on_the_computers_disk(
    store: Store, tmp_path: Path
) -> None:
    usb = tmp_path / "media" / "usb"
    usb.mkdir(parents=True)
    store.settings.set("backup.folder", str(usb))
    with plugged_drive(usb):
        written = run_scheduled_backup(store).path
        assert written.parent == usb and written.exists()
        unplug(usb)
        assert usb.is_dir() and list(usb.iterdir()) == [], "the mount point stays, empty"
        assert backup_due(store), "the last backup is not there any more: one is due"
        with pytest.raises(BackupError) as refused:
            run_scheduled_backup(store)
        assert list(usb.iterdir()) == [], "nothing written onto the computer's own disk"
        said = refused.value
        assert "n'est plus branché" in said.unwritten and str(usb) in said.unwritten, said.unwritten
        assert "branchez la clé" in said.retry, said.retry


def test_a_folder_on_the_drive_unplugged_is_not_made_again(store: Store, tmp_path: Path) -> None:
    """``/media/usb/sauvegardes`` with the drive gone: not there, said, never made (no mkdir of it, nor of a folder
    above it)."""
    usb = tmp_path / "media" / "usb"
    usb.mkdir(parents=True)
    with plugged_drive(usb):
        folder = usb / "sauvegardes"
        folder.mkdir()
        store.settings.set("backup.folder", str(folder))
        run_scheduled_backup(store)
        unplug(usb)
        with pytest.raises(BackupError, match="introuvable"):
            run_scheduled_backup(store)
        assert not folder.exists() and list(usb.iterdir()) == []


def test_another_folder_chosen_on_the_same_disk_is_no_unplugged_drive(store: Store, tmp_path: Path) -> None:
    """What was recorded is of the folder it was recorded for: a folder chosen since is backed up into."""
    usb = tmp_path / "media" / "usb"
    usb.mkdir(parents=True)
    store.settings.set("backup.folder", str(usb))
    with plugged_drive(usb):
        run_scheduled_backup(store)
    other = tmp_path / "sauvegardes"
    other.mkdir()
    store.settings.set("backup.folder", str(other))
    assert run_scheduled_backup(store).path.parent == other


def test_a_mount_point_with_something_in_it_is_no_unplugged_drive(store: Store, tmp_path: Path) -> None:
    """An unplugged drive leaves its mount point empty. A folder below the recorded mount that holds something (a
    share mounted on demand, seen above its mount until opened; the folder taken over by the computer's disk and
    used since) is written into, not refused for good with « débranché » and no way out."""
    usb = tmp_path / "media" / "usb"
    usb.mkdir(parents=True)
    store.settings.set("backup.folder", str(usb))
    with plugged_drive(usb):
        run_scheduled_backup(store)
    (usb / "lisez-moi.txt").write_text("sauvegardes du centre")
    assert run_scheduled_backup(store).path.parent == usb


def _timing_out(after: int) -> Any:
    """``create_private`` whose file stops taking bytes after ``after`` of them: a share that timed out."""
    from app import fsutil

    def create_private(path: Path) -> IO[bytes]:
        handle = fsutil.create_private(path)
        written = [0]
        real_write = handle.write

        def write(data: Any) -> int:
            if written[0] + len(data) > after:
                raise TimeoutError(errno.ETIMEDOUT, os.strerror(errno.ETIMEDOUT))
            written[0] += len(data)
            return real_write(data)

        handle.write = write  # type: ignore[method-assign]
        return handle

    return create_private


@pytest.mark.parametrize("language", ["fr", "en"])
def test_backup_command_to_a_share_that_times_out_says_so_in_words_and_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, site: Path, language: str
) -> None:
    import app.backup

    run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex")))
    share = tmp_path / "share"
    share.mkdir()
    if language == "en":
        monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setattr(app.backup, "create_private", _timing_out(after=100_000))
    for target in (str(share) + "/", str(share / "b.tvbak")):
        refused = run_inprocess(capsys, "backup", target)
        assert refused.code == 1, refused.err
        assert "timed out" not in refused.err.replace("(timed out)", ""), refused.err
        words = "partage réseau ne répond pas" if language == "fr" else "network share does not answer"
        assert words in refused.err and "interne" not in refused.err, refused.err
        advice = "Vérifiez que le disque est bien branché" if language == "fr" else "Check that the drive"
        assert advice in refused.err, refused.err
        assert list(share.iterdir()) == [], "nothing a restore could take for a backup"


def test_backup_command_into_a_drive_unplugged_from_its_mount_point_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """``0 2 * * * teleavis backup /media/usb/`` with the drive unplugged, its mount point left: said as a drive not
    plugged in (exit 1), as a folder not there is, nothing written onto this computer's own disk."""
    usb = tmp_path / "media" / "usb"
    usb.mkdir(parents=True)
    with plugged_drive(usb):
        assert run_inprocess(capsys, "backup", str(usb) + "/").code == 0
        unplug(usb)
        refused = run_inprocess(capsys, "backup", str(usb) + "/")
        assert refused.code == 1, refused.err
        assert f"Le dossier de sauvegarde « {usb} » est introuvable : branchez la clé ou le disque." in refused.err
        assert list(usb.iterdir()) == []


def test_a_drive_reached_through_a_link_is_said_unplugged_too(store: Store, tmp_path: Path) -> None:
    """Found in review: the backup folder chosen as a link to the drive (``~/Sauvegardes`` → ``/media/usb``, made
    by the support for the nurse): the link itself is no mount point, so the drive's was never recorded, and
    unplugged the backups went on into the empty mount point, on the disk that holds the data."""
    usb = tmp_path / "media" / "usb"
    usb.mkdir(parents=True)
    link = tmp_path / "Sauvegardes"
    link.symlink_to(usb, target_is_directory=True)
    store.settings.set("backup.folder", str(link))
    with plugged_drive(usb):
        assert run_scheduled_backup(store).path.parent == link
        unplug(usb)
        with pytest.raises(BackupError) as refused:
            run_scheduled_backup(store)
        assert list(usb.iterdir()) == [], "nothing written onto the computer's own disk"
        assert "n'est plus branché" in refused.value.unwritten, refused.value.unwritten


def test_backup_command_into_a_link_to_a_drive_unplugged_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """The same through ``teleavis backup LINK/`` (a cron line written with the link)."""
    usb = tmp_path / "media" / "usb"
    usb.mkdir(parents=True)
    link = tmp_path / "Sauvegardes"
    link.symlink_to(usb, target_is_directory=True)
    with plugged_drive(usb):
        assert run_inprocess(capsys, "backup", str(link) + "/").code == 0
        unplug(usb)
        refused = run_inprocess(capsys, "backup", str(link) + "/")
        assert refused.code == 1, refused.err
        assert list(usb.iterdir()) == []


def test_doctor_warns_of_a_drive_unplugged_from_its_mount_point_as_the_scheduled_backup_refuses(
    store: Store, tmp_path: Path
) -> None:
    """Found from outside: ``teleavis doctor`` said « [OK] Sauvegarde automatique » for the empty mount point of a
    drive unplugged, while each scheduled backup was refused there: the same test as the backup's, said as such."""
    from app import clock, doctor

    usb = tmp_path / "media" / "usb"
    usb.mkdir(parents=True)
    store.settings.set("backup.folder", str(usb))
    with plugged_drive(usb):
        run_scheduled_backup(store)
        plugged = doctor.backup(doctor.plain_settings(store.data_dir), clock.now(), store.data_dir)
        assert plugged.status == doctor.OK, plugged
        unplug(usb)
        check = doctor.backup(doctor.plain_settings(store.data_dir), clock.now(), store.data_dir)
        assert check.status == doctor.WARNING, check
        assert "n'est plus branché" in check.detail and str(usb) in check.detail, check
        assert "Branchez" in check.advice, check


def test_a_retired_drive_s_folder_chosen_again_with_config_set_is_backed_up_into(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, teleavis_home: Path
) -> None:
    """Found from outside: the drive retired for good, its mount point now an ordinary empty folder; choosing that
    same folder again did not clear what was recorded, and every scheduled backup was refused there for ever, the
    message saying to plug in a drive that no longer exists. Chosen again, it is taken as it is now."""
    usb = tmp_path / "media" / "usb"
    usb.mkdir(parents=True)
    assert run_inprocess(capsys, "config", "set", "backup.folder", str(usb)).code == 0
    with plugged_drive(usb):
        with Store.open(teleavis_home) as opened:
            run_scheduled_backup(opened)
        unplug(usb)
    with Store.open(teleavis_home) as opened, pytest.raises(BackupError):
        run_scheduled_backup(opened)  # still refused until chosen again
    assert run_inprocess(capsys, "config", "set", "backup.folder", str(usb)).code == 0
    with Store.open(teleavis_home) as opened:
        assert run_scheduled_backup(opened).path.parent == usb


@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """``folder`` made one no backup can be written into: a read-only file system as root (root writes through any
    permission: a locked SD card or stick), its permissions otherwise."""
    folder.mkdir(parents=True)
    if os.geteuid() == 0:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)]).returncode != 0:
            pytest.skip("cannot mount here")
    else:
        folder.chmod(0o555)
    try:
        yield folder
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(folder)], capture_output=True)
        else:
            folder.chmod(0o755)


def test_config_set_says_a_backup_folder_it_cannot_write_into_and_doctor_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, teleavis_home: Path
) -> None:
    """Found from outside: ``config set backup.folder`` took a read-only folder without a word (it says one not there),
    and ``doctor`` then said to plug the disk in or reconnect the share, which changes nothing for a locked stick."""
    from app import clock, doctor

    with read_only_folder(tmp_path / "verrouillee") as folder:
        done = run_inprocess(capsys, "config", "set", "backup.folder", str(folder))
        assert done.code == 0, done.err  # said, not refused (the rights may be opened), as the window does
        assert "ne peut pas écrire" in done.err and str(folder) in done.err, done.err
        check = doctor.backup(doctor.plain_settings(teleavis_home), clock.now(), teleavis_home)
        assert check.status == doctor.WARNING, check
        assert "Branchez" not in check.advice and "en écriture" in check.advice, check
