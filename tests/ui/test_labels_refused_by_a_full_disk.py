"""A photo's site or note whose saving a full disk refused stays on screen, said « Non enregistré », and is
saved again by itself while the case is on screen.

Found in review: refused, the capture panel said the error and read the image back from the store, so what
the nurse had just typed vanished from the field: lost. The case's own fields (tests/ui/
test_save_retried_after_disk_full.py) kept them and tried again; the photo's labels now do the same."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.fsutil import storage_error
from app.model import CaseImage
from app.store import Store
from tests.support.ui import activate, complete_case, type_text

WAIT_MS = 30_000


def _full_disk(monkeypatch: pytest.MonkeyPatch) -> dict[str, bool]:
    """The disk full (ENOSPC, said as the store says it) for the images' labels until ``full`` is False."""
    disk = {"full": True}
    real = Store.update_image_labels

    def update_image_labels(self: Store, case_id: str, image: CaseImage) -> None:
        if disk["full"]:
            raise storage_error(OSError(errno.ENOSPC, "No space left on device"))
        real(self, case_id, image)

    monkeypatch.setattr(Store, "update_image_labels", update_image_labels)
    return disk


def _type_site(qtbot: Any, window: Any, case_id: str, site: str) -> Any:
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    panel = page.capture.ensure()
    image = page.case.images[0]
    panel.select_image(image.id)
    labels = panel.labels
    labels.body_site.setFocus()
    labels.body_site.selectAll()
    type_text(labels.body_site, site)
    qtbot.keyClick(labels.body_site, Qt.Key.Key_Return)
    return panel


