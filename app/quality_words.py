"""The words of the image quality findings, in French and English.

A finding is stored with its image (``app.model.QualityFinding``) under the key of its sentence and
the sentence's parameters, and the words are made from them when it is read: a nurse who imported the
photo in French and a reader of the English window or report each get their own language. Rows stored
before the key was kept carry their sentence only, shown as it was written.

Quality messages are written for the nurse holding the camera and always say what to do next.
"""

from __future__ import annotations

from collections.abc import Mapping

from app import i18n

CATALOGUE = i18n.Catalogue(
    "quality",
    {
        "sharpness.ok": {"fr": "Image nette.", "en": "Image in focus."},
        "sharpness.warning": {
            "fr": "Photo un peu floue : stabilisez l'appareil, faites la mise au point sur la lésion "
            "et reprenez la photo.",
            "en": "Photo slightly blurred: hold the camera steady, focus on the lesion and take it again.",
        },
        "sharpness.blocking": {
            "fr": "Photo floue : l'expert ne pourra pas juger. Rapprochez-vous, stabilisez l'appareil "
            "et reprenez la photo.",
            "en": "Blurred photo: the expert cannot judge it. Move closer, hold the camera steady and take it again.",
        },
        "sharpness.blank": {
            "fr": "Image uniforme, elle ne montre rien : l'objectif était peut-être masqué (doigt, "
            "étui, cache). Dégagez-le et reprenez la photo.",
            "en": "Uniform image, it shows nothing: the lens may have been covered (a finger, a case, "
            "a cap). Uncover it and take the photo again.",
        },
        "retina-sharpness.warning": {
            "fr": "Rétinographie un peu floue : refaites la mise au point et reprenez le cliché.",
            "en": "Retinograph slightly blurred: refocus and take it again.",
        },
        "retina-sharpness.blocking": {
            "fr": "Rétinographie floue : les petits vaisseaux ne sont pas visibles. Refaites la mise "
            "au point, demandez au patient de fixer la cible et reprenez le cliché.",
            "en": "Blurred retinograph: the small vessels are not visible. Refocus, ask the patient "
            "to look at the target and take it again.",
        },
        "exposure.ok": {"fr": "Exposition correcte.", "en": "Exposure correct."},
        "exposure.dark.warning": {
            "fr": "Image sombre : ajoutez de la lumière ou rapprochez l'éclairage.",
            "en": "Dark image: add light or bring the lamp closer.",
        },
        "exposure.dark.blocking": {
            "fr": "Image bien trop sombre : l'expert ne verra rien. Éclairez la zone et reprenez la photo.",
            "en": "Image far too dark: the expert will see nothing. Light the area and take it again.",
        },
        "exposure.document": {
            "fr": "Lumière non jugée : ce n'est pas une photo.",
            "en": "Light not judged: this is not a photo.",
        },
        "exposure.bright.warning": {
            "fr": "Image trop claire ou reflet du flash : éloignez la lumière ou coupez le flash.",
            "en": "Image too bright or flash glare: move the light away or turn the flash off.",
        },
        "exposure.bright.blocking": {
            "fr": "Image brûlée : les détails ont disparu. Coupez le flash, réduisez la lumière et reprenez la photo.",
            "en": "Burnt-out image: the details are lost. Turn the flash off, reduce the light and take it again.",
        },
        # A fundus is photographed in the dark by the camera's flash: its light and the pupil decide.
        "retina-exposure.dark.warning": {
            "fr": "Rétinographie sombre (sous-exposée) : augmentez l'intensité du flash du rétinographe, "
            "vérifiez que la pupille est assez ouverte (attendez dans la pénombre ou envisagez une "
            "dilatation) et reprenez le cliché.",
            "en": "Dark (under-exposed) retinograph: raise the retinograph's flash intensity, check that "
            "the pupil is wide enough (wait in dim light or consider dilation) and take it again.",
        },
        "retina-exposure.dark.blocking": {
            "fr": "Rétinographie bien trop sombre (sous-exposée) : ininterprétable. Augmentez l'intensité "
            "du flash et reprenez le cliché ; une dilatation pupillaire est probablement nécessaire.",
            "en": "Retinograph far too dark (under-exposed): ungradable. Raise the flash intensity and take "
            "it again; pupil dilation is probably needed.",
        },
        "retina-exposure.bright.warning": {
            "fr": "Rétinographie trop claire (surexposée) : baissez l'intensité du flash du rétinographe, "
            "vérifiez que l'appareil est bien aligné sur la pupille, à la bonne distance, et reprenez le cliché.",
            "en": "Retinograph too bright (over-exposed): lower the retinograph's flash intensity, check that "
            "the camera is aligned on the pupil, at the right distance, and take it again.",
        },
        "retina-exposure.bright.blocking": {
            "fr": "Rétinographie brûlée (surexposée) : les détails de la rétine ont disparu. Baissez l'intensité "
            "du flash, réalignez l'appareil sur le centre de la pupille et reprenez le cliché.",
            "en": "Burnt-out retinograph (over-exposed): the details of the retina are lost. Lower the flash "
            "intensity, re-align the camera on the centre of the pupil and take it again.",
        },
        "colour-cast.ok": {"fr": "Couleurs naturelles.", "en": "Natural colours."},
        "pages": {
            "fr": "Ce fichier contient {n} images : seule la première est importée. Si les autres comptent, "
            "exportez-les une par une depuis l'appareil.",
            "en": "This file holds {n} images: only the first is imported. If the others matter, export them "
            "one by one from the device.",
        },
        "pages.unreadable": {
            "fr": "Ce fichier contient plusieurs images, dont les suivantes sont abîmées et illisibles : seule la "
            "première est importée, entière. Si les autres comptent, exportez-les de nouveau une par une depuis "
            "l'appareil.",
            "en": "This file holds several images, the later ones damaged and unreadable: only the first is "
            "imported, whole. If the others matter, export them again one by one from the device.",
        },
        "compression.warning": {
            "fr": "Photo très compressée (qualité JPEG estimée à {quality} sur 100, comme après un envoi par "
            "messagerie) : des détails fins peuvent manquer à l'expert. Si possible, importez plutôt la photo "
            "d'origine, copiée directement depuis l'appareil qui l'a prise.",
            "en": "Heavily compressed photo (JPEG quality estimated at {quality} out of 100, as after sending it "
            "through a messaging app): the expert may miss fine detail. If you can, import the original photo "
            "instead, copied straight from the device that took it.",
        },
        "colour-profile.dropped": {
            "fr": "Le profil de couleur de ce fichier est abîmé et ne peut pas être lu : il a été laissé de côté "
            "et les couleurs sont lues comme standard (sRGB). La photo est gardée ; si ses couleurs à l'écran ne "
            "semblent pas fidèles, exportez-la à nouveau depuis l'appareil.",
            "en": "This file's colour profile is damaged and cannot be read: it was left out and the colours are "
            "read as standard (sRGB). The photo is kept; if its colours on screen do not look true, export it "
            "again from the device.",
        },
        "halved": {
            "fr": "Photo de {was} mégapixels gardée en {kept} mégapixels (moitié de la largeur et de la hauteur) : "
            "bien assez pour l'expert, et plus rapide à envoyer.",
            "en": "{was}-megapixel photo kept at {kept} megapixels (half its width and height): plenty for the "
            "expert, and quicker to send.",
        },
        "colour-cast.monochrome": {
            "fr": "Photo en noir et blanc : l'expert ne verra pas les couleurs (rougeur, pigment). Réglez "
            "l'appareil en couleur et reprenez la photo.",
            "en": "Black-and-white photo: the expert will not see the colours (redness, pigment). Set the "
            "device to colour and take the photo again.",
        },
        "colour-cast.monochrome-retina": {
            "fr": "Cliché en noir et blanc : les couleurs du fond d'œil ne pourront pas être jugées. Si l'avis "
            "demande la couleur (dépistage de la rétinopathie), ajoutez un cliché couleur du même champ.",
            "en": "Black-and-white photo: the colours of the fundus cannot be judged. If the opinion needs colour "
            "(retinopathy screening), add a colour photo of the same field.",
        },
        "colour-cast.warning": {
            "fr": "Couleurs faussées (dominante {hue}) : utilisez une lumière blanche, sans néon ni lampe colorée.",
            "en": "Colours are off ({hue} cast): use white light, no neon or coloured lamp.",
        },
        "colour-cast.warning-retina": {
            "fr": "Couleurs du fond d'œil inhabituelles (dominante {hue}) : vérifiez les réglages couleur du "
            "rétinographe (balance des blancs, filtre) et l'intensité du flash, puis reprenez le cliché.",
            "en": "Unusual fundus colours ({hue} cast): check the retinograph's colour settings (white "
            "balance, filter) and its flash intensity, then take it again.",
        },
        "colour-cast.blank": {
            "fr": "Couleurs non jugées : l'image ne montre rien (voir la netteté).",
            "en": "Colours not judged: the image shows nothing (see the sharpness).",
        },
        "colour-cast.document": {
            "fr": "Couleurs non jugées : ce n'est pas une photo.",
            "en": "Colours not judged: this is not a photo.",
        },
        "colour-cast.dark": {
            "fr": "Couleurs non jugées : la photo est trop sombre pour cela (voir l'exposition).",
            "en": "Colours not judged: the photo is too dark for that (see the exposure).",
        },
        "colour-cast.dark-retina": {
            "fr": "Couleurs non jugées : le cliché est trop sombre pour cela (voir l'exposition).",
            "en": "Colours not judged: the image is too dark for that (see the exposure).",
        },
        "resolution.ok": {"fr": "Définition suffisante.", "en": "Resolution sufficient."},
        "resolution.warning": {
            "fr": "Image de faible définition ({width}×{height}) : 1024×768 ou plus est conseillé.",
            "en": "Low-resolution image ({width}×{height}): 1024×768 or more is advised.",
        },
        "resolution.blocking": {
            "fr": "Image trop petite ({width}×{height}) : il faut au moins 800×600. Reprenez la photo "
            "avec l'appareil en pleine définition.",
            "en": "Image too small ({width}×{height}): at least 800×600 is needed. Take it again at "
            "the camera's full resolution.",
        },
        "resolution.blocking-retina": {
            "fr": "Image trop petite ({width}×{height}) : il faut au moins 800×600. Exportez le cliché en "
            "pleine définition depuis le rétinographe (pas un aperçu ni une copie d'écran).",
            "en": "Image too small ({width}×{height}): at least 800×600 is needed. Export the shot at full "
            "resolution from the retinograph (not a preview or a screenshot).",
        },
        "resolution.blocking-retina-recorded": {
            "fr": "Image trop petite ({width}×{height}) : il faut au moins 800×600. C'est la taille que le "
            "rétinographe a enregistrée (fichier DICOM) : l'exporter de nouveau n'y changera rien. Il faut "
            "le cliché d'un rétinographe de plus grande définition.",
            "en": "Image too small ({width}×{height}): at least 800×600 is needed. This is the size the "
            "retinograph recorded (DICOM file): exporting it again will not change it. A shot from a "
            "retinograph of higher resolution is needed.",
        },
        "resolution.field-warning": {
            "fr": "Rétine petite dans l'image ({diameter} px de diamètre, 768 px ou plus est conseillé) : "
            "rapprochez l'appareil de l'œil ou zoomez pour que la rétine remplisse l'image, puis reprenez le cliché.",
            "en": "Retina small in the image ({diameter} px across, 768 px or more is advised): move closer to "
            "the eye or zoom in so that the retina fills the image, then take it again.",
        },
        "resolution.field-blocking": {
            "fr": "Rétine trop petite dans l'image ({diameter} px de diamètre) : il faut au moins 600 px pour que "
            "l'expert puisse la lire. Rapprochez l'appareil de l'œil ou zoomez pour que la rétine remplisse "
            "l'image, puis reprenez le cliché.",
            "en": "Retina too small in the image ({diameter} px across): at least 600 px is needed for the expert "
            "to read it. Move closer to the eye or zoom in so that the retina fills the image, then take it again.",
        },
        "field-of-view.ok": {"fr": "Champ rétinien complet.", "en": "Retinal field complete."},
        "field-of-view.warning": {
            "fr": "Champ rétinien incomplet ({percent} % visible) : centrez l'œil et reprenez le cliché.",
            "en": "Retinal field incomplete ({percent} % visible): centre the eye and take it again.",
        },
        "field-of-view.blocking": {
            "fr": "Champ rétinien coupé ou masqué ({percent} % visible) : recentrez l'appareil sur "
            "la pupille et reprenez le cliché.",
            "en": "Retinal field clipped or shaded ({percent} % visible): re-centre the camera on the "
            "pupil and take it again.",
        },
        "field-of-view.not-fundus": {
            "fr": "Ceci ne ressemble pas à une rétinographie (pas de fond noir autour de la rétine) : "
            "vérifiez que c'est le bon fichier et le bon patient.",
            "en": "This does not look like a retinograph (no black surround around the retina): check "
            "that it is the right file and the right patient.",
        },
        "field-of-view.two": {
            "fr": "Cette image montre deux champs de rétine, sans doute les deux yeux : exportez l'image de "
            "chaque œil séparément depuis le rétinographe et importez-les une à une, chacune sous son œil.",
            "en": "This image shows two retinal fields, probably both eyes: export each eye's image separately "
            "from the retinograph and import them one by one, each under its eye.",
        },
        "field-of-view.missing": {
            "fr": "Aucun champ rétinien reconnu : vérifiez que l'image est bien une rétinographie.",
            "en": "No retinal field found: check that the image is a retinograph.",
        },
        "gradability.ok": {
            "fr": "Vaisseaux bien visibles : cliché interprétable.",
            "en": "Vessels clearly visible: gradable image.",
        },
        "gradability.warning": {
            "fr": "Vaisseaux peu contrastés ou bords assombris : cliché peut-être ininterprétable. "
            "Reprenez-le ; si cela se répète, envisagez une dilatation.",
            "en": "Faint vessels or darkened edges: the image may be ungradable. Take it again; if "
            "this keeps happening, consider dilation.",
        },
        "document.warning": {
            "fr": "Ceci ressemble à une copie d'écran ou à un document numérisé, pas à une photo : "
            "vérifiez que c'est la bonne image et qu'elle ne montre pas le nom d'un autre patient. "
            "Pour la lésion, prenez-la en photo avec l'appareil.",
            "en": "This looks like a screenshot or a scanned document, not a photo: check that it is the "
            "right image and that it shows no other patient's name. For the lesion, take a photo of it "
            "with the camera.",
        },
        "gradability.blank": {
            "fr": "Aucun vaisseau : l'image est d'une seule teinte, sans fond d'œil. Vérifiez que "
            "l'objectif est dégagé et reprenez le cliché.",
            "en": "No vessels: the image is a single shade, with no fundus in it. Check that the lens is "
            "uncovered and take it again.",
        },
        "gradability.blocking": {
            "fr": "Vaisseaux invisibles : cliché ininterprétable. Reprenez-le ; une dilatation "
            "pupillaire est probablement nécessaire.",
            "en": "Vessels not visible: ungradable image. Take it again; pupil dilation is probably needed.",
        },
        # The disc's side is a fact of the image; whether it agrees with the eye chosen is the
        # checklist's business (app/validation.py), since the eye may be changed after the import.
        "optic-disc.left": {
            "fr": "Papille à gauche de l'image, comme sur un œil gauche.",
            "en": "Optic disc on the left of the image, as in a left eye.",
        },
        "optic-disc.right": {
            "fr": "Papille à droite de l'image, comme sur un œil droit.",
            "en": "Optic disc on the right of the image, as in a right eye.",
        },
        # The disc's side when the image may be inverted (a phone, a camera behind an indirect
        # ophthalmoscope's lens turns the fundus half a turn): told, claimed for no eye.
        "optic-disc.left.unclaimed": {
            "fr": "Papille à gauche de l'image. L'œil n'en est pas déduit : une photo prise au téléphone ou à "
            "travers une lentille d'ophtalmoscopie indirecte peut être inversée.",
            "en": "Optic disc on the left of the image. The eye is not inferred from it: a photo taken with a "
            "phone or through an indirect ophthalmoscopy lens may be inverted.",
        },
        "optic-disc.right.unclaimed": {
            "fr": "Papille à droite de l'image. L'œil n'en est pas déduit : une photo prise au téléphone ou à "
            "travers une lentille d'ophtalmoscopie indirecte peut être inversée.",
            "en": "Optic disc on the right of the image. The eye is not inferred from it: a photo taken with a "
            "phone or through an indirect ophthalmoscopy lens may be inverted.",
        },
        "optic-disc.centre": {
            "fr": "Papille au centre de l'image (champ centré sur la papille).",
            "en": "Optic disc in the centre of the image (disc-centred field).",
        },
        # The eye the device recorded (a DICOM's laterality), a fact of the image; whether it agrees with
        # the eye chosen is the checklist's business, as for the optic disc.
        "device-eye.right": {
            "fr": "L'appareil a enregistré cette image comme un œil droit.",
            "en": "The device recorded this image as a right eye.",
        },
        "device-eye.left": {
            "fr": "L'appareil a enregistré cette image comme un œil gauche.",
            "en": "The device recorded this image as a left eye.",
        },
        "device-eye.both-eyes": {
            "fr": "L'appareil a enregistré cette image comme montrant les deux yeux : exportez l'image de chaque "
            "œil séparément depuis le rétinographe et importez-les une à une, chacune sous son œil.",
            "en": "The device recorded this image as showing both eyes: export each eye's image separately from "
            "the retinograph and import them one by one, each under its eye.",
        },
        "device-eye.both": {
            "fr": "L'appareil a enregistré cette image à la fois comme un œil droit et comme un œil gauche : "
            "vérifiez l'œil en regardant l'image (papille à droite de l'image pour un œil droit, à gauche pour "
            "un œil gauche).",
            "en": "The device recorded this image as both a right eye and a left eye: check the eye by looking "
            "at the image (optic disc on the right of the image for a right eye, on the left for a left eye).",
        },
        "patient.other": {
            "fr": "L'appareil a enregistré cette image pour un autre patient (nom, prénom, date de naissance, "
            "sexe ou INS différents) : vérifiez qu'elle est bien de ce patient, sinon supprimez-la.",
            "en": "The device recorded this image for another patient (a different name, given name, birth "
            "date, sex or INS): check it is this patient's, otherwise delete it.",
        },
        "patient.names-only": {
            "fr": "L'appareil a enregistré cette image au nom de ce patient, mais sans date de naissance ni INS à "
            "comparer avec ceux du dossier : le nom seul ne dit pas que c'est lui (une mère et sa fille peuvent "
            "porter les mêmes noms). Vérifiez sur l'appareil qu'elle est bien de ce patient, sinon supprimez-la.",
            "en": "The device recorded this image under this patient's name, but without a birth date or an INS "
            "to compare with the case's: a name alone does not say it is this patient (a mother and her daughter "
            "may bear the same names). Check on the device that it is this patient's, otherwise delete it.",
        },
        # Said after « Image {n} inutilisable : » or « Image {n} : » (app/validation.py): the image is named.
        "recheck.file-unreadable": {
            "fr": "Son fichier est introuvable ou abîmé sur ce poste : elle ne peut être ni vérifiée de nouveau "
            "ni envoyée. Le reste du dossier est intact.",
            "en": "Its file is missing or damaged on this computer: it can be neither checked again nor sent. "
            "The rest of the case is intact.",
        },
        "recheck.failed": {
            "fr": "Elle n'a pas pu être vérifiée de nouveau par les contrôles de qualité de cette version (erreur "
            "interne, voir le journal) : son verdict est celui des contrôles précédents. Regardez-la avant "
            "l'envoi ; en cas de doute, reprenez-la.",
            "en": "It could not be checked again by this version's quality checks (internal error, see the log): "
            "its verdict is that of the earlier checks. Look at it before sending; if in doubt, take it again.",
        },
        "face.warning": {
            "fr": "Un visage est visible : recadrez la photo ou masquez-le, sauf s'il est l'objet de la demande.",
            "en": "A face is visible: crop the photo or mask it, unless it is what the request is about.",
        },
        "hue.red": {"fr": "rouge", "en": "red"},
        "hue.yellow": {"fr": "jaune", "en": "yellow"},
        "hue.green": {"fr": "verte", "en": "green"},
        "hue.blue": {"fr": "bleue", "en": "blue"},
        "hue.magenta": {"fr": "magenta", "en": "magenta"},
    },
)

#: Parameters that are themselves words (a colour's name agrees in each language): stored as a code,
#: said through the key ``<prefix><code>``.
_WORDED = {"hue": "hue."}


def words(key: str, params: Mapping[str, object] | None = None, lang: str | None = None) -> str | None:
    """The sentence ``key`` with ``params`` in ``lang`` (the user's language by default); ``None`` for a
    key this version does not know (a row written by a later one) or parameters that do not fit it."""
    if key not in CATALOGUE:
        return None
    lang = lang or i18n.language()
    said: dict[str, object] = {}
    for name, value in (params or {}).items():
        prefix = _WORDED.get(name)
        if prefix is not None:
            if f"{prefix}{value}" not in CATALOGUE:
                return None
            value = CATALOGUE.tr_in(f"{prefix}{value}", lang)
        said[name] = value
    try:
        return CATALOGUE.tr_in(key, lang, **said)
    except (KeyError, IndexError, ValueError):
        return None
