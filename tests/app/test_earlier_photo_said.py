"""``case import`` and ``case send`` say a photo that looks taken in an earlier session, as they say an image
its device recorded for another patient: among what to check, without stopping the case (the window asks
before it leaves, ``tests/ui/test_earlier_photo_asked.py``)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from app import clock
from app.store import Store
from tests.support.cases import example_case
from tests.support.cli import run_inprocess

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras"
SAID = "Image 2 : prise le 19/07/2005 10:12, des années avant les autres images du dossier."


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
    now = clock.now().replace(tzinfo=None)
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


@pytest.mark.parametrize(
    ("gap", "fr", "en"),
    [
        (timedelta(hours=5), "des heures avant", "hours before"),
        (timedelta(days=3), "des jours avant", "days before"),
        (timedelta(days=95), "des mois avant", "months before"),
        (timedelta(days=365 * 11), "des années avant", "years before"),
    ],
)
def test_the_photo_is_said_taken_as_long_before_as_it_was(gap: timedelta, fr: str, en: str) -> None:
    """Found by testers: a photo of 2015 was said taken « des heures avant les autres images du dossier ». Hours
    only under a day, else days, months or years, by the gap to the newest of the others."""
    from app import i18n
    from app.model import Case, CaseImage
    from app.validation import taken_earlier

    newest = datetime(2026, 11, 20, 10, 0).astimezone()
    images = [CaseImage(captured_at=newest.isoformat()), CaseImage(captured_at=(newest - gap).isoformat())]
    (said,) = taken_earlier(Case(images=images))
    assert f", {fr} les autres images du dossier." in said.message, said.message
    assert "des heures" not in said.message or gap < timedelta(days=1)
    i18n.set_language("en")
    try:
        (said,) = taken_earlier(Case(images=images))
        assert f", {en} the case's other images." in said.message, said.message
    finally:
        i18n.set_language(None)


def test_cli_md_quotes_the_words_said() -> None:
    """docs/cli.md quotes the warning as ``case import`` and ``case send`` say it for the photo of 2005."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    quoted = "⚠ Image N : " + SAID.removeprefix("Image 2 : ").removesuffix(".") + "…"
    assert page.count(quoted) == 2, quoted
