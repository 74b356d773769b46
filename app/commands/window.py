"""Opening the window (lazily: headless commands never import Qt widgets)."""

from __future__ import annotations

import os
import sys

from app import messages as M

M.add(
    {
        "window.no_display": {
            "fr": "Pas d'écran graphique ici (DISPLAY/WAYLAND_DISPLAY absents) : la fenêtre de Teleavis ne peut pas "
            "s'ouvrir. Les commandes fonctionnent sans écran : « teleavis --help ».",
            "en": "No graphical display here (DISPLAY/WAYLAND_DISPLAY unset): the Teleavis window cannot open. "
            "The commands work without a display: “teleavis --help”.",
        },
    }
)


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_window(argv: list[str]) -> int:
    if not has_display():
        print(M.tr("window.no_display"), file=sys.stderr)
        return 1
    # No automatic garbage collection while the window starts: the imports and the widgets allocate
    # hundreds of thousands of objects, which made Python walk its young (and, twice, its whole) heap
    # some 10 ms in all before the first window showed. Nothing started here is garbage yet; the window's
    # own collector (ui.application.MainThreadCollector) runs the same collections once it is up.
    import gc

    gc.disable()
    # The core before Qt: once PySide6 is loaded it reads the source file of every module imported
    # after it (looking for its opt-in "__feature__" switches), which cost the start some 40 ms. So are
    # the Qt-free modules the window's start uses (the lock's rules, the clear files purged at start,
    # the data directory's lock, the resources' paths): ~3.5 ms more after Qt.
    # (tests/ui/test_start_imports.py checks that none of ours loads after PySide6 before the window.)
    import app.in_use
    import app.logs
    import app.outbox  # (the worklist says which cases the platform holds back)
    import app.private_files
    import app.screen_lock
    import app.store  # noqa: F401 - imported for its side effect on start-up time only
    import ui.resources
    import ui.single_instance  # noqa: F401 - likewise (one window per data folder), and ui.resources
    from ui import quicken_pyside_imports

    quicken_pyside_imports()  # before the first Qt module: each later import is looked at, more quickly
    from ui.application import run

    return int(run(argv))
