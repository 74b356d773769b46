"""The report says what the request holds of the patient's treatments, never more.

Found by a tester playing a nurse: she left « Traitements en cours » empty (there is no box to say the
patient takes none), and the PDF filed in the patient's record said « Traitements en cours : Aucun. »,
a statement about the patient nobody made. It now says that none was entered in the request."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.model import Treatment
from app.report import build_report
from app.store import Store
from tests.app.test_report_headings import page_lines
from tests.sync.sync_helpers import make_case, setup_site


@pytest.mark.parametrize(
    ("lang", "heading", "said"),
    [
        ("fr", "Traitements en cours", "Aucun traitement indiqué dans la demande."),
        ("en", "Current treatments", "No treatment entered in the request."),
    ],
)
def test_no_treatment_entered_is_not_said_to_be_none(store: Store, lang: str, heading: str, said: str) -> None:
    setup_site(store)
    case_id = make_case(store, images=0, queue=False)
    store.update_case(replace(store.get_case(case_id), treatments=[]))
    lines = [line for page in page_lines(build_report(store, case_id, lang=lang).pdf) for line in page]
    after = lines[lines.index(heading) + 1]
    assert after == said
    assert "Aucun." not in lines and "None." not in lines


def test_treatments_entered_are_listed(store: Store) -> None:
    setup_site(store)
    case_id = make_case(store, images=0, queue=False)
    store.update_case(replace(store.get_case(case_id), treatments=[Treatment(name="Metformine", dosage="1 g x 2")]))
    text = "\n".join(line for page in page_lines(build_report(store, case_id, lang="fr").pdf) for line in page)
    assert "Metformine" in text and "Aucun traitement indiqué" not in text
