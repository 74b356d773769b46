"""Runs inside a private mount namespace: a tiny tmpfs is the backup folder (a USB drive filling up);
``teleavis backup FOLDER/`` runs until the drive is full. Prints a JSON report: the files there before the
failing backup (with their bytes' digests) and after it, and what the failing run said."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

mount_point = sys.argv[1]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount_point], check=True)


def listing() -> dict[str, str]:
    return {
        name: hashlib.sha256(open(os.path.join(mount_point, name), "rb").read()).hexdigest()
        for name in sorted(os.listdir(mount_point))
    }


before: dict[str, str] = {}
last = None
for _ in range(40):
    before = listing()
    last = subprocess.run(
        [sys.executable, "-m", "app.main", "backup", mount_point + "/"], capture_output=True, text=True
    )
    if last.returncode != 0:
        break
report = {
    "before": before,
    "after": listing(),
    "code": last.returncode if last else None,
    "stderr": last.stderr if last else "",
}
print(json.dumps(report))
