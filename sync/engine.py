"""The outbox worker: sends queued cases and replies, then follows the cases at the platform.

Qt-free; the CLI runs it directly and the window wraps it in a QThread, forwarding the progress
listener to signals. A send job is split as house style wants: ``SendJob.prepare()`` builds and
validates the whole FHIR bundle without a network, ``SendJob.run()`` does the I/O.

Each case goes its own way: a transient fault postpones that case (backoff, no limit in count),
a permanent refusal puts it in needs-attention, and the next case is served either way. Every
step is recorded (app/outbox.py) before the next one is taken; after a restart the job resumes
from the last recorded step, and a transaction that may have reached the platform is looked up
by identifier before it is sent again. Only one engine works on a data directory at a time (a
lock file), so a case is never in flight twice.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from app import audit, blobs
from app import messages as M
from app.errors import DataAltered, InvalidTransition, StorageError, TeleavisError
from app.findings import Finding
from app.fsutil import disk_full
from app.i18n import decimal_words
from app.model import (
    CHECKS_VERSION,
    NOT_CHECKED_KEY,
    Case,
    CaseImage,
    CaseState,
    Message,
    Patient,
    QualityFinding,
    iso,
    name_key,
    utc_now,
)
from app.outbox import (
    CHECKLIST_REFUSED,
    REPLY_ASKED_WAIT,
    REPLY_OWN_WAIT,
    REPLY_POSTING,
    REPLY_RETRY,
    STEP_IMAGES,
    STEP_TRANSACTION,
    STOPPED_HERE,
    Outbox,
)
from app.site import load_requester
from app.store import HELD_BY_PLATFORM, TRAINING, Store
from app.validation import blocking
from sync.auth import SignInRequired
from sync.client import (
    OffPlatform,
    PermanentFault,
    PlatformClient,
    Stopped,
    TransientFault,
    TusRefused,
    fault_for_console,
    fault_for_log,
)
from sync.codes import MESSAGE_SYSTEM
from sync.follow import (
    Follower,
    PhotoRefused,
    change_record,
    count_in_record,
    find_task,
    forget_in_record,
    kept_record,
    reply_photo_refused,
)
from sync.frcore import held_only_as_billing_number, may_hold_identifier, traits_complete
from sync.mapping import (
    MappingError,
    PreparedCase,
    is_fhir_id,
    location_id,
    patient_identifier,
    prepare_case,
    prepare_reply,
    token_value,
    validate_bundle,
)
from sync.on_behalf import record_on_behalf
from sync.progress import NullListener, ProgressListener
from sync.reduced import PHOTO_TYPES, CopySent, copy_to_send, estimated_copy_size, mark_copies
from sync.training import poll_interval, training_mode

log = logging.getLogger(__name__)

#: Before any moment kept: the first due of a case whose replies were never postponed.
_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)

#: image id -> the passes in a row its file failed to be read (a disk's error, :func:`app.blobs.not_read`),
#: kept in the store as the replies' waits are (a ``sync --once`` from cron is a new process each time).
READ_FAULTS = "sync.read_faults"
#: The passes at which a disk fails to read an image's file before its case (or its reply) is held for the
#: user: a bad sector is sometimes read at another try, a USB disk or a network share comes back; one that
#: fails three passes running (minutes apart, the backoff growing) will not get better by itself.
READ_TRIES = 3
#: The least wait before such a file is tried again, doubling at each failure (the retry policy's cap when lower):
#: found in review, the cut link's backoff from a case's first try (half a second, a second or two) put the three
#: passes within about three seconds in the window's loop, and a network share or a USB disk back within a minute
#: left the case held all the same, saying the disk may be failing.
READ_WAIT_S = 60.0

M.add(
    {
        "sync.no_site": {
            "fr": "Le site n'est pas configuré : lancez « teleavis init --site site.json ».",
            "en": "The site is not set up: run “teleavis init --site site.json”.",
        },
        "sync.busy": {
            "fr": "Une autre synchronisation de Teleavis tourne déjà sur ces données : la fenêtre de Teleavis "
            "ouverte, ou une autre commande « teleavis sync ». C'est elle qui envoie les dossiers et relève les "
            "réponses : rien n'est perdu, il n'y a rien à faire. Relancez cette commande une fois la fenêtre "
            "fermée ou l'autre synchronisation finie, si besoin.",
            "en": "Another Teleavis sync is already running on this data: the open Teleavis window, or another "
            "“teleavis sync” command. It sends the cases and fetches the answers: nothing is lost, there is "
            "nothing to do. Run this command again once the window is closed or the other sync has ended, if "
            "need be.",
        },
        "sync.too_large_photo": {
            "fr": "l'image {n} ({mb} Mo) dépasse la taille acceptée par la plateforme. Envoyez le dossier en "
            "copies réduites (les originaux restent sur ce poste), ou retirez cette image.",
            "en": "image {n} ({mb} MB) is over the size the platform accepts. Send the case as reduced copies "
            "(the originals stay on this computer), or remove this image.",
        },
        # No resumable uploads, and a link that drops every connection before a photo has crossed it whole
        # (a satellite link cut every 20 s): the platform answers, but this photo never arrives.
        "sync.cut_before_whole": {
            "fr": "La liaison se coupe avant que l'image {n} ({mb} Mo) arrive entière, et la plateforme ne sait "
            "pas reprendre un envoi coupé. Le dossier reste en attente, rien n'est perdu ; nouvel essai "
            "automatique. Pour qu'il parte : « Envoyer des copies réduites » (les originaux restent sur ce "
            "poste), ou envoyez-le depuis une connexion plus stable.",
            "en": "The link drops before image {n} ({mb} MB) arrives whole, and the platform cannot resume a cut "
            "upload. The case waits, nothing is lost; retrying automatically. To get it through: « Send reduced "
            "copies » (the originals stay on this computer), or send it from a steadier connection.",
        },
        # (Its copy already reduced, or a reply's photo: no other way offered here.)
        "sync.cut_before_whole_reduced": {
            "fr": "La liaison se coupe avant que l'image {n} ({mb} Mo) arrive entière, et la "
            "plateforme ne sait pas reprendre un envoi coupé. Le dossier reste en attente, rien n'est perdu ; "
            "nouvel essai automatique. Pour qu'il parte : envoyez-le depuis une connexion plus stable.",
            "en": "The link drops before image {n} ({mb} MB) arrives whole, and the platform "
            "cannot resume a cut upload. The case waits, nothing is lost; retrying automatically. To get it "
            "through: send it from a steadier connection.",
        },
        "sync.too_large": {
            "fr": "l'image {n} ({mb} Mo) dépasse la taille acceptée par la plateforme. Retirez-la, ou "
            "exportez-la à nouveau de l'appareil en plus petit.",
            "en": "image {n} ({mb} MB) is over the size the platform accepts. Remove it, or export it again "
            "from the device in a smaller size.",
        },
        "sync.too_large_reply_photo": {
            "fr": "l'image {n} ({mb} Mo) dépasse la taille acceptée par la plateforme : elle est retirée de votre "
            "réponse. Joignez-la de nouveau pour l'envoyer en copie réduite (l'original reste sur ce poste).",
            "en": "image {n} ({mb} MB) is over the size the platform accepts: it is taken off your reply. Join it "
            "again to send it as a reduced copy (the original stays on this computer).",
        },
        "sync.too_large_reduced": {
            "fr": "l'image {n} ({mb} Mo) dépasse la taille acceptée par la plateforme, même réduite. "
            "Retirez-la (dans la fenêtre du dossier), ou reprenez la photo en plus petite définition.",
            "en": "image {n} ({mb} MB) is over the size the platform accepts, even reduced. Remove it (in the "
            "case's window), or take the photo again at a lower resolution.",
        },
        # An image's file gone or damaged here (deleted from the data folder, a disk's fault): by its number in
        # the case, never a name; its case (or its reply) waits for the nurse, the others go.
        "sync.image_unreadable": {
            "fr": "le fichier de l'image {n} est introuvable ou abîmé sur ce poste : le dossier n'est pas parti. "
            "Reprenez cette image ou retirez-la (dans la fenêtre du dossier), puis envoyez le dossier de nouveau. "
            "Le reste du dossier est intact.",
            "en": "the file of image {n} is missing or damaged on this computer: the case has not left. Take this "
            "image again or remove it (in the case's window), then send the case again. The rest of the case is "
            "intact.",
        },
        "sync.reply_image_unreadable": {
            "fr": "Votre réponse à l'expert n'est pas partie : le fichier de l'image {n}, jointe à la réponse, est "
            "introuvable ou abîmé sur ce poste. Ses mots et ses autres images sont revenus dans la réponse à écrire, "
            "cette image retirée de la réponse : reprenez la photo et joignez-la de nouveau s'il le faut, puis "
            "envoyez la réponse de nouveau.",
            "en": "Your reply to the expert has not left: the file of image {n}, joined to the reply, is missing or "
            "damaged on this computer. Its words and its other images are back in the reply to write, this image "
            "taken off the reply: take the photo again and join it again if need be, then send the reply again.",
        },
        # A reply's photo the reply's checks refuse as it is sent (``sync.follow.reply_photo_refused``: queued by an
        # older release, or before a rule was tightened): taken off the reply begun, its words back to her.
        "sync.reply_image_unusable": {
            "fr": "Votre réponse à l'expert n'est pas partie\u00a0: l'image {n}, jointe à la réponse, est inutilisable "
            "({reason}). Rien n'est perdu\u00a0: ses mots et ses autres images sont revenus dans la réponse à écrire, "
            "cette image retirée de la réponse. Reprenez une photo nette et joignez-la, puis envoyez la réponse de "
            "nouveau.",
            "en": "Your reply to the expert has not left: image {n}, joined to the reply, is unusable ({reason}). "
            "Nothing is lost: its words and its other images are back in the reply to write, this image taken off "
            "the reply. Take a sharp photo and join it, then send the reply again.",
        },
        "sync.reply_image_unplaced": {
            "fr": "Votre réponse à l'expert n'est pas partie\u00a0: l'image {n}, jointe à la réponse, ne dit pas où "
            "elle a été prise (l'œil, ou la zone du corps), et l'expert doit le savoir. Rien n'est perdu\u00a0: ses "
            "mots et ses autres images sont revenus dans la réponse à écrire, cette image retirée de la réponse. "
            "Reprenez la photo et joignez-la en indiquant où elle a été prise, puis envoyez la réponse de nouveau.",
            "en": "Your reply to the expert has not left: image {n}, joined to the reply, does not say where it was "
            "taken (the eye, or the body site), and the expert must know it. Nothing is lost: its words and its other "
            "images are back in the reply to write, this image taken off the reply. Take the photo again and join it "
            "saying where it was taken, then send the reply again.",
        },
        # An image's file there but not read: its access refused (its rights changed: someone must give it back,
        # held at once), or the disk's error (tried again at the next passes, held after READ_TRIES of them).
        "sync.image_access_refused": {
            "fr": "l'accès au fichier de l'image {n} est refusé sur ce poste (ses droits ont été changés) : le "
            "dossier n'est pas parti, rien n'est perdu. Faites rétablir l'accès au dossier de données de Teleavis "
            "par le support informatique, puis envoyez le dossier de nouveau ; ou reprenez cette image ou "
            "retirez-la (dans la fenêtre du dossier).",
            "en": "access to the file of image {n} is refused on this computer (its permissions were changed): the "
            "case has not left, nothing is lost. Have IT support give back access to Teleavis's data folder, then "
            "send the case again; or take this image again or remove it (in the case's window).",
        },
        "sync.image_read_retry": {
            "fr": "le fichier de l'image {n} n'a pas pu être lu sur ce poste (erreur de lecture du disque) : nouvel "
            "essai plus tard, rien n'est perdu.",
            "en": "the file of image {n} could not be read on this computer (disk read error): it will be tried "
            "again later, nothing is lost.",
        },
        "sync.image_disk_error": {
            "fr": "le fichier de l'image {n} n'a pas pu être lu sur ce poste, à plusieurs essais (erreur de lecture "
            "du disque) : le dossier n'est pas parti. Prévenez le support informatique (le disque est peut-être "
            "abîmé). Reprenez cette image ou retirez-la (dans la fenêtre du dossier), puis envoyez le dossier de "
            "nouveau.",
            "en": "the file of image {n} could not be read on this computer, at several tries (disk read error): "
            "the case has not left. Call IT support (the disk may be failing). Take this image again or remove it "
            "(in the case's window), then send the case again.",
        },
        "sync.reply_image_read_retry": {
            "fr": "Le fichier de l'image {n}, jointe à la réponse, n'a pas pu être lu sur ce poste (erreur de "
            "lecture du disque) : nouvel essai plus tard.",
            "en": "The file of image {n}, joined to the reply, could not be read on this computer (disk read "
            "error): it will be tried again later.",
        },
        "sync.reply_image_access_refused": {
            "fr": "Votre réponse à l'expert n'est pas partie : l'accès au fichier de l'image {n}, jointe à la "
            "réponse, est refusé sur ce poste (ses droits ont été changés ; prévenez le support informatique). Ses "
            "mots et ses autres images sont revenus dans la réponse à écrire, cette image retirée de la réponse : "
            "reprenez la photo et joignez-la de nouveau s'il le faut, puis envoyez la réponse de nouveau.",
            "en": "Your reply to the expert has not left: access to the file of image {n}, joined to the reply, is "
            "refused on this computer (its permissions were changed; call IT support). Its words and its other "
            "images are back in the reply to write, this image taken off the reply: take the photo again and join "
            "it again if need be, then send the reply again.",
        },
        "sync.reply_image_disk_error": {
            "fr": "Votre réponse à l'expert n'est pas partie : le fichier de l'image {n}, jointe à la réponse, n'a "
            "pas pu être lu sur ce poste, à plusieurs essais (erreur de lecture du disque ; prévenez le support "
            "informatique). Ses mots et ses autres images sont revenus dans la réponse à écrire, cette image retirée "
            "de la réponse : reprenez la photo et joignez-la de nouveau s'il le faut, puis envoyez la réponse de "
            "nouveau.",
            "en": "Your reply to the expert has not left: the file of image {n}, joined to the reply, could not be "
            "read on this computer, at several tries (disk read error; call IT support). Its words and its other "
            "images are back in the reply to write, this image taken off the reply: take the photo again and join "
            "it again if need be, then send the reply again.",
        },
        "sync.other_patient": {
            "fr": "la plateforme a déjà, sous ce même {what}, un patient dont le nom, le prénom, la date de "
            "naissance ou le sexe diffère : le dossier n'est pas parti (il serait classé chez ce patient). "
            "Vérifiez l'identité et le numéro ; s'ils sont justes, voyez avec la plateforme (identitovigilance).",
            "en": "the platform already holds, under this same {what}, a patient whose name, first name, birth "
            "date or sex differs: the case was not sent (it would be filed under that patient). Check the "
            "identity and the number; if they are right, see the platform (identity vigilance).",
        },
        "sync.refused_yet_kept": {
            "fr": "la plateforme a répondu en refusant cet envoi, mais elle a bien enregistré la demande : elle "
            "est suivie comme envoyée (la réponse et les questions de l'expert arriveront ici) et ne sera pas "
            "envoyée une seconde fois. Voyez avec la plateforme ce qu'elle en a gardé. Ce qu'elle a dit : {words}",
            "en": "the platform answered by refusing this sending, yet it did record the request: it is followed "
            "as sent (the expert's answer and questions will come here) and will not be sent a second time. "
            "See with the platform what it kept of it. What it said: {words}",
        },
        # A case corrected after a refusal and sent again, whose sending found the Task of its first posting:
        # what the expert reads is the version before; what the nurse can do (``case cancel`` while the Task is
        # requested or received; a reply only to the expert's question).
        "sync.first_version_kept": {
            "fr": "La plateforme avait déjà enregistré la première version de ce dossier : vos corrections ne sont "
            "pas parties. L'expert voit la version d'avant. Si elles comptent : tant que l'expert n'a pas pris le "
            "dossier, faites-le annuler (commande « teleavis case cancel {id} », ou en le demandant à la "
            "plateforme), puis faites un nouveau dossier ; sinon, dites-les à l'expert en répondant à sa question "
            "s'il vous en pose une, ou voyez avec la plateforme.",
            "en": "The platform had already recorded the first version of this case: your corrections have not "
            "left. The expert sees the version before them. If they matter: while the expert has not taken the "
            "case, have it cancelled (the command 'teleavis case cancel {id}', or by asking the platform), then "
            "make a new case; otherwise, tell the expert by answering their question if they ask one, or see with "
            "the platform.",
        },
        "sync.refused_yet_found": {
            "fr": "la plateforme avait refusé cet envoi, mais elle a bien enregistré la demande : elle est suivie "
            "comme envoyée.",
            "en": "the platform had refused this sending, yet it did record the request: it is followed as sent.",
        },
        "sync.what.ins": {"fr": "INS", "en": "INS"},
        "sync.billing_number_patient": {
            "fr": "la plateforme a déjà un patient qui porte cet INS comme numéro de sécurité sociale de "
            "facturation (celui d'un assuré : parent, conjoint) sans nom, prénom, date de naissance et sexe "
            "qui montrent que c'est lui : le dossier n'est pas parti (il serait classé chez ce patient). "
            "Voyez avec la plateforme (identitovigilance).",
            "en": "the platform already holds a patient carrying this INS as a billing social security number "
            "(an insured person's: a parent's, a spouse's) without the name, first name, birth date and sex "
            "that would show it is this patient: the case was not sent (it would be filed under that patient). "
            "See the platform (identity vigilance).",
        },
        "sync.reply_refused": {
            "fr": "La plateforme refuse la réponse à l'expert ({status}).",
            "en": "The platform refuses the reply to the expert ({status}).",
        },
        "sync.reply_refused_words": {
            "fr": "La plateforme refuse la réponse à l'expert ({status}) : {diagnostics} Elle n'est pas partie : "
            "ses mots sont revenus dans la réponse à écrire, corrigez-la puis envoyez-la de nouveau.",
            "en": "The platform refuses the reply to the expert ({status}): {diagnostics} It has not left: its "
            "words are back in the reply to write, correct it then send it again.",
        },
        "sync.reply_waiting": {
            "fr": "Votre réponse à l'expert n'est pas encore partie. {words}",
            "en": "Your reply to the expert has not left yet. {words}",
        },
        "sync.what.local_id": {"fr": "n° de dossier", "en": "file number"},
        "sync.queued_in_training": {
            "fr": "Préparé en mode formation, pour la plateforme d'essai : il n'a pas été envoyé à la plateforme "
            "réelle. Vérifiez le patient (identité réelle, consentement), puis envoyez-le à nouveau s'il doit partir.",
            "en": "Prepared in training mode, for the test platform: it was not sent to the real platform. Check "
            "the patient (real identity, consent), then send it again if it is meant to go.",
        },
        "sync.waits_for_real_platform": {
            "fr": "Prévu pour la plateforme réelle : il partira à la fin du mode formation (jamais vers la "
            "plateforme d'essai).",
            "en": "Meant for the real platform: it will leave when training mode ends (never to the test platform).",
        },
        "sync.reply_in_training": {
            "fr": "Réponse écrite en mode formation : elle n'est pas envoyée à la plateforme réelle.",
            "en": "Reply written in training mode: it is not sent to the real platform.",
        },
        # A full disk met by the sync, which works on its own: nothing for the nurse to do again (the
        # generic « ce dernier enregistrement n'a pas été fait … puis recommencez » said so), the way out
        # the other full disks give (app/messages), and that the sync takes it up again by itself.
        "sync.disk_full.case": {
            "fr": "Le disque est plein : l'envoi d'un dossier n'a pas pu être noté. Rien n'est perdu et rien ne "
            "partira en double : l'envoi reprendra de lui-même là où il en était. Libérez de la place (ou prévenez "
            "le support informatique), puis fermez Teleavis et rouvrez-le.",
            "en": "The disk is full: the sending of a case could not be recorded. Nothing is lost and nothing will "
            "go twice: the sending will resume by itself where it stood. Free some space (or call IT support), "
            "then close Teleavis and open it again.",
        },
        "sync.disk_full.reply": {
            "fr": "Le disque est plein : l'envoi de votre réponse à l'expert n'a pas pu être noté. Rien n'est perdu "
            "et elle ne partira pas en double : l'envoi reprendra de lui-même. Libérez de la place (ou prévenez le "
            "support informatique), puis fermez Teleavis et rouvrez-le.",
            "en": "The disk is full: the sending of your reply to the expert could not be recorded. Nothing is lost "
            "and it will not go twice: the sending will resume by itself. Free some space (or call IT support), "
            "then close Teleavis and open it again.",
        },
        "sync.disk_full": {
            "fr": "Le disque est plein : la synchronisation n'a pas pu enregistrer où elle en est. Rien n'est perdu "
            ": elle reprendra d'elle-même. Libérez de la place (ou prévenez le support informatique), puis fermez "
            "Teleavis et rouvrez-le.",
            "en": "The disk is full: the sync could not record where it stands. Nothing is lost: it will resume by "
            "itself. Free some space (or call IT support), then close Teleavis and open it again.",
        },
        # A queued case this release's checklist refuses (queued by an older release, or before the rules it
        # breaks were tightened): it comes back to the nurse, the checklist's lines after these words.
        "sync.checklist_refused": {
            "fr": "Ce dossier n'est pas parti\u00a0: il ne passe plus les vérifications faites avant l'envoi "
            "(depuis qu'il attend, une mise à jour de Teleavis ou un autre dossier de ce poste a pu changer ce "
            "qu'elles demandent). Rien n'est perdu. À corriger\u00a0:",
            "en": "This case has not left: it no longer passes the checks made before sending (while it waited, an "
            "update of Teleavis or another case on this computer may have changed what they ask). Nothing is lost. "
            "To correct:",
        },
        "sync.checklist_then": {
            "fr": "Ouvrez le dossier, corrigez ces points, puis envoyez-le de nouveau.",
            "en": "Open the case, correct these points, then send it again.",
        },
        # What an unattended command's output (and the notification) may print: no finding, which may quote
        # the patient's names or numbers.
        "sync.checklist_refused_said": {
            "fr": "Ce dossier n'est pas parti\u00a0: il ne passe plus les vérifications faites avant l'envoi. "
            "Rien n'est perdu. Ouvrez-le dans Teleavis pour voir quoi corriger, puis envoyez-le de nouveau.",
            "en": "This case has not left: it no longer passes the checks made before sending. Nothing is lost. "
            "Open it in Teleavis to see what to correct, then send it again.",
        },
        "sync.bug": {  # (a case's or a reply's)
            "fr": "Le dossier n'a pas pu être mis au format de la plateforme (erreur interne, détails dans le "
            "journal)\u00a0: rien n'est perdu, tout reste sur ce poste. Prévenez le support.",
            "en": "The case could not be put in the platform's format (internal error, details in the log): nothing "
            "is lost, it all stays on this computer. Call support.",
        },
    }
)


def _disk_full(exc: StorageError) -> bool:
    """Whether a store error is a write refused for want of space (SQLite's or an object's)."""
    return disk_full(exc) or exc.message == M.tr("storage.full")


#: The words of a full disk the engine already said in its own terms (not said over again).
_FULL_SAID = ("follow.disk_full", "sync.disk_full.case", "sync.disk_full.reply", "sync.disk_full", "auth.disk_full")


def _said_full(exc: StorageError) -> bool:
    return any(exc.message == M.tr(key) for key in _FULL_SAID)


def stopped_by_a_full_disk(exc: StorageError) -> bool:
    """Whether the engine stopped because the disk is full (said in its own words or not): once space
    is freed, a pass started again takes everything up where it was."""
    return _said_full(exc) or _disk_full(exc)


class ChecklistRefused(TeleavisError):
    """A queued case this release's checklist (``Store.checklist``, the one run before a case is queued)
    refuses: queued by an older release, or before the rules it breaks were tightened. It never leaves as it
    is; it comes back to the nurse with what to correct. ``message``: the case's words (its note, the window,
    ``case show``); ``said``: what an unattended command's output may print (the headline, no finding: a
    finding may quote the patient's names or numbers)."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        self.said = M.tr("sync.checklist_refused_said")
        lines = "\n".join(f"– {finding.message}" for finding in findings)
        super().__init__(f"{M.tr('sync.checklist_refused')}\n{lines}\n{M.tr('sync.checklist_then')}")


