"""Reading the case file of ``case import`` (docs/cli.md): strict, every problem listed at once.

Unknown keys are errors, since a typo must not silently drop clinical data. Structural problems
and wrong values refuse the file; what is merely missing (a question, the consent, a view) makes a
draft that the checklist lists.
"""

from __future__ import annotations

import errno
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import forms
from app import messages as M
from app.errors import CaseFileError
from app.findings import Finding
from app.fsutil import FileTooLarge, NotOrdinaryFile, os_reason, read_ordinary_file
from app.i18n import language
from app.identifiers import normalize_birth_place
from app.model import (
    IDENTITY_DOCUMENTS,
    IDENTITY_STATUSES,
    NO_DOCUMENT,
    Case,
    CaseImage,
    Consent,
    Patient,
    Priority,
    Specialty,
    Treatment,
)
from app.validation import marriage_word, validate_content

M.add(
    {
        "cf.unreadable": {
            "fr": "Impossible de lire le fichier « {name} » : {reason}.",
            "en": "Cannot read the file “{name}”: {reason}.",
        },
        "cf.too_large": {
            "fr": "Le fichier « {name} » dépasse {mb} Mo, la taille maximale : un fichier de dossier n'est que "
            "du texte, les images étant des fichiers à part (nommés dans images[].file). Vérifiez que c'est "
            "le bon fichier.",
            "en": "The file “{name}” is over {mb} MB, the largest allowed: a case file is text only, the images "
            "being files of their own (named in images[].file). Check that it is the right file.",
        },
        "cf.utf8": {
            "fr": "Le fichier « {name} » n'est pas en UTF-8 (octet invalide à la position {pos}). "
            "Enregistrez-le en UTF-8.",
            "en": "The file “{name}” is not UTF-8 (invalid byte at position {pos}). Save it as UTF-8.",
        },
        "cf.surrogate": {
            "fr": "Le fichier « {name} » contient un caractère invalide ({char}, une moitié de caractère : le "
            "programme qui l'a écrit a coupé un texte, un émoji par exemple). Corrigez ce texte puis réimportez.",
            "en": "The file “{name}” holds an invalid character ({char}, half a character: the program that wrote "
            "it cut a text, an emoji for instance). Correct that text, then import again.",
        },
        "cf.long_number": {
            "fr": "Le fichier « {name} » contient un nombre de plus de {digits} chiffres (ligne {line}), qu'aucun "
            "dossier ne peut tenir : le programme qui l'a écrit s'est sans doute trompé. Corrigez cette valeur "
            "puis réimportez.",
            "en": "The file “{name}” holds a number of more than {digits} digits (line {line}), which no case can "
            "hold: the program that wrote it most likely went wrong. Correct that value, then import again.",
        },
        "cf.json": {
            # Python's own words ({msg}) are English: the French sentence gives where, not them.
            "fr": "Le fichier « {name} » n'est pas du JSON valide (erreur ligne {line}, colonne {col}).",
            "en": "The file “{name}” is not valid JSON (line {line}, column {col}): {msg}.",
        },
        "cf.empty": {
            "fr": "Le fichier « {name} » est vide : rien à importer. Vérifiez que c'est le bon fichier (une copie "
            "interrompue laisse un fichier vide).",
            "en": "The file “{name}” is empty: nothing to import. Check that it is the right file (a copy cut short "
            "leaves an empty file).",
        },
        "cf.duplicate": {
            "fr": "Le fichier « {name} » donne deux fois {keys} dans un même objet : une seule valeur serait "
            "gardée, l'autre perdue sans rien dire. Gardez la bonne, effacez l'autre.",
            "en": "The file “{name}” gives {keys} twice in one object: only one value would be kept, the other "
            "lost without a word. Keep the right one, delete the other.",
        },
        "cf.root": {"fr": "(racine)", "en": "(root)"},
        "cf.key": {"fr": "la clé « {key} »", "en": "the key “{key}”"},
        "cf.refused": {"fr": "Dossier refusé, rien n'a été enregistré :", "en": "Case refused, nothing was stored:"},
        "cf.not_object": {
            "fr": "{path} : un objet JSON {{…}} est attendu.",
            "en": "{path}: a JSON object {{…}} is expected.",
        },
        "cf.unknown_key": {
            "fr": "{path} : clé inconnue « {key} » (faute de frappe ?). Clés possibles : {known}.",
            "en": "{path}: unknown key “{key}” (a typo?). Known keys: {known}.",
        },
        "cf.type": {"fr": "{path} : il faut {expected}.", "en": "{path}: {expected} expected."},
        "cf.required": {"fr": "{path} : champ obligatoire absent.", "en": "{path}: required field missing."},
        "cf.choice": {
            "fr": "{path} : valeur inconnue, choisissez parmi {choices}.",
            "en": "{path}: unknown value, choose among {choices}.",
        },
        "cf.document_none": {
            "fr": "{path} : « none » (aucune pièce d'identité contrôlée) contredit patient.identity_status "
            "« {status} » : une identité n'est {status_words} qu'une fois une pièce d'identité à haut niveau de "
            "confiance contrôlée (RNIV). Donnez la pièce contrôlée ({choices}) et patient.identity_checked_on ; si "
            "aucune pièce n'a été contrôlée, le statut est « {instead} ».",
            "en": "{path}: “none” (no ID document checked) contradicts patient.identity_status “{status}”: an "
            "identity is {status_words} only once a high-trust ID document has been checked (RNIV). Give the "
            "document checked ({choices}) and patient.identity_checked_on; if no document was checked, the "
            "status is “{instead}”.",
        },
        "cf.image_missing": {
            "fr": "{path} : fichier image introuvable « {name} » (cherché dans {folder}).",
            "en": "{path}: image file not found “{name}” (looked for in {folder}).",
        },
        "cf.dir_missing": {
            "fr": "Le dossier d'images --dir « {folder} » n'existe pas : rien n'a été enregistré. Donnez le dossier "
            "où sont les photos du fichier de cas (ou rien : elles sont alors cherchées à côté de lui).",
            "en": "The images folder --dir “{folder}” does not exist: nothing was stored. Give the folder holding "
            "the case file's photos (or none: they are then looked for beside it).",
        },
        "cf.dir_not_folder": {
            "fr": "Le dossier d'images --dir « {folder} » n'est pas un dossier : rien n'a été enregistré. Donnez le "
            "dossier où sont les photos du fichier de cas (ou rien : elles sont alors cherchées à côté de lui).",
            "en": "The images folder --dir “{folder}” is not a folder: nothing was stored. Give the folder holding "
            "the case file's photos (or none: they are then looked for beside it).",
        },
        "cf.image_outside": {
            "fr": "{path} : l'image « {name} » est hors du dossier du fichier de cas (ou de --dir). "
            "Copiez-la à côté du fichier de cas, ou ajoutez --allow-outside si c'est voulu.",
            "en": "{path}: the image “{name}” is outside the case file's folder (or --dir). "
            "Copy it next to the case file, or add --allow-outside if that is intended.",
        },
        "cf.image_bad_name": {
            "fr": "{path} : nom de fichier invalide ou trop long ({length} caractères) « {name} ».",
            "en": "{path}: invalid or too long file name ({length} characters) “{name}”.",
        },
        "cf.image_link_loop": {
            "fr": "{path} : « {name} » est un lien qui mène à lui-même (ou en boucle), pas une image. "
            "Remplacez-le par le fichier de la photo.",
            "en": "{path}: “{name}” is a link that leads back to itself (or round in a loop), not an image. "
            "Replace it with the photo's file.",
        },
        "cf.too_many_images": {
            "fr": "images : 8 images au plus par dossier.",
            "en": "images: at most 8 images per case.",
        },
        "cf.too_long": {
            "fr": "{path} : texte trop long ({n} caractères, {most} au plus) : ce champ attend quelques lignes, pas "
            "un document collé ; joignez le document à part ou résumez-le.",
            "en": "{path}: text too long ({n} characters, {most} at most): this field takes a few lines, not a "
            "pasted document; attach the document separately or summarise it.",
        },
        "cf.not_found": {"fr": "introuvable (cherché dans {folder})", "en": "not found (looked for in {folder})"},
        "cf.not_ordinary": {
            "fr": "ce n'est pas un fichier ordinaire (un tube nommé, un périphérique ou un dossier) ; donnez le "
            "fichier JSON lui-même",
            "en": "it is not an ordinary file (a named pipe, a device or a folder); give the JSON file itself",
        },
        "cf.image_not_file": {
            "fr": "{path} : « {name} » n'est pas un fichier ordinaire (un tube nommé, un périphérique ou un "
            "dossier) : il n'est pas lu.",
            "en": "{path}: “{name}” is not an ordinary file (a named pipe, a device or a folder): it is not read.",
        },
        "cf.given_split": {
            "fr": "patient.given : texte lu comme {n} prénoms, le premier mot étant le premier prénom ; un "
            'premier prénom composé avec une espace se donne en liste (["Marie Thérèse", "Jeanne"]).',
            "en": "patient.given: text read as {n} given names, its first word the first given name; a first "
            'given name written with a space is given as a list (["Marie Thérèse", "Jeanne"]).',
        },
        "cf.field_note": {"fr": "{path} : {text}", "en": "{path}: {text}"},
        "t.string": {"fr": "un texte", "en": "a text"},
        "t.bool": {"fr": "true ou false", "en": "true or false"},
        "t.list": {"fr": "une liste [...]", "en": "a list [...]"},
        "t.strings": {"fr": "une liste de textes", "en": "a list of texts"},
    }
)

