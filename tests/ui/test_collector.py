"""Python's cycle collector runs on the window's thread only: a Qt object collected on the sync or
sandbox thread would be destroyed off its thread, and Qt crashes."""

from __future__ import annotations

import gc
import threading
from typing import Any

from ui import application
from ui.application import make_application


def test_cycles_made_on_a_worker_thread_are_collected_on_the_window_thread(qtbot: Any) -> None:
    make_application([])
    collector = application._collector
    try:
        assert collector is not None and not gc.isenabled()
        freed_on: list[int] = []

        class Node:
            def __del__(self) -> None:
                freed_on.append(threading.get_ident())

        def churn() -> None:  # far past the collector's thresholds
            for _ in range(20_000):
                a, b = Node(), Node()
                a.other, b.other = b, a

        worker = threading.Thread(target=churn)
        worker.start()
        worker.join()
        assert freed_on == [], "nothing collected on the worker thread"
        qtbot.waitUntil(lambda: len(freed_on) > 0, timeout=30_000)
        assert set(freed_on) == {threading.get_ident()}
    finally:
        if collector is not None:
            collector.timer.stop()
            collector.setParent(None)
        application._collector = None
        gc.enable()
        gc.collect()
