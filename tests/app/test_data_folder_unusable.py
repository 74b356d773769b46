"""A data folder Teleavis cannot write to is named, with why, and not called one it could not create."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from app import i18n
from tests.support.cli import run_inprocess

# /proc/sys is a folder whose mode nobody may change, root included: what a read-only mount
# (EROFS) or a folder of another account (EPERM) gives the store when it opens its data folder.
UNCHANGEABLE = Path("/proc/sys")


@pytest.mark.skipif(not sys.platform.startswith("linux") or not UNCHANGEABLE.is_dir(), reason="Linux /proc")
@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr_FR.UTF-8", ("ne peut pas être modifié", "prévenez le support informatique")),
        ("en_GB.UTF-8", ("cannot be changed", "call it support")),
    ],
)
def test_an_existing_folder_not_writable_is_not_said_uncreatable(
    teleavis_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    words: tuple[str, str],
) -> None:
    monkeypatch.setenv("LANG", lang)
    i18n.set_language(None)
    monkeypatch.setenv("TELEAVIS_HOME", str(UNCHANGEABLE))
    result = run_inprocess(capsys, "case", "list")
    assert result.code == 1
    assert str(UNCHANGEABLE) in result.err
    assert "créer" not in result.err and "create" not in result.err, result.err
    for word in words:
        assert word in result.err.lower(), result.err


def test_a_file_given_as_the_data_folder_is_said_to_be_one(
    teleavis_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("gardé\n", encoding="utf-8")
    monkeypatch.setenv("TELEAVIS_HOME", str(a_file))
    result = run_inprocess(capsys, "case", "list")
    assert result.code == 1
    assert str(a_file) in result.err
    assert "n'est pas un dossier" in result.err, result.err
    assert a_file.read_text(encoding="utf-8") == "gardé\n"
    assert os.path.isfile(a_file)