class ImageTooLarge(PermanentFault):
    """The platform refused an image over its size limit (413); ``reducible``: a photo not yet sent
    reduced, which a reduced copy (sync/reduced.py) may bring under the limit."""

    def __init__(
        self, image_id: str, position: int, size: int, *, reducible: bool, reduced: bool = False, photo: bool = False
    ) -> None:
        words = M.tr(
            "sync.too_large_photo" if reducible else "sync.too_large_reduced" if reduced else "sync.too_large",
            n=position,
            mb=decimal_words(size / 1e6),
        )
        super().__init__(words, status=413)
        self.image_id, self.reducible = image_id, reducible
        #: A photo sent whole (a reply's, joined again, goes reduced: app/reply_drafts.py ``refused_too_large``).
        self.whole_photo = photo and not reduced
        self.position, self.size = position, size


class ImageUnreadable(TeleavisError):
    """An image to send whose file is missing or damaged on this workstation (:func:`app.blobs.lost`): no
    sending makes it readable again, its case (or its reply) waits for the user, the others go. Found from
    outside: raised as the store's error, it stopped every pass at that case, the other cases, the replies
    and the answers held back behind it, for ever."""

    def __init__(self, image_id: str, position: int) -> None:
        super().__init__(f"image {image_id}: its file is missing or damaged here")
        self.image_id, self.position = image_id, position


class ImageNotRead(TeleavisError):
    """An image to send whose file is there but could not be read on this workstation: ``refused`` by its rights
    (:func:`app.blobs.refused`), else by the disk (:func:`app.blobs.not_read`). Found in review: raised as the
    store's error, it stopped every pass at that case, as a lost file did (:class:`ImageUnreadable`)."""

    def __init__(self, image_id: str, position: int, *, refused: bool) -> None:
        super().__init__(f"image {image_id}: its file could not be read here")
        self.image_id, self.position, self.refused = image_id, position, refused


def _image_bytes(store: Store, image: Any, position: int) -> bytes:
    """``store.image_bytes(image)``, its file lost for good said as :class:`ImageUnreadable`, one there but not
    read as :class:`ImageNotRead` (the disk's errors counted from pass to pass: ``Engine._not_read``)."""
    try:
        data = store.image_bytes(image)
    except StorageError as exc:
        if blobs.lost(exc):
            log.warning("image %s: its file is missing or damaged on this workstation, it cannot be sent", image.id)
            raise ImageUnreadable(image.id, position) from exc
        if blobs.refused(exc) or blobs.not_read(exc):
            why = getattr(exc.__cause__, "errno", None)
            log.warning("image %s: its file could not be read on this workstation (errno %s)", image.id, why)
            raise ImageNotRead(image.id, position, refused=blobs.refused(exc)) from exc
        raise
    forget_in_record(store, READ_FAULTS, image.id)  # (read: a disk's errors before it are forgotten)
    return data


