"""The photos joined to a reply begun are kept as a case's own photos are (encrypted files, recorded
against the reply, app/reply_drafts.py): found by a nurse's day, they lived in the window only, and a crash,
a power cut or closing Teleavis lost photos taken with the patient in front of her."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from app import reply_drafts
from app.outbox import Outbox
from app.store import Store
from tests.support.cli import ROOT
from tests.support.ui import shown


def _photos(folder: Path) -> list[Path]:
    from tests.support.images import jpeg_bytes, skin_photo

    paths = []
    for number in (1, 2):
        path = folder / f"photo{number}.jpg"
        path.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=60 + number), quality=92))
        paths.append(path)
    return paths


def _kill_after_joining(case_id: str, paths: list[Path]) -> None:
    """Join ``paths`` to ``case_id``'s reply in another process, then kill it (SIGKILL: nothing cleaned up)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = dict(os.environ, PYTHONPATH=path, QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "ui" / "reply_photos_child.py"), case_id, *map(str, paths)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        said = child.stdout.readline().strip()
        assert said == "joined", child.stderr.read() if child.stderr else ""
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream:
                stream.close()
    assert child.returncode == -signal.SIGKILL


def test_photos_joined_to_a_reply_come_back_after_a_kill_and_leave_once(
    qtbot: Any, store: Store, teleavis_home: Path, tmp_path: Path, sync_runner: None
) -> None:
    from PySide6.QtCore import Qt

    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    before = len(store.get_case(case_id).images)
    _kill_after_joining(case_id, _photos(tmp_path))

    with Store.open(teleavis_home) as reopened:  # Teleavis started again
        view = shown(qtbot, reopened, case_id)
        assert view.reply.toPlainText() == "Voici les photos demandées."
        records = [image.record for image in view._reply_images]
        assert len(records) == 2, "the photos joined to the reply were lost with the window"
        assert [record.body_site for record in records] == ["dos", "bras gauche"]
        assert all(record.quality for record in records), "each photo comes back with its quality verdict"
        said = view.reply_images.text()
        assert "1. photo1.jpg" in said and "2. photo2.jpg" in said
        assert len(view.reply_places.fields) == 2
        assert view.unsent_photos([case_id]) == 2
        for record in records:  # kept encrypted, not in clear
            for blob in (record.blob, record.thumb_blob):
                assert blob and reopened.objects.exists(blob)
                sealed = (reopened.objects.root / blob[:2] / blob).read_bytes()
                assert b"\xff\xd8\xff" not in sealed[:64] and b"JFIF" not in sealed

        qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
        assert view.reply_saved.text(), view.reply_problem.text()
        reply = Outbox(reopened).messages(case_id)[-1]
        assert reply.direction == "to-expert" and sorted(reply.image_ids) == sorted(r.id for r in records)
        images = list(reopened.images(case_id))
        assert len(images) == before + 2
        assert {image.id: image.body_site for image in images[before:]} == {r.id: r.body_site for r in records}
        assert [reopened.image_bytes(image)[:3] for image in images[before:]] == [b"\xff\xd8\xff"] * 2
        assert reply_drafts.load_photos(reopened, case_id) == [], "sent, and still a draft's: it would go twice"
        assert reopened.settings.get(reply_drafts.PHOTOS) is None
        assert all(reopened.objects.exists(image.blob) for image in images[before:])

    with Store.open(teleavis_home) as again:  # opened once more: nothing of the reply comes back
        view = shown(qtbot, again, case_id)
        assert view._reply_images == [] and view.reply.toPlainText() == ""


