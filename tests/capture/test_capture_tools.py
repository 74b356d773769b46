"""Device folder, anonymisation and camera stills through the pipeline."""

from __future__ import annotations

import pathlib
import time

import numpy as np
import pytest

from app.errors import ImageRejected
from capture.anonymise import apply, blur_region, find_faces, mask_region
from capture.demo import fundus_scene, skin_scene
from capture.pipeline import prepare_frame, prepare_image_file
from capture.watch import FolderWatcher, pending_files
from tests.capture.capture_labelled import jpeg_bytes

# --- device folder -------------------------------------------------------------------------------


@pytest.fixture
def photo() -> bytes:
    return jpeg_bytes(skin_scene(1024, 768, 4))


def test_a_file_is_taken_once_its_size_is_stable_and_only_once(tmp_path: pathlib.Path, photo: bytes) -> None:
    taken: list[pathlib.Path] = []
    watcher = FolderWatcher(tmp_path, taken.append)
    growing = tmp_path / "OD_macula.jpg"
    growing.write_bytes(photo[:1000])
    assert watcher.scan_once() == []  # first sight: not known to be stable
    growing.write_bytes(photo[:20000])
    assert watcher.scan_once() == []  # still being written
    growing.write_bytes(photo)
    assert watcher.scan_once() == []
    assert watcher.scan_once() == [growing]  # unchanged over two scans
    assert watcher.scan_once() == []  # never twice
    assert taken == [growing]
    assert growing.read_bytes() == photo  # the original stays


def test_partial_hidden_and_non_image_files_are_ignored(tmp_path: pathlib.Path, photo: bytes) -> None:
    (tmp_path / "export.jpg.part").write_bytes(photo)
    (tmp_path / ".hidden.jpg").write_bytes(photo)
    (tmp_path / "readme.jpg").write_text("pas une image")
    (tmp_path / "image-sans-extension").write_bytes(photo)
    watcher = FolderWatcher(tmp_path, lambda path: None)
    watcher.scan_once()
    assert [p.name for p in watcher.scan_once()] == ["image-sans-extension"]
    assert [p.name for p in pending_files(tmp_path)] == ["image-sans-extension"]


def test_symbolic_links_in_the_device_folder_are_not_followed(tmp_path: pathlib.Path, photo: bytes) -> None:
    # Anyone who can write to a shared device folder could point a link at a file of this
    # workstation; it must be neither offered nor handed over.
    folder, private = tmp_path / "device", tmp_path / "private"
    folder.mkdir()
    private.mkdir()
    (private / "DUPONT.jpg").write_bytes(photo)
    (folder / "OD_0001.jpg").write_bytes(photo)
    (folder / "OD_0002.jpg").symlink_to(private / "DUPONT.jpg")
    (folder / "exports").symlink_to(private, target_is_directory=True)
    taken: list[pathlib.Path] = []
    watcher = FolderWatcher(folder, taken.append)

    watcher.scan_once()
    watcher.scan_once()

    assert [p.name for p in taken] == ["OD_0001.jpg"]
    assert [p.name for p in pending_files(folder)] == ["OD_0001.jpg"]
    (folder / "OD_0003.jpg").write_bytes(photo)
    assert sorted(p.name for p in pending_files(folder)) == ["OD_0001.jpg", "OD_0003.jpg"]
    assert (private / "DUPONT.jpg").read_bytes() == photo
    assert (folder / "OD_0001.jpg").read_bytes() == photo  # the device's original stays


# --- anonymisation -------------------------------------------------------------------------------


def test_blur_and_mask_change_only_a_copy_of_the_region() -> None:
    image = skin_scene(640, 480, 2)
    original = image.copy()
    rect = (100, 80, 200, 150)
    blurred = blur_region(image, rect)
    masked = mask_region(image, rect)
    assert np.array_equal(image, original)
    inside = (slice(80, 230), slice(100, 300))
    assert np.all(masked[inside] == 0)
    assert float(np.std(blurred[inside].astype(np.float32) - original[inside])) > 3.0
    outside = np.ones(image.shape[:2], bool)
    outside[inside] = False
    assert np.array_equal(blurred[outside], original[outside])
    assert np.array_equal(apply(image, [rect, (600, 400, 500, 500)], mode="mask")[470, 630], [0, 0, 0])


