"""Files that hold patient data are this user's only, and interrupted work leaves nothing behind
(issue 13.14): exported reports and backups are 0600, a write cut short removes its temp file, and
what a killed process left (temp files, backup snapshots and streams, restore folders) and the
pre-migration snapshots go once they are no longer needed."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import Store
from tests.support.held_open import HeldOpen
from tests.sync.sync_helpers import make_case

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes")


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)  # what most desktops use: new files readable by every local user
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_exported_report_a_backup_and_an_audit_export_are_this_users_only(
    teleavis_home: Path, tmp_path: Path
) -> None:
    from app.audit_export import export_csv
    from app.backup import write_backup
    from app.report import export_report

    with Store.open(teleavis_home) as store:
        case_id = make_case(store)
        export_report(store, case_id, tmp_path / "rapport.pdf")
        write_backup(store, tmp_path / "copie.tvbak")
        export_csv(store, tmp_path / "audit.csv")
    assert _mode(tmp_path / "rapport.pdf") == 0o600
    assert _mode(tmp_path / "copie.tvbak") == 0o600
    assert _mode(tmp_path / "audit.csv") == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_write_cut_short_leaves_no_temp_file(tmp_path: Path) -> None:
    from app.fsutil import atomic_write_raw

    def half_then_fail(handle: object) -> None:
        handle.write(b"%PDF-1.4 half")  # type: ignore[attr-defined]
        raise KeyboardInterrupt  # Ctrl-C, or the report builder's own error, mid-stream

    with pytest.raises(KeyboardInterrupt):
        atomic_write_raw(tmp_path / "rapport.pdf", half_then_fail)
    assert list(tmp_path.iterdir()) == []


def _stale(path: Path, hours: float = 2.0) -> Path:
    moment = time.time() - hours * 3600
    os.utime(path, (moment, moment))
    return path


def test_what_a_killed_process_left_goes_once_stale(teleavis_home: Path, tmp_path: Path) -> None:
    from app.backup import write_backup

    Store.open(teleavis_home).close()
    # As a kill -9 leaves them: an atomic write's temp file, a backup's snapshot and stream, a
    # restore's staging folder; and the same, fresh, from work going on right now.
    files = [teleavis_home / ".key.json.1a2b3c4d.tmp", teleavis_home / ".backup-0123456789ab.db"]
    stream = tmp_path / "out" / ".copie.tvbak.1a2b3c4d.part"
    stream.parent.mkdir()
    for path in (*files, stream):
        path.write_bytes(b"x")
        _stale(path)
    staging = teleavis_home.parent / f".{teleavis_home.name}.restore-1a2b3c4d"
    staging.mkdir()
    left = [*files, _stale(staging, hours=30)]
    busy = teleavis_home / ".audit-head.9f8e7d6c.tmp"
    busy.write_bytes(b"x")

    with Store.open(teleavis_home) as store:
        assert not any(p.exists() for p in left)
        assert busy.exists()  # recent: maybe being written by another process
        write_backup(store, tmp_path / "out" / "copie.tvbak")
    assert not stream.exists()


def test_pre_migration_snapshots_go_when_no_longer_needed(teleavis_home: Path) -> None:
    from datetime import timedelta

    from app.model import utc_now
    from app.retention import run_retention

    Store.open(teleavis_home).close()
    old = teleavis_home / "teleavis.db.v3-20261001T000000.bak"
    recent = teleavis_home / "teleavis.db.v4-20261130T000000.bak"
    for path in (old, recent):
        path.write_bytes(b"SQLite format 3\0")
    _stale(old, hours=8 * 24)
    with Store.open(teleavis_home) as store:
        assert not old.exists() and recent.exists()  # a week to find a migration's fault
        # A purge must not survive in a snapshot: once retention purges, the snapshots go.
        case_id = make_case(store, queue=False)
        store.conn.execute("UPDATE cases SET state='archived' WHERE id=?", (case_id,))
        store.settings.set("retention.purge_years", 1)
        assert run_retention(store, utc_now() + timedelta(days=3 * 365)).purged == [case_id]
    assert not recent.exists()


def test_the_migration_snapshot_is_this_users_only(teleavis_home: Path) -> None:
    from app.db import MIGRATIONS, connect, migrate
    from app.keystore import KeyStore

    teleavis_home.mkdir(parents=True)
    KeyStore(teleavis_home).create()
    conn = connect(teleavis_home / "teleavis.db")
    migrate(conn, teleavis_home / "teleavis.db", MIGRATIONS[:1])
    conn.close()
    Store.open(teleavis_home).close()
    (snapshot,) = teleavis_home.glob("teleavis.db.v1-*.bak")
    assert _mode(snapshot) == 0o600


def test_the_migration_snapshot_keeps_nothing_the_migration_sealed_in_clear(teleavis_home: Path) -> None:
    """Found from outside: upgrading a database of a version that kept the platform's words and the
    name of who recorded a consent in clear, the live database sealed them, and the week-long
    snapshot beside it kept them readable by anyone holding the folder."""
    import sqlite3

    from app.settings import row_tag

    with Store.open(teleavis_home) as store:
        case_id = make_case(store, queue=False)
        # As a version before migrations 6 and 12 left them.
        store.conn.execute(
            "UPDATE cases SET status_reason=? WHERE id=?", ("Refus : DUPONTEL Xavier déjà suivi", case_id)
        )
        value = '"Inf. ZNURSE"'
        tag = row_tag(store.key, "state.consent_recorded_by", value, False)
        store.conn.execute(
            "INSERT OR REPLACE INTO settings(key, value, encrypted, mac) VALUES (?, ?, 0, ?)",
            ("state.consent_recorded_by", value, tag),
        )
        store.conn.execute("PRAGMA user_version = 11")
    Store.open(teleavis_home).close()  # migration 12 seals the name (6, before it, sealed the words)
    assert b"ZNURSE" not in (teleavis_home / "teleavis.db").read_bytes()
    (snapshot,) = teleavis_home.glob("teleavis.db.v11-*.bak")
    held = snapshot.read_bytes()
    assert b"DUPONTEL" not in held and b"ZNURSE" not in held
    from app.db import open_snapshot

    with Store.open(teleavis_home) as store:  # still a snapshot of the cases, for a migration's fault
        open_snapshot(snapshot, store.key, teleavis_home.parent / "back.db")
    with sqlite3.connect(teleavis_home.parent / "back.db") as copy:
        assert copy.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 1
        assert copy.execute("PRAGMA user_version").fetchone()[0] == 11
    copy.close()


# A process killed while it writes the export (`kill -9`, a power cut): what it had written of the report
# is patient data, and lying next to where the user exports, named after no case, nothing would ever
# remove it (the next write of the same name only, an hour later). Killed here as the write is put on disk.
_KILLED_AT_FSYNC = """
import os, signal, sys
from pathlib import Path
folder = os.path.realpath(sys.argv[1])
real_fsync = os.fsync
def fsync(fd):
    if os.path.realpath(os.readlink(f"/proc/self/fd/{fd}")).startswith(folder + os.sep):
        os.kill(os.getpid(), signal.SIGKILL)
    real_fsync(fd)
