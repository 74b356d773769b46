"""``case send`` (and the window's « Envoyer », from the same checklist) of a case one of whose image files is
no longer on this workstation's disk: refused, naming the image and what to do, instead of queued.

Found from outside: queued, such a case stopped the sync at it (the sync now holds it for the user, see
tests/sync/test_image_file_lost.py); only an image checked again by this release's checks was found so
before it left (``capture.rechecks``). Its file looked for (never read: a damaged one is found when it is
sent), the checklist says it as it says one found while checking it again."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.model import CaseState
from app.store import Store
from tests.support.cases import EXAMPLE, example_case
from tests.support.cli import run_inprocess


def test_case_send_of_a_case_whose_image_file_is_gone_refuses_it_naming_the_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, store: Store
) -> None:
    images = [*EXAMPLE["images"], {"file": "dos-bord.jpg", "body_site": "dos", "view": "close-up", "note": "bord"}]
    imported = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "case", images=images)))
    assert imported.code == 0, imported.err
    case_id = imported.out.strip()
    first, second, third = store.get_case(case_id).images
    store.objects._path(second.blob).unlink()

    sent = run_inprocess(capsys, "case", "send", case_id)
    said = sent.out + sent.err
    assert sent.code == 1, said
    assert "Image 2 inutilisable" in said and "introuvable ou abîmé sur ce poste" in said, said
    assert "Reprenez-la ou retirez-la" in said and "Image 1" not in said
    assert "MARTIN" not in said
    assert store.state(case_id) == CaseState.DRAFT
    # Its checklist on screen says it too (the window sends from it); nothing of the case is lost.
    blocking = [f for f in store.checklist(store.get_case(case_id)) if f.blocks_sending()]
    assert [f.field for f in blocking] == ["images[1].quality"]
    assert store.image_bytes(first) and store.image_bytes(third) and len(store.get_case(case_id).images) == 3

    # Removed, as it says: the case leaves.
    store.delete_image(case_id, second.id)
    again = run_inprocess(capsys, "case", "send", case_id)
    assert again.code == 0, again.out + again.err
    assert store.state(case_id) == CaseState.QUEUED
