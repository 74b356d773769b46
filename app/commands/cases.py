"""``case import / list / show / send``: the worklist from the command line."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app import i18n
from app import messages as M
from app.acts import act_of, judge
from app.answers import earlier_words, follow_up_words, missing_words, state_words, status_words
from app.business_status import every_language, reason_repeats
from app.casefile import ImageRef, images_folder, parse_case, read_case_file
from app.commands.common import emit_json, local_minute, open_store, printable, say
from app.errors import CaseFileError, DataAltered, ImageRejected, NotFound, StorageError, TeleavisError
from app.findings import Finding
from app.i18n import date_words, moment_words
from app.identifiers import birth_country_name, ins_grouped
from app.model import (
    CHECKS_VERSION,
    EDITABLE_STATES,
    IDENTITY_STATUSES,
    WAITING_FOR_EXPERT,
    Answer,
    Case,
    CaseState,
    Patient,
    iso,
    utc_now,
)
from app.outbox import Outbox, held_by_platform
from app.report_text import (
    conversation_words,
    eye_check_words,
    form_words,
    history_words,
    identity_check_words,
    level_words,
    names_only_words,
    other_patient_words,
    quality_said,
    view_words,
)
from app.site import site_patient_system
from app.store import PLATFORM, NewImage, Store
from app.validation import (
    EARLIER_PHOTO,
    EYE_SIDE,
    NAMES_ONLY,
    NOT_CHECKED_AGAIN,
    OTHER_PATIENT,
    blocking,
    eye_side_words,
    field_doubt_words,
)

M.add(
    {
        "case.help": {
            "fr": "les dossiers : import, liste, détail, envoi, annulation, rapport PDF",
            "en": "cases: import, list, show, send, cancel, PDF report",
        },
        "case.file_help": {"fr": "le fichier de dossier (JSON)", "en": "the case file (JSON)"},
        "case.import_help": {
            "fr": "crée un brouillon à partir d'un fichier de dossier (JSON) et de ses images",
            "en": "creates a draft case from a case file (JSON) and its images",
        },
        "case.list_help": {
            "fr": "la liste des dossiers (initiales du patient seulement)",
            "en": "the worklist (the patient's initials only)",
        },
        "case.show_help": {
            "fr": "un dossier : patient, images et leur contrôle qualité, ce qui manque, la réponse et les "
            "questions de l'expert",
            "en": "one case: patient, images and their quality checks, what is missing, the answer and the "
            "expert's questions",
        },
        "case.send_help": {
            "fr": "vérifie le dossier et le met en file d'envoi (refusé s'il manque quelque chose)",
            "en": "checks the case and queues it for sending (refused while something is missing)",
        },
        "case.json_help": {"fr": "un document JSON sur la sortie standard", "en": "one JSON document on stdout"},
        "case.state_help": {"fr": "seulement les dossiers dans cet état", "en": "only the cases in this state"},
        "case.reduced_help": {
            "fr": "envoyer des copies réduites des photos (côté le plus long 3000 px, JPEG qualité 90) "
            "pour une liaison lente ; les originaux restent sur ce poste. Possible aussi pour "
            "un dossier déjà en file d'envoi",
            "en": "send reduced copies of the photos (longest side 3000 px, JPEG quality 90) for a slow "
            "link; the originals stay on this computer. Also for a case already queued",
        },
        "case.reduced": {
            "fr": "Dossier {id} : les photos pas encore parties seront envoyées en copies réduites "
            "(les originaux restent sur ce poste).",
            "en": "Case {id}: the photos not sent yet will go as reduced copies (the originals stay on this computer).",
        },
        "case.dir_help": {
            "fr": "dossier où chercher les images (par défaut : celui du fichier de cas)",
            "en": "folder where the images are (default: the case file's folder)",
        },
        "case.allow_outside_help": {
            "fr": "accepter des images hors de ce dossier (chemins absolus, ../, liens)",
            "en": "accept images outside that folder (absolute paths, ../, links)",
        },
        "case.imported": {"fr": "Dossier créé (brouillon) : {id}", "en": "Case created (draft): {id}"},
        "case.still_missing": {"fr": "Il manque encore, avant l'envoi :", "en": "Still missing before sending:"},
        "case.advice": {"fr": "À vérifier (n'empêche pas l'envoi) :", "en": "To check (does not stop sending):"},
        "case.file_note": {"fr": "  {where} ({name}) : {note}", "en": "  {where} ({name}): {note}"},
        "case.image_refused": {"fr": "{where} ({name}) : {reason}", "en": "{where} ({name}): {reason}"},
        "case.image_repeated": {
            "fr": "{where} ({name}) est la même image que {first} : chaque image n'est donnée qu'une fois.",
            "en": "{where} ({name}) is the same image as {first}: each image is given once only.",
        },
        "case.image_again": {
            "fr": "Attention : {where} ({name}) est déjà dans le dossier {case} de ce même patient (image {n}) : "
            "ce fichier a peut-être déjà été importé. Vérifiez avant d'envoyer les deux dossiers à l'expert.",
            "en": "Warning: {where} ({name}) is already in case {case} of this same patient (image {n}): this file "
            "may have been imported already. Check before sending both cases to the expert.",
        },
        "case.image_conflict": {
            "fr": "Attention : {where} ({name}) est déjà dans le dossier {case} (image {n}), qui porte le même INS "
            "ou n° de dossier que ce patient mais d'autres traits d'identité (nom de naissance, premier prénom, "
            "date de naissance) : conflit d'identité. Vérifiez l'identité des deux dossiers sur la pièce "
            "d'identité avant d'en envoyer un.",
            "en": "Warning: {where} ({name}) is already in case {case} (image {n}), which bears this patient's INS "
            "or file number under other identity traits (birth name, first given name, date of birth): an "
            "identity conflict. Check both cases' identity against the ID document before sending either.",
        },
        "case.image_elsewhere": {
            "fr": "Attention : {where} ({name}) est déjà dans le dossier {case} d'un autre patient (image {n}). "
            "Vérifiez de quel patient est cette image ; si elle n'est pas de ce patient, retirez-la dans la "
            "fenêtre avant d'envoyer le dossier.",
            "en": "Warning: {where} ({name}) is already in case {case}, another patient's (image {n}). Check whose "
            "image it is; if it is not this patient's, remove it in the window before sending the case.",
        },
        "case.queued": {
            "fr": "Dossier {id} validé et mis en file d'envoi : il partira dès que le réseau le permet "
            "(fenêtre Teleavis ouverte, ou « teleavis sync »).",
            "en": "Case {id} validated and queued: it will go as soon as the network allows (the Teleavis "
            "window open, or “teleavis sync”).",
        },
        "case.already_queued": {"fr": "Dossier {id} déjà en file d'envoi.", "en": "Case {id} is already queued."},
        "case.not_sendable": {
            "fr": "Ce dossier est « {state} » : il n'y a rien à envoyer.",
            "en": "This case is “{state}”: there is nothing to send.",
        },
        "case.refused": {"fr": "Dossier {id} non envoyé, à compléter :", "en": "Case {id} not sent, to complete:"},
        "case.none": {"fr": "Aucun dossier.", "en": "No case."},
        "case.overdue_mark": {"fr": "en retard", "en": "overdue"},
        "case.unread_mark": {"fr": "à lire", "en": "to read"},
        "case.training_mark": {"fr": "formation", "en": "training"},
        "show.due": {"fr": "Réponse de l'expert promise pour le : {when}", "en": "Expert's answer promised by: {when}"},
        "show.overdue": {
            "fr": "Réponse de l'expert en retard : promise pour le {when}",
            "en": "Expert's answer overdue: promised by {when}",
        },
        "show.act": {"fr": "Acte de télé-expertise :", "en": "Tele-expertise act:"},
        "show.act_billable": {"fr": "{code} du {day}, facturable", "en": "{code} of {day}, billable"},
        "show.act_not": {
            "fr": "{code} du {day}, non facturable ({reason})",
            "en": "{code} of {day}, not billable ({reason})",
        },
    }
)


def register(sub: Any) -> None:
    case = sub.add_parser("case", help=M.tr("case.help"))
    csub = case.add_subparsers(dest="action", required=True)
    imp = csub.add_parser("import", help=M.tr("case.import_help"), description=M.tr("case.import_help"))
    imp.add_argument("file", type=Path, help=M.tr("case.file_help"))
    imp.add_argument("--dir", type=Path, default=None, help=M.tr("case.dir_help"))
    imp.add_argument("--allow-outside", action="store_true", help=M.tr("case.allow_outside_help"))
    imp.set_defaults(handler=run_import)
    lst = csub.add_parser("list", help=M.tr("case.list_help"), description=M.tr("case.list_help"))
    lst.add_argument("--state", action="append", choices=[s.value for s in CaseState], help=M.tr("case.state_help"))
    lst.add_argument("--json", action="store_true", help=M.tr("case.json_help"))
    lst.set_defaults(handler=run_list)
    show = csub.add_parser("show", help=M.tr("case.show_help"), description=M.tr("case.show_help"))
    show.add_argument("id", help=M.tr("cli.id_help"))
    show.add_argument("--json", action="store_true", help=M.tr("case.json_help"))
    show.set_defaults(handler=run_show)
    send = csub.add_parser("send", help=M.tr("case.send_help"), description=M.tr("case.send_help"))
    send.add_argument("id", help=M.tr("cli.id_help"))
    send.add_argument("--reduced", action="store_true", help=M.tr("case.reduced_help"))
    send.set_defaults(handler=run_send)


def load_images(parsed_images: list[Any], specialty: str, case: Case, site_system: str = "") -> list[NewImage]:
    """Every image of the case file through the capture pipeline; all are refused together if one is.
    ``site_system``: the site's patient-id system, which a worklist may write with her file number."""
    from app.store import sha1_b64
    from capture.pipeline import prepare_image_file

    ready: list[NewImage] = []
    problems: list[str] = []
    seen: dict[str, str] = {}  # a hash of each file read → where the case file lists it
    for ref in parsed_images:
        try:
            # (``ref.path`` is resolved: a link swapped in since is refused, not followed out of the folder)
            prepared = prepare_image_file(
                ref.path, specialty=specialty, patient=case.patient, follow_links=False, site_system=site_system
            )
        except ImageRejected as exc:
            problems.append(M.tr("case.image_refused", where=ref.where, name=ref.path.name, reason=exc.message))
            continue
        # The same photo listed twice (found from outside: a far view listed again as the close-up
        # met the required views with a copy): refused, as the window refuses it.
        keys = {key for key in (sha1_b64(prepared.data), prepared.source_sha1) if key}
        first = next((seen[key] for key in keys if key in seen), None)
        if first is not None:
            problems.append(M.tr("case.image_repeated", where=ref.where, name=ref.path.name, first=first))
            continue
        seen.update(dict.fromkeys(keys, ref.where))
        record = ref.record
        record.content_type, record.width, record.height = prepared.content_type, prepared.width, prepared.height
        record.quality, record.modality, record.device = prepared.quality, prepared.modality, prepared.device
        record.device_patient = prepared.device_patient
        record.eye = record.eye or prepared.eye
        record.view = record.view or (prepared.view or "")
        record.captured_at = prepared.captured_at or ""
        ready.append(NewImage(record, prepared.data, prepared.thumbnail, prepared.source_sha1))
    if problems:
        raise CaseFileError(M.tr("cf.refused"), details=problems)
    return ready


