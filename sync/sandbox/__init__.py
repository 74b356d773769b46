"""The built-in sandbox platform: a FHIR R4 server implementing expertise-api.md for training and tests.

`SandboxServer` runs it in-process (tests, training mode); `serve()` / `main()` run it from
the command line (`teleavis sandbox`, `python -m sync.sandbox`).
"""

from sync.sandbox.cli import DEFAULT_PORT, main, serve
from sync.sandbox.server import SandboxServer

__all__ = ["DEFAULT_PORT", "SandboxServer", "main", "serve"]
