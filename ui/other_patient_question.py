"""Asked before an image its device recorded for another patient leaves for the expert.

Found from outside (a tester playing a nurse): a retinograph the device had filed under another patient
(another name, first given name, birth date, sex or INS than the case's) was said « à vérifier » in the
checklist, and « Envoyer à l'expert » (or « Envoyer la réponse », with it joined) sent it in one click: a
wrong-patient image reaching the expert is a patient-safety event and a breach of secrecy. The check is a
warning (``app.validation.other_patient``): a name mistyped on the device is the same patient, so sending
stays possible, once the nurse has checked the identity. Asked before a case is queued (``ui.case_page``)
and before a reply with images (``ui.follow_view``), before the eye's question.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from app.device_patient import recorded_words
from app.i18n import date_words
from app.model import CaseImage, Patient
from app.validation import names_only_image, recorded_for_another
from ui.eye_side_question import sent_once_asked

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def send_despite_other_patient(parent: QWidget, patient: Patient, images: Sequence[tuple[str, CaseImage]]) -> bool:
    """Whether to send: ``True`` at once when no image of ``images`` (numbered as the user reads them:
    « 2 », « 1 (OD.dcm) ») was recorded by its device for another patient; else only when the user
    answers « C'est bien ce patient, envoyer » (checking is the default, and what Échap or closing the
    question does). Each image is said with whom the device recorded it for, beside the case's patient:
    the window is the nurse's, and she compares them."""
    doubted = [(number, image) for number, image in images if recorded_for_another(image, patient)]
    names_only = [(number, image) for number, image in images if names_only_image(image, patient)]
    if not doubted and not names_only:
        return True
    case_words = ", ".join(part for part in (patient.shown_name(), date_words(patient.birth_date)) if part)
    who = case_words or QCoreApplication.translate("OtherPatient", "le patient de ce dossier")
    if not doubted:
        return _send_despite_names_only(parent, patient, names_only, who)
    # The images a device recorded for the same other patient are said in one sentence: eight photos of a
    # device still on the patient before were eight paragraphs, the question taller than a 1366 × 768
    # screen at 150 %, its two buttons under the screen's edge.
    groups: dict[str, list[str]] = {}
    for number, image in doubted:
        recorded = recorded_words(image.device_patient) if image.device_patient is not None else ""
        groups.setdefault(recorded, []).append(number)
    lines = []
    for recorded, numbers in groups.items():
        several = len(numbers) > 1
        n = numbers_words(numbers)
        if recorded and several:
            line = QCoreApplication.translate(
                "OtherPatient",
                "Les images {n} ont été enregistrées par l'appareil pour {recorded}, et non pour {patient}, le "
                "patient du dossier.",
            ).format(n=n, recorded=recorded, patient=who)
        elif recorded:
            line = QCoreApplication.translate(
                "OtherPatient",
                "L'image {n} a été enregistrée par l'appareil pour {recorded}, et non pour {patient}, le patient "
                "du dossier.",
            ).format(n=n, recorded=recorded, patient=who)
        elif several:  # imported before the device's identity was kept: only their doubt is known
            line = QCoreApplication.translate(
                "OtherPatient",
                "Les images {n} ont été enregistrées par l'appareil pour un autre patient que {patient} : nom, "
                "prénom, date de naissance, sexe ou INS différents de ceux du dossier.",
            ).format(n=n, patient=who)
        else:
            line = QCoreApplication.translate(
                "OtherPatient",
                "L'image {n} a été enregistrée par l'appareil pour un autre patient que {patient} : nom, prénom, "
                "date de naissance, sexe ou INS différents de ceux du dossier.",
            ).format(n=n, patient=who)
        lines.append(line)
    lines += _names_only_lines(patient, names_only, who)
    text = "\n\n".join(lines) + "\n\n"
    text += QCoreApplication.translate(
        "OtherPatient",
        "Envoyée, l'expert lirait l'image d'un autre patient sous le nom de celui-ci. Vérifiez sur l'appareil "
        "à qui elle appartient. Si elle n'est pas de ce patient, supprimez-la. Si c'est bien lui (un nom mal "
        "saisi sur l'appareil), vous pouvez envoyer.",
    )
    return _asked(parent, text)


def _names_only_lines(patient: Patient, images: Sequence[tuple[str, CaseImage]], who: str) -> list[str]:
    """A line for each image whose device wrote the case's names only (no birth date, INS nor the site's
    file number): said with what it wrote, beside the case's patient."""
    female = patient.sex == "female"
    lines = []
    for number, image in images:
        recorded = recorded_words(image.device_patient) if image.device_patient is not None else ""
        if female:
            line = QCoreApplication.translate(
                "OtherPatient",
                "L'image {n} a été enregistrée par l'appareil au seul nom de {recorded}, sans date de naissance "
                "ni INS à comparer avec ceux du dossier : le nom seul ne dit pas que c'est {patient}, la patiente "
                "du dossier (une mère et sa fille peuvent porter les mêmes noms).",
            )
        else:
            line = QCoreApplication.translate(
                "OtherPatient",
                "L'image {n} a été enregistrée par l'appareil au seul nom de {recorded}, sans date de naissance "
                "ni INS à comparer avec ceux du dossier : le nom seul ne dit pas que c'est {patient}, le patient "
                "du dossier (un père et son fils peuvent porter les mêmes noms).",
            )
        lines.append(line.format(n=number, recorded=recorded, patient=who))
    return lines


