"""A case file taken the whole way: ``init``, ``case import``, ``case send``, ``sync`` to a sandbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sync.sandbox import SandboxServer
from tests.support.cli import SITE, run_inprocess, write_json


@dataclass
class Delivery:
    case_id: str
    media: list[dict[str, Any]] = field(default_factory=list)
    binaries: list[bytes] = field(default_factory=list)
    errors: str = ""


def import_and_send(capsys: pytest.CaptureFixture[str], tmp_path: Path, case_file: Path) -> Delivery:
    """Import ``case_file`` as a user would, send it to an in-process sandbox; what arrived there."""
    if not (tmp_path / "site.json").exists():
        assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    imported = run_inprocess(capsys, "case", "import", str(case_file))
    assert imported.code == 0, imported.err
    case_id = imported.out.strip()
    with SandboxServer(tmp_path / f"platform-{case_id[:8]}", run_expert=False) as sandbox:
        assert run_inprocess(capsys, "config", "set", "platform.url", sandbox.base_url).code == 0
        sent = run_inprocess(capsys, "case", "send", case_id)
        assert sent.code == 0, sent.err
        synced = run_inprocess(capsys, "sync", "--once", "--json")
        assert synced.code == 0, synced.err
        assert synced.json()["sent"] == [case_id], synced.err
        media = sandbox.resources("Media")
        binaries = [sandbox.binary_bytes(m["content"]["url"].rsplit("/", 1)[-1]) for m in media]
    return Delivery(case_id, media, binaries, synced.err)
