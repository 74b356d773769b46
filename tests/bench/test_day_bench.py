"""A working day compressed: the window is left open from 8 am to 7 pm on a telemedicine cart, sometimes for
days. Each round does what a day does (cases opened and left, typing, specialty changed, drafts made and
deleted, sync passes with answers and questions, replies, the lock, the dialogs, the camera's preview), and
what the process holds is counted after it: widgets and objects alive, timers, threads, open files,
memory. What grows with each round, compared with the first rounds of the same run, is a leak.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app.screen_lock import set_pin
from app.store import Store
from tests.support.ui import REQUESTER, complete_case, type_text

pytestmark = pytest.mark.bench
ROUNDS = int(os.environ.get("TELEAVIS_DAY_ROUNDS", "6"))
PIN = "4821"


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _trimmed_rss_kib() -> int:
    """The resident memory once the C allocator gave back its free pages (glibc keeps them otherwise,
    and the figure then says where the peak was, not what is held)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # glibc only
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return _rss_kib()


def _figures(window: Any, home: Path) -> dict[str, int]:
    gc.collect()
    rss = _rss_kib()
    children = window.findChildren(QObject)
    return {
        "rss_kib": rss,
        "trimmed_kib": _trimmed_rss_kib(),
        "fds": len(os.listdir("/proc/self/fd")),
        "threads": threading.active_count(),
        "tasks": len(os.listdir("/proc/self/task")),
        "children": len(children),
        "widgets": len(QApplication.allWidgets()),
        "top_levels": len(QApplication.topLevelWidgets()),
        "timers": sum(1 for child in children if isinstance(child, QTimer)),
        "dialogs": sum(1 for child in children if isinstance(child, QDialog)),
        "pool_active": QThreadPool.globalInstance().activeThreadCount(),
        "home_files": sum(len(files) for _root, _dirs, files in os.walk(home)),
        "log_bytes": sum(p.stat().st_size for p in home.rglob("*.log*") if p.is_file()),
        "gc_objects": len(gc.get_objects()),
    }


def _by_class(window: Any) -> Counter[str]:
    return Counter(type(child).__name__ for child in window.findChildren(QObject))


def _answer_modals() -> None:
    """Close whatever modal dialog is up (the way a nurse presses Échap, or « Supprimer » for a draft)."""
    modal = QApplication.activeModalWidget()
    if modal is None:
        return
    delete = getattr(modal, "delete_button", None)
    if isinstance(modal, QMessageBox) and delete is not None:
        delete.click()
    elif isinstance(modal, QDialog):
        modal.reject()
    else:
        modal.close()


def _with_modal_answered(qtbot: Any, call: Any, wait_ms: int = 50) -> None:
    timer = QTimer()
    timer.setInterval(wait_ms)
    timer.timeout.connect(_answer_modals)
    timer.start()
    try:
        call()
    finally:
        timer.stop()
    qtbot.wait(10)


