"""The words of the case report, in French and English, and how dates and labels are written.

The report has its own language (a French unit may print an English copy for a visiting expert),
so it does not follow the process-wide language of ``app.messages``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from app import clock, quality_words
from app import messages as M
from app.french import french_spaced
from app.i18n import Catalogue, date_words, moment_words
from app.identifiers import birth_country_name
from app.model import IDENTITY_DOCUMENTS, OTHER_PATIENT_CHECK, Case, CaseImage, Message, Patient, QualityFinding
from app.validation import looks_like, names_only_image, recorded_for_another

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # the window reads the history's words without loading reportlab
    from app.report_pdf import Fonts

_WORDS = Catalogue(
    "report",
    {
        "title": {"fr": "Demande de télé-expertise", "en": "Tele-expertise request"},
        "case_line": {"fr": "Dossier {id}", "en": "Case {id}"},
        "page": {"fr": "page {n} / {total}", "en": "page {n} of {total}"},
        "born": {"fr": "né(e) le {date}", "en": "born {date}"},
        "born_m": {"fr": "né le {date}", "en": "born {date}"},
        "born_f": {"fr": "née le {date}", "en": "born {date}"},
        "case": {"fr": "Code Teleavis", "en": "Teleavis code"},
        "specialty": {"fr": "Spécialité", "en": "Specialty"},
        "state": {"fr": "État", "en": "State"},
        "created": {"fr": "Créé le", "en": "Created"},
        "platform_ref": {"fr": "Référence plateforme", "en": "Platform reference"},
        "urgent": {"fr": "DEMANDE URGENTE", "en": "URGENT REQUEST"},
        "site": {"fr": "Demandeur", "en": "Requester"},
        "no_site": {"fr": "Site non configuré (teleavis init).", "en": "Site not set up (teleavis init)."},
        "requester": {"fr": "Professionnel", "en": "Practitioner"},
        "organization": {"fr": "Structure", "en": "Organisation"},
        "patient": {"fr": "Patient", "en": "Patient"},
        "name": {"fr": "Nom, prénoms", "en": "Name"},
        "birth_name": {"fr": "Nom de naissance, prénoms", "en": "Birth name, given names"},
        "used_name": {"fr": "Nom utilisé", "en": "Used name"},
        "birth_date": {"fr": "Date de naissance", "en": "Date of birth"},
        "sex": {"fr": "Sexe", "en": "Sex"},
        # A commune by its code only: no list of the communes ships with Teleavis (only the countries'), and a
        # code names the commune as it was at the birth, so no name is guessed; the code is said as such, on the
        # value's side (the label cut in two beside a bare « 75056 » left a reader with a number).
        "birth_place": {"fr": "Lieu de naissance", "en": "Place of birth"},
        "commune_code": {"fr": "{code} (code INSEE de la commune)", "en": "{code} (INSEE code of the municipality)"},
        "country_code": {"fr": "{code} (code INSEE du pays)", "en": "{code} (INSEE code of the country)"},
        # Abroad: the country, its code. INSEE names it in French only, and no list bundled with Teleavis
        # gives its English name: the English label says whose name it is (« ALLEMAGNE » read as such).
        "birth_country": {"fr": "Lieu de naissance", "en": "Country of birth (INSEE name, in French)"},
        "identity_status": {"fr": "Statut de l'identité", "en": "Identity status"},
        "status_provisional": {"fr": "provisoire", "en": "provisional"},
        "status_recovered": {"fr": "récupérée", "en": "recovered"},
        "status_validated": {"fr": "validée", "en": "validated"},
        "status_qualified": {"fr": "qualifiée", "en": "qualified"},
        # On what a validated or qualified identity rests: the ID document checked (and the carte Vitale with
        # photograph of a resident admitted directly to an EHPAD, RNIV 2024, volet 1, 3.3.3), the day it was.
        "identity_checked": {"fr": "Identité vérifiée sur", "en": "Identity checked on"},
        "doc_CN": {"fr": "carte nationale d'identité", "en": "national identity card"},
        "doc_PA": {"fr": "passeport", "en": "passport"},
        "doc_CS": {"fr": "titre de séjour", "en": "residence permit"},
        "doc_LE": {"fr": "livret de famille", "en": "family record book"},
        "doc_AN": {"fr": "extrait d'acte de naissance", "en": "birth certificate extract"},
        "doc_DC": {"fr": "document de circulation pour étranger mineur", "en": "foreign minor's travel document"},
        "ehpad_vitale": {
            "fr": "{document} et carte Vitale à photo vue (admis directement en EHPAD)",
            "en": "{document} and carte Vitale with photograph seen (admitted directly to an EHPAD)",
        },
        "checked_on": {"fr": "{what}, le {date}", "en": "{what}, on {date}"},
        "local_id": {"fr": "N° de dossier", "en": "File number"},
        "consent": {"fr": "Consentement du patient", "en": "Patient's consent"},
        "yes": {"fr": "oui", "en": "yes"},
        "no": {"fr": "non", "en": "no"},
        "question": {"fr": "Question posée à l'expert", "en": "Question to the expert"},
        "summary": {"fr": "Résumé clinique", "en": "Clinical summary"},
        "single_eye": {"fr": "Un seul œil photographié, parce que", "en": "Only one eye photographed, because"},
        "form": {"fr": "Formulaire de la spécialité", "en": "Specialty form"},
        "treatments": {"fr": "Traitements en cours", "en": "Current treatments"},
        "none": {
            "fr": "Aucun traitement indiqué dans la demande.",  # (not « Aucun. »: nobody said the patient takes none)
            "en": "No treatment entered in the request.",
        },
        "answer": {"fr": "Réponse de l'expert", "en": "Expert's answer"},
        "no_answer": {"fr": "Pas encore de réponse.", "en": "No answer yet."},
        "expert": {"fr": "Expert", "en": "Expert"},
        "issued": {"fr": "Rendue le", "en": "Issued"},
        "follow_up": {"fr": "Suivi conseillé", "en": "Advised follow-up"},
        "expert_pdf": {"fr": "Compte rendu de l'expert", "en": "Expert's report"},
        "expert_pdf_appended": {
            "fr": "{pages} pages jointes à la fin de ce document",
            "en": "{pages} pages appended at the end of this document",
        },
        "expert_pdf_appended.one": {
            "fr": "{pages} page jointe à la fin de ce document",
            "en": "{pages} page appended at the end of this document",
        },
        "expert_pdf_referenced": {
            "fr": "{count} documents PDF conservés dans Teleavis, non joints ici",
            "en": "{count} PDF documents kept in Teleavis, not appended here",
        },
        "expert_pdf_referenced.one": {
            "fr": "{count} document PDF conservé dans Teleavis, non joint ici",
            "en": "{count} PDF document kept in Teleavis, not appended here",
        },
        "expert_pdf_missing": {
            "fr": "{count} documents PDF introuvables ou endommagés sur ce poste : lisez-les sur la plateforme",
            "en": "{count} PDF documents missing or damaged on this computer: read them on the platform",
        },
        "expert_pdf_missing.one": {
            "fr": "{count} document PDF introuvable ou endommagé sur ce poste : lisez-le sur la plateforme",
            "en": "{count} PDF document missing or damaged on this computer: read it on the platform",
        },
        "platform_words": {"fr": "Statut sur la plateforme", "en": "Status on the platform"},
        "platform_reason": {"fr": "Motif donné par la plateforme", "en": "Reason given by the platform"},
        "expert_images": {"fr": "Images de l'expert", "en": "Expert's images"},
        "expert_images_after": {
            "fr": "{count} images, à la fin de ce document",
            "en": "{count} images, at the end of this document",
        },
        "expert_images_after.one": {
            "fr": "{count} image, à la fin de ce document",
            "en": "{count} image, at the end of this document",
        },
        "expert_image_title": {
            "fr": "Image de l'expert {n} / {total} — {label}",
            "en": "Expert's image {n} of {total} — {label}",
        },
        "expert_others": {"fr": "Autres pièces jointes", "en": "Other attachments"},
        "expert_other": {
            "fr": "« {title} » ({kind}) : non imprimée ici, lisez-la sur la plateforme",
            "en": "“{title}” ({kind}): not printed here, read it on the platform",
        },
        "expert_other_untitled": {
            "fr": "Sans titre ({kind}) : non imprimée ici, lisez-la sur la plateforme",
            "en": "Untitled ({kind}): not printed here, read it on the platform",
        },
        "amended": {"fr": "Version", "en": "Version"},
        "earlier": {"fr": "Versions remplacées", "en": "Replaced versions"},
        "answer_missing": {"fr": "Non récupéré", "en": "Not retrieved"},
        "history": {"fr": "Historique de l'envoi", "en": "Sending history"},
        "conversation": {"fr": "Questions de l'expert et réponses", "en": "Expert's questions and replies"},
        "from_expert": {"fr": "Expert", "en": "Expert"},
        "from_requester": {"fr": "Demandeur", "en": "Requester"},
        "reply_queued": {
            "fr": "(réponse pas encore envoyée à l'expert)",
            "en": "(reply not sent yet to the expert)",
        },
        "reply_refused": {
            # (not « refusée par la plateforme »: one held back here, written in training mode or altered,
            # did not reach it either; the case's last words say why)
            "fr": "(réponse non envoyée : l'expert ne l'a pas reçue)",
            "en": "(reply not sent: the expert did not receive it)",
        },
        # The images joined to a reply, numbered as the case's images are (the report's pages, ``case show``'s
        # list): « Voici la dermoscopie demandée. » printed alone did not say a photo went with it.
        "reply_images": {"fr": "{count} images jointes : {which}", "en": "{count} images attached: {which}"},
        "reply_images.one": {"fr": "{count} image jointe : {which}", "en": "{count} image attached: {which}"},
        "reply_image": {"fr": "image {n} — {label}", "en": "image {n} — {label}"},
        "message_withdrawn": {
            "fr": "(message retiré par l'expert, envoyé par erreur : ne pas en tenir compte)",
            "en": "(message withdrawn by the expert, sent by mistake: disregard it)",
        },
        "banner_training": {
            "fr": "FORMATION : patient fictif, ne pas classer",
            "en": "TRAINING: fictitious patient, do not file",
        },
        "banner_attention": {
            "fr": "RÉPONSE À NE PAS APPLIQUER TELLE QUELLE (voir page 1)",
            "en": "ANSWER NOT TO BE APPLIED AS IT READS (see page 1)",
        },
        "the_request": {"fr": "La demande", "en": "The request"},
        "zone_line": {
            "fr": "Heures données à l'heure de ce poste ({zone}).",
            "en": "Times are this workstation's ({zone}).",
        },
        "image_title": {"fr": "Image {n} / {total} — {label}", "en": "Image {n} of {total} — {label}"},
        "image_missing": {
            "fr": "Image introuvable ou endommagée sur le disque : elle ne peut pas figurer "
            "dans ce rapport. Le reste du dossier est complet.",
            "en": "Image missing or damaged on disk: it cannot appear in this report. The rest of "
            "the case is complete.",
        },
        "image_undisplayable": {
            "fr": "Cette image ne peut pas être affichée dans le rapport.",
            "en": "This image cannot be shown in the report.",
        },
        "image_thumbnail": {
            "fr": "Aperçu réduit : l'image DICOM complète est conservée dans Teleavis.",
            "en": "Reduced preview: the full DICOM image is kept in Teleavis.",
        },
        "note": {"fr": "Note", "en": "Note"},
        "image_info": {"fr": "Image", "en": "Image"},
        # A file's kind as a reader says it (not its MIME type): « vidéo MP4 », « document PDF ».
        "kind.pdf": {"fr": "document PDF", "en": "PDF document"},
        "kind.image": {"fr": "image {format}", "en": "{format} image"},
        "kind.video": {"fr": "vidéo {format}", "en": "{format} video"},
        "kind.audio": {"fr": "enregistrement audio {format}", "en": "{format} audio recording"},
        "kind.text": {"fr": "texte", "en": "text"},
        "kind.web": {"fr": "page web", "en": "web page"},
        "kind.file": {"fr": "fichier {format}", "en": "{format} file"},
        "kind.unknown": {"fr": "fichier", "en": "file"},
        "captured": {"fr": "Prise le", "en": "Taken"},
        "camera_clock": {
            "fr": "{when} à l'horloge de l'appareil, {zone}",
            "en": "{when} on the device's clock, {zone}",
        },
        "captured_unknown": {
            "fr": "date inconnue (le fichier ne la donne pas) ; importée le {when}",
            "en": "date unknown (the file does not give it); imported on {when}",
        },
        "quality": {"fr": "Contrôle qualité", "en": "Quality checks"},
        "quality_ok": {"fr": "aucune remarque", "en": "no remark"},
        "eye_to_check": {"fr": "œil à vérifier", "en": "eye to check"},
        "names_only": {
            "fr": "Nom seul sur l'appareil, sans date de naissance ni INS : identité non confirmée, à vérifier.",
            "en": "Name only on the device, without a birth date or an INS: identity not confirmed, to check.",
        },
        "unlabelled": {"fr": "sans localisation", "en": "no location"},
    },
)

_EYE = Catalogue(
    "report eyes",
    {
        "right": {"fr": "œil droit (OD)", "en": "right eye (OD)"},
        "left": {"fr": "œil gauche (OG)", "en": "left eye (OS)"},
    },
)
_VIEW = Catalogue(
    "report views",
    {
        "far": {"fr": "vue éloignée", "en": "far view"},
        "medium": {"fr": "vue intermédiaire", "en": "medium view"},
        "close-up": {"fr": "vue rapprochée", "en": "close-up"},
        "dermoscopy": {"fr": "dermoscopie", "en": "dermoscopy"},
        "macula": {"fr": "centrée sur la macula", "en": "macula-centred"},
        "disc": {"fr": "centrée sur la papille", "en": "disc-centred"},
    },
)
# The case's history as people say it: states by name, and only the details that tell something
# (the platform's task id and status words, already in the state, stay out).
_HISTORY = Catalogue(
    "report history",
    {
        "amended": {"fr": "Réponse modifiée par l'expert", "en": "Answer amended by the expert"},
        "withdrawn": {
            "fr": "Compte rendu retiré par l'expert : n'en tenez pas compte",
            "en": "Report withdrawn by the expert: do not act on it",
        },
        "provisional": {
            "fr": "Réponse provisoire : l'expert ne l'a pas encore validée",
            "en": "Provisional answer: the expert has not signed it off yet",
        },
        "reply-queued": {"fr": "Réponse à l'expert enregistrée", "en": "Reply to the expert saved"},
        "reply-sent": {"fr": "Réponse à l'expert envoyée", "en": "Reply to the expert sent"},
        "reply-refused": {
            "fr": "Réponse à l'expert non envoyée",
            "en": "Reply to the expert not sent",
        },
        # Its detail when the platform refused it (else it was held back here: Outbox.reply_refused).
        "by-platform": {"fr": "refusée par la plateforme", "en": "refused by the platform"},
        "completed": {
            "fr": "Compte rendu qui manquait arrivé",
            "en": "Missing report now received",
        },
        "validated": {"fr": "dossier complet", "en": "case complete"},
        "taken-back": {"fr": "retiré de la file d'envoi avant son départ", "en": "taken back before it left"},
        "retry": {"fr": "nouvel essai après une coupure", "en": "tried again after an interruption"},
        "conflict": {
            "fr": "pas enregistré par la plateforme pour l'instant, nouvel essai plus tard",
            "en": "not recorded by the platform for now, tried again later",
        },
        "refused": {"fr": "refusé par la plateforme", "en": "refused by the platform"},
        # (app.outbox.REFUSED_YET_KEPT)
        "refused-yet-kept": {
            "fr": "Refusé par la plateforme, mais enregistré par elle : suivi comme envoyé",
            "en": "Refused by the platform, yet recorded there: followed as sent",
        },
        # (app.outbox.FIRST_VERSION_KEPT)
        "first-version-kept": {
            "fr": "La plateforme avait déjà la première version de ce dossier : vos corrections ne sont pas parties",
            "en": "The platform already held the first version of this case: your corrections have not left",
        },
        # (app.outbox.REFUSED_UNPOSTED: held here for its patient, an image refused, before its request went)
        "refused-unposted": {
            "fr": "arrêté avant l'envoi de sa demande",
            "en": "stopped before its request was sent",
        },
        # (app.outbox.CHECKLIST_REFUSED: queued by an older release, or before its rules were tightened)
        "checklist-refused": {
            "fr": "arrêté avant l'envoi\u00a0: il ne passe plus les contrôles de cette version de Teleavis",
            "en": "stopped before it was sent: it no longer passes this version of Teleavis's checks",
        },
        # (app.outbox.STOPPED_HERE: an image file unreadable here, a file altered outside Teleavis, an internal error)
        "stopped-here": {
            "fr": "arrêté sur ce poste avant l'envoi (la plateforme ne l'a pas vu)",
            "en": "stopped on this computer before it was sent (the platform did not see it)",
        },
        "event": {"fr": "Événement", "en": "Event"},
    },
)


def form_words(case: Case, lang: str) -> list[tuple[str, str]]:
    """The specialty form's answers in words (question, answer); as recorded if the form cannot be read."""
    try:
        from app.forms import display_answers

        return display_answers(case.specialty, case.form, lang)
    except (ImportError, ValueError, KeyError, TypeError):
        log.warning("case %s: form answers shown as recorded", case.id)
        return [(str(k), str(v)) for k, v in case.form.items()]


