"""``case cancel`` on a draft never sent refuses without starting anything.

Found by a newcomer following docs/cli.md: in training mode the refusal came after « Mode formation : plateforme
simulée sur cette machine (http://127.0.0.1:43233/fhir). », the training platform started for nothing, which
told a nurse something had been sent there."""

from __future__ import annotations

from pathlib import Path

from tests.support.cases import example_case
from tests.support.cli import SITE, run_process, write_json


def test_cancelling_a_draft_says_only_where_it_is_deleted(teleavis_home: Path, tmp_path: Path) -> None:
    assert run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    draft = run_process("case", "import", str(example_case(tmp_path / "ex"))).out.strip()
    refused = run_process("case", "cancel", draft)
    assert refused.code == 1, refused.err
    assert refused.err.strip().startswith("Ce dossier est un brouillon jamais envoyé"), refused.err
    assert "Mode formation" not in refused.err and "127.0.0.1" not in refused.err, refused.err
