"""The previous patient's photos still arriving in the device folder once the next case is open.

Found from outside (playing a nurse with a camera's card copied into the device folder): she copies Mme
A's photos, sees the first ones announced, imports them and opens M. B's case while the copy goes on. The
new case's watch counted as « there before » only the files whole at its first look: the rest of the copy
(a file half-written then, the next ones created after it, or a copy tool's temporary name renamed once
whole, as rsync, a share's client or a device writing ``.part`` do) arrived « new », was announced as M. B's
and came ticked in « Dossier de l'appareil »: Mme A's photos went into M. B's case in one click. Their
capture times, minutes from his, told nothing.

A copy under way when the watch begins (a file there at its first look still changing, or renamed from a
temporary name) is the previous case's, to its end: what arrives while it goes on, with no pause of
:data:`capture.watch.STABLE_SCANS` looks, is old (listed, never announced nor ticked). A file that arrives
once the folder has been still is new, as before.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import time

import pytest

from capture import watch
from capture.watch import FolderWatcher

REAL = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras"
#: Real photos of one camera session (the card's files, whole).
PHOTOS = [REAL / "gps_DSCN0012.jpg", REAL / "orientation_landscape_1.jpg", REAL / "hdr_canon_hdr_YES.jpg"]


def _half(source: pathlib.Path, target: pathlib.Path) -> None:
    target.write_bytes(source.read_bytes()[: source.stat().st_size // 2])


def _watch(folder: pathlib.Path) -> tuple[FolderWatcher, list[pathlib.Path]]:
    taken: list[pathlib.Path] = []
    return FolderWatcher(folder, taken.append, only_new=True), taken


@pytest.fixture
def no_copy_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy over after its still looks alone (:data:`capture.watch.COPY_PAUSE` is a minute: tested below)."""
    monkeypatch.setattr(watch, "COPY_PAUSE", 0.0)


@pytest.mark.usefixtures("no_copy_pause")
def test_the_rest_of_a_copy_under_way_when_the_case_opens_is_not_new(tmp_path: pathlib.Path) -> None:
    shutil.copyfile(PHOTOS[0], tmp_path / "DSCN0041.JPG")  # copied while Mme A's case was open
    _half(PHOTOS[1], tmp_path / "DSCN0042.JPG")  # being copied when M. B's case opens
    watcher, taken = _watch(tmp_path)
    watcher.scan_once()  # M. B's case opens
    shutil.copyfile(PHOTOS[1], tmp_path / "DSCN0042.JPG")
    watcher.scan_once()
    shutil.copyfile(PHOTOS[2], tmp_path / "DSCN0043.JPG")  # the copy goes on: Mme A's still
    for _ in range(4):
        watcher.scan_once()
    assert taken == []
    # The folder still for a while, then M. B's photo: new, announced.
    shutil.copyfile(PHOTOS[0], tmp_path / "DSCN0050.JPG")
    for _ in range(3):
        watcher.scan_once()
    assert taken == [tmp_path / "DSCN0050.JPG"]


def test_a_temporary_name_there_when_the_case_opens_renamed_once_whole_is_not_new(tmp_path: pathlib.Path) -> None:
    rsync = tmp_path / ".DSCN0042.JPG.k3J9aQ"  # rsync's temporary name
    part = tmp_path / "2026-12-05" / "DSCN0043.JPG.part"  # a device's or a share client's
    part.parent.mkdir()
    _half(PHOTOS[1], rsync)
    _half(PHOTOS[2], part)
    watcher, taken = _watch(tmp_path)
    watcher.scan_once()  # M. B's case opens
    shutil.copyfile(PHOTOS[1], rsync)
    rsync.rename(tmp_path / "DSCN0042.JPG")
    watcher.scan_once()
    shutil.copyfile(PHOTOS[2], part)
    watcher.scan_once()
    part.rename(part.with_name("DSCN0043.JPG"))
    for _ in range(4):
        watcher.scan_once()
    assert taken == []


def test_a_folder_still_when_the_case_opens_announces_the_next_photo(tmp_path: pathlib.Path) -> None:
    shutil.copyfile(PHOTOS[0], tmp_path / "DSCN0041.JPG")
    watcher, taken = _watch(tmp_path)
    for _ in range(2):  # (an image come by the second look, two seconds on, is a copy's: see below)
        watcher.scan_once()
    shutil.copyfile(PHOTOS[1], tmp_path / "DSCN0050.JPG")  # his, taken and copied once his case is open
    for _ in range(3):
        watcher.scan_once()
    assert taken == [tmp_path / "DSCN0050.JPG"]


