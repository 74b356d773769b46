"""A backup drive whose file system caps a file's size (FAT32, the format of most USB sticks: 4 GB less one
byte a file) refuses the archive with EFBIG, not for want of room.

Found from outside: that refusal was said « le disque est plein », with the way out of a full drive:
« Libérez de la place : retirez les plus anciennes, ou … --keep 14 ». A nurse who followed it deleted good
backups, and the next night's failed the same way, every night, however many she removed. It is now said
for what it is: the file is larger than the drive accepts for one file, the backups there are intact and
removing them would change nothing, and what to do (a drive formatted exFAT or NTFS, or another disk).

The cap is the kernel's own: the backup runs as a process whose file size limit (``RLIMIT_FSIZE``) is just
under the archive's size, so its write fails with the same EFBIG a FAT32 drive gives past 4 GB.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

from tests.support.cases import example_case
from tests.support.cli import ROOT, SITE, Result, run_process, write_json


def _backup_capped(limit: int, *args: str, env: dict[str, str] | None = None) -> Result:
    """``teleavis backup ARGS`` as a process that may write no file larger than ``limit`` bytes."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run(
        [sys.executable, "-m", "app.main", "backup", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **(env or {})),
        cwd=ROOT,
        timeout=120,
        stdin=subprocess.DEVNULL,
        preexec_fn=cap,  # (only setrlimit, in the child before exec)
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def _set_up(teleavis_home: Path, tmp_path: Path) -> tuple[Path, Path, int]:
    """A site, a case, and one backup already on the drive; the size each file may have at most, just under
    the next archive's (every other file the backup writes, the database's snapshot, is far smaller)."""
    assert run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    assert run_process("case", "import", str(example_case(tmp_path / "ex"))).code == 0
    usb = tmp_path / "usb"
    usb.mkdir()
    first = run_process("backup", str(usb) + "/")
    assert first.code == 0, first.err
    (earlier,) = usb.iterdir()
    size = earlier.stat().st_size
    largest_other = max(p.stat().st_size for p in teleavis_home.rglob("*") if p.is_file())
    assert largest_other < size - 4096, "the archive must be the only file that outgrows the cap"
    return usb, earlier, size - 4096


def test_a_backup_larger_than_the_drive_takes_for_one_file_is_said_so(teleavis_home: Path, tmp_path: Path) -> None:
    usb, earlier, limit = _set_up(teleavis_home, tmp_path)
    before = earlier.read_bytes()

    capped = _backup_capped(limit, str(usb) + "/", "--keep", "14")
    assert capped.code == 1, capped
    said = capped.err
    assert "Erreur interne" not in said and "le disque est plein" not in said, said
    assert "retirez les plus anciennes" not in said, said  # the way out of a full drive: no way out here
    assert "4 Go" in said and "FAT32" in said and "exFAT" in said, said
    assert "intactes" in said, said
    assert list(usb.iterdir()) == [earlier] and earlier.read_bytes() == before, "nothing half-written, nothing lost"

    # A file named, not a folder: said the same way.
    single = _backup_capped(limit, str(usb / "copie.tvbak"))
    assert single.code == 1 and "le disque est plein" not in single.err and "FAT32" in single.err, single
    assert not (usb / "copie.tvbak").exists()

    english = _backup_capped(limit, str(usb) + "/", env={"LANG": "en_US.UTF-8"})
    assert english.code == 1 and "FAT32" in english.err and "disk is full" not in english.err, english
    assert "remove the oldest" not in english.err, english