_TOP = {
    "specialty",
    "priority",
    "question",
    "summary",
    "single_eye_reason",
    "patient",
    "consent",
    "treatments",
    "form",
    "images",
}
_PATIENT = {
    "family",
    "used_name",
    "given",
    "birth_date",
    "birth_place",
    "sex",
    "ins",
    "identity_status",
    "identity_document",
    "identity_checked_on",
    "identity_ehpad_vitale",
    "local_id",
}
_CONSENT = {"given", "date", "recorded_by"}
_TREATMENT = {"name", "dosage"}
_IMAGE = {"file", "body_site", "eye", "view", "note"}
MAX_CASE_FILE_BYTES = 5_000_000


@dataclass
class ImageRef:
    """An image named by the case file: its record (labels) and where its file is."""

    record: CaseImage
    path: Path
    where: str  # images[i], for messages


@dataclass
class ParsedCase:
    case: Case
    images: list[ImageRef]
    findings: list[Finding]  # what is still missing (the case is stored as a draft)
    notes: list[str] = field(default_factory=list)  # how something was read, worth saying


#: The longest text a case file's field may hold: some fifty printed pages. A summary is a few lines, and a
#: hospital letter pasted whole some 10 000 to 30 000 characters, which must go; a 4 MB blob (a binary pasted
#: by mistake, fitted under the file's 5 MB) went to the platform as the request's note, and its report ran
#: to 900 pages.
MAX_TEXT_CHARS = 100_000


