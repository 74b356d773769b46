"""Runs inside a private mount namespace with a small tmpfs as the data directory: a photo's site typed in
the capture panel while the disk is full to its last byte, then the space freed. Prints a JSON report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

mount_point = sys.argv[1]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount_point], check=True)
os.environ["TELEAVIS_HOME"] = os.path.join(mount_point, "home")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

import capture.camera  # noqa: E402 - after TELEAVIS_HOME is set for this namespace
from app.store import Store  # noqa: E402
from tests.support.ui import complete_case  # noqa: E402

capture.camera.enumerate_cameras = lambda **_options: []  # the demo camera, whatever the machine has
app = QApplication([])

from ui.capture_panel import CapturePanel  # noqa: E402


def until(condition: Callable[[], bool], seconds: float = 30) -> bool:
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    return condition()


result: dict[str, object] = {}
with tempfile.TemporaryDirectory() as elsewhere, Store.open() as store:
    case_id = complete_case(store, Path(elsewhere))
    host = QWidget()
    host.resize(1200, 800)
    panel = CapturePanel(store, host)
    panel.resize(1200, 800)
    host.show()
    panel.set_case(store.get_case(case_id))
    image = store.get_case(case_id).images[0]
    panel.select_image(image.id)
    result["stored_before"] = image.body_site
    filler = os.path.join(mount_point, "filler")
    with open(filler, "wb", buffering=0) as handle:  # the disk full to its last byte
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass
    panel.labels.body_site.setText("talon droit")
    panel.labels.body_site.editingFinished.emit()  # as leaving the field (or Entrée) does
    until(lambda: "disque" in panel.status.text().lower())
    until(lambda: False, 0.2)  # whatever the refusal does next is done
    result["said"] = panel.status.text()
    result["field"] = panel.labels.body_site.text()
    result["tile"] = panel.tile(image.id).image.body_site
    result["retrying"] = panel.labels_retrying()
    result["stored_while_full"] = store.get_case(case_id).images[0].body_site
    os.remove(filler)  # the space freed; nothing more typed
    result["saved"] = until(lambda: store.get_case(case_id).images[0].body_site == "talon droit")
    result["retrying_after"] = until(lambda: not panel.labels_retrying())
    panel.stop_camera()
    until(lambda: panel.jobs.pending() == 0)
    host.close()
    result["integrity"] = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
print(json.dumps(result))
