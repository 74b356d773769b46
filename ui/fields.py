"""Binding the editor's widgets to the fields of a case: read, write, and the conversions a user
expects (dates as JJ/MM/AAAA in French, YYYY-MM-DD in English, INS without spaces, numbers with a
comma)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from app.i18n import date_words, language
from app.model import Case

#: What is typed is saved after this pause (started again at each key)…
SAVE_DELAY_MS = 400
#: … and at least this often: the pause alone never came while a nurse typed steadily, and a crash lost
#: the whole paragraph (the editor's fields, and an image's site and note).
SAVE_AT_LEAST_EVERY_MS = 2000
#: A save refused (a full disk) is tried again this long after, until it is written: the words were saved only
#: at the next edit or when the case was left, and a crash in between lost them (found from outside).
SAVE_RETRY_MS = 5000

#: Day, month, year: with « / », « . », « - » or a space between them, or eight figures run together
#: (« 12031948 », as many a form has them typed: found by a nurse's day, refused before).
_FR_DATE = re.compile(r"^\s*(?:(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})|(\d{2})(\d{2})(\d{4}))\s*$")


def date_to_iso(text: str) -> str:
    """``03/02/1950`` → ``1950-02-03`` in French; an ISO date stays; anything else is kept as typed
    (the checklist then says it is invalid). In English only the ISO date is read: « 03/02/1950 » is
    the 2nd of March to many English readers, and a birth date read the wrong way round files the
    patient under another identity."""
    match = _FR_DATE.match(text) if language() == "fr" else None
    if match:
        day, month, year = (int(g) for g in match.groups() if g is not None)
        return f"{year:04d}-{month:02d}-{day:02d}"
    return text.strip()


#: The core's messages name the case file's dates (ISO); the French window's date fields take
#: JJ/MM/AAAA (the English window's take the ISO date the messages already name).
_ISO_WORDS = (("AAAA-MM-JJ", "JJ/MM/AAAA"),)
#: A core message may name the case file's key beside the window's field, for ``case import``:
#: « Nom utilisé » (« used_name » dans un fichier de dossier). The window has only its field.
_FILE_KEY = re.compile(r" \((?:«[ \u00a0][a-z_.]+[ \u00a0]» dans un fichier de dossier|“[a-z_.]+” in a case file)\)")


def window_dates(message: str) -> str:
    """A finding's sentence as the window says it: dates written as its fields take them (the hint and
    the error agree: "JJ/MM/AAAA" in French, "YYYY-MM-DD" in English), and no case file's key."""
    for iso, shown in _ISO_WORDS:
        message = message.replace(iso, shown)
    return _FILE_KEY.sub("", message)


def iso_to_display(value: str) -> str:
    """An ISO date as the window writes it, as ``case show`` and the PDF do: 03/02/1950 in French,
    1950-02-03 in English (never « 03/02/1950 », which an English reader may take for the 2nd of March,
    beside a « 2026-12-04 » on the same row); anything else unchanged."""
    if len(value) != 10:
        return value
    try:
        date.fromisoformat(value)
    except ValueError:
        return value
    return date_words(value, language())


def get_value(case: Case, key: str) -> Any:
    head, _, rest = key.partition(".")
    if head == "patient":
        return getattr(case.patient, rest)
    if head == "consent":
        return getattr(case.consent, rest)
    if head == "form":
        return case.form.get(rest)
    return getattr(case, key)


def set_value(case: Case, key: str, value: Any) -> None:
    head, _, rest = key.partition(".")
    if head == "patient":
        setattr(case.patient, rest, value)
    elif head == "consent":
        setattr(case.consent, rest, value)
    elif head == "form":
        if value is None or value == "":
            case.form.pop(rest, None)
        else:
            case.form[rest] = value
    else:
        setattr(case, key, value)


class Binding:
    """One widget ↔ one field of the case, in model terms (ISO dates, lists, codes)."""

    def __init__(
        self, key: str, widget: QWidget, read: Callable[[], Any], write: Callable[[Any], None], changed: Any
    ) -> None:
        self.key, self.widget = key, widget
        self.read, self._write = read, write
        self.changed = changed  # the widget's signal for a user edit (or a tuple of them)

    def write(self, value: Any) -> None:
        blocked = self.widget.blockSignals(True)
        try:
            self._write(value)
        finally:
            self.widget.blockSignals(blocked)


