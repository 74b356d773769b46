"""What the capture panel asks the thread pool to do: run the pipeline, anonymise, store.

Each function takes the store connection of the worker thread and returns the ids it stored;
they hold no rules of their own (those are in ``capture`` and ``app``), only the order of steps.
"""

from __future__ import annotations

import dataclasses
import logging
import pathlib
from dataclasses import dataclass

import numpy as np

from app.model import CaseImage, Patient
from app.store import NewImage, Store
from capture.anonymise import apply as anonymise_pixels
from capture.pipeline import PreparedImage, prepare_frame, prepare_image_file
from ui.anonymise_dialog import AnonymiseChoice

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
        modality=prepared.modality,
        quality=list(prepared.quality),
    )


def keep(store: Store, case_id: str, prepared: PreparedImage, labels: Labels, replaces: str | None) -> str:
    """Store ``prepared`` in the case; when it ``replaces`` an image (a retake), it takes that image's
    place in the case, in one transaction (never both, never neither)."""
    record = record_for(prepared, labels)
    new = NewImage(record, prepared.data, prepared.thumbnail)
    if replaces:
        store.replace_image(case_id, replaces, new)
    else:
        store.add_images(case_id, [new])
    return record.id


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
) -> str:
    """A camera still (full resolution, BGR), anonymised first if asked."""
    if anonymise is not None:
        frame_bgr = anonymise_pixels(frame_bgr, anonymise.regions, mode=anonymise.mode)
    prepared = prepare_frame(frame_bgr, specialty=specialty, device=device)
    return keep(store, case_id, prepared, labels, replaces)


def import_file(
    store: Store,
    case_id: str,
    path: pathlib.Path,
    *,
    specialty: str,
    patient: Patient,
    labels: Labels,
    remove_after: bool = False,
) -> str:
    """An image file (JPEG, PNG, TIFF, HEIC, DICOM) through the pipeline into the case.

    ``remove_after`` (the user's setting for the device folder) deletes the file once it is stored.
    """
    prepared = prepare_image_file(path, specialty=specialty, patient=patient)
    image_id = keep(store, case_id, prepared, labels, None)
    if remove_after:
        try:
            path.unlink()
        except OSError:
            log.warning("an imported file could not be removed from the device folder")
    return image_id


def anonymise_copy(
    store: Store, case_id: str, image: CaseImage, rgb: np.ndarray, *, specialty: str, choice: AnonymiseChoice
) -> str:
    """An anonymised copy of a stored image, labelled as it; the original goes unless kept."""
    hidden = anonymise_pixels(rgb, choice.regions, mode=choice.mode)
    prepared = prepare_frame(np.ascontiguousarray(hidden[:, :, ::-1]), specialty=specialty, device=image.device)
    prepared = dataclasses.replace(prepared, captured_at=image.captured_at or prepared.captured_at)
    return keep(store, case_id, prepared, Labels.of(image), None if choice.keep_original else image.id)
