"""A site file's unknown key is said as the case file's is: with the keys it could have meant.

Found by a newcomer: « organisation » (British spelling) in the site file gave « clé inconnue
« organisation » » then three « champ obligatoire absent » about organization, without saying which
spelling is known; the case file's refusal lists the keys possible."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.i18n import set_language
from tests.support.cli import SITE, run_inprocess, write_json


@pytest.mark.parametrize(("language", "words"), [("fr", "Clés possibles : "), ("en", "Known keys: ")])
def test_an_unknown_key_of_the_site_file_lists_the_known_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, language: str, words: str
) -> None:
    site = {k: v for k, v in SITE.items() if k != "organization"} | {"organisation": SITE["organization"]}
    site["practitioner"] = dict(SITE["practitioner"], rpp="10101010105")  # type: ignore[call-overload]
    monkeypatch.setenv("LANG", "en_US.UTF-8" if language == "en" else "fr_FR.UTF-8")
    set_language(None)
    refused = run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", site)))
    assert refused.code == 1, refused.err
    (root,) = [line for line in refused.err.splitlines() if "organisation" in line]
    assert words + "organization, patient_id_system, practitioner." in root, root
    (inner,) = [line for line in refused.err.splitlines() if "« rpp »" in line or "“rpp”" in line]
    assert words in inner and "rpps" in inner, inner
