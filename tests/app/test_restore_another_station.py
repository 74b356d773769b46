"""A restored copy is a workstation of its own for its scheduled backups.

Found in review: the restored data kept the original workstation's backup records (``state.backup.station``,
``written``, ``mount``…). Restored on another computer, whose backup folder is an ordinary folder, every scheduled
backup was refused as « la clé n'est plus branchée » (the original's drive recorded); and sharing the original's
backup folder (a network share), it wrote under the original's id and counted the original's backups as its own,
to remove once past the last ``KEEP_SCHEDULED``. None of these records comes back with a restore: the copy draws
its own id at its first backup, records its own drive, and its first backup is due at once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from app.backup import KEEP_SCHEDULED, backup_due, restore_backup, run_scheduled_backup, write_backup
from app.model import utc_now
from app.store import Store
from tests.app.test_backup_drive_unplugged import plugged_drive, unplug
from tests.conftest import PASSPHRASE
from tests.record.record_cases import make_case

WORKSTATION_RECORDS = (
    "state.backup.station",
    "state.backup.written",
    "state.backup.mount",
    "state.backup.last",
    "state.backup.file",
    "state.backup.unproven",
    "state.backup.command_written",
    "state.backup.command_mounts",
)


def test_a_copy_restored_on_another_computer_backs_up_into_its_own_folder(store: Store, tmp_path: Path) -> None:
    make_case(store, images=1)
    usb = tmp_path / "media" / "usb"
    usb.mkdir(parents=True)
    store.settings.set("backup.folder", str(usb))
    archive = tmp_path / "poste1.tvbak"
    with plugged_drive(usb):
        run_scheduled_backup(store)
        station = store.settings.get("state.backup.station")
        write_backup(store, archive)  # (its records in it: written after the scheduled one)
        unplug(usb)
    store.close()

    # The other computer: the same path, an ordinary folder of its own disk (not a mount point).
    other = tmp_path / "poste2" / "teleavis"
    restore_backup(archive, other, PASSPHRASE)
    with Store.open(other) as copy:
        for key in WORKSTATION_RECORDS:
            assert not copy.settings.get(key), (key, copy.settings.get(key))
        assert backup_due(copy), "the restored data is backed up at the next round"
        written = run_scheduled_backup(copy).path  # refused before: « la clé n'est plus branchée »
        assert written.parent == usb and written.exists()
        assert copy.settings.get("state.backup.station") not in ("", station)


def test_a_copy_restored_beside_the_original_never_removes_the_original_s_backups(store: Store, tmp_path: Path) -> None:
    make_case(store, images=1)
    shared = tmp_path / "partage"
    shared.mkdir()
    store.settings.set("backup.folder", str(shared))
    original = run_scheduled_backup(store).path
    archive = tmp_path / "poste1.tvbak"
    write_backup(store, archive)
    store.close()

    other = tmp_path / "poste2" / "teleavis"
    restore_backup(archive, other, PASSPHRASE)
    with Store.open(other) as copy:
        start = utc_now()
        for n in range(KEEP_SCHEDULED + 1):
            run_scheduled_backup(copy, start + timedelta(minutes=n))
    assert original.exists(), "the original workstation's backup is not the copy's to remove"
