"""Counted things are said in the singular or the plural, not « 1 page(s) jointe(s) ».

Found from outside (a nurse's pass): the printed report said « 1 page(s) jointe(s) à la fin de ce
document », the diagnosis « Aucun échec ; 3 point(s) à surveiller »."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import doctor
from app.i18n import Catalogue, set_language

WORDS = Catalogue(
    "test plurals",
    {
        "pages": {"fr": "{n} pages jointes", "en": "{n} pages appended"},
        "pages.one": {"fr": "{n} page jointe", "en": "{n} page appended"},
        "only": {"fr": "{n} fois", "en": "{n} times"},
    },
)


@pytest.mark.parametrize(
    ("lang", "count", "said"),
    [
        ("fr", 0, "0 page jointe"),  # French counts none in the singular
        ("fr", 1, "1 page jointe"),
        ("fr", 2, "2 pages jointes"),
        ("en", 0, "0 pages appended"),
        ("en", 1, "1 page appended"),
        ("en", 12, "12 pages appended"),
    ],
)
def test_a_count_picks_its_form(lang: str, count: int, said: str) -> None:
    assert WORDS.tr_in_count("pages", lang, count, n=count) == said


def test_a_sentence_with_one_form_serves_every_count() -> None:
    assert WORDS.tr_in_count("only", "fr", 1, n=1) == "1 fois"


@pytest.mark.parametrize(
    ("statuses", "said"),
    [
        ([doctor.WARNING], "Aucun échec ; 1 point à surveiller."),
        ([doctor.WARNING] * 3, "Aucun échec ; 3 points à surveiller."),
        ([doctor.FAILED], "1 échec : suivez les conseils ci-dessus, puis relancez le diagnostic."),
    ],
)
def test_the_diagnosis_counts_in_words(statuses: list[str], said: str) -> None:
    set_language("fr")
    try:
        checks = [doctor.Check(f"c{n}", status, "détail") for n, status in enumerate(statuses)]  # type: ignore[arg-type]
        assert doctor.summary(checks) == said
    finally:
        set_language(None)


def test_the_report_counts_the_experts_pages_in_words() -> None:
    from app.report_text import _WORDS

    assert _WORDS.tr_in_count("expert_pdf_appended", "fr", 1, pages=1) == "1 page jointe à la fin de ce document"
    assert _WORDS.tr_in_count("expert_images_after", "fr", 3, count=3) == "3 images, à la fin de ce document"


def test_no_message_of_the_core_or_the_commands_counts_with_a_parenthesis() -> None:
    """Found from outside: the commands said « 3 image(s) », « 1 dossier(s) seraient archivé(s) »,
    « Sauvegarde écrite : … (1 dossier(s), 4 fichier(s) …) »: each count now has its singular and its
    plural (docs/cli.md documents no output with « (s) »)."""
    import importlib
    import pkgutil

    import app
    from app import messages as M

    for info in pkgutil.walk_packages(app.__path__, "app."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)  # every module's messages registered
    parenthesised = [
        (key, lang)
        for catalogue in (M.CATALOGUE, M.COUNTED)
        for key in catalogue
        for lang, text in catalogue[key].items()
        if "(s)" in text or "(nt)" in text
    ]
    assert parenthesised == []


@pytest.mark.parametrize(
    ("what", "lang", "count", "said"),
    [
        ("cases", "fr", 1, "1 dossier"),
        ("cases", "fr", 0, "0 dossier"),
        ("cases", "fr", 3, "3 dossiers"),
        ("cases", "en", 0, "0 cases"),
        ("cases", "en", 1, "1 case"),
        ("audit-entries", "en", 1, "1 audit entry"),
        ("would-archive", "fr", 1, "1 dossier serait archivé"),
        ("would-archive", "fr", 2, "2 dossiers seraient archivés"),
    ],
)
def test_the_commands_count_in_words(what: str, lang: str, count: int, said: str) -> None:
    from app import messages as M

    set_language(lang)
    try:
        assert M.counted(what, count) == said
    finally:
        set_language(None)


def test_audit_verify_counts_its_entries_in_words(teleavis_home: Path, tmp_path: Path) -> None:
    """Found by a newcomer following the README: « Journal d'audit intact : 1 entrées » on a new workstation."""
    from tests.support.cli import SITE, run_process, write_json

    assert run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    french = run_process("audit", "verify")
    assert french.code == 0 and "Journal d'audit intact : 1 entrée, chaîne vérifiée." in french.err, french.err
    english = run_process("audit", "verify", env={"LANG": "en_US.UTF-8"})
    assert "Audit trail intact: 1 entry, chain verified." in english.err, english.err
