"""The capture panel as a nurse reads it at 1366 × 768: findings in words (the measures in a
tooltip), every finding in view, and nothing that jumps when a status line appears."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from app.store import Store
from tests.support.ui import activate, complete_case, open_from_list
from tests.ui.test_layout import blurred_image
from ui.main_window import MainWindow

JOB_MS = 30_000


def test_findings_are_words_all_in_view_and_the_status_line_moves_nothing(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    case_id = complete_case(store, tmp_path / "case")
    device_folder = tmp_path / "retinographe"
    device_folder.mkdir()
    store.settings.set("watch.folder", str(device_folder))
    store.add_images(case_id, [blurred_image("dermatology")])
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    open_from_list(qtbot, window, case_id)
    panel: Any = window.case_page.capture.ensure()
    qtbot.wait(100)
    for image in store.images(case_id):
        qtbot.mouseClick(panel.tile(image.id), Qt.MouseButton.LeftButton)
        qtbot.wait(50)
        findings = panel.labels.findings
        words = findings.text()
        assert "mesure" not in words and "seuil" not in words, words
        assert not re.search(r"\d[.,]\d", re.sub(r"<[^>]+>", "", words)), words
        assert all(f.message in words for f in image.quality)
        measured = [f for f in image.quality if f.measure is not None]
        if measured:
            assert "mesure" in findings.toolTip() and measured[0].message in findings.toolTip()
        # Every finding in view: the box is as tall as its sentences (the column scrolls instead).
        box = panel.labels.findings_scroll
        assert box.viewport().height() >= findings.heightForWidth(box.viewport().width()), image.quality

    # "Reprendre": a status line appears under the buttons; the preview does not move.
    preview = panel.preview.geometry()
    assert not panel.status.text()
    qtbot.mouseClick(panel.labels.retake_button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    assert "Reprise de l'image" in panel.status.text()
    assert panel.preview.geometry() == preview
    # A longer one (two lines): the device drops a new image while the case is open.
    (device_folder / "OD-macula-2026-12-01-0932.jpg").write_bytes((tmp_path / "case" / "dos-loin.jpg").read_bytes())
    qtbot.waitUntil(lambda: "Nouvelle image reçue" in panel.status.text(), timeout=JOB_MS)
    qtbot.wait(50)
    assert panel.status.height() >= panel.status.heightForWidth(panel.status.width())
    assert panel.preview.geometry() == preview
    window.shutdown()
