"""What the window's start loads before the first window shows.

Every module imported on the way costs the user's wait at each start (PySide6 also builds the Python
types of each Qt class a module names). The cold-start benchmark (tests/bench/test_startup_bench.py)
measures the sum; this test says which part came back when it grows: a drop-down class in the small
helpers' module once made every start build ``QStyle``'s types, and the passphrase dialog was loaded
even with the key in the keyring. (And what the window's close loads when no camera was opened: the
camera's libraries were once loaded at every exit, to wait for no camera.)
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import ROOT, SITE, run_process, write_json
from tests.support.keyring import file_keyring_env

# Runs the window as ``teleavis`` does and, when it prints that it is ready (TELEAVIS_READY_MARKER),
# prints the names of the modules loaded by then, and of the Qt classes whose Python types PySide6 has
# built (it builds one when Python first names it or gets an object of it).
CHILD = """
import builtins, inspect, json, runpy, sys

_print = builtins.print
_getsource = inspect.getsource
# The modules whose source was read through inspect once Qt's first module loads (PySide6's import hook
# does by default; while PySide6 itself loads, it reads a couple, as in any PySide6 program).
read_whole = []

def _counted_getsource(value):
    python_file = str(getattr(value, "__file__", "")).endswith(".py")
    if inspect.ismodule(value) and python_file and "PySide6.QtCore" in sys.modules:
        read_whole.append(value.__name__)
    return _getsource(value)

inspect.getsource = _counted_getsource

def _print_modules(*args, **kwargs):
    if args and args[0] == "TELEAVIS_READY":
        built = [
            name
            for module in ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets")
            for name in vars(sys.modules.get(module, sys))
            if name.startswith("Q")
        ]
        _print("MODULES " + json.dumps(list(sys.modules) + built), flush=True)  # in the order loaded
        _print("READ_WHOLE " + json.dumps(read_whole), flush=True)
    _print(*args, **kwargs)

builtins.print = _print_modules
sys.argv = ["teleavis"]
try:
    runpy.run_module("app.main", run_name="__main__")
finally:  # and once the window has closed (the marker quits it)
    _print("EXIT_MODULES " + json.dumps(sorted(sys.modules)), flush=True)
