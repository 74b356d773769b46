"""What ``teleavis sync`` prints names no patient (an outside privacy audit).

A cart runs ``sync`` from cron or a systemd timer: its stderr and stdout end in the journal, syslog or
cron's mail, in clear. A platform refusing a case echoes the patient in its diagnostics (name, birth
date, INS); the progress line and the summary printed them, the summary again at every later sync.
They now say the case, that it needs attention, the kind of refusal and where to read why
(``case show``, which the user asks for and which still gives the platform's words)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from app.model import CaseState
from app.store import Store
from sync.client import PermanentFault, TransientFault
from sync.progress import PrintingListener
from sync.sandbox import SandboxServer
from sync.sandbox.api import json_reply
from tests.support.cli import run_inprocess
from tests.sync.sync_helpers import make_case, setup_site

#: What a real platform says refusing a case: the patient, in clear.
DIAGNOSTICS = "Patient ZORGLUBIANI Hortense ne 1950-02-03 INS 250027505612356 inconnu du referentiel national"
PATIENT_WORDS = ("ZORGLUBIANI", "Hortense", "1950-02-03", "250027505612356")


def _refusing(_request: Any) -> Any:
    issue = {"severity": "error", "code": "business-rule", "diagnostics": DIAGNOSTICS}
    return json_reply(400, {"resourceType": "OperationOutcome", "issue": [issue]})


def _names_no_patient(text: str) -> None:
    for word in PATIENT_WORDS:
        assert word not in text, text


@contextmanager
def _refusing_platform(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A sandbox platform that refuses every case with words naming the patient, set as this workstation's
    platform, and a case queued for it: the case's id."""
    with SandboxServer(tmp_path / "platform", run_expert=False) as sandbox:
        monkeypatch.setattr(sandbox.platform, "_transaction", _refusing)
        with Store.open(home) as store:
            setup_site(store)
            store.settings.set("platform.url", sandbox.base_url)
            case_id = make_case(store)
        yield case_id


def test_a_refused_case_is_said_without_the_platforms_words_at_every_sync(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with _refusing_platform(teleavis_home, tmp_path, monkeypatch) as case_id:
        first = run_inprocess(capsys, "sync", "--once")
        again = run_inprocess(capsys, "sync", "--once")  # nothing sent: the summary says it again
        as_json = run_inprocess(capsys, "sync", "--once", "--json")
    with Store.open(teleavis_home) as store:
        assert store.state(case_id) == CaseState.NEEDS_ATTENTION
    assert first.code == again.code == as_json.code == 0
    for run in (first, again, as_json):
        _names_no_patient(run.out + run.err)
    # The progress line: the case, its state, the kind of refusal, where to read why.
    progress = [line for line in first.err.splitlines() if line.startswith(case_id[:8])]
    assert any(
        "à corriger" in line
        and "La plateforme refuse le dossier (400)" in line
        and f"teleavis case show {case_id[:8]}" in line
        for line in progress
    ), first.err
    # The summary, at the first run and the next ones.
    for run in (first, again):
        assert "à corriger : 1" in run.out
        assert f"Dossier {case_id} à corriger" in run.err
        assert f"teleavis case show {case_id[:8]}" in run.err
    assert json.loads(as_json.out)["needs_attention"] == [case_id]
    # Who asks reads the platform's words.
    shown = run_inprocess(capsys, "case", "show", case_id[:8])
    assert shown.code == 0 and DIAGNOSTICS in shown.out + shown.err


def test_the_summary_in_english_names_no_patient_either(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import i18n

    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    i18n.set_language(None)
    with _refusing_platform(teleavis_home, tmp_path, monkeypatch) as case_id:
        done = run_inprocess(capsys, "sync", "--once")
    _names_no_patient(done.out + done.err)
    assert "The platform refuses the case (400)" in done.err
    assert f"Case {case_id} needs attention" in done.err and f"teleavis case show {case_id[:8]}" in done.err


def test_the_progress_lines_of_a_conflict_and_a_refused_reply_quote_no_platform_words() -> None:
    """A 409/412 is retried, its diagnostics (a file number, a name) kept on the case: the line says
    the kind. Teleavis's own words (no platform text) are said as they are."""
    from sync.client import fault_for_console

    conflict = TransientFault("… " + DIAGNOSTICS, kind="busy", status=412, diagnostics=DIAGNOSTICS)
    refused = PermanentFault("… " + DIAGNOSTICS, status=422, diagnostics=DIAGNOSTICS)
    own = PermanentFault("l'image 2 dépasse la taille acceptée", status=413)
    assert fault_for_console(conflict) == (
        "La plateforme n'a pas pu enregistrer le dossier (412) : nouvel essai automatique."
    )
    assert fault_for_console(refused) == "La plateforme refuse le dossier (422)."
    assert fault_for_console(own) == own.message
    stream = io.StringIO()
    listener = PrintingListener(stream)
    listener.case_state("8304e1a7-0000", "queued", fault_for_console(conflict))
    listener.case_state("8304e1a7-0000", "needs-attention", fault_for_console(refused))
    _names_no_patient(stream.getvalue())
    assert "teleavis case show 8304e1a7" in stream.getvalue().splitlines()[1]
