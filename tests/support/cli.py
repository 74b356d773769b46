"""Running ``teleavis`` the way a user does: in-process for speed, or as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = {
    "practitioner": {"rpps": "10101010105", "family": "DURAND", "given": ["Anne"], "role": "Médecin généraliste"},
    "organization": {"finess": "750000010", "name": "Centre de santé de Saint-Martin"},
    "patient_id_system": "urn:oid:1.2.250.1.999.1.1",
}


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_inprocess(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    from app.main import main

    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def run_process(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120, input: str | None = None
) -> Result:
    """``teleavis ARGS`` as a process; ``input`` is piped to its standard input (else it reads nothing)."""
    full_env = dict(os.environ, PYTHONPATH=str(ROOT))
    full_env.update(env or {})
    stdin = {"input": input} if input is not None else {"stdin": subprocess.DEVNULL}
    proc = subprocess.run(
        [sys.executable, "-m", "app.main", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=ROOT,
        **stdin,
    )  # type: ignore[call-overload]
    return Result(proc.returncode, proc.stdout, proc.stderr)


#: The heading under which ``case import`` and ``case send`` list what to check without stopping the case.
ADVICE_HEADING = "À vérifier (n'empêche pas l'envoi) :"


def advice_lines(err: str) -> list[str]:
    """The « ⚠ » lines a command wrote on stderr under :data:`ADVICE_HEADING` (none without it)."""
    lines = err.splitlines()
    if ADVICE_HEADING not in lines:
        return []
    return [line for line in lines[lines.index(ADVICE_HEADING) + 1 :] if line.startswith("  ⚠")]


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def closed_port() -> int:
    """A loopback port nothing listens on: a connection to it is refused at once."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
