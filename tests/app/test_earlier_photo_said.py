"""``case import`` and ``case send`` say a photo that looks taken in an earlier session, as they say an image
its device recorded for another patient: among what to check, without stopping the case (the window asks
before it leaves, ``tests/ui/test_earlier_photo_asked.py``)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from app.store import Store
from tests.support.cases import example_case
from tests.support.cli import run_inprocess

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras"
SAID = "Image 2 : prise le 19/07/2005 10:12, des heures avant les autres images du dossier."


def camera_photo(path: Path, taken: datetime, source: str) -> None:
    """A real camera's JPEG with the capture time its clock wrote (EXIF DateTimeOriginal)."""
    with Image.open(REAL / source) as image:
        exif = image.getexif()
        exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
        out = io.BytesIO()
        image.save(out, "JPEG", exif=exif.tobytes(), quality=92)
    path.write_bytes(out.getvalue())


def test_case_import_and_send_say_a_photo_of_an_earlier_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    now = datetime.now()
    camera_photo(
        folder / "dos-loin.jpg",
        max(now - timedelta(minutes=5), now.replace(hour=0, minute=0)),
        "tests_22-canon_tags.jpg",
    )
    camera_photo(folder / "dos-proche.jpg", datetime(2005, 7, 19, 10, 12), "hdr_canon_hdr_YES.jpg")
    done = run_inprocess(capsys, "case", "import", str(example_case(folder)))
    assert done.code == 0, done.err
    assert f"  ⚠ {SAID}" in done.err, done.err
    case_id = done.out.strip()

    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code == 0, sent.err
    assert f"  ⚠ {SAID}" in sent.err, sent.err
