"""The window paints on its own thread (issue 18.1): Qt's raster painting handed the rows of each tall
fill to a pool of threads and waited for them, and on a busy 2-core machine the first paint of a case's
page took 3.6-10 ms instead of 2.6."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A fresh process: Qt decides at its first paint whether it paints with its pool, once for all.
CHILD = """
import os
import ui  # the window's package, imported before anything is painted, as the window does

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QGroupBox, QScrollBar, QVBoxLayout

app = QApplication([])
before = len(os.listdir("/proc/self/task"))
box = QGroupBox("Patient")
bar = QScrollBar(Qt.Orientation.Vertical)
bar.setRange(0, 1000)
QVBoxLayout(box).addWidget(bar)
box.resize(360, 620)
box.show()
for _ in range(10):
    box.repaint()
    app.processEvents()
print(len(os.listdir("/proc/self/task")) - before)
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads counted in /proc")
def test_painting_the_window_starts_no_thread() -> None:
    env = {key: value for key, value in os.environ.items() if key != "QT_NO_GUI_THREADPOOL"}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "0", done.stdout + done.stderr
