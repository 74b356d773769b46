"""Following the cases at the platform (docs/platform-api.md §5): polling, answers, questions, cancelling.

Open cases are polled in batches (``GET Task?_id=a,b,…``), narrowed with ``_lastUpdated`` once
each case has been seen. ``Task.status`` is mirrored in the case; a completed Task's
DiagnosticReport is read, its PDFs downloaded and stored encrypted, the follow-up advice kept and
the case marked answered; an on-hold Task's Communication from the expert is kept as a message.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import hashlib
import json
import logging
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from app import acts, audit, business_status
from app import messages as M
from app.answers import (
    FOLLOW_UP,
    FOLLOW_UP_MOST_DAYS,
    FOREIGN_URL,
    GONE,
    MAX_ANSWER_BYTES,
    MAX_ANSWER_FILES,
    MAX_ANSWER_PDFS,
    MODIFIED,
    NO_CONTENT,
    NOT_FOUND,
    OTHER_PATIENT,
    PDF,
    REPORT,
    SIGNATURES,
    SIGNED_REPORT,
    STORED_LATER,
    TOO_LARGE,
    UNREACHABLE,
    UNREADABLE,
    WITHDRAWN,
    beyond_limits_item,
    file_kind,
    missing_item,
    sniffed_kind,
)
from app.db import transaction
from app.errors import DataAltered, InvalidTransition, StorageError, TeleavisError
from app.fsutil import NO_SPACE, existing_ancestor
from app.model import (
    FOLLOWED_STATES,
    QUESTION_WITHDRAWN,
    TRANSITIONS,
    Answer,
    AnswerNews,
    CaseImage,
    CaseState,
    Message,
    iso,
    utc_now,
)
from app.moments import parse_date_time
from app.outbox import Outbox
from app.store import PLATFORM, TRAINING, NewImage, Store, sha1_b64
from app.validation import demo_still, image_place
from sync import codes as C
from sync.auth import SignInRequired
from sync.client import (
    BodyTooLarge,
    OffPlatform,
    PermanentFault,
    PlatformClient,
    SearchResult,
    Stopped,
    StorageFault,
    TransientFault,
    base64_binary,
    fault_for_log,
)
from sync.mapping import CASE_SYSTEM, audit_heads, location_id, platform_words, tag_audit_head
from sync.progress import NullListener, ProgressListener

log = logging.getLogger(__name__)

M.add(
    {
        "cancel.not_sent": {
            "fr": "Ce dossier n'est pas encore sur la plateforme : il n'y a rien à annuler là-bas.",
            "en": "This case is not on the platform yet: there is nothing to cancel there.",
        },
        "cancel.draft": {
            "fr": "Ce dossier est un brouillon jamais envoyé : il n'y a rien à annuler sur la plateforme. Pour le "
            "supprimer, ouvrez la fenêtre de Teleavis, sélectionnez-le dans la liste puis choisissez Dossiers > "
            "Supprimer le brouillon…",
            "en": "This case is a draft never sent: there is nothing to cancel on the platform. To delete it, open "
            "the Teleavis window, select it in the list, then choose Cases > Delete draft…",
        },
        "cancel.no_version": {
            "fr": "La plateforme ne donne pas la version de la demande : l'annuler pourrait effacer une prise en "
            "charge de l'expert faite au même moment. Rien n'a été envoyé ; demandez l'annulation à la plateforme.",
            "en": "The platform does not give the request's version: cancelling it could erase the expert's "
            "acceptance made at the same moment. Nothing was sent; ask the platform to cancel it.",
        },
        "cancel.modified": {
            "fr": "La plateforme a modifié cette demande d'une façon que Teleavis ne sait pas lire : elle n'est "
            "pas annulée d'ici. Rien n'a été envoyé ; annulez-la sur la plateforme.",
            "en": "The platform changed this request in a way Teleavis cannot read: it is not cancelled from "
            "here. Nothing was sent; cancel it on the platform.",
        },
        "cancel.too_late": {
            "fr": "Trop tard pour annuler : l'expert a déjà pris le dossier ({state}).",
            "en": "Too late to cancel: the expert has already taken the case ({state}).",
        },
        "cancel.done": {"fr": "Dossier {id} annulé sur la plateforme.", "en": "Case {id} cancelled on the platform."},
        "cancel.not_made": {
            "fr": "La plateforme a reçu l'annulation mais la demande n'est pas annulée : elle reste en cours. "
            "Réessayez plus tard, ou appelez la plateforme.",
            "en": "The platform received the cancellation but the request is not cancelled: it is still under "
            "way. Try again later, or call the platform.",
        },
        "reply.not_waiting": {
            "fr": "L'expert n'attend pas de réponse sur ce dossier.",
            "en": "The expert is not waiting for an answer on this case.",
        },
        # (Here, not in sync/engine.py which says it: the poll that finds the Task gone knows it said.)
        "sync.reply_task_gone": {
            "fr": "La demande n'existe plus sur la plateforme (elle y a été supprimée) : votre réponse ne peut pas "
            "parvenir à l'expert. Elle n'est pas partie ; ses mots sont gardés dans la réponse à écrire. Appelez la "
            "plateforme.",
            "en": "The request no longer exists on the platform (it was deleted there): your reply cannot reach the "
            "expert. It has not left; its words are kept in the reply to write. Call the platform.",
        },
        "reply.training_gone": {
            "fr": "Ce dossier de formation ne peut plus joindre sa plateforme d'essai : votre réponse ne "
            "peut pas partir, rien n'est parti. Aucun vrai patient n'est concerné.",
            "en": "This training case can no longer reach its test platform: your reply cannot leave, nothing "
            "has left. No real patient is concerned.",
        },
        "reply.not_again": {
            "fr": "Une image jointe a déjà été envoyée à l'expert avec une autre réponse : rien n'est parti. "
            "Retirez les images et joignez les bonnes.",
            "en": "An attached image was already sent to the expert with another reply: nothing has left. "
            "Remove the images and attach the right ones.",
        },
        "reply.unplaced": {
            "fr": "{what} Rien n'est parti : l'expert doit savoir où chaque image a été prise.",
            "en": "{what} Nothing has left: the expert must know where each image was taken.",
        },
        "reply.unusable": {
            "fr": "Une image jointe est inutilisable ({reason}) : rien n'est parti. Retirez les images, puis "
            "joignez-en une nette.",
            "en": "An attached image is unusable ({reason}): nothing has left. Remove the images, then attach a "
            "sharp one.",
        },
        "cancel.gone": {
            "fr": "La demande n'existe plus sur la plateforme (elle y a été supprimée) : il n'y a rien à y "
            "annuler, et aucune réponse ne viendra par Teleavis. Le dossier reste ici tel quel. Appelez la "
            "plateforme.",
            "en": "The request no longer exists on the platform (it was deleted there): there is nothing to cancel "
            "there, and no answer will come through Teleavis. The case stays here as it is. Call the platform.",
        },
        "cancel.refused": {
            "fr": "La plateforme refuse l'annulation ({status}) : {diagnostics} La demande reste en cours sur la "
            "plateforme, le dossier ici tel quel. Pour l'annuler, appelez la plateforme.",
            "en": "The platform refuses the cancellation ({status}): {diagnostics} The request is still under way "
            "on the platform, the case here as it is. To cancel it, call the platform.",
        },
        "cancel.reason": {"fr": "Annulée par le demandeur", "en": "Cancelled by the requester"},
        "cancel.other_platform": {
            "fr": "Ce dossier a été envoyé à une autre plateforme (d'essai ou réelle) que celle réglée maintenant : "
            "il ne peut pas être annulé d'ici.",
            "en": "This case was sent to another platform (test or real) than the one set now: it cannot be "
            "cancelled from here.",
        },
        "follow.task_gone": {
            "fr": "La demande n'existe plus sur la plateforme (elle y a été supprimée) : aucune réponse ne "
            "viendra par Teleavis. Appelez la plateforme.",
            "en": "The request no longer exists on the platform (it was deleted there): no answer will come "
            "through Teleavis. Call the platform.",
        },
        "follow.task_gone.training": {
            "fr": "Cette demande de formation n'est plus sur la plateforme d'essai, dont les données ont été "
            "effacées (changement de clé ou de plateforme, ou sauvegarde restaurée) : aucune réponse "
            "de formation ne viendra. Aucun vrai patient n'est concerné ; vous pouvez supprimer ce dossier "
            "de formation.",
            "en": "This training request is no longer on the test platform, whose data was erased (a change of "
            "key or of platform, or a backup restored): no training answer will come. No real patient is "
            "concerned; you may delete this training case.",
        },
        "follow.task_gone.answered": {
            "fr": "La demande n'est plus sur la plateforme (elle y a été supprimée après sa réponse) : la réponse "
            "reçue reste dans Teleavis, mais une modification de l'expert ne viendrait plus par Teleavis.",
            "en": "The request is no longer on the platform (it was deleted there after its answer): the answer "
            "received stays in Teleavis, but a change by the expert would no longer come through Teleavis.",
        },
        "follow.task_gone.answered.training": {
            "fr": "Ce dossier de formation n'est plus sur la plateforme d'essai, dont les données ont été "
            "effacées (changement de clé ou de plateforme, ou sauvegarde restaurée) : sa réponse reste ici. "
            "Aucun vrai patient n'est concerné ; vous pouvez supprimer ce dossier de formation.",
            "en": "This training case is no longer on the test platform, whose data was erased (a change of key "
            "or of platform, or a backup restored): its answer stays here. No real patient is concerned; you may "
            "delete this training case.",
        },
        "follow.other_case": {
            "fr": "La demande suivie pour ce dossier sur la plateforme est celle d'un autre dossier : rien n'en "
            "est repris ici, pour ne pas mêler deux patients. Appelez l'assistance.",
            "en": "The request followed for this case on the platform is another case's: nothing of it is taken "
            "in here, so that two patients are never mixed. Call support.",
        },
        "follow.questions_cut": {
            "fr": "Les messages de l'expert n'ont pas tous pu être lus (la plateforme en renvoie une partie "
            "ailleurs) : consultez-les sur la plateforme, et signalez-le à son support.",
            "en": "Not all of the expert's messages could be read (the platform sends part of them elsewhere): see "
            "them on the platform, and tell its support.",
        },
        "follow.read_again_later": {
            "fr": "L'expert a modifié sa réponse, mais la nouvelle version n'a pas pu être lue : la réponse "
            "affichée est la précédente. Nouvel essai à la prochaine synchronisation.",
            "en": "The expert changed the answer, but the new version could not be read: the answer shown is "
            "the previous one. Trying again at the next sync.",
        },
        "follow.unknown_status": {
            "fr": "La plateforme donne à cette demande un statut que Teleavis ne connaît pas (« {status} ») : "
            "elle sera relue à chaque synchronisation.",
            "en": "The platform gives this request a status Teleavis does not know (“{status}”): it will be read "
            "again at each synchronisation.",
        },
        "follow.unreadable_status": {
            "fr": "La plateforme donne à cette demande un statut que Teleavis ne sait pas lire : elle sera relue "
            "à chaque synchronisation.",
            "en": "The platform gives this request a status Teleavis cannot read: it will be read again at each "
            "synchronisation.",
        },
        "follow.modified": {
            "fr": "La plateforme a modifié cette demande d'une façon que Teleavis ne sait pas lire : tant que "
            "cette mention reste, Teleavis n'en affichera pas les changements, réponse comprise. Suivez-la sur "
            "la plateforme.",
            "en": "The platform changed this request in a way Teleavis cannot read: while that stays, Teleavis "
            "will not show its changes, the answer included. Follow it on the platform.",
        },
        "follow.question_unread": {
            "fr": "L'expert demande des précisions, mais son message n'a pas pu être lu : il sera relu "
            "automatiquement ; si cela dure, consultez la plateforme.",
            "en": "The expert asks for more information, but their message could not be read: it will be read "
            "again automatically; if this lasts, see the platform.",
        },
        "follow.task_behind": {
            "fr": "La plateforme a donné un état de cette demande plus ancien que celui déjà reçu (une copie en "
            "retard) : Teleavis la relira aux prochaines synchronisations.",
            "en": "The platform gave an older state of this request than the one already received (a copy lagging "
            "behind): Teleavis will read it again at the next synchronisations.",
        },
        "follow.task_unread": {
            "fr": "La plateforme n'a pas pu donner l'état de cette demande (un défaut de son côté, sur cette "
            "demande seule) : nouvel essai à chaque synchronisation. Si cela dure, consultez-la sur la "
            "plateforme et signalez-le à son support.",
            "en": "The platform could not give the state of this request (a fault on its side, on this request "
            "alone): trying again at each synchronisation. If it lasts, see it on the platform and tell its "
            "support.",
        },
        "follow.report_of_another_case": {
            "fr": "La plateforme donne comme réponse à ce dossier le compte rendu d'un autre dossier : il n'est "
            "pas repris ici, pour ne pas mêler deux patients. Appelez la plateforme pour qu'elle le corrige.",
            "en": "The platform gives another case's report as this case's answer: it is not taken in here, so "
            "that two patients are never mixed. Call the platform to have it corrected.",
        },
        "follow.platform_waits": {
            "fr": "La plateforme demande d'attendre chaque fois que Teleavis lit ce dossier (trop de demandes, ou "
            "service indisponible) : les autres dossiers sont suivis, celui-ci sera relu à chaque synchronisation. "
            "Si cela dure, consultez-le sur la plateforme et signalez-le à son support.",
            "en": "The platform asks to wait each time Teleavis reads this case (too many requests, or service "
            "unavailable): the other cases are followed, this one will be read again at each synchronisation. If "
            "it lasts, see it on the platform and tell its support.",
        },
        "follow.disk_full": {
            "fr": "Le disque est plein : la réponse de l'expert (ou une autre nouvelle de la plateforme) n'a pas "
            "pu être enregistrée. Rien n'est perdu : elle sera téléchargée de nouveau. Libérez de la place (ou "
            "prévenez le support informatique), puis fermez Teleavis et rouvrez-le.",
            "en": "The disk is full: the expert's answer (or other news from the platform) could not be saved. "
            "Nothing is lost: it will be downloaded again. Free some space (or call IT support), then close "
            "Teleavis and open it again.",
        },
        "follow.answer_unread": {
            "fr": "L'expert a répondu ; la réponse n'a pas pu être lue : consultez la plateforme. Teleavis la "
            "redemandera.",
            "en": "The expert has answered; the answer could not be read: see it on the platform. Teleavis will "
            "ask for it again.",
        },
        "follow.unreadable": {
            "fr": "La réponse de la plateforme n'a pas pu être lue (détails dans le journal) : "
            "nouvel essai à la prochaine synchronisation.",
            "en": "The platform's answer could not be read (details in the log): trying again at the next sync.",
        },
    }
)

#: Cases that may still change at the platform (an answered case may be reopened by a question).
POLLED_STATES = (
    *(
        s.value
        for s in (CaseState.SENT, CaseState.RECEIVED, CaseState.ACCEPTED, CaseState.IN_PROGRESS, CaseState.ON_HOLD)
    ),
    CaseState.ANSWERED.value,
)
_MIRRORED = {
    "requested": CaseState.SENT,
    "received": CaseState.RECEIVED,
    "accepted": CaseState.ACCEPTED,
    "in-progress": CaseState.IN_PROGRESS,
    "on-hold": CaseState.ON_HOLD,
    "rejected": CaseState.REJECTED,
    "cancelled": CaseState.CANCELLED,
    "completed": CaseState.ANSWERED,
    # Beyond the contract's list, as FHIR R4 has them: the platform gave up on the request (it will not
    # be answered: the requester must find another way), or the Task was made by mistake.
    "failed": CaseState.REJECTED,
    "entered-in-error": CaseState.CANCELLED,
}
OUTPUT_SYSTEM = C.OUTPUT_SYSTEM
BATCH = 40


def _readable(kind: str, data: bytes) -> bool:
    """Whether ``data``, declared of ``kind``, can be shown: a PDF or a picture by its bytes (app.answers
    ``sniffed_kind``: the window and the report read each as what it is, a PDF labelled a picture, a PNG
    a JPEG, a GIF a PNG), or of a kind Teleavis does not read by its bytes (taken as it is, said unshown)."""
    return kind not in SIGNATURES or sniffed_kind(data) is not None


def _as_declared(form: dict[str, Any], data: bytes) -> bool:
    """Whether ``data`` agree with the size and hash the attachment declares (those it declares)."""
    size, digest = form.get("size"), form.get("hash")
    if isinstance(size, int) and size != len(data):
        return False
    return not (isinstance(digest, str) and digest and digest != sha1_b64(data))


def _vouched(form: dict[str, Any], data: bytes) -> bool:
    """Whether ``data`` are proven the bytes the platform holds: its hash (SHA-1) declared and theirs,
    and its size when declared."""
    digest = form.get("hash")
    return isinstance(digest, str) and bool(digest) and _as_declared(form, data)


MESSAGE_SYSTEM = "urn:teleavis:message-id"
#: Why a part of an answer may still come on a later poll: not on the platform yet (404), or its
#: download failed at every try. A part refused otherwise or unreadable is not downloaded again at
#: every poll (on a slow link, megabytes).
_MAY_STILL_COME = frozenset({NOT_FOUND, UNREACHABLE, STORED_LATER})
#: Polls in a row whose download of the same attachment failed (a cut, a timeout, a 5xx) before the
#: answer is kept without it: a moment's cut only delays the answer whole, but an attachment that no
#: try brings (too large for the link, a platform fault on that one file) never holds back the
#: expert's conclusion; the part is then asked for again like one not yet on the platform.
ATTACHMENT_TRIES = 3
#: Communication statuses (FHIR R4) of a message the expert has not sent: a draft, or one given up.
_NOT_SENT_YET = frozenset({"preparation", "not-done"})
#: Such a part is asked for again at the next polls, then less and less often: once a tenth of the time
#: since the answer was issued has passed since the last try (minutes in its first hour), and once a
#: day at most. A platform whose link stays broken then costs a request a day, not one a minute.
RETRY_SHARE = 0.1
RETRY_AT_MOST_EVERY = timedelta(hours=24)
#: Search parameters that only narrow or page a search: a strict platform may refuse them.
OPTIONAL_PARAMS = ("_lastUpdated", "_count")
#: DiagnosticReport statuses of a signed answer (final and its later versions): preferred to a
#: provisional report the Task also points to.
SIGNED = SIGNED_REPORT
#: Cases followed on the platform the settings name now: a case sent to the training platform is not
#: looked for on the real one, nor a real case on the training one (store.queue records where it went).
#: A Task status as FHIR codes them: shown and kept (in clear) only so. Anything else may be the platform's
#: free words, which may quote the patient (found by an outside pass: a status that was a name, in clear).
_STATUS_CODE = re.compile(r"[a-z][a-z-]{0,39}")
_HERE = "(destination IS NULL OR destination = ?)"
_MARK = "sync.poll_mark"
_REPORT_MARK = "sync.report_mark"
#: The latest ``lastUpdated`` a poll has seen (whole or not), of Tasks and of reports: instants the
#: platform's clock had passed before the next poll began (see ``_next_mark``).
_SEEN = {_MARK: "sync.poll_seen", _REPORT_MARK: "sync.report_seen"}
#: address -> polls in a row its read failed (a cut, a timeout, a 5xx), of the reports and attachments
#: (``ATTACHMENT_TRIES``). Kept in the store, not in the process: found in review, ``teleavis sync
#: --once`` run by cron is a new process each time, the count started again at every run and never
#: reached its limit, and such a case stayed « sent » for good. Sealed (app/settings.py): an
#: attachment's address may carry its title.
_READ_FAILURES = "sync.read_failures"
#: At most this many addresses counted (the oldest dropped): one whose case stopped being followed
#: between two failures is not kept for ever.
_READ_FAILURES_KEPT = 200
#: The cases whose following failed (``mirror``: a fault, an answer of a shape not expected, data
#: altered) and has not succeeded since: searched whatever their date (never narrowed by the mark)
#: until it does, so that one case the poll keeps failing on no longer holds the mark, and with it
#: every other case's news (found in review: the mark frozen for everyone by that one case).
_MIRROR_FAILED = "sync.mirror_failed"
#: case id -> polls in a row the platform asked to wait (429, or 503: unavailable) while its Task, report,
#: files or messages were read. Below ``THROTTLED_TRIES`` the poll stops there and waits, nothing said on
#: the case (the platform is busy, not the case at fault); from it on, the case is set aside: followed at the
#: very end of each poll, after every other case, its questions and reports, and said on its page. Found in
#: review: a platform answering 429 on one report, at every poll, stopped each poll there, and every case
#: followed after it stayed unread for good.
_THROTTLED = "sync.throttled"
THROTTLED_TRIES = 3
#: report id -> when the platform last asked to wait (429, 503 with Retry-After) while a missing part of its
#: answer was asked again: those answers are asked after the others (``retry_missing``), the one waited on
#: longest ago first. Kept in the store, not in the process: found in review, ``teleavis sync --once`` from
#: cron, a new process each time, asked the same answer first at every run, was told to wait, and the other
#: answers' missing parts were never asked again.
_PARTS_WAITED_ON = "sync.parts_waited_on"
#: case id -> polls in a row its Task was read at an older version than the one the case holds (a replica
#: lagging behind, ``_behind``): left for a later poll, then taken from ``VERSION_BACK_TRIES`` on (a platform
#: restored from a backup goes back for good, and its cases must still be followed).
_VERSION_BACK = "sync.version_back"
VERSION_BACK_TRIES = 3
#: case id -> the ``lastUpdated`` of the Task version the case holds, when its versions are not numbers (FHIR
#: R4 makes ``meta.versionId`` an id, « a1b2 » as well as « 3 »): what tells a lagging read then (``_behind``).
#: At most ``_TASK_SEEN_KEPT`` cases (the oldest dropped: such a case's reads are then taken as they come).
_TASK_SEEN = "sync.task_seen"
_TASK_SEEN_KEPT = 2000
#: Notes of a case on hold that its questions read whole make untrue.
_SAID_UNTIL_QUESTIONS_READ = ("follow.questions_cut", "follow.question_unread", "follow.platform_waits")
#: What each platform's polls keep from one run to the next: how far the Tasks and the reports were
#: polled, the latest change each poll saw, the reads that failed, the cases whose following failed.
POLL_MARKS = (
    _MARK,
    _REPORT_MARK,
    *_SEEN.values(),
    _READ_FAILURES,
    _MIRROR_FAILED,
    _THROTTLED,
    _PARTS_WAITED_ON,
    _VERSION_BACK,
    _TASK_SEEN,
)


def poll_mark(name: str, destination: str) -> str:
    """The setting holding mark ``name`` of a platform: the training platform's marks are its own."""
    return name if destination == PLATFORM else f"{name}.training"


