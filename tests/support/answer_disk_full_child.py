"""Runs inside a private mount namespace with a small tmpfs as the data directory: a case sent, then the
disk filled but for a little, and the expert's answer (a PDF larger than what is left) polled; then the
space freed and polled again. Prints a JSON report."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

mount_point = sys.argv[1]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mount_point], check=True)
os.environ["TELEAVIS_HOME"] = os.path.join(mount_point, "home")

from app.errors import StorageError  # noqa: E402 - after TELEAVIS_HOME is set for this namespace
from app.model import CaseState  # noqa: E402
from app.store import Store  # noqa: E402
from tests.support.scripted_platform import PDF, following, report, scripted_platform, send_to_sandbox, task  # noqa: E402
from tests.sync.sync_helpers import setup_site  # noqa: E402

big = PDF + b"%" + b"x" * (2 * 1024 * 1024) + b"\n"
result: dict[str, object] = {}
with tempfile.TemporaryDirectory() as elsewhere, Store.open() as store:
    setup_site(store)
    [(case_id, task_id)] = send_to_sandbox(store, Path(elsewhere) / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r",))
        platform.reports["r"] = report("r", "Naevus bénin, surveillance.", pdf="b")
        platform.reports["r"]["presentedForm"][0].update(
            size=len(big),
            hash=base64.b64encode(hashlib.sha1(big).digest()).decode(),  # noqa: S324
        )
        platform.binaries["b"] = big
        filler = os.path.join(mount_point, "filler")
        with open(filler, "wb", buffering=0) as handle:  # the disk full but for about 1 MB
            try:
                while True:
                    handle.write(b"\0" * 65536)
            except OSError:
                pass
            handle.truncate(handle.tell() - 1024 * 1024)
        with following(store, platform) as engine:
            for _ in range(2):  # the window's sync starts again after its pause, the disk still full
                try:
                    engine.run_once()
                    result["words"] = None
                except StorageError as exc:
                    result["words"] = exc.message
            result["downloads_while_full"] = platform.requests.count("/fhir/Binary/b")
            result["state"] = store.state(case_id).value
            result["answer"] = store.answer(case_id) is not None
            os.remove(filler)  # the space freed
            result["answered"] = engine.run_once().answered == [case_id]
        answer = store.answer(case_id)
        result["whole"] = answer is not None and [store.objects.get(b) for b in answer.pdf_blobs] == [big]
        result["now"] = store.state(case_id) == CaseState.ANSWERED
    result["integrity"] = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
print(json.dumps(result))
