"""Retention (app/retention.py): archive after a while, purge after the legal period, never early."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app import audit, reply_drafts
from app.model import CaseState, utc_now
from app.retention import run_retention, years_before
from app.store import Store
from tests.record.record_cases import answer, make_case, move
from tests.support.cli import run_inprocess
from tests.support.clock import Clock
from tests.support.held_open import HeldOpen

T0 = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The store's and the audit's clock, moved by the test."""
    clock = Clock(T0)
    monkeypatch.setattr("app.store.utc_now", clock)
    monkeypatch.setattr("app.audit.utc_now", clock)
    return clock


def blob_files(store: Store, case_id: str) -> list[Path]:
    case = store.get_case(case_id)
    ids = [b for i in case.images for b in (i.blob, i.thumb_blob) if b]
    ans = store.answer(case_id)
    ids += ans.pdf_blobs if ans else []
    return [store.objects.root / b[:2] / b for b in ids]


def test_exactly_the_eligible_cases_are_archived_then_purged(store: Store, clock: Clock) -> None:
    read = make_case(store, images=2)
    answer(store, read)
    store.mark_read(read)
    unread = make_case(store, images=1)
    answer(store, unread)  # the answer was never opened: it stays in the worklist
    rejected = make_case(store, images=1)
    move(store, rejected, CaseState.READY)
    store.queue(rejected)
    move(store, rejected, CaseState.SENDING, CaseState.SENT)
    with store.conn:  # the outbox row goes when the case is sent
        store.conn.execute("DELETE FROM outbox WHERE case_id=?", (rejected,))
    move(store, rejected, CaseState.REJECTED)
    queued = make_case(store, images=1)
    move(store, queued, CaseState.READY)
    store.queue(queued)
    draft = make_case(store, images=1)
    waiting = make_case(store, images=1)
    move(store, waiting, CaseState.READY)
    store.queue(waiting)
    move(store, waiting, CaseState.SENDING, CaseState.SENT, CaseState.IN_PROGRESS)
    clock.now = T0 + timedelta(days=200)
    late = make_case(store, images=1)
    answer(store, late)
    store.mark_read(late)
    files = {case_id: blob_files(store, case_id) for case_id in (read, rejected, late)}
    assert all(f.exists() for paths in files.values() for f in paths)
    # A reply to the expert begun and never sent (app/reply_drafts.py) goes with its case, and only it.
    reply_drafts.save(store, read, "Depuis trois semaines.")
    reply_drafts.save(store, unread, "Stable.")

    first = run_retention(store, T0 + timedelta(days=90, minutes=1))
    assert sorted(first.archived) == sorted([read, rejected])
    assert first.purged == []
    assert store.state(read) == CaseState.ARCHIVED and store.state(unread) == CaseState.ANSWERED

    dry = run_retention(store, years_before(T0 + timedelta(days=1), -20), dry_run=True)
    assert (sorted(dry.purged), dry.archived) == (sorted([read, rejected]), [late])
    assert store.state(late) == CaseState.ANSWERED and len(store.list_cases()) == 7

    purge = run_retention(store, years_before(T0 + timedelta(days=1), -20))
    assert sorted(purge.purged) == sorted([read, rejected])
    assert purge.archived == [late]  # closed 200 days later: archived, its period still runs
    remaining = {c.id for c in store.list_cases()}
    assert remaining == {unread, queued, draft, waiting, late}
    assert not any(f.exists() for case_id in (read, rejected) for f in files[case_id])
    assert all(f.exists() for f in files[late])
    assert purge.blobs_removed == len(files[read]) + len(files[rejected])
    for table in ("images", "case_events", "outbox", "messages", "search_tokens"):
        rows = store.conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE case_id IN (?, ?)",  # noqa: S608
            (read, rejected),
        ).fetchone()[0]
        assert rows == 0, table
    assert reply_drafts.load(store, read) == "" and reply_drafts.load(store, unread) == "Stable."
    purged = store.conn.execute("SELECT case_id, detail FROM audit WHERE action='purged' ORDER BY seq").fetchall()
    assert sorted(r[0] for r in purged) == sorted([read, rejected])
    assert audit.verify(store.conn, store.key).ok

    much_later = run_retention(store, T0 + timedelta(days=365 * 200))
    assert much_later.purged == [late]
    assert {c.id for c in store.list_cases()} == {unread, queued, draft, waiting}


