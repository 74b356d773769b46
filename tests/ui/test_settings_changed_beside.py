"""A setting changed by ``teleavis config set`` while the window's Réglages are open is not put back.

Found from outside (look37): with the *Sécurité* tab open, IT ran ``teleavis config set backup.folder
/media/usb`` and ``config set lock.minutes 3`` in a terminal; the nurse then clicked « Enregistrer » to
save something else. The dialog, showing what it had read at its opening, asked for the code « to make
the lock wait longer » (she had not touched the delay: 3 stored, 5 shown), and once it was typed, wrote
back the empty backup folder and the old delay over IT's, saying nothing: no backup was made any more.
The site and the platform's settings already wrote only what was typed anew; the other tabs now do too.
"""

from __future__ import annotations

from typing import Any

from app.main import main
from app.store import Store
from tests.conftest import PASSPHRASE


def test_saving_the_settings_keeps_what_config_set_changed_while_they_were_open(
    qtbot: Any, store: Store, tmp_path: Any
) -> None:
    from ui.settings_dialog import SettingsDialog

    store.settings.set("lock.minutes", 5)
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    usb = tmp_path / "usb"
    usb.mkdir()
    # Beside the open window, as IT would, in the same data folder (its own connection).
    assert main(["config", "set", "backup.folder", str(usb)]) == 0
    assert main(["config", "set", "lock.minutes", "3"]) == 0
    assert main(["config", "set", "backup.every_hours", "6"]) == 0

    dialog.language.setCurrentIndex(dialog.language.findData("en"))  # the one thing the nurse changed
    dialog.save()

    assert dialog.result(), dialog.problem.text()  # no code asked: she made nothing weaker
    assert store.settings.get("language") == "en"
    assert store.settings.get("backup.folder") == str(usb)
    assert int(store.settings.get("lock.minutes")) == 3
    assert int(store.settings.get("backup.every_hours")) == 6


def test_a_delay_changed_in_the_dialog_is_still_weighed_against_the_one_in_force(qtbot: Any, store: Store) -> None:
    """The delay typed is compared with the stored one, not with the one shown: longer than what is in force
    (changed meanwhile by ``config set``) still needs the code."""
    from ui.settings_dialog import SettingsDialog

    store.settings.set("lock.minutes", 5)
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    assert main(["config", "set", "lock.minutes", "2"]) == 0

    dialog.lock_minutes.setValue(4)  # shorter than shown, longer than in force
    dialog.save()
    assert not dialog.result()
    assert int(store.settings.get("lock.minutes")) == 2

    dialog.current_code.setText(PASSPHRASE)
    dialog.save()
    assert dialog.result(), dialog.problem.text()
    assert int(store.settings.get("lock.minutes")) == 4


def test_a_camera_size_the_list_lacks_is_shown_and_the_largest_can_be_chosen_again(qtbot: Any, store: Store) -> None:
    """Found in review (look37): ``config set camera.resolution 1024x768`` (any size of at least 800x600 is
    accepted there) was shown as « La meilleure disponible », the list's first line. Since only what is
    changed is saved, choosing that line, as shown, saved nothing: the camera kept 1024x768, and the dialog
    gave no way to ask for the largest again. The size in force is shown as it is, and the first line saves."""
    from ui.settings_dialog import SettingsDialog

    assert main(["config", "set", "camera.resolution", "1024x768"]) == 0
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.resolution.currentData() == "1024x768"
    assert "1024" in dialog.resolution.currentText()

    dialog.resolution.setCurrentIndex(dialog.resolution.findData(""))  # « La meilleure disponible »
    dialog.save()
    assert dialog.result(), dialog.problem.text()
    assert store.settings.get("camera.resolution") == ""
