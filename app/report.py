"""The case report: the request and the expert's answer as one PDF, to file in the patient's record.

Site and requester, patient, consent, question, clinical summary, specialty form answers,
treatments, every image full size with its labels and quality findings, the sending history, and
the answer with the expert's PDF pages appended. Text is real text (searchable, copyable), in the
user's language; every page carries the patient's name, the case id and its number.
A missing or damaged image is said in the report instead of stopping it.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app import audit, i18n
from app import messages as M
from app.answers import (
    AnswerFiles,
    amended_words,
    answer_files,
    conclusion_words,
    earlier_words,
    follow_up_words,
    hint_words,
    missing_words,
    state_words,
    status_words,
)
from app.business_status import BusinessStatus, every_language, reason_repeats, repeats_state
from app.case_record import note_words
from app.db import transaction
from app.errors import StorageError
from app.french import french_spaced
from app.fsutil import atomic_write_raw, os_reason, write_advice
from app.i18n import date_words, moment_words
from app.identifiers import ins_grouped
from app.model import Answer, Case, CaseImage, Patient, Requester
from app.outbox import Outbox
from app.report_pdf import (
    Fonts,
    Furniture,
    LongText,
    append_pdfs,
    dicom_as_jpeg,
    fonts,
    image_reader,
    jpeg_passthrough,
    numbered_canvas,
    pdf_page_count,
    right_to_left,
)
from app.report_text import (
    T,
    birth_place_words,
    camera_clock_words,
    conversation_words,
    eye_check_words,
    form_words,
    format_name,
    history_words,
    identity_check_words,
    kind_words,
    names_only_words,
    other_patient_words,
    quality_said,
    sex_words,
    view_words,
    zone_words,
)
from app.settings import is_training
from app.site import requester_when_sent
from app.store import Store
from app.validation import eye_side_words, field_doubt_words

log = logging.getLogger(__name__)

M.add(
    {
        "report.cannot_write": {
            "fr": "Impossible d'écrire le rapport dans « {path} » : {reason}.",
            "en": "Cannot write the report to “{path}”: {reason}.",
        },
        "report.written": {
            "fr": "Rapport du dossier {id} enregistré : {path} ({pages} pages).",
            "en": "Report of case {id} saved: {path} ({pages} pages).",
        },
        "report.written.one": {
            "fr": "Rapport du dossier {id} enregistré : {path} ({pages} page).",
            "en": "Report of case {id} saved: {path} ({pages} page).",
        },
    }
)

_MARGIN = 15 * mm
_TOP, _BOTTOM = 18 * mm, 17 * mm
_CAPTION_ROOM = 40 * mm  # under each image: its label, note and quality findings


@dataclass
class Report:
    """A built report: the PDF and what a caller may want to tell the user."""

    pdf: bytes
    pages: int
    images: int
    missing_images: list[int] = field(default_factory=list)  # 1-based positions shown as missing
    answer_pages_appended: int = 0
    answer_pdfs_referenced: int = 0
    answer_pdfs_missing: int = 0  # the expert's PDFs gone from the disk or damaged there
    answer_images: int = 0  # the expert's pictures printed after the case's images
    answer_missing: int = 0  # parts of the answer the platform sent that could not be read


def build_report(store: Store, case_id: str, *, lang: str | None = None) -> Report:
    """The report of ``case_id`` as PDF bytes, in ``lang`` (the user's language by default)."""
    lang = lang if lang in i18n.SUPPORTED else i18n.language()
    case = store.get_case(case_id)
    answer = store.answer(case.id)
    f = fonts()
    styles = _styles(f)
    t = T(lang, f)

    files = answer_files(answer, store.objects.get)  # each read as what its bytes are, whatever its label
    appended, referenced, missing = _answer_pdfs(store, files)
    extra_pages = sum(pages for _, pages in appended)
    report = Report(
        pdf=b"",
        pages=0,
        images=len(case.images),
        answer_pages_appended=extra_pages,
        answer_pdfs_referenced=referenced,
        answer_pdfs_missing=missing,
    )

    story: list[Flowable] = []
    request = _request_part(store, case, answer, requester_when_sent(store, case.id), t, styles)
    answered = _answer_part(answer, case.state.value, extra_pages, (referenced, missing), files, t, styles)
    # An urgent request says so under the title (it stood in the middle of page 1, after the answer).
    top = request[:1]
    if case.priority == "urgent":
        top.append(_p(t.fit(t("urgent")), styles["urgent"]))
    # An answer is what the printed case is read for: first, under the title, then the request.
    if answer is not None:
        story += [*top, *answered, *_heading(t.fit(t("the_request")), styles), *request[1:]]
    else:
        story += [*top, *request[1:], *answered]
    story += _conversation_part(store, case, t, styles)
    story += _history_part(store, case.id, t, styles)
    story += _images_part(store, case, t, styles, report)
    story += _expert_images_part(store, files, t, styles, report)
    report.answer_missing = len(answer.missing) if answer else 0

    # The case's own mark, as the worklist and `case show` say it (found from outside: the current mode was
    # read, so a training case exported once a real platform was set bore no mark, and a real report exported
    # in training bore one; then where it was queued, so a case made in training, queued for the real
    # platform and held back, bore none while the worklist marked it « [Formation] »).
    if store.destination(case.id) is None:  # made and queued before where a case goes was recorded
        training = is_training(store.settings.get)
    else:
        training = store.training_case(case.id)
    banner = [t("banner_training")] if training else []
    if status_words(answer, lang, state=case.state.value):
        banner.append(t("banner_attention"))
    names, traits, used = _identity_parts(case, t)
    furniture = Furniture(
        title=t("title"),
        patient=_identity_line(case, t),
        patient_names=names,
        patient_traits=traits,
        used_name_end=used,
        case_line=t("case_line", id=case.id),
        page_word=t("page"),
        banner=" — ".join(banner),
        zone_line=t("zone_line", zone=zone_words()),
    )
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_TOP,
        bottomMargin=_BOTTOM,
        title=t("title"),
        author="Teleavis",
        subject=t("case_line", id=case.id),
        creator="Teleavis",
    )
    with jpeg_passthrough():
        doc.build(story, canvasmaker=numbered_canvas(furniture, f, extra_pages))
    own_pages = doc.page
    pdf = out.getvalue()
    if appended:
        pdf = append_pdfs(pdf, [data for data, _ in appended], furniture, f, own_pages + 1, own_pages + extra_pages)
    report.pdf, report.pages = pdf, own_pages + extra_pages
    return report


