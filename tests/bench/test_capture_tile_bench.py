"""Where a person waits in the window (issue 18.1): from a press of "Prendre la photo" to the new
tile in the strip, showing its thumbnail and its quality verdict, at most 1.5x the irreducible work
measured in the same run: encoding the camera's still as the app does, running its quality checks,
making its thumbnail and storing it (encrypted, with its thumbnail) in the case.

The window is the real one, fully started, a dermatology case open and the demo camera previewing
(full HD, as the window opens it) in its own threads; the thread pool and the writer are the real
ones. The irreducible side runs the app's own pieces (``capture.pipeline``, ``capture.quality``,
``Store.add_images``) on a still of the same camera at the same size, one after the other, in a
thread while the window's thread goes on drawing the preview (as the window does its own), stored in
a second case that holds as many images, so both sides write the same amount. The window's side also
waits for the camera's next frame (the still) and runs its checks alongside the encoding and writing.
Rounds are interleaved, best of each side (noise on a shared machine only ever adds time).
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.model import Case, Consent, Patient
from app.store import NewImage, Store
from tests.support.cases import DERMATOLOGY_FORM
from tests.support.ui import REQUESTER

pytestmark = pytest.mark.bench
CASES, PER_CASE = 4, 7  # the first case ends with a warm-up photo and 7 more: the 8 a case may hold


def take_still(worker: Any) -> Any:
    """A still, as the window takes one: asked at the press, then waited for."""
    worker.ask_still()
    return worker.wait_still()


def _empty_case(store: Store, family: str) -> str:
    case = Case(
        question="Lésion ?",
        summary="Depuis 6 mois.",
        form=dict(DERMATOLOGY_FORM),
        patient=Patient(family=family, given=["Paul"], birth_date="1950-02-03", sex="male"),
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
    )
    store.create_case(case, [])
    return case.id


def _irreducible(store: Store, case_id: str, still: Any) -> float:
    """The still encoded as the app encodes it, its quality checks and thumbnail, then stored (encrypted,
    with its thumbnail): in a thread of its own, as the window does it, while the window's thread goes
    on drawing the preview. Timed inside that thread, so the wait for it to start is not counted."""
    from capture.cv import cv2
    from capture.pipeline import JPEG_QUALITY, PreparedImage, thumbnail
    from capture.quality import check_quality
    from ui.capture_work import Labels, record_for

    took: list[float] = []

    def work() -> None:
        own = store.clone()  # SQLite connections belong to one thread
        try:
            started = time.perf_counter()
            ok, encoded = cv2.imencode(".jpg", still, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
            assert ok
            small = thumbnail(still, order="bgr")
            findings = check_quality(still, specialty="dermatology", order="bgr")
            height, width = still.shape[:2]
            prepared = PreparedImage(encoded.tobytes(), "image/jpeg", width, height, small, findings)
            own.add_images(case_id, [NewImage(record_for(prepared, Labels()), prepared.data, prepared.thumbnail)])
            took.append(time.perf_counter() - started)
        finally:
            own.close()

    thread = threading.Thread(target=work, name="irreducible")
    thread.start()
    while thread.is_alive():
        QApplication.processEvents()
        time.sleep(0.0005)
    thread.join()
    assert took, "the irreducible work failed (see the traceback above)"
    return took[0]


def _new_tile_shown(panel: Any, before: set[str]) -> bool:
    """A tile not there before, showing its thumbnail and its verdict: its image's quality findings, said by
    its badge (and by the sentence under it, which a good image's tile leaves empty since « Bonne qualité »
    is said once, in the badge: waited for, every good photo's round ran into the 30 s limit, and the
    non-strict xfail hid it)."""
    for tile in panel.tiles():
        if tile.image.id in before:
            continue
        return bool(not tile.picture.pixmap().isNull() and tile.image.quality and tile.badge.text())
    return False


def _window_capture(qtbot: Any, panel: Any) -> float:
    before = {tile.image.id for tile in panel.tiles()}
    started = time.perf_counter()
    qtbot.mouseClick(panel.capture_button, Qt.MouseButton.LeftButton)
    while not _new_tile_shown(panel, before):
        QApplication.processEvents()
        time.sleep(0.0005)
        if time.perf_counter() - started >= 30:  # not the bound's failure, which alone is expected (xfail)
            raise TimeoutError(f"no new tile with its verdict after 30 s: {panel.status.text()}")
    return time.perf_counter() - started


def _preview_running(qtbot: Any, panel: Any) -> None:
    """The (re)opened case's preview shows ten new frames: the camera runs as the user sees it."""
    frames = panel.preview.frames_shown
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= frames + 10, timeout=30_000)


