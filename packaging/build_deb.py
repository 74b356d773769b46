"""Build the Debian package from the PyInstaller folder (``dist/teleavis``).

    python packaging/build_deb.py --bundle DIST/teleavis --out OUT_DIR

Layout: the bundle in /opt/teleavis, /usr/bin/teleavis a symlink to it, the desktop entry in
/usr/share/applications, the icon at the hicolor sizes. The maintainer scripts only refresh the
desktop's icon and menu caches: they never touch a user's data (``~/.local/share/teleavis``), so
removing or purging the package leaves every case, key and backup where it was.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from icons import SOURCE, render_all  # noqa: E402 - the icons module sits beside this script

PACKAGE = "teleavis"
#: What the bundled Qt needs from the system (the rest is inside the bundle). Alternatives cover
#: Debian 12 / Ubuntu 22.04 names and the t64 names of Debian 13 / Ubuntu 24.04.
DEPENDS = (
    "libc6, libgl1, libegl1, libfontconfig1, libfreetype6, libdbus-1-3, libxkbcommon0, libglib2.0-0t64 | libglib2.0-0"
)
RECOMMENDS = (
    "libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, "
    "libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, libxcb-xkb1, libx11-xcb1, "
    "fonts-dejavu-core"
)

# Cache refreshes only. Deliberately nothing about /home or the data folder: see the module doc.
REFRESH = """#!/bin/sh
set -e
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
fi
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q /usr/share/applications || true
fi
exit 0
"""
PRERM = """#!/bin/sh
# Teleavis keeps each user's cases in that user's data folder (~/.local/share/teleavis or
# $TELEAVIS_HOME). Removing or purging the program leaves them in place, on purpose.
set -e
exit 0
"""


def version() -> str:
    text = (ROOT / "app" / "__init__.py").read_text("utf-8")
    found = re.search(r'__version__ = "([^"]+)"', text)
    if not found:
        raise SystemExit("no __version__ in app/__init__.py")
    return found.group(1)


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True, text=True).stdout.strip()


def _size_kib(folder: Path) -> int:
    total = sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() or p.is_symlink())
    return (total + 1023) // 1024


def _script(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)


def stage(bundle: Path, root: Path) -> None:
    """The package's file tree under ``root`` (DEBIAN/ included)."""
    if not (bundle / "teleavis").is_file():
        raise SystemExit(f"{bundle} is not a PyInstaller folder of Teleavis (no 'teleavis' program in it)")
    opt = root / "opt" / PACKAGE
    shutil.copytree(bundle, opt, symlinks=True)
    usr_bin = root / "usr" / "bin"
    usr_bin.mkdir(parents=True)
    (usr_bin / PACKAGE).symlink_to(f"/opt/{PACKAGE}/teleavis")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy2(HERE / "linux" / "teleavis.desktop", apps / "teleavis.desktop")
    icons = root / "usr" / "share" / "icons"
    with tempfile.TemporaryDirectory() as tmp:
        render_all(Path(tmp))
        shutil.copytree(Path(tmp) / "hicolor", icons / "hicolor")
    scalable = icons / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(SOURCE, scalable / "teleavis.svg")
    docs = root / "usr" / "share" / "doc" / PACKAGE
    docs.mkdir(parents=True)
    for name in ("README.md",):
        shutil.copy2(ROOT / name, docs / name)
    for guide in sorted((ROOT / "docs").glob("*-guide*.md")):
        shutil.copy2(guide, docs / guide.name)
    # Where Debian looks for a package's licences; the parts' own texts travel in the bundle.
    (docs / "copyright").write_text(
        "Teleavis: proprietary (see the licence agreement of your copy).\n\n"
        "The parts it ships (Python, Qt for Python, OpenCV, numpy, Pillow…) keep their own licences:\n"
        f"their list is /opt/{PACKAGE}/licenses/THIRD-PARTY.txt and their texts are beside it.\n",
        encoding="utf-8",
    )
    control = root / "DEBIAN"
    control.mkdir()
    installed = _size_kib(root)
    (control / "control").write_text(
        f"Package: {PACKAGE}\n"
        f"Version: {version()}\n"
        f"Architecture: {architecture()}\n"
        "Maintainer: Teleavis <support@teleavis.fr>\n"
        f"Installed-Size: {installed}\n"
        f"Depends: {DEPENDS}\n"
        f"Recommends: {RECOMMENDS}\n"
        "Section: science\n"
        "Priority: optional\n"
        "Homepage: https://teleavis.fr\n"
        "Description: demandes de télé-expertise (dermatologie, rétinographie, plaies)\n"
        " Teleavis photographie une lésion ou un fond d'œil, constitue le dossier, le garde\n"
        " chiffré sur le poste et l'envoie à la plateforme régionale de télémédecine (FHIR R4),\n"
        " puis rapporte l'avis de l'expert. Tele-expertise requests: capture, encrypted case\n"
        " file, sending to the regional platform, the expert's answer.\n",
        encoding="utf-8",
    )
    _script(control / "postinst", REFRESH)
    _script(control / "postrm", REFRESH)
    _script(control / "prerm", PRERM)
    for folder in [root, *[p for p in root.rglob("*") if p.is_dir() and not p.is_symlink()]]:
        folder.chmod(0o755)


def build(bundle: Path, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{PACKAGE}_{version()}_{architecture()}.deb"
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        root = Path(tmp) / "root"
        root.mkdir()
        stage(bundle, root)
        # xz, which every dpkg reads: rural sites download this over a few Mbit/s, so the package's
        # size matters more than the minute it takes to pack on a 2-core machine.
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", "-Zxz", "-z6", "--build", str(root), str(target)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, required=True, help="the PyInstaller folder dist/teleavis")
    parser.add_argument("--out", type=Path, required=True, help="where the .deb is written")
    args = parser.parse_args()
    os.umask(0o022)
    print(build(args.bundle.resolve(), args.out.resolve()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
