"""The headless commands of docs/cli.md. Each module registers its sub-commands on the parser."""

from __future__ import annotations

from typing import Any


def register_all(sub: Any) -> None:
    from app.commands import acts_cmd, audit_cmd, cases, config, passphrase, status

    for module in (config, cases, status, audit_cmd, passphrase, acts_cmd):
        module.register(sub)
    # Commands of the platform link and the case record register themselves when present.
    for name in ("platform", "record", "doctor", "login"):
        try:
            module = __import__(f"app.commands.{name}", fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != f"app.commands.{name}":
                raise
            continue
        module.register(sub)


__all__ = ["register_all"]