def test_a_queued_case_is_never_purged(store: Store, clock: Clock) -> None:
    case_id = make_case(store, images=1)
    answer(store, case_id)
    store.mark_read(case_id)
    # The expert reopened it and a message to send is queued again: it is in the outbox.
    with store.conn:
        store.conn.execute(
            "INSERT INTO outbox(case_id, queued_at, next_attempt_at) VALUES (?,?,?)",
            (case_id, T0.isoformat(), T0.isoformat()),
        )
    result = run_retention(store, T0 + timedelta(days=365 * 50))
    assert (result.archived, result.purged) == ([], [])
    assert store.state(case_id) == CaseState.ANSWERED


def test_zero_turns_a_step_off(store: Store, clock: Clock) -> None:
    case_id = make_case(store, images=1)
    answer(store, case_id)
    store.mark_read(case_id)
    store.settings.set("retention.purge_years", 0)
    assert run_retention(store, T0 + timedelta(days=365 * 50)).archived == [case_id]
    assert store.state(case_id) == CaseState.ARCHIVED
    store.settings.set("retention.archive_days", 0)
    store.settings.set("retention.purge_years", 20)
    assert run_retention(store, T0 + timedelta(days=365 * 50)).purged == [case_id]


def test_the_legal_period_counts_calendar_years() -> None:
    assert years_before(datetime(2046, 2, 28, tzinfo=UTC), 20) == datetime(2026, 2, 28, tzinfo=UTC)
    assert years_before(datetime(2048, 2, 29, tzinfo=UTC), 20) == datetime(2028, 2, 29, tzinfo=UTC)
    assert years_before(datetime(2048, 2, 29, tzinfo=UTC), 21) == datetime(2027, 2, 28, tzinfo=UTC)


def test_cli_dry_run_lists_then_run_archives(store: Store, clock: Clock, capsys: pytest.CaptureFixture[str]) -> None:
    clock.now = utc_now() - timedelta(days=100)
    case_id = make_case(store, images=1)
    answer(store, case_id)
    store.mark_read(case_id)
    store.close()
    clock.now = utc_now()

    dry = run_inprocess(capsys, "retention", "run", "--dry-run")
    assert dry.code == 0
    assert dry.out.splitlines() == [f"archived {case_id}"]
    assert "Simulation : 1 dossier serait archivé, 0 purgé." in dry.err
    with Store.open(store.data_dir) as reopened:
        assert reopened.state(case_id) == CaseState.ANSWERED

    done = run_inprocess(capsys, "retention", "run")
    assert done.code == 0 and done.out.splitlines() == [f"archived {case_id}"]
    with Store.open(store.data_dir) as reopened:
        assert reopened.state(case_id) == CaseState.ARCHIVED


