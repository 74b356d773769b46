"""The window's site form takes what ``init --site`` takes: a nurse still under ADELI (no RPPS) and a structure
known by its SIRET or SIREN (no FINESS). Before, the form had no field for them: a site set up by ``init`` for an
ADELI nurse showed an empty RPPS asked to be filled and could not be saved again, and a new one could not be set
up from the window at all."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.site import load_requester, own_patient_system, parse_site
from app.store import Store
from tests.support.french import fr_spaced
from tests.support.ui import activate

ADELI = "879101558"  # a real ADELI of the ANS directory (tests/app/test_site_without_rpps_or_finess.py)
SIRET = "77220148900022"
SIREN = "772201489"

SITE_FILE = {
    "practitioner": {"adeli": ADELI, "family": "DURAND", "given": ["Anne"], "role": "Infirmière"},
    "organization": {"siret": SIRET, "siren": SIREN, "name": "Centre de santé de Saint-Martin"},
    "patient_id_system": "urn:oid:1.2.250.1.999.1.1",
}


def _form(qtbot: Any, store: Store) -> Any:
    from ui.setup_forms import SiteForm

    form = SiteForm(store)
    qtbot.addWidget(form)
    form.show()
    return form


def test_a_site_set_up_by_init_for_an_adeli_nurse_in_a_centre_with_a_siret_is_saved_again_as_it_was(
    qtbot: Any, store: Store
) -> None:
    written = parse_site(SITE_FILE)
    store.settings.set("site.requester", asdict(written))
    form = _form(qtbot, store)
    form.role.setText("Infirmière coordinatrice")
    assert form.save() is True, form.field_words()
    assert form.adeli.text() == ADELI and form.rpps.text() == ""
    assert form.siret.text() == SIRET and form.siren.text() == SIREN and form.finess.text() == ""
    kept = load_requester(store.settings)
    assert kept is not None
    assert (kept.adeli, kept.rpps, kept.siret, kept.siren, kept.finess) == (ADELI, "", SIRET, SIREN, "")
    assert kept.patient_id_system == written.patient_id_system


def test_the_requester_needs_an_rpps_or_an_adeli_each_checked_by_its_key(qtbot: Any, store: Store) -> None:
    store.settings.set("site.requester", None)
    form = _form(qtbot, store)
    form.family.setText("DURAND")
    form.given.setText("Anne")
    form.finess.setText("750000010")
    form.organization.setText("Cabinet")
    assert form.requester() is None
    said = form.field_problems["rpps"].text()
    assert form.field_problems["rpps"].isVisible() and "ADELI" in said, said  # says the other way in
    form.adeli.setText("879101559")  # one digit mistyped: the key no longer agrees
    assert form.requester() is None
    assert "ADELI" in form.field_problems["adeli"].text() and "clé" in form.field_problems["adeli"].text()
    assert not form.field_problems["rpps"].isVisible()  # one of the two is enough
    form.adeli.setText("87910155")
    assert "9 chiffres" in form.field_words()["adeli"]
    form.adeli.setText(ADELI)
    requester = form.requester()
    assert requester is not None and (requester.adeli, requester.rpps) == (ADELI, "")


def test_the_structure_needs_a_finess_or_a_siret_or_siren_each_checked_by_its_key(qtbot: Any, store: Store) -> None:
    store.settings.set("site.requester", None)
    form = _form(qtbot, store)
    form.rpps.setText("10101010105")
    form.family.setText("DURAND")
    form.given.setText("Anne")
    form.organization.setText("Centre de santé")
    assert form.requester() is None
    said = form.field_problems["finess"].text()
    assert "SIRET" in said, said
    form.siret.setText("77220148900023")
    assert form.requester() is None
    assert "SIRET" in form.field_problems["siret"].text() and "clé" in form.field_problems["siret"].text()
    assert not form.field_problems["finess"].isVisible()
    form.siret.setText(SIRET)
    # The patients' numbers' system is proposed from the structure's own number, as for a FINESS.
    assert form.system.text() == own_patient_system(SIRET)
    form.siren.setText("260104633")  # not this SIRET's
    assert form.requester() is None
    assert "SIREN" in form.field_problems["siren"].text()
    form.siren.setText("")
    requester = form.requester()
    assert requester is not None and (requester.siret, requester.finess) == (SIRET, "")
    form.siret.setText("")
    form.siren.setText(SIREN)
    requester = form.requester()
    assert requester is not None and requester.siren == SIREN
    assert requester.patient_id_system == own_patient_system(SIREN)


def test_the_first_run_wizard_sets_up_an_adeli_nurse_of_a_health_centre_with_only_a_siret(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    from ui.setup_wizard import SetupWizard

    store.settings.set("site.requester", None)  # a new installation
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    activate(qtbot, wizard)
    qtbot.keyClick(QApplication.focusWidget() or wizard, Qt.Key.Key_Return)
    site = wizard.site
    site_page = wizard.currentPage()
    assert site.isVisible() and site.adeli.isVisible() and site.siret.isVisible()
    site.adeli.setText(ADELI)
    site.family.setText("DURAND")
    site.given.setText("Anne")
    site.role.setText("Infirmière")
    site.siret.setText(SIRET)
    site.organization.setText("Centre de santé de Saint-Martin")
    wizard.next()
    assert wizard.currentPage() is not site_page, site.problems.text() or site.field_words()
    kept = load_requester(store.settings)
    assert kept is not None
    assert (kept.adeli, kept.rpps, kept.siret, kept.finess) == (ADELI, "", SIRET, "")
    assert kept.patient_id_system == own_patient_system(SIRET)


def test_an_adeli_typed_where_the_rpps_goes_or_a_siret_where_the_finess_goes_is_told_where_it_belongs(
    qtbot: Any, store: Store
) -> None:
    """Seen in the window: a nurse typing her ADELI in the first field (« N° RPPS ») was told only that an RPPS
    has 11 digits; the field for her number, just under it, was not named."""
    store.settings.set("site.requester", None)
    form = _form(qtbot, store)
    form.rpps.setText(ADELI)
    form.finess.setText(SIRET)
    words = form.field_words()
    assert "ADELI" in words["rpps"] and fr_spaced("« ou n° ADELI »") in words["rpps"], words["rpps"]
    assert "SIRET" in words["finess"] and fr_spaced("« ou n° SIRET »") in words["finess"], words["finess"]
    form.rpps.setText("1234567")  # nothing like an ADELI: the RPPS's own words
    assert "11 chiffres" in form.field_words()["rpps"]


def test_an_adeli_of_corsica_or_overseas_is_taken_as_typed_in_small_letters_and_a_wrong_one_told_its_shape(
    qtbot: Any, store: Store
) -> None:
    """Corsica's ADELI numbers begin with 2A or 2B, the overseas departments' with 9A to 9F (as ``init``
    takes them): typed in small letters it is the same number; a wrong one is told what an ADELI looks like,
    not « 9 chiffres » that such a nurse's own number is not."""
    store.settings.set("site.requester", None)
    form = _form(qtbot, store)
    form.family.setText("ORSINI")
    form.given.setText("Lisa")
    form.finess.setText("750000010")
    form.organization.setText("Cabinet")
    form.adeli.setText("2a6012345")
    assert form.field_words()["adeli"] == ""
    assert form.save() is True, form.field_words()
    kept = load_requester(store.settings)
    assert kept is not None and kept.adeli == "2A6012345"
    form.adeli.setText("2C6012345")
    words = form.field_words()["adeli"]
    assert "2A" in words and "9A" in words, words
