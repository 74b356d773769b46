"""The core's messages: one catalogue mechanism, no key registered twice, the system's language."""

from __future__ import annotations

import importlib
import locale
import pkgutil
import plistlib
from pathlib import Path

import pytest

from app import i18n
from app import messages as M
from app.i18n import Catalogue, DuplicateMessage


def test_a_key_registered_twice_is_an_error_not_a_silent_replacement() -> None:
    catalogue = Catalogue("test", {"disk.full": {"fr": "Disque plein.", "en": "Disk full."}})
    with pytest.raises(DuplicateMessage, match=r"disk\.full"):
        catalogue.add({"disk.full": {"fr": "Autre chose.", "en": "Something else."}})
    assert catalogue.tr("disk.full") == "Disque plein."


def test_the_core_catalogue_refuses_a_module_that_reuses_a_key() -> None:
    with pytest.raises(DuplicateMessage):
        M.add({"storage.full": {"fr": "x", "en": "x"}})


def test_a_message_without_its_english_is_refused() -> None:
    with pytest.raises(DuplicateMessage, match="lacks a language"):
        Catalogue("test", {"only.fr": {"fr": "Seulement en français."}})


def test_every_module_of_the_core_registers_its_messages_without_clash() -> None:
    """Importing every module registers every catalogue entry: a clash would raise here."""
    for package in ("app", "capture", "sync"):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            if not info.name.endswith("__main__"):  # running it would serve the sandbox
                importlib.import_module(info.name)
    assert "doctor.title.camera" in M.CATALOGUE


def test_a_message_in_a_chosen_language_and_in_the_users(monkeypatch: pytest.MonkeyPatch) -> None:
    assert M.CATALOGUE.tr_in("storage.full", "en").startswith("The disk is full")
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert M.tr("storage.full").startswith("The disk is full")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert M.tr("storage.full").startswith("Le disque est plein")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "fr"),  # neither: French, the default
    ],
)
def test_posix_variables_decide_first(environ: dict[str, str], expected: str) -> None:
    assert i18n.system_language(environ, platform="linux") == expected


def test_windows_without_variables_follows_the_display_language() -> None:
    """A program started from the Windows desktop gets no LANG: its display language decides."""
    english = next(lcid for lcid, name in locale.windows_locale.items() if name == "en_US")
    french = next(lcid for lcid, name in locale.windows_locale.items() if name == "fr_FR")
    assert i18n.windows_language(english) == "en_US"
    assert i18n.windows_language(french) == "fr_FR"


def test_macos_without_variables_follows_the_preferred_language(tmp_path: Path) -> None:
    preferences = tmp_path / "Library" / "Preferences"
    preferences.mkdir(parents=True)
    with open(preferences / ".GlobalPreferences.plist", "wb") as handle:
        plistlib.dump({"AppleLanguages": ["en-GB", "fr-FR"]}, handle, fmt=plistlib.FMT_BINARY)
    assert i18n.system_language({}, platform="darwin", home=tmp_path) == "en"
    with open(preferences / ".GlobalPreferences.plist", "wb") as handle:
        plistlib.dump({"AppleLanguages": ["fr-FR"]}, handle)
    assert i18n.system_language({}, platform="darwin", home=tmp_path) == "fr"
    assert i18n.system_language({}, platform="darwin", home=tmp_path / "nobody") == "fr"
