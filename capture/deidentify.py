"""What of a device's DICOM file leaves the workstation: an allow-list, nested sequences included.

A retinograph's export carries far more than its image: the name and id of the patient it was
first recorded for (OriginalAttributesSequence, after a correction at the device), the worklist
request (RequestAttributesSequence, AccessionNumber), the operator, the referring physician, the
institution, free-text descriptions and private vendor tags. Removing known bad tags (a deny-list)
misses whatever the next device invents, so only the attributes listed here are copied, item by
item inside sequences: the image and how to display it, the eye, the field and the acquisition
parameters the expert reads, the device model, dates and the instance's UIDs. The patient module
is then filled with the case's own patient by the caller.

This follows the intent of DICOM PS3.15's Basic Application Level Confidentiality Profile with the
"retain longitudinal temporal information" and "retain device identity" options, except that the
UIDs are kept: the case already names the patient, and the UIDs let the expert's viewer group the
frames of one study.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable, Iterator

from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

#: Attributes of a coded concept (PS3.3 Table 8.8-1), the only content of code-sequence items.
_CODE = frozenset(
    {
        "CodeValue",
        "CodingSchemeDesignator",
        "CodingSchemeVersion",
        "CodeMeaning",
        "LongCodeValue",
        "URNCodeValue",
        "ContextIdentifier",
        "ContextUID",
        "MappingResource",
        "ContextGroupVersion",
        "ContextGroupExtensionFlag",
    }
)

#: Sequences kept, with the attributes kept in each of their items.
SEQUENCE_ITEMS: dict[str, frozenset[str]] = {
    "AnatomicRegionSequence": _CODE | {"AnatomicRegionModifierSequence"},
    "AnatomicRegionModifierSequence": _CODE,
    "PrimaryAnatomicStructureSequence": _CODE | {"PrimaryAnatomicStructureModifierSequence"},
    "PrimaryAnatomicStructureModifierSequence": _CODE,
    "ViewCodeSequence": _CODE | {"ViewModifierCodeSequence"},
    "ViewModifierCodeSequence": _CODE,
    "MydriaticAgentCodeSequence": _CODE | {"MydriaticAgentConcentration", "MydriaticAgentConcentrationUnitsSequence"},
    "MydriaticAgentConcentrationUnitsSequence": _CODE,
    "AcquisitionDeviceTypeCodeSequence": _CODE,
    "IlluminationTypeCodeSequence": _CODE,
    "LightPathFilterTypeStackCodeSequence": _CODE,
    "ImagePathFilterTypeStackCodeSequence": _CODE,
    "LensesCodeSequence": _CODE,
    "ChannelDescriptionCodeSequence": _CODE,
    "IlluminationColorCodeSequence": _CODE,
    "RefractiveStateSequence": frozenset({"SphericalLensPower", "CylinderLensPower", "CylinderAxis"}),
    # Acquisition context (e.g. dermoscopy: polarised or not, contact or not): coded and numeric
    # values only; its free text may name anyone.
    "AcquisitionContextSequence": frozenset(
        {
            "ValueType",
            "ConceptNameCodeSequence",
            "ConceptCodeSequence",
            "NumericValue",
            "MeasurementUnitsCodeSequence",
            "FloatingPointValue",
        }
    ),
    "ConceptNameCodeSequence": _CODE,
    "ConceptCodeSequence": _CODE,
    "MeasurementUnitsCodeSequence": _CODE,
}

#: Top-level attributes kept (besides the kept sequences). The patient module is written by the
#: caller; everything else (names, ids, descriptions, addresses, serial numbers) is left behind.
TOP_LEVEL = frozenset(
    {
        # SOP common, study, series, equipment (model only)
        "SpecificCharacterSet",
        "SOPClassUID",
        "SOPInstanceUID",
        "InstanceCreationDate",
        "InstanceCreationTime",
        "TimezoneOffsetFromUTC",
        "StudyInstanceUID",
        "StudyDate",
        "StudyTime",
        "SeriesInstanceUID",
        "SeriesNumber",
        "SeriesDate",
        "SeriesTime",
        "Modality",
        "Laterality",
        "BodyPartExamined",
        "Manufacturer",
        "ManufacturerModelName",
        "SoftwareVersions",
        "FrameOfReferenceUID",
        # general image and acquisition
        "InstanceNumber",
        "AcquisitionNumber",
        "ImageType",
        "PatientOrientation",
        "ImageLaterality",
        "ContentDate",
        "ContentTime",
        "AcquisitionDate",
        "AcquisitionTime",
        "AcquisitionDateTime",
        "AcquisitionDuration",
        "BurnedInAnnotation",
        "RecognizableVisualFeatures",
        "ContentQualification",
        "LossyImageCompression",
        "LossyImageCompressionRatio",
        "LossyImageCompressionMethod",
        "PresentationLUTShape",
        "QualityControlImage",
        # image pixel, multi-frame, colour
        "SamplesPerPixel",
        "PhotometricInterpretation",
        "Rows",
        "Columns",
        "BitsAllocated",
        "BitsStored",
        "HighBit",
        "PixelRepresentation",
        "PlanarConfiguration",
        "PixelAspectRatio",
        "PixelData",
        "NumberOfFrames",
        "FrameIncrementPointer",
        "FrameTime",
        "FrameTimeVector",
        "ICCProfile",
        "ColorSpace",
        "PixelSpacing",
        "ImagerPixelSpacing",
        "WindowCenter",
        "WindowWidth",
        "RescaleIntercept",
        "RescaleSlope",
        "RescaleType",
        # ophthalmic photography acquisition parameters and ophthalmic image
        "PatientEyeMovementCommanded",
        "HorizontalFieldOfView",
        "EmmetropicMagnification",
        "IntraOcularPressure",
        "PupilDilated",
        "DegreeOfDilation",
        "CameraAngleOfView",
        "DetectorType",
        "IlluminationWaveLength",
        "IlluminationPower",
        "IlluminationBandwidth",
        "DepthsOfFocus",
        # VL photographic acquisition
        "ImagedNucleus",
    }
) | frozenset(SEQUENCE_ITEMS)

#: Type 2 attributes of the modules every image IOD has: present but empty, as the standard wants.
EMPTY_TYPE2 = ("AccessionNumber", "ReferringPhysicianName", "StudyID")


def allowed_copy(source: Dataset) -> Dataset:
    """A new dataset holding only the allow-listed attributes of ``source``, with a fresh file meta."""
    kept = _filtered(source, TOP_LEVEL)
    kept.file_meta = FileMetaDataset()  # read by strip_jpeg_frames; completed below
    source_meta = getattr(source, "file_meta", None)
    kept.file_meta.TransferSyntaxUID = getattr(source_meta, "TransferSyntaxUID", None) or ExplicitVRLittleEndian
    strip_jpeg_frames(kept)
    for keyword in EMPTY_TYPE2:
        setattr(kept, keyword, "")
    kept.file_meta.MediaStorageSOPClassUID = kept.SOPClassUID
    kept.file_meta.MediaStorageSOPInstanceUID = kept.SOPInstanceUID
    return kept


#: JPEG transfer syntaxes whose frames are plain JPEG streams (baseline, extended, lossless).
_JPEG_SYNTAXES = frozenset(
    {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70"}
)
#: JPEG 2000 (lossless only, and lossy): their frames are codestreams, which may carry comments, or whole JP2
#: files with boxes of their own.
_JPEG_2000_SYNTAXES = frozenset({"1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"})


def strip_jpeg_frames(ds: Dataset) -> None:
    """Remove the metadata segments of every JPEG or JPEG 2000 frame of an encapsulated image, in place.

    A device may write its frames as whole JPEG files, with EXIF, a thumbnail or vendor APP data
    inside the DICOM: the same stripping as for photos (the compressed scans stay byte for byte). A JPEG
    2000 frame may be a whole JP2 file (XML/XMP boxes) or carry comments: it leaves as the bare
    codestream without them (``capture.metadata.strip_j2k``).
    """
    from pydicom.encaps import generate_frames

    from capture.metadata import MalformedImage, strip_j2k, strip_jpeg

    syntax = str(getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", ""))
    if syntax in _JPEG_SYNTAXES:
        strip = strip_jpeg
    elif syntax in _JPEG_2000_SYNTAXES:
        strip = strip_j2k
    else:
        return
    if "PixelData" not in ds:
        return
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)

    def stripped() -> Iterator[bytes]:
        try:
            for frame in generate_frames(ds.PixelData, number_of_frames=frames):
                yield strip(bytes(frame))
        except (MalformedImage, ValueError, KeyError, EOFError) as exc:
            raise ValueError("a JPEG frame of the DICOM file is damaged") from exc

    # Frames with nothing to remove (a fundus camera's own) are kept as read. Else they are stripped a second
    # time as they are written, none kept aside: pydicom's ``encapsulate`` wants them all in a list, then
    # holds its output twice (a bytearray and its copy), a 100 MB series four times at once.
    original = (bytes(frame) for frame in generate_frames(ds.PixelData, number_of_frames=frames))
    # (a fragment of odd length was padded with one zero byte, which its stripped frame has not)
    if all(new in (old, old[:-1]) for new, old in zip(stripped(), original, strict=False)):
        return
    ds.PixelData = _encapsulated(stripped, frames)
    ds["PixelData"].VR = "OB"


def _encapsulated(frames: Callable[[], Iterator[bytes]], count: int) -> bytes:
    """What pydicom's ``encapsulate(list(frames()))`` gives (a basic offset table, one fragment a frame,
    padded to an even length), written once into one buffer as the frames come."""
    out = io.BytesIO()
    out.write(_ITEM + struct.pack("<I", 4 * count) + bytes(4 * count))
    offsets: list[int] = []
    position = 0
    for frame in frames():
        offsets.append(position)
        padded = len(frame) + len(frame) % 2
        out.write(_ITEM + struct.pack("<I", padded))
        out.write(frame)
        if len(frame) % 2:
            out.write(b"\0")
        position += 8 + padded
    if len(offsets) != count:
        raise ValueError("a JPEG frame of the DICOM file is damaged")
    out.seek(8)
    out.write(struct.pack(f"<{count}I", *offsets))
    return out.getvalue()


#: An item's tag (FFFE,E000), little endian, as every encapsulated fragment and the offset table begin.
_ITEM = b"\xfe\xff\x00\xe0"


def _filtered(source: Dataset, allowed: frozenset[str]) -> Dataset:
    out = Dataset()
    for element in source:
        if element.tag.is_private or element.keyword not in allowed:
            continue
        if element.VR == "SQ":
            item_allowed = SEQUENCE_ITEMS.get(element.keyword)
            if item_allowed is None:
                continue
            items = [_filtered(item, item_allowed) for item in element.value or []]
            element = DataElement(element.tag, "SQ", Sequence([item for item in items if len(item)]))
        out.add(element)
    return out
