"""The system of a site's patient file numbers goes as ``Identifier.system`` of every patient sent without
an INS: a strict platform refuses a uri with a space (R4 uri: ``\\S*``) and an OID not written as
``urn:oid:`` + ``[0-2](\\.(0|[1-9][0-9]*))+`` (R4 oid, RFC 3061). Refused when the site is set up, not
case after case at the platform."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import CaseFileError
from app.site import parse_site
from tests.support.cli import SITE, run_inprocess, write_json


@pytest.mark.parametrize(
    "system",
    [
        "urn:oid:1.2.250.1.999. 1",  # a space typed inside
        "urn:oid:1.2.250.01.999",  # a leading zero (an OID never has one)
        "urn:oid:1.2.250.1.999.",  # a trailing dot
        "urn:oid:1,2,250,1,999",  # commas for dots
        "urn:oid:9.2.250",  # OIDs begin with 0, 1 or 2
        "urn:oid:",
        "http://hôpital.example/ipp id",
    ],
)
def test_a_malformed_patient_id_system_is_refused_at_setup(system: str) -> None:
    with pytest.raises(CaseFileError) as refused:
        parse_site({**SITE, "patient_id_system": system})
    assert any("patient_id_system" in detail for detail in refused.value.details), refused.value.details


@pytest.mark.parametrize(
    "system",
    [
        "urn:oid:1.2.250.1.999.1.1",
        "urn:oid:2.25.10",
        "urn:teleavis:local-patient-id:750000010",
        "https://ipp.example/x",
    ],
)
def test_a_well_formed_patient_id_system_is_taken(system: str) -> None:
    assert parse_site({**SITE, "patient_id_system": system}).patient_id_system == system


def test_init_says_what_is_wrong_with_the_oid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write_json(tmp_path / "site.json", {**SITE, "patient_id_system": "urn:oid:1.2.250.01.999"})
    refused = run_inprocess(capsys, "init", "--site", str(bad))
    assert refused.code == 1 and "OID" in refused.err and "zéro" in refused.err