def test_no_face_is_found_on_skin_or_fundus() -> None:
    assert find_faces(skin_scene(1024, 768, 1)) == []
    assert find_faces(fundus_scene(1024, 768, 1)) == []


# --- camera stills -------------------------------------------------------------------------------


def test_a_camera_still_becomes_a_jpeg_with_findings_and_thumbnail() -> None:
    frame = np.ascontiguousarray(fundus_scene(1920, 1080, 5)[:, :, ::-1])
    prepared = prepare_frame(frame, specialty="ophthalmology", device="Rétinographe de démonstration")
    assert prepared.content_type == "image/jpeg" and prepared.data[:3] == b"\xff\xd8\xff"
    assert (prepared.width, prepared.height, prepared.modality) == (1920, 1080, "OP")
    assert prepared.thumbnail[:3] == b"\xff\xd8\xff" and len(prepared.thumbnail) < len(prepared.data)
    assert {f.check for f in prepared.quality} >= {"sharpness", "field-of-view", "gradability"}
    assert prepared.captured_at


def test_a_frame_that_is_not_an_image_is_refused() -> None:
    with pytest.raises(ValueError, match="BGR"):
        prepare_frame(np.zeros((10, 10), np.uint8), specialty="dermatology")


def test_an_unreadable_directory_is_refused(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ImageRejected):
        prepare_image_file(tmp_path, specialty="dermatology")


