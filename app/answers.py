"""The expert's answer in words: what the platform sent that could not be read, and why.

The follower (sync/follow.py) keeps an answer it cannot fully read with what it could read, and
notes each missing part with a reason code; the window, ``case show`` and the PDF report say it
with these sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app import messages as M
from app.errors import TeleavisError
from app.i18n import date_words, language, moment_words
from app.model import FOLLOWED_STATES, PROVISIONAL_REPORT, WITHDRAWN_REPORT, Answer, CaseState

#: Why a part of the answer is missing (codes stored in ``Answer.missing``).
FOREIGN_URL = "foreign-url"
NO_CONTENT = "no-content"
NOT_FOUND = "not-found"
UNREACHABLE = "unreachable"
#: The platform sent it to its storage host (a pre-signed address), which failed: the platform gives a fresh
#: address at each read, so the answer is kept at once without it, and it is asked for again.
STORED_LATER = "stored-later"
#: The platform answered 410 Gone: it was there and was deleted (R4), not to come at that address.
GONE = "gone"
TOO_LARGE = "too-large"
UNREADABLE = "unreadable"
#: The ``what`` of the expert's follow-up advice given in a form not read (its absence would read as
#: « no in-person visit needed »).
FOLLOW_UP = "follow-up-advice"
#: The longest follow-up advice read as one (a hundred years): past it, or infinite, it is said not read.
FOLLOW_UP_MOST_DAYS = 36525.0
OTHER_PATIENT = "other-patient"
#: It carries a ``modifierExtension`` (FHIR: an element that changes its meaning) Teleavis does not know.
MODIFIED = "modified"
#: Past what one answer may keep (:data:`MAX_ANSWER_FILES`, :data:`MAX_ANSWER_PDFS`, :data:`MAX_ANSWER_BYTES`).
BEYOND_LIMITS = "beyond-limits"
REASONS = (
    FOREIGN_URL,
    NO_CONTENT,
    NOT_FOUND,
    UNREACHABLE,
    STORED_LATER,
    GONE,
    TOO_LARGE,
    UNREADABLE,
    OTHER_PATIENT,
    MODIFIED,
    BEYOND_LIMITS,
)
#: What one answer keeps at most (found from outside: an answer of thousands of attachments, or of
#: gigabytes, filled the disk): its files, the PDF reports among them, their total size. What is past
#: them is neither downloaded nor kept, and said as one missing item (:data:`MORE_FILES`).
MAX_ANSWER_FILES = 20
MAX_ANSWER_PDFS = 10
MAX_ANSWER_BYTES = 200 * 1024 * 1024
#: The ``what`` of the files of an answer past its limits (their number in ``count``).
MORE_FILES = "more-files"
#: What is missing: the report (the DiagnosticReport or its PDF) or another attachment.
REPORT = "report"
WITHDRAWN, PROVISIONAL = WITHDRAWN_REPORT, PROVISIONAL_REPORT
#: DiagnosticReport statuses of a report the expert signed off (FHIR R4: final and its later versions).
SIGNED_REPORT = frozenset({"final", "amended", "corrected", "appended"})

M.add(
    {
        # Before the words of the expert's coded diagnosis (conclusionCode), after their own written conclusion
        # (``sync.follow``): kept in the conclusion in the language when read, said in the reader's
        # (``conclusion_words``).
        "answer.coded": {"fr": "Diagnostic codé\u00a0:", "en": "Coded diagnosis:"},
        "answer.what.report": {"fr": "compte rendu", "en": "report"},
        "answer.what.file": {"fr": "pièce jointe « {title} »", "en": "attachment “{title}”"},
        "answer.what.file_untitled": {"fr": "pièce jointe", "en": "attachment"},
        "answer.what.follow_up": {
            "fr": "délai conseillé pour revoir le patient",
            "en": "advised time to see the patient in person",
        },
        "answer.missing": {"fr": "{what} non récupérable : {why}", "en": "{what} not retrievable: {why}"},
        "answer.why.foreign-url": {"fr": "adresse hors plateforme", "en": "address outside the platform"},
        "answer.why.no-content": {
            "fr": "la plateforme n'a envoyé ni adresse ni contenu",
            "en": "the platform sent neither an address nor the content",
        },
        "answer.why.not-found": {
            "fr": "pas encore sur la plateforme, Teleavis le redemandera",
            "en": "not on the platform yet, Teleavis will ask for it again",
        },
        "answer.why.unreachable": {
            "fr": "pas téléchargé pour l'instant (liaison coupée à chaque essai), Teleavis le redemandera",
            "en": "not downloaded yet (the link failed at every try), Teleavis will ask for it again",
        },
        "answer.why.stored-later": {
            "fr": "pas encore téléchargé depuis le stockage de la plateforme, Teleavis le redemandera",
            "en": "not yet downloaded from the platform's storage, Teleavis will ask for it again",
        },
        "answer.why.gone": {
            "fr": "supprimé de la plateforme, demandez-le à l'expert si vous en avez besoin",
            "en": "deleted from the platform, ask the expert for it if you need it",
        },
        "answer.why.too-large": {
            "fr": "trop volumineux pour être téléchargé, demandez-le à l'expert sous une autre forme",
            "en": "too large to download, ask the expert for it in another form",
        },
        "answer.why.unreadable": {"fr": "contenu illisible ou incomplet", "en": "unreadable or incomplete content"},
        # The files past an answer's limits: one whole sentence, agreeing with their number.
        "answer.more": {
            "fr": "{n} pièces jointes de plus n'ont pas été récupérées : la réponse en contenait plus que Teleavis "
            "ne peut en garder (20 fichiers dont 10 comptes rendus PDF, 200 Mo en tout). Lisez-les sur la plateforme.",
            "en": "{n} more attachments were not retrieved: the answer held more than Teleavis can keep (20 files, "
            "10 PDF reports among them, 200 MB in all). Read them on the platform.",
        },
        "answer.more.one": {
            "fr": "{n} pièce jointe de plus n'a pas été récupérée : la réponse en contenait plus que Teleavis ne "
            "peut en garder (20 fichiers dont 10 comptes rendus PDF, 200 Mo en tout). Lisez-la sur la plateforme.",
            "en": "{n} more attachment was not retrieved: the answer held more than Teleavis can keep (20 files, "
            "10 PDF reports among them, 200 MB in all). Read it on the platform.",
        },
        "answer.why.beyond-limits": {
            "fr": "la réponse en contenait plus que Teleavis ne peut en garder (20 fichiers dont 10 comptes rendus "
            "PDF, 200 Mo en tout) : lisez-les sur la plateforme",
            "en": "the answer held more than Teleavis can keep (20 files, 10 PDF reports among them, 200 MB in all): "
            "read them on the platform",
        },
        "answer.state.withdrawn": {"fr": "réponse retirée par l'expert", "en": "answer withdrawn by the expert"},
        "answer.state.provisional": {"fr": "réponse provisoire", "en": "provisional answer"},
        "answer.state.amended": {"fr": "réponse modifiée par l'expert", "en": "answer amended by the expert"},
        "answer.follow_up_now": {
            "fr": "revoir le patient sans attendre",
            "en": "see the patient again without delay",
        },
        "answer.follow_up_hours": {
            "fr": "revoir le patient sous {n} heures",
            "en": "see the patient again within {n} hours",
        },
        "answer.follow_up_hours.one": {
            "fr": "revoir le patient sous 1 heure",
            "en": "see the patient again within 1 hour",
        },
        "answer.follow_up_days": {
            "fr": "revoir le patient sous {n} jours",
            "en": "see the patient again within {n} days",
        },
        "answer.follow_up_by": {"fr": "{advice}, avant le {when}", "en": "{advice}, by {when}"},
        "answer.why.modified": {
            "fr": "il porte une mention qui en change le sens et que Teleavis ne sait pas lire : lisez-le sur "
            "la plateforme",
            "en": "it carries a statement that changes its meaning and that Teleavis cannot read: read it on "
            "the platform",
        },
        "answer.why.other-patient": {
            "fr": "il concerne un autre patient que cette demande : il n'est pas montré, signalez-le à la plateforme",
            "en": "it concerns another patient than this request: it is not shown, report it to the platform",
        },
        "answer.missing_hint": {
            "fr": "Demandez ce document à l'expert ou au support de la plateforme.",
            "en": "Ask the expert or the platform's support for it.",
        },
        "answer.withdrawn": {
            "fr": "Compte rendu retiré par l'expert : n'en tenez pas compte.",
            "en": "Report withdrawn by the expert: do not act on it.",
        },
        "answer.status_unknown": {
            "fr": "Statut du compte rendu inconnu de Teleavis : vérifiez sur la plateforme que l'expert l'a "
            "validé avant d'agir.",
            "en": "Report status not known to Teleavis: check on the platform that the expert has signed it off "
            "before acting.",
        },
        "answer.provisional": {
            "fr": "Compte rendu provisoire : l'expert ne l'a pas encore validé.",
            "en": "Provisional report: the expert has not signed it off yet.",
        },
        "answer.request_withdrawn": {
            "fr": "La plateforme a annulé la demande après cette réponse : ne vous y fiez pas sans en avoir "
            "parlé à l'expert.",
            "en": "The platform cancelled the request after this answer: do not rely on it before you have "
            "spoken with the expert.",
        },
        "answer.request_refused": {
            "fr": "La plateforme a refusé la demande après cette réponse : ne vous y fiez pas sans en avoir "
            "parlé à l'expert.",
            "en": "The platform refused the request after this answer: do not rely on it before you have "
            "spoken with the expert.",
        },
        "answer.taken_back": {
            "fr": "L'expert a repris le dossier après cette réponse : elle peut encore changer.",
            "en": "The expert took the case back after this answer: it may still change.",
        },
        "answer.platform_withdrawn_reassigned": {
            "fr": "La plateforme a retiré cette réponse (demande réattribuée à un autre expert) : attendez la "
            "nouvelle réponse.",
            "en": "The platform took this answer back (request reassigned to another expert): wait for the new answer.",
        },
        "answer.platform_withdrawn": {
            "fr": "La plateforme a retiré cette réponse : attendez la nouvelle réponse.",
            "en": "The platform took this answer back: wait for the new answer.",
        },
        "answer.platform_deleted": {
            "fr": "Ce compte rendu n'est plus sur la plateforme (retiré) : ne vous y fiez pas sans en avoir parlé "
            "à l'expert.",
            "en": "This report is no longer on the platform (withdrawn): do not rely on it before you have spoken "
            "with the expert.",
        },
        "answer.earlier": {
            "fr": "Version précédente ({when}, {expert}), remplacée : {conclusion}",
            "en": "Earlier version ({when}, {expert}), replaced: {conclusion}",
        },
        "answer.earlier_no_conclusion": {
            "fr": "pas de conclusion écrite, voir son compte rendu",
            "en": "no written conclusion, see its report",
        },
        "answer.amended": {
            "fr": "Réponse modifiée par l'expert après sa première version.",
            "en": "Answer amended by the expert after its first version.",
        },
    }
)


PDF = "application/pdf"
#: How the files an expert sends begin, and within how many bytes (a PDF may have a few bytes before its
#: header, which readers take): the PDF, and the pictures the window and the printed report read.
SIGNATURES: dict[str, tuple[tuple[bytes, ...], int]] = {
    PDF: ((b"%PDF-",), 1024),
    "image/jpeg": ((b"\xff\xd8\xff",), 3),
    "image/png": ((b"\x89PNG\r\n\x1a\n",), 8),
    "image/gif": ((b"GIF87a", b"GIF89a"), 6),
    "image/webp": ((b"WEBP",), 12),  # (after « RIFF » and its size)
    "image/tiff": ((b"II*\x00", b"MM\x00*"), 4),
}
#: The pictures the window (Qt) and the printed report (Pillow) both read; any other is said, not shown.
SHOWN_PICTURES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/tiff", "image/bmp"})
#: The brands of an HEIF file (a phone's photo, HEIC) in its ``ftyp`` box.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}


def sniffed_kind(data: bytes) -> str | None:
    """What ``data`` is by its first bytes (its magic number): a PDF, a picture, or a file of a kind
    Teleavis does not show but knows for a real file, never a proxy's page (a phone's HEIC photo, a
    device's DICOM image); None otherwise."""
    for kind, (signatures, within) in SIGNATURES.items():
        if any(signature in data[:within] for signature in signatures):
            return kind
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "image/heic"
    if data[128:132] == b"DICM":
        return "application/dicom"
    return None