def identity_check_words(patient: Patient, lang: str) -> str | None:
    """On what a validated or qualified identity rests, in words (« livret de famille et carte Vitale à photo vue
    (admis directement en EHPAD), le 20/11/2026 »): the ID document checked, the EHPAD resident's carte Vitale
    with photograph beside a family record book or birth certificate (``validation.EHPAD_DOCUMENTS``), the day
    of the check; None for an identity no document was checked for (provisional, recovered, none said). The
    report and ``case show`` say it: FR Core's identity reliability carries the document and the date to the
    platform but has no code for the carte Vitale."""
    from app.validation import EHPAD_DOCUMENTS

    document = patient.identity_document
    if patient.identity_status not in ("validated", "qualified") or document not in IDENTITY_DOCUMENTS:
        return None
    what = _pick(_WORDS, f"doc_{document}", lang)
    if patient.identity_ehpad_vitale and document in EHPAD_DOCUMENTS:
        what = _pick(_WORDS, "ehpad_vitale", lang).format(document=what)
    if patient.identity_checked_on:
        what = _pick(_WORDS, "checked_on", lang).format(what=what, date=date_words(patient.identity_checked_on, lang))
    return what


def birth_place_words(code: str, lang: str) -> tuple[str, str] | None:
    """The birth place as the report says it, (label, value): a country abroad in words with its code
    (« ALLEMAGNE (99109) »), a commune by its INSEE code said as such (« 75056 (code INSEE de la commune) »);
    None when not given. (``case show`` says it inside its Patient line, naming the country by
    ``app.identifiers.birth_country_name`` too.)"""
    if not code:
        return None
    country = birth_country_name(code)
    if country:
        return _pick(_WORDS, "birth_country", lang), f"{country} ({code})"
    kind = "country_code" if code.startswith("99") else "commune_code"
    return _pick(_WORDS, "birth_place", lang), _WORDS.tr_in(kind, lang, code=code)


