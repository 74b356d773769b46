"""The retinographs and photos of a case as the printed report shows them: the pixels the nurse
imported, whatever their file's format (found in an acceptance pass with device exports)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from capture.demo import fundus_scene
from tests.support.cases import retina_case
from tests.support.cli import run_inprocess


def test_a_sixteen_bit_red_free_retinograph_is_printed_as_it_looks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, site: Path
) -> None:
    """A red-free retinograph exported as a 16-bit grey PNG (as some fundus cameras write it) is
    imported as it came and sent so; the report printed it as a white disc on black: its 16-bit
    values were cut to 255, and the expert's findings could not be seen on paper."""
    folder = tmp_path / "case"
    green = fundus_scene(1600, 1200, 7, eye="right")[:, :, 1]
    folder.mkdir()
    Image.fromarray(green.astype(np.uint16) * 257).save(folder / "anerythre.png")
    with Image.open(folder / "anerythre.png") as written:
        assert written.mode == "I;16"
    case_file = retina_case(
        folder, eyes=("right",), images=[{"file": "anerythre.png", "eye": "right", "view": "macula"}]
    )
    imported = run_inprocess(capsys, "case", "import", str(case_file))
    assert imported.code == 0, imported.err
    pdf = tmp_path / "report.pdf"

    exported = run_inprocess(capsys, "case", "export", imported.out.strip(), "--pdf", str(pdf))

    assert exported.code == 0, exported.err
    printed = [
        image.image
        for page in PdfReader(pdf).pages
        for image in page.images
        if image.image is not None and image.image.size == (1600, 1200)
    ]
    assert len(printed) == 1
    pixels = np.asarray(printed[0].convert("L"), dtype=np.float32)
    assert float(np.mean(np.abs(pixels - green.astype(np.float32)))) < 2.0
    assert float(np.mean(pixels >= 250)) < 0.01  # not burnt out: the field is a mid grey
