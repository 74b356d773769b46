"""Every size a person reads writes its decimals as the language does, through ``app.i18n.decimal_words``:
« 3,8 Mo » in French, « 3.8 MB » in English. Found from outside: the backup's line and a reduced copy's
note said « 3.8 Mo » where the diagnosis said « 66,5 Go » (and the note said « Mo » in English too)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.doctor import human_size
from app.i18n import decimal_words, set_language
from app.store import Store
from sync.reduced import CopySent, mark_copies
from tests.support.cli import run_inprocess
from tests.sync.sync_helpers import make_case


@pytest.mark.parametrize(("lang", "said", "two"), [("fr", "3,8", "0,05"), ("en", "3.8", "0.05")])
def test_a_decimal_is_written_as_the_language_writes_it(lang: str, said: str, two: str) -> None:
    set_language(lang)
    assert decimal_words(3.8) == said
    assert decimal_words(0.049, 2) == two


@pytest.mark.parametrize(("lang", "said"), [("fr", "66,5 Go"), ("en", "66.5 GB")])
def test_the_free_space_says_its_decimals_as_the_language_does(lang: str, said: str) -> None:
    set_language(lang)
    assert human_size(66.5 * 1024**3) == said


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_reduced_copy_says_the_originals_size_in_the_language(lang: str) -> None:
    """The note goes to the expert: in the platform's language, French, whatever the window's (found in review:
    an English window sent « original (3.8 MB) » to a French expert), its decimals as French writes them."""
    said = "l'original (3,8 Mo)"
    set_language(lang)
    bundle = {"entry": [{"resource": {"resourceType": "Media", "content": {"title": "Photo 1"}}}]}
    copy = CopySent("image/jpeg", 900_000, "c2hh", 3000, 2000)
    mark_copies(bundle, {"img": 0}, {"img": copy}, {"img": 3_800_000})
    note = bundle["entry"][0]["resource"]["note"][0]["text"]
    assert said in note, note


def test_the_backup_says_its_size_with_a_decimal_comma(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(teleavis_home) as store:
        make_case(store, images=2)
    done = run_inprocess(capsys, "backup", str(tmp_path / "cle-usb.tvbak"))
    assert done.code == 0, done.err
    assert re.search(r" \d+,\d Mo\)\.$", done.err.strip()), done.err