@pytest.fixture
def no_copy_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy under way as the watch begins over after its still looks alone, the file half-written then
    taken for one only when it changes: the minute a copy needs to be over, and a copy stalled as the watch
    begins, are tested in tests/capture/test_watch_copy_at_switch.py."""
    import capture.watch

    monkeypatch.setattr(capture.watch, "COPY_PAUSE", 0.0)


@pytest.mark.usefixtures("no_copy_pause")
def test_what_is_there_when_the_watch_begins_or_when_the_folder_comes_back_is_never_new(
    tmp_path: pathlib.Path, photo: bytes
) -> None:
    """Found from outside: with the folder unreachable when the case was opened (a share offline, the USB
    stick at the device), every old export of other patients in it was announced as new when it came
    back, and came ticked for this patient; an export of the previous patient still being copied when
    the case was opened was announced once finished."""
    folder = tmp_path / "export"
    taken: list[pathlib.Path] = []
    reachable: list[bool] = []
    watcher = FolderWatcher(folder, taken.append, only_new=True, on_reachable=reachable.append)
    assert watcher.scan_once() == [] and reachable == [False]
    folder.mkdir()
    for n in range(3):
        (folder / f"ancien-{n}.jpg").write_bytes(photo)
    copying = folder / "patient-precedent.jpg"
    copying.write_bytes(photo[: len(photo) // 3])
    for _ in range(3):
        assert watcher.scan_once() == []
    assert reachable == [False, True]
    copying.write_bytes(photo)  # the copy ends
    for _ in range(3):
        assert watcher.scan_once() == []

    (folder / "nouveau.jpg").write_bytes(photo)
    watcher.scan_once()
    assert watcher.scan_once() == [folder / "nouveau.jpg"]

    # Unplugged, an export made meanwhile elsewhere, plugged back: not new either.
    folder.rename(tmp_path / "away")
    assert watcher.scan_once() == [] and reachable[-1] is False
    (tmp_path / "away" / "pendant.jpg").write_bytes(photo)
    (tmp_path / "away").rename(folder)
    for _ in range(3):
        assert watcher.scan_once() == []
    # A name used again once its file is gone is a new file.
    (folder / "ancien-0.jpg").unlink()
    watcher.scan_once()
    (folder / "ancien-0.jpg").write_bytes(photo)
    watcher.scan_once()
    assert watcher.scan_once() == [folder / "ancien-0.jpg"]


def test_a_jpeg_whose_copy_stalled_is_not_handed_over_before_its_end(tmp_path: pathlib.Path, photo: bytes) -> None:
    """A copy that stalls for longer than two looks kept its size: the half-written JPEG was announced,
    then announced again once finished."""
    taken: list[pathlib.Path] = []
    watcher = FolderWatcher(tmp_path, taken.append)
    stalled = tmp_path / "OD.jpg"
    stalled.write_bytes(photo[: len(photo) // 2])
    for _ in range(4):
        watcher.scan_once()
    assert taken == []
    stalled.write_bytes(photo)
    watcher.scan_once()
    watcher.scan_once()
    assert taken == [stalled]


def test_an_old_file_written_again_under_its_name_is_new(tmp_path: pathlib.Path, photo: bytes) -> None:
    """Found in review: a device that writes every export to one fixed name (capture.jpg) was never
    announced again once the name was in the folder at the start."""
    fixed = tmp_path / "capture.jpg"
    fixed.write_bytes(photo)
    taken: list[pathlib.Path] = []
    watcher = FolderWatcher(tmp_path, taken.append, only_new=True)
    for _ in range(3):
        watcher.scan_once()
    assert taken == []
    fixed.write_bytes(jpeg_bytes(skin_scene(1024, 768, 9)))  # this patient's photo, same name
    for _ in range(3):
        watcher.scan_once()
    assert taken == [fixed]


# --- device folder: exports in subfolders ------------------------------------------------------


def put(folder: pathlib.Path, relative: str, data: bytes) -> pathlib.Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def watched(folder: pathlib.Path) -> tuple[FolderWatcher, list[pathlib.Path]]:
    taken: list[pathlib.Path] = []
    return FolderWatcher(folder, taken.append, only_new=True), taken


def test_an_exam_exported_to_a_new_subfolder_is_announced(tmp_path: pathlib.Path, photo: bytes) -> None:
    """Found from outside: a retinograph that exports one folder per day and exam
    (export/2026-12-02/DUPONT_123/IMG0001.jpg) was never announced; the nurse had to know to import it."""
    put(tmp_path, "2026-12-01/MARTIN_9/IMG0001.jpg", photo)  # the previous patient's, there at the start
    watcher, taken = watched(tmp_path)
    for _ in range(3):
        assert watcher.scan_once() == []
    day = put(tmp_path, "2026-12-02/DUPONT_123/IMG0001.jpg", photo)
    exam = put(tmp_path, "EXAM_0042/IMG0001.jpg", photo)
    later = put(tmp_path, "2026-12-01/MARTIN_9/IMG0002.jpg", photo)  # a new file in an old folder is new
    watcher.scan_once()
    assert sorted(watcher.scan_once()) == sorted([day, exam, later])
    for _ in range(2):
        assert watcher.scan_once() == []
    assert sorted(taken) == sorted([day, exam, later])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in pending_files(tmp_path) or []) == [
        "2026-12-01/MARTIN_9/IMG0001.jpg",
        "2026-12-01/MARTIN_9/IMG0002.jpg",
        "2026-12-02/DUPONT_123/IMG0001.jpg",
        "EXAM_0042/IMG0001.jpg",
    ]


@pytest.mark.usefixtures("no_copy_pause")
def test_what_is_in_subfolders_at_the_start_or_when_the_folder_comes_back_is_never_new(
    tmp_path: pathlib.Path, photo: bytes
) -> None:
    folder = tmp_path / "export"
    put(folder, "2026-11-30/LEROY_7/IMG0001.jpg", photo)
    copying = put(folder, "2026-12-01/MARTIN_9/IMG0001.jpg", photo[: len(photo) // 3])
    fixed = put(folder, "CAPTURE/capture.jpg", photo)  # a device writing to one fixed name
    watcher, taken = watched(folder)
    for _ in range(3):
        watcher.scan_once()
    copying.write_bytes(photo)  # the previous patient's copy ends
    for _ in range(3):
        watcher.scan_once()
    assert taken == []

    fixed.write_bytes(jpeg_bytes(skin_scene(1024, 768, 9)))  # this patient's photo, same name: new
    for _ in range(3):
        watcher.scan_once()
    assert taken == [fixed]

    # Unplugged, exams exported meanwhile elsewhere, plugged back: not new.
    folder.rename(tmp_path / "away")
    assert watcher.scan_once() == [] and watcher.reachable is False
    put(tmp_path / "away", "2026-12-02/BERNARD_5/IMG0001.jpg", photo)
    put(tmp_path / "away", "2026-11-30/LEROY_7/IMG0002.jpg", photo)
    (tmp_path / "away").rename(folder)
    for _ in range(3):
        assert watcher.scan_once() == []
    new = put(folder, "2026-12-02/DUPONT_123/IMG0001.jpg", photo)
    watcher.scan_once()
    assert watcher.scan_once() == [new]


def test_the_walk_stops_at_its_depth_and_skips_hidden_and_system_folders_and_dicomdir(
    tmp_path: pathlib.Path, photo: bytes
) -> None:
    """A recycle bin holds another patient's deleted exports; a DICOMDIR is an index, not an image."""
    dicom = b"\0" * 128 + b"DICM" + b"\0" * 64
    watcher, _ = watched(tmp_path)
    watcher.scan_once()
    kept = [put(tmp_path, "a/b/c/d/e/IMG.jpg", photo), put(tmp_path, "EXAM_0042/IMG0001.jpg", photo)]
    for skipped in (
        "a/b/c/d/e/f/IMG.jpg",  # six levels down
        ".Trash-1000/files/IMG.jpg",
        "$RECYCLE.BIN/S-1-5-21/IMG.jpg",
        "System Volume Information/IMG.jpg",
        "__MACOSX/EXAM_0042/IMG0001.jpg",
        ".hidden/IMG.jpg",
    ):
        put(tmp_path, skipped, photo)
    put(tmp_path, "DICOMDIR", dicom)
    put(tmp_path, "EXAM_0042/DICOMDIR", dicom)
    watcher.scan_once()
    assert sorted(watcher.scan_once()) == sorted(kept)
    assert sorted(pending_files(tmp_path) or []) == sorted(kept)