def unreadable_images(parsed_images: list[ImageRef], specialty: str = "") -> dict[str, list[str]]:
    """What :func:`load_images` would refuse in each image, by ``images[i]``, in the same words, for a case
    file refused anyway (``parse_case``'s ``read_images``): each file read and decoded, without the quality
    checks and new encodings that only an image stored needs. ``specialty``: as the file gives it, if it
    does (a DICOM without pixels is told of the case's device)."""
    from capture.pipeline import check_image_file

    problems: dict[str, list[str]] = {}
    seen: dict[str, str] = {}  # a hash of each file read → where the case file lists it
    for ref in parsed_images:
        try:
            keys = check_image_file(ref.path, specialty=specialty, follow_links=False)
        except ImageRejected as exc:
            problems[ref.where] = [M.tr("case.image_refused", where=ref.where, name=ref.path.name, reason=exc.message)]
            continue
        first = next((seen[key] for key in keys if key in seen), None)
        if first is not None:
            problems[ref.where] = [M.tr("case.image_repeated", where=ref.where, name=ref.path.name, first=first)]
            continue
        seen.update(dict.fromkeys(keys, ref.where))
    return problems


def run_import(args: argparse.Namespace) -> int:
    document, repeated = read_case_file(args.file)  # (a key given twice: said with the others)
    folder = args.file.parent if args.dir is None else images_folder(args.dir)
    # Refused, with every problem at once, the images' too (docs/cli.md), before the data is opened.
    given = document.get("specialty") if isinstance(document, dict) else None
    specialty = given if isinstance(given, str) else ""
    parsed = parse_case(
        document,
        folder,
        allow_outside=args.allow_outside,
        file_problems=repeated,
        read_images=lambda refs: unreadable_images(refs, specialty),
    )
    with open_store() as store:  # (closed while the images are read: they may take a while)
        system = site_patient_system(store.settings)
    images = load_images(parsed.images, parsed.case.specialty, parsed.case, system)
    with open_store() as store:
        case = parsed.case
        # One photo in two patients' cases: one of them is wrong. The window refuses it, with the nurse
        # there to check; a case file comes from another program, so it is imported and the doubt said.
        elsewhere = []
        for ref, image in zip(parsed.images, images, strict=True):
            held = store.copy_held(case.id, image, case.patient)
            if held is not None and not held[2]:
                # The other case under this one's INS or file number but other traits: neither plainly
                # another patient nor the same one, an identity conflict (RNIV) to resolve first.
                key = "case.image_conflict" if _conflicts(store, held[0], case.patient) else "case.image_elsewhere"
                elsewhere.append(M.tr(key, where=ref.where, name=ref.path.name, case=held[0][:8], n=held[1]))
            elif (again := store.copy_held(case.id, image, case.patient, same_patient=True)) is not None:
                # Found from outside: the same case file imported twice (a script run again after a
                # cut) made two identical cases, both sent and billed, nothing said.
                elsewhere.append(
                    M.tr("case.image_again", where=ref.where, name=ref.path.name, case=again[0][:8], n=again[1])
                )
        case_id = store.create_case(case, images)
        # On stderr, which a script may log: another patient is named by their case only.
        checklist = store.checklist(case, named=False)
        findings = blocking(checklist)
    print(case_id)
    say(M.tr("case.imported", id=case_id))
    for note in [*parsed.notes, *elsewhere]:
        say(note)
    # What the import did to a file (a photo halved, the first page of a TIFF, its colour profile left
    # out): the window's tile says it, and a script's log would otherwise show a plain import.
    for ref, image in zip(parsed.images, images, strict=True):
        for kept in image.record.quality:
            if kept.check in FILE_NOTES:
                say(M.tr("case.file_note", where=ref.where, name=ref.path.name, note=kept.text()))
    if findings:
        say(M.tr("case.still_missing"))
        for finding in findings:
            say(f"  - {finding.message}")
    # An INS standing here for another identity while neither is qualified: said, as docs/cli.md promises,
    # among what to check (it does not stop the case, which goes with its file number).
    # An image its device recorded for another patient too (found from outside: only `case show` said it).
    say_eye_sides(
        [f for f in checklist if not f.blocks_sending()],
        (OTHER_PATIENT, NAMES_ONLY, EYE_SIDE, EARLIER_PHOTO, INS_ELSEWHERE),
    )
    return 0


