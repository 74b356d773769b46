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
        "window.display_silent": {
            "fr": "L'écran graphique {display} ne répond pas (fermé, ou d'une autre session que la vôtre) : la "
            "fenêtre de Teleavis ne peut pas s'ouvrir. Ouvrez une session graphique sur ce poste (ou vérifiez le "
            "renvoi d'affichage de ssh -X). Les commandes fonctionnent sans écran : « teleavis --help ».",
            "en": "The graphical display {display} does not answer (closed, or another session's): the Teleavis "
            "window cannot open. Open a graphical session on this computer (or check ssh -X's display "
            "forwarding). The commands work without a display: “teleavis --help”.",
        },
    }
)


def x_display_silent() -> str | None:
    """The X display Qt would open when it does not answer, else ``None``.

    Qt aborts the process when it cannot (SIGABRT, « Reinstalling the application may fix this problem »):
    a DISPLAY left set by ssh or su, its display gone or another account's. Asked of libxcb, as Qt asks
    it (its authorisation included), before Qt is loaded; a Wayland session or another platform is Qt's.
    """
    display = os.environ.get("DISPLAY", "")
    if not sys.platform.startswith("linux") or not display or os.environ.get("WAYLAND_DISPLAY"):
        return None
    if os.environ.get("QT_QPA_PLATFORM", "xcb").split(":")[0] not in ("", "xcb"):
        return None
    import ctypes

    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None  # no libxcb at all: Qt's own message names the library
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(None, None)
    try:
        failed = bool(xcb.xcb_connection_has_error(connection))
    finally:
        xcb.xcb_disconnect(connection)
    return display if failed else None


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
    silent = x_display_silent()
    if silent is not None:
        print(M.tr("window.display_silent", display=silent), file=sys.stderr)
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
    import app.french  # (ui.widgets spaces French by its rule)
    import app.in_use
    import app.logs
    import app.private_files
    import app.screen_lock
    import app.store  # noqa: F401 - imported for its side effect on start-up time only
    import ui.resources
    import ui.single_instance  # noqa: F401 - likewise (one window per data folder), and ui.resources
    from ui import quicken_pyside_imports

    quicken_pyside_imports()  # before the first Qt module: each later import is looked at, more quickly
    from ui.application import run

    return int(run(argv))
