"""``teleavis sync --once`` behind a captive portal says why nothing left.

Found from outside (a server answering HTML, as a guest Wi-Fi's sign-in page does): the summary said
« Envoyés : 0 — … en attente : 1 » and nothing else, exit 0; only ``status`` or ``doctor`` named the portal.
The case waits, as it must (nothing is lost); the user is now told what to do to let it leave."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.i18n import set_language
from tests.support.cases import example_case
from tests.support.cli import run_inprocess
from tests.support.http import QuietHandler, serving


class _Portal(QuietHandler):
    def do_GET(self) -> None:
        self.answer(200, b"<html><h1>Wi-Fi invit\xc3\xa9 : connectez-vous</h1></html>", content_type="text/html")

    do_POST = do_PUT = do_GET


@pytest.mark.parametrize(("language", "words"), [("fr", "portail"), ("en", "portal")])
def test_sync_once_behind_a_portal_says_so_and_keeps_the_case_waiting(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    site: Path,
    language: str,
    words: str,
) -> None:
    with serving(_Portal, path="/fhir") as url:
        assert run_inprocess(capsys, "config", "set", "platform.url", url).code == 0
        case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex"))).out.strip()
        assert run_inprocess(capsys, "case", "send", case_id).code == 0
        monkeypatch.setenv("LANG", "en_US.UTF-8" if language == "en" else "fr_FR.UTF-8")
        set_language(None)
        done = run_inprocess(capsys, "sync", "--once", "--timeout", "8")
    assert done.code == 0, done.err
    assert words in done.err and ("navigateur" in done.err or "browser" in done.err), done.err
    assert [c["state"] for c in run_inprocess(capsys, "case", "list", "--json").json()] == ["queued"]
