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
