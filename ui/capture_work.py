"""What the capture panel asks the thread pool to do: run the pipeline, anonymise, store.

Each function takes the store connection of the worker thread and returns what it stored (the image's
id and its thumbnail, in hand); they hold no rules of their own (those are in ``capture`` and ``app``),
only the order of steps. :func:`shown_after` then prepares, still in the worker, what the strip needs
to show the new tile at once: the case's images as stored, and the thumbnail decoded from the bytes
just made, neither read back and decrypted nor decoded on the window's thread.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import pathlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QImage

from app.errors import AlreadyStored
from app.model import CHECKS_VERSION, CaseImage, Patient, new_id
from app.site import site_patient_system
from app.store import NewImage, Store
from capture.anonymise import apply as anonymise_pixels
from capture.messages import rejected
from capture.pipeline import (
    PreparedImage,
    prepare_frame,
    prepare_image_bytes,
    read_image_file,
    rotate_stored,
)
from capture.quality import check_quality, side_tells_eye
from capture.watch import Seen
from ui.anonymise_dialog import AnonymiseChoice
from ui.image_tile import decode_thumbnail

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Labels:
    """What the user said the image shows; carried over on a retake or an anonymised copy."""

    body_site: str = ""
    eye: str | None = None
    view: str = ""
    note: str = ""

    @classmethod
    def of(cls, image: CaseImage) -> Labels:
        return cls(image.body_site, image.eye, image.view, image.note)


@dataclass(frozen=True)
class Kept:
    """An image just stored in a case: its id, and its thumbnail's JPEG as it was made."""

    image_id: str
    thumbnail: bytes


@dataclass(frozen=True)
class Shown:
    """What the strip needs once an image is stored: the case's images as the store now holds them
    (another window may have added one meanwhile), and the new image's thumbnail, decoded."""

    image_id: str
    images: list[CaseImage]
    thumbnail: QImage | None


def shown_after(store: Store, case_id: str, kept: Kept) -> Shown:
    """The case's images read on the worker's connection, and the new thumbnail decoded from the bytes
    in hand (QImage may be used on any thread)."""
    return Shown(kept.image_id, list(store.images(case_id)), decode_thumbnail(kept.thumbnail))


def record_for(prepared: PreparedImage, labels: Labels) -> CaseImage:
    """The image record of a prepared image; labels read from the device (DICOM) win over none."""
    return CaseImage(
        body_site=labels.body_site,
        eye=labels.eye or prepared.eye,
        view=labels.view or prepared.view or "",
        note=labels.note,
        content_type=prepared.content_type,
        width=prepared.width,
        height=prepared.height,
        captured_at=prepared.captured_at or "",
        device=prepared.device,
        device_patient=prepared.device_patient,
        modality=prepared.modality,
        quality=list(prepared.quality),
    )


def keep(store: Store, case_id: str, prepared: PreparedImage, labels: Labels, replaces: str | None) -> Kept:
    """Store ``prepared`` in the case; when it ``replaces`` an image (a retake), it takes that image's
    place in the case, in one transaction (never both, never neither)."""
    return _record(store, case_id, NewImage(record_for(prepared, labels), prepared.data, prepared.thumbnail), replaces)


def _record(store: Store, case_id: str, new: NewImage, replaces: str | None, *, turned: bool = False) -> Kept:
    if replaces:
        store.replace_image(case_id, replaces, new, turned=turned)
    else:
        store.add_images(case_id, [new])
    return Kept(new.record.id, new.thumbnail or b"")


def keep_still(
    store: Store,
    case_id: str,
    frame_bgr: np.ndarray,
    *,
    specialty: str,
    device: str,
    labels: Labels,
    replaces: str | None,
    anonymise: AnonymiseChoice | None,
) -> Kept:
    """A camera still (full resolution, BGR), anonymised first if asked.

    Its quality checks (the longest step) run on a thread of their own while this one encodes the
    still, makes its thumbnail and writes both (encrypted, durable); the image is recorded in the case
    once its verdict is in. The same work as one step after the other, the same bytes and verdict:
    the photo reaches its tile sooner where a second core is free."""
    if anonymise is not None:
        frame_bgr = anonymise_pixels(frame_bgr, anonymise.regions, mode=anonymise.mode)
    findings = _checks().submit(
        check_quality, frame_bgr, specialty=specialty, order="bgr", side_for_eye=side_tells_eye(device)
    )
    prepared = prepare_frame(frame_bgr, specialty=specialty, device=device, checked=False)
    new = NewImage(record_for(prepared, labels), prepared.data, prepared.thumbnail)
    new.record.taken_here = True  # (the earlier-session question: never on a card)
    try:
        store.write_files(new)
        new.record.quality = findings.result()
    except BaseException:
        if new.written:
            store.discard_files(new)
        raise
    return _record(store, case_id, new, replaces)


_checks_pool: ThreadPoolExecutor | None = None
_checks_lock = threading.Lock()


def _checks() -> ThreadPoolExecutor:
    """The threads that run a still's quality checks alongside its storing (made when first needed)."""
    global _checks_pool
    with _checks_lock:
        if _checks_pool is None:
            _checks_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="still-checks")
        return _checks_pool