"""

# Loaded later, where they are used: opening a case, the camera, the network, a dialog.
NOT_BEFORE_THE_WINDOW = (
    "numpy",  # the camera and the quality checks
    "cv2",
    "PIL",
    "requests",  # the sync engine, started after the window shows
    "keyring",  # the data key is fetched once the window shows
    "hashlib",  # OpenSSL's digests: keyed tags, the PIN, random names, none of which the worklist needs
    "signal",  # its three enums (~3 M instructions): app.main needs the numbers only, from _signal
    "cryptography.hazmat.primitives.kdf.scrypt",  # a passphrase only
    "app.validation",  # the case editor's checks, and the forms (~6 ms): the list's times need neither
    "app.report_text",
    # The acts' register (recorded when a case is sent, by the sync engine), and with it the site's rules,
    # the identifiers' checks and their INSEE list's reader (importlib.resources), and CSV: ~5 ms.
    "app.acts",
    "app.site",
    "app.identifiers",
    "importlib.resources",
    "csv",
    "app.findings",  # the checklist's findings (~0.7 ms): the list has none to show
    "app.business_status",  # the platform's business status, in words on the case's page
    "app.moments",  # capture times as FHIR takes them (~1 ms with its patterns): no image is stored at start
    # The outbox's rules (~1.4 M instructions to import): the worklist asks the store which cases the platform
    # holds back, and only when it shows a case waiting to leave.
    "app.outbox",
    # A case's record: its ten dataclasses (~4 ms to define) and the quality checks' words; the list shows
    # rows (CaseSummary) only.
    "app.case_record",
    "app.quality_words",
    # Defining a dataclass compiles the methods it writes (~3.3 M instructions each, the module ~3 M more with
    # copy): the start's own records (the settings' declarations, the key store, the worklist's rows) are a
    # named tuple and a plain class; a case's records are dataclasses, loaded when a case is read.
    "dataclasses",
    "getpass",  # the terminal's passphrase prompt and the audit's user name (~0.6 ms with termios)
    "termios",
    # The search's words (its patterns) and unicodedata's tables (a C module, ~1.8 MB mapped), which fold the
    # words typed or written: the store uses them on a search or a patient's write, never to show the list.
    "app.search_words",
    "app.folding",
    "unicodedata",
    "locale",  # its tables of locale names (~1 ms): only the Windows desktop's language is looked up in them
    "ui.unlock_dialog",
    "ui.choice_box",  # the case editor's drop-downs
    "ui.case_editor",
    "ui.capture_panel",
    "ui.settings_dialog",
    # The sync engine's service (and QThread's type): built when the sync starts, once the window shows (~3.4 M
    # instructions of every start).
    "ui.sync_service",
    "QThread",
    "PySide6.QtMultimedia",
    "PySide6.QtPdf",
    # Qt classes whose types are costly to build (QStyle's many enumerations) or belong to dialogs.
    "QStyle",
    "QStylePainter",
    "QComboBox",
    "QDialog",
    "QFileDialog",
    "QMessageBox",
    # Its many enumerations (~1.7 ms): the screen reader is told nothing while the window starts.
    "QAccessible",
    # Its theme icons (151, an enumeration, ~1 ms) and Qt's SVG icon engine: the window's icon and the tray's
    # once the window has drawn its first frame (tests/ui/test_window_icon.py). A button or an action made
    # with its words and its parent by position builds it (the overload taking an icon is checked first).
    "QIcon",
    "QSystemTrayIcon",
    # Its enumerations (~2.4 M instructions): built when a property is set (ui.widgets.set_qt) to a value that is
    # not a string, as the shortcuts' keys were; they are given by their own setters.
    "QByteArray",
    # Built, with QtGui's forty other event classes, when a Python ``event`` (or ``changeEvent``,
    # ``eventFilter``) first receives a plain QEvent: PySide6 builds them all to tell them apart.
    "QMouseEvent",
)


@pytest.mark.parametrize("passphrase", [False, True], ids=["keyring-only", "starts-locked"])
def test_the_first_window_shows_before_the_case_page_camera_network_or_dialogs_are_loaded(
    tmp_path: Path, teleavis_home: Path, monkeypatch: pytest.MonkeyPatch, passphrase: bool
) -> None:
    # The main window, not the first-start wizard; the data key in the (stand-in) OS keyring. With a
    # passphrase as well, the window starts on its lock screen (the key came without anything typed).
    if not passphrase:
        monkeypatch.delenv("TELEAVIS_PASSPHRASE")
    env = dict(os.environ, **file_keyring_env(tmp_path), QT_QPA_PLATFORM="offscreen", TELEAVIS_READY_MARKER="1")
    # A crash of an earlier window left the expert's report open in the viewer, and the desktop its thumbnail:
    # both go at this start, the thumbnail (named by an MD5: hashlib) once the window shows.
    left = _left_by_a_crash(tmp_path)
    env.update(XDG_RUNTIME_DIR=str(tmp_path / "runtime"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    assert run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE)), env=env).code == 0
    key_file = json.loads((teleavis_home / "key.json").read_text())
    assert key_file["keyring"] and bool(key_file.get("passphrase")) == passphrase

    proc = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )

    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("MODULES ")]
    assert lines, f"the window never said it was ready:\n{proc.stdout}\n{proc.stderr}"
    loaded = set(json.loads(lines[0].removeprefix("MODULES ")))
    assert "ui.main_window" in loaded and "PySide6.QtWidgets" in loaded  # the window did show
    assert sorted(name for name in NOT_BEFORE_THE_WINDOW if name in loaded) == []
    assert [path for path in left if path.exists()] == []
    # Qt's namespace (``Qt``, ~14.5 ms with its enumerations), built once Python names it or is handed one of
    # its values (a Python headerData, QColor(QColor), setShortcut's overloads...): ui.widgets.set_qt says
    # how the window avoids it. (The lock screen, made at once by a window that starts locked, names it.)
    assert passphrase or "Qt" not in loaded
    # A dataclass with no docstring of its own is given one as it is defined, made from its signature
    # (inspect.signature, ~0.1 ms each): those the start defines say in words what they are.
    ours = sorted(name for name in loaded if name.split(".")[0] == "app")
    signature_docs = [
        f"{name}.{value.__name__}"
        for name in ours
        for value in vars(importlib.import_module(name)).values()
        if isinstance(value, type)
        and dataclasses.is_dataclass(value)
        and value.__module__ == name
        and (value.__doc__ or "").startswith(f"{value.__name__}(")
    ]
    assert signature_docs == []
    # Each dataclass costs ~0.3 ms to define (~3.3 M instructions: it exec's the code it generates). The start
    # defines none (the settings' rows and the worklist's rows are named tuples, the key store a plain class); a
    # patient, the audit's records, an image to store, an outbox row, a lock's try are defined apart, where
    # they are first used.
    defined = sorted(
        f"{name}.{value.__name__}"
        for name in ours
        for value in vars(importlib.import_module(name)).values()
        if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == name
    )
    assert defined == []
    # Teleavis's own Qt-free modules load before PySide6 (app/commands/window.py): after it, PySide6 reads
    # the source of each module imported (its "__feature__" switches), ~1 ms a module.
    order = json.loads(lines[0].removeprefix("MODULES "))
    after_qt = order[order.index("PySide6") :]
    assert [name for name in after_qt if name.split(".")[0] in ("app", "capture", "sync")] == []
    # Nor does it read them whole through inspect (~0.1 ms a module, ~10 ms in all): ui.quicken_pyside_imports.
    read_whole = [line for line in proc.stdout.splitlines() if line.startswith("READ_WHOLE ")]
    assert read_whole and json.loads(read_whole[0].removeprefix("READ_WHOLE ")) == []
    # Closing a window that opened no camera waits for none: the camera's libraries stay unloaded (they
    # cost some 100 ms of the exit).
    at_exit = [line for line in proc.stdout.splitlines() if line.startswith("EXIT_MODULES ")]
    assert at_exit, proc.stdout
    assert (
        sorted({"numpy", "cv2", "ui.camera_bridge"} & set(json.loads(at_exit[0].removeprefix("EXIT_MODULES ")))) == []
    )


def _left_by_a_crash(tmp_path: Path) -> list[Path]:
    """Decrypted reports a crashed window left in the private files' folder (app.private_files): in its
    process's folder (its lock released), and where a version before those folders wrote them; and the
    thumbnails a desktop made of them (forget_thumbnails)."""
    import hashlib
    from urllib.parse import quote

    from app.private_files import _thumbnail_cache, _uid

    shared = tmp_path / "runtime" / f"teleavis-{_uid()}"
    crashed = shared / "4242-0badcafe"
    crashed.mkdir(mode=0o700, parents=True)
    (tmp_path / "runtime").chmod(0o700)
    shared.chmod(0o700)
    (crashed / "lock").touch(mode=0o600)
    left = [crashed / "reponse-48de3da6.pdf", shared / "reponse-9c1f00aa.pdf"]
    thumbnails = []
    for path in left:
        path.write_bytes(b"%PDF-1.7 MARTIN Paul")
        uri = "file://" + quote(os.fsencode(path), safe="/!$&'()*+,:=@")
        name = hashlib.md5(uri.encode(), usedforsecurity=False).hexdigest()
        thumbnail = tmp_path / "cache" / "thumbnails" / "normal" / f"{name}.png"
        thumbnail.parent.mkdir(parents=True, exist_ok=True)
        thumbnail.write_bytes(b"\x89PNG")
        if _thumbnail_cache() is not None:  # (a desktop of freedesktop.org's: Linux, BSD)
            thumbnails.append(thumbnail)
    return left + thumbnails


def test_pysides_import_hook_says_the_same_of_every_module_read_as_bytes() -> None:
    import PySide6.QtCore  # noqa: F401 - PySide6's hook, as the window loads it

    import ui
    import ui.application  # a module of ours naming PySide6

    ui.quicken_pyside_imports()
    check = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    assert check.reads_bytes
    answers = {name: check(module) for name, module in list(sys.modules.items())}
    assert answers == {name: bool(check.upstream(module)) for name, module in list(sys.modules.items())}
    assert answers["ui.application"] and answers["PySide6.QtCore"] is False and not answers["app.store"]


def test_a_crashs_thumbnails_go_while_a_dialog_holds_the_start(
    tmp_path: Path, teleavis_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before the window, a dialog may wait (the passphrase, the first-start wizard, the lock code asked at
    start, a data folder that cannot be opened): the start purged the crashed run's reports, and put their
    thumbnails off until the window showed. Meanwhile the patient's name stayed in the desktop's thumbnails,
    and forever if the computer was shut down before anyone answered (the session's SIGTERM ends the process there)."""
    import time

    monkeypatch.delenv("TELEAVIS_PASSPHRASE", raising=False)
    left = _left_by_a_crash(tmp_path)
    env = dict(os.environ, **file_keyring_env(tmp_path), QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(ROOT)
    env.update(XDG_RUNTIME_DIR=str(tmp_path / "runtime"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    # A new data folder, its key under a passphrase: the dialog asking for one shows, and waits.
    with subprocess.Popen(
        [sys.executable, "-m", "app.main"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    ) as window:
        try:
            waited = 0.0
            while [path for path in left if path.exists()] and window.poll() is None and waited < 90:
                time.sleep(0.2)
                waited += 0.2
            assert window.poll() is None, "the wizard did not wait"
            assert [path for path in left if path.exists()] == []
        finally:
            window.terminate()
            window.wait(timeout=60)
