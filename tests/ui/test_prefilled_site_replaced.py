"""A new photo's body site comes filled in with the last photo's (the far and the close view of one lesion
share it): found from outside, a nurse who clicked into it and typed the second photo's own site got
« bras droitbras droit », her words added after the ones filled in for her. Filled in, the site is selected
when she comes into the field (a click, Tab, Alt+L): what she types replaces it; a site she typed herself is
left as it is, her cursor where she put it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt

from app.store import Store
from tests.ui.test_capture_panel import import_one, new_case, show, wait_images, write_photo
from ui.capture_panel import CapturePanel


def type_site(qtbot: Any, panel: CapturePanel, words: str) -> None:
    site = panel.labels.body_site
    qtbot.mouseClick(site, Qt.MouseButton.LeftButton, pos=QPoint(site.width() - 4, site.height() // 2))
    qtbot.wait(50)  # (the selection is made once the click that brought the focus is done)
    qtbot.keyClicks(site, words)
    qtbot.keyClick(site, Qt.Key.Key_Tab)


def test_a_site_filled_in_from_the_last_photo_is_replaced_by_what_she_types(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    case = new_case(store)
    panel.set_case(case)
    show(qtbot, panel)
    first = import_one(qtbot, panel, write_photo(tmp_path, "a.jpg"))
    panel.select_image(first.id)
    type_site(qtbot, panel, "bras droit")
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and panel.case().images[0].body_site == "bras droit")  # type: ignore[union-attr]

    second = import_one(qtbot, panel, write_photo(tmp_path, "b.jpg", seed=1))
    panel.select_image(second.id)
    assert panel.labels.body_site.text() == "bras droit"  # filled in: the same lesion, closer
    type_site(qtbot, panel, "bras gauche")
    assert panel.labels.body_site.text() == "bras gauche"
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and wait_images(qtbot, panel, 2)[1].body_site == "bras gauche")

    # Her own words, come back to: the cursor goes where she clicks, nothing is selected under her fingers.
    type_site(qtbot, panel, ", face interne")
    assert panel.labels.body_site.text() == "bras gauche, face interne"
