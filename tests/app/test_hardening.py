"""A Teleavis process keeps what it holds to this user: its files closed to others, its memory never in
a core dump (an outside audit found the database, its journals and the logs readable by all, and a
crash's core holding the patient's name and the passphrase)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support.cases import example_case
from tests.support.cli import ROOT, SITE, run_process, write_json


def test_every_file_the_program_makes_is_this_users_only(tmp_path: Path, teleavis_home: Path) -> None:
    for args in (
        ["init", "--site", str(write_json(tmp_path / "site.json", SITE))],
        ["case", "import", str(example_case(tmp_path / "case"))],
    ):
        result = run_process(*args)
        assert result.code == 0, result.err
    made = [teleavis_home, *teleavis_home.rglob("*")]
    assert any(p.name == "teleavis.db-wal" for p in made) or any(p.name == "teleavis.db" for p in made)
    assert any(p.name.startswith("teleavis.log") for p in made)
    open_to_others = {
        str(p.relative_to(teleavis_home)): oct(p.stat().st_mode & 0o777) for p in made if p.stat().st_mode & 0o077
    }
    assert not open_to_others


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and core limits as Linux has them")
def test_the_process_leaves_no_core_dump_and_cannot_be_read_by_others() -> None:
    probe = (
        "import ctypes, os, resource\n"
        "from app.hardening import keep_private\n"
        "keep_private()\n"
        "mask = os.umask(0)\n"
        "print(resource.getrlimit(resource.RLIMIT_CORE), ctypes.CDLL(None).prctl(3, 0, 0, 0, 0), oct(mask))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["(0,", "0)", "0", "0o77"]


def test_every_entry_point_makes_the_process_private_first() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts["teleavis"] == "app.main:run"
    assert "from app.main import run" in (ROOT / "packaging" / "teleavis_main.py").read_text("utf-8")
    assert "sys.exit(run())" in (ROOT / "app" / "main.py").read_text("utf-8")
