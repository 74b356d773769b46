"""The site's practitioner and structure (the requester named on every case sent) are changed from the
settings only with the current code or the passphrase, as the platform's address and account are."""

from __future__ import annotations

from typing import Any

from app import screen_lock
from app.site import load_requester
from app.store import Store
from tests.conftest import PASSPHRASE
from tests.support.ui import REQUESTER


def _dialog(qtbot: Any, store: Store) -> Any:
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    return dialog


def test_the_requester_named_on_the_cases_is_changed_only_with_the_current_code(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Found from outside: at a window left unlocked a moment, a colleague typed their own RPPS and name in
    Réglages > Site and saved, nothing asked: the nurse's next cases left in the colleague's name (or the
    colleague's in hers). The current code or the passphrase is asked first, as a counted try, and nothing
    is saved without it."""
    for field, typed in (
        ("rpps", "10000000017"),
        ("family", "MARTIN"),
        ("given", "Claire"),
        ("organization", "Cabinet Martin"),
    ):
        dialog = _dialog(qtbot, store)
        getattr(dialog.site, field).setText(typed)
        dialog.save()
        assert not dialog.result(), field
        assert "code actuel" in dialog.problem.text() and "praticien" in dialog.problem.text(), field
        assert dialog.tabs.currentIndex() == dialog.site_tab, field
        # The field to type it in, at the bottom of a long tab, is where the keyboard goes (scrolled into view).
        assert dialog.focusWidget() is dialog.site_code, field
        assert load_requester(store.settings) == REQUESTER, field

    wrong = _dialog(qtbot, store)
    wrong.site.rpps.setText("10000000017")
    wrong.site_code.setText("pas la bonne phrase")
    wrong.save()
    assert not wrong.result()
    assert store.settings.get(screen_lock.FAILURES_SETTING)["count"] == 1, "a try counted as the lock counts it"
    assert load_requester(store.settings) == REQUESTER

    proven = _dialog(qtbot, store)
    proven.site.rpps.setText("10000000017")
    proven.site_code.setText(PASSPHRASE)
    proven.save()
    assert proven.result(), proven.problem.text()
    assert load_requester(store.settings).rpps == "10000000017"  # type: ignore[union-attr]


def test_the_site_saved_as_it_was_asks_no_code(qtbot: Any, store: Store, sync_runner: None) -> None:
    """Another setting changed, the site left as it showed: nothing asked."""
    dialog = _dialog(qtbot, store)
    dialog.backup_hours.setValue(12)
    dialog.save()
    assert dialog.result(), dialog.problem.text()
    assert load_requester(store.settings) == REQUESTER


def test_the_site_left_as_it_showed_does_not_undo_a_change_made_meanwhile(
    qtbot: Any, store: Store, sync_runner: None
) -> None:
    """Found in review: Réglages open, the site changed meanwhile by the technician (``init --site``), then
    « Enregistrer » clicked for another setting: the site as the dialog had shown it was saved again, without
    the code, and the next cases left in the predecessor's name. A site left as it showed is not saved."""
    from dataclasses import replace

    from app.site import save_site

    dialog = _dialog(qtbot, store)
    successor = replace(REQUESTER, rpps="10000000017", family="LEGRAND", given=["Claire"])
    other = store.clone()  # the command's own connection
    try:
        assert save_site(other, successor)
    finally:
        other.close()
    dialog.backup_hours.setValue(12)
    dialog.save()
    assert dialog.result(), dialog.problem.text()
    assert load_requester(store.settings) == successor
