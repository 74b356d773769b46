"""``case import`` of a case file listing more images than a case holds (8): refused whole, as the window
refuses more files chosen than a case still holds (docs/cli.md: ``images[]`` at most 8), nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.validation import MAX_IMAGES
from tests.support.cases import example_case
from tests.support.cli import run_inprocess


def test_a_case_file_with_more_images_than_a_case_holds_is_refused_and_nothing_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    images = [{"file": f"IMG_{i}.jpg", "body_site": "Avant-bras gauche"} for i in range(MAX_IMAGES + 1)]
    refused = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "nine", images=images)))
    assert refused.code == 1
    assert "8 images au plus par dossier" in refused.err, refused.err
    assert run_inprocess(capsys, "case", "list", "--json").json() == []

    fits = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "eight", images=images[:MAX_IMAGES])))
    assert fits.code == 0, fits.err
    assert len(run_inprocess(capsys, "case", "show", fits.out.strip(), "--json").json()["images"]) == MAX_IMAGES