def history_words(event: dict[str, object], lang: str) -> str:
    """One row of a case's history (``Store.history``) in words: ``Brouillon → Prêt (dossier complet)``."""
    to_state, from_state = event.get("to_state"), event.get("from_state")
    if to_state:
        before = f"{_pick(M.STATE_NAMES, str(from_state), lang)} → " if from_state else ""
        what = before + _pick(M.STATE_NAMES, str(to_state), lang)
    else:
        kind = str(event.get("kind") or "")
        what = _pick(_HISTORY, kind if kind in _HISTORY else "event", lang)
    detail = str(event.get("detail") or "")
    if detail in _HISTORY:
        what += f" ({_pick(_HISTORY, detail, lang)})"
    # Anything else (Task/<id>, "Task in-progress", "sending") is the machinery's, not the reader's.
    return what


_LEVEL = Catalogue(
    "report levels",
    {
        "ok": {"fr": "bon", "en": "good"},
        "warning": {"fr": "À vérifier", "en": "Check"},
        "blocking": {"fr": "Insuffisant", "en": "Insufficient"},
    },
)


def _pick(table: Catalogue, key: str, lang: str) -> str:
    return table.tr_in(key, lang) if key in table else key


class T:
    """The report's words in one language, fitted to the font in use."""

    def __init__(self, lang: str, fonts: Fonts) -> None:
        self.lang = lang
        self._fonts = fonts

    def __call__(self, key: str, /, **params: object) -> str:
        text = self._spaced(_pick(_WORDS, key, self.lang))
        return text.format(**params) if params else text

    def count(self, key: str, count: int, /, **params: object) -> str:
        """The sentence ``key`` about ``count`` things, singular or plural."""
        text = self._spaced(_WORDS.tr_in_count(key, self.lang, count))  # the template: its fields come after
        return text.format(**params) if params else text

    def _spaced(self, text: str) -> str:
        """The report's own French words with French spacing (app.french; the fields' words, a patient's, the
        expert's, are put in after and left as given). The catalogue keeps plain spaces: ``case show`` prints
        some of its sentences, as docs/cli.md quotes them."""
        return french_spaced(text) if self.lang == "fr" else text

    def fit(self, text: str) -> str:
        return self._fonts.text(text)

    def state(self, state: str) -> str:
        return _pick(M.STATE_NAMES, state, self.lang)

    def specialty(self, specialty: str) -> str:
        return _pick(M.SPECIALTY_NAMES, specialty, self.lang)

    def level(self, level: str) -> str:
        return level_words(level, self.lang)