def test_a_link_loop_among_subfolders_neither_hangs_nor_is_followed(tmp_path: pathlib.Path, photo: bytes) -> None:
    folder = tmp_path / "export"
    (folder / "EXAM_0001").mkdir(parents=True)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "EXAM_0001" / "back").symlink_to(folder, target_is_directory=True)
    watcher, _ = watched(folder)
    watcher.scan_once()
    new = put(folder, "EXAM_0001/IMG0001.jpg", photo)
    watcher.scan_once()
    assert watcher.scan_once() == [new]
    assert pending_files(folder) == [new]


def test_a_look_is_capped_and_a_file_it_did_not_reach_is_not_gone(
    tmp_path: pathlib.Path, photo: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A huge share must not hold the watch; and an old file out of reach of a look cut short is not
    gone: when it comes back into reach, it is not new."""
    import capture.watch

    monkeypatch.setattr(capture.watch, "MAX_ENTRIES", 5)
    for exam in (1, 2):  # 4 entries in the subfolders: the first look is whole
        for image in (1, 2):
            put(tmp_path, f"EXAM_{exam:04}/IMG{image:04}.jpg", photo)
    watcher, taken = watched(tmp_path)
    for _ in range(3):
        watcher.scan_once()
    pushing = [put(tmp_path, f"EXAM_0003/IMG{image:04}.jpg", photo) for image in (1, 2)]
    for _ in range(3):
        watcher.scan_once()
    assert sorted(taken) == pushing  # newest names are read first
    assert (tmp_path / "EXAM_0001" / "IMG0001.jpg") not in (capture.watch.listing(tmp_path) or [])
    for path in pushing:
        path.unlink()
    (tmp_path / "EXAM_0003").rmdir()
    for _ in range(3):
        watcher.scan_once()
    assert sorted(taken) == pushing


def test_a_flat_device_folder_of_many_files_is_read_whole(
    tmp_path: pathlib.Path, photo: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen in review: the cap took the first entries in the disk's own order, then sorted them: in a
    flat folder over the cap, half of the new images were never announced (there was no cap before)."""
    import capture.watch

    monkeypatch.setattr(capture.watch, "MAX_ENTRIES", 8)
    for n in range(12):
        put(tmp_path, f"OLD{n:04}.jpg", photo)
    watcher, taken = watched(tmp_path)
    for _ in range(3):
        watcher.scan_once()
    new = [put(tmp_path, f"{name}.jpg", photo) for name in ("A0001", "B0002", "NEW0001", "Z9999")]
    for _ in range(3):
        watcher.scan_once()
    assert sorted(taken) == sorted(new)


def test_a_file_out_of_reach_of_a_first_look_cut_short_is_never_new(
    tmp_path: pathlib.Path, photo: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    import capture.watch

    monkeypatch.setattr(capture.watch, "MAX_ENTRIES", 4)
    for exam in range(1, 5):  # 4 folders of 2 images: 8 entries in the subfolders
        for image in (1, 2):
            put(tmp_path, f"EXAM_{exam:04}/IMG{image:04}.jpg", photo)
    reached = capture.watch.listing(tmp_path) or []
    assert sorted(p.parent.name for p in reached) == ["EXAM_0003"] * 2 + ["EXAM_0004"] * 2  # newest first
    watcher, taken = watched(tmp_path)
    for _ in range(3):
        watcher.scan_once()
    # The folders the first look read leave: those it could not reach come into reach. They were there.
    for exam in (3, 4):
        for image in (1, 2):
            (tmp_path / f"EXAM_{exam:04}" / f"IMG{image:04}.jpg").unlink()
        (tmp_path / f"EXAM_{exam:04}").rmdir()
    for _ in range(3):
        watcher.scan_once()
    assert taken == []

    time.sleep(0.05)  # file times come from a coarser clock than time.time_ns()
    new = put(tmp_path, "EXAM_0005/IMG0001.jpg", photo)
    watcher.scan_once()
    assert watcher.scan_once() == [new]


def test_a_jpeg_is_complete_at_its_images_end_whatever_follows_or_precedes_it(
    photo: bytes, tmp_path: pathlib.Path
) -> None:
    """A phone's motion photo carries megabytes of video after the image's end marker; an EXIF
    thumbnail carries its own end marker before the image: neither may mislead the check."""
    import io

    from PIL import Image

    from capture.watch import looks_complete

    motion = tmp_path / "motion.jpg"
    motion.write_bytes(photo + b"\0\0\0\x18ftypmp42" + bytes(3_000_000))
    assert looks_complete(motion)
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    thumbed = tmp_path / "thumb.jpg"
    picture = Image.open(io.BytesIO(photo))
    thumb = io.BytesIO()
    picture.resize((160, 120)).save(thumb, format="JPEG")
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", exif=exif.tobytes())
    whole = buffer.getvalue()
    # An APP1 segment holding a complete small JPEG (end marker included), then the image cut short.
    payload = b"Exif\0\0" + thumb.getvalue()
    cut = whole[:2] + b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload + whole[2 : len(whole) // 2]
    thumbed.write_bytes(cut)
    assert not looks_complete(thumbed)
    thumbed.write_bytes(whole)
    assert looks_complete(thumbed)


def test_a_device_disk_unmounted_then_mounted_again_announces_none_of_its_old_exports(
    tmp_path: pathlib.Path, photo: bytes
) -> None:
    """Found from outside: a device folder that is a mount point (a USB disk or a share mounted at
    /mnt/retinographe) is not unreachable once unmounted: its place is an empty folder. Every old export
    of other patients then came back as new when the disk was mounted again, and came ticked for this
    patient. Another folder in its place (here: the disk's folder moved aside, an empty one put there,
    then the disk's put back) is the folder coming back."""
    folder = tmp_path / "retinographe"
    put(folder, "2026-12-01/MARTIN_9/IMG0001.jpg", photo)
    put(folder, "ancien.jpg", photo)
    watcher, taken = watched(folder)
    for _ in range(3):
        watcher.scan_once()
    folder.rename(tmp_path / "disk")  # unmounted: the mount point stays, empty
    folder.mkdir()
    for _ in range(3):
        assert watcher.scan_once() == []
    folder.rmdir()  # mounted again
    (tmp_path / "disk").rename(folder)
    for _ in range(3):
        assert watcher.scan_once() == []
    assert taken == []
    new = put(folder, "2026-12-02/DUPONT_123/IMG0001.jpg", photo)
    watcher.scan_once()
    assert watcher.scan_once() == [new]


def test_a_dicom_media_export_with_its_dicomdir_is_announced_down_to_its_images(tmp_path: pathlib.Path) -> None:
    """Found from outside: a retinograph exporting as DICOM media (a DICOMDIR beside
    DICOM/PA000000/ST000000/SE000000/IM000000, files without extension, four levels down, five under a
    day folder) was never announced nor listed: the nurse had to find the image by hand."""
    from tests.support.dicom import retinograph

    image = retinograph([fundus_scene(640, 480, seed=3, eye="right")])
    put(tmp_path, "2026-12-01/DICOMDIR", b"\0" * 128 + b"DICM" + b"\0" * 64)
    old = put(tmp_path, "2026-12-01/DICOM/PA000000/ST000000/SE000000/IM000000", image)
    watcher, taken = watched(tmp_path)
    for _ in range(2):
        watcher.scan_once()
    exported = [put(tmp_path, f"2026-12-02/DICOM/PA000000/ST000000/SE000000/IM00000{n}", image) for n in range(2)]
    put(tmp_path, "2026-12-02/DICOMDIR", b"\0" * 128 + b"DICM" + b"\0" * 64)
    watcher.scan_once()
    assert sorted(watcher.scan_once()) == exported
    assert sorted(taken) == exported  # the old export is not new
    assert sorted(pending_files(tmp_path) or []) == sorted([old, *exported])
    prepared = prepare_image_file(exported[0], specialty="ophthalmology", follow_links=False)
    assert prepared.content_type == "application/dicom" and prepared.eye == "right"


@pytest.mark.parametrize("pixels", ["jpeg", "native"])
def test_a_dicom_whose_copy_stalled_is_not_handed_over_before_its_pixels_end(
    tmp_path: pathlib.Path, pixels: str
) -> None:
    """Found from outside: a retinograph's DICOM copied over a slow share that stalls for longer than two
    looks kept its size and was announced half-written; imported, it was refused as damaged while the
    copy was still under way, then announced again. A JPEG's end is checked: a DICOM's pixel data now
    are too (their declared length, or the end of their encapsulated frames)."""
    import io

    import pydicom

    from tests.support.dicom import retinograph

    whole = retinograph([fundus_scene(640, 480, seed=3, eye="right")])
    if pixels == "native":
        ds = pydicom.dcmread(io.BytesIO(whole))
        ds.decompress()
        out = io.BytesIO()
        ds.save_as(out, enforce_file_format=True)
        whole = out.getvalue()
    taken: list[pathlib.Path] = []
    watcher = FolderWatcher(tmp_path, taken.append)
    stalled = tmp_path / "IM000001"
    for cut in (len(whole) // 2, len(whole) - 100, *range(140, 1800, 7)):
        stalled.write_bytes(whole[:cut])
        for _ in range(3):
            watcher.scan_once()
        assert taken == [], cut
    stalled.write_bytes(whole)
    watcher.scan_once()
    watcher.scan_once()
    assert taken == [stalled]