def test_photos_taken_off_the_reply_are_gone_from_disk_and_do_not_come_back(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    from PySide6.QtCore import Qt

    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    view = shown(qtbot, store, case_id)
    view.add_reply_files(_photos(tmp_path))
    records = [image.record for image in view._reply_images]
    assert len(records) == 2 and len(reply_drafts.load_photos(store, case_id)) == 2, "kept as soon as joined"
    view.reply_places.fields[0].setText("dos")
    view.keep_draft()  # (a moment after, as the words typed)
    assert [image.record.body_site for _n, image in reply_drafts.load_photos(store, case_id)] == ["dos", ""]
    assert shown(qtbot, store, case_id).unsent_photos([case_id]) == 2, "another window finds them"

    qtbot.mouseClick(view.drop_images, Qt.MouseButton.LeftButton)
    assert reply_drafts.load_photos(store, case_id) == []
    assert not any(store.objects.exists(b) for r in records for b in (r.blob, r.thumb_blob) if b)
    assert shown(qtbot, store, case_id)._reply_images == []


def test_photos_that_could_not_be_kept_are_said_so_stay_in_the_window_and_are_kept_at_the_retry(
    qtbot: Any, store: Store, teleavis_home: Path, tmp_path: Path, sync_runner: None
) -> None:
    """Found in review: when recording the reply's photos failed (a full disk, the base refusing, a file
    gone), only a log line said so; the box showed them joined, and closing Teleavis lost them, or what she
    had given them since. Said in the box, with what to do; they stay joined in the window, and closing says
    they would be lost."""
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    view = shown(qtbot, store, case_id)
    view.add_reply_files(_photos(tmp_path))
    records = [image.record for image in view._reply_images]
    gone = records[1]
    assert gone.blob
    (store.objects.root / gone.blob[:2] / gone.blob).unlink()  # removed outside Teleavis meanwhile
    view.reply_places.fields[0].setText("dos")
    view.keep_draft()
    said = view.reply_problem.text()
    assert "pas été gardées" in said and "n'a plus son fichier" in said, said
    assert "perdu" in said, "she is told what closing would cost"
    assert len(view._reply_images) == 2, "kept in the window"
    assert view.unkept_photos([case_id]) == 2
    assert [image.record.body_site for _n, image in reply_drafts.load_photos(store, case_id)] != ["dos", ""]

    view._drop_reply_images()  # as the words say: taken off, then joined again
    view.add_reply_files(_photos(tmp_path))
    view.reply_places.fields[0].setText("dos")
    view.keep_draft()
    assert view.reply_problem.text() == "" and view.unkept_photos([case_id]) == 0
    with Store.open(teleavis_home) as reopened:
        assert [image.record.body_site for _n, image in reply_drafts.load_photos(reopened, case_id)] == ["dos", ""]


def test_photos_the_store_refused_to_keep_are_kept_at_the_retry(
    qtbot: Any, store: Store, teleavis_home: Path, tmp_path: Path, sync_runner: None
) -> None:
    """The base refusing the write (here: held by another connection's transaction, as another Teleavis
    window or a backup may, beyond its wait): said, and « Réessayer de garder les photos » keeps them once
    the base is free again."""
    import sqlite3

    from PySide6.QtCore import Qt

    from app.db import DB_FILE
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    view = shown(qtbot, store, case_id)
    other = sqlite3.connect(store.data_dir / DB_FILE, isolation_level=None, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    original = store.clone

    def impatient() -> Store:  # (the writer's 30 s wait, cut short)
        own = original()
        own.conn.execute("PRAGMA busy_timeout=0")
        return own

    store.clone = impatient  # type: ignore[method-assign]
    try:
        view.add_reply_files(_photos(tmp_path))
        assert "pas été gardées" in view.reply_problem.text(), view.reply_problem.text()
        assert view.keep_photos_again.isVisibleTo(view)
    finally:
        other.execute("ROLLBACK")
        other.close()
        store.clone = original  # type: ignore[method-assign]
    qtbot.mouseClick(view.keep_photos_again, Qt.MouseButton.LeftButton)
    assert view.reply_problem.text() == "" and not view.keep_photos_again.isVisibleTo(view)
    assert "gardées" in view.reply_saved.text()
    assert len(reply_drafts.load_photos(store, case_id)) == 2


def test_a_retinograph_s_eye_and_field_chosen_last_come_back_after_a_kill(
    qtbot: Any, store: Store, teleavis_home: Path, tmp_path: Path, sync_runner: None
) -> None:
    """Found by a tester: the left eye's macular field joined to a reply, « Œil gauche » then « Centrée sur la
    macula » chosen, Teleavis killed: reopened, its row asked a body site (built before the case was known)
    and the field chosen last was gone (kept only with the next change). Both come back now."""
    from tests.support.scripted_platform import on_hold_with_a_question
    from tests.ui.test_eye_side_confirm import REAL_LEFT
    from ui.choice_box import ChoiceBox

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1, "ophthalmology")
    photo = tmp_path / "OG.jpg"
    photo.write_bytes(REAL_LEFT.read_bytes())
    _kill_after_joining(case_id, [photo])

    with Store.open(teleavis_home) as reopened:  # Teleavis started again, this case opened first
        [(_name, kept)] = reply_drafts.load_photos(reopened, case_id)
        assert (kept.record.eye, kept.record.view) == ("left", "macula"), "what was chosen was kept"
        view = shown(qtbot, reopened, case_id)
        [eye] = view.reply_places.fields
        assert isinstance(eye, ChoiceBox), "a retinograph's row asks its eye, not a body site"
        assert eye.currentData() == "left"
        [field] = view.reply_places.views
        assert field.currentData() == "macula"
