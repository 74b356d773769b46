"""Take the debugging information out of the bundle's shared libraries (``strip --strip-debug``).

Some wheels and the Python runtime ship their libraries with DWARF sections the program never
reads: libpython alone carries ~18 MB of them. Only files that have a ``.debug_info`` section are
touched, so the libraries auditwheel rewrote (already stripped) are left exactly as they are.

    python packaging/strip_debug.py DIST/teleavis
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def has_debug_info(path: Path) -> bool:
    with open(path, "rb") as handle:
        if handle.read(4) != b"\x7fELF":
            return False
    sections = subprocess.run(["readelf", "-S", "-W", str(path)], capture_output=True, text=True).stdout
    return ".debug_info" in sections


def main(argv: list[str]) -> int:
    folder = Path(argv[1])
    if not (shutil.which("strip") and shutil.which("readelf")):
        print("[build] strip/readelf not found (binutils): debugging information kept", file=sys.stderr)
        return 0
    saved = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        if has_debug_info(path):
            before = path.stat().st_size
            subprocess.run(["strip", "--strip-debug", str(path)], check=True)
            saved += before - path.stat().st_size
    print(f"[build] debugging information removed: {saved / 1024**2:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
