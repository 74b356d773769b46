"""The specialty forms: what each expert asks for, and the checking of the answers given.

The forms are FHIR R4 Questionnaires shipped in ``resources/forms/<specialty>.json``, written in
French with the English text in the standard translation extension. A case file holds the answers
as plain JSON by ``linkId`` (docs/cli.md); this module checks them, turns them into
``QuestionnaireResponse.item`` for the platform and into words for the report and the window.

An item may be enabled only by the answers to others (``enableWhen``; what the forms use: the
``exists`` operator, under ``enableBehavior`` ``all`` or ``any``). A disabled item is not asked for,
even when required; an answer it holds (typed before it was disabled) is kept in the case but neither
checked, nor sent, nor shown: FHIR wants no answer for a disabled item in a QuestionnaireResponse.

Only the standard library is used: fhir.resources is slow to import and only the tests need it.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib.resources import files
from typing import Any

from app.findings import Finding
from app.i18n import Catalogue, language

FORM_SPECIALTIES: tuple[str, ...] = ("dermatology", "ophthalmology", "wound-care", "other")

_TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
_UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
_MIN = "http://hl7.org/fhir/StructureDefinition/minValue"
_MAX = "http://hl7.org/fhir/StructureDefinition/maxValue"
#: On the Questionnaire: one per image view (or retina field) the expert wants, and whether it is
#: required (app/views.py turns these into the checklist of views).
EXPECTED_VIEW = "https://teleavis.fr/fhir/StructureDefinition/expected-view"
#: An item the expert uses but a case may go without: left unanswered, a warning (never blocking).
ADVISED = "https://teleavis.fr/fhir/StructureDefinition/advised"
# FHIR ``integer`` is a signed 32-bit number; a bigger one would be refused by the platform.
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
# ``date.fromisoformat`` also takes "20240203" and week dates; the case file wants YYYY-MM-DD only.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TEXT_TYPES = frozenset({"string", "text"})

_MESSAGES = Catalogue(
    "forms",
    {
        "unknown": {
            "fr": "Le formulaire « {form} » n'a pas de question « {link_id} ».",
            "en": "The form “{form}” has no question “{link_id}”.",
        },
        "required": {
            "fr": "Répondez à la question « {question} » : l'expert en a besoin.",
            "en": "Answer the question “{question}”: the expert needs it.",
        },
        "advised": {
            "fr": "« {question} » sans réponse : l'expert s'en sert, répondez si vous le savez.",
            "en": "“{question}” not answered: the expert uses it, answer it if you know.",
        },
        "type.boolean": {
            "fr": "La réponse à « {question} » doit être oui ou non.",
            "en": "The answer to “{question}” must be yes or no.",
        },
        "type.integer": {
            "fr": "La réponse à « {question} » doit être un nombre entier.",
            "en": "The answer to “{question}” must be a whole number.",
        },
        "type.decimal": {
            "fr": "La réponse à « {question} » doit être un nombre.",
            "en": "The answer to “{question}” must be a number.",
        },
        "type.decimal_fraction": {
            "fr": "La réponse à « {question} » doit être un nombre décimal : écrivez 0,8 pour 8/10.",
            "en": "The answer to “{question}” must be a decimal number: write 0.8 for 8/10.",
        },
        "type.text": {
            "fr": "La réponse à « {question} » doit être un texte.",
            "en": "The answer to “{question}” must be text.",
        },
        "type.date": {
            "fr": "La réponse à « {question} » doit être une date existante écrite AAAA-MM-JJ.",
            "en": "The answer to “{question}” must be a real date written YYYY-MM-DD.",
        },
        "type.choice": {
            "fr": "La réponse à « {question} » doit être le code d'une des options ({codes}).",
            "en": "The answer to “{question}” must be the code of one of the options ({codes}).",
        },
        "option": {
            "fr": "La réponse à « {question} » n'est pas une des options proposées ({codes}).",
            "en": "The answer to “{question}” is not one of the options offered ({codes}).",
        },
        "range.between": {
            "fr": "La réponse à « {question} » doit être comprise entre {min} et {max}.",
            "en": "The answer to “{question}” must be between {min} and {max}.",
        },
        "range.min": {
            "fr": "La réponse à « {question} » doit être au moins {min}.",
            "en": "The answer to “{question}” must be at least {min}.",
        },
        "range.max": {
            "fr": "La réponse à « {question} » doit être au plus {max}.",
            "en": "The answer to “{question}” must be at most {max}.",
        },
        "yes": {"fr": "Oui", "en": "Yes"},
        "no": {"fr": "Non", "en": "No"},
    },
)


def _say(lang: str, key: str, /, **params: object) -> str:
    return _MESSAGES.tr_in(key, lang, **params)


Number = int | float


#: A question that writes its values as a fraction (« en décimal (8/10 = 0,8) »): the acuity's. Only such a
#: question reads « 8/10 » typed as 0.8; a fraction anywhere else is no value of it (« 5/3 » in a wound's length).
_WRITES_FRACTION = re.compile(r"\d/\d")


def _takes_fraction(kind: str, text: str) -> bool:
    return kind == "decimal" and _WRITES_FRACTION.search(text) is not None


@dataclass(frozen=True)
class FormItem:
    """One question as the window shows it, in one language."""

    link_id: str
    text: str
    type: str  # boolean, integer, decimal, string, text, date or choice
    required: bool
    options: list[tuple[str, str]] = field(default_factory=list)  # (code, display)
    unit: str | None = None
    min: Number | None = None
    max: Number | None = None

    @property
    def takes_fraction(self) -> bool:
        """Whether « 8/10 » typed is the decimal it means (the question writes it so)."""
        return _takes_fraction(self.type, self.text)

    @property
    def label(self) -> str:
        """The question with its unit said once: « Longueur de la plaie (cm) », never « (cm) (cm) »; a
        question that already says its unit in brackets (« … (en années) ») gets none added."""
        if not self.unit or self.text.rstrip().endswith(")"):
            return self.text
        return f"{self.text} ({self.unit})"


@dataclass(frozen=True)
class _Option:
    system: str
    code: str
    display: Mapping[str, str]  # by language


@dataclass(frozen=True)
class _Condition:
    """One ``enableWhen``: met when whether ``question`` has an answer is ``exists``."""

    question: str
    exists: bool


@dataclass(frozen=True)
class _Question:
    link_id: str
    text: Mapping[str, str]
    type: str
    required: bool
    options: tuple[_Option, ...]
    advised: bool
    unit: Mapping[str, str] | None
    min: Number | None
    max: Number | None
    enable_when: tuple[_Condition, ...] = ()
    enable_any: bool = False  # enableBehavior "any" (else "all")

    def text_in(self, lang: str) -> str:
        return self.text.get(lang) or self.text["fr"]

    def option(self, code: str) -> _Option | None:
        return next((o for o in self.options if o.code == code), None)


def load_form(specialty: str) -> dict[str, Any]:
    """The Questionnaire of ``specialty`` as parsed JSON (a fresh copy: callers may change it).

    Raises ``ValueError`` for a specialty the app has no form for.
    """
    return copy.deepcopy(_form(specialty))


def form_url(specialty: str) -> str:
    """The canonical URL of the form, for ``QuestionnaireResponse.questionnaire``."""
    url = _form(specialty)["url"]
    assert isinstance(url, str)
    return url


def form_items(specialty: str, lang: str) -> list[FormItem]:
    """The questions of the form in order, in ``lang`` (French when a text has no translation)."""
    return [
        FormItem(
            link_id=q.link_id,
            text=q.text_in(lang),
            type=q.type,
            required=q.required,
            options=[(o.code, o.display.get(lang) or o.display["fr"]) for o in q.options],
            unit=(q.unit.get(lang) or q.unit["fr"]) if q.unit else None,
            min=q.min,
            max=q.max,
        )
        for q in _questions(specialty)
    ]


@functools.cache
def expected_views(specialty: str) -> tuple[tuple[str, bool], ...]:
    """The views (or retina fields) the form of ``specialty`` asks for, each with whether it is
    required, in the form's order: ``(("far", True), ("close-up", True), ("medium", False), …)``."""
    views: list[tuple[str, bool]] = []
    for ext in _form(specialty).get("extension", []):
        if ext.get("url") != EXPECTED_VIEW:
            continue
        parts = {part.get("url"): part for part in ext.get("extension", [])}
        view = parts.get("view", {}).get("valueCode")
        required = parts.get("required", {}).get("valueBoolean", False)
        if isinstance(view, str) and view:
            views.append((view, required is True))
    return tuple(views)


