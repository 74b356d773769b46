"""DICOM files written the way real devices write them, made with pydicom for the tests.

- :func:`retinograph`: Ophthalmic Photography 8 Bit Image (SOP class 1.2.840.10008.5.1.4.1.1.77.1.5.1)
  as fundus cameras export it: JPEG baseline frames in YBR_FULL_422, often several frames (a stereo
  pair or a burst), AcquisitionDateTime in local time without zone, the eye in ImageLaterality or
  only in the series' Laterality, coded anatomic region and acquisition parameters, and the
  baggage of a real site: the worklist request (RequestAttributesSequence, AccessionNumber), the
  operator, referring physician and institution, free-text descriptions, private vendor tags and
  an OriginalAttributesSequence that still holds the name and id of the patient the image was
  first filed under, before someone corrected it at the device.
- :func:`vl_photograph`: VL Photographic Image (SOP class 1.2.840.10008.5.1.4.1.1.77.1.4) from a
  clinical camera; with ``dermoscopy=True``, as dermatoscopes write it (the attributes the DICOM
  dermoscopy work group asks for: the anatomic region coded, the acquisition context saying
  dermoscopy, polarised light and contact, the dermatoscope's model).
- :func:`structured_report`: an Enhanced SR, a report without pixels, as a device's export folder holds
  beside its images.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, JPEGBaseline8Bit, generate_uid

OP_8BIT = "1.2.840.10008.5.1.4.1.1.77.1.5.1"
VL_PHOTOGRAPHIC = "1.2.840.10008.5.1.4.1.1.77.1.4"

#: Everything of the site and of other patients a device file carries and none may leave with it.
SECRETS = {
    "previous patient": "ANCIEN^Patient",
    "previous id": "PREV-4711",
    "accession": "ACC-2026-0042",
    "request id": "REQ-778899",
    "operator": "OPERATEUR^Jeanne",
    "referring": "REFERENT^Marc",
    "institution": "Clinique des Lilas",
    "study description": "Dépistage RD Dupont",
    "series description": "Fond d'oeil Dupont",
    "serial": "SN-RETINO-31337",
    "private": "vendor private Dupont",
    "station": "RETINO-STATION-7",
    "requested procedure": "Examen de Mme Dupont",
    "frame serial": "FRAME-SERIAL-99",
    "frame comment": "Dupont Marie OD",
}


def _code(value: str, scheme: str, meaning: str) -> Dataset:
    item = Dataset()
    item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, scheme, meaning
    return item


def _jpeg_frame(rgb: npt.NDArray[np.uint8], quality: int = 90) -> bytes:
    """One frame as some devices write it: a whole JPEG file, EXIF and comment included."""
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0110] = "FUNDUS-CAM"
    exif.get_ifd(0x8769)[0xA431] = SECRETS["frame serial"]
    # 4:2:2 chroma subsampling, as YBR_FULL_422 says.
    Image.fromarray(rgb).save(
        buffer, "JPEG", quality=quality, subsampling=1, exif=exif.tobytes(), comment=SECRETS["frame comment"].encode()
    )
    return buffer.getvalue()


def _base(sop_class: str, modality: str, rgb_frames: list[npt.NDArray[np.uint8]], *, uids: bool = True) -> Dataset:
    meta = FileMetaDataset()
    meta.TransferSyntaxUID = JPEGBaseline8Bit
    ds = Dataset()
    if uids:
        meta.MediaStorageSOPClassUID = sop_class
        meta.MediaStorageSOPInstanceUID = generate_uid()
        ds.SOPClassUID = sop_class
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.file_meta = meta
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.Modality = modality
    ds.PatientName = "DEMO^Patient"
    ds.PatientID = "DEVICE-0001"
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "F"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.StudyDate, ds.StudyTime = "20261120", "101000"
    ds.StudyID = "42"
    ds.SeriesNumber, ds.InstanceNumber = 1, 1
    ds.AccessionNumber = SECRETS["accession"]
    ds.ReferringPhysicianName = SECRETS["referring"]
    ds.OperatorsName = SECRETS["operator"]
    ds.InstitutionName = SECRETS["institution"]
    ds.InstitutionAddress = "12 rue des Lilas"
    ds.StationName = SECRETS["station"]
    ds.StudyDescription = SECRETS["study description"]
    ds.SeriesDescription = SECRETS["series description"]
    ds.DeviceSerialNumber = SECRETS["serial"]
    request = Dataset()
    request.RequestedProcedureID = SECRETS["request id"]
    request.ScheduledProcedureStepID = "SPS-1"
    request.RequestedProcedureDescription = SECRETS["requested procedure"]
    ds.RequestAttributesSequence = Sequence([request])
    previous = Dataset()
    previous.PatientName, previous.PatientID = SECRETS["previous patient"], SECRETS["previous id"]
    original = Dataset()
    original.AttributeModificationDateTime = "20261120101500"
    original.ModifyingSystem = "RETINO"
    original.ReasonForTheAttributeModification = "CORRECT"
    original.ModifiedAttributesSequence = Sequence([previous])
    ds.OriginalAttributesSequence = Sequence([original])
    ds.add_new(0x00091010, "LO", SECRETS["private"])
    height, width = rgb_frames[0].shape[:2]
    ds.Rows, ds.Columns = height, width
    ds.SamplesPerPixel = 3
    ds.PhotometricInterpretation = "YBR_FULL_422"
    ds.PlanarConfiguration = 0
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.LossyImageCompression = "01"
    ds.LossyImageCompressionMethod = "ISO_10918_1"
    ds.BurnedInAnnotation = "NO"
    if len(rgb_frames) > 1:
        ds.NumberOfFrames = len(rgb_frames)
        ds.FrameIncrementPointer = 0x00181063  # FrameTime
        ds.FrameTime = 500.0
    ds.PixelData = encapsulate([_jpeg_frame(frame) for frame in rgb_frames])
    ds["PixelData"].VR = "OB"
    return ds


def retinograph(
    rgb_frames: list[npt.NDArray[np.uint8]],
    *,
    eye: str = "R",
    laterality_in: str = "image",
    field: str = "macula",
    acquired: str = "20261120101112",
    zone: str | None = None,
    uids: bool = True,
) -> bytes:
    """An Ophthalmic Photography 8-bit DICOM file of one or several fundus frames.

    ``laterality_in``: "image" (ImageLaterality, per image) or "series" (Laterality only, as
    some cameras write it). ``zone``: TimezoneOffsetFromUTC (most devices write none).
    """
    ds = _base(OP_8BIT, "OP", rgb_frames, uids=uids)
    ds.Manufacturer, ds.ManufacturerModelName = "Topcon", "TRC-NW400"
    ds.SoftwareVersions = "3.1"
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    if laterality_in == "image":
        ds.ImageLaterality = eye
    else:
        ds.Laterality = eye
    ds.AcquisitionDateTime = acquired
    ds.ContentDate, ds.ContentTime = acquired[:8], acquired[8:14]
    if zone is not None:
        ds.TimezoneOffsetFromUTC = zone
    ds.AnatomicRegionSequence = Sequence([_code("T-AA610", "SRT", "Retina")])
    view = ("Macula", "T-AA621") if field == "macula" else ("Optic disc", "T-AA630")
    ds.PrimaryAnatomicStructureSequence = Sequence([_code(view[1], "SRT", view[0])])
    ds.PatientEyeMovementCommanded = "NO"
    ds.HorizontalFieldOfView = 45
    ds.PupilDilated = "NO"
    ds.AcquisitionDeviceTypeCodeSequence = Sequence([_code("R-1021A", "SRT", "Fundus Camera")])
    ds.IlluminationTypeCodeSequence = Sequence([])
    ds.LightPathFilterTypeStackCodeSequence = Sequence([])
    ds.ImagePathFilterTypeStackCodeSequence = Sequence([])
    ds.LensesCodeSequence = Sequence([])
    ds.AcquisitionContextSequence = Sequence([])
    ds.DetectorType = "CCD"
    return _saved(ds)


def vl_photograph(rgb: npt.NDArray[np.uint8], *, dermoscopy: bool = False) -> bytes:
    """A VL Photographic Image DICOM file (a clinical photo, or a dermoscopic one)."""
    ds = _base(VL_PHOTOGRAPHIC, "XC", [rgb])
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.AcquisitionDateTime = "20261120093000"
    ds.ContentDate, ds.ContentTime = "20261120", "093000"
    ds.AnatomicRegionSequence = Sequence([_code("T-D2100", "SRT", "Back")])
    if dermoscopy:
        ds.Manufacturer, ds.ManufacturerModelName = "3Gen", "DermLite DL4"
        ds.ImageType = ["ORIGINAL", "PRIMARY", "DERMOSCOPY"]
        context: list[Dataset] = []
        facts = (
            (("111026", "DCM", "Acquisition method"), ("C0220981", "UMLS", "Dermoscopy")),
            (("111027", "DCM", "Illumination"), ("C0439840", "UMLS", "Polarized light")),
            (("111028", "DCM", "Skin contact"), ("C0332158", "UMLS", "Contact")),
        )
        for name, value in facts:
            item = Dataset()
            item.ValueType = "CODE"
            item.ConceptNameCodeSequence = Sequence([_code(*name)])
            item.ConceptCodeSequence = Sequence([_code(*value)])
            item.TextValue = "posé par Dr Dupont"  # free text: must not survive
            context.append(item)
        ds.AcquisitionContextSequence = Sequence(context)
    else:
        ds.Manufacturer, ds.ManufacturerModelName = "Canon", "EOS 250D"
        ds.AcquisitionContextSequence = Sequence([])
    return _saved(ds)


def structured_report() -> bytes:
    """An Enhanced SR (a report, not an image): no pixels."""
    report = Dataset()
    report.file_meta = FileMetaDataset()
    report.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    report.SOPClassUID = "1.2.840.10008.5.1.4.1.1.88.22"
    report.SOPInstanceUID = generate_uid()
    report.Modality = "SR"
    out = io.BytesIO()
    report.save_as(out, enforce_file_format=True)
    return out.getvalue()


def _saved(ds: Dataset) -> bytes:
    out = io.BytesIO()
    ds.preamble = b"\x00" * 128
    ds.save_as(out, enforce_file_format=bool(getattr(ds, "SOPInstanceUID", None)))
    return out.getvalue()


def all_keywords(ds: Dataset) -> set[str]:
    """Every attribute keyword in ``ds``, sequences' items included (private tags as their tag)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        for element in node:
            found.add(element.keyword or str(element.tag))
            if element.VR == "SQ":
                for item in element.value:
                    walk(item)

    walk(ds)
    return found
