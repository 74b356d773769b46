"""docs/cli.md: « A case is refused with every problem listed at once, and nothing is stored. »

Found by an English-locale tester: a case file with a wrong INS key and a damaged photo was refused on
the INS alone; the photo was said only once the INS was put right, a second refusal for one file. The
images are read (enough to say which cannot be) whatever the fields say, and every problem is one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.cases import EXAMPLE, example_case
from tests.support.cli import run_inprocess, write_json
from tests.support.images import jpeg_bytes, png_bytes, skin_photo

WRONG_KEY_INS = "150028512345699"  # the example's INS with another control key


def _broken_case(folder: Path) -> tuple[Path, dict[str, Any]]:
    """The docs' example with four things wrong together: the INS key, a damaged JPEG (cut short, as a copy
    interrupted leaves it), an image file that is not there, and no consent (merely missing: a draft)."""
    case_file = example_case(folder)
    doc = {key: value for key, value in EXAMPLE.items() if key != "consent"}
    whole = jpeg_bytes(skin_photo(1600, 1200, seed=7))
    (folder / "coupee.jpg").write_bytes(whole[: len(whole) // 2])
    doc["patient"] = {**EXAMPLE["patient"], "ins": WRONG_KEY_INS}
    doc["images"] = [
        *EXAMPLE["images"],
        {"file": "coupee.jpg", "body_site": "dos", "view": "dermoscopy"},
        {"file": "absente.jpg", "body_site": "dos", "view": "medium"},
    ]
    return write_json(case_file, doc), doc


def _refusal(err: str, heading: str) -> list[str]:
    lines = err.splitlines()
    assert heading in lines, err
    return lines[lines.index(heading) + 1 :]


@pytest.mark.parametrize(
    ("lang", "heading", "ins", "damaged", "missing", "consent"),
    [
        (
            "fr_FR.UTF-8",
            "Dossier refusé, rien n'a été enregistré :",
            "clé de contrôle du matricule INS",
            "images[2] (coupee.jpg) : L'image « coupee.jpg » est incomplète ou abîmée",
            "images[3].file : fichier image introuvable « absente.jpg »",
            "consentement",
        ),
        (
            "en_US.UTF-8",
            "Case refused, nothing was stored:",
            "INS control key",
            "images[2] (coupee.jpg): The image “coupee.jpg” is incomplete or damaged",
            "images[3].file: image file not found “absente.jpg”",
            "consent",
        ),
    ],
)
def test_a_wrong_ins_does_not_hide_a_damaged_or_missing_image(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    site: Path,
    lang: str,
    heading: str,
    ins: str,
    damaged: str,
    missing: str,
    consent: str,
) -> None:
    monkeypatch.setenv("LANG", lang)
    case_file, doc = _broken_case(tmp_path / "cas")
    refused = run_inprocess(capsys, "case", "import", str(case_file))
    assert refused.code == 1 and refused.out == "", refused
    lines = _refusal(refused.err, heading)
    # One line each, in the file's order: the fields, then the images by their number.
    assert len(lines) == 3, lines
    assert ins in lines[0], lines
    assert lines[1].startswith(f"  - {damaged}"), lines
    assert lines[2].startswith(f"  - {missing}"), lines
    # What is merely missing (the consent) refuses nothing: said once the file imports, as a draft.
    assert not any(consent in line.lower() for line in lines), lines
    assert run_inprocess(capsys, "case", "list", "--json").json() == []  # nothing stored
    # Everything said put right at once (the INS, the photo copied again, the one forgotten): it imports.
    (case_file.parent / "coupee.jpg").write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=7)))
    (case_file.parent / "absente.jpg").write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=8)))
    write_json(case_file, {**doc, "patient": EXAMPLE["patient"]})
    imported = run_inprocess(capsys, "case", "import", str(case_file))
    assert imported.code == 0, imported.err
    assert consent in imported.err.split(heading)[-1].lower(), imported.err


def test_every_image_is_read_when_the_fields_refuse_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """Not the first bad image only, and not only once the fields are right: each unreadable one is named
    as the import names it (the pipeline's own words), an image listed twice too, besides a type error in
    the consent and an unknown key; in a stable order, the same run after run."""
    folder = tmp_path / "cas"
    case_file = example_case(folder)
    (folder / "vide.jpg").write_bytes(b"")
    (folder / "texte.png").write_bytes(b"ceci n'est pas une image\n")
    whole = png_bytes(skin_photo(1000, 800, seed=3))
    (folder / "coupee.png").write_bytes(whole[: len(whole) // 3])
    doc = {
        **EXAMPLE,
        "consent": {"given": "oui"},
        "patient": {**EXAMPLE["patient"], "ins": WRONG_KEY_INS},
        "images": [
            {"file": "vide.jpg", "body_site": "dos"},
            *EXAMPLE["images"],
            {"file": "texte.png", "body_site": "dos", "colour": "rouge"},
            {"file": "coupee.png", "body_site": "dos"},
            {"file": "dos-loin.jpg", "body_site": "dos"},
        ],
    }
    write_json(case_file, doc)
    first = run_inprocess(capsys, "case", "import", str(case_file))
    again = run_inprocess(capsys, "case", "import", str(case_file))
    assert first.code == again.code == 1 and first.err == again.err, (first.err, again.err)
    lines = _refusal(first.err, "Dossier refusé, rien n'a été enregistré :")
    assert all(line.startswith("  - ") for line in lines), lines
    expected = [
        "consent.given : il faut true ou false",
        "clé de contrôle du matricule INS",
        "images[0] (vide.jpg) : ",
        "images[3] : clé inconnue « colour »",
        "images[3] (texte.png) : ",
        "images[4] (coupee.png) : L'image « coupee.png » est incomplète ou abîmée",
        "images[5] (dos-loin.jpg) est la même image que images[1]",
    ]
    assert len(lines) == len(expected), lines
    for line, words in zip(lines, expected, strict=True):
        assert words in line, (words, lines)
    assert run_inprocess(capsys, "case", "list", "--json").json() == []


def test_a_refused_file_says_each_image_as_the_import_of_that_image_alone_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """What is said of an image is the same whether the fields are right or not (only read, not prepared,
    when the file is refused anyway)."""
    folder = tmp_path / "cas"
    case_file = example_case(folder)
    whole = jpeg_bytes(skin_photo(1600, 1200, seed=5))
    (folder / "coupee.jpg").write_bytes(whole[: len(whole) // 2])
    (folder / "vide.jpg").write_bytes(b"")
    images = [{"file": "coupee.jpg", "body_site": "dos"}, {"file": "vide.jpg", "body_site": "dos"}]
    alone = run_inprocess(capsys, "case", "import", str(write_json(case_file, {**EXAMPLE, "images": images})))
    with_fields = run_inprocess(
        capsys,
        "case",
        "import",
        str(write_json(case_file, {**EXAMPLE, "images": images, "priority": "tout de suite"})),
    )
    assert alone.code == with_fields.code == 1
    said_alone = [line for line in alone.err.splitlines() if "images[" in line]
    said_with = [line for line in with_fields.err.splitlines() if "images[" in line]
    assert len(said_alone) == 2 and said_with == said_alone, (alone.err, with_fields.err)


def test_a_key_given_twice_is_one_problem_among_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """A key written twice refused the file on that alone, before its fields and images were looked at."""
    case_file, _doc = _broken_case(tmp_path / "cas")
    text = case_file.read_text(encoding="utf-8")
    case_file.write_text(text.replace('"question":', '"question": "Perdue ?",\n  "question":', 1), encoding="utf-8")
    refused = run_inprocess(capsys, "case", "import", str(case_file))
    assert refused.code == 1 and refused.out == "", refused
    lines = _refusal(refused.err, "Dossier refusé, rien n'a été enregistré :")
    assert len(lines) == 4, lines
    assert "deux fois la clé « question »" in lines[0] and "clé de contrôle du matricule INS" in lines[1], lines
    assert "images[2] (coupee.jpg)" in lines[2] and "images[3].file" in lines[3], lines
    assert run_inprocess(capsys, "case", "list", "--json").json() == []


def test_a_dicom_without_pixels_in_a_refused_file_is_told_of_the_case_files_device(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """A refused file's images are read as the import reads them, in a case of the specialty the file gives:
    a structured report (no pixels) in a dermatology case file is told of the dermatoscope, as the import of
    the same file once right tells it, never of a device of no specialty."""
    from tests.support.dicom import structured_report

    folder = tmp_path / "cas"
    case_file = example_case(folder)
    (folder / "rapport.dcm").write_bytes(structured_report())
    doc = {
        **EXAMPLE,
        "patient": {**EXAMPLE["patient"], "ins": WRONG_KEY_INS},
        "images": [*EXAMPLE["images"], {"file": "rapport.dcm", "body_site": "dos"}],
    }
    refused = run_inprocess(capsys, "case", "import", str(write_json(case_file, doc)))
    assert refused.code == 1, refused
    said = [line for line in refused.err.splitlines() if "rapport.dcm" in line]
    assert len(said) == 1 and "dermatoscope" in said[0], refused.err


def _same_picture_twice(folder: Path) -> list[dict[str, Any]]:
    """Three pictures each written in two files differing only in what the import does not keep: a phone's
    portrait JPEG (turned upright: encoded again) saved twice a few seconds apart, a TIFF exported twice with
    another description (stored as PNG), a retinograph's DICOM exported twice with another institution (its
    header rewritten): each pair is one image stored twice, refused by the import."""
    import io

    import numpy as np
    import pydicom
    from PIL import Image

    from tests.support.dicom import retinograph
    from tests.support.images import fundus_photo

    photo = skin_photo(1200, 900, seed=11)
    for name, when in (("portrait.jpg", "2026:11:20 10:00:00"), ("portrait-2.jpg", "2026:11:20 10:00:05")):
        exif = Image.Exif()
        exif[0x0112], exif[0x0132] = 6, when  # Orientation: turned; DateTime
        photo.save(folder / name, "JPEG", quality=90, exif=exif.tobytes())
    tiff = skin_photo(1000, 800, seed=12)
    for name, description in (("export.tif", "premier export"), ("export-2.tif", "second export")):
        tiff.save(folder / name, "TIFF", description=description)
    fundus = retinograph([np.asarray(fundus_photo(900, seed=13))])
    for name, institution in (("fond.dcm", "Centre A"), ("fond-2.dcm", "Centre B")):
        ds = pydicom.dcmread(io.BytesIO(fundus))
        ds.InstitutionName = institution
        ds.save_as(folder / name)
    names = ["portrait.jpg", "portrait-2.jpg", "export.tif", "export-2.tif", "fond.dcm", "fond-2.dcm"]
    return [{"file": name, "body_site": "dos"} for name in names]


def test_the_same_picture_in_two_files_is_said_listed_twice_when_the_fields_refuse_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """The images of a refused file are read, not prepared: a picture stored written again from its pixels
    (or its DICOM header rewritten) was known only by its file's bytes there, so two files of one picture
    passed unsaid, and the file with its fields put right was refused a second time for them."""
    folder = tmp_path / "cas"
    case_file = example_case(folder)
    images = _same_picture_twice(folder)
    right = run_inprocess(capsys, "case", "import", str(write_json(case_file, {**EXAMPLE, "images": images})))
    assert right.code == 1 and right.out == "", right
    said_right = [line for line in right.err.splitlines() if "images[" in line]
    assert len(said_right) == 3, right.err
    for line, (twice, first) in zip(said_right, ((1, 0), (3, 2), (5, 4)), strict=True):
        assert f"images[{twice}] (" in line and f"même image que images[{first}]" in line, right.err
    wrong = {**EXAMPLE, "images": images, "patient": {**EXAMPLE["patient"], "ins": WRONG_KEY_INS}}
    refused = run_inprocess(capsys, "case", "import", str(write_json(case_file, wrong)))
    assert refused.code == 1 and refused.out == "", refused
    assert [line for line in refused.err.splitlines() if "images[" in line] == said_right, refused.err
