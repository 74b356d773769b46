"""The billing export writes a qualified identity's INS with its traits, as the platform's Patient and the DICOM
header carry them (``Patient.names_sent``). Found in review: its names went as typed (« ŒUVRAY », « Lætitia »)
beside the INS, which the billing software checks against the INSi's (« OEUVRAY », « LAETITIA »). Without the
INS (an identity not qualified), the birth name in capitals and the given names as shown, as before."""

from __future__ import annotations

import csv
import io

from app import acts
from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from tests.sync.sync_helpers import make_case


def _sent(store: Store, status: str) -> str:
    case_id = make_case(store, queue=False)
    case = store.get_case(case_id)
    case.patient.family, case.patient.given = "Œuvray", ["Lætitia", "Marie-Éloïse"]
    case.patient.identity_status = status
    store.update_case(case)
    store.queue(case_id)
    store.transition(case_id, CaseState.SENDING)
    Outbox(store).mark_sent(case_id, f"t-{case_id}", f"s-{case_id}", "1")
    return case_id


def test_a_qualified_identity_is_exported_with_its_ins_traits(store: Store) -> None:
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    store.settings.set("training", "off")
    qualified, validated = _sent(store, "qualified"), _sent(store, "validated")
    text, _ = acts.export_csv(store, acts.utc_now().astimezone().year)
    rows = {row["case_id"]: row for row in csv.DictReader(io.StringIO(text))}
    assert (rows[qualified]["patient_family"], rows[qualified]["patient_given"]) == ("OEUVRAY", "LAETITIA MARIE-ELOISE")
    assert rows[qualified]["patient_ins"]
    assert (rows[validated]["patient_family"], rows[validated]["patient_given"]) == ("ŒUVRAY", "Lætitia Marie-Éloïse")
    assert rows[validated]["patient_ins"] == ""
