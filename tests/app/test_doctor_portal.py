"""What ``teleavis doctor`` says of a platform address that a captive portal answers with a web page.

Found from outside (a server answering HTML): the line read « … répond, mais pas comme une plateforme de
télé-expertise (portail d'accès, proxy ou mauvaise adresse) : Réponse illisible (portail d'accès, proxy ou
coupure) : nouvel essai automatique.. » — the cause said twice, a retry the diagnosis never makes, two full
stops.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.i18n import set_language
from tests.support.cli import SITE, run_inprocess, write_json
from tests.support.http import QuietHandler, serving


class _Portal(QuietHandler):
    def do_GET(self) -> None:
        self.answer(200, b"<html><h1>Wi-Fi invit\xc3\xa9 : connectez-vous</h1></html>", content_type="text/html")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_portals_page_is_said_once_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    with serving(_Portal, path="/fhir") as url:
        assert run_inprocess(capsys, "config", "set", "platform.url", url).code == 0
        monkeypatch.setenv("LANG", "en_US.UTF-8" if language == "en" else "fr_FR.UTF-8")
        set_language(None)
        result = run_inprocess(capsys, "doctor")
    assert result.code == 1
    (line,) = [line for line in (result.out + result.err).splitlines() if url in line]
    assert ("portail d'accès" if language == "fr" else "access portal") in line, line
    assert line.count("portail") + line.count("portal") == 1, f"the cause said once: {line}"
    assert "essai" not in line and "retry" not in line, f"the diagnosis retries nothing: {line}"
    assert ".." not in line and line.endswith("."), line
