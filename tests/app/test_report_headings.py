"""A section's heading is printed on the page of what it heads (found by reading the paper: « Traitements
en cours » stood alone at the foot of page 1, its « Aucun. » at the top of page 2)."""

from __future__ import annotations

import io
from dataclasses import replace

from pypdf import PdfReader

from app.report import build_report
from app.store import Store
from tests.sync.sync_helpers import make_case, setup_site


def page_lines(pdf: bytes) -> list[list[str]]:
    return [
        [line.strip() for line in (page.extract_text() or "").splitlines() if line.strip()]
        for page in PdfReader(io.BytesIO(pdf)).pages
    ]


def test_a_heading_is_never_left_alone_at_the_foot_of_a_page(store: Store) -> None:
    """Whatever the summary's length, « Traitements en cours » and what it says (« Aucun traitement
    indiqué… ») share a page: the summary grown a line at a time brings the heading to every place on the
    page, its foot included."""
    setup_site(store)
    case_id = make_case(store, images=0, queue=False)
    case = store.get_case(case_id)
    for lines in range(0, 60, 2):
        summary = "\n".join(f"Ligne {n} du résumé clinique." for n in range(lines))
        store.update_case(replace(case, summary=summary, treatments=[]))
        case = store.get_case(case_id)
        pages = page_lines(build_report(store, case_id, lang="fr").pdf)
        heading = next(i for i, page in enumerate(pages) if "Traitements en cours" in page)
        assert "Aucun traitement indiqué dans la demande." in pages[heading], (
            f"{lines} lines of summary: the heading alone at the foot of the page"
        )