#: The formats whose name is not their MIME subtype in capitals.
_FORMAT_NAMES = {
    "jpg": "JPEG",
    "pjpeg": "JPEG",
    "quicktime": "QuickTime",
    "webp": "WebP",
    "mpeg": "MPEG",
    "x-msvideo": "AVI",
    "x-matroska": "MKV",
    "msword": "Word",
    "vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
}


def format_name(content_type: str) -> str:
    """The format a file's MIME type names, as written for people (``image/jpeg``: « JPEG »), or ''
    when it has no short name (``application/vnd.oasis.opendocument.text``)."""
    sub = content_type.partition(";")[0].strip().lower().partition("/")[2]
    if sub in _FORMAT_NAMES:
        return _FORMAT_NAMES[sub]
    sub = sub.removeprefix("x-")
    return sub.upper() if sub.isalnum() and len(sub) <= 5 else ""


def kind_words(content_type: str, lang: str) -> str:
    """A file's kind in ``lang`` as a nurse or a GP reads it (« vidéo MP4 »), for its MIME type: the paper
    printed « video/mp4 », what a program reads."""
    main = content_type.partition(";")[0].strip().lower().partition("/")[0]
    name = format_name(content_type)
    if name == "PDF":
        return _pick(_WORDS, "kind.pdf", lang)
    if name == "DICOM":
        return _pick(_WORDS, "kind.image", lang).format(format=name)
    if main == "text":
        return _pick(_WORDS, "kind.web" if name in ("HTML", "XHTML") else "kind.text", lang)
    if name and main in ("image", "video", "audio"):
        return _pick(_WORDS, f"kind.{main}", lang).format(format=name)
    if name:
        return _pick(_WORDS, "kind.file", lang).format(format=name)
    return _pick(_WORDS, "kind.unknown", lang)


