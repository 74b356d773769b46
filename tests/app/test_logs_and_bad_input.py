"""Logs that carry no patient data even in a traceback, set up before any command runs; bad
inputs on the backup and TLS paths answered with a sentence and exit 1, never an internal error
(issue 13, item 12 and its closing line)."""

from __future__ import annotations

import json
import logging
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from app import logs
from tests.support.cli import ROOT

SECRETS = ("MARTIN", "DUPONT", "1950-02-03", "150028512345615", "jean@example.org")


def test_the_logs_module_compiles_its_masks_at_the_first_record_not_at_import() -> None:
    # Every window start imports app.logs and, usually, logs nothing: its seven patterns compiled at import
    # cost that start ~0.7 ms. They are compiled when a record or a trace is first masked.
    child = (
        "import functools, logging, pathlib, re, threading, types\n"  # (what it imports compiles its own)
        "compiled = []\n"
        "_compile = re.compile\n"
        "re.compile = lambda *a, **k: compiled.append(a[0]) or _compile(*a, **k)\n"
        "from app import logs\n"
        "assert compiled == [], compiled\n"
        "assert logs.redact('né le 03/02/1950, jean@example.org') == 'né le [masqué], [masqué]'\n"
        "assert len(compiled) == len(logs._PATTERNS), compiled\n"
        "print('ok')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", child], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_exception_text_and_stack_traces_are_redacted_in_the_log(tmp_path: Path) -> None:
    logs.setup(tmp_path)
    log = logging.getLogger("app.test_redaction")
    folder = tmp_path / ("MART" + "IN Paul")  # (the failing line is quoted in the trace: not this one)
    try:
        try:
            open(folder / "photo.jpg", "rb")  # noqa: SIM115 - it fails
        except OSError as exc:
            raise ValueError(
                "1 validation error: [type=string_type, input_value='DUPONT', born 1950-02-03, "
                "ins 150028512345615, jean@example.org]"
            ) from exc
    except ValueError:
        log.exception("case %s does not map", "c0ffee")
    log.warning("where it happened", stack_info=True)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (tmp_path / "teleavis.log").read_text("utf-8")
    assert "case c0ffee does not map" in text and "Traceback" in text and "ValueError" in text
    assert "test_logs_and_bad_input.py" in text  # the code's own lines stay, for the maintainer
    for secret in SECRETS:
        assert secret not in text


def test_a_fhir_validation_error_does_not_quote_the_values() -> None:
    from sync.mapping import MappingError, validate_resource

    resource = {"resourceType": "Patient", "name": [{"family": ["MARTIN"]}], "birthDate": "1950-02-31"}
    with pytest.raises(MappingError) as refused:
        validate_resource(resource)
    import traceback

    text = "".join(traceback.format_exception(refused.value))  # as log.exception would write it
    assert "Patient" in text and "birthDate" in text
    assert "MARTIN" not in text and "1950-02-31" not in text


