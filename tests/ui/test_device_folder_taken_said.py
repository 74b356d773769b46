"""The device folder's list says when a photo was taken, not only when its file was written.

Found from outside (a prison health unit's nurse, training mode, real camera files): the camera's card was
copied into the device folder before the case was opened. « Dossier de l'appareil » listed each photo with
its file's time, the copy's: « tests_45-gps_ifd.jpg — 07/12/2026 03:17 » for a photo its camera took in
2015, and the same minute for all four. Nothing was ticked (they were there before the case), and nothing
told the nurse that those « most recent » photos were years old, perhaps a previous patient's: she ticks
them by that date. A photo whose camera wrote a capture time on another day than its file's now says both
(« fichier du …, photo prise le … »); one taken the day its file was written reads as before.
"""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image

from app import clock
from app.model import Patient
from ui.capture_folder import DeviceFolderDialog

PAUL = Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03", sex="male")


def _photo(folder: Path, name: str, taken: str, written: datetime) -> Path:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal, as a camera writes it
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 90, 60)).save(out, "JPEG", exif=exif.tobytes())
    path = folder / name
    path.write_bytes(out.getvalue())
    stamp = written.timestamp()
    os.utime(path, (stamp, stamp))  # the copy's time, as a card copied without its dates leaves it
    return path


def _lines(qtbot: Any, dialog: DeviceFolderDialog) -> dict[str, str]:
    qtbot.waitUntil(lambda: not dialog.reading(), timeout=10_000)
    return {dialog.list.item(i).text().split(" — ")[0]: dialog.list.item(i).text() for i in range(dialog.list.count())}


def test_a_photo_copied_today_but_taken_years_ago_says_when_it_was_taken(qtbot: Any, tmp_path: Path) -> None:
    copied = clock.now().replace(tzinfo=None).replace(second=0, microsecond=0)
    _photo(tmp_path, "IMG_0001.JPG", "2015:02:09 22:48:00", copied)
    dialog = DeviceFolderDialog(tmp_path, ticked=set(), patient=PAUL)  # there before the case: not ticked
    qtbot.addWidget(dialog)
    line = _lines(qtbot, dialog)["IMG_0001.JPG"]
    assert "09/02/2015 22:48" in line
    assert copied.strftime("%d/%m/%Y %H:%M") in line  # the file's time is still there, the list's order
    assert "prise le 09/02/2015" in line and "fichier du" in line
    assert dialog.chosen() == []


def test_a_photo_taken_the_day_its_file_was_written_reads_as_before(qtbot: Any, tmp_path: Path) -> None:
    written = clock.now().replace(tzinfo=None).replace(hour=9, minute=30, second=0, microsecond=0)
    _photo(tmp_path, "IMG_0002.JPG", written.strftime("%Y:%m:%d 09:29:40"), written)
    undated = tmp_path / "scan.png"
    Image.new("RGB", (32, 32), (10, 20, 30)).save(undated)
    dialog = DeviceFolderDialog(tmp_path, ticked=set(), patient=PAUL)
    qtbot.addWidget(dialog)
    lines = _lines(qtbot, dialog)
    assert lines["IMG_0002.JPG"] == f"IMG_0002.JPG — {written:%d/%m/%Y %H:%M}"
    assert "prise le" not in lines["scan.png"]


def test_the_line_reads_in_english(qtbot: Any, qapp: Any, tmp_path: Path) -> None:
    """Found in review: the English line read « file of 2026-12-07 03:56, photo taken on … (the device's clock) »."""
    from ui.application import install_language

    copied = clock.now().replace(tzinfo=None).replace(second=0, microsecond=0)
    _photo(tmp_path, "IMG_0003.JPG", "2001:04:06 11:51:40", copied)
    install_language(qapp, "en")
    try:
        dialog = DeviceFolderDialog(tmp_path, ticked=set(), patient=PAUL)
        qtbot.addWidget(dialog)
        line = _lines(qtbot, dialog)["IMG_0003.JPG"]
    finally:
        install_language(qapp, "fr")
    assert line == (
        f"IMG_0003.JPG — file dated {copied:%Y-%m-%d %H:%M}, photo taken on 2001-04-06 11:51 (by the device's clock)"
    ), line


def test_a_new_photo_whose_camera_says_years_ago_says_it_too(qtbot: Any, tmp_path: Path) -> None:
    """Found in review: a card copied while the case was open brings its photos as new ones, ticked. One taken
    years ago is not held back (its camera's clock may never have been set: ``CLOCK_SET``), and its line said
    the copy's time alone, as the photos already there did."""
    copied = clock.now().replace(tzinfo=None).replace(second=0, microsecond=0)
    path = _photo(tmp_path, "IMG_0004.JPG", "2015:02:09 22:48:00", copied)
    dialog = DeviceFolderDialog(tmp_path, ticked={path}, patient=PAUL)
    qtbot.addWidget(dialog)
    line = _lines(qtbot, dialog)["IMG_0004.JPG"]
    assert "fichier du" in line and "photo prise le 09/02/2015 22:48" in line, line
    assert dialog.chosen() == [path]  # (still ticked: held back by the earlier-session rule alone)


def test_a_new_photos_camera_time_is_read_once_as_the_list_opens(qtbot: Any, tmp_path: Path, monkeypatch: Any) -> None:
    """Found in the review of the whole change (review40w): the new photos' times were read twice in the window's
    thread as the list opened, once for the earlier-session rule, once for their lines (a phone's HEIC is read
    whole to find its time: a card's worth of photos twice, over a share perhaps). Read once each now."""
    import ui.capture_folder as capture_folder

    copied = clock.now().replace(tzinfo=None).replace(second=0, microsecond=0)
    paths = {
        _photo(tmp_path, "IMG_0005.JPG", "2015:02:09 22:48:00", copied),
        _photo(tmp_path, "IMG_0006.JPG", "2015:02:09 22:50:00", copied),
    }
    read: list[Path] = []
    real = capture_folder.taken_at

    def counted(path: Path) -> datetime | None:
        read.append(path)
        return real(path)

    monkeypatch.setattr(capture_folder, "taken_at", counted)
    dialog = DeviceFolderDialog(tmp_path, ticked=paths, patient=PAUL)
    qtbot.addWidget(dialog)
    lines = _lines(qtbot, dialog)
    assert "photo prise le 09/02/2015 22:48" in lines["IMG_0005.JPG"]  # (its line still says it)
    assert sorted(read) == sorted(paths), read
