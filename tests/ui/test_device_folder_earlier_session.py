"""Photos of an earlier session among the device folder's new images.

Found from outside (playing a nurse with a camera's SD card): the card still held the previous patient's
photos, taken days before; copied whole into the device folder once this patient's case was open, they
all arrived « new », came ticked in « Dossier de l'appareil » and were imported as this patient's with
one click. A photo carries no identity a DICOM has: its capture time is all there is. Among the new
images, one taken hours before the newest of them (the camera's own clock on both sides: a clock never
set does not matter) now comes unticked, its line saying when it was taken and why; a session of photos
taken together comes ticked as before, without a word.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image

from app import clock
from app.model import Patient
from ui.capture_folder import DeviceFolderDialog

PAUL = Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male")


def _photo(folder: Path, name: str, taken: str, shade: int) -> Path:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal, as a camera writes it
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (shade, 90, 60)).save(out, "JPEG", exif=exif.tobytes())
    path = folder / name
    path.write_bytes(out.getvalue())
    return path


def test_photos_taken_hours_before_the_others_come_unticked_and_said(qtbot: Any, tmp_path: Path) -> None:
    old = [_photo(tmp_path, f"IMG_00{n}.JPG", f"2015:01:0{n} 09:1{n}:00", 40 + n) for n in (1, 2)]
    new = [_photo(tmp_path, f"IMG_01{n}.JPG", f"2015:01:09 14:0{n}:00", 80 + n) for n in (1, 2, 3)]
    dialog = DeviceFolderDialog(tmp_path, ticked=set(old + new), patient=PAUL)
    qtbot.addWidget(dialog)
    assert sorted(dialog.chosen()) == sorted(new)
    lines = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    said = [line for line in lines if "avant" in line]
    assert len(said) == 2 and all("patient précédent" in line for line in said)
    assert any("01/01/2015" in line for line in said)


def test_a_session_of_photos_taken_together_comes_ticked_without_a_word(qtbot: Any, tmp_path: Path) -> None:
    new = [_photo(tmp_path, f"IMG_02{n}.JPG", f"2015:01:09 14:{n}0:00", 80 + n) for n in range(5)]
    undated = tmp_path / "scan.png"
    Image.new("RGB", (32, 32), (10, 20, 30)).save(undated)
    dialog = DeviceFolderDialog(tmp_path, ticked={*new, undated}, patient=PAUL)
    qtbot.addWidget(dialog)
    assert sorted(dialog.chosen()) == sorted([*new, undated])
    assert all("\n" not in dialog.list.item(i).text() for i in range(dialog.list.count()))


def test_a_phones_heic_is_dated_before_any_import_was_made(tmp_path: Path) -> None:
    """An iPhone's HEIC had no time until the window had imported a first image (the HEIF reader is
    registered by the import's own module): the first dialog of the day ticked a photo of the day before
    beside it. Run in a process of its own, where nothing was imported yet."""
    import shutil
    import subprocess
    import sys

    heic = tmp_path / "IMG_5195.HEIC"
    shutil.copyfile(Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras" / "IMG_5195.HEIC", heic)
    code = (
        "import pathlib, sys\n"
        "from ui.capture_folder import taken_at\n"
        "assert 'capture.importer' not in sys.modules\n"
        f"print(taken_at(pathlib.Path({str(heic)!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "2021-04-11 15:47:53"


def test_photos_all_taken_on_an_earlier_day_come_unticked_and_said(qtbot: Any, tmp_path: Path) -> None:
    """Found in review: the card held the previous patient's photos only (yesterday's, this patient's not
    taken yet, or taken with another device), copied whole once the case was open: the newest of them was
    the reference, itself yesterday's, and every one came ticked without a word. A photo taken on an
    earlier day than today, by a camera whose clock is set (its photos from the last weeks), comes unticked
    and said; one taken this morning (a home visit's, copied at the practice) comes ticked."""
    from datetime import timedelta

    yesterday = clock.now().replace(tzinfo=None) - timedelta(days=1)
    old = [_photo(tmp_path, f"IMG_03{n}.JPG", yesterday.strftime(f"%Y:%m:%d %H:%M:0{n}"), 40 + n) for n in (1, 2)]
    dialog = DeviceFolderDialog(tmp_path, ticked=set(old), patient=PAUL)
    qtbot.addWidget(dialog)
    assert dialog.chosen() == []
    lines = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert all("patient précédent" in line and yesterday.strftime("%d/%m/%Y") in line for line in lines)


def test_photos_taken_earlier_today_or_by_a_clock_never_set_come_ticked(qtbot: Any, tmp_path: Path) -> None:

    today = clock.now().replace(tzinfo=None).replace(hour=0, minute=5)
    morning = [_photo(tmp_path, f"IMG_04{n}.JPG", today.strftime(f"%Y:%m:%d %H:%M:0{n}"), 40 + n) for n in (1, 2)]
    unset = [_photo(tmp_path, f"IMG_05{n}.JPG", f"2000:01:01 00:0{n}:00", 60 + n) for n in (1, 2)]
    for photos in (morning, unset):
        dialog = DeviceFolderDialog(tmp_path, ticked=set(photos), patient=PAUL)
        qtbot.addWidget(dialog)
        assert sorted(dialog.chosen()) == sorted(photos)