def file_kind(data: bytes, declared: str) -> str:
    """The kind of an attachment, told by its bytes; the type the platform declared only when they say
    nothing known (found in review: a platform labelling a PDF ``image/jpeg``, or a PNG as a JPEG)."""
    return sniffed_kind(data) or declared.split(";")[0].strip().lower()


@dataclass
class AnswerFiles:
    """The answer's attachments by what they hold (``file_kind``), each item with that kind as its
    ``content_type``: the PDFs, the pictures Teleavis shows (:data:`SHOWN_PICTURES`), and the others
    (said by their title and kind, to be read on the platform)."""

    pdfs: list[dict[str, str]] = field(default_factory=list)
    pictures: list[dict[str, str]] = field(default_factory=list)
    others: list[dict[str, str]] = field(default_factory=list)


def answer_files(answer: Answer | None, read: Callable[[str], bytes]) -> AnswerFiles:
    """The answer's attachments (``files``, and PDFs listed in ``pdf_blobs`` only), sorted by their bytes
    as ``read`` gives them, whatever type the platform declared: the reader of each (a PDF viewer, a
    picture) is chosen by what it holds. A file that cannot be read is sorted by its declared type."""
    sorted_files = AnswerFiles()
    if answer is None:
        return sorted_files
    items = {str(f.get("blob")): dict(f) for f in answer.files if f.get("blob")}
    for blob in answer.pdf_blobs:
        items.setdefault(blob, {"blob": blob, "content_type": PDF, "title": ""})
    for blob, item in items.items():
        declared = str(item.get("content_type") or (PDF if blob in answer.pdf_blobs else ""))
        try:
            kind = file_kind(read(blob), declared)
        except TeleavisError:  # (its absence is said where it is shown)
            kind = declared.lower()
        item["content_type"] = kind
        if kind == PDF:
            sorted_files.pdfs.append(item)
        elif kind in SHOWN_PICTURES:
            sorted_files.pictures.append(item)
        else:
            sorted_files.others.append(item)
    return sorted_files