def kept_record(store: Store, key: str) -> dict[str, Any] | None:
    """The dict the setting ``key`` holds (empty when none); None when its row was altered outside
    Teleavis: a count or a time to wait, not worth stopping the sync for (``change_record`` writes it
    afresh)."""
    try:
        value = store.settings.get(key)
    except DataAltered:
        log.warning("the setting %s was altered outside Teleavis: started afresh", key)
        return None
    return dict(value) if isinstance(value, dict) else {}


def change_record(store: Store, key: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Read the dict of setting ``key``, ``change`` it and write it back in one write transaction, so
    that a change another connection makes meanwhile is not lost; written only when it changed."""
    with transaction(store.conn):
        kept = kept_record(store, key)
        record = dict(kept or {})
        change(record)
        if kept is None or record != kept:
            store.settings.set(key, record or None, in_transaction=True)


def count_in_record(store: Store, key: str, entry: str, *, forget_from: int | None = None) -> int:
    """One more for ``entry`` in the dict of counts of setting ``key`` (the newest last, the oldest beyond
    ``_READ_FAILURES_KEPT`` dropped): how many now. From ``forget_from`` on, its count is forgotten."""
    counted = 0

    def more(record: dict[str, Any]) -> None:
        nonlocal counted
        before = record.pop(entry, 0)
        counted = (before if isinstance(before, int) else 0) + 1
        if forget_from is None or counted < forget_from:
            record[entry] = counted  # (last: the newest)
            for oldest in list(record)[:-_READ_FAILURES_KEPT]:
                del record[oldest]

    change_record(store, key, more)
    return counted


def forget_in_record(store: Store, key: str, entry: str) -> None:
    """``entry`` goes from the dict of setting ``key``, if it is there: nothing is written otherwise
    (called at every success, most often with nothing to forget)."""
    if entry in (kept_record(store, key) or {}):
        change_record(store, key, lambda record: record.pop(entry, None))


#: States in which an answered request was handed back to the platform to be taken again: its answer,
#: with no report left in the Task, was withdrawn.
_HANDED_BACK = frozenset({CaseState.SENT, CaseState.RECEIVED, CaseState.ACCEPTED})
#: When the recently written Tasks were last read back whole for their audit heads (``read_witnesses``).
_WITNESS_MARK = "sync.witness_at"
#: Notes that are news for the requester, as a cancelled request is: the request deleted on the platform,
#: no answer will come (seen from outside: said on the case, the case not marked to read, so nobody saw it).
_NEWS_NOTES = ("follow.task_gone", "follow.task_gone.training")
#: The notes that said it already, of a reply refused as its request was deleted (sync/engine.py), news for her
#: then (« Réponse à l'expert non envoyée »): the poll that finds the Task gone next keeps them (they say her
#: reply's words are kept, and to call the platform) and says nothing again (found from outside: announced twice,
#: the second time, the case on hold, as « L'expert pose une question »).
_SAID_BY_THE_REPLY = ("sync.reply_task_gone", "reply.training_gone")
#: The words a message had before (notes are kept as said): still that message. The training platform's erasure
#: named only a key or platform change, not the restore of a backup (which holds no ``sandbox/``).
_FORMER_WORDS = {
    "reply.training_gone": (
        "Ce dossier d'entraînement ne peut plus joindre sa plateforme d'essai : votre réponse ne peut pas partir, "
        "rien n'est parti. Aucun vrai patient n'est concerné.",
    ),
    "follow.task_gone.training": (
        # (« d'entraînement », « dossier d'essai »: the words before one term, « formation », was used everywhere)
        "Cette demande d'entraînement n'est plus sur la plateforme d'essai, dont les données ont été effacées "
        "(changement de clé ou de plateforme, ou sauvegarde restaurée) : aucune réponse d'entraînement ne viendra. "
        "Aucun vrai patient n'est concerné ; vous pouvez supprimer ce dossier d'essai.",
        "This training request is no longer on the test platform, whose data was erased (a change of key or of "
        "platform, or a backup restored): no training answer will come. No real patient is concerned; you may "
        "delete this test case.",
        "Cette demande d'entraînement n'est plus sur la plateforme d'essai, dont les données ont été effacées "
        "(changement de clé ou de plateforme) : aucune réponse d'entraînement ne viendra. Aucun vrai patient n'est "
        "concerné ; vous pouvez supprimer ce dossier d'essai.",
        "This training request is no longer on the test platform, whose data was erased (a change of key or of "
        "platform): no training answer will come. No real patient is concerned; you may delete this test case.",
    ),
    "follow.task_gone.answered.training": (
        "Ce dossier d'entraînement n'est plus sur la plateforme d'essai, dont les données ont été effacées "
        "(changement de clé ou de plateforme, ou sauvegarde restaurée) : sa réponse reste ici. Aucun vrai patient "
        "n'est concerné ; vous pouvez supprimer ce dossier d'essai.",
        "This training case is no longer on the test platform, whose data was erased (a change of key or of "
        "platform, or a backup restored): its answer stays here. No real patient is concerned; you may delete this "
        "test case.",
        "Ce dossier d'entraînement n'est plus sur la plateforme d'essai, dont les données ont été effacées "
        "(changement de clé ou de plateforme) : sa réponse reste ici. Aucun vrai patient n'est concerné ; vous "
        "pouvez supprimer ce dossier d'essai.",
        "This training case is no longer on the test platform, whose data was erased (a change of key or of "
        "platform): its answer stays here. No real patient is concerned; you may delete this test case.",
    ),
}


def is_said(words: str | None, key: str) -> bool:
    """Whether ``words`` (a case's note) are the message ``key``, in either language, as said now or before."""
    return words is not None and (words in M.CATALOGUE[key].values() or words in _FORMER_WORDS.get(key, ()))


WITNESS_EVERY = timedelta(hours=24)
#: When the answered cases' reports were last searched whatever their date (``poll_reports``): a report deleted on
#: the platform leaves no trace in a search narrowed by ``_lastUpdated``, so that one is not narrowed; a report
#: asked in it and left out is read alone, and one the platform says gone (404, 410) is said withdrawn. Once a
#: day: every answered report comes down whole then (a kilobyte or two each as the contract shapes them, more with
#: inline files), on links paid by the megabyte; a platform changing the Task as it deletes is read at once.
_ROLL_CALL_MARK = "sync.report_roll_call"
ROLL_CALL_EVERY = timedelta(hours=24)


def _issued(value: str) -> datetime | None:
    """A report's ``issued`` instant, if it is one (FHIR requires a time zone there)."""
    issued = parse_date_time(value)
    return issued if issued is not None and issued.tzinfo is not None else None


def _business_status(value: Any) -> str | None:
    """What is kept of a Task's businessStatus: the platform's words, with its code when it coded the
    status in Teleavis's system (the window says a known one in the user's language)."""
    text = _text(value)
    if not text:
        return None
    code = next(
        (
            str(coding["code"])[:64]
            for coding in _list(value.get("coding"))
            if isinstance(coding, dict)
            and coding.get("system") == C.BUSINESS_STATUS_SYSTEM
            and isinstance(coding.get("code"), str)
            and coding["code"].strip()
        ),
        None,
    )
    return business_status.kept(text, code)


def _text(value: Any) -> str:
    """A CodeableConcept's words: its text, else its first coding's display (a platform may give only a
    coding)."""
    if not isinstance(value, dict):
        return ""
    if isinstance(value.get("text"), str) and value["text"].strip():
        return str(value["text"])
    for coding in _list(value.get("coding")):
        if isinstance(coding, dict) and isinstance(coding.get("display"), str) and coding["display"].strip():
            return str(coding["display"])
    return ""


def _case_ids(task: dict[str, Any]) -> set[str]:
    """The cases a Task names by their identifier (§2: ``urn:teleavis:case-id``)."""
    return {
        str(identifier.get("value"))
        for identifier in _list(task.get("identifier"))
        if isinstance(identifier, dict) and identifier.get("system") == CASE_SYSTEM
    }


def _taken_last(task: dict[str, Any], by_task: dict[str, tuple[str, str | None]]) -> bool:
    """Whether a Task listed in a search names another case than the one its id is followed for: found by
    an outside pass, such a Task listed before the case's own under the same id (a platform's duplicate)
    was the one taken, and set the case aside as altered, its answer never read. It comes after."""
    entry = by_task.get(str(task.get("id")))
    return entry is not None and _names_another_case(task, entry[0])


def _names_another_case(task: dict[str, Any], case_id: str) -> bool:
    """Whether the Task carries the identifier of cases (§2: ``urn:teleavis:case-id``) and not this one's.
    Found from outside: two cases' Task ids swapped in the database filed one patient's answer, and its
    report, under the other patient's case, sealed there as genuine; a platform returning the wrong Task
    would do the same. (A Task naming no case is taken on its id, as before.)"""
    named = _case_ids(task)
    return bool(named) and case_id not in named


def _about(comm: dict[str, Any], task_id: str, case_id: str = "", request_id: str = "") -> bool:
    """Whether the Communication is ``about`` this Task: a relative or absolute, versioned or not,
    reference, or a logical one by the case's own identifier (found from outside: such a question was
    left out as another Task's, and the case on hold showed no question). One about no Task is this
    case's when it names its ServiceRequest (``basedOn``, or ``about`` the request): found by an outside
    conformance pass, a platform's question naming the request alone was left out the same way."""
    if _names_this_task(comm, task_id, case_id):
        return True
    for about in _list(comm.get("about")):
        logical = about.get("identifier") if isinstance(about, dict) else None
        if _reference_id(about, "Task") or (isinstance(logical, dict) and logical.get("system") == CASE_SYSTEM):
            return False  # about another Task, another case
    return bool(request_id) and any(
        _reference_id(named, "ServiceRequest") == request_id
        for named in [*_list(comm.get("about")), *_list(comm.get("basedOn"))]
    )


def _reference_id(value: Any, resource_type: str) -> str | None:
    """The id of the ``resource_type`` a Reference names (relative or absolute, versioned or not), else None."""
    reference = value.get("reference") if isinstance(value, dict) else None
    try:
        return location_id(reference, resource_type) if isinstance(reference, str) else None
    except ValueError:
        return None


def _names_this_task(comm: dict[str, Any], task_id: str, case_id: str) -> bool:
    for about in _list(comm.get("about")):
        reference = about.get("reference") if isinstance(about, dict) else None
        if not isinstance(reference, str):
            logical = about.get("identifier") if isinstance(about, dict) else None
            if (
                case_id
                and isinstance(logical, dict)
                and logical.get("system") == CASE_SYSTEM
                and logical.get("value") == case_id
            ):
                return True
            continue
        try:
            if location_id(reference, "Task") == task_id:
                return True
        except ValueError:
            continue
    return False


def _modified(resource: Any) -> bool:
    """Whether a resource carries a modifier extension, on itself or on one of its parts (a backbone
    element: a Task's output, a message's payload), or ``implicitRules`` (a modifier element too: rules
    Teleavis does not know that change what it means), its ``contained`` resources aside (each is judged
    where it is read)."""
    if isinstance(resource, list):
        return any(_modified(item) for item in resource)
    if not isinstance(resource, dict):
        return False
    return any(
        (key in ("modifierExtension", "implicitRules") and value) or (key != "contained" and _modified(value))
        for key, value in resource.items()
    )


def _payload_text(comm: dict[str, Any]) -> str:
    """A message's words: its ``contentString`` payloads, and those given as a text attachment."""
    parts: list[str] = []
    for payload in _list(comm.get("payload")):
        if not isinstance(payload, dict):
            continue
        if isinstance(payload.get("contentString"), str):
            parts.append(payload["contentString"])
            continue
        text = _attachment_text(payload.get("contentAttachment"))
        if text is not None:
            parts.append(text)
    return " ".join(part.strip() for part in parts if part.strip())


#: Attachments of a message read as its words.
_TEXT_KINDS = frozenset({"text/plain", "text/markdown"})


def _attachment_text(attachment: Any) -> str | None:
    """The words of a text attachment given inline, in the charset its contentType names (UTF-8 when it
    names none: found from outside, a question in ISO-8859-1 was read as UTF-8, failed, and was shown as
    « an element that cannot be displayed here »); None when it is not one, or cannot be read."""
    if not isinstance(attachment, dict) or not isinstance(attachment.get("data"), str):
        return None
    kind, *parameters = str(attachment.get("contentType") or "").split(";")
    if kind.strip().lower() not in _TEXT_KINDS:
        return None
    charset = "utf-8"
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"'):
            charset = value.strip().strip('"')
    try:
        return base64_binary(attachment["data"]).decode(charset)
    except (binascii.Error, ValueError, LookupError):  # (UnicodeDecodeError is a ValueError)
        return None


#: The largest text file fetched as a message's words.
MAX_MESSAGE_FILE = 1024 * 1024


def _text_by_url(payload: Any) -> bool:
    """Whether a message's payload is a text attachment given by its address alone (no ``data``)."""
    attachment = payload.get("contentAttachment") if isinstance(payload, dict) else None
    if not isinstance(attachment, dict) or attachment.get("data"):
        return False
    kind = str(attachment.get("contentType") or "").split(";")[0].strip().lower()
    url = attachment.get("url")
    return kind in _TEXT_KINDS and isinstance(url, str) and bool(url.strip())


def _not_shown(comm: dict[str, Any]) -> list[str]:
    """The titles (or types) of what a message carries besides words: files, references; "" for one that
    has neither (``app.case_record.expert_text`` says it in words)."""
    found = []
    for payload in _list(comm.get("payload")):
        if not isinstance(payload, dict):
            continue
        attachment = payload.get("contentAttachment")
        if isinstance(attachment, dict):
            if _attachment_text(attachment) is not None:
                continue  # (its words are the message's)
            kind = str(attachment.get("contentType") or "").split(";")[0].strip().lower()
            found.append(str(attachment.get("title") or kind or ""))  # ("": no name, said so in words)
        elif isinstance(payload.get("contentReference"), dict):
            found.append(
                str(payload["contentReference"].get("display") or payload["contentReference"].get("reference") or "")
            )
    return found


def _with_contained_data(form: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    """An attachment whose ``url`` is ``#id`` (FHIR's local reference: a Binary carried inside the report) with
    that Binary's ``data`` given inline. Found left alone a session, then by a conformance pass: the PDF was
    fetched at the platform's base, which answered with something else, and the report was said not found.
    A ``#id`` naming nothing inside the report (or no Binary with data) is no file: unreadable, never fetched
    (``_Missing``)."""
    url = form.get("url")
    # (Stripped as an address is: found in review, « #pdf » written with a space or a line break around it was
    # taken for an address, and the platform's base was fetched as the report's PDF.)
    local = url.strip() if isinstance(url, str) else ""
    if not local.startswith("#") or (isinstance(form.get("data"), str) and form["data"]):
        return form
    named = [r for r in _list(report.get("contained")) if isinstance(r, dict) and r.get("id") == local[1:]]
    data = named[0].get("data") if len(named) == 1 and named[0].get("resourceType") == "Binary" else None
    if isinstance(data, str) and data.strip():
        # (Two resources of one id: which one is meant cannot be told, as for a performer.)
        return {**form, "data": data}
    raise _Missing(UNREADABLE)


def _contained(task: dict[str, Any], reference: str) -> dict[str, Any] | None:
    """The DiagnosticReport carried inside the Task (``contained``) that ``reference`` ("#id") names.

    It is the Task's own content: it has no id on the platform (its id is cleared, so it is never
    searched for as one, where it could name another report), and it changes with the Task's version.

    In R4 a contained resource contains nothing (dom-2): its own local references (``#pdf``, ``#p1``) name the
    Task's other contained resources. Those it names are given as its ``contained`` (found in review: its PDF, a
    Binary carried beside it, was looked for inside it alone and said unreadable); what it carries itself, which
    R4 forbids, is not read."""
    if not reference.startswith("#"):
        return None
    siblings = [r for r in _list(task.get("contained")) if isinstance(r, dict)]
    for resource in siblings:
        if resource.get("resourceType") == "DiagnosticReport" and resource.get("id") == reference[1:]:
            report = {key: value for key, value in resource.items() if key != "contained"}
            named: list[dict[str, Any]] = []
            wanted = _local_ids(report)
            while wanted:  # (and what those name: a role's practitioner)
                found = [r for r in siblings if r.get("id") in wanted and r is not resource and r not in named]
                named += found
                wanted = set().union(*(_local_ids(r) for r in found))
            return {**report, "id": "", **({"contained": named} if named else {})}
    return None


def _local_ids(value: Any) -> set[str]:
    """The ids a resource names by local reference (``reference`` or an attachment's ``url`` « #id »)."""
    if isinstance(value, list):
        return set().union(*(_local_ids(item) for item in value))
    if not isinstance(value, dict):
        return set()
    found = {
        value[key][1:]
        for key in ("reference", "url")
        if isinstance(value.get(key), str) and value[key].startswith("#") and value[key][1:]
    }
    return found.union(*(_local_ids(item) for key, item in value.items() if key != "contained"))


def _same_subject(report: dict[str, Any], task: dict[str, Any]) -> bool:
    """Whether the report is about the Task's patient (when both say whom they are about)."""
    ids: list[str] = []
    for holder, key in ((report, "subject"), (task, "for")):
        reference = holder.get(key)
        reference = reference.get("reference") if isinstance(reference, dict) else None
        if not isinstance(reference, str):
            return True
        try:
            ids.append(location_id(reference, "Patient"))
        except ValueError:
            return True
    return ids[0] == ids[1]


def _amendment(answer: Answer) -> AnswerNews:
    """The news of an answer that replaces another: withdrawn when the new version is."""
    return AnswerNews.WITHDRAWN if answer.report_status in WITHDRAWN else AnswerNews.AMENDED


def _another_answer(known: Answer, new: Answer, reports: Sequence[dict[str, Any]] = ()) -> bool:
    """Whether ``new``, read from ``reports``, is not the answer already kept (another report, another version,
    other words). Words Teleavis wrote otherwise then (``_former_conclusions``: before the codes beside a text
    were read, before their label) are the same words when the report's shown elements are unchanged (or no
    digest of them was kept): found left open, such an answer given again after a question, from the same
    report, was announced « réponse modifiée », the expert having changed nothing."""
    if (known.report_id, known.report_version) != (new.report_id, new.report_version):
        return True
    if known.conclusion == new.conclusion:
        return False
    return not (
        reports
        and all(known.report_digests.get(str(r.get("id", "")), shown_digest(r)) == shown_digest(r) for r in reports)
        and known.conclusion in _former_conclusions(reports)
    )


def find_task(client: PlatformClient, case_id: str, *, named: bool = False) -> tuple[str, str, str | None] | None:
    """(Task id, ServiceRequest id, version) of the case's Task when the platform has it.

    The version is given only for a Task still ``requested``, the status a case is recorded sent
    with: one the expert has moved on since (the send's answer lost, the expert quicker than the
    resend) must be mirrored at the next poll, which skips a Task whose version it holds.

    Only this case's Task: a server that does not support the search parameter ignores it (FHIR's
    lenient default) and returns every Task, another patient's first (found in review: the case was
    bound to it, and would have shown its answer). A Task naming another case is never taken; one
    naming no case only when the search returned nothing else, and never with ``named``: a case the platform
    said it refused is unlikely to be there, and one Task listed alone may be another case's (found in review:
    a lenient platform's one Task, another patient's, taken by a refused case at each poll)."""
    tasks = [
        task for task in client.search("Task", {"identifier": f"{CASE_SYSTEM}|{case_id}"}) if isinstance(task, dict)
    ]
    naming = [task for task in tasks if case_id in _case_ids(task)]
    unnamed = [task for task in tasks if not _case_ids(task)]
    for task in naming or (unnamed if len(tasks) == 1 and not named else []):
        focus = (task.get("focus") or {}).get("reference", "")
        try:
            request_id = location_id(focus, "ServiceRequest")
        except ValueError:
            continue
        version = _version_id(task) if task.get("status") == "requested" else None
        return str(task["id"]), request_id, version
    return None


#: UCUM's units of time, in days.
_UCUM_DAYS = {
    "s": 1 / 86400,
    "min": 1 / 1440,
    "h": 1 / 24,
    "d": 1.0,
    "wk": 7.0,
    "mo": 30.0,
    "mo_j": 30.4375,  # the Julian month; found from outside, « 3 mo_j » was dropped
    "mo_g": 30.436875,
    "mo_s": 29.53059,
    "a": 365.0,
    "a_j": 365.25,
    "a_g": 365.2425,
    "a_t": 365.24219,
}


def follow_up_days(duration: Any) -> float | None:
    """The expert's follow-up advice in days (the contract's unit when none is given); None for a unit
    not known. Read as days, « 6 [mo_j] » (a month in another UCUM form) was given as 6 days."""
    if not isinstance(duration, dict) or not isinstance(duration.get("value"), int | float):
        return None
    factor = _UCUM_DAYS.get(str(duration.get("code", "d")))
    if factor is None:
        # Its length only: the platform's words may name the patient, and the log is kept in clear (attack41).
        log.warning("a follow-up advice in a unit not known (%d characters): not shown", len(str(duration.get("code"))))
        return None
    try:
        days = float(duration["value"]) * factor
    except OverflowError:  # an integer past any float
        return None
    if not 0 <= days <= FOLLOW_UP_MOST_DAYS:
        # Infinite (1e400 in JSON), past any life (1e300), or negative: not an advice to follow (found in
        # review: its words raised an error wherever they were written). Said not read, as a unit not known.
        log.warning("a follow-up advice out of any range: not shown")
        return None
    return days


def promised_by(task: dict[str, Any]) -> str | None:
    """When the expert promises the answer: ``Task.restriction.period.end`` (FHIR R4: "when fulfillment
    is sought"), as a UTC instant; None when the platform does not say (the 7 days of sending stand)."""
    restriction = task.get("restriction")
    period = restriction.get("period") if isinstance(restriction, dict) else None
    end = period.get("end") if isinstance(period, dict) else None
    if not isinstance(end, str) or not end:
        return None
    moment = parse_date_time(end)
    if moment is None:
        log.warning("the Task's restriction.period.end is not a date-time: ignored")
        return None
    if moment.tzinfo is None and "T" not in end:  # a date alone: the end of that day, here
        moment = (moment + timedelta(days=1)).astimezone()
    elif moment.tzinfo is None:  # a time without its zone (FHIR wants one): taken as said here, not a day later
        moment = moment.astimezone()
    return iso(moment)


@dataclass
class _Room:
    """What one answer has kept so far, against what it may keep (``app.answers``: 20 files, 10 PDF
    reports among them, 200 MB in all), and how many files were past it."""

    files: int = 0
    pdfs: int = 0
    size: int = 0
    beyond: int = 0
    #: The attached images it tried and could not keep (said missing): they take no place, up to a number.
    failed: int = 0
    #: The Media already read for this answer, by their id on the platform: one named twice is one file.
    media: set[str] = field(default_factory=set)
    #: The addresses of the ``presentedForm`` files taken for this answer (``Follower._form_keys``): one file two of
    #: its reports list is one file (by its address only: two reports' files of the same bytes are two files).
    forms: set[str] = field(default_factory=set)

    def left(self) -> int:
        """How many more files it may keep: none once its size is reached."""
        return 0 if self.size >= MAX_ANSWER_BYTES else max(0, MAX_ANSWER_FILES - self.files)

    def fits(self, kind: str, size: int) -> bool:
        if self.files >= MAX_ANSWER_FILES or (kind == PDF and self.pdfs >= MAX_ANSWER_PDFS):
            return False
        return self.size + size <= MAX_ANSWER_BYTES

    def take(self, kind: str, size: int) -> None:
        self.files += 1
        self.pdfs += kind == PDF
        self.size += size

    def say(self, answer: Answer) -> None:
        """Note on ``answer`` the files past its limits, if any (one item: a thousand would be no better)."""
        if self.beyond:
            answer.missing.append(beyond_limits_item(self.beyond))


class _OfAnotherCase(Exception):
    """The Task points to a report that is another case's answer (``Follower._of_another_case``)."""


class _Missing(Exception):
    """A part of the answer that cannot be read; ``reason`` is one of app.answers' codes."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _same_version(kept: str, report: dict[str, Any]) -> bool:
    """Whether ``report`` is the state of the report kept as ``kept``. A ``lastUpdated`` is compared as
    the instant it names, to the millisecond: a server may write it to the microsecond when the report
    is read and to the millisecond in a search, and that is no amendment."""
    now = _report_version(report)
    if kept == now:
        return True
    prefix = "lastUpdated:"
    if not (kept.startswith(prefix) and now.startswith(prefix)):
        return False
    moments = [parse_date_time(value[len(prefix) :]) for value in (kept, now)]
    if None in moments or any(m.tzinfo is None for m in moments if m is not None):
        return False
    first, second = (m.astimezone(UTC).replace(microsecond=m.microsecond // 1000 * 1000) for m in moments if m)
    return first == second


def _report_version(report: dict[str, Any]) -> str:
    """What tells one state of a DiagnosticReport from another: its version, its date, else its content."""
    meta = report.get("meta")
    if not isinstance(meta, dict):
        meta = {}
    # (A version written as a JSON number is the same version as its string: found in review, a platform
    # writing it so in one answer and not in the other made the answer « amended » at every poll.)
    version = meta.get("versionId")
    if isinstance(version, int) and not isinstance(version, bool):
        return f"versionId:{version}"
    for key in ("versionId", "lastUpdated"):
        if isinstance(meta.get(key), str) and meta[key]:
            return f"{key}:{meta[key]}"
    body = {k: v for k, v in report.items() if k != "meta"}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"


#: The elements of a DiagnosticReport the requester reads (the window, ``case show``, the printed report):
#: a change there is an amendment whatever its ``meta`` says, a change elsewhere (``meta``, narrative) none.
SHOWN_ELEMENTS = ("status", "conclusion", "conclusionCode", "issued", "performer", "presentedForm", "media")


def _json_digest(value: object) -> str:
    """A SHA-256 of ``value`` as JSON, its keys sorted: the same for the same content in any order."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def shown_digest(report: dict[str, Any]) -> str:
    """A digest of what the requester reads of ``report`` (:data:`SHOWN_ELEMENTS`, and the resources it
    carries that they name), its keys in order: one report written otherwise has the same."""
    shown = {key: report.get(key) for key in SHOWN_ELEMENTS if key in report}
    shown["contained"] = report.get("contained")
    return _json_digest(shown)


#: Code systems named in words after a code given alone (no display, no text): any other by its address.
_SYSTEM_NAMES = {
    "http://snomed.info/sct": "SNOMED CT",
    "http://hl7.org/fhir/sid/icd-10": "ICD-10",
    "http://hl7.org/fhir/sid/icd-10-cm": "ICD-10-CM",
    "http://loinc.org": "LOINC",
}
#: The ways an answer's conclusion has been written (``_conclusion_of``): now, in each language, before the label,
#: before the codes were read beside a text.
_LABELLED = ("fr", "en")
_PLAIN, _BEFORE_CODES = "plain", "before-codes"


def _code_words(concept: Any) -> str:
    """A coded conclusion's words: its text or display, else its code as given, with its system (found left open:
    a code without words gave none, and a change of it, the expert's diagnosis, was never shown nor said)."""
    words = _text(concept).strip()
    if words or not isinstance(concept, dict):
        return words
    for coding in _list(concept.get("coding")):
        code = coding.get("code") if isinstance(coding, dict) else None
        if isinstance(code, str) and code.strip():
            system = coding.get("system")
            named = _SYSTEM_NAMES.get(system, system) if isinstance(system, str) and system.strip() else ""
            return f"{code.strip()} ({named})" if named else code.strip()
    return ""


def _conclusion_of(report: dict[str, Any], way: str = "") -> str:
    """The conclusion an answer keeps of ``report``: its text, then the words of its codes the text does not hold,
    labelled « Diagnostic codé » (in the user's language, or ``way``'s) so that the expert's own words and the code
    are told apart; the codes' words alone without a text. ``_PLAIN``, ``_BEFORE_CODES``: as kept before the label,
    before the codes beside a text were read (what older answers hold, ``Follower._kept_quietly``)."""
    conclusion = report["conclusion"] if isinstance(report.get("conclusion"), str) else ""
    # The coded conclusion (conclusionCode) is the expert's diagnosis as much as the text: coded only, its words
    # are the conclusion, never « no written conclusion »; beside a text, its words the text does not already
    # hold follow it. Found left open: read only without a text, a code changed under the same text (« naevus
    # bénin » to « mélanome malin ») was never shown, its amendment kept quietly.
    words_of = _code_words if way not in (_PLAIN, _BEFORE_CODES) else _text
    codes = [words for words in (words_of(code).strip() for code in _list(report.get("conclusionCode"))) if words]
    if way == _BEFORE_CODES:
        return conclusion if conclusion.strip() else "; ".join(codes)
    more = [words for words in dict.fromkeys(codes) if words.casefold() not in conclusion.casefold()]
    if not conclusion.strip():
        return "; ".join(more)
    if more:
        label = "" if way == _PLAIN else f"{M.CATALOGUE.tr_in('answer.coded', way) if way else M.tr('answer.coded')} "
        return f"{conclusion.rstrip()}\n\n{label}{'; '.join(more)}"
    return conclusion


def _shown_words(report: dict[str, Any]) -> tuple[str, str, str, str]:
    """(status, conclusion, issued, expert) of ``report`` as an answer keeps them (``_read_content``)."""
    issued = report["issued"] if isinstance(report.get("issued"), str) else ""
    expert = ", ".join(filter(None, (_performer(report, p) for p in _list(report.get("performer")))))
    return _status(report), _conclusion_of(report), issued, expert


def _former_conclusions(reports: Sequence[dict[str, Any]]) -> set[str]:
    """The conclusions an answer read from ``reports`` may hold, written as Teleavis wrote them (``_conclusion_of``):
    joined as ``Follower._read_reports`` joins them, a report with a modifier extension adding none."""
    said: set[str] = set()
    for way in (*_LABELLED, _PLAIN, _BEFORE_CODES):
        joined = ""
        for n, report in enumerate(r for r in reports if not _modified(r)):
            words = _conclusion_of(report, way)
            if n == 0:
                joined = words
            elif words.strip():
                joined = "\n\n".join(filter(None, (joined.strip(), words.strip())))
        said.add(joined)
    return said


def _status(report: dict[str, Any]) -> str:
    """A report's ``status`` when it is a code (a string), else "": a status Teleavis does not know, said so
    beside the answer (``app.answers.status_words``). Found by a pass of one odd report: a status written as a
    list or an object stopped its answer at every poll (« nouvel essai à la prochaine synchronisation »), the
    expert's conclusion never shown."""
    status = report.get("status")
    return status if isinstance(status, str) else ""


def _same_shown(known: Answer, report: dict[str, Any]) -> bool:
    """Whether the requester reads in ``report`` what ``known`` was read from, whatever its version says.
    Found left open: a server changing a report under the same ``meta.versionId`` (or its ``lastUpdated``
    alone) had its new conclusion never read. An answer kept before its digests were (no digest of this
    report) is not known the same: read again once, whole, and compared by what it says, files' bytes
    included (:meth:`Follower._kept_quietly`: the same, it takes its digest quietly). Found in review: compared
    by its words alone, a PDF replaced under the same version was never said, then or ever after (the
    digest, never taken, never came)."""
    digest = known.report_digests.get(str(report.get("id", "")))
    return bool(digest) and digest == shown_digest(report)


def _reports_version(reports: list[dict[str, Any]]) -> str:
    """The version of an answer read from several reports: each one's id and version."""
    return " + ".join(f"{report.get('id', '')}@{_report_version(report)}" for report in reports)


def _task_parts(answer: Answer) -> list[dict[str, str]]:
    """The missing items of ``answer`` read from its Task, not its report (a follow-up advice in a unit
    not known): kept when the report alone is read again (found by review, the warning went, which
    reads as « no visit needed », and the answer was said completed)."""
    return [dict(item) for item in answer.missing if item.get("what") == FOLLOW_UP]


#: The key of a stand-in for a report of several that was not read (``_current_reports``): why.
_LACKING = "_teleavis_lacking"
#: Its version in the answer's (with why): found again as it was, nothing changed.
_LACKING_VERSION = "lacking"


def _lacking(reference: str, why: str) -> dict[str, Any]:
    """A stand-in for the report ``reference`` names, not read (``why``) among several that were: it holds its
    place in the answer's version (``_reports_version``), never a word or a file."""
    return {
        "resourceType": "DiagnosticReport",
        "id": _report_id(reference),
        "meta": {"versionId": f"{_LACKING_VERSION}:{why}"},
        _LACKING: why,
    }


def _lacking_reports(answer: Answer) -> dict[str, str]:
    """The reports ``answer``, read from several, holds as not read then (``_lacking``): each id with why, in the
    answer's order. The one reading of the stand-ins' place in the answer's version."""
    marker = f"@versionId:{_LACKING_VERSION}:"
    return {
        part.split("@", 1)[0]: part.split(marker, 1)[1] for part in answer.report_version.split(" + ") if marker in part
    }


def _lacking_part(answer: Answer, report_id: str) -> bool:
    """Whether ``answer``, read from several reports, holds ``report_id`` as one not read then."""
    return report_id in _lacking_reports(answer)


def _several(answer: Answer) -> bool:
    """Whether the answer was read from several reports (:func:`_reports_version`)."""
    return " + " in answer.report_version


def _same_part(known: Answer, report: dict[str, Any]) -> bool:
    """Whether ``report``, one of those ``known`` was read from, is in the state read."""
    if not _several(known):
        return _same_version(known.report_version, report)
    return f"{report.get('id', '')}@{_report_version(report)}" in known.report_version.split(" + ")


def _same_reports(known: Answer, reports: list[dict[str, Any]]) -> bool:
    """Whether ``reports`` are the reports ``known`` was read from, each in the state read: a final
    report added after a provisional one, or a second one, is news."""
    if len(reports) > 1 or _several(known):
        return known.report_version == _reports_version(reports)
    first = reports[0]
    same_report = not known.report_id or not first.get("id") or known.report_id == str(first["id"])
    return same_report and _same_version(known.report_version, first)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _performer(report: dict[str, Any], performer: Any, *, depth: int = 0) -> str:
    """Who a report's performer names: its display, else the name of the resource contained in the report it
    points to (``#p1``: R4 references.html#contained, as a server keeps the expert's software's report): a
    Practitioner, an Organization or a CareTeam, or a PractitionerRole's practitioner (FR Core names a
    professional in the role of his practice so; found in review: the expert was left unnamed). A resource no
    performer may be (a Patient) never gives its name as the expert's."""
    if not isinstance(performer, dict):
        return ""
    if isinstance(performer.get("display"), str) and performer["display"].strip():
        return str(performer["display"]).strip()
    reference = performer.get("reference")
    if not (isinstance(reference, str) and reference.startswith("#")):
        return ""
    found = [c for c in _list(report.get("contained")) if isinstance(c, dict) and c.get("id") == reference[1:]]
    if len(found) != 1:
        return ""
    kind = found[0].get("resourceType")
    if kind == "PractitionerRole":
        return _performer(report, found[0].get("practitioner"), depth=depth + 1) if depth == 0 else ""
    if kind not in ("Practitioner", "Organization", "CareTeam"):
        return ""
    name = found[0].get("name")
    if isinstance(name, str):  # an Organization's, a CareTeam's
        return name.strip()
    for human in _list(name):  # a Practitioner's: its text, else its parts
        if isinstance(human, dict):
            if isinstance(human.get("text"), str) and human["text"].strip():
                return str(human["text"]).strip()
            parts = [*_list(human.get("prefix")), *_list(human.get("given")), human.get("family")]
            words = " ".join(str(w).strip() for w in parts if isinstance(w, str) and w.strip())
            if words:
                return words
    return ""


def _missing_for(status: int) -> str:
    """Why a part the platform refused (``PermanentFault``) is missing: not there yet (404, asked again), deleted
    (410 Gone: found in review, said « pas encore sur la plateforme » and asked for ever), else unreadable."""
    return NOT_FOUND if status == 404 else GONE if status == 410 else UNREADABLE


def _asks_to_wait(fault: TransientFault) -> bool:
    """Whether the platform said to come back later (429, with or without Retry-After: too many requests;
    503 with Retry-After: a maintenance): for every request, not a fault of the one asked."""
    return fault.status == 429 or (fault.status == 503 and fault.retry_after is not None)


def _unavailable(fault: TransientFault) -> bool:
    """Whether the platform said it is unavailable for now (503, Retry-After or not): the platform's state,
    not a fault of the one resource asked (found in review: said on the case of the one Task it came on)."""
    return fault.status == 503


class Follower:
    def __init__(
        self,
        store: Store,
        client: PlatformClient,
        listener: ProgressListener | None = None,
        *,
        destination: str | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.listener = listener or NullListener()
        self.outbox = Outbox(store, destination=destination)
        #: The audit heads read on our Tasks and Communications since the last ``check_witness``.
        self._witnessed: set[str] = set()
        #: report id -> when its answer was issued (or first seen lacking a part) and last asked again.
        self._asked_again: dict[str, tuple[datetime, datetime]] = {}
        #: Cases whose last search of messages did not read every page (said on the case).
        self._questions_cut: set[str] = set()
        #: The platform's last « wait » (429, 503) on a case set aside in the last poll, which went on past it
        #: (``THROTTLED_TRIES``): the engine honours its Retry-After before the next poll.
        self.waited: TransientFault | None = None
        #: report id -> the cases whose answer holds it (kept), and those whose Task points to it in this poll
        #: (``_report_claims``).
        self._claims: dict[str, tuple[set[str], set[str]]] = {}

    def witness(self, resource: Any) -> None:
        """Note the audit heads a resource of ours read from the platform carries (app/audit.py)."""
        self._witnessed.update(audit_heads(resource))

    def check_witness(self) -> int | None:
        """Does the audit log here still hold every head the platform was seen holding? The highest
        one it does not hold is recorded as an ``altered`` entry (once) and returned; the sync goes on
        either way. Resources with no tag (an older platform, or one that drops tags) are not checked."""
        codes, self._witnessed = self._witnessed, set()
        missing = audit.check_witness(self.store.conn, self.store.key, codes)
        if missing is None:
            return None
        log.error("the platform holds audit entry #%d, which the audit trail here does not hold", missing)
        try:
            audit.record_rewound(self.store.conn, self.store.key, missing)
        except (StorageError, TeleavisError) as exc:  # a damaged journal must not stop care
            log.error("the altered audit trail could not be recorded: %s", type(exc).__name__)
        return missing

    def read_witnesses(self, returned: set[str], budget_s: float | None = None) -> None:
        """Once a day, read back whole the Tasks written last (the highest audit heads the platform
        holds), whatever their state: the polls, narrowed with ``_lastUpdated`` and blind to closed
        cases, may not have returned them. Those this poll returned are not asked again. Not after the
        platform asked to wait in this poll (``waited``): found in review, asked all the same before its
        Retry-After; read at the next poll, the day not counted as done."""
        if self.waited is not None:
            return
        last = self.store.settings.get(_WITNESS_MARK)
        try:
            if isinstance(last, str) and utc_now() - datetime.fromisoformat(last) < WITNESS_EVERY:
                return
        except (TypeError, ValueError):
            pass  # not a date: read now
        rows = self.store.conn.execute(
            f"SELECT task_id FROM cases WHERE task_id IS NOT NULL AND {_HERE} ORDER BY updated_at DESC, id LIMIT ?",  # noqa: S608
            (self.here(), BATCH),
        ).fetchall()
        wanted = [str(r[0]) for r in rows if str(r[0]) not in returned]
        if wanted:
            try:
                found = self._search("Task", {"_id": ",".join(wanted), "_count": str(BATCH)}, budget_s)
            except (TransientFault, PermanentFault) as fault:
                log.info("the audit heads were not read back now (%s)", type(fault).__name__)
                if isinstance(fault, TransientFault) and _asks_to_wait(fault):
                    self.waited = fault  # nothing more asked in this poll (found in review: questions, reports)
                return
            for task in found.resources:
                if str(task.get("id")) in wanted:
                    self.witness(task)
        self.store.settings.set(_WITNESS_MARK, iso(utc_now()))

    def here(self) -> str:
        """The platform followed: the one the client talks to (fixed by the engine), else the settings'."""
        return self.outbox.here()

    def _mark(self, name: str) -> str:
        """The setting holding a poll's mark on the platform the settings name now: the training
        platform's marks are its own, or a poll of the real platform would be narrowed by them."""
        return poll_mark(name, self.here())

    def open_cases(self) -> list[tuple[str, str, str | None]]:
        """(case id, task id, known version) of the cases to poll."""
        rows = self.store.conn.execute(
            f"SELECT id, task_id, task_version, state FROM cases WHERE task_id IS NOT NULL AND {_HERE}",  # noqa: S608
            (self.here(),),
        ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows if r[3] in POLLED_STATES]

    def poll(self, budget_s: float | None = None) -> list[str]:
        """One poll of every open case; returns the ids of the cases answered (or amended) now.

        Each case is followed on its own: one whose answer cannot be read now is left for the next
        poll and the others go on. The ``_lastUpdated`` mark moves on only after a poll that read
        every page, so nothing changed meanwhile is narrowed out. A case whose following fails is
        kept aside (``_MIRROR_FAILED``) and searched whatever its date until it is followed: it says
        why on its page, and no longer keeps the mark from moving on for every other case.
        """
        cases = self.open_cases()
        by_task = {task_id: (case_id, version) for case_id, task_id, version in cases}
        mark = self.store.settings.get(self._mark(_MARK))
        failing = self._failing({case_id for case_id, _, _ in cases})
        failed = dict(failing)  # as it will be after this poll
        self.waited = None
        throttled = self._throttled({case_id for case_id, _, _ in cases})
        # Cases the platform kept asking to wait on: followed after everything else (``THROTTLED_TRIES``),
        # each as (Task id, case id, known version, its Task when the search gave it).
        later: list[tuple[str, str, str | None, dict[str, Any] | None]] = []
        # (A Task known by its content, served without a version, is not narrowed by a date it does not give.)
        seen = [
            t for t, (c, v) in by_task.items() if v is not None and not _by_content(v) and mark and c not in failing
        ]
        fresh = [t for t, (c, v) in by_task.items() if v is None or _by_content(v) or not mark or c in failing]
        answered: list[str] = []
        first: str | None = None  # the newest lastUpdated the poll's first search returned
        searched = False
        latest: str | None = None  # the newest lastUpdated seen in this poll
        complete = True
        returned: set[str] = set()
        cut_short: set[str] = set()  # Tasks asked in a search that did not read every page
        heard: set[str] = set()  # Tasks asked in a search read whole
        search_failed: TransientFault | None = None  # a search of Tasks the platform failed to answer
        unread: list[str] = []  # cases whose Task the platform failed to give, in its search and alone
        unread_tasks: set[str] = set()  # their Tasks
        changed: list[tuple[dict[str, Any], str, str | None]] = []  # (Task, case id, known version)
        for ids, narrowed in ((seen, True), (fresh, False)):
            for start in range(0, len(ids), BATCH):
                asked = set(ids[start : start + BATCH])
                params = {"_id": ",".join(ids[start : start + BATCH]), "_count": str(BATCH)}
                if narrowed and mark:
                    params["_lastUpdated"] = "gt" + _minus_second(mark)
                try:
                    found = self._search("Task", params, budget_s)
                except PermanentFault as fault:
                    # This batch refused: its cases are read one by one below, and the other batches,
                    # the reports and the questions go on.
                    log.warning("a search of Tasks refused by the platform (%d)", fault.status)
                    found = SearchResult(complete=False)
                except TransientFault as fault:
                    if fault.kind in ("offline", "tls") or _asks_to_wait(fault):
                        # Nothing answers, or the platform asked to be left alone (until its Retry-After; found
                        # in review: a 429 had each Task read one by one at once): the poll waits, as before.
                        raise
                    # The platform answers, but not this search (a gateway timing out on a long list of
                    # ids, every time): found from outside, it held back every answer. Its cases are read
                    # one by one below; the first that fails too stops the poll with this fault.
                    log.warning("a search of Tasks failed (%s): its Tasks read one by one", fault_for_log(fault))
                    search_failed = search_failed or fault
                    found = SearchResult(complete=False)
                complete = complete and found.complete
                if not found.complete:
                    cut_short |= asked
                else:
                    heard |= asked  # each there or unchanged since the mark: its state is known
                if not searched:
                    first, searched = _newest(found.resources), True
                latest = _latest(latest, _newest(found.resources))
                for task in sorted(found.resources, key=lambda t: _taken_last(t, by_task)):
                    if str(task.get("id")) in asked:
                        returned.add(str(task.get("id")))
                    entry = by_task.pop(str(task.get("id")), None)
                    if entry is None:
                        continue  # not asked for, or already seen on an earlier page
                    changed.append((task, *entry))
                if found.complete and not (narrowed and mark):
                    cut_short |= asked - returned  # not there, whatever its date: read alone, to tell why
        answers = bool(heard or returned)  # the platform answered a search, or gave a Task, in this poll
        hurried = False  # a Task read alone failed after its search did: the others get one try each
        for task_id in sorted(cut_short & set(by_task)):
            # A search cut short (a page the platform refused, a paged search expired): its Tasks are
            # read one by one, so one broken page never holds their answers back at every poll.
            case_id, version = by_task.pop(task_id)
            if throttled.get(case_id, 0) >= THROTTLED_TRIES:
                later.append((task_id, case_id, version, None))
                continue
            reading = functools.partial(self.client.read, "Task", task_id)
            try:
                task = reading() if hurried else self.client.retrying(reading, budget_s=budget_s)
            except TransientFault as fault:
                if _asks_to_wait(fault):
                    # The platform asks to slow down (found in review: a 429 on this one Task said its case
                    # « cannot be read now », and the next Tasks were read at once): the poll waits, as
                    # after a search answered so, nothing said on the case; it is read at the next poll.
                    self._count_wait(case_id)
                    raise
                if search_failed is None and _unavailable(fault) and self._count_wait(case_id) < THROTTLED_TRIES:
                    # The platform unavailable for a moment (503): not this case's fault, nothing said on it
                    # (found in review: « un défaut … sur cette demande seule » at the first 503). Read at the
                    # next polls; said once it lasts, set aside. (Its search failing too, the platform may
                    # not be there at all: told apart below, as for any fault.)
                    log.info("case %s: its Task not read now (%s)", case_id, fault_for_log(fault))
                    failed[case_id] = failing.get(case_id, 0) + 1  # read again whatever the mark
                    continue
                if search_failed is None:
                    log.info("case %s: its Task not read now (%s)", case_id, fault_for_log(fault))
                    if fault.kind not in ("offline", "tls"):
                        # The platform answers, but not with this Task (found by an outside pass: a page, an
                        # OperationOutcome, at every poll, and the case stayed « sent », nothing said).
                        unread.append(case_id)
                        unread_tasks.add(task_id)
                    continue
                if not answers and not hurried and not self._answers():
                    # The Task read alone fails too, and so does metadata: the platform is not there. The
                    # poll stops at once, as before (not every case tried one by one for nothing).
                    raise search_failed from fault
                # The platform answers, but not on this Task (found from outside: one Task it failed on,
                # read first, stopped every case being followed, for good, nothing said). The others are
                # read all the same, each with one try (the retries were spent on this one and on its
                # search); the case says its news cannot be read.
                hurried = True
                log.warning("case %s: its Task not read now, nor in a search (%s)", case_id, fault_for_log(fault))
                unread.append(case_id)
                unread_tasks.add(task_id)
                continue
            except PermanentFault as fault:
                log.info("case %s: its Task not read now (%s)", case_id, fault_for_log(fault))
                # (Only for a case whose platform is known: one sent before it was recorded may be
                # followed on both, and is not on this one.)
                destination = self.store.destination(case_id)
                if fault.status in (404, 410) and destination is not None:
                    # Found from outside: a Task the platform deleted left the case « sent », waiting for
                    # an answer that could not come, nothing said.
                    self._note(case_id, M.tr(task_gone_key(self.store, case_id)))
                continue
            answers = True
            returned.add(task_id)
            changed.append((task, case_id, version))
            latest = _latest(latest, _newest([task]))
        for case_id in unread:
            self._note(case_id, M.tr("follow.task_unread"))
            # « Nouvel essai à chaque synchronisation »: searched whatever the mark until read (found in review:
            # the next polls, narrowed to what changed since, never asked for it again).
            failed[case_id] = failing.get(case_id, 0) + 1
        self._unsay(returned | {t for t in heard if t not in unread_tasks}, "follow.task_unread")
        self._claims = self._report_claims(changed)
        read: set[str] = set()  # the cases on hold whose questions are read with their changed Task
        for task, case_id, version in changed:
            if self.waited is not None:
                # The platform asked to wait on an answered case's questions (its answer kept): found in review,
                # the next cases' reports, files and questions were asked at once. Read at the next poll: the
                # mark does not pass them.
                complete = False
                break
            if throttled.get(case_id, 0) >= THROTTLED_TRIES:
                later.append((str(task.get("id")), case_id, version, task))
                continue
            if self._not_this_case(case_id, task):
                continue  # neither its answer nor its questions, nor its witness, under this case
            if self._behind(case_id, task, version):
                failed[case_id] = failing.get(case_id, 0) + 1  # searched whatever the mark until taken
                # Said, not news (found by the one odd case property: « sent » for those polls without a word).
                self._note(case_id, M.tr("follow.task_behind"))
                continue
            if self._says(case_id, "follow.task_behind"):  # read right again (the same version, or a later one)
                with transaction(self.store.conn) as conn:
                    self.store.set_platform_words(conn, case_id, last_error=None)
            if str(task.get("id")) in returned:
                self.witness(task)
            if task.get("status") == "on-hold" and _task_version(task) != version:
                read.add(case_id)
            outcome = self._follow_one(case_id, task, version, budget_s)
            if outcome is None:
                failed[case_id] = failing.get(case_id, 0) + 1
                log.info("case %s: its following failed (%d poll(s) in a row)", case_id, failed[case_id])
            else:
                failed.pop(case_id, None)
            if outcome:
                answered.append(case_id)
        self.read_witnesses(returned, budget_s)
        self.poll_questions(read, budget_s, throttled=throttled)
        amended, _ = self.poll_reports(budget_s)
        answered += [case_id for case_id in amended if case_id not in answered]
        completed = self.retry_missing(budget_s)
        answered += [case_id for case_id in completed if case_id not in answered]
        for case_id, outcome in self._follow_set_aside(later, throttled, budget_s).items():
            if outcome is None:
                failed[case_id] = failing.get(case_id, 0) + 1  # searched whatever the mark until followed
            else:
                failed.pop(case_id, None)
            if outcome and case_id not in answered:
                answered.append(case_id)
        self.poll_questions(read, budget_s, throttled=throttled, aside=True)
        following = self._next_mark(_MARK, mark, first, latest)
        with transaction(self.store.conn):  # the cases kept aside, no later than the mark that passes them
            if failed != failing:
                self.store.settings.set(self._mark(_MIRROR_FAILED), failed or None, in_transaction=True)
            if complete and following and following != mark:
                self.store.settings.set(self._mark(_MARK), following, in_transaction=True)
        return answered

    def _report_claims(
        self, changed: list[tuple[dict[str, Any], str, str | None]]
    ) -> dict[str, tuple[set[str], set[str]]]:
        """report id -> (the cases whose kept answer holds it, the cases whose Task read now points to it)."""
        claims: dict[str, tuple[set[str], set[str]]] = {}
        for report_id, (case_id, _answer) in self.answered_reports().items():
            claims.setdefault(report_id, (set(), set()))[0].add(case_id)
        for task, case_id, _version in changed:
            try:
                references = self._report_references(task, Answer())
            except Exception:  # a shape not expected: said on its case when it is followed, never the poll stopped
                log.exception("case %s: its Task's reports could not be listed", case_id)
                continue
            for reference in references:
                if reference.startswith("#"):
                    continue  # carried inside the Task: its own
                with contextlib.suppress(ValueError):
                    claims.setdefault(location_id(reference, "DiagnosticReport"), (set(), set()))[1].add(case_id)
        return claims

    def _of_another_case(self, case_id: str, report: dict[str, Any]) -> bool:
        """Whether the report is another case's answer. Found by a property-based pass: a Task whose output
        named another case's report had that patient's answer filed, unsaid, under this one. The request it
        answers (``basedOn``) decides when it names one; else a report kept as another case's answer is
        that case's, and one that several cases' Tasks point to in this poll, none holding it yet, is none's
        (which is right cannot be told: never one patient's answer under another)."""
        requests = {
            request_id
            for named in _list(report.get("basedOn"))
            if (request_id := _reference_id(named, "ServiceRequest")) is not None
        }
        if requests:
            row = self.store.conn.execute("SELECT request_id FROM cases WHERE id=?", (case_id,)).fetchone()
            if row is not None and str(row[0]) in requests:
                return False
            # Another of our cases' request: that case's. A request Teleavis does not know (a platform may
            # file its own) decides nothing: told as when none is named.
            marks = ",".join("?" * len(requests))
            others = f"SELECT 1 FROM cases WHERE id <> ? AND request_id IN ({marks})"  # noqa: S608 - marks only
            if self.store.conn.execute(others, (case_id, *requests)).fetchone() is not None:
                return True
        kept, pointed = self._claims.get(str(report.get("id", "")), (set(), set()))
        if case_id in kept:
            return False
        return bool(kept - {case_id}) or bool(pointed - {case_id})

    def _throttled(self, open_cases: set[str]) -> dict[str, int]:
        """case id -> polls in a row the platform asked to wait on it (``_THROTTLED``), of the open cases."""
        kept = kept_record(self.store, self._mark(_THROTTLED)) or {}
        return {c: n for c, n in kept.items() if c in open_cases and isinstance(n, int)}

    def _count_wait(self, case_id: str) -> int:
        """One more poll in a row the platform asked to wait on this case: how many now."""
        return count_in_record(self.store, self._mark(_THROTTLED), case_id)

    def _follow_set_aside(
        self,
        later: list[tuple[str, str, str | None, dict[str, Any] | None]],
        throttled: dict[str, int],
        budget_s: float | None,
    ) -> dict[str, bool | None]:
        """Follow the cases set aside (``THROTTLED_TRIES``), at the end of the poll, least asked first: case id
        -> what ``_follow_one`` says (None: not followed now). The first the platform asks to wait on again is
        said on its page, and the others wait for the next poll: nothing more is asked of a platform that
        asked to wait (its Retry-After honoured by the engine, ``waited``)."""
        outcomes: dict[str, bool | None] = {}
        for task_id, case_id, version, task in sorted(later, key=lambda entry: throttled.get(entry[1], 0)):
            outcomes[case_id] = None
            if self.waited is not None:
                continue  # tried at the next poll, before the one just refused (its count is now higher)
            try:
                if task is None:
                    task = self.client.retrying(functools.partial(self.client.read, "Task", task_id), budget_s=budget_s)
                    if self._not_this_case(case_id, task):
                        continue
                    self.witness(task)
                elif self._not_this_case(case_id, task):
                    continue
                if self._behind(case_id, task, version):
                    # A replica lagging, as in the poll (found in review: taken here, the case set aside went
                    # back a step): left for a later poll, searched whatever the mark until taken.
                    continue
                outcomes[case_id] = self._follow_one(case_id, task, version, budget_s, counted=False)
            except TransientFault as fault:
                log.info("case %s: set aside, not followed now (%s)", case_id, fault_for_log(fault))
                if _asks_to_wait(fault) or _unavailable(fault):
                    self._count_wait(case_id)
                    self.waited = fault
                    # (A Task read alone the platform is unavailable for: said as a Task it cannot give.)
                    alone = task is None and not _asks_to_wait(fault)
                    self._note(case_id, M.tr("follow.task_unread" if alone else "follow.platform_waits"))
                elif fault.kind not in ("offline", "tls"):
                    self._note(case_id, M.tr("follow.task_unread"))
                else:
                    self.waited = fault  # nothing answers: the others later
            except PermanentFault as fault:
                log.info("case %s: set aside, its Task not read now (%s)", case_id, fault_for_log(fault))
                self._note(case_id, M.tr("follow.task_unread"))
        return outcomes

    def _failing(self, open_cases: set[str]) -> dict[str, int]:
        """case id -> polls in a row its following failed, of the open cases kept aside
        (``_MIRROR_FAILED``). One altered outside Teleavis is taken as holding every open case: each is
        searched whatever its date once, nothing narrowed out."""
        kept = kept_record(self.store, self._mark(_MIRROR_FAILED))
        if kept is None:
            return dict.fromkeys(open_cases, 1)
        return {c: n if isinstance(n, int) else 1 for c, n in kept.items() if c in open_cases}

    def _answers(self) -> bool:
        """Whether the platform answers at all (one ``GET metadata``, no retry): a search and a Task read
        alone failing may be the platform down, or a fault on that one Task."""
        try:
            self.client.metadata()
        except (TransientFault, PermanentFault) as fault:
            log.info("the platform's metadata not read either (%s)", fault_for_log(fault))
            return False
        return True

    def _unsay(self, task_ids: set[str], key: str) -> None:
        """The note ``key`` goes from the cases of these Tasks (read now: what it said no longer holds)."""
        if not task_ids:
            return
        noted = self.store.conn.execute(
            f"SELECT id, task_id FROM cases WHERE last_error IS NOT NULL AND {_HERE}",  # noqa: S608
            (self.here(),),
        ).fetchall()
        for case_id, task_id in noted:
            if str(task_id) in task_ids and self._says(case_id, key):
                with transaction(self.store.conn) as conn:
                    self.store.set_platform_words(conn, case_id, last_error=None)

    def _next_mark(self, name: str, mark: Any, first: str | None, seen: str | None) -> str | None:
        """The ``_lastUpdated`` mark after a whole poll, and this poll's latest ``lastUpdated`` kept.

        The next poll asks only what changed after the mark, so the mark must never pass a change this
        poll did not see. Its searches and reads come one after the other: what changes in a batch
        once it is read (an answer written while the next batch is searched) is seen by no search of
        this poll, and may carry a ``lastUpdated`` earlier than one a later batch returns. Found from
        outside: with the mark at the newest ``lastUpdated`` of any batch, a case completed between two
        batch searches was narrowed out of every later poll, its answer lost for good. So the mark is
        at most the moment the poll's first search was answered, on the platform's clock; what is
        known to be before it: the instants that search returned, those every earlier poll saw
        (``_SEEN``: all seen before this poll began), and the mark itself. Never the client's clock,
        nor an HTTP ``Date`` (another machine's clock, and a server may answer a search from a cache).
        The mark then trails by a poll: what changed during the last one is returned once more, and
        skipped by its version."""
        before = self.store.settings.get(self._mark(_SEEN[name]))
        kept = _latest(before, seen)
        if kept is not None and kept != before:
            self.store.settings.set(self._mark(_SEEN[name]), kept)
        return _latest(mark, before, first)

    def _search(self, resource_type: str, params: dict[str, str], budget_s: float | None) -> SearchResult:
        """A search; a platform that refuses the optional ``_lastUpdated`` or ``_count`` is asked without them."""
        try:
            return self.client.retrying(
                functools.partial(self.client.search_pages, resource_type, params), budget_s=budget_s
            )
        except PermanentFault as fault:
            plain = {k: v for k, v in params.items() if k not in OPTIONAL_PARAMS}
            if plain == params or fault.status not in (400, 422):
                raise
            log.warning(
                "the platform refuses the search options of %s (%d): asked without them", resource_type, fault.status
            )
            return self.client.retrying(
                functools.partial(self.client.search_pages, resource_type, plain), budget_s=budget_s
            )

    def _follow_one(
        self,
        case_id: str,
        task: dict[str, Any],
        known_version: str | None,
        budget_s: float | None,
        *,
        counted: bool = True,
    ) -> bool | None:
        """``mirror`` for one case, which no fault of this case stops the others; None when it failed.
        The platform asking to wait stops the poll (``counted``: one more time on this case, ``_THROTTLED``)."""
        try:
            answered = self.mirror(case_id, task, known_version, budget_s=budget_s, polled=True)
            if answered and _report_unreachable(self.store.answer(case_id)):
                self._note(case_id, M.tr("follow.answer_unread"))
            if not (task.get("status") == "on-hold" and _task_version(task) == known_version):
                # (An on-hold Task unchanged: its questions are read by ``poll_questions``, which counts the
                # platform's waits on them, or forgets them; a server ignoring ``_lastUpdated`` returns it.)
                forget_in_record(self.store, self._mark(_THROTTLED), case_id)
            return answered
        except DataAltered:
            # This case's data was altered (already audited and shown on the case): the others go on.
            log.warning("case %s: not followed, its data is altered", case_id)
            return None
        except _OfAnotherCase:
            # Neither taken nor said answered: followed again at each poll until the platform points this
            # case's Task to its own report.
            log.warning("case %s: its Task points to another case's report, not taken", case_id)
            self._note(case_id, M.tr("follow.report_of_another_case"))
            return None
        except (Stopped, SignInRequired, StorageError):
            raise
        except TransientFault as fault:
            if _asks_to_wait(fault):
                # The platform asks to slow down (found in review: a 429 on the expert's report was said on
                # the case, and the next poll came at its own interval): the poll stops, nothing said.
                if counted:
                    self._count_wait(case_id)
                raise
            log.info("case %s: following postponed (%s)", case_id, fault_for_log(fault))
            if counted and _unavailable(fault) and self._count_wait(case_id) < THROTTLED_TRIES:
                # The platform unavailable for a moment (503, no Retry-After) on its report or a file, as on
                # one Task read alone: not the case at fault, nothing said on it yet (found in review: « La
                # plateforme est occupée (503) » at the first one). Once it lasts the case is set aside and
                # its fault said; a report failing so at every poll is kept missing (``ATTACHMENT_TRIES``).
                return None
            self._note(case_id, fault.words)
        except PermanentFault as fault:
            log.warning("case %s: the platform refused a read while following (%d)", case_id, fault.status)
            self._note(case_id, M.tr("follow.unreadable"))
        except Exception:
            # The platform's answer has a shape this code did not expect: a bug to fix, logged with the
            # case id only, while the other cases go on.
            log.exception("case %s: the platform's Task could not be followed", case_id)
            self._note(case_id, M.tr("follow.unreadable"))
        return None

    def _behind(self, case_id: str, task: dict[str, Any], known: str | None) -> bool:
        """Whether the Task read is an older version than the one the case holds (by their numbers, as HAPI's
        and most servers' are, else by their ``lastUpdated``): a replica lagging behind the platform. Found in
        review: taken as news, an answered case went back « in progress » for a poll, the expert said to have
        taken it up again. Left for a later poll, counted in the store; from ``VERSION_BACK_TRIES`` polls in a
        row on it is taken as it is (the platform restored from a backup: never a case left unfollowed for
        good)."""
        read = _version_id(task)
        if known is None or read is None or read == known:
            older = False
        elif _a_number(read) and _a_number(known):
            older = int(read) < int(known)
        else:
            # Found in review: versions that are not numbers (« a1b2 », FHIR R4 allows any id) skipped the
            # rule. Their ``lastUpdated`` tells the older read (``_TASK_SEEN``).
            older = self._older_than_seen(case_id, task)
        if not older:
            forget_in_record(self.store, self._mark(_VERSION_BACK), case_id)
            return False
        if count_in_record(self.store, self._mark(_VERSION_BACK), case_id) < VERSION_BACK_TRIES:
            log.warning("case %s: its Task read at an older version than known: left for a later poll", case_id)
            return True
        forget_in_record(self.store, self._mark(_VERSION_BACK), case_id)
        log.warning("case %s: its Task stays at an older version than known: taken as it is", case_id)
        return False

    def _keep_task_seen(self, case_id: str, version: str | None, task: dict[str, Any]) -> None:
        """In the caller's transaction: the ``lastUpdated`` of the Task version the case now holds, kept when
        its version is not a number (``_TASK_SEEN``), forgotten otherwise."""
        key = self._mark(_TASK_SEEN)
        kept = kept_record(self.store, key)
        record = dict(kept or {})
        record.pop(case_id, None)
        seen = _meta(task).get("lastUpdated")
        if version is not None and not _a_number(version) and _instant(seen) is not None:
            record[case_id] = seen  # (last: the newest)
            for oldest in list(record)[:-_TASK_SEEN_KEPT]:
                del record[oldest]
        if kept is None or record != kept:
            self.store.settings.set(key, record or None, in_transaction=True)

    def _older_than_seen(self, case_id: str, task: dict[str, Any]) -> bool:
        """Whether the Task read was last changed before the version the case holds (its versions not
        numbers: ``_TASK_SEEN``)."""
        read = _instant(_meta(task).get("lastUpdated"))
        seen = _instant((kept_record(self.store, self._mark(_TASK_SEEN)) or {}).get(case_id))
        return read is not None and seen is not None and read < seen

    def _not_this_case(self, case_id: str, task: dict[str, Any]) -> bool:
        """Whether the Task read for ``case_id`` is another case's: then recorded as an alteration (audit),
        said on the case, and nothing of it taken in."""
        if not _names_another_case(task, case_id):
            return False
        if not self._says(case_id, "follow.other_case"):  # once, not at each poll
            self.store.altered(case_id, f"the Task followed for it (Task/{task.get('id')}) names another case")
            self._note(case_id, M.tr("follow.other_case"))
        return True

    def _note(self, case_id: str, words: str) -> None:
        """Say ``words`` on the case. A note that is news (``_NEWS_NOTES``: no answer will come) marks
        it unread when it first says it, not again at each poll that finds the same."""
        news = [key for key in _NEWS_NOTES if is_said(words, key)]
        if news and any(self._says(case_id, key) for key in _SAID_BY_THE_REPLY):
            return  # said with the reply it stopped, in more words
        fresh = bool(news) and not self._says(case_id, news[0])
        with transaction(self.store.conn) as conn:
            self.store.set_platform_words(conn, case_id, last_error=words)
            if fresh:
                self.store.mark_news(conn, case_id)
        if fresh:
            self.listener.case_state(case_id, self.store.state(case_id).value, words)

    def mirror(
        self,
        case_id: str,
        task: dict[str, Any],
        known_version: str | None,
        budget_s: float | None = None,
        *,
        cancelled_here: bool = False,
        polled: bool = False,
    ) -> bool:
        """Bring the case in line with its Task; True when it became answered (or its answer amended).
        ``cancelled_here``: the requester cancelled it just now (no news to read for them). ``polled``: by
        the poll, which the platform asking to wait on the search of its questions stops once the case is
        mirrored (a cancel told « busy » once done would be untrue)."""
        version = _task_version(task)
        if version is not None and version == known_version:
            return False
        if self._not_this_case(case_id, task):
            return False
        if _modified(task):
            # FHIR: not to be used when one of its modifier extensions is unknown, on it or on one of its
            # parts (an output); the status it gives may not mean what it says. The case stays as it is,
            # and says why.
            log.warning("case %s: its Task carries a modifier extension, not mirrored", case_id)
            self._note(case_id, M.tr("follow.modified"))
            return False
        status = str(task.get("status", ""))
        target = _MIRRORED.get(status)
        answer: Answer | None = None
        news = ""  # AnswerNews of an answered case whose answer changes now
        if status == "completed":
            if self.store.state(case_id) != CaseState.ANSWERED:
                known = self.store.answer(case_id)
                read: list[dict[str, Any]] = []
                answer = self.fetch_answer(task, budget_s, case_id=case_id, read=read)
                if answer is not None and known is not None and _another_answer(known, answer, read):
                    # Answered, then a question (or the case taken back), then answered again: this
                    # answer replaces one already read, and says so like an amended one.
                    answer.amended, news = True, _amendment(answer)
                elif answer is not None and known is not None:
                    answer.amended = known.amended  # the same answer again: corrected if it was
            else:
                known = self.store.answer(case_id)
                answer = self._amended(case_id, task, budget_s)
                if answer is not None and known is not None and _report_itself_missing(known):
                    # The Task had no readable report yet (completed before its output was written):
                    # what comes now completes the answer, it amends nothing.
                    answer.amended, news = False, AnswerNews.COMPLETED
                elif answer is not None:
                    news = _amendment(answer)
        # On hold, the expert's question; on any other change of a case that holds questions, their
        # withdrawal (the expert takes back a question sent by mistake, and the case moves on).
        asks = status == "on-hold" or self._holds_questions(case_id)
        expert_messages: list[dict[str, Any]] = []
        question_unread = False  # on hold, its question not read now: said, read again at the next polls
        waited: TransientFault | None = None  # the platform asked to wait while its questions were searched
        try:
            expert_messages = self._expert_messages(case_id, str(task["id"]), budget_s) if asks else []
        except (TransientFault, PermanentFault) as fault:
            # Found from outside: on hold, the search of messages refused (403) or failing (5xx) kept the
            # case « sent », nothing to read, for as long as it lasted: the expert waited for the nurse,
            # who never knew. The case moves on hold all the same, unread, and says its question could
            # not be read; ``poll_questions`` reads it at the next polls (the Task's version is kept).
            # Only a question's withdrawal was looked for otherwise: found from outside, a platform
            # closing the conversation (403) once the case was answered held the answer back for good.
            question_unread = status == "on-hold"
            log.info("case %s: its questions not read now (%s)", case_id, fault_for_log(fault))
            if isinstance(fault, TransientFault) and _asks_to_wait(fault):
                # The platform asked to wait (found in review: the next case's questions were searched at
                # once): the case is mirrored all the same, then the wait goes up and the poll stops there.
                waited = fault
        with transaction(self.store.conn) as conn:
            # A version is kept as read only for a status understood: a Task read once with a status
            # Teleavis does not know (a proxy's mangling, a platform's draft or ready) is read again,
            # else the same version, once right, would be skipped for good, its answer never shown.
            conn.execute(
                "UPDATE cases SET task_version=?, platform_status=? WHERE id=?",
                (version if target is not None else None, status if _STATUS_CODE.fullmatch(status) else None, case_id),
            )
            if target is not None:
                self._keep_task_seen(case_id, version, task)
            self.store.set_platform_words(
                conn,
                case_id,
                business_status=_business_status(task.get("businessStatus")),
                status_reason=_text(task.get("statusReason")) or None,
                last_error=(
                    (
                        M.tr("follow.unknown_status", status=status)
                        if _STATUS_CODE.fullmatch(status)
                        else M.tr("follow.unreadable_status")
                    )
                    if target is None
                    else M.tr("follow.question_unread")
                    if question_unread
                    else M.tr("follow.questions_cut")
                    if case_id in self._questions_cut
                    else None
                ),
            )
            due = promised_by(task)
            if due is not None:
                self.store.set_due(conn, case_id, due)
            acts.same_site(self.store, conn, case_id, task.get("owner"))
            asked, withdrawn = self._keep_expert_messages(conn, case_id, expert_messages)
            if answer is not None:
                self.store.set_answer(conn, case_id, answer, event=news or None)
            current = CaseState(conn.execute("SELECT state FROM cases WHERE id=?", (case_id,)).fetchone()[0])
            if question_unread and current != CaseState.ON_HOLD:
                self.store.mark_news(conn, case_id)  # the expert waits for the requester: news, words or not
            moved = target is not None and target != current and target in TRANSITIONS[current]
            if target is not None and moved:
                action = {CaseState.ANSWERED: "answered", CaseState.CANCELLED: "cancelled"}.get(target)
                self.store.transition(case_id, target, detail=f"Task {status}", audit_action=action, conn=conn)
                if target in (CaseState.CANCELLED, CaseState.REJECTED):
                    acts.not_done(self.store, conn, case_id)
                    if not cancelled_here:
                        # No answer will come: the requester must see it (found from outside: a case the
                        # platform cancelled, a duplicate say, was not marked to read).
                        self.store.mark_news(conn, case_id)
                if current == CaseState.ANSWERED:
                    # Taken back by the expert, or withdrawn by the platform: an answer already read may
                    # change, or is no longer to be relied on. The requester must see it.
                    self.store.mark_news(conn, case_id)
                    # Handed back to be taken again (requested, received, accepted) with no report: withdrawn.
                    # An expert taking the case up again (in progress, a question) is not: the contract gives
                    # Task.output only when completed (found in review: a question after an answer was said
                    # « la plateforme a retiré cette réponse »).
                    if target in _HANDED_BACK and not self._report_references(task, Answer()):
                        news = news or self._withdrawn_by_platform(conn, case_id)
                    news = news or (AnswerNews.REOPENED if target in FOLLOWED_STATES else "")
            elif target is not None and target != current:
                log.warning("case %s: platform status %s not mirrored from %s", case_id, status, current.value)
        if target is not None and moved:
            self.listener.case_state(case_id, target.value, news)
        elif news:
            self.listener.case_state(case_id, CaseState.ANSWERED.value, news)
        elif current == CaseState.ON_HOLD and (asked or withdrawn):
            # Found from outside: a second question, its Task changed with it (a platform's business status
            # « 2e question »), was kept unread and said nowhere: no notification, the case on screen not
            # shown again. Told as ``poll_questions`` tells one whose Task did not change.
            self.listener.case_state(case_id, current.value, "" if asked else QUESTION_WITHDRAWN)
        if waited is not None and polled and answer is None:
            raise waited
        if waited is not None and polled:
            self.waited = waited  # (an answer kept now is told as such: the engine waits after this poll)
        return answer is not None

    def _withdrawn_by_platform(self, conn: Any, case_id: str) -> str:
        """The answer kept marked as taken back by the platform (its Task, no longer completed, points to
        no report: found from outside, a request reassigned to another expert kept its first answer shown
        as current); in the caller's transaction. Its news, or "" without an answer."""
        known = self.store.answer(case_id)
        if known is None:
            return ""
        self.store.set_answer(conn, case_id, replace(known, platform_withdrawn=True))
        log.info("case %s: its answer was taken back by the platform", case_id)
        return AnswerNews.WITHDRAWN

    # -- the expert's questions -----------------------------------------------------------------

    def _holds_questions(self, case_id: str) -> bool:
        return (
            self.store.conn.execute(
                "SELECT 1 FROM messages WHERE case_id=? AND direction='from-expert' AND state <> 'withdrawn'",
                (case_id,),
            ).fetchone()
            is not None
        )

    def _expert_messages(self, case_id: str, task_id: str, budget_s: float | None) -> list[dict[str, Any]]:
        """The Communications about this Task (§4: ``about`` → Task, ``basedOn`` → ServiceRequest).

        Searched by ``based-on``, a search parameter FHIR R4 defines for Communication (``about`` is
        an element, not a parameter: a strict server refuses it with 400). Those the platform returns
        about another Task are left out: a server that ignores a parameter returns every
        Communication, and another patient's question must never land in this case."""
        row = self.store.conn.execute("SELECT request_id FROM cases WHERE id=?", (case_id,)).fetchone()
        request_id = row[0] if row else None
        if not request_id:
            log.warning("case %s has no ServiceRequest id: its questions cannot be looked for", case_id)
            return []
        result = self.client.retrying(
            lambda: self.client.search_pages("Communication", {"based-on": f"ServiceRequest/{request_id}"}),
            budget_s=budget_s,
        )
        if not result.complete:
            # Found from outside: a next page off the platform, not followed, and the questions on it
            # were never shown, nothing said. Those read are kept; the case says some could not be.
            log.warning("case %s: its questions not all read (a page of the search not read)", case_id)
            self._questions_cut.add(case_id)
        else:
            self._questions_cut.discard(case_id)
        found = result.resources
        mine = [comm for comm in found if isinstance(comm, dict) and _about(comm, task_id, case_id, str(request_id))]
        if len(mine) < len(found):
            log.warning("%d Communication(s) about other Tasks left out of Task/%s", len(found) - len(mine), task_id)
        return [self._words_fetched(comm, budget_s) for comm in mine]

    def _words_fetched(self, comm: dict[str, Any], budget_s: float | None) -> dict[str, Any]:
        """The message with the words it holds in a text file elsewhere on the platform (a payload's
        ``contentAttachment`` with a ``url``, as FHIR lets it) fetched into the attachment's ``data``.

        A fetch that fails for now fails the reading of the case's messages, which are read again at the
        next polls (never kept without their words meanwhile, then with them: news twice); one the
        platform refuses, off the platform or too large leaves the file named, to be read on the platform."""
        payloads = _list(comm.get("payload"))
        if not any(_text_by_url(payload) for payload in payloads):
            return comm
        read = []
        for payload in payloads:
            if _text_by_url(payload):
                attachment = payload["contentAttachment"]
                if attachment["url"].strip().startswith("#"):
                    # Its words in a Binary carried inside the message (a local reference): never fetched at the
                    # platform's base (found by a conformance pass: the words were only named, as « text/plain »).
                    with contextlib.suppress(_Missing):
                        payload = {**payload, "contentAttachment": _with_contained_data(attachment, comm)}
                    read.append(payload)
                    continue
                target = self.client.platform_url(attachment["url"])
                kind = str(attachment.get("contentType") or "text/plain")
                data: bytes | None = None
                if target is not None:
                    try:
                        data = self.client.retrying(
                            functools.partial(self.client.fetch, target, kind.split(";")[0].strip()), budget_s=budget_s
                        )
                    except (PermanentFault, OffPlatform, BodyTooLarge) as refused:
                        log.info("a message's words on the platform not read (%s)", type(refused).__name__)
                if data is not None and not _as_declared(attachment, data):
                    log.info("a message's words on the platform not the file it declares: not kept as its words")
                    data = None
                if data is not None and len(data) <= MAX_MESSAGE_FILE:
                    inline = base64.b64encode(data).decode("ascii")
                    payload = {**payload, "contentAttachment": {**attachment, "data": inline}}
            read.append(payload)
        return {**comm, "payload": read}

    def _says(self, case_id: str, key: str) -> bool:
        """Whether the case's note is the message ``key``, in either language (it may have been written
        before the language changed, or by another process: a timer's sync, the window)."""
        return is_said(self.store.platform_info(case_id).get("last_error"), key)

    def _keep_expert_messages(self, conn: Any, case_id: str, comms: list[dict[str, Any]]) -> tuple[bool, bool]:
        """Keep the expert's messages among ``comms`` (ours are witnessed): whether one is new (or corrected),
        and whether one was withdrawn.

        Kept in the order they were sent (``sent``, else ``meta.lastUpdated``), not the search's: found by
        an outside conformance pass, a server listing the newest first had two questions read in one poll
        kept the wrong way round, the second shown before the first and the reply answering the first."""
        new = withdrawn = False
        for comm in sorted(comms, key=_sent_order):
            ours = any(isinstance(i, dict) and i.get("system") == MESSAGE_SYSTEM for i in _list(comm.get("identifier")))
            if ours:
                self.witness(comm)
                continue
            status = comm.get("status")
            if status == "entered-in-error":  # a modifier: made by mistake, to be set aside
                withdrawn = self.outbox.withdraw_expert_message(conn, case_id, str(comm["id"])) or withdrawn
                continue
            if status in _NOT_SENT_YET:
                continue
            text = _payload_text(comm)
            extra = _not_shown(comm)
            unreadable = _modified(comm)
            if unreadable:
                # FHIR: a message whose modifier extension (on it, or on a payload) Teleavis does not know
                # may not mean what its words say (« retracted »): found by a conformance pass, its words
                # were shown as the expert's question. It is news all the same, to be read on the platform.
                text, extra = "", []
            # What Teleavis says of it (a file it cannot show, a message it cannot read) is kept apart from the
            # expert's words, said in the reader's language (app.case_record.expert_text).
            content = hashlib.sha256(
                json.dumps(comm.get("payload"), sort_keys=True, ensure_ascii=False).encode("utf-8")
            ).hexdigest()
            new = (
                self.outbox.add_expert_message(
                    conn,
                    case_id,
                    str(comm["id"]),
                    text,
                    str(comm.get("sent", "")),
                    content,
                    attached=extra,
                    unreadable=unreadable,
                )
                or new
            )
        return new, withdrawn

    def poll_questions(
        self,
        skip: set[str],
        budget_s: float | None = None,
        *,
        throttled: dict[str, int] | None = None,
        aside: bool = False,
    ) -> None:
        """The questions of the cases on hold whose Task did not change: a platform may write its
        Communication after moving the Task (a poll between the two saw no question), or ask a second
        question while the Task stays on hold. One search per case on hold, each on its own.

        The platform asking to wait (429, 503 with Retry-After) is honoured as on a Task or a report (found
        in review: logged, and the next case's questions asked at once): the poll stops there, the wait
        counted on the case (``_THROTTLED``). A case it keeps asking to wait on is set aside: its questions
        (``aside``) are read at the very end of the poll, after every other case's, the first wait then
        said on its page and kept in ``waited`` (the engine honours its Retry-After), nothing more asked.
        ``throttled``: the counts as the poll began (else read now)."""
        rows = self.store.conn.execute(
            f"SELECT id, task_id FROM cases WHERE state=? AND task_id IS NOT NULL AND {_HERE}",  # noqa: S608
            (CaseState.ON_HOLD.value, self.here()),
        ).fetchall()
        if throttled is None:
            throttled = self._throttled({str(row[0]) for row in rows})
        if aside:
            # Least asked first, as the Tasks set aside (found in review: in the database's order, the first one,
            # refused at every poll, kept the others' questions unread for good).
            rows = sorted(rows, key=lambda row: throttled.get(str(row[0]), 0))
        for case_id, task_id in rows:
            if case_id in skip or (throttled.get(case_id, 0) >= THROTTLED_TRIES) != aside:
                continue
            if self.waited is not None:
                return  # the platform asked to wait in this poll: read at the next one
            try:
                comms = self._expert_messages(case_id, str(task_id), budget_s)
                with transaction(self.store.conn) as conn:
                    new, withdrawn = self._keep_expert_messages(conn, case_id, comms)
                    if case_id in self._questions_cut:
                        self.store.set_platform_words(conn, case_id, last_error=M.tr("follow.questions_cut"))
                    elif any(self._says(case_id, key) for key in _SAID_UNTIL_QUESTIONS_READ):
                        # Every message read this time: the note that some (or the question) could not be
                        # goes (found from outside: it stayed on the case for good, once the platform's
                        # paging was mended).
                        self.store.set_platform_words(conn, case_id, last_error=None)
                forget_in_record(self.store, self._mark(_THROTTLED), case_id)
            except (Stopped, SignInRequired, StorageError):
                raise
            except TransientFault as fault:
                log.info("case %s: its questions not looked for now (%s)", case_id, fault_for_log(fault))
                if not _asks_to_wait(fault):
                    continue
                self._count_wait(case_id)
                if not aside:
                    raise  # the poll waits, as for a Task or a report (the engine honours its Retry-After)
                self.waited = fault
                self._note(case_id, M.tr("follow.platform_waits"))
                return
            except PermanentFault as fault:
                log.info("case %s: its questions not looked for now (%s)", case_id, fault_for_log(fault))
                continue
            except Exception:  # the other cases go on
                log.exception("case %s: its questions could not be read", case_id)
                continue
            if new:
                self.listener.case_state(case_id, CaseState.ON_HOLD.value)
            elif withdrawn:  # found from outside: told as a new question, the one to disregard
                self.listener.case_state(case_id, CaseState.ON_HOLD.value, QUESTION_WITHDRAWN)

    # -- the answer -------------------------------------------------------------------------------

    def _report_references(self, task: dict[str, Any], answer: Answer) -> list[str]:
        """The DiagnosticReports the Task's outputs point to, in order (follow-up advice read on the way)."""
        found: list[str] = []
        named: set[str] = set()  # the reports already listed, each known by its id on the platform
        for output in _list(task.get("output")):
            if not isinstance(output, dict):
                continue
            kind = output.get("type")
            codes = {
                c.get("code")
                for c in _list(kind.get("coding") if isinstance(kind, dict) else None)
                if isinstance(c, dict) and c.get("system") == OUTPUT_SYSTEM
            }
            if C.OUTPUT_FOLLOW_UP in codes:
                answer.follow_up_days = follow_up_days(output.get("valueDuration"))
                if answer.follow_up_days is None and not any(m.get("what") == FOLLOW_UP for m in answer.missing):
                    # Said, never dropped: no advice reads as « no in-person visit needed ».
                    answer.missing.append(missing_item(FOLLOW_UP, UNREADABLE))
            value = output.get("valueReference")
            # (A type or value of no shape is no report: found in review, it raised out of the whole poll.)
            reference = value.get("reference") if isinstance(value, dict) else None
            if not isinstance(reference, str) or not (
                "DiagnosticReport/" in reference or _contained(task, reference) is not None
            ):
                continue
            # The same report named twice, relative and absolute or with its version (found from outside:
            # its conclusion shown twice, its PDF kept twice), is one report. One off the platform is not
            # ours to name (``_read_report`` says so), and one carried inside the Task is its own.
            same = reference
            if self.client.platform_url(reference) is not None:
                with contextlib.suppress(ValueError):  # no id in it: known by its words
                    same = "DiagnosticReport/" + location_id(reference, "DiagnosticReport")
            if same not in named:
                named.add(same)
                found.append(reference)
        return found

    def _current_reports(
        self, task: dict[str, Any], answer: Answer, budget_s: float | None, *, first: bool = False, case_id: str = ""
    ) -> tuple[str | None, list[dict[str, Any]], str]:
        """(reference of the first, reports, why missing) of the reports that answer: those the Task
        points to that the expert did not withdraw (``entered-in-error``, ``cancelled``: a platform may
        keep the withdrawn one in the outputs, before the one that stands), the signed ones (final,
        amended, corrected, appended) only when there are any. Found from outside: only the first was
        read, so a final report listed after a provisional one (« mélanome probable, exérèse urgente »
        after « naevus probablement bénin »), or a second final one, was shown nowhere. All withdrawn:
        the last, which the answer then shows as withdrawn. None read: the first reference and why it
        could not be."""
        references = self._report_references(task, answer)
        if not references:
            return None, [], NO_CONTENT
        standing: list[tuple[str, dict[str, Any]]] = []
        withdrawn: tuple[str, dict[str, Any]] | None = None
        unread: tuple[str, str] | None = None
        set_aside: list[dict[str, Any]] = []  # read, with a modifier extension: said, never used (``_read_reports``)
        lacking: list[dict[str, Any]] = []  # not read, or about another patient: said, never used (``_lacking``)
        for reference in references:
            try:
                report = _contained(task, reference) or self._read_report(reference, budget_s, first=first)
            except _Missing as missing:
                unread = unread or (reference, missing.reason)
                lacking.append(_lacking(reference, missing.reason))
                continue
            if case_id and not reference.startswith("#") and self._of_another_case(case_id, report):
                raise _OfAnotherCase(reference)
            if _modified(report):
                # FHIR: a resource with a modifier extension its reader does not know is not to be used
                # (it may say "not for clinical use", "refers to another request"...).
                log.warning("a report with a modifier extension left unread (Task/%s)", task.get("id"))
                unread = unread or (reference, MODIFIED)
                set_aside.append(report)
                continue
            if not _same_subject(report, task):
                # Another patient's report among this Task's outputs: never this patient's answer.
                log.warning("a report about another patient than its Task's left out (Task/%s)", task.get("id"))
                unread = unread or (reference, OTHER_PATIENT)
                lacking.append(_lacking(reference, OTHER_PATIENT))
                continue
            if _status(report) not in WITHDRAWN:
                standing.append((reference, report))
            else:
                withdrawn = (reference, report)
        # One with a modifier extension among reports that read comes after them (never the first, which gives the
        # answer its status and expert): said « see it on the platform », and followed, read once its modifier
        # goes. Found left open: dropped with a log line, the requester never knew that part of the answer existed.
        # Likewise one not read (not on the platform yet, unreachable, off the platform) or about another patient
        # among reports that read: said missing by its reason, its place kept in the answer's version, so that the
        # answer is one of several and the one that may still come is asked again (``retry_missing``). Found left
        # open: dropped without a word, the answer counted as one report, never asked again.
        if standing:
            signed = [(ref, report) for ref, report in standing if _status(report) in SIGNED]
            chosen = signed or standing
            return chosen[0][0], [report for _, report in chosen] + set_aside + lacking, ""
        if withdrawn is not None:
            return withdrawn[0], [withdrawn[1], *set_aside, *lacking], ""
        assert unread is not None
        return unread[0], [], unread[1]

    def _read_report(self, reference: str, budget_s: float | None, *, first: bool = False) -> dict[str, Any]:
        """The report a Task points to, read on the platform (never elsewhere).

        ``first``: for the case's first answer. Found from outside: a report the platform failed on at
        every read (500) left its case « sent » for good, « La plateforme est occupée (500) », never
        said answered, and the poll never whole. Failed at ``ATTACHMENT_TRIES`` polls in a row, like an
        attachment, it is kept missing (``UNREACHABLE``): the case is answered without it, says so,
        and ``retry_missing`` asks for it again."""
        address = self.client.platform_url(reference)
        if address is None:
            raise _Missing(FOREIGN_URL)
        try:
            report_id = location_id(reference, "DiagnosticReport")
        except ValueError:
            raise _Missing(UNREADABLE) from None
        try:
            report = self.client.retrying(
                functools.partial(self.client.read, "DiagnosticReport", report_id, etag_version=False),
                budget_s=budget_s,
            )
        except PermanentFault as fault:
            raise _Missing(_missing_for(fault.status)) from None
        except TransientFault as fault:
            if not first or fault.kind in ("offline", "tls") or _asks_to_wait(fault):
                raise  # the link, or the platform asking to wait, not this report: the whole answer later
            if not self._read_failed(address):
                raise
            raise _Missing(UNREACHABLE) from None
        self._read_succeeded(address)
        return report

    def _read_failed(self, address: str) -> bool:
        """Count a failed read of ``address`` (in the store: a poll run by another process counts it
        too); True when it failed ``ATTACHMENT_TRIES`` polls in a row, its count then forgotten (the
        part is asked again later from the start, by ``retry_missing``)."""
        failed = count_in_record(self.store, self._mark(_READ_FAILURES), address, forget_from=ATTACHMENT_TRIES)
        return failed >= ATTACHMENT_TRIES

    def _read_succeeded(self, address: str) -> None:
        """``address`` was read: its failures, if any were counted, are forgotten."""
        forget_in_record(self.store, self._mark(_READ_FAILURES), address)

    def fetch_answer(
        self,
        task: dict[str, Any],
        budget_s: float | None,
        *,
        case_id: str = "",
        read: list[dict[str, Any]] | None = None,
    ) -> Answer:
        """The answer of a completed Task: its DiagnosticReport, every attachment that can be read stored
        encrypted, and what could not be read noted in ``Answer.missing``; ``read`` given the reports it was
        read from."""
        answer = Answer()
        reference, reports, why = self._current_reports(task, answer, budget_s, first=True, case_id=case_id)
        if read is not None:
            read.extend(reports)
        if not reports:
            answer.missing.append(missing_item(REPORT, why))
            if reference is not None and why in _MAY_STILL_COME:
                # Its id is kept, so the report is asked for again (``retry_missing``) until it comes.
                answer.report_id = location_id(reference, "DiagnosticReport")
            elif reference is not None and why == MODIFIED:
                # Its id is kept, so the report search reads it once its modifier extension goes (found in
                # review: never followed, the expert's answer put right was never read).
                answer.report_id = _report_id(reference)
            return answer
        self._read_reports(reports, answer, budget_s)
        return answer

    def _read_reports(self, reports: list[dict[str, Any]], answer: Answer, budget_s: float | None) -> None:
        """The answer from the first report, then what each other one adds: its conclusion after the
        first's, its attachments after the first's; the version names them all. All of them share one
        answer's room (:class:`_Room`)."""
        room = _Room()
        self._read_content(reports[0], answer, budget_s, room)
        for report in reports[1:]:
            more = Answer()
            if _LACKING in report:  # (``_current_reports``: not read, or another patient's: said, never shown)
                answer.missing.append(missing_item(REPORT, str(report[_LACKING])))
                continue
            if _modified(report):  # (``_current_reports``: said, its words and files never used)
                answer.report_digests = {**answer.report_digests, str(report.get("id", "")): shown_digest(report)}
                answer.missing.append(missing_item(REPORT, MODIFIED))
                continue
            self._read_content(report, more, budget_s, room)
            if more.conclusion.strip():
                answer.conclusion = "\n\n".join(filter(None, (answer.conclusion.strip(), more.conclusion.strip())))
            answer.files.extend(more.files)
            answer.pdf_blobs.extend(more.pdf_blobs)
            answer.report_digests = {**answer.report_digests, **more.report_digests}
            answer.missing.extend(more.missing)
        if len(reports) > 1:
            answer.report_version = _reports_version(reports)
        room.say(answer)

    def _read_content(
        self, report: dict[str, Any], answer: Answer, budget_s: float | None, room: _Room | None = None
    ) -> None:
        answer.report_id = str(report.get("id", ""))
        answer.report_version = _report_version(report)
        answer.report_digests = {answer.report_id: shown_digest(report)}
        answer.report_status, answer.conclusion, answer.issued, answer.expert = _shown_words(report)
        held: TransientFault | None = None
        own = room is None  # (a report read by itself: its own room, said at its end)
        room = room or _Room()
        listed: set[str] = set()  # what tells the files of ``presentedForm`` taken so far (``_form_keys``)
        for form in _list(report.get("presentedForm")):
            if not isinstance(form, dict):
                answer.missing.append(missing_item(REPORT, UNREADABLE))
                continue
            keys = self._form_keys(form)
            if keys & (listed | room.forms):
                # The same file listed again (its title, and its address, relative or absolute, its inline data or its
                # hash), in this report or another of the answer's: found left open, one PDF listed twice was
                # fetched twice and kept twice, two reports to read.
                # (Files of other titles are the expert's several files, whatever their bytes.)
                continue
            listed |= keys
            room.forms |= {key for key in keys if key.split("\n", 1)[-1].startswith("url:")}
            kind = str(form.get("contentType") or PDF).split(";")[0].strip().lower()
            title = str(form.get("title") or "")
            held = (
                self._take_file(form, report, kind, REPORT if kind == PDF else title, title, answer, room, budget_s)
                or held
            )
        # The images the expert attached inside the report (R4 ``media``: ``link`` → Media, its ``content`` an
        # Attachment), titled by its comment: the expert's attached files like the others. Found left open: never
        # read, the expert's annotated images were lost to the requester.
        # Only as many as the answer may still keep are read, each once (found left open: a report naming 300
        # images had every Media read before the limit refused them, one named twice read twice); the others
        # are counted past the limits, never asked for.
        # A file that could not be read (said missing, asked again when it may still come) takes no place: found
        # left open, one image whose download failed still took one, and a later image that read well was said
        # past the limits. At most ``MAX_ANSWER_FILES`` such failures an answer: a report naming hundreds of
        # images the platform fails on is not asked hundreds of times at each poll (the rest said past the limits).
        entries = self._distinct_media(report, room)
        for index, entry in enumerate(entries):
            if not room.left() or room.failed >= MAX_ANSWER_FILES:
                room.beyond += len(entries) - index
                break
            comment = entry.get("comment") if isinstance(entry, dict) else None
            try:
                media, holder = self._report_media(report, entry, budget_s)
            except _Missing as missing:
                answer.missing.append(missing_item(comment if isinstance(comment, str) else "", missing.reason))
                room.failed += 1
                continue
            except TransientFault as fault:
                if _asks_to_wait(fault):
                    raise
                held = fault
                room.failed += 1
                continue
            content = media.get("content")
            title = comment if isinstance(comment, str) and comment.strip() else ""
            if not title and isinstance(content, dict) and isinstance(content.get("title"), str):
                title = content["title"]
            if not isinstance(content, dict):
                answer.missing.append(missing_item(title, NO_CONTENT))
                room.failed += 1
                continue
            kind = str(content.get("contentType") or "").split(";")[0].strip().lower()
            missed = len(answer.missing)
            failed = self._take_file(content, holder, kind, title, title, answer, room, budget_s)
            room.failed += failed is not None or len(answer.missing) > missed
            held = failed or held
        if held is not None:
            raise held  # the whole answer is read again at the next poll
        if own:
            room.say(answer)

    def _take_file(
        self,
        form: dict[str, Any],
        holder: dict[str, Any],
        kind: str,
        what: str,
        title: str,
        answer: Answer,
        room: _Room,
        budget_s: float | None,
    ) -> TransientFault | None:
        """One attachment of the answer (``form``, carried in ``holder``, whose ``contained`` its ``#id``
        names) downloaded and kept in ``answer``, or said missing as ``what``; the fault to raise once the
        others are tried when it failed for a moment (each counts its polls, ``ATTACHMENT_TRIES``)."""
        declared = form.get("size")
        if not room.fits(kind, declared if isinstance(declared, int) and declared > 0 else 0):
            room.beyond += 1  # neither downloaded nor kept: said once, as the files past the limits
            return None
        try:
            data = self._attachment_bytes(_with_contained_data(form, holder), kind, budget_s)
        except _Missing as missing:
            answer.missing.append(missing_item(what, missing.reason))
            return None
        except TransientFault as fault:
            if _asks_to_wait(fault):
                raise  # the platform asked to wait: nothing more asked of it now, not the other files either
            return fault
        kind = file_kind(data, kind)  # what it holds, whatever its label (a PDF labelled a picture…)
        if not room.fits(kind, len(data)):  # (its size said nothing, or said less)
            room.beyond += 1
            return None
        room.take(kind, len(data))
        blob = self.store.objects.put(data)
        answer.files.append({"blob": blob, "content_type": kind, "title": title})
        if kind == PDF:
            answer.pdf_blobs.append(blob)
        return None

    def _form_keys(self, form: dict[str, Any]) -> set[str]:
        """What tells the file an attachment names, under its title: its address on the platform (relative or
        absolute, the same), its inline data, its declared hash (SHA-1: the same bytes wherever they are)."""
        keys: set[str] = set()
        title = str(form.get("title") or "").strip()
        url = form.get("url")
        if isinstance(url, str) and url.strip():
            address = url.strip()
            keys.add("url:" + (address if address.startswith("#") else self.client.platform_url(address) or address))
        data = form.get("data")
        if isinstance(data, str) and data.strip():
            keys.add("data:" + "".join(data.split()))
        digest = form.get("hash")
        if isinstance(digest, str) and digest.strip():
            keys.add("hash:" + digest.strip())
        return {f"{title}\n{key}" for key in keys}

    def _distinct_media(self, report: dict[str, Any], room: _Room) -> list[Any]:
        """``report``'s ``media`` entries, a Media named twice (in it, or in another report of the answer
        ``room`` is) kept the first time only."""
        entries: list[Any] = []
        inside: set[str] = set()
        for entry in _list(report.get("media")):
            link = entry.get("link") if isinstance(entry, dict) else None
            reference = link.get("reference") if isinstance(link, dict) else None
            if isinstance(reference, str) and reference.strip().startswith("#"):
                if reference.strip() in inside:
                    continue
                inside.add(reference.strip())
            elif isinstance(reference, str) and self.client.platform_url(reference.strip()) is not None:
                try:
                    media_id = location_id(reference.strip(), "Media")
                except ValueError:
                    media_id = ""  # (unreadable: said so where it is read)
                if media_id in room.media:
                    continue
                if media_id:
                    room.media.add(media_id)
            entries.append(entry)
        return entries

    def _report_media(
        self, report: dict[str, Any], entry: Any, budget_s: float | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """(the Media a report's ``media`` entry links to, the resource whose ``contained`` its ``#id`` name):
        carried inside the report (``#id``), or read on the platform (never elsewhere); else ``_Missing``."""
        link = entry.get("link") if isinstance(entry, dict) else None
        reference = link.get("reference") if isinstance(link, dict) else None
        if not isinstance(reference, str) or not reference.strip():
            raise _Missing(NO_CONTENT)
        reference = reference.strip()
        if reference.startswith("#"):
            named = [r for r in _list(report.get("contained")) if isinstance(r, dict) and r.get("id") == reference[1:]]
            if len(named) != 1 or named[0].get("resourceType") != "Media":
                raise _Missing(UNREADABLE)
            media, holder = named[0], report
        else:
            address = self.client.platform_url(reference)
            if address is None:
                raise _Missing(FOREIGN_URL)
            try:
                media_id = location_id(reference, "Media")
            except ValueError:
                raise _Missing(UNREADABLE) from None
            try:
                media = self.client.retrying(
                    functools.partial(self.client.read, "Media", media_id, etag_version=False), budget_s=budget_s
                )
            except PermanentFault as fault:
                raise _Missing(_missing_for(fault.status)) from None
            except TransientFault as fault:
                if fault.kind in ("offline", "tls") or _asks_to_wait(fault) or not self._read_failed(address):
                    raise
                raise _Missing(UNREACHABLE) from None
            self._read_succeeded(address)
            holder = media
        if not isinstance(media, dict) or media.get("resourceType", "Media") != "Media":
            raise _Missing(UNREADABLE)
        if _modified(media):
            raise _Missing(MODIFIED)
        return media, holder

    def _room_on_disk(self, size: int) -> None:
        """A full disk (``StorageError``, said by the engine) when the store's cannot hold ``size`` more
        bytes: found in review, an answer was downloaded whole, then refused by the full disk, and again
        at every pass (the window's sync starts again every 30 s), megabytes each time on a satellite link."""
        try:
            free = shutil.disk_usage(existing_ancestor(self.store.objects.root)).free
        except OSError:
            return
        if free < size + NO_SPACE:
            raise StorageError(M.tr("storage.full"))

    def _attachment_bytes(self, form: dict[str, Any], kind: str, budget_s: float | None) -> bytes:
        """An attachment's bytes: inline (``data``), or fetched from the platform's own base only."""
        inline = form.get("data")
        if isinstance(inline, str) and inline.strip():
            try:
                data = base64_binary(inline)
            except (binascii.Error, ValueError):
                raise _Missing(UNREADABLE) from None
        else:
            url = form.get("url")
            if not isinstance(url, str) or not url.strip():
                raise _Missing(NO_CONTENT)
            if url.strip().startswith("#"):
                # A local reference is never an address (found in review: a contained Binary with empty data
                # left its « #pdf » to be fetched, at the platform's base).
                raise _Missing(UNREADABLE)
            target = self.client.platform_url(url)
            if target is None:
                # Never with the platform's token, and not without it either: a link elsewhere is the
                # platform's to fix, not ours to follow.
                raise _Missing(FOREIGN_URL)
            declared = form.get("size")
            self._room_on_disk(declared if isinstance(declared, int) and declared > 0 else 0)

            def the_file(data: bytes) -> bool:
                return _vouched(form, data) or bool(data and _as_declared(form, data) and _readable(kind, data))

            try:
                data = self.client.retrying(
                    functools.partial(self.client.fetch, target, kind, check=the_file), budget_s=budget_s
                )
            except OffPlatform:
                raise _Missing(FOREIGN_URL) from None  # redirected off the platform
            except BodyTooLarge:
                raise _Missing(TOO_LARGE) from None
            except PermanentFault as fault:
                raise _Missing(_missing_for(fault.status)) from None
            except StorageFault:
                # Found by outside testers: a storage host failing held the case's whole answer, the expert's
                # conclusion unseen, for three polls. The platform answered whole: the answer is kept now, the
                # file said still to come and asked for again (``retry_missing``), at a fresh address.
                raise _Missing(STORED_LATER) from None
            except TransientFault as fault:
                if _asks_to_wait(fault):
                    raise  # (asked to wait: no failed read)
                if fault.kind == "busy" and (fault.status or 0) >= 500:
                    # The platform failing on its own file (5xx) while its report read well: found left alone
                    # last session, the expert's conclusion was held three polls, as it was for a storage
                    # host failing. The answer is kept now, its file said still to come and asked for again
                    # (``retry_missing``). A link cut still delays the answer whole (``ATTACHMENT_TRIES``).
                    raise _Missing(STORED_LATER) from None
                if not self._read_failed(target):
                    raise
                raise _Missing(UNREACHABLE) from None  # asked again later from the start (retry_missing)
            if not the_file(data):
                # Not the file the platform declared (another size or hash), or no file of its kind: a
                # proxy's page served as ``application/pdf`` (found from outside: kept as the report, the
                # case answered with nothing to read), a cut, a cache's stale copy. Not reached yet, not
                # unreadable (found in review: marked so, never asked again): read again at the next
                # polls, as a page said to be HTML is, then kept missing and asked again later. So are no bytes
                # at all (found by a pass through a proxy answering an empty 200: the PDF declared with its
                # size and hash was kept « no-content », never asked again), unless the hash vouches for them.
                if not self._read_failed(target):
                    raise TransientFault(M.tr("net.not_fhir"), kind="not_fhir")
                raise _Missing(UNREACHABLE)
            self._read_succeeded(target)
        if not data:
            raise _Missing(NO_CONTENT)
        # Inline (the platform's own words), or proven the platform's bytes (size and hash): what does not
        # agree with its declaration, or cannot be read (no PDF nor picture where one is said), is
        # unreadable for good. A file of another kind than declared is read as what it is.
        if not _as_declared(form, data) or not _readable(kind, data):
            raise _Missing(UNREADABLE)
        return data

    # -- amended answers --------------------------------------------------------------------------

    def _amended(
        self, case_id: str, task: dict[str, Any], budget_s: float | None, *, again: bool = False
    ) -> Answer | None:
        """The answer again when the report the Task points to changed since it was read, else None;
        with ``again``, read again even unchanged (a part it lacked may have come)."""
        known = self.store.answer(case_id)
        fresh = Answer()
        reference, reports, why = self._current_reports(task, fresh, budget_s, case_id=case_id)
        if not reports:
            if why in (NOT_FOUND, GONE) and reference is not None and _read_from(known, reference):
                self._report_gone(case_id)  # read before, deleted since: said withdrawn, once
            if why == MODIFIED and known is not None and not _report_itself_missing(known):
                # An answer read before, its report now with a modifier extension (or the Task pointing to such
                # a one): as on a first read, the answer says its report cannot be read here (found left open:
                # nothing said, the answer read before kept as if it stood).
                fresh.missing.append(missing_item(REPORT, MODIFIED))
                fresh.amended = True
                fresh.report_id = _report_id(reference) if reference else ""  # followed: read once its modifier goes
                return fresh
            return None  # keep the answer read before
        # One of several read before and now not on the platform (404) was deleted there: said so (ask the expert),
        # not « not on the platform yet, asked again » for ever.
        read_before = {known.report_id} if known is not None else set()
        if known is not None and _several(known):
            not_read = {report_id for report_id, why in _lacking_reports(known).items() if why != GONE}
            read_before = {part.split("@", 1)[0] for part in known.report_version.split(" + ")} - not_read
        for report in reports:
            if report.get(_LACKING) == NOT_FOUND and report.get("id") and str(report["id"]) in read_before:
                report.update(_lacking(f"DiagnosticReport/{report['id']}", GONE))
        unchanged = (
            known is not None
            and _same_reports(known, reports)
            and all(_same_shown(known, r) for r in reports if _LACKING not in r)
        )
        if unchanged and not again and known is not None and known.follow_up_days == fresh.follow_up_days:
            return None
        self._read_reports(reports, fresh, budget_s)
        if not again and known is not None and self._kept_quietly(case_id, known, fresh, reports):
            return None
        fresh.amended = True
        return fresh

    def _content_digest(self, answer: Answer) -> str:
        """A digest of what the requester reads of ``answer``: its words, status, advice, and its files by
        their bytes (a file that cannot be read counts as changed)."""
        files: list[list[str]] = []
        named = [f for f in answer.files if f.get("blob")]
        named += [{"blob": b} for b in answer.pdf_blobs if b not in {f["blob"] for f in named}]
        for item in named:
            try:
                bytes_digest = hashlib.sha256(self.store.objects.get(str(item["blob"]))).hexdigest()
            except TeleavisError:
                bytes_digest = "unread:" + str(item["blob"])
            files.append([str(item.get("title", "")), bytes_digest])
        shown = {
            "words": [answer.report_status, answer.conclusion, answer.issued, answer.expert],
            "follow_up_days": answer.follow_up_days,
            "files": files,
            "missing": answer.missing,
        }
        return _json_digest(shown)

    def _kept_quietly(self, case_id: str, known: Answer, fresh: Answer, reports: Sequence[dict[str, Any]] = ()) -> bool:
        """When ``fresh``, read again, says to the requester what ``known`` said (its meta alone changed, or
        the report's writing), the answer kept takes its version and digests, still read, nothing
        announced, and ``fresh``'s copies of the same files go: True. Else False (an amendment).

        ``known`` kept before a report's codes were read beside its text, or before their words were labelled
        « Diagnostic codé » (or labelled in the other language) says what it said then when its conclusion is the
        one ``reports`` give written so (``_former_conclusions``), their shown elements unchanged since (or no
        digest of them kept): it takes ``fresh``'s conclusion quietly, the codes' words shown from then on.
        Found in review: every such answer read again was announced « réponse modifiée » once, the expert having
        changed nothing."""
        if known.platform_withdrawn:
            return False
        conclusion = known.conclusion
        if self._content_digest(known) != self._content_digest(fresh):
            if not (
                reports
                and all(
                    known.report_digests.get(str(r.get("id", "")), shown_digest(r)) == shown_digest(r) for r in reports
                )
                and known.conclusion in _former_conclusions(reports)
                and self._content_digest(known) == self._content_digest(replace(fresh, conclusion=known.conclusion))
            ):
                return False
            conclusion = fresh.conclusion
        with transaction(self.store.conn) as conn:
            self.store.set_answer(
                conn,
                case_id,
                # (its report's id too: found in review, a Task pointing to a new report saying the same kept
                # the old id, and that report's later amendment, its Task untouched, was never looked for)
                replace(
                    known,
                    conclusion=conclusion,
                    report_id=fresh.report_id,
                    report_version=fresh.report_version,
                    report_digests=dict(fresh.report_digests),
                ),
                news=False,
            )
        self.store.remove_files(set(fresh.blobs()) - set(known.blobs()), "an answer read again, the same")
        log.info("case %s: its report's meta changed, not what it says: no amendment", case_id)
        return True

    def answered_reports(self) -> dict[str, tuple[str, Answer]]:
        """report id → (case id, answer) of the answered cases whose report is known (every report of an
        answer read from several)."""
        found: dict[str, tuple[str, Answer]] = {}
        rows = self.store.conn.execute(
            f"SELECT id FROM cases WHERE state=? AND answer IS NOT NULL AND {_HERE}",  # noqa: S608
            (CaseState.ANSWERED.value, self.here()),
        ).fetchall()
        for (case_id,) in rows:
            try:
                answer = self.store.answer(case_id)
            except DataAltered:
                log.warning("case %s: its answer is altered, not followed", case_id)
                continue
            if answer is not None and _several(answer):  # each report it was read from
                for part in answer.report_version.split(" + "):
                    found[part.split("@", 1)[0]] = (case_id, answer)
            elif answer is not None and answer.report_id:
                found[answer.report_id] = (case_id, answer)
        return found

    def poll_reports(self, budget_s: float | None = None) -> tuple[list[str], bool]:
        """Look for amended reports of answered cases (a platform may amend a report without touching
        its Task). Returns the cases whose answer changed, and whether every report was read."""
        known = self.answered_reports()
        if not known:
            return [], True
        if self.waited is not None:
            return [], False  # the platform asked to wait in this poll: at the next one
        mark = self.store.settings.get(self._mark(_REPORT_MARK))
        last_call = _instant(self.store.settings.get(self._mark(_ROLL_CALL_MARK)))
        roll_call = last_call is None or not (timedelta(0) <= utc_now() - last_call < ROLL_CALL_EVERY)
        ids = list(known)
        changed: list[str] = []
        first: str | None = None  # the newest lastUpdated the poll's first search returned
        searched = False
        seen: str | None = None  # the newest lastUpdated seen in this poll
        complete = True
        cut_short: set[str] = set()  # reports asked in a search that did not read every page
        left_out: set[str] = set()  # reports a search whatever their date read whole did not give

        def compare(report: dict[str, Any]) -> None:
            nonlocal seen, complete
            seen = _latest(seen, _newest([report]))
            entry = known.pop(str(report.get("id")), None)
            if entry is None:
                return
            case_id, answer = entry
            if _said_modified(answer) and not _modified(report):
                # Said « modified » (a modifier extension: see it on the platform), now without it: read, and
                # said amended when an answer was read before it, completed when none was. Found in review: such
                # an answer kept no report to follow, the expert's answer put right never read.
                amended = self._store_amended(case_id, answer, report, budget_s, amended=bool(answer.earlier))
                if amended:
                    changed.append(case_id)
                elif amended is not None:
                    complete = False
                return
            if (_same_part(answer, report) and _same_shown(answer, report)) or _report_itself_missing(answer):
                return  # (a report that was not there yet is ``retry_missing``'s: completed, not amended)
            if _lacking_part(answer, str(report.get("id"))) and any(
                item.get("what") == REPORT and item.get("reason") in _MAY_STILL_COME for item in answer.missing
            ):
                return  # (one of several not there yet: ``retry_missing``'s too)
            if _several(answer):
                fresh, read = self._whole_again(case_id, budget_s)
                if fresh is not None:
                    self._keep_again(case_id, fresh, _amendment(fresh))
                    changed.append(case_id)
                complete = complete and read
                return
            amended = self._store_amended(case_id, answer, report, budget_s)
            if amended:
                changed.append(case_id)
            elif amended is not None:
                complete = False

        for start in range(0, len(ids), BATCH):
            params = {"_id": ",".join(ids[start : start + BATCH]), "_count": str(BATCH)}
            if mark and not roll_call:
                params["_lastUpdated"] = "gt" + _minus_second(mark)
            try:
                found = self._search("DiagnosticReport", params, budget_s)
            except TransientFault as fault:
                if fault.kind in ("offline", "tls") or _asks_to_wait(fault):
                    log.info("amended reports not looked for now (%s)", fault_for_log(fault))
                    self.waited = fault  # (nothing more asked in this poll; its Retry-After honoured)
                    return changed, False  # nothing answers, or not before its Retry-After: at the next poll
                # Found from outside: one report the platform fails on (500 in any search holding it)
                # hid every amendment of every answered case, at every poll, the later batches never
                # asked. Its reports are read one by one below, and the other batches go on.
                log.warning("a search of reports failed (%s): its reports read one by one", fault_for_log(fault))
                found = SearchResult(complete=False)
            except PermanentFault as fault:
                log.warning("a search of reports refused by the platform (%d): read one by one", fault.status)
                found = SearchResult(complete=False)
            if not found.complete:  # read one by one below: complete when each of them reads
                cut_short |= set(ids[start : start + BATCH])
            elif roll_call:  # left out of a search whatever their date: read alone, to tell a report deleted
                left_out |= set(ids[start : start + BATCH]) - {str(r.get("id")) for r in found.resources}
                cut_short |= left_out
            if not searched:
                first, searched = _newest(found.resources), True
            for report in found.resources:
                try:
                    compare(report)
                except TransientFault as fault:  # (only the platform asking to wait comes out of a comparison)
                    log.info("amended reports not read now (%s)", fault_for_log(fault))
                    self.waited = fault
                    return changed, False
        hurried = False  # a report read alone failed: the others get one try each
        for report_id in sorted(cut_short & set(known)):
            # A search cut short (a next page off the platform, refused, expired, failed): found from
            # outside, the corrections on its later pages were never said. Its reports are read one by one.
            reading = functools.partial(self.client.read, "DiagnosticReport", report_id, etag_version=False)
            try:
                compare(reading() if hurried else self.client.retrying(reading, budget_s=budget_s))
            except TransientFault as fault:
                log.info("a report not read again now (%s)", fault_for_log(fault))
                complete = False
                if fault.kind in ("offline", "tls") or _asks_to_wait(fault):
                    self.waited = fault
                    break  # nothing answers now, or not before its Retry-After: the others at the next poll
                hurried = True  # (its retries spent on this one: the platform answers, but not on it)
            except PermanentFault as fault:
                log.info("a report not read again now (%s)", fault_for_log(fault))
                if fault.status in (404, 410) and report_id in known and report_id in left_out:
                    # Deleted on the platform after it was read (found left alone last session: its answer kept
                    # showing as if it stood, nothing said). Said once; the report of several, the rest read.
                    # Only one a search that read well left out: found in review, the reports' address answering
                    # 404 to all (its search refused so) said every answered case withdrawn at once.
                    case_id, answer = known.pop(report_id)
                    if not _several(answer):
                        if self._report_gone(case_id):
                            changed.append(case_id)
                        continue
                    try:
                        fresh, read = self._whole_again(case_id, budget_s)
                    except TransientFault as waits:  # (only the platform asking to wait comes out of it)
                        self.waited = waits
                        return changed, False
                    if fresh is not None:
                        self._keep_again(case_id, fresh, _amendment(fresh))
                        changed.append(case_id)
                    complete = complete and read
                    continue
                complete = False
        if roll_call and self.waited is None:
            self.store.settings.set(self._mark(_ROLL_CALL_MARK), iso(utc_now()))
        following = self._next_mark(_REPORT_MARK, mark, first, seen)
        if complete and following and following != mark:
            self.store.settings.set(self._mark(_REPORT_MARK), following)
        return changed, complete

    def _store_amended(
        self, case_id: str, known: Answer, report: dict[str, Any], budget_s: float | None, *, amended: bool = True
    ) -> bool | None:
        """Read ``report`` again and keep it as the case's amended answer (or, not ``amended``, as its answer
        completed): True; None when it says what the answer kept says (:meth:`_kept_quietly`); False when it
        could not be read now."""
        fresh = self._read_again(
            case_id,
            Answer(follow_up_days=known.follow_up_days, amended=amended, missing=_task_parts(known)),
            report,
            budget_s,
        )
        if fresh is None:
            return False
        if self._kept_quietly(case_id, known, fresh, [report]):
            return None
        self._keep_again(case_id, fresh, _amendment(fresh) if amended else AnswerNews.COMPLETED)
        log.info("case %s: the expert's report was amended", case_id)
        return True

    def retry_missing(self, budget_s: float | None = None) -> list[str]:
        """Answers with a part the platform did not have yet when they came (its Binary answered 404):
        their report is read again at each poll, and an answer that now has more is kept and is unread
        again. Returns those cases. An address off the platform, a part without content or one that
        could not be read is the answer's shape, not a moment's: never asked again."""
        completed: list[str] = []
        # The answers the platform asked to wait on (``_PARTS_WAITED_ON``) after the others, the one waited on
        # longest ago first.
        waited_on = {k: str(v) for k, v in (kept_record(self.store, self._mark(_PARTS_WAITED_ON)) or {}).items()}
        answers = sorted(
            self.answered_reports().items(),
            key=lambda item: (item[0] in waited_on, waited_on.get(item[0], "")),
        )
        for report_id, (case_id, known) in answers:
            if self.waited is not None:
                break  # the platform asked to wait in this poll: nothing more asked of it before its Retry-After
            if case_id in completed or not any(item.get("reason") in _MAY_STILL_COME for item in known.missing):
                continue
            if not self._time_to_ask_again(report_id, known):
                continue
            try:
                if _several(known) and self._still_lacking(known, budget_s):
                    self._not_waited_on(report_id, waited_on)
                    continue
                if _several(known):
                    whole, _ = self._whole_again(case_id, budget_s, again=True)
                    if whole is not None and _now_said_modified(known, whole):
                        self._keep_again(case_id, replace(whole, amended=True), _amendment(whole))
                        completed.append(case_id)
                    elif whole is not None and _more_came(known, whole):
                        whole.amended = known.amended
                        self._keep_again(case_id, whole, AnswerNews.COMPLETED)
                        completed.append(case_id)
                    self._not_waited_on(report_id, waited_on)
                    continue
                report = self.client.retrying(
                    functools.partial(self.client.read, "DiagnosticReport", report_id, etag_version=False),
                    budget_s=budget_s,
                )
                fresh = self._read_again(
                    case_id, replace(known, pdf_blobs=[], files=[], missing=_task_parts(known)), report, budget_s
                )
            except (TransientFault, PermanentFault) as fault:
                log.info(
                    "case %s: the missing part of its answer not asked again now (%s)", case_id, fault_for_log(fault)
                )
                if isinstance(fault, TransientFault) and _asks_to_wait(fault):
                    # The platform asks to slow down (found in review: the next answer's parts were asked at
                    # once): nothing more in this poll, its Retry-After honoured by the engine; this answer
                    # after the others at the next one. Nothing said: the platform is busy, the answer kept.
                    self.waited = fault
                    self._waited_on(report_id, {known_id for known_id, _ in answers})
                    break
                continue
            except (Stopped, SignInRequired, StorageError):
                raise
            except Exception:  # the other cases go on, as when a Task's shape is unexpected
                log.exception("case %s: its report could not be read again", case_id)
                continue
            self._not_waited_on(report_id, waited_on)
            if fresh is not None and _now_said_modified(known, fresh):
                # Its report given a modifier extension meanwhile (under the same version: the report search saw
                # nothing). Found in review: said « modified », it held fewer missing parts than the answer and
                # was kept as its completion, the conclusion read before gone, not even kept as an earlier
                # version. An amendment: what was read stays in earlier.
                self._keep_again(case_id, replace(fresh, amended=True), _amendment(fresh))
                completed.append(case_id)
                continue
            if fresh is None or not _more_came(known, fresh):
                continue
            self._keep_again(case_id, fresh, AnswerNews.COMPLETED)
            log.info(
                "case %s: %d missing part(s) of its answer received", case_id, len(known.missing) - len(fresh.missing)
            )
            completed.append(case_id)
        return completed

    def _still_lacking(self, known: Answer, budget_s: float | None) -> bool:
        """Whether the only parts ``known`` (read from several reports) still waits for are reports not on the
        platform yet (``_lacking``), and each of them still answers 404: then nothing else is read. Found in
        review: the whole answer was read again at each try, its files downloaded again (megabytes on a slow
        link) for a report still not there."""
        to_come = [item for item in known.missing if item.get("reason") in _MAY_STILL_COME]
        lacking = [
            report_id for report_id, why in _lacking_reports(known).items() if why in _MAY_STILL_COME and report_id
        ]
        if not to_come or not lacking or any(item.get("what") != REPORT for item in to_come):
            return False
        for report_id in lacking:
            try:
                self.client.retrying(
                    functools.partial(self.client.read, "DiagnosticReport", report_id, etag_version=False),
                    budget_s=budget_s,
                )
            except PermanentFault as fault:
                if fault.status == 404:
                    continue
            return False  # there now (or refused otherwise): the whole answer read again
        return True

    def _waited_on(self, report_id: str, answered: set[str]) -> None:
        """The platform asked to wait on this answer's missing part: asked after the others from now on (those
        no longer answers kept here forgotten)."""
        waited = iso(utc_now())

        def note(record: dict[str, Any]) -> None:
            for gone in [key for key in record if key not in answered]:
                del record[gone]
            record[report_id] = waited

        change_record(self.store, self._mark(_PARTS_WAITED_ON), note)

    def _not_waited_on(self, report_id: str, waited_on: dict[str, str]) -> None:
        """The answer's missing part was asked again without the platform asking to wait: no longer asked last."""
        if report_id in waited_on:
            forget_in_record(self.store, self._mark(_PARTS_WAITED_ON), report_id)

    def _whole_again(self, case_id: str, budget_s: float | None, *, again: bool = False) -> tuple[Answer | None, bool]:
        """An answer read from several reports, read again whole from its Task: (the answer when one of
        them changed, or with ``again`` whatever changed; whether it could be read). Not read now (said
        on the case), the caller's poll is not complete: found by review, the mark then moved past the
        correction, which was never read again."""
        row = self.store.conn.execute("SELECT task_id FROM cases WHERE id=?", (case_id,)).fetchone()
        if row is None or not row[0]:
            return None, True
        try:
            task = self.client.retrying(functools.partial(self.client.read, "Task", str(row[0])), budget_s=budget_s)
            return self._amended(case_id, task, budget_s, again=again), True
        except (Stopped, SignInRequired, StorageError):
            raise
        except (TransientFault, PermanentFault) as fault:
            if isinstance(fault, TransientFault) and _asks_to_wait(fault):
                raise  # the platform busy, not the answer unreadable: the caller stops asking, nothing said
            log.info("case %s: its reports, read again, not read now (%s)", case_id, fault_for_log(fault))
        except Exception:
            log.exception("case %s: its reports, read again, could not be read", case_id)
        self._note(case_id, M.tr("follow.read_again_later"))
        return None, False

    def _time_to_ask_again(self, report_id: str, known: Answer) -> bool:
        """Whether a report with a part not yet on the platform is read again now (``RETRY_SHARE``).
        Counted in this process: a restart asks at once."""
        now = utc_now()
        since, last = self._asked_again.get(report_id, (min(_issued(known.issued) or now, now), None))
        if last is not None and now - last < min(RETRY_AT_MOST_EVERY, (now - since) * RETRY_SHARE):
            return False
        self._asked_again[report_id] = (since, now)
        return True

    def _read_again(self, case_id: str, fresh: Answer, report: dict[str, Any], budget_s: float | None) -> Answer | None:
        """``fresh`` filled from a report read again (amended, or with a part that was missing); None,
        logged, when the report's shape stops it (the case's answer then stays as it was). One with a modifier
        extension is not read as it reads (``_current_reports``): ``fresh`` says so, without its words or files
        (found left open: a report read, then given a modifier extension under a new version, was read again
        as if it had none)."""
        if _modified(report):
            log.warning("case %s: its report, read again, has a modifier extension: left unread", case_id)
            return Answer(
                follow_up_days=fresh.follow_up_days,
                amended=fresh.amended,
                report_id=str(report.get("id", "")),  # still followed: read once its modifier goes
                missing=[*_task_parts(fresh), missing_item(REPORT, MODIFIED)],
            )
        try:
            self._read_content(report, fresh, budget_s)
        except (Stopped, SignInRequired, StorageError):
            raise
        except (TransientFault, PermanentFault) as fault:
            if isinstance(fault, TransientFault) and _asks_to_wait(fault):
                raise  # the platform busy, not the answer unreadable: the caller stops asking, nothing said
            # Said on the case (as for a first answer), not held back without a word: the answer kept
            # stays as it was until the new version reads whole.
            log.info("case %s: its report, read again, not read now (%s)", case_id, fault_for_log(fault))
            self._note(case_id, M.tr("follow.read_again_later"))
            return None
        except Exception:
            log.exception("case %s: its report, read again, could not be read", case_id)
            self._note(case_id, M.tr("follow.read_again_later"))
            return None
        return fresh

    def _report_gone(self, case_id: str) -> bool:
        """The report the case's answer was read from is gone from the platform (404, 410): the answer is kept,
        marked withdrawn by the platform, and is news once (never removed without a word, nor kept as if it
        stood). Whether it is news now."""
        known = self.store.answer(case_id)
        if known is None or known.platform_withdrawn:
            return False
        with transaction(self.store.conn) as conn:
            self.store.set_answer(conn, case_id, replace(known, platform_withdrawn=True))
            self.store.add_event(conn, case_id, AnswerNews.WITHDRAWN, None, None)
        log.info("case %s: the report of its answer was deleted on the platform", case_id)
        self.listener.case_state(case_id, CaseState.ANSWERED.value, AnswerNews.WITHDRAWN)
        return True

    def _keep_again(self, case_id: str, answer: Answer, event: str) -> None:
        """The answer read again replaces the one kept, unread again, ``event`` in the case's history."""
        with transaction(self.store.conn) as conn:
            self.store.set_answer(conn, case_id, answer, event=event)
            self.store.set_platform_words(conn, case_id, last_error=None)
        self.listener.case_state(case_id, CaseState.ANSWERED.value, event)


def _read_from(known: Answer | None, reference: str) -> bool:
    """Whether ``known`` was read from the report ``reference`` names (never one not there yet)."""
    if known is None or _report_itself_missing(known):
        return False
    try:
        report_id = location_id(reference, "DiagnosticReport")
    except ValueError:
        return False
    if _several(known):
        return any(part.split("@", 1)[0] == report_id for part in known.report_version.split(" + "))
    return known.report_id == report_id


def _more_came(known: Answer, fresh: Answer) -> bool:
    """Whether ``fresh``, read again, holds a part ``known`` lacked: fewer parts missing, or fewer still to come.
    Found left open: a file that came once the answer was full took the place of its last file, now said past the
    limits; as many parts missing as before, it was never kept, and was said « will be asked again » for good."""
    to_come = [sum(item.get("reason") in _MAY_STILL_COME for item in a.missing) for a in (known, fresh)]
    return len(fresh.missing) < len(known.missing) or to_come[1] < to_come[0]


def _report_unreachable(answer: Answer | None) -> bool:
    """Whether the answer holds no report because the platform failed to give it at every try."""
    return (
        answer is not None
        and _report_itself_missing(answer)
        and any(item.get("what") == REPORT and item.get("reason") == UNREACHABLE for item in answer.missing)
    )


def _said_modified(answer: Answer) -> bool:
    """Whether the answer holds no report because the one it names carries a modifier extension."""
    return (
        _report_itself_missing(answer)
        and bool(answer.report_id)
        and any(item.get("what") == REPORT and item.get("reason") == MODIFIED for item in answer.missing)
    )


def _now_said_modified(known: Answer, fresh: Answer) -> bool:
    """Whether ``fresh`` says « modified » of the report ``known`` was read from (an answer then replaced, not
    completed: what was read stays in ``earlier``)."""
    return _said_modified(fresh) and not _report_itself_missing(known)


def _report_id(reference: str) -> str:
    """The id of the report on the platform ``reference`` names, "" for none (one carried inside its Task)."""
    if reference.startswith("#"):
        return ""
    try:
        return location_id(reference, "DiagnosticReport")
    except ValueError:
        return ""


def _report_itself_missing(answer: Answer) -> bool:
    """Whether the answer holds no report yet, only the id of one the platform did not have."""
    return not answer.report_version and any(item.get("what") == REPORT for item in answer.missing)


def _meta(resource: dict[str, Any]) -> dict[str, Any]:
    """A resource's ``meta``, or nothing when it is no JSON object (found by an outside pass: one Task whose
    ``meta`` was ``true`` stopped every case's poll)."""
    meta = resource.get("meta")
    return meta if isinstance(meta, dict) else {}


def _version_id(resource: dict[str, Any]) -> str | None:
    """A resource's ``meta.versionId`` when it is one (a string or a number), else None."""
    version = _meta(resource).get("versionId")
    if isinstance(version, bool) or not isinstance(version, (str, int)):
        return None
    return str(version) or None


#: The prefix of the version kept for a Task served without ``meta.versionId`` (a colon is never in an R4 id).
_CONTENT_VERSION = "content:"


def _task_version(task: dict[str, Any]) -> str | None:
    """The version of a Task as the case keeps it: its ``meta.versionId``, else a digest of its content. Found
    left alone last session: a Task served without a version was taken as changed at every poll, an answered
    case's report read again each time. Its ``meta`` left out of the digest (a date written anew at each read)."""
    version = _version_id(task)
    if version is not None:
        return version
    body = {k: v for k, v in task.items() if k != "meta"}
    try:
        text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return None
    return _CONTENT_VERSION + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _by_content(version: str) -> bool:
    """Whether a version kept is a Task's content digest (:func:`_task_version`), not its server's version."""
    return version.startswith(_CONTENT_VERSION)


def _a_number(version: str) -> bool:
    """Whether a version is a whole number: ASCII digits only (« ² » is a digit to ``isdigit`` and no number
    to ``int``: found in review, a Task read at such a version stopped the whole poll)."""
    return version.isascii() and version.isdigit()


def _instant(value: Any) -> datetime | None:
    """A ``lastUpdated`` as the instant it names (with its zone), else None."""
    moment = parse_date_time(value) if isinstance(value, str) else None
    return moment if moment is not None and moment.tzinfo is not None else None


def _sent_order(comm: dict[str, Any]) -> datetime:
    """When a Communication was sent (else last changed) on the platform, to keep messages in that order;
    one that says neither comes after those that do (``sorted`` keeps the search's order among equals)."""
    meta = comm.get("meta")
    for value in (comm.get("sent"), meta.get("lastUpdated") if isinstance(meta, dict) else None):
        moment = _instant(value)
        if moment is not None:
            return moment
    return datetime.max.replace(tzinfo=UTC)


def _latest(*values: Any) -> str | None:
    """The latest of these instants, as written (compared as instants: « 10:00+01:00 » is before
    « 09:30Z »); None when none is one."""
    dated = [(moment, value) for value in values if (moment := _instant(value)) is not None]
    return max(dated, key=lambda pair: pair[0])[1] if dated else None


#: How far past this workstation's clock a ``lastUpdated`` may be and still move a poll's mark.
FUTURE_SLACK = timedelta(days=1)


def _newest(resources: list[dict[str, Any]]) -> str | None:
    """The latest ``lastUpdated`` among ``resources``, of those not absurdly in the future.

    Found by an outside pass: one Task dated year 9999 (a platform's bug, a clock gone wrong) moved the
    mark there, and every later poll, narrowed to what changed after it, never saw another case's answer.
    An instant more than ``FUTURE_SLACK`` past this workstation's clock is left out: the mark stays where
    it was, the next polls ask as much as before (a workstation whose clock is far behind only narrows less)."""
    limit = utc_now() + FUTURE_SLACK
    dates = (_meta(r).get("lastUpdated") for r in resources if isinstance(r, dict))
    return _latest(*(d for d in dates if (moment := _instant(d)) is not None and moment <= limit))


def _minus_second(instant: str) -> str:
    moment = parse_date_time(instant)
    return instant if moment is None else (moment - timedelta(seconds=1)).isoformat()


#: What a resource's ``meta`` holds that the server manages itself: never sent back by a PUT.
SERVER_META = frozenset({"versionId", "lastUpdated", "source"})


def task_gone_key(store: Store, case_id: str) -> str:
    """What a case whose Task the platform deleted (404, 410) says (``follow.task_gone…``). A training case's
    platform was erased (sync/training.py): no platform to call, no real patient. An answered case keeps its
    answer: a platform deleting its requests once answered is no news (found from outside: « aucune réponse ne
    viendra … Appelez la plateforme » beside the answer, the case unread)."""
    training = store.destination(case_id) == TRAINING
    if store.state(case_id) == CaseState.ANSWERED:
        return "follow.task_gone.answered.training" if training else "follow.task_gone.answered"
    return "follow.task_gone.training" if training else "follow.task_gone"


def cancel(store: Store, client: PlatformClient, case_id: str, budget_s: float | None = 60.0) -> None:
    """Ask the platform to cancel the case (only while its Task is requested or received; §4).

    A refusal is the cancellation's, never the case's: found by a conformance pass, a Task the platform deleted
    (``410 Gone``, ``404``) and a ``PUT`` its rules refused (``422``, ``400``, ``403``) were said « La plateforme
    refuse le dossier », the words of a case refused at its sending. The request gone says so; a refusal says
    that the request stays as it was on the platform, with the platform's words."""
    try:
        _cancel(store, client, case_id, budget_s)
    except PermanentFault as fault:
        if fault.status in (404, 410):
            # Said on the case at once, as a poll would (found in review: the case stayed « sent » in the list,
            # nothing said, until a later poll marked it news, the nurse told twice); not news, she is told now.
            # A training case's words (found in review: « Appelez la plateforme » of an erased test platform).
            key = task_gone_key(store, case_id)
            with transaction(store.conn) as conn:
                store.set_platform_words(conn, case_id, last_error=M.tr(key))
            raise TeleavisError(M.tr("cancel.gone" if key == "follow.task_gone" else key)) from fault
        words = (fault.diagnostics or M.tr("net.no_words")).rstrip()
        words += "" if words.endswith((".", "!", "?", "…")) else "."
        raise TeleavisError(M.tr("cancel.refused", status=fault.status, diagnostics=words)) from fault


def _cancel(store: Store, client: PlatformClient, case_id: str, budget_s: float | None) -> None:
    info = store.platform_info(case_id)
    if not info["task_id"]:
        from app.deletion import deletable

        # A draft never sent is not cancelled but deleted, which only the window does (cli.md has no command).
        raise TeleavisError(M.tr("cancel.draft" if deletable(store.conn, case_id) else "cancel.not_sent"))
    if store.destination(case_id) not in (None, store.destination_now()):
        # Sent to the other platform (training, real) than the settings name now: never asked of this one.
        raise TeleavisError(M.tr("cancel.other_platform"))
    task_id = info["task_id"]
    follower = Follower(store, client)
    for _ in range(10):
        task = client.retrying(lambda: client.read("Task", task_id), budget_s=budget_s)
        status = task.get("status")
        if status == "cancelled":
            break
        if status not in ("requested", "received"):
            state = _MIRRORED.get(str(status), CaseState.SENT)
            if follower._behind(case_id, task, info["task_version"]):
                # Read from a replica lagging (found in review: mirrored, the case went back a step): the case
                # stays as it is, and says the state it holds.
                state = store.state(case_id)
            else:
                follower.mirror(case_id, task, info["task_version"], budget_s)
            raise TeleavisError(M.tr("cancel.too_late", state=M.state_name(state.value)))
        if _modified(task):
            # Not to be used, nor written back: a PUT would return its modifier, whose meaning Teleavis
            # cannot tell, with « cancelled ».
            raise TeleavisError(M.tr("cancel.modified"))
        follower.witness(task)
        version = _version_id(task)
        if not version:
            # No version in the Task nor in its ETag (client.read takes it from there): a PUT without
            # If-Match could overwrite the expert's acceptance made in between. Not sent.
            raise TeleavisError(M.tr("cancel.no_version"))
        # The whole Task goes back (a PUT replaces it): not with the platform's last business status
        # (« Reçue par la plateforme » on a cancelled Task, found from outside) nor its last change's time.
        # Its meta goes back too (found from outside: a PUT without it removed the platform's profile,
        # security labels and tags), less what the server manages itself (version, time, source).
        body = {k: v for k, v in task.items() if k not in ("meta", "businessStatus")}
        narrative = task.get("text")
        if isinstance(narrative, dict) and narrative.get("status") in ("generated", "extensions"):
            # Written by the platform from the Task as it was (« requested »): never put back on a cancelled
            # one (R4 narrative.html); the server makes it again from what it now holds.
            del body["text"]
        meta = task.get("meta")
        kept = {k: v for k, v in meta.items() if k not in SERVER_META} if isinstance(meta, dict) else {}
        if kept:
            body["meta"] = kept
        body["status"] = "cancelled"
        body["statusReason"] = {"text": platform_words("cancel.reason")}  # (the expert's language)
        # Never before authoredOn (R4 Task inv-1): a case made while the clock ran ahead has a later one.
        authored = parse_date_time(str(task.get("authoredOn") or ""))
        latest = utc_now()
        if authored and authored.tzinfo and authored > latest:
            # iso() keeps whole seconds: rounded up, never below it.
            latest = authored + timedelta(microseconds=(1_000_000 - authored.microsecond) % 1_000_000)
        body["lastModified"] = iso(latest)
        tag_audit_head(body, audit.current_witness(store.conn, store.key))
        reply = client.retrying(
            functools.partial(client.update, body, if_match=f'W/"{version}"', pass_status=frozenset({409, 412})),
            budget_s=budget_s,
        )
        if reply.status in (409, 412):
            continue  # it changed meanwhile: read again
        document = reply.document
        if isinstance(document, dict) and document.get("resourceType") == "Task":
            task = document
        else:  # an empty body, or an OperationOutcome: the Task as it now stands, read
            task = client.retrying(lambda: client.read("Task", task_id), budget_s=budget_s)
        if task.get("status") != "cancelled":
            # The change accepted but not made: read once more (a platform may apply it a moment later),
            # never sent again, never said cancelled while it is not.
            task = client.retrying(lambda: client.read("Task", task_id), budget_s=budget_s)
        if task.get("status") == "cancelled":
            break
        follower.mirror(case_id, task, None, budget_s)
        raise TeleavisError(M.tr("cancel.not_made"))
    else:
        raise TransientFault(M.tr("net.busy", status=412))
    follower.mirror(case_id, task, None, budget_s, cancelled_here=True)
    follower.check_witness()
    log.info("case %s cancelled", case_id)


def to_send_again(messages: list[Message]) -> set[str]:
    """The ids of the case's images joined to a reply the platform refused and to no reply since: the expert
    never got them, and a corrected reply may take them again (``messages``: the case's conversation)."""
    refused = {i for m in messages if m.direction == "to-expert" and m.state == "refused" for i in m.image_ids}
    taken = {i for m in messages if m.direction == "to-expert" and m.state != "refused" for i in m.image_ids}
    return refused - taken


def training_platform_gone(store: Store, case_id: str) -> str:
    """Why a training case's reply could never reach its expert: ``"elsewhere"``, a real platform is set now
    (the training case is followed no more, its reply set aside: ``set_aside_elsewhere``); ``"erased"``,
    training mode again, but its training platform's data was erased meanwhile (a real platform set, a key
    rotation: the poll said ``follow.task_gone.training``); else ``""``, a case that is not a training one, or
    whose training platform is there."""
    if store.destination(case_id) != TRAINING:
        return ""
    if store.destination_now() != TRAINING:
        return "elsewhere"
    said = store.platform_info(case_id).get("last_error")
    return "erased" if is_said(said, "follow.task_gone.training") else ""


@dataclass(frozen=True)
class PhotoRefused:
    """A photo joined to a reply that may not go to the expert (:func:`reply_photo_refused`): its id, its
    number as said, why (``"unusable"``, ``"unplaced"``, ``"demo"``) and the check's words (the quality
    verdict's reason; where it was taken, not said)."""

    image_id: str
    number: int
    why: str
    what: str

    def words_at_queuing(self) -> str:
        """What sending the reply says of it as it is queued: nothing has left, her reply still in her hands."""
        if self.why == "unusable":
            return M.tr("reply.unusable", reason=self.what)
        if self.why == "unplaced":
            return M.tr("reply.unplaced", what=self.what)
        return M.tr("v.demo_image.reply", n=self.number)


def reply_photo_refused(
    specialty: str, photos: Sequence[tuple[int, CaseImage]], *, real_platform: bool
) -> PhotoRefused | None:
    """The first photo joined to a reply that may not go to the expert, or ``None``: one the quality check
    judged unusable (as a case's image), one that does not say where it was taken (found from outside: a
    retinograph joined to a reply went without its eye, a photo without its body site, and the expert could not
    tell which eye or which lesion it showed), a demo camera's still for the real platform (as a case's send
    refuses it, ``Store.checklist``: tests/sync/test_reply_demo_image_refused.py). ``photos``: each with its
    number as said (the reply's rows as it is queued, the case's images as it is sent).

    The one copy of these rules, asked as the reply is queued (:func:`queue_reply`) and again as it is sent
    (``sync.engine``, with its photos judged by this release's quality checks): found in review, a reply queued
    by an older release, or before a rule was tightened, left the outbox unchecked."""
    for n, image in photos:
        unusable = [finding for finding in image.quality if finding.level == "blocking"]
        if unusable:
            return PhotoRefused(image.id, n, "unusable", unusable[0].text().rstrip(". "))
    for n, image in photos:
        unplaced = image_place(specialty, image, n)
        if unplaced:
            return PhotoRefused(image.id, n, "unplaced", unplaced[0].message)
    if real_platform:
        for n, image in photos:
            if demo_still(image):
                return PhotoRefused(image.id, n, "demo", "")
    return None


def queue_reply(store: Store, case_id: str, text: str, images: list[NewImage], again: Sequence[str] = ()) -> str:
    """The requester's answer to the expert's question (text and new images), queued for the engine.
    ``again``: images of the case joined to a reply the platform refused (``to_send_again``), sent with
    this one (found from outside: joined again, such a photo was refused as already in the case, and the
    expert never got it)."""
    if store.state(case_id) != CaseState.ON_HOLD:
        raise InvalidTransition(M.tr("reply.not_waiting"))
    if training_platform_gone(store, case_id):  # (found by a nurse's pass: queued, never to leave)
        raise InvalidTransition(M.tr("reply.training_gone"))
    outbox = Outbox(store)
    conversation = outbox.messages(case_id)
    expert = [m for m in conversation if m.direction == "from-expert" and not m.withdrawn]
    if not set(again) <= to_send_again(conversation):  # gone since, with another reply: never twice
        raise TeleavisError(M.tr("reply.not_again"))
    case = store.get_case(case_id)
    ours = {image.id: image for image in case.images}
    joined_again = [ours[image_id] for image_id in dict.fromkeys(again) if image_id in ours]
    # The photos joined, then those joined again, numbered as the reply's rows.
    photos = list(enumerate([*(image.record for image in images), *joined_again], start=1))
    refused = reply_photo_refused(case.specialty, photos, real_platform=store.goes_to(case_id) == PLATFORM)
    if refused is not None:
        raise TeleavisError(refused.words_at_queuing())
    image_ids = [*(i.record.id for i in images), *dict.fromkeys(again)]
    in_response_to = expert[-1].platform_id if expert else None
    from sqlite3 import Connection

    from app import reply_drafts  # (its words begun go in the transaction that queues it: never sent twice)

    # A photo refused as too large, joined again, goes as a reduced copy (the refusal said so; a DICOM never is).
    from sync.reduced import PHOTO_TYPES

    refused_whole = set(again) & reply_drafts.refused_too_large(store, case_id)
    reduced = bool(refused_whole) and any(
        image.id in refused_whole and image.content_type in PHOTO_TYPES for image in case.images
    )
    if not images:
        with transaction(store.conn) as conn:
            message_id = outbox.queue_reply(case_id, text, image_ids, in_response_to, reduced=reduced, conn=conn)
            reply_drafts.queued(store, case_id)
        return message_id
    # As an import: a photo already in this case, or in another patient's, is refused (AlreadyStored).
    # The photos and the reply that takes them are one transaction (found by fault injection: a full
    # disk or a power cut between two left the photos in the case, no reply, and the same photo refused
    # when it was sent again: it never reached the expert).
    queued: list[str] = []

    def then(conn: Connection) -> None:
        queued.append(outbox.queue_reply(case_id, text, image_ids, in_response_to, reduced=reduced, conn=conn))
        reply_drafts.queued(store, case_id)

    store.add_images(case_id, images, patient=case.patient, then=then, joined_to_reply=True)
    return queued[0]
