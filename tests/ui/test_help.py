"""The Aide menu: the user guide, from the installed docs, shown in the user's language; "À propos"
with the version, the licence, the data folder and the platform."""

from __future__ import annotations

import platform
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QMessageBox

import app
from app.store import Store
from tests.support.ui import activate
from ui.application import install_language
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["fr", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_language(qapp, request.param)
    yield request.param
    install_language(qapp, "fr")


def when_modal(kind: type, seen: list[Any], read: Any) -> None:
    """Once a modal window of ``kind`` is up: note what ``read`` says of it, and close it."""
    widget = QApplication.activeModalWidget()
    if not isinstance(widget, kind):
        QTimer.singleShot(50, lambda: when_modal(kind, seen, read))
        return
    seen.append(read(widget))
    widget.reject() if hasattr(widget, "reject") else widget.close()


def test_f1_opens_the_installed_user_guide_in_the_users_language(
    qtbot: Any, store: Store, sync_runner: None, language: str
) -> None:
    from ui.help_dialogs import UserGuide

    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    seen: list[Any] = []
    shot = QUrl(f"screenshots/{language}-worklist.png")  # as the guide names it, beside itself
    QTimer.singleShot(
        50,
        lambda: when_modal(
            UserGuide,
            seen,
            lambda guide: (
                guide.browser.toPlainText(),
                guide.browser.loadResource(QTextDocument.ResourceType.ImageResource, shot),
            ),
        ),
    )
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_F1)
    assert seen, "F1 opened no guide"
    text, picture = seen[0]
    heading = {"fr": "Un dossier de dermatologie", "en": "A dermatology case"}[language]
    assert heading in text and "##" not in text, "the guide is shown rendered, in the user's language"
    assert picture, "the guide's screenshots are found beside it"
    window.shutdown()


def test_about_says_version_licence_data_folder_and_platform(qtbot: Any, store: Store, sync_runner: None) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    about = next(a for a in window.menuBar().actions()[-1].menu().actions() if "propos" in a.text())
    seen: list[str] = []
    QTimer.singleShot(50, lambda: when_modal(QMessageBox, seen, lambda box: box.text()))
    about.trigger()
    assert seen
    words = re.sub(r"<[^>]+>", " ", seen[0]).replace("&nbsp;", " ")
    assert app.__version__ in words and "propriétaire" in words
    assert str(store.data_dir) in words and platform.system() in words
    window.shutdown()


def test_the_licence_shown_is_the_packages_and_packaging_ships_the_guides() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert app.__license__ == project["license"]
    from ui import resources

    for lang in ("fr", "en"):
        guide = resources.user_guide(lang)
        assert guide is not None and guide.name == f"user-guide.{lang}.md"
        # The bundle keeps the same layout: docs/ beside resources/, as the spec lists them.
        assert guide.parent == resources.ROOT.parent / "docs"
    spec = (ROOT / "packaging" / "teleavis.spec").read_text()
    assert 'docs.glob("user-guide.*.md")' in spec and '"docs/screenshots"' in spec


def test_about_says_where_the_installed_program_keeps_its_parts_licences(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.help_dialogs import about_text, licences_folder

    assert licences_folder() is None, "run from the sources: no licences folder beside the interpreter"
    (tmp_path / "licenses").mkdir()
    (tmp_path / "licenses" / "THIRD-PARTY.txt").write_text("PySide6 …\n")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "teleavis"))  # the bundle's program
    found = licences_folder()
    assert found == (tmp_path / "licenses").resolve()
    words = re.sub(r"<[^>]+>", " ", about_text(store, found))
    assert str(found / "THIRD-PARTY.txt") in words and "Qt (LGPL-3.0)" in words


def test_every_menu_path_the_guide_names_is_in_the_windows_menus(
    qtbot: Any, store: Store, sync_runner: None, language: str
) -> None:
    """Found from outside: the English guide said *Cases > Synchronise now* where the menu says "Sync
    now". Each *Menu > Item* a guide names is one the window shows, in the guide's language (the
    shortcut's underline and a trailing « … » aside)."""

    def plain(text: str) -> str:
        return text.split("\t")[0].replace("&", "").removesuffix("…").strip()

    guide = (ROOT / "docs" / f"user-guide.{language}.md").read_text(encoding="utf-8")
    paths = re.findall(r"(?<![*\w])\*([^*\n]+ > [^*\n]+)\*", guide)
    assert len(paths) >= 5, paths
    window = MainWindow(store)
    qtbot.addWidget(window)
    menus = {
        plain(top.text()): {plain(item.text()) for item in top.menu().actions() if not item.isSeparator()}
        for top in window.menuBar().actions()
        if top.menu() is not None
    }
    window.shutdown()
    absent = []
    for path in paths:
        menu, _, item = (part.strip() for part in path.partition(" > "))
        if plain(item) not in menus.get(menu, set()):
            absent.append(path)
    assert not absent, f"named in the guide, not in the menus {menus}: {absent}"
