"""The Debian package: its metadata and files, a valid desktop entry, and an uninstall that keeps data.

As root (CI's throw-away machine) the package is really installed with dpkg, run, removed and
purged. Otherwise the same package is unpacked into a folder and its program and maintainer
scripts are run from there: every claim is still checked, only by a different route.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from tests.packaging.built import Build
from tests.packaging.test_bundle import clean_env, ok, run
from tests.support.cli import SITE, write_json

# The session's build is made during the first of these tests; a first one compiles OpenCV.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]
SIZES = (16, 32, 48, 64, 128, 256)


def dpkg_deb(*args: str) -> str:
    return ok(subprocess.run(["dpkg-deb", *args], capture_output=True, text=True, timeout=300))


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def validate_desktop_entry(path: Path) -> None:
    tool = shutil.which("desktop-file-validate")
    assert tool, "desktop-file-validate is missing: apt-get install desktop-file-utils (dev.py test does it)"
    result = subprocess.run([tool, str(path)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_package_metadata_and_files(build: Build, tmp_path: Path) -> None:
    info = dpkg_deb("--info", str(build.deb))
    for line in ("Package: teleavis", "Version: 0.1.0", "Depends: libc6, libgl1", "Section: science"):
        assert line in info, info
    contents = dpkg_deb("--contents", str(build.deb))
    assert "./usr/bin/teleavis -> /opt/teleavis/teleavis" in contents
    assert "./opt/teleavis/teleavis\n" in contents
    assert "./usr/share/applications/teleavis.desktop" in contents
    assert " root/root " in contents and "/home" not in contents
    root = tmp_path / "root"
    dpkg_deb("-x", str(build.deb), str(root))
    validate_desktop_entry(root / "usr/share/applications/teleavis.desktop")
    for size in SIZES:
        assert png_size(root / f"usr/share/icons/hicolor/{size}x{size}/apps/teleavis.png") == (size, size)
    assert (root / "usr/share/icons/hicolor/scalable/apps/teleavis.svg").exists()
    control = tmp_path / "control"
    dpkg_deb("-e", str(build.deb), str(control))
    for script in ("postinst", "prerm", "postrm"):
        commands = [line for line in (control / script).read_text().splitlines() if not line.startswith("#")]
        text = "\n".join(commands)
        assert os.access(control / script, os.X_OK)
        assert "rm " not in text and ".local/share" not in text and "HOME" not in text, script


def test_install_run_remove_keeps_the_users_data(build: Build, tmp_path: Path) -> None:
    if os.geteuid() == 0 and shutil.which("dpkg"):
        _with_dpkg(build, tmp_path)
    else:
        _unpacked(build, tmp_path)


def _first_use(program: Path, home: Path, tmp_path: Path) -> Path:
    """A user's first steps with the installed program; returns the data folder it created."""
    env = clean_env(home)  # no TELEAVIS_HOME: the default per-user folder
    assert "teleavis 0.1.0" in ok(run(program, tmp_path, env, "--version"))
    ok(run(program, tmp_path, env, "init", "--site", str(write_json(tmp_path / "site.json", SITE))))
    data = home / ".local" / "share" / "teleavis"
    assert (data / "key.json").exists() and (data / "teleavis.db").exists()
    return data


def _with_dpkg(build: Build, tmp_path: Path) -> None:
    before = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "teleavis"], capture_output=True, text=True)
    assert "install ok installed" not in before.stdout, "teleavis is already installed on this machine"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        ok(subprocess.run(["dpkg", "-i", str(build.deb)], capture_output=True, text=True, env=env, timeout=600))
        assert Path("/usr/bin/teleavis").resolve() == Path("/opt/teleavis/teleavis")
        validate_desktop_entry(Path("/usr/share/applications/teleavis.desktop"))
        data = _first_use(Path("/usr/bin/teleavis"), tmp_path / "home", tmp_path)
        snapshot = {p.name: p.read_bytes() for p in (data / "key.json", data / "teleavis.db")}
        ok(subprocess.run(["dpkg", "-r", "teleavis"], capture_output=True, text=True, env=env, timeout=600))
        assert not Path("/usr/bin/teleavis").exists() and not Path("/opt/teleavis/teleavis").exists()
        ok(subprocess.run(["dpkg", "-P", "teleavis"], capture_output=True, text=True, env=env, timeout=600))
    finally:
        subprocess.run(["dpkg", "-P", "teleavis"], capture_output=True, env=env, timeout=600)
    assert {p.name: p.read_bytes() for p in (data / "key.json", data / "teleavis.db")} == snapshot


def _unpacked(build: Build, tmp_path: Path) -> None:
    root = tmp_path / "root"
    dpkg_deb("-x", str(build.deb), str(root))
    control = tmp_path / "control"
    dpkg_deb("-e", str(build.deb), str(control))
    data = _first_use(root / "opt/teleavis/teleavis", tmp_path / "home", tmp_path)
    snapshot = {p.name: p.read_bytes() for p in (data / "key.json", data / "teleavis.db")}
    # What dpkg runs on removal and purge, run here as this user, then the files go.
    env = clean_env(tmp_path / "home")
    for script, argument in (("prerm", "remove"), ("postrm", "remove"), ("postrm", "purge")):
        ok(subprocess.run([str(control / script), argument], capture_output=True, text=True, env=env))
    shutil.rmtree(root)
    assert {p.name: p.read_bytes() for p in (data / "key.json", data / "teleavis.db")} == snapshot
