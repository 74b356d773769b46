"""The live preview costs the window's thread a paint, no more: the camera's own thread reduces each frame
to the preview's size and converts it (on the window's thread, 3 ms a frame at the display rate, all day
while a case is open, in competition with each click and each case opened: issue 18)."""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

import numpy as np
import pytest
from PySide6.QtGui import QImage

from app.store import Store
from capture.camera import preview_buffer
from capture.cv import cv2
from tests.ui.test_capture_panel import JOB_MS, new_case, show
from ui.capture_panel import CapturePanel


def test_the_window_s_thread_neither_reduces_nor_scales_a_camera_frame(
    qtbot: Any, panel: CapturePanel, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_window = {"resize": 0, "cvtColor": 0}

    def counted(name: str) -> Any:
        real = getattr(cv2, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is threading.main_thread():
                on_window[name] += 1
            return real(*args, **kwargs)

        return call

    for name in on_window:
        monkeypatch.setattr(cv2, name, counted(name))
    panel.set_case(new_case(store))
    show(qtbot, panel)
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 10, timeout=JOB_MS)
    assert on_window == {"resize": 0, "cvtColor": 0}
    # Made at the preview's size: painted as it is, not scaled at each paint.
    frame = panel.preview.frame
    assert frame is not None and panel.preview.frame_rect(frame)[1]

    # The window resized: the frames follow the preview's new size.
    panel.window().resize(900, 700)
    panel.resize(900, 700)
    qtbot.waitUntil(
        lambda: (shown := panel.preview.frame) is not None and panel.preview.frame_rect(shown)[1], timeout=JOB_MS
    )
    shown = panel.preview.frame
    assert shown is not None and (shown.width() == panel.preview.width() or shown.height() == panel.preview.height())
    assert on_window == {"resize": 0, "cvtColor": 0}


def test_a_preview_image_keeps_its_pixels_alive_as_long_as_any_copy_of_it() -> None:
    """The preview's QImage wraps the camera thread's pixels without copying them: the array must live as
    long as the image does (PySide keeps it), and no longer."""
    from ui.camera_bridge import wrapped

    frame = np.zeros((60, 80, 3), np.uint8)
    frame[..., 2] = 200  # red in BGR
    buffer = preview_buffer(frame, long_side=80)
    pixels = weakref.ref(buffer.data)
    image = wrapped(buffer)
    kept = QImage(image)  # as the preview widget keeps it
    del buffer, image
    gc.collect()
    assert pixels() is not None
    assert kept.pixelColor(10, 10).red() == 200 and kept.pixelColor(10, 10).blue() == 0
    del kept
    gc.collect()
    assert pixels() is None


def test_a_minimised_or_locked_window_spends_nothing_on_the_preview(qtbot: Any, window: Any, store: Store) -> None:
    """Minimised (the panel's spontaneous hide) or locked, the camera is stopped and its timer with it; the
    preview starts again when the window is restored."""
    window.open_case(new_case(store).id)
    panel = window.case_page.capture.ensure()
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 3, timeout=JOB_MS)
    window.showMinimized()
    qtbot.waitUntil(lambda: not panel.camera.is_running(), timeout=JOB_MS)
    assert not panel.camera._timer.isActive()
    shown = panel.preview.frames_shown
    qtbot.wait(300)
    assert panel.preview.frames_shown == shown

    window.showNormal()
    qtbot.waitUntil(lambda: panel.camera.is_running() and panel.preview.frames_shown > shown, timeout=JOB_MS)
    window.lock()
    qtbot.waitUntil(lambda: not panel.camera.is_running(), timeout=JOB_MS)
    assert not panel.camera._timer.isActive()


def test_a_preview_made_for_a_fractional_scale_is_painted_from_the_widget_s_edge(qtbot: Any) -> None:
    """Found in review: at 150 % (a laptop's usual scale) a preview 401 logical pixels wide is made 602 screen
    pixels wide (601.5 rounded), 401.33 logical: its spare width, -0.33, halved and floored, put it one
    logical pixel left of the widget, its first column cut and a black one on the right."""
    from ui.capture_preview import CapturePreview

    preview = CapturePreview()
    qtbot.addWidget(preview)
    preview.resize(401, 301)
    frame = QImage(602, 339, QImage.Format.Format_RGB888)
    frame.setDevicePixelRatio(1.5)
    target, as_is = preview.frame_rect(frame)
    assert as_is
    assert target.left() == 0 and target.top() == (301 - 226) // 2