def test_a_site_refused_by_a_full_disk_stays_on_screen_and_is_saved_once_space_is_freed(
    qtbot: Any, threaded_window: Any, store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window = threaded_window
    case_id = complete_case(store, tmp_path)
    image_id = store.get_case(case_id).images[0].id
    disk = _full_disk(monkeypatch)
    panel = _type_site(qtbot, window, case_id, "talon droit")
    page = window.case_page
    qtbot.waitUntil(lambda: "disque est plein" in panel.status.text().lower(), timeout=WAIT_MS)
    qtbot.wait(0)  # (whatever the refusal does next, in the same turn of the loop, is done)
    assert panel.labels.body_site.text() == "talon droit", "what she typed stays on screen"
    assert panel.tile(image_id).image.body_site == "talon droit"
    assert page.saved_state.text().startswith("Non enregistré")
    assert "disque est plein" in page.saved_state.text().lower()
    assert panel.labels_retrying(), "tried again by itself"
    assert store.get_case(case_id).images[0].body_site != "talon droit"
    disk["full"] = False  # space freed; she types nothing more, stays on the case
    qtbot.waitUntil(lambda: store.get_case(case_id).images[0].body_site == "talon droit", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.saved_state.text() == "Enregistré.", timeout=WAIT_MS)
    assert not panel.labels_retrying()
    assert panel.labels.body_site.text() == "talon droit"


def test_labels_refused_are_tried_again_until_written_and_not_once_another_case_is_opened(
    qtbot: Any, threaded_window: Any, store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window = threaded_window
    case_id = complete_case(store, tmp_path / "a")
    other = complete_case(store, tmp_path / "b")
    _full_disk(monkeypatch)
    panel = _type_site(qtbot, window, case_id, "talon droit")
    qtbot.waitUntil(panel.labels_retrying, timeout=WAIT_MS)
    panel._labels_retry.timeout.emit()  # the try comes: the disk still full
    qtbot.waitUntil(panel.labels_retrying, timeout=WAIT_MS)
    assert panel.labels.body_site.text() == "talon droit"
    assert "Non enregistré" in window.case_page.saved_state.text()
    window.open_case(other)
    assert not panel.labels_retrying(), "the next case is not the one refused"


def test_labels_refused_then_the_case_left_come_back_with_it_and_are_saved(
    qtbot: Any, threaded_window: Any, store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Left for the list after the refusal: opened again, what she typed is shown (not what is stored), and
    saved by itself once space is freed."""
    window = threaded_window
    case_id = complete_case(store, tmp_path)
    disk = _full_disk(monkeypatch)
    panel = _type_site(qtbot, window, case_id, "talon droit")
    qtbot.waitUntil(lambda: "disque est plein" in panel.status.text().lower(), timeout=WAIT_MS)
    window.show_worklist()
    assert not panel.labels_retrying(), "not tried while the case is not on screen"
    window.open_case(case_id)
    image = window.case_page.case.images[0]
    assert image.body_site == "talon droit"
    panel.select_image(image.id)
    assert panel.labels.body_site.text() == "talon droit"
    disk["full"] = False
    qtbot.waitUntil(lambda: store.get_case(case_id).images[0].body_site == "talon droit", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.case_page.saved_state.text() == "Enregistré.", timeout=WAIT_MS)


def test_on_a_real_full_disk_the_site_typed_stays_and_is_saved_once_space_is_freed(tmp_path: Path) -> None:
    """The same on a disk really full to its last byte (a private tmpfs: tests/support/small_disk.py), the
    store's own refusal (SQLite's « disk is full », said as the store says it)."""
    from tests.support.small_disk import on_a_small_disk

    report = on_a_small_disk(tmp_path, "labels_disk_full_child")
    assert report["stored_before"] == "dos" and report["stored_while_full"] == "dos"
    assert "disque est plein" in report["said"].lower()
    assert report["field"] == "talon droit", "what she typed stays on screen"
    assert report["tile"] == "talon droit"
    assert report["retrying"], "tried again by itself"
    assert report["saved"], "saved by itself once space is freed"
    assert report["retrying_after"], "and no more tries once written"
    assert report["integrity"] == "ok"


def test_a_case_sent_before_its_refused_labels_were_tried_again_leaves_with_them(
    qtbot: Any, threaded_window: Any, store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Found in review: space freed and « Envoyer » pressed before the labels' next try, the case was queued
    with the site stored before (the send saved the case's fields again, not a photo's labels), while its
    tile, and the case once sent, still showed the site she had typed."""
    window = threaded_window
    case_id = complete_case(store, tmp_path)
    disk = _full_disk(monkeypatch)
    panel = _type_site(qtbot, window, case_id, "talon droit")
    page = window.case_page
    qtbot.waitUntil(lambda: "disque est plein" in panel.status.text().lower(), timeout=WAIT_MS)
    panel._labels_retry.stop()  # (its try not come yet)
    disk["full"] = False
    assert page.send()
    qtbot.waitUntil(lambda: store.get_case(case_id).state.value != "draft", timeout=WAIT_MS)
    assert store.get_case(case_id).images[0].body_site == "talon droit", "sent with the site on screen"


def test_labels_refused_because_the_case_was_sent_elsewhere_are_not_kept_as_unsaved(
    qtbot: Any, threaded_window: Any, store: Store, tmp_path: Path
) -> None:
    """Found in review: every refusal of a photo's labels was taken for a full disk's. A case sent beside the
    window (``case send``) refuses them for good: they were tried again every few seconds, refused each time,
    and once the window followed the case as sent, its tile showed the site she had typed, never sent, « Non
    enregistré » never lifted. Refused so, the labels are read back as stored (and the refusal said), as before."""
    window = threaded_window
    case_id = complete_case(store, tmp_path)
    activate(qtbot, window)
    window.open_case(case_id)
    panel = window.case_page.capture.ensure()
    image_id = store.get_case(case_id).images[0].id
    panel.select_image(image_id)
    store.queue(case_id)  # sent from a terminal while the case is on screen
    panel.labels.body_site.setFocus()
    panel.labels.body_site.selectAll()
    type_text(panel.labels.body_site, "talon droit")
    qtbot.keyClick(panel.labels.body_site, Qt.Key.Key_Return)
    assert panel.isVisible()
    qtbot.waitUntil(lambda: panel.tile(image_id).image.body_site != "talon droit", timeout=WAIT_MS)
    assert not panel.labels_retrying(), "a refusal for good is not tried again"
    assert not panel.labels_unsaved()
    window.open_case(case_id)  # the window follows it as sent
    assert window.case_page.case.images[0].body_site == store.get_case(case_id).images[0].body_site