#: The states of a request waiting to be taken (again) by an expert.
_TAKEN_AGAIN = frozenset({CaseState.SENT.value, CaseState.RECEIVED.value, CaseState.ACCEPTED.value})


def missing_item(what: str, reason: str) -> dict[str, str]:
    """One entry of ``Answer.missing``: ``what`` is ``REPORT`` or an attachment's title."""
    return {"what": what, "reason": reason if reason in REASONS else UNREADABLE}


def beyond_limits_item(count: int) -> dict[str, str]:
    """The entry of ``Answer.missing`` of the ``count`` files of an answer past what it may keep."""
    return {"what": MORE_FILES, "reason": BEYOND_LIMITS, "count": str(count)}


def _say(key: str, lang: str, **params: object) -> str:
    return M.CATALOGUE.tr_in(key, lang, **params)


def conclusion_words(conclusion: str, lang: str | None = None) -> str:
    """An answer's conclusion said in ``lang`` (the user's language by default): the label Teleavis put before the
    words of the expert's codes (« Diagnostic codé : », in the language it had when it read the answer) said in
    ``lang``; the expert's words as written. Found in review: a nurse switching to English read « Diagnostic
    codé : » in an English window (and the other way round), the conclusion half in each language."""
    lang = lang or language()
    said = M.CATALOGUE.tr_in("answer.coded", lang)
    for other in ("fr", "en"):
        label = M.CATALOGUE.tr_in("answer.coded", other)
        if other != lang and label != said:
            conclusion = conclusion.replace(f"\n\n{label} ", f"\n\n{said} ")
    return conclusion


