"""The first-start wizard with the keyboard: Entrée after "Tester la connexion" goes on, never back."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard

from app.site import own_patient_system
from app.store import Store
from tests.support.ui import activate


def test_enter_after_testing_the_connection_goes_forward(qtbot: Any, store: Store, sync_runner: None) -> None:
    from sync.training import stop_sandboxes
    from ui.setup_wizard import SetupWizard

    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    activate(qtbot, wizard)
    platform_page = wizard.page(wizard.pageIds()[2])
    for _ in range(5):  # Entrée on the welcome and site pages (the site is already filled in)
        if wizard.currentPage() is platform_page:
            break
        qtbot.keyClick(QApplication.focusWidget() or wizard, Qt.Key.Key_Return)
    assert wizard.currentPage() is platform_page
    form = wizard.platform
    assert form.training.isChecked()
    form.test_button.setFocus()
    qtbot.keyClick(form.test_button, Qt.Key.Key_Space)  # "Tester la connexion", from the keyboard
    qtbot.waitUntil(lambda: "Test en cours" not in form.result.text(), timeout=30_000)
    assert "réussie" in form.result.text(), form.result.text()
    page_before = wizard.currentId()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert wizard.currentId() > page_before or wizard.result() == QWizard.DialogCode.Accepted, (
        f"Entrée went to page {wizard.currentId()} from {page_before}"
    )
    stop_sandboxes()


def visible_words(widget: Any) -> str:
    from PySide6.QtWidgets import QLabel

    return "\n".join(label.text() for label in widget.findChildren(QLabel) if label.isVisible())


def test_site_errors_are_words_under_their_field_and_go_once_fixed(qtbot: Any, store: Store, sync_runner: None) -> None:
    from tests.support.ui import REQUESTER, type_text
    from ui.setup_wizard import SetupWizard

    store.settings.set("site.requester", None)  # a new installation: nothing typed yet
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    activate(qtbot, wizard)
    qtbot.keyClick(QApplication.focusWidget() or wizard, Qt.Key.Key_Return)
    site = wizard.site
    site_page = wizard.currentPage()
    assert site.isVisible()
    # The system of local numbers is explained, not bare jargon, and proposed once the FINESS is typed.
    assert site.system.text() == "" and "FINESS" in site.system.placeholderText()
    assert "numéro de dossier" in visible_words(site)

    site.rpps.setFocus()
    type_text(site.rpps, "12345678901")  # a mistyped RPPS (its check digit is wrong)
    qtbot.keyClick(site.rpps, Qt.Key.Key_Return)
    assert wizard.currentPage() is site_page, "a wrong RPPS does not go through"
    words = visible_words(site)
    problem = site.field_problems["rpps"]
    # It has its 11 digits: the sentence says what is wrong, its key (not « compte 11 chiffres »).
    assert "faute de frappe" in problem.text() and "11 chiffres" not in problem.text() and problem.isVisible()
    assert "practitioner" not in words and "organization." not in words and "urn:oid:1.2.250.1.999.1.1)" not in words
    assert site.rpps.hasFocus(), "the keyboard goes to the first field to fix"

    qtbot.keyClick(site.rpps, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(site.rpps, REQUESTER.rpps)
    assert not site.field_problems["rpps"].isVisible(), "fixed: the sentence goes at once"
    for edit, text in (
        (site.family, REQUESTER.family),
        (site.given, "Anne"),
        (site.finess, REQUESTER.finess),
        (site.organization, REQUESTER.organization),
    ):
        edit.setFocus()
        type_text(edit, text)
    assert not any(label.isVisible() for label in site.field_problems.values())
    assert site.system.text() == own_patient_system(REQUESTER.finess)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert wizard.currentPage() is not site_page
    saved = store.settings.get("site.requester")
    assert saved["rpps"] == REQUESTER.rpps and saved["patient_id_system"] == own_patient_system(REQUESTER.finess)


def test_no_two_sites_share_a_system_of_patient_ids_by_default(qtbot: Any, store: Store) -> None:
    """Found from outside: the wizard proposed one fixed system (urn:oid:1.2.250.1.999.1.1) to every site and
    said « gardez la valeur proposée ». Two sites keeping it send their file number D-2291 as the same
    identifier; the platform's conditional create then files one site's case under the other's patient."""
    from dataclasses import asdict, replace

    from app.site import EXAMPLE_PATIENT_SYSTEM
    from tests.support.ui import REQUESTER, type_text
    from ui.setup_forms import SiteForm

    systems = []
    for finess in ("750000010", "2a0000014"):  # Corsica's, as it may be typed
        store.settings.set("site.requester", None)
        form = SiteForm(store)
        qtbot.addWidget(form)
        form.show()
        type_text(form.finess, finess)
        systems.append(form.system.text())
    assert systems == ["urn:teleavis:local-patient-id:750000010", "urn:teleavis:local-patient-id:2A0000014"]
    assert not form.field_words()["finess"], "a Corsican FINESS in small letters is a right one"

    # The user's own system (their IT department's OID) is kept when the FINESS changes; emptied, the
    # field proposes again.
    form.system.selectAll()
    type_text(form.system, "urn:oid:1.2.250.1.213.4.9")
    form.finess.clear()
    type_text(form.finess, "750000010")
    assert form.system.text() == "urn:oid:1.2.250.1.213.4.9"
    form.system.selectAll()
    qtbot.keyClick(form.system, Qt.Key.Key_Delete)
    assert form.system.text() == own_patient_system("750000010")
    assert not form.system_warning.isVisible()

    # An installation that kept the example is told why it must go, and what to put instead.
    store.settings.set("site.requester", asdict(replace(REQUESTER, patient_id_system=EXAMPLE_PATIENT_SYSTEM)))
    kept = SiteForm(store)
    qtbot.addWidget(kept)
    kept.show()
    assert kept.system.text() == EXAMPLE_PATIENT_SYSTEM, "never changed behind the user's back"
    assert kept.system_warning.isVisible()
    warning = kept.system_warning.text()
    assert "confondus" in warning and own_patient_system(REQUESTER.finess) in warning


