"""The licences of what the bundle ships, written into it: whoever receives Teleavis receives them.

    python packaging/licenses.py BUNDLE --work WORK [--opencv-site DIR]

BUNDLE is PyInstaller's one-folder output (dist/teleavis), WORK its work folder for the spec: its
tables of contents say which modules are inside the program's archive (PYZ-00.toc) and where each
file of the folder was taken from (COLLECT-00.toc). Written in BUNDLE/licenses/:

- a folder per Python distribution found in the bundle, with the licence files its wheel carries
  (numpy's and Pillow's also cover the libraries their wheels vendor: OpenBLAS, libjpeg…); where a
  wheel carries none (PySide6 and shiboken6: Qt for Python is LGPL-3.0), the licence its metadata
  names, from the system's common licences;
- OpenCV as built by build_opencv.py (its folder holds the texts of OpenCV and of the libraries
  compiled into it), and Python's own licence;
- on Debian and Ubuntu, the copyright file of the system package each library PyInstaller took
  from the build machine comes from (Qt's platform plugin needs libxcb, libxkbcommon…);
- THIRD-PARTY.txt: every part, its version and licence, and where its texts are.

Run by build.sh after PyInstaller; tests/packaging/test_bundle.py checks the result.
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

LICENCE_FILE = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|COPYRIGHT|AUTHORS)", re.IGNORECASE)
COMMON_LICENCES = Path("/usr/share/common-licenses")
# SPDX names in wheels' metadata -> the file of Debian's common licences with that text.
SPDX_TEXTS = {
    "LGPL-3.0": ("LGPL-3", "GPL-3"),
    "GPL-2.0": ("GPL-2",),
    "GPL-3.0": ("GPL-3",),
    "Apache-2.0": ("Apache-2.0",),
}
OURS = {"teleavis"}
# Texts a wheel does not carry, kept in the repository from the project's own source (a folder per
# distribution name): fhir.resources publishes its BSD licence only in its repository.
KEPT_HERE = Path(__file__).resolve().parent / "third-party"


def folder_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name)


def files_in(folder: Path) -> list[str]:
    """The files below ``folder``, as paths relative to it."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def top_level_names(dist: metadata.Distribution) -> set[str]:
    """The names a distribution installs at the top of site-packages (packages, modules, .libs)."""
    names = set()
    for file in dist.files or []:
        first = file.parts[0]
        if first.endswith((".dist-info", ".egg-info", ".data")) or first in ("..", "__pycache__"):
            continue
        names.add(first.split(".", 1)[0] if first.endswith((".py", ".so", ".pyd")) else first)
    return names


def archived_modules(toc: Path) -> set[str]:
    """The top-level names of the modules in PyInstaller's archive (its table of contents)."""
    _archive, entries = ast.literal_eval(toc.read_text("utf-8"))
    return {name.split(".", 1)[0] for name, _path, _kind in entries}


def bundled_distributions(internal: Path, archived: set[str], skip: set[str]) -> list[metadata.Distribution]:
    present = {path.name.split(".", 1)[0] if path.is_file() else path.name for path in internal.iterdir()}
    present |= archived
    found: dict[str, metadata.Distribution] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        key = name.lower().replace("_", "-")
        if key in OURS or key in skip or key in found:
            continue
        if top_level_names(dist) & present:
            found[key] = dist
    return sorted(found.values(), key=lambda d: d.metadata["Name"].lower())


def licence_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression") or ""
    if not expression:
        short = (meta.get("License") or "").strip()
        expression = short if short and "\n" not in short and len(short) < 80 else ""
    if not expression:
        classifiers = [
            c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")
        ]
        expression = " / ".join(classifiers)
    return expression or "see the files"


def copy_dist_licences(dist: metadata.Distribution, target: Path) -> list[str]:
    copied = []
    for file in dist.files or []:
        inside_info = file.parts[0].endswith(".dist-info")
        if not inside_info or not (LICENCE_FILE.match(file.name) or "licenses" in file.parts[1:-1]):
            continue
        source = Path(str(dist.locate_file(file)))
        if not source.is_file():
            continue
        relative = Path(*file.parts[2:]) if "licenses" in file.parts[1:2] else Path(file.name)
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / relative)
        copied.append(str(relative))
    kept = KEPT_HERE / dist.metadata["Name"]
    if not copied and kept.is_dir():
        shutil.copytree(kept, target, dirs_exist_ok=True)
        copied = files_in(kept)
    declared = licence_of(dist)
    if not copied:  # e.g. PySide6: the metadata names the licence, the wheel has no text of it
        for spdx, texts in SPDX_TEXTS.items():
            if spdx in declared:
                for text in texts:
                    if (COMMON_LICENCES / text).is_file() and not (target / text).exists():
                        target.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(COMMON_LICENCES / text, target / text)
                        copied.append(text)
    if not copied:  # nothing but the metadata: say what it declares, and that no text came with it
        meta = dist.metadata
        target.mkdir(parents=True, exist_ok=True)
        (target / "NOTICE.txt").write_text(
            f"{meta['Name']} {dist.version}, by {meta.get('Author') or 'its authors'}"
            f" ({meta.get('Home-page') or meta.get('Project-URL') or 'no address given'}).\n"
            f"Its metadata declares: {declared}. Its wheel carries no licence text.\n",
            encoding="utf-8",
        )
    return copied


