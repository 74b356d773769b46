"""A case opened while still editable gets the verdicts of this release's quality checks; a sent case never.

The checks change from one release to the next (a retina's text strip no longer read as a second field, a
grey strip no longer as a cut photo), and a draft kept the verdict of the checks it was imported under:
blocked by an « unusable » they no longer say, or let through what they now catch. Its images whose verdict
is of older checks (``CaseImage.checks`` below ``app.model.CHECKS_VERSION``) are checked again when it is
opened, on the thread pool as for a change of specialty (never on the window's thread), and their tiles and
the checklist follow."""

from __future__ import annotations

import threading
from typing import Any

from app.model import CHECKS_VERSION, CaseState
from app.store import Store
from tests.support.old_checks import (
    OLD_VERDICT,
    case_checked_long_ago,
    first,
    small_photo_judged_good_long_ago,
    verdicts,
)
from tests.support.ui import open_from_list

JOB_MS = 30_000


class _Seen:
    """Each check made again, and the thread it ran on."""

    def __init__(self, monkeypatch: Any) -> None:
        from capture import rechecks

        self.threads: list[threading.Thread] = []
        checks = rechecks.recheck_stored

        def seen(data: bytes, **kwargs: Any) -> Any:
            self.threads.append(threading.current_thread())
            return checks(data, **kwargs)

        monkeypatch.setattr(rechecks, "recheck_stored", seen)


def test_a_draft_checked_by_older_checks_gets_the_verdicts_of_these_once_opened(
    qtbot: Any, store: Store, threaded_window: Any, monkeypatch: Any
) -> None:
    seen = _Seen(monkeypatch)
    case_id = case_checked_long_ago(store)
    image_id = first(store, case_id).id
    window = threaded_window
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    panel: Any = page.capture.ensure()
    qtbot.waitUntil(lambda: panel.tile(image_id) is not None, timeout=JOB_MS)

    qtbot.waitUntil(
        lambda: [checks for _quality, checks in verdicts(store, case_id)] == [CHECKS_VERSION, CHECKS_VERSION],
        timeout=JOB_MS,
    )
    image = first(store, case_id)
    assert OLD_VERDICT not in image.quality
    assert {finding.check: finding.level for finding in image.quality}["sharpness"] == "ok"
    # What the nurse sees: the tile, the case's images and the checklist say the new verdict.
    qtbot.waitUntil(lambda: OLD_VERDICT not in page.case.images[0].quality, timeout=JOB_MS)
    qtbot.waitUntil(lambda: panel.tile(image_id).level == image.worst_level(), timeout=JOB_MS)
    assert not any(finding.field == "images[0].quality" for finding in page.checklist.findings)
    assert seen.threads and threading.main_thread() not in seen.threads  # never on the window's thread
    assert store.state(case_id) == CaseState.DRAFT
    assert panel.jobs.wait()

    # Opened again: checked by this release's checks already, nothing is checked again.
    checked = len(seen.threads)
    open_from_list(qtbot, window, case_id)
    qtbot.wait(600)
    assert panel.jobs.wait()
    assert len(seen.threads) == checked


def test_a_sent_case_opened_keeps_the_verdict_its_expert_saw(
    qtbot: Any, store: Store, threaded_window: Any, monkeypatch: Any
) -> None:
    seen = _Seen(monkeypatch)
    case_id = case_checked_long_ago(store, level="warning", then=(CaseState.QUEUED, CaseState.SENDING, CaseState.SENT))
    before = verdicts(store, case_id)
    open_from_list(qtbot, threaded_window, case_id)
    qtbot.wait(1000)
    assert verdicts(store, case_id) == before
    assert not seen.threads


def test_a_photo_whose_file_is_gone_is_named_once_with_what_to_do_and_not_read_again(
    qtbot: Any, store: Store, threaded_window: Any, monkeypatch: Any
) -> None:
    """Its file could not be read to be checked again: it stayed « out of date », was tried again at every
    opening, and nothing said it (the sync failed on it later). Its older verdict is now kept with a
    blocking finding that names it and says what to do (retake or remove it), and it is not read again."""
    case_id = case_checked_long_ago(store)
    image, _second = list(store.images(case_id))
    store.objects._path(image.blob).unlink()
    reads: list[str] = []
    read = Store.image_bytes

    def counted(self: Store, image: Any) -> bytes:
        reads.append(image.id)
        return read(self, image)

    monkeypatch.setattr(Store, "image_bytes", counted)
    window = threaded_window
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    panel: Any = page.capture.ensure()
    qtbot.waitUntil(
        lambda: [checks for _quality, checks in verdicts(store, case_id)] == [CHECKS_VERSION, CHECKS_VERSION],
        timeout=JOB_MS,
    )
    assert panel.jobs.wait()
    kept = first(store, case_id).quality
    assert OLD_VERDICT in kept and [f.key for f in kept if f != OLD_VERDICT] == ["recheck.file-unreadable"]
    # What the nurse sees: the checklist names the image and says what to do, the tile says it unusable.
    qtbot.waitUntil(lambda: any("introuvable ou abîmé" in f.message for f in page.checklist.findings), timeout=JOB_MS)
    said = next(f for f in page.checklist.findings if "introuvable ou abîmé" in f.message)
    assert said.field == "images[0].quality" and said.blocks_sending()
    assert said.message.startswith("Image 1 ") and "Reprenez-la ou retirez-la" in said.message
    qtbot.waitUntil(lambda: panel.tile(image.id) is not None, timeout=JOB_MS)
    qtbot.waitUntil(lambda: panel.tile(image.id).level == "blocking", timeout=JOB_MS)
    assert not page.send()
    assert store.state(case_id) == CaseState.DRAFT

    # Opened again: not read again, not said twice.
    tried = reads.count(image.id)
    open_from_list(qtbot, window, case_id)
    qtbot.wait(600)
    assert panel.jobs.wait()
    assert reads.count(image.id) == tried
    assert first(store, case_id).quality == kept


