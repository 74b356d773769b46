"""A restore that replaces newer data keeps that data beside, and says where.

Found in review: ``teleavis restore --force`` (or « o » to its question) removed the data it replaced for good, the
cases made since the backup with it, and said nothing of them: a technician restoring the wrong day's backup lost a
week of cases, no way back. The replaced folder is now kept beside the data folder, as it was (encrypted the same,
private), and stderr says where and how to put it back."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from app.backup import write_backup
from app.store import Store
from tests.record.record_cases import make_case
from tests.support.cli import run_inprocess


def _kept(home: Path) -> list[Path]:
    return sorted(p for p in home.parent.iterdir() if p.name.startswith(f"{home.name}.avant-restauration-"))


def test_a_forced_restore_keeps_the_newer_data_it_replaced_and_says_where(
    store: Store, teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = make_case(store, images=1)
    archive = tmp_path / "lundi.tvbak"
    write_backup(store, archive)
    later = make_case(store, "wound-care", images=1)
    store.close()

    forced = run_inprocess(capsys, "restore", "--force", str(archive))
    assert forced.code == 0, forced.err
    kept = _kept(teleavis_home)
    assert len(kept) == 1, kept
    assert stat.S_IMODE(os.stat(kept[0]).st_mode) == 0o700
    assert str(kept[0]) in forced.err and "1 dossier" in forced.err, forced.err
    assert "renomm" in forced.err, forced.err  # how to get it back
    # As it was: the newer case is there, opened with the same key (encrypted the same).
    with Store.open(kept[0]) as before:
        assert {c.id for c in before.list_cases()} == {first, later}
    with Store.open(teleavis_home) as restored:
        assert [c.id for c in restored.list_cases()] == [first]


def test_a_restore_replacing_nothing_newer_keeps_no_copy(
    store: Store, teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_case(store, images=1)
    archive = tmp_path / "lundi.tvbak"
    write_backup(store, archive)
    store.close()
    done = run_inprocess(capsys, "restore", str(archive))
    assert done.code == 0, done.err
    assert _kept(teleavis_home) == [] and "avant-restauration" not in done.err, done.err


class _PowerCut(BaseException):
    """The process stops here: nothing after it runs (no clean-up a Python exception would run is relied on)."""


def test_a_power_cut_just_after_the_swap_leaves_the_replaced_data_kept_not_hidden(
    store: Store, teleavis_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review (noted last session): the replaced folder went aside under a hidden name, renamed to its kept
    name only after the swap; a power cut in between left it hidden, and the next start's clean-up removed it a day
    later with the newer cases it held. It goes aside under its kept name by the swap's own rename now."""
    from app import backup
    from app.backup import restore_backup
    from app.store import remove_leftovers

    first = make_case(store, images=1)
    archive = tmp_path / "lundi.tvbak"
    write_backup(store, archive)
    later = make_case(store, "wound-care", images=1)
    store.close()
    real = backup.swap_in

    def cut_after(*args: object) -> object:
        real(*args)  # type: ignore[arg-type]
        raise _PowerCut

    monkeypatch.setattr(backup, "swap_in", cut_after)
    with pytest.raises(_PowerCut):
        restore_backup(archive, teleavis_home, "cheval correct agrafe pile", force=True)
    a_day_ago = time.time() - 2 * 86400
    for entry in teleavis_home.parent.iterdir():
        os.utime(entry, (a_day_ago, a_day_ago))
    remove_leftovers(teleavis_home)
    kept = _kept(teleavis_home)
    assert len(kept) == 1, sorted(p.name for p in teleavis_home.parent.iterdir())
    with Store.open(kept[0]) as before:
        assert {c.id for c in before.list_cases()} == {first, later}
    with Store.open(teleavis_home) as restored:
        assert [c.id for c in restored.list_cases()] == [first]