def test_a_finess_of_nine_digits_with_a_typo_is_told_it_is_a_typo(qtbot: Any, store: Store) -> None:
    """Found by a nurse's day: 750000011 typed (nine digits, one wrong) was told « Le numéro FINESS compte
    9 caractères », which she had typed: she could not see what was wrong. A wrong length says the
    length; nine digits with a wrong key say a digit is mistyped."""
    from tests.support.ui import type_text
    from ui.setup_forms import SiteForm

    form = SiteForm(store)
    qtbot.addWidget(form)
    form.show()
    form.finess.clear()
    type_text(form.finess, "750000011")
    said = form.field_words()["finess"]
    assert "faute de frappe" in said and "9 caractères" not in said, said
    form.finess.clear()
    type_text(form.finess, "75000001")
    assert "9 caractères" in form.field_words()["finess"]


def test_each_page_opens_with_the_keyboard_in_its_first_field(qtbot: Any, store: Store) -> None:
    """Found at the cart: on "Votre site" the keyboard was on the page's scroll area (a Tab stop that shows
    nothing), so the RPPS typed straight away went nowhere and each Tab then filled the field above the
    one meant: the name in the RPPS, the FINESS in the role. A page opens with its first field ready."""
    from tests.support.ui import type_text
    from ui.setup_wizard import SetupWizard

    store.settings.set("site.requester", None)  # a new installation: nothing typed yet
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    activate(qtbot, wizard)
    qtbot.keyClick(QApplication.focusWidget() or wizard, Qt.Key.Key_Return)
    site = wizard.site
    assert site.isVisible()
    assert QApplication.focusWidget() is site.rpps, type(QApplication.focusWidget()).__name__
    type_text(QApplication.focusWidget(), "10101010105")
    assert site.rpps.text() == "10101010105"
    # Tab goes to the next field shown: the ADELI (for a nurse without RPPS) under the RPPS, then the name.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is site.adeli
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is site.family
    # Shift+Tab from the first field goes to no invisible stop: back to the wizard's buttons.
    site.rpps.setFocus()
    qtbot.keyClick(site.rpps, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is not None
    assert type(QApplication.focusWidget()).__name__ != "QScrollArea"


def test_the_site_page_speaks_no_jargon(qtbot: Any, store: Store) -> None:
    """Found at the cart: the field « Origine des n° de dossier » hinted « l'OID de votre service
    informatique »; a nurse does not know what an OID is. Its sentence under it already says it in words."""
    import re

    from PySide6.QtWidgets import QLabel, QLineEdit

    from ui.setup_wizard import SetupWizard

    store.settings.set("site.requester", None)
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    site = wizard.site
    said = [label.text() for label in site.findChildren(QLabel)]
    said += [edit.placeholderText() for edit in site.findChildren(QLineEdit)]
    jargon = [text for text in said if re.search(r"\b(OID|FHIR|RQD|urn|Task)\b", text)]
    assert jargon == []
