"""The window's settings (wizard, settings dialog) refuse what ``config set`` refuses, saying it under the field:
found in review, a CA file missing, a folder or not PEM was saved there, and said only by the next sync."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import certifi
import pytest
from PySide6.QtWidgets import QApplication

from app.store import Store
from tests.conftest import PASSPHRASE
from ui.application import install_language

URL = "https://plateforme.example/fhir"


@pytest.fixture
def pem(tmp_path: Path) -> Path:
    """A real file of PEM certificates (certifi's), where a nurse would keep the one the support gave."""
    copy = tmp_path / "autorite.pem"
    shutil.copyfile(certifi.where(), copy)
    return copy


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    install_language(qapp, "en")
    yield
    install_language(qapp, "fr")


def _form(qtbot: Any, store: Store) -> Any:
    from ui.setup_forms import PlatformForm

    form = PlatformForm(store)
    qtbot.addWidget(form)
    form.real.setChecked(True)
    form.url.setText(URL)
    return form


def test_the_platform_form_refuses_a_ca_file_that_cannot_work_and_says_it_under_the_field(
    qtbot: Any, store: Store, tmp_path: Path, pem: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("pas un certificat\n", encoding="utf-8")
    refused = {
        str(tmp_path / "absent.pem"): "introuvable",
        str(tmp_path): "n'est pas un fichier",
        str(notes): "format PEM",
    }
    form = _form(qtbot, store)
    form.show()
    for typed, said in refused.items():
        form.ca_bundle.setText(typed)
        assert form.save() is False, typed
        assert form.ca_problem.isVisible() and said in form.ca_problem.text(), form.ca_problem.text()
        assert typed in form.ca_problem.text() and "Rien n'a été enregistré" in form.ca_problem.text()
        assert form.ca_bundle.text() == typed  # nothing typed lost
        assert store.settings.get("platform.ca_bundle") == "" and store.settings.get("platform.url") == ""
    form.ca_bundle.setText(str(pem))
    assert not form.ca_problem.isVisible()  # said until corrected, gone once right
    assert form.save() is True
    assert store.settings.get("platform.ca_bundle") == str(pem)
    assert store.settings.get("platform.url") == URL


def test_a_ca_file_given_relative_is_kept_whole_as_the_command_keeps_it(
    qtbot: Any, store: Store, pem: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(pem.parent)
    form = _form(qtbot, store)
    form.ca_bundle.setText(pem.name)
    assert form.save() is True
    assert store.settings.get("platform.ca_bundle") == str(pem)


def test_the_ca_file_is_said_in_english_when_the_window_speaks_english(
    qtbot: Any, store: Store, tmp_path: Path, english: None
) -> None:
    form = _form(qtbot, store)
    form.ca_bundle.setText(str(tmp_path / "absent.pem"))
    assert form.save() is False
    assert "cannot be found" in form.ca_problem.text() and "Nothing was saved" in form.ca_problem.text()


def test_the_settings_dialog_saves_nothing_while_the_ca_file_cannot_work(
    qtbot: Any, store: Store, tmp_path: Path, pem: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site was saved before the platform was refused: half of what was typed was kept."""
    from ui.settings_dialog import SettingsDialog

    before = store.settings.get("site.requester")
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.site.organization.setText("EHPAD Les Tilleuls (nouveau nom)")
    dialog.platform.real.setChecked(True)
    dialog.platform.url.setText(URL)
    dialog.platform.ca_bundle.setText(str(tmp_path))  # a folder, not the file in it
    dialog.platform_code.setText(PASSPHRASE)  # where the cases go changes: asked (tests/ui/test_platform_guard.py)
    dialog.save()
    assert dialog.isVisible() and dialog.result() == 0
    assert dialog.tabs.currentIndex() == dialog.platform_tab
    assert "n'est pas un fichier" in dialog.platform.ca_problem.text()
    assert store.settings.get("site.requester") == before
    assert store.settings.get("platform.ca_bundle") == "" and store.settings.get("platform.url") == ""
    assert dialog.site.organization.text() == "EHPAD Les Tilleuls (nouveau nom)"

    monkeypatch.chdir(tmp_path)
    (tmp_path / "sauvegardes").mkdir()
    dialog.backup.setText("sauvegardes")
    dialog.platform.ca_bundle.setText(str(pem))
    dialog.save()
    assert dialog.result() == 1
    assert store.settings.get("platform.ca_bundle") == str(pem)
    assert store.settings.get("site.requester")["organization"] == "EHPAD Les Tilleuls (nouveau nom)"
    assert store.settings.get("backup.folder") == os.path.join(tmp_path, "sauvegardes")  # kept whole


def test_the_settings_boxes_are_bounded_as_the_command_bounds_them(qtbot: Any, store: Store) -> None:
    from app.setting_checks import RANGES
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    for box, key in ((dialog.lock_minutes, "lock.minutes"), (dialog.backup_hours, "backup.every_hours")):
        assert (box.minimum(), box.maximum()) == RANGES[key][:2]


def test_the_wizard_stays_on_the_platform_page_while_the_ca_file_cannot_work(
    qtbot: Any, store: Store, tmp_path: Path, pem: Path
) -> None:
    from ui.setup_wizard import SetupWizard

    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    platform_page = wizard.pageIds()[2]
    while wizard.currentId() != platform_page:
        wizard.next()
    form = wizard.platform
    form.real.setChecked(True)
    form.url.setText(URL)
    form.ca_bundle.setText(str(tmp_path / "absent.pem"))
    assert not wizard.validateCurrentPage()  # what « Suivant » or « Commencer » asks (its last page, here)
    assert store.settings.get("platform.ca_bundle") == "" and store.settings.get("platform.url") == ""
    assert "introuvable" in form.ca_problem.text() and form.ca_problem.isVisible() and form.ca_bundle.hasFocus()
    form.ca_bundle.setText(str(pem))
    assert wizard.validateCurrentPage()
    assert store.settings.get("platform.ca_bundle") == str(pem)


def test_a_ca_file_typed_then_training_chosen_holds_nothing_back(qtbot: Any, store: Store, tmp_path: Path) -> None:
    """Seen at a health centre: a folder typed as the CA file, then « Mode formation » chosen greys the field,
    and « Enregistrer » kept refusing for a field that could no longer be corrected."""
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(dialog.platform_tab)
    form = dialog.platform
    form.real.setChecked(True)
    form.url.setText(URL)
    form.ca_bundle.setText(str(tmp_path))  # a folder, not the file in it
    form.test_button.click()
    assert form.ca_problem.isVisible()
    form.training.setChecked(True)
    assert not form.ca_bundle.isEnabled() and not form.ca_problem.isVisible()
    dialog.site.organization.setText("Centre de santé de Saint-Flour")
    dialog.platform_code.setText(PASSPHRASE)  # the address typed is kept: asked (tests/ui/test_platform_guard.py)
    dialog.save()
    assert dialog.result() == 1
    assert store.settings.get("site.requester")["organization"] == "Centre de santé de Saint-Flour"
    assert store.settings.get("platform.ca_bundle") == "", "a file never checked is not kept"


def test_testing_the_connection_with_a_ca_file_that_cannot_work_never_speaks_of_saving(
    qtbot: Any, store: Store, tmp_path: Path
) -> None:
    """Found from outside: « Tester la connexion » with a CA file missing said « … Rien n'a été enregistré. »:
    the test saves nothing by design, and the words made the nurse believe her settings were lost. The test
    says it was not made; « Enregistrer » still says nothing was saved."""
    form = _form(qtbot, store)
    form.show()
    form.ca_bundle.setText(str(tmp_path / "absent.pem"))
    form.test_button.click()
    said = form.ca_problem.text()
    assert form.ca_problem.isVisible() and "introuvable" in said
    assert "enregistré" not in said, said
    assert "La connexion n'a pas été testée." in said
    form.ca_bundle.setText(str(tmp_path / "autre.pem"))  # corrected (still wrong): said again, of the test
    assert "autre.pem" in form.ca_problem.text() and "enregistré" not in form.ca_problem.text()
    assert form.save() is False
    assert "Rien n'a été enregistré" in form.ca_problem.text()


def test_a_failed_connection_test_never_promises_a_retry(qtbot: Any, store: Store, sync_runner: None) -> None:
    """Found from outside: « Tester la connexion » to a platform out of reach said « Échec : Plateforme
    injoignable (réseau) : nouvel essai automatique. », and the nurse waited for a test that is never made
    again (the sync's words: its cases are retried, a test is not). It says to test again once checked."""
    form = _form(qtbot, store)
    form.url.setText("https://127.0.0.1:9/fhir")  # nothing listens there: refused at once
    form.show()
    form.test_button.click()
    qtbot.waitUntil(lambda: form.result.text().startswith("Échec"), timeout=30_000)
    said = form.result.text()
    assert "injoignable" in said and "automatique" not in said, said
    assert said.endswith("Vérifiez le réglage, puis testez à nouveau."), said


def test_the_retry_is_taken_out_of_each_shape_of_the_syncs_words() -> None:
    from ui.setup_forms import without_retry

    assert without_retry("Platform out of reach (network): retrying automatically.") == (
        "Platform out of reach (network)."
    )
    assert without_retry(
        "La plateforme renvoie sans fin d'une adresse à une autre (redirections en boucle) : nouvel essai "
        "automatique. Si cela dure, signalez-le au support de la plateforme."
    ) == (
        "La plateforme renvoie sans fin d'une adresse à une autre (redirections en boucle). Si cela dure, "
        "signalez-le au support de la plateforme."
    )
    assert without_retry("Conflit (409) : doublon. Nouvel essai automatique, de plus en plus espacé.") == (
        "Conflit (409) : doublon."
    )
    assert without_retry("Jeton refusé (401).") == "Jeton refusé (401)."
