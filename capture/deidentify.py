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

from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

#: Attributes of a coded concept (PS3.3 Table 8.8-1), the only content of code-sequence items.
_CODE = frozenset({
    "CodeValue", "CodingSchemeDesignator", "CodingSchemeVersion", "CodeMeaning", "LongCodeValue",
    "URNCodeValue", "ContextIdentifier", "ContextUID", "MappingResource", "ContextGroupVersion",
    "ContextGroupExtensionFlag",
})

#: Sequences kept, with the attributes kept in each of their items.
SEQUENCE_ITEMS: dict[str, frozenset[str]] = {
    "AnatomicRegionSequence": _CODE | {"AnatomicRegionModifierSequence"},
    "AnatomicRegionModifierSequence": _CODE,
    "PrimaryAnatomicStructureSequence": _CODE | {"PrimaryAnatomicStructureModifierSequence"},
    "PrimaryAnatomicStructureModifierSequence": _CODE,
    "ViewCodeSequence": _CODE | {"ViewModifierCodeSequence"},
    "ViewModifierCodeSequence": _CODE,
    "MydriaticAgentCodeSequence": _CODE | {"MydriaticAgentConcentration",
                                           "MydriaticAgentConcentrationUnitsSequence"},
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
    "AcquisitionContextSequence": frozenset({"ValueType", "ConceptNameCodeSequence", "ConceptCodeSequence",
                                             "NumericValue", "MeasurementUnitsCodeSequence",
                                             "FloatingPointValue"}),
    "ConceptNameCodeSequence": _CODE,
    "ConceptCodeSequence": _CODE,
    "MeasurementUnitsCodeSequence": _CODE,
}

#: Top-level attributes kept (besides the kept sequences). The patient module is written by the
#: caller; everything else (names, ids, descriptions, addresses, serial numbers) is left behind.
TOP_LEVEL = frozenset({
    # SOP common, study, series, equipment (model only)
    "SpecificCharacterSet", "SOPClassUID", "SOPInstanceUID", "InstanceCreationDate", "InstanceCreationTime",
    "TimezoneOffsetFromUTC", "StudyInstanceUID", "StudyDate", "StudyTime", "SeriesInstanceUID",
    "SeriesNumber", "SeriesDate", "SeriesTime", "Modality", "Laterality", "BodyPartExamined",
    "Manufacturer", "ManufacturerModelName", "SoftwareVersions", "FrameOfReferenceUID",
    # general image and acquisition
    "InstanceNumber", "AcquisitionNumber", "ImageType", "PatientOrientation", "ImageLaterality",
    "ContentDate", "ContentTime", "AcquisitionDate", "AcquisitionTime", "AcquisitionDateTime",
    "AcquisitionDuration", "BurnedInAnnotation", "RecognizableVisualFeatures", "ContentQualification",
    "LossyImageCompression", "LossyImageCompressionRatio", "LossyImageCompressionMethod",
    "PresentationLUTShape", "QualityControlImage",
    # image pixel, multi-frame, colour
    "SamplesPerPixel", "PhotometricInterpretation", "Rows", "Columns", "BitsAllocated", "BitsStored",
    "HighBit", "PixelRepresentation", "PlanarConfiguration", "PixelAspectRatio", "PixelData",
    "NumberOfFrames", "FrameIncrementPointer", "FrameTime", "FrameTimeVector", "ICCProfile", "ColorSpace",
    "PixelSpacing", "ImagerPixelSpacing", "WindowCenter", "WindowWidth", "RescaleIntercept",
    "RescaleSlope", "RescaleType",
    # ophthalmic photography acquisition parameters and ophthalmic image
    "PatientEyeMovementCommanded", "HorizontalFieldOfView", "EmmetropicMagnification",
    "IntraOcularPressure", "PupilDilated", "DegreeOfDilation", "CameraAngleOfView", "DetectorType",
    "IlluminationWaveLength", "IlluminationPower", "IlluminationBandwidth", "DepthsOfFocus",
    # VL photographic acquisition
    "ImagedNucleus",
}) | frozenset(SEQUENCE_ITEMS)

#: Type 2 attributes of the modules every image IOD has: present but empty, as the standard wants.
EMPTY_TYPE2 = ("AccessionNumber", "ReferringPhysicianName", "StudyID")


def allowed_copy(source: Dataset) -> Dataset:
    """A new dataset holding only the allow-listed attributes of ``source``, with a fresh file meta."""
    kept = _filtered(source, TOP_LEVEL)
    for keyword in EMPTY_TYPE2:
        setattr(kept, keyword, "")
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = kept.SOPClassUID
    meta.MediaStorageSOPInstanceUID = kept.SOPInstanceUID
    source_meta = getattr(source, "file_meta", None)
    meta.TransferSyntaxUID = getattr(source_meta, "TransferSyntaxUID", None) or ExplicitVRLittleEndian
    kept.file_meta = meta
    return kept


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
