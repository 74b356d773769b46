"""A draft never sent can be deleted (app/deletion.py): its row, what hangs on it and its files go, in
one transaction then after it; a case that was ever queued never goes (the platform may hold it)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app import audit, reply_drafts
from app.deletion import deletable, delete_draft
from app.errors import InvalidTransition, NotFound
from app.model import CaseState
from app.outbox import Outbox
from app.store import NewImage, Store
from tests.app.test_store import make_case, new_image
from tests.support.held_open import HeldOpen

_CASE_TABLES = ("images", "case_events", "outbox", "messages", "search_tokens", "acts")


def files_of(store: Store, case_id: str) -> list[Path]:
    ids = [b for image in store.get_case(case_id).images for b in (image.blob, image.thumb_blob) if b]
    return [store.objects.root / blob[:2] / blob for blob in ids]


def rows_left(store: Store, case_id: str) -> dict[str, int]:
    counts = {
        table: store.conn.execute(f"SELECT COUNT(*) FROM {table} WHERE case_id=?", (case_id,)).fetchone()[0]  # noqa: S608
        for table in _CASE_TABLES
    }
    counts["cases"] = store.conn.execute("SELECT COUNT(*) FROM cases WHERE id=?", (case_id,)).fetchone()[0]
    return {table: n for table, n in counts.items() if n}


def test_a_draft_goes_with_its_rows_and_files(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        kept = store.create_case(make_case("DUPONT", "Anne"), [new_image(5)])
        case_id = store.create_case(make_case(), [new_image(0), new_image(1), new_image(2)])
        files, kept_files = files_of(store, case_id), files_of(store, kept)
        reply_drafts.save(store, case_id, "jamais envoyé")
        assert len(files) == 6 and all(f.exists() for f in files)
        assert deletable(store.conn, case_id)

        assert delete_draft(store, case_id) == 3

        assert rows_left(store, case_id) == {}
        assert not any(f.exists() for f in files)
        assert all(f.exists() for f in kept_files)
        assert reply_drafts.load(store, case_id) == ""
        assert [c.id for c in store.list_cases()] == [kept]
        assert store.counts() == {"draft": 1}
        assert store.list_cases(search="martin") == []
        # Audited by the case id and a count: no name, nothing typed.
        entry = store.conn.execute(
            "SELECT action, case_id, detail FROM audit WHERE case_id=? ORDER BY seq DESC LIMIT 1", (case_id,)
        ).fetchone()
        assert tuple(entry) == ("deleted", case_id, "draft, 3 image(s)")
        everything = " ".join(str(v) for row in store.conn.execute("SELECT * FROM audit") for v in row)
        assert "MARTIN" not in everything.upper() and "Paul" not in everything
        assert audit.verify(store.conn, store.key).ok
        with pytest.raises(NotFound):
            delete_draft(store, case_id)


def test_a_file_another_case_still_names_is_kept(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [new_image(0), new_image(1)])
        shared = store.get_case(case_id).images[0]
        # Another case recorded with the very same files (written once, named by both rows).
        again = NewImage(new_image(0).record, b"")
        again.record.blob, again.record.thumb_blob = shared.blob, shared.thumb_blob
        again.record.sha1, again.record.size = shared.sha1, shared.size
        again.written = True
        other = store.create_case(make_case(), [again])
        files = files_of(store, case_id)

        delete_draft(store, case_id)

        assert [f.exists() for f in files] == [True, True, False, False]
        assert store.image_bytes(store.get_case(other).images[0])  # still readable


@pytest.mark.parametrize(
    "path",
    ["queued", "taken-back", "sent", "needs-attention-then-draft", "uploaded-photo"],
)
def test_a_case_ever_queued_is_never_deleted(teleavis_home: Path, path: str) -> None:
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [new_image(0)])
        files = files_of(store, case_id)
        if path == "uploaded-photo":
            # A draft made before its history was kept, whose photo the platform holds.
            with store.conn:
                store.conn.execute("UPDATE images SET binary_id='b-1' WHERE case_id=?", (case_id,))
        else:
            store.queue(case_id)
        if path == "taken-back":
            Outbox(store).withdraw(case_id)  # a draft again: its photos may be on the platform
        elif path == "sent":
            for state in (CaseState.SENDING, CaseState.SENT):
                store.transition(case_id, state)
        elif path == "needs-attention-then-draft":
            store.transition(case_id, CaseState.NEEDS_ATTENTION)
            store.transition(case_id, CaseState.DRAFT)
        assert not deletable(store.conn, case_id)
        with pytest.raises(InvalidTransition, match="ne peut pas être supprimé"):
            delete_draft(store, case_id)
        assert rows_left(store, case_id)["cases"] == 1
        assert all(f.exists() for f in files)


def test_a_draft_that_came_back_with_a_restored_backup_is_not_deleted(teleavis_home: Path, tmp_path: Path) -> None:
    """Found in review: a draft backed up, then sent, came back a draft when that backup was restored, its
    history saying nothing of the sending, and could be deleted while the platform held it. Any case that
    was here when the data was restored stays; one made since may go."""
    from app.backup import restore_backup, write_backup
    from tests.conftest import PASSPHRASE

    archive = tmp_path / "sauvegarde.tvbak"
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [new_image(0)])
        write_backup(store, archive)
    time.sleep(1.1)  # (instants to the second: the restore comes after the draft's creation)
    restore_backup(archive, teleavis_home, PASSPHRASE, force=True)
    with Store.open(teleavis_home, passphrase=lambda _confirm: PASSPHRASE) as store:
        assert not deletable(store.conn, case_id)
        with pytest.raises(InvalidTransition, match="sauvegarde restaurée"):
            delete_draft(store, case_id)
        assert store.get_case(case_id).state == CaseState.DRAFT
        time.sleep(1.1)
        made_since = store.create_case(make_case("DUPONT", "Anne"), [new_image(1)])
        assert deletable(store.conn, made_since)


def test_a_ready_case_never_queued_is_a_draft_still(teleavis_home: Path) -> None:
    """``queue`` validates (ready), then queues in a second transaction: a stop in between leaves it ready."""
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [])
        store.transition(case_id, CaseState.READY)
        assert delete_draft(store, case_id) == 0
        assert rows_left(store, case_id) == {}


def test_files_left_by_a_crash_after_the_commit_are_collected(
    teleavis_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [new_image(0)])
        files = files_of(store, case_id)

        def cut(_blob: str) -> None:
            raise SystemExit("power cut")  # after the commit, before any file went

        monkeypatch.setattr(store.objects, "delete", cut)
        with pytest.raises(SystemExit):
            delete_draft(store, case_id)
        monkeypatch.undo()
        assert rows_left(store, case_id) == {} and all(f.exists() for f in files)
        old = time.time() - 7200
        for f in files:
            os.utime(f, (old, old))
        # Retention's collection (app/retention.py runs it) takes them: no second one.
        assert store.collect_orphans() == 2
        assert not any(f.exists() for f in files)


def _full_reads_of_the_audit_log(store: Store, ask: Callable[[], object]) -> list[str]:
    """The statements ``ask`` runs that read the whole audit log (SQLite's plan: a scan of the table)."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        ask()
    finally:
        store.conn.set_trace_callback(None)
    return [
        statement
        for statement in statements
        if statement.lstrip().upper().startswith("SELECT")
        and any(
            step[3].startswith("SCAN a") or step[3].startswith("SCAN audit")
            for step in store.conn.execute("EXPLAIN QUERY PLAN " + statement)
        )
    ]


def test_whether_a_draft_may_be_deleted_is_asked_without_reading_the_whole_audit_log(teleavis_home: Path) -> None:
    """Asked at each case opened and each worklist row selected: on a year's log (some 200 000 entries)
    a scan took 19 ms each time on the window's thread (tests/bench/test_store_bench.py measures it)."""
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [])
        assert _full_reads_of_the_audit_log(store, lambda: deletable(store.conn, case_id)) == []
        assert _full_reads_of_the_audit_log(store, lambda: audit.rewound(store.conn)) == []
        witness = audit.current_witness(store.conn, store.key)
        assert witness is not None
        assert _full_reads_of_the_audit_log(store, lambda: audit.check_witness(store.conn, store.key, [witness])) == []