def text_binding(
    key: str,
    widget: QLineEdit,
    *,
    empty: Any = "",
    to_model: Callable[[str], Any] | None = None,
    to_text: Callable[[Any], str] | None = None,
) -> Binding:
    def read() -> Any:
        text = widget.text()
        if not text.strip():
            return empty
        return to_model(text) if to_model else text

    def write(value: Any) -> None:
        text = "" if value in (None, "") else (to_text(value) if to_text else str(value))
        if widget.text() != text:
            widget.setText(text)

    return Binding(key, widget, read, write, widget.textEdited)


def plain_binding(key: str, widget: QPlainTextEdit, *, empty: Any = "") -> Binding:
    def read() -> Any:
        return widget.toPlainText() or empty

    def write(value: Any) -> None:
        if widget.toPlainText() != (value or ""):
            widget.setPlainText(value or "")

    return Binding(key, widget, read, write, widget.textChanged)


def date_binding(key: str, widget: QLineEdit, *, empty: Any = "") -> Binding:
    return text_binding(key, widget, empty=empty, to_model=date_to_iso, to_text=iso_to_display)


def given_binding(key: str, names: QLineEdit, first: QComboBox) -> Binding:
    """The birth given names as the identity document lists them, and how many of their first words
    make the first given name. Most first names are one word, or hyphenated; some are written with a
    space (« Marie Thérèse »), and only the document tells. The model keeps the first given name
    whole, then the others: ``["Marie Thérèse", "Jeanne"]``."""

    def offer(words: list[str], count: int) -> None:
        first.clear()
        for n in range(1, len(words) + 1):
            first.addItem(" ".join(words[:n]), n)
        first.setEnabled(len(words) > 1)  # (the editor's consent gate may disable its whole box too)
        first.setCurrentIndex(max(0, min(count, len(words)) - 1))

    def read() -> list[str]:
        words = names.text().split()
        count = first.currentData() or 1
        return [" ".join(words[:count]), *words[count:]] if words else []

    def write(value: list[str]) -> None:
        words = " ".join(value).split()
        if names.text().split() != words:
            names.setText(" ".join(words))
        offer(words, len(value[0].split()) if value else 1)

    def names_edited(_text: str) -> None:
        """The first given name keeps its number of words through a typo fixed inside a name (as many
        words as before) or names added or removed after it; a change among its own words that adds or
        removes one (a name put in front) makes it one word again, to be chosen anew."""
        count = first.currentData() or 1
        before = first.itemText(first.count() - 1).split()  # the whole list, as last offered
        words = names.text().split()
        kept = len(words) == len(before) or words[:count] == before[:count]
        offer(words, count if kept else 1)

    names.textEdited.connect(names_edited)  # before the editor's own slot: it reads the new choice
    return Binding(key, names, read, write, (names.textEdited, first.activated))


def combo_binding(key: str, widget: QComboBox) -> Binding:
    """Items carry their model value as user data (``None`` for "not answered")."""

    def write(value: Any) -> None:
        index = widget.findData(value)
        widget.setCurrentIndex(index if index >= 0 else 0)

    return Binding(key, widget, widget.currentData, write, widget.activated)


def check_binding(key: str, widget: QCheckBox) -> Binding:
    return Binding(key, widget, widget.isChecked, lambda v: widget.setChecked(bool(v)), widget.toggled)


def number_to_model(kind: str, *, fractions: bool = False) -> Callable[[str], Any]:
    """The field's text as the form stores it: a number, else the text as typed. With ``fractions`` (a
    decimal question that writes its values so, ``FormItem.takes_fraction``), a fraction is the decimal it
    means (found from outside: « 8/10 » in the acuity field, whose label says « 8/10 = 0,8 », was refused as
    « doit être un nombre »), to three places (2/3: 0,667). Elsewhere it is kept as typed: « 5/3 » in a
    wound's length (5 by 3) was stored 1.667 cm without a word."""

    def convert(text: str) -> Any:
        cleaned = text.strip().replace(",", ".").replace(" ", "")
        try:
            if kind == "integer":
                return int(cleaned)
            if fractions and cleaned.count("/") == 1:
                over, under = (float(part) for part in cleaned.split("/"))
                if under > 0 and math.isfinite(over) and math.isfinite(under):
                    return round(over / under, 3)
                return text.strip()
            return float(cleaned)
        except ValueError:
            return text.strip()  # kept as typed: the checklist says what is wrong

    return convert


def number_to_text(value: Any) -> str:
    """A form's number as the nurse writes it: « 7,4 » in French (as the report prints it), never
    « 1e-05 » nor cut to six digits; text kept as typed (the checklist says what is wrong)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        from app.forms import number_words  # the forms' module: not needed before a case is opened

        return number_words(value, language())
    return str(value)