def enabled_items(specialty: str, answers: Mapping[str, Any]) -> set[str]:
    """The linkIds of the questions that ``answers`` enable (every question without ``enableWhen``).
    A question counts as answered when its answer is a right one and it is itself enabled: what a
    QuestionnaireResponse made of these answers holds."""
    questions = {q.link_id: q for q in _questions(specialty)}
    known: dict[str, bool] = {}

    def enabled(q: _Question, seen: frozenset[str]) -> bool:
        if q.link_id not in known:
            if q.link_id in seen:  # the form's conditions go round in a circle: a bug in the form
                raise ValueError(f"form item {q.link_id!r} is enabled by itself, through its enableWhen")
            met = [answered(questions[c.question], seen | {q.link_id}) is c.exists for c in q.enable_when]
            known[q.link_id] = (any(met) if q.enable_any else all(met)) if met else True
        return known[q.link_id]

    def answered(q: _Question, seen: frozenset[str]) -> bool:
        value = answers.get(q.link_id)
        return not _unanswered(value) and _problem(q, value, "en") is None and enabled(q, seen)

    return {q.link_id for q in questions.values() if enabled(q, frozenset())}


def whole_numbers(specialty: str, answers: dict[str, Any]) -> dict[str, Any]:
    """``answers`` with a whole number written with a decimal point (``3.0``, as a spreadsheet's export or a
    language whose numbers are all floats writes it) made the integer it is, for the questions FHIR types
    ``integer``: JSON holds the same number, a person reads 3, and R4's ``valueInteger`` takes only 3."""
    integers = {q.link_id for q in _questions(specialty) if q.type == "integer"}
    return {
        link_id: int(value)
        if link_id in integers and isinstance(value, float) and math.isfinite(value) and value.is_integer()
        else value
        for link_id, value in answers.items()
    }