os.fsync = fsync
from app.main import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads which file is written through /proc")
def test_an_export_killed_as_it_writes_leaves_nothing_of_the_patient(teleavis_home: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.support.cli import ROOT

    with Store.open(teleavis_home) as store:
        case_id = make_case(store)
    out = tmp_path / "exports"
    out.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    older = b"%PDF-1.4 an older export << /Creator (Teleavis) >>"  # (its own earlier report: all it writes over)
    (out / "ancien.pdf").write_bytes(older)
    for target in ("rapport.pdf", "ancien.pdf"):  # a new file, then one written over
        child = subprocess.run(
            [sys.executable, "-c", _KILLED_AT_FSYNC, str(out), "case", "export", case_id, "--pdf", str(out / target)],
            env=env,
            cwd=ROOT,
            capture_output=True,
        )
        assert child.returncode == -9, child.stderr.decode()
        assert [p.name for p in out.iterdir()] == ["ancien.pdf"]
        assert (out / "ancien.pdf").read_bytes() == older


def _thumbnails(cache: Path, target: Path) -> list[Path]:
    """Thumbnails of ``target`` where a desktop's thumbnailer puts them (freedesktop Thumbnail Managing
    Standard: ``$XDG_CACHE_HOME/thumbnails/<size>/`` or ``fail/<program>/``, named by the MD5 of its URI)."""
    import hashlib

    name = hashlib.md5(target.as_uri().encode(), usedforsecurity=False).hexdigest() + ".png"
    made = []
    for folder in ("normal", "large", "x-large", "fail/gnome-thumbnail-factory"):
        (cache / "thumbnails" / folder).mkdir(parents=True, exist_ok=True)
        made.append(cache / "thumbnails" / folder / name)
        made[-1].write_bytes(b"\x89PNG the first page: the patient's name, the expert's words")
    return made


def test_the_thumbnails_a_desktop_made_of_an_opened_report_go_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: the expert's report opened in the system's viewer is deleted at the next lock,
    at exit or at the next start, but a file manager's « Recent » view (or the viewer itself) had made a
    thumbnail of its first page, the patient's name in its header, kept in ~/.cache/thumbnails for months
    after the file was gone."""
    import tempfile

    from app import private_files

    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(private_files, "MEMORY_FOLDER", tmp_path / "no-shared-memory")
    base = tmp_path / "tmp"
    base.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(base))

    closed = private_files.write_private("reponse-1234abcd.pdf", b"%PDF-1.7 ZORGLUBIEN")
    others = _thumbnails(cache, tmp_path / "a-photo-of-the-users-own.jpg")
    thumbs = _thumbnails(cache, closed)
    private_files.remove(closed)  # (the lock, or the exit)
    assert not closed.exists()
    assert [t for t in thumbs if t.exists()] == []
    assert all(t.exists() for t in others)  # what is not ours is left alone

    left = private_files.write_private("reponse-5678abcd.pdf", b"%PDF-1.7 ZORGLUBIEN")
    thumbs = _thumbnails(cache, left)
    private_files._written.discard(left)  # a crash: the next start finds it
    assert private_files.purge_leftovers() == 1
    assert [t for t in thumbs if t.exists()] == []


def test_a_photo_taken_from_the_device_folder_and_deleted_there_leaves_no_thumbnail(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same for a photo imported from the device's folder with « delete the originals » on: the file
    went, but the thumbnail a file manager made while showing that folder (the patient's skin, eye or
    face) stayed in ~/.cache/thumbnails, outside of everything Teleavis seals."""
    from app.model import Patient
    from tests.support.images import jpeg_bytes, skin_photo
    from ui.capture_work import Labels, import_file

    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    folder = tmp_path / "export-appareil"
    folder.mkdir()
    photo = folder / "IMG0001.jpg"
    photo.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=3), quality=92))
    thumbs = _thumbnails(cache, photo)
    case_id = make_case(store, queue=False)
    case = store.get_case(case_id)
    import_file(
        store,
        case_id,
        photo,
        specialty=case.specialty,
        patient=case.patient or Patient(),
        labels=Labels(),
        remove_after=True,
        follow_links=False,
    )
    assert not photo.exists()
    assert [t for t in thumbs if t.exists()] == []