def _conflicts(store: Store, case_id: str, patient: Patient) -> bool:
    """Whether the case ``case_id`` holds ``patient``'s INS or file number under other strict traits."""
    try:
        return store.get_case(case_id).patient.identity_conflict(patient)
    except (NotFound, DataAltered):
        return False


#: Findings about what the import did to the file, said by ``case import`` (``capture.pipeline``'s notes).
FILE_NOTES = frozenset({"resolution-kept", "pages", "colour-profile"})
#: The INS of the case standing here for another identity (``validation.same_ins_elsewhere``).
INS_ELSEWHERE = "patient.ins.elsewhere"
#: The image a case file brought that is also in another patient's case (``Store.images_elsewhere``).
IMAGE_ELSEWHERE = "image.elsewhere"


def say_eye_sides(checklist: list[Finding], codes: tuple[str, ...] = (EYE_SIDE,)) -> list[Finding]:
    """On stderr, the retinographs whose optic disc lies on the other eye's side (found from outside: a
    retinography with both eyes swapped was imported and sent, nothing said, and the expert's advice
    went to the wrong eye), and the other warnings of ``codes``. Warnings, as in the window: the nurse may
    know better. Returns those said."""
    said = [finding for finding in checklist if finding.code in codes]
    if said:
        say(M.tr("case.advice"))
        for finding in said:
            say(f"  ⚠ {finding.message}")
    return said


