"""« A time more than a day ahead is a camera clock set ahead, ignored » was written twice (note 36): in the send
checklist (``app.validation``, UTC, stored times) and in the import's earlier-session line
(``ui.capture_folder.earlier_session``, local time from EXIF). One helper now, ``app.moments.clock_set_ahead``,
taking ``now``; both rules agree at its edge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.case_record import CaseImage
from app.moments import CLOCK_AHEAD, clock_set_ahead
from app.validation import earlier_sessions
from tests.app.test_earlier_photo_said import camera_photo
from ui.capture_folder import earlier_session


def test_a_day_ahead_is_the_edge_aware_or_local() -> None:
    now = datetime(2026, 12, 6, 11, 0, tzinfo=UTC)
    assert not clock_set_ahead(now + CLOCK_AHEAD, now)
    assert clock_set_ahead(now + CLOCK_AHEAD + timedelta(seconds=1), now)
    local = now.replace(tzinfo=None)
    assert not clock_set_ahead(local + timedelta(hours=23), local) and clock_set_ahead(local + timedelta(days=2), local)


def test_the_checklist_and_the_import_agree_at_the_edge(tmp_path: Path) -> None:
    now = datetime(2026, 12, 6, 11, 0)
    for ahead, counted in ((CLOCK_AHEAD, True), (CLOCK_AHEAD + timedelta(seconds=1), False)):
        older, newest = now - timedelta(hours=5), now + ahead  # counted as the newest only when not a clock ahead
        camera_photo(tmp_path / "old.jpg", older, "tests_22-canon_tags.jpg")
        camera_photo(tmp_path / "new.jpg", newest, "tests_22-canon_tags.jpg")
        at_import = earlier_session([tmp_path / "old.jpg", tmp_path / "new.jpg"], now=now)
        assert (tmp_path / "old.jpg" in at_import) is counted, (ahead, at_import)
        images = [
            CaseImage(id=f"img-{n}", body_site="Dos", captured_at=moment.replace(tzinfo=UTC).isoformat())
            for n, moment in enumerate((older, newest))
        ]
        at_sending = earlier_sessions(images, now=now.replace(tzinfo=UTC))
        assert (0 in at_sending) is counted, (ahead, at_sending)
