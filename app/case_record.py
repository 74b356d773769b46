"""What a case holds beyond its worklist row: consent, treatments, images and their checks, the
requester, the expert's answer and messages, and the ``Case`` itself.

Imported as ``app.model``'s (``from app.model import Case``): defined apart so that the window's start,
which shows only worklist rows (``CaseSummary``), does not define them (~4 ms of dataclasses, most of
the cost of the core's import). ``tests/ui/test_start_imports.py`` checks that it is not loaded then.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from app import i18n, quality_words
from app.model import (
    CHECKS_VERSION,
    DEVICE_EYE_CHECK,
    DISC_SIDE_CHECK,
    CaseState,
    Level,
    Patient,
    Priority,
    Specialty,
    new_id,
    shown_id,
)


@dataclass
class Consent:
    """The patient's consent to the request: given or not, on which date, recorded by whom."""

    given: bool = False
    date: str = ""  # ISO date
    recorded_by: str = ""
    id: str = field(default_factory=new_id)


@dataclass
class Treatment:
    """A treatment the patient currently takes, with its dosage."""

    name: str
    dosage: str = ""
    id: str = field(default_factory=new_id)


@dataclass
class QualityFinding:
    """One verdict of the image quality checks (docs/architecture.md, "Image quality").

    ``message`` is the sentence as said at the check, in the language of that moment; ``key`` and
    ``params`` say which sentence it is (``app.quality_words``), so that :meth:`text` says it again in
    the reader's language. Rows stored before the key was kept have none: their sentence is shown as
    written. Stored as they were (a row's sealed digest covers them): neither is ever rewritten.
    """

    check: str  # sharpness, exposure, colour-cast, resolution, field-of-view, gradability, face, optic-disc…
    level: Level
    message: str  # the sentence a nurse understands, in the language of the check (see text())
    measure: float | None = None
    threshold: float | None = None
    key: str | None = None  # the sentence's key in app.quality_words
    params: dict[str, Any] | None = None  # its parameters (numbers, codes), never words of a language

    @classmethod
    def said(
        cls,
        check: str,
        level: Level,
        key: str,
        measure: float | None = None,
        threshold: float | None = None,
        **params: Any,
    ) -> QualityFinding:
        """A finding saying the sentence ``key`` with ``params``, kept with its words of now."""
        text = quality_words.words(key, params)
        if text is None:
            raise KeyError(key)
        return cls(check, level, text, measure, threshold, key, params or None)

    def text(self, lang: str | None = None) -> str:
        """The sentence in ``lang`` (the user's language by default), from its key when this version
        knows it, else as it was stored."""
        if self.key is None:
            return self.message
        return quality_words.words(self.key, self.params, lang) or self.message

    def disc_side(self) -> str | None:
        """``left`` or ``right``: the side of the image where an ``optic-disc`` fact puts the disc,
        when it is clearly on one; ``None`` for a central disc or any other check."""
        if self.check != DISC_SIDE_CHECK or self.measure is None or self.threshold is None:
            return None
        if abs(self.measure) < self.threshold:
            return None
        return "left" if self.measure < 0 else "right"

    def device_eye(self) -> str | None:
        """``right`` or ``left``: the eye a ``device-eye`` fact says the device recorded; ``None`` for any
        other check."""
        if self.check != DEVICE_EYE_CHECK or self.key is None:
            return None
        eye = self.key.removeprefix(f"{DEVICE_EYE_CHECK}.")
        return eye if eye in ("right", "left") else None

    def to_dict(self) -> dict[str, Any]:
        # Exactly the fields of older versions when there is no key: an image's sealed digest covers
        # this dict, and a row stored before must read back as it was.
        data: dict[str, Any] = {
            "check": self.check,
            "level": self.level,
            "message": self.message,
            "measure": self.measure,
            "threshold": self.threshold,
        }
        if self.key is not None:
            data["key"] = self.key
        if self.params:
            data["params"] = dict(self.params)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QualityFinding:
        key, params = data.get("key"), data.get("params")
        return cls(
            check=str(data["check"]),
            level=data["level"],
            message=str(data["message"]),
            measure=data.get("measure"),
            threshold=data.get("threshold"),
            key=key if isinstance(key, str) else None,
            params=params if isinstance(params, dict) and params else None,
        )


