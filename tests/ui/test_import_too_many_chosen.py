"""More files chosen at once than a case can hold: nothing is imported, and the line says why.

Found from outside under Xvfb: a nurse who chose a whole folder (Ctrl+A in « Importer un fichier… »,
200 photos) saw every one imported into the case, for minutes, then the checklist asked her to remove
192 of them, one at a time. A case holds at most 8 images: such a choice is a slip, never a case."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.model import Case, Patient
from app.store import Store
from app.validation import MAX_IMAGES
from tests.support.images import jpeg_bytes, skin_photo
from ui.capture_panel import CapturePanel

JOB_MS = 20_000


@pytest.fixture
def store(teleavis_home: Path) -> Iterator[Store]:
    opened = Store.open(teleavis_home)
    yield opened
    opened.close()


def photos(folder: Path, count: int, first: int = 0) -> list[Path]:
    paths = []
    for index in range(first, first + count):
        path = folder / f"IMG_{index:04}.jpg"
        path.write_bytes(jpeg_bytes(skin_photo(1024, 768, seed=index), quality=90))
        paths.append(path)
    return paths


def a_case(store: Store) -> Case:
    case = Case(specialty="dermatology", patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03"))
    store.create_case(case, [])
    return store.get_case(case.id)


def test_more_files_chosen_than_a_case_holds_are_not_imported_and_said(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    case = a_case(store)
    panel.set_case(case)
    kept = photos(tmp_path, 1)
    panel.import_files(kept)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and len(panel.case().images) == 1, timeout=JOB_MS)  # type: ignore[union-attr]

    card = tmp_path / "card"
    card.mkdir()
    panel.import_files(photos(card, MAX_IMAGES + 1))
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=JOB_MS)

    assert len(store.get_case(case.id).images) == 1  # the image already there kept, none of the 9 added
    said = panel.status.text()
    assert "9 fichiers choisis" in said and "8 images au plus" in said, said
    assert "Aucun n'est importé" in said and "ce qui est déjà dans le dossier est gardé" in said, said
    assert panel.status.styleSheet(), "said as a refusal (red)"


def test_as_many_files_as_a_case_holds_are_imported(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    case = a_case(store)
    panel.set_case(case)
    panel.import_files(photos(tmp_path, MAX_IMAGES))
    qtbot.waitUntil(
        lambda: panel.jobs.pending() == 0 and len(panel.case().images) == MAX_IMAGES,  # type: ignore[union-attr]
        timeout=JOB_MS * 2,
    )
    assert len(store.get_case(case.id).images) == MAX_IMAGES


def test_files_chosen_past_what_the_case_still_holds_are_not_imported_and_the_room_left_is_said(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """A case holding 6 and 3 more chosen: 9 stored, and the checklist asked to remove one (the refusal
    looked at the 3 alone). Now none of the 3 is imported, and the line says how many still fit."""
    case = a_case(store)
    panel.set_case(case)
    panel.import_files(photos(tmp_path, MAX_IMAGES - 2))
    qtbot.waitUntil(
        lambda: panel.jobs.pending() == 0 and len(panel.case().images) == MAX_IMAGES - 2,  # type: ignore[union-attr]
        timeout=JOB_MS * 2,
    )
    card = tmp_path / "card"
    card.mkdir()
    more = photos(card, 3, first=MAX_IMAGES)  # other pictures than the six
    panel.import_files(more)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=JOB_MS)
    assert len(store.get_case(case.id).images) == MAX_IMAGES - 2
    said = panel.status.text()
    assert "3 fichiers choisis" in said and "en a déjà 6" in said and "2 au plus" in said, said
    assert panel.status.styleSheet(), "said as a refusal (red)"

    panel.import_files(more[:2])  # as many as still fit
    qtbot.waitUntil(
        lambda: panel.jobs.pending() == 0 and len(panel.case().images) == MAX_IMAGES,  # type: ignore[union-attr]
        timeout=JOB_MS * 2,
    )


def test_files_chosen_while_others_are_still_being_imported_count_them(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """Two choices in a row (5, then 5 more before the first are stored): the second counts the first."""
    case = a_case(store)
    panel.set_case(case)
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    panel.import_files(photos(first, 5))
    panel.import_files(photos(second, 5))
    said = panel.status.text()  # (said at once; the first five's count follows once they are stored)
    assert "5 fichiers choisis" in said and "3 au plus" in said, said
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=JOB_MS * 2)
    assert len(store.get_case(case.id).images) == 5


def test_the_device_folder_list_with_more_ticked_than_still_fit_stays_open_with_its_ticks(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: « Dossier de l'appareil » with 3 ticked on a case holding 6: « Importer » refused
    them all (rightly) but closed the list, her ticks gone; she had to open it again and tick again. Now the
    list stays open with her ticks and says how many still fit; with as many as fit, they are imported."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from ui.capture_folder import DeviceFolderDialog

    case = a_case(store)
    panel.set_case(case)
    panel.import_files(photos(tmp_path, MAX_IMAGES - 2))
    qtbot.waitUntil(
        lambda: panel.jobs.pending() == 0 and len(panel.case().images) == MAX_IMAGES - 2,  # type: ignore[union-attr]
        timeout=JOB_MS * 2,
    )
    card = tmp_path / "card"
    card.mkdir()
    photos(card, 3, first=MAX_IMAGES)
    store.settings.set("watch.folder", str(card))
    seen: dict[str, Any] = {}

    def exec_(dialog: DeviceFolderDialog) -> int:
        dialog.show()
        qtbot.waitUntil(lambda: not dialog.reading(), timeout=JOB_MS)
        items = [dialog.list.item(i) for i in range(dialog.list.count())]
        for item in items:
            item.setCheckState(Qt.CheckState.Checked)
        importer = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(importer, Qt.MouseButton.LeftButton)
        seen["open"] = dialog.isVisible()
        seen["ticked"] = len(dialog.chosen())
        seen["said"] = dialog.refusal.text() if dialog.refusal.isVisible() else ""
        items[0].setCheckState(Qt.CheckState.Unchecked)  # she unticks one: 2 fit
        qtbot.mouseClick(importer, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(DeviceFolderDialog, "exec", exec_)
    qtbot.mouseClick(panel.folder_button, Qt.MouseButton.LeftButton)
    assert seen["open"], "the list stays open"
    assert seen["ticked"] == 3, "her ticks kept"
    said = seen["said"]
    assert "3 images cochées" in said and "en a déjà 6" in said and "2 au plus" in said, said
    qtbot.waitUntil(
        lambda: panel.jobs.pending() == 0 and len(panel.case().images) == MAX_IMAGES,  # type: ignore[union-attr]
        timeout=JOB_MS * 2,
    )
    assert len(store.get_case(case.id).images) == MAX_IMAGES
