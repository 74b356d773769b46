"""The window's copy of a case never goes over a change it did not see (``Store.update_case(revision=)``),
with real processes beside the window: ``teleavis case send`` queuing the case on screen (a technician's
script), another process saving it (another window, as two could open before one window per data folder).
Before, the window's autosave wrote its stale copy over the other's (an identity or a question silently
taken back), and a case sent meanwhile was refused at every keystroke while still shown as a draft."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.model import CaseState
from app.store import Store
from tests.support.cli import ROOT, run_process
from tests.support.ui import complete_case, type_text

SAVED_ELSEWHERE = """
import sys
from app.paths import data_dir
from app.store import Store

with Store.open(data_dir()) as store:
    case = store.get_case(sys.argv[1])
    case.question = sys.argv[2]
    store.update_case(case, images=False)
"""


@pytest.fixture
def told(window: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(window, "tell", lambda _kind, _title, text: said.append(text))
    return said


def _opened(qtbot: Any, window: Any, store: Store, tmp_path: Path) -> tuple[str, str]:
    case_id = complete_case(store, tmp_path)
    window.open_case(case_id)
    assert window.case_page.editing()
    return case_id, store.get_case(case_id).question


def _typed_and_saved(qtbot: Any, window: Any, text: str) -> None:
    editor = window.case_page.editor
    type_text(editor.summary, text)
    qtbot.waitUntil(lambda: not editor.pending(), timeout=10_000)  # the autosave went (or was refused)


def test_a_case_sent_by_the_command_is_not_written_over_and_shown_sent(
    qtbot: Any, window: Any, store: Store, tmp_path: Path, told: list[str]
) -> None:
    case_id, question = _opened(qtbot, window, store, tmp_path)

    sent = run_process("case", "send", case_id)  # a technician's script, the window open on the case
    assert sent.code == 0, sent.err
    _typed_and_saved(qtbot, window, " Vue ce matin.")

    case = store.get_case(case_id)
    assert case.state == CaseState.QUEUED
    assert case.question == question and "Vue ce matin" not in case.summary  # as it was checked and queued
    # Shown as it is now, sent, not as a draft whose every keystroke is refused; and said.
    qtbot.waitUntil(lambda: not window.case_page.editing(), timeout=10_000)
    # What she typed is kept, shown with why and what to do (tests/ui/test_typing_kept_when_moved.py).
    kept = window.case_page.kept_typing
    assert kept is not None and kept.isVisible() and told == []
    assert "envoyé" in kept.why.text() and "Retenir le dossier" in kept.why.text()
    assert "Vue ce matin." in kept.typed.toPlainText()


def test_a_save_made_elsewhere_is_not_taken_back_by_the_window(
    qtbot: Any, window: Any, store: Store, tmp_path: Path, told: list[str]
) -> None:
    case_id, _question = _opened(qtbot, window, store, tmp_path)
    theirs = "Lésion du dos qui saigne depuis hier : exérèse urgente ?"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SAVED_ELSEWHERE, case_id, theirs],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]

    _typed_and_saved(qtbot, window, " Vue ce matin.")

    assert store.get_case(case_id).question == theirs  # not put back to the window's older copy
    # The window shows the case as stored, the other's question in its field, and says so.
    qtbot.waitUntil(lambda: window.case_page.editor.question.toPlainText() == theirs, timeout=10_000)
    assert window.case_page.editing()
    kept = window.case_page.kept_typing
    assert kept is not None and kept.isVisible() and told == []
    assert "modifié ailleurs" in kept.why.text() and "Vue ce matin." in kept.typed.toPlainText()
    assert "Question" not in kept.typed.toPlainText()  # (only what she typed: not the question they changed)
    kept.let_go.click()
    # From there, its own edits save again (over the revision it now shows).
    _typed_and_saved(qtbot, window, " Revue.")
    assert "Revue." in store.get_case(case_id).summary
    assert store.get_case(case_id).question == theirs


def test_a_photo_is_not_added_to_a_case_the_command_sent_meanwhile(
    qtbot: Any, window: Any, store: Store, tmp_path: Path
) -> None:
    """A photo added to a case already queued (or sent) was on its record, in its report, and never reached
    the expert: the window imported it into whatever state the case had reached since it was shown."""
    from tests.support.images import jpeg_bytes, skin_photo

    case_id, _question = _opened(qtbot, window, store, tmp_path)
    images = len(store.get_case(case_id).images)
    panel = window.case_page.capture.ensure()
    sent = run_process("case", "send", case_id)
    assert sent.code == 0, sent.err
    photo = tmp_path / "dos.jpg"
    photo.write_bytes(jpeg_bytes(skin_photo(1200, 900)))

    panel.import_files([photo])
    qtbot.waitUntil(lambda: panel.jobs.pending() == 0, timeout=20_000)

    assert len(store.get_case(case_id).images) == images
    assert "déjà parti" in panel.status.text()  # said where the photo was expected


def test_the_case_on_screen_follows_what_a_command_did_with_it(
    qtbot: Any, window: Any, store: Store, tmp_path: Path
) -> None:
    """Nothing typed: the window's own engine never said the case moved (the command's did), and the draft
    stayed on screen as a draft, « Envoyer » and all."""
    case_id, _question = _opened(qtbot, window, store, tmp_path)
    sent = run_process("case", "send", case_id)
    assert sent.code == 0, sent.err

    window.refresh_status()  # (every few seconds)

    assert not window.case_page.editing()
    assert window.case_page.case.state == CaseState.QUEUED
    held = run_process("case", "cancel", case_id)  # held back: a draft again, to correct
    assert held.code == 0, held.err
    window.refresh_status()
    assert window.case_page.editing()


def test_a_case_a_command_imported_shows_in_the_list(qtbot: Any, window: Any, store: Store, tmp_path: Path) -> None:
    from tests.support.cases import example_case

    window.show_worklist()
    window.worklist.set_filter("all")
    window.refresh_status()
    imported = run_process("case", "import", str(example_case(tmp_path / "case")))
    assert imported.code == 0, imported.err
    case_id = imported.out.strip()

    window.refresh_status()  # (every few seconds)

    assert window.worklist.model.row_of(case_id) >= 0
