"""A second local HTTP server, standing for "another host": it records every request it gets (and
whether it carried an Authorization header) and serves whatever was asked, so that a client that
wrongly followed a link there would succeed, and only the record would tell."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: A tiny valid PDF (one empty page).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class Recorded:
    method: str
    path: str
    authorization: str | None
    cookie: str | None = None


@dataclass
class RecordingServer:
    base_url: str
    requests: list[Recorded] = field(default_factory=list)

    def with_token(self) -> list[Recorded]:
        return [r for r in self.requests if r.authorization]


@contextmanager
def recording_server() -> Iterator[RecordingServer]:
    record = RecordingServer("")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            record.requests.append(
                Recorded("GET", self.path, self.headers.get("Authorization"), self.headers.get("Cookie"))
            )
            if "/Binary/" in self.path:
                body, kind = PDF, "application/pdf"
            else:
                bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset", "total": 0}
                body, kind = json.dumps(bundle).encode(), "application/fhir+json"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.base_url = f"http://127.0.0.1:{server.server_address[1]}/share"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