def run_list(args: argparse.Namespace) -> int:
    now = iso(utc_now())
    with open_store() as store:
        rows = store.list_cases(states=args.state)
    if args.json:
        emit_json(
            [
                {
                    "id": r.id,
                    "state": r.state,
                    "specialty": r.specialty,
                    "priority": r.priority,
                    "created": r.created_at,
                    "updated": r.updated_at,
                    "initials": r.initials,
                    "images": r.image_count,
                    "unread": r.unread,
                    "due": r.due_at,
                    "overdue": r.overdue(now),
                    # What « [formation] » says in the text (a fictitious patient, a simulated answer): a
                    # script must not take a training case for a real one.
                    "training": r.training,
                }
                for r in rows
            ]
        )
        return 0
    if not rows:
        say(M.tr("case.none"))
    # An answer or a question not read yet, an overdue case (the expert's promised answer time
    # passed), a training case (a fictitious patient, a simulated answer, in every mode): said at the
    # end of its line, as the window's list says them. The creation time is the
    # workstation's, in the list's one written form (YYYY-MM-DD HH:MM) whatever the language.
    # The marks' words looked up once, not once a row: 10 000 rows asked the language 10 000 times.
    training, unread, overdue = (
        f"  [{M.tr(key)}]" for key in ("case.training_mark", "case.unread_mark", "case.overdue_mark")
    )
    lines = [
        f"{r.id}  {r.state:<15}  {r.specialty:<13}  {moment_words(r.created_at, 'en')}  {r.initials}"
        + (training if r.training else "")  # first: what comes last stays last
        + (unread if r.unread else "")
        + (overdue if r.overdue(now) else "")
        for r in rows
    ]
    if lines:
        print("\n".join(lines))
    return 0


def case_document(store: Store, case: Case) -> dict[str, Any]:
    """Everything about one case as plain data (``case show --json`` and the report)."""
    answer = store.answer(case.id)
    due = store.due_at(case.id)
    return {
        "id": case.id,
        "state": case.state.value,
        "specialty": case.specialty,
        "priority": case.priority,
        "created": case.created_at,
        "updated": case.updated_at,
        "question": case.question,
        "summary": case.summary,
        "patient": asdict(case.patient),
        "consent": asdict(case.consent),
        "treatments": [asdict(t) for t in case.treatments],
        "form": case.form,
        "single_eye_reason": case.single_eye_reason,
        "images": [
            {
                "id": i.id,
                "position": n,
                "body_site": i.body_site,
                "eye": i.eye,
                "view": i.view,
                "note": i.note,
                "content_type": i.content_type,
                "width": i.width,
                "height": i.height,
                "size": i.size,
                "sha1": i.sha1,
                "modality": i.modality,
                "captured_at": i.captured_at,
                "device": i.device,
                "uploaded": bool(i.binary_id),
                # The sentence in the reader's language; ``key`` and ``params`` say which it is.
                "quality": [{**f.to_dict(), "message": f.text()} for f in i.quality],
            }
            for n, i in enumerate(case.images)
        ],
        "platform": store.platform_info(case.id),
        "history": store.history(case.id),
        # The expert's questions and the requester's replies, oldest first: what the answer may rest on,
        # and, on hold, what the expert asks (found from outside: said nowhere but in the window).
        "messages": [
            {
                "direction": m.direction,
                "text": m.text,
                "sent_at": m.sent_at,
                "created_at": m.created_at,
                "withdrawn": m.withdrawn,
                "state": m.state,  # a reply's: queued, sent or refused (it never reached the expert)
                "images": len(m.image_ids),
            }
            for m in Outbox(store).messages(case.id)
        ],
        "answer": {
            **asdict(answer),
            "missing_words": missing_words(answer),
            "gone_words": gone_words(store, answer),
            "earlier_words": earlier_words(answer),
            "status_words": status_words(answer, state=case.state.value),
            "follow_up_words": follow_up_words(answer),
        }
        if answer
        else None,
        # Said in a terminal: what to do there, not « cliquez sur l'image » (found from outside).
        "checklist": [asdict(f) for f in store.checklist(case, window=False)],
        "due_at": due,
        "overdue": bool(due) and case.state.value in WAITING_FOR_EXPERT and str(due) < iso(utc_now()),
        "act": act_of(store, case.id),
        # A training case (Store.training_case): not one at the real platform, whose expert's answer is real.
        "training": store.training_case(case.id),
    }


def gone_words(store: Store, answer: Answer) -> list[str]:
    """What of the answer kept here can no longer be read (gone from the disk, damaged there), said as the
    case's PDF report says it. Found from outside: ``case show`` said « Pièces jointes : 1 PDF » of a letter
    lost from the disk, the report « introuvable ou endommagé »; the nurse took it as kept here."""
    from app.answers import PDF

    declared = {str(f.get("blob")): str(f.get("content_type") or "") for f in answer.files if f.get("blob")}
    declared.update({blob: PDF for blob in answer.pdf_blobs})
    pdfs = others = 0
    for blob, kind in declared.items():
        try:
            store.objects.get(blob)
        except TeleavisError:
            if kind.split(";")[0].strip().lower() == PDF:
                pdfs += 1
            else:
                others += 1
    words = [M.tr_count("show.pdf_gone", pdfs, count=pdfs)] if pdfs else []
    return words + ([M.tr_count("show.file_gone", others, count=others)] if others else [])


