"""The command line as the contract of docs/cli.md describes it, driven as a script does: real processes.

Found by going through the contract option by option: values argparse took as numbers but no command
could use (a negative or endless timeout, a port past 65535) ran on, or ended in « Erreur interne
inattendue », instead of a usage error (exit 2) saying what is expected.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.support.cli import run_process


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
