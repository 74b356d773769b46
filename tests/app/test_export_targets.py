"""Where ``case export --pdf``, ``audit export --csv`` and ``acts export --out`` write: over their own earlier
export (a report printed again once the answer came, the year's acts exported again for the billing), saying
so; never over another file.

Found from outside: each wrote over any file of the name given without a word: a mistyped name replaced a
letter, a spreadsheet, another program's file, as ``backup`` once replaced the only backup.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cases import example_case
from tests.support.cli import SITE, run_process, write_json


@pytest.fixture
def case_id(teleavis_home: Path, tmp_path: Path) -> str:
    assert run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    made = run_process("case", "import", str(example_case(tmp_path / "ex")))
    assert made.code == 0, made.err
    return made.out.strip()


def _exports(case_id: str, target: Path) -> dict[str, list[str]]:
    return {
        "pdf": ["case", "export", case_id, "--pdf", str(target)],
        "audit": ["audit", "export", "--csv", str(target)],
        "acts": ["acts", "export", "--year", "2026", "--out", str(target)],
    }


def test_an_export_never_writes_over_a_file_that_is_not_ours(case_id: str, tmp_path: Path) -> None:
    letter = tmp_path / "lettre.txt"
    letter.write_text("Courrier au Dr Martin, à garder", encoding="utf-8")
    for name, args in _exports(case_id, letter).items():
        refused = run_process(*args)
        assert refused.code == 1, (name, refused.err)
        assert "existe déjà" in refused.err and str(letter) in refused.err, (name, refused.err)
        assert "gardé tel quel" in refused.err, (name, refused.err)
        assert letter.read_text(encoding="utf-8") == "Courrier au Dr Martin, à garder", name
    english = run_process(*_exports(case_id, letter)["pdf"], env={"LANG": "en_US.UTF-8"})
    assert english.code == 1 and "already exists" in english.err, english.err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [], "nothing left beside it"

    # One export's file is not another's: the acts' CSV is no report, the report no audit trail.
    acts = tmp_path / "actes.csv"
    assert run_process(*_exports(case_id, acts)["acts"]).code == 0
    kept = acts.read_bytes()
    assert run_process(*_exports(case_id, acts)["pdf"]).code == 1
    assert run_process(*_exports(case_id, acts)["audit"]).code == 1
    assert acts.read_bytes() == kept


@pytest.mark.parametrize("kind", ["pdf", "audit", "acts"])
def test_an_export_again_replaces_its_own_earlier_file_saying_so(case_id: str, tmp_path: Path, kind: str) -> None:
    target = tmp_path / f"export-{kind}"
    first = run_process(*_exports(case_id, target)[kind])
    assert first.code == 0, first.err
    assert "remplace" not in first.err, first.err
    before = target.read_bytes()
    again = run_process(*_exports(case_id, target)[kind])
    assert again.code == 0, again.err
    assert "remplace l'export précédent" in again.err, again.err
    assert target.read_bytes() != before or kind == "acts", "written again"
    assert target.stat().st_mode & 0o077 == 0, "still readable by its owner only"


def test_a_report_with_the_experts_pdf_appended_is_known_as_ours(store: object, tmp_path: Path) -> None:
    """The report of an answered case ends with the expert's own PDF pages (an incremental update after the
    report's bytes): its creator, in the report's information dictionary, is then far from the file's end.
    Looked for in the last 16 kB only, an export again to the same path (a script printing each answered
    case every night) was refused as « n'est pas un compte rendu PDF de Teleavis »."""
    import io
    import os

    from PIL import Image
    from reportlab.pdfgen.canvas import Canvas

    from app.commands.common import export_target
    from app.model import Answer
    from app.report import export_report
    from tests.support.ui import answered_case

    written = io.BytesIO()
    letter = Canvas(written, pageCompression=0)
    letter.drawString(100, 700, "Compte rendu de l'expert (scanné)")
    scan = Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3))  # (no compression makes it small)
    letter.drawInlineImage(scan, 50, 50, 300, 300)
    letter.save()
    blob = store.objects.put(written.getvalue())  # type: ignore[attr-defined]
    files = [{"blob": blob, "content_type": "application/pdf", "title": "Compte rendu"}]
    case_id = answered_case(store, answer=Answer(conclusion="Voir le compte rendu.", files=files))
    target = tmp_path / "compte-rendu.pdf"
    report = export_report(store, case_id, target)  # type: ignore[arg-type]
    assert report.answer_pages_appended == 1 and target.stat().st_size > 100_000
    assert export_target(target, "pdf") is True
