"""The expert's photo asked large just before the lock comes is not shown above the lock screen once it is
decoded: decoded on a worker since the nurse's pass, it opened its dialog when ready, whether the window had
locked meanwhile or not, the patient's photo there for whoever passed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from app.model import Answer
from app.store import Store
from tests.support.ui import answered_case
from tests.ui.test_under_the_lock import made_window, unlock

PHOTO = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras" / "orientation_landscape_6.jpg"


def test_the_experts_photo_decoded_while_the_window_locked_is_not_shown_above_the_lock(
    qtbot: Any, store: Store, sync_runner: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import follow_view

    blob = store.objects.put(PHOTO.read_bytes())
    answer = Answer(conclusion="Voir photo.", files=[{"blob": blob, "content_type": "image/jpeg", "title": "Lésion"}])
    case_id = answered_case(store, answer=answer)
    window = made_window(qtbot, store)
    try:
        window.open_case(case_id)
        view = window.case_page.follow
        qtbot.waitUntil(lambda: view.expert_images.count() == 1, timeout=10_000)
        real = follow_view.decode_large

        def decoding(data: bytes) -> Any:  # the idle lock comes while the worker decodes
            window.lock()
            return real(data)

        monkeypatch.setattr(follow_view, "decode_large", decoding)
        view._show_expert_image(view.expert_images.item(0))
        qtbot.wait(50)
        assert window.locked()
        shown = [w for w in QApplication.topLevelWidgets() if w.inherits("QDialog") and w.isVisible()]
        assert not shown, "the patient's photo above the lock screen"
        unlock(qtbot, window)
        assert not [w for w in QApplication.topLevelWidgets() if w.inherits("QDialog") and w.isVisible()]
    finally:
        window.shutdown()