def test_the_reports_copy_on_the_disk_and_its_thumbnails_are_written_over_before_they_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside (leak40): where no folder in memory is at hand (no ``XDG_RUNTIME_DIR`` nor
    ``/dev/shm``; Windows' temp folder), the expert's report opened in the viewer is written to the temp folder,
    on the disk; its copy and the thumbnails a desktop made of it (its first page: the patient's name) were
    unlinked only, their blocks left whole and in clear for a recovery tool. They are written over first."""
    import tempfile

    from app import private_files

    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(private_files, "MEMORY_FOLDER", tmp_path / "no-shared-memory")
    base = tmp_path / "tmp"
    base.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(base))

    copy = private_files.write_private("reponse-9abcdef0.pdf", b"%PDF-1.7 ZORGLUB Hector, 1950")
    thumbs = _thumbnails(cache, copy)
    witnesses = [HeldOpen(copy)] + [HeldOpen(t) for t in thumbs]
    private_files.remove(copy)  # (the lock, or the exit)
    assert not copy.exists() and not [t for t in thumbs if t.exists()]
    for witness in witnesses:
        left = witness.read_bytes()
        assert left == bytes(len(left)), f"{witness.name}: its bytes left in the disk's free blocks"


def test_a_crashed_windows_report_on_the_disk_is_written_over_when_the_next_start_deletes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review40b: the copy of the report on the disk was written over when Teleavis deleted it itself
    (the lock, the exit), not when the next start deleted what a crashed window left (a power cut, a kill):
    the copy that stayed longest, its page and the letter printed then (a printing folder) unlinked only, whole
    and in clear in the disk's free blocks."""
    import tempfile

    from app import private_files

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(private_files, "MEMORY_FOLDER", tmp_path / "no-shared-memory")
    base = tmp_path / "tmp"
    base.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(base))

    copy = private_files.write_private("reponse-9abcdef0.pdf", b"%PDF-1.7 ZORGLUB Hector, 1950")
    printing = Path(tempfile.mkdtemp(prefix="print-", dir=private_files.private_folder()))
    letter = printing / "qt_temp.pdf"
    letter.write_bytes(b"%PDF-1.7 ZORGLUB Hector, lettre")
    witnesses = [HeldOpen(copy), HeldOpen(letter)]
    private_files._written.discard(copy)  # a crash: the next start finds them
    assert private_files.purge_leftovers() == 2
    assert not copy.exists() and not letter.exists()
    for witness in witnesses:
        left = witness.read_bytes()
        assert left == bytes(len(left)), f"{witness.name}: its bytes left in the disk's free blocks"


def test_a_device_folders_original_removed_after_import_is_written_over_first(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside (leak40): with « delete the originals » on, the device's photo (a DICOM: the patient's
    name and birth date in it) was unlinked only: its blocks stayed whole and in clear in the free space of the
    device folder's disk, a camera's card or a USB key, where a recovery tool (photorec) finds them. They are
    written over first, as Teleavis's own files are."""
    from app.model import Patient
    from tests.support.images import jpeg_bytes, skin_photo
    from ui.capture_work import Labels, import_file

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "export-appareil"
    folder.mkdir()
    photo = folder / "IMG0001.jpg"
    photo.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=5), quality=92))
    witness = HeldOpen(photo)
    case_id = make_case(store, queue=False)
    case = store.get_case(case_id)
    import_file(
        store,
        case_id,
        photo,
        specialty=case.specialty,
        patient=case.patient or Patient(),
        labels=Labels(),
        remove_after=True,
        follow_links=False,
    )
    assert not photo.exists()
    left = witness.read_bytes()
    assert left and left == bytes(len(left)), "the photo's bytes left in the disk's free blocks"


