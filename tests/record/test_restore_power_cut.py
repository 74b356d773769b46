"""A restore cut by a power failure at each step of its swap: the next start finds the data whole,
either the restored data or the data it was replacing, never a new empty data directory.

Found from outside: killed between its two renames, a restore left no data directory; the next
command made a new one, empty (« Aucun dossier. »), and the cases, hidden beside it, were deleted a
day later. The kill here is a real SIGKILL of a child process at the step named."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.backup import write_backup
from app.store import Store
from tests.record.record_cases import PASSPHRASE, make_case

ROOT = Path(__file__).resolve().parents[2]

# The restore, killed at its step: after the journal is written, between the two renames, after them.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from app import swap
    from app.backup import restore_backup

    step, archive, home, passphrase = sys.argv[1:5]
    kill = lambda: os.kill(os.getpid(), signal.SIGKILL)
    real_rename, real_write = os.rename, swap.atomic_write_raw
    renames = []

    def rename(source, target, *args, **kwargs):
        real_rename(source, target, *args, **kwargs)
        renames.append(target)
        if (step == "between" and len(renames) == 1) or (step == "after" and len(renames) == 2):
            kill()

    def write(path, data):
        real_write(path, data)
        if step == "journal":
            kill()

    swap.os.rename = rename
    swap.atomic_write_raw = write
    restore_backup(Path(archive), Path(home), passphrase, force=True)
    print("not killed")
    """
)


@pytest.mark.parametrize(
    ("step", "restored"), [("journal", False), ("between", True), ("after", True)], ids=lambda v: str(v)
)
@pytest.mark.parametrize("logged_first", [False, True], ids=["opened", "logged-then-opened"])
def test_a_restore_cut_at_any_step_of_its_swap_leaves_the_data_whole(
    store: Store, tmp_path: Path, step: str, restored: bool, logged_first: bool
) -> None:
    kept = make_case(store, images=1)
    archive = tmp_path / "b.tvbak"
    write_backup(store, archive)
    later = make_case(store, "other", images=1)  # the data the restore replaces has one case more
    home = store.data_dir
    store.close()

    env = {**os.environ, "PYTHONPATH": str(ROOT), "TELEAVIS_HOME": str(home)}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, step, str(archive), str(home), PASSPHRASE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -9, child.stderr
    if logged_first:
        # A start logs before it opens the data: the log folder then stands where the data was.
        (home / "logs").mkdir(parents=True, exist_ok=True)
        (home / "logs" / "teleavis.log").write_text("started\n", encoding="utf-8")

    with Store.open(home) as back:
        cases = {c.id for c in back.list_cases()}
    assert cases == ({kept} if restored else {kept, later})
    assert not (home.parent / f".{home.name}.swap").exists()
    if logged_first:
        assert "started" in "".join(p.read_text(encoding="utf-8") for p in (home / "logs").glob("teleavis.log*"))


def test_the_doctor_and_a_change_of_passphrase_find_the_data_of_a_restore_cut_short(
    store: Store, tmp_path: Path
) -> None:
    """Found in review: they looked at the data folder before anything finished the swap, and said
    « no database yet » or « key missing » with the data intact beside it."""
    from app.commands.doctor import diagnose

    make_case(store, images=1)
    archive = tmp_path / "b.tvbak"
    write_backup(store, archive)
    home = store.data_dir
    store.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TELEAVIS_HOME": str(home)}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, "between", str(archive), str(home), PASSPHRASE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -9 and not home.exists()
    checks = diagnose(home, camera_probe=list, platform_probe=lambda _root: None)
    (database,) = [c for c in checks if c.name == "database"]
    assert database.status == "ok" and "1 dossier" in database.detail, database.detail


def test_a_folder_set_aside_is_never_deleted_when_it_holds_more_than_logs(tmp_path: Path) -> None:
    """Two starts finishing the same interrupted restore: what the second sets aside may be the data
    the first just put in place. It is kept, whatever happens."""
    from app.swap import _keep_logs

    shell, target = tmp_path / ".home.shell-1", tmp_path / "home"
    (shell / "logs").mkdir(parents=True)
    (shell / "key.json").write_text("{}", encoding="utf-8")
    target.mkdir()
    _keep_logs(shell, target)
    assert (shell / "key.json").exists()