def test_a_working_day_leaves_nothing_growing(qtbot: Any, teleavis_home: Path, tmp_path: Path) -> None:
    from sync.training import stop_sandboxes
    from ui import tasks
    from ui.main_window import MainWindow

    tasks.set_runner(None)  # the real thread pool and writer, as the window runs them
    store = Store.open(teleavis_home)
    store.settings.set("site.requester", asdict(REQUESTER))
    store.settings.set("sandbox.answer_after_s", 0.0)
    store.settings.set("sandbox.question_rate", 0.5)
    store.settings.set("sync.interval_s", 1)
    set_pin(store, PIN)
    store.settings.set("lock.minutes", 30)
    drafts = [complete_case(store, tmp_path / f"draft{n}", seed=n) for n in range(6)]
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.sync.ready, timeout=30_000)
    figures: list[dict[str, int]] = []
    classes: list[Counter[str]] = []
    started = time.perf_counter()
    try:
        for round_ in range(ROUNDS):
            _a_day(qtbot, window, store, drafts, tmp_path / f"round{round_}", round_)
            qtbot.wait(200)
            figures.append(_figures(window, teleavis_home))
            classes.append(
                _by_class(window) + Counter(f"top:{type(w).__name__}" for w in QApplication.topLevelWidgets())
            )
    finally:
        window.close()
        store.close()
        stop_sandboxes()
    elapsed = time.perf_counter() - started
    names = list(figures[0])
    print(f"\na working day x {ROUNDS} ({elapsed:.0f} s); round 0 warms up (first pages built, caches filled)")
    print("round " + " ".join(f"{name:>11}" for name in names))
    for n, row in enumerate(figures):
        print(f"{n:>5} " + " ".join(f"{row[name]:>11}" for name in names))
    grown = classes[-1] - classes[1]
    print("objects more at the last round than at round 1:", dict(grown.most_common(15)) or "none")
    # Counted objects: nothing more at the end than in the first rounds after the warm-up, unless made
    # once and kept (a message's text document first made in round 3: 1299 -> 1305, then flat) — a leak
    # grows at every round. A couple of objects come and go (a buffer, an animation, deleted later).
    for name in ("fds", "tasks", "children", "widgets", "top_levels", "timers", "dialogs"):
        more = figures[-1][name] > max(row[name] for row in figures[1:3]) + 2
        growing = all(figures[n + 1][name] > figures[n][name] for n in range(3, len(figures) - 1))
        assert not (more and growing), name
    # Memory: the data grows (a case sent and answered each round), the window's own memory does not; it
    # grew about 19 MB a round before (a camera's frames and dialogs kept), 2-4 MB now. Over 6 rounds the
    # memory held is too noisy to tell such a leak (the same code measured +2.8 and +18.7 MB a round in two
    # fresh-clone runs, the allocator's per-thread pools): the counts above tell a leak of objects exactly;
    # this only stops a leak of more than 48 MB a round (a 12 MP photo decoded with alpha, or more).
    per_round = (figures[-1]["trimmed_kib"] - figures[1]["trimmed_kib"]) / (len(figures) - 2) / 1024
    print(f"memory held (trimmed RSS), rounds 1 to {len(figures) - 1}: {per_round:+.1f} MB a round (limit 48)")
    assert per_round < 48


def _a_day(qtbot: Any, window: Any, store: Store, drafts: list[str], folder: Path, round_: int) -> None:
    # Cases opened and left from the list, typed in, specialty changed back and forth.
    for case_id in drafts * 2:
        window.open_case(case_id)
        page = window.case_page
        assert page.case is not None and page.case.id == case_id
        editor = page.editor
        type_text(editor.summary, " x")
        combo = editor.specialty
        for index in (1, 0):
            combo.setCurrentIndex(index)
            combo.activated.emit(index)
            qtbot.wait(20)
        window.show_worklist()
        qtbot.wait(10)
    # A case sent, answered or asked about by the expert, a reply to a question.
    sent = complete_case(store, folder, seed=round_)
    store.queue(sent)
    window.sync_now()
    qtbot.waitUntil(lambda: store.get_case(sent).state.value in ("answered", "on-hold"), timeout=60_000)
    window.open_case(sent)
    qtbot.wait(100)
    follow = window.case_page.follow
    if store.get_case(sent).state.value == "on-hold":
        follow.reply.setPlainText("Oui, depuis six mois.")
        follow._send_reply()
        window.sync_now()
    window.show_worklist()
    # A draft made and deleted.
    window.new_case()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.case_page, timeout=30_000)
    _with_modal_answered(qtbot, window.delete_draft)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.worklist, timeout=30_000)
    # The lock, many times.
    for _ in range(5):
        window.lock()
        window.lock_screen.secret.setText(PIN)
        window.lock_screen.try_unlock()
        assert not window.locked()
    # The dialogs.
    _with_modal_answered(qtbot, window.open_settings)
    _with_modal_answered(qtbot, window.open_guide)
    _with_modal_answered(qtbot, window.open_about)
    _with_modal_answered(qtbot, window.open_diagnostic, wait_ms=300)
    # The camera's preview, started and stopped.
    window.open_case(drafts[0])
    panel = window.case_page.capture.ensure()
    for _ in range(3):
        panel.start_camera()
        qtbot.wait(150)
        panel.stop_camera()
        qtbot.wait(20)
    window.show_worklist()
