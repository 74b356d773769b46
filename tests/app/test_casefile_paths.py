"""Where a case file may take its images from (issue 13 §17).

A case file may come from someone else (a script, a colleague's export). Its image paths must not
make the import read, store and send any file of this workstation: they stay inside the case
file's folder (or ``--dir``) unless ``--allow-outside`` says otherwise, links included.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest

from tests.app.test_bad_input import import_refused, snapshot
from tests.support.cases import EXAMPLE, example_case
from tests.support.cli import run_inprocess, write_json
from tests.support.images import jpeg_bytes, skin_photo


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A photo of this workstation outside the case's folder."""
    other = tmp_path / "autre-patient"
    other.mkdir()
    path = other / "DUPONT Marie.jpg"
    path.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=9)))
    return path


def case_with(folder: Path, far: str) -> Path:
    images = copy.deepcopy(EXAMPLE["images"])
    images[0]["file"] = far
    return example_case(folder, images=images)


@pytest.mark.parametrize("how", ["parent", "absolute", "link"])
def test_an_image_outside_the_case_folder_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, teleavis_home: Path, elsewhere: Path, how: str
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    if how == "link":
        (folder / "dos-loin.jpg").symlink_to(elsewhere)
        name = "dos-loin.jpg"
    else:
        name = os.path.relpath(elsewhere, folder) if how == "parent" else str(elsewhere)
    case_file = case_with(folder, name)

    result = import_refused(capsys, teleavis_home, case_file)

    assert "images[0].file" in result.err and "hors du dossier" in result.err
    assert "--allow-outside" in result.err


def test_allow_outside_takes_them_when_the_user_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, teleavis_home: Path, elsewhere: Path
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    case_file = case_with(folder, str(elsewhere))

    result = run_inprocess(capsys, "case", "import", str(case_file), "--allow-outside")

    assert result.code == 0, result.err
    assert snapshot(teleavis_home)[0] == 1


def test_images_inside_dir_are_taken_from_there(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    images = tmp_path / "images"
    example_case(images)  # writes the two JPEGs there
    case_file = write_json(tmp_path / "ailleurs.json", {**EXAMPLE, "form": {}})
    assert run_inprocess(capsys, "case", "import", str(case_file)).code == 1
    assert run_inprocess(capsys, "case", "import", str(case_file), "--dir", str(images)).code == 0


def test_a_5000_character_file_name_gets_a_clear_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, teleavis_home: Path
) -> None:
    folder = tmp_path / "case"
    example_case(folder)
    doc = copy.deepcopy(EXAMPLE)
    doc["images"][0]["file"] = "a" * 5000 + ".jpg"
    case_file = write_json(folder / "long.json", doc)

    result = import_refused(capsys, teleavis_home, case_file)

    assert "images[0].file" in result.err and "5004 caractères" in result.err
    assert "a" * 100 not in result.err  # the name is shortened in the message


def test_an_image_that_is_a_link_to_itself_gets_a_clear_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, teleavis_home: Path
) -> None:
    """Found from outside: a link leading back to itself stopped the import with « Erreur interne
    inattendue » (Python 3.11's resolve raises RuntimeError for a loop of links)."""
    folder = tmp_path / "case"
    example_case(folder)
    (folder / "boucle.jpg").symlink_to("boucle.jpg")
    doc = copy.deepcopy(EXAMPLE)
    doc["images"][0]["file"] = "boucle.jpg"
    case_file = write_json(folder / "boucle.json", doc)

    result = import_refused(capsys, teleavis_home, case_file)

    assert "images[0].file" in result.err and "lien qui mène à lui-même" in result.err
    assert "Erreur interne" not in result.err

    (tmp_path / "dossier-boucle").symlink_to("dossier-boucle")  # --dir such a link
    doc["images"][0]["file"] = "dos-loin.jpg"
    write_json(case_file, doc)
    result = import_refused(capsys, teleavis_home, case_file, "--dir", str(tmp_path / "dossier-boucle"))
    assert "lien qui mène à lui-même" in result.err and "Erreur interne" not in result.err


def test_a_5000_character_case_file_name_gets_a_clear_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    result = run_inprocess(capsys, "case", "import", str(tmp_path / ("b" * 5000 + ".json")))

    assert result.code == 1
    assert "Impossible de lire" in result.err and "Erreur interne" not in result.err
    assert "b" * 100 not in result.err


def test_case_import_help_names_allow_outside(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run_inprocess(capsys, "case", "import", "--help")
    assert "--allow-outside" in capsys.readouterr().out