def missing_words(answer: Answer | None, lang: str | None = None) -> list[str]:
    """One sentence per missing part of the answer, in ``lang`` (the user's language by default)."""
    if answer is None:
        return []
    lang = lang or language()
    lines: list[str] = []
    for item in answer.missing:
        what = str(item.get("what", ""))
        if what == REPORT:
            name = _say("answer.what.report", lang)
        elif what == FOLLOW_UP:
            name = _say("answer.what.follow_up", lang)
        elif what == MORE_FILES:
            count = int(str(item.get("count", "0"))) if str(item.get("count", "0")).isdigit() else 0
            lines.append(M.CATALOGUE.tr_in_count("answer.more", lang, count, n=count))
            continue
        elif what:
            name = _say("answer.what.file", lang, title=what)
        else:
            name = _say("answer.what.file_untitled", lang)
        reason = str(item.get("reason", UNREADABLE))
        why = _say(f"answer.why.{reason if reason in REASONS else UNREADABLE}", lang)
        sentence = _say("answer.missing", lang, what=name, why=why)
        lines.append(sentence[:1].upper() + sentence[1:])
    return lines


def status_words(answer: Answer | None, lang: str | None = None, *, state: str = "") -> str:
    """What stands against acting on the answer, else "": the request cancelled or refused after it,
    or the case taken back by the expert (``state``, the case's), then the report's own status
    (withdrawn, provisional). Said wherever the answer is read: the window, ``case show``, the PDF."""
    if answer is None:
        return ""
    lang = lang or language()
    words: list[str] = []
    if state == CaseState.CANCELLED.value:
        words.append(_say("answer.request_withdrawn", lang))
    elif state == CaseState.REJECTED.value:
        words.append(_say("answer.request_refused", lang))
    elif state in _TAKEN_AGAIN and answer.platform_withdrawn:
        # Handed back to be taken again (found from outside: reassigned to another expert, its output removed).
        words.append(_say("answer.platform_withdrawn_reassigned", lang))
    elif state in {s.value for s in FOLLOWED_STATES} and answer.platform_withdrawn:
        words.append(_say("answer.platform_withdrawn", lang))
    elif state in {s.value for s in FOLLOWED_STATES}:
        words.append(_say("answer.taken_back", lang))
    elif answer.platform_withdrawn:  # answered, its report deleted on the platform since it was read (sync/follow.py)
        words.append(_say("answer.platform_deleted", lang))
    if answer.report_status in WITHDRAWN:
        words.append(_say("answer.withdrawn", lang))
    elif answer.report_status in PROVISIONAL:
        words.append(_say("answer.provisional", lang))
    elif answer.report_version and answer.report_status not in SIGNED_REPORT:
        # Found by a pass of one odd resource: a report of a status Teleavis does not know (FHIR's own
        # « unknown », a vendor's code, none) was shown exactly as a signed one. Its status is not quoted:
        # a platform's free words there may name the patient.
        words.append(_say("answer.status_unknown", lang))
    return " ".join(words)


