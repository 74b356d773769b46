"""``case show`` of a case that can no longer be edited says nothing « missing before sending » (found by
an outside tester: an answered retinography listed an image joined to a reply to the expert, whose field
no reply asks for, as « Il manque encore, avant l'envoi : Image 3 : indiquez la vue »)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.model import CaseImage, CaseState
from app.store import NewImage, Store
from tests.support.cases import retina_case
from tests.support.cli import run_inprocess
from tests.support.images import fundus_photo, jpeg_bytes


def test_show_of_an_answered_case_says_nothing_missing_before_sending(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store
) -> None:
    """From the same tester: an answered case listed a retinograph joined to a reply (no field said) as
    « Il manque encore, avant l'envoi : Image 3 : indiquez la vue »: sent, there is no sending to prepare."""
    case_file = retina_case(tmp_path / "eye")
    case_id = run_inprocess(capsys, "case", "import", str(case_file)).out.strip()
    assert run_inprocess(capsys, "case", "send", case_id).code == 0
    for state in (CaseState.SENDING, CaseState.SENT, CaseState.ON_HOLD):
        store.transition(case_id, state)
    joined = CaseImage(eye="left", view="", width=1400, height=1400, content_type="image/jpeg")
    store.add_images(
        case_id, [NewImage(joined, jpeg_bytes(fundus_photo(1400, seed=77, eye="left")))], joined_to_reply=True
    )
    human = run_inprocess(capsys, "case", "show", case_id)
    assert human.code == 0
    assert "Il manque encore" not in human.out and "indiquez la vue" not in human.out
    # While the case can still be sent, what is missing is said, as before.
    draft = run_inprocess(capsys, "case", "import", str(retina_case(tmp_path / "other", images=[]))).out.strip()
    assert "Il manque encore, avant l'envoi :" in run_inprocess(capsys, "case", "show", draft).out
