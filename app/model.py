"""The case and what it holds, in the clinic's words.

A ``Case`` is one request for one patient. Its identifying content (patient, consent, question,
summary, form answers, treatments) is kept encrypted as one document by the store; its state,
specialty, priority and dates are kept in clear so that the worklist needs no decryption.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from app import messages as M
from app.clock import utc_now as utc_now  # the app's clock (app/clock.py), imported from here by most modules

if TYPE_CHECKING:  # the model's names too (at run time: __getattr__, at the end)
    from app.case_record import Answer as Answer
    from app.case_record import Case as Case
    from app.case_record import CaseImage as CaseImage
    from app.case_record import Consent as Consent
    from app.case_record import DevicePatient as DevicePatient
    from app.case_record import Message as Message
    from app.case_record import QualityFinding as QualityFinding
    from app.case_record import Requester as Requester
    from app.case_record import ShownNews as ShownNews
    from app.case_record import Treatment as Treatment
    from app.patient import Patient as Patient

#: ``Case.origin`` of a case made in the window (its identity's document then asked for, not only suggested:
#: app/validation.py); a case file's, or a case stored before it was kept, has none.
ORIGIN_WINDOW = "window"

M.add(
    {
        # The RNIV keeps the birth name (a strict trait) and the used name apart: the birth name comes
        # first, as it identifies; the used name follows, said as what it is.
        "name.with_used": {"fr": "{name} (nom utilisé : {used})", "en": "{name} (used name: {used})"},
    }
)


#: The typographic apostrophes and dashes a word processor or a copy puts in a name, as the INS traits
#: write them (INSi): the plain apostrophe and hyphen.
_NAME_MARKS = str.maketrans(
    dict.fromkeys("\u2019\u2018\u02bc\u00b4`", "'") | dict.fromkeys("\u2010\u2011\u2012\u2013\u2014", "-")
)


def name_text(text: str) -> str:
    """A name as it is shown, printed, sent and compared: single spaces (a no-break space is one), the plain
    apostrophe and hyphen; letters and accents as typed, composed (Unicode NFC): a name pasted decomposed (a
    Mac's NFD, « É » as « E » and a combining accent) is the one typed, and counted so against a DICOM Person
    Name's 64 characters (found in review: each accent counted as a character, the name refused)."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFC", text).translate(_NAME_MARKS).split())


def name_key(text: str) -> str:
    """A name as two records of one patient are compared, by the workstation's duplicate checks and against the
    platform's Patient alike: as shown (:func:`name_text`), folded and spelt in a–z as the INS traits are
    (``app.folding.fold_name``: « Lætitia » is « laetitia », « Łukasz » « lukasz »), hyphens, apostrophes and
    spaces kept apart."""
    from app.folding import fold_name

    return fold_name(name_text(text))


def new_id() -> str:
    """A fresh identifier: a lower-case UUID, as the platform contract wants (docs/platform-api.md §2)."""
    import uuid  # here, not at start-up: the window's first paint needs no new id

    return str(uuid.uuid4())


def iso(moment: datetime) -> str:
    """An instant as FHIR wants it: UTC with seconds and an explicit offset."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class Specialty(StrEnum):
    DERMATOLOGY = "dermatology"
    OPHTHALMOLOGY = "ophthalmology"
    WOUND_CARE = "wound-care"
    OTHER = "other"


class Priority(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"


class CaseState(StrEnum):
    """The life of a case (docs/architecture.md). Platform states mirror ``Task.status``."""

    DRAFT = "draft"
    READY = "ready"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    NEEDS_ATTENTION = "needs-attention"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in-progress"
    ON_HOLD = "on-hold"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    ANSWERED = "answered"
    ARCHIVED = "archived"


class AnswerNews(StrEnum):
    """What the sync engine says with an ``answered`` case that already had its answer (the window's
    notification words it: a corrected answer, or the part that was missing)."""

    AMENDED = "amended"  # the expert amended the answer after a first version
    WITHDRAWN = "withdrawn"  # amended to withdrawn (entered in error): not to be relied on
    COMPLETED = "completed"  # a part it lacked came (its PDF was not yet on the platform)
    REOPENED = "reopened"  # the expert took the answered case back: the answer may change


#: What the sync engine says with a case on hold whose expert withdrew a question (entered in error) and
#: asked none: the window tells a withdrawal, not a question.
QUESTION_WITHDRAWN = "question-withdrawn"

#: States in which the case is the requester's to edit.
EDITABLE_STATES = frozenset({CaseState.DRAFT, CaseState.READY, CaseState.NEEDS_ATTENTION})
#: States in which the case is at the platform and must be followed.
FOLLOWED_STATES = frozenset(
    {CaseState.SENT, CaseState.RECEIVED, CaseState.ACCEPTED, CaseState.IN_PROGRESS, CaseState.ON_HOLD}
)
#: States in which the expert owes the answer (the case can be overdue); the index of migration 10
#: (``cases_due``) names the same states.
WAITING_FOR_EXPERT = frozenset(
    {CaseState.SENT.value, CaseState.RECEIVED.value, CaseState.ACCEPTED.value, CaseState.IN_PROGRESS.value}
)
#: States the platform may move a followed case to (mirrored from Task.status).
_PLATFORM_TARGETS = FOLLOWED_STATES | {CaseState.ANSWERED, CaseState.REJECTED, CaseState.CANCELLED}

#: Allowed transitions; the store refuses any other.
TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.DRAFT: frozenset({CaseState.READY}),
    CaseState.READY: frozenset({CaseState.DRAFT, CaseState.QUEUED}),
    CaseState.QUEUED: frozenset({CaseState.SENDING, CaseState.NEEDS_ATTENTION, CaseState.DRAFT}),
    # Held back by the user (Outbox.withdraw) while waiting, or while its photos leave, before its
    # transaction is claimed: a draft again.
    CaseState.SENDING: frozenset({CaseState.QUEUED, CaseState.SENT, CaseState.NEEDS_ATTENTION, CaseState.DRAFT}),
    # Refused, yet found on the platform afterwards (its transaction recorded there all the same): followed
    # as sent (sync.engine, before each poll).
    CaseState.NEEDS_ATTENTION: frozenset({CaseState.DRAFT, CaseState.READY, CaseState.QUEUED, CaseState.SENT}),
    **{state: _PLATFORM_TARGETS - {state} for state in FOLLOWED_STATES},
    # The expert may reopen an answered case by asking a question (on hold, in progress); the platform
    # may hand it to another expert (requested, received, accepted: found from outside, a request
    # reassigned after its answer stayed « answered », read, its answer shown as current), or still
    # cancel or refuse it (its Task entered in error, failed): the answer is then not to be relied on.
    CaseState.ANSWERED: FOLLOWED_STATES | {CaseState.ARCHIVED, CaseState.CANCELLED, CaseState.REJECTED},
    CaseState.REJECTED: frozenset({CaseState.ARCHIVED}),
    CaseState.CANCELLED: frozenset({CaseState.ARCHIVED}),
    # An answer amended while retention archived the case brings it back (app/retention.py archives
    # only what is read; the sync may have been reading the amendment at that moment).
    CaseState.ARCHIVED: frozenset({CaseState.ANSWERED}),
}

Sex = Literal["male", "female", "other", "unknown"]
SEXES: tuple[str, ...] = ("male", "female", "other", "unknown")
Eye = Literal["right", "left"]
EYES: tuple[str, ...] = ("right", "left")
#: Views of a skin lesion or wound; retinographs use ``macula`` and ``disc`` (or free text).
DERMATOLOGY_VIEWS: tuple[str, ...] = ("far", "medium", "close-up", "dermoscopy")
RETINA_VIEWS: tuple[str, ...] = ("macula", "disc")
Level = Literal["ok", "warning", "blocking"]
#: The identity's confidence status (national identity vigilance reference, RNIV): ``provisional``
#: (not checked against an ID document), ``recovered`` (INS fetched from INSi, no document checked),
#: ``validated`` (document checked, INS not fetched), ``qualified`` (both). Only a qualified
#: identity's INS is sent.
IDENTITY_STATUSES: tuple[str, ...] = ("provisional", "recovered", "validated", "qualified")
#: ID documents that validate an identity (FR Core's validation-mode codes): national identity card,
#: passport, residence permit; family record book, birth certificate and a foreign minor's travel document
#: (document de circulation pour étranger mineur: RNIV 2024, volet 1, 3.3.3), a minor's identity only.
IDENTITY_DOCUMENTS: tuple[str, ...] = ("CN", "PA", "CS", "LE", "AN", "DC")
#: The answer « no ID document checked » (the window's « Aucune », a case file's ``"none"``), told apart from
#: the document not said (``""``: a case file without the key, a case stored before this answer existed).
#: Beside a validated or qualified status it contradicts the status (RNIV) and blocks sending; never sent.
NO_DOCUMENT = "none"


#: The version of the image quality checks (``capture/quality.py``, ``capture/retina.py``, ``capture/faces.py``):
#: kept with each image's verdict (``images.checks``, migration 28), 0 for the images stored before it was.
#: RAISE IT BY ONE with any change there that may give an image another verdict (a threshold, a measure, a
#: finding added or dropped): the images of the cases still editable (draft, ready, back for correction) are
#: then checked again by the new checks once, when their case is next opened in the window or by ``case show``
#: or ``case send`` (``capture.rechecks``); a sent case keeps the verdict its expert saw. A change that gives
#: every image the same verdict (a rename, a faster way to the same measure) leaves it as it is.
CHECKS_VERSION = 5

#: The quality check that says where a retinograph's optic disc lies (level ``ok``: a fact). Its measure
#: is the disc's horizontal offset from the field's centre in field radii, negative on the left of the
#: image; beyond its threshold, either way, the disc is on that side. The checklist compares the side
#: with the eye chosen (``app.validation``): in a fundus photograph the disc is on the nasal side, on
#: the right of the image for a right eye, on the left for a left eye.
DISC_SIDE_CHECK = "optic-disc"

#: The eye a DICOM's device recorded the image as (its ImageLaterality or Laterality; level ``ok``: a
#: fact), kept at import under the key ``device-eye.right`` or ``device-eye.left``. The case's eye may
#: differ (carried over from the image retaken, chosen before the import, given by a case file) and is
#: what the DICOM says once sent: the checklist compares the two (``app.validation``), the device's
#: word before the optic disc's side.
DEVICE_EYE_CHECK = "device-eye"

#: A DICOM whose device recorded it for someone else than the case's patient at its import (another
#: name, first given name, birth date, sex or INS: ``app.device_patient``), a warning kept
#: with the image whatever its header says once restamped. The checklist says it under its own code
#: (``app.validation.OTHER_PATIENT``), and the window asks before such an image leaves.
OTHER_PATIENT_CHECK = "patient"

#: An image this release's checks could not check again (``capture.rechecks``): its file is missing or
#: damaged on this workstation (key :data:`UNREADABLE_KEY`, blocking: it could not be sent either), or the
#: checks failed on it (key :data:`NOT_CHECKED_KEY`, a warning: its older verdict stands and it may leave).
#: Either is made once, the image then marked as checked by this release, and dropped when it is checked.
RECHECKS_CHECK = "rechecks"
UNREADABLE_KEY = "recheck.file-unreadable"
NOT_CHECKED_KEY = "recheck.failed"


#: A report's statuses (FHIR R4 DiagnosticReport.status) that say the expert withdrew it, and those
#: that say it is not signed off yet. The others (final, amended, corrected, appended) stand; so does
#: an answer kept before its status was (none).
WITHDRAWN_REPORT = frozenset({"entered-in-error", "cancelled"})
PROVISIONAL_REPORT = frozenset({"registered", "partial", "preliminary"})


def shown_id(message_id: str, withdrawn: bool) -> str:
    """An expert's message as :class:`ShownNews` holds it: its withdrawal is news of its own."""
    return f"{message_id} withdrawn" if withdrawn else message_id


class CaseSummary(NamedTuple):
    """A worklist row: what can be shown without decrypting the case.

    A named tuple, not a frozen dataclass: the worklist's start makes its rows before the window shows, and
    defining a dataclass costs ~3.3 M instructions (the module's import more). Changed with ``_replace``."""

    id: str
    state: str
    specialty: str
    priority: str
    initials: str
    created_at: str
    updated_at: str
    unread: bool
    image_count: int
    #: When the expert's answer is due (ISO instant), once the case is sent.
    due_at: str | None = None
    #: The answer's last news: ``amended`` or ``withdrawn`` (AnswerNews), None for an answer as first given.
    answer_news: str | None = None
    #: A training case (made or sent in training mode): a fictitious patient, a simulated answer.
    training: bool = False
    #: Queued or sent to the real platform (a real expert's answer), a training case among them.
    to_platform: bool = False

    def overdue(self, now: str | None = None) -> bool:
        """The expert's promised answer time has passed and the case still waits for the expert."""
        return bool(self.due_at) and self.state in WAITING_FOR_EXPERT and str(self.due_at) < (now or iso(utc_now()))


#: Defined in app/case_record.py, which the window's start does not load (it shows worklist rows only),
#: and imported from here as the rest of the model: ``from app.model import Case`` loads it then.
_CASE_RECORD = frozenset(
    {
        "Answer",
        "Case",
        "CaseImage",
        "Consent",
        "DevicePatient",
        "Message",
        "QualityFinding",
        "Requester",
        "ShownNews",
        "Treatment",
    }
)


def __getattr__(name: str) -> Any:
    if name == "Patient":
        from app.patient import Patient

        return Patient
    if name in _CASE_RECORD:
        from app import case_record

        return getattr(case_record, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