def export_report(
    store: Store, case_id: str, target: Path, *, lang: str | None = None, actor: str | None = None
) -> Report:
    """Build the report, write it to ``target`` (whole or not at all) and record the export."""
    report = build_report(store, case_id, lang=lang)
    _write_file(target, report.pdf)
    with transaction(store.conn) as conn:
        audit.append(conn, store.key, "exported", case_id, detail=f"pdf report, {report.pages} pages", actor=actor)
    log.info("case %s: report exported (%d pages)", case_id, report.pages)
    return report


def _write_file(target: Path, data: bytes) -> None:
    try:
        atomic_write_raw(target, data)
    except OSError as exc:
        said = M.tr("report.cannot_write", path=str(target), reason=os_reason(exc))
        raise StorageError(f"{said} {write_advice(exc)}") from exc


# -- styles --------------------------------------------------------------------------------------


def _styles(f: Fonts) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=f.regular, fontSize=10, leading=13.5)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11),
        "title": ParagraphStyle("title", parent=body, fontName=f.bold, fontSize=16, leading=20, spaceAfter=4),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=f.bold,
            fontSize=12,
            leading=15,
            spaceBefore=9,
            spaceAfter=3,
            textColor=colors.HexColor("#1f3d6b"),
        ),
        "label": ParagraphStyle("label", parent=body, fontName=f.bold, fontSize=9, leading=12),
        "urgent": ParagraphStyle("urgent", parent=body, fontName=f.bold, textColor=colors.HexColor("#b00020")),
        "box": ParagraphStyle(
            "box",
            parent=body,
            fontSize=11,
            leading=15,
            backColor=colors.HexColor("#eef3fa"),
            borderPadding=5,
            spaceBefore=4,
            spaceAfter=6,
        ),
    }


