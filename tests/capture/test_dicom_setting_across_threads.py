"""Reading a retinograph whose private element's VR is in lower case turns one of pydicom's settings off for
the whole process (``assume_implicit_vr_switch``: pydicom takes it from its module, never per call) while it
reads the file again (capture.dicom._dataset). The device folder's watch reads each new DICOM's patient in its
own thread (capture.watch.recorded_patient): read while the setting was off, a file whose writer switched to
implicit VR for the patient's tags (some devices do) said no patient at all, and its « Dossier de l'appareil »
was left unticked, by chance of timing. Every pydicom read now waits for that setting to be back."""

from __future__ import annotations

import threading
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.filebase import DicomBytesIO
from pydicom.filewriter import write_dataset, write_file_meta_info
from pydicom.uid import UID, ExplicitVRLittleEndian

from app.case_record import DevicePatient
from capture import dicom
from capture.watch import recorded_patient


def _encoded(ds: Dataset, *, implicit: bool) -> bytes:
    out = DicomBytesIO()
    out.is_little_endian, out.is_implicit_VR = True, implicit
    write_dataset(out, ds)
    return out.getvalue()


def _switching_to_implicit_vr() -> bytes:
    """A DICOM whose header says explicit VR, and whose writer switched to implicit VR for the patient."""
    head = Dataset()
    head.SOPClassUID, head.Modality = "1.2.840.10008.5.1.4.1.1.77.1.5.1", "OP"
    patient = Dataset()
    patient.PatientName, patient.PatientID = "DUPONT^MARIE", "D-2291"
    patient.PatientBirthDate, patient.PatientSex = "19850402", "F"
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = head.SOPClassUID, UID("1.2.3.4")
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    out = DicomBytesIO()
    out.write(b"\0" * 128 + b"DICM")
    write_file_meta_info(out, meta)
    return out.getvalue() + _encoded(head, implicit=False) + _encoded(patient, implicit=True)


def test_the_watch_reads_the_patient_while_an_import_reads_a_lower_case_vr(tmp_path: Path) -> None:
    path = tmp_path / "OD.dcm"
    path.write_bytes(_switching_to_implicit_vr())
    assert recorded_patient(path) is not None  # read alone
    read: list[DevicePatient | None] = []
    watch = threading.Thread(target=lambda: read.append(recorded_patient(path)))
    with dicom._LOCK, dicom._switch_off():  # as an import re-reading a lower-case VR holds it
        assert not pydicom.config.assume_implicit_vr_switch
        watch.start()
        watch.join(timeout=1.0)  # (it waits: it must not read now)
    watch.join(timeout=30)
    assert pydicom.config.assume_implicit_vr_switch
    assert len(read) == 1 and read[0] is not None and read[0].name == "DUPONT^MARIE"
