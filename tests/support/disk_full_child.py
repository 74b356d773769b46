"""Runs inside a private mount namespace with a tiny tmpfs as the data directory: imports cases
until the disk is full, then checks that every case stored before is intact. Prints a JSON report."""

from __future__ import annotations

import json
import os
import subprocess
import sys

mount_point, case_file = sys.argv[1], sys.argv[2]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount_point], check=True)
env = dict(os.environ, TELEAVIS_HOME=os.path.join(mount_point, "home"))
stored: list[str] = []
last = None
for _ in range(40):
    last = subprocess.run(
        [sys.executable, "-m", "app.main", "case", "import", case_file], capture_output=True, text=True, env=env
    )
    if last.returncode != 0:
        break
    stored.append(last.stdout.strip())
report = {"stored": stored, "code": last.returncode if last else None, "stderr": last.stderr if last else ""}

# Then the disk full to the last byte, Teleavis closed: what do reading and the doctor say?
filler = os.path.join(mount_point, "filler")
with open(filler, "wb", buffering=0) as handle:
    try:
        while True:
            handle.write(b"\0" * 4096)
    except OSError:
        pass
reading = (("list", ["case", "list"]), ("show", ["case", "show", stored[0]]), ("doctor", ["doctor", "--no-camera"]))
for name, command in reading:
    done = subprocess.run([sys.executable, "-m", "app.main", *command], capture_output=True, text=True, env=env)
    report[name] = {"code": done.returncode, "out": done.stdout + done.stderr}
os.remove(filler)
os.environ["TELEAVIS_HOME"] = env["TELEAVIS_HOME"]
from app.store import Store  # noqa: E402 - after TELEAVIS_HOME is set for this namespace

with Store.open() as store:
    report["integrity"] = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
    report["cases"] = sorted(row[0] for row in store.conn.execute("SELECT id FROM cases"))
    intact = []
    for case_id in stored:
        case = store.get_case(case_id)
        intact.append(all(len(store.image_bytes(i)) == i.size for i in case.images) and len(case.images) == 2)
    report["intact"] = intact
print(json.dumps(report))
