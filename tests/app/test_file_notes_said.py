"""What the import did to a file, said by ``case import`` as the window's tile says it.

Found from outside: a photo taken in a phone's 108 Mpx mode was kept at half its width and height, and
a multi-page TIFF gave its first page only, and ``case import`` said neither: the finding was stored
with the image, seen only by someone who opened the case, and the script's log showed a plain import.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from capture.demo import skin_scene
from tests.support.cases import example_case
from tests.support.cli import run_inprocess, write_json


def test_a_halved_photo_and_a_multi_page_tiff_are_said_at_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    folder = tmp_path / "case"
    case_file = example_case(folder)
    doc = json.loads(case_file.read_text())
    big = Image.fromarray(skin_scene(1500, 1125, seed=4)).resize((12000, 9000), Image.Resampling.NEAREST)
    out = io.BytesIO()
    big.save(out, "JPEG", quality=85)
    del big
    (folder / "108mpx.jpg").write_bytes(out.getvalue())
    page = Image.fromarray(skin_scene(1200, 900, seed=5))
    out = io.BytesIO()
    page.save(out, "TIFF", save_all=True, append_images=[page.rotate(90, expand=True)])
    (folder / "pages.tif").write_bytes(out.getvalue())
    doc["images"][0]["file"] = "108mpx.jpg"
    doc["images"][1]["file"] = "pages.tif"
    write_json(case_file, doc)

    imported = run_inprocess(capsys, "case", "import", str(case_file))

    assert imported.code == 0, imported.err
    lines = imported.err.splitlines()
    assert (
        "  images[0] (108mpx.jpg) : Photo de 108 mégapixels gardée en 27 mégapixels (moitié de la largeur et de la "
        "hauteur) : bien assez pour l'expert, et plus rapide à envoyer." in lines
    ), imported.err
    tiff = "  images[1] (pages.tif) : Ce fichier contient 2 images"
    assert any(line.startswith(tiff) for line in lines), imported.err


def test_an_ordinary_import_says_no_note(tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path) -> None:
    imported = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "case")))
    assert imported.code == 0, imported.err
    assert "images[" not in imported.err, imported.err
