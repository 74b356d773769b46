"""Little HTTP servers for the tests: a platform, a proxy or a sign-in endpoint answering what a test
says, on this machine, each on a port of its own."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FHIR_JSON = "application/fhir+json"


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that says nothing on stderr and answers in one call."""

    def answer(
        self, status: int, body: bytes = b"", *, content_type: str | None = FHIR_JSON, headers: Mapping[str, str] = {}
    ) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if content_type and body:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(
    handler: type[BaseHTTPRequestHandler], *, path: str = "", context: ssl.SSLContext | None = None
) -> Iterator[str]:
    """``handler`` served on 127.0.0.1 (over TLS with ``context``) until the block ends; yields its base
    address, ``path`` added."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"{'https' if context else 'http'}://127.0.0.1:{server.server_address[1]}{path}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
