"""What the log's filter masks in every record, and at what cost (review of attack43).

Birth dates are written 03-02-1950 by device exports' folder names and 03.02.1950 by DICOM headers and
French forms, not only 1950-02-03 or 03/02/1950; a third-party library's warning (pydicom's) quotes the value
it could not read; and the e-mail mask went back over a long word once per letter: a 100 kB message (a
body, an encoded image in an exception) held the window for minutes while it was logged.
"""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from pydicom import config
from pydicom.dataelem import DataElement

from app import logs

BORN = (date.today() - timedelta(days=70 * 365)).replace(day=3)  # a birth date, its year never a fixed one


def _logged(tmp_path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return (tmp_path / "teleavis.log").read_text("utf-8")


@pytest.mark.parametrize(
    "written",
    [
        BORN.strftime("%d-%m-%Y"),
        BORN.strftime("%d.%m.%Y"),
        f"{BORN.day}.{BORN.month}.{BORN.year}",
        f"{BORN.day}-{BORN.month}-{BORN.year}",
    ],
)
def test_a_birth_date_written_with_dashes_or_dots_is_masked(written: str) -> None:
    assert logs.redact(f"folder DUPONT_{written} imported, né le {written}.") == (
        f"folder DUPONT_{logs.MASK} imported, né le {logs.MASK}."
    )


@pytest.mark.parametrize(
    "kept",
    [
        "Qt 6.7.2, FFmpeg version 6.1.1",
        "study 1.2.840.10008.5.1.4.1.1.77.1.4 series 12.34.5678.9",
        "at 2026-12-07T16:41:00 took 12.5 s for 3 images",
        "10.20.30.40:8443 answered 503",
    ],
)
def test_numbers_that_only_look_like_dates_are_kept(kept: str) -> None:
    assert logs.redact(kept) == kept


@pytest.mark.parametrize("message", ["A" * 100_000, "1" * 100_000, "é" * 50_000 + " jean@example.org"])
def test_a_100_kB_message_is_masked_in_a_moment(tmp_path: Path, message: str) -> None:
    logs.setup(tmp_path)
    log = logging.getLogger("app.test_masks")
    started = time.perf_counter()
    log.warning("answer body: %s", message)
    logs.redact_paths(message)
    took = time.perf_counter() - started
    assert took < 5, took  # (linear: a few ms; it took minutes, the e-mail mask retrying at every letter)
    assert "jean@example.org" not in _logged(tmp_path)


def test_a_value_pydicom_quotes_in_its_warning_is_masked(tmp_path: Path) -> None:
    """pydicom logs what it could not read to its own logger, which the log's handler receives: the value
    quoted whole (« Invalid value for VR DA: '3 févr. 1950' »). A library's words have their quoted values
    and bare paths masked as Qt's; the code's own records keep theirs (they carry ids, never names)."""
    logs.setup(tmp_path)
    written = f"{BORN.day} févr {BORN.year}"
    with pytest.warns(UserWarning, match="Invalid value for VR DA"):
        DataElement(0x00100030, "DA", written, validation_mode=config.WARN)
    logging.getLogger("PIL.test").warning("cannot identify image file /media/usb/DUPONT Jeanne/IMG_1.jpg")
    text = _logged(tmp_path)
    assert "pydicom: Invalid value for VR DA: [masqué]" in text
    assert "PIL.test: cannot identify image file [masqué]" in text
    assert written not in text and "DUPONT" not in text, text
