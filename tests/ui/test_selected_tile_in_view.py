"""The selected image's tile is in view in the strip. Found by an outside tester playing a nurse at a
netbook-sized cart: with six retinographs the strip scrolls, and the two just imported from the device folder
(or the one F6 went to, « Image 5 : indiquez le champ ») were selected out of sight: « Image sélectionnée »
offered « Œil » and « Champ » for an image she could not see, beside tiles 1 to 3, the ones she thought she
was filing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect

from app.model import CaseImage
from app.store import Store
from ui.image_strip import ImageStrip


def in_view(strip: ImageStrip, image_id: str) -> bool:
    tile = strip.tile(image_id)
    shown = QRect(tile.mapTo(strip.viewport(), tile.rect().topLeft()), tile.size())
    return strip.viewport().rect().contains(shown)


def retinographs(count: int) -> list[CaseImage]:
    return [CaseImage(eye=None, modality="OP", width=2000, height=2000) for _ in range(count)]


def strip_of(qtbot: Any, store: Store) -> ImageStrip:
    strip = ImageStrip(store)
    qtbot.addWidget(strip)
    strip.resize(600, strip.minimumHeight())
    strip.show()
    qtbot.waitExposed(strip)
    return strip


def test_the_last_image_imported_is_selected_in_view(qtbot: Any, store: Store) -> None:
    strip = strip_of(qtbot, store)
    images = retinographs(6)
    strip.show_images(images)
    assert strip.current == images[-1].id
    assert strip.horizontalScrollBar().maximum() > 0, "six tiles are wider than the strip"
    qtbot.waitUntil(lambda: in_view(strip, images[-1].id))


def test_an_image_selected_out_of_view_is_brought_into_view(qtbot: Any, store: Store) -> None:
    strip = strip_of(qtbot, store)
    images = retinographs(6)
    strip.show_images(images, select=images[0].id)
    qtbot.waitUntil(lambda: in_view(strip, images[0].id))
    strip.select(images[4].id)  # (F6 to « Image 5 : indiquez le champ »)
    qtbot.waitUntil(lambda: in_view(strip, images[4].id))
    strip.select(images[1].id)
    qtbot.waitUntil(lambda: in_view(strip, images[1].id))


def test_a_case_opened_shows_its_selected_images_tile(qtbot: Any, window: Any, store: Store, tmp_path: Path) -> None:
    """The same at a case's opening (found again on a 1024 × 600 cart): the last image was selected, its
    checks shown (« Image trop petite »), and the strip showed tiles 1 and 2, laid out only once the case's
    page was on screen."""
    from app.casefile import parse_case, read_json_file
    from app.commands.cases import load_images
    from tests.support.cases import retina_case
    from tests.support.ui import activate

    parsed = parse_case(read_json_file(retina_case(tmp_path / "retina")), tmp_path / "retina")
    case_id = str(store.create_case(parsed.case, load_images(parsed.images, parsed.case.specialty, parsed.case)))
    activate(qtbot, window)
    window.open_case(case_id)
    strip = window.case_page.capture.ensure().strip
    images = store.get_case(case_id).images
    qtbot.waitUntil(lambda: strip.current == images[-1].id and not strip.loading())
    assert strip.horizontalScrollBar().maximum() > 0, "four tiles are wider than the strip"
    qtbot.waitUntil(lambda: in_view(strip, images[-1].id))


def test_tiles_laid_out_after_the_selection_still_show_it(qtbot: Any, store: Store) -> None:
    """The tiles filled in while the strip is not on screen yet (a case's page being built), or laid out again
    after its selection (its thumbnails come, the window is resized): the selected tile is brought into view
    once they have their places, not where they were before."""
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    page = QWidget()  # (the keyboard on a field of the page, as in the window: a tile given it is selected)
    qtbot.addWidget(page)
    layout = QVBoxLayout(page)
    layout.addWidget(QLineEdit())
    strip = ImageStrip(store)
    layout.addWidget(strip)
    page.resize(600, strip.minimumHeight() + 60)
    images = retinographs(6)
    strip.show_images(images)
    page.show()
    qtbot.waitExposed(page)
    assert strip.current == images[-1].id
    qtbot.waitUntil(lambda: in_view(strip, images[-1].id))
    page.resize(400, page.height())
    qtbot.waitUntil(lambda: in_view(strip, images[-1].id))
