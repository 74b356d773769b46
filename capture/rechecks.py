"""A case's stored images checked again: for its new specialty, or by checks changed since their verdict.

Each image keeps which version of the quality checks made its verdict (``CaseImage.checks``,
``app.model.CHECKS_VERSION``). The images of a case still editable whose verdict is of older checks (0: stored
before the version was kept), or of another specialty's, are checked again from their stored bytes, as an
import would check them now; a sent case keeps the verdict its expert saw. Three steps, so that the window
runs each where it belongs (:func:`to_check_again` and :func:`store_checks` on the writer thread,
:func:`checks_again` on the thread pool, never on the window's thread); the command line runs them in turn
(:func:`check_case_again`).

An image that cannot be checked again is marked so once, not tried again at every opening: its older verdict
stays, with a finding (``app.model.RECHECKS_CHECK``) that names it in the checklist of the window and of
``case show`` / ``case send``. Its file missing or damaged on this workstation, it could not be sent either:
the finding blocks, and says to retake or remove it. The checks failing on it (an odd image they crash on: our
bug, not the patient's), a warning: the case may still leave, the older verdict said as such; the failure is
logged by the image's id and the error's type and place, never its message (it may quote a header's words).
A read refused for a moment (a locked file, a busy disk) leaves it as it was, to be tried at the next opening.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from app import blobs
from app.errors import DataAltered, NotFound, StorageError
from app.model import (
    CHECKS_VERSION,
    EDITABLE_STATES,
    NOT_CHECKED_KEY,
    RECHECKS_CHECK,
    UNREADABLE_KEY,
    Case,
    CaseImage,
    Level,
    QualityFinding,
)
from app.store import Store
from capture.pipeline import modality_for, recheck_stored

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckedAgain:
    """An image's checks made again (:func:`checks_again`)."""

    image: CaseImage  # as read before its checks were made
    quality: list[QualityFinding]
    modality: str

    def changed(self) -> bool:
        return self.quality != self.image.quality or self.modality != self.image.modality


def needs_checks(image: CaseImage, specialty: str) -> bool:
    """Whether ``image``'s verdict is not what this release's checks say of it in a case of ``specialty``:
    made by older checks, or as another specialty's image. (A skin photo's checks are every photo's but an
    eye's: an image already of the specialty's modality was checked so.)"""
    return image.checks < CHECKS_VERSION or image.modality != modality_for(specialty)


def to_check_again(store: Store, case_id: str, specialty: str) -> list[tuple[CaseImage, bytes | None]] | None:
    """The case's images to check again as ``specialty``'s (the case's) and their bytes, read on the writer
    thread after the writes asked before (an import, labels); ``None`` when the case can no longer change
    (its images stay as they were sent). An image whose file is missing or damaged comes with ``None`` for
    its bytes (:func:`checks_again` marks it so); one whose read was refused for a moment is left out."""
    if store.state(case_id) not in EDITABLE_STATES:
        return None
    found: list[tuple[CaseImage, bytes | None]] = []
    for image in store.images(case_id):
        if not needs_checks(image, specialty):
            continue
        try:
            found.append((image, store.image_bytes(image)))
        except StorageError as exc:  # (DataAltered too: recorded by the store)
            if _lost(exc):
                log.warning("image %s: its file is missing or damaged, it cannot be checked again", image.id)
                found.append((image, None))
            else:
                log.warning("image %s not read to be checked again (%s): tried at the next opening", image.id, exc)
    return found


def _lost(exc: StorageError) -> bool:
    """Whether the image's file is gone or damaged for good (not a read refused for a moment)."""
    return isinstance(exc, DataAltered) or blobs.lost(exc)