@dataclass(frozen=True)
class DevicePatient:
    """Who a DICOM's device recorded the image for, as its header said at import: kept sealed with the
    image's labels (the header is restamped with the case's patient), compared with the case's patient
    each time the checklist is made (``app.device_patient``). Never sent, never in a log."""

    name: str = ""  # PatientName as written: « LEROY^Sophie », or one field « LE GALL MARIE »
    birth_date: str = ""  # PatientBirthDate: YYYYMMDD
    patient_id: str = ""  # PatientID: an INS, or the device's own number
    sex: str = ""  # PatientSex: M, F, O
    #: The site's file number the device wrote beside the INS kept as ``patient_id`` (a worklist gives both:
    #: the number as the Patient ID, the INS among the Other Patient IDs), else "".
    file_number: str = ""


#: The note of a photo joined to a reply to the expert, as stored and as sent (Media.note): in the platform's
#: language, French, whatever the window's was. Found in review: stored as the window said it, an English
#: window's « answer to the expert » reached a French expert, and showed in a French report (or the reverse).
REPLY_PHOTO_NOTE = "réponse à l'expert"
#: Its words in each language; the English one, as an English window stored it before, is read as the same note.
_REPLY_PHOTO_NOTE_WORDS = {"fr": REPLY_PHOTO_NOTE, "en": "answer to the expert"}


def note_words(note: str, lang: str) -> str:
    """An image's note as ``lang``'s reader reads it: the reply photo's (:data:`REPLY_PHOTO_NOTE`, in any
    language it was stored in) in ``lang``'s words; any other note as written."""
    if note.strip() in _REPLY_PHOTO_NOTE_WORDS.values():
        return _REPLY_PHOTO_NOTE_WORDS.get(lang, REPLY_PHOTO_NOTE)
    return note


@dataclass
class CaseImage:
    """An image of a case. Its bytes live encrypted in the object store under ``blob``."""

    id: str = field(default_factory=new_id)
    body_site: str = ""
    eye: str | None = None
    view: str = ""
    note: str = ""
    content_type: str = "image/jpeg"
    width: int = 0
    height: int = 0
    size: int = 0
    sha1: str = ""  # base64 SHA-1 of the stored bytes, as FHIR Attachment.hash wants it
    captured_at: str = ""
    #: The file gave no capture time: ``captured_at`` is the time of its import, and says so.
    time_unknown: bool = False
    #: The nurse confirmed the photo is this patient's, though it is also in another patient's case (a
    #: case file took it so): the checklist no longer asks (``Store.images_elsewhere``).
    owner_checked: bool = False
    #: A still taken with the camera in Teleavis, straight into this case (never on a device's card): the
    #: earlier-session question says so (``app.validation.taken_earlier``). False for an image stored before it
    #: was kept, asked about as before.
    taken_here: bool = False
    device: str = ""
    #: Who the DICOM's device recorded the image for (``None``: a photo, or an image imported before it
    #: was kept, whose ``patient`` finding alone tells).
    device_patient: DevicePatient | None = None
    modality: str = "XC"  # XC photograph, OP ophthalmic photograph
    quality: list[QualityFinding] = field(default_factory=list)
    #: Which version of the quality checks made ``quality`` (``CHECKS_VERSION``; 0: unknown, stored before it
    #: was kept). A record made now is checked by this release's.
    checks: int = CHECKS_VERSION
    blob: str = ""
    thumb_blob: str | None = None
    binary_id: str | None = None  # the platform's Binary id once uploaded

    def worst_level(self) -> Level:
        levels = {finding.level for finding in self.quality}
        if "blocking" in levels:
            return "blocking"
        return "warning" if "warning" in levels else "ok"


@dataclass
class Requester:
    """The site: the requesting practitioner and organisation (site file of ``init``)."""

    rpps: str
    family: str
    given: list[str]
    role: str
    finess: str
    organization: str
    patient_id_system: str
    #: A professional not in the RPPS (some nurses) is identified by ADELI; ``rpps`` is then empty.
    adeli: str = ""
    #: A structure without FINESS (a health centre) by its SIRET, or its SIREN; ``finess`` is then empty.
    siret: str = ""
    siren: str = ""

    @property
    def professional_number(self) -> str:
        """The professional's own number: the RPPS, else the ADELI."""
        return self.rpps or self.adeli

    @property
    def national_id(self) -> str:
        """The professional's national id (IDNPS, TRE_G08): ``8`` + RPPS, else ``0`` + ADELI, as FR Core's
        Practitioner and Pro Santé Connect's ``SubjectNameID`` carry it."""
        return "8" + self.rpps if self.rpps or not self.adeli else "0" + self.adeli

    @property
    def structure_number(self) -> str:
        """The structure's own number: the FINESS, else the SIRET, else the SIREN."""
        return self.finess or self.siret or self.siren


