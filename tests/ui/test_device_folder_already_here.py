"""« Dossier de l'appareil » says which images are already in the case, and which in another patient's.

Found from outside (playing a nurse who imports a retinograph's exports, then opens the list again to add
the one she forgot): the images imported a moment ago were listed unticked like the others, without a
word, and nothing told them from the one still to import; ticked again, each was refused one by one. And
an image already in another patient's case was listed as any other. Their lines now say so: « déjà dans ce
dossier (image n° 2) », or that it is in another patient's case (the import refuses it there).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.model import Case, Patient
from app.store import Store
from ui.capture_folder import DeviceFolderDialog
from ui.capture_panel import CapturePanel

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras"
JOB_MS = 20_000


@pytest.fixture
def store(teleavis_home: Path) -> Iterator[Store]:
    opened = Store.open(teleavis_home)
    yield opened
    opened.close()


def case_of(store: Store, family: str, given: str, born: str) -> Case:
    case = Case(specialty="dermatology", patient=Patient(family=family, given=[given], birth_date=born))
    store.create_case(case, [])
    return store.get_case(case.id)


def opened_list(qtbot: Any, panel: CapturePanel, monkeypatch: pytest.MonkeyPatch) -> DeviceFolderDialog:
    """The list as the nurse opens it with the button (closed by the test, not by her)."""
    shown: list[DeviceFolderDialog] = []

    def exec_(self: DeviceFolderDialog) -> int:
        shown.append(self)
        return DeviceFolderDialog.DialogCode.Rejected

    monkeypatch.setattr(DeviceFolderDialog, "exec", exec_)
    qtbot.mouseClick(panel.folder_button, Qt.MouseButton.LeftButton)
    (dialog,) = shown
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.reading(), timeout=JOB_MS)
    return dialog


def lines(dialog: DeviceFolderDialog) -> dict[str, str]:
    return {
        Path(dialog.list.item(i).data(Qt.ItemDataRole.UserRole)).name: dialog.list.item(i).text().lower()
        for i in range(dialog.list.count())
    }


def test_the_images_already_imported_are_said_so(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    photos = ["gps_DSCN0012.jpg", "orientation_landscape_1.jpg", "Canon_PowerShot_S40.jpg"]
    for name in photos:
        shutil.copyfile(REAL / name, folder / name)
    store.settings.set("watch.folder", str(folder))
    paul = case_of(store, "MARTIN", "Paul", "1950-02-03")
    panel.set_case(paul)
    panel.import_files([folder / photos[0], folder / photos[1]], from_device_folder=True)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and len(paul.images) == 2, timeout=JOB_MS)

    said = lines(opened_list(qtbot, panel, monkeypatch))
    # « ce dossier » alone, in a list of the device's folder, read as that folder: the case is named.
    assert "déjà importée dans le dossier de ce patient" in said[photos[0]] and "n° 1" in said[photos[0]]
    assert "déjà importée dans le dossier de ce patient" in said[photos[1]] and "n° 2" in said[photos[1]]
    assert "\n" not in said[photos[2]]  # the one still to import: nothing to say

    # In Mme Leroy's case, Paul's photos are another patient's: said so (the import refuses them).
    panel.set_case(case_of(store, "LEROY", "Sophie", "1988-07-14"))
    said = lines(opened_list(qtbot, panel, monkeypatch))
    assert "autre patient" in said[photos[0]] and "de ce patient" not in said[photos[0]]
    assert "\n" not in said[photos[2]]


def test_the_rest_of_a_copy_under_way_when_the_case_opened_is_said_on_its_line(qtbot: Any, tmp_path: Path) -> None:
    for name in ("DSCN0043.JPG", "DSCN0050.JPG"):
        shutil.copyfile(REAL / "gps_DSCN0012.jpg", tmp_path / name)
    dialog = DeviceFolderDialog(tmp_path, ticked={tmp_path / "DSCN0050.JPG"}, copied_before={tmp_path / "DSCN0043.JPG"})
    qtbot.addWidget(dialog)
    said = lines(dialog)
    said = {name.upper(): text for name, text in said.items()}
    assert "copie commencée avant l'ouverture de ce dossier" in said["DSCN0043.JPG"]
    assert "patient précédent" in said["DSCN0043.JPG"]
    assert "\n" not in said["DSCN0050.JPG"]
    assert dialog.chosen() == [tmp_path / "DSCN0050.JPG"]