@dataclass
class SyncSummary:
    sent: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    needs_attention: list[str] = field(default_factory=list)
    replies_sent: int = 0
    #: The platform holds this audit entry and the log here does not (app/audit.py): the log was
    #: cut or rewritten. Sync goes on; ``audit verify`` and ``status`` say it.
    audit_rewound: int | None = None

    def merge(self, other: SyncSummary) -> None:
        self.sent += other.sent
        self.answered += other.answered
        self.replies_sent += other.replies_sent
        self.audit_rewound = other.audit_rewound or self.audit_rewound
        self.waiting, self.needs_attention = other.waiting, other.needs_attention


class SyncLock:
    """An exclusive lock on ``<data dir>/sync.lock`` held while an engine runs (released by the OS on a crash)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "sync.lock"
        self._file: IO[bytes] | None = None

    def acquire(self, timeout_s: float = 0.0) -> None:
        handle = open(self.path, "a+b")  # noqa: SIM115 - held for the life of the engine
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                _lock_file(handle)
                self._file = handle
                return
            except OSError:
                if time.monotonic() >= deadline:
                    handle.close()
                    raise TeleavisError(M.tr("sync.busy")) from None
                time.sleep(0.1)

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _lock_file(handle: IO[bytes]) -> None:
    if sys.platform == "win32":  # pragma: no cover - Windows
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


#: An image judged again at its sending (``SendJob._judged_now``): its case, what it was judged from; the verdict.
JudgedKey = tuple[str, str, str, str, int, str, str]
Judged = tuple[list[QualityFinding], str]


def _judged_key(image: CaseImage, case: Case) -> JudgedKey:
    """What an image's verdict by this release's checks depends on: its bytes (by their hash), the case's
    specialty, and the older verdict and device it is judged again from (``capture.rechecks.checks_again``)."""
    return (image.id, case.id, image.sha1, case.specialty, image.checks, image.device, repr(image.quality))


def judged_now(store: Store, case: Case, judged: dict[JudgedKey, Judged], stopped: Callable[[], bool]) -> Case:
    """``case`` with its images judged by an older release's quality checks (``CaseImage.checks``) judged
    again by this release's, on their stored bytes, for the checklist: a photo they now refuse stops the case
    as it would have stopped it in the window (a reply's photos too, ``case`` holding only them: the reply's
    checks, ``sync.follow.reply_photo_refused``). In memory only: a queued case is not rewritten; back with the
    nurse, its page checks it again and writes it (``capture.rechecks``). An image whose file does not read
    is left as it is: its sending says so, in its own words. Stopped meanwhile, nothing goes unjudged.

    Each verdict is kept while its case or reply waits in the queue (``judged``, the engine's: by the image and
    its case, its bytes, the case's specialty and what it was judged from; forgotten once it leaves it): a case
    waiting offline is tried at every pass, and its photos' 100-600 ms each of decoding and checks, on the sync's
    thread, were made again every time for the same answer."""
    older = [image for image in case.images if image.checks < CHECKS_VERSION]
    if not older:
        return case
    verdicts = {image.id: judged[key] for image in older if (key := _judged_key(image, case)) in judged}
    readable: list[tuple[CaseImage, bytes | None]] = []
    for image in older:
        if image.id in verdicts:
            continue
        try:
            readable.append((image, store.image_bytes(image)))
        except StorageError:  # (DataAltered too: said at its upload, as for any case)
            continue
    if readable:
        from capture.rechecks import checks_again  # (OpenCV: loaded for such a case only)

        checked = checks_again(readable, case.specialty, stopped)
        if checked is None:
            raise Stopped
        for item in checked:
            verdict = (item.quality, item.modality)
            verdicts[item.image.id] = verdict
            if not any(finding.key == NOT_CHECKED_KEY for finding in item.quality):  # (a failure: tried again)
                judged[_judged_key(item.image, case)] = verdict
        log.info(
            "case %s: %d image(s) judged again by checks %d at its (or its reply's) sending",
            case.id,
            len(checked),
            CHECKS_VERSION,
        )
    images = [
        replace(image, quality=verdicts[image.id][0], modality=verdicts[image.id][1]) if image.id in verdicts else image
        for image in case.images
    ]
    return replace(case, images=images)


class SendJob:
    """Sending one case: ``prepare()`` is pure, ``run()`` talks to the platform."""

    def __init__(
        self,
        store: Store,
        client: PlatformClient,
        outbox: Outbox,
        case_id: str,
        listener: ProgressListener,
        budget_s: float | None,
        judged: dict[JudgedKey, Judged] | None = None,
    ) -> None:
        self.store, self.client, self.outbox = store, client, outbox
        #: Images judged again by this release's checks at an earlier try (``_judged_now``), the engine's.
        self.judged: dict[JudgedKey, Judged] = {} if judged is None else judged
        self.case_id = case_id
        self.listener = listener
        self.budget_s = budget_s
        self.case: Case | None = None
        self.prepared: PreparedCase | None = None
        self.training = False
        self.patient_key: tuple[str, str] | None = None
        #: Refused as the answer to its transaction (not before it was posted: held here for its patient, an
        #: image refused): the one refusal after which the platform may hold it all the same.
        self.refused_posted = False

    def prepare(self) -> PreparedCase:
        """Build and validate the whole transaction Bundle (Binary ids filled in by ``run``)."""
        requester = load_requester(self.store.settings)
        if requester is None:
            raise TeleavisError(M.tr("sync.no_site"))
        self.case = self.store.get_case(self.case_id)
        # What leaves is what this release would queue (found in review: not checked again at sending, a case
        # queued by an older release with names too long for a DICOM header left with an empty PatientName).
        # The checklist the window and ``case send`` run, not a copy of its rules; by the case only (``named``):
        # its words may reach an unattended command's output.
        self.case = self._judged_now(self.case)
        refused = blocking(self.store.checklist(self.case, named=False, sending=True))
        if refused:
            raise ChecklistRefused(refused)
        self.training = training_mode(self.store)
        self.patient_key = patient_identifier(self.case, requester, training=self.training)
        # The Task carries the audit head as it stands now (committed): the platform's witness of it.
        self.prepared = prepare_case(
            self.case,
            requester,
            training=self.training,
            audit_head=audit.current_witness(self.store.conn, self.store.key),
        )
        # Signed in with Pro Santé Connect as someone else than the site's requester: said in the request.
        record_on_behalf(self.prepared.bundle, self.case.id, self.store.settings, requester)
        return self.prepared

    def _judged_now(self, case: Case) -> Case:
        """``case`` with its images judged again by this release's checks (:func:`judged_now`), kept in ``judged``."""
        return judged_now(self.store, case, self.judged, self.client.stop.is_set)

    def _check_platform_patient(self, case: Case) -> None:
        """Before anything goes: the Patient the platform already holds under this INS or file number
        (the one the conditional create would file the case under) must be this patient. Another
        workstation of the site may have used the number for someone else, or a first send carried a
        typo the platform kept: the case would be filed under that Patient, nothing said. A platform
        that does not search Patients (the contract does not promise it) is not asked again."""
        if self.patient_key is None:
            return
        system, value = self.patient_key
        try:
            found = self.client.retrying(
                # In the body: the INS or file number never in a URL (found from outside: the proxies'
                # and the platform's access logs keep query strings).
                lambda: self.client.search("Patient", {"identifier": token_value(system, value)}, post=True),
                budget_s=self.budget_s,
            )
        except PermanentFault as fault:
            log.info("case %s: the platform's Patient not looked up (%s)", case.id, fault_for_log(fault))
            return
        # Only those holding the number: found by a conformance pass, a server that did not apply the search
        # (lenient, or behind a gateway dropping the form) answered with every Patient it held, each taken for
        # one holding this patient's number, and the case was stopped as another patient's.
        holding = [p for p in found if isinstance(p, dict) and may_hold_identifier(p, system, value)]
        if len(holding) < len(found):
            log.warning("case %s: the Patient search answered Patients without the number looked up", case.id)
        found = holding
        if any(isinstance(p, dict) and not same_person(p, case.patient) for p in found):
            what = M.tr("sync.what.ins" if case.patient.ins_sent() else "sync.what.local_id")
            raise PermanentFault(M.tr("sync.other_patient", what=what), status=409)
        # The INS found as someone's billing number (FR Core's NSS slice shares its OID): a child's or a
        # spouse's record, unless every strict trait is there and agrees (checked just above).
        if any(
            isinstance(p, dict) and held_only_as_billing_number(p, system, value) and not traits_complete(p)
            for p in found
        ):
            raise PermanentFault(M.tr("sync.billing_number_patient"), status=409)

    def _reduced_chosen(self, case_id: str) -> bool:
        row = self.outbox.row(case_id)
        return bool(row and row.reduced)

    def run(self) -> None:
        case, prepared = self.case, self.prepared
        assert case is not None and prepared is not None, "prepare() first"
        row = self.outbox.row(case.id)
        self.outbox.begin(case.id)
        self.listener.case_state(case.id, CaseState.SENDING.value)
        self._check_platform_patient(case)
        binary_ids = upload_images(
            self.store,
            self.client,
            self.outbox,
            case.id,
            case.images,
            case.patient,
            self.listener,
            self.budget_s,
            # The nurse's choice, read before each photo: the window offers it while the photos leave (the slow
            # link's words point at it); read once here, chosen during the first photo, all went full size.
            reduced=lambda: self._reduced_chosen(case.id),
            still_wanted=lambda: self.store.state(case.id) == CaseState.SENDING,
            training=self.training,
        )
        bundle = prepared.bundle_with(binary_ids)
        copies = copies_sent(self.outbox, case.id)
        mark_copies(bundle, prepared.media_entries, copies, {image.id: image.size for image in case.images})
        # Validated as it is posted, not only as ``prepare`` built it: the Binary ids and the copies sent (recorded
        # by this release or an older one) are put in since (found in review: a copy recorded with no size made
        # a Media of height 0, posted unchecked, refused by the platform).
        validate_bundle(bundle)
        maybe_sent = row is not None and row.step == STEP_TRANSACTION
        # Claimed in one transaction with the case still being sent: held back by the user before it,
        # nothing goes; held back after it is refused (it may arrive).
        if not self.outbox.claim_transaction(case.id, hold_s=2 * self.client.config.read_timeout_s):
            raise InvalidTransition(M.tr("withdraw.stopped"))

        def lookup() -> tuple[str, str, str | None] | None:
            return find_task(self.client, case.id)

        may_have_arrived = maybe_sent
        # The Task an earlier posting made, matched by this one's conditional create (at its first try: a
        # retry's may be this posting's own).
        matched, posts = False, 0

        def post() -> tuple[str, str, str | None]:
            nonlocal may_have_arrived, matched, posts
            posts += 1
            try:
                response = self.client.transaction(bundle)
                ids = _ids_from_response(bundle, response)
            except TransientFault as fault:
                may_have_arrived = may_have_arrived or fault.outcome_unknown
                raise
            matched = posts == 1 and _task_matched(bundle, response)
            return ids

        found = self.client.retrying(lookup, budget_s=self.budget_s) if maybe_sent else None
        said = heard = None  # (the platform's words on the case; the listener hears their kind, never them)
        try:
            task_id, request_id, version = found or self.client.retrying(
                post, budget_s=self.budget_s, before_retry=lookup
            )
        except PermanentFault as refusal:
            # Refused, yet the platform may have recorded the case (R4's all-or-nothing broken: a server
            # validating after it has written, a Task kept and its photos refused, a gateway answering for it).
            # Held as refused without its Task's id, the case was never followed there: the expert's answer
            # or question never seen here (found from outside). Looked up first: found, it is followed as sent
            # with the platform's words on it, and never posted again; not found, refused as before.
            kept = self._kept_all_the_same(lambda: find_task(self.client, case.id, named=True))
            if kept is None:
                self.refused_posted = True
                raise
            task_id, request_id, version = kept
            said = M.tr("sync.refused_yet_kept", words=refusal.message)
            heard = M.tr("sync.refused_yet_kept", words=fault_for_console(refusal))
            log.warning("case %s refused by the platform (%d), yet its Task is there", case.id, refusal.status)
        except (TransientFault, Stopped):
            if not may_have_arrived:
                # Every try certainly failed before reaching the platform (no connection): the case can
                # still be held back, and is not looked up first next time.
                self.outbox.record_step(case.id, STEP_IMAGES)
            raise
        # Bound to the Task of an earlier posting (found before this one, or matched by it) while the user changed
        # the case since (corrected after a refusal): the expert reads the version before. Said to her (found in
        # review: « envoyé » and nothing more, her corrections never left).
        first_version = said is None and bool(found or matched) and self.outbox.changed_since_posted(case.id)
        if first_version:
            said = heard = _first_version_words(case.id, task_id)
        self.outbox.mark_sent(case.id, task_id, request_id, version, words=said, first_version=first_version)
        log.info("case %s sent (Task/%s)", case.id, task_id)
        self.listener.case_state(case.id, CaseState.SENT.value, heard or "")

    def _kept_all_the_same(
        self, lookup: Callable[[], tuple[str, str, str | None] | None]
    ) -> tuple[str, str, str | None] | None:
        """The case's Task on the platform after its transaction was refused, when it is there; None when it
        is not, or when the platform does not let its Tasks be searched. A moment's fault of the search goes
        up: the case is tried again later, its transaction looked up first (it was claimed)."""
        try:
            return self.client.retrying(lookup, budget_s=self.budget_s)
        except PermanentFault as fault:
            log.info("case %s: its Task not looked up after the refusal (%s)", self.case_id, fault_for_log(fault))
            return None


def _first_version_words(case_id: str, task_id: str) -> str:
    """What is said of a case changed since its first posting and bound to that posting's Task: the expert reads
    the version before (``SendJob.run``, ``Engine._back_to_the_nurse``)."""
    log.warning("case %s sent again changed, followed on its first posting's Task/%s", case_id, task_id)
    return M.tr("sync.first_version_kept", id=case_id)


def _patient_id(task: dict[str, Any]) -> str | None:
    """The id of the Patient the platform filed the case under (the Task's ``for``), when it says."""
    subject = task.get("for")
    reference = subject.get("reference") if isinstance(subject, dict) else None
    try:
        return location_id(reference, "Patient") if isinstance(reference, str) else None
    except ValueError:
        return None


def copies_sent(outbox: Outbox, case_id: str) -> dict[str, CopySent]:
    """image id → the copy sent in its place (sync/reduced.py), as recorded with its Binary id."""
    return {image_id: CopySent.from_json(facts) for image_id, facts in outbox.copies_sent(case_id).items()}


def same_person(resource: dict[str, Any], patient: Patient) -> bool:
    """Whether the platform's Patient has the strict traits of ``patient`` (names folded, first given
    name, birth date, sex); a trait it does not give is not held against it.

    The names compared are the birth names (``use = official``, FR Core's officialName), whatever
    their place: found from outside, a platform listing the usual (married) name first had the case
    held as another patient's. A platform that marks no name official may match on any of them."""
    names = (
        [n for n in resource.get("name") or [] if isinstance(n, dict)] if isinstance(resource.get("name"), list) else []
    )
    official = [n for n in names if n.get("use") == "official"]
    if (official or names) and not any(_same_name(name, patient) for name in official or names):
        return False
    born = resource.get("birthDate")
    if isinstance(born, str) and born and patient.birth_date and born != patient.birth_date:
        return False
    sex = resource.get("gender")
    known = ("male", "female")
    return not (sex in known and patient.sex in known and sex != patient.sex)


def _same_name(name: dict[str, Any], patient: Patient) -> bool:
    given = name.get("given") if isinstance(name.get("given"), list) else []
    pairs = [
        (name.get("family"), patient.family),
        (given[0] if given else None, patient.given[0] if patient.given else None),
    ]
    # As the workstation's duplicate checks compare two records (app.model.name_key): spelt as INS traits are
    # (« LAETITIA » for « Lætitia »), hyphens and spaces apart (« JEAN-NOEL » is not « JEAN NOEL »: found in
    # review, the two checks disagreed; a record of another person is never taken for this patient's).
    return not any(
        isinstance(theirs, str) and theirs.strip() and ours and name_key(theirs) != name_key(ours)
        for theirs, ours in pairs
    )


def upload_images(
    store: Store,
    client: PlatformClient,
    outbox: Outbox,
    case_id: str,
    images: list[Any],
    patient: Patient,
    listener: ProgressListener,
    budget_s: float | None,
    *,
    reduced: bool | Callable[[], bool] = False,
    reducible: bool = True,
    still_wanted: Callable[[], bool] | None = None,
    training: bool = False,
) -> dict[str, str]:
    """Upload each image not yet recorded, one at a time, recording its Binary id before the next.

    Resumable (tus) where the platform offers it, else one ``POST Binary`` per image. A copy goes in
    place of the stored bytes where :func:`copy_to_send` says (a DICOM restamped with ``patient``, a
    photo reduced when ``reduced``: a callable is asked before each image, a choice made while the images
    leave then holds for those not gone yet), its facts recorded with its Binary id for the Media. An image over
    the platform's limit raises :class:`ImageTooLarge`, offering reduced copies for a photo when
    ``reducible`` (a case, not a reply) and they were not chosen yet. ``training``: for the training
    platform (a DICOM's INS then issued as a test patient's)."""
    _forget_stale_dicoms(store, outbox, case_id, images, patient, training)
    _forget_odd_copies(outbox, case_id, images)
    binary_ids = {image.id: image.binary_id for image in images if image.binary_id}
    # What crosses the link, counted in the progress (found live: reduced copies chosen, « N Mo restants »
    # still counted the originals): an image gone as the copy recorded with it, or as stored; one not gone yet
    # as a fair estimate of its reduced copy while they are chosen, then (its turn come) as the bytes that go.
    recorded = copies_sent(outbox, case_id)

    def count(reduced_now: bool, current: Any = None, current_size: int = 0) -> tuple[int, int]:
        """(bytes gone, bytes in all) as the choice stands now, ``current`` weighing ``current_size``."""
        crossing: dict[str, int] = {}
        for image in images:
            if image.id in binary_ids:
                copy = recorded.get(image.id)
                crossing[image.id] = copy.size if copy is not None else image.size
            elif image is current:
                crossing[image.id] = current_size
            elif reduced_now:
                crossing[image.id] = estimated_copy_size(image.size, image.width, image.height, image.content_type)
            else:
                crossing[image.id] = image.size
        return sum(crossing[image_id] for image_id in binary_ids), sum(crossing.values())

    def resumed(image: Any) -> bool:
        """Whether ``image``'s upload was begun before (recorded): where it stands is known only once the
        platform says (the resumable upload's ``HEAD``), which reports it. Not reported before: found from
        outside, ``case send`` printed « 0 % » first, then « 50 % », and the nurse read that it started over."""
        return outbox.upload_url(case_id, image.id) is not None

    done, total = count(bool(reduced() if callable(reduced) else reduced))
    first = next((image for image in images if not image.binary_id), None)
    if first is None or not resumed(first):
        listener.bytes_sent(case_id, done, total)
    endpoint: str | None = None
    if any(not image.binary_id for image in images):
        endpoint = client.retrying(client.resumable_endpoint, budget_s=budget_s)
    for position, image in enumerate(images, 1):
        if image.binary_id:
            continue
        if still_wanted is not None and not still_wanted():
            # Held back by the user meanwhile: no more of its photos go to the platform.
            raise InvalidTransition(M.tr("withdraw.stopped"))
        while True:  # once more, as a reduced copy, when they are chosen while the original is cut again and again
            data = _image_bytes(store, image, position)  # one image in memory at a time, dropped after its upload
            content_type: str = image.content_type
            reduced_now = reduced() if callable(reduced) else reduced
            copy = _copy_of(image, data, patient, reduced=reduced_now, training=training)
            # The image as stored, when a reduced copy goes in its place: an upload of it may have arrived whole
            # before the choice (its answer lost, or the program killed before recording it).
            stored_length = len(data) if copy is not None and copy[1].reduced else None
            if copy is not None:
                data, content_type = copy[0], copy[1].content_type
            done, total = count(reduced_now, image, len(data))
            if not resumed(image):
                listener.bytes_sent(case_id, done, total)
            # Going whole while the user may still choose reduced copies: the plain upload's retries give way
            # to the copy at the choice (found live: the original tried again for the rest of the case's time
            # allowance, minutes, then the case waited its backoff). The try under way ends as it does.
            give_way = (
                reduced
                if callable(reduced) and not reduced_now and copy is None and content_type in PHOTO_TYPES
                else None
            )

            latest = [0]  # bytes of this image's attempt under way (each plain POST starts again from 0)
            cuts = [0, 0]  # its tries cut mid-body, and whether the last one was

            def report(n: int, base: int = done, whole: int = total, latest: list[int] = latest) -> None:
                latest[0] = n
                listener.bytes_sent(case_id, base + n, whole)

            def tried(fault: TransientFault, latest: list[int] = latest, cuts: list[int] = cuts) -> None:
                # Cut mid-body: connected (its outcome unknown), some of the photo on the way, no answer. Not a
                # refused connection (an outage), nor the platform's error (found in review: a try cut once, then
                # every later one refused, was said « the link drops before image N arrives whole »).
                cut = int(fault.kind == "offline" and fault.outcome_unknown and latest[0] > 0)
                cuts[0], cuts[1], latest[0] = cuts[0] + cut, cut, 0

            # A DICOM restamped for the identity as it is now goes by a plain POST: a resumable upload is
            # found again by its image id alone (the contract), and would bring back the bytes (or the
            # Binary) of the identity before, when the length is the same.
            restamped = copy is not None and not copy[1].reduced
            # (Given up for this client when an upload came back named off the platform: ``tus_create``.) An
            # upload recorded before, under the platform's base, is still asked where it stands: found in review,
            # one whose every byte had arrived (its Binary made, the last answer lost) went again by
            # ``POST Binary``, the image twice on the platform.
            way = None if restamped or endpoint is None else client.resumable_endpoint()
            if way is None and not restamped and outbox.upload_url(case_id, image.id) is not None:
                way = client.tus_given_up
            try:
                binary_id = _upload(
                    client,
                    outbox,
                    way,
                    case_id,
                    image.id,
                    data,
                    content_type,
                    report,
                    budget_s,
                    stored_length,
                    tried,
                    give_way,
                )
            except _StoredArrived as arrived:
                # Gone whole as stored before reduced copies were chosen: that is the photo sent, described as
                # sent (found in review: the copy went as well, the photo twice on the platform).
                binary_id, copy = arrived.binary_id, None
            except TransientFault as fault:
                # (Never ahead of a wait the platform asked for, Retry-After: the case waits it, the copy after.)
                if give_way is not None and fault.retry_after is None and give_way():
                    log.info("case %s: reduced copies chosen, image %d goes again as one", case_id, position)
                    del data
                    continue
                if way is not None or cuts[0] < 2 or not cuts[1]:
                    raise
                # Its tries cut mid-body, the last one too: the link drops before the photo is through.
                key = "sync.cut_before_whole_reduced" if reduced_now or not reducible else "sync.cut_before_whole"
                words = M.tr(key, n=position, mb=decimal_words(round(len(data) / 1e6, 1)))
                raise TransientFault(
                    words, outcome_unknown=fault.outcome_unknown, retry_after=fault.retry_after
                ) from fault
            except PermanentFault as fault:
                if fault.status != 413:
                    raise
                photo = content_type in PHOTO_TYPES
                way_out = reducible and not reduced_now and photo
                raise ImageTooLarge(
                    image.id, position, len(data), reducible=way_out, reduced=reduced_now and photo, photo=photo
                ) from fault
            break
        del data
        outbox.record_binary(case_id, image.id, binary_id, copy[1].to_json() if copy is not None else None)
        binary_ids[image.id] = binary_id
        if copy is not None:
            recorded[image.id] = copy[1]
        done, total = count(reduced_now)
        listener.bytes_sent(case_id, done, total)
    return binary_ids


def _copy_of(
    image: Any, data: bytes, patient: Patient, *, reduced: bool, training: bool
) -> tuple[bytes, CopySent] | None:
    """What goes in place of the stored ``data`` of ``image`` (``sync.reduced.copy_to_send``): a DICOM
    restamped with the patient and the eye as the case says them now, a photo reduced; None: as stored."""
    return copy_to_send(
        data,
        image.content_type,
        image.width,
        image.height,
        patient,
        reduced=reduced,
        training=training,
        eye=getattr(image, "eye", None),
    )


COPY_TYPES = PHOTO_TYPES | {"application/dicom"}  # what a copy sent in an image's place is: reduced, or restamped


def _forget_odd_copies(outbox: Outbox, case_id: str, images: list[Any]) -> None:
    """An image on the platform as a copy recorded without a type this release makes (an empty one: by an older
    release, or a record damaged since) goes again, as one never sent: its Media could not say what its Binary
    holds (found in review: the bundle refused as posted at every try, « erreur interne, prévenez le support »,
    the case never leaving, nothing the nurse or support could correct). The Binary left there is pointed at by
    nothing this case posts."""
    for image_id, facts in outbox.copies_sent(case_id).items():
        try:
            usable = CopySent.from_json(facts).content_type in COPY_TYPES
        except (KeyError, TypeError, ValueError):
            usable = False
        image = next((image for image in images if image.id == image_id and image.binary_id), None)
        if image is None or usable:
            continue
        log.warning("case %s: a copy sent recorded without a usable type goes again", case_id)
        outbox.forget_binary(case_id, image.id)
        image.binary_id = None


def _forget_stale_dicoms(
    store: Store, outbox: Outbox, case_id: str, images: list[Any], patient: Patient, training: bool
) -> None:
    """A DICOM already on the platform whose header names the patient (or the image's eye) otherwise than
    the case now does (uploaded, then the case refused and its identity corrected) goes again: its Binary
    is forgotten."""
    sent = outbox.copies_sent(case_id)
    for position, image in enumerate(images, 1):
        if not image.binary_id or image.content_type != "application/dicom":
            continue
        recorded = str(sent.get(image.id, {}).get("sha1") or image.sha1)
        copy = _copy_of(image, _image_bytes(store, image, position), patient, reduced=False, training=training)
        if (copy[1].sha1 if copy is not None else image.sha1) != recorded:
            log.info("case %s: a DICOM sent under another identity goes again", case_id)
            outbox.forget_binary(case_id, image.id)
            image.binary_id = None


def _upload(
    client: PlatformClient,
    outbox: Outbox,
    endpoint: str | None,
    case_id: str,
    image_id: str,
    data: bytes,
    content_type: str,
    report: Callable[[int], None],
    budget_s: float | None,
    stored_length: int | None = None,
    on_fault: Callable[[TransientFault], None] | None = None,
    give_way: Callable[[], bool] | None = None,
) -> str:
    """One image's bytes to the platform, resumable where it offers it; its Binary id. (``stored_length``:
    see :func:`upload_resumable`; ``on_fault``: told each fault of a plain upload's tries; ``give_way``: its
    retries stop at the next fault or wait once it says so, ``PlatformClient.retrying``.)"""
    if endpoint is not None:
        try:
            return upload_resumable(
                client, outbox, endpoint, case_id, image_id, data, content_type, report, budget_s, stored_length
            )
        except (OffPlatform, _PlainUpload, TusRefused):
            log.warning("the platform's resumable upload is unusable for this image: plain upload")
    return client.retrying(
        lambda: client.create_binary(data, content_type, report),
        budget_s=budget_s,
        on_fault=on_fault,
        give_way=give_way,
    )


def upload_resumable(
    client: PlatformClient,
    outbox: Outbox,
    endpoint: str,
    case_id: str,
    image_id: str,
    data: bytes,
    content_type: str,
    report: Callable[[int], None],
    budget_s: float | None,
    stored_length: int | None = None,
) -> str:
    """One image through tus 1.0; its Binary id.

    The upload's URL is recorded before its first byte, so a restart asks the platform where it
    stands (``HEAD``) and sends only the rest. After any fault the same: ``HEAD``, then ``PATCH``
    from the server's offset, so no byte the platform holds goes twice. A fault after the platform
    moved on is retried at once (a cut link, not a busy platform); faults without progress back
    off as ``retrying`` does, and ``budget_s`` counts from the last progress.

    An upload whose every byte arrived but whose Binary the platform has not named (the last PATCH's
    answer lost: the contract names it there only, not in a ``HEAD``) asks that PATCH again with no byte,
    answered as it was; only a platform that does not name it then gets the plain ``POST`` (found in
    review: the whole image went again, minutes of a satellite link, a second Binary).

    ``data`` a reduced copy of an image ``stored_length`` bytes long as stored: the recorded upload, made for
    the image as stored before reduced copies were chosen, is dropped unfinished; arrived whole (its Binary
    made), :class:`_StoredArrived` names that Binary."""
    url = outbox.upload_url(case_id, image_id)
    offset: int | None = None  # the platform's offset, when known to be current
    known = -1  # the highest offset the platform reported
    attempt = 0
    since = time.monotonic()
    while True:
        if client.stop.is_set():
            raise Stopped()
        try:
            if url is None:
                url = client.tus_create(endpoint, len(data), content_type, image_id)
                outbox.record_upload(case_id, image_id, url)
                # A new upload holds nothing; one created again after a fault may be the same upload.
                offset = 0 if attempt == 0 else None
            if offset is None:
                state = client.tus_state(url)
                if state is None:  # expired or gone: create it again
                    url = None
                    outbox.record_upload(case_id, image_id, None)
                    raise TransientFault(M.tr("net.not_fhir"), kind="not_fhir")
                if state.length is not None and state.length != len(data):
                    if state.binary_id is not None and state.length == stored_length:
                        raise _StoredArrived(state.binary_id)
                    # Made for other bytes (the original, before the user chose reduced copies): drop it.
                    client.tus_delete(url)
                    url = None
                    outbox.record_upload(case_id, image_id, None)
                    attempt = 0
                    continue
                if state.binary_id is not None:
                    return state.binary_id
                offset = state.offset
            if offset > known:
                if known >= 0:
                    attempt, since = 0, time.monotonic()  # the link carries bytes: worth going on at once
                known = offset
            if offset >= len(data):
                report(len(data))
                try:
                    named = client.tus_patch(url, data, len(data))  # (a transient fault: HEAD, then again)
                except PermanentFault:
                    named = None
                if named is None or named.binary_id is None:
                    raise _PlainUpload()  # complete, yet the platform names no Binary: not the contract
                return named.binary_id
            report(offset)
            state = client.tus_patch(url, data, offset, functools.partial(_shifted, report, offset))
            if state is None:  # gone since the last HEAD: created again
                url = None
                outbox.record_upload(case_id, image_id, None)
                raise TransientFault(M.tr("net.not_fhir"), kind="not_fhir")
            if state.binary_id is not None:
                return state.binary_id
            offset = state.offset  # a platform taking part of a chunk: go on from where it stands
        except TransientFault as fault:
            offset = None
            delay = (
                client.policy.delay(attempt - 1, fault.retry_after) if attempt or fault.retry_after is not None else 0.0
            )
            if budget_s is not None and time.monotonic() - since + delay > budget_s:
                raise
            log.info("upload interrupted (%s), next attempt in %.1f s", fault_for_log(fault), delay)
            client.wait(delay)
            attempt += 1


def _shifted(report: Callable[[int], None], start: int, n: int) -> None:
    report(start + n)


#: The engine's waits between passes look at the clocks at least this often (seconds): the wait of an
#: event stops while the computer sleeps, and a night asleep must count (``Engine._sleep``).
AWAKE_SLICE_S = 30.0


#: ... and look at the outbox this often, for a case another process made due now (``Engine._due_now``).
DUE_CHECK_S = 5.0


def wall_clock() -> float:
    """The wall clock, in seconds (goes on while the computer sleeps)."""
    return time.time()


@contextmanager
def _stopped_after(stop: threading.Event, timeout: float | None) -> Iterator[None]:
    """``stop`` set once ``timeout`` seconds have passed, if given: the pass in progress then ends at its
    next wait between attempts (a pass may otherwise retry a case for its whole budget, minutes, past
    ``--timeout``)."""
    timer = threading.Timer(timeout, stop.set) if timeout is not None else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        yield
    finally:
        if timer is not None:
            timer.cancel()


class _StoredArrived(Exception):
    """The image as stored arrived whole before reduced copies were chosen: its Binary."""

    def __init__(self, binary_id: str) -> None:
        super().__init__(binary_id)
        self.binary_id = binary_id


class _PlainUpload(Exception):
    """The platform's resumable uploads do not keep the contract: this image goes by ``POST Binary``."""


def _ids_from_response(bundle: dict[str, Any], response: dict[str, Any]) -> tuple[str, str, str | None]:
    """(Task id, ServiceRequest id, Task version) from the transaction-response, entry by entry: each id
    from its ``location``, else from the resource the entry returns (R4 gives a location only when there
    is one: a conditional create that matched may give none)."""
    task_id = request_id = version = None
    for sent, got in zip(bundle["entry"], response["entry"], strict=True):
        kind = sent["resource"]["resourceType"]
        if kind not in ("Task", "ServiceRequest"):
            continue
        location = str(((got or {}).get("response") or {}).get("location") or "")
        returned = (got or {}).get("resource")
        returned = returned if isinstance(returned, dict) and returned.get("resourceType") == kind else {}
        try:
            resource_id = location_id(location, kind)
        except ValueError:
            resource_id = str(returned.get("id") or "")
            if not is_fhir_id(resource_id):
                raise TransientFault(M.tr("net.not_fhir"), outcome_unknown=True) from None
        if kind == "Task":
            task_id = resource_id
            # The version of the Task made now (201), "requested" as the case is recorded; a Task the
            # platform already had (a conditional create that matched: 200) may have moved on since,
            # and the next poll must read it (see find_task). So must one the platform returns in another
            # status (found by an outside conformance pass: a platform that takes each request in as it
            # stores it made it « received » at version 1, and the polls skipped it at that version).
            created = str(((got or {}).get("response") or {}).get("status", "")).startswith("201")
            as_sent = returned.get("status", "requested") == "requested"
            version = (
                _version_made(location, (got or {}).get("response") or {}, returned) if created and as_sent else None
            )
        else:
            request_id = resource_id
    if not task_id or not request_id:
        raise TransientFault(M.tr("net.not_fhir"), outcome_unknown=True)
    return task_id, request_id, version


def _task_matched(bundle: dict[str, Any], response: dict[str, Any]) -> bool:
    """Whether the transaction-response says the Task was there already (its conditional create matched: 200)."""
    for sent, got in zip(bundle["entry"], response["entry"], strict=True):
        if sent["resource"]["resourceType"] == "Task":
            return str(((got or {}).get("response") or {}).get("status", "")).startswith("200")
    return False


def _version_made(location: str, response: dict[str, Any], returned: dict[str, Any]) -> str | None:
    """The version of a resource a transaction made, where R4 lets the platform give it: its ``location``'s
    ``_history``, else the entry's ``etag`` (``W/"4"``), else the ``meta.versionId`` of the resource it
    returns. Found in review: read from the location only, a platform giving it in the etag (a location
    without ``_history``) had the Task read again at the next poll for nothing."""
    parts = location.split("/_history/")
    if len(parts) == 2 and parts[1].strip("/"):
        return parts[1].strip("/")
    tagged = re.fullmatch(r'(?:W/)?"([^"]+)"', str(response.get("etag") or "").strip())
    if tagged:
        return tagged.group(1)
    meta = returned.get("meta")
    version = meta.get("versionId") if isinstance(meta, dict) else None
    if isinstance(version, bool) or not isinstance(version, (str, int)):
        return None
    return str(version) or None


def set_aside_elsewhere(outbox: Outbox, listener: ProgressListener | None = None) -> list[str]:
    """What waits to leave for the other platform than the one the settings name now goes to neither.

    Queued in training mode (a fictitious patient, an act never billable), a case or a reply is never
    sent to the real platform: the case waits for the user, who checks it and sends it again (to the
    real platform then), the reply is set aside. Queued for the real platform before training mode was
    turned on, a case waits, said on it, and leaves when training ends: a real patient's case never
    reaches the training expert, whose answer is made up. Found from outside: a case queued in training
    left for the real platform once one was set (its INS with it, its act billable). Returns the cases
    set aside."""
    set_aside = []
    for case_id, destination in outbox.elsewhere():
        if destination == TRAINING:
            if outbox.hold_back_elsewhere(case_id, M.tr("sync.queued_in_training")):
                set_aside.append(case_id)
                if listener is not None:
                    listener.case_state(case_id, CaseState.NEEDS_ATTENTION.value, M.tr("sync.queued_in_training"))
        else:
            outbox.note(case_id, M.tr("sync.waits_for_real_platform"))
    for case_id, message_id, destination in outbox.replies_elsewhere():
        if destination == TRAINING:
            outbox.reply_refused(case_id, message_id, M.tr("sync.reply_in_training"))
    if set_aside:
        log.info("%d case(s) queued in training mode set aside, nothing sent", len(set_aside))
    return set_aside


class Engine:
    """The outbox worker and the follower, for the CLI and (in a QThread) the window."""

    def __init__(
        self,
        store: Store,
        client: PlatformClient,
        listener: ProgressListener | None = None,
        *,
        case_budget_s: float | None = 120.0,
        poll_interval_s: float | None = None,
        follow: bool = True,
    ) -> None:
        self.store = store
        self.client = client
        self.listener = listener or NullListener()
        #: The platform ``client`` talks to, as the settings named it when the engine was made: every
        #: case is sent, followed and answered on it only (found by review: the settings read at each
        #: pass, a real case went by a client still on the training platform's address).
        self.destination = store.destination_now()
        self.outbox = Outbox(store, destination=self.destination)
        self.follower = Follower(store, client, self.listener, destination=self.destination)
        self.case_budget_s = case_budget_s
        self.poll_interval_s = poll_interval_s or poll_interval(store)
        self.follow = follow
        self._wake = threading.Event()
        self._last_poll = (0.0, 0.0)  # (monotonic, wall clock) of the last poll
        self._held: tuple[float, float, float] | None = None  # (monotonic, wall clock, seconds): Retry-After
        self._last_fault: TransientFault | None = None  # the transient fault that postponed the last case
        self._poll_failures = 0
        #: Images judged again by this release's checks as their case was sent (``SendJob._judged_now``): kept
        #: while their case waits in the queue, not judged again at every pass; forgotten once it leaves it.
        self._judged: dict[JudgedKey, Judged] = {}
        #: The last pass's poll was given up for a wait the platform asked of a case or a reply it was sending.
        self._poll_owed = False

    @contextmanager
    def _locked(self, timeout_s: float = 0.0) -> Iterator[None]:
        lock = SyncLock(self.store.data_dir)
        lock.acquire(timeout_s)
        try:
            yield
        finally:
            lock.release()

    def moved(self) -> bool:
        """Whether the settings now name another platform than this engine's client talks to (a restore,
        another process): the engine stops, and one for the new platform is made."""
        return self.store.destination_now() != self.destination

    def wake(self) -> None:
        """Do the work now (the user asked, or a case was queued)."""
        self._wake.set()

    # -- one pass ------------------------------------------------------------------------------

    def run_once(self, *, poll: bool = True, timeout: float | None = None) -> SyncSummary:
        """Everything there is to do now: due cases, queued replies, then one poll of open cases; with
        ``timeout``, no longer than that (the pass stops at its next wait between attempts)."""
        with _stopped_after(self.client.stop, timeout), self._locked(timeout_s=5.0):
            return self._pass(poll=poll)

    def _pass(self, *, poll: bool) -> SyncSummary:
        """One pass; stopped (the user, a signal, a time limit), it ends at the next wait between
        attempts and says what it did until then."""
        summary = SyncSummary()
        if self.moved():
            log.info("the settings now name another platform: this engine sends nothing more")
            return summary
        try:
            try:
                self._work(summary, poll=poll)
            except Stopped:
                log.info("sync pass stopped")
            summary.audit_rewound = self.follower.check_witness()
            self.store.recheck_read_marks()  # news marked read outside Teleavis: unread again, the count says it
            summary.waiting = [row.case_id for row in self.outbox.pending()]
            summary.needs_attention = [c.id for c in self.store.list_cases(states=[CaseState.NEEDS_ATTENTION.value])]
            self.store.settings.set("sync.last", iso(utc_now()))
        except StorageError as exc:
            if _said_full(exc) or not _disk_full(exc):
                raise
            # A token refreshed, the last sync, an audit entry: each one transaction, none half made. The
            # next pass (the engine tries again by itself, the window after its pause) takes it up again.
            log.warning("sync pass stopped: the disk is full")
            raise StorageError(M.tr("sync.disk_full")) from exc
        return summary

    def _work(self, summary: SyncSummary, *, poll: bool) -> None:
        set_aside_elsewhere(self.outbox, self.listener)
        polled = False
        if poll and self._poll_owed and self._poll_free(summary):
            # The last pass's poll gave way to a wait the platform asked while a case or a reply was sent; that
            # wait over, the answers are read before the sending, which may meet it again (found from outside: a
            # platform telling one case to wait at every pass, its content at fault, held every answer back).
            polled = True
            summary.answered += self._poll()
        self._poll_owed = False
        every: TransientFault | None = None  # a fault of the whole platform a case met: the others wait too
        met: str | None = None  # the case that met it
        held: list[str] = []  # the cases that waited with it, untried
        for row in self.outbox.due(longest=self._longest_wait()):
            if self.client.stop.is_set():
                break
            if every is not None:
                # A case before it found no connection to make, after its retries, or was told by the platform
                # to wait (429/503 with Retry-After): this one waits as it does, untried (found in review: each
                # case retried for its whole budget, minutes each, the poll behind them, while the link was
                # down; the next case posted at once after the platform had asked to wait two minutes).
                self._send_failed(row.case_id, every)
                held.append(row.case_id)
                continue
            self._last_fault = None
            state = self._send_case(row.case_id)
            if state == CaseState.SENT:
                summary.sent.append(row.case_id)
                self._poll_failures = 0  # the platform is back: the answers of the cases sent are read again
            elif state == CaseState.QUEUED and self._last_fault is not None:
                # (Postponed for its own image file, not read here: ``_not_read``, nothing of the platform's.)
                every = self._whole_platform(self._last_fault)
                met = row.case_id if every is not None else None
        if met is not None:
            # The cases that waited with it go first at the next pass: a platform telling that one case to wait
            # every time (its content, not the platform, at fault) never holds the others back for good.
            self.outbox.behind(met, held)
        if every is not None:
            # The replies and the poll would meet it too: at the next pass, the poll backing off or waiting.
            if every.retry_after is None:
                self._poll_failures += 1
            self._poll_owed = poll
            return
        postponed = self._postponed_replies()
        replies = self.outbox.queued_replies(here=True)
        # The cases whose first reply waits least go first, each case's replies in the order written: a reply the
        # platform told to wait goes behind those that waited with it (``_behind``).
        first_due: dict[str, datetime] = {}
        for case_id, message in replies:
            first_due.setdefault(case_id, postponed[message.id][1] if message.id in postponed else _LONG_AGO)
        replies.sort(key=lambda reply: first_due[reply[0]])
        met_reply: str | None = None  # the reply that met a fault of the whole platform
        held_replies: list[str] = []  # the replies that waited with it, untried
        # The cases one of whose replies waits: their later replies wait behind it, untried (found in review: the
        # first reply of a case answered 503, its next one went at once, and the expert read « voici la photo
        # demandée » before the question's answer it followed). Other cases' replies go on.
        case_waits: set[str] = set()
        for case_id, message in replies:
            if self.client.stop.is_set():
                break
            if case_id in case_waits:
                continue  # behind an earlier reply of its case, which waits
            due = postponed.get(message.id)
            if due is not None and due[1] > utc_now():
                case_waits.add(case_id)
                continue  # postponed: its time has not come (the cases and the poll go on)
            if every is not None:
                # A reply before it found the platform out of reach, or was told to wait (429, 503 with
                # Retry-After): this one waits as it does, untried, as the cases do (found from outside: the
                # next reply posted at once, and every case polled, after « Retry-After: 600 »).
                self._reply_postponed(case_id, message, every)
                held_replies.append(message.id)
                case_waits.add(case_id)
                continue
            self._last_fault = None
            try:
                sent = self._send_reply(case_id, message)
            except DataAltered as exc:
                # Its case was altered outside Teleavis: the reply is not sent, and said so. (Caught before
                # StorageError, of which it is one: found in review, it escaped the pass at every pass, and
                # one altered case held back every other case's sending and every answer.)
                self.outbox.reply_refused(case_id, message.id, exc.message)
                self._reply_gone(message.id)
                self.listener.case_state(case_id, "reply-refused", exc.message)
                sent = False
            except StorageError as exc:
                if _said_full(exc) or not _disk_full(exc):
                    raise
                # Its Communication is a conditional create on the message's id: posted again at the next
                # pass, it is not made twice; the reply stays queued until its sending is recorded.
                log.warning("reply of case %s: its sending stopped, the disk is full", case_id)
                raise StorageError(M.tr("sync.disk_full.reply")) from exc
            if sent or self._last_fault is None:  # (gone from the queue: its photos' verdicts with it)
                self._forget_judged(images=set(message.image_ids))
            if sent:
                summary.replies_sent += 1
                self._poll_failures = 0  # (as for a case sent)
            elif message.id in (kept_record(self.store, REPLY_RETRY) or {}):
                case_waits.add(case_id)  # postponed, not refused: still queued, to go first
            if not sent and self._last_fault is not None:
                every = self._whole_platform(self._last_fault)
                met_reply = message.id if every is not None else None
        if met_reply is not None and held_replies:
            self._reply_behind(met_reply, held_replies)
        if every is not None:
            # The poll would meet it too: at the next pass, the poll backing off or held by Retry-After.
            if every.retry_after is None:
                self._poll_failures += 1
            self._poll_owed = poll and not polled
            return
        if poll and not polled and self.follow and not self.client.stop.is_set() and self._refused_yet_kept(summary):
            summary.answered += self._poll()

    def _poll_free(self, summary: SyncSummary) -> bool:
        """Whether a poll owed may go first in this pass: the platform's wait over, and nothing keeping it."""
        if not self.follow or self.client.stop.is_set() or self._held_for() or self.client.reachable is False:
            return False
        return self._refused_yet_kept(summary)

    def _send_case(self, case_id: str) -> CaseState:
        state = self._send_case_now(case_id)
        if state not in (CaseState.QUEUED, CaseState.SENDING):
            # Its photos' verdicts kept no longer than it waits in the queue (found in review: kept for the engine's
            # life, a window open for weeks held every photo judged again, of cases long sent or corrected).
            self._forget_judged(case_id=case_id)
        return state

    def _forget_judged(self, *, case_id: str | None = None, images: set[str] | None = None) -> None:
        """The verdicts of a case's photos, or of ``images`` (a reply's), dropped: they have left the queue."""
        for key in [key for key in self._judged if key[1] == case_id or (images is not None and key[0] in images)]:
            del self._judged[key]

    def _send_case_now(self, case_id: str) -> CaseState:
        job = SendJob(
            self.store, self.client, self.outbox, case_id, self.listener, self.case_budget_s, judged=self._judged
        )
        try:
            job.prepare()
        except MappingError:
            log.exception("case %s does not map to valid FHIR", case_id)
            return self._back_to_the_nurse(case_id, M.tr("sync.bug"), detail=STOPPED_HERE)
        except DataAltered as exc:  # moved or swapped outside Teleavis: never sent; the others go
            return self._back_to_the_nurse(case_id, exc.message, detail=STOPPED_HERE)
        except ChecklistRefused as refused:
            # Back to the nurse (needs-attention), the others going; one whose transaction may have arrived is
            # looked up first (a crash after it was posted, the release changed since): there, it is followed.
            log.warning(
                "case %s not sent: this release's checklist refuses it (%s)",
                case_id,
                ", ".join(finding.code for finding in refused.findings),
            )
            return self._back_to_the_nurse(case_id, refused.message, said=refused.said, detail=CHECKLIST_REFUSED)
        try:
            job.run()
        except MappingError:
            # Before its transaction (validated as posted): nothing of it went but its photos; it waits for the
            # user, the others go (found in review: this escaped the pass, every other case held behind it). One
            # whose transaction may have arrived (its answer lost, this release stricter since) is looked up first
            # (found in review: held « erreur interne » while the expert had it, its answer never followed).
            log.exception("case %s does not map to valid FHIR as posted", case_id)
            return self._back_to_the_nurse(case_id, M.tr("sync.bug"), detail=STOPPED_HERE)
        except (
            InvalidTransition,
            TransientFault,
            PermanentFault,
            ImageTooLarge,
            DataAltered,
            ImageUnreadable,
            ImageNotRead,
        ) as fault:
            # Held back by the user while it was being sent (before its transaction): nothing more goes,
            # and nothing of this try is recorded on a case that is a draft again.
            state = self.store.state(case_id)
            if state not in (CaseState.QUEUED, CaseState.SENDING):
                log.info("case %s held back before it left", case_id)
                self.listener.case_state(case_id, state.value)
                return state
            if isinstance(fault, InvalidTransition):
                raise
            return self._send_failed(case_id, fault, posted=job.refused_posted)
        except StorageError as exc:
            if _said_full(exc) or not _disk_full(exc):
                raise
            # Found in review: « ce dernier enregistrement n'a pas été fait … puis recommencez », nothing the
            # nurse could redo. Each step of the send is one transaction, recorded before the next is taken:
            # the next pass resumes from the last one recorded (a transaction claimed is looked up first, so
            # nothing goes twice). Said where the sync's stops are (the status bar, `teleavis sync`).
            log.warning("case %s: its sending stopped, the disk is full", case_id)
            raise StorageError(M.tr("sync.disk_full.case")) from exc
        except (Stopped, SignInRequired) as stop:
            if self.store.state(case_id) in (CaseState.QUEUED, CaseState.SENDING):
                self.outbox.postpone(case_id, getattr(stop, "message", "") or "", 0.0)
                self.listener.case_state(case_id, CaseState.QUEUED.value)
            raise
        return CaseState.SENT

    def _send_failed(
        self,
        case_id: str,
        fault: TransientFault | PermanentFault | ImageTooLarge | DataAltered | ImageUnreadable | ImageNotRead,
        *,
        posted: bool = False,
    ) -> CaseState:
        """What a fault of a case's send makes of it: refused (the user corrects it), or tried again later."""
        if isinstance(fault, ImageUnreadable):
            return self._back_to_the_nurse(
                case_id, M.tr("sync.image_unreadable", n=fault.position), detail=STOPPED_HERE
            )
        if isinstance(fault, ImageNotRead):
            return self._not_read(case_id, fault)
        if isinstance(fault, ImageTooLarge):
            log.warning("case %s: an image refused by the platform as too large", case_id)
            return self._refuse(case_id, fault.message, too_large=fault.image_id if fault.reducible else None)
        if isinstance(fault, PermanentFault):
            log.warning("case %s refused by the platform (%d)", case_id, fault.status)
            return self._refuse(case_id, fault.message, said=fault_for_console(fault), posted=posted)
        if isinstance(fault, DataAltered):  # (one that may have arrived looked up first, as an unreadable one)
            return self._back_to_the_nurse(case_id, fault.message, detail=STOPPED_HERE)
        self._last_fault = fault
        row = self.outbox.row(case_id)
        # Backing off across passes as for a busy platform (the attempts grow, Retry-After honoured); a
        # conflict (409/412, the platform's answer) is not retried within the pass (client.retrying), and
        # the history does not call it a cut.
        delay = self.client.policy.delay(row.attempts if row else 0, fault.retry_after)
        conflict = fault.kind == "conflict"
        # (The platform's own wait recorded as such: a choice of reduced copies does not cut it short.)
        asked = fault.retry_after is not None and fault.retry_after >= 1.0  # (client.RetryPolicy.delay)
        self.outbox.postpone(case_id, fault.words, delay, detail=HELD_BY_PLATFORM if conflict else "retry", asked=asked)
        log.info("case %s postponed %.0f s (%s)", case_id, delay, fault_for_log(fault))
        self.listener.case_state(case_id, CaseState.QUEUED.value, fault_for_console(fault))
        return CaseState.QUEUED

    def _not_read(self, case_id: str, fault: ImageNotRead) -> CaseState:
        """A case one of whose image files is there but was not read. Its access refused (its rights changed:
        no try makes it readable, someone must act): it waits for the user at once, saying so. The disk's error:
        postponed as a cut link is (the backoff growing), said on it, the other cases going; held for the user
        at the READ_TRIES-th pass in a row the file fails (counted per image, in the store: the next process
        counts on)."""
        if fault.refused:
            return self._back_to_the_nurse(
                case_id, M.tr("sync.image_access_refused", n=fault.position), detail=STOPPED_HERE
            )
        wait = self._read_again_in(fault.image_id)
        if wait is None:
            return self._back_to_the_nurse(
                case_id, M.tr("sync.image_disk_error", n=fault.position), detail=STOPPED_HERE
            )
        row = self.outbox.row(case_id)
        delay = max(self.client.policy.delay(row.attempts if row else 0), wait)
        words = M.tr("sync.image_read_retry", n=fault.position)
        self.outbox.postpone(case_id, words, delay)
        log.info("case %s postponed %.0f s (an image's file not read)", case_id, delay)
        self.listener.case_state(case_id, CaseState.QUEUED.value, words)
        return CaseState.QUEUED

    def _read_again_in(self, image_id: str) -> float | None:
        """One more pass in a row the disk failed to read ``image_id``'s file (counted in the store: the next process
        counts on), for a case's send as for a reply's: the least wait before it is tried again, or None at the
        READ_TRIES-th, when what carries it is held for the user."""
        failures = count_in_record(self.store, READ_FAULTS, image_id, forget_from=READ_TRIES)
        return self._read_wait(failures) if failures < READ_TRIES else None

    def _read_wait(self, failures: int) -> float:
        """The least wait before an image's file the disk failed to read ``failures`` times running is tried
        again: READ_WAIT_S, doubling (the retry policy's cap when lower)."""
        return min(self.client.policy.cap_s, READ_WAIT_S * 2.0 ** max(0, failures - 1))

    def _back_to_the_nurse(
        self, case_id: str, words: str, *, said: str | None = None, detail: str | None = None
    ) -> CaseState:
        """A case that cannot leave as it is here (one of its images cannot be read or was altered, this release's
        checklist refuses it, it does not map) waits for the user (``words``; the listener hears ``said`` when
        given); one whose transaction may have arrived (a DICOM sent is read again before it goes, its header
        checked; a crash after its posting) is looked up first: found, it is followed as sent, never posted again;
        the look-up cut, it is tried again later."""
        row = self.outbox.row(case_id)
        if row is not None and row.step == STEP_TRANSACTION:
            try:
                found = self.client.retrying(lambda: find_task(self.client, case_id), budget_s=self.case_budget_s)
            except TransientFault as cut:
                return self._send_failed(case_id, cut)
            except PermanentFault as refused:
                log.info("case %s not looked up (%s)", case_id, fault_for_log(refused))
                found = None
            if found is not None:
                # An earlier posting's Task: of a case changed since, the version before (as SendJob.run says).
                first_version = self.outbox.changed_since_posted(case_id)
                said = _first_version_words(case_id, found[0]) if first_version else None
                self.outbox.mark_sent(case_id, *found, words=said, first_version=first_version)
                log.info("case %s: its transaction had arrived (Task/%s)", case_id, found[0])
                self.listener.case_state(case_id, CaseState.SENT.value, said or "")
                return CaseState.SENT
        return self._refuse(case_id, words, said=said, detail=detail)

    def _whole_platform(self, fault: TransientFault | None) -> TransientFault | None:
        """The fault the other cases of the pass wait for, when the last case's is the whole platform's: no
        connection could be made (the link down), or the platform asked to wait (429, 503 with Retry-After,
        kept until then for the poll too); None for a fault of that case alone."""
        if self.client.reachable is False:
            return TransientFault(M.tr("net.offline"))
        if fault is not None and fault.kind == "busy" and fault.status in (429, 503) and fault.retry_after is not None:
            self._hold(fault.retry_after)
            return TransientFault(fault.words, retry_after=fault.retry_after, kind="busy", status=fault.status)
        return None

    def _hold(self, seconds: float) -> None:
        """The platform asked to be left alone ``seconds`` (Retry-After): no poll before then, unless asked."""
        self._held = (time.monotonic(), wall_clock(), self.client.policy.delay(0, seconds))

    def _held_for(self) -> float:
        """Seconds left of the platform's Retry-After (0 when none), the time asleep counted."""
        if self._held is None:
            return 0.0
        monotonic, wall, seconds = self._held
        return max(0.0, seconds - max(time.monotonic() - monotonic, wall_clock() - wall))

    def _refuse(
        self,
        case_id: str,
        words: str,
        *,
        too_large: str | None = None,
        said: str | None = None,
        posted: bool = False,
        detail: str | None = None,
    ) -> CaseState:
        """The case waits for the user with ``words`` kept on it; the listener hears ``said`` (the kind
        of refusal, without the platform's words) when ``words`` quote the platform. ``posted``: refused as
        the answer to its transaction (looked up again before the polls: ``_refused_yet_kept``)."""
        self.outbox.needs_attention(case_id, words, too_large=too_large, posted=posted, detail=detail)
        self.listener.case_state(case_id, CaseState.NEEDS_ATTENTION.value, words if said is None else said)
        return CaseState.NEEDS_ATTENTION

    def _send_reply(self, case_id: str, message: Message) -> bool:
        info = self.store.platform_info(case_id)
        requester = load_requester(self.store.settings)
        if requester is None:
            raise TeleavisError(M.tr("sync.no_site"))
        case = self.store.get_case(case_id)
        images = [image for image in case.images if image.id in set(message.image_ids)]
        training = training_mode(self.store)
        # What leaves is what this release would queue, whatever queued it (found in review: a reply queued by an
        # older release, or before a rule was tightened, went unchecked; a demo still went after an upgrade): the
        # reply's checks, the ones its queuing runs, its photos judged older judged again by this release's (as a
        # case's: ``SendJob._judged_now``; the verdicts kept while it waits). Numbered as the case's images,
        # as ``case show`` lists the reply (found in review, whole41: by the reply's rows, gone by then, its
        # « Image 2 » was the case's image 2 listed under it, a real photo).
        images = judged_now(self.store, replace(case, images=images), self._judged, self.client.stop.is_set).images
        numbered = {image.id: n for n, image in enumerate(case.images, start=1)}
        by_id = {image.id: image for image in images}
        joined = [
            (numbered[image_id], by_id[image_id]) for image_id in dict.fromkeys(message.image_ids) if image_id in by_id
        ]
        refused = reply_photo_refused(case.specialty, joined, real_platform=not training)
        if refused is not None:
            return self._reply_photo_refused(case_id, message, refused)
        task_read = False
        try:
            task = self.client.retrying(lambda: self.client.read("Task", info["task_id"]), budget_s=self.case_budget_s)
            task_read = True
            prepared = prepare_reply(
                case,
                requester,
                message,
                images,
                task_id=info["task_id"],
                request_id=info["request_id"],
                expert_message_id=message.in_response_to,
                patient_id=_patient_id(task),
                training=training,
                audit_head=audit.current_witness(self.store.conn, self.store.key),
            )
            binary_ids = upload_images(
                self.store,
                self.client,
                self.outbox,
                case_id,
                images,
                case.patient,
                self.listener,
                self.case_budget_s,
                # The nurse's choice for this reply (a slow link: app/outbox.py ``set_reply_reduced``), read
                # before each photo: found by a nurse's pass, a 12 MP photo joined to a reply went full size.
                reduced=lambda: self.outbox.reply_reduced(case_id, message.id),
                reducible=False,  # a 413 refuses the reply (its words back to the box), no way out offered here
                training=training,
            )
            bundle = prepared.bundle_with(binary_ids)
            originals = {image.id: image.size for image in images}  # (the expert's note says the original's size)
            mark_copies(bundle, prepared.media_entries, copies_sent(self.outbox, case_id), originals)
            self._reply_posting(message)
            response = self.client.retrying(lambda: self.client.transaction(bundle), budget_s=self.case_budget_s)
        except MappingError:
            log.exception("reply of case %s does not map to valid FHIR", case_id)
            self.outbox.reply_refused(case_id, message.id, M.tr("sync.bug"))
            self._reply_gone(message.id)
            self.listener.case_state(case_id, "reply-refused", M.tr("sync.bug"))
            return False
        except PermanentFault as fault:
            if not task_read and fault.status in (404, 410):
                # The request deleted on the platform (found by a conformance pass: HAPI's 410 Gone was said « refuse
                # la réponse … corrigez-la puis envoyez-la de nouveau », and no correction could make it arrive).
                gone = self.store.destination(case_id) == TRAINING
                words = M.tr("reply.training_gone" if gone else "sync.reply_task_gone")
                self.outbox.reply_refused(case_id, message.id, words, by_platform=True, news=True)
                self._reply_gone(message.id)
                self.listener.case_state(case_id, "reply-refused", words)
                return False
            # Of the reply, not « le dossier »: the case itself went and stays followed. A photo over the size
            # limit says which, in Teleavis's words (found from outside: « aucun détail donné »).
            why = fault.message if isinstance(fault, ImageTooLarge) else fault.diagnostics
            if isinstance(fault, ImageTooLarge) and fault.whole_photo:  # (found in review: « exportez-la… »)
                why = M.tr("sync.too_large_reply_photo", n=fault.position, mb=decimal_words(fault.size / 1e6))
            said_why = (why.strip().rstrip(".") or M.tr("net.no_words")) + "."
            words = M.tr("sync.reply_refused_words", status=fault.status, diagnostics=said_why)
            too_large = fault.image_id if isinstance(fault, ImageTooLarge) else None  # (taken off the reply begun)
            self.outbox.reply_refused(case_id, message.id, words, too_large=too_large, by_platform=True)
            self._reply_gone(message.id)
            said = M.tr("sync.reply_refused", status=fault.status) if fault.diagnostics else fault.message
            self.listener.case_state(case_id, "reply-refused", said)
            return False
        except TransientFault as fault:
            self._reply_postponed(case_id, message, fault)
            return False
        except (ImageUnreadable, ImageNotRead) as lost:
            # Numbered as the case's images (as ``case show`` lists a reply's): not posted, its words back. A file
            # the disk failed to read waits as a case's does (``_not_read``), as a reply a cut link stopped.
            number = [image.id for image in case.images].index(lost.image_id) + 1
            key = "sync.reply_image_unreadable"
            if isinstance(lost, ImageNotRead) and lost.refused:
                key = "sync.reply_image_access_refused"
            elif isinstance(lost, ImageNotRead):
                key = "sync.reply_image_disk_error"
                wait = self._read_again_in(lost.image_id)
                if wait is not None:
                    words = M.tr("sync.reply_image_read_retry", n=number)
                    retry = TransientFault(words, kind="read", retry_after=wait)
                    self._reply_postponed(case_id, message, retry, platform=False)
                    return False
            words = M.tr(key, n=number)
            self.outbox.reply_refused(case_id, message.id, words, taken_off=lost.image_id)
            self._reply_gone(message.id)
            self.listener.case_state(case_id, "reply-refused", words)
            return False
        location = ((response["entry"][-1] or {}).get("response") or {}).get("location", "")
        try:
            platform_id: str | None = location_id(location, "Communication")
        except ValueError:
            platform_id = None
        self._reply_left(case_id, message, platform_id)
        return True

    def _reply_left(self, case_id: str, message: Message, platform_id: str | None) -> None:
        """The reply is on the platform (``platform_id``, its Communication): recorded sent, its wait forgotten."""
        self.outbox.reply_sent(case_id, message.id, platform_id)
        self._reply_gone(message.id)
        if self._says_reply_waiting(case_id):  # (said by this process or an earlier one)
            self.outbox.note_case(case_id, None)  # gone: the note that it waited goes
        self.listener.case_state(case_id, "reply-sent")

    def _reply_photo_refused(self, case_id: str, message: Message, refused: PhotoRefused) -> bool:
        """A reply one of whose photos its checks refuse as it is sent: back in her hands (its words and its other
        photos back to the reply begun, that photo taken off), nothing posted, the outbox's other items going.
        One whose transaction may have reached the platform (posted by this release or an older one, its answer
        lost) is looked up first: there, it is recorded sent, never refused and made again as a second reply; the
        look-up cut, it waits as a reply a cut link stopped. True when found sent."""
        try:
            found = self.client.retrying(lambda: self._reply_on_platform(message.id), budget_s=self.case_budget_s)
        except TransientFault as cut:
            self._reply_postponed(case_id, message, cut)
            return False
        except PermanentFault as fault:
            log.info("reply of case %s not looked up (%s)", case_id, fault_for_log(fault))
            found = None
        if found is not None:
            log.info("reply of case %s: its transaction had arrived (Communication/%s)", case_id, found)
            self._reply_left(case_id, message, found)
            return True
        log.warning("reply of case %s not sent: its photo %d is refused (%s)", case_id, refused.number, refused.why)
        if refused.why == "unusable":
            words = M.tr("sync.reply_image_unusable", n=refused.number, reason=refused.what)
        elif refused.why == "unplaced":
            words = M.tr("sync.reply_image_unplaced", n=refused.number)
        else:  # (said as taken off: found in review, « Retirez-la » sent her looking for a photo already gone)
            words = M.tr("v.demo_image.reply_sent", n=refused.number)
        self.outbox.reply_refused(case_id, message.id, words, taken_off=refused.image_id)
        self._reply_gone(message.id)
        self.listener.case_state(case_id, "reply-refused", words)
        return False

    def _reply_on_platform(self, message_id: str) -> str | None:
        """The id of the Communication the platform holds for the reply ``message_id`` (its conditional create's
        identifier), or ``None``. Only one naming it: a server that ignores the search parameter returns others."""
        wanted = {"system": MESSAGE_SYSTEM, "value": message_id}
        for found in self.client.search("Communication", {"identifier": f"{MESSAGE_SYSTEM}|{message_id}"}):
            if (
                isinstance(found, dict)
                and wanted in (found.get("identifier") or [])
                and is_fhir_id(str(found.get("id") or ""))
            ):
                return str(found["id"])
        return None

    def _reply_postponed(self, case_id: str, message: Message, fault: TransientFault, *, platform: bool = True) -> None:
        """A reply a transient fault stopped: tried again as a case's send would be (the platform's
        Retry-After, else a growing backoff), and why it waits said on its case. Its time is kept in
        the store: the next process (a restart, the next ``sync --once``) waits for it too. The fault is kept
        (``_last_fault``): one of the whole platform holds back the other replies and the poll of the pass;
        ``platform`` False: a fault of this reply alone (its image's file not read here), kept for none."""
        if platform:
            self._last_fault = fault
        delay = 0.0
        waiting = {m.id for _case, m in self.outbox.queued_replies()}

        def postpone(record: dict[str, Any]) -> None:
            nonlocal delay
            kept = record.get(message.id)
            tries = kept[0] if isinstance(kept, list) and kept and isinstance(kept[0], int) else 0
            delay = self.client.policy.delay(tries, fault.retry_after)
            # Why it waits, kept with its time: the platform's own wait is not cut short by a choice of reduced
            # copies (app/outbox.py ``set_reply_reduced``), its own backoff is.
            asked = platform and fault.retry_after is not None and fault.retry_after >= 1.0
            record[message.id] = [
                tries + 1,
                iso(utc_now() + timedelta(seconds=delay)),
                REPLY_ASKED_WAIT if asked else REPLY_OWN_WAIT,
            ]
            for gone in [key for key in record if key not in waiting]:  # sent or refused meanwhile, withdrawn
                del record[gone]

        change_record(self.store, REPLY_RETRY, postpone)
        words = M.tr("sync.reply_waiting", words=fault.words)
        self.outbox.note_case(case_id, words)
        log.info("reply of case %s postponed %.0f s", case_id, delay)
        self.listener.case_state(case_id, "reply-waiting", fault_for_console(fault))

    def _longest_wait(self) -> timedelta:
        """No wait before a case or a reply is tried again is longer: one further ahead was set before the
        clock was put back (the waits are kept as moments of the wall clock, for the next process)."""
        policy = self.client.policy
        return timedelta(seconds=max(policy.cap_s, policy.max_retry_after_s, 2 * self.client.config.read_timeout_s))

    def _reply_posting(self, message: Message) -> None:
        """The reply's transaction is about to be posted: a process that dies meanwhile leaves it to be taken
        up only once the platform may have recorded it, twice the read timeout on (found in review: the next
        process posted it again at once, while the platform recorded the first, and a platform whose
        conditional creates run side by side made two Communications). Its tries are kept."""
        hold = timedelta(seconds=2 * self.client.config.read_timeout_s)

        def posting(record: dict[str, Any]) -> None:
            kept = record.get(message.id)
            tries = kept[0] if isinstance(kept, list) and kept and isinstance(kept[0], int) else 0
            record[message.id] = [tries, iso(utc_now() + hold), REPLY_POSTING]

        change_record(self.store, REPLY_RETRY, posting)

    def _postponed_replies(self) -> dict[str, tuple[int, datetime]]:
        """message id -> (failed tries, when it may be tried again) of the replies postponed. A time
        further ahead than any wait the engine sets was set before the clock was put back: the reply is
        tried now (found in review: taken as that wait from now, at every pass, it waited for the clock to
        catch up, a day when it was put back a day)."""
        longest = self._longest_wait()
        found: dict[str, tuple[int, datetime]] = {}
        for message_id, kept in (kept_record(self.store, REPLY_RETRY) or {}).items():
            try:
                tries, when = int(kept[0]), datetime.fromisoformat(str(kept[1]))
            except (TypeError, ValueError, IndexError, KeyError):
                continue  # not a try count and a time: tried now
            if when.tzinfo is None or when > utc_now() + longest:
                continue
            found[message_id] = (tries, when)
        return found

    def _reply_behind(self, message_id: str, others: list[str]) -> None:
        """The reply the platform told to wait, while ``others`` waited with it untried, tried again a second after
        the latest of them (as ``Outbox.behind`` does for a case): found from outside, a platform answering one
        reply so at every try had it tried first at every pass, and no other reply ever sent."""

        def behind(record: dict[str, Any]) -> None:
            dues = []
            for other in others:
                kept = record.get(other)
                try:
                    dues.append(datetime.fromisoformat(str(kept[1])))  # type: ignore[index]
                except (TypeError, ValueError, IndexError, KeyError):
                    continue
            kept = record.get(message_id)
            if not dues or not isinstance(kept, list) or len(kept) < 2:
                return
            after = max(dues) + timedelta(seconds=1)
            try:
                sooner = datetime.fromisoformat(str(kept[1])) < after
            except (TypeError, ValueError):
                sooner = True
            if sooner:
                record[message_id] = [kept[0], iso(after), *kept[2:]]

        change_record(self.store, REPLY_RETRY, behind)

    def _reply_gone(self, message_id: str) -> None:
        """The reply left or was refused: its wait, if it had one, is forgotten."""
        forget_in_record(self.store, REPLY_RETRY, message_id)

    def _says_reply_waiting(self, case_id: str) -> bool:
        """Whether the case's note is a reply's « not left yet », or its refusal (in either language): a reply
        gone since makes it untrue (found from outside: a refusal stayed said once the corrected reply went)."""
        said = self.store.platform_info(case_id).get("last_error") or ""
        # (A reply refused as its request was deleted there too: found in review, the request back and a reply
        # gone since, the case still said « La demande n'existe plus sur la plateforme … Appelez la plateforme ».)
        keys = (
            "sync.reply_waiting",
            "sync.reply_refused_words",
            "sync.reply_refused",
            "sync.reply_task_gone",
            "reply.training_gone",
        )
        if any(said.startswith(words.split("{", 1)[0]) for key in keys for words in M.CATALOGUE[key].values()):
            return True
        # The refusals of a reply's photo, said whole (found in review, whole41: added since the list above, the
        # corrected reply went and its case still said « la réponse n'est pas partie »). Matched as they are
        # written, their number anywhere: « Image {n} : » alone would take a case's own « Image 2 : … » too.
        photo_keys = (
            "v.demo_image.reply_sent",
            "sync.reply_image_unusable",
            "sync.reply_image_unplaced",
            "sync.reply_image_unreadable",
            "sync.reply_image_access_refused",
            "sync.reply_image_disk_error",
        )
        return any(
            re.fullmatch(".+?".join(map(re.escape, re.split(r"\{[^}]*\}", words))), said, re.DOTALL)
            for key in photo_keys
            for words in M.CATALOGUE[key].values()
        )

    def _refused_yet_kept(self, summary: SyncSummary) -> bool:
        """The cases waiting for the user after their transaction was refused, looked up again before each
        poll: one the platform holds all the same (its search late to find it when it was refused, or refused
        by a Teleavis that did not look) is followed as sent, the expert's answer and questions seen. A
        platform out of reach, or refusing the search, leaves them for the next poll. False when the poll is not
        to follow: the platform out of reach or asking to wait (its Retry-After honoured, found in review: the
        poll went on at once)."""
        for case_id in self.outbox.refused_after_posting():
            if self.client.stop.is_set():
                return True
            try:
                found = find_task(self.client, case_id, named=True)
            except TransientFault as fault:
                self._poll_failed()  # (the poll would meet it too: as a poll that failed)
                if fault.retry_after is not None and fault.kind == "busy":
                    self._hold(fault.retry_after)
                log.info("refused cases not looked up, poll postponed (%s)", fault_for_log(fault))
                return False
            except PermanentFault as fault:
                # The platform refuses the search (a strict server): asked again later, as one not found.
                self.outbox.looked_up(case_id)
                log.info("refused cases not looked up (%s)", fault_for_log(fault))
                return True
            if found is None:
                self.outbox.looked_up(case_id)  # (next time later: most refused cases are not there)
                continue
            words = self.store.platform_info(case_id).get("last_error") or ""
            if not self.outbox.found_after_refusal(case_id, *found, words=M.tr("sync.refused_yet_kept", words=words)):
                continue  # corrected, sent again or held back by the user meanwhile: hers (found in review)
            log.warning("case %s refused by the platform, yet its Task is there (Task/%s)", case_id, found[0])
            self.listener.case_state(case_id, CaseState.SENT.value, M.tr("sync.refused_yet_found"))
            summary.sent.append(case_id)  # (said with the cases sent: sync --once's summary, its JSON)
        return True

    def _poll(self) -> list[str]:
        try:
            answered = self.follower.poll(budget_s=self.case_budget_s)
        except DataAltered:
            raise
        except StorageError as exc:
            if _said_full(exc) or not _disk_full(exc):
                raise
            # Found in review: an answer polled onto a full disk said « ce dernier enregistrement n'a pas
            # été fait … puis recommencez », nothing the nurse could do again. Nothing of it was kept (its
            # Task is read again at the next poll); the way out is the other full disks' (app/messages).
            raise StorageError(M.tr("follow.disk_full")) from exc
        except TransientFault as fault:
            self._poll_failed()
            if fault.retry_after is not None and fault.kind == "busy":
                self._hold(fault.retry_after)  # (the contract: polling respects Retry-After)
            log.info("poll postponed (%s)", fault_for_log(fault))
            return []
        except PermanentFault as fault:
            # The platform refuses the search itself: sending goes on, the poll is tried again later.
            self._poll_failed()
            log.warning("poll refused by the platform (%d)", fault.status)
            return []
        self._poll_failures = 0
        self._last_poll = (time.monotonic(), wall_clock())
        waited = self.follower.waited
        if waited is not None and waited.retry_after is not None and waited.kind == "busy":
            # The poll went on past a case the platform keeps asking to wait on (set aside, followed last):
            # its Retry-After is honoured all the same before the next poll.
            self._hold(waited.retry_after)
        return answered

    def _poll_failed(self) -> None:
        """A poll failed: the next one comes after the poll's interval, doubled for each failure in a row. Found
        from outside: counted from the last poll that succeeded, a poll failing (a platform down, a 429) was
        tried again at once, pass after pass, for as long as it lasted."""
        self._poll_failures += 1
        self._last_poll = (time.monotonic(), wall_clock())

    def _since_poll(self) -> float:
        """Seconds since the last poll, the time the computer slept included: the monotonic clock stops
        then, the wall clock does not (one put back counts on the monotonic one)."""
        monotonic, wall = self._last_poll
        return max(time.monotonic() - monotonic, wall_clock() - wall)

    def _sleep(self, seconds: float) -> bool:
        """Wait ``seconds`` (the time asleep included: measured as ``_since_poll``, by slices, since the wait
        of an event stops with the monotonic clock); True when woken meanwhile."""
        monotonic, wall = time.monotonic(), wall_clock()
        while True:
            left = seconds - max(time.monotonic() - monotonic, wall_clock() - wall)
            if left <= 0:
                return False
            if self._wake.wait(min(left, AWAKE_SLICE_S, DUE_CHECK_S)):
                return True
            # Told to stop (SIGTERM to `sync`: its handler sets the stop only). Found in review: asleep until the
            # next poll, five minutes, a service manager killing it first.
            if self.client.stop.is_set() or self._due_now():
                return True

    def _due_now(self) -> bool:
        """A case or a reply due now while the engine sleeps: made due by another process (``teleavis case send
        ID --reduced`` while the window or a ``sync`` runs: app/outbox.py ``set_reduced``; a reply's reduced
        copies chosen on another connection: ``set_reply_reduced``)."""
        soonest = self.outbox.next_attempt_at(longest=self._longest_wait())
        return (soonest is not None and soonest <= iso(utc_now())) or self._reply_due_now()

    def _reply_due_now(self) -> bool:
        """Whether a reply still to go here waits for a time already come (found from outside: one brought
        forward on another connection waited for the engine's next wake, the end of its backoff). The same
        rule as the pass's (``_postponed_replies``), so it never wakes the engine for a reply the pass would
        not try: a sealed record read, and one query only when one's time has come."""
        now = utc_now()
        due = [message_id for message_id, (_tries, when) in self._postponed_replies().items() if when <= now]
        if not due:
            return False
        marks = ",".join("?" * len(due))
        row = self.store.conn.execute(
            "SELECT 1 FROM messages m JOIN cases c ON c.id = m.case_id WHERE m.direction='to-expert' "  # noqa: S608
            f"AND m.state='queued' AND m.id IN ({marks}) AND (c.destination IS NULL OR c.destination = ?) LIMIT 1",
            (*due, self.outbox.here()),
        ).fetchone()
        return row is not None

    # -- forever -------------------------------------------------------------------------------

    def run_forever(self, stop_event: threading.Event, timeout: float | None = None) -> SyncSummary:
        """Work until ``stop_event`` is set (or ``timeout`` seconds pass), sleeping between passes."""
        total = SyncSummary()
        deadline = None if timeout is None else time.monotonic() + timeout
        self.client.stop = stop_event
        with _stopped_after(stop_event, timeout), self._locked(timeout_s=5.0):
            while not stop_event.is_set() and not self.moved():
                poll_due = (self._since_poll() >= self._poll_interval() and not self._held_for()) or self._wake.is_set()
                self._wake.clear()
                total.merge(self._pass(poll=poll_due))  # (a pass stopped returns what it did)
                wait = self._next_wait()
                if deadline is not None:
                    wait = min(wait, deadline - time.monotonic())
                    if wait <= 0:
                        break
                if self._sleep(wait):
                    continue
        return total

    def _poll_interval(self) -> float:
        # Backing off while offline: doubling per failed poll, up to 8 intervals, until a poll succeeds or
        # the platform takes a case or a reply (found in review: 40 minutes at the default, the platform back).
        return float(self.poll_interval_s * (2 ** min(self._poll_failures, 3)))

    def _next_wait(self) -> float:
        waits = [max(0.0, self._poll_interval() - self._since_poll(), self._held_for())]
        soonest = self.outbox.next_attempt_at(longest=self._longest_wait())
        if soonest is not None:
            delta = (datetime.fromisoformat(soonest) - utc_now()).total_seconds()
            waits.append(max(0.2, delta))
        postponed = self._postponed_replies()
        for _case_id, message in self.outbox.queued_replies(here=True):
            due = postponed.get(message.id)
            # A reply not tried yet (a pass stopped before it) goes in a moment; a postponed one when its
            # time comes, not at every second (nor does it hold the cases and the poll back).
            later = None if due is None else (due[1] - utc_now()).total_seconds()
            waits.append(max(1.0, self.client.policy.base_s) if later is None else max(0.2, later))
        return max(0.05, min(waits))
