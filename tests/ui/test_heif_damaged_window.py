"""The device folder's list, opened on a folder holding a damaged HEIC, crashed the whole window (found in review:
libheif's segmentation fault, as the list read the photo's date). Run in a process of its own, so that a crash is a
failed test, not a dead test run: the list is shown, the damaged photo undated, the good one dated."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REAL_HEIC = ROOT / "tests" / "fixtures" / "real-cameras" / "IMG_5195.HEIC"


def test_the_device_folder_list_opens_on_a_damaged_heic(tmp_path: Path) -> None:
    data = bytearray(REAL_HEIC.read_bytes())
    data[1086] = 0xAA  # libheif 1.19 (pi-heif 1.4.0) dies on it
    (tmp_path / "IMG_5196.HEIC").write_bytes(bytes(data))
    (tmp_path / "IMG_5195.HEIC").write_bytes(REAL_HEIC.read_bytes())
    code = (
        "import pathlib\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from app.model import Patient\n"
        "from ui.capture_folder import DeviceFolderDialog\n"
        "app = QApplication([])\n"
        f"folder = pathlib.Path({str(tmp_path)!r})\n"
        "paul = Patient(family='MARTIN', given=['Paul'], birth_date='1950-02-03', sex='male')\n"
        "dialog = DeviceFolderDialog(folder, ticked=set(folder.iterdir()), patient=paul)\n"
        "print('ROWS', dialog.list.count())\n"
        "for i in range(dialog.list.count()):\n"
        "    print('ROW', dialog.list.item(i).text().replace('\\n', ' | '))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", LANG="fr_FR.UTF-8"),
        timeout=300,
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert "ROWS 2" in done.stdout, done.stdout
