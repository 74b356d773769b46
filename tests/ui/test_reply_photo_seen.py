"""The photos joined to a reply are seen before the reply leaves (found at the telemedicine cart).

The expert asked for « une vue rapprochée avec une règle ». The nurse joined a photo from the cart's
folder, where the morning's patients' photos sit side by side: the reply showed only the file's name
(« 1. IMG_0412.jpg — bonne qualité ») and a place to type, so nothing let her see that it was this
patient's lesion and not the previous patient's before « Envoyer la réponse »; the thumbnail came only
once it had left. Each joined photo's row now shows its thumbnail, beside its place and its « Retirer »:
the picture follows its photo when another is taken off, and comes back with the photos kept across a
restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.store import Store
from tests.support.ui import shown


def _photos(folder: Path) -> list[Path]:
    """Two photos that look nothing alike: a skin photo (red), and another with its colours swapped (blue)."""
    import numpy as np
    from PIL import Image

    from tests.support.images import jpeg_bytes, skin_photo

    folder.mkdir(exist_ok=True)
    skin = folder / "patient-du-jour.jpg"
    skin.write_bytes(jpeg_bytes(skin_photo(1200, 900, seed=81), quality=90))
    other = folder / "patient-precedent.jpg"
    swapped = np.asarray(skin_photo(1200, 900, seed=82))[:, :, ::-1].copy()
    other.write_bytes(jpeg_bytes(Image.fromarray(swapped), quality=90))
    return [skin, other]


def _blueness(label: Any) -> float:
    """How blue the row's picture is, from its pixels (0 when it shows nothing)."""
    pixmap = label.pixmap()
    if pixmap is None or pixmap.isNull():
        return 0.0
    image = pixmap.toImage()
    total = 0.0
    count = 0
    for x in range(0, image.width(), 4):
        for y in range(0, image.height(), 4):
            colour = image.pixelColor(x, y)
            total += colour.blue() - colour.red()
            count += 1
    return total / max(1, count)


def test_each_photo_joined_to_a_reply_is_shown_before_it_leaves(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    from PySide6.QtCore import Qt

    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    view = shown(qtbot, store, case_id)
    view.add_reply_files(_photos(tmp_path / "photos"))
    assert len(view._reply_images) == 2

    pictures = view.reply_places.pictures
    assert len(pictures) == 2, "one picture per joined photo"
    assert all(p.isVisibleTo(view) for p in pictures)
    assert all(p.pixmap() is not None and not p.pixmap().isNull() for p in pictures), "each shows its photo"
    assert _blueness(pictures[0]) < 0 < _blueness(pictures[1]), "in the order joined: the skin, then the card"
    assert "patient-precedent.jpg" in pictures[1].accessibleName()

    # The wrong one seen, taken off: the picture left is the photo left.
    qtbot.mouseClick(view.reply_places.removes[1], Qt.MouseButton.LeftButton)
    assert len(view.reply_places.pictures) == 1
    assert _blueness(view.reply_places.pictures[0]) < 0

    # Kept across a restart: another window of the same case shows it too.
    again = shown(qtbot, store, case_id)
    assert len(again._reply_images) == 1
    (picture,) = again.reply_places.pictures
    assert picture.pixmap() is not None and not picture.pixmap().isNull()
    assert _blueness(picture) < 0


def test_the_thumbnails_of_photos_gone_are_not_kept(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found in review: each joined photo's decoded thumbnail (some 300 KB) was kept for as long as the window
    stayed open, the photo taken off or sent with its reply: a day of replies at the cart, never given back."""
    from PySide6.QtCore import Qt

    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    view = shown(qtbot, store, case_id)
    view.add_reply_files(_photos(tmp_path / "photos"))
    assert len(view._reply_thumbs) == 2

    qtbot.mouseClick(view.reply_places.removes[1], Qt.MouseButton.LeftButton)
    assert set(view._reply_thumbs) == {image.record.id for image in view._reply_images}, "the one taken off goes"

    view.reply_places.fields[0].setText("avant-bras gauche")
    view.reply.setPlainText("Voici la vue rapprochée.")
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    assert not view._reply_images, "sent"
    assert not view._reply_thumbs, "its thumbnail went with it"