def checked_now(store: Store, case: Case, *, to_send: bool = False) -> Case:
    """``case`` as the quality checks of this release judge its images: those of a case still editable whose
    verdict is of older checks are checked again first (``capture.rechecks``); a sent case is as it was sent.
    New verdicts that cannot be written (a full disk) leave the case to read as it is stored, but not
    ``to_send``: it would leave judged by the older checks."""
    if case.state not in EDITABLE_STATES or all(image.checks >= CHECKS_VERSION for image in case.images):
        return case  # (without loading OpenCV and the checks)
    from capture.rechecks import check_case_again

    try:
        return store.get_case(case.id) if check_case_again(store, case) else case
    except DataAltered:
        raise
    except StorageError:
        if to_send:
            raise
        return case  # (checked again at the next reading)


def run_show(args: argparse.Namespace) -> int:
    with open_store() as store:
        case = checked_now(store, store.get_case(store.resolve_id(args.id)))
        try:
            store.record_view(case.id)
        except DataAltered:
            raise
        except StorageError as exc:
            # A full disk must not keep the nurse from reading a case (an expert's answer): shown, and
            # said that this reading is not in the audit log, as the window does.
            say(M.tr("show.view_not_audited", why=exc.message))
        doc = case_document(store, case)
        state = state_words(case.state.value, store.answer(case.id))  # « réponse retirée… », not « reçue »
        training = store.made_in_training(case.id)  # its line, also once it left for the real platform
        to_platform = store.destination(case.id) == PLATFORM
        row = Outbox(store).row(case.id) if case.state == CaseState.NEEDS_ATTENTION else None
        messages = Outbox(store).messages(case.id)
        conversation = conversation_words(messages, i18n.language(), case.images) if messages else None
    if args.json:
        emit_json(doc)
        return 0
    p = case.patient
    lang = i18n.language()
    # The birth place inside the Patient line's parentheses, as it always was (the text is a public
    # interface: a line of its own shifted every line after it); a country abroad in words as the report
    # names it (found from outside: « 99109 » printed here where the PDF says « ALLEMAGNE »).
    country = birth_country_name(p.birth_place)
    if country:
        place = M.tr("show.birth_country", country=country, code=p.birth_place)
    else:
        place = M.tr("show.birth_place", code=p.birth_place) if p.birth_place else ""
    priority = f"show.priority.{case.priority}"
    out = [
        f"{M.tr('show.case')} {case.id} — {state} — {M.specialty_name(case.specialty)}"
        f" ({M.tr(priority) if priority in M.CATALOGUE else case.priority})",
        # A training case says so in every mode (found from outside: once a real platform was set, the
        # simulated expert's answer read like a real one).
        *([M.tr(_training_key(case.state, to_platform=to_platform))] if training else []),
        f"{M.tr('show.patient')} {p.shown_name()}, {date_words(p.birth_date, lang)}"
        + (f" ({place})" if place else "")
        + f", {M.sex_name(p.sex)}"
        # In its groups as the PDF prints it (found from outside: 15 digits in a row here, grouped on paper, and
        # a nurse comparing the two read them twice); plain spaces, pasted into a search as they are. --json
        # keeps the 15 characters. Only a qualified identity's, as the PDF and the platform (RNIV: only a
        # qualified identity's INS may identify a patient's data; found in review: printed here whatever the
        # status); else the file number, and the line says why the INS is not there.
        + (f", INS {ins_grouped(p.ins or '', ' ')}" if p.ins_sent() else f", {p.local_id}" if p.local_id else "")
        + (_identity_words(p, lang) if p.identity_status in IDENTITY_STATUSES else "")
        + (", " + M.tr("show.ins_not_shown") if p.ins and not p.ins_sent() else ""),
        f"{M.tr('show.consent')} {M.tr('show.yes') if case.consent.given else M.tr('show.no')}"
        + (_consent_details(case, lang) if case.consent.given else ""),
        f"{M.tr('show.question')} {case.question}",
        f"{M.tr('show.summary')} {case.summary}",
    ]
    if case.single_eye_reason.strip():
        out.append(f"{M.tr('show.single_eye')} {case.single_eye_reason.strip()}")
    if case.treatments:
        out.append(M.tr("show.treatments"))
        out.extend(f"  - {t.name}" + (f" ({t.dosage})" if t.dosage else "") for t in case.treatments)
    answers = form_words(case, lang)
    if answers:
        out.append(M.tr("show.form"))
        out.extend(
            f"  {question} {answer}" if question.endswith("?") else "  " + M.tr("show.form_item", q=question, a=answer)
            for question, answer in answers
        )
    if case.images:
        out.append(M.tr("show.images"))
    editable = case.state in EDITABLE_STATES
    for n, image in enumerate(case.images, start=1):
        # Words, as on the tile and in the report (the codes are for --json).
        label = f"{view_words(image, lang)} — {level_words(image.worst_level(), lang)}"
        # A doubt on the eye stays with its image once the case is sent (found from outside: gone with
        # the sending, while the expert's findings may have landed on the wrong eye); said in full below
        # while the case can be edited, here otherwise.
        check = eye_check_words(image, lang)
        out.append(f"  [{n}] {image.width}×{image.height} {label}" + (f" — ⚠ {check}" if check else ""))
        out.extend(f"      {f.text(lang)}" for f in quality_said(image))
        other = other_patient_words(image, case.patient, lang)  # the case's identity as it is now
        if other:
            out.append(f"      {other}")
        names = names_only_words(image, case.patient, lang)  # no birth date nor INS: her names alone
        if names:
            out.append(f"      {names}")
        side = eye_side_words(image) if not editable else None
        if side:
            out.append(f"      ⚠ {side}")
        field = field_doubt_words(image) if not editable else None  # (the report says it too)
        if field:
            out.append(f"      ⚠ {field}")
    # What is missing before sending, only while it can still be sent (found from outside: an answered
    # case listed an image joined to a reply as « missing before sending »).
    missing = [f for f in doc["checklist"] if f["severity"] != "warning"] if editable else []
    if missing:
        out.append(M.tr("case.still_missing"))
        out.extend(f"  - {f['message']}" for f in missing)
    # What does not block, said as the window's checklist says it (⚠): a technician reads it here.
    advice = [f for f in doc["checklist"] if f["severity"] == "warning"] if editable else []
    if advice:
        out.append(M.tr("case.advice"))
        out.extend(f"  ⚠ {f['message']}" for f in advice)
    out.extend(_platform_lines(doc))
    if row is not None and row.offers_reduced:
        out.append(f"  {M.tr('show.send_reduced', id=case.id[:8])}")
    if conversation:
        title, rows = conversation
        out.append(f"{title} :" if lang == "fr" else f"{title}:")
        # A message of several lines keeps them under its own, indented (a script reads one message a line).
        out.extend(
            f"  {when} — {who}{' :' if lang == 'fr' else ':'} " + "\n    ".join(text.splitlines() or [""])
            for when, who, text in rows
        )
    if case.state == CaseState.ON_HOLD:
        out.append(M.tr("show.reply_in_window", id=case.id[:8]))
    if doc["due_at"] and doc["state"] in WAITING_FOR_EXPERT:  # a promise kept, or no longer owed, is not said
        when = local_minute(doc["due_at"])
        out.append(M.tr("show.overdue", when=when) if doc["overdue"] else M.tr("show.due", when=when))
    if doc["history"]:
        out.append(M.tr("show.history"))
        out.extend(
            f"  {moment_words(str(event['at']), lang)} — {history_words(event, lang)}" for event in doc["history"]
        )
    if doc["act"]:
        act = doc["act"]
        day = local_minute(str(act["at"]))[:10]
        out.append(
            f"{M.tr('show.act')} "
            + (
                M.tr("show.act_billable", code=act["code"], day=day)
                if act["billable"]
                else M.tr("show.act_not", code=act["code"], day=day, reason=M.tr(f"act.reason.{act['reason']}"))
            )
        )
    print(printable("\n".join(out)))
    return 0