def test_a_device_folders_original_with_another_name_is_removed_not_written_over(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A photo the device also keeps under another name (a hard link in its archive) keeps it: only this
    name goes."""
    from app.model import Patient
    from tests.support.images import jpeg_bytes, skin_photo
    from ui.capture_work import Labels, import_file

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "export-appareil"
    folder.mkdir()
    photo = folder / "IMG0002.jpg"
    data = jpeg_bytes(skin_photo(1600, 1200, seed=6), quality=92)
    photo.write_bytes(data)
    archived = tmp_path / "archive-IMG0002.jpg"
    os.link(photo, archived)
    case_id = make_case(store, queue=False)
    case = store.get_case(case_id)
    import_file(
        store,
        case_id,
        photo,
        specialty=case.specialty,
        patient=case.patient or Patient(),
        labels=Labels(),
        remove_after=True,
        follow_links=False,
    )
    assert not photo.exists()
    assert archived.read_bytes() == data


def _import_rewritten(store: Store, photo: Path, rewrite: object) -> str:
    """``photo`` imported with « delete the originals » on, ``rewrite`` run once it is read, before it is stored
    (the device writing its next exam under the same name meanwhile)."""
    from app.model import Patient
    from ui.capture_work import Labels, import_file

    case_id = make_case(store, queue=False)
    case = store.get_case(case_id)
    import_file(
        store,
        case_id,
        photo,
        specialty=case.specialty,
        patient=case.patient or Patient(),
        labels=Labels(),
        remove_after=True,
        before_storing=rewrite,  # type: ignore[arg-type]
        follow_links=False,
    )
    return case_id


def test_a_device_folders_file_written_again_during_its_import_is_kept_whole(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review40b: a device that writes one name for each exam (IMG0001.jpg) wrote the next patient's
    image there while the first was being imported. Seen changed, it was not written over, but it was unlinked
    all the same: the next patient's image, never imported, was lost. It stays, whole, to be imported."""
    from tests.support.images import jpeg_bytes, skin_photo

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "export-appareil"
    folder.mkdir()
    photo = folder / "IMG0001.jpg"
    photo.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=7), quality=92))
    following = jpeg_bytes(skin_photo(1600, 1200, seed=8), quality=80)
    _import_rewritten(store, photo, lambda: photo.write_bytes(following))
    assert photo.exists(), "the next exam's image, written under the same name, was deleted"
    assert photo.read_bytes() == following


