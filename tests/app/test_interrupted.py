"""Ctrl+C (SIGINT) in a command says « Interrompu. » and exits 130, as a shell expects of an interrupted
program, and leaves nothing half-written.

Found from outside: Ctrl+C in `sync --once` on a slow network, `backup` or `case import` said « Teleavis:
internal error (KeyboardInterrupt) » with a whole traceback on stderr when it came while the command was
starting (its modules loading), and otherwise « Interrompu. » with exit 1, the code of a failure. Each run
below is interrupted at another moment; whatever the moment, the command either finished or was interrupted,
never an internal error, and what it was writing is whole or gone.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.support.cases import example_case
from tests.support.cli import ROOT, SITE, run_process, write_json
from tests.support.images import jpeg_bytes, skin_photo

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGINT as a terminal sends it")

#: After the program's code holds Ctrl+C: from its first instants (its modules loading) to well into its work.
DELAYS = (0.0, 0.15, 0.3, 0.6, 1.0, 1.5, 2.5)


def _interrupt(args: list[str], delay: float) -> tuple[int, str]:
    """``teleavis ARGS`` as a terminal runs it (SIGINT at its default), Ctrl+C after ``delay`` seconds."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.main", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    _until_ours(proc.pid)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    return proc.returncode, err


def _until_ours(pid: int) -> None:
    """Until the program's own code holds Ctrl+C (``app.main``'s first lines): before them, in Python's own start,
    Python's default is all there is, as for any Python program (a loaded host may take long to get there)."""
    status = Path(f"/proc/{pid}/status")
    deadline = time.monotonic() + 10
    while status.exists() and time.monotonic() < deadline:
        try:
            blocked = next(line for line in status.read_text().splitlines() if line.startswith("SigBlk:"))
        except (OSError, StopIteration):
            return
        if int(blocked.split()[1], 16) & (1 << (signal.SIGINT - 1)):
            return
        time.sleep(0.001)


def _said_interrupted(code: int, err: str) -> bool:
    """Whether the run was interrupted, checking that it said so plainly; False when it finished."""
    assert "internal" not in err.lower() and "interne" not in err.lower(), err[-3000:]
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-3000:]
    if code == 0:
        return False
    # 130, or ended by SIGINT itself (which a shell reports as 130 too): Python 3.11 ends so when the interruption
    # came while a library ran Python code from C, even though ours caught it and said so.
    assert code in (130, -signal.SIGINT), (code, err[-3000:])
    assert err.strip().splitlines()[-1] == "Interrompu.", err[-3000:]
    return True


def test_ctrl_c_in_sync_on_a_slow_network_says_interrupted(teleavis_home: Path, tmp_path: Path) -> None:
    assert run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    case_id = run_process("case", "import", str(example_case(tmp_path / "ex"))).out.strip()
    silent = socket.socket()  # a platform that takes the connection and never answers: a slow network
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        silent.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(silent.accept()[0])
            except TimeoutError:
                continue

    taker = threading.Thread(target=accept, daemon=True)
    taker.start()
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/fhir"
        assert run_process("config", "set", "platform.url", url).code == 0
        assert run_process("config", "set", "platform.token", "-", input="jeton\n").code == 0
        assert run_process("case", "send", case_id).code == 0
        interrupted = [_said_interrupted(*_interrupt(["sync", "--once"], delay)) for delay in DELAYS]
    finally:
        stop.set()
        taker.join()
        for conn in held:
            conn.close()
        silent.close()
    assert all(interrupted), "sync --once waits on the silent platform: each run is interrupted"


def test_ctrl_c_in_case_import_leaves_no_half_made_case(teleavis_home: Path, tmp_path: Path) -> None:
    assert run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    folder = tmp_path / "ex"
    folder.mkdir()
    for seed, name in enumerate(("dos-loin.jpg", "dos-proche.jpg")):  # large photos: a long import
        (folder / name).write_bytes(jpeg_bytes(skin_photo(5000, 3750, seed=seed)))
    case_file = example_case(folder)
    outcomes = [_said_interrupted(*_interrupt(["case", "import", str(case_file)], delay)) for delay in DELAYS]
    assert any(outcomes), "at least one run is interrupted mid-way"
    listed = run_process("case", "list", "--json")
    assert listed.code == 0, listed.err
    cases = listed.json()
    assert len(cases) == outcomes.count(False), "each finished import made one case, an interrupted one none"
    assert all(case["images"] == 2 for case in cases)
    objects = teleavis_home / "objects"
    files = [p for p in objects.rglob("*") if p.is_file()] if objects.exists() else []
    assert len(files) == 4 * len(cases), "no photo of an interrupted import is left in the data folder"


def test_ctrl_c_in_backup_leaves_no_partial_file(teleavis_home: Path, tmp_path: Path) -> None:
    assert run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    folder = tmp_path / "ex"
    folder.mkdir()
    for seed, name in enumerate(("dos-loin.jpg", "dos-proche.jpg")):
        (folder / name).write_bytes(jpeg_bytes(skin_photo(5000, 3750, seed=seed)))
    assert run_process("case", "import", str(example_case(folder))).code == 0
    usb = tmp_path / "usb"
    usb.mkdir()
    for n, delay in enumerate(DELAYS):
        target = usb / f"sauvegarde-{n}.tvbak"
        if _said_interrupted(*_interrupt(["backup", str(target)], delay)):
            assert not target.exists(), "an interrupted backup leaves no file under its name"
        else:
            assert target.stat().st_size > 0
        assert not [p.name for p in usb.iterdir() if p.name.startswith(".")], "no partial file is left"
        assert not list(teleavis_home.glob(".backup-*")), "no copy of the database is left"
