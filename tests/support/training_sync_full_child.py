"""Runs inside a private mount namespace with a small tmpfs as the data folder: ``teleavis sync --once`` in
training mode (the training platform runs inside the command and keeps its copy in the data folder) meets a
full disk while a case's photos are leaving. Every step is the real command, as a process. Prints a JSON
report: whether ``sync --once`` ended by itself, its exit code, and what it said."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

mount_point = sys.argv[1]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount_point], check=True)
home = os.path.join(mount_point, "home")
ENV = {"TELEAVIS_HOME": home, "TELEAVIS_PASSPHRASE": "cheval agrafe batterie correcte"}

from tests.support.cases import example_case  # noqa: E402
from tests.support.cli import SITE, run_process, write_json  # noqa: E402


def teleavis(*args: str) -> str:
    done = run_process(*args, env=ENV)
    assert done.code == 0, (args, done.err)
    return done.out.strip()


with tempfile.TemporaryDirectory() as elsewhere:
    teleavis("init", "--site", str(write_json(Path(elsewhere) / "site.json", SITE)))
    teleavis("config", "set", "training", "on")
    teleavis("config", "set", "sandbox.answer_after_s", "3600")
    case_id = teleavis("case", "import", str(example_case(Path(elsewhere) / "case")))
    teleavis("case", "send", case_id)
objects = sum(f.stat().st_size for f in Path(home, "objects").rglob("*") if f.is_file())
# The disk filled but for a third of the photos: the training platform's copy of them fills it while they leave.
stat = os.statvfs(mount_point)
with open(os.path.join(mount_point, "filler"), "wb") as handle:
    handle.write(b"\0" * (stat.f_bavail * stat.f_frsize - objects // 3))
report: dict[str, object] = {"objects": objects}
try:
    done = run_process("sync", "--once", env=ENV, timeout=200)
    report.update(ended=True, code=done.code, err=done.err)
except subprocess.TimeoutExpired as exc:
    report.update(ended=False, code=None, err=(exc.stderr or b"").decode("utf-8", "replace"))
print(json.dumps(report))