def check_answers(specialty: str, answers: dict[str, Any], lang: str | None = None) -> list[Finding]:
    """Every problem with ``answers`` (case-file JSON by linkId): wrong values, unknown questions,
    and required questions left unanswered. Messages name the question, never the answer."""
    lang = lang or language()
    questions = _questions(specialty)
    known = {q.link_id for q in questions}
    enabled = enabled_items(specialty, answers)
    findings: list[Finding] = []
    for q in questions:
        if q.link_id not in enabled:
            continue  # not asked: neither required nor checked, and not sent
        value = answers.get(q.link_id)
        if _unanswered(value):
            if q.required:
                findings.append(
                    Finding(
                        "form.required",
                        f"form.{q.link_id}",
                        _say(lang, "required", question=q.text_in(lang)),
                        "missing",
                    )
                )
            elif q.advised:
                findings.append(
                    Finding(
                        "form.advised", f"form.{q.link_id}", _say(lang, "advised", question=q.text_in(lang)), "warning"
                    )
                )
            continue
        problem = _problem(q, value, lang)
        if problem is not None:
            findings.append(Finding(problem[0], f"form.{q.link_id}", problem[1], "error"))
    title = _title(specialty, lang)
    for key in answers:
        if key not in known:
            findings.append(
                Finding(
                    "form.unknown",
                    f"form.{key}",
                    _say(lang, "unknown", form=title, link_id=key),
                    "error",
                )
            )
    return findings