def level_words(level: str, lang: str) -> str:
    """An image's quality verdict as the report says it (``bon``, ``À vérifier``, ``Insuffisant``)."""
    return _pick(_LEVEL, level, lang)


def sex_words(sex: str, lang: str) -> str:
    return _pick(M.SEX_NAMES, sex, lang)


def view_words(image: CaseImage, lang: str) -> str:
    """Body site, eye and view of an image, as a reader says them (``dos, vue rapprochée``)."""
    parts = [image.body_site.strip()]
    if image.eye:
        parts.append(_pick(_EYE, image.eye, lang))
    if image.view:
        parts.append(_pick(_VIEW, image.view, lang))
    label = ", ".join(part for part in parts if part)
    return label or _pick(_WORDS, "unlabelled", lang)


def eye_check_words(image: CaseImage, lang: str) -> str | None:
    """« œil à vérifier » for a retinograph whose optic disc lies on the other eye's side
    (``app.validation.eye_side``), whatever the case's state: sent, the expert's advice may rest on it."""
    return _pick(_WORDS, "eye_to_check", lang) if looks_like(image) else None


def quality_said(image: CaseImage) -> list[QualityFinding]:
    """The image's findings a reader is told (all but ``ok``), but for the device's patient compared at its
    import once the device's identity is kept with the image: :func:`other_patient_words` compares it with
    the case's identity as it is (typed, or corrected, after the import)."""
    return [
        f
        for f in image.quality
        if f.level != "ok" and not (f.check == OTHER_PATIENT_CHECK and image.device_patient is not None)
    ]