#: Longer texts are broken into lines once (:class:`LongText`): one paragraph split page after page costs
#: the square of its length.
_LONG_TEXT = 2000


def _p(text: str, style: ParagraphStyle) -> Flowable:
    """A paragraph of user text: escaped, line breaks kept."""
    if len(text) > _LONG_TEXT or right_to_left(text):  # (a right-to-left word is turned round line by line)
        return LongText(text, style)
    return Paragraph(fonts().markup(text).replace("\n", "<br/>"), style)


#: The room a section's heading needs under it at the foot of a page: its own line and two of what it heads.
#: Less, and it starts the next page (found on paper: « Traitements en cours » alone at the foot of page 1,
#: what it said on page 2). Not reportlab's keepWithNext: that carries the whole next block along (a
#: form's grid went whole to page 2, a third of page 1 left blank).
_HEADING_ROOM = 20 * mm


def _heading(text: str, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """A section's heading, never left alone at the foot of a page."""
    return [CondPageBreak(_HEADING_ROOM), _p(text, styles["h2"])]


def _grid(
    rows: list[tuple[str, str]],
    t: T,
    styles: dict[str, ParagraphStyle],
    widths: tuple[float, float] = (55 * mm, 125 * mm),
) -> Table:
    data = [[_p(t.fit(k), styles["label"]), _p(t.fit(v), styles["body"])] for k, v in rows]
    # A row longer than a page (a pasted report in a reply, a long conclusion replaced) is split across
    # pages: whole, reportlab could not place it and the PDF was never made. Only then: a row split at
    # the foot of a page for nothing lost its padding and rule (an English reader's finding).
    page = A4[1] - _TOP - _BOTTOM
    cells = [(cell, width) for row in data for cell, width in zip(row, widths, strict=True)]
    padding = 12  # the cells' left and right padding (reportlab's 6 points each)
    longest = max((cell.wrap(width - padding, page)[1] for cell, width in cells), default=0)
    table = Table(data, colWidths=list(widths), hAlign="LEFT", splitInRow=1 if longest > page / 2 else 0)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d0d0d0")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


# -- parts ---------------------------------------------------------------------------------------


def _request_part(
    store: Store,
    case: Case,
    answer: Answer | None,
    requester: Requester | None,
    t: T,
    styles: dict[str, ParagraphStyle],
) -> list[Flowable]:
    lang = t.lang
    story: list[Flowable] = [_p(t.fit(t("title")), styles["title"])]
    state = state_words(case.state.value, answer, lang)
    head = [
        (t("case"), case.id),
        (t("specialty"), t.specialty(case.specialty)),
        (t("state"), state),
        (t("created"), moment_words(case.created_at, lang)),
    ]
    info = store.platform_info(case.id)
    if info.get("task_id"):
        head.append((t("platform_ref"), str(info["task_id"])))
    said = None
    if info.get("business_status"):
        said = BusinessStatus(str(info["business_status"]), info.get("business_code")).words(lang)
        # Not when it says the state again in other words (« Réponse rendue » under « réponse reçue »).
        if not repeats_state(info.get("business_code"), case.state.value):
            head.append((t("platform_words"), said))
    # Not when it only says again what the status or the state says (« L'expert demande un complément »,
    # then « Motif… : Complément demandé par l'expert »), in any language: the training platform's French
    # reason printed under the English status was French on an English page, saying the same thing.
    if info.get("status_reason") and not reason_repeats(
        str(info["status_reason"]), said, state, *every_language(info.get("business_code"))
    ):
        head.append((t("platform_reason"), str(info["status_reason"])))
    story.append(_grid(head, t, styles))

    story += _heading(t.fit(t("site")), styles)
    if requester is None:
        story.append(_p(t.fit(t("no_site")), styles["body"]))
    else:
        name = " ".join([*requester.given, requester.family.upper()])
        story.append(
            _grid(
                [
                    (t("requester"), f"{name}{', ' + requester.role if requester.role else ''}"),
                    # The numbers the request went with: RPPS, or ADELI for a professional not in the RPPS;
                    # FINESS, or SIRET / SIREN for a structure without one.
                    ("RPPS", requester.rpps) if requester.rpps or not requester.adeli else ("ADELI", requester.adeli),
                    (t("organization"), requester.organization),
                    next(
                        ((k, v) for k, v in (("SIRET", requester.siret), ("SIREN", requester.siren)) if v),
                        ("FINESS", requester.finess),
                    )
                    if not requester.finess
                    else ("FINESS", requester.finess),
                ],
                t,
                styles,
            )
        )

    p = case.patient
    story += _heading(t.fit(t("patient")), styles)
    # The birth name (a strict trait) said as such when a used name is beside it, each on its own line.
    used = p.used_name_shown()
    rows = [
        (t("birth_name" if used else "name"), p.full_name()),
        *([(t("used_name"), used)] if used else []),
        (t("birth_date"), date_words(p.birth_date, lang)),
        (t("sex"), sex_words(p.sex, lang)),
    ]
    # The strict identity traits and the identity's status, as identity vigilance asks a document to
    # show them. The INS only for a qualified identity: an INS may identify a document only then (it is
    # sent to the platform on the same rule).
    # Born abroad: the country in words, its code beside it (« COTE D'IVOIRE (99326) »); a commune by its
    # code, said as such (« 75056 (code INSEE de la commune) »). The INS in its groups (« 1 50 02 85 … »).
    place = birth_place_words(p.birth_place, lang)
    if place:
        rows.append(place)
    rows.append((t("identity_status"), t(f"status_{p.identity_status}")))
    checked = identity_check_words(p, lang)
    if checked:
        rows.append((t("identity_checked"), checked[:1].upper() + checked[1:]))
    if p.ins_sent():
        rows.append(("INS", ins_grouped(p.ins or "")))
    if p.local_id:
        rows.append((t("local_id"), p.local_id))
    consent = t("yes") if case.consent.given else t("no")
    if case.consent.given:
        given = [x for x in (date_words(case.consent.date, lang), case.consent.recorded_by.strip()) if x]
        consent += (" — " + ", ".join(given)) if given else ""
    rows.append((t("consent"), consent))
    story.append(_grid(rows, t, styles))

    story += _heading(t.fit(t("question")), styles)
    story.append(_p(t.fit(case.question or "—"), styles["box"]))
    story += _heading(t.fit(t("summary")), styles)
    story.append(_p(t.fit(case.summary or "—"), styles["body"]))
    if case.single_eye_reason.strip():
        story += _heading(t.fit(t("single_eye")), styles)
        story.append(_p(t.fit(case.single_eye_reason.strip()), styles["body"]))

    answers = form_words(case, lang)
    if answers:
        story += _heading(t.fit(t("form")), styles)
        story.append(_grid(answers, t, styles, (95 * mm, 85 * mm)))
    story += _heading(t.fit(t("treatments")), styles)
    if case.treatments:
        treatments = [(x.name, x.dosage or "—") for x in case.treatments]
        story.append(_grid(treatments, t, styles, (80 * mm, 100 * mm)))
    else:
        story.append(_p(t.fit(t("none")), styles["body"]))
    return story


def _answer_pdfs(store: Store, files: AnswerFiles) -> tuple[list[tuple[bytes, int]], int, int]:
    """(PDF bytes, pages) that can be appended, how many can only be referenced (kept here, not a PDF that
    can be read), and how many are missing from the disk or damaged there (said so: found from outside, one
    gone from the disk was said kept in Teleavis, where the nurse looked for it)."""
    appended: list[tuple[bytes, int]] = []
    referenced = missing = 0
    for item in files.pdfs:
        try:
            data = store.objects.get(item["blob"])
        except StorageError:
            missing += 1
            continue
        pages = pdf_page_count(data)
        if pages:
            appended.append((data, pages))
        else:
            referenced += 1
    return appended, referenced, missing


def _answer_part(
    answer: Answer | None,
    state: str,
    appended_pages: int,
    not_appended: tuple[int, int],
    files: AnswerFiles,
    t: T,
    styles: dict[str, ParagraphStyle],
) -> list[Flowable]:
    head = _p(t.fit(t("answer")), styles["h2"])
    if answer is None:
        return [KeepTogether([head, _p(t.fit(t("no_answer")), styles["body"])])]
    # What stands against acting on it (withdrawn, provisional, the request cancelled after it, the
    # case taken back) is said before its conclusion, in the colour of an urgency.
    warning = status_words(answer, t.lang, state=state)
    said = [_p(t.fit(warning), styles["urgent"])] if warning else []
    story: list[Flowable] = [
        KeepTogether([head, *said, _p(t.fit(conclusion_words(answer.conclusion, t.lang) or "—"), styles["box"])])
    ]
    rows = [(t("expert"), answer.expert or "—"), (t("issued"), moment_words(answer.issued, t.lang) or "—")]
    advice = follow_up_words(answer, t.lang)
    if advice:
        rows.append((t("follow_up"), advice))
    if appended_pages:
        rows.append((t("expert_pdf"), t.count("expert_pdf_appended", appended_pages, pages=appended_pages)))
    referenced, gone = not_appended
    if referenced:
        rows.append((t("expert_pdf"), t.count("expert_pdf_referenced", referenced, count=referenced)))
    if gone:
        rows.append((t("expert_pdf"), t.count("expert_pdf_missing", gone, count=gone)))
    if files.pictures:
        pictures = len(files.pictures)
        rows.append((t("expert_images"), t.count("expert_images_after", pictures, count=pictures)))
    if files.others:  # (a phone's HEIC photo, a DICOM: the window says them too)
        rows.append((t("expert_others"), "\n".join(_other_words(item, t) for item in files.others)))
    if answer.amended:
        rows.append((t("amended"), amended_words(t.lang)))
    earlier = earlier_words(answer, t.lang)
    if earlier:
        rows.append((t("earlier"), "\n".join(earlier)))
    missing = missing_words(answer, t.lang)
    if missing:
        rows.append((t("answer_missing"), "\n".join([*missing, hint_words(t.lang)])))
    story.append(_grid(rows, t, styles))
    return story


def _other_words(item: dict[str, str], t: T) -> str:
    """An attachment the report does not print: its title and kind, and where to read it."""
    title, kind = str(item.get("title") or "").strip(), kind_words(str(item.get("content_type") or ""), t.lang)
    return t("expert_other", title=title, kind=kind) if title else t("expert_other_untitled", kind=kind)


def _expert_images_part(
    store: Store, files: AnswerFiles, t: T, styles: dict[str, ParagraphStyle], report: Report
) -> list[Flowable]:
    """The pictures the expert joined to the answer, one per page after the case's images."""
    story: list[Flowable] = []
    pictures = files.pictures
    for number, item in enumerate(pictures, start=1):
        title = t("expert_image_title", n=number, total=len(pictures), label=item.get("title") or "—")
        head = _p(t.fit(title), styles["h2"])
        try:
            reader = image_reader(store.objects.get(item["blob"]))
            width, height = reader.getSize()
        except Exception:  # noqa: BLE001 - a picture reportlab cannot read: say so, keep the rest
            log.warning("an image of the expert's answer could not be read for the report")
            story += [PageBreak(), KeepTogether([head, _p(t.fit(t("image_undisplayable")), styles["urgent"])])]
            continue
        story += [PageBreak(), head, _ImageBox(reader, width, height)]
        report.answer_images += 1
    return story


def _identity_line(case: Case, t: T) -> str:
    """Whom every page is about, as identity vigilance wants it read: the names, the birth date, the sex,
    and the INS when the identity is qualified (the only one sent)."""
    return ", ".join(part for part in _identity_words(case, t) if part)


def _identity_parts(case: Case, t: T) -> tuple[str, str, int]:
    """:func:`_identity_line` in two: the names (the used name with them), and the traits after them; and how
    many characters end the names with the used name (« (nom utilisé : LEROY) »), 0 when none."""
    names, *traits = _identity_words(case, t)
    named = case.patient.full_name()
    used = len(names) - len(named) - 1 if case.patient.used_name_shown() and names.startswith(named) else 0
    return names, ", ".join(part for part in traits if part), max(used, 0)


def _identity_words(case: Case, t: T) -> list[str]:
    p = case.patient
    parts = [p.shown_name(t.lang)]
    if p.birth_date:
        born = {"male": "born_m", "female": "born_f"}.get(p.sex, "born")
        parts.append(t(born, date=date_words(p.birth_date, t.lang)))
    if p.sex in ("male", "female"):
        parts.append(sex_words(p.sex, t.lang))
    if p.ins_sent() and p.ins:
        parts.append(f"INS {ins_grouped(p.ins)}")
    return parts


def _conversation_part(store: Store, case: Case, t: T, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The expert's questions and the requester's replies (and the images joined to them, by their pages'
    numbers), oldest first: what the answer may rest on."""
    messages = Outbox(store).messages(case.id)
    if not messages:
        return []
    title, said = conversation_words(messages, t.lang, case.images)
    rows = [(f"{who}\n{when}" if when else who, text or "—") for when, who, text in said]
    return _dated_section(title, rows, t, styles)


def _history_part(store: Store, case_id: str, t: T, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    events = store.history(case_id)
    if not events:
        return []
    rows = [(moment_words(event["at"], t.lang), history_words(event, t.lang)) for event in events]
    return _dated_section(t("history"), rows, t, styles)


def _dated_section(title: str, rows: list[tuple[str, str]], t: T, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """A titled table of moments (or who and when) and what happened then."""
    return [CondPageBreak(40 * mm), _p(t.fit(title), styles["h2"]), _grid(rows, t, styles, (40 * mm, 140 * mm))]


def _images_part(store: Store, case: Case, t: T, styles: dict[str, ParagraphStyle], report: Report) -> list[Flowable]:
    story: list[Flowable] = []
    total = len(case.images)
    for number, image in enumerate(case.images, start=1):
        story.append(PageBreak())
        label = view_words(image, t.lang)
        check = eye_check_words(image, t.lang)  # a doubt on the eye, in the title the reader files it by
        title = t("image_title", n=number, total=total, label=f"{label} — {check}" if check else label)
        head = _p(t.fit(title), styles["h2"])
        picture, problem = _picture(store, image, t)
        caption = _image_caption(image, case.patient, t, styles)
        if picture is None:
            report.missing_images.append(number)
            story.append(KeepTogether([head, _p(t.fit(problem), styles["urgent"])]))
            story += caption
        else:
            # The picture leaves room for all that is said under it: found from outside, a portrait photo
            # with a few findings pushed its « Contrôle qualité » alone onto the next page, where nothing
            # said which image they were about.
            below = [*([_p(t.fit(problem), styles["small"])] if problem else []), *caption]
            picture.below = below
            story += [head, picture, *below]
    return story


def _picture(store: Store, image: CaseImage, t: T) -> tuple[_ImageBox | None, str]:
    """The image flowable (or ``None``) and a sentence when something is not as it should be."""
    try:
        data = store.image_bytes(image)
    except StorageError:
        log.warning("an image blob is missing or damaged")
        return None, t("image_missing")
    note = ""
    if image.content_type == "application/dicom":
        converted = dicom_as_jpeg(data)
        if converted is None and image.thumb_blob:
            try:
                converted, note = store.objects.get(image.thumb_blob), t("image_thumbnail")
            except StorageError:
                converted = None
        if converted is None:
            return None, t("image_undisplayable")
        data = converted
    try:
        reader = image_reader(data)
        width, height = reader.getSize()
    except Exception:  # noqa: BLE001 - a stored image reportlab cannot read: say so, keep the rest
        log.warning("an image could not be read for the report")
        return None, t("image_undisplayable")
    return _ImageBox(reader, width, height), note


class _ImageBox(Flowable):  # type: ignore[misc]
    """An image as large as the page allows (full resolution inside: the reader can zoom), leaving room
    on its page for what is said ``below`` it (its caption), however long, down to 60 mm of picture."""

    def __init__(self, reader: Any, width: int, height: int) -> None:
        super().__init__()
        self._reader, self._w, self._h = reader, max(1, width), max(1, height)
        self._avail, self._draw = 0.0, (0.0, 0.0)
        self.below: list[Flowable] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        said = sum(f.wrap(avail_width, avail_height)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in self.below)
        room = max(_CAPTION_ROOM, said + 6 * mm)
        scale = min(avail_width / self._w, max(60 * mm, avail_height - room) / self._h)
        # A picture a few pixels thin (a 6000×1 strip) is drawn a millimetre thick, not as an invisible hairline.
        self._avail, self._draw = avail_width, (max(self._w * scale, 1 * mm), max(self._h * scale, 1 * mm))
        return avail_width, self._draw[1] + 2 * mm

    def draw(self) -> None:
        width, height = self._draw
        self.canv.drawImage(self._reader, (self._avail - width) / 2, 2 * mm, width, height, mask=None)


def image_findings(image: CaseImage, patient: Patient, t: T) -> list[str]:
    """What the report says under an image of its checks and of whose it is, one finding a line, each « level:
    words ». In French spaced as the report's own words (app.french): the core's sentences (« Nom seul sur
    l'appareil, sans date de naissance ni INS : identité non confirmée ») keep their plain spaces for ``case
    show``, and printed so a wrapped line could start with « : » (found in review). They name nobody."""
    said = [(f.level, f.text(t.lang)) for f in quality_said(image)]
    # Found from outside: an identity typed after the DICOM was imported printed nothing of its device's
    # other patient; the device's identity is compared with the case's as it is.
    # Nor that its device wrote her names alone (no birth date nor INS): a mother's image, maybe.
    # Found from outside: a retinography with both eyes swapped printed « aucune remarque » under each.
    # And a field that looks like the other one (found by a tester: the window warned « La papille est loin
    # du centre », the report said « aucune remarque » under the same image).
    for words in (
        other_patient_words(image, patient, t.lang),
        names_only_words(image, patient, t.lang),
        eye_side_words(image, t.lang),
        field_doubt_words(image, t.lang),
    ):
        if words:
            said.append(("warning", words))
    if t.lang == "fr":
        return [french_spaced(f"{t.level(level)} : {words}") for level, words in said]
    return [f"{t.level(level)}: {words}" for level, words in said]


def _image_caption(image: CaseImage, patient: Patient, t: T, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = []
    if image.note:
        rows.append((t("note"), note_words(image.note, t.lang)))
    size = f"{image.width} × {image.height} px" if image.width and image.height else "—"
    kind = format_name(image.content_type) or kind_words(image.content_type, t.lang)
    rows.append((t("image_info"), ", ".join(x for x in (size, kind, image.device) if x)))
    if image.time_unknown:
        rows.append((t("captured"), t("captured_unknown", when=moment_words(image.captured_at, t.lang))))
    elif image.captured_at:
        clock = camera_clock_words(image, t.lang)  # (the window's warning says the device's clock)
        taken = moment_words(image.captured_at, t.lang)
        rows.append((t("captured"), f"{taken} ({clock})" if clock else taken))
    findings = image_findings(image, patient, t)
    rows.append((t("quality"), "\n".join(findings) if findings else t("quality_ok")))
    return [Spacer(1, 2 * mm), _grid(rows, t, styles, (40 * mm, 140 * mm))]


__all__ = ["Report", "build_report", "export_report"]
