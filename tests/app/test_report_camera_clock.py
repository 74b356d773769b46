"""A photo whose camera wrote its time in another zone than the workstation's: the report says the time on
the workstation's clock, as every other time of the record, and the camera's as the window's warning says
it. Found by a tester: an iPhone's HEIC (taken at 15:47, UTC-05:00) was « prise le 11/04/2021 15:47 » in the
window's warning (the camera's clock, as the import lists it) and « Prise le 11/04/2021 20:47 » in the PDF
(the same moment in the workstation's zone): one photo, two times, and nothing said of why."""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.report import build_report
from app.store import Store
from tests.support.cases import example_case
from tests.support.cli import run_inprocess

HEIC = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras" / "IMG_5195.HEIC"


@pytest.fixture
def paris(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("fr", "Prise le 11/04/2021 22:47 (15:47 à l'horloge de l'appareil, UTC-05:00)"),
        ("en", "Taken 2021-04-11 22:47 (15:47 on the device's clock, UTC-05:00)"),
    ],
)
def test_the_report_says_the_camera_clock_beside_the_workstation_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store, paris: None, language: str, said: str
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    shutil.copyfile(HEIC, folder / "dos.heic")
    case_file = example_case(folder, images=[{"file": "dos.heic", "body_site": "Dos", "view": "far"}])
    done = run_inprocess(capsys, "case", "import", str(case_file))
    assert done.code == 0, done.err
    case_id = done.out.strip()
    (image,) = store.get_case(case_id).images
    assert image.captured_at.startswith("2021-04-11T15:47:53") and image.captured_at.endswith("-05:00")
    pdf = build_report(store, case_id, lang=language).pdf
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert said in text