def other_patient_words(image: CaseImage, patient: Patient, lang: str) -> str | None:
    """That the device recorded the image for another patient than ``patient`` (the case's as it is now),
    whatever the case's state: the report and ``case show`` keep it on its image once sent. Names nobody.
    ``None`` for an image imported before the device's identity was kept (its finding says it)."""
    if image.device_patient is None or not recorded_for_another(image, patient):
        return None
    return quality_words.words("patient.other", None, lang)


def names_only_words(image: CaseImage, patient: Patient, lang: str) -> str | None:
    """That the image's device wrote the case's names only, without a birth date, an INS nor the site's file
    number (``app.validation.names_only_image``): its identity not confirmed by the device, whatever the
    case's state (found from outside: said by the checklist and before sending, then by nothing once the
    case was looked at again, its report printed). Names nobody. ``None`` otherwise."""
    if not names_only_image(image, patient):
        return None
    return _pick(_WORDS, "names_only", lang)


def conversation_words(
    messages: list[Message], lang: str, images: Sequence[CaseImage] = ()
) -> tuple[str, list[tuple[str, str, str]]]:
    """The conversation with the expert as the report and ``case show`` say it: its title, then for each
    message, oldest first, when, who (the expert or the requester) and what it says (a withdrawn one said
    so, its words kept on the record only; a reply that did not reach the expert, not sent yet or refused by
    the platform, said so before its words: filed in the record, it read as one the expert had). A reply
    with images says after its words how many, and which of the case's ``images`` (numbered as they are
    listed) with where they were taken."""
    from app.case_record import message_words

    numbered = {image.id: (n, image) for n, image in enumerate(images, start=1)}
    rows = []
    for m in messages:
        text = _pick(_WORDS, "message_withdrawn", lang) if m.withdrawn else message_words(m, lang)
        if m.direction == "to-expert" and m.state in ("queued", "refused"):
            text = _pick(_WORDS, "reply_" + m.state, lang) + "\n" + (text or "—")
        joined = [numbered[i] for i in dict.fromkeys(m.image_ids) if i in numbered]
        if joined:
            which = [_WORDS.tr_in("reply_image", lang, n=n, label=_joined_label(image, lang)) for n, image in joined]
            said = _WORDS.tr_in_count(
                "reply_images",
                lang,
                len(joined),
                count=len(joined),
                which=(" ; " if lang == "fr" else "; ").join(which),
            )
            text = (text or "—") + "\n" + said
        who = _pick(_WORDS, "from_expert" if m.direction == "from-expert" else "from_requester", lang)
        rows.append((moment_words(m.sent_at or m.created_at, lang), who, text))
    return _pick(_WORDS, "conversation", lang), rows


