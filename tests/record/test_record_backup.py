"""Backup and restore (app/backup.py): a cart's disk dies, the data comes back elsewhere."""

from __future__ import annotations

import struct
import threading
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from app import audit
from app import backup as backup_module
from app.backup import (
    CHUNK,
    KEEP_SCHEDULED,
    BackupError,
    Newer,
    backup_due,
    read_header,
    restore_backup,
    run_scheduled_backup,
    write_backup,
)
from app.db import DB_FILE
from app.errors import DataLocked
from app.model import CaseState, utc_now
from app.store import Store
from tests.record.record_cases import PASSPHRASE, answer, make_case, move, opened_with_site
from tests.support.cli import run_inprocess
from tests.support.keyring import memory_keyring


def snapshot(store: Store) -> dict[str, Any]:
    """Every case decrypted: content, state, images (bytes), answer and answer PDFs, history."""
    cases: dict[str, Any] = {}
    for row in store.list_cases():
        case = store.get_case(row.id)
        ans = store.answer(row.id)
        cases[row.id] = {
            "state": case.state.value,
            "content": case.content(),
            "updated": case.updated_at,
            "images": [
                (asdict(i), store.image_bytes(i), store.objects.get(i.thumb_blob) if i.thumb_blob else None)
                for i in case.images
            ],
            "answer": asdict(ans) if ans else None,
            "pdfs": [store.objects.get(b) for b in ans.pdf_blobs] if ans else [],
            "history": store.history(row.id),
        }
    return cases


def filled(store: Store) -> list[str]:
    ids = [make_case(store, specialty, images=2) for specialty in ("dermatology", "ophthalmology", "wound-care")]
    answer(store, ids[0])
    move(store, ids[1], CaseState.READY)
    store.queue(ids[1])
    return ids


def test_restore_on_another_machine_gives_back_every_case(store: Store, tmp_path: Path) -> None:
    filled(store)
    before = snapshot(store)
    archive = tmp_path / "usb" / "sauvegarde.tvbak"
    archive.parent.mkdir()

    info = write_backup(store, archive)
    elsewhere = tmp_path / "other-machine" / "teleavis"
    restored = restore_backup(archive, elsewhere, PASSPHRASE)

    assert (info.cases, restored.cases, restored.replaced, restored.audit_ok) == (3, 3, False, True)
    assert restored.blobs == info.blobs == 3 * 2 * 2 + 1
    with Store.open(elsewhere, passphrase=lambda _confirm: PASSPHRASE) as copy:
        assert snapshot(copy) == before
        assert audit.verify(copy.conn, copy.key).ok
        actions = [r[0] for r in copy.conn.execute("SELECT action FROM audit ORDER BY seq")]
        assert actions[-1] == "restored"
    assert [r[0] for r in store.conn.execute("SELECT action FROM audit ORDER BY seq DESC LIMIT 1")] == ["backup"]
    # Nothing left beside the data directory.
    assert sorted(p.name for p in elsewhere.parent.iterdir()) == ["teleavis"]
    assert sorted(p.name for p in archive.parent.iterdir()) == ["sauvegarde.tvbak"]


