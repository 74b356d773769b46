"""Each test process (each xdist worker) keeps the app's per-user folders outside the data folder to
itself: a window started by one worker's test empties this user's private folders, and deleted the
decrypted file another worker's test had just written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app import private_files
from tests.support.cli import ROOT


def test_the_private_files_go_where_no_other_test_process_looks(tmp_path: Path) -> None:
    from tests.conftest import PROCESS_FOLDERS as mine

    # Every folder the app writes decrypted files to, or empties at a window's start, is this process's own.
    for base in private_files._bases():
        assert base.resolve().is_relative_to(mine.resolve()), base
    written = private_files.write_private("reponse.pdf", b"%PDF-1.4 in use")
    # Another test process (another worker) starting a window: it purges its own folders, not these.
    other = subprocess.run(
        [sys.executable, "-c", "import tests.conftest, app.private_files as p; print(p.purge_leftovers())"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert written.read_bytes() == b"%PDF-1.4 in use", other.stdout
    private_files.remove(written)
