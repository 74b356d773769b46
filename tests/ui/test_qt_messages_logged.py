"""Qt's own warnings quote a file's path (« QIODevice::read (QFile, "…"): device not open », « Unable to detect
a launcher for 'file:///…' »): printed on stderr, a session's journal kept them in clear, and the folder of a
photo or a report may bear the patient's name (leak40). The window sends them to the log instead, their quoted
words masked as an exception's, and stderr says nothing of them."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from app.store import Store
from tests.support.cli import ROOT
from tests.support.ui import REQUESTER

NAME = "MART" + "IN_Paul"

WARNING_WINDOW = """
import sys
from PySide6.QtCore import QFile, QTimer
from ui import application

made = application.make_application

def make(argv):
    app = made(argv)
    def read_unopened():  # Qt warns, quoting the file's path
        QFile(sys.argv[1]).read(1)
    QTimer.singleShot(0, read_unopened)
    QTimer.singleShot(500, app.quit)
    return app

application.make_application = make
sys.exit(application.run([]))
"""


def test_a_qt_warning_quoting_a_path_goes_masked_to_the_log_not_to_stderr(teleavis_home: Path, tmp_path: Path) -> None:
    with Store.open(teleavis_home) as store:  # set up: the window itself opens, not the wizard
        store.settings.set("site.requester", asdict(REQUESTER))
    photo = tmp_path / "Pictures" / NAME / "dos.jpg"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", WARNING_WINDOW, str(photo)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert NAME not in done.stderr, done.stderr
    text = (teleavis_home / "logs" / "teleavis.log").read_text("utf-8")
    assert "QIODevice::read (QFile, [masqué]): device not open" in text
    assert NAME not in text
