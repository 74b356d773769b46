"""A bug of the training sandbox, logged: the request's route, not the id in its path (review of attack43).

A client chooses the id it PUTs (« PUT /fhir/Patient/IPP-0042137 »), and a site's file number is one it may
choose; the sandbox's log line for a bug named the whole path."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app import logs
from sync.sandbox.api import Platform, Request
from sync.sandbox.auth import TokenAuthority
from sync.sandbox.storage import Store


def test_a_sandbox_bug_logs_its_route_without_the_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    logs.setup(tmp_path)
    platform = Platform(Store(), TokenAuthority(), lambda: None)

    def bug(*args: object) -> None:  # (the bug: the real code has none to call on)
        raise RuntimeError("sandbox bug")

    monkeypatch.setattr(platform, "_read", bug)
    reply = platform.handle(Request("GET", "/fhir/Patient/IPP-0042137"))
    assert reply.status == 500
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (tmp_path / "teleavis.log").read_text("utf-8")
    assert "sandbox bug serving GET /fhir/Patient/{id}" in text, text
    assert "0042137" not in text, text
