"""A site whose requester has no RPPS (some nurses are still registered under ADELI) or whose structure has
no FINESS (a health centre known by its SIRET or SIREN) can be set up, its numbers checked by their keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.errors import CaseFileError
from app.site import parse_site
from tests.support.cli import run_inprocess, write_json


def _site(practitioner: dict[str, Any], organization: dict[str, Any]) -> dict[str, Any]:
    return {
        "practitioner": {"family": "DURAND", "given": ["Anne"], "role": "Infirmière", **practitioner},
        "organization": {"name": "Centre de santé de Saint-Martin", **organization},
        "patient_id_system": "urn:oid:1.2.250.1.999.1.1",
    }


def test_a_nurse_under_adeli_in_a_health_centre_with_a_siret_is_set_up() -> None:
    requester = parse_site(_site({"adeli": "879101558"}, {"siret": "77220148900022"}))
    assert (requester.rpps, requester.adeli) == ("", "879101558")
    assert (requester.finess, requester.siret) == ("", "77220148900022")
    siren_only = parse_site(_site({"rpps": "10101010105"}, {"siren": "772201489"}))
    assert siren_only.siren == "772201489" and siren_only.finess == ""


@pytest.mark.parametrize(
    ("practitioner", "organization", "words"),
    [
        ({"adeli": "879101559"}, {"finess": "750000010"}, "ADELI"),
        ({"rpps": "10101010105"}, {"siret": "77220148900023"}, "SIRET"),
        ({"rpps": "10101010105"}, {"siren": "772201488"}, "SIREN"),
        ({"rpps": "10101010105"}, {"siret": "77220148900022", "siren": "260104633"}, "SIREN"),
        ({}, {"finess": "750000010"}, "practitioner.rpps"),
        ({"rpps": "10101010105"}, {}, "organization.finess"),
    ],
)
def test_a_wrong_or_missing_number_is_refused_saying_which(
    practitioner: dict[str, Any], organization: dict[str, Any], words: str
) -> None:
    with pytest.raises(CaseFileError) as refused:
        parse_site(_site(practitioner, organization))
    assert words in " ".join(refused.value.details)


def test_a_nurse_under_adeli_in_corsica_or_overseas_is_set_up() -> None:
    """An ADELI of Corsica or an overseas department carries its department's letter; written in small
    letters as a nurse may type it, it is the same number."""
    requester = parse_site(_site({"adeli": "2a6012345"}, {"finess": "2A0000170"}))
    assert requester.adeli == "2A6012345"
    assert parse_site(_site({"adeli": "9D9312345"}, {"siret": "77220148900022"})).adeli == "9D9312345"


def test_a_number_typed_with_a_superscript_two_is_refused_saying_which() -> None:
    """« ² » sits at the top left of a French keyboard, beside « 1 »: a number typed with it is a digit to
    ``isdigit`` and no number to ``int``; the key's check raised a ValueError where it says the number is
    wrong."""
    for practitioner, organization, words in (
        ({"rpps": "1010101010²"}, {"finess": "750000010"}, "RPPS"),
        ({"adeli": "87910155²"}, {"finess": "750000010"}, "ADELI"),
        ({"rpps": "10101010105"}, {"finess": "75000001²"}, "FINESS"),
        ({"rpps": "10101010105"}, {"siren": "77220148²"}, "SIREN"),
    ):
        with pytest.raises(CaseFileError) as refused:
            parse_site(_site(practitioner, organization))
        assert words in " ".join(refused.value.details)


def test_init_names_the_numbers_it_saved_for_a_nurse_under_adeli_in_a_centre_with_a_siret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found following docs/cli.md: the confirmation said « (FINESS ), … (RPPS ). », empty, for them."""
    site = write_json(tmp_path / "site.json", _site({"adeli": "879101558"}, {"siret": "77220148900022"}))
    done = run_inprocess(capsys, "init", "--site", str(site))
    assert done.code == 0, done.err
    said = done.err  # the words of the commands go to standard error (docs/cli.md)
    assert "(SIRET 77220148900022)" in said and "(ADELI 879101558)" in said, said
    assert "RPPS" not in said and "(FINESS" not in said, said
    # The documentation's example kept as the origin of file numbers: the one proposed instead is the SIRET's.
    assert "urn:teleavis:local-patient-id:77220148900022" in said, said
    site = write_json(tmp_path / "site.json", _site({"rpps": "10101010105"}, {"siren": "772201489"}))
    done = run_inprocess(capsys, "init", "--site", str(site))
    assert "(SIREN 772201489)" in done.err and "(RPPS 10101010105)" in done.err, done.err
