"""Ctrl+C once a command's change is made: the command finishes and says what it did.

Found by CI (stop 52): `backup FILE` interrupted a few milliseconds after its archive took its name said
« Interrompu. », exit 130, the archive whole under its name and no audit entry of it. The siblings, found then:
`case import` interrupted just after its case was committed said « Interrompu. » of a case made (imported again, a
second case for the expert), and its clean-up then removed the photos of the case it had just made; `restore` after
the swap said « Interrompu. » of data restored and left the replaced data under a hidden name that is removed a day
later instead of kept beside as ``<home>.avant-restauration-…``.

Each test sends the Ctrl+C itself, at the exact moment (right after the step that makes the change), which a
terminal's Ctrl+C reaches only by chance (tests/app/test_interrupted.py tries moments at random)."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import app.backup
import app.store
from app.backup import write_backup
from app.store import Store
from tests.record.record_cases import make_case
from tests.support.cases import example_case
from tests.support.cli import SITE, run_inprocess, write_json
from tests.support.images import jpeg_bytes, skin_photo

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGINT as a terminal sends it")


def _ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)


def _then_ctrl_c(function: Callable[..., Any], when: Callable[..., bool] = lambda *a, **k: True) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        if when(*args, **kwargs):
            _ctrl_c()
        return result

    return wrapped


def _audit_actions(home: Path) -> list[str]:
    with Store.open(home) as store:
        return [str(row[0]) for row in store.conn.execute("SELECT action FROM audit ORDER BY seq")]


def test_ctrl_c_once_the_backup_has_its_name_lets_it_finish(
    store: Store,
    teleavis_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_case(store, images=1)
    store.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    target = usb / "sauvegarde.tvbak"
    # (fsync_dir of the drive's folder comes right after the archive is renamed into place)
    monkeypatch.setattr(app.backup, "fsync_dir", _then_ctrl_c(app.backup.fsync_dir, lambda folder: folder == usb))
    done = run_inprocess(capsys, "backup", str(target))
    assert done.code == 0, done.err
    assert "Interrompu" not in done.err and str(target) in done.out
    assert target.stat().st_size > 0
    assert _audit_actions(teleavis_home)[-1] == "backup", "the backup made is in the audit trail"


def test_ctrl_c_once_the_case_is_committed_lets_the_import_finish(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    folder = tmp_path / "ex"
    folder.mkdir()
    for seed, name in enumerate(("dos-loin.jpg", "dos-proche.jpg")):
        (folder / name).write_bytes(jpeg_bytes(skin_photo(800, 600, seed=seed)))
    real = app.store.transaction

    @contextlib.contextmanager
    def then_ctrl_c(conn: sqlite3.Connection, *args: Any, **kwargs: Any) -> Iterator[sqlite3.Connection]:
        with real(conn, *args, **kwargs) as inside:
            yield inside
        if conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0]:
            _ctrl_c()

    monkeypatch.setattr(app.store, "transaction", then_ctrl_c)
    done = run_inprocess(capsys, "case", "import", str(example_case(folder)))
    monkeypatch.setattr(app.store, "transaction", real)
    assert done.code == 0, done.err
    assert "Interrompu" not in done.err
    case_id = done.out.strip().splitlines()[-1]
    with Store.open(teleavis_home) as store:
        case = store.get_case(case_id)
        assert len(case.images) == 2
        for image in case.images:  # its photos kept, not removed as an interrupted import's
            assert store.image_bytes(image)


def test_ctrl_c_once_the_restored_data_is_in_place_lets_the_restore_finish_and_keep_the_replaced_data(
    store: Store,
    teleavis_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = make_case(store, images=1)
    archive = tmp_path / "lundi.tvbak"
    write_backup(store, archive)
    later = make_case(store, "wound-care", images=1)
    store.close()
    monkeypatch.setattr(app.backup, "swap_in", _then_ctrl_c(app.backup.swap_in))
    done = run_inprocess(capsys, "restore", "--force", str(archive))
    assert done.code == 0, done.err
    assert "Interrompu" not in done.err
    kept = [p for p in teleavis_home.parent.iterdir() if p.name.startswith(f"{teleavis_home.name}.avant-restauration-")]
    assert len(kept) == 1, sorted(p.name for p in teleavis_home.parent.iterdir())
    with Store.open(kept[0]) as before:
        assert {c.id for c in before.list_cases()} == {first, later}


def test_ctrl_c_before_the_change_still_interrupts(
    store: Store,
    teleavis_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Held only from the change on: while the archive is still being written, Ctrl+C interrupts as before, and the
    next command is interrupted by it again (the command's end gives Ctrl+C back)."""
    make_case(store, images=1)
    store.close()
    target = tmp_path / "sauvegarde.tvbak"
    real = app.backup.backup_to
    monkeypatch.setattr(app.backup, "backup_to", _then_ctrl_c(real))
    stopped = run_inprocess(capsys, "backup", str(target))
    assert stopped.code == 130 and stopped.err.strip().splitlines()[-1] == "Interrompu.", stopped.err
    assert not target.exists()
    monkeypatch.setattr(app.backup, "backup_to", real)
    usb = tmp_path / "usb"
    usb.mkdir()
    assert run_inprocess(capsys, "backup", str(usb / "a.tvbak")).code == 0
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler, "Ctrl+C given back after the command"


