"""Device folder, anonymisation and camera stills through the pipeline."""

from __future__ import annotations

import pathlib

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
