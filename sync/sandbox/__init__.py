"""The built-in sandbox platform: a FHIR R4 server implementing docs/platform-api.md for training and tests.

`SandboxServer` runs it in-process (tests, training mode); `serve()` / `main()` run it from
the command line (`teleavis sandbox`, `python -m sync.sandbox`).

It is as strict as a real platform: every resource is validated with the fhir.resources R4B
models plus the codes of required bindings and FHIR's JSON rules (no empty values); every
transaction entry must be a conditional POST (`ifNoneExist=identifier=<system>|<value>`, on
the system §2 names) with a fresh `urn:uuid:` fullUrl; references must resolve in the bundle or
on the server; a Media's Binary must exist with the same size, SHA-1 and content type; the
content §3 requires is checked (question, category, specialty, Task `fulfill`, active Consent,
INS key, RPPS/FINESS Luhn keys...). Refusals are all-or-nothing 400s whose OperationOutcome
issues name the element (`diagnostics`) and locate it (`expression`).

Module map: server (HTTP, `SandboxServer`), api (routing and REST rules), transaction, validation,
contract, search, storage, auth (bearer and OAuth), expert (the simulated specialist), letter
(the PDF), phrases (what the experts say), capability (`metadata`), cli.
"""

from sync.sandbox.cli import DEFAULT_PORT, main, serve
from sync.sandbox.server import SandboxServer

__all__ = ["DEFAULT_PORT", "SandboxServer", "main", "serve"]
