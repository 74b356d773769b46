"""A site's patient file numbers never go under a national identifier's system.

FR Core (Interop-Sante/hl7.fhir.fr.core, FRCorePatientINSProfile.fsh) gives the INS OIDs to its INS slices,
each with a fixed type (urn:oid:1.2.250.1.213.1.4.8 INS-NIR, .9 INS-NIA, .10 INS-NIR-TEST, .11 INS-NIR-DEMO);
FRCorePractitionerProfile.fsh gives urn:oid:1.2.250.1.71.4.2.1 to the professionals' national id (idNatPs) and
https://rpps.esante.gouv.fr to the RPPS; FRCoreOrganizationProfile.fsh gives urn:oid:1.2.250.1.71.4.2.2 to the
structures' national id (idNatSt) and https://finess.esante.gouv.fr to the FINESS. A file number sent under one
of these (a technician taking « the INS's OID » or « the FINESS's OID » for the site's) is refused by a French
platform (a PI under an INS slice's system), or read as a national number; and every site that made the same
mistake shares that system, so the platform's conditional create on ``system|12345`` finds another site's
patient. Refused when the site is set up; a site set up before is stopped by the checklist, case kept.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from app import identifiers
from app.errors import CaseFileError
from app.site import parse_site
from app.store import Store
from app.validation import validate_site
from sync.frcore import check_patient
from sync.mapping import prepare_case
from tests.support.cli import SITE
from tests.sync.sync_helpers import REQUESTER, make_case

NATIONAL = [
    identifiers.INS_SYSTEM,
    identifiers.INS_NIA_SYSTEM,
    identifiers.INS_TEST_SYSTEM,
    "urn:oid:1.2.250.1.213.1.4.11",  # INS-NIR-DEMO
    "urn:oid:1.2.250.1.213.1.4.2",  # INS-C, the computed INS (FRCorePatientProfile.fsh, slice INS-C)
    identifiers.RPPS_SYSTEM,
    identifiers.RPPS_DIRECTORY,
    identifiers.FINESS_SYSTEM,
    identifiers.FINESS_DIRECTORY,
    "http://FINESS.esante.gouv.fr/",  # as a person may type it
    "urn:oid:1.2.250.1.176.1.2",  # the pharmaceutical record's number (FRCorePatientProfile.fsh, slice NDP)
]


@pytest.mark.parametrize("system", NATIONAL)
def test_a_national_identifier_system_is_refused_as_the_sites_patient_system(system: str) -> None:
    with pytest.raises(CaseFileError) as refused:
        parse_site({**SITE, "patient_id_system": system})
    said = [d for d in refused.value.details if "patient_id_system" in d]
    assert said and "national" in said[0], refused.value.details


#: Found by an outside tester: a branch under an INS OID passed. The INS OIDs are the national INS authority's
#: (FRCorePatientINSProfile.fsh); no structure is given an arc below them, so a file-number system there is a
#: technician's guess at « the INS's OID », shared by every site that guessed the same.
@pytest.mark.parametrize("system", ["urn:oid:1.2.250.1.213.1.4.8.1", "urn:oid:1.2.250.1.213.1.4.9.3.7"])
def test_a_branch_under_an_ins_oid_is_refused(system: str) -> None:
    with pytest.raises(CaseFileError) as refused:
        parse_site({**SITE, "patient_id_system": system})
    said = [d for d in refused.value.details if "patient_id_system" in d]
    assert said and "branche" in said[0] and "urn:oid:1.2.250.1.213.1.4." in said[0], refused.value.details
    assert validate_site(replace(REQUESTER, patient_id_system=system)), "a site set up before: stopped too"


#: A code system names codes (the kinds of identifier, a sex, a profession), never a series of file numbers:
#: FR Core's identifier types (https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203, FRCoreCodeSystemv2-0203.fsh),
#: HL7's (http://terminology.hl7.org/CodeSystem/v2-0203), the ANS's terminologies (https://mos.esante.gouv.fr/NOS/TRE_…).
CODE_SYSTEMS = [
    "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203",
    "http://terminology.hl7.org/CodeSystem/v2-0203",
    "http://hl7.org/fhir/CodeSystem/identifier-type",
    "http://hl7.org/fhir/ValueSet/identifier-type",  # a value set: codes too
    "HTTPS://HL7.FR/ig/fhir/core/codesystem/fr-core-cs-v2-0203/",
    "https://mos.esante.gouv.fr/NOS/TRE_G08-TypeIdentifiantStructure/FHIR/TRE-G08-TypeIdentifiantStructure",
]


@pytest.mark.parametrize("system", CODE_SYSTEMS)
def test_a_code_system_is_refused_as_the_sites_patient_system(system: str) -> None:
    with pytest.raises(CaseFileError) as refused:
        parse_site({**SITE, "patient_id_system": system})
    said = [d for d in refused.value.details if "patient_id_system" in d]
    assert said and "terminologie" in said[0] and "urn:oid:" in said[0], refused.value.details
    found = validate_site(replace(REQUESTER, patient_id_system=system))
    assert [f.code for f in found] == ["site.patient_id_system"] and found[0].severity == "error"


@pytest.mark.parametrize(
    "system",
    [
        "urn:oid:1.2.250.1.213.1.4.80",  # begins like the INS's, another arc
        "urn:oid:1.2.250.1.71.4.2.22",
        "https://chu-exemple.fr/fhir/ipp",
        "https://dpi.chu-exemple.fr/patients/codesystems-ipp",  # the word alone, not a CodeSystem path
    ],
)
def test_a_system_that_only_begins_like_a_refused_one_is_taken(system: str) -> None:
    assert parse_site({**SITE, "patient_id_system": system}).patient_id_system == system
    assert validate_site(replace(REQUESTER, patient_id_system=system)) == []


def test_a_site_set_up_before_with_the_ins_oid_is_stopped_by_the_checklist(store: Store) -> None:
    requester = replace(REQUESTER, patient_id_system=identifiers.INS_SYSTEM)
    found = validate_site(requester)
    assert [f.code for f in found] == ["site.patient_id_system"]
    assert found[0].severity == "error" and "INS" in found[0].message
    # What it stops: the patient without a qualified INS goes with its file number under the INS's OID,
    # which the platform refuses.
    case = store.get_case(make_case(store, "dermatology", queue=False))
    case.patient.local_id = "D-2291"
    case.patient.identity_status = "provisional"
    bundle = prepare_case(case, requester, validate=False).bundle
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    assert check_patient(patient)


def test_the_sites_own_system_passes_the_checklist() -> None:
    assert validate_site(REQUESTER) == []