def test_a_device_folders_file_written_again_with_the_same_size_and_time_is_kept_whole(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review40b: a camera's card (FAT) keeps a file's time to two seconds; a device writing its next exam
    under the same name, the same size (an uncompressed DICOM of one device always has it) within them, left the
    size and time the import had read: the next patient's image was written over with zeros, then deleted. A
    file is written over and removed only when it still holds the bytes that were imported."""
    from tests.support.images import jpeg_bytes, skin_photo

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "export-appareil"
    folder.mkdir()
    photo = folder / "IMG0001.jpg"
    data = jpeg_bytes(skin_photo(1600, 1200, seed=9), quality=92)
    photo.write_bytes(data)
    stamp = photo.stat().st_mtime_ns
    following = data[: len(data) // 2] + bytes(255 - b for b in data[len(data) // 2 : -2]) + data[-2:]
    assert len(following) == len(data) and following != data

    def rewrite() -> None:
        with photo.open("r+b") as handle:  # written in place, as a device rewrites its file
            handle.write(following)
        os.utime(photo, ns=(stamp, stamp))  # (the card's clock: the same two seconds)

    _import_rewritten(store, photo, rewrite)
    assert photo.exists() and photo.read_bytes() == following, "the next exam's image was written over"


def test_a_device_folders_original_on_a_write_protected_card_is_kept_whole_and_the_image_stored(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A card write-protected (its switch), or mounted read-only: « delete the originals » cannot remove its
    photo; the import is not refused for it, and the photo is left as it was (never half written over)."""
    from tests.support.images import jpeg_bytes, skin_photo
    from tests.support.read_only import read_only

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "carte"
    folder.mkdir()
    photo = folder / "IMG0003.jpg"
    data = jpeg_bytes(skin_photo(1600, 1200, seed=10), quality=92)
    photo.write_bytes(data)
    with read_only(folder):
        case_id = _import_rewritten(store, photo, lambda: None)
        assert photo.read_bytes() == data
    assert len(store.get_case(case_id).images) == 3  # (make_case's two, and the card's)


def test_a_device_folders_original_its_folder_will_not_let_go_is_kept_whole(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in the review of the whole change (review40w): a device folder whose files may be written but not
    removed (a share giving « modify » without « delete », a sticky folder the device's account owns): with
    « delete the originals » on, the photo was written over with zeros, then its removal refused. The device's
    original, its archive perhaps, was lost and a file of zeros left in its place (before, it was kept whole).
    Removed first, then written over: where it cannot go, it stays as it was."""
    from tests.support.images import jpeg_bytes, skin_photo
    from tests.support.read_only import names_kept

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "partage"
    folder.mkdir()
    photo = folder / "IMG0004.jpg"
    data = jpeg_bytes(skin_photo(1600, 1200, seed=11), quality=92)
    photo.write_bytes(data)

    with names_kept(folder):
        case_id = _import_rewritten(store, photo, lambda: None)
        assert photo.exists()
        assert photo.read_bytes() == data, "the device's original was written over, though it stays"
    assert len(store.get_case(case_id).images) == 3  # (make_case's two, and the folder's)


def test_a_snapshot_left_in_clear_by_a_version_before_is_written_over_as_it_is_sealed(
    teleavis_home: Path, tmp_path: Path
) -> None:
    """Found from outside: a pre-migration snapshot an earlier version left in clear (the photos' hashes,
    sizes and capture times, the platform's words) was sealed in place by a rename over it, which left
    its blocks free on the disk, whole and in clear: no key needed to read them back. They are written
    over once it is replaced (seen through the file held open)."""
    import sqlite3

    from app.db import seal_left_snapshots

    with Store.open(teleavis_home) as store:
        make_case(store, queue=False)
        left = teleavis_home / "teleavis.db.v11-20261101T090000000000-abcdef.bak"
        clear = sqlite3.connect(left)
        store.conn.backup(clear)
        clear.close()
        witness = HeldOpen(left)
        size = witness.stat().st_size
        assert witness.read_bytes().startswith(b"SQLite format 3")
        seal_left_snapshots(teleavis_home / "teleavis.db", store.key)
        assert not left.read_bytes().startswith(b"SQLite format 3")  # sealed
    assert witness.read_bytes() == bytes(size)


def test_the_database_snapshot_a_backup_takes_is_written_over_once_done(
    teleavis_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy of the database a backup takes beside it (the online backup's snapshot: the worklist's
    initials and dates in clear, every sealed row) was unlinked once the archive was written, its blocks
    left whole on the disk at each backup, several a day. Written over first (seen through the file held open)."""
    from app import backup

    witnesses: list[HeldOpen] = []
    real_backup_to = backup.backup_to

    def taken(conn: object, target: Path) -> None:
        real_backup_to(conn, target)  # type: ignore[arg-type]
        witnesses.append(HeldOpen(target))

    monkeypatch.setattr(backup, "backup_to", taken)
    with Store.open(teleavis_home) as store:
        make_case(store)
        backup.write_backup(store, tmp_path / "copie.tvbak")
    assert len(witnesses) == 1
    held = witnesses[0].read_bytes()
    assert held and held == bytes(len(held))


def test_a_file_with_another_name_is_never_written_over(teleavis_home: Path, tmp_path: Path) -> None:
    """Found in review: a blob deleted, key.json rewritten, wrote zeros over the file even when it had another
    name (a copy of the data folder made with hard links, ``cp -al``, before an upgrade): unlinking it frees
    none of its blocks, and that copy lost the photo, or the key that opens every photo it holds."""
    from app.fsutil import atomic_write, written_over_after

    with Store.open(teleavis_home) as store:
        blob = store.objects.put(b"the patient's photo")
        kept = tmp_path / "copy-of-blob"
        os.link(store.objects.root / blob[:2] / blob, kept)
        held = kept.read_bytes()
        store.objects.delete(blob)
        assert kept.read_bytes() == held
    key_file = teleavis_home / "key.json"
    copy = tmp_path / "copy-of-key.json"
    os.link(key_file, copy)
    before = copy.read_bytes()
    with written_over_after(key_file):  # as KeyStore._write and a rotation's blobs do
        atomic_write(key_file, b"{}")
    assert copy.read_bytes() == before


def test_the_thumbnail_of_a_photo_whose_name_a_desktop_writes_otherwise_goes_too(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: the thumbnail is named by the MD5 of the file's URI as the desktop writes it, and GLib
    (GNOME, as ``gio info`` shows) and Qt (KDE) leave « ( ) + & , = $ ! ' * : @ » as they are in a path, where
    Python's ``as_uri`` escapes them: a device's « IMG_0001 (2).jpg » (a copy renamed so) kept its thumbnail."""
    import hashlib
    import re

    from app.model import Patient
    from tests.support.images import jpeg_bytes, skin_photo
    from ui.capture_work import Labels, import_file

    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    folder = tmp_path / "export-appareil"
    folder.mkdir()
    assert re.fullmatch(r"[A-Za-z0-9/_.-]+", str(folder))  # (written as it is in any URI)
    photo = folder / "IMG_0001 (2).jpg"
    photo.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=3), quality=92))
    uri = f"file://{folder}/IMG_0001%20(2).jpg"  # as `gio info` gives it
    thumb = cache / "thumbnails" / "normal" / (hashlib.md5(uri.encode(), usedforsecurity=False).hexdigest() + ".png")
    thumb.parent.mkdir(parents=True)
    thumb.write_bytes(b"\x89PNG the patient's skin")
    case_id = make_case(store, queue=False)
    case = store.get_case(case_id)
    import_file(
        store,
        case_id,
        photo,
        specialty=case.specialty,
        patient=case.patient or Patient(),
        labels=Labels(),
        remove_after=True,
        follow_links=False,
    )
    assert not photo.exists()
    assert not thumb.exists()
