"""Teleavis ui.

Qt's raster painting hands the rows of a tall fill (a scroll bar, a group box's frame, a background
under the style sheet) to a pool of threads and waits for them: on the two cores of the machines the
window runs on, shared with its own workers, the hand-offs cost more than the rows (a full repaint of
a case's page 2.6 ms without the pool, 3.6-10 ms with it, the more the busier the machine). The pool is
left off (Qt reads this once, at the first paint: the window's package is imported before it)."""

import os

os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def quicken_pyside_imports() -> None:
    """Load PySide6 with its import hook made quicker, same answers.

    Once PySide6 is loaded, each module an import statement names is looked at once for the word
    "PySide6" (its opt-in ``__feature__`` switches: shibokensupport/feature.py, ``_mod_uses_pyside``),
    through ``inspect.getsource``: ~0.1 ms a module, ~10 ms for the 90 the window's start names before it
    shows. The same search in the file's bytes costs a tenth of it; modules without a ``.py`` file (built
    in, compiled, frozen) are still asked PySide6's way. tests/ui/test_start_imports.py checks both say the
    same of every module loaded."""
    import sys

    import PySide6  # noqa: F401 - loads shiboken and its import hook

    feature = sys.modules.get("shibokensupport.feature")
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if upstream is None or getattr(upstream, "reads_bytes", False):
        return

    def uses_pyside(module: object) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return bool(upstream(module))

    uses_pyside.reads_bytes = True  # type: ignore[attr-defined]
    uses_pyside.upstream = upstream  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]