M.add(
    {
        "show.case": {"fr": "Dossier", "en": "Case"},
        "show.training": {
            "fr": "Dossier de formation : patient fictif, réponse simulée.",
            "en": "Training case: fictitious patient, simulated answer.",
        },
        "show.training_real": {
            "fr": "Dossier préparé en mode formation, pour la plateforme réelle (vrai expert, acte "
            "facturable) : vérifiez qu'il s'agit bien d'un vrai patient.",
            "en": "Case prepared in training mode, for the real platform (a real expert, a billable act): "
            "check that it is a real patient.",
        },
        "show.training_draft": {
            "fr": "Dossier préparé en mode formation : patient fictif, pour la plateforme d'essai.",
            "en": "Case prepared in training mode: fictitious patient, for the test platform.",
        },
        "show.view_not_audited": {
            "fr": "Attention : cette consultation n'a pas pu être inscrite au journal d'audit ({why})",
            "en": "Warning: this reading could not be written to the audit log ({why})",
        },
        "show.priority.routine": {"fr": "priorité normale", "en": "routine"},
        "show.priority.urgent": {"fr": "priorité urgente", "en": "urgent"},
        "show.patient": {"fr": "Patient :", "en": "Patient:"},
        "show.birth_place": {"fr": "lieu de naissance INSEE {code}", "en": "place of birth INSEE {code}"},
        # Abroad: the country as INSEE names it (in French, in the English text too), then its code.
        "show.birth_country": {
            "fr": "lieu de naissance {country}, INSEE {code}",
            "en": "place of birth {country}, INSEE {code}",
        },
        "show.identity": {"fr": "identité {status}", "en": "{status} identity"},
        "show.identity_on": {"fr": "identité {status} sur {what}", "en": "{status} identity, checked on {what}"},
        "show.ins_not_shown": {
            "fr": "INS non affiché tant que l'identité n'est pas qualifiée (identitovigilance)",
            "en": "INS not shown until the identity is qualified (identity vigilance)",
        },
        "show.consent": {"fr": "Consentement :", "en": "Consent:"},
        "show.question": {"fr": "Question :", "en": "Question:"},
        "show.summary": {"fr": "Résumé :", "en": "Summary:"},
        "show.single_eye": {"fr": "Un seul œil photographié, parce que :", "en": "Only one eye photographed, because:"},
        "show.answer": {"fr": "Réponse de l'expert :", "en": "Expert's answer:"},
        "show.yes": {"fr": "oui", "en": "yes"},
        "show.treatments": {"fr": "Traitements en cours :", "en": "Current treatments:"},
        "show.form": {"fr": "Formulaire de la spécialité :", "en": "Specialty form:"},
        "show.history": {"fr": "Historique :", "en": "History:"},
        "show.form_item": {"fr": "{q} : {a}", "en": "{q}: {a}"},
        "show.images": {"fr": "Images :", "en": "Images:"},
        "show.no": {"fr": "non", "en": "no"},
    }
)


