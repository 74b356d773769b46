"""The window's file dialogs name a file's type by its name only, never by opening it.

Qt's own dialog, to give each file its icon and its « Type », reads the first bytes of every file of the
folder it shows (``QMimeDatabase``, seen with strace: ``teleavis.db``, its ``-wal`` and ``-shm`` when it
shows the data folder). A process's POSIX locks on a file are ALL dropped when it closes ANY descriptor of
that file: the window's SQLite then held no lock on its own base, and a command run beside it, taking the
base for its own alone, checkpointed and deleted the WAL under it (a tester's « database disk image is
malformed »; ``tests/app/test_store_beside_window.py`` for the first layer). Reading every file is also
slow on a network drive. Real dialogs here, offscreen, on a folder holding a base open in WAL mode.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel, QWidget

from app.db import DB_FILE, connect
from ui import file_dialogs

_BASE_FILES = (DB_FILE, DB_FILE + "-wal", DB_FILE + "-shm")


def _locks_held(path: Path) -> int:
    """How many POSIX locks this process holds on ``path`` (``/proc/locks``: the kernel's own list)."""
    inode, pid = os.stat(path).st_ino, os.getpid()
    count = 0
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if len(fields) >= 8 and fields[1] == "POSIX" and fields[4] == str(pid) and fields[5].endswith(f":{inode}"):
            count += 1
    return count


def _when_listed(folder: Path, listed: set[str], then: Callable[[QFileDialog], None], tries: int = 600) -> None:
    """Once the open file dialog shows ``folder`` with the names ``listed``, their icons and types asked
    for (as its view does when it paints them), ``then(dialog)``."""
    dialog = QApplication.activeModalWidget()
    model = dialog.findChild(QFileSystemModel) if isinstance(dialog, QFileDialog) else None
    if model is not None:
        root = model.index(str(folder))
        names = {model.fileName(model.index(row, 0, root)) for row in range(model.rowCount(root))}
        if listed <= names:
            for row in range(model.rowCount(root)):
                for column in range(model.columnCount(root)):
                    index = model.index(row, column, root)
                    model.data(index)
                    model.fileIcon(index)
                    model.type(index)
            QApplication.processEvents()
            assert isinstance(dialog, QFileDialog)
            then(dialog)
            return
    if not tries:
        if isinstance(dialog, QWidget):
            dialog.close()
        pytest.fail(f"the dialog never listed {folder}")
    QTimer.singleShot(50, lambda: _when_listed(folder, listed, then, tries - 1))


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="no /proc/locks (not Linux)")
@pytest.mark.parametrize("which", ["open_images", "save_file", "existing_folder"])
def test_a_file_dialog_on_the_data_folder_leaves_the_windows_locks_on_its_base(
    qapp: Any, tmp_path: Path, which: str
) -> None:
    folder = tmp_path / "donnees"
    (folder / "logs").mkdir(parents=True)  # (all a folder dialog lists)
    conn = connect(folder / DB_FILE)
    try:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        held = {name: _locks_held(folder / name) for name in (DB_FILE, DB_FILE + "-shm")}
        assert all(held.values()), held  # SQLite's own: a shared lock on the base, and on its index
        seen: dict[str, int] = {}

        def look(dialog: QFileDialog) -> None:
            seen.update({name: _locks_held(folder / name) for name in held})
            dialog.reject()

        listed = {"logs"} if which == "existing_folder" else {"logs", *_BASE_FILES}
        QTimer.singleShot(0, lambda: _when_listed(folder, listed, look))
        parent = QWidget()
        try:
            if which == "open_images":
                file_dialogs._opened_in[:] = [folder]
                file_dialogs.open_images(parent, "Importer", "Tous les fichiers (*)")
            elif which == "save_file":
                file_dialogs._saved_in[:] = [folder]
                file_dialogs.save_file(parent, "Enregistrer", "rapport.pdf", "Tous les fichiers (*)")
            else:
                file_dialogs.existing_folder(parent, "Dossier", str(folder))
        finally:
            file_dialogs._opened_in.clear()
            file_dialogs._saved_in.clear()
            parent.deleteLater()
        assert seen == held, f"the dialog dropped the window's locks: {seen} (before: {held})"
        assert conn.execute("SELECT x FROM t").fetchone()[0] == 1
    finally:
        conn.close()
