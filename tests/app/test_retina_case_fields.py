"""The tests' retinography (``tests.support.cases.retina_case``) is what it says: each eye's macula-centred
field and disc-centred field. Found by this session's passes: its « disc-centred » images were drawn
macula-centred (the disc two thirds of the way to the edge), so since the field check every case made
with it carried a field warning that no test meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.model import DISC_SIDE_CHECK
from app.validation import DISC_CENTRED_WITHIN, FIELD_DOUBT, MACULA_CENTRED_FROM, validate_images
from tests.support.cases import retina_case
from tests.support.cli import run_inprocess


def test_the_tests_retinography_imports_without_a_field_to_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, teleavis_home: Path
) -> None:
    from app.store import Store

    imported = run_inprocess(capsys, "case", "import", str(retina_case(tmp_path / "eye")))
    assert imported.code == 0, imported.err
    assert "Vérifiez le champ" not in imported.err
    with Store.open(teleavis_home) as store:
        case = store.get_case(imported.out.strip())
    assert [(i.eye, i.view) for i in case.images] == [
        ("right", "macula"),
        ("right", "disc"),
        ("left", "macula"),
        ("left", "disc"),
    ]
    assert [f for f in validate_images(case) if f.code == FIELD_DOUBT] == []
    offsets = []
    for image in case.images:
        (disc,) = [f for f in image.quality if f.check == DISC_SIDE_CHECK]
        assert disc.measure is not None
        offsets.append(abs(disc.measure))
    # Macula-centred: the disc well off the centre, on its eye's side; disc-centred: at the centre.
    assert offsets[0] >= MACULA_CENTRED_FROM and offsets[2] >= MACULA_CENTRED_FROM
    assert offsets[1] < DISC_CENTRED_WITHIN and offsets[3] < DISC_CENTRED_WITHIN, offsets
    assert [f.code for f in validate_images(case) if f.code.startswith("image.eye")] == []