def test_a_case_amended_while_retention_runs_is_not_archived(
    store: Store, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: the candidates were read first and each archived later without looking
    again: an answer amended in between (the sync, on its own connection) was archived unread, out
    of the list's view and no longer followed."""
    import app.retention as retention

    case_id = make_case(store, images=1)
    answer(store, case_id)
    store.mark_read(case_id)
    clock.now = T0 + timedelta(days=200)
    listed = retention._candidates

    def amended_meanwhile(opened: Store) -> list[object]:
        candidates = listed(opened)
        with opened.conn:  # what the sync's amended answer writes
            opened.conn.execute("UPDATE cases SET unread=1 WHERE id=?", (case_id,))
        return candidates  # type: ignore[return-value]

    monkeypatch.setattr(retention, "_candidates", amended_meanwhile)
    result = run_retention(store)
    assert case_id not in result.archived and store.state(case_id) == CaseState.ANSWERED


def test_the_files_of_a_purge_cut_after_its_commit_go_at_the_next_run(
    store: Store, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: killed after its commit, a purge left the patient's photos on disk for good
    (encrypted, but the key is there): ``collect_orphans`` was promised and never called."""
    import os

    from app import blobs

    case_id = make_case(store, images=2)
    answer(store, case_id)
    store.mark_read(case_id)
    files = blob_files(store, case_id)
    other = make_case(store, images=1)
    kept = blob_files(store, other)
    monkeypatch.setattr(blobs.ObjectStore, "delete", lambda self, blob: None)  # cut after the commit
    assert run_retention(store, years_before(T0 + timedelta(days=91), -20)).purged == [case_id]
    assert all(f.exists() for f in files)
    monkeypatch.undo()
    monkeypatch.setattr("app.store.utc_now", clock)

    run_retention(store, years_before(T0 + timedelta(days=92), -20))  # written just now: never taken
    assert all(f.exists() for f in files)
    for path in [*files, *kept]:  # old enough, the case's files as the purged one's
        os.utime(path, (path.stat().st_atime - 7200, path.stat().st_mtime - 7200))
    later = run_retention(store, years_before(T0 + timedelta(days=93), -20))
    assert later.orphans_removed == len(files)
    assert not any(f.exists() for f in files) and all(f.exists() for f in kept)
    assert store.get_case(other).images and store.image_bytes(store.get_case(other).images[0])


def test_a_run_stands_when_the_files_of_no_case_cannot_be_looked_for(
    store: Store, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: an altered answer (or a file that resists) made every retention run fail after
    its purges had committed."""
    from app.errors import DataAltered

    case_id = make_case(store, images=1)
    answer(store, case_id)
    store.mark_read(case_id)

    def altered() -> int:
        raise DataAltered("altérée")

    monkeypatch.setattr(store, "collect_orphans", altered)
    assert run_retention(store, years_before(T0 + timedelta(days=91), -20)).purged == [case_id]


def test_a_purged_case_leaves_nothing_of_itself_in_the_database_files(store: Store, clock: Clock) -> None:
    """Found from outside: a case purged after its legal period was gone from the tables, but its rows
    (the sealed identity, question and answer) stayed whole in the WAL's earlier frames and in the main
    file until SQLite's next checkpoint: recoverable with the data key, years after it had to go."""
    gone = make_case(store, images=1)
    answer(store, gone)
    store.mark_read(gone)
    sealed = [
        bytes(value)[:64]
        for value in store.conn.execute("SELECT content, answer, images_seal FROM cases WHERE id=?", (gone,)).fetchone()
    ]
    on_disk = lambda: b"".join(p.read_bytes() for p in sorted(store.data_dir.glob("teleavis.db*")) if p.is_file())  # noqa: E731
    assert all(value in on_disk() for value in sealed)
    run_retention(store, T0 + timedelta(days=90, minutes=1))
    assert run_retention(store, years_before(T0 + timedelta(days=1), -20)).purged == [gone]
    held = on_disk()
    assert [value for value in sealed if value in held] == []


def test_the_snapshots_a_purge_removes_are_written_over(store: Store, clock: Clock, tmp_path: Path) -> None:
    """Found from outside: a purge removes the pre-migration snapshots at once, as they keep the purged cases,
    but unlinked only: their blocks stayed free on the disk, whole, and open with the data key."""
    gone = make_case(store, images=1)
    answer(store, gone)
    store.mark_read(gone)
    snapshot = store.data_dir / "teleavis.db.v24-20260115T100000000000-abcdef.bak"
    snapshot.write_bytes(b"TVS1" + b"sealed pages of the cases" * 100)
    witness = HeldOpen(snapshot)
    size = witness.stat().st_size
    run_retention(store, T0 + timedelta(days=90, minutes=1))
    assert run_retention(store, years_before(T0 + timedelta(days=1), -20)).purged == [gone]
    assert not snapshot.exists()
    assert witness.read_bytes() == bytes(size)


def test_a_reply_abandoned_goes_when_its_case_is_archived_its_photos_written_over(store: Store, clock: Clock) -> None:
    """A reply begun and never sent, the case answered and closed since, can no longer leave: its words
    and the photos joined to it (app/reply_drafts.py) go when the case is archived, not 20 years later."""
    from tests.app.test_store import new_image

    case_id = make_case(store, images=1)
    answer(store, case_id)
    store.mark_read(case_id)
    photo = new_image(7)
    store.write_files(photo)
    reply_drafts.save(store, case_id, "Depuis trois semaines.")
    reply_drafts.save_photos(store, case_id, [("dos.jpg", photo)])
    paths = [store.objects.root / b[:2] / b for b in (photo.record.blob, photo.record.thumb_blob) if b]
    witnesses = [(HeldOpen(path), path.stat().st_size) for path in paths]
    assert run_retention(store, T0 + timedelta(days=90, minutes=1)).archived == [case_id]
    assert reply_drafts.load(store, case_id) == "" and reply_drafts.load_photos(store, case_id) == []
    assert not any(path.exists() for path in paths)
    assert all(witness.read_bytes() == bytes(size) for witness, size in witnesses)
    assert all(path.exists() for path in blob_files(store, case_id)), "the case's own photos stay"