def _training_key(state: CaseState, *, to_platform: bool) -> str:
    """The words of a training case: a fictitious patient while it can be edited; once it left, a simulated
    answer, or, sent to the real platform all the same, a real expert's (found from outside: a training case
    sent to the real platform lost its mark, so did it once held back, and it left again, nothing said)."""
    if state in EDITABLE_STATES:
        return "show.training_draft"
    return "show.training_real" if to_platform else "show.training"


def _identity_words(p: Patient, lang: str) -> str:
    """« , identité validée sur livret de famille, le 20/11/2026 » for the Patient line: the status, and on what
    a validated or qualified identity rests (the EHPAD resident's carte Vitale too) as the report says it."""
    status = M.tr("identity." + p.identity_status)
    what = identity_check_words(p, lang)
    return ", " + (M.tr("show.identity_on", status=status, what=what) if what else M.tr("show.identity", status=status))


def _consent_details(case: Case, lang: str) -> str:
    """« (20/11/2026, Inf. Durand) », leaving out what was not recorded."""
    day = date_words(case.consent.date.strip(), lang) if case.consent.date.strip() else ""
    details = [part for part in (day, case.consent.recorded_by.strip()) if part]
    return f" ({', '.join(details)})" if details else ""


def _platform_lines(doc: dict[str, Any]) -> list[str]:
    """What the platform said: its status words, a refusal's or cancellation's reason, the answer."""
    out: list[str] = []
    info = doc["platform"]
    if info.get("business_status"):
        out.append(f"{M.tr('show.platform')} {info['business_status']}")
    # Not when it only says again what the status or the state says (« L'expert demande un complément »,
    # then « Motif… : Complément demandé par l'expert »), in any language: the training platform's French
    # reason under the English status was French in an English listing, saying the same thing.
    if info.get("status_reason") and not reason_repeats(
        info["status_reason"],
        info.get("business_status"),
        M.state_name(doc["state"]),
        *every_language(info.get("business_code")),
    ):
        out.append(f"{M.tr('show.reason')} {info['status_reason']}")
    if info.get("last_error"):
        # A refused case says why here too: the reason was only in the sync's output and --json.
        # So does a case the platform answered it cannot record yet (409/412): it waits, and that is why.
        why = doc["state"] == CaseState.NEEDS_ATTENTION.value or held_by_platform(doc["state"], doc["history"])
        key = "show.refused" if why else "show.problem"
        out.append(f"{M.tr(key)} {info['last_error']}")
    answer = doc["answer"]
    if answer:
        if answer.get("status_words"):  # what stands against acting on it, before the conclusion
            out.append(f"{M.tr('show.attention')} {answer['status_words']}")
        out.append(f"{M.tr('show.answer')} {answer['conclusion'] or M.tr('show.no_conclusion')}")
        out.append(
            "  "
            + M.tr(
                "show.answered_by",
                expert=answer.get("expert") or "—",
                when=local_minute(str(answer.get("issued") or "")) or "—",
            )
        )
        if answer.get("follow_up_words"):
            out.append(f"  {M.tr('show.follow_up', advice=answer['follow_up_words'])}")
        if answer.get("amended"):
            out.append(f"  {M.tr('answer.amended')}")
        out.extend(f"  {line}" for line in answer["earlier_words"])
        files = answer.get("files") or []
        pdfs = sum(1 for f in files if f["content_type"] == "application/pdf")
        images = sum(1 for f in files if str(f["content_type"]).startswith("image/"))
        if files:
            others = M.counted("others", len(files) - pdfs - images)
            out.append(f"  {M.tr('show.files', pdfs=pdfs, images=M.counted('images', images), others=others)}")
        out.extend(f"  {line}" for line in answer["gone_words"])
        out.extend(f"  {line}" for line in answer["missing_words"])
        if answer["missing_words"]:
            out.append(f"  {M.tr('answer.missing_hint')}")
    return out


M.add(
    {
        "show.platform": {"fr": "Plateforme :", "en": "Platform:"},
        "show.attention": {"fr": "ATTENTION :", "en": "WARNING:"},
        "show.answered_by": {"fr": "Rendue par {expert}, le {when}.", "en": "Given by {expert}, {when}."},
        "show.follow_up": {"fr": "Conseil de suivi : {advice}.", "en": "Advised follow-up: {advice}."},
        "show.reason": {"fr": "Motif donné par la plateforme :", "en": "Reason given by the platform:"},
        "show.problem": {"fr": "À savoir :", "en": "Note:"},
        "show.refused": {"fr": "Pourquoi il n'est pas parti :", "en": "Why it did not go:"},
        "show.reply_in_window": {
            "fr": "L'expert attend votre réponse à sa question : répondez dans la fenêtre Teleavis (dossier {id}).",
            "en": "The expert awaits your reply to the question: reply in the Teleavis window (case {id}).",
        },
        "show.send_reduced": {
            "fr": "Pour l'envoyer en copies réduites : teleavis case send {id} --reduced",
            "en": "To send it as reduced copies: teleavis case send {id} --reduced",
        },
        "show.no_conclusion": {
            "fr": "(pas de conclusion écrite : voir le compte rendu)",
            "en": "(no written conclusion: see the report)",
        },
        "show.pdf_gone": {
            "fr": "{count} documents PDF introuvables ou endommagés sur ce poste : lisez-les sur la plateforme",
            "en": "{count} PDF documents missing or damaged on this computer: read them on the platform",
        },
        "show.pdf_gone.one": {
            "fr": "{count} document PDF introuvable ou endommagé sur ce poste : lisez-le sur la plateforme",
            "en": "{count} PDF document missing or damaged on this computer: read it on the platform",
        },
        "show.file_gone": {
            "fr": "{count} pièces jointes de l'expert introuvables ou endommagées sur ce poste : voyez-les sur la "
            "plateforme",
            "en": "{count} of the expert's attachments missing or damaged on this computer: see them on the platform",
        },
        "show.file_gone.one": {
            "fr": "{count} pièce jointe de l'expert introuvable ou endommagée sur ce poste : voyez-la sur la "
            "plateforme",
            "en": "{count} of the expert's attachments missing or damaged on this computer: see it on the platform",
        },
        "show.files": {
            # {images}, {others}: counted in words (app.messages.counted).
            "fr": "Pièces jointes : {pdfs} PDF, {images}, {others}",
            "en": "Attachments: {pdfs} PDF, {images}, {others}",
        },
    }
)