@pytest.mark.usefixtures("no_copy_pause")
def test_a_log_the_device_keeps_writing_in_the_folder_does_not_hold_the_next_photo_back(
    tmp_path: pathlib.Path,
) -> None:
    """Found in review of the rule above: a device (or its software) appending to its log in the export
    folder every few seconds looked like a copy going on for ever, and no photo was announced again."""
    log = tmp_path / "journal.txt"
    log.write_text("démarrage\n")
    watcher, taken = _watch(tmp_path)
    watcher.scan_once()
    for n in range(4):
        with log.open("a") as handle:
            handle.write(f"examen {n}\n")
        watcher.scan_once()
    shutil.copyfile(PHOTOS[0], tmp_path / "DSCN0050.JPG")
    for n in range(3):
        with log.open("a") as handle:
            handle.write(f"export {n}\n")
        watcher.scan_once()
    assert taken == [tmp_path / "DSCN0050.JPG"]


def test_the_files_the_copy_brought_are_told_to_whoever_listens(tmp_path: pathlib.Path) -> None:
    """Left old, they were listed in « Dossier de l'appareil » among the others without a word: the nurse
    saw photos arrived a minute ago, unticked, and could take them for this patient's. Each is told
    (the window says on its line why it is not ticked)."""
    _half(PHOTOS[1], tmp_path / "DSCN0042.JPG")
    told: list[pathlib.Path] = []
    watcher = FolderWatcher(tmp_path, lambda path: None, only_new=True, on_held_back=told.append)
    watcher.scan_once()
    shutil.copyfile(PHOTOS[1], tmp_path / "DSCN0042.JPG")
    watcher.scan_once()
    shutil.copyfile(PHOTOS[2], tmp_path / "DSCN0043.JPG")
    for _ in range(3):
        watcher.scan_once()
    assert told == [tmp_path / "DSCN0042.JPG", tmp_path / "DSCN0043.JPG"]  # (the one copied then too)