def test_a_draft_whose_checks_crash_on_a_real_photo_is_sent_with_its_older_verdict_said(
    qtbot: Any, store: Store, threaded_window: Any, monkeypatch: Any
) -> None:
    """An exception inside the checks for one image left the draft « en cours de vérification » at every
    press of « Envoyer » (checked again, failing again): never sent. The image keeps its older verdict, marked
    as not checked again and said as a warning in the checklist, and the case leaves."""
    from capture import rechecks

    case_id = small_photo_judged_good_long_ago(store)
    photo = first(store, case_id)
    data = store.image_bytes(photo)
    checks = rechecks.recheck_stored
    crashes: list[bytes] = []

    def crash(image: bytes, **kwargs: Any) -> Any:
        if image == data:
            crashes.append(image)
            raise ValueError("odd image")
        return checks(image, **kwargs)

    monkeypatch.setattr(rechecks, "recheck_stored", crash)
    window = threaded_window
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    panel: Any = page.capture.ensure()
    qtbot.waitUntil(lambda: bool(crashes) and not panel.checks_pending(case_id), timeout=JOB_MS)
    assert panel.jobs.wait()
    qtbot.waitUntil(
        lambda: any("pas pu être vérifiée de nouveau" in f.message for f in page.checklist.findings), timeout=JOB_MS
    )
    said = next(f for f in page.checklist.findings if "pas pu être vérifiée de nouveau" in f.message)
    assert said.message.startswith("Image 1 ") and not said.blocks_sending()
    assert first(store, case_id).checks == CHECKS_VERSION

    assert page.send()
    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.QUEUED, timeout=JOB_MS)
    assert len(crashes) == 1  # made once, not at every press
    assert panel.jobs.wait()


def test_a_draft_sent_while_its_images_are_checked_again_waits_for_their_verdicts(
    qtbot: Any, store: Store, threaded_window: Any, monkeypatch: Any
) -> None:
    """Older checks said « good » of a photo today's find too small: sent at once on opening, before its check
    came back, it left with the older verdict. The send now waits for the checks; then they refuse it."""

    from capture import rechecks

    case_id = small_photo_judged_good_long_ago(store)

    go = threading.Event()
    started: list[str] = []
    checks = rechecks.recheck_stored

    def held(data: bytes, **kwargs: Any) -> Any:
        started.append(threading.current_thread().name)
        assert go.wait(JOB_MS / 1000)
        return checks(data, **kwargs)

    monkeypatch.setattr(rechecks, "recheck_stored", held)
    window = threaded_window
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    qtbot.waitUntil(lambda: bool(started), timeout=JOB_MS)
    try:
        assert not page.send()
        assert page.checklist.message.isVisible() and page.checklist.message.text()
    finally:
        go.set()
    panel: Any = page.capture.ensure()
    qtbot.waitUntil(lambda: not panel.checks_pending(case_id), timeout=JOB_MS)
    assert any(finding.level == "blocking" for finding in first(store, case_id).quality)
    assert not page.send()  # refused now for what today's checks say
    assert panel.jobs.wait()
    assert store.state(case_id) == CaseState.DRAFT


def test_a_draft_whose_checks_could_not_be_written_is_checked_again_before_it_leaves(
    qtbot: Any, store: Store, threaded_window: Any, monkeypatch: Any
) -> None:
    """Found in review: the new verdicts refused once by the store (a full disk, freed since), the case was
    no longer « being checked », and « Envoyer à l'expert » queued it with the older checks' « good » for a
    photo today's find too small (``case send`` refuses it so). The send now checks it again first."""

    from app import messages as M
    from app.errors import StorageError

    case_id = small_photo_judged_good_long_ago(store)
    write = Store.update_image_checks
    refusals = [StorageError(M.tr("storage.full"))]

    def full_once(self: Store, *args: Any, **kwargs: Any) -> Any:
        if refusals:
            raise refusals.pop()
        return write(self, *args, **kwargs)

    monkeypatch.setattr(Store, "update_image_checks", full_once)
    window = threaded_window
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    panel: Any = page.capture.ensure()
    qtbot.waitUntil(lambda: not refusals and not panel.checks_pending(case_id), timeout=JOB_MS)
    assert panel.jobs.wait()
    assert first(store, case_id).checks == 0  # the older verdict stands

    assert not page.send()  # checked again first
    assert store.state(case_id) == CaseState.DRAFT
    qtbot.waitUntil(lambda: not panel.checks_pending(case_id), timeout=JOB_MS)
    assert panel.jobs.wait()
    assert any(finding.level == "blocking" for finding in first(store, case_id).quality)
    assert not page.send()  # refused for what today's checks say
    assert panel.jobs.wait()
    assert store.state(case_id) == CaseState.DRAFT
