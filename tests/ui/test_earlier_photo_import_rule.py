"""The import's « earlier session » line (``ui.capture_folder.earlier_session``, « Dossier de l'appareil » and
« Importer un fichier… ») with a camera whose clock runs ahead: the send checklist's rule
(``tests/app/test_earlier_photo_rule.py``) at the import."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from tests.app.test_earlier_photo_said import camera_photo
from ui.capture_folder import earlier_session


def test_a_photo_from_a_clock_set_ahead_does_not_make_today_s_photos_earlier(tmp_path: Path) -> None:
    # Found in review: the photo years ahead was « the newest », and the two taken a moment ago were listed
    # as a previous patient's, not to import.
    now = datetime(2026, 12, 6, 11, 0)
    camera_photo(tmp_path / "a.jpg", now - timedelta(minutes=10), "tests_22-canon_tags.jpg")
    camera_photo(tmp_path / "b.jpg", now - timedelta(minutes=5), "tests_22-canon_tags.jpg")
    camera_photo(tmp_path / "ahead.jpg", now + timedelta(days=400), "hdr_canon_hdr_YES.jpg")
    assert earlier_session(sorted(tmp_path.glob("*.jpg")), now=now) == {}


def test_a_photo_of_an_earlier_session_is_still_found_beside_one_ahead(tmp_path: Path) -> None:
    now = datetime(2026, 12, 6, 11, 0)
    camera_photo(tmp_path / "a.jpg", now - timedelta(minutes=10), "tests_22-canon_tags.jpg")
    camera_photo(tmp_path / "old.jpg", now - timedelta(hours=5), "tests_22-canon_tags.jpg")
    camera_photo(tmp_path / "ahead.jpg", now + timedelta(days=400), "hdr_canon_hdr_YES.jpg")
    assert list(earlier_session(sorted(tmp_path.glob("*.jpg")), now=now)) == [tmp_path / "old.jpg"]
