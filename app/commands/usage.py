"""argparse's own words (usage errors, help headings) in the user's language.

argparse takes them through gettext, and Python ships no French catalogue for it: a technician who
mistyped a command read « error: the following arguments are required » under French help texts.
These are the texts of Python 3.11's argparse that a user can meet, keyed by the English original;
any other text (a future Python's) stays in English rather than failing.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from app import i18n
from app import messages as M

FRENCH = {
    "usage: ": "utilisation : ",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "the following arguments are required: %s": "il manque : %s",
    "one of the arguments %s is required": "il faut l'un des arguments %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix inconnu : %(value)r (au choix : %(choices)s)",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "commande inconnue : %(parser_name)r (au choix : "
    "%(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "expected one argument": "il faut une valeur",
    "expected at most one argument": "une valeur au plus",
    "expected at least one argument": "il faut au moins une valeur",
    "expected %s argument": "il faut %s valeur",
    "expected %s arguments": "il faut %s valeurs",
    "not allowed with argument %s": "pas avec l'argument %s",
    "ignored explicit argument %r": "valeur en trop : %r",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut être %(matches)s",
    "unexpected option string: %s": "option inattendue : %s",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "affiche cette aide",
}
M.add(
    {
        "cli.version_help": {"fr": "affiche la version", "en": "show the program's version"},
        "cli.seconds": {
            "fr": "« {value} » : il faut un nombre de secondes, 0 ou plus (par exemple 30)",
            "en": "“{value}”: a number of seconds is expected, 0 or more (e.g. 30)",
        },
        "cli.port": {
            "fr": "« {value} » : il faut un numéro de port, de 0 à 65535 (0 : un port libre)",
            "en": "“{value}”: a port number is expected, from 0 to 65535 (0: any free port)",
        },
    }
)


def seconds(text: str) -> float:
    """argparse's type of a duration (``--timeout S``, ``--answer-after S``): a finite number, 0 or more. A
    negative one ran on as nothing, ``inf`` ended in an internal error, ``nan`` never stopped."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(M.tr("cli.seconds", value=text))
    return value


def port(text: str) -> int:
    """argparse's type of a TCP port: 0 (any free port) to 65535; 99999 ended in an internal error."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(M.tr("cli.port", value=text))
    return value


def speak_the_users_language() -> None:
    """Give argparse the user's language, before the parser is built (its headings are made then)."""
    table = FRENCH if i18n.language() == "fr" else {}
    argparse._ = _translator(table)  # type: ignore[attr-defined]  # argparse's module-level gettext
    argparse.ngettext = _plural_translator(table)  # type: ignore[attr-defined]


def _translator(table: dict[str, str]) -> Callable[[str], str]:
    return lambda text: table.get(text, text)


def _plural_translator(table: dict[str, str]) -> Callable[[str, str, int], str]:
    def ngettext(singular: str, plural: str, count: int) -> str:
        text = singular if count == 1 else plural
        return table.get(text, text)

    return ngettext
