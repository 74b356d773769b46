"""packaging/build.sh --help prints its whole header, however long the header grows."""

from __future__ import annotations

import subprocess

from tests.packaging.built import ROOT


def test_help_prints_the_whole_header() -> None:
    script = ROOT / "packaging" / "build.sh"
    lines = script.read_text(encoding="utf-8").splitlines()
    header = lines[1 : lines.index("set -eu")]
    assert header and all(line.startswith("#") for line in header)
    shown = subprocess.run(["sh", str(script), "--help"], capture_output=True, text=True, timeout=30, check=True)
    assert shown.stdout.splitlines() == header
