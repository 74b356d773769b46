"""The act of a request made for a nurse under ADELI (no RPPS) names her in the billing export: the column
``requester_rpps`` stayed empty, and nothing in the file said who requested. Her ADELI goes in a column of its
own, added at the end (docs/cli.md: a billing software may read the columns by position; an ADELI in
``requester_rpps`` would be read as an RPPS, which it is not)."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, replace

from app import acts
from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from tests.support.ui import REQUESTER
from tests.sync.sync_helpers import make_case

ADELI = "879101558"


def _sent(store: Store, name: str) -> str:
    case_id = make_case(store)
    store.transition(case_id, CaseState.SENDING)
    Outbox(store).mark_sent(case_id, f"t-{name}", f"s-{name}", "1")
    return case_id


def test_the_act_of_a_nurse_under_adeli_names_her_adeli_in_a_column_at_the_end(store: Store) -> None:
    # Sent to a real platform (acts sent in training mode are never billable, so never counted).
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    store.settings.set("training", "off")
    nurse = replace(REQUESTER, rpps="", adeli=ADELI, role="Infirmière")
    store.settings.set("site.requester", asdict(nurse))
    first = _sent(store, "a")
    # Another requester under ADELI on this workstation later: her acts are not counted as the first's.
    store.settings.set("site.requester", asdict(replace(nurse, adeli="879101566")))
    second = _sent(store, "b")
    store.settings.set("site.requester", asdict(REQUESTER))
    third = _sent(store, "c")
    year = acts.utc_now().astimezone().year
    rows = list(csv.DictReader(io.StringIO(acts.export_csv(store, year)[0])))
    assert list(rows[0])[-1] == "requester_adeli" and list(rows[0])[:3] == ["date", "act_code", "requester_rpps"]
    by_case = {row["case_id"]: row for row in rows}
    assert (by_case[first]["requester_rpps"], by_case[first]["requester_adeli"]) == ("", ADELI)
    assert by_case[second]["requester_adeli"] == "879101566"
    assert (by_case[third]["requester_rpps"], by_case[third]["requester_adeli"]) == (REQUESTER.rpps, "")

    # The patient's acts are counted per requester (four a year): the other nurse's is not the first one's,
    # though both have an empty RPPS.
    store.settings.set("site.requester", asdict(nurse))
    again = make_case(store, queue=False)
    verdict = acts.judge(store, store.get_case(again))
    assert verdict.reason != acts.TRAINING and verdict.rank == 2, verdict  # her second, not her third