def python_licence(target: Path) -> list[str]:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for source in (
        Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt",
        Path(f"/usr/share/doc/python{version}/copyright"),
        Path(f"/usr/share/doc/libpython{version}/copyright"),
    ):
        if source.is_file():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / source.name)
            return [source.name]
    return []


def system_libraries(collected: Path) -> list[str]:
    """Libraries PyInstaller took from the build machine: not from the environment's packages (a
    wheel's own sit in its package or its .libs folder) nor from Python's installation."""
    entries, *_rest = ast.literal_eval(collected.read_text("utf-8"))
    python = Path(sys.base_prefix).resolve()
    found = set()
    for dest, source, kind in entries:
        origin = Path(source).resolve()
        if kind != "BINARY" or "/" in dest or "site-packages" in origin.parts or origin.is_relative_to(python):
            continue
        found.add(dest)
    return sorted(found)


def debian_packages(names: list[str]) -> dict[str, str]:
    """Library file name -> the Debian package that installed it (dpkg's database), where known."""
    if not names or not shutil.which("dpkg-query"):
        return {}
    done = subprocess.run(
        ["dpkg-query", "-S", *(f"*/{name}" for name in names)], capture_output=True, text=True, check=False
    )
    owners: dict[str, str] = {}
    for line in done.stdout.splitlines():
        packages, _, path = line.partition(": ")
        name = Path(path.strip()).name
        if name in names and name not in owners:
            owners[name] = packages.split(",")[0].split(":")[0].strip()
    return owners


def write(bundle: Path, work: Path, opencv_site: Path | None) -> list[str]:
    internal = bundle / "_internal"
    out = bundle / "licenses"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    lines = [
        "Teleavis ships the following parts, each under its own licence; the texts are in this folder.",
        "",
    ]
    copied = python_licence(out / "Python")
    py = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    lines.append(f"Python {py} — PSF-2.0 — Python/ ({', '.join(copied) or 'MISSING'})")
    skip = set()
    if opencv_site is not None:
        skip.add("opencv-python-headless")
        shutil.copytree(opencv_site / "licenses", out / "OpenCV")
        texts = files_in(out / "OpenCV")
        lines.append(
            f"OpenCV (built for the bundle) — Apache-2.0 and the libraries in it — OpenCV/ ({', '.join(texts)})"
        )
    missing = []
    for dist in bundled_distributions(internal, archived_modules(work / "PYZ-00.toc"), skip):
        name, version = dist.metadata["Name"], dist.version
        where = folder_name(f"{name}-{version}")
        copied = copy_dist_licences(dist, out / where)
        if not copied:
            missing.append(name)
        lines.append(f"{name} {version} — {licence_of(dist)} — {where}/ ({', '.join(copied) or 'MISSING'})")
    libraries = system_libraries(work / "COLLECT-00.toc")
    owners = debian_packages(libraries)
    if libraries:
        lines += ["", "Libraries taken from the build machine, by the system package they come from:"]
    for package in sorted(set(owners.values())):
        source = Path("/usr/share/doc") / package / "copyright"
        names = sorted(lib for lib, owner in owners.items() if owner == package)
        if source.is_file():
            (out / "system" / package).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, out / "system" / package / "copyright")
            lines.append(f"{package}: {', '.join(names)} — system/{package}/copyright")
        else:
            missing.append(package)
            lines.append(f"{package}: {', '.join(names)} — MISSING")
    unknown = sorted(set(libraries) - set(owners))
    if unknown:
        lines.append(f"Of no known system package: {', '.join(unknown)}")
    (out / "THIRD-PARTY.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--work", type=Path, required=True, help="PyInstaller's work folder for the spec")
    parser.add_argument("--opencv-site", type=Path, default=None)
    args = parser.parse_args()
    missing = write(args.bundle, args.work, args.opencv_site)
    if missing:
        print(f"licenses.py: no licence text found for {', '.join(missing)}", file=sys.stderr)
    print(f"[build] licences: {args.bundle / 'licenses'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
