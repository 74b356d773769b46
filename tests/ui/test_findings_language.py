"""The English window says in English the findings of a photo imported in French (found from outside:
« Image trop claire ou reflet du flash… » under the selected image and on its tile)."""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image

from app import i18n
from app.model import CaseImage
from capture.quality import check_quality
from tests.support.images import skin_photo
from ui.capture_labels import ImageLabels
from ui.image_tile import ImageTile


def test_an_image_checked_in_french_is_said_in_english(qtbot: Any) -> None:
    i18n.set_language("fr")
    photo = Image.blend(skin_photo(1600, 1200), Image.new("RGB", (1600, 1200), (255, 255, 255)), 0.6)
    image = CaseImage(width=1600, height=1200, quality=check_quality(np.asarray(photo), specialty="dermatology"))
    assert any(f.message.startswith("Image trop claire") for f in image.quality)
    i18n.set_language("en")
    labels = ImageLabels()
    qtbot.addWidget(labels)
    labels.show_image(image)
    words = labels.findings.text()
    assert "Image too bright or flash glare" in words and "Image trop claire" not in words, words
    assert "Image too bright or flash glare" in labels.findings.toolTip()
    tile = ImageTile(image, None, 1)
    qtbot.addWidget(tile)
    assert "Image trop claire" not in tile.toolTip() and "Image too bright" in tile.toolTip()
    assert "Image trop claire" not in tile.sentence.toolTip() + tile.sentence.text()
