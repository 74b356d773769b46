"""One PyInstaller build (and its .deb) per test session, made by packaging/build.sh like a release."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.packaging.built import ROOT, Build


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    out = tmp_path_factory.mktemp("packaging")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TELEAVIS_HOME")}
    env["PYTHON"] = sys.executable
    started = time.monotonic()
    proc = subprocess.run(
        ["sh", str(ROOT / "packaging" / "build.sh"), "--out", str(out), "--deb"],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
        # A first build compiles OpenCV (packaging/build_opencv.py; python3 dev.py test does it before).
        timeout=3600,
    )
    seconds = time.monotonic() - started
    assert proc.returncode == 0, f"build.sh failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    debs = sorted(out.glob("teleavis_*.deb"))
    assert len(debs) == 1, proc.stdout
    folder = out / "dist" / "teleavis"
    size = sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1024**2
    print(
        f"\n[bench] PyInstaller build + smoke test + .deb: {seconds:.0f} s; bundle {size:.0f} MB; "
        f".deb {debs[0].stat().st_size / 1024**2:.0f} MB"
    )
    return Build(folder, folder / "teleavis", debs[0], seconds)
