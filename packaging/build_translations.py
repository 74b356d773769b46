"""Build the window's translations: resources/i18n/*.ts → .qm with pyside6-lrelease from the venv.

French is the source language; ``teleavis_fr.ts`` only gives the plural forms of "%n" strings.

``dev.py`` calls this when present. ``--update`` first refreshes the .ts sources from ui/*.py
with pyside6-lupdate (new strings appear untranslated; ``--check`` then fails until they are
filled in).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "resources" / "i18n"


def tool(name: str) -> str:
    """The PySide6 tool next to this interpreter (the venv's), else from PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6 in this environment")
    return found


def untranslated(ts: Path) -> list[str]:
    """Source texts of ``ts`` with no (or an unfinished) translation."""
    missing = []
    for message in ET.parse(ts).iter("message"):  # noqa: S314 - our own .ts sources, not untrusted input
        translation = message.find("translation")
        source = message.findtext("source") or ""
        if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete"):
            if translation is None or translation.get("type") == "unfinished":
                missing.append(source)
            continue
        forms = translation.findall("numerusform")
        if (forms and not all((f.text or "").strip() for f in forms)) or (not forms and not (translation.text or "")):
            missing.append(source)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update", action="store_true", help="refresh the .ts sources from ui/*.py first")
    parser.add_argument("--check", action="store_true", help="fail when a string has no translation")
    args = parser.parse_args(argv)
    sources = sorted(str(p) for p in (ROOT / "ui").glob("*.py"))
    status = 0
    for ts in sorted(I18N.glob("teleavis_*.ts")):
        if args.update:
            # French is the source language: its .ts holds only the plural forms ("%n jour(s)").
            plural_only = ["-pluralonly"] if ts.name == "teleavis_fr.ts" else []
            subprocess.run(
                [tool("pyside6-lupdate"), *sources, "-no-obsolete", *plural_only, "-ts", str(ts)], check=True
            )
        missing = untranslated(ts)
        if missing:
            print(f"{ts.name}: {len(missing)} string(s) without translation", file=sys.stderr)
            for source in missing[:20]:
                print(f"  - {source!r}", file=sys.stderr)
            if args.check:
                status = 1
        compile_qm(ts)
    # Qt's own words its French catalogue lacks: written by hand (no lupdate), compiled the same way.
    for ts in sorted(I18N.glob("qt_gaps_*.ts")):
        compile_qm(ts)
    return status


def compile_qm(ts: Path) -> None:
    """Compile ``ts`` to its .qm, replacing the committed file only when the bytes differ, so a
    run that changed no string leaves the work tree (and the file's date) as it was."""
    qm = ts.with_suffix(".qm")
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / qm.name
        # C.UTF-8, which every glibc has: with the system's locale not generated (LANG=fr_FR.UTF-8 on a fresh
        # Debian), lrelease warned three times that Qt needs a UTF-8 locale. Its output owes nothing to it.
        env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")} | {"LC_ALL": "C.UTF-8"}
        subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(fresh)], check=True, env=env)
        if not qm.exists() or qm.read_bytes() != fresh.read_bytes():
            shutil.copyfile(fresh, qm)


if __name__ == "__main__":
    sys.exit(main())
