"""Nothing identifying is ever written in clear: not in the database, WAL, objects, logs, nor on stderr."""

from __future__ import annotations

import json
from pathlib import Path

from app.identifiers import ins_key
from tests.support.cases import example_case
from tests.support.cli import SITE, run_process, write_json

FIRST13 = "1310775123456"
INS = f"{FIRST13}{ins_key(FIRST13):02d}"
MARKER = "MARQUEUR-UNIQUE-7f3a9c2e"
EYE_MARKER = "MARQUEUR-OEIL-51d0b7"
USED = "QUIMPERLEUX"  # the used name (a spouse's): sealed like the birth name
SECRETS = ["ZORGLUB", "Zébulon", USED, "ZORGLUB Zébulon", "1931-07-14", "14/07/1931", INS, MARKER, EYE_MARKER]


def _encodings(text: str) -> list[bytes]:
    return [text.encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be")]


def test_no_identifying_string_reaches_the_disk_or_stderr(tmp_path: Path, teleavis_home: Path) -> None:
    case_file = example_case(tmp_path / "case")
    doc = json.loads(case_file.read_text())
    doc["patient"] = {
        "family": "ZORGLUB",
        "used_name": USED,
        "given": ["Zébulon"],
        "birth_date": "1931-07-14",
        "sex": "male",
        "ins": INS,
    }
    doc["summary"] = f"Lésion du dos. {MARKER}"
    doc["images"][1]["note"] = f"note {MARKER}"
    doc["single_eye_reason"] = f"énucléation {EYE_MARKER}"  # free text: sealed like the rest
    write_json(case_file, doc)
    stderr = []
    for args in (["init", "--site", str(write_json(tmp_path / "site.json", SITE))], ["case", "import", str(case_file)]):
        result = run_process(*args)
        assert result.code == 0, result.err
        stderr.append(result.err)
    case_id = result.out.strip()
    for args in (
        ["case", "list"],
        ["case", "list", "--json"],
        ["case", "show", case_id, "--json"],
        ["case", "send", case_id],
        ["status"],
        ["audit", "verify"],
        ["case", "show", "nope"],
    ):
        result = run_process(*args)
        stderr.append(result.err)
    # Also the failure paths: a refused import of the same patient with a wrong INS key.
    doc["patient"]["ins"] = INS[:-1] + str((int(INS[-1]) + 1) % 10)
    bad = run_process("case", "import", str(write_json(tmp_path / "case" / "bad.json", doc)))
    assert bad.code == 1
    stderr.append(bad.err)

    files = [p for p in teleavis_home.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert "teleavis.db" in names and any(p.parent.parent.name == "objects" for p in files)
    assert any(p.name.startswith("teleavis.log") for p in files)
    for path in files:
        content = path.read_bytes()
        for secret in SECRETS:
            for encoded in _encodings(secret):
                assert encoded not in content, f"{secret!r} found in clear in {path.relative_to(teleavis_home)}"
    for text in stderr:
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} printed on stderr"