def run_send(args: argparse.Namespace) -> int:
    with open_store() as store:
        case_id = store.resolve_id(args.id)
        case = store.get_case(case_id)
        if case.state in (CaseState.QUEUED, CaseState.SENDING):
            if getattr(args, "reduced", False):
                Outbox(store).set_reduced(case_id)
                say(M.tr("case.reduced", id=case_id))
            else:
                say(M.tr("case.already_queued", id=case_id))
            return 0
        if case.state not in (CaseState.DRAFT, CaseState.READY, CaseState.NEEDS_ATTENTION):
            say(M.tr("case.not_sendable", state=M.state_name(case.state)))
            return 1
        case = checked_now(store, case, to_send=True)
        checklist = store.checklist(case, named=False)  # (as at the import)
        findings = blocking(checklist)
        # Said before the case goes, or is refused for something else. A photo also in another patient's
        # case too (found from outside: said at the import only, the case left without a word): the window
        # says it on the case and sends it all the same (the nurse may know it is right), so the command
        # does, and says how to hold it back.
        # So is an image its device recorded for another patient (found from outside: queued without a
        # word, the window's own question left to the window): as the eye to check, a warning. And an image
        # this release's checks failed on: it leaves with its older verdict (capture.rechecks), said so.
        said = say_eye_sides(
            checklist, (OTHER_PATIENT, NAMES_ONLY, EYE_SIDE, EARLIER_PHOTO, IMAGE_ELSEWHERE, NOT_CHECKED_AGAIN)
        )
        elsewhere = [finding for finding in said if finding.code == IMAGE_ELSEWHERE]
        others = [finding for finding in said if finding.code == OTHER_PATIENT]
        if findings:
            raise CaseFileError(M.tr("case.refused", id=case_id), details=[f.message for f in findings])
        # Made in training mode, the real platform set now: the window asks whether it is a real patient
        # (found from outside: a fictitious one left for a real expert, billable, nothing asked). The
        # command does what it always did, queues the complete case it is told to send (scripts import
        # before the platform is set), and says plainly where it goes and how to hold it back.
        from_training = store.prepared_in_training(case_id)
        waits = store.kept_for_real_platform(case_id)  # never to the training expert: it waits for the end
        verdict = judge(store, case)
        store.queue(case_id, reduced=getattr(args, "reduced", False))
    say(M.tr("case.queued", id=case_id))
    if from_training:
        say(M.tr("case.training_leaves", id=case_id))
    if others:
        say(M.tr("case.other_patient_leaves", id=case_id))
    if elsewhere:
        say(M.tr("case.elsewhere_leaves", id=case_id))
    if waits:
        say(M.tr("case.waits_for_real_platform"))
    say(verdict.words())
    if getattr(args, "reduced", False):
        say(M.tr("case.reduced", id=case_id))
    return 0


M.add(
    {
        "case.training_leaves": {
            "fr": "Attention : le dossier {id} a été préparé en mode formation. Il part vers la plateforme "
            "réelle, chez un vrai expert, et l'acte sera facturable. Si c'est un patient fictif, retenez-le "
            "avant la prochaine synchronisation : teleavis case cancel {id}.",
            "en": "Warning: case {id} was prepared in training mode. It goes to the real platform, to a real "
            "expert, and the act will be billable. If it is a fictitious patient, hold it back before the next "
            "synchronisation: teleavis case cancel {id}.",
        },
        "case.elsewhere_leaves": {
            "fr": "Attention : une photo de ce dossier est aussi dans le dossier d'un autre patient (ci-dessus). "
            "Il part quand même. Si elle n'est pas de ce patient, retenez-le avant la prochaine synchronisation "
            ": teleavis case cancel {id}, puis corrigez-le dans la fenêtre Teleavis.",
            "en": "Warning: a photo of this case is also in another patient's case (above). It goes all the same. "
            "If it is not this patient's, hold it back before the next synchronisation: teleavis case cancel "
            "{id}, then correct it in the Teleavis window.",
        },
        "case.other_patient_leaves": {
            "fr": "Attention : l'appareil a enregistré une image de ce dossier pour un autre patient (ci-dessus). "
            "Le dossier part quand même. Vérifiez l'identité du patient sur l'appareil : si l'image n'est pas "
            "de ce patient, retenez le dossier avant la prochaine synchronisation (teleavis case cancel {id}), "
            "puis supprimez l'image dans la fenêtre Teleavis.",
            "en": "Warning: the device recorded an image of this case for another patient (above). The case "
            "goes all the same. Check the patient's identity on the device: if the image is not this "
            "patient's, hold the case back before the next synchronisation (teleavis case cancel {id}), then "
            "delete the image in the Teleavis window.",
        },
        "case.waits_for_real_platform": {
            "fr": "Ce dossier a été préparé pour la plateforme réelle : il ne part pas vers la plateforme d'essai "
            "et attendra la fin du mode formation pour partir.",
            "en": "This case was prepared for the real platform: it does not go to the test platform and will "
            "wait for the end of training mode to leave.",
        },
    }
)
