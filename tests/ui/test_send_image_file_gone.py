"""The window's « Envoyer » of a case one of whose image files is no longer on this workstation's disk: the
checklist names the image and what to do, and the case is not queued (tests/app/test_send_image_file_gone.py
for ``case send``; the sync holds such a case once queued: tests/sync/test_image_file_lost.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.model import CaseState
from app.store import Store
from tests.support.ui import activate, open_from_list


def test_the_window_refuses_to_send_a_case_whose_image_file_is_gone(qtbot: Any, store: Store, tmp_path: Path) -> None:
    from app.casefile import parse_case, read_json_file
    from app.commands.cases import load_images
    from tests.support.cases import example_case
    from ui.main_window import MainWindow

    path = example_case(tmp_path / "case")
    parsed = parse_case(read_json_file(path), tmp_path / "case")
    case_id = store.create_case(parsed.case, load_images(parsed.images, parsed.case.specialty, parsed.case))
    _far, close = store.get_case(case_id).images
    store.objects._path(close.blob).unlink()
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    activate(qtbot, window)
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    said = [page.checklist.items.item(n).text() for n in range(page.checklist.items.count())]
    assert any(line.startswith("✗ Image 2 inutilisable") and "introuvable ou abîmé" in line for line in said), said
    # Found by looking at the window: its tile said « ✓ Bonne qualité » and its findings « Image nette. » beside
    # that line. The tile says it unusable, and so do the selected image's findings.
    panel = page.capture.panel
    assert panel is not None
    assert panel.tile(close.id).level == "blocking" and panel.tile(_far.id).level != "blocking"
    panel.select_image(close.id)
    assert "introuvable ou abîmé" in panel.labels.findings.text()
    page.checklist.send.click()
    qtbot.wait(300)
    assert store.state(case_id) == CaseState.DRAFT
    assert not page.checklist.message.isHidden()
    window.shutdown()