def _on_disk(store: Store) -> bytes:
    folder = store.data_dir
    return b"".join(p.read_bytes() for p in sorted(folder.glob("teleavis.db*")) if p.is_file())


def test_a_deleted_draft_leaves_nothing_of_itself_in_the_database_files(teleavis_home: Path) -> None:
    """Found from outside: a draft deleted (made for the wrong patient) was gone from the tables, but its
    row stayed whole in the database's files: in the WAL's earlier frames, which SQLite overwrites only
    when it comes round to them again (never truncated), and in the main file until the next checkpoint.
    Its sealed identity opens with the data key for whoever copies the folder. The files are emptied of it
    as the deletion ends."""
    with Store.open(teleavis_home) as store:
        store.create_case(make_case("DUPONT", "Anne"), [new_image(5)])
        gone = store.create_case(make_case("ZORGLUBIEN", "Hortensia"), [new_image(6)])
        content = store.conn.execute("SELECT content FROM cases WHERE id=?", (gone,)).fetchone()[0]
        sealed_list = store.conn.execute("SELECT images_seal FROM cases WHERE id=?", (gone,)).fetchone()[0]
        assert bytes(content)[:64] in _on_disk(store)
        delete_draft(store, gone)
        held = _on_disk(store)  # (its id stays, in the audit log's « deleted » entry)
        assert bytes(content)[:64] not in held and bytes(sealed_list)[:64] not in held


def test_the_files_of_a_deleted_draft_are_written_over_before_they_go(teleavis_home: Path, tmp_path: Path) -> None:
    """Found from outside: a deleted draft's photos (or the face an anonymised copy replaced) were unlinked
    only: their sealed bytes stayed in the disk's free blocks, where a recovery tool finds them, and they
    open with the data key, which stays. Each file is written over with zeros before it goes (seen here
    through a second name of the same file, which keeps its blocks as the disk would)."""
    with Store.open(teleavis_home) as store:
        gone = store.create_case(make_case("ZORGLUBIEN", "Hortensia"), [new_image(6)])
        witnesses = []
        for path in files_of(store, gone):
            witness = HeldOpen(path)
            witnesses.append((witness, witness.stat().st_size))
        delete_draft(store, gone)
    assert witnesses
    for witness, size in witnesses:
        held = witness.read_bytes()
        assert len(held) == size and held.count(0) == size
