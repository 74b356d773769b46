"""The expert's photo opened large is decoded off the window's thread: a 12 MP photo decoded on it held
the window still for as long as it took (about a second on the cart's laptop)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QLabel

from app.model import Answer
from app.store import Store
from tests.support.ui import answered_case, shown

PHOTO = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras" / "orientation_landscape_6.jpg"


@pytest.fixture
def pool_runner() -> Any:
    from ui import tasks

    tasks.set_runner(None)  # the window's real thread pool
    yield
    tasks.set_runner(None)


def test_the_experts_photo_is_decoded_off_the_windows_thread_and_shown_upright(
    qtbot: Any, store: Store, pool_runner: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import follow_view

    blob = store.objects.put(PHOTO.read_bytes())  # a landscape photo stored sideways (EXIF 6)
    answer = Answer(conclusion="Voir photo.", files=[{"blob": blob, "content_type": "image/jpeg", "title": "Lésion"}])
    view = shown(qtbot, store, answered_case(store, answer=answer))
    qtbot.waitUntil(lambda: view.expert_images.count() == 1)
    threads: list[int] = []
    real = follow_view.decode_large

    def decoding(data: bytes) -> Any:
        threads.append(threading.get_ident())
        return real(data)

    monkeypatch.setattr(follow_view, "decode_large", decoding)
    view._show_expert_image(view.expert_images.item(0))
    qtbot.waitUntil(lambda: bool(view.findChildren(QDialog)), timeout=10_000)
    assert threads and threading.main_thread().ident not in threads
    (dialog,) = view.findChildren(QDialog)
    pictures = [label.pixmap() for label in dialog.findChildren(QLabel) if not label.pixmap().isNull()]
    assert len(pictures) == 1 and (pictures[0].width(), pictures[0].height()) == (600, 450)  # upright
    dialog.close()