def test_every_restored_file_is_on_disk_before_the_folder_is_swapped_in(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A power cut just after the restore must not leave an empty blob or key file in the new data
    directory: each file is flushed itself (not by a system-wide ``sync``, which also waits for every
    other program's writes), all of them before the swap. (``key.json`` was written unflushed.)"""
    filled(store)
    archive = tmp_path / "b.tvbak"
    write_backup(store, archive)
    events: list[str] = []

    def recorded(module: Any, name: str) -> None:
        real = getattr(module, name)

        def record(path: Path, *args: Any) -> Any:
            events.append(Path(path).name)
            return real(path, *args)

        monkeypatch.setattr(module, name, record)

    for module, name in ((backup_module, "fsync_file"), (backup_module, "atomic_write"), (audit, "atomic_write")):
        recorded(module, name)
    real_swap = backup_module._swap
    monkeypatch.setattr(backup_module, "_swap", lambda *args: (events.append("<swap>"), real_swap(*args))[1])
    monkeypatch.setattr(backup_module.os, "sync", lambda: pytest.fail("a system-wide sync"), raising=False)

    elsewhere = tmp_path / "other" / "teleavis"
    restore_backup(archive, elsewhere, PASSPHRASE)

    assert events[-1] == "<swap>" and events.count("<swap>") == 1
    restored = {p.name for p in elsewhere.rglob("*") if p.is_file() and p.parent.name != "logs"}
    assert restored <= set(events), restored - set(events)


def test_the_archive_holds_nothing_readable(store: Store, tmp_path: Path) -> None:
    case_id = make_case(store, family="ZYGMUNTOWICZ", images=1)
    archive = tmp_path / "b.tvbak"
    write_backup(store, archive)
    data = archive.read_bytes()
    for needle in (b"ZYGMUNTOWICZ", b"SQLite format", b"manifest", case_id.encode(), b"Metformine"):
        assert needle not in data
    header = read_header(archive)
    assert header["format"] == 1 and "wrapped" in header["key_file"]["passphrase"]


def test_backup_taken_while_a_sync_runs_restores_a_consistent_set(
    store: Store, tmp_path: Path, record_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [make_case(store, images=2) for _ in range(4)]
    for case_id in ids:
        move(store, case_id, CaseState.READY)
        store.queue(case_id)
    stop, running = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    steps = [0]  # the worker's turns, to show it ran while the backups were taken

    def sync_worker() -> None:
        # Another connection, as the sync engine has: sends queued cases, receives answers, creates cases.
        try:
            with Store.open(record_env) as worker:
                n = 0
                while not stop.is_set():
                    case_id = ids[n % len(ids)]
                    state = worker.state(case_id)
                    if state == CaseState.QUEUED:
                        worker.transition(case_id, CaseState.SENDING)
                    elif state == CaseState.SENDING:
                        worker.transition(case_id, CaseState.QUEUED)
                    if n % 3 == 0:
                        make_case(worker, "wound-care", images=1)
                    n += 1
                    steps[0] = n
                    running.set()
        except BaseException as exc:
            errors.append(exc)

    # Each backup, once its snapshot is taken and its first file written, waits for the sync to move
    # cases and add one (new blobs the snapshot does not name): the race is run, not hoped for.
    add_file, waited = backup_module._add_file, []

    def add_file_while_syncing(tar: Any, name: str, path: Path) -> int:
        written = add_file(tar, name, path)
        if name == DB_FILE:
            target = steps[0] + 3
            while steps[0] < target and thread.is_alive():
                stop.wait(0.001)
            waited.append(steps[0] >= target)
        return written

    monkeypatch.setattr(backup_module, "_add_file", add_file_while_syncing)
    thread = threading.Thread(target=sync_worker)
    thread.start()
    try:
        assert running.wait(30), "the worker started"
        archives = []
        for n in range(3):
            archive = tmp_path / f"b{n}.tvbak"
            write_backup(store, archive)
            archives.append(archive)
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert waited == [True, True, True], "the sync moved cases while each backup was being written"
    source = snapshot(store)

    for n, archive in enumerate(archives):
        target = tmp_path / f"restored{n}"
        restore_backup(archive, target, PASSPHRASE)
        with Store.open(target, passphrase=lambda _confirm: PASSPHRASE) as copy:
            restored = snapshot(copy)
            assert copy.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert audit.verify(copy.conn, copy.key).ok
        assert set(ids) <= set(restored) <= set(source)
        for case_id, case in restored.items():
            # Content, images and answers are those of the source; only the state may have moved on since.
            assert {k: v for k, v in case.items() if k not in ("state", "updated", "history")} == {
                k: v for k, v in source[case_id].items() if k not in ("state", "updated", "history")
            }
            assert case["history"] == source[case_id]["history"][: len(case["history"])]


@pytest.mark.parametrize(
    "damage", ["flip-byte", "truncate-mid-chunk", "truncate-at-chunk", "drop-chunk", "header", "empty", "not-a-backup"]
)
def test_a_damaged_or_truncated_archive_is_refused_and_nothing_is_touched(
    store: Store, tmp_path: Path, damage: str
) -> None:
    from tests.record.record_cases import jpeg

    make_case(store, images=2, image_data=[jpeg(1600, 1200, seed=1, quality=98)] * 2)  # > 1 chunk
    archive = tmp_path / "b.tvbak"
    write_backup(store, archive)
    data = bytearray(archive.read_bytes())
    prefix = 20 + struct.unpack(">I", data[16:20])[0]
    full_chunks = (len(data) - prefix) // (CHUNK + 16)
    assert full_chunks >= 2
    if damage == "flip-byte":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncate-mid-chunk":
        del data[-1000:]
    elif damage == "truncate-at-chunk":
        del data[prefix + full_chunks * (CHUNK + 16) :]  # exactly the final chunk missing
    elif damage == "drop-chunk":
        del data[prefix : prefix + CHUNK + 16]
    elif damage == "header":
        at = data.index(b'"created"')
        data[at + 14] = ord("9") if data[at + 14] != ord("9") else ord("8")
    elif damage == "empty":
        data = bytearray()
    else:
        data = bytearray(b"%PDF-1.4 not a backup at all" * 100)
    archive.write_bytes(bytes(data))
    before = sorted(p.name for p in tmp_path.iterdir())
    store.close()  # (open, the data is said « ouvert ailleurs » before the archive is read)

    with pytest.raises(BackupError) as refused:
        restore_backup(archive, store.data_dir, PASSPHRASE, force=True)

    expected = "n'est pas une sauvegarde" if damage in ("empty", "not-a-backup") else "endommagée ou incomplète"
    assert expected in refused.value.message
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no staging folder left
    with Store.open(store.data_dir) as back:
        assert len(back.list_cases()) == 1 and back.get_case(back.list_cases()[0].id).question


def test_wrong_passphrase_restores_nothing(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_case(store, images=1)
    archive = tmp_path / "b.tvbak"
    write_backup(store, archive)
    with pytest.raises(DataLocked, match="Phrase secrète incorrecte pour cette sauvegarde"):
        restore_backup(archive, tmp_path / "elsewhere", "not the passphrase")
    assert not (tmp_path / "elsewhere").exists()

    store.close()
    monkeypatch.setenv("TELEAVIS_HOME", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("TELEAVIS_PASSPHRASE", "still not it")
    result = run_inprocess(capsys, "restore", str(archive))
    assert result.code == 3
    assert "Phrase secrète incorrecte" in result.err
    assert sorted(p.name for p in tmp_path.iterdir() if "elsewhere" in p.name) == []


def test_restore_never_replaces_newer_data_without_asking(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = make_case(store, images=1)
    archive = tmp_path / "b.tvbak"
    write_backup(store, archive)
    later = make_case(store, "other", images=1)
    asked: list[Newer] = []

    store.close()  # (open, it is Teleavis open: said before the newer cases, test_restore_while_open.py)
    with pytest.raises(BackupError, match="plus récentes que la sauvegarde"):
        restore_backup(archive, store.data_dir, PASSPHRASE, confirm=lambda newer: asked.append(newer) or False)
    assert asked and asked[0].cases == 1 and asked[0].audit_entries >= 1  # (the backup's own entry is not)
    with Store.open(store.data_dir) as kept:
        assert {c.id for c in kept.list_cases()} == {first, later}

    refused = run_inprocess(capsys, "restore", str(archive))
    assert refused.code == 1 and "--force" in refused.err
    forced = run_inprocess(capsys, "restore", str(archive), "--force")
    assert forced.code == 0, forced.err
    with Store.open(store.data_dir) as back:
        assert [c.id for c in back.list_cases()] == [first]
        detail = back.conn.execute("SELECT detail FROM audit WHERE action='restored'").fetchone()[0]
        assert "replaced 1 newer case(s)" in detail


def test_cli_backup_then_restore_on_a_fresh_machine(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = make_case(store, images=2)
    before = snapshot(store)
    store.close()
    archive = tmp_path / "cle-usb.tvbak"
    done = run_inprocess(capsys, "backup", str(archive))
    assert done.code == 0, done.err
    assert "Sauvegarde écrite" in done.err
    assert "(1 dossier, " in done.err and "(s)" not in done.err, "one case is « 1 dossier »"

    monkeypatch.setenv("TELEAVIS_HOME", str(tmp_path / "new-cart"))
    back = run_inprocess(capsys, "restore", str(archive))
    assert back.code == 0, back.err
    assert "restaurée : 1 dossier, " in back.err and "(s)" not in back.err
    shown = run_inprocess(capsys, "case", "show", case_id, "--json")
    assert shown.code == 0 and shown.json()["question"] == before[case_id]["content"]["question"]


def test_keyring_only_data_needs_a_passphrase_and_then_opens_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with memory_keyring() as ring:
        monkeypatch.delenv("TELEAVIS_PASSPHRASE")
        with Store.open(tmp_path / "cart", passphrase=lambda _confirm: None) as cart:
            case_id = make_case(cart, images=1)
            before = snapshot(cart)
            with pytest.raises(BackupError, match="trousseau du système seulement"):
                write_backup(cart, tmp_path / "b.tvbak")
            write_backup(cart, tmp_path / "b.tvbak", passphrase="nouvelle phrase")
            # The passphrase now protects the data key too: later backups need not ask for it.
            write_backup(cart, tmp_path / "b2.tvbak")
            with pytest.raises(BackupError, match="pas celle qui protège"):
                write_backup(cart, tmp_path / "b3.tvbak", passphrase="une autre")
        ring.entries.clear()  # another machine: no keyring entry
        restore_backup(tmp_path / "b2.tvbak", tmp_path / "other", "nouvelle phrase")
        with Store.open(tmp_path / "other", passphrase=lambda _confirm: "nouvelle phrase") as other:
            assert snapshot(other)[case_id] == before[case_id]


def test_scheduled_backup_to_a_usb_folder(store: Store, tmp_path: Path) -> None:
    make_case(store, images=1)
    usb = tmp_path / "usb"
    assert not backup_due(store)  # no folder chosen
    store.settings.set("backup.folder", str(usb))
    # The drive is not plugged in: due all the same, and refused saying so (found from outside: not due, nothing
    # said, no backup for weeks).
    assert backup_due(store)
    with pytest.raises(BackupError, match="branchez la clé"):
        run_scheduled_backup(store)
    assert not usb.exists(), "never made: it would be on this computer's own disk"
    usb.mkdir()
    assert backup_due(store)

    now = utc_now()
    info = run_scheduled_backup(store, now)
    assert info.path.parent == usb and info.path.exists()
    assert not backup_due(store, now + timedelta(hours=23))
    assert backup_due(store, now + timedelta(hours=24))

    for day in range(1, KEEP_SCHEDULED + 3):
        run_scheduled_backup(store, now + timedelta(days=day))
    kept = sorted(usb.iterdir())
    assert len(kept) == KEEP_SCHEDULED
    station = store.settings.get("state.backup.station")
    assert kept[-1].name == f"teleavis-{now + timedelta(days=KEEP_SCHEDULED + 2):%Y%m%d-%H%M%S}-{station}.tvbak"
    restore_backup(kept[-1], tmp_path / "check", PASSPHRASE)


def test_a_scheduled_backup_never_deletes_the_backup_it_just_wrote(store: Store, tmp_path: Path) -> None:
    """Found from outside: seven files named as dated in 2099 in the backup folder (a clock once in the
    future, or anyone who can write on the share) and every scheduled backup deleted itself right after
    it was written, while the settings recorded a success."""
    from app import doctor

    share = tmp_path / "share"
    share.mkdir()
    strangers = [share / f"teleavis-2099010{day}-000000.tvbak" for day in range(2, 9)]
    for path in strangers:
        path.write_bytes(b"")
    store.settings.set("backup.folder", str(share))
    info = run_scheduled_backup(store)
    assert info.path.exists(), "the backup just written is kept"
    assert all(path.exists() for path in strangers), "what this workstation did not write is not its to delete"
    restore_backup(info.path, tmp_path / "check", PASSPHRASE)
    # The diagnosis says the names are misleading (the latest by name is not the latest).
    check = doctor.backup(doctor.plain_settings(store.data_dir), utc_now())
    assert check.status == doctor.WARNING and "dans le futur" in check.detail and "20990108" in check.detail


def test_workstations_sharing_a_backup_folder_keep_each_others_backups(store: Store, tmp_path: Path) -> None:
    """Two carts backing up to one share: each removes only its own old backups, whatever their names."""
    share = tmp_path / "share"
    share.mkdir()
    now = utc_now()
    # The other cart's, older and newer than ours by their names.
    other = [share / f"teleavis-{now + timedelta(days=day, hours=1):%Y%m%d-%H%M%S}.tvbak" for day in range(-3, 12)]
    for path in other:
        path.write_bytes(b"other cart")
    store.settings.set("backup.folder", str(share))
    ours = [run_scheduled_backup(store, now + timedelta(days=day)).path for day in range(KEEP_SCHEDULED + 3)]
    assert all(path.exists() for path in other)
    assert [path.exists() for path in ours] == [False] * 3 + [True] * KEEP_SCHEDULED


def test_two_workstations_backing_up_in_the_same_second_each_keep_their_backup(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both carts named their backup after the second alone: the second one written replaced the first
    (os.replace), and that cart's settings recorded a backup of its data that was the other cart's."""
    share = tmp_path / "share"
    share.mkdir()
    now = utc_now()  # one clock, frozen: both write « in the same second »
    make_case(store, images=1)
    store.settings.set("backup.folder", str(share))
    with opened_with_site(tmp_path / "other-cart") as other:
        other.settings.set("backup.folder", str(share))
        mine = run_scheduled_backup(store, now)
        theirs = run_scheduled_backup(other, now)
        assert mine.path != theirs.path and mine.path.exists() and theirs.path.exists()
        assert backup_module.scheduled_moment(mine.path.name) == backup_module.scheduled_moment(theirs.path.name)
        # Each name stays this workstation's: the next backups carry the same id, the other's another.
        again = run_scheduled_backup(store, now + timedelta(hours=1))
        assert again.path.name.rsplit("-", 1)[1] == mine.path.name.rsplit("-", 1)[1]
        assert again.path.name.rsplit("-", 1)[1] != theirs.path.name.rsplit("-", 1)[1]
    restored = restore_backup(mine.path, tmp_path / "check-mine", PASSPHRASE)
    assert restored.cases == 1
    assert restore_backup(theirs.path, tmp_path / "check-theirs", PASSPHRASE).cases == 0

    # A file already there under the very name (a clone of this workstation's data, a person): kept as it
    # is, the backup takes the next name, with or without hard links in that folder.
    taken = share / f"teleavis-{now + timedelta(hours=2):%Y%m%d-%H%M%S}-{mine.path.name.rsplit('-', 1)[1]}"
    taken.write_bytes(b"someone else's")
    second = run_scheduled_backup(store, now + timedelta(hours=2))
    assert taken.read_bytes() == b"someone else's"
    assert second.path == taken.with_name(f"{taken.stem}-2.tvbak")

    def no_links(*_args: object, **_kwargs: object) -> None:
        raise PermissionError("no hard links on this drive")

    monkeypatch.setattr(backup_module.os, "link", no_links)
    third = run_scheduled_backup(store, now + timedelta(hours=2))
    assert taken.read_bytes() == b"someone else's" and second.path.exists()
    assert third.path == taken.with_name(f"{taken.stem}-3.tvbak")
    assert restore_backup(third.path, tmp_path / "check-third", PASSPHRASE).cases == 1
    assert not list(share.glob(".*.part")), "no stream left behind"


def test_backups_named_before_the_workstation_id_are_pruned_once_proven_ours(store: Store, tmp_path: Path) -> None:
    """Written before this workstation listed what it wrote (state.backup.written), its old backups were
    never removed again: the folder only grew. Those proven its own (the archive opens under its data key
    and its audit log records a backup of that very size as it was written) now go under the same rule;
    anything else stays, and the diagnosis counts it and says it may be deleted by hand."""
    from app import doctor, i18n

    share = tmp_path / "share"
    share.mkdir()
    make_case(store, images=1)
    # As the scheduled backup named them then (one the CLI wrote under such a name is as much ours).
    ours = [write_backup(store, share / f"teleavis-2026110{day}-080000.tvbak").path for day in (1, 2, 3)]
    copy = share / "teleavis-20261104-080000.tvbak"  # our archive, but not the file this data wrote
    copy.write_bytes(ours[0].read_bytes() + b"\0")
    stranger = share / "teleavis-20261105-080000.tvbak"
    stranger.write_bytes(b"not a backup")
    with opened_with_site(tmp_path / "other-cart") as other:
        theirs = write_backup(other, share / "teleavis-20261106-080000.tvbak").path
        other.settings.set("backup.folder", str(share))
        run_scheduled_backup(other)
        assert other.settings.get("state.backup.written")[0] == str(theirs), "the other cart's own, proven"
    kept = [copy, stranger, theirs]

    store.settings.set("backup.folder", str(share))
    now = utc_now()
    first = run_scheduled_backup(store, now)
    assert all(path.exists() for path in ours), "kept while fewer than the seven last"
    assert store.settings.get("state.backup.written") == [*map(str, ours), str(first.path)]
    new = [first.path] + [run_scheduled_backup(store, now + timedelta(days=d)).path for d in range(1, KEEP_SCHEDULED)]
    assert not any(path.exists() for path in ours), "this workstation's old backups go as its others"
    assert all(path.exists() for path in kept), "what is not proven ours is never removed"
    assert all(path.exists() for path in new)

    check = doctor.backup(doctor.plain_settings(store.data_dir), now + timedelta(days=KEEP_SCHEDULED - 1))
    assert check.status == doctor.OK
    assert "3 sauvegardes plus anciennes" in check.detail and "supprimer à la main" in check.detail
    i18n.set_language("en")
    check = doctor.backup(doctor.plain_settings(store.data_dir), now + timedelta(days=KEEP_SCHEDULED - 1))
    assert "3 older backups" in check.detail and "delete them by hand" in check.detail
    copy.unlink()
    stranger.unlink()
    check = doctor.backup(doctor.plain_settings(store.data_dir), now + timedelta(days=KEEP_SCHEDULED - 1))
    assert "An older backup" in check.detail and "delete it by hand" in check.detail
    theirs.unlink()
    check = doctor.backup(doctor.plain_settings(store.data_dir), now + timedelta(days=KEEP_SCHEDULED - 1))
    assert "older" not in check.detail


def test_backups_of_both_names_restore(store: Store, tmp_path: Path) -> None:
    """The name changed, not the archive: one named as before and one named as now both restore, and
    both are read as scheduled backups dated by their name (the diagnosis's « dated in the future »)."""
    share = tmp_path / "share"
    share.mkdir()
    make_case(store, images=1)
    old = write_backup(store, share / "teleavis-20261101-080000.tvbak").path
    store.settings.set("backup.folder", str(share))
    new = run_scheduled_backup(store).path
    for path in (old, new):
        assert backup_module.scheduled_moment(path.name) is not None
        assert restore_backup(path, tmp_path / f"check-{path.stem}", PASSPHRASE).cases == 1
    assert backup_module.scheduled_moment("teleavis-20261101-080000-0badcafe-2.tvbak") is not None
    assert backup_module.scheduled_moment("teleavis-20261101-080000-somebody.tvbak") is None


def test_a_deleted_last_backup_is_said_and_made_again(store: Store, tmp_path: Path) -> None:
    """The diagnosis said « Dernière sauvegarde le … » from the date recorded, for a file deleted since."""
    from app import doctor

    usb = tmp_path / "usb"
    usb.mkdir()
    store.settings.set("backup.folder", str(usb))
    now = utc_now()
    info = run_scheduled_backup(store, now)
    assert doctor.backup(doctor.plain_settings(store.data_dir), now).status == doctor.OK
    assert not backup_due(store, now + timedelta(hours=1))
    info.path.unlink()
    check = doctor.backup(doctor.plain_settings(store.data_dir), now)
    assert check.status == doctor.WARNING and "n'est plus là" in check.detail and str(info.path) in check.detail
    assert backup_due(store, now + timedelta(hours=1)), "the window makes one again at its next look"


def test_a_backup_restored_right_after_it_was_taken_is_not_refused_as_older(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by a newcomer: `backup b.tvbak` then `restore b.tvbak` was refused, « plus récentes que la
    sauvegarde (… 1 entrée(s) du journal d'audit depuis) »: the backup's own entry, written once its
    snapshot was taken, is never in it."""
    make_case(store, images=1)
    store.close()
    archive = tmp_path / "b.tvbak"
    assert run_inprocess(capsys, "backup", str(archive)).code == 0
    restored = run_inprocess(capsys, "restore", str(archive))
    assert restored.code == 0, restored.err


def test_a_disk_too_small_for_the_restore_says_so_and_never_blames_the_backup(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: a restore onto a disk too small said the backup was « endommagée ou
    incomplète… Essayez une autre sauvegarde » (the only one, maybe, then thrown away); a backup onto a
    full disk said « No space left on device » in a French sentence."""
    import errno

    filled(store)
    before = snapshot(store)
    archive = tmp_path / "b.tvbak"
    write_backup(store, archive)
    real_extract = backup_module._extract

    def full(reader: Any, staging: Path) -> Any:
        real_extract(reader, staging)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_module, "_extract", full)
    store.close()  # (open, the data is said « ouvert ailleurs » before the archive is read)
    with pytest.raises(BackupError) as refused:
        restore_backup(archive, store.data_dir, PASSPHRASE, force=True)
    assert "Pas assez de place sur le disque" in refused.value.message
    assert "endommagée" not in refused.value.message
    store = Store.open(store.data_dir)
    assert snapshot(store) == before
    assert not list(store.data_dir.parent.glob(f".{store.data_dir.name}.restore-*")), "its folder is removed"

    def no_space(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_module, "_write_tar", no_space)
    with pytest.raises(BackupError) as unwritten:
        write_backup(store, tmp_path / "c.tvbak")
    assert "le disque est plein" in unwritten.value.message and "No space" not in unwritten.value.message
    store.close()  # (the one opened again above)


def test_where_the_identity_was_stated_comes_back_with_a_restored_case(store: Store, tmp_path: Path) -> None:
    """A case leaves this workstation whole only by a backup (``case export`` writes the PDF report, no case
    file): a « Qualifiée » identity the nurse stated in the window without its document still waits for it once
    restored elsewhere (Case.origin and identity_origin are in its sealed content)."""
    from app.model import ORIGIN_WINDOW, Case, Patient

    case = Case(
        patient=Patient(
            family="MARTIN",
            given=["Paul"],
            birth_date="1950-02-03",
            sex="male",
            ins="150028512345615",
            identity_status="qualified",
            birth_place="85123",
        ),
        identity_origin=ORIGIN_WINDOW,
    )
    made_here = Case(patient=Patient(**asdict(case.patient)), origin=ORIGIN_WINDOW)
    ids = [store.create_case(case, []), store.create_case(made_here, [])]
    archive = tmp_path / "sauvegarde.tvbak"
    write_backup(store, archive)
    elsewhere = tmp_path / "other-machine" / "teleavis"
    restore_backup(archive, elsewhere, PASSPHRASE)
    with Store.open(elsewhere, passphrase=lambda _confirm: PASSPHRASE) as copy:
        restored = [copy.get_case(case_id) for case_id in ids]
        assert [(c.origin, c.identity_origin) for c in restored] == [("", ORIGIN_WINDOW), (ORIGIN_WINDOW, "")]
        for one in restored:
            document = [f for f in copy.checklist(one) if f.field == "patient.identity_document"]
            assert [f.blocks_sending() for f in document] == [True]
