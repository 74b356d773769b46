"""The selected image's tile is in view in the strip. Found by an outside tester playing a nurse at a
netbook-sized cart: with six retinographs the strip scrolls, and the two just imported from the device folder
(or the one F6 went to, « Image 5 : indiquez le champ ») were selected out of sight: « Image sélectionnée »
offered « Œil » and « Champ » for an image she could not see, beside tiles 1 to 3, the ones she thought she
was filing."""

from __future__ import annotations

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
