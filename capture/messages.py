"""What capture says to the user, in French and English (``app.i18n.tr`` picks the language).

Messages name the file (never its folder, which may carry the patient's name) and always say what
to do next. Quality messages are written for the nurse holding the camera.
"""

from __future__ import annotations

from app.errors import ImageRejected
from app.i18n import Catalogue

CATALOGUE = Catalogue(
    "capture",
    {
        # --- rejected input -------------------------------------------------------------------
        "empty": {
            "fr": "Le fichier « {name} » est vide : exportez l'image à nouveau puis réessayez.",
            "en": "The file “{name}” is empty: export the image again and retry.",
        },
        "too-big-file": {
            "fr": "Le fichier « {name} » est trop volumineux ({mb} Mo, au plus {limit} Mo) : exportez-le en JPEG.",
            "en": "The file “{name}” is too large ({mb} MB, at most {limit} MB): export it as JPEG.",
        },
        "not-ordinary-file": {
            "fr": "« {name} » n'est pas un fichier ordinaire (un périphérique, un tube nommé ou un dossier) : "
            "il n'est pas lu. Choisissez la photo elle-même.",
            "en": "“{name}” is not an ordinary file (a device, a named pipe or a folder): it is not read. "
            "Choose the photo itself.",
        },
        "link-file": {
            "fr": "« {name} » est un lien vers un autre emplacement, pas une image écrite par l'appareil : il "
            "n'est pas lu. Copiez la photo elle-même dans le dossier.",
            "en": "“{name}” is a link to another place, not an image the device wrote: it is not read. Copy "
            "the photo itself into the folder.",
        },
        "unknown-format": {
            "fr": "Le fichier « {name} » n'est pas une image reconnue (JPEG, PNG, TIFF, HEIC, AVIF, WebP, "
            "BMP, JPEG 2000, GIF, PPM ou DICOM attendu), quelle que soit son extension : "
            "choisissez la photo elle-même.",
            "en": "The file “{name}” is not a recognised image (JPEG, PNG, TIFF, HEIC, AVIF, WebP, "
            "BMP, JPEG 2000, GIF, PPM or DICOM expected), whatever its extension says: choose the photo itself.",
        },
        "too-many-pixels": {
            "fr": "L'image « {name} » est trop grande ({mp} mégapixels, au plus {limit}) : reprenez la photo "
            "avec l'appareil réglé sur une taille normale (12 à 50 mégapixels), ou exportez-la réduite en JPEG.",
            "en": "The image “{name}” is too large ({mp} megapixels, at most {limit}): take the photo again "
            "with the device set to a normal size (12 to 50 megapixels), or export it reduced, as JPEG.",
        },
        "changed_since_listed": {
            "fr": "« {name} » a changé depuis l'ouverture de la liste du dossier de l'appareil (l'appareil l'a "
            "réécrit, peut-être pour le patient suivant) : il n'est pas importé. Rouvrez « Dossier de "
            "l'appareil » et vérifiez que l'image est bien de ce patient.",
            "en": "“{name}” changed since the device folder's list was opened (the device wrote it again, "
            "perhaps for the next patient): it is not imported. Open “Device folder” again and check that "
            "the image is this patient's.",
        },
        "already_here": {
            "fr": "« {name} » est déjà dans ce dossier (image {n}) : elle n'est pas importée une seconde fois.",
            "en": "“{name}” is already in this case (image {n}): it is not imported a second time.",
        },
        "in_another_case": {
            "fr": "« {name} » est déjà dans le dossier {case} d'un autre patient : elle n'est pas importée. "
            "Vérifiez de quel patient est cette image avant de l'ajouter.",
            "en": "“{name}” is already in case {case}, another patient's: it is not imported. Check whose image "
            "it is before adding it.",
        },
        "in_conflict_case": {
            "fr": "« {name} » est déjà dans le dossier {case}, qui porte le même INS ou n° de dossier que ce "
            "patient mais d'autres traits d'identité (nom de naissance, premier prénom, date de naissance) : "
            "conflit d'identité. Elle n'est pas importée : vérifiez l'identité des deux dossiers sur la pièce "
            "d'identité.",
            "en": "“{name}” is already in case {case}, which bears this patient's INS or file number under other "
            "identity traits (birth name, first given name, date of birth): an identity conflict. It is not "
            "imported: check both cases' identity against the ID document.",
        },
        "damaged": {
            "fr": "L'image « {name} » est incomplète ou abîmée et ne peut pas être lue : "
            "copiez-la à nouveau depuis l'appareil ou reprenez la photo.",
            "en": "The image “{name}” is incomplete or damaged and cannot be read: "
            "copy it again from the device or take the photo again.",
        },
        "dicom-inflates-too-big": {
            "fr": "Le fichier DICOM « {name} » est compressé (Deflate) et dépasserait {limit} Mo une fois "
            "décompressé : aucun appareil ne produit une telle image. Il n'est pas importé ; exportez l'image "
            "à nouveau depuis l'appareil (en JPEG ou en DICOM non compressé).",
            "en": "The DICOM file “{name}” is compressed (Deflate) and would exceed {limit} MB once "
            "decompressed: no device makes such an image. It is not imported; export the image again from "
            "the device (as JPEG or uncompressed DICOM).",
        },
        "dicom-no-pixels": {
            "fr": "Le fichier DICOM « {name} » ne contient pas d'image : exportez l'image elle-même "
            "depuis le rétinographe (photographie ophtalmique).",
            "en": "The DICOM file “{name}” holds no image: export the image itself from the "
            "retinograph (ophthalmic photography).",
        },
        # The same file in a case whose images come from no retinograph (a tester's dermatology case was told to
        # export it « depuis le rétinographe »): what it is, and the device she has.
        "dicom-no-pixels-skin": {
            "fr": "Le fichier DICOM « {name} » ne contient pas d'image (c'est un compte rendu ou une autre pièce sans "
            "photo) : il n'est pas importé. Exportez la photo elle-même depuis le dermatoscope ou l'appareil qui "
            "l'a prise (en JPEG ou en DICOM).",
            "en": "The DICOM file “{name}” holds no image (it is a report or another document without a photo): it "
            "is not imported. Export the photo itself from the dermatoscope or the device that took it (as JPEG "
            "or DICOM).",
        },
        "dicom-no-pixels-device": {
            "fr": "Le fichier DICOM « {name} » ne contient pas d'image (c'est un compte rendu ou une autre pièce sans "
            "photo) : il n'est pas importé. Exportez la photo elle-même depuis l'appareil qui l'a prise (en JPEG "
            "ou en DICOM).",
            "en": "The DICOM file “{name}” holds no image (it is a report or another document without a photo): it "
            "is not imported. Export the photo itself from the device that took it (as JPEG or DICOM).",
        },
        "dicom-no-uid": {
            "fr": "Le fichier DICOM « {name} » n'a pas d'identifiant d'image (SOP Class / SOP Instance "
            "UID) : la plateforme ne pourrait pas le distinguer d'un autre. Exportez-le à nouveau "
            "depuis l'appareil, en DICOM standard.",
            "en": "The DICOM file “{name}” has no image identifier (SOP Class / SOP Instance UID): "
            "the platform could not tell it from another. Export it again from the device as "
            "standard DICOM.",
        },
        "dicom-unsupported": {
            "fr": "L'image DICOM « {name} » utilise une compression non prise en charge ({compression}) : elle "
            "n'est pas importée. Réglez l'export de l'appareil en JPEG standard ou en DICOM non compressé, puis "
            "exportez-la à nouveau.",
            "en": "The DICOM image “{name}” uses an unsupported compression ({compression}): it is not imported. Set "
            "the device's export to standard JPEG or uncompressed DICOM, then export it again.",
        },
        "dicom-unsupported-unnamed": {  # (its transfer syntax is no UID: no name to tell)
            "fr": "L'image DICOM « {name} » utilise une compression non prise en charge : elle n'est pas importée. "
            "Réglez l'export de l'appareil en JPEG standard ou en DICOM non compressé, puis exportez-la à nouveau.",
            "en": "The DICOM image “{name}” uses an unsupported compression: it is not imported. Set the device's "
            "export to standard JPEG or uncompressed DICOM, then export it again.",
        },
        "rotate-dicom": {
            "fr": "Une image DICOM ne peut pas être pivotée ici (ses données resteraient dans l'ancien sens) : "
            "pivotez-la sur l'appareil puis importez-la à nouveau, ou reprenez-la.",
            "en": "A DICOM image cannot be rotated here (its data would stay the old way round): rotate it on "
            "the device and import it again, or take it again.",
        },
        "unreadable-file": {
            "fr": "Le fichier « {name} » ne peut pas être lu (absent ou accès refusé) : "
            "vérifiez qu'il est toujours là.",
            "en": "The file “{name}” cannot be read (missing or access denied): check that it is still there.",
        },
        # --- cameras --------------------------------------------------------------------------
        "camera.demo": {"fr": "Caméra de démonstration", "en": "Demo camera"},
        "camera.demo-retinograph": {"fr": "Rétinographe de démonstration", "en": "Demo retinograph"},
        "camera.disconnected": {
            "fr": "Caméra « {name} » déconnectée : vérifiez le câble USB ; elle sera reprise dès son retour.",
            "en": "Camera “{name}” disconnected: check the USB cable; it will be picked up when it is back.",
        },
        "camera.frozen": {
            "fr": "Caméra « {name} » figée : reconnexion en cours.",
            "en": "Camera “{name}” frozen: reconnecting.",
        },
        "camera.connected": {"fr": "Caméra « {name} » prête.", "en": "Camera “{name}” ready."},
    },
)


def message(key: str, /, **params: object) -> str:
    """The sentence ``key`` in the user's language."""
    return CATALOGUE.tr(key, **params)


def rejected(key: str, /, **params: object) -> ImageRejected:
    """An :class:`ImageRejected` carrying the sentence ``key`` (to be raised by the caller)."""
    return ImageRejected(message(key, **params))