def _settle(qtbot: Any, panel: Any) -> None:
    """What the capture set going after its tile (writes, the checklist) ends before the next round."""
    from ui import tasks

    qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=30_000)
    tasks.wait_writes()
    qtbot.wait(300)


@pytest.mark.xfail(
    strict=False,
    raises=AssertionError,  # the bound; a tile never shown (TimeoutError) fails
    reason=(
        "issue 18.1's bound for capture -> tile: 1.20-1.49x in the runs after the capture path was "
        "reworked (1.47-2.09x before), 1.45x in a whole-suite run (limit 1.5): met, but with a margin "
        "no larger than a 2-core host's noise. Not strict until it holds with margin. From 2026-12-05 03:59 "
        "(a good image's tile no longer repeats « Bonne qualité » under its badge) to 15:00 that day it "
        "waited for that sentence and timed out at every run, which this xfail hid; since, 1.31-1.41 on a "
        "host at load 8-10"
    ),
)
def test_a_photo_reaches_its_tile_with_its_verdict_within_one_and_a_half_times_encoding_checking_and_storing_it(
    qtbot: Any, teleavis_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import capture.camera
    from sync.training import stop_sandboxes
    from ui import tasks
    from ui.camera_bridge import DEMO_HEIGHT, DEMO_WIDTH
    from ui.main_window import MainWindow

    monkeypatch.setattr(capture.camera, "enumerate_cameras", lambda **_options: [])  # the demo camera, always
    tasks.set_runner(None)  # the real thread pool and writer, as the window runs them
    store = Store.open(teleavis_home)
    store.settings.set("site.requester", asdict(REQUESTER))
    store.settings.set("sandbox.answer_after_s", 3600.0)
    # Each side stores into cases of its own, as many photos in each (a case holds at most 8).
    cases = [(_empty_case(store, f"MARTIN{n}"), _empty_case(store, f"BERNARD{n}")) for n in range(CASES)]
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.sync.ready, timeout=30_000)  # the app fully started, as a user finds it
    rounds: dict[str, list[float]] = {"window": [], "irreducible": []}
    try:
        for number, (shown, other) in enumerate(cases):
            window.open_case(shown)
            panel: Any = window.case_page.capture.ensure()
            _preview_running(qtbot, panel)
            worker = panel.camera._worker
            if number == 0:  # warm-up: first imports, caches, the first tile made
                _window_capture(qtbot, panel)
                _settle(qtbot, panel)
                still = take_still(worker)  # the camera's own still, at the size the window stores
                assert still is not None and still.shape[:2] == (DEMO_HEIGHT, DEMO_WIDTH)
                _irreducible(store, other, still)
            for _ in range(PER_CASE):
                rounds["window"].append(_window_capture(qtbot, panel))
                _settle(qtbot, panel)
                still = take_still(worker)
                assert still is not None
                rounds["irreducible"].append(_irreducible(store, other, still))
            stored = list(store.images(shown))
            assert len(stored) == PER_CASE + (number == 0) and all(image.quality for image in stored)
            assert [tile.image.id for tile in panel.tiles()] == [image.id for image in stored]
    finally:
        window.close()
        store.close()
        stop_sandboxes()
    count = len(rounds["window"])
    best = {side: min(times) for side, times in rounds.items()}
    ratio = best["window"] / best["irreducible"]
    print(
        f"\ncapture -> tile with its verdict ({DEMO_WIDTH}x{DEMO_HEIGHT}), best of {count}: window "
        f"{best['window'] * 1000:.0f} ms (median {statistics.median(rounds['window']) * 1000:.0f}), encoding + "
        f"checks + thumbnail + storing {best['irreducible'] * 1000:.0f} ms "
        f"(median {statistics.median(rounds['irreducible']) * 1000:.0f}), ratio {ratio:.2f} (limit 1.5); rounds (ms): "
        + ", ".join(f"{w * 1000:.0f}/{i * 1000:.0f}" for w, i in zip(*rounds.values(), strict=True))
    )
    assert ratio <= 1.5