def thousands(n: int) -> str:
    """A count as the user's language writes it (100 000, 100,000)."""
    return f"{n:,}".replace(",", " " if language() == "fr" else ",")


def shown_name(name: str, limit: int = 60) -> str:
    """A file name as a message shows it: a 5 000-character name would drown the sentence."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def read_json_file(path: Path) -> Any:
    """A JSON file, with a clear sentence for each way it can be unreadable (a key given twice too)."""
    document, repeated = read_case_file(path)
    if repeated:
        raise CaseFileError(repeated[0])
    return document


def read_case_file(path: Path) -> tuple[Any, list[str]]:
    """A JSON file and, apart, a line saying the keys it gives twice in one object (``[]`` when none): a problem
    that refuses the file, but leaves it read (the last value of each kept), so that its other problems are
    said with it. ``CaseFileError`` for each way it cannot be read at all."""
    name = shown_name(path.name)
    try:
        # An ordinary file only: a named pipe waited for ever for a writer, /dev/zero was read without end.
        raw = read_ordinary_file(path, limit=MAX_CASE_FILE_BYTES)
    except FileTooLarge as exc:
        raise CaseFileError(M.tr("cf.too_large", name=name, mb=MAX_CASE_FILE_BYTES // 1_000_000)) from exc
    except NotOrdinaryFile as exc:
        raise CaseFileError(M.tr("cf.unreadable", name=name, reason=M.tr("cf.not_ordinary"))) from exc
    except FileNotFoundError as exc:
        # A relative name is taken from the working directory, maybe not the one the user thinks (cron, a
        # script's cd): the folder looked in is said.
        folder = os.path.abspath(path.parent)
        raise CaseFileError(M.tr("cf.unreadable", name=name, reason=M.tr("cf.not_found", folder=folder))) from exc
    except OSError as exc:
        raise CaseFileError(M.tr("cf.unreadable", name=name, reason=os_reason(exc))) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaseFileError(M.tr("cf.utf8", name=name, pos=exc.start)) from exc
    if not text.strip():
        raise CaseFileError(M.tr("cf.empty", name=name))
    repeated: list[str] = []

    def keep_repeated(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        # json.loads keeps the last of two same keys: the first value (a question, an INS) vanished unsaid.
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen and key not in repeated:
                repeated.append(key)
            seen.add(key)
        return dict(pairs)

    try:
        document = json.loads(text, object_pairs_hook=keep_repeated)
    except json.JSONDecodeError as exc:
        raise CaseFileError(M.tr("cf.json", name=name, line=exc.lineno, col=exc.colno, msg=exc.msg)) from exc
    except RecursionError as exc:
        raise CaseFileError(M.tr("cf.json", name=name, line=1, col=1, msg="nesting")) from exc
    except ValueError as exc:
        # Not a JSONDecodeError: a whole number longer than Python reads from text (4300 digits by default),
        # which ended the import on an internal error.
        digits = sys.get_int_max_str_digits()
        found = re.search(rf"[0-9]{{{digits + 1},}}", text)  # (JSON numbers are ASCII digits)
        if found is None:
            raise
        line = text.count("\n", 0, found.start()) + 1
        raise CaseFileError(M.tr("cf.long_number", name=name, digits=digits, line=line)) from exc
    keys = ", ".join(M.tr("cf.key", key=shown_name(key)) for key in repeated)
    # JSON escapes may name half of a surrogate pair (\ud800): read, but no UTF-8 text (the sealed record,
    # the platform's FHIR string) can hold it, and the import failed on an internal error.
    half = re.search(r"[\ud800-\udfff]", json.dumps(document, ensure_ascii=False)) if "\\u" in text else None
    if half is not None:
        raise CaseFileError(M.tr("cf.surrogate", name=name, char=f"\\u{ord(half.group()):04x}"))
    return document, [M.tr("cf.duplicate", name=name, keys=keys)] if repeated else []


class _Reader:
    """Walks the JSON document, collecting every structural problem with its path."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        #: Paths whose value was unusable (wrong type, not a choice, missing): their content is not judged
        #: again, so that one mistake is said once.
        self.unusable: set[str] = set()

    def fail(self, path: str, message: str) -> None:
        self.errors.append(message)
        self.unusable.add(path)

    def judged_already(self, field: str) -> bool:
        """Whether a content finding on ``field`` repeats a structural problem of it or of what holds it."""
        return any(field == path or field.startswith((f"{path}.", f"{path}[")) for path in self.unusable)

    def obj(self, value: Any, path: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, M.tr("cf.not_object", path=path))
            return {}
        for key in value:
            if key not in allowed:
                self.errors.append(M.tr("cf.unknown_key", path=path, key=key, known=", ".join(sorted(allowed))))
        return value

    def text(
        self, data: dict[str, Any], key: str, path: str, *, required: bool = False, choices: tuple[str, ...] = ()
    ) -> str:
        value = data.get(key)
        where = f"{path}.{key}" if path else key
        if value is None:
            if required:
                self.fail(where, M.tr("cf.required", path=where))
            return ""
        if not isinstance(value, str):
            self.fail(where, M.tr("cf.type", path=where, expected=M.tr("t.string")))
            return ""
        if choices and value not in choices:
            self.fail(where, M.tr("cf.choice", path=where, choices=", ".join(choices)))
        self.not_too_long(value, where)
        return value

    def not_too_long(self, value: object, where: str) -> None:
        if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
            self.fail(where, M.tr("cf.too_long", path=where, n=thousands(len(value)), most=thousands(MAX_TEXT_CHARS)))

    def boolean(self, data: dict[str, Any], key: str, path: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.fail(f"{path}.{key}", M.tr("cf.type", path=f"{path}.{key}", expected=M.tr("t.bool")))
            return False
        return value

    def items(self, data: dict[str, Any], key: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.fail(key, M.tr("cf.type", path=key, expected=M.tr("t.list")))
            return []
        return value


#: What reading the images of a refused case file finds, by ``images[i]`` (the import's, which reads them).
ReadImages = Callable[[list[ImageRef]], dict[str, list[str]]]


def parse_case(
    document: Any,
    base_dir: Path,
    *,
    allow_outside: bool = False,
    file_problems: Sequence[str] = (),
    read_images: ReadImages | None = None,
) -> ParsedCase:
    """A ``Case`` from a case-file document, or ``CaseFileError`` listing every wrong item at once, a line each:
    ``file_problems`` (found reading the file: a key given twice), the fields' (their structure, then their
    content), then image by image what the file says of it and what ``read_images`` finds in the images
    located. Those are read only when the file is refused anyway, to say every problem in one go (found from
    outside: refused on its INS alone, a damaged photo was said only once the INS was right).

    Image files are located (relative to ``base_dir``) but not read here: ``images`` holds those found.
    They must lie inside ``base_dir`` once links are followed (``../``, absolute paths and symbolic links
    pointing elsewhere are refused) unless ``allow_outside``: a case file received from someone else must
    not make the import read, and send, any file of this workstation.
    """
    parsed, errors, image_errors = _read_case(document, base_dir, allow_outside)
    if file_problems or errors or any(image_errors.values()):
        read = read_images(parsed.images) if read_images is not None else {}
        lines = [*file_problems, *errors]
        for where in dict.fromkeys([*image_errors, *read]):
            lines += image_errors.get(where, []) + read.get(where, [])
        raise CaseFileError(M.tr("cf.refused"), details=lines)
    return parsed


def _read_case(
    document: Any, base_dir: Path, allow_outside: bool
) -> tuple[ParsedCase, list[str], dict[str, list[str]]]:
    """The case, what refuses it in its fields, and in each image's entry (by ``images[i]``, every image)."""
    r = _Reader()
    top = r.obj(document, M.tr("cf.root"), _TOP)
    case = Case()
    case.specialty = r.text(top, "specialty", "", required=True, choices=tuple(Specialty))
    case.priority = r.text(top, "priority", "", choices=tuple(Priority)) or Priority.ROUTINE
    case.question = r.text(top, "question", "")
    case.summary = r.text(top, "summary", "")
    case.single_eye_reason = r.text(top, "single_eye_reason", "").strip()

    pdata = r.obj(top.get("patient"), "patient", _PATIENT) if "patient" in top else {}
    if "patient" not in top:
        r.fail("patient", M.tr("cf.required", path="patient"))
    notes: list[str] = []
    given = pdata.get("given", [])
    if isinstance(given, str):
        # The names as the document lists them: the first word is the first given name. A first name
        # written with a space (« Marie Thérèse ») is given as a list's first item.
        given = given.split()
        if len(given) > 1:
            notes.append(M.tr("cf.given_split", n=len(given)))
    if not isinstance(given, list) or not all(isinstance(g, str) for g in given):
        r.fail("patient.given", M.tr("cf.type", path="patient.given", expected=M.tr("t.strings")))
        given = []
    case.patient = Patient(
        family=r.text(pdata, "family", "patient"),
        used_name=" ".join(r.text(pdata, "used_name", "patient").split()),
        given=[" ".join(g.split()) for g in given if g.strip()],
        birth_date=r.text(pdata, "birth_date", "patient"),
        birth_place=normalize_birth_place(r.text(pdata, "birth_place", "patient")),
        sex=r.text(pdata, "sex", "patient", choices=("male", "female", "other", "unknown")) or "unknown",
        ins=r.text(pdata, "ins", "patient").replace(" ", "").upper() or None,
        local_id=r.text(pdata, "local_id", "patient") or None,
        identity_status=r.text(pdata, "identity_status", "patient", choices=IDENTITY_STATUSES) or "provisional",
        # The ID document checked and its day, as the window records them: the checklist asks for them
        # for a validated or qualified identity, and the document goes to the platform (validation mode).
        # ``none``: no document was checked (the window's « Aucune »); without the key, the document is not said.
        identity_document=r.text(pdata, "identity_document", "patient", choices=(*IDENTITY_DOCUMENTS, NO_DOCUMENT)),
        identity_checked_on=r.text(pdata, "identity_checked_on", "patient"),
        # RNIV 2024 (volet 1, 3.3.3): a resident admitted directly to an EHPAD, the carte Vitale with photograph
        # seen beside the family record book or birth certificate.
        identity_ehpad_vitale=r.boolean(pdata, "identity_ehpad_vitale", "patient"),
    )
    status = case.patient.identity_status
    if case.patient.identity_document == NO_DOCUMENT and status in ("validated", "qualified"):
        # The file says no document was checked for a status RNIV gives only once one was: it contradicts itself,
        # and which of the two is wrong only its author knows. Refused, on the field, saying what to give instead.
        r.fail(
            "patient.identity_document",
            M.tr(
                "cf.document_none",
                path="patient.identity_document",
                status=status,
                status_words=M.tr(f"identity.{status}"),
                choices=", ".join(IDENTITY_DOCUMENTS),
                instead="recovered" if status == "qualified" else "provisional",
            ),
        )
    if word := marriage_word(case.patient.family):
        # Imported all the same (a warning of the checklist), but said now: a script's author reads this.
        notes.append(M.tr("cf.field_note", path="patient.family", text=M.tr("v.family_married", word=word)))

    if "consent" in top:
        cdata = r.obj(top["consent"], "consent", _CONSENT)
        case.consent = Consent(
            given=r.boolean(cdata, "given", "consent"),
            date=r.text(cdata, "date", "consent"),
            recorded_by=r.text(cdata, "recorded_by", "consent"),
        )

    for i, item in enumerate(r.items(top, "treatments")):
        tdata = r.obj(item, f"treatments[{i}]", _TREATMENT)
        case.treatments.append(
            Treatment(
                name=r.text(tdata, "name", f"treatments[{i}]", required=True),
                dosage=r.text(tdata, "dosage", f"treatments[{i}]"),
            )
        )

    if "form" in top:
        case.form = r.obj(top["form"], "form", set(top["form"]) if isinstance(top["form"], dict) else set())
        if case.specialty in forms.FORM_SPECIALTIES:
            case.form = forms.whole_numbers(case.specialty, case.form)
        for link_id, answer in case.form.items():
            r.not_too_long(answer, f"form.{link_id}")

    refs: list[ImageRef] = []
    image_items = r.items(top, "images")
    if len(image_items) > 8:
        r.errors.append(M.tr("cf.too_many_images"))
    fields_errors, image_errors = r.errors, dict[str, list[str]]()
    for i, item in enumerate(image_items):
        where = f"images[{i}]"
        r.errors = image_errors[where] = []  # (each image's lines together, said after the fields')
        idata = r.obj(item, where, _IMAGE)
        name = r.text(idata, "file", where, required=True)
        record = CaseImage(
            body_site=r.text(idata, "body_site", where),
            eye=r.text(idata, "eye", where, choices=("right", "left")) or None,
            view=r.text(idata, "view", where),
            note=r.text(idata, "note", where),
        )
        if name:
            path = _image_path(r, base_dir, name, f"{where}.file", allow_outside)
            if path is not None:
                refs.append(ImageRef(record, path, where))
    r.errors = fields_errors

    # The content is judged even when the structure is wrong somewhere, so that every mistake is said in
    # one go, except where a structural problem already made the value unusable.
    findings = [f for f in validate_content(case) if not r.judged_already(f.field)] if top else []
    errors = r.errors + [f.message for f in findings if f.severity == "error"]
    kept = [f for f in findings if f.severity != "error"]
    return ParsedCase(case, refs, kept, notes), errors, image_errors


def images_folder(given: Path) -> Path:
    """The folder of ``case import --dir``, refused at once when it is none (each image said missing hid it)."""
    if given.is_dir():
        return given
    try:
        given.resolve(strict=True)
    except RuntimeError:  # (a loop of links, Python 3.11; an OSError from 3.13 on): each image says so
        return given
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return given
    key = "cf.dir_not_folder" if given.exists() else "cf.dir_missing"
    raise CaseFileError(M.tr(key, folder=given))


def _image_path(r: _Reader, base_dir: Path, name: str, where: str, allow_outside: bool) -> Path | None:
    """Where an image named by the case file is, or ``None`` with the reason added to ``r`` (nothing there
    to read: a missing image is said once, not again as unreadable)."""
    try:
        base = base_dir.resolve()  # (``--dir`` a loop of links too)
        path = (base / name).resolve()
        inside = path.is_relative_to(base)
        found = path.is_file()
        there = found or path.exists()  # (a pipe, a device, a folder: there, and no file to read)
    except RuntimeError:  # (Python 3.11's resolve: a loop of links; an OSError from 3.13 on)
        r.errors.append(M.tr("cf.image_link_loop", path=where, name=shown_name(name)))
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            r.errors.append(M.tr("cf.image_link_loop", path=where, name=shown_name(name)))
        else:  # ENAMETOOLONG…: the name cannot designate a file
            r.errors.append(M.tr("cf.image_bad_name", path=where, length=len(name), name=shown_name(name)))
        return None
    except ValueError:
        # A NUL byte: the name cannot designate a file.
        r.errors.append(M.tr("cf.image_bad_name", path=where, length=len(name), name=shown_name(name)))
        return None
    if not inside and not allow_outside:
        r.errors.append(M.tr("cf.image_outside", path=where, name=shown_name(name)))
        return None
    if not found:
        if there:
            r.errors.append(M.tr("cf.image_not_file", path=where, name=shown_name(name)))
        else:  # (the folder: a case file run from elsewhere, or a wrong --dir, is seen at once)
            r.errors.append(M.tr("cf.image_missing", path=where, name=shown_name(name), folder=path.parent))
        return None
    return path
