"""One name for training in every word a nurse reads: found from outside, « Dossier préparé en mode formation »
on the case page and « Dossier d'entraînement » in the worklist's tooltip, `case show` and the follow-up notes
(and « dossier d'essai » besides) read as two different things. « formation » everywhere (README, `[formation]`
in `case list`), « Training » in English."""

from __future__ import annotations

import re
from pathlib import Path

import app.commands.cases  # noqa: F401  (their words join the catalogue)
import sync.follow  # noqa: F401
from app import messages

ROOT = Path(__file__).resolve().parents[1]
#: The training words that are not « formation »: « d'entraînement », « dossier(s) d'essai », « practice case ».
OTHER_NAMES = re.compile(r"d'entra[îi]nement|dossiers? d'essai|practice case|test case", re.IGNORECASE)


def test_the_catalogue_names_training_one_way() -> None:
    found = [
        (key, words)
        for key, by_language in messages.CATALOGUE.items()
        for words in by_language.values()
        if OTHER_NAMES.search(words)
    ]
    assert not found, found


def test_the_windows_words_name_training_one_way() -> None:
    sources = re.findall(r"<source>(.*?)</source>", (ROOT / "resources/i18n/teleavis_en.ts").read_text("utf-8"), re.S)
    translations = re.findall(
        r"<translation>(.*?)</translation>", (ROOT / "resources/i18n/teleavis_en.ts").read_text("utf-8"), re.S
    )
    found = [words for words in sources + translations if OTHER_NAMES.search(words.replace("&apos;", "'"))]
    assert not found, found


def test_the_guides_name_training_one_way() -> None:
    for doc in ("README.md", "docs/user-guide.fr.md"):
        text = (ROOT / doc).read_text("utf-8")
        assert not OTHER_NAMES.search(text), (doc, OTHER_NAMES.findall(text))