def test_an_internal_error_in_a_command_goes_to_the_log_not_the_terminal(teleavis_home: Path) -> None:
    # restore never opens the store: before, nothing set the log up and Python printed the
    # traceback (with what the exception said) on the terminal, while the message pointed at the log.
    script = (
        "import sys, app.backup as b\n"
        "def boom(*a, **k):\n"
        "    raise RuntimeError(\"restore failed for 'DUPONT'\")\n"
        "b.restore_backup = boom\n"
        "from app.main import main\n"
        "sys.exit(main(['restore', 'nothing.tvbak']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT, check=False
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "DUPONT" not in done.stderr
    assert "Erreur interne" in done.stderr
    text = (teleavis_home / "logs" / "teleavis.log").read_text("utf-8")
    assert "internal error in command restore" in text and "RuntimeError" in text
    assert "DUPONT" not in text


# -- bad input: a tampered backup header, a bad CA bundle ------------------------------------------


def _teleavis(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def _with_header(archive: bytes, change: object) -> bytes:
    from app.backup import MAGIC

    (length,) = struct.unpack(">I", archive[len(MAGIC) : len(MAGIC) + 4])
    start = len(MAGIC) + 4
    header = json.loads(archive[start : start + length])
    new = change(header) if callable(change) else change
    raw = json.dumps(new).encode() if not isinstance(new, bytes) else new
    return MAGIC + struct.pack(">I", len(raw)) + raw + archive[start + length :]


def _set(path: list[str], value: object) -> object:
    def change(header: dict[str, object]) -> dict[str, object]:
        node: dict[str, object] = header
        for name in path[:-1]:
            node = node[name]  # type: ignore[assignment]
        node[path[-1]] = value
        return header

    return change


@pytest.mark.parametrize(
    "change",
    [
        _set(["format"], "1"),
        _set(["format"], None),
        b"[1, 2]",
        b"\xff\xfe not json",
        _set(["key_file"], "not a record"),
        _set(["key_file", "key_id"], 12),
        _set(["key_file", "passphrase"], "x"),
        _set(["key_file", "passphrase", "salt"], 5),
        _set(["key_file", "passphrase", "n"], 2**40),
        _set(["key_file", "passphrase", "n"], 3),
        _set(["key_file", "passphrase", "r"], "8"),
        _set(["key_file", "check"], None),
        _set(["archive_key"], "***not base64***"),
        _set(["archive_key"], 7),
        _set(["archive_id"], "autre"),
    ],
    ids=lambda c: getattr(c, "__name__", "raw"),
)
def test_a_tampered_backup_header_is_refused_with_a_sentence(
    teleavis_home: Path, tmp_path: Path, change: object
) -> None:
    from app.backup import write_backup
    from app.store import Store
    from tests.sync.sync_helpers import make_case

    archive = tmp_path / "b.tvbak"
    if not (tmp_path.parent / "shared.tvbak").exists():
        with Store.open(teleavis_home) as store:
            make_case(store)
            write_backup(store, tmp_path.parent / "shared.tvbak")
    archive.write_bytes(_with_header((tmp_path.parent / "shared.tvbak").read_bytes(), change))
    done = _teleavis("restore", str(archive), "--force")
    assert done.returncode == 1, done.stderr
    assert "Erreur interne" not in done.stderr and "Traceback" not in done.stderr
    assert "endommagée" in done.stderr or "n'est pas une sauvegarde" in done.stderr


@pytest.mark.parametrize("bundle", ["missing.pem", "x" * 5000])
def test_a_bad_ca_bundle_path_stops_sync_with_a_sentence(teleavis_home: Path, tmp_path: Path, bundle: str) -> None:
    from app.store import Store
    from tests.sync.sync_helpers import make_case, setup_site

    with Store.open(teleavis_home) as store:
        setup_site(store)
        store.settings.set("platform.url", "https://127.0.0.1:9/fhir")
        store.settings.set("platform.ca_bundle", str(tmp_path / bundle))
        make_case(store)
    done = _teleavis("sync", "--once")
    assert done.returncode == 1, done.stderr
    assert "platform.ca_bundle" in done.stderr and "Erreur interne" not in done.stderr
    status = _teleavis("status")
    assert status.returncode == 0, status.stderr
    assert "platform.ca_bundle" in status.stderr + status.stdout


CRASHING_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from ui import application

made = application.make_application

def make(argv):
    app = made(argv)
    def boom():
        raise KeyError("MARTIN Paul, 150028512345615")  # as a dict's missing key says it, quoted
    QTimer.singleShot(0, boom)  # an error nothing catches, in a slot of the window's loop
    QTimer.singleShot(500, app.quit)
    return app

application.make_application = make
sys.exit(application.run([]))
"""


def test_an_error_nothing_caught_in_the_window_goes_masked_to_the_log_not_to_stderr(
    teleavis_home: Path, tmp_path: Path
) -> None:
    """From an outside audit: Python printed an uncaught error of the window's slots on stderr, whole (a
    session's journal keeps it), where the log masks what it says of a patient."""
    import os
    from dataclasses import asdict

    from app.store import Store
    from tests.support.ui import REQUESTER

    with Store.open(teleavis_home) as store:  # set up: the window itself opens, not the wizard
        store.settings.set("site.requester", asdict(REQUESTER))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_WINDOW], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert "MARTIN" not in done.stderr and "150028512345615" not in done.stderr, done.stderr
    assert "Teleavis: internal error (KeyError), see the log" in done.stderr
    text = (teleavis_home / "logs" / "teleavis.log").read_text("utf-8")
    assert "unexpected error on the main thread" in text and "KeyError" in text
    assert "MARTIN" not in text and "150028512345615" not in text


CRASHING_THREAD = """
import sys
import threading
from pathlib import Path

from app import logs

logs.setup(Path(sys.argv[1]))
logs.route_uncaught()


def boom():
    raise ValueError("no case for 'MARTIN Paul' (INS 150028512345615, born 1950-02-03)")


thread = threading.Thread(target=boom, name="sync-engine")
thread.start()
thread.join()
"""


def test_an_error_nothing_caught_in_a_background_thread_goes_masked_to_the_log_not_to_stderr(tmp_path: Path) -> None:
    """Python's own hook for threads printed their errors whole on stderr (the sync engine's, a camera's,
    the training sandbox's): the window routed only its own thread's to the masked log."""
    import os

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_THREAD, str(tmp_path / "logs")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "MARTIN" not in done.stderr and "150028512345615" not in done.stderr, done.stderr
    assert "Teleavis: internal error (ValueError) in a background task, see the log" in done.stderr
    text = (tmp_path / "logs" / "teleavis.log").read_text("utf-8")
    assert "unexpected error in thread sync-engine" in text and "ValueError" in text
    assert "MARTIN" not in text and "150028512345615" not in text and "1950-02-03" not in text


def test_every_command_and_the_window_route_what_nothing_caught(tmp_path: Path) -> None:
    """The program's entry (``teleavis``, ``python -m app.main``, the bundle) routes them before any
    command runs; the window, started from it, as well."""
    import os

    script = (
        "import sys, threading\n"
        "import app.main\n"
        "from app import logs\n"
        "app.main.main = lambda: print(sys.excepthook is logs.log_uncaught, "
        "threading.excepthook is logs._log_thread_uncaught) or 0\n"
        "sys.exit(app.main.run())\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), TELEAVIS_HOME=str(tmp_path / "home"))
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
    assert "logs.route_uncaught()" in (ROOT / "ui" / "application.py").read_text("utf-8")


def test_a_cancel_the_platform_answers_with_a_conflict_logs_no_word_of_its_answer(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """Found from outside: `case cancel` met with a 409 logged the platform's words whole (« cancel not
    asked: … »), and a platform's diagnostics quote the patient (its name, birth date, INS); the log is
    in clear. The log says the fault's kind and status, as everywhere else."""
    from app.store import Store
    from tests.support.cli import run_inprocess
    from tests.support.scripted_platform import outcome, scripted_platform, send_to_sandbox

    with scripted_platform() as platform, Store.open(teleavis_home) as store:
        store.settings.set("platform.url", platform.base_url)  # (sent as to it: the case is the real platform's)
        ((case_id, task_id),) = send_to_sandbox(store, tmp_path / "sandbox", 1)
        store.close()
        platform.hooks.append(
            lambda path, _query: (
                outcome(409, "Patient DUPONT Anne née le 1950-02-03 (INS 150028512345615) : conflit")
                if path.endswith(f"/Task/{task_id}")
                else None
            )
        )
        refused = run_inprocess(capsys, "case", "cancel", case_id)
    assert refused.code == 1, refused.err
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (teleavis_home / "logs" / "teleavis.log").read_text("utf-8")
    assert "cancel not asked: conflict, 409" in text
    assert "DUPONT" not in text and "conflit" not in text
