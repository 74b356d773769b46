"""« Importer un fichier… »: a photo picked by hand that was taken on an earlier day is said.

Found from outside (playing a nurse with a camera's card opened in the file dialog): « Dossier de
l'appareil » says of a new photo taken on an earlier day than today, or hours before the others, that it
may be a previous patient's, left on the card; the same photo picked by hand in « Importer un fichier… »
went into the case without a word. It is imported still (the nurse chose it: no block), and the line under
the photos then says which one, when it was taken, and to check it is this patient's.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import Qt

from app import clock
from app.model import Case, Patient
from app.store import Store
from ui import file_dialogs
from ui.capture_panel import CapturePanel

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras"
JOB_MS = 20_000


@pytest.fixture
def store(teleavis_home: Path) -> Iterator[Store]:
    opened = Store.open(teleavis_home)
    yield opened
    opened.close()


def camera_photo(folder: Path, name: str, taken: datetime, source: str = "gps_DSCN0012.jpg") -> Path:
    """A real camera's photo (a Nikon's JPEG and its EXIF) with the capture time its clock wrote."""
    with Image.open(REAL / source) as image:
        exif = image.getexif()
        exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
        out = io.BytesIO()
        image.save(out, "JPEG", exif=exif.tobytes(), quality=92)
    path = folder / name
    path.write_bytes(out.getvalue())
    return path


def earlier_today(now: datetime, *, minutes: int) -> datetime:
    """``minutes`` before ``now``, but today: a few minutes after midnight, « 3 minutes ago » was yesterday
    23:59, an earlier day the import rightly speaks of (seen failing in a run that crossed midnight)."""
    return max(now - timedelta(minutes=minutes), now.replace(hour=0, minute=0, second=0))


def pick(qtbot: Any, panel: CapturePanel, store: Store, monkeypatch: pytest.MonkeyPatch, paths: list[Path]) -> Case:
    case = Case(specialty="dermatology", patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03"))
    store.create_case(case, [])
    shown = store.get_case(case.id)
    panel.set_case(shown)
    monkeypatch.setattr(file_dialogs, "_get_open_file_names", lambda *_a, **_o: ([str(p) for p in paths], ""))
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and len(shown.images) == len(paths), timeout=JOB_MS)
    return shown


def test_a_photo_picked_by_hand_taken_on_an_earlier_day_is_imported_and_said(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = clock.now().replace(tzinfo=None).replace(microsecond=0)
    yesterday = (now - timedelta(days=1)).replace(hour=16, minute=40)
    old = camera_photo(tmp_path, "DSCN0038.JPG", yesterday)
    new = camera_photo(tmp_path, "DSCN0041.JPG", earlier_today(now, minutes=3), "orientation_landscape_1.jpg")
    pick(qtbot, panel, store, monkeypatch, [old, new])
    line = panel.status.text()
    assert "DSCN0038.JPG" in line and "DSCN0041.JPG" not in line
    assert yesterday.strftime("%d/%m/%Y") in line and "16:40" in line
    assert "patient précédent" in line


def test_a_single_photo_picked_taken_on_an_earlier_day_is_said(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = clock.now().replace(tzinfo=None).replace(microsecond=0) - timedelta(days=3)
    pick(qtbot, panel, store, monkeypatch, [camera_photo(tmp_path, "DSCN0012.JPG", taken)])
    assert "DSCN0012.JPG" in panel.status.text() and "patient précédent" in panel.status.text()


def test_photos_taken_together_today_or_by_a_clock_never_set_are_imported_without_a_word(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = clock.now().replace(tzinfo=None).replace(microsecond=0)
    paths = [
        camera_photo(tmp_path, "DSCN0041.JPG", earlier_today(now, minutes=4)),
        camera_photo(tmp_path, "DSCN0042.JPG", earlier_today(now, minutes=2), "orientation_landscape_1.jpg"),
    ]
    pick(qtbot, panel, store, monkeypatch, paths)
    assert "⚠" not in panel.status.text() and "précédent" not in panel.status.text()
    panel.set_case(None)
    # A camera whose clock was never set (its photos dated years ago, together): nothing to say.
    never_set = [REAL / "gps_DSCN0012.jpg"]
    pick(qtbot, panel, store, monkeypatch, never_set)
    assert "⚠" not in panel.status.text() and "précédent" not in panel.status.text()