def state_words(state: str, answer: Answer | None, lang: str | None = None) -> str:
    """The case's state in words, an answered case's as its answer stands (the worklist's words):
    « réponse retirée par l'expert », « réponse provisoire », « réponse modifiée par l'expert », else
    the state's name. Not « réponse reçue » for an answer not to act on as it is."""
    lang = lang or language()
    if state == CaseState.ANSWERED.value and answer is not None:
        if answer.report_status in WITHDRAWN:
            return _say("answer.state.withdrawn", lang)
        if answer.report_status in PROVISIONAL:
            return _say("answer.state.provisional", lang)
        if answer.amended:
            return _say("answer.state.amended", lang)
    return M.STATE_NAMES.tr_in(state, lang)


def amended_words(lang: str | None = None) -> str:
    return _say("answer.amended", lang or language())


def earlier_words(answer: Answer | None, lang: str | None = None) -> list[str]:
    """One sentence per version the answer replaced, newest first: what the requester may have read."""
    if answer is None:
        return []
    lang = lang or language()
    return [
        _say(
            "answer.earlier",
            lang,
            when=moment_words(str(version.get("issued") or ""), lang) or "—",
            expert=str(version.get("expert") or "—"),
            conclusion=conclusion_words(str(version.get("conclusion") or ""), lang)
            or _say("answer.earlier_no_conclusion", lang),
        )
        for version in answer.earlier
    ]


def hint_words(lang: str | None = None) -> str:
    return _say("answer.missing_hint", lang or language())


def follow_up_words(answer: Answer | None, lang: str | None = None) -> str:
    """The expert's follow-up advice, one wording wherever it is read (the window, ``case show``, the
    PDF): within how long, and by when, counted from the answer's date. Under two days in hours (12
    hours is not « 0 jour »), and its moment to the minute; else in days, and its date. "" without it.
    Zero days is the most urgent advice (seen at once), never none."""
    if answer is None or answer.follow_up_days is None or not 0 <= answer.follow_up_days <= FOLLOW_UP_MOST_DAYS:
        return ""
    if answer.report_status in WITHDRAWN:
        return ""  # withdrawn: its advice is not to follow either
    lang = lang or language()
    days = answer.follow_up_days
    if days == 0:
        return _say("answer.follow_up_now", lang)
    if days < 2:
        hours = max(1, round(days * 24))
        advice = M.CATALOGUE.tr_in_count("answer.follow_up_hours", lang, hours, n=hours)
    else:
        advice = _say("answer.follow_up_days", lang, n=round(days))
    try:
        issued = datetime.fromisoformat(answer.issued)
    except ValueError:
        return advice
    deadline = issued + timedelta(days=days)
    if issued.tzinfo is None:  # a date alone: counted from that day
        by = date_words(deadline.date().isoformat(), lang)
    elif days < 2:
        by = moment_words(deadline.isoformat(), lang)
    else:
        by = date_words(deadline.astimezone().date().isoformat(), lang)
    return _say("answer.follow_up_by", lang, advice=advice, when=by)
