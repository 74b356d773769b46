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


def test_a_site_she_typed_is_hers_even_when_the_photo_before_says_the_same(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """Found in review: « filled in » was guessed from the photo before saying the same words. Both photos
    taken first, she typed « bras droit » for the second, then the same for the first: coming back to the second
    to add to it, her click at the end selected her own words, and « , face interne » replaced them."""
    case = new_case(store)
    panel.set_case(case)
    show(qtbot, panel)
    first = import_one(qtbot, panel, write_photo(tmp_path, "a.jpg"))
    second = import_one(qtbot, panel, write_photo(tmp_path, "b.jpg", seed=1))
    assert panel.labels.body_site.text() == ""  # (nothing to fill in from)
    for image in (second, first):
        panel.select_image(image.id)
        type_site(qtbot, panel, "bras droit")
    qtbot.waitUntil(
        lambda: panel.jobs.pending() == 0 and [i.body_site for i in wait_images(qtbot, panel, 2)] == ["bras droit"] * 2
    )

    panel.select_image(second.id)
    type_site(qtbot, panel, ", face interne")
    assert panel.labels.body_site.text() == "bras droit, face interne"


def test_alt_l_selects_a_site_filled_in_and_typing_replaces_it(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """The keyboard path (Alt+L, « &Localisation ») as the click: a site filled in is replaced."""
    case = new_case(store)
    panel.set_case(case)
    show(qtbot, panel)
    first = import_one(qtbot, panel, write_photo(tmp_path, "a.jpg"))
    panel.select_image(first.id)
    type_site(qtbot, panel, "bras droit")
    second = import_one(qtbot, panel, write_photo(tmp_path, "b.jpg", seed=1))
    panel.select_image(second.id)
    assert panel.labels.body_site.text() == "bras droit"
    panel.activateWindow()
    panel.strip.setFocus()
    qtbot.keyClick(panel.strip, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: panel.labels.body_site.hasFocus())
    qtbot.wait(50)
    qtbot.keyClicks(panel.labels.body_site, "bras gauche")
    assert panel.labels.body_site.text() == "bras gauche"


def test_coming_back_to_the_window_keeps_her_cursor_in_a_filled_in_site(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """Found in review: in a site filled in, she put her cursor at its end, went to another window (the referral
    letter) and came back: the focus given back to the field selected it all again, and « , gros plan » replaced
    « bras droit ». Only coming into the field (a click, Tab, Alt+L) selects it; the window given back does not."""
    case = new_case(store)
    panel.set_case(case)
    show(qtbot, panel)
    first = import_one(qtbot, panel, write_photo(tmp_path, "a.jpg"))
    panel.select_image(first.id)
    type_site(qtbot, panel, "bras droit")
    second = import_one(qtbot, panel, write_photo(tmp_path, "b.jpg", seed=1))
    panel.select_image(second.id)
    site = panel.labels.body_site
    qtbot.mouseClick(site, Qt.MouseButton.LeftButton, pos=QPoint(site.width() - 4, site.height() // 2))
    qtbot.wait(50)
    assert site.selectedText() == "bras droit"  # (filled in: selected as she comes in)
    qtbot.keyClick(site, Qt.Key.Key_End)
    site.clearFocus()  # another window
    site.setFocus(Qt.FocusReason.ActiveWindowFocusReason)  # and back
    qtbot.wait(50)
    qtbot.keyClicks(site, ", gros plan")
    assert site.text() == "bras droit, gros plan"


def click_at_end(qtbot: Any, panel: CapturePanel) -> None:
    site = panel.labels.body_site
    qtbot.mouseClick(site, Qt.MouseButton.LeftButton, pos=QPoint(site.width() - 4, site.height() // 2))
    qtbot.wait(50)


def test_a_second_click_in_a_site_filled_in_keeps_it_whole_for_what_she_types(
    qtbot: Any, panel: CapturePanel, store: Store, tmp_path: Path
) -> None:
    """Found from outside: the site filled in from the photo before, clicked once (selected), then clicked again
    (as one does when nothing seems to happen), then typed: « bras gaucheventre » went as the photo's site. The
    site filled in is a suggestion, not her words: a click (one, two, a double-click) keeps it whole so that what
    she types replaces it; the keyboard (End, the arrows) puts her cursor in it to add to it."""
    case = new_case(store)
    panel.set_case(case)
    show(qtbot, panel)
    first = import_one(qtbot, panel, write_photo(tmp_path, "a.jpg"))
    panel.select_image(first.id)
    type_site(qtbot, panel, "bras gauche")
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and panel.case().images[0].body_site == "bras gauche")  # type: ignore[union-attr]
    second = import_one(qtbot, panel, write_photo(tmp_path, "b.jpg", seed=1))
    panel.select_image(second.id)
    site = panel.labels.body_site
    assert site.text() == "bras gauche"

    click_at_end(qtbot, panel)
    click_at_end(qtbot, panel)
    assert site.selectedText() == "bras gauche"
    qtbot.keyClicks(site, "ventre")
    assert site.text() == "ventre"
    qtbot.keyClick(site, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0 and wait_images(qtbot, panel, 2)[1].body_site == "ventre")

    third = import_one(qtbot, panel, write_photo(tmp_path, "c.jpg", seed=2))
    panel.select_image(third.id)
    assert site.text() == "ventre"
    click_at_end(qtbot, panel)
    qtbot.mouseDClick(site, Qt.MouseButton.LeftButton, pos=QPoint(4, site.height() // 2))
    qtbot.wait(50)
    assert site.selectedText() == "ventre"  # a double-click too: not one word of it

    # The keyboard puts her cursor in it: what she types then is added where she put it, and later clicks leave it.
    qtbot.keyClick(site, Qt.Key.Key_End)
    qtbot.keyClicks(site, " droit")
    click_at_end(qtbot, panel)
    qtbot.keyClicks(site, ", flanc")
    assert site.text() == "ventre droit, flanc"
