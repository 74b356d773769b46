"""The command line as the contract of docs/cli.md describes it, driven as a script does: real processes.

Found by going through the contract option by option and key by key: values argparse took as numbers but
no command could use (a negative or endless timeout, a port past 65535) ran on, or ended in « Erreur
interne inattendue », instead of a usage error (exit 2) saying what is expected; a key written twice in a
case file lost its first value without a word.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.support.cases import example_case
from tests.support.cli import SITE, run_process, write_json


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "dix"])
def test_sync_refuses_a_timeout_that_is_not_a_number_of_seconds(teleavis_home: Path, value: str) -> None:
    done = run_process("sync", "--once", "--timeout", value, timeout=60)
    assert done.code == 2, done.err
    assert "--timeout" in done.err and "interne" not in done.err and done.out == ""
    english = run_process("sync", "--once", "--timeout", value, env={"LANG": "en_GB.UTF-8"}, timeout=60)
    assert english.code == 2 and "--timeout" in english.err and "error" in english.err


@pytest.mark.parametrize(
    ("option", "value"),
    [("--port", "99999"), ("--port", "-1"), ("--port", "http"), ("--answer-after", "-5"), ("--answer-after", "nan")],
)
def test_sandbox_refuses_a_port_or_delay_it_cannot_use(teleavis_home: Path, option: str, value: str) -> None:
    done = run_process("sandbox", option, value, timeout=60)
    assert done.code == 2, done.err
    assert option in done.err and "interne" not in done.err and done.out == ""


def test_sandbox_on_a_port_already_taken_says_so_in_the_users_words(teleavis_home: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = run_process("sandbox", "--port", port, timeout=60)
        english = run_process("sandbox", "--port", port, env={"LANG": "en_GB.UTF-8"}, timeout=60)
    assert done.code == 1 and done.out == ""
    assert f"Le port {port} est déjà pris" in done.err and "--port 0" in done.err and "Errno" not in done.err
    assert english.code == 1 and f"Port {port} is already taken" in english.err


def test_sandbox_on_an_address_not_of_this_machine_says_so_in_the_users_words(teleavis_home: Path) -> None:
    done = run_process("sandbox", "--host", "192.0.2.1", "--port", "0", "--token", "x", timeout=60)
    assert done.code == 1 and done.out == "", done.err
    assert "n'est pas une adresse de cette machine" in done.err and "--host" in done.err and "interne" not in done.err


def test_a_key_given_twice_refuses_the_case_file_as_an_unknown_key_does(teleavis_home: Path, tmp_path: Path) -> None:
    """« Unknown keys are an error (a typo must not silently drop clinical data) »: a key written twice (a
    question pasted over another, a second ``ins``) silently kept the last one and dropped the first."""
    case_file = example_case(tmp_path / "dup")
    text = case_file.read_text(encoding="utf-8")
    text = text.replace('"question":', '"question": "Première question, perdue ?",\n  "question":', 1)
    text = text.replace('"sex":', '"ins": "150028512345615", "sex":', 1)
    case_file.write_text(text, encoding="utf-8")
    assert run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    refused = run_process("case", "import", str(case_file))
    assert refused.code == 1 and refused.out == "", refused.err
    assert "« question »" in refused.err and "« ins »" in refused.err and "deux fois" in refused.err
    assert run_process("case", "list", "--json").json() == []  # nothing stored
    english = run_process("case", "import", str(case_file), env={"LANG": "en_GB.UTF-8"})
    assert english.code == 1 and "twice" in english.err and "“question”" in english.err
    # The site file is read the same way.
    site = json.dumps(SITE).replace('"patient_id_system":', '"patient_id_system": "urn:x:1", "patient_id_system":')
    (tmp_path / "site2.json").write_text(site, encoding="utf-8")
    again = run_process("init", "--site", str(tmp_path / "site2.json"))
    assert again.code == 1 and "« patient_id_system »" in again.err


def test_the_site_file_names_its_root_in_the_users_language(teleavis_home: Path, tmp_path: Path) -> None:
    """The case file said « (racine) », the site file « (root) » in a French sentence."""
    site = write_json(tmp_path / "site.json", {**SITE, "extra": 1})
    french = run_process("init", "--site", str(site))
    assert french.code == 1 and "(racine) : clé inconnue « extra »" in french.err, french.err
    english = run_process("init", "--site", str(site), env={"LANG": "en_GB.UTF-8"})
    assert english.code == 1 and "(root): unknown key “extra”" in english.err, english.err


def test_a_case_file_over_5_mb_is_refused_saying_why_and_what_to_do(teleavis_home: Path, tmp_path: Path) -> None:
    """It said « Impossible de lire le fichier « big.json » : > 5 Mo. »: not what the limit is for, nor what to do."""
    big = write_json(tmp_path / "big.json", {"specialty": "other", "summary": "x" * 5_000_001})
    refused = run_process("case", "import", str(big))
    assert refused.code == 1 and refused.out == ""
    assert "dépasse 5 Mo" in refused.err and "images" in refused.err, refused.err
    english = run_process("case", "import", str(big), env={"LANG": "en_GB.UTF-8"})
    assert english.code == 1 and "over 5 MB" in english.err