@dataclass
class Answer:
    """The expert's answer, read from the DiagnosticReport.

    ``files`` are every attachment read (``blob``, ``content_type``, ``title``), PDFs and images;
    ``pdf_blobs`` the PDFs among them. ``missing`` lists what the platform sent but could not be
    read (``what``: report or attachment title, ``reason``: a code of ``app.answers``), so the
    case says it instead of failing. ``report_version`` tells an amended report from the one read.
    """

    conclusion: str = ""
    expert: str = ""
    issued: str = ""
    follow_up_days: float | None = None
    report_id: str = ""
    pdf_blobs: list[str] = field(default_factory=list)
    files: list[dict[str, str]] = field(default_factory=list)
    missing: list[dict[str, str]] = field(default_factory=list)
    report_status: str = ""
    report_version: str = ""
    amended: bool = False
    #: The versions this answer replaced, newest first (``as_earlier``): what the requester may have
    #: read and acted on stays on the record, files included.
    earlier: list[dict[str, Any]] = field(default_factory=list)
    #: The platform took this answer back: its Task left ``completed`` and no longer points to any report
    #: (the request handed to another expert). Kept on the record, never shown as the current answer;
    #: the next answer replaces it.
    platform_withdrawn: bool = False
    #: Report id → digest of what the requester reads of it (:func:`sync.follow.shown_digest`): a report
    #: changed under the same ``meta.versionId`` (a server that does not bump it) is told by it.
    report_digests: dict[str, str] = field(default_factory=dict)

    def blobs(self) -> list[str]:
        """Every stored blob of the answer (PDFs and other attachments), its earlier versions' too."""
        pdfs = [*self.pdf_blobs, *(blob for version in self.earlier for blob in version.get("pdf_blobs", []))]
        files = [*self.files, *(item for version in self.earlier for item in version.get("files", []))]
        return list(dict.fromkeys([*pdfs, *(f["blob"] for f in files if f.get("blob"))]))

    def as_earlier(self) -> dict[str, Any]:
        """This version as kept in ``earlier`` of the one that replaces it."""
        return {
            "conclusion": self.conclusion,
            "expert": self.expert,
            "issued": self.issued,
            "follow_up_days": self.follow_up_days,
            "report_status": self.report_status,
            "report_version": self.report_version,
            "pdf_blobs": list(self.pdf_blobs),
            "files": [dict(f) for f in self.files],
        }

    def images(self) -> list[dict[str, str]]:
        """The attachments that are pictures."""
        return [f for f in self.files if str(f.get("content_type", "")).startswith("image/")]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        """From the stored form, leaving out keys a newer version may have added."""
        known = {name for name in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Message:
    """A message of the conversation with the expert (Communication)."""

    id: str
    direction: Literal["from-expert", "to-expert"]
    text: str
    sent_at: str = ""  # the expert's, as the platform gives it
    platform_id: str | None = None
    in_response_to: str | None = None
    image_ids: list[str] = field(default_factory=list)
    #: An expert's message the platform then marked entered in error: not to be relied on, never
    #: answered (its words are kept on the record, not shown as a question).
    withdrawn: bool = False
    created_at: str = ""  # when this workstation wrote it (a reply) or received it (a question)
    #: A reply's: ``queued`` (still to leave), ``sent`` or ``refused`` (by the platform, or a state not
    #: written here: said not sent); an expert's: ``received`` or ``withdrawn``.
    state: str = ""
    #: A reply's: the user chose to send its photos as reduced copies (a slow link); the originals stay here.
    reduced: bool = False
    #: An expert's message: its own words, Teleavis's about it kept apart (``text`` says both in the window's
    #: language, :func:`message_words` in another's; in one kept before, told apart by :func:`expert_parts`).
    #: None for a reply (its text is the requester's alone).
    words: str | None = None
    #: The titles of what the expert joined that cannot be shown here (said after its words).
    attached: list[str] = field(default_factory=list)
    #: One Teleavis cannot read (a modifier extension it does not know): its words not taken as they read.
    unreadable: bool = False


#: What Teleavis says of an expert's message it cannot show whole: in the reader's language, never stored.
#: French typography: U+00A0 inside « » and before « : ».
EXPERT_MESSAGE_WORDS = i18n.Catalogue(
    "expert_message_words",
    {
        "attachment_only": {
            "fr": "(L'expert a joint un élément qui ne peut pas être affiché ici\u00a0: consultez-le sur la "
            "plateforme.)",
            "en": "(The expert attached something that cannot be shown here: see it on the platform.)",
        },
        "attachment_only_named": {
            "fr": "(L'expert a joint «\u00a0{titles}\u00a0», qui ne peut pas être affiché ici\u00a0: consultez-le sur "
            "la plateforme.)",
            "en": "(The expert attached “{titles}”, which cannot be shown here: see it on the platform.)",
        },
        "attachment_also": {
            "fr": "(L'expert a aussi joint «\u00a0{titles}\u00a0», qui ne peut pas être affiché ici\u00a0: "
            "consultez-le sur la plateforme.)",
            "en": "(The expert also attached “{titles}”, which cannot be shown here: see it on the platform.)",
        },
        # One file with no name: said a file, with no name (found left open: « un élément » told the nurse nothing
        # of what the expert had joined).
        "attachment_only_unnamed": {
            "fr": "(L'expert a joint un fichier sans nom qui ne peut pas être affiché ici\u00a0: consultez-le sur la "
            "plateforme.)",
            "en": "(The expert attached a file with no name that cannot be shown here: see it on the platform.)",
        },
        "attachment_also_unnamed": {
            "fr": "(L'expert a aussi joint un fichier sans nom qui ne peut pas être affiché ici\u00a0: consultez-le "
            "sur la plateforme.)",
            "en": "(The expert also attached a file with no name that cannot be shown here: see it on the platform.)",
        },
        # Several files: counted, each named one quoted alone, the unnamed ones said outside the quotes (found
        # left open: « L'expert a joint « photo.jpg, un élément sans nom » » read as one file's name).
        "attachments": {
            "fr": "(L'expert a joint {n} fichiers qui ne peuvent pas être affichés ici\u00a0: {titles}. Consultez-les "
            "sur la plateforme.)",
            "en": "(The expert attached {n} files that cannot be shown here: {titles}. See them on the platform.)",
        },
        "attachments_also": {
            "fr": "(L'expert a aussi joint {n} fichiers qui ne peuvent pas être affichés ici\u00a0: {titles}. "
            "Consultez-les sur la plateforme.)",
            "en": "(The expert also attached {n} files that cannot be shown here: {titles}. See them on the platform.)",
        },
        "attachments_unnamed": {
            "fr": "(L'expert a joint {n} fichiers sans nom qui ne peuvent pas être affichés ici\u00a0: consultez-les "
            "sur la plateforme.)",
            "en": "(The expert attached {n} files with no name that cannot be shown here: see them on the platform.)",
        },
        "attachments_also_unnamed": {
            "fr": "(L'expert a aussi joint {n} fichiers sans nom qui ne peuvent pas être affichés ici\u00a0: "
            "consultez-les sur la plateforme.)",
            "en": "(The expert also attached {n} files with no name that cannot be shown here: see them on the "
            "platform.)",
        },
        "named": {"fr": "«\u00a0{title}\u00a0»", "en": "“{title}”"},
        "unnamed": {"fr": "un fichier sans nom", "en": "a file with no name"},
        "unnamed_several": {"fr": "{n} fichiers sans nom", "en": "{n} files with no name"},
        "and": {"fr": "{first} et {last}", "en": "{first} and {last}"},
        "message_modified": {
            "fr": "L'expert a envoyé un message que Teleavis ne sait pas lire\u00a0: consultez-le sur la plateforme.",
            "en": "The expert sent a message Teleavis cannot read: see it on the platform.",
        },
    },
)
#: The same words as Teleavis wrote them into an expert's message kept before they were kept apart (plain
#: spaces, the titles of several files in one pair of quotes): only read back (:func:`expert_parts`).
_WORDS_OF_BEFORE = i18n.Catalogue(
    "expert_message_words_of_before",
    {
        "attachment_only": {
            "fr": "(L'expert a joint un élément qui ne peut pas être affiché ici : consultez-le sur la plateforme.)",
            "en": "(The expert attached something that cannot be shown here: see it on the platform.)",
        },
        "attachment_only_named": {
            "fr": "(L'expert a joint « {titles} », qui ne peut pas être affiché ici : consultez-le sur la plateforme.)",
            "en": "(The expert attached “{titles}”, which cannot be shown here: see it on the platform.)",
        },
        "attachment_also": {
            "fr": "(L'expert a aussi joint « {titles} », qui ne peut pas être affiché ici : consultez-le sur la "
            "plateforme.)",
            "en": "(The expert also attached “{titles}”, which cannot be shown here: see it on the platform.)",
        },
        "message_modified": {
            "fr": "L'expert a envoyé un message que Teleavis ne sait pas lire : consultez-le sur la plateforme.",
            "en": "The expert sent a message Teleavis cannot read: see it on the platform.",
        },
    },
)


def _unnamed(title: str) -> bool:
    """A file with neither title nor type has no name (« ? » in messages kept before)."""
    return not title.strip() or title == "?"


def _files_words(attached: Sequence[str], lang: str) -> str:
    """Several files in words: each named one quoted, the unnamed ones counted, « a, b et c »."""
    said = EXPERT_MESSAGE_WORDS
    parts = [said.tr_in("named", lang, title=title) for title in attached if not _unnamed(title)]
    unnamed = sum(1 for title in attached if _unnamed(title))
    if unnamed == 1:
        parts.append(said.tr_in("unnamed", lang))
    elif unnamed:
        parts.append(said.tr_in("unnamed_several", lang, n=unnamed))
    if len(parts) == 1:
        return parts[0]
    return said.tr_in("and", lang, first=", ".join(parts[:-1]), last=parts[-1])


def expert_text(words: str, attached: Sequence[str], unreadable: bool, lang: str) -> str:
    """An expert's message as ``lang``'s reader reads it: its ``words``, and what Teleavis says of the files
    joined it cannot show (``attached``, their titles), or that it cannot read it at all (``unreadable``)."""
    said = EXPERT_MESSAGE_WORDS
    if unreadable:
        return said.tr_in("message_modified", lang)
    # A file with neither title nor type has no name (« ? » in messages kept before): found by a conformance
    # pass, it was said « L'expert a joint « ? » », a question mark read as the file's name.
    named = [title for title in attached if not _unnamed(title)]
    also = "_also" if words else ""
    if not attached:
        return words or said.tr_in("attachment_only", lang)
    if len(attached) > 1:
        key = f"attachments{also}" if named else f"attachments{also}_unnamed"
        sentence = said.tr_in(key, lang, n=len(attached), titles=_files_words(attached, lang))
    elif named:
        sentence = said.tr_in("attachment_also" if words else "attachment_only_named", lang, titles=named[0])
    else:
        sentence = said.tr_in("attachment_also_unnamed" if words else "attachment_only_unnamed", lang)
    # (found from outside: a file joined to a question's words went unsaid)
    return f"{words}\n\n{sentence}" if words else sentence


def _said_then(said: i18n.Catalogue, key: str, lang: str) -> re.Pattern[str]:
    """``key``'s sentence in ``lang`` as a pattern, its titles caught."""
    head, titles, tail = said.tr_in(key, lang, titles="\0").partition("\0")
    return re.compile(re.escape(head) + ("(.+)" + re.escape(tail) if titles else ""), re.DOTALL)


def expert_parts(text: str) -> tuple[str, list[str], bool]:
    """The text of an expert's message kept before Teleavis's words were kept apart (they were written into it,
    in the window's language then, in the wording of then): the expert's words, the titles of what could not be
    shown, and whether it could not be read, as :func:`expert_text` says them again in the reader's language."""
    for said in (_WORDS_OF_BEFORE, EXPERT_MESSAGE_WORDS):
        for lang in ("fr", "en"):
            if text == said.tr_in("message_modified", lang):
                return "", [], True
            if text == said.tr_in("attachment_only", lang):
                return "", [], False
            if (named := _said_then(said, "attachment_only_named", lang).fullmatch(text)) is not None:
                return "", _titles_of_before(named.group(1), lang), False
            words, _, also = text.rpartition("\n\n")
            if words and (more := _said_then(said, "attachment_also", lang).fullmatch(also)) is not None:
                return words, _titles_of_before(more.group(1), lang), False
    return text, [], False


def _titles_of_before(titles: str, lang: str) -> list[str]:
    """The titles of the files a message kept before named in one pair of quotes (« a, un élément sans nom »):
    the unnamed ones' words of then are no title; the rest is kept whole (a title may hold a comma)."""
    unnamed = {"fr": "un élément sans nom", "en": "an item with no name"}[lang]
    parts = titles.split(", ")
    named = ", ".join(part for part in parts if part != unnamed)
    return ([named] if named else []) + [""] * sum(1 for part in parts if part == unnamed)


def message_words(message: Message, lang: str) -> str:
    """A message's words as ``lang``'s reader reads them (a report printed in another language): an expert's
    with Teleavis's words about it in ``lang``; any other as it was written."""
    if message.words is None:
        return message.text
    return expert_text(message.words, message.attached, message.unreadable, lang)


@dataclass(frozen=True)
class ShownNews:
    """What a person had on screen of a case's news when it is marked read: its state, its answer and
    its expert's messages (their ids, sorted, a withdrawn one's marked so). News stored since (an amended
    answer, a question or its withdrawal, the case withdrawn) differs, so it stays unread."""

    state: CaseState
    answer: Answer | None
    questions: tuple[str, ...] = ()

    @classmethod
    def of(cls, state: CaseState, answer: Answer | None, messages: list[Message]) -> ShownNews:
        return cls(
            state,
            answer,
            tuple(sorted(shown_id(m.id, m.withdrawn) for m in messages if m.direction == "from-expert")),
        )


@dataclass
class Case:
    """One request for one patient, whole: its state, what is asked, the patient, the form, the images."""

    id: str = field(default_factory=new_id)
    state: CaseState = CaseState.DRAFT
    specialty: str = Specialty.DERMATOLOGY.value
    priority: str = Priority.ROUTINE.value
    question: str = ""
    summary: str = ""
    #: Why a retinography has only one eye (docs/cli.md), e.g. an enucleation; empty otherwise.
    single_eye_reason: str = ""
    patient: Patient = field(default_factory=Patient)
    consent: Consent = field(default_factory=Consent)
    treatments: list[Treatment] = field(default_factory=list)
    form: dict[str, Any] = field(default_factory=dict)
    form_id: str = field(default_factory=new_id)
    images: list[CaseImage] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""
    revision: int = 0
    #: Where the case was made: ``app.model.ORIGIN_WINDOW`` in the window; "" for a case file's, or a case stored
    #: before it was kept (kept in its sealed content only when set: an older release reads it as before).
    origin: str = ""
    #: ``app.model.ORIGIN_WINDOW`` once the nurse set its identity's status, document, INS or a strict trait in
    #: the window (a case file's case too: she then stated it in front of the list of documents); "" otherwise,
    #: or stored before (kept in its sealed content only when set, as ``origin``; never sent).
    identity_origin: str = ""
    #: True when the stored case predates the identity status (read as provisional): the window asks
    #: for it once. Not stored: answering stores the status.
    identity_status_missing: bool = False

    def content(self) -> dict[str, Any]:
        """The identifying and clinical content, kept encrypted as one document."""
        return {
            # Also in clear columns (the worklist lists and filters by them): sealed here too, so a
            # column changed outside Teleavis is found when the case is read (Store.get_case).
            "specialty": self.specialty,
            "priority": self.priority,
            "question": self.question,
            "summary": self.summary,
            "single_eye_reason": self.single_eye_reason,
            "patient": asdict(self.patient),
            "consent": asdict(self.consent),
            "treatments": [asdict(t) for t in self.treatments],
            "form": self.form,
            "form_id": self.form_id,
        } | {key: value for key, value in (("origin", self.origin), ("identity_origin", self.identity_origin)) if value}

    def set_content(self, data: dict[str, Any]) -> None:
        self.question = data.get("question", "")
        self.summary = data.get("summary", "")
        self.single_eye_reason = data.get("single_eye_reason", "")
        patient = dict(data.get("patient", {}))
        self.identity_status_missing = "identity_status" not in patient
        self.patient = Patient(**patient)
        self.consent = Consent(**data.get("consent", {}))
        self.treatments = [Treatment(**t) for t in data.get("treatments", [])]
        self.form = dict(data.get("form", {}))
        self.form_id = data.get("form_id") or new_id()
        self.origin = str(data.get("origin") or "")
        self.identity_origin = str(data.get("identity_origin") or "")