def _send_despite_names_only(
    parent: QWidget, patient: Patient, images: Sequence[tuple[str, CaseImage]], who: str
) -> bool:
    """:func:`send_despite_other_patient` when each image doubted has only the case's names from its
    device: it may be hers, which the nurse checks on the device (« Dossier de l'appareil » holds such a
    file unticked)."""
    text = "\n\n".join(_names_only_lines(patient, images, who)) + "\n\n"
    text += QCoreApplication.translate(
        "OtherPatient",
        "Envoyée, l'expert lirait peut-être l'image d'un autre patient sous le nom de celui-ci. Vérifiez sur "
        "l'appareil à qui elle appartient. Si elle n'est pas de ce patient, supprimez-la. Si c'est bien lui, "
        "vous pouvez envoyer.",
    )
    return _asked(parent, text)


def send_despite_earlier_photos(parent: QWidget, said: Sequence[str], *, reply: bool = False) -> bool:
    """Whether to send: ``True`` at once when ``said`` (the checklist's words of each photo that looks taken
    in an earlier session, ``app.validation.taken_earlier``) is empty; else only when the nurse answers
    « C'est bien ce patient, envoyer » (checking is the default, and what Échap or closing the question
    does). Found from outside: a photo taken in 2005 was said once, under the capture panel, at its import,
    and the case left in one click, unlike another patient's image or an eye to check. ``reply``: photos
    joined to a reply, which has « Retirer » where the case has « Supprimer » (found from outside)."""
    if not said:
        return True
    if reply:
        advice = QCoreApplication.translate(
            "OtherPatient",
            "Envoyée, l'expert lirait peut-être la photo d'un autre patient sous le nom de celui-ci. Si elle "
            "n'est pas de ce patient, retirez-la de la réponse. Si c'est bien lui (une photo ancienne jointe pour "
            "comparer, ou l'horloge de l'appareil mal réglée), vous pouvez envoyer.",
        )
    else:
        advice = QCoreApplication.translate(
            "OtherPatient",
            "Envoyée, l'expert lirait peut-être la photo d'un autre patient sous le nom de celui-ci. Si elle "
            "n'est pas de ce patient, supprimez-la. Si c'est bien lui (une photo ancienne jointe pour comparer, "
            "ou l'horloge de l'appareil mal réglée), vous pouvez envoyer.",
        )
    return _asked(
        parent, _said_then(said, advice), QCoreApplication.translate("OtherPatient", "Photo d'une séance précédente ?")
    )


def send_despite_photos_elsewhere(parent: QWidget, said: Sequence[str]) -> bool:
    """Whether to send: ``True`` at once when ``said`` (the checklist's words of each photo also in another
    patient's case, ``app.validation.image_elsewhere``) is empty; else only when the nurse answers « C'est
    bien ce patient, envoyer » (checking is the default, and what Échap or closing the question does). Found
    from outside: a case file's retinograph already in another patient's case was said in the checklist
    only, and the case left in one click, unlike an image its device recorded for another patient."""
    if not said:
        return True
    advice = QCoreApplication.translate(
        "OtherPatient",
        "Envoyée, l'expert lirait peut-être la photo d'un autre patient sous le nom de celui-ci. Si elle n'est "
        "pas de ce patient, supprimez-la. Si c'est bien lui, vous pouvez envoyer.",
    )
    return _asked(parent, _said_then(said, advice))


def _said_then(said: Sequence[str], advice: str) -> str:
    """The question's text: what the checklist said of each photo, then what to do."""
    return "\n\n".join(said) + "\n\n" + advice


def _asked(parent: QWidget, text: str, title: str | None = None) -> bool:
    """Whether the nurse sends, asked ``text`` (« Vérifier les images » the default): the same question
    for an image of another patient, for one under the case's names alone (``title`` « Image d'un autre
    patient ? » by default) and for a photo of an earlier session."""
    return sent_once_asked(
        parent,
        title or QCoreApplication.translate("OtherPatient", "Image d'un autre patient ?"),
        text,
        check=QCoreApplication.translate("OtherPatient", "Vérifier les images"),
        send=QCoreApplication.translate("OtherPatient", "C'est bien ce patient, envoyer"),
    )


def numbers_words(numbers: Sequence[str]) -> str:
    """« 1 », « 1 et 2 », « 1, 2 et 3 »: the images' numbers as a sentence says them."""
    if len(numbers) == 1:
        return numbers[0]
    return QCoreApplication.translate("OtherPatient", "{first} et {last}").format(
        first=", ".join(numbers[:-1]), last=numbers[-1]
    )