def test_a_failure_after_the_commit_keeps_the_photos_the_committed_case_names(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clean-up of a failed write leaves the files a committed row names (whatever comes after the commit:
    a Ctrl+C in the window's own thread, an error in a caller's code run after it)."""
    real = app.store.transaction

    @contextlib.contextmanager
    def fails_after_commit(conn: sqlite3.Connection, *args: Any, **kwargs: Any) -> Iterator[sqlite3.Connection]:
        with real(conn, *args, **kwargs) as inside:
            yield inside
        raise RuntimeError("after the commit")

    monkeypatch.setattr(app.store, "transaction", fails_after_commit)
    with pytest.raises(RuntimeError):
        make_case(store, images=2)
    monkeypatch.setattr(app.store, "transaction", real)
    (made,) = store.list_cases()
    case = store.get_case(made.id)
    assert len(case.images) == 2
    assert all(store.image_bytes(image) for image in case.images)


def test_ctrl_c_met_as_the_import_comes_to_its_commit_leaves_no_photo_file(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: a Ctrl+C not yet handled when ``finish_from_here`` is called comes out of it (Python looks at
    the signals waiting before it changes a handler), and there ``create_case`` had written the photos' files but
    not yet entered the block that removes them on failure: « Interrompu. », no case, and its photos left
    encrypted on the disk, named by nothing, until the orphans' collection."""
    import app.interruption

    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    objects = teleavis_home / "objects"
    before = {p for p in objects.rglob("*") if p.is_file()}
    real = app.interruption.finish_from_here

    def ctrl_c_waiting() -> None:
        _ctrl_c()  # (raised here: as signal.signal raises it, within finish_from_here)
        real()

    monkeypatch.setattr(app.interruption, "finish_from_here", ctrl_c_waiting)
    done = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex")))
    monkeypatch.setattr(app.interruption, "finish_from_here", real)
    assert done.code == 130 and done.err.strip().splitlines()[-1] == "Interrompu.", done.err
    with Store.open(teleavis_home) as store:
        assert store.list_cases() == []
    assert {p for p in objects.rglob("*") if p.is_file()} == before, "the photos written for the case are removed"


def test_ctrl_c_once_the_new_passphrase_is_written_lets_the_change_finish(
    store: Store, teleavis_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review (a sibling of the three above): `passphrase change` interrupted just after key.json took the
    new wrapping said « Interrompu. » of a passphrase changed (the old one no longer opens the data), and left no
    audit entry of the change."""
    import app.keystore

    store.close()
    strong = "lampadaire cerise tonnerre 42"
    monkeypatch.setenv("TELEAVIS_NEW_PASSPHRASE", strong)
    monkeypatch.setattr(app.keystore.KeyStore, "_write", _then_ctrl_c(app.keystore.KeyStore._write))
    done = run_inprocess(capsys, "passphrase", "change")
    monkeypatch.undo()
    assert done.code == 0, done.err
    assert "Interrompu" not in done.err and "Phrase secrète changée" in done.err, done.err
    with Store.open(teleavis_home, passphrase=lambda _confirm: strong) as changed:
        row = changed.conn.execute("SELECT action, detail FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        assert tuple(row) == ("settings", "passphrase"), "the change is in the audit trail"
