"""Quality findings are said in the reader's language (found from outside: a case imported in French
showed « Image trop claire ou reflet du flash… » in `case show`, the English PDF and the English window).

A finding keeps the key of its sentence and the sentence's parameters beside the words said at the
check; a finding stored before the key was kept is shown as written, and reads back exactly as stored
(the image's sealed digest covers it)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from app import i18n
from app.model import QualityFinding
from capture.quality import check_quality
from tests.support.cases import example_case
from tests.support.cli import SITE, run_inprocess, run_process, write_json
from tests.support.images import jpeg_bytes, skin_photo

BRIGHT_FR = "Image trop claire ou reflet du flash"
BRIGHT_EN = "Image too bright or flash glare"
SMALL_FR = "Image de faible définition (1000×700)"
SMALL_EN = "Low-resolution image (1000×700)"


def bright(image: Image.Image, share: float) -> Image.Image:
    return Image.blend(image, Image.new("RGB", image.size, (255, 255, 255)), share)


def findings(image: Image.Image) -> list[QualityFinding]:
    return [f for f in check_quality(np.asarray(image), specialty="dermatology") if f.level != "ok"]


def test_a_finding_made_in_french_is_said_in_english_and_back() -> None:
    i18n.set_language("fr")
    made = findings(bright(skin_photo(1600, 1200), 0.75))
    cast = next(f for f in made if f.check == "colour-cast")
    assert "dominante bleue" in cast.message  # the words of the moment, kept
    assert cast.key == "colour-cast.warning" and cast.params == {"hue": "blue"}  # a code, not a word
    assert "(blue cast)" in cast.text("en") and "dominante bleue" in cast.text("fr")
    i18n.set_language("en")
    assert cast.text().startswith("Colours are off (blue cast)")
    assert all(QualityFinding.from_dict(f.to_dict()) == f for f in made)


def test_a_finding_stored_by_an_older_version_shows_its_words_and_reads_back_as_stored() -> None:
    stored = {
        "check": "exposure",
        "level": "warning",
        "message": BRIGHT_FR + " : éloignez la lumière ou coupez le flash.",
        "measure": 210.0,
        "threshold": 205.0,
    }
    old = QualityFinding.from_dict(stored)
    assert old.text("en") == old.text("fr") == stored["message"]
    assert old.to_dict() == stored  # the sealed digest of an image stored before still matches
    later = QualityFinding.from_dict({**stored, "key": "exposure.bright.dazzling", "params": {"n": 1}})
    assert later.text("en") == stored["message"]  # a key of a later version: its words as written
    odd = QualityFinding.from_dict({**stored, "key": "resolution.warning", "params": {"width": 3}})
    assert odd.text("en") == stored["message"]  # parameters that do not fit: never a crash


@pytest.fixture
def french_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A case imported in French: a photo too bright, and one of low resolution."""
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "dos-loin.jpg").write_bytes(jpeg_bytes(bright(skin_photo(1600, 1200), 0.6)))
    (folder / "dos-proche.jpg").write_bytes(jpeg_bytes(skin_photo(1000, 700, seed=3)))
    imported = run_inprocess(capsys, "case", "import", str(example_case(folder)))
    assert imported.code == 0, imported.err
    return imported.out.strip()


def test_case_show_says_the_findings_in_the_readers_language(french_case: str) -> None:
    english = run_process("case", "show", french_case, env={"LANG": "en_US.UTF-8"})
    assert english.code == 0, english.err
    assert BRIGHT_EN in english.out and SMALL_EN in english.out, english.out
    assert BRIGHT_FR not in english.out and "définition" not in english.out, english.out
    french = run_process("case", "show", french_case, env={"LANG": "fr_FR.UTF-8"})
    assert BRIGHT_FR in french.out and SMALL_FR in french.out, french.out
    data = run_process("case", "show", french_case, "--json", env={"LANG": "en_US.UTF-8"}).json()
    said = [f for image in data["images"] for f in image["quality"] if f["level"] != "ok"]
    assert any(f["message"].startswith(BRIGHT_EN) and f["key"] == "exposure.bright.warning" for f in said)
    assert any(f["message"].startswith(SMALL_EN) and f["params"] == {"width": 1000, "height": 700} for f in said)


@pytest.mark.parametrize(
    ("lang", "system", "wanted", "unwanted"), [("en", "fr", BRIGHT_EN, BRIGHT_FR), ("fr", "en", BRIGHT_FR, BRIGHT_EN)]
)
def test_the_report_says_the_findings_in_its_language(
    french_case: str, tmp_path: Path, lang: str, system: str, wanted: str, unwanted: str
) -> None:
    pdf = tmp_path / f"r-{lang}.pdf"
    env = {"LANG": "en_US.UTF-8" if system == "en" else "fr_FR.UTF-8"}
    exported = run_process("case", "export", french_case, "--pdf", str(pdf), "--lang", lang, env=env)
    assert exported.code == 0, exported.err
    pages = PdfReader(io.BytesIO(pdf.read_bytes())).pages
    text = " ".join(" ".join(page.extract_text() or "" for page in pages).split())
    assert wanted in text and unwanted not in text, text
    assert (SMALL_EN if lang == "en" else SMALL_FR) in text, text
