"""Render Teleavis's icon (resources/icons/teleavis.svg) at the sizes desktops and installers want.

    python packaging/icons.py OUT_DIR            # OUT_DIR/hicolor/<n>x<n>/apps/teleavis.png (+ .ico, .icns)

Qt's own SVG renderer draws it, so the PNGs look like the icon the window shows; Pillow packs the
Windows .ico and the macOS .icns from those PNGs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "teleavis.svg"
#: The hicolor theme sizes a desktop looks up (menus 16–48, launchers and software centres 64–256).
SIZES = (16, 32, 48, 64, 128, 256)


def render_png(svg: Path, size: int, target: Path) -> Path:
    """One square PNG of ``svg`` at ``size`` pixels, antialiased, on a transparent background."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target)):  # the format follows the .png suffix
        raise OSError(f"cannot write {target}")
    return target


def render_all(out: Path, svg: Path = SOURCE) -> dict[int, Path]:
    """The hicolor tree under ``out`` plus ``teleavis.ico`` and ``teleavis.icns`` beside it."""
    pngs = {size: render_png(svg, size, out / "hicolor" / f"{size}x{size}" / "apps" / "teleavis.png") for size in SIZES}
    from PIL import Image

    with Image.open(pngs[256]) as big:
        big.save(out / "teleavis.ico", sizes=[(s, s) for s in SIZES])
        big.save(out / "teleavis.icns")
    return pngs


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    for size, path in render_all(Path(sys.argv[1])).items():
        print(f"{size:>4}  {path}")