def test_a_copy_that_pauses_a_few_seconds_is_not_over(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Left alone last session: a copy from a slow USB stick or a network share stops for a few seconds
    now and then (the stick flushing its cache, the share reconnecting). Two still looks (4 s) ended the
    copy, and the rest of Mme A's photos, arriving after the pause, came ticked into M. B's case. A copy is
    over only after :data:`capture.watch.COPY_PAUSE` seconds without a file coming, going or being written
    (made short here, the pause shorter still: real time, as the watch's thread lives it)."""
    monkeypatch.setattr(watch, "COPY_PAUSE", 1.5)
    shutil.copyfile(PHOTOS[0], tmp_path / "DSCN0041.JPG")
    _half(PHOTOS[1], tmp_path / "DSCN0042.JPG")  # being copied when M. B's case opens
    watcher, taken = _watch(tmp_path)
    watcher.scan_once()  # M. B's case opens
    shutil.copyfile(PHOTOS[1], tmp_path / "DSCN0042.JPG")
    watcher.scan_once()
    for _ in range(3):  # the stick stalls: three still looks
        time.sleep(0.2)
        watcher.scan_once()
    shutil.copyfile(PHOTOS[2], tmp_path / "DSCN0043.JPG")  # the copy goes on: Mme A's still
    for _ in range(3):
        watcher.scan_once()
    assert taken == []
    time.sleep(1.6)  # the folder still long enough: the copy is over
    for _ in range(2):
        watcher.scan_once()
    shutil.copyfile(PHOTOS[0], tmp_path / "DSCN0050.JPG")  # M. B's photo
    for _ in range(2):
        watcher.scan_once()
    assert taken == [tmp_path / "DSCN0050.JPG"]


@pytest.mark.parametrize("log_name", ["journal.txt", ".DS_Store", ".device.log"])
def test_a_log_written_between_the_first_two_looks_is_no_copy(tmp_path: pathlib.Path, log_name: str) -> None:
    """Left alone last session: the device's log written between the first two looks counted as a copy
    under way, and the nurse's own photos, coming one after another as she took them, were all held back
    unticked while they kept coming. A copy is a file going (a temporary name renamed once whole) or an
    image being written (under a temporary name too): a log, or the hidden file a Mac's Finder rewrites on
    opening the folder (a file that is no image), is not one."""
    log = tmp_path / log_name
    log.write_text("démarrage\n")
    watcher, taken = _watch(tmp_path)
    watcher.scan_once()  # M. B's case opens
    with log.open("a") as handle:
        handle.write("examen\n")
    watcher.scan_once()
    names = [f"DSCN005{n}.JPG" for n in range(len(PHOTOS))]
    for name, photo in zip(names, PHOTOS, strict=True):  # his photos, one a look, as she takes them
        shutil.copyfile(photo, tmp_path / name)
        watcher.scan_once()
    for _ in range(2):
        watcher.scan_once()
    assert sorted(taken) == [tmp_path / name for name in names]


def test_a_copy_stalled_as_the_case_opens_is_not_over(tmp_path: pathlib.Path) -> None:
    """Found this session, beside the pause above: a slow stick stalled just as M. B's case opened (a photo
    half-written, the same at the first two looks) was taken for a still folder, and the rest of Mme A's
    copy, once the stick went on, came ticked into M. B's case. An image written a moment ago and not
    whole at the first look is a copy under way, changing or not."""
    shutil.copyfile(PHOTOS[0], tmp_path / "DSCN0041.JPG")
    _half(PHOTOS[1], tmp_path / "DSCN0042.JPG")  # the stick stalls here
    watcher, taken = _watch(tmp_path)
    for _ in range(3):  # M. B's case opens: nothing moves
        watcher.scan_once()
    shutil.copyfile(PHOTOS[1], tmp_path / "DSCN0042.JPG")  # the stick goes on: Mme A's
    watcher.scan_once()
    shutil.copyfile(PHOTOS[2], tmp_path / "DSCN0043.JPG")
    for _ in range(3):
        watcher.scan_once()
    assert taken == []


def test_an_old_broken_photo_left_in_the_folder_is_no_copy(tmp_path: pathlib.Path) -> None:
    """The rule above, not for a photo cut short long ago (a copy that failed last week): the next photo
    is announced as before."""
    broken = tmp_path / "DSCN0001.JPG"
    _half(PHOTOS[1], broken)
    week_ago = time.time() - 7 * 24 * 3600
    os.utime(broken, (week_ago, week_ago))
    watcher, taken = _watch(tmp_path)
    for _ in range(2):
        watcher.scan_once()
    shutil.copyfile(PHOTOS[0], tmp_path / "DSCN0050.JPG")
    for _ in range(3):
        watcher.scan_once()
    assert taken == [tmp_path / "DSCN0050.JPG"]


def test_a_copy_between_two_files_as_the_case_opens_is_not_over(tmp_path: pathlib.Path) -> None:
    """Found in review of the rules above: a copy is mostly between two files at a look (a photo is written
    in a fraction of a second; the copy tool then opens the next). M. B's case opened there: every file of
    the first look whole and the same at the second, the next one of Mme A's come meanwhile, was taken for
    a still folder, and that photo and the rest of the copy came ticked into M. B's case. An image come
    between the first two looks while one was written a moment before the first is a copy under way."""
    shutil.copyfile(PHOTOS[0], tmp_path / "DSCN0041.JPG")  # Mme A's, copied a moment ago
    watcher, taken = _watch(tmp_path)
    watcher.scan_once()  # M. B's case opens
    shutil.copyfile(PHOTOS[1], tmp_path / "DSCN0042.JPG")  # the copy goes on: Mme A's
    watcher.scan_once()
    shutil.copyfile(PHOTOS[2], tmp_path / "DSCN0043.JPG")
    for _ in range(3):
        watcher.scan_once()
    assert taken == []


def test_a_photo_come_as_the_case_opens_after_a_folder_long_still_is_announced(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rule above, not for a folder whose last image was written long before the case opened: a camera
    writing this patient's photo as the nurse takes it is no copy (the pause made short here: real time)."""
    monkeypatch.setattr(watch, "COPY_PAUSE", 0.5)
    shutil.copyfile(PHOTOS[0], tmp_path / "DSCN0041.JPG")
    time.sleep(0.6)
    watcher, taken = _watch(tmp_path)
    watcher.scan_once()
    shutil.copyfile(PHOTOS[1], tmp_path / "DSCN0050.JPG")
    for _ in range(3):
        watcher.scan_once()
    assert taken == [tmp_path / "DSCN0050.JPG"]


def test_a_hidden_file_come_between_the_first_two_looks_is_no_copy(tmp_path: pathlib.Path) -> None:
    """The rule above, not for the hidden file a Mac's Finder writes on opening the folder: the nurse's next
    photo is announced as before."""
    shutil.copyfile(PHOTOS[0], tmp_path / "DSCN0041.JPG")
    watcher, taken = _watch(tmp_path)
    watcher.scan_once()
    (tmp_path / ".DS_Store").write_bytes(b"\0\0\0\1Bud1" + bytes(64))
    watcher.scan_once()
    shutil.copyfile(PHOTOS[1], tmp_path / "DSCN0050.JPG")
    for _ in range(3):
        watcher.scan_once()
    assert taken == [tmp_path / "DSCN0050.JPG"]