def import_file(
    store: Store,
    case_id: str,
    path: pathlib.Path,
    *,
    specialty: str,
    patient: Patient,
    labels: Labels,
    remove_after: bool = False,
    before_storing: Callable[[], None] | None = None,
    follow_links: bool = True,
    as_listed: Seen | None = None,
) -> Kept:
    """An image file (JPEG, PNG, TIFF, HEIC, WebP, DICOM) through the pipeline into the case.

    ``remove_after`` (the user's setting for the device folder) deletes the file once it is stored.
    ``before_storing`` is called once the image is prepared, before it is added to the case (the
    turn of :class:`InTurn`). ``follow_links`` False (a file of the device folder): a symbolic link is
    refused, not followed. ``as_listed``: the file's size and modification time when the nurse chose
    it from the device folder's list; a file changed since is refused, not imported (a device
    that writes the same name for each exam may have written the next patient's image there).
    """
    if as_listed is not None and Seen.of(path) != as_listed:
        raise rejected("changed_since_listed", name=path.name)
    # The site's patient-id system: a worklist of the site may write it with her file number.
    system = site_patient_system(store.settings)
    data = read_image_file(path, follow_links=follow_links)
    # What is removed after: only the file that still holds these bytes (its size and time do not tell).
    imported = hashlib.sha256(data).digest() if remove_after else None
    prepared = prepare_image_bytes(data, filename=path.name, specialty=specialty, patient=patient, site_system=system)
    del data
    if before_storing is not None:
        before_storing()
    # The same file already in a case: a second import of one export (the device wrote it again), or
    # one photo in two patients' cases (two windows open on the device folder): one of them is wrong.
    new = NewImage(record_for(prepared, labels), prepared.data, prepared.thumbnail, prepared.source_sha1)
    try:
        store.add_images(case_id, [new], patient=patient)
    except AlreadyStored as exc:
        if exc.same_case:
            raise rejected("already_here", name=path.name, n=exc.number) from exc
        if exc.conflict:
            raise rejected("in_conflict_case", name=path.name, case=exc.case_id[:8]) from exc
        raise rejected("in_another_case", name=path.name, case=exc.case_id[:8]) from exc
    kept = Kept(new.record.id, new.thumbnail or b"")
    if imported is not None:
        # Written over first: unlinked only, the photo (a DICOM's name and birth date) stayed whole in the free
        # blocks of the camera's card or the USB key, for a recovery tool. Only the file read: one the device
        # wrote again meanwhile is the next exam's image, kept whole, neither written over nor removed (and a
        # name the device also keeps it under stays whole).
        from app.fsutil import remove_original

        if not remove_original(path, imported):
            log.warning("an imported file was not removed from the device folder (changed since, or held)")
        else:
            from app.private_files import forget_thumbnails

            forget_thumbnails(path)  # (a file manager's, of the patient's photo)
    return kept


class InTurn:
    """Lets the jobs of one import add their images to the case in the order the files were chosen.

    Each job prepares its file in parallel with the others (the long part), then waits for the jobs
    of the files chosen before it to have stored theirs, or failed: the case's numbering follows the
    user's choice, not which file was quickest to prepare (a big photo takes longer than a small one).
    The jobs are started in the order of their files, and the pool starts its work first asked first
    run, so a job waits only for jobs already running: no deadlock.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._done: set[int] = set()  # the files stored or refused, by their index

    #: How long a file waits for those before it, at most: a safety net only, each file's turn being
    #: handed on whatever happens to it (``release`` when its job never began).
    PATIENCE_S = 120.0

    def _wait(self, index: int) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: self._done.issuperset(range(index)), self.PATIENCE_S):
                log.warning("an import waited too long for the files chosen before it; stored out of order")
                self._done.update(range(index))  # given up on: the files after it do not wait for them again

    def release(self, index: int) -> None:
        """The ``index``-th file's turn handed on without it: its job failed before it began (its store
        connection could not be opened). The files after it went on waiting for it (two minutes)."""
        with self._changed:
            self._done.add(index)
            self._changed.notify_all()

    @contextmanager
    def turn(self, index: int) -> Iterator[Callable[[], None]]:
        """The ``index``-th file's turn (from 0): what is yielded waits for it; leaving, whether the
        file was stored or refused, waits for it too, then hands it to the next file."""
        waited = False

        def wait() -> None:
            nonlocal waited
            if not waited:
                self._wait(index)
                waited = True

        try:
            yield wait
        finally:
            wait()
            self.release(index)


def anonymise_copy(
    store: Store, case_id: str, image: CaseImage, rgb: np.ndarray, *, specialty: str, choice: AnonymiseChoice
) -> Kept:
    """An anonymised copy of a stored image, labelled as it; the original goes unless kept."""
    hidden = anonymise_pixels(rgb, choice.regions, mode=choice.mode)
    prepared = prepare_frame(np.ascontiguousarray(hidden[:, :, ::-1]), specialty=specialty, device=image.device)
    prepared = dataclasses.replace(prepared, captured_at=image.captured_at or prepared.captured_at)
    record = record_for(prepared, Labels.of(image))
    record.time_unknown = image.time_unknown  # still the time of its import, not of the photo
    return _record(
        store, case_id, NewImage(record, prepared.data, prepared.thumbnail), None if choice.keep_original else image.id
    )


def turn(store: Store, case_id: str, image_id: str, *, quarter_turns: int, specialty: str) -> Kept:
    """The image turned by ``quarter_turns`` (1: to the left, -1: to the right), in its place, with its
    labels, capture time and device: read as stored now, so labels saved just before (by the same
    writer thread) are kept. Its checks run again on the turned pixels."""
    image = store.image(case_id, image_id)
    prepared = rotate_stored(
        store.image_bytes(image),
        quarter_turns=quarter_turns,
        specialty="ophthalmology" if image.modality == "OP" else specialty,
        findings=image.quality,
    )
    record = dataclasses.replace(
        image,
        id=new_id(),
        content_type=prepared.content_type,
        width=prepared.width,
        height=prepared.height,
        quality=prepared.quality,
        checks=CHECKS_VERSION,
        size=0,
        sha1="",
        blob="",
        thumb_blob=None,
        binary_id=None,
    )
    return _record(store, case_id, NewImage(record, prepared.data, prepared.thumbnail), image.id, turned=True)