def _not_checked(image: CaseImage, specialty: str, key: str, level: Level) -> CheckedAgain:
    """``image`` with its older verdict and the finding ``key`` saying it could not be checked again (once:
    that of an earlier release replaced), of the modality a case of ``specialty`` gives (so it is not
    checked again at every opening for it); a device's ophthalmic DICOM stays « OP », as the checks made
    again keep it (``capture.pipeline.recheck_stored``)."""
    kept = [finding for finding in image.quality if finding.check != RECHECKS_CHECK]
    said = QualityFinding.said(RECHECKS_CHECK, level, key)
    ophthalmic = image.content_type == "application/dicom" and image.modality == "OP"
    return CheckedAgain(image, [*kept, said], "OP" if ophthalmic else modality_for(specialty))


def checks_again(
    images: list[tuple[CaseImage, bytes | None]], specialty: str, stopped: Callable[[], bool]
) -> list[CheckedAgain] | None:
    """Each image checked again for ``specialty`` by this release's checks: a skin photo's verdict in a case
    now of ophthalmology is a retinograph's, and the reverse. Made off the writer thread (100-600 ms of
    decoding and checking: the writes asked meanwhile, and a case opened, which waits for them, no longer wait
    for it). Those checked, and those that cannot be (their file lost, the checks failing on them) with their
    older verdict said so; ``None`` when ``stopped()`` (the specialty changed again) before the last."""
    checked = []
    for image, data in images:
        if stopped():  # another specialty: these checks would be written for nothing
            return None
        if data is None:
            checked.append(_not_checked(image, specialty, UNREADABLE_KEY, "blocking"))
            continue
        try:
            quality, modality = recheck_stored(data, specialty=specialty, findings=image.quality, device=image.device)
        except Exception as exc:  # noqa: BLE001 -- any failure of the checks on one image: ImageRejected, a bug
            # By the error's type and place only: its message may quote the image's header (a name).
            log.warning(
                "image %s not checked again for %s by checks %d (%s): its older verdict stands, said so\n%s",
                image.id,
                specialty,
                CHECKS_VERSION,
                type(exc).__name__,
                "".join(traceback.format_tb(exc.__traceback__)).rstrip(),
            )
            checked.append(_not_checked(image, specialty, NOT_CHECKED_KEY, "warning"))
            continue
        checked.append(CheckedAgain(image, quality, modality))
    return checked


def store_checks(
    store: Store, case_id: str, checked: list[CheckedAgain], stopped: Callable[[], bool]
) -> tuple[list[CaseImage], set[str]] | None:
    """The checks made again written (on the writer thread), the images' bytes and labels as they are now:
    the case's images as stored now and those whose verdict changed, or ``None`` when nothing was written (the
    specialty changed again, the case can no longer change). An image deleted or turned since it was read
    is left out: a turned one was checked for the case's specialty when it was turned. Those whose verdict
    is the same are only marked as checked by this release's checks."""
    if stopped() or not checked or store.state(case_id) not in EDITABLE_STATES:
        return None
    written = set()
    for item in checked:
        if not item.changed():
            continue
        try:
            store.update_image_checks(case_id, item.image, item.quality, item.modality, checks=CHECKS_VERSION)
        except NotFound:
            continue
        written.add(item.image.id)
    same = [item.image.id for item in checked if not item.changed()]
    marked = store.mark_checked(case_id, same, CHECKS_VERSION) if same else 0
    return (list(store.images(case_id)), written) if written or marked else None


def check_case_again(store: Store, case: Case) -> bool:
    """The command line's: ``case``'s images whose verdict is not this release's checks' checked again and
    written, in turn (``case show``, ``case send``, before they read it). Whether anything was written (the
    case is then to be read again); nothing is done to a case that can no longer change."""
    if case.state not in EDITABLE_STATES or all(image.checks >= CHECKS_VERSION for image in case.images):
        return False
    images = to_check_again(store, case.id, case.specialty)
    checked = checks_again(images, case.specialty, lambda: False) if images else None
    return bool(checked) and store_checks(store, case.id, checked or [], lambda: False) is not None