def response_items(specialty: str, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """``QuestionnaireResponse.item`` for the answered questions, in form order.

    Raises ``ValueError`` when an answer is wrong: check the answers first (``check_answers``).
    """
    items: list[dict[str, Any]] = []
    for q, value in _valid_answers(specialty, answers, strict=True):
        if q.type == "choice":
            option = q.option(value)
            assert option is not None
            answer: dict[str, Any] = {
                "valueCoding": {"system": option.system, "code": option.code, "display": option.display["fr"]}
            }
        elif q.type in _TEXT_TYPES:
            answer = {"valueString": value.strip()}
        else:
            answer = {_VALUE_KEYS[q.type]: value}
        items.append({"linkId": q.link_id, "text": q.text_in("fr"), "answer": [answer]})
    return items


def unit_words(unit: str, value: float, lang: str) -> str:
    """A unit as a sentence says it after its figure: a form's « an(s) » (« year(s) »), written so for a
    label, is « 1 an », « 20 ans » (« 1 year », « 20 years »); in French the plural begins at 2, in English
    anywhere but 1. Any other unit (« % », « cm ») is said as written."""
    if not unit.endswith("(s)"):
        return unit
    plural = abs(value) >= 2 if lang == "fr" else abs(value) != 1
    return unit[:-3] + ("s" if plural else "")


def display_answers(specialty: str, answers: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """(question, answer in words) for the answered questions, in form order, for the report and
    the window. Wrong answers are left out: they show as findings instead."""
    shown: list[tuple[str, str]] = []
    for q, value in _valid_answers(specialty, answers, strict=False):
        if q.type == "boolean":
            words = _say(lang, "yes" if value else "no")
        elif q.type == "choice":
            option = q.option(value)
            assert option is not None
            words = option.display.get(lang) or option.display["fr"]
        elif q.type in ("integer", "decimal"):
            words = number_words(value, lang)
            if q.unit:
                words = f"{words} {unit_words(q.unit.get(lang) or q.unit['fr'], value, lang)}"
        elif q.type == "date":
            words = date.fromisoformat(value).strftime("%d/%m/%Y") if lang == "fr" else value
        else:
            words = value.strip()
        shown.append((q.text_in(lang), words))
    return shown


_VALUE_KEYS = {
    "boolean": "valueBoolean",
    "integer": "valueInteger",
    "decimal": "valueDecimal",
    "date": "valueDate",
}


def _valid_answers(specialty: str, answers: dict[str, Any], *, strict: bool) -> Iterator[tuple[_Question, Any]]:
    enabled = enabled_items(specialty, answers)
    for q in _questions(specialty):
        if q.link_id not in enabled:
            continue
        value = answers.get(q.link_id)
        if _unanswered(value):
            continue
        if _problem(q, value, "en") is not None:
            if strict:
                raise ValueError(f"the answer to {specialty} form item {q.link_id!r} is not valid")
            continue
        yield q, value


def _unanswered(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _problem(q: _Question, value: Any, lang: str) -> tuple[str, str] | None:
    """(code, message) when ``value`` does not fit question ``q``; None when it does."""
    question = q.text_in(lang)
    if q.type == "boolean":
        ok = isinstance(value, bool)
    elif q.type == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif q.type == "decimal":
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    elif q.type in _TEXT_TYPES:
        return None if isinstance(value, str) else ("form.type", _say(lang, "type.text", question=question))
    elif q.type == "date":
        ok = isinstance(value, str) and _is_date(value)
    elif q.type == "choice":
        codes = ", ".join(o.code for o in q.options)
        if not isinstance(value, str):
            return "form.type", _say(lang, "type.choice", question=question, codes=codes)
        if q.option(value) is None:
            return "form.option", _say(lang, "option", question=question, codes=codes)
        return None
    else:  # a form item type this module does not know how to check: a bug in the form
        raise ValueError(f"form item {q.link_id!r} has an unsupported type {q.type!r}")
    if not ok:
        # A fraction the window could not read as one (« 8/0 »), or written so in a case file: what to write.
        fraction = _takes_fraction(q.type, q.text_in("fr")) and isinstance(value, str) and "/" in value
        return "form.type", _say(lang, "type.decimal_fraction" if fraction else f"type.{q.type}", question=question)
    if q.type in ("integer", "decimal"):
        return _range_problem(q, value, lang)
    return None


def _range_problem(q: _Question, value: Number, lang: str) -> tuple[str, str] | None:
    low, high = q.min, q.max
    if q.type == "integer":  # whatever the form says, FHIR integers are 32-bit
        low = _INT_MIN if low is None else max(low, _INT_MIN)
        high = _INT_MAX if high is None else min(high, _INT_MAX)
    too_low = low is not None and value < low
    too_high = high is not None and value > high
    if not (too_low or too_high):
        return None
    if q.min is not None and q.max is not None:
        key = "range.between"
    else:
        key = "range.min" if too_low else "range.max"
    return "form.range", _say(
        lang,
        key,
        question=q.text_in(lang),
        min=number_words(low, lang) if low is not None else "",
        max=number_words(high, lang) if high is not None else "",
    )


def _is_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def number_words(value: Number, lang: str) -> str:
    """A number as people write it: positional (never "1e-05"), no trailing ".0", French comma."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value) if isinstance(value, int) else format(Decimal(repr(value)), "f")
    return text.replace(".", ",") if lang == "fr" else text


def _translations(primary: Any, element: Any) -> dict[str, str]:
    """{lang: text} from a FHIR string and its ``_element`` translation extensions."""
    texts = {"fr": str(primary)}
    if isinstance(element, dict):
        for ext in element.get("extension", []):
            if ext.get("url") != _TRANSLATION:
                continue
            parts = {e.get("url"): e for e in ext.get("extension", [])}
            lang = parts.get("lang", {}).get("valueCode")
            content = parts.get("content", {}).get("valueString")
            if isinstance(lang, str) and isinstance(content, str):
                texts[lang] = content
    return texts


@functools.cache
def _form(specialty: str) -> dict[str, Any]:
    if specialty not in FORM_SPECIALTIES:
        raise ValueError(f"no form for specialty {specialty!r}")
    source = files("resources") / "forms" / f"{specialty}.json"
    form = json.loads(source.read_text(encoding="utf-8"))
    assert isinstance(form, dict)
    return form


def _title(specialty: str, lang: str) -> str:
    form = _form(specialty)
    titles = _translations(form["title"], form.get("_title"))
    return titles.get(lang) or titles["fr"]


@functools.cache
def _questions(specialty: str) -> tuple[_Question, ...]:
    questions = tuple(_question(item) for item in _flatten(_form(specialty).get("item", [])))
    link_ids = {q.link_id for q in questions}
    for q in questions:
        for condition in q.enable_when:
            if condition.question not in link_ids:
                raise ValueError(f"form item {q.link_id!r} is enabled by {condition.question!r}, not in the form")
    return questions


def _flatten(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The answerable items, groups opened in place and display-only items left out."""
    for item in items:
        if item["type"] == "group":
            yield from _flatten(item.get("item", []))
        elif item["type"] != "display":
            yield item


def _question(item: dict[str, Any]) -> _Question:
    extensions = {ext["url"]: ext for ext in item.get("extension", [])}
    unit_ext = extensions.get(_UNIT)
    unit = None
    if unit_ext is not None:
        coding = unit_ext["valueCoding"]
        unit = _translations(coding.get("display", coding["code"]), coding.get("_display"))
    options = tuple(
        _Option(
            system=coding["system"],
            code=coding["code"],
            display=_translations(coding["display"], coding.get("_display")),
        )
        for coding in (option["valueCoding"] for option in item.get("answerOption", []))
    )
    return _Question(
        link_id=item["linkId"],
        text=_translations(item["text"], item.get("_text")),
        type=item["type"],
        required=bool(item.get("required", False)),
        options=options,
        advised=extensions.get(ADVISED, {}).get("valueBoolean") is True,
        unit=unit,
        min=_bound(extensions.get(_MIN)),
        max=_bound(extensions.get(_MAX)),
        enable_when=tuple(_condition(item["linkId"], c) for c in item.get("enableWhen", [])),
        enable_any=_enable_any(item),
    )


def _condition(link_id: str, condition: dict[str, Any]) -> _Condition:
    """An ``enableWhen`` of the kind the forms use; another kind is refused, never ignored (the item
    would be asked for, and sent, when its form says it is not)."""
    exists = condition.get("answerBoolean")
    question = condition.get("question")
    if condition.get("operator") != "exists" or not isinstance(exists, bool) or not isinstance(question, str):
        raise ValueError(f"form item {link_id!r} has an enableWhen this module does not read: {condition!r}")
    return _Condition(question, exists)


def _enable_any(item: dict[str, Any]) -> bool:
    behavior: object = item.get("enableBehavior", "all")
    if behavior not in ("all", "any"):
        raise ValueError(f"form item {item['linkId']!r} has an enableBehavior this module does not read: {behavior!r}")
    return behavior == "any"


def _bound(ext: dict[str, Any] | None) -> Number | None:
    if ext is None:
        return None
    value = ext.get("valueInteger", ext.get("valueDecimal"))
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None
