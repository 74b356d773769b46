"""What Qt says goes to the log masked: a folder's path in it may name a patient.

Qt's own file dialog watches each folder it shows (QFileSystemWatcher, inotify); where a watch cannot be
added (the system's limit of watches reached, a folder the account may not read), Qt warns with the folder's
path written bare, « inotify_add_watch(/…/DUPONT Jeanne 03-02-1950) failed: (Permission denied) » (found by
an attacker's pass: the warning, through the window's Qt message handler, put that path whole in
logs/teleavis.log, which carries case ids, never names nor birth dates). Device exports and the nurses'
folders are named after patients. Nothing was quoted, so nothing was masked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import qInstallMessageHandler, qWarning

from app import logs
from ui.application import _qt_said

NAME = "DUPONT Jeanne"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    before = list(root.handlers), root.level
    logs.setup(tmp_path / "logs")
    previous = qInstallMessageHandler(_qt_said)
    yield tmp_path / "logs" / "teleavis.log"
    qInstallMessageHandler(previous)
    for handler in list(root.handlers):
        if handler not in before[0]:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(before[1])


def logged(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text("utf-8")


@pytest.mark.parametrize(
    "said",
    [
        # Qt's own words (qinotifyfilesystemwatcher.cpp), on Linux:
        f"inotify_add_watch(/home/infirmiere/Images/{NAME} 03-02-1950) failed: (Permission denied)",
        f"inotify_add_watch(/media/usb/EXPORT/{NAME}_03.02.1950) failed: (No space left on device)",
        # Windows and a file URL, as Qt writes them in other warnings:
        f"QFileSystemWatcher: failed to add paths: C:\\Users\\infirmiere\\Pictures\\{NAME}",
        f"Cannot open file:///home/infirmiere/Documents/{NAME}/rapport.pdf, skipping",
        # Found in review: a folder's name with a comma, an apostrophe or brackets stopped the mask there and
        # the rest of the name went to the log; a relative path and a web address were not masked at all.
        "inotify_add_watch(/home/infirmiere/Images/DUPONT, Jeanne) failed: (Permission denied)",
        "inotify_add_watch(/home/infirmiere/Images/L'HÔTE DUPONT Jeanne) failed: (Permission denied)",
        "inotify_add_watch(/home/infirmiere/Images/DUPONT (MARTIN) Jeanne) failed: (Permission denied)",
        f"QFile::open: cannot open ./{NAME}/rapport.pdf for reading",
        f"QFile::open: cannot open ..\\EXPORT\\{NAME}\\rapport.pdf for reading",
        "QNetworkReply: https://fhir.example.org/fhir/Patient?name=DUPONT&given=Jeanne failed",
    ],
)
@pytest.mark.qt_log_ignore(".*")
def test_a_folder_path_qt_warns_about_is_masked_in_the_log(log_file: Path, said: str) -> None:
    qWarning(said)
    text = logged(log_file)
    assert "ui.qt" in text  # said, its kind kept for support
    assert "DUPONT" not in text and "Jeanne" not in text and "1950" not in text, text


@pytest.mark.qt_log_ignore(".*")
def test_what_qt_says_without_a_path_is_kept(log_file: Path) -> None:
    qWarning("QFont::setPointSize: Point size <= 0 (0), must be greater than 0")
    assert "QFont::setPointSize: Point size <= 0 (0), must be greater than 0" in logged(log_file)


@pytest.mark.qt_log_ignore(".*")
def test_what_qt_says_after_a_path_and_its_line_number_is_kept(log_file: Path) -> None:
    """Found in review: a QML warning (« file:///…/x.qml:12: TypeError: … ») lost its line number and its
    words with the path, all that support reads in it; a web address lost its host."""
    qWarning(f"file:///home/infirmiere/{NAME}/x.qml:12:5: TypeError: Cannot read property 'width' of null")
    qWarning("QNetworkReply: https://fhir.example.org:8443/fhir/Patient?name=DUPONT failed")
    text = logged(log_file)
    assert "[masqué]:12:5: TypeError: Cannot read property [masqué] of null" in text, text
    assert "https://fhir.example.org:8443/[masqué] failed" in text, text
    assert "DUPONT" not in text and "Jeanne" not in text, text