def _joined_label(image: CaseImage, lang: str) -> str:
    """Where an image joined to a reply was taken, and its eye to check, as its page's title says them."""
    check = eye_check_words(image, lang)
    label = view_words(image, lang)
    return f"{label} — {check}" if check else label


def _utc_words(offset: timedelta | None) -> str:
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def camera_clock_words(image: CaseImage, lang: str) -> str | None:
    """The time as the device's clock wrote it, with its zone, when that zone is not the workstation's then:
    the window's warning of a photo of an earlier session says that clock (as the import lists the photos),
    the report's times are the workstation's. Found by a tester: one HEIC « prise le 11/04/2021 15:47 » in
    the window, « 20:47 » in the PDF, nothing said of why. ``None`` for a still taken here (stored in UTC),
    a time without its zone, or a device on the workstation's zone."""
    if image.taken_here or image.time_unknown or len(image.captured_at) <= 10:
        return None
    try:
        taken = datetime.fromisoformat(image.captured_at)
    except ValueError:
        return None
    offset = taken.utcoffset()
    if offset is None or offset == taken.astimezone().utcoffset():
        return None
    same_day = taken.date() == taken.astimezone().date()
    when = f"{taken:%H:%M}" if same_day else f"{date_words(taken.date().isoformat(), lang)} {taken:%H:%M}"
    return _pick(_WORDS, "camera_clock", lang).format(when=when, zone=_utc_words(offset))


def zone_words() -> str:
    """The workstation's time zone as a reader checks it: its offset from UTC now, and its name."""
    now = clock.now()
    utc = _utc_words(now.utcoffset())
    name = now.tzname() or ""
    return f"{utc}, {name}" if name and name != "UTC" and not name.startswith(("+", "-")) else utc
